//! Sinks: where the script writes, and how it treats what is already there.

use gluelab_core::format::Format;
use gluelab_core::model::job::{JobPlan, SinkMode, SinkOutput, SinkSpec, SourceInput};
use gluelab_core::Workspace;
use leptos::prelude::*;

use super::fields::{input_id, FieldError, ListField, SelectField, TextField};
use super::Editor;
use crate::i18n::marked;
use crate::i18n::{t, tf};

fn mode_name(mode: &SinkMode) -> &'static str {
    match mode {
        SinkMode::Append => "append",
        SinkMode::Overwrite => "overwrite",
        SinkMode::MergeOnKey { .. } => "merge",
    }
}

/// The child tables the plan's enabled Relationalize steps make, `<root name>_<array column>`
/// from the source table's columns of array type; `None` when no step relationalizes, empty
/// when the source's columns are not known here (a path rather than a catalog table).
fn collection_tables(ws: &Workspace, plan: &JobPlan) -> Option<Vec<String>> {
    let roots = plan.relationalize_roots();
    if roots.is_empty() {
        return None;
    }
    let arrays: Vec<&str> = match plan.sources.first().map(|s| &s.input) {
        Some(SourceInput::Catalog { database, table }) => ws
            .catalog()
            .table(database, table)
            .map(|t| {
                t.columns
                    .iter()
                    .filter(|c| c.glue_type.starts_with("array"))
                    .map(|c| c.name.as_str())
                    .collect()
            })
            .unwrap_or_default(),
        _ => vec![],
    };
    Some(
        roots
            .iter()
            .flat_map(|r| arrays.iter().map(move |a| format!("{r}_{a}")))
            .collect(),
    )
}

