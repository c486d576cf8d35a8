//! Each transform kind's own fields. A field is reached through an accessor
//! (`fn(&mut Transform) -> Option<&mut String>`), so one pair of helpers reads and writes any
//! of them; kinds with rows (ApplyMapping, Map, Aggregate) are in [`super::step_rows`].

use gluelab_core::transform::{ChoiceAction, JoinHow, Transform, Unmapped};
use leptos::prelude::*;

use super::fields::{ListField, NumberField, SelectField, TextField};
use super::step_rows::{AggregateFields, ApplyMappingFields, MapFields};
use super::Editor;
use crate::i18n::marked;
use crate::i18n::t;

pub type Access<T> = fn(&mut Transform) -> Option<&mut T>;

/// Reads and writes one field of step `i`'s transform.
pub fn bind<T>(editor: Editor, i: usize, access: Access<T>) -> (Signal<T>, Callback<T>)
where
    T: Clone + Default + Send + Sync + 'static,
{
    let value =
        Signal::derive(move || editor.step(i, |s| access(&mut s.transform.clone()).cloned().unwrap_or_default()));
    let set = Callback::new(move |v: T| {
        editor.edit_step(i, |s| {
            if let Some(slot) = access(&mut s.transform) {
                *slot = v;
            }
        })
    });
    (value, set)
}

/// A text field of step `i`, validated under `steps[i].<name>`.
#[component]
fn StepText(i: usize, #[prop(into)] label: String, name: &'static str, access: Access<String>) -> impl IntoView {
    let (value, set) = bind(expect_context::<Editor>(), i, access);
    view! { <TextField label=label field=format!("steps[{i}].{name}") value=value set=set/> }
}

/// A list field of step `i`, validated under `steps[i].<name>`.
#[component]
fn StepList(i: usize, #[prop(into)] label: String, name: &'static str, access: Access<Vec<String>>) -> impl IntoView {
    let (value, set) = bind(expect_context::<Editor>(), i, access);
    view! { <ListField label=label field=format!("steps[{i}].{name}") value=value set=set/> }
}

/// An optional text field (empty: none).
#[component]
fn StepOptText(
    i: usize,
    #[prop(into)] label: String,
    name: &'static str,
    access: Access<Option<String>>,
) -> impl IntoView {
    let (value, set) = bind(expect_context::<Editor>(), i, access);
    view! {
        <TextField label=label field=format!("steps[{i}].{name}") value=Signal::derive(move || value.get().unwrap_or_default())
            set=move |v: String| set.run((!v.trim().is_empty()).then_some(v))/>
    }
}

