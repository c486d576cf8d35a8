//! Workshop exercises (core's `demo::exercises`): *predict, then run* beside the Run button,
//! and challenges picked in the Examples dialog, shown in a banner with their goal, hints and a
//! Check button. Core grades and checks; this only asks and shows. Challenges met are kept in
//! this browser's localStorage.

use std::collections::{BTreeMap, BTreeSet};

use gloo_storage::{LocalStorage, Storage};
use gluelab_core::demo::exercises::{self, ChallengeCheck, Grade, Prediction};
use gluelab_core::engine::verdict_word;
use gluelab_core::model::lineage::VerdictKind;
use leptos::prelude::*;

use crate::i18n::{catalog, t, tf};
use crate::run_options::RunOptions;
use crate::state::{use_studio, Notice, Studio};
use crate::tour::Tour;

const MET_KEY: &str = "gluelab.challenges-met";

/// The exercise on screen (view state).
#[derive(Clone, Copy)]
pub struct Exercises {
    challenge: RwSignal<Option<&'static str>>,
    hints_shown: RwSignal<usize>,
    check: RwSignal<Option<ChallengeCheck>>,
    /// Challenges met in this browser.
    met: RwSignal<BTreeSet<String>>,
    /// A prediction waiting for its run to end: (run id, prediction).
    pending: RwSignal<Option<(String, Prediction)>>,
    grade: RwSignal<Option<Grade>>,
}

pub fn use_exercises() -> Exercises {
    expect_context::<Exercises>()
}

impl Exercises {
    pub fn new() -> Self {
        Self {
            challenge: RwSignal::new(None),
            hints_shown: RwSignal::new(0),
            check: RwSignal::new(None),
            met: RwSignal::new(LocalStorage::get(MET_KEY).unwrap_or_default()),
            pending: RwSignal::new(None),
            grade: RwSignal::new(None),
        }
    }

    /// Replaces the workspace (undoable) with challenge `id`'s start, and shows its banner;
    /// false (and a notice) when there is no such challenge.
    pub fn start(&self, studio: Studio, tour: Tour, id: &str) -> bool {
        let found = exercises::challenge(id).and_then(|c| Ok((c.id, exercises::challenge_workspace(c.id)?)));
        match found {
            Ok((id, workspace)) => {
                studio.replace(workspace);
                tour.close();
                self.challenge.set(Some(id));
                self.hints_shown.set(0);
                self.check.set(None);
                self.grade.set(None);
                true
            }
            Err(e) => {
                studio.notice.set(Some(Notice::Error(e.to_string())));
                false
            }
        }
    }

    pub fn close(&self) {
        self.challenge.set(None);
    }

    pub fn is_met(&self, id: &str) -> bool {
        self.met.with(|m| m.contains(id))
    }

    fn check_now(&self, studio: Studio) {
        let Some(id) = self.challenge.get_untracked() else {
            return;
        };
        let check = studio
            .workspace
            .with_untracked(|ws| exercises::check_challenge(catalog(), ws, id));
        match check {
            Ok(check) => {
                if check.met {
                    self.met.update(|m| {
                        m.insert(id.to_string());
                    });
                    let _ = LocalStorage::set(MET_KEY, self.met.get_untracked());
                }
                self.check.set(Some(check));
            }
            Err(e) => studio.notice.set(Some(Notice::Error(e.to_string()))),
        }
    }
}

impl Default for Exercises {
    fn default() -> Self {
        Self::new()
    }
}

/// The challenge under way: its goal, hints one at a time, and Check.
#[component]
pub fn ChallengeBanner() -> impl IntoView {
    let studio = use_studio();
    let exercises = use_exercises();
    move || {
        let challenge = exercises::challenge(exercises.challenge.get()?).ok()?;
        let hints_shown = exercises.hints_shown.get();
        let more_hints = hints_shown < challenge.hints.len();
        let check = exercises.check.get();
        Some(view! {
            <aside class="tour challenge" id="challenge" aria-label=t("Challenge") aria-live="polite">
                <div class="tour-head">
                    <span class="tour-example">{t("Challenge")} " · " {t(challenge.title)}</span>
                    <span class="tour-progress">{move || if exercises.is_met(challenge.id) { t("✓ met in this browser") } else { "" }}</span>
                    <crate::share::ChallengeLink id=challenge.id/>
                    <button class="link" id="challenge-close" on:click=move |_| exercises.close() aria-label=t("Close the challenge")>"×"</button>
                </div>
                <div class="tour-body">
                    <div class="tour-text">
                        <p class="tour-say" id="challenge-goal">{t(challenge.goal)}</p>
                        {challenge.hints.iter().take(hints_shown).map(|h| view! { <p class="hint challenge-hint">{tf("Hint: {hint}", &[("hint", &t(h))])}</p> }).collect_view()}
                        {check.map(|c| view! {
                            <p class=if c.met { "tour-outcome" } else { "tour-outcome not-yet" } id="challenge-check">
                                {if c.met { tf("✓ Goal met: {says}", &[("says", &c.says)]) } else { c.says }}
                            </p>
                        })}
                    </div>
                    <div class="tour-buttons">
                        <button class="btn secondary" id="challenge-hint" disabled=!more_hints
                            on:click=move |_| exercises.hints_shown.update(|n| *n += 1)>{t("Hint")}</button>
                        <button class="btn primary" id="challenge-check-button"
                            disabled=move || studio.in_flight.with(Option::is_some)
                            on:click=move |_| exercises.check_now(studio)>{t("Check")}</button>
                    </div>
                </div>
            </aside>
        })
    }
}

