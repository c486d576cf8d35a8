//! The job editor: sources, steps (transform rules), sinks and arguments of the selected job,
//! with validation next to each field, a live preview after each step and the equivalent Glue
//! script. Every check and preview is core's (`Workspace::validate_job`, `preview_steps`,
//! `export::pyspark_script`).
//!
//! The editor works on a draft `JobDefinition` (owned by the job panel, so closing the dialog
//! keeps it); Save replaces the job with it in one undo step, Revert drops it. The job's name is
//! read-only: Glue's `UpdateJob` cannot rename a job either.

mod arguments;
mod columns;
mod fields;
mod preview;
mod script;
mod sinks;
mod sources;
mod step_fields;
mod step_rows;
mod steps;

use gluelab_core::model::job::{JobDefinition, JobPlan, SinkSpec, SourceSpec};
use gluelab_core::transform::Step;
use gluelab_core::views::validate::{Problem, Severity};
use leptos::html::Dialog;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{t, tf};
use crate::state::{use_studio, Notice, Studio};

/// The editor's shared state, handed to its sections through context.
#[derive(Clone, Copy)]
pub struct Editor {
    pub draft: RwSignal<JobDefinition>,
    /// The step whose card holds the focus: its script line is highlighted.
    pub editing_step: RwSignal<Option<usize>>,
    /// Core's problems with the draft, recomputed on each change (it is cheap: no data is read).
    problems: Memo<Vec<Problem>>,
}

impl Editor {
    fn new(studio: Studio, draft: RwSignal<JobDefinition>) -> Self {
        let problems = Memo::new(move |_| {
            draft.with(|job| studio.workspace.with(|ws| ws.validate_job(job, crate::i18n::catalog())))
        });
        Self {
            draft,
            editing_step: RwSignal::new(None),
            problems,
        }
    }

    /// Core's message(s) about exactly `field`, joined.
    /// The errors on `field` (what makes its input invalid), joined.
    pub fn problem(&self, field: &str) -> Option<String> {
        self.messages(field, Severity::Error)
    }

    /// The warnings on `field`: worth knowing before saving, never blocking it.
    pub fn warning(&self, field: &str) -> Option<String> {
        self.messages(field, Severity::Warning)
    }

    fn messages(&self, field: &str, severity: Severity) -> Option<String> {
        self.problems.with(|problems| {
            let messages: Vec<&str> = problems
                .iter()
                .filter(|p| p.field == field && p.severity == severity)
                .map(|p| p.message.as_str())
                .collect();
            (!messages.is_empty()).then(|| messages.join("; "))
        })
    }

    pub fn edit(&self, change: impl FnOnce(&mut JobDefinition)) {
        self.draft.update(change);
    }

    /// Reads step `i`; a default when it is gone (a list re-renders after a removal).
    pub fn step<T: Default>(&self, i: usize, read: impl FnOnce(&Step) -> T) -> T {
        self.draft
            .with(|d| d.plan.transforms.get(i).map(read).unwrap_or_default())
    }

    pub fn edit_step(&self, i: usize, change: impl FnOnce(&mut Step)) {
        self.draft.update(|d| {
            if let Some(step) = d.plan.transforms.get_mut(i) {
                change(step);
            }
        });
    }

    pub fn source<T: Default>(&self, i: usize, read: impl FnOnce(&SourceSpec) -> T) -> T {
        self.draft.with(|d| d.plan.sources.get(i).map(read).unwrap_or_default())
    }

    pub fn edit_source(&self, i: usize, change: impl FnOnce(&mut SourceSpec)) {
        self.draft.update(|d| {
            if let Some(source) = d.plan.sources.get_mut(i) {
                change(source);
            }
        });
    }

    pub fn sink<T: Default>(&self, i: usize, read: impl FnOnce(&SinkSpec) -> T) -> T {
        self.draft.with(|d| d.plan.sinks.get(i).map(read).unwrap_or_default())
    }

    pub fn edit_sink(&self, i: usize, change: impl FnOnce(&mut SinkSpec)) {
        self.draft.update(|d| {
            if let Some(sink) = d.plan.sinks.get_mut(i) {
                change(sink);
            }
        });
    }
}

/// A draft that is no job yet: the job panel's starting value before the editor first opens.
pub fn empty_draft() -> JobDefinition {
    JobDefinition::new(
        "",
        JobPlan {
            commits: true,
            ..JobPlan::default()
        },
    )
}