/// Step `i`'s fields, by its kind.
#[component]
pub fn StepFields(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let kind = editor.step(i, |s| s.transform.name());
    match kind {
        "Filter" => view! {
            <StepText i=i label=t("Predicate (SQL, e.g. `state = true AND timestamp > 1609348014`)") name="predicate"
                access=|t| match t { Transform::Filter { predicate } => Some(predicate), _ => None }/>
        }
        .into_any(),
        "Map" => view! { <MapFields i=i/> }.into_any(),
        "ApplyMapping" => view! { <ApplyMappingFields i=i/> }.into_any(),
        "Aggregate" => view! { <AggregateFields i=i/> }.into_any(),
        "SelectFields" => view! {
            <StepList i=i label=t("Fields to keep") name="paths"
                access=|t| match t { Transform::SelectFields { paths } => Some(paths), _ => None }/>
        }
        .into_any(),
        "DropFields" => view! {
            <StepList i=i label=t("Fields to drop") name="paths"
                access=|t| match t { Transform::DropFields { paths } => Some(paths), _ => None }/>
        }
        .into_any(),
        "RenameField" => view! {
            <div class="grid">
                <StepText i=i label=t("Old name") name="old_name"
                    access=|t| match t { Transform::RenameField { old_name, .. } => Some(old_name), _ => None }/>
                <StepText i=i label=t("New name") name="new_name"
                    access=|t| match t { Transform::RenameField { new_name, .. } => Some(new_name), _ => None }/>
            </div>
        }
        .into_any(),
        "SplitFields" => view! {
            <StepList i=i label=t("Fields kept (`name1`)") name="paths"
                access=|t| match t { Transform::SplitFields { paths, .. } => Some(paths), _ => None }/>
            <div class="grid">
                <StepOptText i=i label="`name1`" name="name1"
                    access=|t| match t { Transform::SplitFields { name1, .. } => Some(name1), _ => None }/>
                <StepOptText i=i label=t("`name2` (discarded)") name="name2"
                    access=|t| match t { Transform::SplitFields { name2, .. } => Some(name2), _ => None }/>
            </div>
        }
        .into_any(),
        "ResolveChoice" => view! { <ResolveChoiceFields i=i/> }.into_any(),
        "Join" => view! { <JoinFields i=i/> }.into_any(),
        "ValueMapping" => view! { <ValueMappingFields i=i/> }.into_any(),
        "Relationalize" => view! {
            <div class="grid">
                <StepText i=i label=t("Root table name") name="name"
                    access=|t| match t { Transform::Relationalize { name, .. } => Some(name), _ => None }/>
                <StepOptText i=i label="`transformation_ctx`" name="transformation_ctx"
                    access=|t| match t { Transform::Relationalize { transformation_ctx, .. } => Some(transformation_ctx), _ => None }/>
            </div>
            <p class="hint">{marked(t("With bookmarks and a `transformation_ctx`, its generated keys continue across runs (modelled: gluelab keeps the last key in the bookmark)."))}</p>
        }
        .into_any(),
        "show" => {
            let (rows, set) = bind(editor, i, |t| match t {
                Transform::Show { rows } => Some(rows),
                _ => None,
            });
            view! {
                <NumberField label=t("Rows to print") id=format!("f-steps-{i}-rows")
                    value=Signal::derive(move || Some(rows.get() as u64))
                    set={move |v: Option<u64>| set.run(v.unwrap_or(20) as usize)}/>
            }
            .into_any()
        }
        _ => view! { <p class="hint">{t("No options: drops the columns that are null in every row.")}</p> }.into_any(),
    }
}

#[component]
fn JoinFields(i: usize) -> impl IntoView {
    let (how, set_how) = bind(expect_context::<Editor>(), i, |t| match t {
        Transform::Join { how, .. } => Some(how),
        _ => None,
    });
    view! {
        <StepText i=i label=t("Lookup table (`database.table` or `schema.table`)") name="table"
            access=|t| match t { Transform::Join { table, .. } => Some(table), _ => None }/>
        <div class="grid">
            <StepList i=i label=t("Keys in the frame") name="keys_left"
                access=|t| match t { Transform::Join { keys_left, .. } => Some(keys_left), _ => None }/>
            <StepList i=i label=t("Keys in the lookup table") name="keys_right"
                access=|t| match t { Transform::Join { keys_right, .. } => Some(keys_right), _ => None }/>
            <SelectField label=t("Rows kept") field=format!("steps[{i}].how")
                choices=vec![("inner", t("`inner`: matched rows only")), ("left", t("`left`: every row"))]
                value=Signal::derive(move || if how.get() == JoinHow::Left { String::from("left") } else { String::from("inner") })
                set=move |v: String| set_how.run(if v == "left" { JoinHow::Left } else { JoinHow::Inner })/>
        </div>
    }
}

