//! The bookmark as `aws glue get-job-bookmark` prints it, with reset and rewind — each showing
//! beforehand what the next run would then read again — and its history: every version, the
//! event that made it, and which fields it changed.

use gluelab_core::model::bookmark::BookmarkEvent;
use gluelab_core::model::clock::iso8601;
use gluelab_core::views::{next_run_sentence, short_run_id, BookmarkAction, BookmarkVersion, VersionField};
use leptos::prelude::*;

use crate::i18n::{catalog, t, tf};
use crate::state::{no_job_yet, use_studio};

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
    let rewind_targets = move || {
        let Some(job) = studio.job_name() else { return vec![] };
        studio.workspace.with(|ws| ws.rewind_targets(&job))
    };
    // States no source reads any more (a renamed or removed transformation_ctx).
    let orphaned = move || {
        let Some(job) = studio.job_name() else { return vec![] };
        studio.workspace.with(|ws| ws.orphaned_states(&job))
    };
    let first_target = move || rewind_targets().first().map(|t| t.run_id.clone());
    let preview = move |action: BookmarkAction| {
        let job = studio.job_name()?;
        // Core's preview lists and selects only (no object is read), so any source size is fine.
        studio.workspace.with(|ws| {
            ws.preview_next_run(&job, &action)
                .ok()
                .map(|l| next_run_sentence(catalog(), &l))
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
            first_target().unwrap_or_default()
        } else {
            target
        };
        studio.act(|ws| ws.reset_job_bookmark(&job, Some(&target)));
    };
    view! {
        <section class="panel" aria-labelledby="bookmark-title">
            <h2 id="bookmark-title">{t("Job bookmark")}</h2>
            <p class="hint">
                <span translate="no">"$ aws glue get-job-bookmark --job-name " {move || studio.job_name().unwrap_or_default()}</span>
                <span class="muted">{move || version_count().map(|n| tf(" · {n} changes so far", &[("n", &n)])).unwrap_or_default()}</span>
            </p>
            <pre class="json" id="bookmark-json" translate="no">{cli_json}</pre>
            {move || {
                let names = orphaned();
                (!names.is_empty()).then(|| view! {
                    <div class="orphaned-states" id="orphaned-states" role="note">
                        {names.into_iter().map(|ctx| view! {
                            <p class="warning">
                                <strong>{t("Orphaned: ")}</strong>
                                <span class="mono" translate="no">{format!("'{ctx}'")}</span>
                                {crate::i18n::with_data(
                                    t(" (no source uses this {option} any more; Glue keeps its state, nothing reads it)"),
                                    "option",
                                    "transformation_ctx".into(),
                                )}
                            </p>
                        }).collect_view()}
                    </div>
                })
            }}
            <div class="bookmark-actions">
                <div class="action-card">
                    <button class="btn danger" id="reset-bookmark" on:click=reset aria-keyshortcuts="X"
                        disabled=move || studio.job_name().is_none()
                        title=move || if studio.job_name().is_some() { t("Reset (x)") } else { no_job_yet() }>{t("Reset bookmark")}</button>
                    <p class="preview" id="reset-preview">{move || preview(BookmarkAction::Reset)}</p>
                </div>
                <div class="action-card">
                    <div class="row">
                        <select class="select" id="rewind-target" aria-label=t("Run to rewind to")
                            on:change:target=move |ev| rewind_to.set(ev.target().value())>
                            {move || rewind_targets().into_iter().map(|target| {
                                view! { <option value=target.run_id.clone()>{target.label(catalog())}</option> }
                            }).collect_view()}
                        </select>
                        <button class="btn warn" id="rewind-bookmark" on:click=rewind
                            title=move || match (studio.job_name(), rewind_targets().is_empty()) {
                                (None, _) => no_job_yet(),
                                (Some(_), true) => t("Rewind (w): no finished run to rewind to yet. Run the job first"),
                                (Some(_), false) => t("Rewind (w)"),
                            }
                            aria-keyshortcuts="W" disabled=move || rewind_targets().is_empty()>{t("Rewind")}</button>
                    </div>
                    <p class="preview" id="rewind-preview">{move || {
                        let target = rewind_to.get();
                        let target = if target.is_empty() { first_target() } else { Some(target) };
                        target.and_then(|t| preview(BookmarkAction::RewindTo(t)))
                    }}</p>
                </div>
            </div>
            <BookmarkHistory/>
            <p class="modelled">
                {crate::i18n::with_all_data(
                    t("Modelled, not verified: {tokens} tokens (MD5 of the object's address) and the {fields} arithmetic, \
                        chosen to reproduce the seed article's numbers."),
                    &[("tokens", "INCLUDE_LIST".into()), ("fields", "Version/Run".into())],
                )}
            </p>
        </section>
    }
}