/// Which table of the Relationalize collection sink `i` writes: a choice among the tables the
/// source's array columns make, or a name typed when they are not known.
#[component]
fn CollectionField(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let studio = crate::state::use_studio();
    let tables = Memo::new(move |_| {
        editor
            .draft
            .with(|d| studio.workspace.with(|ws| collection_tables(ws, &d.plan)))
    });
    let field = format!("sinks[{i}].collection_key");
    let value = Signal::derive(move || editor.sink(i, |s| s.collection_key.clone().unwrap_or_default()));
    let set = move |v: String| editor.edit_sink(i, |s| s.collection_key = (!v.trim().is_empty()).then_some(v));
    let id = input_id(&field);
    move || {
        let field = field.clone();
        tables.get().map(|names| {
            if names.is_empty() {
                let hint = t(
                    "Empty: the job's frame (the root table). A child table is named `<root name>_<array column>`.",
                );
                return view! {
                    <TextField label=t("Collection table") field=field value=value set=set placeholder="orders_items"
                        hint=Signal::derive(move || Some(hint.to_string()))/>
                }
                .into_any();
            }
            let hint = tf(
                "`Relationalize` makes `{tables}` (`<root name>_<array column>`).",
                &[("tables", &names.join(", "))],
            );
            let mut choices = names;
            let now = value.get_untracked();
            if !now.is_empty() && !choices.contains(&now) {
                choices.push(now);
            }
            let hint_id = format!("{id}-hint");
            view! {
                <div class="field">
                    <label for=id.clone()>{t("Collection table")}</label>
                    <select class="select mono" id=id.clone() aria-describedby=hint_id.clone()
                        prop:value=move || value.get() on:change:target=move |ev| set(ev.target().value())>
                        <option value="">{t("the job's frame (root table)")}</option>
                        {choices.into_iter().map(|name| {
                            let (is, text) = (name.clone(), name.clone());
                            view! { <option value=name translate="no" selected=move || value.get() == is>{text}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field-hint" id=hint_id>{marked(&hint)}</p>
                    <FieldError field=field/>
                </div>
            }
            .into_any()
        })
    }
}

#[component]
pub fn Sinks() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let rows = move || {
        editor.draft.with(|d| {
            d.plan
                .sinks
                .iter()
                .enumerate()
                .map(|(i, s)| (i, s.output.kind()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="editor-section" aria-labelledby="ed-sinks">
            <h3 id="ed-sinks">{t("Sinks")}</h3>
            <p class="hint">{t("Targets are never tracked by bookmarks: a source read again is written again.")}</p>
            <For each=rows key=|row| *row children=move |(i, _)| view! { <SinkCard i=i/> }/>
            <button class="btn secondary small" id="add-sink"
                on:click=move |_| editor.edit(|d| d.plan.sinks.push(SinkSpec::catalog("", "", None)))>{t("+ Add sink")}</button>
        </section>
    }
}

#[component]
fn SinkCard(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let at = move |f: &str| format!("sinks[{i}].{f}");
    let kind_now = Signal::derive(move || editor.sink(i, |s| s.output.kind().to_string()));
    let mode = Signal::derive(move || editor.sink(i, |s| mode_name(&s.mode).to_string()));
    let text = move |which: u8| {
        Signal::derive(move || {
            editor.sink(i, |s| match (&s.output, which) {
                (SinkOutput::Catalog { database, .. }, 0) => database.clone(),
                (SinkOutput::Catalog { table, .. }, _) | (SinkOutput::Jdbc { table }, _) => table.clone(),
                (SinkOutput::S3 { path, .. }, _) => path.clone(),
            })
        })
    };
    let set_text = move |which: u8, v: String| {
        editor.edit_sink(i, |s| match (&mut s.output, which) {
            (SinkOutput::Catalog { database, .. }, 0) => *database = v,
            (SinkOutput::Catalog { table, .. }, _) | (SinkOutput::Jdbc { table }, _) => *table = v,
            (SinkOutput::S3 { path, .. }, _) => *path = v,
        })
    };
    let format = Signal::derive(move || {
        editor.sink(i, |s| match &s.output {
            SinkOutput::S3 { format, .. } => format.name().to_string(),
            _ => String::new(),
        })
    });
    let keys = Signal::derive(move || {
        editor.sink(i, |s| match &s.mode {
            SinkMode::MergeOnKey { keys } => keys.clone(),
            _ => vec![],
        })
    });
    let set_mode = move |v: String| {
        editor.edit_sink(i, |s| {
            s.mode = match v.as_str() {
                "overwrite" => SinkMode::Overwrite,
                "merge" => SinkMode::MergeOnKey { keys: vec![] },
                _ => SinkMode::Append,
            }
        })
    };
    let location = move || {
        match kind_now.get().as_str() {
        "catalog" => view! {
            <TextField label=t("Database") field=at("database") value=text(0) set=move |v| set_text(0, v)/>
            <TextField label=t("Table") field=at("table") value=text(1) set=move |v| set_text(1, v)/>
        }
        .into_any(),
        "jdbc" => view! {
            <TextField label=t("Warehouse table (`schema.table`)") field=at("table") value=text(1) set=move |v| set_text(1, v)/>
        }
        .into_any(),
        _ => view! {
            <TextField label=t("Path") field=at("path") value=text(1) set=move |v| set_text(1, v) placeholder="s3://bucket/prefix/"/>
            <SelectField label=t("Format") field=at("format") choices=vec![("json", t("JSON lines")), ("csv", "CSV"), ("parquet", "Parquet")]
                value=format
                set=move |v: String| editor.edit_sink(i, |s| if let SinkOutput::S3 { format, .. } = &mut s.output {
                    *format = Format::from_glue(&v).unwrap_or_default();
                })/>
        }
        .into_any(),
    }
    };
    view! {
        <div class="card" role="group" aria-label=tf("Sink {n}", &[("n", &(i + 1))])>
            <div class="card-head">
                <strong>{tf("Sink {n}", &[("n", &(i + 1))])}</strong>
                <span class="spacer"></span>
                <button class="btn secondary small" aria-label=tf("Remove sink {n}", &[("n", &(i + 1))])
                    on:click=move |_| editor.edit(|d| { if i < d.plan.sinks.len() { d.plan.sinks.remove(i); } })>{t("Remove")}</button>
            </div>
            <div class="grid">
                <SelectField label=t("Writes to") field=at("kind")
                    choices=vec![("catalog", t("Data Catalog table")), ("s3", t("S3 path")), ("jdbc", t("Warehouse table (JDBC)"))]
                    value=kind_now set=move |k: String| editor.edit_sink(i, |s| s.output = SinkOutput::blank(&k))/>
                {location}
                <SelectField label=t("Mode") field=at("mode")
                    choices=vec![("append", t("append (Glue's default)")), ("overwrite", t("overwrite")), ("merge", t("merge on key (upsert)"))]
                    value=mode set=set_mode/>
                <TextField label=t("`transformation_ctx` (not used for bookmarks)") field=at("transformation_ctx")
                    value=Signal::derive(move || editor.sink(i, |s| s.transformation_ctx.clone().unwrap_or_default()))
                    set=move |v: String| editor.edit_sink(i, |s| s.transformation_ctx = (!v.trim().is_empty()).then_some(v))/>
                <CollectionField i=i/>
            </div>
            <Show when=move || mode.get() == "merge">
                <ListField label=t("Merge keys") field=at("keys") value=keys
                    set={move |v: Vec<String>| editor.edit_sink(i, |s| s.mode = SinkMode::MergeOnKey { keys: v })}/>
            </Show>
        </div>
    }
}
