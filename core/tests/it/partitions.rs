//! Partitioned catalog sources: which partitions a run lists and what the bookmark does inside
//! them.
//!
//! - "AWS Glue tracks which partitions the job has processed successfully"; inside them the
//!   bookmark is the usual per-file rule, so a new or modified file in an old partition is read
//!   (monitor-continuations; GLUE-SEMANTICS.md §1.4).
//! - `push_down_predicate` "filters partitions without having to list and read all the files
//!   in your dataset"; `catalogPartitionPredicate` does so in the catalog, with a partition index
//!   (aws-glue-programming-etl-partitions, "Pre-filtering using pushdown predicates" and
//!   "Server-side filtering using catalog partition predicates"). gluelab evaluates both with
//!   its own SQL engine (*modelled*).
//! - A catalog read lists the partitions the catalog holds; new partition folders need a
//!   crawler, `MSCK REPAIR TABLE` or `BatchCreatePartition` (Athena's and Glue's partition
//!   guides). That a file registered after the bookmark's low edge passed it is missed is
//!   *modelled*: it follows from the per-file rule.

use gluelab_core::demo::examples;
use gluelab_core::model::lineage::Reason;
use gluelab_core::model::run::{JobRun, RunState};
use gluelab_core::model::store::S3Uri;
use gluelab_core::{snapshot, RunRequest, Workspace};

const JOB: &str = "orders-2026-etl";
const MINUTE: i64 = 60_000;

fn lake() -> Workspace {
    examples::load("partitioned-orders").unwrap()
}

fn put(ws: &mut Workspace, key: &str, body: &str) {
    ws.put_object(&S3Uri::new("sales-lake", format!("orders/{key}")), body.into())
        .unwrap();
}

fn run(ws: &mut Workspace) -> JobRun {
    let id = ws.start_job_run(RunRequest::new(JOB)).unwrap();
    ws.run(&id).unwrap().clone()
}

fn reason_of<'a>(run: &'a JobRun, key: &str) -> &'a Reason {
    &run.lineage
        .files
        .iter()
        .find(|f| f.object.ends_with(key))
        .unwrap_or_else(|| panic!("{key} in {:#?}", run.lineage.files))
        .reason
}

fn predicates(ws: &mut Workspace, push_down: Option<&str>, catalog: Option<&str>) {
    ws.edit_job(JOB, |job| {
        let listing = &mut job.plan.sources[0].listing;
        listing.push_down_predicate = push_down.map(str::to_string);
        listing.catalog_partition_predicate = catalog.map(str::to_string);
    })
    .unwrap();
}

#[test]
fn a_partition_registered_after_the_band_has_passed_its_files_is_missed() {
    let mut ws = lake();
    run(&mut ws);
    put(&mut ws, "year=2026/month=02/a.json", "{\"order_id\": 1}\n");
    ws.advance_clock(MINUTE).unwrap();
    let unregistered = run(&mut ws);
    assert!(matches!(
        reason_of(&unregistered, "month=02/a.json"),
        Reason::NotARegisteredPartition { folder: Some(f) } if f == "year=2026/month=02/"
    ));
    // Registered 20 minutes later: the file is older than the bookmark's low edge.
    ws.advance_clock(20 * MINUTE).unwrap();
    run(&mut ws);
    ws.repair_partitions("lake", "orders").unwrap();
    let late = run(&mut ws);
    assert_eq!(reason_of(&late, "month=02/a.json"), &Reason::LateArrival);
}

