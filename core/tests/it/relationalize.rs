//! Relationalize with bookmarks (GLUE-SEMANTICS.md §7.2, §9.10). AWS: "Job bookmarks are
//! implemented for ... the Relationalize transform"; with a bookmark the generated surrogate
//! key "will continue from the last position", so data processed again lands in the child
//! tables as duplicates "with different keys" (aws-samples/aws-glue-flatten-nested-json issue
//! 12). How the keys are numbered, and that a reset or rewind restores the count with the rest
//! of the entry, is *modelled*.

use gluelab_core::aws::export;
use gluelab_core::demo::relationalized::{relationalized_workspace, ITEMS_KEY, JOB_NAME, ROOT_TABLE};
use gluelab_core::model::run::RunState;
use gluelab_core::model::store::S3Uri;
use gluelab_core::transform::Transform;
use gluelab_core::{RunRequest, Workspace};

const FILE_1: &str = "{\"order_id\": 1, \"items\": [{\"sku\": \"a\", \"qty\": 1}, {\"sku\": \"b\", \"qty\": 2}]}\n{\"order_id\": 2, \"items\": []}\n";
const FILE_2: &str = "{\"order_id\": 3, \"items\": [{\"sku\": \"c\", \"qty\": 3}]}\n";

fn upload(ws: &mut Workspace, name: &str, body: &str) {
    ws.put_object(&S3Uri::new("shop-raw", format!("orders/{name}")), body.into())
        .unwrap();
}

fn run(ws: &mut Workspace) -> String {
    let id = ws.start_job_run(RunRequest::new(JOB_NAME)).unwrap();
    let run = ws.run(&id).unwrap();
    assert_eq!(run.state, RunState::Succeeded, "{:?}", run.error_message);
    id
}

/// The keys in the root table, in the order the rows were written.
fn root_keys(ws: &Workspace) -> Vec<String> {
    let (columns, rows) = ws.job_sink_rows(JOB_NAME).unwrap();
    let at = columns.iter().position(|c| c == "items").unwrap();
    rows.iter().map(|r| r.values[at].clone()).collect()
}

fn item_ids(ws: &Workspace) -> Vec<String> {
    let (columns, rows) = ws.job_sink_rows_at(JOB_NAME, 1).unwrap();
    assert_eq!(columns, ["id", "index", "items.val.sku", "items.val.qty"]);
    rows.iter().map(|r| r.values[0].clone()).collect()
}

fn two_runs() -> (Workspace, String) {
    let mut ws = relationalized_workspace().unwrap();
    upload(&mut ws, "f1.json", FILE_1);
    let first = run(&mut ws);
    upload(&mut ws, "f2.json", FILE_2);
    run(&mut ws);
    (ws, first)
}

#[test]
fn keys_continue_across_bookmarked_runs() {
    let (ws, _) = two_runs();
    assert_eq!(root_keys(&ws), ["1", "2", "3"]);
    // Order 2's empty list has a key and no item rows.
    assert_eq!(item_ids(&ws), ["1", "1", "3"]);
    let json = ws.get_job_bookmark(JOB_NAME, None).unwrap().to_cli_json();
    assert!(json.contains("\\\"lastGeneratedKey\\\":\\\"3\\\""), "{json}");
}

#[test]
fn a_reset_restarts_the_keys_so_the_copies_reuse_them() {
    let (mut ws, _) = two_runs();
    ws.reset_job_bookmark(JOB_NAME, None).unwrap();
    run(&mut ws);
    assert_eq!(root_keys(&ws), ["1", "2", "3", "1", "2", "3"]);
    let (_, rows) = ws.job_sink_rows(JOB_NAME).unwrap();
    let copies: Vec<bool> = rows
        .iter()
        .filter(|r| r.duplicate_of.is_some())
        .map(|r| r.under_new_key)
        .collect();
    assert_eq!(
        copies,
        [false, false, false],
        "same content, same keys: plain duplicates"
    );
}

