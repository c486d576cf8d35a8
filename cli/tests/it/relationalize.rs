//! Relationalize with bookmarks through the built `gluelab`: the `relationalize-keys` example
//! replayed, a file overwritten with `s3 cp`, the job run again with `start-job-run`, then what
//! Athena, `get-job-bookmark` and `export-job` show. Relationalize is bookmark-aware and its keys
//! continue across runs (GLUE-SEMANTICS.md §9.10); the numbering and how the entry keeps it are
//! modelled.

use crate::common::*;

const JOB: &str = "orders-flatten";
const AMENDED: &str = "{\"order_id\": 1001, \"customer\": \"ana\", \"items\": [{\"sku\": \"tea\", \"qty\": 2}, {\"sku\": \"cup\", \"qty\": 1}]}\n{\"order_id\": 1002, \"customer\": \"bo\", \"items\": [{\"sku\": \"pot\", \"qty\": 1}]}\n{\"order_id\": 1004, \"customer\": \"di\", \"items\": [{\"sku\": \"cup\", \"qty\": 3}]}\n";

/// The rows of a query's text table, cells trimmed, header left out.
fn cells(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(1)
        .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().to_string()).collect())
        .collect()
}

#[test]
fn a_file_read_again_lands_in_the_child_table_under_new_keys() {
    let gl = Gluelab::new();
    gl.ok(&[
        "example",
        "replay",
        "v1,relationalize-keys,upload:orders-1.json,run,upload:orders-2.json,run,wait:20m",
    ]);
    let file = gl.write_local("orders-1.json", AMENDED);
    gl.ok(&["s3", "cp", &file, "s3://shop-raw/orders/orders-1.json"]);
    let started = gl.json(&["glue", "start-job-run", "--job-name", JOB]);
    let run = gl.json(&[
        "glue",
        "get-job-run",
        "--job-name",
        JOB,
        "--run-id",
        started["JobRunId"].as_str().unwrap(),
    ]);
    assert_eq!(run["JobRun"]["JobRunState"], "SUCCEEDED", "{run}");

    let root = gl.ok(&["query", "SELECT order_id, items FROM shop.orders_flat ORDER BY items"]);
    let keys: Vec<Vec<String>> = cells(&root);
    assert_eq!(
        keys,
        [
            ["1001", "1"],
            ["1002", "2"],
            ["1003", "3"],
            ["1001", "4"],
            ["1002", "5"],
            ["1004", "6"]
        ],
        "{root}"
    );
    // Order 1001's two items are there twice, under id 1 and id 4: no key tells they repeat.
    let items = gl.ok(&[
        "query",
        "SELECT id, \"items.val.sku\" AS sku FROM shop.orders_items ORDER BY id, index",
    ]);
    let ids: Vec<String> = cells(&items).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(ids, ["1", "1", "2", "3", "4", "4", "5", "6"], "{items}");
    assert_eq!(cells(&items)[4], ["4", "tea"], "{items}");

    let entry = gl.json(&["glue", "get-job-bookmark", "--job-name", JOB]);
    let inner = inner(&entry);
    assert_eq!(
        inner["relationalize"]["jsonClass"], "RelationalizeJobBookmarkState",
        "{inner}"
    );
    assert_eq!(inner["relationalize"]["lastGeneratedKey"], "6", "{inner}");

    let dir = gl.dir.path().join("export");
    gl.ok(&["export-job", "--job-name", JOB, "--out-dir", dir.to_str().unwrap()]);
    let script = std::fs::read_to_string(dir.join(format!("{JOB}.py"))).unwrap();
    assert!(script.contains("dfc = Relationalize.apply(frame=df"), "{script}");
    assert!(script.contains("frame=dfc.select(\"orders_items\")"), "{script}");
}
