//! Glue's `exclusions` globs. Glue runs on the JVM and documents them as "Unix-style glob
//! patterns", its own example being `**.pdf`, which only Java's glob syntax
//! (`java.nio.file.FileSystem::getPathMatcher`) reads as "any path ending in `.pdf`": `*` and
//! `?` stay within one folder, `**` crosses folders, `[...]` / `[!...]` are classes and `{a,b}`
//! alternatives. A pattern is translated to a regular expression the way Java's own
//! `Globs.toRegexPattern` does and matched against the object's whole `s3://` path.

use regex_lite::Regex;

use crate::limits::GLOB_MAX_CHARS;

/// One compiled exclusion pattern.
#[derive(Debug, Clone)]
pub struct Glob {
    pattern: String,
    regex: Regex,
}

impl Glob {
    /// The pattern, or why Java would refuse it (as `PatternSyntaxException` does, with the
    /// position).
    pub fn new(pattern: &str) -> Result<Glob, String> {
        if pattern.chars().count() > GLOB_MAX_CHARS {
            return Err(format!(
                "the glob is longer than {GLOB_MAX_CHARS} characters (the limit GLOB_MAX_CHARS)"
            ));
        }
        let regex = Regex::new(&to_regex(pattern)?).map_err(|e| format!("the glob {pattern:?}: {e}"))?;
        Ok(Glob {
            pattern: pattern.to_string(),
            regex,
        })
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    pub fn matches(&self, path: &str) -> bool {
        self.regex.is_match(path)
    }
}

/// Java's glob grammar as an anchored regular expression.
fn to_regex(glob: &str) -> Result<String, String> {
    let chars: Vec<char> = glob.chars().collect();
    let refuse = |what: &str, at: usize| Err(format!("the glob {glob:?}: {what} at character {}", at + 1));
    let mut out = String::from("^");
    let mut in_group = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '\\' => {
                let Some(&next) = chars.get(i) else {
                    return refuse("a '\\' with nothing after it", i - 1);
                };
                push_literal(&mut out, next);
                i += 1;
            }
            '/' => out.push('/'),
            '[' => {
                // A class never matches the folder separator, as in Java.
                out.push_str("[^/");
                let negated = chars.get(i) == Some(&'!');
                if negated {
                    i += 1;
                } else {
                    out.truncate(out.len() - 2);
                }
                let start = i;
                let mut closed = false;
                while i < chars.len() {
                    let c = chars[i];
                    i += 1;
                    match c {
                        // As in Java, `]` always closes a class, so `[]...]` is an empty class.
                        ']' if i - 1 == start => return refuse("an empty [...]", start - 1),
                        ']' => {
                            closed = true;
                            break;
                        }
                        '/' => return refuse("a '/' inside [...]", i - 1),
                        '\\' | '[' | '&' | '^' => {
                            out.push('\\');
                            out.push(c);
                        }
                        '-' if i - 1 == start => out.push_str("\\-"),
                        c => out.push(c),
                    }
                }
                if !closed {
                    return refuse("a '[' that is never closed", start - 1);
                }
                out.push(']');
            }
            '{' => {
                if in_group {
                    return refuse("a '{' inside {...} (groups cannot nest)", i - 1);
                }
                out.push_str("(?:(?:");
                in_group = true;
            }
            '}' if in_group => {
                out.push_str("))");
                in_group = false;
            }
            ',' if in_group => out.push_str(")|(?:"),
            '*' if chars.get(i) == Some(&'*') => {
                out.push_str(".*");
                i += 1;
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            c => push_literal(&mut out, c),
        }
    }
    if in_group {
        return refuse("a '{' that is never closed", chars.len());
    }
    out.push('$');
    Ok(out)
}

fn push_literal(out: &mut String, c: char) {
    if "\\.+*?()|[]{}^$#&-~".contains(c) {
        out.push('\\');
    }
    out.push(c);
}

/// The objects a source's `exclusions` leave out: the first pattern an `s3://` path matches.
#[derive(Debug, Clone, Default)]
pub struct Exclusions(Vec<Glob>);

impl Exclusions {
    pub fn new(patterns: &[String]) -> Result<Exclusions, String> {
        patterns
            .iter()
            .map(|p| Glob::new(p))
            .collect::<Result<_, _>>()
            .map(Exclusions)
    }

    pub fn matching(&self, path: &str) -> Option<&Glob> {
        self.0.iter().find(|g| g.matches(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(glob: &str, path: &str) -> bool {
        Glob::new(glob).unwrap().matches(path)
    }

    #[test]
    fn globs_read_as_java_reads_them() {
        // Glue's documented example: every PDF, in any folder.
        assert!(matches("**.pdf", "s3://b/p/a/x.pdf"));
        assert!(!matches("**.pdf", "s3://b/p/x.pdf.gz"));
        // `*` and `?` stay within a folder; `**` crosses them.
        assert!(matches("s3://b/p/*.json", "s3://b/p/x.json"));
        assert!(!matches("s3://b/p/*.json", "s3://b/p/old/x.json"));
        assert!(matches("s3://b/p/**", "s3://b/p/old/x.json"));
        assert!(matches("s3://b/p/?.csv", "s3://b/p/1.csv"));
        assert!(!matches("s3://b/p/?.csv", "s3://b/p/12.csv"));
        assert!(!matches("*.json", "s3://b/p/x.json"), "a pattern covers the whole path");
        // Classes, negated classes, alternatives and escapes.
        assert!(matches("**/[ab].json", "s3://b/p/a.json"));
        assert!(!matches("**/[!ab].json", "s3://b/p/a.json"));
        assert!(matches("**/[!ab].json", "s3://b/p/c.json"));
        assert!(matches("**/[0-9].json", "s3://b/p/7.json"));
        assert!(matches("**.{csv,tsv}", "s3://b/x.tsv"));
        assert!(!matches("**.{csv,tsv}", "s3://b/x.json"));
        assert!(matches("**/\\*.json", "s3://b/*.json"));
        assert!(!matches("**/\\*.json", "s3://b/a.json"));
        // Regex characters are literal.
        assert!(matches("**/a+b(1).json", "s3://b/a+b(1).json"));
        assert!(!matches("**/a+b(1).json", "s3://b/aab1.json"));
    }

    #[test]
    fn bad_globs_are_refused_with_the_position() {
        for (glob, what) in [
            ("**/[ab.json", "never closed at character 4"),
            ("{a,{b}}", "cannot nest"),
            ("{a,b", "never closed"),
            ("x\\", "nothing after it"),
            ("[a/b]", "'/' inside"),
            ("**/[]a].json", "an empty [...]"),
            ("**/[!]a].json", "an empty [...]"),
        ] {
            let e = Glob::new(glob).unwrap_err();
            assert!(e.contains(what), "{glob}: {e}");
        }
        let long = "*".repeat(GLOB_MAX_CHARS + 1);
        assert!(Glob::new(&long).unwrap_err().contains("GLOB_MAX_CHARS"));
    }
}
