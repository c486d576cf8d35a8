//! `gluelab scenario run FILE`: a story as a file of commands, run in order against one
//! workspace, with a transcript on stdout. The format is in [`FORMAT_HELP`].

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Parser;
use serde_json::Value;

use crate::cli::{Cli, Command, Global};
use crate::output::{exit, CliError};
use crate::state::Session;
use crate::{execute, Env};

pub const FORMAT_HELP: &str = "\
Runs a scenario: one command a line, in order, against the workspace, printing a transcript
(each command after `% `, then what it printed). The scenario stops at the first command that
fails, with that command's exit code; what earlier commands did is saved.

A scenario file:

  # a comment (printed in the transcript)
  cd ../fixtures                 later local paths are relative to this directory (at first: the
                                 directory of the scenario file)
  % aws s3 cp a.json s3://b/a.json
                                 a command; `%` or `$` prompts and the words `aws` or `gluelab`
                                 in front are optional, so a tutorial's lines can be pasted as
                                 they are; a line ending in `\\` goes on on the next line
  REGION=ap-northeast-1          a variable (shell style, no spaces around =); later lines use
                                 ${REGION} or $REGION; quotes work as in a shell
  ID=$(aws sts get-caller-identity | jq -r \".Account\")
                                 a variable from a command's JSON output
  RUN1 = glue start-job-run --job-name etl | .JobRunId
                                 the same, shorter: run a command, keep the value at the path
                                 (.A.B[0].C) of its JSON output; without `| PATH`, its whole output
  ! glue get-job-run --job-name etl --run-id jr_nope
                                 a command that must fail (the scenario stops if it succeeds)

Variables not set in the scenario are read from the environment. AWS_REGION set in the scenario
is the region of its later commands, as in a shell that exported it.";

/// One logical line: continuation lines joined, with the number of its first line.
struct Line {
    number: usize,
    text: String,
}

fn logical_lines(source: &str) -> Vec<Line> {
    let mut out: Vec<Line> = vec![];
    let mut pending: Option<Line> = None;
    for (i, raw) in source.lines().enumerate() {
        let (text, continues) = match raw.trim_end().strip_suffix('\\') {
            Some(head) => (head.trim_end(), true),
            None => (raw.trim_end(), false),
        };
        let line = match pending.take() {
            Some(mut p) => {
                p.text.push(' ');
                p.text.push_str(text.trim_start());
                p
            }
            None => Line {
                number: i + 1,
                text: text.to_string(),
            },
        };
        if continues {
            pending = Some(line);
        } else {
            out.push(line);
        }
    }
    out.extend(pending);
    out
}

/// A word of a command line, or a `|`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Pipe,
}

struct Runner<'a> {
    session: &'a mut Session,
    global: &'a Global,
    vars: BTreeMap<String, String>,
    cwd: PathBuf,
    out: &'a mut dyn Write,
    commands: usize,
}

pub fn run(session: &mut Session, file: &Path, global: &Global, out: &mut dyn Write) -> Result<(), CliError> {
    let source = std::fs::read_to_string(file)
        .map_err(|e| CliError::general(format!("gluelab: cannot read the scenario {}: {e}", file.display())))?;
    let cwd = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let cwd = if cwd.is_absolute() {
        cwd
    } else {
        std::env::current_dir().map(|d| d.join(&cwd)).unwrap_or(cwd)
    };
    let mut runner = Runner {
        session,
        global,
        vars: BTreeMap::new(),
        cwd,
        out,
        commands: 0,
    };
    for line in logical_lines(&source) {
        runner.line(&line).map_err(|e| CliError {
            message: format!(
                "gluelab: scenario {} stopped at line {}{}",
                file.display(),
                line.number,
                if e.message.is_empty() {
                    String::new()
                } else {
                    format!(": {}", e.message.trim_start())
                }
            ),
            code: e.code,
        })?;
    }
    runner.print(&format!("# scenario finished: {} commands ran\n", runner.commands));
    Ok(())
}

