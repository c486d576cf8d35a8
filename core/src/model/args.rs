//! Job arguments, resolved and validated as `awsglue.utils.getResolvedOptions` does.
//!
//! Messages are argparse's and the wrapper's own (GLUE-SEMANTICS.md §3, `awsglue/utils.py`),
//! so a user sees in gluelab what their driver log would say on Glue.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// `--job-bookmark-option`: absent means disable, as on Glue. Snapshots store the variant's
/// name (`"Enable"`); arguments and output use Glue's value ([`BookmarkOption::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookmarkOption {
    Enable,
    Disable,
    Pause,
}

impl BookmarkOption {
    /// In the order Glue's "choose from" lists them.
    pub const ALL: [BookmarkOption; 3] = [BookmarkOption::Enable, BookmarkOption::Pause, BookmarkOption::Disable];

    pub const fn as_str(self) -> &'static str {
        match self {
            BookmarkOption::Enable => "job-bookmark-enable",
            BookmarkOption::Disable => "job-bookmark-disable",
            BookmarkOption::Pause => "job-bookmark-pause",
        }
    }
}

impl fmt::Display for BookmarkOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BookmarkOption {
    type Err = Error;

    /// argparse's message for a value not among the choices.
    fn from_str(value: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == value).ok_or_else(|| {
            ArgumentError::InvalidChoice {
                option: "--job-bookmark-option".into(),
                value: value.into(),
                choices: BOOKMARK_CHOICES,
            }
            .into()
        })
    }
}

/// What one run's arguments resolve to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedOptions {
    pub bookmark: BookmarkOption,
    /// `--job-bookmark-from` and `--job-bookmark-to`, both or neither, with pause only.
    pub from_to: Option<(String, String)>,
    /// Every argument without its leading `--`, and each name asked for with the value argparse
    /// gave it (an abbreviation's too), as a plan's `${name}` reads them.
    pub values: BTreeMap<String, String>,
    /// The dict `getResolvedOptions` returns, in its order: awsglue's own keys (always there,
    /// `None` when not given), then each name asked for under argparse's key for it
    /// (`--target-path` is `target_path`).
    pub dict: Vec<(String, Option<String>)>,
}

/// Arguments a job run ends up with: the job's defaults, replaced key by key by the run's own
/// (StartJobRun: "they replace the default arguments"), non-overridable ones winning, plus
/// what Glue passes itself.
pub fn merge(
    defaults: &BTreeMap<String, String>,
    run_arguments: &BTreeMap<String, String>,
    non_overridable: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut merged = defaults.clone();
    merged.extend(run_arguments.iter().map(|(k, v)| (k.clone(), v.clone())));
    merged.extend(non_overridable.iter().map(|(k, v)| (k.clone(), v.clone())));
    merged
}

/// Why `getResolvedOptions` fails, each with the last line of the driver's traceback (the
/// exception's class and message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgumentError {
    /// A job argument Glue could not pass as `--name value` (gluelab's own check).
    NotDashed { key: String },
    /// A name awsglue keeps for itself was asked for, written as awsglue writes it
    /// (`job-bookmark-option`, `--job-bookmark-from`).
    Reserved { name: String },
    /// A name asked for that is already an option (awsglue's own, or asked for twice).
    Conflicting { option: String },
    /// The empty name (argparse cannot make a key of `--`).
    EmptyName,
    /// A prefix of more than one option (argparse 3.11's abbreviations).
    Ambiguous { option: String, matches: Vec<String> },
    /// An option whose next argument is another option (or `--`, or nothing).
    ExpectedOneArgument { option: String },
    /// `--help=x` or `-hx`.
    IgnoredExplicit { option: String, value: String },
    /// A value not among an option's choices.
    InvalidChoice {
        option: String,
        value: String,
        choices: &'static [&'static str],
    },
    /// `-h`/`--help`: argparse prints its usage and exits.
    Help,
    /// Names asked for and not given, in the order asked.
    Required { names: Vec<String> },
    /// Pause with only one of `--job-bookmark-from`/`--job-bookmark-to`: the other one.
    MissingRange { option: &'static str },
    /// Both of them without pause.
    RangeWithoutPause,
}

impl fmt::Display for ArgumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const GLUE: &str = "awsglue.utils.GlueArgumentError: ";
        match self {
            Self::NotDashed { key } => write!(
                f,
                "argument {key}: job arguments must start with '--' (Glue passes them to the script as --name value)"
            ),
            Self::Reserved { name } => write!(f, "RuntimeError: Using reserved arguments {name}"),
            Self::Conflicting { option } => write!(
                f,
                "argparse.ArgumentError: argument {option}: conflicting option string: {option}"
            ),
            Self::EmptyName => write!(f, "ValueError: dest= is required for options like '--'"),
            Self::Ambiguous { option, matches } => {
                write!(f, "{GLUE}ambiguous option: {option} could match {}", matches.join(", "))
            }
            Self::ExpectedOneArgument { option } => write!(f, "{GLUE}argument {option}: expected one argument"),
            Self::IgnoredExplicit { option, value } => write!(
                f,
                "{GLUE}argument {option}: ignored explicit argument {}",
                py_repr(value)
            ),
            Self::InvalidChoice { option, value, choices } => {
                let choices: Vec<String> = choices.iter().map(|c| py_repr(c)).collect();
                write!(
                    f,
                    "{GLUE}argument {option}: invalid choice: {} (choose from {})",
                    py_repr(value),
                    choices.join(", ")
                )
            }
            Self::Help => write!(f, "SystemExit: 0 (argparse printed its usage for --help and exited)"),
            Self::Required { names } => write!(f, "{GLUE}the following arguments are required: {}", names.join(", ")),
            Self::MissingRange { option } => write!(f, "RuntimeError: Missing option or value for {option}"),
            Self::RangeWithoutPause => {
                write!(f, "RuntimeError: Invalid option(s){FROM} {TO}")
            }
        }
    }
}

