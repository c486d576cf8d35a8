//! The guide after "Start empty": core's path from an empty workspace to a first run
//! (`Workspace::first_steps`), read off the workspace as it changes, the next step named with
//! where to do it. It closes with ×, or when an example or a tour takes over.

use gluelab_core::views::first_steps::FirstStep;
use leptos::prelude::*;

use crate::i18n::{catalog, t, tf};
use crate::state::use_studio;
use crate::tour::use_tour;

#[component]
pub fn FirstStepsPanel() -> impl IntoView {
    let studio = use_studio();
    let tour = use_tour();
    let steps = Memo::new(move |_| studio.workspace.with(|ws| ws.first_steps()));
    move || {
        tour.first_steps.get().then(|| {
            let list = steps.get();
            let total = list.len();
            let done = list.iter().filter(|s| s.done).count();
            let next = list.iter().find(|s| !s.done).map(|s| s.step);
            let (title, how) = match next {
                Some(step) => (
                    tf("Next: {step}", &[("step", &step.title(catalog()))]),
                    step.how(catalog()).to_string(),
                ),
                None => (
                    t("Your first run is done").to_string(),
                    t("The bookmark now holds the file: run again and it is skipped; Reset reads it again. Close this guide with ×.").to_string(),
                ),
            };
            let marks = list
                .into_iter()
                .map(|s| {
                    let current = Some(s.step) == next;
                    let mark = if s.done { "✓ " } else if current { "→ " } else { "○ " };
                    let class = if s.done { "first-step done" } else if current { "first-step current" } else { "first-step" };
                    view! { <li class=class data-step=step_id(s.step)>{mark}{s.step.title(catalog())}</li> }
                })
                .collect_view();
            view! {
                <aside class="tour first-steps" id="first-steps" aria-label=t("From empty to a first run") aria-live="polite">
                    <div class="tour-head">
                        <span class="tour-example">{t("From empty to a first run")}</span>
                        <span class="tour-progress" id="first-steps-progress">{tf("{done} of {total} done", &[("done", &done), ("total", &total)])}</span>
                        <button class="link" id="first-steps-close" on:click=move |_| tour.first_steps.set(false)
                            aria-label=t("Close the guide")>"×"</button>
                    </div>
                    <h2 class="tour-title" id="first-steps-title">{title}</h2>
                    <p class="tour-say" id="first-steps-how">{how}</p>
                    <ol class="first-step-list">{marks}</ol>
                </aside>
            }
        })
    }
}

fn step_id(step: FirstStep) -> &'static str {
    match step {
        FirstStep::Bucket => "bucket",
        FirstStep::File => "file",
        FirstStep::Table => "table",
        FirstStep::Job => "job",
        FirstStep::Run => "run",
    }
}
