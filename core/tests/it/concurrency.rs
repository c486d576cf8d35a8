//! Runs of one job at once. Overlapping runs of a bookmarked job make the later commit fail
//! with a version mismatch (GLUE_JOB_BOOKMARK_VERSION_MISMATCH_ERROR; GLUE-SEMANTICS.md §9.5);
//! with `JobRunQueuingEnabled` a run over MaxConcurrentRuns waits instead of being refused
//! (the Job structure in aws-glue-api-jobs; GLUE-SEMANTICS.md §11), and a queued run starts
//! only when the running one ended, so it reads what that one committed.

use gluelab_core::demo::{self, examples};
use gluelab_core::model::lineage::{Reason, VerdictKind};
use gluelab_core::model::run::RunState;
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};

fn with_file_1(max_concurrent_runs: u32, queuing: bool) -> Workspace {
    let mut ws = demo::seed_workspace().unwrap();
    ws.edit_job(demo::JOB_NAME, |job| {
        job.max_concurrent_runs = max_concurrent_runs;
        job.job_run_queuing_enabled = queuing;
    })
    .unwrap();
    let (key, body) = demo::raw_files()[0];
    ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.into())
        .unwrap();
    ws
}

#[test]
fn a_queued_run_waits_then_reads_what_the_first_committed() {
    let mut ws = with_file_1(1, true);
    let outcome = ws
        .apply_tour_step(
            &gluelab_core::i18n::Catalog::english(),
            demo::JOB_NAME,
            &examples::TourAction::OverlappingRuns,
        )
        .unwrap();
    assert!(outcome.contains("waited in the queue"), "{outcome}");
    let runs: Vec<_> = ws.runs_of(demo::JOB_NAME).cloned().collect();
    assert_eq!(
        runs.iter().map(|r| r.state).collect::<Vec<_>>(),
        [RunState::Succeeded; 2]
    );
    assert_eq!(runs[1].lineage.files[0].kind, VerdictKind::Skipped);
    assert!(matches!(&runs[1].lineage.files[0].reason, Reason::CommittedBy { run_id } if *run_id == runs[0].id));
    let (_, rows) = ws.job_sink_rows(demo::JOB_NAME).unwrap();
    assert!(
        rows.iter().all(|r| r.duplicate_of.is_none()),
        "queued runs write no duplicates"
    );
}

#[test]
fn a_waiting_run_shows_as_waiting_until_the_running_one_ends() {
    let mut ws = with_file_1(1, true);
    let first = ws.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    let second = ws.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    assert_eq!(ws.run(&second).unwrap().state, RunState::Waiting);
    assert!(
        ws.finish_job_run(&second).is_err(),
        "a waiting run cannot be driven yet"
    );
    ws.finish_job_run(&first).unwrap();
    assert_eq!(ws.run(&second).unwrap().state, RunState::Running);
    ws.finish_job_run(&second).unwrap();
    assert_eq!(ws.run(&second).unwrap().state, RunState::Succeeded);
}

#[test]
fn without_queuing_the_run_over_the_limit_is_refused_and_nothing_changes() {
    let mut ws = with_file_1(1, false);
    let first = ws.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    let e = ws.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap_err();
    assert!(e.to_string().starts_with("ConcurrentRunsExceededException"), "{e}");
    assert_eq!(ws.runs_of(demo::JOB_NAME).count(), 1);
    ws.finish_job_run(&first).unwrap();
}

#[test]
fn a_reset_while_a_run_is_running_fails_its_commit() {
    let mut ws = with_file_1(1, false);
    ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    let running = ws.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    ws.reset_job_bookmark(demo::JOB_NAME, None).unwrap();
    ws.finish_job_run(&running).unwrap();
    let run = ws.run(&running).unwrap();
    assert_eq!(run.state, RunState::Failed);
    assert!(
        run.error_message.as_deref().unwrap().contains("(it was reset;"),
        "{:?}",
        run.error_message
    );
}
