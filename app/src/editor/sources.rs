//! Sources: what the script reads, with format options and the transformation_ctx that keys
//! each source's bookmark.

use gluelab_core::format::{CsvOptions, Format, ParseMode};
use gluelab_core::model::job::{KeySortOrder, Listing, SourceInput, SourceSpec};
use leptos::prelude::*;

use super::fields::{CheckField, FieldError, ListField, NumberField, SelectField, TextField};
use super::Editor;
use crate::i18n::marked;
use crate::i18n::{t, tf};
use crate::state::use_studio;

#[component]
pub fn Sources() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let rows = move || {
        editor.draft.with(|d| {
            d.plan
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| (i, s.input.kind()))
                .collect::<Vec<_>>()
        })
    };
    let add = move |_| {
        editor.edit(|d| {
            let n = d.plan.sources.len();
            let mut source = SourceSpec::catalog("", "", None);
            source.transformation_ctx = Some(format!("datasource{n}"));
            d.plan.sources.push(source);
        })
    };
    view! {
        <section class="editor-section" aria-labelledby="ed-sources">
            <h3 id="ed-sources">{t("Sources")}</h3>
            <FieldError field="sources"/>
            <For each=rows key=|row| *row children=move |(i, _)| view! { <SourceCard i=i/> }/>
            <button class="btn secondary small" id="add-source" on:click=add>{t("+ Add source")}</button>
        </section>
    }
}

#[component]
fn SourceCard(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let at = move |f: &str| format!("sources[{i}].{f}");
    let kind_now = Signal::derive(move || editor.source(i, |s| s.input.kind().to_string()));
    let ctx = Signal::derive(move || editor.source(i, |s| s.transformation_ctx.clone().unwrap_or_default()));
    let ctx_hint = Signal::derive(move || {
        ctx.get().trim().is_empty().then(|| {
            t("No `transformation_ctx`: this source is never bookmarked and is read in full every run.").to_string()
        })
    });
    let mode = Signal::derive(move || editor.source(i, |s| s.mode.as_spark().to_string()));
    view! {
        <div class="card" role="group" aria-label=tf("Source {n}", &[("n", &(i + 1))])>
            <div class="card-head">
                <strong>{tf("Source {n}", &[("n", &(i + 1))])}</strong>
                <span class="spacer"></span>
                <button class="btn secondary small" on:click=move |_| editor.edit(|d| { if i < d.plan.sources.len() { d.plan.sources.remove(i); } })
                    aria-label=tf("Remove source {n}", &[("n", &(i + 1))])>{t("Remove")}</button>
            </div>
            <div class="grid">
                <SelectField label=t("Reads from") field=at("kind")
                    choices=vec![("catalog", t("Data Catalog table")), ("s3", t("S3 path (`from_options`)")), ("jdbc", t("Warehouse table (JDBC)"))]
                    value=kind_now
                    set=move |k: String| editor.edit_source(i, |s| s.input = SourceInput::blank(&k))/>
                <TextField label="`transformation_ctx`" field=at("transformation_ctx") value=ctx
                    placeholder="datasource0" hint=ctx_hint
                    set=move |v: String| editor.edit_source(i, |s| s.transformation_ctx = (!v.trim().is_empty()).then_some(v))/>
            </div>
            {move || match kind_now.get().as_str() {
                "s3" => view! { <S3Fields i=i/> }.into_any(),
                "jdbc" => view! { <JdbcFields i=i/> }.into_any(),
                _ => view! { <CatalogFields i=i/> <PartitionFields i=i/> }.into_any(),
            }}
            <Show when=move || kind_now.get() != "jdbc">
                <ListingFields i=i s3_path=Signal::derive(move || kind_now.get() == "s3")/>
            </Show>
            <div class="grid">
                <SelectField label=t("Malformed records (`mode`)") field=at("mode")
                    choices=vec![("PERMISSIVE", "PERMISSIVE"), ("DROPMALFORMED", "DROPMALFORMED"), ("FAILFAST", "FAILFAST")]
                    value=mode
                    set=move |v: String| editor.edit_source(i, |s| s.mode = ParseMode::from_spark(&v).unwrap_or_default())/>
                <NumberField label=t("`maxBand` (ms)") id=format!("f-sources-{i}-max-band")
                    value=Signal::derive(move || editor.source(i, |s| Some(s.max_band.max(0) as u64)))
                    set={move |v: Option<u64>| if let Some(v) = v { editor.edit_source(i, |s| s.max_band = v as i64) }}/>
            </div>
        </div>
    }
}

