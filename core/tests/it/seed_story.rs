//! The seed article's whole story, as a user tells it: two files, two runs, reset → every row
//! twice; clean, two runs, rewind to run 1 → file 2 is read again and, since targets are not
//! tracked, the appending sink holds its row twice (GLUE-SEMANTICS.md §5.4).

use gluelab_core::demo::{self, seed};
use gluelab_core::format::{CsvOptions, Format};
use gluelab_core::model::lineage::{Reason, SinkRow, VerdictKind};
use gluelab_core::model::run::RunState;
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};

fn upload(ws: &mut Workspace, n: usize) {
    let (key, body) = demo::raw_files()[n - 1];
    ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.as_bytes().to_vec())
        .unwrap();
}

fn run(ws: &mut Workspace) -> String {
    let id = ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    let run = ws.run(&id).unwrap();
    assert_eq!(run.state, RunState::Succeeded, "{:?}", run.error_message);
    id
}

fn sink(ws: &Workspace) -> Vec<SinkRow> {
    let location = format!("s3://{}/integrated-data", demo::analytics_bucket());
    ws.sink_rows(&location, Format::Json, &CsvOptions::default()).unwrap().1
}

fn verdicts(ws: &Workspace, run_id: &str) -> Vec<(String, VerdictKind)> {
    ws.run(run_id)
        .unwrap()
        .lineage
        .files
        .iter()
        .map(|f| (f.object.rsplit('/').next().unwrap().to_string(), f.kind))
        .collect()
}

fn inner(ws: &Workspace) -> serde_json::Value {
    let entry = ws.get_job_bookmark(demo::JOB_NAME, None).unwrap();
    serde_json::from_str(&entry.job_bookmark_string()).unwrap()
}

#[test]
fn two_runs_then_reset_duplicates_every_row() {
    let mut ws = demo::seed_workspace().unwrap();
    upload(&mut ws, 1);
    let run1 = run(&mut ws);
    upload(&mut ws, 2);
    let run2 = run(&mut ws);
    assert_eq!(
        verdicts(&ws, &run2),
        [
            ("raw-data-1.json".into(), VerdictKind::Skipped),
            ("raw-data-2.json".into(), VerdictKind::Read)
        ]
    );
    assert_eq!(sink(&ws).len(), 2);

    let entry = ws.get_job_bookmark(demo::JOB_NAME, None).unwrap().clone();
    assert_eq!((entry.version, entry.run, entry.attempt), (4, 3, 0));
    assert_eq!(entry.previous_run_id.as_deref(), Some(run1.as_str()));
    assert_eq!(entry.run_id.as_deref(), Some(run2.as_str()));
    let state = &inner(&ws)["datasource"];
    assert_eq!(state["jsonClass"], "HadoopDataSourceJobBookmarkState");
    assert_eq!(state["timestamps"]["RUN"], "2");
    assert_eq!(state["timestamps"]["HIGH_BAND"], "900000");
    assert_eq!(
        state["timestamps"]["INCLUDE_LIST"].as_str().unwrap().split(',').count(),
        2
    );
    let printed = entry.to_cli_json();
    assert!(
        printed.starts_with(
            "{\n    \"JobBookmarkEntry\": {\n        \"JobName\": \"devices-data-etl\",\n        \"Version\": 4,"
        ),
        "{printed}"
    );

    let reset = ws.reset_job_bookmark(demo::JOB_NAME, None).unwrap();
    assert_eq!(
        (reset.version, reset.run, reset.job_bookmark_string().as_str()),
        (5, 4, "")
    );
    assert!(!reset.to_cli_json().contains("RunId"), "no RunId after a reset");

    let run3 = run(&mut ws);
    let files = &ws.run(&run3).unwrap().lineage.files;
    assert!(files
        .iter()
        .all(|f| f.kind == VerdictKind::ReRead && matches!(f.reason, Reason::AfterReset { .. })));
    let rows = sink(&ws);
    assert_eq!(rows.len(), 4, "every row twice");
    assert_eq!(rows.iter().filter(|r| r.duplicate_of.is_some()).count(), 2);
    assert!(rows
        .iter()
        .filter(|r| r.duplicate_of.is_some())
        .all(|r| r.written_by.as_deref() == Some(run3.as_str())));
}

