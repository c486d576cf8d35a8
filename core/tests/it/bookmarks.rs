//! Job-bookmark behaviours, each told as a user's story on the seed workspace.

use gluelab_core::demo;
use gluelab_core::format::{CsvOptions, Format, ParseMode};
use gluelab_core::model::clock::parse_duration;
use gluelab_core::model::job::SinkMode;
use gluelab_core::model::lineage::{Reason, VerdictKind};
use gluelab_core::model::run::{FailurePoint, RunState};
use gluelab_core::model::store::S3Uri;
use gluelab_core::{Error, RunRequest, Workspace};

fn ws() -> Workspace {
    demo::seed_workspace().unwrap()
}

fn put(ws: &mut Workspace, name: &str, body: &str) {
    ws.put_object(
        &S3Uri::new(demo::raw_bucket(), format!("raw-data/{name}")),
        body.as_bytes().to_vec(),
    )
    .unwrap();
}

fn seed_files(ws: &mut Workspace) {
    put(ws, "raw-data-1.json", demo::seed::RAW_DATA_1);
    put(ws, "raw-data-2.json", demo::seed::RAW_DATA_2);
}

fn start(ws: &mut Workspace, request: RunRequest) -> String {
    ws.start_job_run(request).unwrap()
}

fn run(ws: &mut Workspace) -> String {
    start(ws, RunRequest::new(demo::JOB_NAME))
}

fn kinds(ws: &Workspace, id: &str) -> Vec<VerdictKind> {
    ws.run(id).unwrap().lineage.files.iter().map(|f| f.kind).collect()
}

fn sink_len(ws: &Workspace) -> (usize, usize) {
    let location = format!("s3://{}/integrated-data", demo::analytics_bucket());
    let rows = ws.sink_rows(&location, Format::Json, &CsvOptions::default()).unwrap().1;
    (rows.len(), rows.iter().filter(|r| r.duplicate_of.is_some()).count())
}

fn version(ws: &Workspace) -> (u64, u64, String) {
    let e = ws.get_job_bookmark(demo::JOB_NAME, None).unwrap();
    (e.version, e.run, e.job_bookmark_string())
}

#[test]
fn disable_reads_everything_every_time_and_saves_nothing() {
    let mut ws = ws();
    seed_files(&mut ws);
    let disable = || RunRequest::new(demo::JOB_NAME).arg("--job-bookmark-option", "job-bookmark-disable");
    let first = start(&mut ws, disable());
    let second = start(&mut ws, disable());
    assert_eq!(kinds(&ws, &first), [VerdictKind::Read, VerdictKind::Read]);
    assert!(ws
        .run(&second)
        .unwrap()
        .lineage
        .files
        .iter()
        .all(|f| f.reason == Reason::BookmarkDisabled));
    assert_eq!(version(&ws), (0, 1, String::new()));
    assert_eq!(sink_len(&ws), (4, 2));
}

#[test]
fn a_source_without_transformation_ctx_is_never_bookmarked() {
    let mut ws = ws();
    ws.edit_job(demo::JOB_NAME, |j| j.plan.sources[0].transformation_ctx = None)
        .unwrap();
    seed_files(&mut ws);
    run(&mut ws);
    let second = run(&mut ws);
    let files = &ws.run(&second).unwrap().lineage.files;
    assert!(files
        .iter()
        .all(|f| f.kind == VerdictKind::Read && f.reason == Reason::NoTransformationCtx));
    assert!(files[0].explanation.contains("no transformation_ctx"));
    assert_eq!(version(&ws).2, "", "no state entry without a ctx");
    assert_eq!(sink_len(&ws), (4, 2));
}

#[test]
fn pause_reads_the_delta_again_and_again_without_saving() {
    let mut ws = ws();
    put(&mut ws, "raw-data-1.json", demo::seed::RAW_DATA_1);
    run(&mut ws);
    put(&mut ws, "raw-data-2.json", demo::seed::RAW_DATA_2);
    let before = version(&ws);
    let pause = || RunRequest::new(demo::JOB_NAME).arg("--job-bookmark-option", "job-bookmark-pause");
    let p1 = start(&mut ws, pause());
    let p2 = start(&mut ws, pause());
    assert_eq!(kinds(&ws, &p1), [VerdictKind::Skipped, VerdictKind::Read]);
    assert_eq!(kinds(&ws, &p2), [VerdictKind::Skipped, VerdictKind::ReRead]);
    assert_eq!(
        ws.run(&p2).unwrap().lineage.files[1].reason,
        Reason::NotCommitted { run_id: p1 }
    );
    assert_eq!(version(&ws), before, "pause never changes the bookmark");
}

