//! Property test: JDBC key bookmarks against a reference model small enough to be obviously
//! right — "a run reads the rows whose key is above the committed last key; only a successful
//! committed run moves it; reset forgets it".

use std::collections::BTreeSet;

use gluelab_core::model::job::{JobDefinition, JobPlan, KeySortOrder, SinkMode, SinkSpec, SourceSpec};
use gluelab_core::model::lineage::VerdictKind;
use gluelab_core::model::run::{FailurePoint, RunState};
use gluelab_core::warehouse::{row_address, KeyValue};
use gluelab_core::{RunRequest, Workspace};
use proptest::prelude::*;

const JOB: &str = "keys";
const TABLE: &str = "public.events";

#[derive(Debug, Clone)]
enum Op {
    /// Insert rows with keys above every key so far.
    InsertNew(u8),
    /// Insert a row with a key below the largest so far (a non-monotonic key).
    InsertLow,
    /// Update the n-th row (modulo the row count).
    Update(u8),
    Run,
    FailBeforeCommit,
    Pause,
    Reset,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u8..4).prop_map(Op::InsertNew),
        1 => Just(Op::InsertLow),
        1 => any::<u8>().prop_map(Op::Update),
        3 => Just(Op::Run),
        1 => Just(Op::FailBeforeCommit),
        1 => Just(Op::Pause),
        1 => Just(Op::Reset),
    ]
}

/// The reference: keys in the table, and the committed last key.
#[derive(Default)]
struct Model {
    keys: Vec<i64>,
    last: Option<i64>,
}

impl Model {
    fn selected(&self) -> BTreeSet<i64> {
        self.keys
            .iter()
            .copied()
            .filter(|k| self.last.is_none_or(|l| *k > l))
            .collect()
    }
}

fn workspace() -> Workspace {
    let mut ws = Workspace::default();
    ws.execute_warehouse_statement(&format!("CREATE TABLE {TABLE} (id BIGINT PRIMARY KEY, v INT)"))
        .unwrap();
    let plan = JobPlan {
        required_arguments: vec![],
        sources: vec![SourceSpec::jdbc(TABLE, &[], KeySortOrder::Asc, Some("events"))],
        transforms: vec![],
        sinks: vec![SinkSpec::jdbc("public.copy", SinkMode::Append)],
        commits: true,
    };
    let mut job = JobDefinition::new(JOB, plan);
    job.default_arguments
        .insert("--job-bookmark-option".into(), "job-bookmark-enable".into());
    ws.create_job(job).unwrap();
    ws
}

/// The keys a run read, from its lineage (row address → the row's key in the table).
fn keys_read(ws: &Workspace, run_id: &str) -> BTreeSet<i64> {
    let table = ws.warehouse().table(TABLE).unwrap();
    ws.run(run_id)
        .unwrap()
        .lineage
        .files
        .iter()
        .filter(|f| f.kind != VerdictKind::Skipped)
        .map(|f| {
            let row = table
                .rows()
                .iter()
                .position(|r| row_address(TABLE, r.id) == f.object)
                .unwrap();
            match KeyValue::of(table.batch().column(0).as_ref(), row).unwrap() {
                KeyValue::Int(key) => key,
                other => panic!("not an integer key: {other}"),
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn key_bookmarks_follow_the_reference_model(ops in proptest::collection::vec(op(), 1..24)) {
        let mut ws = workspace();
        let mut model = Model::default();
        let mut next_key = 10i64;
        let mut low_key = 5i64;
        for op in ops {
            match op {
                Op::InsertNew(n) => {
                    let values: Vec<String> = (0..n).map(|i| format!("({}, {i})", next_key + i64::from(i))).collect();
                    ws.execute_warehouse_statement(&format!("INSERT INTO {TABLE} VALUES {}", values.join(", "))).unwrap();
                    model.keys.extend((0..n).map(|i| next_key + i64::from(i)));
                    next_key += i64::from(n) + 1;
                }
                Op::InsertLow => {
                    // Below every key inserted by InsertNew (which start at 10), and unique.
                    ws.execute_warehouse_statement(&format!("INSERT INTO {TABLE} VALUES ({low_key}, 0)")).unwrap();
                    model.keys.push(low_key);
                    low_key -= 1;
                }
                Op::Update(n) => {
                    if !model.keys.is_empty() {
                        let key = model.keys[usize::from(n) % model.keys.len()];
                        ws.execute_warehouse_statement(&format!("UPDATE {TABLE} SET v = 7 WHERE id = {key}")).unwrap();
                    }
                }
                Op::Run | Op::FailBeforeCommit | Op::Pause => {
                    let mut request = RunRequest::new(JOB);
                    if matches!(op, Op::FailBeforeCommit) {
                        request = request.fail_at(FailurePoint::BeforeCommit);
                    }
                    if matches!(op, Op::Pause) {
                        request = request.arg("--job-bookmark-option", "job-bookmark-pause");
                    }
                    let id = ws.start_job_run(request).unwrap();
                    let expected = model.selected();
                    prop_assert_eq!(keys_read(&ws, &id), expected.clone(), "{:?}", op);
                    let succeeded = ws.run(&id).unwrap().state == RunState::Succeeded;
                    prop_assert_eq!(succeeded, !matches!(op, Op::FailBeforeCommit));
                    if matches!(op, Op::Run) {
                        if let Some(max) = expected.iter().max() {
                            model.last = Some(model.last.map_or(*max, |l| l.max(*max)));
                        }
                    }
                }
                Op::Reset => {
                    ws.reset_job_bookmark(JOB, None).unwrap();
                    model.last = None;
                }
            }
        }
    }
}