#[component]
fn ValueMappingFields(i: usize) -> impl IntoView {
    let (unmapped, set_unmapped) = bind(expect_context::<Editor>(), i, |t| match t {
        Transform::ValueMapping { unmapped, .. } => Some(unmapped),
        _ => None,
    });
    let unmapped_text = Signal::derive(move || {
        match unmapped.get() {
            Unmapped::Keep => "keep",
            Unmapped::Null => "null",
            Unmapped::Fail => "fail",
        }
        .to_string()
    });
    view! {
        <div class="grid">
            <StepText i=i label=t("Mapping table") name="table"
                access=|t| match t { Transform::ValueMapping { table, .. } => Some(table), _ => None }/>
            <StepText i=i label=t("Column to map") name="column"
                access=|t| match t { Transform::ValueMapping { column, .. } => Some(column), _ => None }/>
            <StepText i=i label=t("Table's from column") name="from_column"
                access=|t| match t { Transform::ValueMapping { from_column, .. } => Some(from_column), _ => None }/>
            <StepText i=i label=t("Table's to column") name="to_column"
                access=|t| match t { Transform::ValueMapping { to_column, .. } => Some(to_column), _ => None }/>
            <SelectField label=t("Unmapped values") field=format!("steps[{i}].unmapped")
                choices=vec![("keep", t("keep as is")), ("null", t("become null")), ("fail", t("fail: error record"))]
                value=unmapped_text
                set=move |v: String| set_unmapped.run(match v.as_str() { "null" => Unmapped::Null, "fail" => Unmapped::Fail, _ => Unmapped::Keep })/>
        </div>
    }
}

/// `choice` for every choice column, or `specs` per path; actions are parsed by core
/// (`cast:int`, `make_cols`, ...), and one that does not parse is shown here and not kept.
#[component]
fn ResolveChoiceFields(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let (choice, set_choice) = bind(editor, i, |t| match t {
        Transform::ResolveChoice { choice, .. } => Some(choice),
        _ => None,
    });
    let (specs, set_specs) = bind(editor, i, |t| match t {
        Transform::ResolveChoice { specs, .. } => Some(specs),
        _ => None,
    });
    let local_error = RwSignal::new(None::<String>);
    let specs_text = Signal::derive(move || {
        specs
            .get()
            .iter()
            .map(|s| format!("{}={}", s.path, s.action))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let parse_specs = move |text: String| {
        let parsed: Result<Vec<_>, _> = super::fields::split_list(&text)
            .iter()
            .map(|item| {
                let (path, action) = item.split_once('=').unwrap_or((item, ""));
                gluelab_core::transform::ChoiceSpec::new(path.trim(), action.trim())
            })
            .collect();
        match parsed {
            Ok(list) => {
                local_error.set(None);
                set_specs.run(list);
            }
            Err(e) => local_error.set(Some(e.to_string())),
        }
    };
    let parse_choice = move |text: String| match text.trim() {
        "" => {
            local_error.set(None);
            set_choice.run(None);
        }
        t => match t.parse::<ChoiceAction>() {
            Ok(action) => {
                local_error.set(None);
                set_choice.run(Some(action));
            }
            Err(e) => local_error.set(Some(e.to_string())),
        },
    };
    view! {
        <div class="grid">
            <div class="field">
                <label for=format!("f-steps-{i}-choice")>{marked(t("`choice` (all choice columns; empty: use `specs`)"))}</label>
                <input type="text" class="input mono" id=format!("f-steps-{i}-choice") aria-describedby=format!("err-steps-{i}-choice")
                    placeholder="make_cols" prop:value=move || choice.get().map(|c| c.to_string()).unwrap_or_default()
                    on:change:target=move |ev| parse_choice(ev.target().value())/>
            </div>
            <div class="field">
                <label for=format!("f-steps-{i}-specs")>{marked(t("`specs` (`path=action`, comma-separated)"))}</label>
                <input type="text" class="input mono" id=format!("f-steps-{i}-specs") aria-describedby=format!("err-steps-{i}-choice")
                    placeholder="age=cast:int" prop:value=move || specs_text.get()
                    on:change:target=move |ev| parse_specs(ev.target().value())/>
            </div>
            <StepOptText i=i label="`database` (`match_catalog`)" name="database"
                access=|t| match t { Transform::ResolveChoice { database, .. } => Some(database), _ => None }/>
            <StepOptText i=i label="`table_name` (`match_catalog`)" name="table_name"
                access=|t| match t { Transform::ResolveChoice { table_name, .. } => Some(table_name), _ => None }/>
        </div>
        {move || local_error.get().map(|e| view! { <p class="field-error" id=format!("err-steps-{i}-choice") translate="no">{e}</p> })}
    }
}