impl std::error::Error for ArgumentError {}

impl From<ArgumentError> for Error {
    fn from(e: ArgumentError) -> Self {
        Error::Arguments(e.to_string())
    }
}

const BOOKMARK_CHOICES: &[&str] = &["job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable"];
/// `--continuation-option`'s values, each standing for the bookmark option at its index.
const CONTINUATION_CHOICES: &[&str] = &["continuation-enabled", "continuation-readonly", "continuation-ignore"];
const ENCRYPTION_CHOICES: &[&str] = &["sse-s3"];
const FROM: &str = "--job-bookmark-from";
const TO: &str = "--job-bookmark-to";

/// One option of the parser awsglue 5.1 builds.
struct Action {
    strings: Vec<String>,
    /// The dict's key; `None` for `--help`.
    dest: Option<String>,
    choices: Option<&'static [&'static str]>,
    required: bool,
}

impl Action {
    fn new(option: &str, choices: Option<&'static [&'static str]>, required: bool) -> Self {
        Action {
            strings: vec![option.to_string()],
            dest: Some(option.trim_start_matches('-').replace('-', "_")),
            choices,
            required,
        }
    }

    /// argparse's name for it in messages.
    fn name(&self) -> String {
        self.strings.join("/")
    }
}

/// The parser `getResolvedOptions(sys.argv, required)` builds, with awsglue's checks of the
/// names asked for, in awsglue's order.
fn parser(required: &[String]) -> std::result::Result<Vec<Action>, ArgumentError> {
    let asked = |name: &str| required.iter().any(|r| r == name);
    let reserved = |name: &str| Err(ArgumentError::Reserved { name: name.into() });
    // Asked for without `--`, these two are refused by name...
    for name in ["continuation-option", "job-bookmark-option"] {
        if asked(name) {
            return reserved(name);
        }
    }
    let mut actions = vec![
        Action {
            strings: vec!["-h".into(), "--help".into()],
            dest: None,
            choices: None,
            required: false,
        },
        Action::new("--job-bookmark-option", Some(BOOKMARK_CHOICES), false),
        Action::new("--continuation-option", Some(CONTINUATION_CHOICES), false),
    ];
    for option in [FROM, TO] {
        if asked(&option[2..]) {
            return reserved(option);
        }
        actions.push(Action::new(option, None, false));
    }
    // ...the others only when asked for with their `--` (so asking for `JOB_ID` conflicts below).
    for option in [
        "--JOB_ID",
        "--JOB_RUN_ID",
        "--SECURITY_CONFIGURATION",
        "--encryption-type",
        "--enable-data-lineage",
    ] {
        if asked(option) {
            return reserved(option);
        }
        let choices = (option == "--encryption-type").then_some(ENCRYPTION_CHOICES);
        actions.push(Action::new(option, choices, false));
    }
    actions.push(Action::new("--RedshiftTempDir", None, false));
    actions.push(Action::new("--TempDir", None, false));
    // TempDir and RedshiftTempDir are never required.
    for name in required
        .iter()
        .filter(|r| !matches!(r.as_str(), "TempDir" | "RedshiftTempDir"))
    {
        let option = format!("--{name}");
        if actions.iter().any(|a| a.strings.contains(&option)) {
            return Err(ArgumentError::Conflicting { option });
        }
        let action = Action::new(&option, None, true);
        if action.dest.as_deref() == Some("") {
            return Err(ArgumentError::EmptyName);
        }
        actions.push(action);
    }
    Ok(actions)
}

/// An argument as argparse's first pass sees it.
enum Token {
    /// A value (argparse's `A`).
    Value,
    /// `--`: what follows is values only.
    DashDash,
    /// An option: the action it names (none: an option the parser does not know, left over),
    /// and the value written into it after `=`.
    Option(Option<usize>, Option<String>),
}

/// `-1`, `-.5`, `-2.5`: argparse takes these for values.
fn negative_number(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('-') else {
        return false;
    };
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    digits(rest)
        || rest
            .split_once('.')
            .is_some_and(|(int, frac)| int.chars().all(|c| c.is_ascii_digit()) && digits(frac))
}

/// Which `getResolvedOptions` a job's Glue version runs. Glue 4.0 and 5.x accept a unique prefix
/// of an option (`--ten` for `--tenant_id`, argparse's default); Glue 6.0's awsglue builds its
/// parser with `allow_abbrev=False`, so a prefix is an unknown argument, ignored, and a name
/// asked for is then missing (awslabs/aws-glue-libs; awsglue 6.0.0 on PyPI).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ArgumentRules {
    #[default]
    Abbreviations,
    FullNames,
}

