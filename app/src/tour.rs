//! The guided tour: an example's steps one at a time, with what the trainer says. "Do it"
//! applies the step through core (`Workspace::apply_tour_step`), one undo step; a `Run` step
//! runs in the job-run worker like any run (`crate::runner`). Back undoes the step. Once a
//! step is done, the panels it changed are brought into view (`presenter::spotlight`); where
//! the tour stands is kept in localStorage, so a reload resumes it.

use gloo_storage::{LocalStorage, Storage};
use gluelab_core::demo::examples::{self, Example, TourAction, TourStep};
use gluelab_core::demo::story::Story;
use gluelab_core::model::run::RunState;
use gluelab_core::views::short_run_id;
use leptos::prelude::*;

use crate::i18n::marked;
use crate::i18n::{t, tf};
use crate::presenter::spotlight;
use crate::runner;
use crate::state::{use_studio, Notice, Studio};

const TOUR_KEY: &str = "gluelab.tour";
/// Set while the path from an empty workspace to a first run is shown.
const FIRST_STEPS_KEY: &str = "gluelab.first-steps";

/// The tour on screen, if any (view state: which example, which step comes next).
#[derive(Clone, Copy)]
pub struct Tour {
    active: RwSignal<Option<ActiveTour>>,
    /// The panels a step's run will change, lit once the run is over.
    after_run: RwSignal<Option<&'static [&'static str]>>,
    /// Where the tour stood when the page loaded (read before anything saves over it).
    at_load: StoredValue<Option<SavedTour>>,
    /// The first-steps guide (`crate::first_steps`) is shown: "Start empty" opens it.
    pub first_steps: RwSignal<bool>,
}

/// Where a tour stands, as a reload finds it.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct SavedTour {
    example: String,
    next: usize,
}

/// The panels (their headings' ids) where the room sees what `action` did, the one to look
/// at first leading.
fn panels_changed_by(action: &TourAction) -> &'static [&'static str] {
    match action {
        TourAction::Upload { .. } | TourAction::DeletePrefixes { .. } => &["s3-title", "timeline-title"],
        TourAction::Run { .. } => &["explain-title", "sink-title", "timeline-title"],
        TourAction::Reset | TourAction::RewindTo { .. } => &["bookmark-title"],
        TourAction::Advance { .. } => &["timeline-title"],
        TourAction::Statement { .. } => &["sink-title"],
        TourAction::RepairPartitions => &["s3-title"],
        TourAction::OverlappingRuns => &["explain-title", "runs-title", "sink-title"],
        TourAction::RenameContext { .. } => &["job-title"],
    }
}

#[derive(Clone, Debug, PartialEq)]
struct ActiveTour {
    example: Example,
    steps: Vec<TourStep>,
    /// The step "Do it" applies next (== steps.len() when the tour is over).
    next: usize,
    /// What the last step did.
    outcome: Option<Outcome>,
}

#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    /// Core's one-line report of a step that is done.
    Done(String),
    /// A run the step started: reported from the workspace once the worker has finished it.
    Run(String),
}

pub fn use_tour() -> Tour {
    expect_context::<Tour>()
}

impl Tour {
    pub fn new() -> Self {
        let tour = Self {
            active: RwSignal::new(None),
            after_run: RwSignal::new(None),
            at_load: StoredValue::new(LocalStorage::get::<SavedTour>(TOUR_KEY).ok()),
            first_steps: RwSignal::new(LocalStorage::get::<bool>(FIRST_STEPS_KEY).unwrap_or(false)),
        };
        Effect::new(move |_| {
            // Storage refused: the guide just does not survive a reload.
            let _ = match tour.first_steps.get() {
                true => LocalStorage::set(FIRST_STEPS_KEY, true),
                false => {
                    LocalStorage::delete(FIRST_STEPS_KEY);
                    Ok(())
                }
            };
        });
        Effect::new(move |_| {
            let saved = tour.active.with(|t| {
                t.as_ref().map(|t| SavedTour {
                    example: t.example.id.to_string(),
                    next: t.next,
                })
            });
            // Storage refused (private mode, quota): the tour just does not survive a reload.
            let _ = match saved {
                Some(saved) => LocalStorage::set(TOUR_KEY, saved),
                None => {
                    LocalStorage::delete(TOUR_KEY);
                    Ok(())
                }
            };
        });
        tour
    }

    /// Opens the tour a reload interrupted, at the step it had reached.
    pub fn resume(&self) {
        let Some(saved) = self.at_load.get_value() else {
            return;
        };
        self.open_at(&saved.example, saved.next);
    }

    /// Shows example `id`'s tour at step `next`: its first `next` steps are in the workspace.
    pub fn open_at(&self, id: &str, next: usize) {
        self.offer(id);
        self.active.update(|t| {
            if let Some(t) = t {
                t.next = next.min(t.steps.len());
            }
        });
    }

    /// The tour so far as a story (its example and the steps done), for a link to this step.
    pub fn story(&self) -> Option<Story> {
        self.active
            .with(|t| t.as_ref().and_then(|t| Story::from_tour(t.example.id, t.next).ok()))
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
        self.first_steps.set(false);
        self.active.set(active);
    }

