//! Sinks: where the script writes, and how it treats what is already there.

use gluelab_core::format::Format;
use gluelab_core::model::job::{SinkMode, SinkOutput, SinkSpec};
use leptos::prelude::*;

use super::fields::{ListField, SelectField, TextField};
use super::Editor;

fn mode_name(mode: &SinkMode) -> &'static str {
    match mode {
        SinkMode::Append => "append",
        SinkMode::Overwrite => "overwrite",
        SinkMode::MergeOnKey { .. } => "merge",
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
            <h3 id="ed-sinks">"Sinks"</h3>
            <p class="hint">"Targets are never tracked by bookmarks: a source read again is written again."</p>
            <For each=rows key=|row| *row children=move |(i, _)| view! { <SinkCard i=i/> }/>
            <button class="btn secondary small" id="add-sink"
                on:click=move |_| editor.edit(|d| d.plan.sinks.push(SinkSpec::catalog("", "", None)))>"+ Add sink"</button>
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
            <TextField label="Database" field=at("database") value=text(0) set=move |v| set_text(0, v)/>
            <TextField label="Table" field=at("table") value=text(1) set=move |v| set_text(1, v)/>
        }
        .into_any(),
        "jdbc" => view! {
            <TextField label="Warehouse table (schema.table)" field=at("table") value=text(1) set=move |v| set_text(1, v)/>
        }
        .into_any(),
        _ => view! {
            <TextField label="Path" field=at("path") value=text(1) set=move |v| set_text(1, v) placeholder="s3://bucket/prefix/"/>
            <SelectField label="Format" field=at("format") choices=vec![("json", "JSON lines"), ("csv", "CSV"), ("parquet", "Parquet")]
                value=format
                set=move |v: String| editor.edit_sink(i, |s| if let SinkOutput::S3 { format, .. } = &mut s.output {
                    *format = Format::from_glue(&v).unwrap_or_default();
                })/>
        }
        .into_any(),
    }
    };
    view! {
        <div class="card" role="group" aria-label=format!("Sink {}", i + 1)>
            <div class="card-head">
                <strong>{format!("Sink {}", i + 1)}</strong>
                <span class="spacer"></span>
                <button class="btn secondary small" aria-label=format!("Remove sink {}", i + 1)
                    on:click=move |_| editor.edit(|d| { if i < d.plan.sinks.len() { d.plan.sinks.remove(i); } })>"Remove"</button>
            </div>
            <div class="grid">
                <SelectField label="Writes to" field=at("kind")
                    choices=vec![("catalog", "Data Catalog table"), ("s3", "S3 path"), ("jdbc", "Warehouse table (JDBC)")]
                    value=kind_now set=move |k: String| editor.edit_sink(i, |s| s.output = SinkOutput::blank(&k))/>
                {location}
                <SelectField label="Mode" field=at("mode")
                    choices=vec![("append", "append (Glue's default)"), ("overwrite", "overwrite"), ("merge", "merge on key (upsert)")]
                    value=mode set=set_mode/>
                <TextField label="transformation_ctx (not used for bookmarks)" field=at("transformation_ctx")
                    value=Signal::derive(move || editor.sink(i, |s| s.transformation_ctx.clone().unwrap_or_default()))
                    set=move |v: String| editor.edit_sink(i, |s| s.transformation_ctx = (!v.trim().is_empty()).then_some(v))/>
            </div>
            <Show when=move || mode.get() == "merge">
                <ListField label="Merge keys" field=at("keys") value=keys
                    set={move |v: Vec<String>| editor.edit_sink(i, |s| s.mode = SinkMode::MergeOnKey { keys: v })}/>
            </Show>
        </div>
    }
}
