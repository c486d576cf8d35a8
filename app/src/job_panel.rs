//! The job: what it reads and writes, the switches that matter for bookmarks, and Run.

use gluelab_core::model::args::BookmarkOption;
use gluelab_core::model::job::SinkMode;
use leptos::prelude::*;

use crate::run_options::{RunOptions, RunOptionsFields};
use crate::state::{use_studio, NO_JOB_YET};

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
                .cloned()
                .unwrap_or(format!("{} (default)", BookmarkOption::Disable));
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
    view! {
        <section class="panel" aria-labelledby="job-title">
            <h2 id="job-title">"Job"</h2>
            {move || match summary() {
                None => view! { <p class="empty" id="no-job">"No job yet: drop a file into a bucket, make a table from it in its preview, then a job over it; or load an example."</p> }.into_any(),
                Some((name, source, sink, default_option)) => view! {
                    <dl class="facts">
                        <dt>"Name"</dt><dd class="mono" id="job-name">{name}</dd>
                        <dt>"Source"</dt><dd class="mono">{source}</dd>
                        <dt>"Sink"</dt><dd class="mono">{sink}</dd>
                        <dt>"Default --job-bookmark-option"</dt><dd class="mono">{default_option}</dd>
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
                    " source has transformation_ctx"
                </label>
                <label>
                    <input type="checkbox" id="commits" prop:checked=commits on:change:target=move |ev| {
                        let on = ev.target().checked();
                        edit_job(&|j| j.plan.commits = on);
                    }/>
                    " script calls job.commit()"
                </label>
                <label>
                    <input type="checkbox" id="appends" prop:checked=appends on:change:target=move |ev| {
                        let on = ev.target().checked();
                        edit_job(&|j| if let Some(s) = j.plan.sinks.first_mut() {
                            s.mode = if on { SinkMode::Append } else { SinkMode::Overwrite };
                        });
                    }/>
                    " sink appends (Glue's default; off = overwrite)"
                </label>
            </div>
            <RunOptionsFields options=options/>
            <div class="actions">
                <button class="btn primary" id="run-job" on:click=run aria-keyshortcuts="R"
                    disabled=move || studio.job_name().is_none()
                    title=move || if studio.job_name().is_some() { "Run the job (r)" } else { NO_JOB_YET }>
                    "▶ Run job"
                </button>
                <crate::exercise::PredictThenRun options=options/>
                <button class="btn secondary" id="edit-job" on:click=open_editor disabled=move || studio.job_name().is_none()
                    title=move || if studio.job_name().is_some() { "Edit the job's sources, steps, sinks and arguments" } else { NO_JOB_YET }>
                    "Edit job" {move || unsaved().then_some(" (unsaved draft)")}
                </button>
            </div>
            {move || editing.get().then(|| view! { <crate::editor::JobEditor draft=draft on_close=close_editor/> })}
        </section>
    }
}
