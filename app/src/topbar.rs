//! The top bar: the virtual clock, undo/redo, examples, export/import/share, where the
//! workspace is saved, the shortcut help and the theme.

use gluelab_core::demo::examples;
use gluelab_core::i18n::Lang;
use gluelab_core::model::clock::{iso8601, parse_duration};
use gluelab_core::views::browse::human_size;
use leptos::prelude::*;

use crate::examples::{open_example, start_empty};
use crate::exercise::use_exercises;
use crate::i18n::{self, marked, t, tf, unmarked};
use crate::presenter::use_preferences;
use crate::share::ShareMenu;
use crate::shortcuts::use_overlays;
use crate::state::{use_studio, SaveStatus};
use crate::tour::use_tour;

#[component]
pub fn TopBar() -> impl IntoView {
    let studio = use_studio();
    let tour = use_tour();
    let overlays = use_overlays();
    let exercises = use_exercises();
    let now = move || studio.workspace.with(|ws| iso8601(ws.clock().now()));
    let pass_15_minutes = move |_| {
        studio.act(|ws| ws.advance_clock(parse_duration("15m").expect("a valid duration")));
    };
    let preferences = use_preferences();
    let dark = preferences.dark;
    let save_note = move || match studio.save_status.get() {
        SaveStatus::Opening => ("save-status", t("opening…").to_string()),
        SaveStatus::Saving => ("save-status", t("saving…").to_string()),
        SaveStatus::Saved(bytes) => (
            "save-status",
            tf("saved in this browser · {size}", &[("size", &human_size(bytes as u64))]),
        ),
        SaveStatus::NotSaved(why) => ("save-status unsaved", why),
    };
    view! {
        <header class="topbar">
            <h1>"gluelab"</h1>
            <p class="tagline full-only">{t("AWS Glue job bookmarks, in your browser")}</p>
            <div class="spacer"></div>
            <span class="clock" title=t("The virtual clock: every action happens at a deterministic instant")>
                <span class="clock-label">{t("Clock")} " "</span>
                <span class="mono" id="clock-now" translate="no">
                    // The presenter view shows the time of day only: one story shares the day.
                    <span class="clock-date">{move || now().get(..11).unwrap_or_default().to_string()}</span>
                    {move || now().get(11..).unwrap_or_default().to_string()}
                </span>
            </span>
            <button class="btn secondary" id="pass-15m" on:click=pass_15_minutes>{t("15 minutes pass")}</button>
            <button class="btn secondary" id="undo" on:click=move |_| studio.undo() disabled=move || !studio.can_undo()
                aria-keyshortcuts="Z Control+Z"
                title=move || if studio.can_undo() { t("Undo (z)") } else { t("Undo (z): nothing to undo yet") }>
                {t("Undo")}
            </button>
            <button class="btn secondary" id="redo" on:click=move |_| studio.redo() disabled=move || !studio.can_redo()
                aria-keyshortcuts="Shift+Z Control+Shift+Z Control+Y"
                title=move || if studio.can_redo() { t("Redo (Shift+Z)") } else { t("Redo (Shift+Z): nothing undone to redo") }>
                {t("Redo")}
            </button>
            <button class="btn secondary" id="open-examples" on:click=move |_| overlays.examples.set(true)
                aria-keyshortcuts="E" title=t("Examples with a guided tour (e)")>{t("Examples")}</button>
            <select
                class="select full-only"
                aria-label=t("Load a workspace")
                on:change:target=move |ev| {
                    match ev.target().value().as_str() {
                        "" => {}
                        "demo" => open_example(studio, tour, exercises, "seed"),
                        "empty" => start_empty(studio, tour, exercises),
                        id => open_example(studio, tour, exercises, id),
                    }
                    ev.target().set_value("");
                }
            >
                <option value="">{t("Load…")}</option>
                <option value="demo">{t("Seed article demo")}</option>
                {examples::examples().into_iter().filter(|e| e.id != "seed").map(|e| view! {
                    <option value=e.id title=unmarked(t(e.summary)) translate=verbatim(e.title, e.summary)>{unmarked(t(e.title))}</option>
                }).collect_view()}
                <option value="empty">{t("Empty workspace")}</option>
            </select>
            <div class="full-only share-slot"><ShareMenu/></div>
            <span class=move || format!("{} full-only", save_note().0) id="save-status"
                title=t("The workspace is kept in this browser's IndexedDB, and survives a reload")>
                {move || marked(&save_note().1)}
            </span>
            <button class="btn secondary full-only" id="show-shortcuts" aria-keyshortcuts="?"
                on:click=move |_| overlays.help.update(|h| *h = !*h) title=t("Keyboard shortcuts (?)")>"?"</button>
            <LanguageSwitch/>
            <button class="btn secondary" aria-label=t("Toggle dark theme") on:click=move |_| dark.update(|d| *d = !*d)>
                {move || if dark.get() { "☀" } else { "☾" }}
            </button>
            <button class="btn secondary" id="present" aria-keyshortcuts="P"
                aria-pressed=move || if preferences.present.get() { "true" } else { "false" }
                title=t("Presenter view, for a projector: large text and the story pinned on screen (p)")
                on:click=move |_| preferences.toggle_present()>
                {move || if preferences.present.get() { t("Exit presenter") } else { t("Present") }}
            </button>
        </header>
    }
}

/// An example's `<option>` (its title, its summary as the tooltip) is kept from translators when
/// either holds a `backticked` name ([`marked`]): an attribute cannot mark a part of itself.
fn verbatim(title: &str, summary: &str) -> &'static str {
    match t(title).contains('`') || t(summary).contains('`') {
        true => "no",
        false => "yes",
    }
}

/// Shows the other language, in itself; choosing it reloads the page in that language. Not in
/// the presenter view's one-row bar: a room's language is chosen before presenting.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let other = match i18n::lang() {
        Lang::En => Lang::Ja,
        Lang::Ja => Lang::En,
    };
    view! {
        <button class="btn secondary full-only" id="lang-switch" lang=other.tag()
            title="Language / 表示言語" on:click=move |_| i18n::switch_to(other)>
            {other.endonym()}
        </button>
    }
}