/// The bookmark's versions, newest first; the selected one's fields, changed ones highlighted.
#[component]
fn BookmarkHistory() -> impl IntoView {
    let studio = use_studio();
    // The version picked in the list; `None` follows the newest.
    let picked = RwSignal::new(None::<usize>);
    let versions = move || -> Vec<BookmarkVersion> {
        let Some(job) = studio.job_name() else { return vec![] };
        studio.workspace.with(|ws| ws.bookmark_versions(&job))
    };
    // The picked version if it still exists (an undo may have removed it), else the newest.
    let selected = move || {
        let newest = versions().first().map(|v| v.index)?;
        Some(picked.get().filter(|&i| i <= newest).unwrap_or(newest))
    };
    let fields = move || -> Vec<VersionField> {
        let (Some(job), Some(index)) = (studio.job_name(), selected()) else {
            return vec![];
        };
        studio.workspace.with(|ws| ws.bookmark_version_fields(&job, index))
    };
    view! {
        <details class="bookmark-history" open>
            <summary>{t("History: every version and what it changed")}</summary>
            {move || {
                let rows = versions();
                if rows.is_empty() {
                    return view! { <p class="empty">{t("No versions yet: the first run makes one.")}</p> }.into_any();
                }
                let current = selected();
                view! {
                    <div class="history-grid">
                        <ol class="versions" id="bookmark-versions" aria-label=t("Bookmark versions, newest first")>
                            {rows.into_iter().map(|row| {
                                let index = row.index;
                                view! {
                                    <li>
                                        <button class="version" class:selected=current == Some(index)
                                            aria-pressed=if current == Some(index) { "true" } else { "false" }
                                            on:click=move |_| picked.set(Some(index))>
                                            <span class="version-number" translate="no">"v" {row.version}</span>
                                            <span class="version-event">{describe_event(&row.event)}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                        <table class="fields" id="bookmark-fields">
                            <thead><tr><th>{t("Field")}</th><th>{t("Value")}</th></tr></thead>
                            <tbody>
                                {fields().into_iter().map(|row| {
                                    let class = match (&row.before, &row.value) {
                                        (None, _) => "field-row",
                                        (Some(_), None) => "field-row changed removed",
                                        (Some(_), Some(_)) => "field-row changed",
                                    };
                                    let value = match (row.before, row.value) {
                                        (None, Some(v)) => view! { <span translate="no">{v}</span> }.into_any(),
                                        (Some(before), after) => view! {
                                            <span class="before" translate=before.is_some().then_some("no")>{before.clone().unwrap_or_else(|| t("(absent)").into())}</span>
                                            " → "
                                            <span class="after" translate=after.is_some().then_some("no")>{after.clone().unwrap_or_else(|| t("(removed)").into())}</span>
                                        }.into_any(),
                                        (None, None) => ().into_any(),
                                    };
                                    view! {
                                        <tr class=class>
                                            <td class="mono field-name" translate="no">{row.field}</td>
                                            <td class="mono field-value">{value}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </details>
    }
}

/// "committed by run 3ff9c44a · 2021-01-01T..." — a history event in words.
fn describe_event(event: &BookmarkEvent) -> String {
    let (what, at) = match event {
        BookmarkEvent::RunStarted { run_id, at } => (tf("run {id} started", &[("id", &short_run_id(run_id))]), at),
        BookmarkEvent::Committed { run_id, at } => (tf("committed by run {id}", &[("id", &short_run_id(run_id))]), at),
        BookmarkEvent::RunFailed { run_id, at } => (tf("run {id} failed", &[("id", &short_run_id(run_id))]), at),
        BookmarkEvent::Reset { at } => (t("reset").to_string(), at),
        BookmarkEvent::Rewound { to_run_id, at } => {
            (tf("rewound to run {id}", &[("id", &short_run_id(to_run_id))]), at)
        }
    };
    format!("{what} · {}", iso8601(*at))
}
