//! Which listed objects a run considers and how much of them it takes: bounded execution
//! (`boundedFiles` / `boundedSize`), `exclusions` and `recurse`.
//!
//! - Bounded execution: "each ETL job run only picks unprocessed data, with an upper bound on
//!   the dataset size or the number of files ... Future job runs will process the remaining
//!   data"; it needs job bookmarks and a `transformation_ctx`
//!   (https://docs.aws.amazon.com/glue/latest/dg/bounded-execution.html). Which files come
//!   first (oldest first, then by path) and the edge the commit saves are *modelled*.
//! - `exclusions`: "a JSON list of Unix-style glob patterns to exclude", `"[\"**.pdf\"]"`
//!   excluding every PDF (the S3 connection option reference).
//! - `recurse`: Glue reads "files in child folders at the S3 location" only when it is set
//!   (Glue Studio's S3 source, "Recursive").

use gluelab_core::demo;
use gluelab_core::format::{CsvOptions, Format};
use gluelab_core::model::catalog::Table;
use gluelab_core::model::job::{JobDefinition, Listing, SourceInput};
use gluelab_core::model::lineage::{FileVerdict, Reason, VerdictKind};
use gluelab_core::model::run::{JobRun, RunState};
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};
use proptest::prelude::*;

const MINUTE: i64 = 60_000;

fn raw(key: &str) -> String {
    format!("s3://{}/raw-data/{key}", demo::raw_bucket())
}

fn put(ws: &mut Workspace, key: &str) {
    let body = format!("{{\"device_id\": \"{key}\", \"timestamp\": 1, \"state\": true}}\n");
    ws.put_object(&S3Uri::parse(&raw(key)).unwrap(), body.into_bytes())
        .unwrap();
}

/// The seed job with its one source's listing options set.
fn seed_with(listing: Listing) -> Workspace {
    let mut ws = demo::seed_workspace().unwrap();
    ws.edit_job(demo::JOB_NAME, |job| job.plan.sources[0].listing = listing)
        .unwrap();
    ws
}

fn run(ws: &mut Workspace) -> JobRun {
    let id = ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    ws.run(&id).unwrap().clone()
}

fn names(run: &JobRun, kind: VerdictKind) -> Vec<String> {
    let name = |f: &FileVerdict| f.object.rsplit('/').next().unwrap().to_string();
    let mut names: Vec<String> = run.lineage.files.iter().filter(|f| f.kind == kind).map(name).collect();
    names.sort();
    names
}

fn bounded_files(n: u64) -> Listing {
    Listing {
        bounded_files: Some(n),
        ..Listing::default()
    }
}

#[test]
fn a_bounded_run_takes_the_oldest_files_and_later_runs_take_the_rest() {
    let mut ws = seed_with(bounded_files(2));
    // 20 minutes apart: each file older than the 15-minute band (HIGH_BAND) of the next, so
    // only the saved edge keeps the ones left over readable.
    for key in ["e.json", "d.json", "c.json", "b.json", "a.json"] {
        put(&mut ws, key);
        ws.advance_clock(20 * MINUTE).unwrap();
    }
    let first = run(&mut ws);
    assert_eq!(first.state, RunState::Succeeded, "{:?}", first.error_message);
    // Oldest first: the upload order, not the names.
    assert_eq!(names(&first, VerdictKind::Read), ["d.json", "e.json"]);
    assert_eq!(names(&first, VerdictKind::Deferred), ["a.json", "b.json", "c.json"]);
    let left = first
        .lineage
        .files
        .iter()
        .find(|f| f.kind == VerdictKind::Deferred)
        .unwrap();
    assert_eq!(
        left.reason,
        Reason::OverBound {
            bound: "boundedFiles \"2\"".into()
        }
    );
    assert!(
        left.explanation.contains("a later run reads it"),
        "{}",
        left.explanation
    );

    let second = run(&mut ws);
    assert_eq!(names(&second, VerdictKind::Read), ["b.json", "c.json"]);
    assert_eq!(names(&second, VerdictKind::Skipped), ["d.json", "e.json"]);
    let third = run(&mut ws);
    assert_eq!(names(&third, VerdictKind::Read), ["a.json"]);
    let fourth = run(&mut ws);
    assert!(names(&fourth, VerdictKind::Read).is_empty());
    // Every row reached the sink once: nothing lost, nothing twice.
    let (_, rows) = ws.job_sink_rows(demo::JOB_NAME).unwrap();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.duplicate_of.is_none()));
}

