//! Property test: random stories of uploads, overwrites, deletes, runs (some failing, some
//! paused), resets, rewinds and waits, checked against a small reference model of what job
//! bookmarks promise, written here independently of the engine.
//!
//! The model: a bookmark is the set of (file, version) pairs committed runs have processed.
//! An enabled or paused run reads exactly the files whose current version is not in the set;
//! a successful enabled run adds what it read; a reset empties the set; a rewind to run R
//! restores the set as R left it. The engine must agree while knowing nothing of this model:
//! it works from modification times, HIGH_BAND and INCLUDE_LIST.

use std::collections::{BTreeMap, BTreeSet};

use gluelab_core::demo;
use gluelab_core::model::lineage::VerdictKind;
use gluelab_core::model::run::{FailurePoint, RunState};
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Action {
    Upload(usize),
    Delete(usize),
    Run,
    Pause,
    Fail(FailurePoint),
    Reset,
    Rewind(usize),
    WaitMinutes(i64),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => (0..4usize).prop_map(Action::Upload),
        1 => (0..4usize).prop_map(Action::Delete),
        4 => Just(Action::Run),
        1 => Just(Action::Pause),
        1 => prop_oneof![Just(FailurePoint::BeforeWrite), Just(FailurePoint::BeforeCommit)].prop_map(Action::Fail),
        1 => Just(Action::Reset),
        1 => (0..8usize).prop_map(Action::Rewind),
        2 => (0..25i64).prop_map(Action::WaitMinutes),
    ]
}

/// The reference model's state.
#[derive(Default)]
struct Model {
    /// Current version of each existing file.
    files: BTreeMap<String, u64>,
    committed: BTreeSet<(String, u64)>,
    /// The committed set each successful enabled run left, by run id.
    after_run: BTreeMap<String, BTreeSet<(String, u64)>>,
    committing_runs: Vec<String>,
}

impl Model {
    fn expected_reads(&self) -> BTreeSet<String> {
        self.files
            .iter()
            .filter(|(f, v)| !self.committed.contains(&((*f).clone(), **v)))
            .map(|(f, _)| f.clone())
            .collect()
    }
}

fn uri(n: usize) -> S3Uri {
    S3Uri::new(demo::raw_bucket(), format!("raw-data/file-{n}.json"))
}

fn reads_of(ws: &Workspace, id: &str) -> BTreeSet<String> {
    ws.run(id)
        .unwrap()
        .lineage
        .files
        .iter()
        .filter(|f| matches!(f.kind, VerdictKind::Read | VerdictKind::ReRead))
        .map(|f| f.object.clone())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn engine_agrees_with_the_reference_model(actions in proptest::collection::vec(action(), 1..30)) {
        let mut ws = demo::seed_workspace().unwrap();
        let mut model = Model::default();
        for (step, action) in actions.iter().enumerate() {
            match action {
                Action::Upload(n) => {
                    let body = format!("{{\"device_id\": \"d{n}\", \"timestamp\": {step}, \"state\": true}}\n");
                    let version = ws.put_object(&uri(*n), body.into_bytes()).unwrap().version;
                    model.files.insert(uri(*n).to_string(), version);
                }
                Action::Delete(n) => {
                    ws.delete_object(&uri(*n)).unwrap();
                    model.files.remove(&uri(*n).to_string());
                }
                Action::WaitMinutes(m) => {
                    ws.advance_clock(m * 60_000).unwrap();
                }
                Action::Reset => {
                    ws.reset_job_bookmark(demo::JOB_NAME, None).unwrap();
                    model.committed.clear();
                }
                Action::Rewind(k) => {
                    if let Some(id) = model.committing_runs.get(*k).cloned() {
                        ws.reset_job_bookmark(demo::JOB_NAME, Some(&id)).unwrap();
                        model.committed = model.after_run[&id].clone();
                    }
                }
                Action::Run | Action::Pause | Action::Fail(_) => {
                    let mut request = RunRequest::new(demo::JOB_NAME);
                    if matches!(action, Action::Pause) {
                        request = request.arg("--job-bookmark-option", "job-bookmark-pause");
                    }
                    if let Action::Fail(point) = action {
                        request = request.fail_at(*point);
                    }
                    let expected = model.expected_reads();
                    let id = ws.start_job_run(request).unwrap();
                    prop_assert_eq!(reads_of(&ws, &id), expected.clone(), "step {}: {:?}", step, action);
                    let state = ws.run(&id).unwrap().state;
                    prop_assert_eq!(state == RunState::Succeeded, matches!(action, Action::Run | Action::Pause));
                    if matches!(action, Action::Run) {
                        for f in &expected {
                            model.committed.insert((f.clone(), model.files[f]));
                        }
                        model.after_run.insert(id.clone(), model.committed.clone());
                        model.committing_runs.push(id);
                    }
                }
            }
        }
    }
}
