//! The preview worker: a Web Worker on the page's own module (started as the job-run worker
//! is, `crate::runner`) that reads previews of users' files, so a reader that still crashes on
//! some file stops the worker, never the page: the S3 browser's object previews (sent only what
//! one reads, `Workspace::preview_workspace`: the object and the table over it) and the job
//! editor's step previews (sent the whole workspace: a step may read any table), and "Make a
//! table from this file", whose crawl reads the file (the page then adds the table it made).
//!
//! The protocol, every message a JS array:
//! - page → worker: `["object", id, uri, rows, document, bodies]`;
//!   `["steps", id, draft, rows, document, bodies]` (the draft as JSON);
//!   `["crawl", id, uri, database, document, bodies]`; `["panic"]` (the e2e tests).
//! - worker → page: `["ready"]`; `[kind, id, reply]`, the reply as JSON: a [`PreviewReply`] for
//!   an object, the step previews or the error for a draft, the table or the error for a crawl.
//!
//! A worker that stops (a panic aborts it, or it runs out of memory) answers every preview in
//! flight with the reason; the next preview starts a fresh one.

use std::cell::RefCell;
use std::collections::BTreeMap;

use gluelab_core::format::encoding::Encoding;
use gluelab_core::model::catalog::Table;
use gluelab_core::model::job::JobDefinition;
use gluelab_core::model::store::S3Uri;
use gluelab_core::views::browse::ObjectPreview;
use gluelab_core::views::StepPreview;
use gluelab_core::{snapshot, Workspace};
use js_sys::Array;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::MessageEvent;

use crate::i18n::{t, tf};
use crate::runner::WorkerPort;
use crate::worker::{to_js, Handover};

/// The worker's own failures start so, in English: the worker has no catalog (the page loads
/// it), so the page words them ([`worded`]). Anything else is a reader's error, as it prints it.
const WORKSPACE_LOST: &str = "the workspace did not reach the preview worker: ";
const DRAFT_LOST: &str = "the draft did not reach the preview worker: ";

/// A failure from the worker in the page's language (on the page).
fn worded(message: String) -> String {
    if let Some(error) = message.strip_prefix(WORKSPACE_LOST) {
        return tf(
            "the workspace did not reach the preview worker: {error}",
            &[("error", &error)],
        );
    }
    match message.strip_prefix(DRAFT_LOST) {
        Some(error) => tf(
            "the draft did not reach the preview worker: {error}",
            &[("error", &error)],
        ),
        None => message,
    }
}

/// What the worker found for one object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewReply {
    /// The first rows, or why there is no preview.
    pub preview: Result<ObjectPreview, String>,
    /// The encoding the bytes look like, when a table could read them as it.
    pub suggested: Option<Encoding>,
}

/// The worker's entry point (see `crate::runner`'s bootstrap): answers previews until the
/// page terminates it.
#[wasm_bindgen(js_name = servePreviews)]
pub fn serve() {
    crate::worker::listen(|replies, message| {
        let kind = message.get(0).as_string().unwrap_or_default();
        let answer = match kind.as_str() {
            "object" => answer_object(&message),
            "steps" => answer_steps(&message),
            "crawl" => answer_crawl(&message),
            "panic" => panic!("debugPanicPreviews: a panic in the preview worker, asked for"),
            _ => return,
        };
        let reply = Array::of3(&kind.into(), &message.get(1), &answer.into());
        replies.post_message(&reply).expect("the page listens");
    });
}

/// The workspace a message carries at `at` (document) and `at + 1` (bodies).
fn workspace_at(message: &Array, at: u32) -> Result<Workspace, String> {
    let (document, bodies) = Handover::from_js(&message.get(at), &message.get(at + 1)).to_vecs();
    snapshot::load_handover(&document, bodies).map_err(|e| format!("{WORKSPACE_LOST}{e}"))
}