#[test]
fn a_rewind_restores_the_count_the_run_committed() {
    let (mut ws, first) = two_runs();
    ws.reset_job_bookmark(JOB_NAME, Some(&first)).unwrap();
    run(&mut ws);
    assert_eq!(
        root_keys(&ws),
        ["1", "2", "3", "3"],
        "file 2 again, numbered after run 1's last key"
    );
}

#[test]
fn a_modified_file_is_written_again_under_new_keys() {
    let (mut ws, _) = two_runs();
    ws.advance_clock(20 * 60 * 1000).unwrap();
    upload(
        &mut ws,
        "f1.json",
        &format!("{FILE_1}{{\"order_id\": 4, \"items\": null}}\n"),
    );
    run(&mut ws);
    assert_eq!(
        root_keys(&ws),
        ["1", "2", "3", "4", "5", "null"],
        "a null list has no key"
    );
    let (_, rows) = ws.job_sink_rows_at(JOB_NAME, 1).unwrap();
    let new_keys = rows
        .iter()
        .filter(|r| r.duplicate_of.is_some() && r.under_new_key)
        .count();
    assert_eq!(new_keys, 2, "order 1's two items again, under key 4");
}

#[test]
fn without_a_bookmark_or_a_context_keys_restart_every_run() {
    let (mut ws, _) = two_runs();
    let id = ws
        .start_job_run(RunRequest::new(JOB_NAME).arg("--job-bookmark-option", "job-bookmark-disable"))
        .unwrap();
    assert_eq!(ws.run(&id).unwrap().state, RunState::Succeeded);
    assert_eq!(root_keys(&ws)[3..], ["1", "2", "3"]);

    let mut ws = relationalized_workspace().unwrap();
    ws.edit_job(JOB_NAME, |job| {
        if let Transform::Relationalize { transformation_ctx, .. } = &mut job.plan.transforms[0].transform {
            *transformation_ctx = None;
        }
    })
    .unwrap();
    upload(&mut ws, "f1.json", FILE_1);
    run(&mut ws);
    upload(&mut ws, "f2.json", FILE_2);
    run(&mut ws);
    // Run 2's order 3 takes key 1, which run 1 gave order 1: a join mixes their items.
    assert_eq!(root_keys(&ws), ["1", "2", "1"]);
    assert_eq!(item_ids(&ws), ["1", "1", "1"]);
}

#[test]
fn a_sink_naming_a_table_the_collection_lacks_fails_before_writing() {
    let mut ws = relationalized_workspace().unwrap();
    ws.edit_job(JOB_NAME, |job| {
        job.plan.sinks[1].collection_key = Some("orders_lines".into())
    })
    .unwrap();
    upload(&mut ws, "f1.json", FILE_1);
    let id = ws.start_job_run(RunRequest::new(JOB_NAME)).unwrap();
    let run = ws.run(&id).unwrap();
    assert_eq!(run.state, RunState::Failed);
    let message = run.error_message.clone().unwrap();
    assert!(
        message.contains("KeyError: 'orders_lines'") && message.contains("orders, orders_items"),
        "{message}"
    );
    assert!(ws.job_sink_rows(JOB_NAME).unwrap().1.is_empty(), "nothing written");
}

#[test]
fn the_export_selects_each_table_from_the_collection() {
    let ws = relationalized_workspace().unwrap();
    let script = export::pyspark_script(ws.job(JOB_NAME).unwrap());
    for line in [
        "dfc = Relationalize.apply(frame=df, staging_path=args[\"TempDir\"], name=\"orders\", transformation_ctx=\"relationalize\")",
        "df = dfc.select(\"orders\")",
        &format!("glueContext.write_dynamic_frame.from_catalog(frame=df, database=\"shop\", table_name=\"{ROOT_TABLE}\""),
        &format!("glueContext.write_dynamic_frame.from_catalog(frame=dfc.select(\"{ITEMS_KEY}\"), database=\"shop\""),
    ] {
        assert!(script.contains(line), "{line}\n{script}");
    }
    assert!(
        script.contains("getResolvedOptions(sys.argv, [\"JOB_NAME\", \"TempDir\"])"),
        "{script}"
    );
}
