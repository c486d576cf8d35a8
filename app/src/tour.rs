//! The guided tour: an example's steps one at a time, with what the trainer says. "Do it"
//! applies the step through core (`Workspace::apply_tour_step`), one undo step; Back undoes it.

use gluelab_core::demo::examples::{self, Example, TourAction, TourStep};
use leptos::prelude::*;

use crate::state::{use_studio, Studio};

/// The tour on screen, if any (view state: which example, which step comes next).
#[derive(Clone, Copy)]
pub struct Tour {
    active: RwSignal<Option<ActiveTour>>,
}

#[derive(Clone, Debug, PartialEq)]
struct ActiveTour {
    example: Example,
    steps: Vec<TourStep>,
    /// The step "Do it" applies next (== steps.len() when the tour is over).
    next: usize,
    /// What core said the last step did.
    outcome: Option<String>,
}

pub fn use_tour() -> Tour {
    expect_context::<Tour>()
}

impl Tour {
    pub fn new() -> Self {
        Self {
            active: RwSignal::new(None),
        }
    }

    /// Shows the tour of example `id` at its first step (the workspace is already loaded).
    pub fn offer(&self, id: &str) {
        let example = examples::examples().into_iter().find(|e| e.id == id);
        let active = match (example, examples::tour(id)) {
            (Some(example), Ok(steps)) => Some(ActiveTour {
                example,
                steps,
                next: 0,
                outcome: None,
            }),
            _ => None,
        };
        self.active.set(active);
    }

    pub fn close(&self) {
        self.active.set(None);
    }

    pub fn is_open(&self) -> bool {
        self.active.with(Option::is_some)
    }

    /// Applies the next step. A `Run` step runs the job synchronously through core on this
    /// thread, not through the worker (`Studio::begin_run`): an example's data is a few lines,
    /// so it takes milliseconds, and the step stays one call into core, exactly as the CLI
    /// replays it.
    pub fn step(&self, studio: Studio) {
        let Some((job, action)) = self.active.with_untracked(|t| {
            let t = t.as_ref()?;
            Some((t.example.job, t.steps.get(t.next)?.action.clone()))
        }) else {
            return;
        };
        if let Some(outcome) = studio.act(|ws| ws.apply_tour_step(job, &action)) {
            if matches!(action, TourAction::Run { .. }) {
                studio.selected_run.set(None); // the panels show the latest run: this one
            }
            self.active.update(|t| {
                if let Some(t) = t {
                    t.next += 1;
                    t.outcome = Some(outcome);
                }
            });
        }
    }

    /// Back one step: undoes the last change (the step's, if nothing was done since).
    pub fn back(&self, studio: Studio) {
        if self.active.with_untracked(|t| t.as_ref().is_none_or(|t| t.next == 0)) || !studio.can_undo() {
            return;
        }
        studio.undo();
        self.active.update(|t| {
            if let Some(t) = t {
                t.next -= 1;
                t.outcome = None;
            }
        });
    }
}

impl Default for Tour {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn TourPanel() -> impl IntoView {
    let studio = use_studio();
    let tour = use_tour();
    move || {
        let active = tour.active.get()?;
        let total = active.steps.len();
        let done = active.next >= total;
        let (title, say) = match active.steps.get(active.next) {
            Some(step) => (step.title.clone(), step.say.clone()),
            None => (
                "Tour complete".to_string(),
                "Every step is done: explore the panels, or pick another example.".to_string(),
            ),
        };
        let progress = if done {
            format!("{total} of {total} done")
        } else {
            format!("Step {} of {total}", active.next + 1)
        };
        Some(view! {
            <aside class="tour" id="tour" aria-label="Guided tour" aria-live="polite">
                <div class="tour-head">
                    <span class="tour-example">"Tour · " {active.example.title}</span>
                    <span class="tour-progress" id="tour-progress">{progress}</span>
                    <button class="link" id="tour-close" on:click=move |_| tour.close() aria-label="Close the tour">"×"</button>
                </div>
                <div class="tour-body">
                    <div class="tour-text">
                        <h2 class="tour-title" id="tour-step-title">{title}</h2>
                        <p class="tour-say" id="tour-say">{say}</p>
                        {active.outcome.map(|o| view! { <p class="tour-outcome" id="tour-outcome">"✓ " {o}</p> })}
                    </div>
                    <div class="tour-buttons">
                        <button class="btn secondary" id="tour-back" aria-keyshortcuts="B"
                            title="Back: undo the last step (b)"
                            disabled=active.next == 0 on:click=move |_| tour.back(studio)>"Back"</button>
                        <button class="btn primary" id="tour-next" aria-keyshortcuts="N"
                            title="Do this step (n)"
                            disabled=done on:click=move |_| tour.step(studio)>"Do it"</button>
                    </div>
                </div>
            </aside>
        })
    }
}
