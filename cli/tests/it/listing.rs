//! Bounded execution, `exclusions` and `recurse` in a script job, and Glue 6.0's argument rule,
//! through the built `gluelab` as a user drives it: `s3 mb`/`s3 cp`, `glue create-job`,
//! `glue start-job-run`, `explain`, `get-job-bookmark`.

use crate::common::*;

const SCRIPT: &str = r#"import sys
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from awsglue.job import Job
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "tenant_id"])
glueContext = GlueContext(SparkContext())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)
orders = glueContext.create_dynamic_frame.from_options(
    connection_type="s3",
    connection_options={
        "paths": ["s3://landing/" + args["tenant_id"] + "/"],
        "boundedFiles": "2",
        "exclusions": "[\"**.tmp\"]",
    },
    format="json",
    transformation_ctx="orders",
)
glueContext.write_dynamic_frame.from_options(
    frame=orders,
    connection_type="s3",
    connection_options={"path": "s3://lake/orders/"},
    format="json",
)
job.commit()
"#;

fn job(gl: &Gluelab, glue_version: &str, default_arguments: &str) {
    for bucket in ["landing", "lake", "scripts"] {
        gl.ok(&["s3", "mb", &format!("s3://{bucket}")]);
    }
    let script = gl.write_local("orders.py", SCRIPT);
    gl.ok(&["s3", "cp", &script, "s3://scripts/orders.py"]);
    gl.ok(&[
        "glue",
        "create-job",
        "--name",
        "orders",
        "--role",
        "arn:aws:iam::123456789012:role/Glue",
        "--glue-version",
        glue_version,
        "--command",
        r#"{"Name": "glueetl", "ScriptLocation": "s3://scripts/orders.py"}"#,
        "--default-arguments",
        default_arguments,
    ]);
}

fn start(gl: &Gluelab, arguments: &str) -> (String, serde_json::Value) {
    let id = gl.json(&[
        "glue",
        "start-job-run",
        "--job-name",
        "orders",
        "--arguments",
        arguments,
    ])["JobRunId"]
        .as_str()
        .unwrap()
        .to_string();
    let run = gl.json(&["glue", "get-job-run", "--job-name", "orders", "--run-id", &id])["JobRun"].clone();
    (id, run)
}

#[test]
fn a_bounded_script_drains_its_backlog_two_files_a_run() {
    let gl = Gluelab::new();
    job(
        &gl,
        "5.0",
        r#"{"--job-bookmark-option": "job-bookmark-enable", "--tenant_id": "acme"}"#,
    );
    for (name, body) in [
        ("01.json", "{\"id\": 1}\n"),
        ("02.json", "{\"id\": 2}\n"),
        ("03.json", "{\"id\": 3}\n"),
        ("upload.tmp", "not json\n"),
        ("04.json", "{\"id\": 4}\n"),
    ] {
        let local = gl.write_local(name, body);
        gl.ok(&["s3", "cp", &local, &format!("s3://landing/acme/{name}")]);
        gl.ok(&["clock", "advance", "20m"]);
    }
    let (first, run) = start(&gl, "{}");
    assert_eq!(run["JobRunState"], "SUCCEEDED", "{run}");
    let explained = gl.ok(&["explain", "--job-name", "orders", "--run-id", &first]);
    for line in [
        "01.json was read",
        "02.json was read",
        "03.json was deferred: bounded execution (boundedFiles \"2\")",
        "04.json was deferred",
        "upload.tmp was not read: it matches the source's exclusions glob \"**.tmp\"",
    ] {
        assert!(explained.contains(line), "{line:?} in:\n{explained}");
    }
    // The saved edge is the newest file read (modelled), so the rest is still ahead of it.
    let state = inner(&gl.json(&["glue", "get-job-bookmark", "--job-name", "orders"]));
    let edge = state["orders"]["timestamps"]["CURR_RUN_START_TIME"]
        .as_str()
        .unwrap()
        .to_string();
    let (second, _) = start(&gl, "{}");
    let explained = gl.ok(&["explain", "--job-name", "orders", "--run-id", &second]);
    assert!(explained.contains("03.json was read"), "{explained}");
    assert!(explained.contains("04.json was read"), "{explained}");
    assert!(explained.contains("01.json was skipped"), "{explained}");
    let later = inner(&gl.json(&["glue", "get-job-bookmark", "--job-name", "orders"]));
    assert!(later["orders"]["timestamps"]["CURR_RUN_START_TIME"].as_str().unwrap() > edge.as_str());
    let out = gl.ok(&["s3", "ls", "s3://lake/orders/"]);
    assert_eq!(out.lines().count(), 2, "one part file per run:\n{out}");
    // A run without bookmarks is refused: it would read the first two again and again.
    let (_, run) = start(&gl, r#"{"--job-bookmark-option": "job-bookmark-disable"}"#);
    assert_eq!(run["JobRunState"], "FAILED");
    assert!(
        run["ErrorMessage"]
            .as_str()
            .unwrap()
            .contains("bounded execution (boundedFiles \"2\") needs job bookmarks"),
        "{run}"
    );
}

#[test]
fn glue_6_refuses_an_abbreviated_argument_that_glue_5_takes() {
    for (version, state) in [("5.0", "SUCCEEDED"), ("6.0", "FAILED")] {
        let gl = Gluelab::new();
        job(&gl, version, r#"{"--job-bookmark-option": "job-bookmark-enable"}"#);
        let local = gl.write_local("01.json", "{\"id\": 1}\n");
        gl.ok(&["s3", "cp", &local, "s3://landing/acme/01.json"]);
        let (_, run) = start(&gl, r#"{"--tenant": "acme"}"#);
        assert_eq!(run["JobRunState"], state, "{version}: {run}");
        if state == "FAILED" {
            assert_eq!(
                run["ErrorMessage"],
                "s3://scripts/orders.py, line 7: awsglue.utils.GlueArgumentError: the following arguments are required: --tenant_id"
            );
        }
    }
}
