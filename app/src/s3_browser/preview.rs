//! An object's first rows, as core reads them (`Workspace::preview_object`, in the preview
//! worker): a small table with each row's line, the problems among them, or why there is no
//! preview.

use gluelab_core::format::encoding::Encoding;
use gluelab_core::model::store::S3Uri;
use gluelab_core::views::browse::{human_size, FormatOrigin, ObjectPreview};
use leptos::prelude::*;

use crate::i18n::{t, tf};
use crate::preview_worker::{self, PreviewReply};
use crate::state::{use_studio, Notice};

/// Rows shown: enough to see the shape of the data, few enough to keep the table short.
const PREVIEW_ROWS: usize = 10;

#[component]
pub fn ObjectPreviewView(uri: S3Uri) -> impl IntoView {
    let studio = use_studio();
    // Read in the preview worker, again whenever the workspace changes (an overwrite shows its
    // new rows); the last reply stays on screen until the next one arrives.
    let reply = RwSignal::new(None::<PreviewReply>);
    let ticket = StoredValue::new(0u64);
    {
        let uri = uri.clone();
        Effect::new(move |_| {
            let mine = ticket.get_value() + 1;
            ticket.set_value(mine);
            studio.workspace.with(|ws| {
                preview_worker::request_object(ws, &uri, PREVIEW_ROWS, move |answer| {
                    // A reply for a closed preview, or overtaken by a newer one, is dropped.
                    if ticket.try_get_value() == Some(mine) {
                        reply.try_set(Some(answer));
                    }
                })
            });
        });
    }
    view! {
        <div class="object-preview" aria-busy=move || reply.with(Option::is_none).to_string()>
            {move || match reply.get() {
                None => view! { <p class="preview-reading hint" role="status">{t("Reading the object…")}</p> }.into_any(),
                Some(PreviewReply { preview: Ok(p), .. }) => view! { <PreviewTable preview=p/> }.into_any(),
                Some(PreviewReply { preview: Err(e), suggested }) => view! {
                    <p class="preview-error" role="status">{e}</p>
                    {suggested.map(|encoding| view! { <ReadAsButton uri=uri.clone() encoding/> })}
                }
                .into_any(),
            }}
        </div>
    }
}

/// "Read it as Shift_JIS": sets the table's `serialization.encoding` to the encoding the
/// bytes look like (`Workspace::set_table_encoding`), which the browser then decodes.
#[component]
fn ReadAsButton(uri: S3Uri, encoding: Encoding) -> impl IntoView {
    let studio = use_studio();
    let label = encoding.option_name();
    let read_as = move |_| {
        if let Some(table) = studio.act(|ws| ws.set_table_encoding(&uri, label)) {
            studio.notice.set(Some(Notice::Info(tf(
                "Table {database}.{table} now reads its files as {encoding} (serialization.encoding): jobs and previews decode them to UTF-8. Undo takes it back.",
                &[("database", &table.database), ("table", &table.name), ("encoding", &label)],
            ))));
        }
    };
    view! {
        <button class="btn" id="read-as-encoding" on:click=read_as
            title=tf("UpdateTable: serialization.encoding = {encoding}, as Spark's encoding option reads it (a guess from the bytes: check the rows)", &[("encoding", &label)])>
            {crate::i18n::with_data(t("Read it as {encoding}"), "encoding", label.to_string())}
        </button>
    }
}

/// The line over the preview: how many rows, where the format came from, how much was read
/// (`ObjectPreview::summary`, in the page's language).
fn summary(preview: &ObjectPreview) -> String {
    let n = preview.rows.len();
    let rows = match (n, preview.more) {
        (0, false) => t("No rows").to_string(),
        (1, true) => tf("First {n} row", &[("n", &n)]),
        (_, true) => tf("First {n} rows", &[("n", &n)]),
        (1, false) => tf("All {n} row", &[("n", &n)]),
        (_, false) => tf("All {n} rows", &[("n", &n)]),
    };
    let format = preview.format.to_string();
    let origin = match &preview.origin {
        FormatOrigin::Table { database, table } => tf(
            "{format} from table {database}.{table}",
            &[("format", &format), ("database", database), ("table", table)],
        ),
        FormatOrigin::Extension(ext) => tf(
            "{format} from the .{ext} extension, with Glue's default options",
            &[("format", &format), ("ext", ext)],
        ),
    };
    let partial = preview.bytes_read < preview.size;
    let read = match (preview.compression, partial) {
        (Some(c), true) => tf(
            " · {compression}-compressed: only the first {read} of its text read",
            &[("compression", &c.name()), ("read", &human_size(preview.bytes_read))],
        ),
        (Some(c), false) => tf(" · {compression}-compressed", &[("compression", &c.name())]),
        (None, true) => tf(
            " · only the first {read} of {size} read",
            &[
                ("read", &human_size(preview.bytes_read)),
                ("size", &human_size(preview.size)),
            ],
        ),
        (None, false) => String::new(),
    };
    format!("{rows} · {origin}{read}")
}