#[test]
fn rewind_to_run_one_rereads_file_two_and_the_sink_gets_it_twice() {
    let mut ws = demo::seed_workspace().unwrap();
    upload(&mut ws, 1);
    let run1 = run(&mut ws);
    let after_run1 = ws.get_job_bookmark(demo::JOB_NAME, None).unwrap().clone();
    upload(&mut ws, 2);
    let run2 = run(&mut ws);

    let rewound = ws.reset_job_bookmark(demo::JOB_NAME, Some(&run1)).unwrap();
    assert_eq!(rewound.job_bookmark_string(), after_run1.job_bookmark_string());
    assert_eq!(
        (rewound.run, rewound.run_id.clone()),
        (after_run1.run, Some(run1.clone()))
    );
    assert_eq!(rewound.version, ws.bookmark_versions(demo::JOB_NAME)[1].version + 1);
    assert_eq!(ws.get_job_bookmark(demo::JOB_NAME, Some(&run1)).unwrap(), &after_run1);

    let run3 = run(&mut ws);
    let files = &ws.run(&run3).unwrap().lineage.files;
    assert_eq!(files[0].kind, VerdictKind::Skipped);
    assert_eq!(files[0].reason, Reason::CommittedBy { run_id: run1.clone() });
    assert_eq!(files[1].kind, VerdictKind::ReRead);
    assert_eq!(
        files[1].reason,
        Reason::AfterRewind {
            to_run_id: run1.clone(),
            run_id: run2.clone()
        }
    );
    assert!(
        files[1].explanation.contains("rewound to run"),
        "{}",
        files[1].explanation
    );

    // The run's output log shows what the article's df.show() printed.
    let output: String = ws.run(&run3).unwrap().output_log().map(|e| e.message.clone()).collect();
    assert!(output.contains("| e36b7dfa|1609375822| true|"), "{output}");
    assert!(!output.contains("3ff9c44a"), "{output}");

    let rows = sink(&ws);
    assert_eq!(rows.len(), 3);
    let dup: Vec<_> = rows.iter().filter(|r| r.duplicate_of.is_some()).collect();
    assert_eq!(dup.len(), 1);
    assert_eq!(dup[0].values[0], "e36b7dfa");
    assert_eq!(
        dup[0].origin.as_ref().unwrap().source,
        format!("s3://{}/raw-data/raw-data-2.json", demo::raw_bucket())
    );
}

#[test]
fn the_same_story_gives_byte_identical_results() {
    let story = || {
        let mut ws = demo::seed_workspace().unwrap();
        upload(&mut ws, 1);
        run(&mut ws);
        upload(&mut ws, 2);
        run(&mut ws);
        ws
    };
    let (a, b) = (story(), story());
    assert_eq!(
        a.get_job_bookmark(demo::JOB_NAME, None).unwrap().to_cli_json(),
        b.get_job_bookmark(demo::JOB_NAME, None).unwrap().to_cli_json()
    );
    assert_eq!(a, b);
}

#[test]
fn seed_fixtures_are_the_articles_files() {
    assert!(seed::SCRIPT_PY.contains("transformation_ctx = 'datasource'"));
    assert!(seed::TEMPLATE_YAML.contains("--job-bookmark-option: job-bookmark-enable"));
}

#[test]
fn a_run_says_where_its_rows_went_step_by_step() {
    use gluelab_core::transform::Transform;
    let mut ws = demo::seed_workspace().unwrap();
    ws.edit_job(demo::JOB_NAME, |j| {
        j.plan.transforms = vec![
            Transform::Filter {
                predicate: "device_id = 'e36b7dfa'".into(),
            }
            .into(),
            Transform::SelectFields {
                paths: vec!["device_id".into(), "stat".into()],
            }
            .into(),
        ]
    })
    .unwrap();
    upload(&mut ws, 1);
    upload(&mut ws, 2);
    let id = run(&mut ws);
    assert_eq!(
        ws.run(&id).unwrap().row_flow(&gluelab_core::i18n::Catalog::english()),
        [
            "Read 2 rows",
            "Step 1 Filter: dropped 1 of 2 rows",
            "Step 2 SelectFields: 1 row kept (SelectFields: field stat is not in the frame; nothing selected for it)",
            "Wrote 1 row",
        ]
    );
    // The runs table's compact form: read, after each step, written.
    assert_eq!(ws.run(&id).unwrap().row_chain(), "2 → 1 → 1 → 1");
}
