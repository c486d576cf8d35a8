//! The workbench's state: the workspace plus undo/redo, the selected run and the last notice.
//! Every change goes through [`Studio::act`], so each user action is one undo step; a job run
//! is one undo step too, from its start to its end (see [`Studio::begin_run`]). The workspace
//! is saved in IndexedDB after every change (see `persistence.rs`).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use gluelab_core::engine::RunProgress;
use gluelab_core::views::browse::human_size;
use gluelab_core::{demo, snapshot, RunRequest, Workspace};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{t, tf};
use crate::persistence;

/// Why a button that needs a job cannot act yet, in the page's language: its tooltip, so no
/// click does nothing silently.
pub fn no_job_yet() -> &'static str {
    t("No job yet: drop a file into a bucket, preview it, make a table from it, then a job over it (or load an example)")
}

/// Workspaces whose objects hold more than this are not saved: serialising one after every
/// change would stall the page (IndexedDB itself would take far more).
const PERSIST_LIMIT_BYTES: u64 = 64 * 1024 * 1024;
/// Changes closer together than this are saved once.
const SAVE_DELAY: Duration = Duration::from_millis(150);
/// The undo steps kept in memory; older ones are forgotten.
const UNDO_LIMIT: usize = 50;
/// The newest undo steps saved with the workspace, so they survive a reload...
const UNDO_SAVED_STEPS: usize = 10;
/// ...as long as their snapshots together hold no more than this.
const UNDO_SAVED_BYTES: usize = 16 * 1024 * 1024;

/// One undo (or redo) step: a workspace, and its snapshot once made (so saving the history
/// serialises each step at most once).
#[derive(Clone)]
struct Step {
    workspace: Workspace,
    snapshot: Arc<OnceLock<Vec<u8>>>,
}

impl Step {
    fn new(workspace: Workspace) -> Self {
        Self {
            workspace,
            snapshot: Arc::default(),
        }
    }

    fn snapshot(&self) -> &[u8] {
        self.snapshot.get_or_init(|| snapshot::save(&self.workspace))
    }
}

/// The newest undo steps' snapshots that are saved with the workspace, newest first.
fn saved_history(undo: &[Step]) -> Vec<&[u8]> {
    let mut total = 0;
    undo.iter()
        .rev()
        .take(UNDO_SAVED_STEPS)
        .map(Step::snapshot)
        .take_while(|bytes| {
            total += bytes.len();
            total <= UNDO_SAVED_BYTES
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Info(String),
    Error(String),
}

/// Whether the workspace on screen is the one saved in this browser: the size note.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveStatus {
    /// Start-up has not read the saved workspace yet.
    Opening,
    Saving,
    /// Saved; the snapshot's size in bytes.
    Saved(usize),
    /// Not saved, and why (too large, no IndexedDB, a failed write).
    NotSaved(String),
}

#[derive(Clone, Copy)]
pub struct Studio {
    pub workspace: RwSignal<Workspace>,
    /// Oldest first; the newest are saved with the workspace ([`saved_history`]).
    undo: RwSignal<Vec<Step>>,
    redo: RwSignal<Vec<Step>>,
    pub selected_run: RwSignal<Option<String>>,
    /// The source object picked on the timeline with its run: the sink lights the rows that
    /// run wrote from it.
    pub selected_object: RwSignal<Option<String>>,
    /// The sink (index in the job's plan) the sink panel lists, when the job has several.
    pub selected_sink: RwSignal<usize>,
    pub notice: RwSignal<Option<Notice>>,
    /// The job run executing in the worker, if any.
    pub in_flight: RwSignal<Option<RunInFlight>>,
    /// The workspace before the run in flight began: its undo step.
    before_run: RwSignal<Option<Workspace>>,
    /// False until start-up has read the saved workspace: nothing is saved before that.
    pub ready: RwSignal<bool>,
    pub save_status: RwSignal<SaveStatus>,
    /// Bumped by every change; a delayed save goes ahead only if no change followed it.
    save_generation: RwSignal<u64>,
    /// The save scheduled and not yet started, by generation (flushed when the page hides).
    save_pending: StoredValue<Option<u64>>,
    /// The saved workspace's bytes when they did not load: kept, and nothing is saved over
    /// them, until the user downloads them, retries or starts over.
    pub rejected: RwSignal<Option<Vec<u8>>>,
    /// Another tab of this browser owns saving (`persistence::own_saving`): this one saves nothing.
    pub saving_elsewhere: RwSignal<bool>,
}

/// A job run that has begun and not yet ended, as the runs panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct RunInFlight {
    pub run_id: String,
    /// What the page is doing for the run before the worker reports (handing it over).
    pub phase: Option<&'static str>,
    /// The worker's last report.
    pub progress: Option<RunProgress>,
}