/// Glue's listing options: bounded execution, `exclusions` and (for an S3 path) `recurse`.
#[component]
fn ListingFields(i: usize, s3_path: Signal<bool>) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let listing = move |f: fn(&Listing) -> Option<u64>| Signal::derive(move || editor.source(i, |s| f(&s.listing)));
    let set_count = move |f: fn(&mut Listing) -> &mut Option<u64>| {
        move |v: Option<u64>| editor.edit_source(i, |s| *f(&mut s.listing) = v.filter(|n| *n > 0))
    };
    let bounded_hint = Signal::derive(move || {
        editor
            .source(i, |s| s.listing.is_bounded())
            .then(|| {
                t("Each run reads at most this much of what is new, oldest first; later runs take the rest. Needs job bookmarks and a `transformation_ctx`.")
                    .to_string()
            })
    });
    view! {
        <fieldset class="grid listing-options">
            <legend>{t("Listing (bounded execution, exclusions)")}</legend>
            <NumberField label="`boundedFiles`" id=format!("f-sources-{i}-bounded-files") placeholder=t("no bound")
                value=listing(|l| l.bounded_files) set=set_count(|l| &mut l.bounded_files)/>
            <NumberField label=t("`boundedSize` (bytes)") id=format!("f-sources-{i}-bounded-size") placeholder=t("no bound")
                value=listing(|l| l.bounded_size) set=set_count(|l| &mut l.bounded_size)/>
            <ListField label="`exclusions`" field=format!("sources[{i}].exclusions") spaced=true
                placeholder="**.tmp s3://bucket/prefix/old/**"
                value=Signal::derive(move || editor.source(i, |s| s.listing.exclusions.clone()))
                set={move |v: Vec<String>| editor.edit_source(i, |s| s.listing.exclusions = v.clone())}/>
            <Show when=move || s3_path.get()>
                <CheckField label=t("`recurse` (read subfolders too)") id=format!("f-sources-{i}-recurse")
                    value=Signal::derive(move || editor.source(i, |s| s.listing.recurse))
                    set=move |on: bool| editor.edit_source(i, |s| s.listing.recurse = on)/>
            </Show>
            <FieldError field=format!("sources[{i}].bounded")/>
            {move || bounded_hint.get().map(|text| view! { <p class="field-hint">{marked(&text)}</p> })}
        </fieldset>
    }
}

#[component]
fn CatalogFields(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let part = move |which: u8| {
        Signal::derive(move || {
            editor.source(i, |s| match &s.input {
                SourceInput::Catalog { database, table } => if which == 0 { database } else { table }.clone(),
                _ => String::new(),
            })
        })
    };
    let set = move |which: u8, v: String| {
        editor.edit_source(i, |s| {
            if let SourceInput::Catalog { database, table } = &mut s.input {
                *(if which == 0 { database } else { table }) = v;
            }
        })
    };
    view! {
        <div class="grid">
            <TextField label=t("Database") field=format!("sources[{i}].database") value=part(0) set=move |v| set(0, v)/>
            <TextField label=t("Table") field=format!("sources[{i}].table") value=part(1) set=move |v| set(1, v)/>
        </div>
    }
}

/// A catalog source's partition predicates, `push_down_predicate` and
/// `catalogPartitionPredicate` (empty: none), with the table's partition keys named under them.
#[component]
fn PartitionFields(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let predicate = move |f: fn(&Listing) -> &Option<String>| {
        Signal::derive(move || editor.source(i, |s| f(&s.listing).clone().unwrap_or_default()))
    };
    let set = move |f: fn(&mut Listing) -> &mut Option<String>| {
        move |v: String| editor.edit_source(i, |s| *f(&mut s.listing) = (!v.trim().is_empty()).then_some(v))
    };
    view! {
        <fieldset class="grid partition-options">
            <legend>{t("Partitions (pruned before listing)")}</legend>
            <TextField label="`push_down_predicate`" field=format!("sources[{i}].push_down_predicate")
                placeholder="year = '2026' and month >= '01'"
                value=predicate(|l| &l.push_down_predicate) set=set(|l| &mut l.push_down_predicate)/>
            <TextField label="`catalogPartitionPredicate`" field=format!("sources[{i}].catalog_partition_predicate")
                placeholder="year >= '2025'"
                value=predicate(|l| &l.catalog_partition_predicate) set=set(|l| &mut l.catalog_partition_predicate)/>
            <PartitionHint i=i/>
        </fieldset>
    }
}

