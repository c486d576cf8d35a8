//! Every message the page can show has its Japanese, and every Japanese entry is still used.
//!
//! Messages are the English text written `t("...")` / `tf("...", ...)` in `app/src` and
//! `catalog.t("...")` / `catalog.tf("...", ...)` in `core/src` (see `core/src/i18n.rs`), plus
//! the shipped examples' texts and the editor's transform labels, which core's data holds and
//! the app shows through `t`.
//! `app/locales/ja.json` must hold the app's, `core/locales/ja.json` core's, each with the same
//! `{name}` placeholders as its English.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use gluelab_core::demo::{examples, exercises};
use gluelab_core::i18n::placeholders;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The Rust string literal at the start of `text` (after its opening quote), unescaped.
fn literal(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                '\\' => out.push('\\'),
                '"' => out.push('"'),
                '\'' => out.push('\''),
                '0' => out.push('\0'),
                'u' => {
                    let code: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                    out.push(char::from_u32(u32::from_str_radix(&code, 16).ok()?)?);
                }
                '\n' => {
                    while chars.peek().is_some_and(|c| c.is_whitespace()) {
                        chars.next();
                    }
                }
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

/// A file's code as the extractor reads it: comment lines blanked (they show calls as
/// examples) and the unit tests left out (their messages are made up), lines kept in place.
fn code_of(source: &str) -> String {
    let code = source.split("\n#[cfg(test)]\nmod tests").next().unwrap_or_default();
    code.lines()
        .map(|line| if line.trim_start().starts_with("//") { "" } else { line })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The message ids written in a crate's sources, with where each first appears.
fn ids_in(dir: &str) -> BTreeMap<String, String> {
    let mut files = Vec::new();
    rust_files(&root().join(dir), &mut files);
    files.sort();
    let mut ids = BTreeMap::new();
    for file in files {
        let source = code_of(&std::fs::read_to_string(&file).unwrap());
        for (at, _) in source.match_indices('(') {
            let before = &source[..at];
            let name = before.trim_end_matches(|c: char| c.is_alphanumeric() || c == '_');
            let called = &before[name.len()..];
            if called != "t" && called != "tf" {
                continue;
            }
            // A call, not the definition `fn t(`.
            if name.trim_end().ends_with("fn") {
                continue;
            }
            let args = source[at + 1..].trim_start();
            let Some(rest) = args.strip_prefix('"') else { continue };
            let line = source[..at].lines().count();
            let id = literal(rest)
                .unwrap_or_else(|| panic!("{}:{line}: a message id must be a plain string literal", file.display()));
            ids.entry(id)
                .or_insert_with(|| format!("{}:{line}", file.strip_prefix(root()).unwrap().display()));
        }
    }
    ids
}

/// The texts core's shipped examples, tours and exercises hold (shown through `t`).
fn core_data_ids() -> BTreeMap<String, String> {
    let mut ids = BTreeMap::new();
    let mut add = |text: &str, from: String| {
        if !text.is_empty() {
            ids.entry(text.to_string()).or_insert(from);
        }
    };
    for example in examples::examples() {
        add(example.title, format!("example {}", example.id));
        add(example.summary, format!("example {}", example.id));
        for (n, step) in examples::tour(example.id).unwrap().iter().enumerate() {
            add(&step.title, format!("tour {} step {}", example.id, n + 1));
            add(&step.say, format!("tour {} step {}", example.id, n + 1));
        }
    }
    for kind in gluelab_core::transform::catalogue::CATALOGUE {
        if kind.label != kind.name {
            add(kind.label, format!("transform catalogue {}", kind.name));
        }
    }
    for challenge in exercises::challenges() {
        for text in challenge.texts() {
            add(text, format!("challenge {}", challenge.id));
        }
    }
    ids
}

fn catalog(path: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not a JSON object of strings: {e}"))
}

/// The catalog translates exactly `ids`, with the same placeholders, and nothing else.
fn check(path: &str, ids: &BTreeMap<String, String>) {
    let ja = catalog(path);
    let missing: Vec<String> = ids
        .iter()
        .filter(|(id, _)| !ja.contains_key(*id))
        .map(|(id, at)| format!("  {at}: {id:?}"))
        .collect();
    let stale: Vec<&String> = ja.keys().filter(|id| !ids.contains_key(*id)).collect();
    let mismatched: Vec<String> = ja
        .iter()
        .filter(|(id, text)| {
            let want: BTreeSet<&str> = placeholders(id).into_iter().collect();
            let got: BTreeSet<&str> = placeholders(text).into_iter().collect();
            want != got || text.trim().is_empty()
        })
        .map(|(id, text)| format!("  {id:?} → {text:?}"))
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty() && mismatched.is_empty(),
        "{path}:\n{} message(s) have no Japanese:\n{}\n{} entr(ies) are no longer used: {stale:?}\n{} translation(s) are empty or change the placeholders:\n{}",
        missing.len(),
        missing.join("\n"),
        stale.len(),
        mismatched.len(),
        mismatched.join("\n"),
    );
}

#[test]
fn every_message_of_the_app_has_its_japanese() {
    check("app/locales/ja.json", &ids_in("app/src"));
}

#[test]
fn every_sentence_core_produces_has_its_japanese() {
    let mut ids = ids_in("core/src");
    for (id, at) in core_data_ids() {
        ids.entry(id).or_insert(at);
    }
    check("core/locales/ja.json", &ids);
}

#[test]
fn the_extractor_reads_what_rust_writes() {
    assert_eq!(literal(r#"a \"b\" \u{e9}\n"rest"#).unwrap(), "a \"b\" é\n");
    assert_eq!(literal("one \\\n        two\" x").unwrap(), "one two");
}
