//! The page's language. It is fixed for the page's life: choosing another one saves the choice
//! and reloads (the workspace, the tour step and undo survive a reload), so no string needs a
//! signal of its own. English is built in; Japanese is fetched, only by those who choose it,
//! from the two catalogs Trunk copies next to the wasm (core's sentences and the app's).
//!
//! A string the page shows is written `t("English text")` (or `tf` with `{name}` arguments):
//! the English is the message id, and `tests/tests/locales.rs` checks that every such id has
//! its Japanese in `app/locales/ja.json`.

use std::fmt::Display;
use std::sync::OnceLock;

use gloo_storage::{LocalStorage, Storage};
use gluelab_core::i18n::{Catalog, Lang};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where the choice is saved (beside the presenter and theme preferences).
const LANG_KEY: &str = "gluelab.lang";

/// The catalogs a language needs, relative to the page (index.html copies them).
const JAPANESE: [&str; 2] = ["locales/core/ja.json", "locales/app/ja.json"];

static CATALOG: OnceLock<Catalog> = OnceLock::new();
/// Why the chosen language could not be loaded (the page then speaks English and says so).
static LOAD_ERROR: OnceLock<String> = OnceLock::new();

/// The catalog the page speaks (English until [`load`] has run).
pub fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(Catalog::english)
}

pub fn lang() -> Lang {
    catalog().lang()
}

/// A UI string in the page's language.
pub fn t(id: &str) -> &str {
    catalog().t(id)
}

/// A UI string with its `{name}` placeholders filled.
pub fn tf(id: &str, args: &[(&str, &dyn Display)]) -> String {
    catalog().tf(id, args)
}

/// What went wrong loading the chosen language, if anything.
pub fn load_error() -> Option<&'static str> {
    LOAD_ERROR.get().map(String::as_str)
}

/// The saved choice, or the browser's own language.
pub fn chosen() -> Lang {
    LocalStorage::get::<Lang>(LANG_KEY).unwrap_or_else(|_| {
        let tag = window().navigator().language().unwrap_or_default();
        Lang::from_tag(&tag)
    })
}

/// Loads the chosen language's catalogs before the page first renders. On failure the page
/// speaks English and [`load_error`] says why.
pub async fn load() {
    let lang = chosen();
    let catalog = match lang {
        Lang::En => Ok(Catalog::english()),
        Lang::Ja => fetch_catalog(lang, &JAPANESE).await,
    };
    let catalog = catalog.unwrap_or_else(|why| {
        let _ = LOAD_ERROR.set(why);
        Catalog::english()
    });
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", catalog.lang().tag());
    }
    let _ = CATALOG.set(catalog);
    // The tab's title (index.html holds the English, for the page before the wasm starts).
    document().set_title(t("gluelab — AWS Glue job bookmarks in your browser"));
}

/// Saves the choice and reloads the page in that language.
pub fn switch_to(lang: Lang) {
    let _ = LocalStorage::set(LANG_KEY, lang);
    let _ = window().location().reload();
}

async fn fetch_catalog(lang: Lang, paths: &[&str]) -> Result<Catalog, String> {
    let mut catalog = Catalog::empty(lang);
    for path in paths {
        let text = fetch_text(path)
            .await
            .map_err(|why| format!("{path} did not load ({why}); the page stays in English"))?;
        catalog
            .extend(&text)
            .map_err(|e| format!("{path}: {e}; the page stays in English"))?;
    }
    Ok(catalog)
}

async fn fetch_text(path: &str) -> Result<String, String> {
    let describe = |e: wasm_bindgen::JsValue| e.as_string().unwrap_or_else(|| format!("{e:?}"));
    let response = JsFuture::from(window().fetch_with_str(path)).await.map_err(describe)?;
    let response: web_sys::Response = response.dyn_into().map_err(describe)?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

/// A label or hint in the page's language whose `backticked` parts are Glue's own names
/// (options, parameters, APIs): those are shown as written, without the backticks, and kept
/// from translators (`translate="no"`).
pub fn marked(text: &str) -> Vec<AnyView> {
    text.split('`')
        .enumerate()
        .map(|(n, part)| {
            let part = part.to_string();
            if n % 2 == 1 {
                view! { <span translate="no">{part}</span> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect()
}

/// A marked text as plain text (an attribute, an `<option>`).
pub fn unmarked(text: &str) -> String {
    text.replace('`', "")
}

/// A message whose placeholder `{key}` is data (a file name, an address): the text around it
/// in the page's language, the data itself marked `translate="no"`. Other placeholders are
/// filled beforehand (`tf` leaves a placeholder it has no value for as written).
pub fn with_data(message: &str, key: &str, data: String) -> impl IntoView {
    with_all_data(message, &[(key, data)])
}

/// [`with_data`] for several placeholders, each standing where the translation puts it.
pub fn with_all_data(message: &str, data: &[(&str, String)]) -> impl IntoView {
    let mut parts = vec![];
    let mut rest = message;
    loop {
        let next = data
            .iter()
            .filter_map(|(key, value)| rest.find(&format!("{{{key}}}")).map(|at| (at, key.len() + 2, value)))
            .min_by_key(|(at, _, _)| *at);
        let Some((at, len, value)) = next else { break };
        parts.push(rest[..at].to_string().into_any());
        parts.push(view! { <span translate="no">{value.clone()}</span> }.into_any());
        rest = &rest[at + len..];
    }
    parts.push(rest.to_string().into_any());
    parts
}