/// The saved edge never moves back (*modelled*): an object S3 stamps in the past (a multipart
/// upload carries its initiation time) that a bounded run takes first must not drag the edge
/// behind what an earlier run already read, or that file would be read again.
#[test]
fn a_bounded_run_that_reads_an_object_stamped_in_the_past_keeps_its_edge() {
    let mut ws = seed_with(bounded_files(1));
    put(&mut ws, "a.json");
    ws.advance_clock(20 * MINUTE).unwrap();
    put(&mut ws, "b.json");
    ws.advance_clock(MINUTE).unwrap();
    let first = run(&mut ws);
    assert_eq!(names(&first, VerdictKind::Read), ["a.json"]);
    let edge = ws
        .get_job_bookmark(demo::JOB_NAME, None)
        .unwrap()
        .s3_state("datasource")
        .unwrap()
        .run_start_time;
    // c.json completes now but was initiated 25 minutes ago: LastModified is 5 minutes before
    // a.json's, inside the saved band and in no INCLUDE_LIST.
    let c = S3Uri::parse(&raw("c.json")).unwrap();
    let body = b"{\"device_id\": \"c\", \"timestamp\": 1, \"state\": true}\n".to_vec();
    let now = ws.clock().now();
    let stamped = ws
        .put_object_multipart(&c, body, now - (edge - 5 * MINUTE))
        .unwrap()
        .last_modified;
    // (The upload's own clock step puts it a second later.)
    assert!(
        edge - 6 * MINUTE < stamped && stamped < edge - 4 * MINUTE,
        "{stamped} vs {edge}"
    );
    let second = run(&mut ws);
    assert_eq!(names(&second, VerdictKind::Read), ["c.json"], "oldest first");
    let saved = ws
        .get_job_bookmark(demo::JOB_NAME, None)
        .unwrap()
        .s3_state("datasource")
        .unwrap()
        .run_start_time;
    assert_eq!(
        saved, edge,
        "the newest read (c) is older than the edge: the edge stays"
    );
    let third = run(&mut ws);
    assert_eq!(names(&third, VerdictKind::Read), ["b.json"]);
    assert!(!names(&third, VerdictKind::ReRead).contains(&"a.json".to_string()));
    let (_, rows) = ws.job_sink_rows(demo::JOB_NAME).unwrap();
    assert!(
        rows.iter().all(|r| r.duplicate_of.is_none()),
        "a.json was not read twice"
    );
}

#[test]
fn bounded_size_counts_bytes_and_always_takes_one_file() {
    let listing = Listing {
        bounded_size: Some(1),
        ..Listing::default()
    };
    let mut ws = seed_with(listing);
    for key in ["a.json", "b.json"] {
        put(&mut ws, key);
        ws.advance_clock(MINUTE).unwrap();
    }
    let first = run(&mut ws);
    assert_eq!(
        names(&first, VerdictKind::Read),
        ["a.json"],
        "one file even past the bound"
    );
    assert_eq!(names(&first, VerdictKind::Deferred), ["b.json"]);
    let size = ws.store().get(&S3Uri::parse(&raw("a.json")).unwrap()).unwrap().size();
    let mut ws = seed_with(Listing {
        bounded_size: Some(2 * size),
        ..Listing::default()
    });
    for key in ["a.json", "b.json", "c.json"] {
        put(&mut ws, key);
        ws.advance_clock(MINUTE).unwrap();
    }
    assert_eq!(names(&run(&mut ws), VerdictKind::Read), ["a.json", "b.json"]);
}

