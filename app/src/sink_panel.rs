//! The sink table: every row with the run that wrote it, its source line, duplicates flagged;
//! and the Athena-style query box of the seed article (`crate::query_box`).

use std::collections::BTreeMap;

use gluelab_core::model::lineage::SinkRow;
use gluelab_core::views::browse::human_size;
use gluelab_core::views::short_run_id;
use gluelab_core::Workspace;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{t, tf};
use crate::state::use_studio;

/// The table shows this many rows; the summary counts them all.
const SHOWN_ROWS: usize = 500;
/// Sinks larger than this are not listed (a large run writes millions of rows).
const LIST_LIMIT_BYTES: u64 = 32 * 1024 * 1024;

/// The sink the panel lists: the one chosen, or the first when the job has fewer sinks.
pub fn chosen_sink(ws: &Workspace, job: &str, chosen: usize) -> usize {
    let count = ws.job(job).map(|j| j.plan.sinks.len()).unwrap_or(0);
    if chosen < count {
        chosen
    } else {
        0
    }
}

/// A sink's rows and, among them, duplicates; `None` when it is too large to list here.
pub fn sink_counts(ws: &Workspace, job: &str, index: usize) -> Option<(usize, usize)> {
    if ws.job_sink_bytes_at(job, index) > LIST_LIMIT_BYTES {
        return None;
    }
    let (_, rows) = ws.job_sink_rows_at(job, index).ok()?;
    Some((rows.len(), duplicates_among(&rows)))
}

fn duplicates_among(rows: &[SinkRow]) -> usize {
    rows.iter().filter(|r| r.duplicate_of.is_some()).count()
}

#[component]
pub fn SinkPanel() -> impl IntoView {
    let studio = use_studio();
    // Another job: its first sink.
    Effect::new(move |before: Option<Option<String>>| {
        let job = studio.job_name();
        if before.is_some_and(|b| b != job) {
            studio.selected_sink.set(0);
        }
        job
    });
    let index = move || {
        let job = studio.job_name().unwrap_or_default();
        let chosen = studio.selected_sink.get();
        studio.workspace.with(|ws| chosen_sink(ws, &job, chosen))
    };
    // One button per sink when the job has several: its table (or path), and the collection
    // table of a Relationalize it writes.
    let tabs = move || {
        let job = studio.job_name()?;
        studio.workspace.with(|ws| {
            let sinks = &ws.job(&job).ok()?.plan.sinks;
            (sinks.len() > 1).then(|| {
                sinks
                    .iter()
                    .map(|s| {
                        let table = s
                            .collection_key
                            .as_ref()
                            .map(|k| tf(" (collection table {key})", &[("key", k)]));
                        format!("{}{}", s.output.label(), table.unwrap_or_default())
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    // Read once per change of the workspace: the summary and the table share it.
    let sink = Memo::new(move |_| {
        let job = studio.job_name()?;
        let index = index();
        studio.workspace.with(|ws| {
            // Listing rows parses every part file on this thread: not for a large sink.
            let bytes = ws.job_sink_bytes_at(&job, index);
            if bytes > LIST_LIMIT_BYTES {
                return Some(Err(bytes));
            }
            ws.job_sink_rows_at(&job, index).ok().map(Ok)
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
    let label = move |uri: &str| {
        let job = studio.job_name().unwrap_or_default();
        studio.workspace.with_untracked(|ws| ws.object_label(&job, uri))
    };
    let duplicates = move || {
        sink().map_or((0, 0), |(_, rows)| {
            let new_keys = rows
                .iter()
                .filter(|r| r.duplicate_of.is_some() && r.under_new_key)
                .count();
            (duplicates_among(&rows), new_keys)
        })
    };
    view! {
        <section class="panel" aria-labelledby="sink-title">
            <h2 id="sink-title">{t("Sink")}</h2>
            {move || tabs().map(|labels| view! {
                <div class="sink-tabs" role="group" aria-label=t("Which sink to list")>
                    {labels.into_iter().enumerate().map(|(i, label)| {
                        let title = label.clone();
                        view! {
                            <button class="sink-tab" id=format!("sink-tab-{i}") aria-pressed=move || (index() == i).to_string()
                                title=title on:click=move |_| studio.selected_sink.set(i)>{label}</button>
                        }
                    }).collect_view()}
                </div>
            })}
            <p class="hint" id="sink-summary">{move || {
                if let Some(bytes) = too_large() {
                    return tf(
                        "The sink holds {size}: too large to list here (listing it parses every part on the page's thread); query it below.",
                        &[("size", &human_size(bytes))],
                    );
                }
                let rows = sink().map(|(_, r)| r.len()).unwrap_or(0);
                let shown = if rows > SHOWN_ROWS {
                    tf(" · the first {shown} shown", &[("shown", &SHOWN_ROWS)])
                } else {
                    String::new()
                };
                let (duplicates, new_keys) = duplicates();
                let counts = if new_keys > 0 {
                    tf(
                        "{rows} rows · {duplicates} duplicates, {new_keys} of them under new keys (same source line written again)",
                        &[("rows", &rows), ("duplicates", &duplicates), ("new_keys", &new_keys)],
                    )
                } else {
                    tf(
                        "{rows} rows · {duplicates} duplicates (same source line written again)",
                        &[("rows", &rows), ("duplicates", &duplicates)],
                    )
                };
                format!("{counts}{shown}")
            }}</p>
            {move || sink().map(|(columns, rows)| view! {
                <table class="sink">
                    <thead>
                        <tr>
                            {columns.iter().map(|c| view! { <th translate="no">{c.clone()}</th> }).collect_view()}
                            <th>{t("written by")}</th><th>{t("from")}</th><th></th>
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
                            let origin = row.origin.as_ref().map(|o| format!("{}:{}", label(&o.source), o.line))
                                .unwrap_or_else(|| "?".into());
                            let (run, source) = (row.written_by.clone(), row.origin.as_ref().map(|o| o.source.clone()));
                            let source_uri = source.clone();
                            let picked = move || {
                                studio.selected_object.with(|o| o.is_some() && *o == source)
                                    && studio.selected_run.with(|r| *r == run)
                            };
                            let duplicate = row.duplicate_of.clone().map(|(part, i)| format!("{part}#{i}"));
                            let is_duplicate = duplicate.is_some();
                            view! {
                                <tr class=format!("sink-row {slot}") class:duplicate=is_duplicate
                                    class:picked=picked data-row=address>
                                    {row.values.iter().map(|v| view! { <td class="mono" translate="no">{v.clone()}</td> }).collect_view()}
                                    <td class="mono" translate="no">{row.written_by.as_deref().map(short_run_id).unwrap_or("?".into())}</td>
                                    <td class="mono" translate="no" title=source_uri>{origin}</td>
                                    <td>{duplicate.map(|first| {
                                        let (text, title) = if row.under_new_key {
                                            (t("duplicate · new key ↑"), t("The same source line written again under a new generated key: no key can find this copy. Click to see the first row."))
                                        } else {
                                            (t("duplicate ↑"), t("Duplicate: the same source line written again. Click to see the first row."))
                                        };
                                        view! {
                                            <button class="badge dup jump" class:new-key=row.under_new_key title=title
                                                on:click=move |_| show_row(&first)>{text}</button>
                                        }
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
