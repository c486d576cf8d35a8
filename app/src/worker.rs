//! The job-run worker: a Web Worker running the page's own wasm module (one download, one
//! compile; see `crate::runner`) that runs a job run's second half,
//! `Workspace::finish_job_run_observed`, off the page's main thread, so the page stays responsive
//! during a long run and a run can be stopped by terminating the worker.
//!
//! The protocol, every message a JS array:
//! - worker → page: `["ready"]` once it listens; `["progress", stage, objects_done,
//!   objects_total, bytes_done, bytes_total]` while a run goes; `["done", document, bodies]`
//!   with the workspace after the run, or `["failed", message]`.
//! - page → worker: `["run", run_id, document, bodies]`, the workspace with the run RUNNING.
//!
//! Workspaces travel as [`gluelab_core::snapshot::save_handover`] splits them: the document
//! without object bodies, and each body as its own transferred `ArrayBuffer` (no base64, no
//! JSON, no second MD5 pass on the way back).

use gluelab_core::engine::{ProgressStage, RunProgress};
use gluelab_core::{snapshot, Workspace};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Progress messages are sent at most this often (stage changes always go).
const PROGRESS_EVERY_MS: f64 = 50.0;

/// The worker's entry point, called by the worker's bootstrap script once the module is
/// instantiated there: listens for runs until the page terminates it.
#[wasm_bindgen(js_name = serveJobRuns)]
pub fn serve() {
    listen(|replies, message| {
        if message.get(0).as_string().as_deref() != Some("run") {
            return;
        }
        let run_id = message.get(1).as_string().unwrap_or_default();
        let (document, bodies) = Handover::from_js(&message.get(2), &message.get(3)).to_vecs();
        let reply = match run(replies, &run_id, &document, bodies) {
            Ok(workspace) => {
                let (reply, transfer) = to_js("done", None, &workspace);
                drop(workspace);
                replies.post_message_with_transfer(&reply, &transfer)
            }
            Err(message) => replies.post_message(&Array::of2(&"failed".into(), &message.into())),
        };
        reply.expect("the page listens");
    });
}

/// What every worker on the page's module does first (`serveJobRuns`, `serveQueries`,
/// `servePreviews`): the panic hook and the text decoder, then `handle` for each message the
/// page sends, and `["ready"]` once it listens (a wasm worker listens only once its module has
/// loaded; messages sent before are lost).
pub(crate) fn listen(handle: impl Fn(&DedicatedWorkerGlobalScope, Array) + 'static) {
    console_error_panic_hook::set_once();
    crate::text_decoder::install();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message =
        Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| handle(&replies, Array::from(&event.data())));
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    scope
        .post_message(&Array::of1(&"ready".into()))
        .expect("the page listens");
}

fn run(
    scope: &DedicatedWorkerGlobalScope,
    run_id: &str,
    document: &[u8],
    bodies: Vec<Vec<u8>>,
) -> Result<Workspace, String> {
    let mut workspace = snapshot::load_handover(document, bodies).map_err(|e| e.to_string())?;
    let mut last: Option<(ProgressStage, f64)> = None;
    let mut observer = |progress: &RunProgress| {
        let now = js_sys::Date::now();
        let due = match last {
            Some((stage, at)) => stage != progress.stage || now - at >= PROGRESS_EVERY_MS,
            None => true,
        };
        if due {
            last = Some((progress.stage, now));
            let _ = scope.post_message(&progress_message(progress));
        }
    };
    workspace
        .finish_job_run_observed(run_id, &mut observer)
        .map_err(|e| e.to_string())?;
    Ok(workspace)
}

fn progress_message(p: &RunProgress) -> Array {
    let message = Array::of2(&"progress".into(), &stage_name(p.stage).into());
    for n in [
        p.objects_done as f64,
        p.objects_total as f64,
        p.bytes_done as f64,
        p.bytes_total as f64,
    ] {
        message.push(&n.into());
    }
    message
}

