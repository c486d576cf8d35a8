//! The data preview after each step, as Glue Studio's data preview shows it: core runs the
//! draft on a scratch copy (`Workspace::preview_steps`, bookmarks disabled, nothing written),
//! in the preview worker (`crate::preview_worker`), so a reader that crashes on a file cannot
//! take the page down.
//!
//! Each preview reads every source object again, so it follows the draft by itself only for a
//! small source, after the draft has been still for a moment; a larger one is previewed on
//! request, and a large one never.

use std::collections::BTreeSet;
use std::time::Duration;

use gluelab_core::model::job::JobDefinition;
use gluelab_core::views::browse::human_size;
use gluelab_core::views::validate::{preview_problems, Problem};
use gluelab_core::views::StepPreview;
use leptos::prelude::*;

use super::Editor;
use crate::i18n::marked;
use crate::i18n::{t, tf};
use crate::preview_worker;
use crate::state::Studio;

/// Sources larger than this are not previewed at all (as in the bookmark panel).
const PREVIEW_LIMIT_BYTES: u64 = 16 * 1024 * 1024;
/// Up to this size the preview follows the draft by itself; above it, on request.
const LIVE_LIMIT_BYTES: u64 = 2 * 1024 * 1024;
/// The draft must be still this long before the preview follows it.
const SETTLE: Duration = Duration::from_millis(400);
/// Rows shown after each step.
const SAMPLE_ROWS: usize = 5;
/// Error records listed per step.
const SHOWN_ERRORS: usize = 5;

#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Skipped(String),
    Failed(String),
    Ready(Vec<StepPreview>),
}

/// Which previews are switched on, and the last one computed (with the draft it is of).
#[derive(Clone, Copy)]
pub struct Previews {
    studio: Studio,
    editor: Editor,
    shown: RwSignal<BTreeSet<Option<usize>>>,
    result: RwSignal<Option<(JobDefinition, Outcome)>>,
    source_bytes: StoredValue<u64>,
    ticket: StoredValue<u64>,
    /// The newest preview asked of the worker: an older reply is dropped.
    asked: StoredValue<u64>,
}

impl Previews {
    pub fn new(studio: Studio, editor: Editor) -> Self {
        let previews = Self {
            studio,
            editor,
            shown: RwSignal::new(BTreeSet::new()),
            result: RwSignal::new(None),
            source_bytes: StoredValue::new(0),
            ticket: StoredValue::new(0),
            asked: StoredValue::new(0),
        };
        // Follow the draft (and new data), once it has settled, while the source is small
        // (the column pickers and the footer's problems stand on it); a larger one only on
        // request, while a preview is shown.
        Effect::new(move |_| {
            let bytes = editor
                .draft
                .with(|draft| studio.workspace.with(|ws| ws.draft_source_bytes(draft)));
            previews.source_bytes.set_value(bytes);
            if bytes > LIVE_LIMIT_BYTES {
                return;
            }
            let ticket = previews.ticket.get_value() + 1;
            previews.ticket.set_value(ticket);
            set_timeout(
                move || {
                    // The editor may have closed meanwhile: then there is nothing to refresh.
                    if previews.ticket.try_get_value() == Some(ticket) {
                        previews.refresh();
                    }
                },
                SETTLE,
            );
        });
        previews
    }

    /// Previews the draft now (the result arrives from the worker).
    pub fn refresh(self) {
        let draft = self.editor.draft.get_untracked();
        let mine = self.asked.get_value() + 1;
        self.asked.set_value(mine);
        self.studio.workspace.with_untracked(|ws| {
            let bytes = ws.draft_source_bytes(&draft);
            self.source_bytes.set_value(bytes);
            if bytes > PREVIEW_LIMIT_BYTES {
                let text = tf(
                    "Not previewed: the source holds {size}, and a preview reads all of it at every change. Run the job instead.",
                    &[("size", &human_size(bytes))],
                );
                self.result.set(Some((draft, Outcome::Skipped(text))));
                return;
            }
            preview_worker::request_steps(ws, &draft.clone(), SAMPLE_ROWS, move |reply| {
                // The editor may have closed, or a newer preview been asked for, meanwhile.
                if self.asked.try_get_value() == Some(mine) {
                    let outcome = match reply {
                        Ok(previews) => Outcome::Ready(previews),
                        Err(e) => Outcome::Failed(e),
                    };
                    self.result.try_set(Some((draft, outcome)));
                }
            });
        });
    }

    /// What the last preview of the draft as it is now found, as problems (none when there is
    /// no such preview).
    pub fn problems(&self) -> Vec<Problem> {
        if self.is_stale() {
            return vec![];
        }
        self.result.with(|r| match r {
            Some((_, Outcome::Ready(previews))) => preview_problems(previews, crate::i18n::catalog()),
            _ => vec![],
        })
    }

    /// The columns (name, Glue type) of the rows going into step `i`, from the last preview
    /// (of this draft or a moment ago); `None` until a preview has read them.
    pub fn columns_before(&self, i: usize) -> Option<Vec<(String, String)>> {
        let before = i.checked_sub(1);
        self.result.with(|r| match r {
            Some((_, Outcome::Ready(list))) => list
                .iter()
                .find(|p| p.step == before && p.failure.is_none())
                .map(|p| p.columns.iter().cloned().zip(p.types.iter().cloned()).collect()),
            _ => None,
        })
    }

    /// Why there are no columns to pick yet: the preview was skipped or failed, or is coming.
    pub fn columns_missing_reason(&self) -> Option<String> {
        self.result.with(|r| match r {
            Some((_, Outcome::Skipped(text))) | Some((_, Outcome::Failed(text))) => Some(text.clone()),
            Some((_, Outcome::Ready(_))) => Some(t("an earlier step fails on the data (see above)").into()),
            None => None,
        })
    }

