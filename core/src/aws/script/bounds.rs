//! Bounds a script's nesting before ruff's parser sees it: the parser and the interpreter recurse
//! once per bracket and once per operator of a chain, so a script of `((((...))))` or
//! `1+1+1+...` would overflow the stack instead of failing with a line.
//!
//! A scan, not a parse: strings and comments are skipped (brackets inside an f-string count,
//! since its `{...}` holds expressions), and what counts is only ever an over-estimate.

use super::ScriptError;
use crate::limits::{PYTHON_MAX_NESTING, PYTHON_MAX_OPERATORS_PER_STATEMENT};

/// Refuses a script whose brackets nest deeper than [`PYTHON_MAX_NESTING`] or a statement with
/// more than [`PYTHON_MAX_OPERATORS_PER_STATEMENT`] operators, naming the line.
pub(super) fn check(source: &str) -> Result<(), ScriptError> {
    let bytes = source.as_bytes();
    let (mut i, mut line, mut depth, mut operators) = (0, 1, 0usize, 0usize);
    let too_deep = |line| ScriptError {
        line,
        message: format!(
            "SyntaxError: brackets nest more than {PYTHON_MAX_NESTING} levels deep (the limit PYTHON_MAX_NESTING)"
        ),
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\'' | b'"' => {
                let f_string = prefix_has_f(bytes, i);
                let triple = bytes[i..].starts_with(&[b, b, b]);
                let quote_len = if triple { 3 } else { 1 };
                i += quote_len;
                let mut inner = 0usize;
                while i < bytes.len() {
                    let c = bytes[i];
                    if c == b'\\' {
                        i += 2;
                        continue;
                    }
                    if c == b'\n' {
                        line += 1;
                        if !triple {
                            break; // an unterminated string: the parser names it
                        }
                    }
                    if f_string && matches!(c, b'{' | b'(' | b'[') {
                        inner += 1;
                        if depth + inner > PYTHON_MAX_NESTING {
                            return Err(too_deep(line));
                        }
                    }
                    if f_string && matches!(c, b'}' | b')' | b']') {
                        inner = inner.saturating_sub(1);
                    }
                    if c == b && (!triple || bytes[i..].starts_with(&[b, b, b])) {
                        i += quote_len;
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > PYTHON_MAX_NESTING {
                    return Err(too_deep(line));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => {
                line += 1;
                if depth == 0 && !(i > 0 && bytes[i - 1] == b'\\') {
                    operators = 0;
                }
            }
            b';' if depth == 0 => operators = 0,
            b'+' | b'-' | b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'~' | b'<' | b'>' | b'=' | b'!' | b'.' => {
                operators += 1
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                if matches!(
                    &source[start..i],
                    "not" | "and" | "or" | "is" | "in" | "lambda" | "if" | "await"
                ) {
                    operators += 1;
                }
                if operators > PYTHON_MAX_OPERATORS_PER_STATEMENT {
                    return Err(too_many(line));
                }
                continue;
            }
            _ => {}
        }
        if operators > PYTHON_MAX_OPERATORS_PER_STATEMENT {
            return Err(too_many(line));
        }
        i += 1;
    }
    Ok(())
}

fn too_many(line: usize) -> ScriptError {
    ScriptError {
        line,
        message: format!(
            "SyntaxError: the statement has more than {PYTHON_MAX_OPERATORS_PER_STATEMENT} operators (the limit \
             PYTHON_MAX_OPERATORS_PER_STATEMENT): split it"
        ),
    }
}

/// Whether the string literal whose quote is at `quote` has an `f` in its prefix (`f`, `rf`, `Fr`).
fn prefix_has_f(bytes: &[u8], quote: usize) -> bool {
    let mut j = quote;
    while j > 0 && bytes[j - 1].is_ascii_alphabetic() && quote - j < 2 {
        j -= 1;
        if bytes[j].eq_ignore_ascii_case(&b'f') {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_brackets_and_long_chains_are_refused_with_their_line() {
        let deep = format!("x = 1\ny = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
        let e = check(&deep).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("PYTHON_MAX_NESTING"), "{e}");
        let chain = format!("x = {}\n", vec!["1"; 100_000].join("+"));
        assert!(check(&chain)
            .unwrap_err()
            .message
            .contains("PYTHON_MAX_OPERATORS_PER_STATEMENT"));
        let unary = format!("\n\nx = {}1\n", "-".repeat(100_000));
        assert_eq!(check(&unary).unwrap_err().line, 3);
        let in_f_string = format!("x = f'{}'\n", "{(".repeat(200));
        assert!(check(&in_f_string).is_err());
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = format!(
            "x = '{0}'  # {0}\ny = \"\"\"\n{0}\n\"\"\"\nz = r'\\'{0}'\n",
            "(".repeat(500)
        );
        assert_eq!(check(&text), Ok(()));
        let many_lines = "a = 1 + 2\n".repeat(10_000);
        assert_eq!(check(&many_lines), Ok(()));
    }
}