#[test]
fn pause_from_to_replays_what_the_runs_in_between_processed() {
    let mut ws = ws();
    put(&mut ws, "a.json", demo::seed::RAW_DATA_1);
    let r1 = run(&mut ws);
    put(&mut ws, "b.json", demo::seed::RAW_DATA_2);
    let r2 = run(&mut ws);
    put(&mut ws, "c.json", demo::seed::RAW_DATA_2);
    run(&mut ws);
    let replay = start(
        &mut ws,
        RunRequest::new(demo::JOB_NAME)
            .arg("--job-bookmark-option", "job-bookmark-pause")
            .arg("--job-bookmark-from", &r1)
            .arg("--job-bookmark-to", &r2),
    );
    // a.json was processed up to and including r1: ignored; b.json by r2: read; c.json after r2: excluded.
    assert_eq!(
        kinds(&ws, &replay),
        [VerdictKind::Skipped, VerdictKind::ReRead, VerdictKind::Skipped]
    );
    let excluded = &ws.run(&replay).unwrap().lineage.files[2];
    assert_eq!(excluded.reason, Reason::AfterReplayEnd { to_run_id: r2 });
    assert!(
        excluded.explanation.contains("--job-bookmark-to"),
        "{}",
        excluded.explanation
    );
}

#[test]
fn a_failure_before_the_write_leaves_the_bookmark_and_the_next_run_reads_the_file() {
    let mut ws = ws();
    seed_files(&mut ws);
    let failed = start(
        &mut ws,
        RunRequest::new(demo::JOB_NAME).fail_at(FailurePoint::BeforeWrite),
    );
    let failed_run = ws.run(&failed).unwrap();
    assert_eq!(failed_run.state, RunState::Failed);
    assert!(failed_run
        .error_message
        .as_deref()
        .unwrap()
        .contains("before the write"));
    let entry = ws.get_job_bookmark(demo::JOB_NAME, None).unwrap();
    assert_eq!(
        (entry.job_bookmark_string().as_str(), entry.attempt),
        ("", 1),
        "no state, attempt noted"
    );
    assert_eq!(sink_len(&ws), (0, 0));
    let next = run(&mut ws);
    assert_eq!(kinds(&ws, &next), [VerdictKind::ReRead, VerdictKind::ReRead]);
    assert_eq!(
        ws.run(&next).unwrap().lineage.files[0].reason,
        Reason::NotCommitted { run_id: failed }
    );
    assert_eq!(ws.get_job_bookmark(demo::JOB_NAME, None).unwrap().attempt, 0);
    assert_eq!(sink_len(&ws), (2, 0));
}

#[test]
fn a_failure_after_the_write_and_a_retry_duplicate_the_output() {
    let mut ws = ws();
    ws.edit_job(demo::JOB_NAME, |j| j.max_retries = 1).unwrap();
    seed_files(&mut ws);
    let first = start(
        &mut ws,
        RunRequest::new(demo::JOB_NAME).fail_at(FailurePoint::BeforeCommit),
    );
    assert_eq!(ws.run(&first).unwrap().state, RunState::Failed);
    let retry = ws.runs().last().unwrap();
    assert_eq!(
        (retry.attempt, retry.previous_run_id.as_deref(), retry.state),
        (1, Some(first.as_str()), RunState::Succeeded)
    );
    assert_eq!(
        sink_len(&ws),
        (4, 2),
        "the failed attempt's output stays, the retry writes it again"
    );
}

#[test]
fn a_script_without_job_commit_never_advances() {
    let mut ws = ws();
    ws.edit_job(demo::JOB_NAME, |j| j.plan.commits = false).unwrap();
    seed_files(&mut ws);
    run(&mut ws);
    let second = run(&mut ws);
    assert_eq!(kinds(&ws, &second), [VerdictKind::ReRead, VerdictKind::ReRead]);
    assert!(ws
        .run(&second)
        .unwrap()
        .log
        .iter()
        .any(|e| e.message.contains("does not call job.commit()")));
    assert_eq!(version(&ws).2, "");
}