/// The verdicts a learner can predict.
const CHOICES: [VerdictKind; 3] = [VerdictKind::Read, VerdictKind::ReRead, VerdictKind::Skipped];

/// "Predict, then run": each object the next run will look at, what the learner expects of it
/// and of the sink, then the run and its grade.
#[component]
pub fn PredictThenRun(options: RunOptions) -> impl IntoView {
    let studio = use_studio();
    let exercises = use_exercises();
    let open = RwSignal::new(false);
    let answers = RwSignal::new(BTreeMap::<String, VerdictKind>::new());
    let sink_rows = RwSignal::new(String::new());
    let sheet = move || {
        let job = studio.job_name()?;
        studio.workspace.with(|ws| {
            let sheet = ws.prediction_sheet(&job).ok()?;
            Some(
                sheet
                    .into_iter()
                    .map(|o| (ws.object_label(&job, &o), o))
                    .collect::<Vec<_>>(),
            )
        })
    };
    let run_and_grade = move |_| {
        let Some(job) = studio.job_name() else { return };
        let Some(request) = options.request(&job) else { return };
        let prediction = Prediction {
            verdicts: answers.get_untracked(),
            sink_rows: sink_rows.with_untracked(|s| s.trim().parse().ok()),
        };
        if let Some(id) = crate::runner::start(studio, request) {
            studio.selected_run.set(Some(id.clone()));
            exercises.grade.set(None);
            exercises.pending.set(Some((id, prediction)));
            open.set(false);
        }
    };
    // The run is over: grade it.
    Effect::new(move |_| {
        if studio.in_flight.with(Option::is_some) {
            return;
        }
        let Some((run_id, prediction)) = exercises.pending.get() else {
            return;
        };
        exercises.pending.set(None);
        let job = studio.job_name().unwrap_or_default();
        let grade = studio
            .workspace
            .with_untracked(|ws| ws.grade_prediction(catalog(), &job, &run_id, &prediction));
        match grade {
            Ok(grade) => exercises.grade.set(Some(grade)),
            Err(e) => studio.notice.set(Some(Notice::Error(e.to_string()))),
        }
    });
    view! {
        <button class="btn secondary" id="predict" aria-expanded=move || open.get().to_string()
            disabled=move || studio.job_name().is_none() || studio.in_flight.with(Option::is_some)
            title=t("Say what the next run will do to each file, then run it and see what you got right")
            on:click=move |_| {
                answers.set(BTreeMap::new());
                sink_rows.set(String::new());
                open.update(|o| *o = !*o);
            }>
            {t("Predict, then run")}
        </button>
        <Show when=move || open.get()>
            <div class="predict" id="predict-form">
                <p class="hint">{t("What will the next run do to each file?")}</p>
                <ul class="predict-list">
                    {move || sheet().unwrap_or_default().into_iter().map(|(name, key)| {
                        view! {
                            <li class="predict-row">
                                <span class="mono" translate="no">{name.clone()}</span>
                                <select class="select" data-object=name.clone() aria-label=tf("What the run does to {name}", &[("name", &name)])
                                    on:change:target=move |ev| {
                                        let value = ev.target().value();
                                        let kind = CHOICES.into_iter().find(|k| k.as_str() == value);
                                        answers.update(|a| match kind {
                                            Some(kind) => { a.insert(key.clone(), kind); }
                                            None => { a.remove(&key); }
                                        });
                                    }>
                                    <option value="">{t("choose…")}</option>
                                    {CHOICES.into_iter().map(|k| view! { <option value=k.as_str()>{verdict_word(catalog(), k)}</option> }).collect_view()}
                                </select>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <label class="field">
                    {t("Rows in the sink after the run")}
                    <input class="input" id="predict-sink-rows" type="number" min="0" inputmode="numeric"
                        prop:value=move || sink_rows.get() on:input:target=move |ev| sink_rows.set(ev.target().value())/>
                </label>
                <div class="actions">
                    <button class="btn primary" id="predict-run" on:click=run_and_grade>{t("Run and grade")}</button>
                </div>
            </div>
        </Show>
        {move || exercises.grade.get().map(|grade| {
            let lines = grade.lines(catalog());
            view! {
                <div class="predict-grade" id="prediction-grade" aria-live="polite">
                    <p class="predict-score">{lines[0].clone()}</p>
                    <ul>
                        {lines[1..].iter().map(|line| view! {
                            <li class=if line.starts_with('✓') { "right" } else { "wrong" }>{line.clone()}</li>
                        }).collect_view()}
                    </ul>
                </div>
            }
        })}
    }
}
