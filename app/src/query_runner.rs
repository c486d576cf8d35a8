//! The page's side of the query box's queries: each goes to the query worker
//! (`crate::query_worker`), with the workspace shipped first when it changed since the last
//! query; Cancel terminates the worker (a fresh one takes the next query). The page keeps one
//! page of rows of the last result; the worker keeps the whole of it.

use std::cell::RefCell;

use js_sys::Array;
use leptos::prelude::*;
use web_sys::MessageEvent;

use crate::i18n::{t, tf};
use crate::query_worker::{self, QueryReply};
use crate::runner::WorkerPort;
use crate::state::{Notice, Studio};
use crate::worker::Handover;

/// What the query box shows.
#[derive(Clone, Debug, PartialEq)]
pub enum QueryState {
    Idle,
    Running {
        id: u32,
        /// `performance.now()` when the query was sent.
        started: f64,
    },
    Done(QueryPage),
    Failed {
        message: String,
        elapsed_ms: f64,
    },
    Cancelled {
        elapsed_ms: f64,
    },
}

/// One page of a result and its whole count.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryPage {
    pub id: u32,
    pub columns: Vec<String>,
    pub total: usize,
    /// The row number (from 0) of `rows[0]`.
    pub start: usize,
    pub rows: Vec<Vec<String>>,
    pub elapsed_ms: f64,
}

#[derive(Default)]
struct QueryWorker {
    port: WorkerPort,
    /// The worker holds the workspace as it is now.
    shipped: bool,
    /// The page's workspace as the run worker returned it, ready to pass on as it is.
    kept: Option<Handover>,
    /// `kept` arrived just before the workspace change it describes: that change keeps it.
    kept_is_next: bool,
    last_id: u32,
    state: Option<RwSignal<QueryState>>,
}

thread_local! {
    static QUERIES: RefCell<QueryWorker> = RefCell::new(QueryWorker::default());
}

pub fn now_ms() -> f64 {
    window()
        .performance()
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// Where the query box's state lives: replies land there.
pub fn connect(state: RwSignal<QueryState>) {
    QUERIES.with_borrow_mut(|q| q.state = Some(state));
}

/// The workspace changed: the next query ships it again.
pub fn workspace_changed() {
    QUERIES.with_borrow_mut(|q| {
        q.shipped = false;
        if !std::mem::take(&mut q.kept_is_next) {
            q.kept = None;
        }
    });
}

/// Nothing is known of the workspace the worker holds: the next query ships it anew.
pub fn forget_workspace() {
    QUERIES.with_borrow_mut(|q| {
        q.shipped = false;
        q.kept = None;
        q.kept_is_next = false;
    });
}

/// The run worker's result, which the page is about to make its workspace: the next query
/// ships these buffers instead of serialising the workspace again on the main thread.
pub fn keep_handover(handover: Handover) {
    QUERIES.with_borrow_mut(|q| {
        q.kept = Some(handover);
        q.kept_is_next = true;
    });
}

/// Runs `sql` in the worker over the workspace as it is now.
pub fn run(studio: Studio, sql: &str) {
    let id = QUERIES.with_borrow_mut(|q| {
        q.last_id += 1;
        q.last_id
    });
    set_state(QueryState::Running { id, started: now_ms() });
    if !ensure_worker(studio) {
        set_state(QueryState::Failed {
            message: t("This browser cannot start the query worker (no Web Workers).").into(),
            elapsed_ms: 0.0,
        });
        return;
    }
    if !QUERIES.with_borrow(|q| q.shipped) {
        let load = match QUERIES.with_borrow_mut(|q| q.kept.take()) {
            Some(kept) => query_worker::load_message_from(kept),
            None => studio.workspace.with_untracked(query_worker::load_message),
        };
        send(load);
        QUERIES.with_borrow_mut(|q| q.shipped = true);
    }
    send((query_worker::query_message(id, sql), Array::new()));
}

/// Stops the query in flight: its worker is terminated, nothing of it is kept.
pub fn cancel() {
    let started = QUERIES.with_borrow(|q| q.state.map(|s| s.get_untracked()));
    if let Some(QueryState::Running { started, .. }) = started {
        reset();
        set_state(QueryState::Cancelled {
            elapsed_ms: now_ms() - started,
        });
    }
}

/// Asks for the page of result `id` starting at row `start`.
pub fn page(id: u32, start: usize) {
    send((query_worker::page_message(id, start), Array::new()));
}

/// Asks for the whole of result `id` as CSV; it downloads when it arrives.
pub fn csv(id: u32) {
    send((query_worker::csv_message(id), Array::new()));
}

fn set_state(state: QueryState) {
    if let Some(signal) = QUERIES.with_borrow(|q| q.state) {
        signal.set(state);
    }
}

fn reset() {
    QUERIES.with_borrow_mut(|q| {
        q.port.stop();
        let (last_id, state) = (q.last_id, q.state);
        *q = QueryWorker {
            last_id,
            state,
            ..QueryWorker::default()
        };
    });
}

fn send(message: (Array, Array)) {
    QUERIES.with_borrow_mut(|q| q.port.send(message));
}

fn ensure_worker(studio: Studio) -> bool {
    QUERIES.with_borrow_mut(|q| {
        q.port.is_started()
            || q.port.start(
                "serveQueries",
                move |event: MessageEvent| {
                    if let Some(reply) = QueryReply::parse(&event.data()) {
                        receive(studio, reply);
                    }
                },
                move |event: web_sys::ErrorEvent| {
                    event.prevent_default();
                    // The worker is gone (out of memory, or it did not load): the next query starts afresh.
                    reset();
                    let running = QUERIES.with_borrow(|q| q.state.map(|s| s.get_untracked()));
                    if let Some(QueryState::Running { started, .. }) = running {
                        set_state(QueryState::Failed {
                            message: tf(
                                "The query worker failed ({reason}); the query was stopped.",
                                &[("reason", &event.message())],
                            ),
                            elapsed_ms: now_ms() - started,
                        });
                    }
                },
            )
    })
}

fn receive(studio: Studio, reply: QueryReply) {
    let current = QUERIES.with_borrow(|q| q.state.map(|s| s.get_untracked()));
    let Some(current) = current else { return };
    match reply {
        QueryReply::Ready => QUERIES.with_borrow_mut(|q| q.port.ready()),
        QueryReply::Result {
            id,
            total,
            columns,
            rows,
        } => {
            if let QueryState::Running { id: running, started } = current {
                if running == id {
                    set_state(QueryState::Done(QueryPage {
                        id,
                        columns,
                        total,
                        start: 0,
                        rows,
                        elapsed_ms: now_ms() - started,
                    }));
                }
            }
        }
        QueryReply::Page { id, start, rows } => {
            if let QueryState::Done(page) = current {
                if page.id == id {
                    set_state(QueryState::Done(QueryPage { start, rows, ..page }));
                }
            }
        }
        QueryReply::Csv { text, .. } => {
            if let Err(e) = crate::share::download("query-result.csv", "text/csv", text.as_bytes()) {
                studio.notice.set(Some(Notice::Error(e)));
            }
        }
        QueryReply::Failed { id, message } => match (current, query_worker::worded(message)) {
            // 0: the workspace did not load, which fails the query waiting behind it.
            (QueryState::Running { id: running, started }, message) if running == id || id == 0 => {
                if id == 0 {
                    workspace_changed();
                }
                set_state(QueryState::Failed {
                    message,
                    elapsed_ms: now_ms() - started,
                });
            }
            (_, message) => studio.notice.set(Some(Notice::Error(message))),
        },
    }
}