/// Moves keyboard focus to the element with `id`, if it is there.
pub fn focus(id: &str) {
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// The editor as a modal dialog: Escape or Close closes it (the draft is kept).
#[component]
pub fn JobEditor(draft: RwSignal<JobDefinition>, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let studio = use_studio();
    let editor = Editor::new(studio, draft);
    let previews = preview::Previews::new(studio, editor);
    provide_context(editor);
    provide_context(previews);
    let dialog = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    });
    let name = move || draft.with(|d| d.name.clone());
    let saved = move || {
        studio
            .workspace
            .with(|ws| ws.job(&draft.with(|d| d.name.clone())).ok().cloned())
    };
    let dirty = move || saved().is_none_or(|job| draft.with(|d| *d != job));
    let status = RwSignal::new(None::<Result<String, String>>);
    let save = move |_| {
        let count = untrack(|| all_problems(editor, previews))
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count();
        if count > 0 {
            status.set(Some(Err(tf(
                "Not saved: fix the {count} problem(s) listed here first.",
                &[("count", &count)],
            ))));
            return;
        }
        let job = draft.get_untracked();
        let saved = studio.act(|ws| ws.save_job(job));
        status.set(Some(match (saved, studio.notice.get_untracked()) {
            (Some(()), _) => Ok(t("Saved: the next run uses this definition (undo with Ctrl+Z).").into()),
            (None, Some(Notice::Error(why))) => Err(tf("Not saved: {why}", &[("why", &why)])),
            (None, _) => Err(t("Not saved.").into()),
        }));
    };
    let revert = move |_| {
        if let Some(job) = saved() {
            draft.set(job);
            status.set(Some(Ok(t("Reverted to the saved job.").into())));
        }
    };
    // Keys typed in the editor are the editor's: the workbench's shortcuts (r runs the job,
    // z undoes) listen on the window, and must not act behind the modal. Escape still closes it.
    let keep_keys = |ev: web_sys::KeyboardEvent| ev.stop_propagation();
    view! {
        <dialog class="editor-dialog" node_ref=dialog aria-labelledby="editor-title"
            on:keydown=keep_keys on:close=move |_| on_close.run(())>
            <header class="editor-head">
                <h2 id="editor-title">{t("Edit job ")} <span class="mono" translate="no">{name}</span></h2>
                <span class="muted small">{crate::i18n::marked(t("The name is read-only: Glue's `UpdateJob` cannot rename a job."))}</span>
                <span class="spacer"></span>
                {move || dirty().then(|| view! { <span class="dirty" id="editor-dirty">{t("unsaved changes")}</span> })}
                <button class="btn secondary" id="editor-close" on:click=move |_| on_close.run(())
                    title=t("Close (Escape); the draft is kept")>{t("Close")}</button>
            </header>
            <div class="editor-body">
                <div class="editor-form">
                    <sources::Sources/>
                    <steps::Steps/>
                    <sinks::Sinks/>
                    <arguments::Arguments/>
                </div>
                <script::ScriptView/>
            </div>
            <footer class="editor-foot">
                <ProblemSummary/>
                <p class="editor-status" id="editor-status" role="status">{move || status.get().map(|s| match s {
                    Ok(text) => view! { <span class="ok">{text}</span> }.into_any(),
                    Err(text) => view! { <span class="field-error">{text}</span> }.into_any(),
                })}</p>
                <button class="btn secondary" id="editor-revert" on:click=revert disabled=move || !dirty()>{t("Revert")}</button>
                <button class="btn primary" id="editor-save" on:click=save>{t("Save")}</button>
            </footer>
        </dialog>
    }
}

/// Core's problems with the draft, and those its current preview found.
fn all_problems(editor: Editor, previews: preview::Previews) -> Vec<Problem> {
    let mut problems = editor.problems.get();
    problems.extend(previews.problems());
    problems
}

/// How many problems the draft has (errors block Save, warnings do not); each a link to its field.
#[component]
fn ProblemSummary() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let previews = expect_context::<preview::Previews>();
    let problems = Memo::new(move |_| all_problems(editor, previews));
    let counts = move || {
        problems.with(|p| {
            let errors = p.iter().filter(|p| p.severity == Severity::Error).count();
            (errors, p.len() - errors)
        })
    };
    let problems_text = |n: usize| match n {
        1 => t("1 problem").to_string(),
        n => tf("{n} problems", &[("n", &n)]),
    };
    let warnings_text = |n: usize| match n {
        1 => t("1 warning").to_string(),
        n => tf("{n} warnings", &[("n", &n)]),
    };
    view! {
        <details class="problems" id="editor-problems">
            <summary class=move || match counts() { (0, 0) => "", (0, _) => "warn", _ => "bad" }>{move || match counts() {
                (0, 0) => t("No problems: ready to save").to_string(),
                (0, w) => tf("{warnings}: the job runs, but look first", &[("warnings", &warnings_text(w))]),
                (e, 0) => problems_text(e),
                (e, w) => tf(
                    "{problems} and {warnings}",
                    &[("problems", &problems_text(e)), ("warnings", &warnings_text(w))],
                ),
            }}</summary>
            <ul>
                {move || problems.get().into_iter().map(|p| {
                    let target = fields::input_id(&p.field);
                    let class = if p.severity == Severity::Warning { "warning" } else { "error" };
                    view! {
                        <li class=class>
                            <button class="link mono" translate="no" on:click=move |_| focus(&target)>{p.field.clone()}</button>
                            ": " {p.message.clone()}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    }
}
