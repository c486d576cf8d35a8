//! The page's side of job runs: a run begins on the main thread (it is RUNNING at once), its
//! second half runs in the job-run worker (`crate::worker`), progress comes back as messages,
//! and Stop terminates the worker. Every run takes this path, small or large.

use std::cell::RefCell;
use std::time::Duration;

use gluelab_core::{snapshot, RunRequest};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

use crate::i18n::{t, tf};
use crate::state::{Notice, Studio};
use crate::worker::{self, Reply};

/// The worker's bootstrap: a module worker that imports the page's wasm-bindgen glue and
/// instantiates the page's already compiled module (sent as the first message with the name of
/// what to serve: `serveJobRuns`, or the query worker's `serveQueries`). One wasm file for page and worker: nothing more to download or compile. A failure to
/// load is rethrown outside the promise, so it reaches the page as the worker's `error` event
/// (a rejected promise would stay inside the worker and leave a run waiting for it forever).
const WORKER_BOOTSTRAP: &str = r#"
self.onmessage = async (event) => {
  self.onmessage = null;
  try {
    const [glue, module, serve] = event.data;
    const bindings = await import(glue);
    await bindings.default({ module_or_path: module });
    bindings[serve]();
  } catch (error) {
    setTimeout(() => { throw new Error(`the job-run worker did not load: ${error}`); });
  }
};
"#;

/// The worker and what waits for it. One run at a time: the app refuses a second while one is
/// in flight (see [`Studio::begin_run`]).
#[derive(Default)]
struct Runner {
    worker: Option<Worker>,
    ready: bool,
    /// A run handed over before the worker was ready: the message and its transfer list.
    queued: Option<(js_sys::Array, js_sys::Array)>,
}

thread_local! {
    static RUNNER: RefCell<Runner> = RefCell::new(Runner::default());
}

/// Starts a job run: RUNNING now, finished by the worker. Returns the run id.
pub fn start(studio: Studio, request: RunRequest) -> Option<String> {
    let run_id = studio.begin_run(request)?;
    let id = run_id.clone();
    // Let the page paint the RUNNING run before the workspace is serialised.
    set_timeout(
        move || {
            if studio
                .in_flight
                .with_untracked(|f| f.as_ref().map(|f| f.run_id != id).unwrap_or(true))
            {
                return; // stopped meanwhile
            }
            let message = studio.workspace.with_untracked(|ws| worker::run_message(&id, ws));
            studio.set_phase(t("waiting for the worker"));
            send(studio, id, message);
        },
        Duration::from_millis(20),
    );
    Some(run_id)
}

/// Stops the run in flight: the worker is terminated (nothing it did is kept) and the run
/// becomes STOPPED. A fresh worker is started for the next run.
pub fn stop(studio: Studio) {
    RUNNER.with_borrow_mut(|runner| {
        if let Some(worker) = runner.worker.take() {
            worker.terminate();
        }
        *runner = Runner::default();
    });
    studio.stop_run();
    ensure_worker(studio);
}

/// Starts the worker early, so the first run does not wait for it to load.
pub fn warm_up(studio: Studio) {
    ensure_worker(studio);
}

fn send(studio: Studio, run_id: String, message: (js_sys::Array, js_sys::Array)) {
    if !ensure_worker(studio) {
        // No Web Workers here (never in a browser the app supports): run it on this thread.
        run_inline(studio, &run_id);
        return;
    }
    RUNNER.with_borrow_mut(|runner| match (&runner.worker, runner.ready) {
        (Some(worker), true) => post(worker, &message),
        _ => runner.queued = Some(message),
    });
}

fn post(worker: &Worker, (message, transfer): &(js_sys::Array, js_sys::Array)) {
    worker
        .post_message_with_transfer(message, transfer)
        .expect("a worker accepts messages");
}

fn run_inline(studio: Studio, run_id: &str) {
    let mut workspace = studio.workspace.get_untracked();
    match workspace.finish_job_run(run_id) {
        Ok(()) => {
            studio.finish_run(workspace);
        }
        Err(e) => studio.fail_run(e.to_string()),
    }
}

/// Starts a worker on this page's own module: a Blob URL bootstrap (module type) gets the
/// URL of the page's glue script, the compiled `WebAssembly.Module` and the name of the
/// exported function that serves (`serveJobRuns`, `serveQueries`).
pub(crate) fn start_worker(serve: &str) -> Option<Worker> {
    let glue = glue_script_url()?;
    let parts = js_sys::Array::of1(&JsValue::from_str(WORKER_BOOTSTRAP));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let worker_options = web_sys::WorkerOptions::new();
    worker_options.set_type(web_sys::WorkerType::Module);
    let worker = Worker::new_with_options(&url, &worker_options).ok();
    // The worker has its script by the time it runs, and Blob URLs are only read once fetched.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        Duration::from_secs(30),
    );
    let worker = worker?;
    worker
        .post_message(&js_sys::Array::of3(
            &JsValue::from_str(&glue),
            &wasm_bindgen::module(),
            &JsValue::from_str(serve),
        ))
        .ok()?;
    Some(worker)
}