#[test]
fn a_modified_file_is_read_again_in_full() {
    let mut ws = ws();
    put(&mut ws, "devices.json", demo::seed::RAW_DATA_1);
    let first = run(&mut ws);
    let both = format!("{}{}", demo::seed::RAW_DATA_1, demo::seed::RAW_DATA_2);
    put(&mut ws, "devices.json", &both);
    let second = run(&mut ws);
    let file = &ws.run(&second).unwrap().lineage.files[0];
    assert_eq!(
        (file.kind, &file.reason, file.rows),
        (VerdictKind::ReRead, &Reason::ModifiedSince { run_id: first }, 2)
    );
    assert_eq!(
        sink_len(&ws),
        (3, 1),
        "the unchanged first line is duplicated downstream"
    );
}

#[test]
fn files_that_arrive_during_a_run_are_deferred_to_the_next() {
    let mut ws = ws();
    put(&mut ws, "raw-data-1.json", demo::seed::RAW_DATA_1);
    let running = ws.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    put(&mut ws, "raw-data-2.json", demo::seed::RAW_DATA_2);
    ws.finish_job_run(&running).unwrap();
    assert_eq!(kinds(&ws, &running), [VerdictKind::Read, VerdictKind::Deferred]);
    let next = run(&mut ws);
    assert_eq!(kinds(&ws, &next), [VerdictKind::Skipped, VerdictKind::Read]);
}

#[test]
fn a_second_run_while_one_is_running_exceeds_max_concurrent_runs() {
    let mut ws = ws();
    let running = ws.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    let err = ws.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap_err();
    assert!(matches!(err, Error::ConcurrentRunsExceeded { max: 1, .. }), "{err}");
    ws.stop_job_run(&running).unwrap();
    assert_eq!(ws.run(&running).unwrap().state, RunState::Stopped);
    assert!(ws.stop_job_run(&running).is_err());
    run(&mut ws);
}

#[test]
fn after_the_band_passes_old_files_are_skipped_by_time_alone() {
    let mut ws = ws();
    put(&mut ws, "raw-data-1.json", demo::seed::RAW_DATA_1);
    let first = run(&mut ws);
    ws.advance_clock(parse_duration("16m").unwrap()).unwrap();
    let second = run(&mut ws);
    let file = &ws.run(&second).unwrap().lineage.files[0];
    assert_eq!(
        (file.kind, &file.reason),
        (VerdictKind::Skipped, &Reason::CommittedBy { run_id: first })
    );
    assert_eq!(
        version(&ws).2.matches("INCLUDE_LIST\":\"\"").count(),
        1,
        "the band is empty now"
    );
}

#[test]
fn bad_arguments_fail_the_run_with_glues_message_and_save_nothing() {
    let mut ws = ws();
    seed_files(&mut ws);
    let id = start(
        &mut ws,
        RunRequest::new(demo::JOB_NAME).arg("--job-bookmark-option", "job-bookmark-on"),
    );
    let run = ws.run(&id).unwrap();
    assert_eq!(run.state, RunState::Failed);
    assert!(run
        .error_message
        .as_deref()
        .unwrap()
        .contains("invalid choice: 'job-bookmark-on'"));
    assert_eq!(version(&ws), (0, 1, String::new()));
    let mut ws2 = ws.clone();
    ws2.edit_job(demo::JOB_NAME, |j| {
        j.default_arguments.remove("--SRC_GLUE_TABLE_NAME");
    })
    .unwrap();
    let id = start(&mut ws2, RunRequest::new(demo::JOB_NAME));
    assert_eq!(
        ws2.run(&id).unwrap().error_message.as_deref(),
        Some("awsglue.utils.GlueArgumentError: the following arguments are required: --SRC_GLUE_TABLE_NAME")
    );
    assert!(matches!(
        ws.start_job_run(RunRequest::new("nope")),
        Err(Error::EntityNotFound(_))
    ));
}

