//! `LIKE` and `regexp_like`, on `regex-lite`.
//!
//! `regex-lite` has no Unicode tables: `\w \d \s \b` and case-insensitive matching are ASCII,
//! which is also the default of Java's `java.util.regex` (Spark's `rlike` / `regexp_like`), and
//! `.` matches one character, not one byte. `\p{..}` classes are refused with a clear message.
//! Matching time is linear in the text (no backtracking), so hostile patterns cannot hang a page.

use std::collections::HashMap;

use regex_lite::{Regex, RegexBuilder};

use crate::arrow::array::{Array, BooleanArray, StringArray};

/// Why a pattern was refused, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPattern(pub String);

/// `value LIKE pattern` (or `NOT LIKE`) row by row; either side may be one row for all.
/// `%` is any run of characters, `_` one character, `\` escapes the next one (Spark's default).
pub fn like(values: &StringArray, patterns: &StringArray, negated: bool) -> Result<BooleanArray, BadPattern> {
    let mut compiled = Compiled::new(like_regex);
    rows(values, patterns, |v, p| Ok(compiled.get(p)?.is_match(v) != negated))
}

/// `regexp_like(value, pattern)`: the pattern matches somewhere in the value.
pub fn regexp_like(values: &StringArray, patterns: &StringArray) -> Result<BooleanArray, BadPattern> {
    let mut compiled = Compiled::new(|p: &str| build(p, p));
    rows(values, patterns, |v, p| Ok(compiled.get(p)?.is_match(v)))
}

/// Applies `f` to each row's (value, pattern); NULL if either is NULL.
fn rows(
    values: &StringArray,
    patterns: &StringArray,
    mut f: impl FnMut(&str, &str) -> Result<bool, BadPattern>,
) -> Result<BooleanArray, BadPattern> {
    // One side of one row stands for every row of the other, which may have none.
    let n = if values.is_empty() || patterns.is_empty() {
        0
    } else {
        values.len().max(patterns.len())
    };
    let at = |a: &StringArray, i: usize| if a.len() == 1 { 0 } else { i };
    (0..n)
        .map(|i| {
            let (v, p) = (at(values, i), at(patterns, i));
            if values.is_null(v) || patterns.is_null(p) {
                return Ok(None);
            }
            f(values.value(v), patterns.value(p)).map(Some)
        })
        .collect()
}

/// Patterns compiled once per distinct text.
struct Compiled<F> {
    build: F,
    cache: HashMap<String, Regex>,
}

impl<F: Fn(&str) -> Result<Regex, BadPattern>> Compiled<F> {
    fn new(build: F) -> Self {
        Compiled {
            build,
            cache: HashMap::new(),
        }
    }

    fn get(&mut self, pattern: &str) -> Result<&Regex, BadPattern> {
        if !self.cache.contains_key(pattern) {
            let regex = (self.build)(pattern)?;
            self.cache.insert(pattern.to_string(), regex);
        }
        Ok(&self.cache[pattern])
    }
}

/// The regex that matches what LIKE `pattern` matches: anchored, `%` → `.*`, `_` → `.`.
fn like_regex(pattern: &str) -> Result<Regex, BadPattern> {
    let mut regex = String::with_capacity(pattern.len() * 2 + 8);
    regex.push_str("(?s)^");
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => regex.push_str(".*"),
            '_' => regex.push('.'),
            // A trailing backslash is a literal backslash.
            '\\' => regex.push_str(&regex_lite::escape(&chars.next().unwrap_or('\\').to_string())),
            c => regex.push_str(&regex_lite::escape(&c.to_string())),
        }
    }
    regex.push('$');
    build(&regex, pattern)
}

fn build(regex: &str, shown: &str) -> Result<Regex, BadPattern> {
    RegexBuilder::new(regex)
        .build()
        .map_err(|e| BadPattern(format!("the pattern '{shown}' is not a valid regular expression: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[Option<&str>]) -> StringArray {
        StringArray::from(v.to_vec())
    }

    fn like_one(value: &str, pattern: &str) -> bool {
        like(&strings(&[Some(value)]), &strings(&[Some(pattern)]), false)
            .unwrap()
            .value(0)
    }

    #[test]
    fn like_wildcards_escapes_and_metacharacters() {
        assert!(like_one("abc", "a%"));
        assert!(like_one("abc", "%c"));
        assert!(like_one("abc", "_b_"));
        assert!(!like_one("abc", "_b"));
        assert!(like_one("a.c", "a.c"));
        assert!(!like_one("abc", "a.c"));
        assert!(like_one("50%", "50\\%"));
        assert!(!like_one("500", "50\\%"));
        assert!(like_one("a\\", "a\\"));
        assert!(like_one("line\nbreak", "line%break"));
        assert!(like_one("東京都", "東_都"));
        assert!(!like_one("ABC", "abc"));
    }

    #[test]
    fn like_broadcasts_either_side_and_keeps_nulls() {
        let values = strings(&[Some("ab"), None, Some("xb")]);
        let out = like(&values, &strings(&[Some("a%")]), false).unwrap();
        assert_eq!(out.iter().collect::<Vec<_>>(), [Some(true), None, Some(false)]);
        let out = like(&values, &strings(&[Some("a%")]), true).unwrap();
        assert_eq!(out.iter().collect::<Vec<_>>(), [Some(false), None, Some(true)]);
        let none = like(&strings(&[]), &strings(&[Some("a%")]), false).unwrap();
        assert_eq!(
            none.len(),
            0,
            "a constant pattern over no rows (a CASE branch no row reaches)"
        );
        let patterns = strings(&[Some("a%"), Some("%"), None]);
        let out = like(&strings(&[Some("ab")]), &patterns, false).unwrap();
        assert_eq!(out.iter().collect::<Vec<_>>(), [Some(true), Some(true), None]);
    }

    #[test]
    fn regexp_classes_are_ascii_as_in_java() {
        let values = strings(&[Some("abc_1"), Some("é"), Some("٣"), Some("É")]);
        let matches = |p: &str| {
            regexp_like(&values, &strings(&[Some(p)]))
                .unwrap()
                .iter()
                .map(Option::unwrap)
                .collect::<Vec<_>>()
        };
        assert_eq!(matches(r"^\w+$"), [true, false, false, false]);
        assert_eq!(matches(r"\d"), [true, false, false, false]);
        assert_eq!(matches("^.$"), [false, true, true, true]);
        assert_eq!(matches("(?i)^é$"), [false, true, false, false]);
    }

    #[test]
    fn bad_patterns_are_named() {
        let err = regexp_like(&strings(&[Some("a")]), &strings(&[Some("(")])).unwrap_err();
        assert!(err.0.contains("'('"), "{err:?}");
        assert!(regexp_like(&strings(&[Some("a")]), &strings(&[Some(r"\p{Greek}")])).is_err());
    }
}
