//! The Athena-style query box of the seed article: `SELECT ... FROM "db"."table"` over the
//! catalog, run in the query worker (`crate::query_runner`) so a large query never freezes the
//! page; paged, cancellable, timed, with a history kept in this browser.

use gloo_storage::Storage;
use gluelab_core::query::QueryHistory;
use leptos::prelude::*;

use crate::i18n::{t, tf};
use crate::query_runner::{self, QueryPage, QueryState};
use crate::query_worker::PAGE_ROWS;
use crate::state::use_studio;

/// Where the query history is kept (localStorage: small, and the same for every workspace).
const HISTORY_KEY: &str = "gluelab.query-history";

fn saved_history() -> QueryHistory {
    let text = gloo_storage::LocalStorage::raw().get_item(HISTORY_KEY).ok().flatten();
    text.map(|t| QueryHistory::from_json(&t)).unwrap_or_default()
}

/// `850 ms`, `1.2 s`.
fn elapsed(ms: f64) -> String {
    if ms < 1000.0 {
        tf("{ms} ms", &[("ms", &format!("{ms:.0}"))])
    } else {
        tf("{s} s", &[("s", &format!("{:.1}", ms / 1000.0))])
    }
}

#[component]
pub fn QueryBox() -> impl IntoView {
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
    // The worker is sent the workspace again only after it changed; what changed while this box
    // was not on the page is unknown, so its first run forgets what the worker holds.
    Effect::new(move |seen: Option<()>| {
        studio.workspace.track();
        match seen {
            Some(()) => query_runner::workspace_changed(),
            None => query_runner::forget_workspace(),
        }
    });
    let state = RwSignal::new(QueryState::Idle);
    query_runner::connect(state);
    let history = RwSignal::new(saved_history());
    // While a query runs, the elapsed time counts up.
    let now = RwSignal::new(0.0);
    let ticking = StoredValue::new(None::<IntervalHandle>);
    Effect::new(move |_| {
        let running = matches!(state.get(), QueryState::Running { .. });
        if let Some(handle) = ticking.get_value() {
            handle.clear();
            ticking.set_value(None);
        }
        if running {
            now.set(query_runner::now_ms());
            let handle = set_interval_with_handle(
                move || now.set(query_runner::now_ms()),
                std::time::Duration::from_millis(100),
            );
            ticking.set_value(handle.ok());
        }
    });
    let run_query = move || {
        let text = sql.get_untracked();
        // A new query replaces one still running.
        query_runner::cancel();
        query_runner::run(studio, &text);
        history.update(|h| h.record(&text));
        let _ = gloo_storage::LocalStorage::raw().set_item(HISTORY_KEY, &history.with_untracked(QueryHistory::to_json));
    };
    // Ctrl+Enter (Cmd+Enter on a Mac) runs the query from the box, as in Athena's console.
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            run_query();
        }
    };
    let running = move || match state.get() {
        QueryState::Running { started, .. } => Some(started),
        _ => None,
    };
    view! {
        <h3>{t("Query (Athena)")}</h3>
        <textarea class="sql mono" id="sql" rows="2" translate="no" aria-label=t("SQL query") aria-keyshortcuts="Control+Enter Meta+Enter"
            prop:value=move || sql.get() on:input:target=move |ev| sql.set(ev.target().value()) on:keydown=on_key></textarea>
        <div class="query-meta">
            <button class="btn secondary" id="run-query" on:click=move |_| run_query() title=t("Run the query (Ctrl+Enter)")>{t("Run query")}</button>
            {move || running().map(|started| view! {
                <button class="btn secondary small" id="cancel-query" on:click=move |_| query_runner::cancel()>{t("Cancel")}</button>
                <span class="hint" id="query-running" role="status">
                    {move || tf("Running… {elapsed}", &[("elapsed", &elapsed((now.get() - started).max(0.0)))])}
                </span>
            })}
        </div>
        {move || history.with(|h| (!h.entries().is_empty()).then(|| {
            let entries = h.entries().to_vec();
            view! {
                <details class="query-history">
                    <summary>{tf("History ({count})", &[("count", &entries.len())])}</summary>
                    <ol id="query-history">{entries.into_iter().map(|q| {
                        let chosen = q.clone();
                        view! { <li><button class="link mono" translate="no" title=t("Put this query back in the box")
                            on:click=move |_| sql.set(chosen.clone())>{q}</button></li> }
                    }).collect_view()}</ol>
                </details>
            }
        }))}
        {move || match state.get() {
            QueryState::Idle | QueryState::Running { .. } => ().into_any(),
            QueryState::Cancelled { elapsed_ms } => view! {
                <p class="hint" id="query-cancelled">{tf("Cancelled after {elapsed}.", &[("elapsed", &elapsed(elapsed_ms))])}</p>
            }.into_any(),
            QueryState::Failed { message, elapsed_ms } => view! {
                <p class="run-error" id="query-error">{message}</p>
                <p class="hint" id="query-elapsed">{tf("Failed after {elapsed}", &[("elapsed", &elapsed(elapsed_ms))])}</p>
            }.into_any(),
            QueryState::Done(page) => view! { <ResultPage page/> }.into_any(),
        }}
    }
}

/// One page of a result: its count, elapsed time, paging, CSV download and rows.
#[component]
fn ResultPage(page: QueryPage) -> impl IntoView {
    let QueryPage {
        id,
        columns,
        total,
        start,
        rows,
        elapsed_ms,
    } = page;
    let end = start + rows.len();
    let count = if total > PAGE_ROWS {
        tf(
            "{total} rows · rows {first}–{last} shown",
            &[("total", &total), ("first", &(start + 1)), ("last", &end)],
        )
    } else {
        tf("{total} rows", &[("total", &total)])
    };
    let paged = total > PAGE_ROWS;
    let (first, last) = (start == 0, end >= total);
    view! {
        <div class="query-meta">
            <p class="hint" id="query-count">{count}</p>
            <span class="hint" id="query-elapsed">{tf("in {elapsed}", &[("elapsed", &elapsed(elapsed_ms))])}</span>
            {paged.then(|| view! {
                <button class="btn secondary small" id="query-prev" disabled=first
                    on:click=move |_| query_runner::page(id, start.saturating_sub(PAGE_ROWS))>{t("Previous")}</button>
                <button class="btn secondary small" id="query-next" disabled=last
                    on:click=move |_| query_runner::page(id, end)>{t("Next")}</button>
            })}
            <button class="btn secondary small" id="query-csv" on:click=move |_| query_runner::csv(id)
                title=t("The whole result as CSV, as Athena's Download results gives it")>{t("Download CSV")}</button>
        </div>
        <table class="query-result">
            <thead><tr>{columns.into_iter().map(|c| view! { <th translate="no">{c}</th> }).collect_view()}</tr></thead>
            <tbody>{rows.into_iter().map(|row| view! {
                <tr>{row.into_iter().map(|v| view! { <td class="mono" translate="no">{v}</td> }).collect_view()}</tr>
            }).collect_view()}</tbody>
        </table>
    }
}