pub fn use_studio() -> Studio {
    expect_context::<Studio>()
}

impl Studio {
    pub fn new(workspace: Workspace) -> Self {
        Self {
            workspace: RwSignal::new(workspace),
            undo: RwSignal::new(vec![]),
            redo: RwSignal::new(vec![]),
            selected_run: RwSignal::new(None),
            selected_object: RwSignal::new(None),
            selected_sink: RwSignal::new(0),
            notice: RwSignal::new(None),
            in_flight: RwSignal::new(None),
            before_run: RwSignal::new(None),
            ready: RwSignal::new(false),
            save_status: RwSignal::new(SaveStatus::Opening),
            save_generation: RwSignal::new(0),
            save_pending: StoredValue::new(None),
            rejected: RwSignal::new(None),
            saving_elsewhere: RwSignal::new(false),
        }
    }

    /// Puts the workspace saved in this browser on screen (not an undo step), or the seed demo
    /// when there is none. A stored copy that does not load is set aside (never deleted) and
    /// the reason shown. Returns true on a first visit (nothing was saved).
    pub async fn restore(self) -> bool {
        if !persistence::own_saving().await {
            self.saving_elsewhere.set(true);
            self.save_status.set(SaveStatus::NotSaved(
                t("not saved: another gluelab tab owns saving").into(),
            ));
        }
        let saved = persistence::load_saved().await;
        let first_visit = saved.workspace.is_none() && saved.problem.is_none();
        self.workspace.set(saved.workspace.unwrap_or_else(demo_workspace));
        self.undo.set(
            saved
                .undo
                .into_iter()
                .rev()
                .map(|(workspace, bytes)| Step {
                    workspace,
                    snapshot: Arc::new(OnceLock::from(bytes)),
                })
                .collect(),
        );
        if saved.rejected.is_some() {
            self.save_status.set(SaveStatus::NotSaved(
                t("not saved: the saved workspace did not load").into(),
            ));
        }
        self.rejected.set(saved.rejected);
        if let Some(problem) = saved.problem {
            self.notice.set(Some(Notice::Error(problem)));
        }
        first_visit
    }

    /// Saves to IndexedDB whenever the workspace changes (changes in quick succession once),
    /// except before start-up has read the saved one, while a run is in flight (its end is
    /// saved), or when the workspace is too large to serialise after every change.
    pub fn persist(self) {
        Effect::new(move |_| {
            self.workspace.track();
            if !self.ready.get()
                || self.in_flight.with_untracked(Option::is_some)
                || self.rejected.with(Option::is_some)
                || self.saving_elsewhere.get()
            {
                return;
            }
            let object_bytes: u64 = self.workspace.with_untracked(|ws| ws.store().total_bytes());
            if object_bytes > PERSIST_LIMIT_BYTES {
                self.save_status.set(SaveStatus::NotSaved(tf(
                    "not saved: {size} of objects is more than gluelab saves after every change; export it to keep it",
                    &[("size", &human_size(object_bytes))],
                )));
                return;
            }
            let generation = self.save_generation.get_untracked() + 1;
            self.save_generation.set(generation);
            self.save_pending.set_value(Some(generation));
            self.save_status.set(SaveStatus::Saving);
            set_timeout(move || self.save_if_pending(generation), SAVE_DELAY);
        });
        // A tab closed or hidden within SAVE_DELAY of a change saves it now: timers do not run
        // after the page is gone.
        for event in ["pagehide", "visibilitychange"] {
            let flush = Closure::<dyn Fn()>::new(move || {
                let hidden = event == "pagehide" || document().visibility_state() == web_sys::VisibilityState::Hidden;
                if let (true, Some(generation)) = (hidden, self.save_pending.get_value()) {
                    self.save_if_pending(generation);
                }
            });
            let _ = window().add_event_listener_with_callback(event, flush.as_ref().unchecked_ref());
            flush.forget(); // listens for the page's lifetime
        }
    }

