//! The top bar: the virtual clock, undo/redo, examples and the theme.

use gluelab_core::clock::{iso8601, parse_duration};
use gluelab_core::Workspace;
use leptos::prelude::*;

use crate::state::{demo_workspace, use_studio};

#[component]
pub fn TopBar() -> impl IntoView {
    let studio = use_studio();
    let now = move || studio.workspace.with(|ws| iso8601(ws.clock.now()));
    let pass_15_minutes = move |_| {
        studio.act(|ws| {
            ws.clock.advance(parse_duration("15m").expect("a valid duration"));
            Ok(())
        });
    };
    let dark = RwSignal::new(false);
    Effect::new(move |_| {
        let root = document().document_element().expect("a root element");
        let _ = root.set_attribute("data-theme", if dark.get() { "dark" } else { "light" });
    });
    view! {
        <header class="topbar">
            <h1>"gluelab"</h1>
            <p class="tagline">"AWS Glue job bookmarks, in your browser"</p>
            <div class="spacer"></div>
            <span class="clock" title="The virtual clock: every action happens at a deterministic instant">
                "Clock " <span class="mono" id="clock-now">{now}</span>
            </span>
            <button class="btn secondary" id="pass-15m" on:click=pass_15_minutes>"15 minutes pass"</button>
            <button class="btn secondary" id="undo" on:click=move |_| studio.undo() disabled=move || !studio.can_undo()>
                "Undo"
            </button>
            <button class="btn secondary" id="redo" on:click=move |_| studio.redo() disabled=move || !studio.can_redo()>
                "Redo"
            </button>
            <select
                class="select"
                aria-label="Load a workspace"
                on:change:target=move |ev| {
                    match ev.target().value().as_str() {
                        "demo" => studio.replace(demo_workspace()),
                        "empty" => studio.replace(Workspace::default()),
                        _ => {}
                    }
                    ev.target().set_value("");
                }
            >
                <option value="">"Load…"</option>
                <option value="demo">"Seed article demo"</option>
                <option value="empty">"Empty workspace"</option>
            </select>
            <button class="btn secondary" aria-label="Toggle dark theme" on:click=move |_| dark.update(|d| *d = !*d)>
                {move || if dark.get() { "☀" } else { "☾" }}
            </button>
        </header>
    }
}
