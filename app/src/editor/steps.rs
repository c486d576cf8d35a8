//! The steps (transform rules): add, remove, reorder, disable, thresholds; each step's own
//! fields, its PySpark line, and its data preview on demand.

use gluelab_core::transform::Step;
use leptos::prelude::*;

use super::fields::NumberField;
use super::preview::{PreviewToggle, StepPreviewView};
use gluelab_core::transform::catalogue::{self, CATALOGUE};

use super::columns::ColumnPicker;
use super::step_fields::StepFields;
use super::{focus, Editor};
use crate::i18n::t;
use gluelab_core::i18n::fill;

#[component]
pub fn Steps() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let rows = move || {
        editor.draft.with(|d| {
            d.plan
                .transforms
                .iter()
                .enumerate()
                .map(|(i, s)| (i, s.transform.name()))
                .collect::<Vec<_>>()
        })
    };
    let kind = RwSignal::new("Filter".to_string());
    let add = move |_| {
        let mut added = 0;
        editor.edit(|d| {
            d.plan.transforms.push(Step::new(
                catalogue::kind(&kind.get_untracked()).unwrap_or(&CATALOGUE[0]).blank(),
            ));
            added = d.plan.transforms.len() - 1;
        });
        request_animation_frame(move || focus(&format!("step-{added}-title")));
    };
    view! {
        <section class="editor-section" aria-labelledby="ed-steps">
            <h3 id="ed-steps">{t("Steps (transform rules)")}</h3>
            <div class="card read-card">
                <span>{t("Rows as read from the sources")}</span>
                <span class="spacer"></span>
                <PreviewToggle step=None/>
            </div>
            <StepPreviewView step=None/>
            <ol class="steps" id="steps">
                <For each=rows key=|row| *row children=move |(i, _)| view! { <StepCard i=i/> }/>
            </ol>
            <div class="row">
                <label for="add-step-kind" class="visually-hidden">{t("Transform to add")}</label>
                <select class="select" id="add-step-kind" prop:value=move || kind.get()
                    on:change:target=move |ev| kind.set(ev.target().value())>
                    {CATALOGUE.iter().map(|k| {
                        // A label that is only the transform's Glue name stays as Glue spells it.
                        let verbatim = if k.label == k.name { "no" } else { "yes" };
                        view! { <option value=k.name translate=verbatim>{t(k.label)}</option> }
                    }).collect_view()}
                </select>
                <button class="btn secondary small" id="add-step" on:click=add>{t("+ Add step")}</button>
            </div>
        </section>
    }
}

#[component]
fn StepCard(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let count = move || editor.draft.with(|d| d.plan.transforms.len());
    let name = move || editor.step(i, |s| s.transform.name());
    let enabled = move || editor.step(i, |s| s.enabled);
    let pyspark = move || editor.step(i, |s| s.transform.to_pyspark("df"));
    let move_to = move |j: usize, button: &'static str| {
        editor.edit(|d| {
            if i < d.plan.transforms.len() && j < d.plan.transforms.len() {
                d.plan.transforms.swap(i, j);
            }
        });
        request_animation_frame(move || focus(&format!("step-{j}-{button}")));
    };
    let remove = move |_| {
        editor.edit(|d| {
            if i < d.plan.transforms.len() {
                d.plan.transforms.remove(i);
            }
        });
        request_animation_frame(|| focus("add-step-kind"));
    };
    // `template` is a translated message with `{n}` and `{name}`.
    let label = move |template: &str| fill(template, &[("n", &(i + 1)), ("name", &name())]);
    view! {
        <li class="card step" class:disabled=move || !enabled() class:editing=move || editor.editing_step.get() == Some(i)
            id=format!("step-{i}") on:focusin=move |_| editor.editing_step.set(Some(i))>
            <div class="card-head">
                <h4 id=format!("step-{i}-title") tabindex="-1">
                    <span class="step-no">{i + 1}</span> <span translate="no">{name}</span>
                    {move || (!enabled()).then(|| view! { <span class="muted">{t(" (disabled: passes rows through)")}</span> })}
                </h4>
                <span class="spacer"></span>
                <label class="check">
                    <input type="checkbox" id=format!("step-{i}-enabled") prop:checked=enabled
                        on:change:target=move |ev| { let on = ev.target().checked(); editor.edit_step(i, |s| s.enabled = on) }/>
                    " " {t("enabled")}
                </label>
                <button class="btn secondary small" id=format!("step-{i}-up") aria-label=move || label(t("Move up step {n} ({name})"))
                    disabled=move || i == 0 on:click=move |_| move_to(i.saturating_sub(1), "up")>"↑"</button>
                <button class="btn secondary small" id=format!("step-{i}-down") aria-label=move || label(t("Move down step {n} ({name})"))
                    disabled=move || { i + 1 >= count() } on:click=move |_| move_to(i + 1, "down")>"↓"</button>
                <button class="btn secondary small" id=format!("step-{i}-remove") aria-label=move || label(t("Remove step {n} ({name})"))
                    on:click=remove>{t("Remove")}</button>
            </div>
            <StepFields i=i/>
            <ColumnPicker i=i/>
            <div class="grid thresholds">
                <NumberField label="`stageThreshold`" id=format!("f-steps-{i}-stage-threshold") placeholder=t("0 = never")
                    value=Signal::derive(move || editor.step(i, |s| s.stage_threshold))
                    set={move |v: Option<u64>| editor.edit_step(i, |s| s.stage_threshold = v)}/>
                <NumberField label="`totalThreshold`" id=format!("f-steps-{i}-total-threshold") placeholder=t("0 = never")
                    value=Signal::derive(move || editor.step(i, |s| s.total_threshold))
                    set={move |v: Option<u64>| editor.edit_step(i, |s| s.total_threshold = v)}/>
                <div class="field preview-cell"><PreviewToggle step=Some(i)/></div>
            </div>
            <pre class="pyspark mono" translate="no" aria-label=move || label(t("PySpark for step {n} ({name})"))>{pyspark}</pre>
            <StepPreviewView step=Some(i)/>
        </li>
    }
}
