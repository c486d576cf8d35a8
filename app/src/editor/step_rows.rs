//! Steps whose rule is a table of rows: ApplyMapping's 4-tuples, Map's derived columns,
//! Aggregate's group keys and aggregates. Rows are added and removed in place; each cell shows
//! core's message for its own path (`steps[0].mappings[1].target_type`).

use gluelab_core::transform::{Agg, AggFunction, DerivedColumn, GroupKey, Mapping, Transform};
use leptos::prelude::*;

use super::fields::{error_id, input_id, FieldError};
use super::step_fields::Access;
use super::Editor;
use crate::i18n::marked;
use crate::i18n::{t, tf};

/// The rows of one table in step `i`, and one string cell of a row.
type Cell<R> = fn(&mut R) -> &mut String;

fn row_count<R: Clone>(editor: Editor, i: usize, rows: Access<Vec<R>>) -> usize {
    editor.step(i, |s| rows(&mut s.transform.clone()).map_or(0, |v| v.len()))
}

fn edit_rows<R>(editor: Editor, i: usize, rows: Access<Vec<R>>, change: impl FnOnce(&mut Vec<R>)) {
    editor.edit_step(i, |s| {
        if let Some(v) = rows(&mut s.transform) {
            change(v);
        }
    });
}

/// One cell's input, labelled for screen readers, with its error under it.
#[component]
fn CellInput<R>(
    i: usize,
    rows: Access<Vec<R>>,
    r: usize,
    cell: Cell<R>,
    /// The validation path (`steps[0].mappings[1].target_type`).
    field: String,
    label: String,
    #[prop(optional, into)] placeholder: String,
) -> impl IntoView
where
    R: Clone + Send + Sync + 'static,
{
    let editor = expect_context::<Editor>();
    let value = move || {
        editor.step(i, |s| {
            rows(&mut s.transform.clone())
                .and_then(|v| v.get(r).cloned())
                .map(|mut row| cell(&mut row).clone())
                .unwrap_or_default()
        })
    };
    let set = move |text: String| {
        edit_rows(editor, i, rows, |v| {
            if let Some(row) = v.get_mut(r) {
                *cell(row) = text;
            }
        })
    };
    let invalid = {
        let field = field.clone();
        move || editor.problem(&field).is_some()
    };
    view! {
        <td>
            <input type="text" class="input mono" id=input_id(&field) aria-label=label spellcheck="false"
                placeholder=placeholder aria-describedby=error_id(&field)
                aria-invalid=move || if invalid() { "true" } else { "false" }
                prop:value=value on:input:target=move |ev| set(ev.target().value())/>
            <FieldError field=field/>
        </td>
    }
}

/// The "remove row" cell.
#[component]
fn RemoveCell<R>(i: usize, rows: Access<Vec<R>>, r: usize, label: String) -> impl IntoView
where
    R: 'static,
{
    let editor = expect_context::<Editor>();
    view! {
        <td>
            <button class="btn secondary small" aria-label=label
                on:click=move |_| edit_rows(editor, i, rows, |v| { if r < v.len() { v.remove(r); } })>"×"</button>
        </td>
    }
}

const MAPPINGS: Access<Vec<Mapping>> = |t| match t {
    Transform::ApplyMapping { mappings } => Some(mappings),
    _ => None,
};

#[component]
pub fn ApplyMappingFields(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let count = move || row_count(editor, i, MAPPINGS);
    let cells: [(&str, &str, Cell<Mapping>); 4] = [
        ("source", t("source path"), |m| &mut m.source),
        ("source_type", t("source type"), |m| &mut m.source_type),
        ("target", t("target path"), |m| &mut m.target),
        ("target_type", t("target type"), |m| &mut m.target_type),
    ];
    view! {
        <table class="rule-table">
            <caption class="visually-hidden">{marked(t("`ApplyMapping`: (source, source type, target, target type)"))}</caption>
            <thead><tr><th>{t("source")}</th><th>{t("source type")}</th><th>{t("target")}</th><th>{t("target type")}</th><th></th></tr></thead>
            <tbody>
                <For each=move || 0..count() key=|r| *r children=move |r| view! {
                    <tr>
                        {cells.iter().map(|(name, what, cell)| view! {
                            <CellInput i=i rows=MAPPINGS r=r cell=*cell field=format!("steps[{i}].mappings[{r}].{name}")
                                label=tf("Mapping {n}: {what}", &[("n", &(r + 1)), ("what", what)])/>
                        }).collect_view()}
                        <RemoveCell i=i rows=MAPPINGS r=r label=tf("Remove mapping {n}", &[("n", &(r + 1))])/>
                    </tr>
                }/>
            </tbody>
        </table>
        <button class="btn secondary small" id=format!("step-{i}-add-mapping")
            on:click=move |_| edit_rows(editor, i, MAPPINGS, |v| v.push(Mapping::new("", "string", "", "string")))>
            {t("+ Add mapping")}
        </button>
    }
}

const COLUMNS: Access<Vec<DerivedColumn>> = |t| match t {
    Transform::Map { columns } => Some(columns),
    _ => None,
};