#[test]
fn bounded_execution_without_bookmarks_or_a_ctx_fails_the_run() {
    let mut ws = seed_with(bounded_files(1));
    put(&mut ws, "a.json");
    let id = ws
        .start_job_run(RunRequest::new(demo::JOB_NAME).arg("--job-bookmark-option", "job-bookmark-disable"))
        .unwrap();
    let disabled = ws.run(&id).unwrap();
    assert_eq!(disabled.state, RunState::Failed);
    let message = disabled.error_message.clone().unwrap();
    assert!(message.contains("job bookmarks are not enabled"), "{message}");
    ws.edit_job(demo::JOB_NAME, |job| job.plan.sources[0].transformation_ctx = None)
        .unwrap();
    let no_ctx = run(&mut ws);
    assert_eq!(no_ctx.state, RunState::Failed);
    assert!(no_ctx
        .error_message
        .unwrap()
        .contains("the source has no transformation_ctx"));
    assert!(ws.bookmark(demo::JOB_NAME).unwrap().current.states.is_empty());
}

#[test]
fn a_catalog_tables_parameters_bound_its_readers_and_a_scripts_options_win() {
    let mut ws = demo::seed_workspace().unwrap();
    let location = format!("s3://{}/raw-data", demo::raw_bucket());
    let source = ws.catalog().table(demo::DATABASE, demo::SOURCE_TABLE).unwrap().clone();
    let mut table = Table::new(
        demo::DATABASE,
        "bounded_raw",
        &location,
        Format::Json,
        source.columns.clone(),
    );
    table.parameters.insert("boundedFiles".into(), "1".into());
    table.parameters.insert("exclusions".into(), "[\"**/skip-*\"]".into());
    ws.create_table(table).unwrap();
    let job = ws.create_job_over_table(demo::DATABASE, "bounded_raw").unwrap();
    for key in ["a.json", "skip-b.json", "c.json"] {
        put(&mut ws, key);
        ws.advance_clock(MINUTE).unwrap();
    }
    let start = |ws: &mut Workspace| {
        let id = ws
            .start_job_run(RunRequest::new(&job.name).arg("--job-bookmark-option", "job-bookmark-enable"))
            .unwrap();
        ws.run(&id).unwrap().clone()
    };
    let first = start(&mut ws);
    assert_eq!(first.state, RunState::Succeeded, "{:?}", first.error_message);
    assert_eq!(names(&first, VerdictKind::Read), ["a.json"]);
    assert_eq!(names(&first, VerdictKind::Deferred), ["c.json"]);
    let excluded = first
        .lineage
        .files
        .iter()
        .find(|f| f.object.ends_with("skip-b.json"))
        .unwrap();
    assert_eq!(
        excluded.reason,
        Reason::Excluded {
            pattern: "**/skip-*".into()
        }
    );
    // The script's own option replaces the table's.
    ws.edit_job(&job.name, |job| job.plan.sources[0].listing = bounded_files(5))
        .unwrap();
    assert_eq!(names(&start(&mut ws), VerdictKind::Read), ["c.json"]);
}

#[test]
fn a_bad_table_parameter_fails_the_run_naming_the_table() {
    let mut ws = demo::seed_workspace().unwrap();
    let location = format!("s3://{}/raw-data", demo::raw_bucket());
    let mut table = Table::new(demo::DATABASE, "bad_bound", &location, Format::Json, vec![]);
    table.parameters.insert("boundedFiles".into(), "many".into());
    ws.create_table(table).unwrap();
    let job = ws.create_job_over_table(demo::DATABASE, "bad_bound").unwrap();
    let id = ws.start_job_run(RunRequest::new(&job.name)).unwrap();
    let message = ws.run(&id).unwrap().error_message.clone().unwrap();
    assert!(
        message.contains(
            "table devices_data_analystics.bad_bound, parameter boundedFiles must be a positive whole number of files"
        ),
        "{message}"
    );
}

