//! The bookmark as `aws glue get-job-bookmark` prints it, with reset and rewind — each showing
//! beforehand what the next run would then read again.

use gluelab_core::lineage::{RunLineage, VerdictKind};
use gluelab_core::views::{short_run_id, BookmarkAction};
use leptos::prelude::*;

use crate::state::use_studio;

/// Sources larger than this are not previewed (a preview reads them all on the main thread).
const PREVIEW_LIMIT_BYTES: u64 = 16 * 1024 * 1024;

#[component]
pub fn BookmarkPanel() -> impl IntoView {
    let studio = use_studio();
    let rewind_to = RwSignal::new(String::new());
    let cli_json = move || {
        let job = studio.job_name()?;
        studio
            .workspace
            .with(|ws| ws.get_job_bookmark(&job, None).ok().map(|e| e.to_cli_json()))
    };
    let version_count = move || {
        let job = studio.job_name()?;
        studio
            .workspace
            .with(|ws| ws.bookmark(&job).ok().map(|b| b.history.len()))
    };
    // Runs whose commit can be rewound to, oldest first.
    let committed_runs = move || {
        let Some(job) = studio.job_name() else { return vec![] };
        studio.workspace.with(|ws| {
            let Ok(bookmark) = ws.bookmark(&job) else { return vec![] };
            ws.runs_of(&job)
                .filter(|r| bookmark.committed_by_run.contains_key(&r.id))
                .map(|r| r.id.clone())
                .collect()
        })
    };
    let preview = move |action: BookmarkAction| {
        let job = studio.job_name()?;
        studio.workspace.with(|ws| {
            // A preview runs the job on a copy, on this thread: not for a large source.
            let source_bytes: u64 = ws
                .source_prefix(&job)
                .and_then(|prefix| ws.store.list(&prefix))
                .map(|objects| objects.iter().map(|o| o.size()).sum())
                .unwrap_or(0);
            if source_bytes > PREVIEW_LIMIT_BYTES {
                return Some(format!(
                    "Not previewed: the source holds {:.1} MB, and a preview runs the job on the page's thread.",
                    source_bytes as f64 / 1e6
                ));
            }
            ws.preview_next_run(&job, &action).ok().map(|l| describe(&l))
        })
    };
    let reset = move |_| {
        let Some(job) = studio.job_name() else { return };
        studio.act(|ws| ws.reset_job_bookmark(&job, None));
    };
    let rewind = move |_| {
        let (Some(job), target) = (studio.job_name(), rewind_to.get_untracked()) else {
            return;
        };
        let target = if target.is_empty() {
            committed_runs().first().cloned().unwrap_or_default()
        } else {
            target
        };
        studio.act(|ws| ws.reset_job_bookmark(&job, Some(&target)));
    };
    view! {
        <section class="panel" aria-labelledby="bookmark-title">
            <h2 id="bookmark-title">"Job bookmark"</h2>
            <p class="hint">
                "$ aws glue get-job-bookmark --job-name " {move || studio.job_name().unwrap_or_default()}
                <span class="muted">{move || version_count().map(|n| format!(" · {n} changes so far")).unwrap_or_default()}</span>
            </p>
            <pre class="json" id="bookmark-json">{cli_json}</pre>
            <div class="bookmark-actions">
                <div class="action-card">
                    <button class="btn danger" id="reset-bookmark" on:click=reset title="Reset (x)">"Reset bookmark"</button>
                    <p class="preview" id="reset-preview">{move || preview(BookmarkAction::Reset)}</p>
                </div>
                <div class="action-card">
                    <div class="row">
                        <select class="select" id="rewind-target" aria-label="Run to rewind to"
                            on:change:target=move |ev| rewind_to.set(ev.target().value())>
                            {move || committed_runs().into_iter().enumerate().map(|(i, id)| {
                                let label = format!("run {} · {}", i + 1, short_run_id(&id));
                                view! { <option value=id.clone()>{label}</option> }
                            }).collect_view()}
                        </select>
                        <button class="btn warn" id="rewind-bookmark" on:click=rewind
                            disabled=move || committed_runs().is_empty()>"Rewind"</button>
                    </div>
                    <p class="preview" id="rewind-preview">{move || {
                        let target = rewind_to.get();
                        let target = if target.is_empty() { committed_runs().first().cloned() } else { Some(target) };
                        target.and_then(|t| preview(BookmarkAction::RewindTo(t)))
                    }}</p>
                </div>
            </div>
            <p class="modelled">
                "Modelled, not verified: INCLUDE_LIST tokens (MD5 of the object's address) and the Version/Run arithmetic, "
                "chosen to reproduce the seed article's numbers."
            </p>
        </section>
    }
}

/// "next run would re-read 2, read 0, skip 0" — what a preview lineage means.
fn describe(lineage: &RunLineage) -> String {
    let names = |kind| {
        lineage
            .files
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.object.rsplit('/').next().unwrap_or(&f.object).to_string())
            .collect::<Vec<_>>()
    };
    let (reread, read, skipped) = (
        names(VerdictKind::ReRead),
        names(VerdictKind::Read),
        names(VerdictKind::Skipped),
    );
    let list = |v: &Vec<String>| {
        if v.is_empty() {
            "nothing".to_string()
        } else {
            v.join(", ")
        }
    };
    let new = if read.is_empty() {
        "no new files".to_string()
    } else {
        format!("new {}", read.join(", "))
    };
    format!(
        "Then the next run re-reads {}; reads {new}; skips {}.",
        list(&reread),
        list(&skipped)
    )
}