#[component]
pub fn MapFields(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let count = move || row_count(editor, i, COLUMNS);
    view! {
        <table class="rule-table">
            <caption class="visually-hidden">{marked(t("`Map`: derived columns, evaluated in order"))}</caption>
            <thead><tr><th>{t("column")}</th><th>{t("expression (SQL)")}</th><th></th></tr></thead>
            <tbody>
                <For each=move || 0..count() key=|r| *r children=move |r| view! {
                    <tr>
                        <CellInput i=i rows=COLUMNS r=r cell=|c| &mut c.name field=format!("steps[{i}].columns[{r}].name")
                            label=tf("Derived column {n}: name", &[("n", &(r + 1))]) placeholder="device"/>
                        <CellInput i=i rows=COLUMNS r=r cell=|c| &mut c.expression field=format!("steps[{i}].columns[{r}].expression")
                            label=tf("Derived column {n}: expression", &[("n", &(r + 1))]) placeholder="upper(device_id)"/>
                        <RemoveCell i=i rows=COLUMNS r=r label=tf("Remove derived column {n}", &[("n", &(r + 1))])/>
                    </tr>
                }/>
            </tbody>
        </table>
        <button class="btn secondary small" id=format!("step-{i}-add-column")
            on:click=move |_| edit_rows(editor, i, COLUMNS, |v| v.push(DerivedColumn::new("", "")))>{t("+ Add column")}</button>
    }
}

const GROUP_BY: Access<Vec<GroupKey>> = |t| match t {
    Transform::Aggregate { group_by, .. } => Some(group_by),
    _ => None,
};

const AGGREGATES: Access<Vec<Agg>> = |t| match t {
    Transform::Aggregate { aggregates, .. } => Some(aggregates),
    _ => None,
};

const FUNCTIONS: [AggFunction; 6] = [
    AggFunction::Count,
    AggFunction::CountDistinct,
    AggFunction::Sum,
    AggFunction::Avg,
    AggFunction::Min,
    AggFunction::Max,
];

#[component]
pub fn AggregateFields(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let keys = move || row_count(editor, i, GROUP_BY);
    let aggs = move || row_count(editor, i, AGGREGATES);
    view! {
        <table class="rule-table">
            <caption class="visually-hidden">{t("Group keys")}</caption>
            <thead><tr><th>{t("group key column")}</th><th>{t("expression (SQL)")}</th><th></th></tr></thead>
            <tbody>
                <For each=move || 0..keys() key=|r| *r children=move |r| view! {
                    <tr>
                        <CellInput i=i rows=GROUP_BY r=r cell=|g| &mut g.name field=format!("steps[{i}].group_by[{r}].name")
                            label=tf("Group key {n}: name", &[("n", &(r + 1))])/>
                        <CellInput i=i rows=GROUP_BY r=r cell=|g| &mut g.expression field=format!("steps[{i}].group_by[{r}].expression")
                            label=tf("Group key {n}: expression", &[("n", &(r + 1))])/>
                        <RemoveCell i=i rows=GROUP_BY r=r label=tf("Remove group key {n}", &[("n", &(r + 1))])/>
                    </tr>
                }/>
            </tbody>
        </table>
        <button class="btn secondary small" on:click=move |_| edit_rows(editor, i, GROUP_BY, |v| v.push(GroupKey::new("", "")))>
            {t("+ Add group key")}
        </button>
        <table class="rule-table">
            <caption class="visually-hidden">{t("Aggregates")}</caption>
            <thead><tr><th>{t("output column")}</th><th>{t("function")}</th><th>{t("of column (empty: all rows)")}</th><th></th></tr></thead>
            <tbody>
                <For each=move || 0..aggs() key=|r| *r children=move |r| view! { <AggRow i=i r=r/> }/>
            </tbody>
        </table>
        <FieldError field=format!("steps[{i}].aggregates")/>
        <button class="btn secondary small"
            on:click=move |_| edit_rows(editor, i, AGGREGATES, |v| v.push(Agg::new("count", AggFunction::Count, None)))>
            {t("+ Add aggregate")}
        </button>
    }
}

#[component]
fn AggRow(i: usize, r: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let read = move || {
        editor
            .step(i, |s| {
                AGGREGATES(&mut s.transform.clone()).and_then(|v| v.get(r).cloned())
            })
            .unwrap_or_else(|| Agg::new("", AggFunction::Count, None))
    };
    let edit = move |change: &dyn Fn(&mut Agg)| {
        edit_rows(editor, i, AGGREGATES, |v| {
            if let Some(agg) = v.get_mut(r) {
                change(agg);
            }
        })
    };
    let function_id = format!("f-steps-{i}-aggregates-{r}-function");
    let column_id = format!("f-steps-{i}-aggregates-{r}-column");
    view! {
        <tr>
            <CellInput i=i rows=AGGREGATES r=r cell=|a| &mut a.name field=format!("steps[{i}].aggregates[{r}].name")
                label=tf("Aggregate {n}: output column", &[("n", &(r + 1))])/>
            <td>
                <select class="select" id=function_id aria-label=tf("Aggregate {n}: function", &[("n", &(r + 1))]) translate="no"
                    prop:value=move || read().function.name()
                    on:change:target=move |ev| {
                        let name = ev.target().value();
                        if let Some(f) = FUNCTIONS.iter().find(|f| f.name() == name) { edit(&|a| a.function = *f) }
                    }>
                    {FUNCTIONS.iter().map(|f| view! {
                        <option value=f.name() selected=move || read().function == *f>{f.name()}</option>
                    }).collect_view()}
                </select>
            </td>
            <td>
                <input type="text" class="input mono" id=column_id aria-label=tf("Aggregate {n}: column", &[("n", &(r + 1))])
                    prop:value=move || read().column.unwrap_or_default()
                    on:input:target=move |ev| {
                        let text = ev.target().value();
                        edit(&|a| a.column = (!text.trim().is_empty()).then(|| text.clone()))
                    }/>
            </td>
            <RemoveCell i=i rows=AGGREGATES r=r label=tf("Remove aggregate {n}", &[("n", &(r + 1))])/>
        </tr>
    }
}