/// An S3 path source reads only its folder's own objects unless `recurse` is set; a catalog
/// table is its whole location.
#[test]
fn without_recurse_an_s3_path_skips_its_subfolders() {
    let mut ws = demo::seed_workspace().unwrap();
    put(&mut ws, "a.json");
    put(&mut ws, "2024/b.json");
    let path_job = |recurse: bool| {
        let mut job = ws.job(demo::JOB_NAME).unwrap().clone();
        job.name = format!("path-recurse-{recurse}");
        job.plan.sources[0].input = SourceInput::S3 {
            path: format!("s3://{}/raw-data/", demo::raw_bucket()),
            format: Format::Json,
            csv: CsvOptions::default(),
        };
        job.plan.sources[0].listing.recurse = recurse;
        job
    };
    let jobs: Vec<JobDefinition> = vec![path_job(false), path_job(true)];
    for job in jobs {
        ws.create_job(job.clone()).unwrap();
        let id = ws.start_job_run(RunRequest::new(&job.name)).unwrap();
        let run = ws.run(&id).unwrap().clone();
        let expected: &[&str] = if job.plan.sources[0].listing.recurse {
            &["a.json", "b.json"]
        } else {
            &["a.json"]
        };
        assert_eq!(names(&run, VerdictKind::Read), expected, "{}", job.name);
        if !job.plan.sources[0].listing.recurse {
            let nested = run
                .lineage
                .files
                .iter()
                .find(|f| f.object.ends_with("2024/b.json"))
                .unwrap();
            assert_eq!(
                (nested.kind, &nested.reason),
                (VerdictKind::Skipped, &Reason::InSubfolder)
            );
        }
    }
    assert_eq!(
        names(&run(&mut ws), VerdictKind::Read),
        ["a.json", "b.json"],
        "the catalog job"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// However the backlog arrives (several files a minute or one every half hour, past the
    /// band; overwrites; runs between uploads),
    /// runs with `boundedFiles` read each version of each file exactly once, oldest first, at
    /// most N per run, and the backlog drains.
    #[test]
    fn a_bounded_backlog_drains_with_every_file_read_once(
        bound in 1u64..4,
        steps in proptest::collection::vec((0usize..6, 0i64..40, any::<bool>()), 1..14),
    ) {
        let mut ws = seed_with(bounded_files(bound));
        let mut uploads = 0usize;
        let mut reads = 0usize;
        for (file, minutes, run_now) in steps {
            put(&mut ws, &format!("f{file}.json"));
            uploads += 1;
            ws.advance_clock(minutes * MINUTE).unwrap();
            if run_now {
                let run = run(&mut ws);
                let read = run.lineage.files.iter().filter(|f| matches!(f.kind, VerdictKind::Read | VerdictKind::ReRead)).count();
                prop_assert!(read as u64 <= bound);
                reads += read;
            }
        }
        ws.advance_clock(MINUTE).unwrap();
        loop {
            let run = run(&mut ws);
            let read = run.lineage.files.iter().filter(|f| matches!(f.kind, VerdictKind::Read | VerdictKind::ReRead)).count();
            prop_assert!(read as u64 <= bound);
            reads += read;
            if read == 0 {
                break;
            }
        }
        // An overwrite before a run read the old version replaces it: the objects' versions
        // still there count, and each of those was read once.
        let listed = ws.store().list(&S3Uri::parse(&raw("")).unwrap()).unwrap().len();
        prop_assert!(reads >= listed, "{reads} reads for {listed} objects");
        prop_assert!(reads <= uploads);
        let (_, rows) = ws.job_sink_rows(demo::JOB_NAME).unwrap();
        prop_assert_eq!(rows.len(), reads);
    }
}