#[test]
fn failfast_names_the_file_line_and_field_and_keeps_the_bookmark() {
    let mut ws = ws();
    ws.edit_job(demo::JOB_NAME, |j| j.plan.sources[0].mode = ParseMode::FailFast)
        .unwrap();
    put(&mut ws, "ok.json", demo::seed::RAW_DATA_1);
    run(&mut ws);
    let before = version(&ws).2;
    put(&mut ws, "bad.json", "{\"device_id\": \"a\", \"timestamp\": 1, \"state\": true}\n{\"device_id\": \"b\", \"timestamp\": \"soon\", \"state\": true}\n");
    let id = run_allowing_failure(&mut ws);
    let message = ws.run(&id).unwrap().error_message.clone().unwrap();
    assert!(
        message.contains("raw-data/bad.json") && message.contains("line 2") && message.contains("timestamp"),
        "{message}"
    );
    assert_eq!(version(&ws).2, before);
    // The file that stopped the run is FAILED in its lineage, not READ.
    let files = &ws.run(&id).unwrap().lineage.files;
    let bad = files.iter().find(|f| f.object.ends_with("bad.json")).unwrap();
    assert_eq!(bad.kind, VerdictKind::Failed, "{}", bad.explanation);
    assert!(bad.explanation.contains("Reading it failed"), "{}", bad.explanation);
}

fn run_allowing_failure(ws: &mut Workspace) -> String {
    ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap()
}

#[test]
fn overwrite_and_merge_sinks_do_not_duplicate_after_a_reset() {
    for mode in [
        SinkMode::Overwrite,
        SinkMode::MergeOnKey {
            keys: vec!["device_id".into()],
        },
    ] {
        let mut ws = ws();
        ws.edit_job(demo::JOB_NAME, |j| j.plan.sinks[0].mode = mode.clone())
            .unwrap();
        put(&mut ws, "raw-data-1.json", demo::seed::RAW_DATA_1);
        run(&mut ws);
        put(&mut ws, "raw-data-2.json", demo::seed::RAW_DATA_2);
        run(&mut ws);
        ws.reset_job_bookmark(demo::JOB_NAME, None).unwrap();
        run(&mut ws);
        assert_eq!(sink_len(&ws), (2, 0), "{mode:?}: one row per device, no duplicates");
    }
}

#[test]
fn a_large_prefix_lists_only_what_changed_since_the_band() {
    let mut ws = ws();
    let many = gluelab_core::engine::ITEMISE_LIMIT + 5;
    for n in 0..many {
        put(&mut ws, &format!("old-{n:05}.json"), demo::seed::RAW_DATA_1);
    }
    let first = run(&mut ws);
    assert_eq!(ws.run(&first).unwrap().lineage.files.len(), many);
    ws.advance_clock(parse_duration("16m").unwrap()).unwrap();
    run(&mut ws);
    put(&mut ws, "new-1.json", demo::seed::RAW_DATA_2);
    put(&mut ws, "new-2.json", demo::seed::RAW_DATA_2);
    let third = run(&mut ws);
    let files = &ws.run(&third).unwrap().lineage.files;
    assert_eq!(files.len(), 2, "older objects are not itemised past the limit");
    assert!(ws.run(&third).unwrap().lineage.older_not_itemised);
    assert!(files
        .iter()
        .all(|f| f.kind == VerdictKind::Read && f.object.contains("/new-")));
    assert_eq!(ws.run(&third).unwrap().rows_read, 2);
}

#[test]
fn a_run_reports_its_progress_file_by_file_and_skipped_files_do_not_count() {
    use gluelab_core::engine::{ProgressStage, RunProgress};
    let mut ws = ws();
    seed_files(&mut ws);
    run(&mut ws);
    put(&mut ws, "raw-data-3.json", demo::seed::RAW_DATA_2);
    let id = ws.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    let mut seen: Vec<RunProgress> = vec![];
    ws.finish_job_run_observed(&id, &mut |p| seen.push(*p)).unwrap();
    let stages: Vec<ProgressStage> = seen.iter().map(|p| p.stage).collect();
    assert_eq!(stages.first(), Some(&ProgressStage::Selecting));
    assert_eq!(stages.last(), Some(&ProgressStage::Committing));
    let last = seen.last().unwrap();
    // Only the new file is read; the two bookmarked ones are skipped and not counted.
    assert_eq!((last.objects_done, last.objects_total), (1, 1));
    assert_eq!(last.bytes_done, demo::seed::RAW_DATA_2.len() as u64);
    assert_eq!(last.bytes_done, last.bytes_total);
    assert_eq!(ws.run(&id).unwrap().state, RunState::Succeeded);
}

