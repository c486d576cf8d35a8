//! The sink table: every row with the run that wrote it, its source line, duplicates flagged;
//! and the Athena-style query box of the seed article.

use std::collections::BTreeMap;

use gluelab_core::model::lineage::SinkRow;
use gluelab_core::query::QueryResult;
use gluelab_core::views::browse::human_size;
use gluelab_core::views::short_run_id;
use gluelab_core::Workspace;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::use_studio;

/// The table shows this many rows; the summary counts them all.
const SHOWN_ROWS: usize = 500;
/// Sinks larger than this are not listed (a large run writes millions of rows).
const LIST_LIMIT_BYTES: u64 = 32 * 1024 * 1024;

/// A sink's rows and, among them, duplicates; `None` when it is too large to list here.
pub fn sink_counts(ws: &Workspace, job: &str) -> Option<(usize, usize)> {
    if ws.job_sink_bytes(job) > LIST_LIMIT_BYTES {
        return None;
    }
    let (_, rows) = ws.job_sink_rows(job).ok()?;
    Some((rows.len(), duplicates_among(&rows)))
}

fn duplicates_among(rows: &[SinkRow]) -> usize {
    rows.iter().filter(|r| r.duplicate_of.is_some()).count()
}

#[component]
pub fn SinkPanel() -> impl IntoView {
    let studio = use_studio();
    // Read once per change of the workspace: the summary and the table share it.
    let sink = Memo::new(move |_| {
        let job = studio.job_name()?;
        studio.workspace.with(|ws| {
            // Listing rows parses every part file on this thread: not for a large sink.
            let bytes = ws.job_sink_bytes(&job);
            if bytes > LIST_LIMIT_BYTES {
                return Some(Err(bytes));
            }
            ws.job_sink_rows(&job).ok().map(Ok)
        })
    });
    let too_large = move || {
        sink.with(|s| match s {
            Some(Err(bytes)) => Some(*bytes),
            _ => None,
        })
    };
    let sink = move || sink.get().and_then(Result::ok);
    // Each run gets a colour slot by its position among the job's runs.
    let run_slot = move |run_id: &str| {
        let job = studio.job_name().unwrap_or_default();
        studio
            .workspace
            .with(|ws| ws.runs_of(&job).position(|r| r.id == run_id).map(|i| i % 6))
    };
    let duplicates = move || sink().map(|(_, rows)| duplicates_among(&rows)).unwrap_or(0);
    view! {
        <section class="panel" aria-labelledby="sink-title">
            <h2 id="sink-title">"Sink"</h2>
            <p class="hint" id="sink-summary">{move || {
                if let Some(bytes) = too_large() {
                    return format!(
                        "The sink holds {}: too large to list here (listing it parses every part on the page's thread); query it below.",
                        human_size(bytes)
                    );
                }
                let rows = sink().map(|(_, r)| r.len()).unwrap_or(0);
                let shown = if rows > SHOWN_ROWS { format!(" · the first {SHOWN_ROWS} shown") } else { String::new() };
                format!("{rows} rows · {} duplicates (same source line written again){shown}", duplicates())
            }}</p>
            {move || sink().map(|(columns, rows)| view! {
                <table class="sink">
                    <thead>
                        <tr>
                            {columns.iter().map(|c| view! { <th>{c.clone()}</th> }).collect_view()}
                            <th>"written by"</th><th>"from"</th><th></th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().take(SHOWN_ROWS).scan(BTreeMap::<String, usize>::new(), |in_part, row| {
                            // `(part, index in part)`: how a duplicate names the row it repeats.
                            let index = in_part.entry(row.part.clone()).or_insert(0);
                            let at = *index;
                            *index += 1;
                            Some((format!("{}#{at}", row.part), row))
                        }).map(|(address, row)| {
                            let slot = row.written_by.as_deref().and_then(run_slot).map(|s| format!("run-{s}")).unwrap_or_default();
                            let origin = row.origin.as_ref().map(|o| format!(
                                "{}:{}", o.source.rsplit('/').next().unwrap_or(&o.source), o.line
                            )).unwrap_or_else(|| "?".into());
                            let (run, source) = (row.written_by.clone(), row.origin.as_ref().map(|o| o.source.clone()));
                            let picked = move || {
                                studio.selected_object.with(|o| o.is_some() && *o == source)
                                    && studio.selected_run.with(|r| *r == run)
                            };
                            let duplicate = row.duplicate_of.clone().map(|(part, i)| format!("{part}#{i}"));
                            let is_duplicate = duplicate.is_some();
                            view! {
                                <tr class=format!("sink-row {slot}") class:duplicate=is_duplicate
                                    class:picked=picked data-row=address>
                                    {row.values.iter().map(|v| view! { <td class="mono">{v.clone()}</td> }).collect_view()}
                                    <td class="mono">{row.written_by.as_deref().map(short_run_id).unwrap_or("?".into())}</td>
                                    <td class="mono">{origin}</td>
                                    <td>{duplicate.map(|first| view! {
                                        <button class="badge dup jump" title="Duplicate: the same source line written again. Click to see the first row."
                                            on:click=move |_| show_row(&first)>"duplicate ↑"</button>
                                    })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <QueryBox/>
        </section>
    }
}

/// Scrolls to the sink row at `address` (`part#index`) and lights it for a moment.
fn show_row(address: &str) {
    let selector = format!(
        "tr[data-row=\"{}\"]",
        address.replace('\\', "\\\\").replace('"', "\\\"")
    );
    let Some(row) = document().query_selector(&selector).ok().flatten() else {
        return;
    };
    let classes = row.class_list();
    let _ = classes.remove_1("flash");
    if let Some(element) = row.dyn_ref::<web_sys::HtmlElement>() {
        let _ = element.offset_width(); // restarts the flash
    }
    let _ = classes.add_1("flash");
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    options.set_behavior(crate::presenter::scroll_behavior());
    row.scroll_into_view_with_scroll_into_view_options(&options);
}

/// Rows of a query result put on the page: enough to read, few enough that a large result
/// does not make the page thousands of screens tall.
const QUERY_ROWS_SHOWN: usize = 200;

/// `SELECT ... FROM "db"."table"` over the catalog, on core's query engine.
#[component]
fn QueryBox() -> impl IntoView {
    let studio = use_studio();
    let sql = RwSignal::new(String::new());
    // A new job (another example, an import) starts the box over its own sink; typing is kept
    // while the job stays.
    let job = Memo::new(move |_| studio.job_name());
    Effect::new(move |_| {
        let starter = job.with(|job| {
            job.as_deref()
                .and_then(|job| studio.workspace.with_untracked(|ws| ws.starter_query(job)))
        });
        sql.set(starter.unwrap_or_default());
    });
    let result = RwSignal::new(None::<Result<QueryResult, String>>);
    let run_query = move || {
        let answer = studio.workspace.with(|ws| ws.query(&sql.get_untracked(), None));
        result.set(Some(answer.map_err(|e| e.to_string())));
    };
    // Ctrl+Enter (Cmd+Enter on a Mac) runs the query from the box, as in Athena's console.
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            run_query();
        }
    };
    let download = move |_| {
        let csv = result.with_untracked(|r| {
            r.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(Workspace::query_result_csv)
        });
        if let Some(csv) = csv {
            if let Err(e) = crate::share::download("query-result.csv", "text/csv", csv.as_bytes()) {
                studio.notice.set(Some(crate::state::Notice::Error(e)));
            }
        }
    };
    view! {
        <h3>"Query (Athena)"</h3>
        <textarea class="sql mono" id="sql" rows="2" aria-label="SQL query" aria-keyshortcuts="Control+Enter Meta+Enter"
            prop:value=move || sql.get() on:input:target=move |ev| sql.set(ev.target().value()) on:keydown=on_key></textarea>
        <button class="btn secondary" id="run-query" on:click=move |_| run_query() title="Run the query (Ctrl+Enter)">"Run query"</button>
        {move || result.with(|r| r.as_ref().map(|r| match r {
            Err(e) => view! { <p class="run-error" id="query-error">{e.clone()}</p> }.into_any(),
            Ok(r) => {
                let total = r.num_rows();
                // The page shows the head of the result; the whole of it downloads as CSV.
                let count = if total > QUERY_ROWS_SHOWN {
                    format!("{total} rows · the first {QUERY_ROWS_SHOWN} shown")
                } else {
                    format!("{total} rows")
                };
                view! {
                    <div class="query-meta">
                        <p class="hint" id="query-count">{count}</p>
                        <button class="btn secondary small" id="query-csv" on:click=download
                            title="The whole result as CSV, as Athena's Download results gives it">"Download CSV"</button>
                    </div>
                    <table class="query-result">
                        <thead><tr>{r.columns.iter().map(|c| view! { <th>{c.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>{r.first_rows(QUERY_ROWS_SHOWN).into_iter().map(|row| view! {
                            <tr>{row.into_iter().map(|v| view! { <td class="mono">{v}</td> }).collect_view()}</tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }
        }))}
    }
}