/// The JSON of the [`PreviewReply`] for `["object", id, uri, rows, document, bodies]`.
fn answer_object(message: &Array) -> String {
    let uri = S3Uri::parse(&message.get(2).as_string().unwrap_or_default()).map_err(|e| e.to_string());
    let rows = message.get(3).as_f64().unwrap_or(0.0) as usize;
    let reply = match (workspace_at(message, 4), uri) {
        (Ok(part), Ok(uri)) => PreviewReply {
            preview: part.preview_object(&uri, rows).map_err(|e| e.to_string()),
            suggested: part.suggested_encoding(&uri),
        },
        (Err(e), _) | (_, Err(e)) => PreviewReply {
            preview: Err(e),
            suggested: None,
        },
    };
    serde_json::to_string(&reply).expect("a preview is plain data")
}

/// The JSON of the step previews (or the error) for `["steps", id, draft, rows, document, bodies]`.
fn answer_steps(message: &Array) -> String {
    let draft = serde_json::from_str::<JobDefinition>(&message.get(2).as_string().unwrap_or_default())
        .map_err(|e| format!("{DRAFT_LOST}{e}"));
    let rows = message.get(3).as_f64().unwrap_or(0.0) as usize;
    let reply: StepsReply = match (workspace_at(message, 4), draft) {
        (Ok(ws), Ok(draft)) => ws.preview_draft_steps(&draft, rows).map_err(|e| e.to_string()),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    serde_json::to_string(&reply).expect("a preview is plain data")
}

/// The JSON of the table a crawler makes (or the error) for
/// `["crawl", id, uri, database, document, bodies]`.
fn answer_crawl(message: &Array) -> String {
    let uri = S3Uri::parse(&message.get(2).as_string().unwrap_or_default()).map_err(|e| e.to_string());
    let database = message.get(3).as_string().unwrap_or_default();
    let reply: CrawlReply = match (workspace_at(message, 4), uri) {
        (Ok(part), Ok(uri)) => part.crawl_object(&uri, Some(&database)).map_err(|e| e.to_string()),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    serde_json::to_string(&reply).expect("a table is plain data")
}

/// The table a crawler made of a file, or why it made none.
pub type CrawlReply = Result<Table, String>;

/// The job editor's step previews of a draft, or why there are none.
pub type StepsReply = Result<Vec<StepPreview>, String>;

/// What to do with a reply's JSON, or with why none came (the worker stopped).
type Done = Box<dyn FnOnce(Result<String, String>)>;

#[derive(Default)]
struct PreviewWorker {
    port: WorkerPort,
    /// What to do with each reply still to come, by request id.
    pending: BTreeMap<u32, Done>,
    last_id: u32,
    /// `debugPanicPreviews`: the worker panics just before the next request.
    crash_next: bool,
}

thread_local! {
    static PREVIEWS: RefCell<PreviewWorker> = RefCell::new(PreviewWorker::default());
}

/// Asks the worker for the first `rows` rows of `uri` as `workspace` holds it; `done` gets
/// the reply, or why there is none (also when the worker stopped on the way).
pub fn request_object(workspace: &Workspace, uri: &S3Uri, rows: usize, done: impl FnOnce(PreviewReply) + 'static) {
    let failed = |message: String| PreviewReply {
        preview: Err(message),
        suggested: None,
    };
    let part = match workspace.preview_workspace(uri) {
        Ok(part) => part,
        Err(e) => return done(failed(e.to_string())),
    };
    let head = [uri.to_string().into(), (rows as f64).into()];
    request("object", &head, &part, move |reply| {
        let reply = match reply {
            Ok(json) => serde_json::from_str(&json)
                .unwrap_or_else(|e| failed(tf("an unreadable preview: {error}", &[("error", &e)]))),
            Err(stopped) => failed(stopped),
        };
        done(PreviewReply {
            preview: reply.preview.map_err(worded),
            ..reply
        })
    });
}

/// Asks the worker for the step previews of `draft` (`rows` rows each) over `workspace`.
pub fn request_steps(
    workspace: &Workspace,
    draft: &JobDefinition,
    rows: usize,
    done: impl FnOnce(StepsReply) + 'static,
) {
    let draft = serde_json::to_string(draft).expect("a job is plain data");
    let head = [draft.into(), (rows as f64).into()];
    request("steps", &head, workspace, move |reply| {
        done(
            reply
                .and_then(|json| {
                    serde_json::from_str(&json).map_err(|e| tf("an unreadable preview: {error}", &[("error", &e)]))?
                })
                .map_err(worded),
        )
    });
}

/// Asks the worker to crawl `uri` as `workspace` holds it (`Workspace::crawl_object`, a new
/// table going into the database the page would pick); `done` gets the table to add.
pub fn request_crawl(workspace: &Workspace, uri: &S3Uri, done: impl FnOnce(CrawlReply) + 'static) {
    let part = match workspace.preview_workspace(uri) {
        Ok(part) => part,
        Err(e) => return done(Err(e.to_string())),
    };
    let head = [uri.to_string().into(), workspace.database_for_new_table(None).into()];
    request("crawl", &head, &part, move |reply| {
        done(
            reply
                .and_then(|json| {
                    serde_json::from_str(&json).map_err(|e| tf("an unreadable table: {error}", &[("error", &e)]))?
                })
                .map_err(worded),
        )
    });
}

/// Sends `[kind, id, head..., document, bodies]` and files `done` under the id.
fn request(kind: &str, head: &[JsValue], workspace: &Workspace, done: impl FnOnce(Result<String, String>) + 'static) {
    if !ensure_worker() {
        return done(Err(
            t("This browser cannot start the preview worker (no Web Workers).").into()
        ));
    }
    let id = PREVIEWS.with_borrow_mut(|p| {
        p.last_id += 1;
        p.pending.insert(p.last_id, Box::new(done));
        p.last_id
    });
    if PREVIEWS.with_borrow_mut(|p| std::mem::take(&mut p.crash_next)) {
        send((Array::of1(&"panic".into()), Array::new()));
    }
    let (handover, transfer) = to_js(kind, None, workspace);
    let message = Array::of2(&kind.into(), &id.into());
    for value in head {
        message.push(value);
    }
    message.push(&handover.get(1));
    message.push(&handover.get(2));
    send((message, transfer));
}

/// Makes the preview worker panic while it reads the next preview asked for, as a reader that
/// crashes on a file would: for the e2e tests and for trying it from the console
/// (`wasmBindings.debugPanicPreviews()`).
#[wasm_bindgen(js_name = debugPanicPreviews)]
pub fn debug_panic_previews() {
    PREVIEWS.with_borrow_mut(|p| p.crash_next = true);
}

fn send(message: (Array, Array)) {
    PREVIEWS.with_borrow_mut(|p| p.port.send(message));
}

fn ensure_worker() -> bool {
    PREVIEWS.with_borrow_mut(|p| {
        p.port.is_started()
            || p.port.start(
                "servePreviews",
                |event: MessageEvent| receive(&event.data()),
                |event: web_sys::ErrorEvent| {
                    event.prevent_default();
                    stopped(&event.message());
                },
            )
    })
}

fn receive(data: &JsValue) {
    let message = Array::from(data);
    match message.get(0).as_string().as_deref() {
        Some("ready") => PREVIEWS.with_borrow_mut(|p| p.port.ready()),
        Some(_) => {
            let id = message.get(1).as_f64().unwrap_or(0.0) as u32;
            let json = message.get(2).as_string().unwrap_or_default();
            let done = PREVIEWS.with_borrow_mut(|p| p.pending.remove(&id));
            if let Some(done) = done {
                done(Ok(json));
            }
        }
        None => {}
    }
}

/// The worker is gone: every preview in flight is told why, and the next starts a new worker.
fn stopped(reason: &str) {
    let pending = PREVIEWS.with_borrow_mut(|p| {
        p.port.stop();
        std::mem::take(&mut p.pending)
    });
    for (_, done) in pending {
        done(Err(tf(
            "The preview's reader stopped ({reason}). The page and the workspace are unharmed; \
             preview again to retry.",
            &[("reason", &reason)],
        )));
    }
}
