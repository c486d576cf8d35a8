//! The example picker: core's ready examples (title and summary), the workshop challenges and
//! "Start empty". Picking one replaces the workspace (undoable) and offers its guided tour (or
//! shows the challenge's goal).

use gluelab_core::demo::{examples, exercises};
use gluelab_core::Workspace;
use leptos::prelude::*;

use crate::exercise::{use_exercises, Exercises};
use crate::i18n::marked;
use crate::i18n::t;
use crate::shortcuts::use_overlays;
use crate::state::{use_studio, Studio};
use crate::tour::{use_tour, Tour};

/// Loads example `id` (undoable) and offers its tour.
pub fn open_example(studio: Studio, tour: Tour, exercises: Exercises, id: &str) {
    match examples::load(id) {
        Ok(workspace) => {
            studio.replace(workspace);
            exercises.close();
            tour.offer(id);
        }
        Err(e) => studio.notice.set(Some(crate::state::Notice::Error(e.to_string()))),
    }
}

/// An empty workspace (undoable): no tour, the first-steps guide instead.
pub fn start_empty(studio: Studio, tour: Tour, exercises: Exercises) {
    studio.replace(Workspace::default());
    exercises.close();
    tour.close();
    tour.first_steps.set(true);
}

#[component]
pub fn ExamplesDialog() -> impl IntoView {
    let studio = use_studio();
    let tour = use_tour();
    let exercises = use_exercises();
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
                                open_example(studio, tour, exercises, id);
                                close();
                            }>
                                <span class="example-title">{marked(t(example.title))}</span>
                                <span class="example-summary">{marked(t(example.summary))}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view();
            let challenges = exercises::challenges()
                .into_iter()
                .map(|challenge| {
                    let id = challenge.id;
                    view! {
                        <li>
                            <button class="example-card" data-challenge=id on:click=move |_| {
                                exercises.start(studio, tour, id);
                                close();
                            }>
                                <span class="example-title">
                                    {marked(t(challenge.title))}
                                    {move || exercises.is_met(id).then_some(" ✓")}
                                </span>
                                <span class="example-summary">{marked(t(challenge.goal))}</span>
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
                            <h2 id="examples-title">{t("Examples")}</h2>
                            <button class="link" on:click=move |_| close() aria-label=t("Close")>"×"</button>
                        </div>
                        <p class="hint">
                            {t("Each example is a workspace and a guided tour: step through it with \"Do it\" (or n). \
                                Loading one replaces the workspace; Undo brings yours back.")}
                        </p>
                        <ul class="example-list">{cards}</ul>
                        <h3 class="dialog-section">{t("Challenges")}</h3>
                        <p class="hint">{t("A starting point and a goal: gluelab checks whether your workspace meets it. Hints on the way.")}</p>
                        <ul class="example-list" id="challenge-list">{challenges}</ul>
                        <div class="row">
                            <button class="btn secondary" id="start-empty" on:click=move |_| {
                                start_empty(studio, tour, exercises);
                                close();
                            }>{t("Start empty")}</button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
