//! `redshift-data` over the simulated warehouse: statements run at once and are kept for
//! describe-statement and get-statement-result; a statement the database rejects FAILS (as on
//! AWS, execute-statement itself succeeds), and request errors exit 254 / 252 like the AWS CLI.

use crate::common::*;
use serde_json::{json, Value};

fn execute(gl: &Gluelab, sql: &str) -> String {
    let v = gl.json(&["redshift-data", "execute-statement", "--sql", sql]);
    v["Id"].as_str().unwrap().to_string()
}

fn describe(gl: &Gluelab, id: &str) -> Value {
    gl.json(&["redshift-data", "describe-statement", "--id", id])
}

#[test]
fn statements_change_the_warehouse_and_selects_return_typed_records() {
    let gl = Gluelab::new();
    let printed = gl.ok(&[
        "redshift-data",
        "execute-statement",
        "--cluster-identifier",
        "redshift-cluster-1",
        "--database",
        "dev",
        "--db-user",
        "awsuser",
        "--sql",
        "CREATE TABLE hr.employees (empno INT PRIMARY KEY, name VARCHAR(40), salary BIGINT, active BOOLEAN)",
    ]);
    let v: Value = serde_json::from_str(&printed).unwrap();
    // The Data API's ExecuteStatement response, keys as the service orders them.
    assert!(printed.starts_with("{\n    \"ClusterIdentifier\": \"redshift-cluster-1\",\n    \"CreatedAt\": \"2021-"));
    assert_eq!(
        (v["Database"].as_str(), v["DbUser"].as_str()),
        (Some("dev"), Some("awsuser"))
    );
    let id = v["Id"].as_str().unwrap();
    assert!(
        id.len() == 36 && id.split('-').map(str::len).eq([8, 4, 4, 4, 12]),
        "UUID-shaped: {id}"
    );
    let d = describe(&gl, id);
    assert_eq!(
        (
            d["Status"].as_str(),
            d["HasResultSet"].as_bool(),
            d["ResultRows"].as_i64()
        ),
        (Some("FINISHED"), Some(false), Some(0))
    );
    assert!(d.get("Error").is_none());
    assert_eq!(d["QueryString"].as_str().unwrap().split(' ').next(), Some("CREATE"));

    let insert = execute(
        &gl,
        "INSERT INTO hr.employees VALUES (1, 'Ana', 10, true), (2, 'Bo', 20, false), (3, NULL, 30, true)",
    );
    assert_eq!(describe(&gl, &insert)["ResultRows"], 3);
    let update = execute(&gl, "UPDATE hr.employees SET salary = 25 WHERE empno = 2");
    assert_eq!(describe(&gl, &update)["ResultRows"], 1);
    // DDL and DML have no result set.
    let err = gl.fails(254, &["redshift-data", "get-statement-result", "--id", &update]);
    assert!(
        err.contains(
            "An error occurred (ResourceNotFoundException) when calling the GetStatementResult operation: Query \
             does not have result"
        ),
        "{err}"
    );

    let select = execute(
        &gl,
        "SELECT empno, name, salary, active FROM hr.employees ORDER BY empno",
    );
    let d = describe(&gl, &select);
    assert_eq!(
        (d["HasResultSet"].as_bool(), d["ResultRows"].as_i64()),
        (Some(true), Some(3))
    );
    let result = gl.json(&["redshift-data", "get-statement-result", "--id", &select]);
    assert_eq!(result["TotalNumRows"], 3);
    assert_eq!(
        result["Records"][1],
        json!([{"longValue": 2}, {"stringValue": "Bo"}, {"longValue": 25}, {"booleanValue": false}])
    );
    assert_eq!(result["Records"][2][1], json!({"isNull": true}));
    let types: Vec<&str> = result["ColumnMetadata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["typeName"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["int4", "varchar", "int8", "bool"]);
    assert_eq!(result["ColumnMetadata"][1]["name"], "name");

    // Athena's side sees the same table (a federated query), and list-statements every statement.
    let rows = gl.ok(&["query", "SELECT count(*) AS n FROM hr.employees"]);
    assert!(rows.contains("| 3 |"), "{rows}");
    let listed = gl.json(&["redshift-data", "list-statements"]);
    let statements = listed["Statements"].as_array().unwrap();
    assert_eq!(statements.len(), 4);
    assert_eq!(statements[0]["Id"], select.as_str(), "newest first");
}

#[test]
fn a_syntax_error_fails_the_statement_not_the_call() {
    let gl = Gluelab::new();
    let ran = gl.run(&["redshift-data", "execute-statement", "--sql", "CREAT TABLE t (a INT)"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let id = serde_json::from_str::<Value>(&ran.stdout).unwrap()["Id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        ran.stderr
            .contains(&format!("gluelab: statement {id} ended FAILED: ERROR: syntax error")),
        "{}",
        ran.stderr
    );
    let d = describe(&gl, &id);
    assert_eq!(d["Status"], "FAILED");
    assert!(
        d["Error"].as_str().unwrap().starts_with("ERROR: syntax error"),
        "{}",
        d["Error"]
    );
    assert_eq!(d["ResultRows"], -1);
    let err = gl.fails(254, &["redshift-data", "get-statement-result", "--id", &id]);
    assert!(err.contains("(ResourceNotFoundException)"), "{err}");

    // A table that does not exist: FAILED too, with the database's words.
    let id = execute(&gl, "SELECT * FROM hr.nope");
    assert_eq!(describe(&gl, &id)["Status"], "FAILED");
    let id = execute(&gl, "INSERT INTO hr.nope VALUES (1)");
    let error = describe(&gl, &id)["Error"].as_str().unwrap().to_string();
    assert!(error.contains("hr.nope") && error.contains("does not exist"), "{error}");
}

#[test]
fn request_errors_exit_like_the_aws_cli_and_change_nothing() {
    let gl = Gluelab::new();
    execute(&gl, "CREATE TABLE t (a INT)");
    let err = gl.fails(
        254,
        &[
            "redshift-data",
            "execute-statement",
            "--cluster-identifier",
            "c",
            "--workgroup-name",
            "w",
            "--sql",
            "INSERT INTO t VALUES (1)",
        ],
    );
    assert!(
        err.contains("An error occurred (ValidationException) when calling the ExecuteStatement operation: "),
        "{err}"
    );
    let err = gl.fails(252, &["redshift-data", "execute-statement", "--sql", ""]);
    assert!(err.contains("Invalid length for parameter Sql"), "{err}");
    let err = gl.fails(254, &["redshift-data", "describe-statement", "--id", "nope"]);
    assert!(
        err.contains("(ValidationException) when calling the DescribeStatement operation: 1 validation error"),
        "{err}"
    );
    let err = gl.fails(
        254,
        &[
            "redshift-data",
            "describe-statement",
            "--id",
            "00000000-0000-4000-8000-000000000000",
        ],
    );
    assert!(err.contains("(ResourceNotFoundException)"), "{err}");
    let count = gl.ok(&["query", "SELECT count(*) AS n FROM public.t"]);
    assert!(count.contains("| 0 |"), "the rejected INSERT wrote nothing: {count}");
}
