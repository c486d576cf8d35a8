//! Renamed and changed contexts. Glue keys each source's state by its `transformation_ctx`:
//! renaming it starts a new state, so the next run reads everything again, and the old state
//! stays in the bookmark (GLUE-SEMANTICS.md §9.7, programming-etl-connect-bookmarks). That a
//! changed path or format under the same ctx also starts a new state is *modelled*.

use gluelab_core::demo;
use gluelab_core::format::Format;
use gluelab_core::model::job::SourceInput;
use gluelab_core::model::lineage::{Reason, VerdictKind};
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};

fn seed_after_one_run() -> (Workspace, String) {
    let mut ws = demo::seed_workspace().unwrap();
    for (key, body) in demo::raw_files() {
        ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.into())
            .unwrap();
    }
    ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    let ctx = ws.job(demo::JOB_NAME).unwrap().plan.sources[0]
        .transformation_ctx
        .clone()
        .unwrap();
    (ws, ctx)
}

fn kinds_of_last_run(ws: &mut Workspace) -> Vec<VerdictKind> {
    let id = ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    ws.run(&id).unwrap().lineage.files.iter().map(|f| f.kind).collect()
}

fn last_reasons(ws: &Workspace) -> Vec<Reason> {
    let run = ws.runs_of(demo::JOB_NAME).last().unwrap();
    run.lineage.files.iter().map(|f| f.reason.clone()).collect()
}

#[test]
fn a_renamed_context_reads_everything_again_and_orphans_the_old_state() {
    let (mut ws, old) = seed_after_one_run();
    ws.edit_job(demo::JOB_NAME, |job| {
        job.plan.sources[0].transformation_ctx = Some("renamed".into())
    })
    .unwrap();
    let kinds = kinds_of_last_run(&mut ws);
    assert!(kinds.iter().all(|k| *k == VerdictKind::ReRead), "{kinds:?}");
    // Each file says it was committed under the old name.
    assert!(
        last_reasons(&ws)
            .iter()
            .all(|r| matches!(r, Reason::UnderAnotherContext { ctx, .. } if *ctx == old)),
        "{:?}",
        last_reasons(&ws)
    );
    let json = ws.get_job_bookmark(demo::JOB_NAME, None).unwrap().to_cli_json();
    assert!(json.contains(&format!("\\\"{old}\\\"")), "the old state stays: {json}");
    assert!(json.contains("\\\"renamed\\\""), "{json}");
    // Unchanged from here on: the renamed state is used.
    assert!(kinds_of_last_run(&mut ws).iter().all(|k| *k == VerdictKind::Skipped));
}

#[test]
fn a_context_whose_source_moved_starts_a_new_state() {
    let (mut ws, _) = seed_after_one_run();
    // The same files, read from the same place as an S3 path instead of through the table.
    let location = ws
        .catalog()
        .table(demo::DATABASE, demo::SOURCE_TABLE)
        .unwrap()
        .location
        .clone();
    ws.edit_job(demo::JOB_NAME, |job| {
        job.plan.sources[0].input = SourceInput::S3 {
            path: location.clone(),
            format: Format::Json,
            csv: Default::default(),
        }
    })
    .unwrap();
    let kinds = kinds_of_last_run(&mut ws);
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| *k != VerdictKind::Skipped),
        "{kinds:?}"
    );
    assert!(kinds_of_last_run(&mut ws).iter().all(|k| *k == VerdictKind::Skipped));
}

/// `--datalake-formats iceberg`: the editor warns that Iceberg tables are never bookmarked.
#[test]
fn a_data_lake_format_argument_warns_that_its_tables_are_not_bookmarked() {
    let ws = demo::seed_workspace().unwrap();
    let mut job = ws.job(demo::JOB_NAME).unwrap().clone();
    job.default_arguments
        .insert("--datalake-formats".into(), "iceberg".into());
    let problems = ws.validate_job(&job, &gluelab_core::i18n::Catalog::english());
    let warning = problems
        .iter()
        .find(|p| p.field == "default_arguments.--datalake-formats")
        .unwrap_or_else(|| panic!("{problems:#?}"));
    assert!(warning
        .message
        .starts_with("job bookmarks are not supported for Apache Iceberg tables"));
}