#[test]
fn a_multipart_upload_that_started_before_the_band_is_a_late_arrival_missed_for_good() {
    let mut ws = ws();
    seed_files(&mut ws);
    run(&mut ws);
    let uri = |name: &str| S3Uri::new(demo::raw_bucket(), format!("raw-data/{name}"));
    let min = |text: &str| parse_duration(text).unwrap();
    // Started 20 minutes ago, before the committed run's band (CURR_RUN_START_TIME − 15 min).
    ws.put_object_multipart(
        &uri("late.json"),
        demo::seed::RAW_DATA_2.as_bytes().to_vec(),
        min("20m"),
    )
    .unwrap();
    // Started a minute ago: inside the band and not in INCLUDE_LIST, so still read.
    let object = ws
        .put_object_multipart(&uri("slow.json"), demo::seed::RAW_DATA_1.as_bytes().to_vec(), min("1m"))
        .unwrap();
    assert!(object.etag.ends_with("-1\""), "a multipart ETag: {}", object.etag);
    let id = run(&mut ws);
    let verdicts = &ws.run(&id).unwrap().lineage.files;
    let of = |name: &str| verdicts.iter().find(|f| f.object.ends_with(name)).unwrap();
    assert_eq!(
        (of("late.json").kind, &of("late.json").reason),
        (VerdictKind::Skipped, &Reason::LateArrival)
    );
    assert!(of("late.json").explanation.contains("a late arrival"));
    assert_eq!(
        (of("slow.json").kind, &of("slow.json").reason),
        (VerdictKind::Read, &Reason::New)
    );
    // The multipart ETag survives a snapshot (its check knows both ETag forms).
    let back = gluelab_core::snapshot::load(&gluelab_core::snapshot::save(&ws)).unwrap();
    assert_eq!(back, ws);
    assert!(ws
        .put_object_multipart(&uri("future.json"), b"{}".to_vec(), -1)
        .is_err());
}

#[test]
fn a_malformed_line_read_permissively_reaches_the_sink_with_its_raw_text() {
    let mut ws = ws();
    put(
        &mut ws,
        "raw-data-1.json",
        "{\"device_id\":\"d1\",\"timestamp\":1,\"state\":true}\n{not json\n",
    );
    run(&mut ws);
    let (columns, rows) = ws.job_sink_rows(demo::JOB_NAME).unwrap();
    let corrupt = columns
        .iter()
        .position(|c| c == "_corrupt_record")
        .expect("the column is written");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].values[corrupt], "null");
    assert_eq!(rows[1].values[corrupt], "{not json");
    assert_eq!(rows[1].origin.as_ref().unwrap().line, 2);
}

#[test]
fn each_bookmark_version_says_what_changed_from_the_one_before() {
    let mut ws = ws();
    seed_files(&mut ws);
    let first = run(&mut ws);
    let history = &ws.bookmark(demo::JOB_NAME).unwrap().history;
    // job.init reads the entry (Version 1), job.commit() saves it (Version 2).
    let (before, after) = (&history[0].1, &history[1].1);
    let changes = after.changes_since(before);
    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    assert!(fields.contains(&"Version") && fields.contains(&"RunId"), "{fields:?}");
    let run_id = changes.iter().find(|c| c.field == "RunId").unwrap();
    assert_eq!(
        (run_id.before.as_deref(), run_id.after.as_deref()),
        (None, Some(first.as_str()))
    );
    assert!(
        fields.contains(&"JobBookmark.datasource.timestamps.CURR_RUN_START_TIME"),
        "{fields:?}"
    );
    ws.reset_job_bookmark(demo::JOB_NAME, None).unwrap();
    let history = &ws.bookmark(demo::JOB_NAME).unwrap().history;
    let reset = history[history.len() - 1]
        .1
        .changes_since(&history[history.len() - 2].1);
    let gone = reset
        .iter()
        .find(|c| c.field == "JobBookmark.datasource.timestamps.INCLUDE_LIST")
        .unwrap();
    assert_eq!(gone.after, None, "a reset drops the state");
}
