//! The query worker: a second Web Worker on the page's own module (started as the job-run
//! worker is, `crate::runner`), running the query box's queries off the page's main thread and
//! holding the last result, so the page only ever holds one page of rows. Cancel terminates it.
//!
//! The protocol, every message a JS array:
//! - page → worker: `["load", document, bodies]`, the workspace (as `crate::worker` ships it,
//!   sent again only after it changed); `["query", id, sql]`; `["page", id, start]`, rows
//!   `start..start + PAGE_ROWS` of result `id`; `["csv", id]`, the whole result as CSV.
//! - worker → page: `["ready"]`; `["result", id, total_rows, columns, rows]` with the first
//!   page; `["page", id, start, rows]`; `["csv", id, text]`; `["failed", id, message]`.

use std::cell::RefCell;

use gluelab_core::query::QueryResult;
use gluelab_core::{snapshot, Workspace};
use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::i18n::{t, tf};
use crate::worker::{to_js, Handover};

/// Rows in a page of a result: enough to read, few enough that the page stays light.
pub const PAGE_ROWS: usize = 200;

/// The worker's own failures, in English: the worker has no catalog (the page loads it), so
/// the page words them ([`worded`]). Anything else a failure says is the query engine's error,
/// shown as it prints it.
const NO_WORKSPACE: &str = "the query worker has no workspace";
const NOT_HELD: &str = "that result is no longer held; run the query again";
const LOAD_FAILED: &str = "the workspace did not reach the query worker: ";

/// A failure from the worker in the page's language (on the page).
pub fn worded(message: String) -> String {
    if message == NO_WORKSPACE {
        return t("the query worker has no workspace").to_string();
    }
    if message == NOT_HELD {
        return t("that result is no longer held; run the query again").to_string();
    }
    match message.strip_prefix(LOAD_FAILED) {
        Some(error) => tf(
            "the workspace did not reach the query worker: {error}",
            &[("error", &error)],
        ),
        None => message,
    }
}

thread_local! {
    static WORKSPACE: RefCell<Option<Workspace>> = const { RefCell::new(None) };
    static RESULT: RefCell<Option<(u32, QueryResult)>> = const { RefCell::new(None) };
}

/// The worker's entry point (see `crate::runner`'s bootstrap): answers queries until the page
/// terminates it.
#[wasm_bindgen(js_name = serveQueries)]
pub fn serve() {
    crate::worker::listen(|replies, message| {
        if let Some(reply) = answer(&message) {
            replies.post_message(&reply).expect("the page listens");
        }
    });
}

fn answer(message: &Array) -> Option<Array> {
    let kind = message.get(0).as_string()?;
    let id = message.get(1).as_f64().unwrap_or(0.0) as u32;
    let failed = |message: String| Array::of3(&"failed".into(), &id.into(), &message.into());
    match kind.as_str() {
        "load" => {
            let (document, bodies) = Handover::from_js(&message.get(1), &message.get(2)).to_vecs();
            RESULT.set(None);
            match snapshot::load_handover(&document, bodies) {
                Ok(workspace) => WORKSPACE.set(Some(workspace)),
                Err(e) => {
                    WORKSPACE.set(None);
                    return Some(failed(format!("{LOAD_FAILED}{e}")));
                }
            }
            None
        }
        "query" => {
            let sql = message.get(2).as_string().unwrap_or_default();
            RESULT.set(None);
            let answer = WORKSPACE.with_borrow(|ws| match ws {
                Some(ws) => ws.query(&sql, None).map_err(|e| e.to_string()),
                None => Err(NO_WORKSPACE.to_string()),
            });
            Some(match answer {
                Ok(result) => {
                    let reply = Array::of3(&"result".into(), &id.into(), &(result.num_rows() as f64).into());
                    reply.push(&result.columns.iter().map(|c| JsValue::from_str(c)).collect::<Array>());
                    reply.push(&rows_to_js(result.rows_from(0, PAGE_ROWS)));
                    RESULT.set(Some((id, result)));
                    reply
                }
                Err(message) => failed(message),
            })
        }
        "page" | "csv" => RESULT.with_borrow(|held| {
            let Some((_, result)) = held.as_ref().filter(|(held, _)| *held == id) else {
                return Some(failed(NOT_HELD.into()));
            };
            Some(if kind == "page" {
                let start = message.get(2).as_f64().unwrap_or(0.0) as usize;
                let reply = Array::of3(&"page".into(), &id.into(), &(start as f64).into());
                reply.push(&rows_to_js(result.rows_from(start, PAGE_ROWS)));
                reply
            } else {
                Array::of3(&"csv".into(), &id.into(), &Workspace::query_result_csv(result).into())
            })
        }),
        _ => None,
    }
}

fn rows_to_js(rows: Vec<Vec<String>>) -> Array {
    rows.into_iter()
        .map(|row| row.into_iter().map(JsValue::from).collect::<Array>())
        .collect()
}

fn rows_from_js(rows: &JsValue) -> Vec<Vec<String>> {
    Array::from(rows)
        .iter()
        .map(|row| {
            Array::from(&row)
                .iter()
                .map(|v| v.as_string().unwrap_or_default())
                .collect()
        })
        .collect()
}

/// A message from the query worker, as the page reads it.
pub enum QueryReply {
    Ready,
    Result {
        id: u32,
        total: usize,
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Page {
        id: u32,
        start: usize,
        rows: Vec<Vec<String>>,
    },
    Csv {
        id: u32,
        text: String,
    },
    Failed {
        id: u32,
        message: String,
    },
}

impl QueryReply {
    pub fn parse(data: &JsValue) -> Option<Self> {
        let message = Array::from(data);
        let id = message.get(1).as_f64().unwrap_or(0.0) as u32;
        let number = |i: u32| message.get(i).as_f64().unwrap_or(0.0) as usize;
        Some(match message.get(0).as_string()?.as_str() {
            "ready" => QueryReply::Ready,
            "result" => QueryReply::Result {
                id,
                total: number(2),
                columns: Array::from(&message.get(3))
                    .iter()
                    .map(|c| c.as_string().unwrap_or_default())
                    .collect(),
                rows: rows_from_js(&message.get(4)),
            },
            "page" => QueryReply::Page {
                id,
                start: number(2),
                rows: rows_from_js(&message.get(3)),
            },
            "csv" => QueryReply::Csv {
                id,
                text: message.get(2).as_string().unwrap_or_default(),
            },
            "failed" => QueryReply::Failed {
                id,
                message: message.get(2).as_string().unwrap_or_default(),
            },
            _ => return None,
        })
    }
}

/// The page's messages: the workspace (with its transfer list), a query, a page, the CSV.
pub fn load_message(workspace: &Workspace) -> (Array, Array) {
    to_js("load", None, workspace)
}

/// The same, from a workspace already split for a hand-over.
pub fn load_message_from(handover: Handover) -> (Array, Array) {
    handover.into_message("load", None)
}

pub fn query_message(id: u32, sql: &str) -> Array {
    Array::of3(&"query".into(), &id.into(), &sql.into())
}

pub fn page_message(id: u32, start: usize) -> Array {
    Array::of3(&"page".into(), &id.into(), &(start as f64).into())
}

pub fn csv_message(id: u32) -> Array {
    Array::of2(&"csv".into(), &id.into())
}