#[test]
fn both_predicates_prune_and_each_verdict_names_the_one_that_did() {
    let mut ws = lake();
    put(&mut ws, "year=2026/month=02/a.json", "{\"order_id\": 1}\n");
    ws.repair_partitions("lake", "orders").unwrap();
    predicates(&mut ws, Some("year = '2026'"), Some("month <> '01'"));
    let first = run(&mut ws);
    assert_eq!(first.state, RunState::Succeeded, "{:?}", first.error_message);
    let pruned_by = |key: &str| match reason_of(&first, key) {
        Reason::PartitionPruned { option, .. } => option.clone(),
        other => panic!("{key}: {other:?}"),
    };
    assert_eq!(pruned_by("month=12/orders-1.json"), "push_down_predicate");
    assert_eq!(pruned_by("month=01/orders-1.json"), "catalogPartitionPredicate");
    assert_eq!(reason_of(&first, "month=02/a.json"), &Reason::New);
    // A pruned file is not "already read": dropping the predicate reads it (within the band).
    predicates(&mut ws, None, None);
    let second = run(&mut ws);
    assert_eq!(reason_of(&second, "month=01/orders-1.json"), &Reason::New);
    assert!(matches!(
        reason_of(&second, "month=02/a.json"),
        Reason::CommittedBy { .. }
    ));
}

#[test]
fn a_bad_predicate_fails_the_run_naming_it_and_saves_nothing() {
    for (push_down, message) in [
        ("amount > 1", "Column 'amount' cannot be resolved"),
        ("year = ", "SYNTAX_ERROR"),
    ] {
        let mut ws = lake();
        predicates(&mut ws, Some(push_down), None);
        let problems = ws.validate_job(ws.job(JOB).unwrap(), &gluelab_core::i18n::Catalog::english());
        assert_eq!(problems[0].field, "sources[0].push_down_predicate", "{problems:#?}");
        let failed = run(&mut ws);
        assert_eq!(failed.state, RunState::Failed);
        let error = failed.error_message.unwrap();
        assert!(error.contains(&format!("push_down_predicate {push_down:?}")), "{error}");
        assert!(error.contains(message), "{error}");
        let entry = ws.get_job_bookmark(JOB, None).ok();
        assert!(
            entry.and_then(|e| e.s3_state("orders").cloned()).is_none(),
            "no state saved"
        );
    }
}

#[test]
fn a_crawler_registers_the_partitions_it_finds_and_rows_carry_typed_keys() {
    let mut ws = Workspace::default();
    ws.create_bucket("logs").unwrap();
    for day in ["01", "02"] {
        let uri = S3Uri::new("logs", format!("events/day={day}/e.json"));
        ws.put_object(&uri, b"{\"n\": 1}\n".to_vec()).unwrap();
    }
    let table = ws
        .make_table_from_object(&S3Uri::new("logs", "events/day=01/e.json"), None)
        .unwrap();
    assert_eq!(table.partitions.len(), 2, "{table:#?}");
    // A third day arrives: the crawler run again over it registers it too.
    let third = S3Uri::new("logs", "events/day=03/e.json");
    ws.put_object(&third, b"{\"n\": 2}\n".to_vec()).unwrap();
    let table = ws.make_table_from_object(&third, None).unwrap();
    assert_eq!(table.partitions.len(), 3);
    let result = ws
        .query(
            "SELECT day, sum(n) FROM events GROUP BY day ORDER BY day",
            Some(&table.database),
        )
        .unwrap();
    assert_eq!(result.rows_as_strings(), [["01", "1"], ["02", "1"], ["03", "2"]]);
}

#[test]
fn a_snapshot_saved_before_registration_reads_every_partition_folder_as_it_did() {
    let ws = lake();
    let mut doc: serde_json::Value = serde_json::from_slice(&snapshot::save(&ws)).unwrap();
    let table = &mut doc["workspace"]["catalog"]["databases"]["lake"]["tables"]["orders"];
    table.as_object_mut().unwrap().remove("partitions");
    let mut old = snapshot::load(&serde_json::to_vec(&doc).unwrap()).unwrap();
    assert_eq!(old.catalog().table("lake", "orders").unwrap().partitions.len(), 2);
    // A table saved with none registered stays so.
    let mut doc: serde_json::Value = serde_json::from_slice(&snapshot::save(&ws)).unwrap();
    doc["workspace"]["catalog"]["databases"]["lake"]["tables"]["orders"]["partitions"] = serde_json::json!([]);
    let none = snapshot::load(&serde_json::to_vec(&doc).unwrap()).unwrap();
    assert!(none.catalog().table("lake", "orders").unwrap().partitions.is_empty());
    assert_eq!(run(&mut old).rows_read, 2);
}