fn stage_name(stage: ProgressStage) -> &'static str {
    match stage {
        ProgressStage::Selecting => "Selecting",
        ProgressStage::Reading => "Reading",
        ProgressStage::Transforming => "Transforming",
        ProgressStage::Writing => "Writing",
        ProgressStage::Committing => "Committing",
    }
}

fn stage_named(name: &str) -> Option<ProgressStage> {
    [
        ProgressStage::Selecting,
        ProgressStage::Reading,
        ProgressStage::Transforming,
        ProgressStage::Writing,
        ProgressStage::Committing,
    ]
    .into_iter()
    .find(|s| stage_name(*s) == name)
}

/// A message from the worker, as the page reads it.
pub enum Reply {
    Ready,
    Progress(RunProgress),
    /// The finished workspace (see the module doc).
    Done(Handover),
    Failed(String),
}

impl Reply {
    pub fn parse(data: &JsValue) -> Option<Self> {
        let message = Array::from(data);
        let number = |i: u32| message.get(i).as_f64().unwrap_or(0.0);
        Some(match message.get(0).as_string()?.as_str() {
            "ready" => Reply::Ready,
            "progress" => Reply::Progress(RunProgress {
                stage: stage_named(&message.get(1).as_string()?)?,
                objects_done: number(2) as usize,
                objects_total: number(3) as usize,
                bytes_done: number(4) as u64,
                bytes_total: number(5) as u64,
            }),
            "done" => Reply::Done(Handover::from_js(&message.get(1), &message.get(2))),
            "failed" => Reply::Failed(message.get(1).as_string().unwrap_or_default()),
            _ => return None,
        })
    }
}

/// The page's request: run `run_id` of `workspace`. Returns the message and its transfer list.
pub fn run_message(run_id: &str, workspace: &Workspace) -> (Array, Array) {
    to_js("run", Some(run_id), workspace)
}

/// `[kind, (run_id,) document, bodies]` with every buffer in the transfer list.
pub(crate) fn to_js(kind: &str, run_id: Option<&str>, workspace: &Workspace) -> (Array, Array) {
    let (document, bodies) = snapshot::save_handover(workspace);
    let handover = Handover {
        document: Uint8Array::from(document.as_slice()),
        bodies: bodies.iter().map(|b| Uint8Array::from(b.as_slice())).collect(),
    };
    handover.into_message(kind, run_id)
}

/// A workspace as it crosses between the page and a worker, still in JS buffers: the page
/// can pass what the run worker returned on to the query worker without serialising the
/// workspace again (the one main-thread cost that grows with a sink's rows).
pub struct Handover {
    document: Uint8Array,
    bodies: Array,
}

impl Handover {
    /// Views of the buffers a message carried (`new Uint8Array(view)` would copy them).
    pub(crate) fn from_js(document: &JsValue, bodies: &JsValue) -> Self {
        Handover {
            document: document.clone().unchecked_into(),
            bodies: bodies.clone().unchecked_into(),
        }
    }

    /// Copies into wasm memory, for `snapshot::load_handover`.
    pub(crate) fn to_vecs(&self) -> (Vec<u8>, Vec<Vec<u8>>) {
        let bodies = self
            .bodies
            .iter()
            .map(|b| b.unchecked_into::<Uint8Array>().to_vec())
            .collect();
        (self.document.to_vec(), bodies)
    }

    /// `[kind, (run_id,) document, bodies]`, every buffer transferred (this side loses them).
    pub(crate) fn into_message(self, kind: &str, run_id: Option<&str>) -> (Array, Array) {
        let transfer = Array::of1(&self.document.buffer());
        for body in self.bodies.iter() {
            transfer.push(&body.unchecked_into::<Uint8Array>().buffer());
        }
        let message = Array::of1(&kind.into());
        if let Some(id) = run_id {
            message.push(&id.into());
        }
        message.push(&self.document);
        message.push(&self.bodies);
        (message, transfer)
    }
}
