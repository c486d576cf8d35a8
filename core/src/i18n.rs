//! Sentences in the reader's language, the gettext way: a message's English text is its id,
//! and a catalog maps ids to another language's text. English needs no catalog; Japanese is
//! `core/locales/ja.json` (the sentences core produces) plus `app/locales/ja.json` (the app's
//! own strings), which the app fetches only when a reader picks 日本語.
//!
//! Core and the app write a message the same way, `catalog.t("English text")` or
//! `catalog.tf("{name} was read", &[("name", &name)])`, so one extractor
//! (`tests/tests/locales.rs`) finds every id in both crates' sources.
//!
//! Placeholders are named, `{name}`, so a translation may put them in any order; `{{` and
//! `}}` are literal braces. What AWS prints (API fields, states, error codes, engine errors)
//! is never a message: it stays as AWS prints it.

use std::collections::BTreeMap;
use std::fmt::{self, Display, Write as _};

use crate::limits::MAX_CATALOG_BYTES;

/// The languages gluelab speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "ja")]
    Ja,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];

    /// The BCP 47 tag (`<html lang>`, the saved choice).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The language's name in itself, as a language switch shows it.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ja => "日本語",
        }
    }

    /// The language a BCP 47 tag (a browser's `navigator.language`) asks for: Japanese for
    /// `ja` and `ja-*`, English otherwise.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        match primary.eq_ignore_ascii_case("ja") {
            true => Lang::Ja,
            false => Lang::En,
        }
    }
}

/// Why a catalog was refused. The app then stays in English and says so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("the {lang} catalog is {len} bytes; at most {MAX_CATALOG_BYTES} are read")]
    TooLong { lang: &'static str, len: usize },
    #[error("the {lang} catalog is not a JSON object of strings: {reason}")]
    NotJson { lang: &'static str, reason: String },
}

/// One language's translations, by English text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    lang: Lang,
    messages: BTreeMap<String, String>,
}

impl Catalog {
    /// English: every message is its own id.
    pub fn english() -> Self {
        Self::default()
    }

    /// A catalog of `lang` with no translations yet ([`Catalog::extend`] adds a file's).
    pub fn empty(lang: Lang) -> Self {
        Self {
            lang,
            messages: BTreeMap::new(),
        }
    }

    /// A catalog from its JSON, `{"English text": "translation", ...}`. Several files of one
    /// language (core's and the app's) are one catalog: [`Catalog::extend`].
    pub fn from_json(lang: Lang, json: &str) -> Result<Self, CatalogError> {
        let mut catalog = Self::empty(lang);
        catalog.extend(json)?;
        Ok(catalog)
    }

    /// Adds a file's translations to the catalog.
    pub fn extend(&mut self, json: &str) -> Result<(), CatalogError> {
        if json.len() > MAX_CATALOG_BYTES {
            return Err(CatalogError::TooLong {
                lang: self.lang.tag(),
                len: json.len(),
            });
        }
        let messages: BTreeMap<String, String> = serde_json::from_str(json).map_err(|e| CatalogError::NotJson {
            lang: self.lang.tag(),
            reason: e.to_string(),
        })?;
        self.messages.extend(messages);
        Ok(())
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message in the catalog's language; the English id when it has no translation.
    pub fn t<'a>(&'a self, id: &'a str) -> &'a str {
        self.messages.get(id).map_or(id, String::as_str)
    }

    /// The message with its placeholders filled.
    pub fn tf(&self, id: &str, args: &[(&str, &dyn Display)]) -> String {
        fill(self.t(id), args)
    }

    /// The ids this catalog translates (for the coverage test).
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }
}

/// `template` with each `{name}` replaced by its argument. An unknown name stays as written,
/// so a broken translation shows its placeholder rather than losing the sentence.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        let closed = tail.starts_with('{').then(|| tail.find('}')).flatten();
        match closed.and_then(|end| args.iter().find(|(name, _)| *name == &tail[1..end]).map(|a| (end, a.1))) {
            Some((end, value)) => {
                let _ = write!(out, "{value}");
                rest = &tail[end + 1..];
            }
            None => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` placeholders a message uses, in order of first use (a translation must use the
/// same set).
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{{") {
            rest = after;
            continue;
        }
        match tail.find('}') {
            Some(end) => {
                let name = &tail[1..end];
                if !name.is_empty() && !names.contains(&name) {
                    names.push(name);
                }
                rest = &tail[end + 1..];
            }
            None => break,
        }
    }
    names
}

impl Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn japanese() -> Catalog {
        Catalog::from_json(
            Lang::Ja,
            r#"{"{name} was read.": "{name} を読み込みました。", "run {run} of {job}": "{job} の実行 {run}"}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_translation_fills_its_placeholders_in_its_own_order() {
        let ja = japanese();
        assert_eq!(
            ja.tf("{name} was read.", &[("name", &"a.json")]),
            "a.json を読み込みました。"
        );
        assert_eq!(
            ja.tf("run {run} of {job}", &[("run", &4), ("job", &"etl")]),
            "etl の実行 4"
        );
    }

    #[test]
    fn english_and_untranslated_messages_are_their_id() {
        assert_eq!(Catalog::english().t("Run the job"), "Run the job");
        assert_eq!(japanese().t("Run the job"), "Run the job");
        assert_eq!(
            Catalog::english().tf("{name} was read.", &[("name", &"b.csv")]),
            "b.csv was read."
        );
    }

    #[test]
    fn braces_doubled_are_literal_and_unknown_names_stay() {
        assert_eq!(fill("{{run 1}} is {x}", &[("x", &1)]), "{run 1} is 1");
        assert_eq!(fill("{missing} and {", &[]), "{missing} and {");
        assert_eq!(placeholders("{a} {{b}} {c} {a}"), ["a", "c"]);
    }

    #[test]
    fn a_bad_catalog_is_refused_not_half_read() {
        assert!(matches!(
            Catalog::from_json(Lang::Ja, r#"{"a": 1}"#),
            Err(CatalogError::NotJson { lang: "ja", .. })
        ));
        let huge = format!("{{\"a\": \"{}\"}}", "x".repeat(MAX_CATALOG_BYTES));
        assert!(matches!(
            Catalog::from_json(Lang::Ja, &huge),
            Err(CatalogError::TooLong { .. })
        ));
    }

    #[test]
    fn a_browser_language_picks_japanese_only_for_ja() {
        assert_eq!(Lang::from_tag("ja-JP"), Lang::Ja);
        assert_eq!(Lang::from_tag("ja"), Lang::Ja);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag("jav"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }
}
