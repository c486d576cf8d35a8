//! gluelab's "Mark as processed": users ask Glue to record files as processed without
//! processing them, and there is no API for it (`awslabs/amazon-s3-find-and-forget#291`;
//! GLUE-SEMANTICS.md §11). gluelab offers it as a labelled gluelab-only action that is exactly
//! AWS's workaround: a run whose last step drops every row, then `job.commit()`.

use gluelab_core::aws::export::mark_as_processed_script;
use gluelab_core::demo;
use gluelab_core::model::lineage::VerdictKind;
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};

fn with_both_files() -> Workspace {
    let mut ws = demo::seed_workspace().unwrap();
    for (key, body) in demo::raw_files() {
        ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.into())
            .unwrap();
    }
    ws
}

#[test]
fn marked_files_are_committed_without_a_row_written_and_the_next_run_skips_them() {
    let mut ws = with_both_files();
    let id = ws.mark_as_processed(demo::JOB_NAME).unwrap();
    let run = ws.run(&id).unwrap().clone();
    assert!(run.marks_as_processed);
    assert_eq!(run.rows_written, 0);
    assert!(run.rows_read > 0);
    assert!(run
        .log
        .iter()
        .any(|l| l.message.contains("Mark as processed (gluelab only)")));
    assert!(
        ws.job_sink_rows(demo::JOB_NAME).unwrap().1.is_empty(),
        "nothing reached the sink"
    );
    let next = ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    let kinds: Vec<VerdictKind> = ws.run(&next).unwrap().lineage.files.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [VerdictKind::Skipped, VerdictKind::Skipped]);
}

#[test]
fn the_exported_workaround_is_the_job_with_a_filter_that_drops_every_row() {
    let ws = with_both_files();
    let job = ws.job(demo::JOB_NAME).unwrap();
    let script = mark_as_processed_script(job);
    assert!(script.contains("# Mark as processed: AWS Glue has no API"), "{script}");
    assert!(script.contains(".filter(\"false\")"), "{script}");
    assert!(script.contains("job.commit()"), "{script}");
    // The filter comes last, after the job's own steps and before its sinks write.
    let filter = script.find(".filter(\"false\")").unwrap();
    let write = script.find("write_dynamic_frame").unwrap();
    assert!(filter < write, "{script}");
    assert_eq!(
        script.replace(
            &script[script.find("# Mark").unwrap()..script.find("import sys").unwrap()],
            ""
        ),
        gluelab_core::aws::export::pyspark_script(&{
            let mut marked = job.clone();
            marked.plan = job.plan.marking_as_processed();
            marked
        }),
        "the job's own script plus the filter, nothing else"
    );
}
