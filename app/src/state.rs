//! The workbench's state: the workspace plus undo/redo, the selected run and the last notice.
//! Every change goes through [`Studio::act`], so each user action is one undo step.

use gloo_storage::Storage;
use gluelab_core::{demo, snapshot, Workspace};
use leptos::prelude::*;

/// Where the workspace survives a reload (localStorage; see ARCHITECTURE.md for the size note).
const STORAGE_KEY: &str = "gluelab.workspace.v1";
/// A stored workspace that failed to load is kept here rather than lost.
const REJECTED_KEY: &str = "gluelab.workspace.rejected";

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

    /// Saves to localStorage whenever the workspace changes.
    pub fn persist(self) {
        Effect::new(move |_| {
            let bytes = self.workspace.with(snapshot::save);
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

    pub fn can_undo(&self) -> bool {
        self.undo.with(|u| !u.is_empty())
    }

    pub fn can_redo(&self) -> bool {
        self.redo.with(|r| !r.is_empty())
    }

    pub fn undo(&self) {
        if let Some(previous) = self.undo.try_update(Vec::pop).flatten() {
            let current = self.workspace.get_untracked();
            self.redo.update(|r| r.push(current));
            self.workspace.set(previous);
        }
    }

    pub fn redo(&self) {
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