/// The catalog table's partition keys, as core's catalog holds them (nothing when there is no
/// such table: the Table field says so).
#[component]
fn PartitionHint(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let studio = use_studio();
    let text = move || {
        let (database, table) = editor.source(i, |s| match &s.input {
            SourceInput::Catalog { database, table } => (database.clone(), table.clone()),
            _ => Default::default(),
        });
        let keys = studio.workspace.with(|ws| {
            ws.catalog()
                .table(&database, &table)
                .ok()
                .map(|t| t.partition_keys.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
        })?;
        Some(match keys.as_slice() {
            [] => tf(
                "Table `{database}.{table}` is not partitioned (no partition keys): these predicates have nothing to prune.",
                &[("database", &database), ("table", &table)],
            ),
            _ => tf(
                "SQL over the partition keys `{keys}`: partitions it drops are never listed (gluelab evaluates both with its own SQL engine: modelled).",
                &[("keys", &keys.join(", "))],
            ),
        })
    };
    move || {
        text().map(
            |text| view! { <p class="field-hint partition-hint" id=format!("partition-hint-{i}")>{marked(&text)}</p> },
        )
    }
}

#[component]
fn S3Fields(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let read = move |f: fn(&str, &Format, &CsvOptions) -> String| {
        Signal::derive(move || {
            editor.source(i, |s| match &s.input {
                SourceInput::S3 { path, format, csv } => f(path, format, csv),
                _ => String::new(),
            })
        })
    };
    let edit = move |change: &dyn Fn(&mut String, &mut Format, &mut CsvOptions)| {
        editor.edit_source(i, |s| {
            if let SourceInput::S3 { path, format, csv } = &mut s.input {
                change(path, format, csv);
            }
        })
    };
    let is_csv = move || read(|_, f, _| f.name().into()).get() == "csv";
    let flag = move |f: fn(&CsvOptions) -> bool| {
        Signal::derive(move || {
            editor.source(i, |s| match &s.input {
                SourceInput::S3 { csv, .. } => f(csv),
                _ => false,
            })
        })
    };
    view! {
        <div class="grid">
            <TextField label=t("Path") field=format!("sources[{i}].path") value=read(|p, _, _| p.into())
                placeholder="s3://bucket/prefix/" set=move |v: String| edit(&|p, _, _| *p = v.clone())/>
            <SelectField label=t("Format") field=format!("sources[{i}].format")
                choices=vec![("json", t("JSON lines")), ("csv", "CSV"), ("parquet", "Parquet")]
                value=read(|_, f, _| f.name().into())
                set=move |v: String| edit(&|_, f, _| *f = Format::from_glue(&v).unwrap_or_default())/>
        </div>
        <Show when=is_csv>
            <fieldset class="grid csv-options">
                <legend>{t("CSV format options")}</legend>
                <TextField label="`separator`" field=format!("sources[{i}].separator")
                    value=read(|_, _, c| byte_text(Some(c.separator)))
                    set=move |v: String| edit(&|_, _, c| if let Some(b) = v.bytes().next() { c.separator = b })/>
                <TextField label=t("`quoteChar` (empty: none)") field=format!("sources[{i}].quote")
                    value=read(|_, _, c| byte_text(c.quote))
                    set=move |v: String| edit(&|_, _, c| c.quote = v.bytes().next())/>
                <TextField label=t("`escaper` (empty: none)") field=format!("sources[{i}].escape")
                    value=read(|_, _, c| byte_text(c.escape))
                    set=move |v: String| edit(&|_, _, c| c.escape = v.bytes().next())/>
                <CheckField label="`withHeader`" id=format!("f-sources-{i}-with-header") value=flag(|c| c.with_header)
                    set=move |on: bool| edit(&|_, _, c| c.with_header = on)/>
                <CheckField label="`skipFirst`" id=format!("f-sources-{i}-skip-first") value=flag(|c| c.skip_first)
                    set=move |on: bool| edit(&|_, _, c| c.skip_first = on)/>
                <CheckField label=t("`multiLine` (a quoted line break stays in its field)") id=format!("f-sources-{i}-multi-line")
                    value=flag(|c| c.multi_line)
                    set=move |on: bool| edit(&|_, _, c| c.multi_line = on)/>
            </fieldset>
        </Show>
    }
}

#[component]
fn JdbcFields(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let table = Signal::derive(move || {
        editor.source(i, |s| match &s.input {
            SourceInput::Jdbc { table, .. } => table.clone(),
            _ => String::new(),
        })
    });
    let keys = Signal::derive(move || {
        editor.source(i, |s| match &s.input {
            SourceInput::Jdbc { bookmark_keys, .. } => bookmark_keys.clone(),
            _ => vec![],
        })
    });
    let order = Signal::derive(move || {
        editor.source(i, |s| match &s.input {
            SourceInput::Jdbc { sort_order, .. } => sort_order.as_str().to_string(),
            _ => String::new(),
        })
    });
    let edit = move |change: &dyn Fn(&mut String, &mut Vec<String>, &mut KeySortOrder)| {
        editor.edit_source(i, |s| {
            if let SourceInput::Jdbc {
                table,
                bookmark_keys,
                sort_order,
            } = &mut s.input
            {
                change(table, bookmark_keys, sort_order);
            }
        })
    };
    view! {
        <div class="grid">
            <TextField label=t("Table (`schema.table`)") field=format!("sources[{i}].table") value=table
                set=move |v: String| edit(&|t, _, _| *t = v.clone())/>
            <ListField label=t("`jobBookmarkKeys` (empty: the primary key)") field=format!("sources[{i}].bookmark_keys") value=keys
                set={move |v: Vec<String>| edit(&|_, k, _| *k = v.clone())}/>
            <SelectField label="`jobBookmarkKeysSortOrder`" field=format!("sources[{i}].sort_order")
                choices=vec![("asc", "asc"), ("desc", "desc")] value=order
                set=move |v: String| edit(&|_, _, o| *o = KeySortOrder::parse(&v).unwrap_or_default())/>
        </div>
    }
}

/// A CSV option byte as the one-character text a user types.
fn byte_text(b: Option<u8>) -> String {
    b.map(|b| (b as char).to_string()).unwrap_or_default()
}