    /// Saves the workspace if the save scheduled as `generation` is still the latest and has
    /// not started, and no run is in flight (its end is saved).
    fn save_if_pending(self, generation: u64) {
        if self.save_pending.get_value() != Some(generation)
            || self.save_generation.get_untracked() != generation
            || self.in_flight.with_untracked(Option::is_some)
        {
            return; // a later change (or a run) saves instead
        }
        self.save_pending.set_value(None);
        let bytes = self.workspace.with_untracked(snapshot::save);
        let history = self
            .undo
            .with_untracked(|u| persistence::history_record(&saved_history(u)));
        spawn_local(async move {
            let status = match persistence::save_current(&bytes, &history).await {
                Ok(()) => SaveStatus::Saved(bytes.len()),
                Err(e) => SaveStatus::NotSaved(tf("not saved ({error}): export it to keep it", &[("error", &e)])),
            };
            if self.save_generation.get_untracked() == generation {
                self.save_status.set(status);
            }
        });
    }

    /// Applies a user action to a copy; on success it becomes the workspace (one undo step),
    /// on failure the workspace is untouched and the error is shown.
    pub fn act<T>(&self, action: impl FnOnce(&mut Workspace) -> gluelab_core::Result<T>) -> Option<T> {
        if self.refuse_while_running() {
            return None;
        }
        let mut next = self.workspace.get_untracked();
        match action(&mut next) {
            Ok(value) => {
                let previous = self.workspace.get_untracked();
                self.push_undo(previous);
                self.redo.update(Vec::clear);
                self.workspace.set(next);
                self.notice.set(None);
                Some(value)
            }
            Err(e) => {
                self.notice.set(Some(Notice::Error(e.to_string())));
                None
            }
        }
    }

    /// While a run is in flight the workspace is the worker's to finish: other changes wait.
    fn refuse_while_running(&self) -> bool {
        let running = self.in_flight.with_untracked(Option::is_some);
        if running {
            self.notice.set(Some(Notice::Error(
                t("A job run is RUNNING: wait for it to end or stop it first.").into(),
            )));
        }
        running
    }

    /// The first half of a job run, on this thread: the run is RUNNING at once (or refused,
    /// with Glue's error). The worker finishes it; [`Studio::finish_run`] or
    /// [`Studio::stop_run`] ends it as one undo step.
    pub fn begin_run(&self, request: RunRequest) -> Option<String> {
        let mut next = self.workspace.get_untracked();
        let begun = next.begin_job_run(request);
        if self.in_flight.with_untracked(Option::is_some) {
            // Glue's answer (ConcurrentRunsExceededException) if it has one; else ours.
            let message = match begun {
                Err(e) => e.to_string(),
                Ok(_) => t("gluelab runs one job run at a time in the browser: wait for it or stop it.").into(),
            };
            self.notice.set(Some(Notice::Error(message)));
            return None;
        }
        match begun {
            Ok(run_id) => {
                self.before_run.set(Some(self.workspace.get_untracked()));
                self.in_flight.set(Some(RunInFlight {
                    run_id: run_id.clone(),
                    phase: Some(t("handing the workspace to the worker")),
                    progress: None,
                }));
                self.workspace.set(next);
                self.notice.set(None);
                Some(run_id)
            }
            Err(e) => {
                self.notice.set(Some(Notice::Error(e.to_string())));
                None
            }
        }
    }