impl ArgumentRules {
    /// The rules of a job's `GlueVersion` (`"4.0"`, `"5.0"`, `"6.0"`, ...).
    pub fn of_glue_version(glue_version: &str) -> Self {
        let major = glue_version
            .split('.')
            .next()
            .and_then(|m| m.trim().parse::<u32>().ok());
        match major {
            Some(m) if m >= 6 => ArgumentRules::FullNames,
            _ => ArgumentRules::Abbreviations,
        }
    }
}

/// argparse's reading of one argument (`_parse_optional`), abbreviations included when `rules`
/// allow them.
fn classify(actions: &[Action], arg: &str, rules: ArgumentRules) -> std::result::Result<Token, ArgumentError> {
    let find = |option: &str| actions.iter().position(|a| a.strings.iter().any(|s| s == option));
    if !arg.starts_with('-') {
        return Ok(Token::Value);
    }
    if let Some(i) = find(arg) {
        return Ok(Token::Option(Some(i), None));
    }
    if arg.chars().count() == 1 {
        return Ok(Token::Value);
    }
    if let Some((option, value)) = arg.split_once('=') {
        if let Some(i) = find(option) {
            return Ok(Token::Option(Some(i), Some(value.to_string())));
        }
    }
    let mut matches: Vec<(usize, &str, Option<String>)> = vec![];
    if arg.starts_with("--") && rules == ArgumentRules::FullNames {
        // allow_abbrev=False: a long option is never a prefix of another.
    } else if arg.starts_with("--") {
        let (prefix, value) = match arg.split_once('=') {
            Some((prefix, value)) => (prefix, Some(value.to_string())),
            None => (arg, None),
        };
        for (i, action) in actions.iter().enumerate() {
            for s in action.strings.iter().filter(|s| s.starts_with(prefix)) {
                matches.push((i, s, value.clone()));
            }
        }
    } else {
        // `-x...`: the short option `-x` with the rest as its value, or a prefix.
        let split = arg.char_indices().nth(2).map_or(arg.len(), |(at, _)| at);
        let (short, rest) = arg.split_at(split);
        for (i, action) in actions.iter().enumerate() {
            for s in &action.strings {
                if s == short {
                    matches.push((i, s, Some(rest.to_string())));
                } else if s.starts_with(arg) {
                    matches.push((i, s, None));
                }
            }
        }
    }
    match matches.as_slice() {
        [] => {}
        [(i, _, value)] => return Ok(Token::Option(Some(*i), value.clone())),
        _ => {
            return Err(ArgumentError::Ambiguous {
                option: arg.to_string(),
                matches: matches.iter().map(|(_, s, _)| s.to_string()).collect(),
            })
        }
    }
    if negative_number(arg) || arg.contains(' ') {
        return Ok(Token::Value);
    }
    Ok(Token::Option(None, None))
}

