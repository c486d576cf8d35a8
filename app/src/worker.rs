//! The job-run worker: a Web Worker (the `gluelab-worker` binary, built by Trunk next to the
//! app) that runs a job run's second half, `Workspace::finish_job_run_observed`, off the page's
//! main thread, so the page stays responsive during a long run and a run can be stopped by
//! terminating the worker.
//!
//! The protocol, every message a JS array:
//! - worker → page: `["ready"]` once it listens; `["progress", stage, objects_done,
//!   objects_total, bytes_done, bytes_total]` while a run goes; `["done", bytes]` with the
//!   workspace after the run, or `["failed", message]`.
//! - page → worker: `["run", run_id, bytes]`, the workspace with the run RUNNING.
//!
//! Workspaces travel as [`gluelab_core::snapshot`] documents in a transferred `ArrayBuffer`.

use gluelab_core::engine::{ProgressStage, RunProgress};
use gluelab_core::{snapshot, Workspace};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Progress messages are sent at most this often (stage changes always go).
const PROGRESS_EVERY_MS: f64 = 50.0;

/// The worker's entry point: listens for runs until the page terminates it.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let message = Array::from(&event.data());
        if message.get(0).as_string().as_deref() != Some("run") {
            return;
        }
        let run_id = message.get(1).as_string().unwrap_or_default();
        let bytes = Uint8Array::new(&message.get(2)).to_vec();
        let reply = match run(&replies, &run_id, &bytes) {
            Ok(workspace) => {
                let bytes = snapshot::save(&workspace);
                let body = Uint8Array::from(bytes.as_slice());
                drop(bytes);
                let reply = Array::of2(&"done".into(), &body);
                replies.post_message_with_transfer(&reply, &Array::of1(&body.buffer()))
            }
            Err(message) => replies.post_message(&Array::of2(&"failed".into(), &message.into())),
        };
        reply.expect("the page listens");
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // A wasm worker listens only once its module has loaded; messages sent before are lost.
    scope
        .post_message(&Array::of1(&"ready".into()))
        .expect("the page listens");
}

fn run(scope: &DedicatedWorkerGlobalScope, run_id: &str, bytes: &[u8]) -> Result<Workspace, String> {
    let mut workspace = snapshot::load(bytes).map_err(|e| e.to_string())?;
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
    Done(Vec<u8>),
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
            "done" => Reply::Done(Uint8Array::new(&message.get(1)).to_vec()),
            "failed" => Reply::Failed(message.get(1).as_string().unwrap_or_default()),
            _ => return None,
        })
    }
}

/// The page's request: run `run_id` of this workspace snapshot (its buffer is transferred).
pub fn run_message(run_id: &str, snapshot: &[u8]) -> (Array, Array) {
    let body = Uint8Array::from(snapshot);
    let transfer = Array::of1(&body.buffer());
    (Array::of3(&"run".into(), &run_id.into(), &body), transfer)
}