#[component]
fn PreviewTable(preview: ObjectPreview) -> impl IntoView {
    let summary = summary(&preview);
    let header = preview
        .columns
        .iter()
        .map(|c| view! { <th translate="no">{c.clone()}</th> })
        .collect_view();
    let body = preview
        .lines
        .iter()
        .zip(&preview.rows)
        .map(|(line, cells)| {
            let cells = cells
                .iter()
                .map(|c| view! { <td translate="no">{c.clone()}</td> })
                .collect_view();
            view! {
                <tr>
                    <td class="line muted">{*line}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let problems = preview
        .problems
        .iter()
        .map(|p| view! { <li translate="no">{p.to_string()}</li> })
        .collect_view();
    let has_problems = !preview.problems.is_empty();
    let fit = preview
        .misfit
        .as_ref()
        .and_then(|fit| fit.warning(crate::i18n::catalog()));
    // A file under no table, or one whose fields do not fit its table, can make the table.
    let offer = match (&preview.origin, &fit) {
        (FormatOrigin::Extension(_), _) => Some(false),
        (FormatOrigin::Table { .. }, Some(_)) => Some(true),
        (FormatOrigin::Table { .. }, None) => None,
    };
    let uri = S3Uri::parse(&preview.object).ok();
    // A table no job reads yet: one click to a job over it.
    let unread_table = match &preview.origin {
        FormatOrigin::Table { database, table } if fit.is_none() => Some((database.clone(), table.clone())),
        _ => None,
    };
    view! {
        <p class="preview-summary hint">{summary}</p>
        {fit.map(|w| view! { <p class="preview-fit" id="preview-fit" role="status">"⚠ " {w}</p> })}
        {offer.zip(uri).map(|(updates, uri)| view! { <MakeTableButton uri updates/> })}
        {unread_table.map(|(database, table)| view! { <NewJobButton database table/> })}
        <div class="preview-scroll">
            <table class="preview-table s3-preview">
                <thead>
                    <tr>
                        <th class="line" title=t("line in the object")>{t("line")}</th>
                        {header}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        {has_problems.then(|| view! { <ul class="preview-problems">{problems}</ul> })}
    }
}

/// "Make a table from this file", as a crawler would (`Workspace::crawl_object` in the preview
/// worker, then `add_crawled_table`); over a table whose columns do not fit, it updates that table.
#[component]
fn MakeTableButton(uri: S3Uri, updates: bool) -> impl IntoView {
    let studio = use_studio();
    let (label, title) = if updates {
        (
            t("Update the table from this file"),
            t("UpdateTable: the table's columns, format and CSV header setting become this file's, as a crawler would infer them"),
        )
    } else {
        (
            t("Make a table from this file"),
            t("CreateTable: columns with Glue types, the CSV header and partition folders inferred as a crawler would"),
        )
    };
    // The crawl reads the file in the preview worker; the page only adds the table it made.
    let busy = RwSignal::new(false);
    let add = move |uri: S3Uri, crawled: preview_worker::CrawlReply| {
        busy.try_set(false);
        let made = match crawled {
            Ok(made) => made,
            Err(e) => return studio.notice.set(Some(Notice::Error(e))),
        };
        if let Some(table) = studio.act(|ws| ws.add_crawled_table(&uri, made)) {
            let columns: Vec<String> = table
                .columns
                .iter()
                .map(|c| format!("{} {}", c.name, c.glue_type))
                .collect();
            let args: [(&str, &dyn std::fmt::Display); 3] = [
                ("database", &table.database),
                ("table", &table.name),
                ("columns", &columns.join(", ")),
            ];
            let text = if updates {
                tf(
                    "Table {database}.{table} now reads this file's columns: {columns}",
                    &args,
                )
            } else {
                tf(
                    "Table {database}.{table} made, reading this file's columns: {columns}",
                    &args,
                )
            };
            studio.notice.set(Some(Notice::Info(text)));
        }
    };
    let make = move |_| {
        busy.set(true);
        let uri = uri.clone();
        studio
            .workspace
            .with_untracked(|ws| preview_worker::request_crawl(ws, &uri.clone(), move |crawled| add(uri, crawled)));
    };
    view! {
        <button class="btn" id="make-table" title=title on:click=make disabled=move || busy.get()>{label}</button>
    }
}

/// "New job over this table" (`Workspace::create_job_over_table`), offered while no job reads it.
#[component]
fn NewJobButton(database: String, table: String) -> impl IntoView {
    let studio = use_studio();
    let unread = {
        let (database, table) = (database.clone(), table.clone());
        move || {
            studio
                .workspace
                .with(|ws| ws.jobs_reading(&database, &table).is_empty())
        }
    };
    let create = move |_| {
        if let Some(job) = studio.act(|ws| ws.create_job_over_table(&database, &table)) {
            let sink = job.plan.sinks.first().map(|s| s.output.label()).unwrap_or_default();
            studio.notice.set(Some(Notice::Info(tf(
                "Job {job} reads {database}.{table} with job-bookmark-enable and appends to {sink}: run it.",
                &[
                    ("job", &job.name),
                    ("database", &database),
                    ("table", &table),
                    ("sink", &sink),
                ],
            ))));
        }
    };
    view! {
        <Show when=unread>
            <button class="btn" id="new-job-over-table"
                title=t("CreateJob: a job that reads this table with a bookmark and appends to a new table beside it")
                on:click=create.clone()>{t("New job over this table")}</button>
        </Show>
    }
}
