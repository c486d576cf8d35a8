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

    // Joined back on the key, each copy of order 1001 finds its own two items: the copies
    // look like two different orders.
    let joined = gl.ok(&[
        "query",
        "SELECT o.items AS k, count(*) AS n FROM shop.orders_flat o JOIN shop.orders_items i ON o.items = i.id WHERE o.order_id = 1001 GROUP BY o.items ORDER BY k",
    ]);
    assert_eq!(cells(&joined), [["1", "2"], ["4", "2"]], "{joined}");

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

const SCRIPT: &str = r#"import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from awsglue.job import Job
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "TempDir"])
glueContext = GlueContext(SparkContext.getOrCreate())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)
orders = glueContext.create_dynamic_frame.from_catalog(database="shop", table_name="orders", transformation_ctx="orders")
tables = orders.relationalize("orders", args["TempDir"], transformation_ctx="flatten")
items = SelectFromCollection.apply(dfc=tables, key="orders_items")
glueContext.write_dynamic_frame.from_catalog(frame=items, database="shop", table_name="orders_items")
job.commit()
"#;

/// A script of one's own with `DynamicFrame.relationalize` and `SelectFromCollection`, run as a
/// Glue job: its child table is written, and the bookmark keeps its key count.
#[test]
fn a_script_of_ones_own_writes_a_child_table() {
    let gl = Gluelab::new();
    gl.ok(&["example", "replay", "v1,relationalize-keys,upload:orders-1.json"]);
    gl.ok(&["s3", "mb", "s3://scripts"]);
    let script = gl.write_local("flatten.py", SCRIPT);
    gl.ok(&["s3", "cp", &script, "s3://scripts/flatten.py"]);
    gl.ok(&[
        "glue",
        "create-job",
        "--name",
        "own-flatten",
        "--role",
        "arn:aws:iam::123456789012:role/Glue",
        "--command",
        r#"{"Name": "glueetl", "ScriptLocation": "s3://scripts/flatten.py"}"#,
        "--default-arguments",
        r#"{"--job-bookmark-option": "job-bookmark-enable", "--TempDir": "s3://scripts/tmp/"}"#,
    ]);
    let started = gl.json(&["glue", "start-job-run", "--job-name", "own-flatten"]);
    let id = started["JobRunId"].as_str().unwrap();
    let run = gl.json(&["glue", "get-job-run", "--job-name", "own-flatten", "--run-id", id]);
    assert_eq!(run["JobRun"]["JobRunState"], "SUCCEEDED", "{run}");
    let items = gl.ok(&["query", "SELECT id, index FROM shop.orders_items ORDER BY id, index"]);
    assert_eq!(cells(&items), [["1", "0"], ["1", "1"], ["2", "0"]], "{items}");
    let entry = gl.json(&["glue", "get-job-bookmark", "--job-name", "own-flatten"]);
    assert_eq!(inner(&entry)["flatten"]["lastGeneratedKey"], "2", "{entry}");
}