    pub fn set_phase(&self, phase: &'static str) {
        self.in_flight.update(|f| {
            if let Some(f) = f {
                f.phase = Some(phase);
            }
        });
    }

    pub fn set_progress(&self, progress: RunProgress) {
        self.in_flight.update(|f| {
            if let Some(f) = f {
                f.phase = None;
                f.progress = Some(progress);
            }
        });
    }

    /// The run has ended in the worker: its workspace replaces this one, one undo step since
    /// the run began. False if the run was stopped meanwhile (nothing replaced).
    pub fn finish_run(&self, finished: Workspace) -> bool {
        if self.in_flight.with_untracked(Option::is_none) {
            return false;
        }
        self.end_run(finished);
        true
    }

    /// The worker could not run it (a damaged workspace, a bug): the run is stopped.
    pub fn fail_run(&self, message: String) {
        if self.in_flight.with_untracked(Option::is_none) {
            return;
        }
        let text = tf(
            "The job run could not be executed ({message}); it was stopped.",
            &[("message", &message)],
        );
        web_sys::console::error_1(&text.as_str().into());
        self.stop_run();
        self.notice.set(Some(Notice::Error(text)));
    }

    /// `BatchStopJobRun` on the run in flight: nothing the worker did is kept, the run is STOPPED.
    pub fn stop_run(&self) {
        let Some(run_id) = self.in_flight.with_untracked(|f| f.as_ref().map(|f| f.run_id.clone())) else {
            return;
        };
        let mut stopped = self.workspace.get_untracked();
        if let Err(e) = stopped.stop_job_run(&run_id) {
            self.notice.set(Some(Notice::Error(e.to_string())));
        }
        self.end_run(stopped);
    }

    fn end_run(&self, next: Workspace) {
        let before = self.before_run.try_update(Option::take).flatten();
        self.in_flight.set(None);
        if let Some(before) = before {
            self.push_undo(before);
            self.redo.update(Vec::clear);
        }
        self.workspace.set(next);
    }

    /// One more undo step; past [`UNDO_LIMIT`] the oldest is forgotten.
    fn push_undo(&self, workspace: Workspace) {
        self.undo.update(|u| {
            u.push(Step::new(workspace));
            if u.len() > UNDO_LIMIT {
                u.remove(0);
            }
        });
    }

    pub fn can_undo(&self) -> bool {
        self.in_flight.with(Option::is_none) && self.undo.with(|u| !u.is_empty())
    }

    pub fn can_redo(&self) -> bool {
        self.in_flight.with(Option::is_none) && self.redo.with(|r| !r.is_empty())
    }

    pub fn undo(&self) {
        if self.refuse_while_running() {
            return;
        }
        if let Some(previous) = self.undo.try_update(Vec::pop).flatten() {
            let current = self.workspace.get_untracked();
            self.redo.update(|r| r.push(Step::new(current)));
            self.workspace.set(previous.workspace);
        }
    }

    pub fn redo(&self) {
        if self.refuse_while_running() {
            return;
        }
        if let Some(next) = self.redo.try_update(Vec::pop).flatten() {
            let current = self.workspace.get_untracked();
            self.push_undo(current);
            self.workspace.set(next.workspace);
        }
    }

    /// Replaces everything (load an example, start empty); undoable like any action.
    pub fn replace(&self, workspace: Workspace) {
        self.act(|ws| {
            *ws = workspace;
            Ok(())
        });
        self.selected_run.set(None);
    }

    /// The job the workbench shows: the first one in the workspace.
    pub fn job_name(&self) -> Option<String> {
        self.workspace.with(|ws| ws.jobs().next().map(|j| j.name.clone()))
    }
}

pub fn demo_workspace() -> Workspace {
    demo::seed_workspace().expect("the embedded demo workspace is valid")
}
