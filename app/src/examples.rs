//! The example picker: core's ready examples (title and summary) and "Start empty". Picking
//! one replaces the workspace (undoable) and offers its guided tour.

use gluelab_core::demo::examples;
use gluelab_core::Workspace;
use leptos::prelude::*;

use crate::shortcuts::use_overlays;
use crate::state::{use_studio, Studio};
use crate::tour::{use_tour, Tour};

/// Loads example `id` (undoable) and offers its tour.
pub fn open_example(studio: Studio, tour: Tour, id: &str) {
    match examples::load(id) {
        Ok(workspace) => {
            studio.replace(workspace);
            tour.offer(id);
        }
        Err(e) => studio.notice.set(Some(crate::state::Notice::Error(e.to_string()))),
    }
}

/// An empty workspace (undoable), no tour.
pub fn start_empty(studio: Studio, tour: Tour) {
    studio.replace(Workspace::default());
    tour.close();
}

#[component]
pub fn ExamplesDialog() -> impl IntoView {
    let studio = use_studio();
    let tour = use_tour();
    let overlays = use_overlays();
    let close = move || overlays.examples.set(false);
    move || {
        overlays.examples.get().then(|| {
            let cards = examples::examples()
                .into_iter()
                .map(|example| {
                    let id = example.id;
                    view! {
                        <li>
                            <button class="example-card" data-example=id on:click=move |_| {
                                open_example(studio, tour, id);
                                close();
                            }>
                                <span class="example-title">{example.title}</span>
                                <span class="example-summary">{example.summary}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="overlay" on:click=move |_| close()>
                    <div class="dialog" id="examples-dialog" role="dialog" aria-modal="true"
                        aria-labelledby="examples-title" on:click=|ev| ev.stop_propagation()>
                        <div class="dialog-head">
                            <h2 id="examples-title">"Examples"</h2>
                            <button class="link" on:click=move |_| close() aria-label="Close">"×"</button>
                        </div>
                        <p class="hint">
                            "Each example is a workspace and a guided tour: step through it with \"Do it\" (or n). "
                            "Loading one replaces the workspace; Undo brings yours back."
                        </p>
                        <ul class="example-list">{cards}</ul>
                        <div class="row">
                            <button class="btn secondary" id="start-empty" on:click=move |_| {
                                start_empty(studio, tour);
                                close();
                            }>"Start empty"</button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
