//! Keyboard shortcuts for the trainer at the front of the room, and the help overlay (`?`).
//! A shortcut does exactly what its button does (it clicks it, or calls the same method), and
//! never fires while the focus is in a text field, a select or an editor.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::t;
use crate::presenter::Preferences;
use crate::state::Studio;
use crate::tour::Tour;

/// Overlays open over the workbench (view state).
#[derive(Clone, Copy)]
pub struct Overlays {
    pub help: RwSignal<bool>,
    pub examples: RwSignal<bool>,
}

pub fn use_overlays() -> Overlays {
    expect_context::<Overlays>()
}

impl Overlays {
    pub fn new() -> Self {
        Self {
            help: RwSignal::new(false),
            examples: RwSignal::new(false),
        }
    }
}

impl Default for Overlays {
    fn default() -> Self {
        Self::new()
    }
}

/// The shortcuts, as the help overlay lists them: (keys, what they do, in the page's language).
fn shortcuts() -> [(&'static str, &'static str); 11] {
    [
        ("r", t("Run the job")),
        ("x", t("Reset the job bookmark")),
        ("w", t("Rewind the bookmark to the chosen run")),
        ("n", t("Tour: do the next step")),
        ("b", t("Tour: back one step (undo)")),
        ("z  ·  Ctrl+Z", t("Undo")),
        ("Shift+Z  ·  Ctrl+Shift+Z  ·  Ctrl+Y", t("Redo")),
        ("e", t("Examples")),
        ("p", t("Presenter view on or off")),
        ("?", t("Show or hide this help")),
        ("Esc", t("Close a dialog")),
    ]
}

/// Listens for shortcuts on the whole page, for as long as the app lives.
pub fn install(studio: Studio, tour: Tour, overlays: Overlays, preferences: Preferences) {
    // Dropping the handle keeps the listener: it lives as long as the page.
    let _listening = window_event_listener(ev::keydown, move |event: web_sys::KeyboardEvent| {
        if event.default_prevented() || is_typing(&event) {
            return;
        }
        let key = event.key();
        let command = event.ctrl_key() || event.meta_key();
        if event.alt_key() {
            return;
        }
        let handled = match (command, key.as_str()) {
            (_, "Escape") => {
                let open = overlays.help.get_untracked() || overlays.examples.get_untracked();
                overlays.help.set(false);
                overlays.examples.set(false);
                open
            }
            (false, "?") => {
                overlays.help.update(|h| *h = !*h);
                true
            }
            (true, "z") => {
                studio.undo();
                true
            }
            (true, "Z") | (true, "y") => {
                studio.redo();
                true
            }
            // While a dialog is open, only Escape and ? act.
            _ if overlays.help.get_untracked() || overlays.examples.get_untracked() => false,
            (true, _) => false,
            (false, "z") => {
                studio.undo();
                true
            }
            (false, "Z") => {
                studio.redo();
                true
            }
            (false, "r") => click("run-job"),
            (false, "x") => click("reset-bookmark"),
            (false, "w") => click("rewind-bookmark"),
            (false, "n") => {
                tour.step(studio);
                tour.is_open()
            }
            (false, "b") => {
                tour.back(studio);
                tour.is_open()
            }
            (false, "e") => {
                overlays.examples.set(true);
                true
            }
            (false, "p") => {
                preferences.toggle_present();
                true
            }
            _ => false,
        };
        if handled {
            event.prevent_default();
        }
    });
}

/// True when the key belongs to what the user is typing into.
fn is_typing(event: &web_sys::KeyboardEvent) -> bool {
    let Some(element) = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return false;
    };
    let text_field = match element.dyn_ref::<web_sys::HtmlInputElement>() {
        Some(input) => !matches!(
            input.type_().as_str(),
            "checkbox" | "radio" | "button" | "submit" | "reset" | "file" | "range" | "color"
        ),
        None => matches!(element.tag_name().as_str(), "TEXTAREA" | "SELECT"),
    };
    text_field
        || element.is_content_editable()
        || element.closest(".cm-editor, [role='textbox']").ok().flatten().is_some()
}

/// Clicks a button by id (a disabled button ignores it); true when there was one.
fn click(id: &str) -> bool {
    document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .map(|button| button.click())
        .is_some()
}

#[component]
pub fn ShortcutHelp() -> impl IntoView {
    let overlays = use_overlays();
    let close = move || overlays.help.set(false);
    move || {
        overlays.help.get().then(|| {
            view! {
                <div class="overlay" on:click=move |_| close()>
                    <div class="dialog" id="shortcut-help" role="dialog" aria-modal="true"
                        aria-labelledby="shortcut-help-title" on:click=|ev| ev.stop_propagation()>
                        <div class="dialog-head">
                            <h2 id="shortcut-help-title">{t("Keyboard shortcuts")}</h2>
                            <button class="link" on:click=move |_| close() aria-label=t("Close")>"×"</button>
                        </div>
                        <table class="shortcuts">
                            <tbody>
                                {shortcuts().into_iter().map(|(keys, what)| view! {
                                    <tr><td><kbd translate="no">{keys}</kbd></td><td>{what}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <p class="hint">{t("Shortcuts do nothing while you type in a field.")}</p>
                    </div>
                </div>
            }
        })
    }
}
