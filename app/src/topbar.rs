//! The top bar: the virtual clock, undo/redo, examples, export/import/share, where the
//! workspace is saved, the shortcut help and the theme.

use gluelab_core::demo::examples;
use gluelab_core::model::clock::{iso8601, parse_duration};
use gluelab_core::views::browse::human_size;
use leptos::prelude::*;

use crate::examples::{open_example, start_empty};
use crate::share::ShareMenu;
use crate::shortcuts::use_overlays;
use crate::state::{use_studio, SaveStatus};
use crate::tour::use_tour;

#[component]
pub fn TopBar() -> impl IntoView {
    let studio = use_studio();
    let tour = use_tour();
    let overlays = use_overlays();
    let now = move || studio.workspace.with(|ws| iso8601(ws.clock().now()));
    let pass_15_minutes = move |_| {
        studio.act(|ws| ws.advance_clock(parse_duration("15m").expect("a valid duration")));
    };
    let dark = RwSignal::new(false);
    Effect::new(move |_| {
        let root = document().document_element().expect("a root element");
        let _ = root.set_attribute("data-theme", if dark.get() { "dark" } else { "light" });
    });
    let save_note = move || match studio.save_status.get() {
        SaveStatus::Opening => ("save-status", "opening…".to_string()),
        SaveStatus::Saving => ("save-status", "saving…".to_string()),
        SaveStatus::Saved(bytes) => (
            "save-status",
            format!("saved in this browser · {}", human_size(bytes as u64)),
        ),
        SaveStatus::NotSaved(why) => ("save-status unsaved", why),
    };
    view! {
        <header class="topbar">
            <h1>"gluelab"</h1>
            <p class="tagline">"AWS Glue job bookmarks, in your browser"</p>
            <div class="spacer"></div>
            <span class="clock" title="The virtual clock: every action happens at a deterministic instant">
                "Clock " <span class="mono" id="clock-now">{now}</span>
            </span>
            <button class="btn secondary" id="pass-15m" on:click=pass_15_minutes>"15 minutes pass"</button>
            <button class="btn secondary" id="undo" on:click=move |_| studio.undo() disabled=move || !studio.can_undo()
                aria-keyshortcuts="Z Control+Z" title="Undo (z)">
                "Undo"
            </button>
            <button class="btn secondary" id="redo" on:click=move |_| studio.redo() disabled=move || !studio.can_redo()
                aria-keyshortcuts="Shift+Z Control+Shift+Z Control+Y" title="Redo (Shift+Z)">
                "Redo"
            </button>
            <button class="btn secondary" id="open-examples" on:click=move |_| overlays.examples.set(true)
                aria-keyshortcuts="E" title="Examples with a guided tour (e)">"Examples"</button>
            <select
                class="select"
                aria-label="Load a workspace"
                on:change:target=move |ev| {
                    match ev.target().value().as_str() {
                        "" => {}
                        "demo" => open_example(studio, tour, "seed"),
                        "empty" => start_empty(studio, tour),
                        id => open_example(studio, tour, id),
                    }
                    ev.target().set_value("");
                }
            >
                <option value="">"Load…"</option>
                <option value="demo">"Seed article demo"</option>
                {examples::examples().into_iter().filter(|e| e.id != "seed").map(|e| view! {
                    <option value=e.id title=e.summary>{e.title}</option>
                }).collect_view()}
                <option value="empty">"Empty workspace"</option>
            </select>
            <ShareMenu/>
            <span class=move || save_note().0 id="save-status"
                title="The workspace is kept in this browser's IndexedDB, and survives a reload">
                {move || save_note().1}
            </span>
            <button class="btn secondary" id="show-shortcuts" aria-keyshortcuts="?"
                on:click=move |_| overlays.help.update(|h| *h = !*h) title="Keyboard shortcuts (?)">"?"</button>
            <button class="btn secondary" aria-label="Toggle dark theme" on:click=move |_| dark.update(|d| *d = !*d)>
                {move || if dark.get() { "☀" } else { "☾" }}
            </button>
        </header>
    }
}