/// Resolves the arguments as the script's `getResolvedOptions(sys.argv, required)` does in
/// awsglue 5.1 (Glue 5, Python 3.11's argparse): the arguments reach argparse as
/// `--key value ...`, `--JOB_ID`, `--JOB_RUN_ID` and `--JOB_NAME` first, then the others by
/// name (the order of a job's arguments on Glue is unspecified); the error is the one the
/// driver's traceback ends with.
pub fn resolve(
    arguments: &BTreeMap<String, String>,
    required: &[String],
    rules: ArgumentRules,
) -> std::result::Result<ResolvedOptions, ArgumentError> {
    if let Some(key) = arguments.keys().find(|k| !k.starts_with("--")) {
        return Err(ArgumentError::NotDashed { key: key.clone() });
    }
    let actions = parser(required)?;
    // Glue's own three first, as Glue passes them; then the others by name.
    const GLUES: [&str; 3] = ["--JOB_ID", "--JOB_RUN_ID", "--JOB_NAME"];
    let glues = GLUES.iter().filter_map(|k| arguments.get_key_value(*k));
    let others = arguments.iter().filter(|(k, _)| !GLUES.contains(&k.as_str()));
    let argv: Vec<&str> = glues
        .chain(others)
        .flat_map(|(k, v)| [k.as_str(), v.as_str()])
        .collect();
    // The first pass: which arguments are options (an ambiguous prefix fails here, first).
    let mut tokens = Vec::with_capacity(argv.len());
    let mut after_dash_dash = false;
    for arg in &argv {
        if after_dash_dash {
            tokens.push(Token::Value);
        } else if *arg == "--" {
            tokens.push(Token::DashDash);
            after_dash_dash = true;
        } else {
            tokens.push(classify(&actions, arg, rules)?);
        }
    }
    // The second: each known option takes its value, left to right.
    let mut seen = vec![false; actions.len()];
    let mut given: BTreeMap<String, String> = BTreeMap::new();
    let mut i = 0;
    while i < tokens.len() {
        let Token::Option(Some(a), explicit) = &tokens[i] else {
            i += 1; // a value no option takes, or an unknown option: left over
            continue;
        };
        let action = &actions[*a];
        let value = match (explicit, &action.dest) {
            (Some(value), None) => {
                return Err(ArgumentError::IgnoredExplicit {
                    option: action.name(),
                    value: value.clone(),
                })
            }
            (None, None) => return Err(ArgumentError::Help),
            (Some(value), Some(_)) => {
                i += 1;
                value.clone()
            }
            (None, Some(_)) => match tokens.get(i + 1) {
                Some(Token::Value) => {
                    i += 2;
                    argv[i - 1].to_string()
                }
                _ => return Err(ArgumentError::ExpectedOneArgument { option: action.name() }),
            },
        };
        seen[*a] = true;
        if let Some(choices) = action.choices.filter(|c| !c.contains(&value.as_str())) {
            return Err(ArgumentError::InvalidChoice {
                option: action.name(),
                value,
                choices,
            });
        }
        given.insert(action.dest.clone().expect("a value option has a key"), value);
    }
    let missing: Vec<String> = actions
        .iter()
        .zip(&seen)
        .filter(|(a, seen)| a.required && !**seen)
        .map(|(a, _)| a.name())
        .collect();
    if !missing.is_empty() {
        return Err(ArgumentError::Required { names: missing });
    }
    // The dict: every key argparse made, in its order.
    let mut dict: Vec<(String, Option<String>)> = vec![];
    for dest in actions.iter().filter_map(|a| a.dest.as_ref()) {
        if !dict.iter().any(|(k, _)| k == dest) {
            dict.push((dest.clone(), given.get(dest).cloned()));
        }
    }
    let get =
        |dict: &[(String, Option<String>)], key: &str| dict.iter().find(|(k, _)| k == key).and_then(|(_, v)| v.clone());
    let set = |dict: &mut Vec<(String, Option<String>)>, key: &str, value: Option<String>| {
        if let Some(entry) = dict.iter_mut().find(|(k, _)| k == key) {
            entry.1 = value;
        }
    };
    // TempDir and RedshiftTempDir stand for each other.
    match (get(&dict, "TempDir"), get(&dict, "RedshiftTempDir")) {
        (Some(temp), _) => set(&mut dict, "RedshiftTempDir", Some(temp)),
        (None, Some(redshift)) => set(&mut dict, "TempDir", Some(redshift)),
        (None, None) => {}
    }
    // --job-bookmark-option wins; else --continuation-option, translated; else disable.
    let continuation = get(&dict, "continuation_option");
    dict.retain(|(k, _)| k != "continuation_option");
    if get(&dict, "job_bookmark_option").is_none() {
        let option = match continuation {
            None => BookmarkOption::Disable.as_str(),
            Some(legacy) => {
                let index = CONTINUATION_CHOICES.iter().position(|c| *c == legacy).unwrap_or(2);
                BOOKMARK_CHOICES[index]
            }
        };
        set(&mut dict, "job_bookmark_option", Some(option.to_string()));
    }
    let option = get(&dict, "job_bookmark_option").unwrap_or_default();
    let from_to = match (get(&dict, "job_bookmark_from"), get(&dict, "job_bookmark_to")) {
        (Some(from), Some(to)) if option == BookmarkOption::Pause.as_str() => Some((from, to)),
        (Some(_), Some(_)) => return Err(ArgumentError::RangeWithoutPause),
        (Some(_), None) if option == BookmarkOption::Pause.as_str() => {
            return Err(ArgumentError::MissingRange { option: TO })
        }
        (None, Some(_)) if option == BookmarkOption::Pause.as_str() => {
            return Err(ArgumentError::MissingRange { option: FROM })
        }
        // A lone from/to with enable or disable is accepted and ignored, as awsglue does.
        _ => None,
    };
    // Only a name asked for as `job_bookmark_option` could have put another value there.
    let bookmark = BookmarkOption::ALL
        .into_iter()
        .find(|o| o.as_str() == option)
        .ok_or_else(|| ArgumentError::InvalidChoice {
            option: "--job-bookmark-option".into(),
            value: option.clone(),
            choices: BOOKMARK_CHOICES,
        })?;
    let mut values: BTreeMap<String, String> = arguments
        .iter()
        .map(|(k, v)| (k.trim_start_matches("--").to_string(), v.clone()))
        .collect();
    for name in required {
        if let Some(value) = get(&dict, &name.replace('-', "_")) {
            values.insert(name.clone(), value);
        }
    }
    Ok(ResolvedOptions {
        bookmark,
        from_to,
        values,
        dict,
    })
}

/// Python's `repr()` of a string, as argparse quotes values in its messages.
fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Why text is not a map of job arguments, in [`parse_argument_pairs`]'s grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgumentTextError {
    /// It starts with `{` but is not JSON (serde_json's reason).
    InvalidJson(String),
    /// A value of the JSON object is not a string (the value as JSON).
    NotAString { key: String, value: String },
    /// A shorthand pair without `=`.
    NoEquals { pair: String },
}

impl std::fmt::Display for ArgumentTextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InvalidJson(reason) => write!(f, "the arguments are not a JSON object: {reason}"),
            Self::NotAString { key, value } => write!(f, "argument {key}: the value {value} is not a string"),
            Self::NoEquals { pair } => write!(f, "argument {pair:?}: expected --name=value"),
        }
    }
}