    /// Closes the tour and the first-steps guide.
    pub fn close(&self) {
        self.active.set(None);
        self.first_steps.set(false);
    }

    pub fn is_open(&self) -> bool {
        self.active.with(Option::is_some)
    }

    /// Applies the next step; nothing while a run is in flight (its step is not over).
    pub fn step(&self, studio: Studio) {
        if studio.in_flight.with_untracked(Option::is_some) {
            return;
        }
        let Some((job, action)) = self.active.with_untracked(|t| {
            let t = t.as_ref()?;
            Some((t.example.job, t.steps.get(t.next)?.action.clone()))
        }) else {
            return;
        };
        let panels = panels_changed_by(&action);
        let outcome = if matches!(action, TourAction::Run { .. }) {
            let request = studio.workspace.with_untracked(|ws| ws.tour_run_request(job, &action));
            let run_id = match request {
                Ok(request) => runner::start(studio, request),
                Err(e) => {
                    studio.notice.set(Some(Notice::Error(e.to_string())));
                    None
                }
            };
            studio.selected_run.set(None); // the panels show the latest run: this one
            run_id.map(Outcome::Run)
        } else {
            studio
                .act(|ws| ws.apply_tour_step(crate::i18n::catalog(), job, &action))
                .map(Outcome::Done)
        };
        if let Some(outcome) = outcome {
            match outcome {
                Outcome::Run(_) => self.after_run.set(Some(panels)),
                Outcome::Done(_) => spotlight(panels),
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
    // A step's run is over: light what it changed.
    Effect::new(move |_| {
        if studio.in_flight.with(Option::is_none) {
            if let Some(panels) = tour.after_run.get() {
                tour.after_run.set(None);
                spotlight(panels);
            }
        }
    });
    move || {
        let active = tour.active.get()?;
        let total = active.steps.len();
        let done = active.next >= total;
        let (title, say) = match active.steps.get(active.next) {
            Some(step) => (t(&step.title).to_string(), t(&step.say).to_string()),
            None => (
                t("Tour complete").to_string(),
                t("Every step is done: explore the panels, or pick another example.").to_string(),
            ),
        };
        let outcome = active.outcome.map(|outcome| match outcome {
            Outcome::Done(text) => format!("✓ {text}"),
            Outcome::Run(run_id)
                if studio
                    .in_flight
                    .with(|f| f.as_ref().is_some_and(|f| f.run_id == run_id)) =>
            {
                tf(
                    "… run {run} RUNNING: the worker is on it",
                    &[("run", &short_run_id(&run_id))],
                )
            }
            // A stopped run did not do the step: say how to do it again.
            Outcome::Run(run_id) => studio
                .workspace
                .with(|ws| {
                    Ok::<_, gluelab_core::Error>((
                        ws.run_outcome(crate::i18n::catalog(), &run_id)?,
                        ws.run(&run_id)?.state,
                    ))
                })
                .map_or_else(
                    |e| e.to_string(),
                    |(text, state)| match state {
                        RunState::Stopped => tf(
                            "■ {text}: Back undoes it, then Do it runs the step again",
                            &[("text", &text)],
                        ),
                        _ => format!("✓ {text}"),
                    },
                ),
        });
        let running = studio.in_flight.with(Option::is_some);
        let progress = if done {
            tf("{total} of {total} done", &[("total", &total)])
        } else {
            tf(
                "Step {step} of {total}",
                &[("step", &(active.next + 1)), ("total", &total)],
            )
        };
        Some(view! {
            <aside class="tour" id="tour" aria-label=t("Guided tour") aria-live="polite">
                <div class="tour-head">
                    <span class="tour-example">{marked(&tf("Tour · {title}", &[("title", &t(active.example.title))]))}</span>
                    <span class="tour-progress" id="tour-progress">{progress}</span>
                    <crate::share::StepLink/>
                    <button class="link" id="tour-close" on:click=move |_| tour.close() aria-label=t("Close the tour")>"×"</button>
                </div>
                <div class="tour-body">
                    <div class="tour-text">
                        <h2 class="tour-title" id="tour-step-title">{marked(&title)}</h2>
                        <p class="tour-say" id="tour-say">{marked(&say)}</p>
                        {outcome.map(|o| view! { <p class="tour-outcome" id="tour-outcome">{marked(&o)}</p> })}
                    </div>
                    <div class="tour-buttons">
                        <button class="btn secondary" id="tour-back" aria-keyshortcuts="B"
                            title=t("Back: undo the last step (b)")
                            disabled=active.next == 0 || running on:click=move |_| tour.back(studio)>{t("Back")}</button>
                        <button class="btn primary" id="tour-next" aria-keyshortcuts="N"
                            title=t("Do this step (n)")
                            disabled=done || running on:click=move |_| tour.step(studio)>{t("Do it")}</button>
                    </div>
                </div>
            </aside>
        })
    }
}
