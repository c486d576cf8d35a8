//! What the next run is started with, as `aws glue start-job-run` takes it: the bookmark option,
//! `--job-bookmark-from`/`--job-bookmark-to` for a paused run (chosen among the job's runs, not
//! typed), any other `--arguments`, and a failure to inject. Typed arguments are parsed by core
//! (`args::parse_argument_text`) and their error is shown under the field; the run's own
//! validation (getResolvedOptions) stays core's, when the run starts.

use gluelab_core::model::args::{compose_run_arguments, BookmarkOption};
use gluelab_core::model::run::FailurePoint;
use gluelab_core::views::short_run_id;
use gluelab_core::RunRequest;
use leptos::prelude::*;

use crate::i18n::{t, tf};
use crate::state::use_studio;

/// The choices on screen (view state), kept while the workspace changes.
#[derive(Clone, Copy)]
pub struct RunOptions {
    /// `None`: the job's default option.
    option: RwSignal<Option<BookmarkOption>>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    typed: RwSignal<String>,
    fail_at: RwSignal<String>,
    /// Why the typed arguments cannot be used, shown under the field.
    error: RwSignal<Option<String>>,
}

impl RunOptions {
    pub fn new() -> Self {
        Self {
            option: RwSignal::new(None),
            from: RwSignal::new(String::new()),
            to: RwSignal::new(String::new()),
            typed: RwSignal::new(String::new()),
            fail_at: RwSignal::new(String::new()),
            error: RwSignal::new(None),
        }
    }

    /// The request for a run of `job`, or the reason it cannot be made (also shown on screen).
    pub fn request(&self, job: &str) -> Option<RunRequest> {
        let checked = self.build(job);
        self.error.set(checked.as_ref().err().cloned());
        checked.ok()
    }

    fn build(&self, job: &str) -> Result<RunRequest, String> {
        let option = self.option.get_untracked();
        let (from, to) = (self.from.get_untracked(), self.to.get_untracked());
        let mut request = RunRequest::new(job);
        request.arguments = compose_run_arguments(
            &self.typed.get_untracked(),
            option,
            Some(from.as_str()),
            Some(to.as_str()),
        )
        .map_err(|e| e.to_string())?;
        request.fail_at = FailurePoint::from_name(&self.fail_at.get_untracked());
        Ok(request)
    }
}

impl Default for RunOptions {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn RunOptionsFields(options: RunOptions) -> impl IntoView {
    let studio = use_studio();
    // The job's runs, newest first, for --job-bookmark-from/--job-bookmark-to.
    let runs = move || {
        let Some(job) = studio.job_name() else { return vec![] };
        studio.workspace.with(|ws| {
            let mut runs: Vec<(String, String)> = ws
                .runs_of(&job)
                .enumerate()
                .map(|(i, r)| {
                    (
                        r.id.clone(),
                        tf(
                            "run {n} · {id} · {state}",
                            &[
                                ("n", &(i + 1)),
                                ("id", &short_run_id(&r.id)),
                                ("state", &r.state.as_str()),
                            ],
                        ),
                    )
                })
                .collect();
            runs.reverse();
            runs
        })
    };
    // A run chosen before an undo or another workspace is no longer there: forget it, rather
    // than send an id the list no longer shows.
    Effect::new(move |_| {
        let shown: Vec<String> = runs().into_iter().map(|(id, _)| id).collect();
        for chosen in [options.from, options.to] {
            if chosen.with_untracked(|id| !id.is_empty() && !shown.contains(id)) {
                chosen.set(String::new());
            }
        }
    });
    let run_select = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <label class="run-option">
                <span translate="no">{label}</span>
                <select class="select" id=id on:change:target=move |ev| value.set(ev.target().value())>
                    <option value="" selected=move || value.with(String::is_empty)>{t("— none —")}</option>
                    <For each=runs key=|(id, label)| (id.clone(), label.clone()) let:((run_id, run_label))>
                        <option value=run_id.clone() translate="no" selected=move || value.with(|v| *v == run_id)>{run_label}</option>
                    </For>
                </select>
            </label>
        }
    };
    view! {
        <div class="run-options">
            <select class="select" id="run-option" aria-label=t("--job-bookmark-option for this run")
                on:change:target=move |ev| options.option.set(ev.target().value().parse().ok())>
                <option value="">{t("job's default option")}</option>
                {BookmarkOption::ALL.map(|o| view! { <option value=o.as_str() translate="no">{o.as_str()}</option> })}
            </select>
            <select class="select" id="fail-at" aria-label=t("Make this run fail")
                on:change:target=move |ev| options.fail_at.set(ev.target().value())>
                <option value="">{t("run normally")}</option>
                {FailurePoint::ALL.map(|p| {
                    let label = failure_label(p);
                    let verbatim = if label.contains('`') { "no" } else { "yes" };
                    view! { <option value=p.name() translate=verbatim>{crate::i18n::unmarked(label)}</option> }
                })}
            </select>
            <Show when=move || options.option.get() == Some(BookmarkOption::Pause)>
                <div class="row pause-range">
                    {run_select("run-from", "--job-bookmark-from", options.from)}
                    {run_select("run-to", "--job-bookmark-to", options.to)}
                </div>
            </Show>
            <label class="run-option wide">
                <span>{crate::i18n::marked(t("More `--arguments` for this run"))}</span>
                <input class="input mono" id="run-arguments" type="text" spellcheck="false"
                    placeholder=tf("{text}   or   {json}", &[("text", &"--name=value,--other=value"), ("json", &r#"{"--name": "value"}"#)])
                    aria-describedby="run-arguments-error"
                    aria-invalid=move || if options.error.with(Option::is_some) { "true" } else { "false" }
                    prop:value=move || options.typed.get()
                    on:input:target=move |ev| {
                        options.typed.set(ev.target().value());
                        options.error.set(None);
                    }/>
            </label>
            <p class="field-error" id="run-arguments-error" role="alert" translate="no">{move || options.error.get()}</p>
        </div>
    }
}

/// What each injected failure means, in the words of the run it makes.
fn failure_label(point: FailurePoint) -> &'static str {
    match point {
        FailurePoint::BeforeWrite => t("fail before the write"),
        FailurePoint::BeforeCommit => t("fail after the write, before `job.commit()`"),
        FailurePoint::Timeout => t("time out"),
    }
}
