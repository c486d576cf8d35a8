//! The workbench's state: the workspace plus undo/redo, the selected run and the last notice.
//! Every change goes through [`Studio::act`], so each user action is one undo step; a job run
//! is one undo step too, from its start to its end (see [`Studio::begin_run`]).

use gloo_storage::Storage;
use gluelab_core::engine::RunProgress;
use gluelab_core::{demo, snapshot, RunRequest, Workspace};
use leptos::prelude::*;

/// Where the workspace survives a reload (localStorage; see ARCHITECTURE.md for the size note).
const STORAGE_KEY: &str = "gluelab.workspace.v1";
/// A stored workspace that failed to load is kept here rather than lost.
const REJECTED_KEY: &str = "gluelab.workspace.rejected";
/// Workspaces whose objects hold more than this are not saved to localStorage: it holds about
/// 5 MB, and serialising a much larger workspace after every change would stall the page.
const PERSIST_LIMIT_BYTES: u64 = 3 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Info(String),
    Error(String),
}

#[derive(Clone, Copy)]
pub struct Studio {
    pub workspace: RwSignal<Workspace>,
    undo: RwSignal<Vec<Workspace>>,
    redo: RwSignal<Vec<Workspace>>,
    pub selected_run: RwSignal<Option<String>>,
    pub notice: RwSignal<Option<Notice>>,
    /// The job run executing in the worker, if any.
    pub in_flight: RwSignal<Option<RunInFlight>>,
    /// The workspace before the run in flight began: its undo step.
    before_run: RwSignal<Option<Workspace>>,
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
            notice: RwSignal::new(None),
            in_flight: RwSignal::new(None),
            before_run: RwSignal::new(None),
        }
    }

    /// The workspace saved in this browser, or the seed demo on a first visit. A stored copy
    /// that does not load is set aside (never deleted) and the reason shown.
    pub fn restore() -> Self {
        let stored: Option<String> = gloo_storage::LocalStorage::raw().get_item(STORAGE_KEY).ok().flatten();
        let (workspace, notice) = match stored.map(|text| snapshot::load(text.as_bytes()).map_err(|e| (text, e))) {
            Some(Ok(ws)) => (ws, None),
            Some(Err((text, e))) => {
                let _ = gloo_storage::LocalStorage::raw().set_item(REJECTED_KEY, &text);
                (
                    demo_workspace(),
                    Some(Notice::Error(format!(
                        "The saved workspace was not loaded ({e}); it is kept aside."
                    ))),
                )
            }
            None => (demo_workspace(), None),
        };
        let studio = Self::new(workspace);
        studio.notice.set(notice);
        studio
    }

    /// Saves to localStorage whenever the workspace changes, except while a run is in flight
    /// (its end is saved) or when the workspace is too large for localStorage.
    pub fn persist(self) {
        Effect::new(move |_| {
            let object_bytes: u64 = self.workspace.with(|ws| {
                ws.store
                    .buckets()
                    .flat_map(|b| b.objects().values())
                    .map(|o| o.size())
                    .sum()
            });
            if self.in_flight.with_untracked(Option::is_some) {
                return;
            }
            if object_bytes > PERSIST_LIMIT_BYTES {
                // Never hide an error the change itself reported.
                if self.notice.with_untracked(|n| matches!(n, Some(Notice::Error(_)))) {
                    return;
                }
                self.notice.set(Some(Notice::Info(format!(
                    "This workspace holds {:.1} MB of objects, more than the browser's storage keeps: \
                     it is not saved, and is lost on reload.",
                    object_bytes as f64 / 1e6
                ))));
                return;
            }
            let bytes = self.workspace.with_untracked(snapshot::save);
            let text = String::from_utf8(bytes).expect("snapshots are JSON");
            if gloo_storage::LocalStorage::raw().set_item(STORAGE_KEY, &text).is_err() {
                self.notice.set(Some(Notice::Error(
                    "This workspace is too large for the browser's storage: export it to keep it.".into(),
                )));
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
                self.undo.update(|u| u.push(previous));
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
                "A job run is RUNNING: wait for it to end or stop it first.".into(),
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
                Ok(_) => "gluelab runs one job run at a time in the browser: wait for it or stop it.".into(),
            };
            self.notice.set(Some(Notice::Error(message)));
            return None;
        }
        match begun {
            Ok(run_id) => {
                self.before_run.set(Some(self.workspace.get_untracked()));
                self.in_flight.set(Some(RunInFlight {
                    run_id: run_id.clone(),
                    phase: Some("handing the workspace to the worker"),
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
    /// the run began.
    pub fn finish_run(&self, finished: Workspace) {
        if self.in_flight.with_untracked(Option::is_none) {
            return;
        }
        self.end_run(finished);
    }

    /// The worker could not run it (a damaged workspace, a bug): the run is stopped.
    pub fn fail_run(&self, message: String) {
        if self.in_flight.with_untracked(Option::is_none) {
            return;
        }
        let text = format!("The job run could not be executed ({message}); it was stopped.");
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
            self.undo.update(|u| u.push(before));
            self.redo.update(Vec::clear);
        }
        self.workspace.set(next);
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
            self.redo.update(|r| r.push(current));
            self.workspace.set(previous);
        }
    }

    pub fn redo(&self) {
        if self.refuse_while_running() {
            return;
        }
        if let Some(next) = self.redo.try_update(Vec::pop).flatten() {
            let current = self.workspace.get_untracked();
            self.undo.update(|u| u.push(current));
            self.workspace.set(next);
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
        self.workspace.with(|ws| ws.jobs.keys().next().cloned())
    }
}

pub fn demo_workspace() -> Workspace {
    demo::seed_workspace().expect("the embedded demo workspace is valid")
}
