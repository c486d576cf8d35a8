//! The job: what it reads and writes, the switches that matter for bookmarks, Run, and
//! gluelab's own "Mark as processed" with the script one runs on Glue in its place.

use gluelab_core::aws::export::mark_as_processed_script;
use gluelab_core::model::args::BookmarkOption;
use gluelab_core::model::job::SinkMode;
use gluelab_core::model::lineage::VerdictKind;
use gluelab_core::views::short_run_id;
use gluelab_core::RunRequest;
use leptos::prelude::*;

use crate::i18n::marked;
use crate::i18n::{t, tf};
use crate::run_options::{RunOptions, RunOptionsFields};
use crate::state::{no_job_yet, use_studio};

#[component]
pub fn JobPanel() -> impl IntoView {
    let studio = use_studio();
    let options = RunOptions::new();
    // The editor's draft lives here, so closing the editor keeps unsaved edits.
    let draft = RwSignal::new(crate::editor::empty_draft());
    let editing = RwSignal::new(false);
    let open_editor = move |_| {
        let Some(name) = studio.job_name() else { return };
        if draft.with_untracked(|d| d.name != name) {
            if let Some(job) = studio.workspace.with_untracked(|ws| ws.job(&name).ok().cloned()) {
                draft.set(job);
            }
        }
        editing.set(true);
    };
    let close_editor = move || {
        editing.set(false);
        crate::editor::focus("edit-job");
    };
    let unsaved = move || {
        let Some(name) = studio.job_name() else { return false };
        draft.with(|d| d.name == name && studio.workspace.with(|ws| ws.job(&name).ok() != Some(d)))
    };
    let summary = move || {
        let name = studio.job_name()?;
        studio.workspace.with(|ws| {
            let job = ws.job(&name).ok()?;
            let source = job.plan.sources.first().map(|s| s.input.label());
            let sink = job.plan.sinks.first().map(|s| s.output.label());
            let default_option = job
                .default_arguments
                .get("--job-bookmark-option")
                .map(|option| format!("`{option}`"))
                .unwrap_or(tf("`{option}` (default)", &[("option", &BookmarkOption::Disable)]));
            Some((
                name.clone(),
                source.unwrap_or_default(),
                sink.unwrap_or_default(),
                default_option,
            ))
        })
    };
    let edit_job = move |change: &dyn Fn(&mut gluelab_core::model::job::JobDefinition)| {
        let Some(name) = studio.job_name() else { return };
        studio.act(|ws| {
            let mut job = ws.job(&name)?.clone();
            change(&mut job);
            ws.update_job(job)
        });
    };
    let flag = move |read: fn(&gluelab_core::model::job::JobDefinition) -> bool| {
        move || {
            let name = studio.job_name();
            studio
                .workspace
                .with(|ws| name.and_then(|n| ws.job(&n).ok().map(read)).unwrap_or(false))
        }
    };
    let has_ctx = flag(|j| j.plan.sources.first().is_some_and(|s| s.transformation_ctx.is_some()));
    let commits = flag(|j| j.plan.commits);
    let appends = flag(|j| j.plan.sinks.first().is_some_and(|s| s.mode == SinkMode::Append));
    let run = move |_| {
        let Some(name) = studio.job_name() else { return };
        let Some(request) = options.request(&name) else { return };
        if let Some(id) = crate::runner::start(studio, request) {
            studio.selected_run.set(Some(id));
        }
    };
    // Core's "Mark as processed" request, sent down the run worker like any run (one undo
    // step from begin to end, Stop works, the page stays responsive).
    let mark = move |_| {
        let Some(name) = studio.job_name() else { return };
        let request = RunRequest::marking_as_processed(&name);
        if let Some(id) = crate::runner::start(studio, request) {
            studio.selected_run.set(Some(id));
        }
    };
    let script_failed = RwSignal::new(None::<String>);
    let download_mark_script = move |_| {
        let Some(name) = studio.job_name() else { return };
        let Some(text) = studio
            .workspace
            .with_untracked(|ws| ws.job(&name).ok().map(mark_as_processed_script))
        else {
            return;
        };
        script_failed.set(
            crate::share::download(
                &format!("{name}.mark-as-processed.py"),
                "text/x-python",
                text.as_bytes(),
            )
            .err()
            .map(|e| tf("The download did not start: {error}", &[("error", &e)])),
        );
    };
    // The job's latest run, when it was a "Mark as processed" run: what it did, in numbers.
    let marked_run = move || {
        let name = studio.job_name()?;
        studio.workspace.with(|ws| {
            let run = ws
                .runs_of(&name)
                .last()
                .filter(|r| r.marks_as_processed && r.completed_on.is_some())?;
            let files = run.lineage.count(VerdictKind::Read) + run.lineage.count(VerdictKind::ReRead);
            Some(tf(
                "Run `{run}` (`{state}`) marked {files} file(s) as processed: {read} row(s) read and dropped, {written} written.",
                &[
                    ("run", &short_run_id(&run.id)),
                    ("state", &run.state.as_str()),
                    ("files", &files),
                    ("read", &run.rows_read),
                    ("written", &run.rows_written),
                ],
            ))
        })
    };
    view! {
        <section class="panel" aria-labelledby="job-title">
            <h2 id="job-title">{t("Job")}</h2>
            {move || match summary() {
                None => view! { <p class="empty" id="no-job">{t("No job yet: drop a file into a bucket, make a table from it in its preview, then a job over it; or load an example.")}</p> }.into_any(),
                Some((name, source, sink, default_option)) => view! {
                    <dl class="facts">
                        <dt>{t("Name")}</dt><dd class="mono" id="job-name" translate="no">{name}</dd>
                        <dt>{t("Source")}</dt><dd class="mono" translate="no">{source}</dd>
                        <dt>{t("Sink")}</dt><dd class="mono" translate="no">{sink}</dd>
                        <dt>{marked(t("Default `--job-bookmark-option`"))}</dt><dd class="mono">{marked(&default_option)}</dd>
                    </dl>
                }.into_any(),
            }}
            <div class="switches">
                <label>
                    <input type="checkbox" id="has-ctx" prop:checked=has_ctx on:change:target=move |ev| {
                        let on = ev.target().checked();
                        edit_job(&|j| if let Some(s) = j.plan.sources.first_mut() {
                            s.transformation_ctx = on.then(|| "datasource".to_string());
                        });
                    }/>
                    " " {marked(t("source has `transformation_ctx`"))}
                </label>
                <label>
                    <input type="checkbox" id="commits" prop:checked=commits on:change:target=move |ev| {
                        let on = ev.target().checked();
                        edit_job(&|j| j.plan.commits = on);
                    }/>
                    " " {marked(t("script calls `job.commit()`"))}
                </label>
                <label>
                    <input type="checkbox" id="appends" prop:checked=appends on:change:target=move |ev| {
                        let on = ev.target().checked();
                        edit_job(&|j| if let Some(s) = j.plan.sinks.first_mut() {
                            s.mode = if on { SinkMode::Append } else { SinkMode::Overwrite };
                        });
                    }/>
                    " " {t("sink appends (Glue's default; off = overwrite)")}
                </label>
            </div>
            <RunOptionsFields options=options/>
            <div class="actions">
                <button class="btn primary" id="run-job" on:click=run aria-keyshortcuts="R"
                    disabled=move || studio.job_name().is_none()
                    title=move || if studio.job_name().is_some() { t("Run the job (r)") } else { no_job_yet() }>
                    {t("▶ Run job")}
                </button>
                <crate::exercise::PredictThenRun options=options/>
                <button class="btn secondary" id="edit-job" on:click=open_editor disabled=move || studio.job_name().is_none()
                    title=move || if studio.job_name().is_some() { t("Edit the job's sources, steps, sinks and arguments") } else { no_job_yet() }>
                    {t("Edit job")} {move || unsaved().then(|| t(" (unsaved draft)"))}
                </button>
            </div>
            <div class="action-card mark-processed" role="group" aria-label=t("Mark as processed (gluelab only)")>
                <button class="btn secondary small" id="mark-as-processed" on:click=mark
                    disabled=move || studio.job_name().is_none()
                    title=move || if studio.job_name().is_some() {
                        t("gluelab only: one bookmarked run that reads what is new, drops every row, writes nothing and commits")
                    } else { no_job_yet() }>
                    {t("Mark as processed (gluelab only)")}
                </button>
                <details id="mark-processed-details">
                    <summary>{t("On real Glue")}</summary>
                    <p class="hint" id="mark-processed-aws">
                        {marked(t("AWS has no such API: run the job once with a `Filter` that drops every row, then `job.commit()`."))}
                    </p>
                    <button class="link" id="download-mark-script" on:click=download_mark_script
                        disabled=move || studio.job_name().is_none()>
                        {move || marked(&tf(
                            "Download `{file}`",
                            &[("file", &format!("{}.mark-as-processed.py", studio.job_name().unwrap_or_else(|| "job".into())))],
                        ))}
                    </button>
                </details>
                {move || marked_run().map(|text| view! { <p class="hint" id="mark-processed-result">{marked(&text)}</p> })}
                {move || script_failed.get().map(|e| view! { <p class="field-error">{e}</p> })}
            </div>
            {move || editing.get().then(|| view! { <crate::editor::JobEditor draft=draft on_close=close_editor/> })}
        </section>
    }
}