/// Job arguments as text, in the AWS CLI's two forms of a map of strings (`--arguments`,
/// `--default-arguments`): a JSON object of strings (`{"--k": "v"}`) or the shorthand
/// `--k=v,--k2=v2` (split at commas, then at each pair's first `=`). The pairs come in the order
/// given; which of two equal keys counts is the caller's rule.
pub fn parse_argument_pairs(text: &str) -> std::result::Result<Vec<(String, String)>, ArgumentTextError> {
    let text = text.trim();
    if text.starts_with('{') {
        // Text that starts with `{` and parses is an object.
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|e| ArgumentTextError::InvalidJson(e.to_string()))?;
        return object
            .into_iter()
            .map(|(key, value)| match value {
                serde_json::Value::String(value) => Ok((key, value)),
                other => Err(ArgumentTextError::NotAString {
                    key,
                    value: other.to_string(),
                }),
            })
            .collect();
    }
    text.split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => Ok((key.trim().to_string(), value.trim().to_string())),
            None => Err(ArgumentTextError::NoEquals {
                pair: pair.trim().to_string(),
            }),
        })
        .collect()
}

/// Run arguments typed by a person in the workbench, in [`parse_argument_pairs`]'s grammar, held
/// to what a Glue script can receive: every name is `--name`, and given once.
pub fn parse_argument_text(text: &str) -> Result<BTreeMap<String, String>> {
    let pairs = parse_argument_pairs(text).map_err(|e| Error::Arguments(e.to_string()))?;
    let mut parsed = BTreeMap::new();
    for (key, value) in pairs {
        if !key.starts_with("--") || key.len() < 3 {
            return invalid(format!(
                "argument {key:?}: job arguments are named --name (Glue passes them to the script as --name value)"
            ));
        }
        if parsed.contains_key(&key) {
            return invalid(format!("argument {key}: given twice"));
        }
        parsed.insert(key, value);
    }
    Ok(parsed)
}

/// A run's arguments as the workbench composes them: the typed text
/// ([`parse_argument_text`]), the chosen `--job-bookmark-option`, and for a paused run the
/// chosen `--job-bookmark-from`/`--job-bookmark-to` (ignored with any other option, as a list
/// the user no longer sees should not count). An argument both typed and chosen is an error:
/// which one would win is not obvious.
pub fn compose_run_arguments(
    typed: &str,
    option: Option<BookmarkOption>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<BTreeMap<String, String>> {
    let mut arguments = parse_argument_text(typed)?;
    let paused = option == Some(BookmarkOption::Pause);
    let chosen = [
        ("--job-bookmark-option", option.map(BookmarkOption::as_str)),
        ("--job-bookmark-from", from.filter(|_| paused)),
        ("--job-bookmark-to", to.filter(|_| paused)),
    ];
    for (key, value) in chosen {
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            continue;
        };
        if arguments.contains_key(key) {
            return invalid(format!("argument {key}: chosen above, so leave it out here"));
        }
        arguments.insert(key.to_string(), value.to_string());
    }
    Ok(arguments)
}