/// A worker on the page's module as the page holds it (the query and preview workers): messages
/// sent before it says `["ready"]` wait, then go in order.
#[derive(Default)]
pub(crate) struct WorkerPort {
    worker: Option<Worker>,
    ready: bool,
    /// Messages (with their transfer lists) sent before the worker was ready.
    queued: Vec<(js_sys::Array, js_sys::Array)>,
}

impl WorkerPort {
    pub fn is_started(&self) -> bool {
        self.worker.is_some()
    }

    /// Starts a worker serving `serve` ([`start_worker`]) with its message and error handlers;
    /// false if none can be created.
    pub fn start(
        &mut self,
        serve: &str,
        on_message: impl Fn(MessageEvent) + 'static,
        on_error: impl Fn(web_sys::ErrorEvent) + 'static,
    ) -> bool {
        let Some(worker) = start_worker(serve) else {
            return false;
        };
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(on_message);
        let on_error = Closure::<dyn Fn(web_sys::ErrorEvent)>::new(on_error);
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_message.forget();
        on_error.forget();
        *self = WorkerPort {
            worker: Some(worker),
            ..WorkerPort::default()
        };
        true
    }

    /// Posts `message` with its transfer list now, or once the worker is ready.
    pub fn send(&mut self, message: (js_sys::Array, js_sys::Array)) {
        match (&self.worker, self.ready) {
            (Some(worker), true) => post(worker, &message),
            _ => self.queued.push(message),
        }
    }

    /// The worker said `["ready"]`: what waited goes now.
    pub fn ready(&mut self) {
        self.ready = true;
        if let Some(worker) = &self.worker {
            for message in self.queued.drain(..) {
                post(worker, &message);
            }
        }
    }

    /// Terminates the worker; what waited is dropped, and the next start makes a new one.
    pub fn stop(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.terminate();
        }
        *self = WorkerPort::default();
    }
}

/// The URL of the wasm-bindgen glue that loaded this page's module: Trunk preloads it with
/// the only `modulepreload` link in the page.
fn glue_script_url() -> Option<String> {
    let link = document().query_selector("link[rel=modulepreload]").ok()??;
    let href = link.get_attribute("href")?;
    let base = document().base_uri().ok()??;
    web_sys::Url::new_with_base(&href, &base).ok().map(|u| u.href())
}

/// Makes sure a worker exists; false if none can be created.
fn ensure_worker(studio: Studio) -> bool {
    if RUNNER.with_borrow(|r| r.worker.is_some()) {
        return true;
    }
    let Some(worker) = start_worker("serveJobRuns") else {
        return false;
    };
    let on_message =
        Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| match Reply::parse(&event.data()) {
            Some(Reply::Ready) => RUNNER.with_borrow_mut(|runner| {
                runner.ready = true;
                if let (Some(worker), Some(message)) = (&runner.worker, runner.queued.take()) {
                    post(worker, &message);
                }
            }),
            Some(Reply::Progress(progress)) => studio.set_progress(progress),
            Some(Reply::Done(handover)) => {
                let (document, bodies) = handover.to_vecs();
                match snapshot::load_handover(&document, bodies) {
                    // The query worker's next workspace is this one, already serialised (the
                    // workspace-changed effect runs after this handler).
                    Ok(workspace) => {
                        if studio.finish_run(workspace) {
                            crate::query_runner::keep_handover(handover);
                        }
                    }
                    Err(e) => studio.fail_run(tf("the worker's result did not load: {error}", &[("error", &e)])),
                }
            }
            Some(Reply::Failed(message)) => studio.fail_run(message),
            None => {}
        });
    let on_error = Closure::<dyn Fn(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
        event.prevent_default();
        // The worker is gone (it crashed, ran out of memory or did not load): start afresh.
        RUNNER.with_borrow_mut(|runner| {
            if let Some(worker) = runner.worker.take() {
                worker.terminate();
            }
            *runner = Runner::default();
        });
        web_sys::console::error_1(&format!("gluelab: the job-run worker failed: {}", event.message()).into());
        if studio.in_flight.with_untracked(Option::is_some) {
            studio.stop_run();
            studio.notice.set(Some(Notice::Error(tf(
                "The job run's worker failed ({error}); the run was stopped.",
                &[("error", &event.message())],
            ))));
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The worker lives as long as the page or until stopped; its handlers as long as the page.
    on_message.forget();
    on_error.forget();
    RUNNER.with_borrow_mut(|runner| {
        runner.worker = Some(worker);
        runner.ready = false;
    });
    true
}
