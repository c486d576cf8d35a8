//! Hostile inputs against the built binary (issue 15's first hunt): each used to abort the
//! process (exit 134, a stack overflow, or a panic); now each is an AWS-shaped error naming the
//! file or line and the limit, and the process exits with the AWS CLI's codes.

use crate::common::*;

/// Never an abort: no signal, no Rust panic's 101, no stack overflow's 134.
fn no_abort(ran: &Ran) {
    assert!(
        ![-1, 101, 134].contains(&ran.code) && !ran.stderr.contains("panicked") && !ran.stderr.contains("overflowed"),
        "exit {}: {}",
        ran.code,
        ran.stderr
    );
}

fn ready() -> Gluelab {
    let gl = Gluelab::new();
    gl.deploy();
    gl.upload_script();
    gl.upload(1);
    gl
}

#[test]
fn a_long_operator_chain_in_a_query_is_a_syntax_error_naming_the_limit() {
    let gl = ready();
    let sql = format!("SELECT {}", vec!["1"; 20_000].join("+"));
    let ran = gl.run(&["query", &sql]);
    no_abort(&ran);
    assert_eq!(ran.code, 254);
    assert!(
        ran.stderr.contains("line 1:") && ran.stderr.contains("SQL_MAX_DEPTH"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_script_nested_100k_deep_fails_its_run_at_its_line() {
    let gl = ready();
    let script = std::fs::read_to_string(fixtures().join("devices-data-etl.py")).unwrap()
        + &format!("\nx = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
    let path = gl.dir.path().join("deep.py");
    std::fs::write(&path, script).unwrap();
    gl.ok(&[
        "s3",
        "cp",
        path.to_str().unwrap(),
        &format!("{ANALYTICS}/glue-job-script/devices-data-etl.py"),
    ]);
    let ran = gl.run(&["glue", "start-job-run", "--job-name", JOB]);
    no_abort(&ran);
    assert!(
        ran.stderr.contains("ended FAILED")
            && ran.stderr.contains("line 46: SyntaxError")
            && ran.stderr.contains("PYTHON_MAX_NESTING"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_table_type_100k_deep_rolls_the_stack_back_naming_the_column_and_limit() {
    let gl = Gluelab::new();
    let deep = format!("{}int{}", "array<".repeat(100_000), ">".repeat(100_000));
    let template = serde_json::json!({"Resources": {
        "Db": {"Type": "AWS::Glue::Database", "Properties": {"CatalogId": {"Ref": "AWS::AccountId"}, "DatabaseInput": {"Name": "d"}}},
        "T": {"Type": "AWS::Glue::Table", "Properties": {"CatalogId": {"Ref": "AWS::AccountId"}, "DatabaseName": "d",
            "TableInput": {"Name": "t", "Parameters": {"classification": "json"},
                "StorageDescriptor": {"Columns": [{"Name": "c", "Type": deep}], "Location": "s3://b/t/"}}}}}});
    let path = gl.dir.path().join("deep-type.json");
    std::fs::write(&path, template.to_string()).unwrap();
    let err = gl.fails(255, &deploy_args(path.to_str().unwrap(), "deep"));
    assert!(err.contains("column c") && err.contains("TYPE_MAX_DEPTH"), "{err}");
    assert!(
        err.len() < 2_000,
        "the message quotes the type's start only ({} bytes)",
        err.len()
    );
}

#[test]
fn a_json_record_of_200k_characters_and_deep_nesting_runs_and_shows_truncated() {
    let gl = ready();
    let path = gl.dir.path().join("hostile.json");
    let body = format!(
        "{{\"device_id\":\"{}\",\"timestamp\":1,\"state\":true}}\n{{\"device_id\":{}{}}}\n",
        "x".repeat(200_000),
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(&path, body).unwrap();
    gl.ok(&[
        "s3",
        "cp",
        path.to_str().unwrap(),
        &format!("{RAW}/raw-data/hostile.json"),
    ]);
    let ran = gl.run(&["glue", "start-job-run", "--job-name", JOB]);
    no_abort(&ran);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let run_id: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let log = gl.ok(&[
        "logs",
        "get-log-events",
        "--log-group-name",
        "/aws-glue/jobs/output",
        "--log-stream-name",
        run_id["JobRunId"].as_str().unwrap(),
    ]);
    assert!(
        log.contains("xxxxxxxxxxxxxxxxx..."),
        "show() cuts the long value as Spark does: {log}"
    );
}

#[test]
fn a_snapshot_with_tampered_numbers_is_refused_and_left_as_it_was() {
    let gl = ready();
    let file = gl.generation().join("workspace.json");
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    doc["workspace"]["clock"]["now"] = i64::MAX.into();
    std::fs::write(&file, doc.to_string()).unwrap();
    let err = gl.fails(255, &["glue", "start-job-run", "--job-name", JOB]);
    assert!(
        err.contains("workspace.json") && err.contains("snapshot rejected") && err.contains("SNAPSHOT_MAX_TIME_MS"),
        "{err}"
    );
}