fn invalid<T>(message: String) -> Result<T> {
    Err(Error::Arguments(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glue 4.0 / 5.x's rules, which most tests are about.
    fn resolve5(
        arguments: &BTreeMap<String, String>,
        required: &[String],
    ) -> std::result::Result<ResolvedOptions, ArgumentError> {
        resolve(arguments, required, ArgumentRules::Abbreviations)
    }

    fn args(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn typed_arguments_are_json_or_shorthand_and_errors_name_the_argument() {
        let expected = args(&[("--tenant_id", "acme"), ("--job-bookmark-option", "job-bookmark-pause")]);
        assert_eq!(
            parse_argument_text(" --tenant_id=acme, --job-bookmark-option=job-bookmark-pause ,").unwrap(),
            expected
        );
        assert_eq!(
            parse_argument_text(r#"{"--tenant_id": "acme", "--job-bookmark-option": "job-bookmark-pause"}"#).unwrap(),
            expected
        );
        assert_eq!(parse_argument_text("  ").unwrap(), BTreeMap::new());
        assert_eq!(parse_argument_text("--expr=a=b").unwrap(), args(&[("--expr", "a=b")]));
        let error = |text| parse_argument_text(text).unwrap_err().to_string();
        assert!(error("--tenant_id").contains("\"--tenant_id\": expected --name=value"));
        assert!(error("tenant_id=acme").contains("\"tenant_id\": job arguments are named --name"));
        assert!(error("--a=1,--a=2").contains("--a: given twice"));
        assert!(error(r#"{"--a": 1}"#).contains("--a: the value 1 is not a string"));
        assert!(error("{").contains("not a JSON object"));
    }

    #[test]
    fn argument_pairs_keep_their_order_and_repeats_for_the_caller_to_judge() {
        let pairs = parse_argument_pairs("--b=2,--a=1,--b=3").unwrap();
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["--b", "--a", "--b"]);
        assert_eq!(
            parse_argument_pairs("--a=1,[1]"),
            Err(ArgumentTextError::NoEquals { pair: "[1]".into() })
        );
        assert_eq!(
            parse_argument_pairs("{]"),
            Err(ArgumentTextError::InvalidJson(
                "key must be a string at line 1 column 2".into()
            ))
        );
        assert_eq!(
            parse_argument_pairs("{\"a\": [1]}").unwrap_err(),
            ArgumentTextError::NotAString {
                key: "a".into(),
                value: "[1]".into()
            }
        );
    }

    #[test]
    fn chosen_arguments_join_the_typed_ones_and_from_to_count_only_when_paused() {
        let paused =
            compose_run_arguments("--note=x", Some(BookmarkOption::Pause), Some("jr_1"), Some("jr_2")).unwrap();
        assert_eq!(
            paused,
            args(&[
                ("--note", "x"),
                ("--job-bookmark-option", "job-bookmark-pause"),
                ("--job-bookmark-from", "jr_1"),
                ("--job-bookmark-to", "jr_2")
            ])
        );
        let enabled = compose_run_arguments("", Some(BookmarkOption::Enable), Some("jr_1"), None).unwrap();
        assert_eq!(enabled, args(&[("--job-bookmark-option", "job-bookmark-enable")]));
        assert_eq!(compose_run_arguments("", None, None, None).unwrap(), BTreeMap::new());
        let twice = compose_run_arguments(
            "--job-bookmark-option=job-bookmark-enable",
            Some(BookmarkOption::Pause),
            None,
            None,
        );
        assert!(twice
            .unwrap_err()
            .to_string()
            .contains("--job-bookmark-option: chosen above"));
        assert!(compose_run_arguments("oops", None, None, None).is_err());
    }

    #[test]
    fn bookmark_option_round_trips_through_glue_values_and_names_the_choices() {
        for option in BookmarkOption::ALL {
            assert_eq!(option.as_str().parse::<BookmarkOption>().unwrap(), option);
            assert_eq!(option.to_string(), option.as_str());
        }
        assert_eq!(
            "job-bookmark-on".parse::<BookmarkOption>().unwrap_err().to_string(),
            "awsglue.utils.GlueArgumentError: argument --job-bookmark-option: invalid choice: 'job-bookmark-on' (choose from \
             'job-bookmark-enable', 'job-bookmark-pause', 'job-bookmark-disable')"
        );
        // Snapshots hold the variant's name: runs saved before keep loading.
        assert_eq!(serde_json::to_string(&BookmarkOption::Pause).unwrap(), "\"Pause\"");
        assert_eq!(
            serde_json::from_str::<BookmarkOption>("\"Enable\"").unwrap(),
            BookmarkOption::Enable
        );
    }

    #[test]
    fn absent_option_means_disable() {
        assert_eq!(resolve5(&args(&[]), &[]).unwrap().bookmark, BookmarkOption::Disable);
    }

    #[test]
    fn run_arguments_replace_defaults() {
        let merged = merge(
            &args(&[("--job-bookmark-option", "job-bookmark-enable"), ("--x", "1")]),
            &args(&[("--job-bookmark-option", "job-bookmark-pause")]),
            &BTreeMap::new(),
        );
        assert_eq!(
            merged,
            args(&[("--job-bookmark-option", "job-bookmark-pause"), ("--x", "1")])
        );
    }

    #[test]
    fn glue_messages_for_bad_arguments() {
        let message =
            |a: &BTreeMap<String, String>, required: &[String]| resolve5(a, required).unwrap_err().to_string();
        let e = message(&args(&[("--job-bookmark-option", "job-bookmark-on")]), &[]);
        assert!(
            e.starts_with(
                "awsglue.utils.GlueArgumentError: argument --job-bookmark-option: invalid choice: 'job-bookmark-on'"
            ),
            "{e}"
        );
        let e = message(&args(&[]), &["JOB_NAME".into(), "SRC".into()]);
        assert_eq!(
            e,
            "awsglue.utils.GlueArgumentError: the following arguments are required: --JOB_NAME, --SRC"
        );
        let pause_from = args(&[
            ("--job-bookmark-option", "job-bookmark-pause"),
            ("--job-bookmark-from", "jr_a"),
        ]);
        assert_eq!(
            message(&pause_from, &[]),
            "RuntimeError: Missing option or value for --job-bookmark-to"
        );
        let enable_both = args(&[
            ("--job-bookmark-option", "job-bookmark-enable"),
            ("--job-bookmark-from", "jr_a"),
            ("--job-bookmark-to", "jr_b"),
        ]);
        assert_eq!(
            message(&enable_both, &[]),
            "RuntimeError: Invalid option(s)--job-bookmark-from --job-bookmark-to"
        );
    }

    #[test]
    fn pause_with_from_and_to() {
        let a = args(&[
            ("--job-bookmark-option", "job-bookmark-pause"),
            ("--job-bookmark-from", "jr_a"),
            ("--job-bookmark-to", "jr_b"),
        ]);
        let r = resolve5(&a, &[]).unwrap();
        assert_eq!(
            (r.bookmark, r.from_to),
            (BookmarkOption::Pause, Some(("jr_a".into(), "jr_b".into())))
        );
        assert_eq!(r.values["job-bookmark-from"], "jr_a");
    }

    #[test]
    fn legacy_continuation_option_maps() {
        let a = args(&[("--continuation-option", "continuation-readonly")]);
        assert_eq!(resolve5(&a, &[]).unwrap().bookmark, BookmarkOption::Pause);
    }

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    fn failure(a: &[(&str, &str)], required: &[&str]) -> ArgumentError {
        resolve5(&args(a), &names(required)).unwrap_err()
    }

    fn value(r: &ResolvedOptions, key: &str) -> Option<String> {
        r.dict
            .iter()
            .find(|(k, _)| k == key)
            .expect("a key of the dict")
            .1
            .clone()
    }

    #[test]
    fn the_dict_has_awsglues_keys_with_the_bookmark_option_resolved() {
        let r = resolve5(&args(&[("--JOB_NAME", "etl")]), &names(&["JOB_NAME"])).unwrap();
        let keys: Vec<&str> = r.dict.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "job_bookmark_option",
                "job_bookmark_from",
                "job_bookmark_to",
                "JOB_ID",
                "JOB_RUN_ID",
                "SECURITY_CONFIGURATION",
                "encryption_type",
                "enable_data_lineage",
                "RedshiftTempDir",
                "TempDir",
                "JOB_NAME"
            ]
        );
        assert_eq!(
            value(&r, "job_bookmark_option").as_deref(),
            Some("job-bookmark-disable")
        );
        assert_eq!(value(&r, "SECURITY_CONFIGURATION"), None);
        assert_eq!(value(&r, "JOB_NAME").as_deref(), Some("etl"));
        // --continuation-option is translated, and gives way to --job-bookmark-option.
        let r = resolve5(&args(&[("--continuation-option", "continuation-enabled")]), &[]).unwrap();
        assert_eq!(value(&r, "job_bookmark_option").as_deref(), Some("job-bookmark-enable"));
        assert_eq!(r.bookmark, BookmarkOption::Enable);
        let both = args(&[
            ("--continuation-option", "continuation-enabled"),
            ("--job-bookmark-option", "job-bookmark-pause"),
        ]);
        assert_eq!(resolve5(&both, &[]).unwrap().bookmark, BookmarkOption::Pause);
    }

    #[test]
    fn dashed_names_are_keyed_with_underscores() {
        let r = resolve5(&args(&[("--target-path", "s3://b/p/")]), &names(&["target-path"])).unwrap();
        assert_eq!(value(&r, "target_path").as_deref(), Some("s3://b/p/"));
        assert!(!r.dict.iter().any(|(k, _)| k == "target-path"));
        // A plan's `${target-path}` still reads it.
        assert_eq!(r.values["target-path"], "s3://b/p/");
    }

    #[test]
    fn temp_dirs_are_never_required_and_stand_for_each_other() {
        let r = resolve5(&args(&[]), &names(&["TempDir", "RedshiftTempDir"])).unwrap();
        assert_eq!((value(&r, "TempDir"), value(&r, "RedshiftTempDir")), (None, None));
        let r = resolve5(&args(&[("--RedshiftTempDir", "s3://t/")]), &names(&["TempDir"])).unwrap();
        assert_eq!(value(&r, "TempDir").as_deref(), Some("s3://t/"));
        let r = resolve5(
            &args(&[("--TempDir", "s3://a/"), ("--RedshiftTempDir", "s3://b/")]),
            &[],
        )
        .unwrap();
        assert_eq!(value(&r, "RedshiftTempDir").as_deref(), Some("s3://a/"));
    }

    #[test]
    fn reserved_names_asked_for_fail_as_awsglue_and_argparse_do() {
        let e = failure(&[], &["SRC", "job-bookmark-from"]);
        assert_eq!(
            e.to_string(),
            "RuntimeError: Using reserved arguments --job-bookmark-from"
        );
        let e = failure(&[], &["continuation-option"]);
        assert_eq!(
            e.to_string(),
            "RuntimeError: Using reserved arguments continuation-option"
        );
        for name in [
            "JOB_ID",
            "JOB_RUN_ID",
            "SECURITY_CONFIGURATION",
            "encryption-type",
            "enable-data-lineage",
        ] {
            assert_eq!(
                failure(&[], &[name]).to_string(),
                format!("argparse.ArgumentError: argument --{name}: conflicting option string: --{name}")
            );
        }
        assert_eq!(
            failure(&[], &["A", "A"]),
            ArgumentError::Conflicting { option: "--A".into() }
        );
        assert_eq!(
            failure(&[], &["--JOB_ID"]),
            ArgumentError::Reserved {
                name: "--JOB_ID".into()
            }
        );
        assert_eq!(failure(&[], &[""]), ArgumentError::EmptyName);
    }

    #[test]
    fn encryption_type_and_continuation_option_have_their_choices() {
        assert_eq!(
            failure(&[("--encryption-type", "sse-kms")], &[]).to_string(),
            "awsglue.utils.GlueArgumentError: argument --encryption-type: invalid choice: 'sse-kms' (choose from 'sse-s3')"
        );
        let e = failure(&[("--continuation-option", "continuation-on")], &[]);
        assert!(
            e.to_string().ends_with(
                "argument --continuation-option: invalid choice: 'continuation-on' (choose from \
                 'continuation-enabled', 'continuation-readonly', 'continuation-ignore')"
            ),
            "{e}"
        );
        let r = resolve5(&args(&[("--encryption-type", "sse-s3")]), &[]).unwrap();
        assert_eq!(value(&r, "encryption_type").as_deref(), Some("sse-s3"));
    }

    #[test]
    fn parse_errors_come_before_missing_names_and_from_to_after_both() {
        let bad = [("--job-bookmark-option", "job-bookmark-on")];
        assert!(matches!(failure(&bad, &["SRC"]), ArgumentError::InvalidChoice { .. }));
        let lone_from = [
            ("--job-bookmark-option", "job-bookmark-pause"),
            ("--job-bookmark-from", "jr_a"),
        ];
        assert_eq!(
            failure(&lone_from, &["SRC"]),
            ArgumentError::Required {
                names: names(&["--SRC"])
            }
        );
        assert_eq!(failure(&lone_from, &[]), ArgumentError::MissingRange { option: TO });
        // Arguments are read in order of their names: the first bad one is reported.
        let two = [("--SRC", "-x"), ("--job-bookmark-option", "job-bookmark-on")];
        assert_eq!(
            failure(&two, &["SRC"]),
            ArgumentError::ExpectedOneArgument { option: "--SRC".into() }
        );
    }

    #[test]
    fn option_like_values_are_refused_as_argparse_does() {
        for refused in ["-x", "--", "--tenant_id", "--other"] {
            assert_eq!(
                failure(&[("--SRC", refused)], &["SRC"]).to_string(),
                "awsglue.utils.GlueArgumentError: argument --SRC: expected one argument",
                "{refused}"
            );
        }
        for taken in ["-1", "-2.5", "-.5", "-", "-x y", "", "a=b", "2024-01"] {
            let r = resolve5(&args(&[("--SRC", taken)]), &names(&["SRC"])).unwrap();
            assert_eq!(value(&r, "SRC").as_deref(), Some(taken));
        }
        // A value of an argument nobody asked for is left over, as argparse leaves it.
        assert!(resolve5(&args(&[("--note", "-x")]), &[]).is_ok());
    }

    #[test]
    fn unique_prefixes_abbreviate_and_ambiguous_ones_fail() {
        let r = resolve5(&args(&[("--ten", "acme")]), &names(&["tenant_id"])).unwrap();
        assert_eq!(value(&r, "tenant_id").as_deref(), Some("acme"));
        assert_eq!(r.values["tenant_id"], "acme");
        let r = resolve5(&args(&[("--job-bookmark-o", "job-bookmark-pause")]), &[]).unwrap();
        assert_eq!(r.bookmark, BookmarkOption::Pause);
        assert_eq!(
            failure(&[("--t", "x")], &["tenant_id", "target_path"]).to_string(),
            // `--t` is no prefix of `--TempDir`: case counts.
            "awsglue.utils.GlueArgumentError: ambiguous option: --t could match --tenant_id, --target_path"
        );
        assert_eq!(
            failure(&[("--job-bookmark", "x")], &[]),
            ArgumentError::Ambiguous {
                option: "--job-bookmark".into(),
                matches: names(&["--job-bookmark-option", "--job-bookmark-from", "--job-bookmark-to"])
            }
        );
        assert_eq!(failure(&[("--he", "x")], &[]), ArgumentError::Help);
    }

    /// Glue 6.0 (`allow_abbrev=False`): a prefix is an unknown argument, ignored, so a name the
    /// script asks for is missing and an abbreviated bookmark option is no option at all.
    #[test]
    fn glue_6_refuses_abbreviations() {
        let six = ArgumentRules::of_glue_version("6.0");
        assert_eq!(six, ArgumentRules::FullNames);
        assert_eq!(ArgumentRules::of_glue_version("5.0"), ArgumentRules::Abbreviations);
        assert_eq!(ArgumentRules::of_glue_version("4.0"), ArgumentRules::Abbreviations);
        let e = resolve(&args(&[("--ten", "acme")]), &names(&["tenant_id"]), six).unwrap_err();
        assert_eq!(
            e.to_string(),
            "awsglue.utils.GlueArgumentError: the following arguments are required: --tenant_id"
        );
        let r = resolve(&args(&[("--job-bookmark-o", "job-bookmark-pause")]), &[], six).unwrap();
        assert_eq!(r.bookmark, BookmarkOption::Disable);
        // What was ambiguous is unknown; full names and `--name=value` still work.
        let r = resolve(
            &args(&[("--t", "x"), ("--tenant_id=acme", "y")]),
            &names(&["tenant_id"]),
            six,
        )
        .unwrap();
        assert_eq!(value(&r, "tenant_id").as_deref(), Some("acme"));
        assert!(resolve(&args(&[("--he", "x")]), &[], six).is_ok());
    }

    #[test]
    fn a_key_with_an_equals_sign_carries_its_own_value() {
        let r = resolve5(&args(&[("--tenant_id=extra", "acme")]), &names(&["tenant_id"])).unwrap();
        assert_eq!(value(&r, "tenant_id").as_deref(), Some("extra"));
        assert_eq!(
            failure(&[("--help=x", "y")], &[]).to_string(),
            "awsglue.utils.GlueArgumentError: argument -h/--help: ignored explicit argument 'x'"
        );
    }

    #[test]
    fn python_repr_quotes_as_python_does() {
        assert_eq!(py_repr("it's"), "\"it's\"");
        assert_eq!(py_repr("a'\"b"), "'a\\'\"b'");
        assert_eq!(py_repr("ü\n"), "'ü\\n'");
    }
}
