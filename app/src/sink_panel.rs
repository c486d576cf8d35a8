//! The sink table: every row with the run that wrote it, its source line, duplicates flagged;
//! and the Athena-style query box of the seed article (`crate::query_box`).

use std::collections::BTreeMap;

use gluelab_core::model::lineage::SinkRow;
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
            <crate::query_box::QueryBox/>
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