fn name_is_valid(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Runner<'_> {
    fn print(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
    }

    fn line(&mut self, line: &Line) -> Result<(), CliError> {
        let text = line.text.trim();
        if text.is_empty() {
            self.print("\n");
            return Ok(());
        }
        if text.starts_with('#') {
            self.print(&format!("{text}\n"));
            return Ok(());
        }
        let text = text
            .strip_prefix("% ")
            .or_else(|| text.strip_prefix("$ "))
            .unwrap_or(text)
            .trim_start();
        self.print(&format!("% {text}\n"));
        if let Some(rest) = text.strip_prefix("! ") {
            return match self.pipeline(rest.trim_start(), true) {
                Ok(_) => Err(CliError::general("the command was expected to fail, but it succeeded")),
                Err(e) => {
                    self.print(&format!(
                        "{}\n# (failed as expected, exit {})\n",
                        e.message.trim_start(),
                        e.code
                    ));
                    Ok(())
                }
            };
        }
        if let Some(dir) = text.strip_prefix("cd ") {
            let words = self.words(dir)?;
            let [dir] = words.as_slice() else {
                return Err(CliError::usage("cd takes one directory"));
            };
            let target = self.cwd.join(dir);
            if !target.is_dir() {
                return Err(CliError::general(format!(
                    "cd: {} is not a directory",
                    target.display()
                )));
            }
            self.cwd = target;
            return Ok(());
        }
        // `NAME = command | .Path`
        if let Some((name, command)) = text.split_once(" = ") {
            let name = name.trim();
            if name_is_valid(name) {
                let value = self.pipeline(command.trim(), false)?;
                let value = value.trim_end_matches('\n').to_string();
                self.print(&format!("# {name}={value}\n"));
                self.vars.insert(name.into(), value);
                return Ok(());
            }
        }
        // `NAME=value` (shell style)
        if let Some((name, value)) = text.split_once('=') {
            if name_is_valid(name) {
                let words = self.words(value)?;
                if words.len() > 1 {
                    return Err(CliError::usage(format!(
                        "{name}=...: the value has spaces; quote it (\"...\")"
                    )));
                }
                let value = words.into_iter().next().unwrap_or_default();
                if text.contains('$') {
                    self.print(&format!("# {name}={value}\n"));
                }
                self.vars.insert(name.into(), value);
                return Ok(());
            }
        }
        let output = self.pipeline(text, true)?;
        self.print(&output);
        Ok(())
    }

    /// Words only (no pipes allowed).
    fn words(&mut self, text: &str) -> Result<Vec<String>, CliError> {
        let tokens = self.tokenize(text)?;
        tokens
            .into_iter()
            .map(|t| match t {
                Token::Word(w) => Ok(w),
                Token::Pipe => Err(CliError::usage("a '|' is only allowed after a command")),
            })
            .collect()
    }

    /// Runs `command [| filter]` and returns what it prints. Notes (stderr) go to the
    /// transcript when `show_notes`; a failure's message is the error.
    fn pipeline(&mut self, text: &str, show_notes: bool) -> Result<String, CliError> {
        let tokens = self.tokenize(text)?;
        let mut segments: Vec<Vec<String>> = vec![vec![]];
        for t in tokens {
            match t {
                Token::Word(w) => segments.last_mut().expect("one segment").push(w),
                Token::Pipe => segments.push(vec![]),
            }
        }
        let mut words = segments.remove(0);
        if matches!(words.first().map(String::as_str), Some("aws" | "gluelab")) {
            words.remove(0);
        }
        if words.is_empty() {
            return Err(CliError::usage("no command"));
        }
        let cli = match Cli::try_parse_from(std::iter::once("gluelab".to_string()).chain(words)) {
            Ok(cli) => cli,
            // --help and --version print their text, as they do outside a scenario.
            Err(e) if !e.use_stderr() => return Ok(e.render().to_string()),
            Err(e) => {
                return Err(CliError {
                    message: e.render().to_string().trim_end().to_string(),
                    code: exit::USAGE,
                })
            }
        };
        if cli.global.workspace.is_some() {
            return Err(CliError::usage("--workspace cannot be given inside a scenario"));
        }
        if matches!(cli.command, Command::Scenario(_)) {
            return Err(CliError::usage("a scenario cannot run another scenario"));
        }
        let global = Global {
            workspace: None,
            region: cli.global.region.clone().or_else(|| self.global.region.clone()),
            output: cli.global.output.or(self.global.output),
            no_cli_pager: true,
            profile: None,
        };
        let env = Env::in_dir(&self.cwd, self.vars.clone());
        self.commands += 1;
        let done = execute(self.session, &global, cli.command, &env)?;
        if show_notes {
            for note in &done.notes {
                self.print(&format!("{note}\n"));
            }
        }
        if segments.is_empty() {
            return Ok(done.reply.render(global.output));
        }
        let mut value = done.reply.value();
        let mut raw = true;
        for filter in segments {
            let (path, is_raw) = match filter.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
                ["jq", "-r", path] => (path.to_string(), true),
                ["jq", path] => (path.to_string(), false),
                [path] if path.starts_with('.') => (path.to_string(), true),
                _ => {
                    return Err(CliError::usage(format!(
                        "after '|' use a path such as .JobRunId, or jq [-r] PATH (got '{}')",
                        filter.join(" ")
                    )))
                }
            };
            value = select(&value, &path)?;
            raw = is_raw;
        }
        Ok(match (&value, raw) {
            (Value::String(s), true) => format!("{s}\n"),
            (other, true) => format!("{other}\n"),
            (other, false) => format!("{}\n", serde_json::to_string_pretty(other).expect("plain JSON")),
        })
    }

    fn lookup(&self, name: &str) -> Result<String, CliError> {
        self.vars
            .get(name)
            .cloned()
            .or_else(|| std::env::var(name).ok())
            .ok_or_else(|| CliError::usage(format!("${{{name}}} is not set (set it with {name}=value first)")))
    }

    /// Splits a line into words as a POSIX shell does (quotes, backslashes, `$VAR`,
    /// `${VAR}`, `$(command)`), with `|` as its own token.
    fn tokenize(&mut self, text: &str) -> Result<Vec<Token>, CliError> {
        let chars: Vec<char> = text.chars().collect();
        let mut tokens = vec![];
        let mut word = String::new();
        let mut in_word = false;
        let mut i = 0;
        let unterminated = |what: &str| CliError::usage(format!("unterminated {what} in: {text}"));
        while i < chars.len() {
            let c = chars[i];
            match c {
                c if c.is_whitespace() => {
                    if in_word {
                        tokens.push(Token::Word(std::mem::take(&mut word)));
                        in_word = false;
                    }
                }
                '#' if !in_word => break,
                '|' => {
                    if in_word {
                        tokens.push(Token::Word(std::mem::take(&mut word)));
                        in_word = false;
                    }
                    tokens.push(Token::Pipe);
                }
                '\'' => {
                    in_word = true;
                    let end = chars[i + 1..]
                        .iter()
                        .position(|&c| c == '\'')
                        .ok_or_else(|| unterminated("'"))?;
                    word.extend(&chars[i + 1..i + 1 + end]);
                    i += end + 1;
                }
                '"' => {
                    in_word = true;
                    i += 1;
                    loop {
                        let Some(&c) = chars.get(i) else {
                            return Err(unterminated("\""));
                        };
                        match c {
                            '"' => break,
                            '\\' if matches!(chars.get(i + 1), Some('"' | '\\' | '$' | '`')) => {
                                word.push(chars[i + 1]);
                                i += 2;
                            }
                            '$' => {
                                let (text, used) = self.expand(&chars[i..], text)?;
                                word.push_str(&text);
                                i += used;
                            }
                            c => {
                                word.push(c);
                                i += 1;
                            }
                        }
                    }
                }
                '\\' => {
                    in_word = true;
                    if let Some(&next) = chars.get(i + 1) {
                        word.push(next);
                        i += 1;
                    }
                }
                '$' => {
                    in_word = true;
                    let (text, used) = self.expand(&chars[i..], text)?;
                    word.push_str(&text);
                    i += used - 1;
                }
                c => {
                    in_word = true;
                    word.push(c);
                }
            }
            i += 1;
        }
        if in_word {
            tokens.push(Token::Word(word));
        }
        Ok(tokens)
    }

    /// Expands the `$...` at the start of `chars`; returns the text and how many chars it used.
    fn expand(&mut self, chars: &[char], line: &str) -> Result<(String, usize), CliError> {
        match chars.get(1) {
            Some('{') => {
                let end = chars
                    .iter()
                    .position(|&c| c == '}')
                    .ok_or_else(|| CliError::usage(format!("unterminated ${{ in: {line}")))?;
                let name: String = chars[2..end].iter().collect();
                Ok((self.lookup(&name)?, end + 1))
            }
            Some('(') => {
                let mut depth = 0;
                let mut quote: Option<char> = None;
                let mut end = None;
                for (j, &c) in chars.iter().enumerate().skip(1) {
                    match (quote, c) {
                        (Some(q), c) if c == q => quote = None,
                        (Some(_), _) => {}
                        (None, '\'' | '"') => quote = Some(c),
                        (None, '(') => depth += 1,
                        (None, ')') => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let end = end.ok_or_else(|| CliError::usage(format!("unterminated $( in: {line}")))?;
                let inner: String = chars[2..end].iter().collect();
                let output = self.pipeline(&inner, false)?;
                Ok((output.trim_end_matches('\n').to_string(), end + 1))
            }
            Some(&c) if c.is_ascii_alphabetic() || c == '_' => {
                let len = chars[1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                    .count();
                let name: String = chars[1..1 + len].iter().collect();
                Ok((self.lookup(&name)?, len + 1))
            }
            _ => Ok(("$".into(), 1)),
        }
    }
}

/// The value at a jq-style path: `.`, `.A.B`, `.A[0].B`, `.["a key"]`.
fn select(value: &Value, path: &str) -> Result<Value, CliError> {
    let bad = || CliError::usage(format!("'{path}' is not a path such as .JobRunId or .JobRuns[0].Id"));
    let mut rest = path.strip_prefix('.').ok_or_else(bad)?;
    let mut current = value.clone();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').ok_or_else(bad)?;
            let inside = &after[..end];
            current = if let Ok(i) = inside.parse::<usize>() {
                current.get(i).cloned().unwrap_or(Value::Null)
            } else {
                let key = inside.trim_matches('"');
                current.get(key).cloned().unwrap_or(Value::Null)
            };
            rest = after[end + 1..].strip_prefix('.').unwrap_or(&after[end + 1..]);
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let key = &rest[..end];
            if key.is_empty() {
                return Err(bad());
            }
            current = current.get(key).cloned().unwrap_or(Value::Null);
            rest = rest[end..].strip_prefix('.').unwrap_or(&rest[end..]);
        }
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_select_like_jq() {
        let v = serde_json::json!({"JobRuns": [{"Id": "jr_a"}], "Account": "1"});
        assert_eq!(select(&v, ".Account").unwrap(), "1");
        assert_eq!(select(&v, ".JobRuns[0].Id").unwrap(), "jr_a");
        assert_eq!(select(&v, ".").unwrap(), v);
        assert_eq!(select(&v, ".Nope").unwrap(), Value::Null);
        assert!(select(&v, "Account").is_err());
    }

    #[test]
    fn continuation_lines_join() {
        let lines = logical_lines("% aws s3 cp a \\\n  s3://b/a\n# c\n");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "% aws s3 cp a s3://b/a");
        assert_eq!(lines[1].number, 3);
    }
}