    /// Whether the preview follows the draft by itself (a small source).
    pub fn is_live(&self) -> bool {
        self.source_bytes.get_value() <= LIVE_LIMIT_BYTES
    }

    fn is_stale(&self) -> bool {
        self.result
            .with(|r| r.as_ref().is_none_or(|(of, _)| self.editor.draft.with(|d| d != of)))
    }
}

fn preview_id(step: Option<usize>) -> String {
    step.map_or("preview-read".into(), |i| format!("preview-step-{i}"))
}

/// Switches the preview after `step` (`None`: as read) on and off.
#[component]
pub fn PreviewToggle(step: Option<usize>) -> impl IntoView {
    let previews = expect_context::<Previews>();
    let on = move || previews.shown.with(|s| s.contains(&step));
    let toggle = move |_| {
        let now_on = !on();
        previews.shown.update(|s| {
            if now_on {
                s.insert(step);
            } else {
                s.remove(&step);
            }
        });
        if now_on && previews.is_stale() {
            previews.refresh();
        }
    };
    let label = match step {
        None => t("Preview rows read").to_string(),
        Some(i) => tf("Preview after step {step}", &[("step", &(i + 1))]),
    };
    view! {
        <button class="btn secondary small preview-toggle" id=format!("{}-toggle", preview_id(step))
            aria-pressed=move || if on() { "true" } else { "false" } aria-controls=preview_id(step)
            on:click=toggle>{move || if on() { t("Hide preview") } else { t("Preview") }}</button>
        <span class="visually-hidden">{label}</span>
    }
}

/// The rows after `step` when its preview is on, and a failure of that step whenever the
/// last preview found one.
#[component]
pub fn StepPreviewView(step: Option<usize>) -> impl IntoView {
    let previews = expect_context::<Previews>();
    let on = move || previews.shown.with(|s| s.contains(&step));
    let body = move || {
        let outcome = previews.result.with(|r| r.as_ref().map(|(_, o)| o.clone()));
        let failure = match &outcome {
            Some(Outcome::Ready(list)) => list.iter().find(|p| p.step == step && p.failure.is_some()).cloned(),
            _ => None,
        };
        if !on() {
            return failure.map(|p| view! { <StepFailure preview=p/> }.into_any());
        }
        let stale = previews.is_stale();
        let content = match outcome {
            None => view! { <p class="hint">{t("Reading the sources…")}</p> }.into_any(),
            Some(Outcome::Skipped(text)) => view! { <p class="field-error">{t("Preview: ")} {text}</p> }.into_any(),
            Some(Outcome::Failed(text)) => {
                view! { <p class="field-error">{t("Preview: ")} <span translate="no">{text}</span></p> }.into_any()
            }
            Some(Outcome::Ready(list)) => match list.into_iter().find(|p| p.step == step) {
                Some(p) if p.failure.is_some() => view! { <StepFailure preview=p/> }.into_any(),
                Some(p) => view! { <PreviewTable preview=p/> }.into_any(),
                None => {
                    view! { <p class="hint">{t("Not previewed: an earlier step fails (see above).")}</p> }.into_any()
                }
            },
        };
        let note = stale.then(|| {
            if previews.source_bytes.get_value() > LIVE_LIMIT_BYTES {
                view! {
                    <p class="hint">{t("This preview is of an earlier draft. ")}
                        <button class="link" on:click=move |_| previews.refresh()>{t("Refresh")}</button></p>
                }
                .into_any()
            } else {
                view! { <p class="hint stale">{t("Updating…")}</p> }.into_any()
            }
        });
        Some(view! { {note} {content} }.into_any())
    };
    view! { <div class="step-preview" id=preview_id(step) aria-live="polite">{body}</div> }
}

#[component]
fn StepFailure(preview: StepPreview) -> impl IntoView {
    let what = match preview.step {
        None => t("Reading the sources fails").to_string(),
        Some(i) => tf(
            "Step {step} (`{name}`) fails on the data",
            &[("step", &(i + 1)), ("name", &preview.name)],
        ),
    };
    let what = marked(&what);
    view! {
        <p class="field-error step-failure" role="alert">{what} ": "
            <span translate="no">{preview.failure.unwrap_or_default()}</span></p>
    }
}

#[component]
fn PreviewTable(preview: StepPreview) -> impl IntoView {
    let (rows, columns) = (preview.row_count, preview.columns.len());
    let summary = if preview.row_count > preview.rows.len() {
        tf(
            "{rows} row(s) · {columns} column(s) · the first {shown} shown",
            &[("rows", &rows), ("columns", &columns), ("shown", &preview.rows.len())],
        )
    } else {
        tf(
            "{rows} row(s) · {columns} column(s)",
            &[("rows", &rows), ("columns", &columns)],
        )
    };
    let errors = preview.errors.len();
    view! {
        <p class="hint preview-summary">{summary}</p>
        <div class="preview-scroll">
            <table class="preview-table" translate="no">
                <thead><tr>{preview.columns.iter().map(|c| view! { <th class="mono">{c.clone()}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {preview.rows.into_iter().map(|row| view! {
                        <tr>{row.into_iter().map(|v| view! { <td class="mono">{v}</td> }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {preview.warnings.into_iter().map(|w| view! { <p class="warning">{w}</p> }).collect_view()}
        {(errors > 0).then(|| view! {
            <p class="field-error">{tf("{errors} error record(s): rows this step could not process", &[("errors", &errors)])}</p>
            <ul class="error-records" translate="no">
                {preview.errors.into_iter().take(SHOWN_ERRORS).map(|e| view! { <li class="mono">{e.to_string()}</li> }).collect_view()}
            </ul>
        })}
    }
}
