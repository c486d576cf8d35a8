//! What a panic that still happens in the page leaves on screen, instead of a dead page.
//!
//! Release wasm aborts on a panic, so the hook runs in an instance about to die: the screen is
//! built with plain DOM calls (no Leptos), and nothing on it calls back into wasm. Its two links
//! work without wasm: the last saved workspace as a `blob:` URL made here, and the page's own URL.

use std::panic::PanicHookInfo;

use gluelab_core::views::browse::human_size;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlAnchorElement, HtmlDialogElement};

use crate::i18n::{t, tf};
use crate::persistence;

const SCREEN_ID: &str = "panic-screen";
const DOWNLOAD_NAME: &str = "gluelab-workspace.json";

/// The page's panic hook: the console's message (console_error_panic_hook), then the screen.
pub fn install() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo| {
        console_error_panic_hook::hook(info);
        // The state may be half-changed: the last good save stays what a reload brings back.
        persistence::stop_saving();
        show(&info.to_string());
    }));
}

/// Panics on purpose, with `message` if given: for the e2e tests and for trying the panic
/// screen from the console (`wasmBindings.debugPanic()`).
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic(message: Option<String>) {
    panic!("debugPanic: {}", message.as_deref().unwrap_or("a panic asked for"));
}

fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    // The dying page may call into wasm again and panic again: the first panic's screen stays.
    if document.get_element_by_id(SCREEN_ID).is_none() {
        let _ = build(&document, message);
    }
}

fn build(document: &Document, message: &str) -> Result<(), JsValue> {
    let screen: HtmlDialogElement = document.create_element("dialog")?.unchecked_into();
    screen.set_id(SCREEN_ID);
    screen.set_class_name("panic-screen");
    screen.set_attribute("role", "alertdialog")?;
    screen.set_attribute("aria-labelledby", "panic-title")?;
    // Esc must not close it: the page under it no longer works.
    screen.set_attribute("closedby", "none")?;
    let card = append(document, &screen, "div", "panic-card", "")?;
    append(
        document,
        &card,
        "h1",
        "panic-title",
        t("gluelab stopped because of a bug"),
    )?
    .set_id("panic-title");
    append(
        document,
        &card,
        "p",
        "panic-lead",
        t("The page cannot go on: nothing on it responds any more. This is gluelab's fault, not yours."),
    )?;
    let saved = persistence::last_saved();
    let kept = match &saved {
        Some(bytes) => tf(
            "The last saved workspace ({size}) is kept in this browser and comes back when you reload. \
             A change made after that save is lost.",
            &[("size", &human_size(bytes.len() as u64))],
        ),
        None => t("No workspace was saved in this browser yet, so there is none to download: reload to start again.")
            .to_owned(),
    };
    append(document, &card, "p", "panic-kept", &kept)?;
    let actions = append(document, &card, "p", "panic-actions", "")?;
    if let Some(bytes) = &saved {
        let download = link(document, &actions, "btn primary", t("Download the workspace"))?;
        download.set_href(&crate::share::object_url("application/json", bytes)?);
        download.set_download(DOWNLOAD_NAME);
        download.set_id("panic-download");
    }
    // An empty href is the page's own URL: a reload that needs no script.
    let reload = link(document, &actions, "btn secondary", t("Reload"))?;
    reload.set_href("");
    reload.set_id("panic-reload");
    append(
        document,
        &card,
        "p",
        "panic-hint",
        t("What went wrong, for a bug report:"),
    )?;
    // Text, never markup: the message may hold anything.
    let details = append(document, &card, "pre", "panic-message", message)?;
    details.set_id("panic-message");
    details.set_attribute("translate", "no")?;
    document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?
        .append_child(&screen)?;
    // Modal: above an open editor dialog (the top layer), the page under it inert. Where that
    // fails, the stylesheet still covers the page.
    let _ = screen.show_modal();
    Ok(())
}

/// A new `<tag class=class>` holding `text`, as the last child of `parent`.
fn append(document: &Document, parent: &Element, tag: &str, class: &str, text: &str) -> Result<Element, JsValue> {
    let element = document.create_element(tag)?;
    element.set_class_name(class);
    if !text.is_empty() {
        element.set_text_content(Some(text));
    }
    parent.append_child(&element)?;
    Ok(element)
}

fn link(document: &Document, parent: &Element, class: &str, text: &str) -> Result<HtmlAnchorElement, JsValue> {
    Ok(append(document, parent, "a", class, text)?.unchecked_into())
}
