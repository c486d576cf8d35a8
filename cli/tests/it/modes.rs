//! CSV `multiLine` and Spark's parse modes through the built `gluelab`: a catalog table with and
//! without the `multiLine` parameter read by `query`, and a script job whose catalog source
//! takes Spark's `mode` in `additional_options`.

use serde_json::{json, Value};

use crate::common::*;

const FILE: &str = "1,\"two\nlines\",2.5\n2,bob,3\n";

/// A stack with bucket `modes-data` and CSV tables `db.split` and `db.multi` (the latter with
/// the table parameter `multiLine` = true) over the same folder, `FILE` uploaded under it.
fn tables(gl: &Gluelab) {
    let table = |name: &str, parameters: Value| {
        json!({
            "Type": "AWS::Glue::Table",
            "Properties": {
                "CatalogId": {"Ref": "AWS::AccountId"},
                "DatabaseName": {"Ref": "Db"},
                "TableInput": {
                    "Name": name,
                    "TableType": "EXTERNAL_TABLE",
                    "Parameters": parameters,
                    "StorageDescriptor": {
                        "Columns": [
                            {"Name": "id", "Type": "bigint"},
                            {"Name": "name", "Type": "string"},
                            {"Name": "amount", "Type": "double"}
                        ],
                        "Location": "s3://modes-data/in/",
                        "SerdeInfo": {
                            "SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                            "Parameters": {"separatorChar": ",", "quoteChar": "\""}
                        }
                    }
                }
            }
        })
    };
    let template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Data": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "modes-data"}},
            "Db": {"Type": "AWS::Glue::Database",
                   "Properties": {"CatalogId": {"Ref": "AWS::AccountId"}, "DatabaseInput": {"Name": "db"}}},
            "Split": table("split", json!({"classification": "csv"})),
            "Multi": table("multi", json!({"classification": "csv", "multiLine": "true"})),
        }
    });
    let path = gl.write_local("modes.template.json", &template.to_string());
    gl.ok(&deploy_args(&path, "modes"));
    let file = gl.write_local("data.csv", FILE);
    gl.ok(&["s3", "cp", &file, "s3://modes-data/in/data.csv"]);
}

fn rows(gl: &Gluelab, sql: &str) -> Vec<Vec<Value>> {
    let v = gl.json(&["--output", "json", "query", sql]);
    v["Rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().clone())
        .collect()
}

#[test]
fn a_quoted_line_break_ends_the_record_unless_the_table_says_multi_line() {
    let gl = Gluelab::new();
    tables(&gl);
    // Glue's (and Spark's) default: the line break ends the record, its quote left open.
    let split = rows(&gl, "SELECT id, name, amount FROM db.split ORDER BY name");
    assert_eq!(
        split,
        [
            vec![Value::Null, json!("2.5"), Value::Null],
            vec![json!("2"), json!("bob"), json!("3.0")],
            vec![json!("1"), json!("two"), Value::Null],
        ],
        "{split:?}"
    );
    let multi = rows(&gl, "SELECT id, name, amount FROM db.multi ORDER BY id");
    assert_eq!(
        multi,
        [
            vec![json!("1"), json!("two\nlines"), json!("2.5")],
            vec![json!("2"), json!("bob"), json!("3.0")],
        ]
    );
}

/// A script job `modes` reading `db.table` with Spark's `mode`, writing JSON lines to
/// `s3://modes-data/out/`.
fn job(gl: &Gluelab, table: &str, mode: &str) {
    let script = format!(
        "import sys\n\
         from awsglue.utils import getResolvedOptions\n\
         from awsglue.context import GlueContext\n\
         from awsglue.job import Job\n\
         from pyspark.context import SparkContext\n\
         args = getResolvedOptions(sys.argv, ['JOB_NAME'])\n\
         glueContext = GlueContext(SparkContext())\n\
         job = Job(glueContext)\n\
         job.init(args['JOB_NAME'], args)\n\
         frame = glueContext.create_dynamic_frame.from_catalog(database='db', table_name='{table}', \
         additional_options={{'mode': '{mode}'}})\n\
         glueContext.write_dynamic_frame.from_options(frame=frame, connection_type='s3', \
         connection_options={{'path': 's3://modes-data/out/'}}, format='json')\n\
         job.commit()\n"
    );
    let path = gl.write_local("modes.py", &script);
    gl.ok(&["s3", "cp", &path, "s3://modes-data/scripts/modes.py"]);
    gl.ok(&[
        "glue",
        "create-job",
        "--name",
        "modes",
        "--role",
        "arn:aws:iam::123456789012:role/Glue",
        "--command",
        r#"{"Name": "glueetl", "ScriptLocation": "s3://modes-data/scripts/modes.py"}"#,
    ]);
}

fn run(gl: &Gluelab) -> Value {
    let id = gl.json(&["glue", "start-job-run", "--job-name", "modes"])["JobRunId"]
        .as_str()
        .unwrap()
        .to_string();
    gl.json(&["glue", "get-job-run", "--job-name", "modes", "--run-id", &id])
}

/// The JSON lines the run wrote under `s3://modes-data/out/`.
fn written(gl: &Gluelab) -> Vec<Value> {
    let listed = gl.ok(&["s3", "ls", "--recursive", "s3://modes-data/out/"]);
    let mut out = vec![];
    for line in listed.lines().filter(|l| !l.trim().is_empty()) {
        let key = line.split_whitespace().last().unwrap();
        let body = gl.ok(&["s3", "cp", &format!("s3://modes-data/{key}"), "-"]);
        out.extend(
            body.lines()
                .filter(|l| !l.is_empty())
                .map(|l| serde_json::from_str::<Value>(l).unwrap()),
        );
    }
    out
}

#[test]
fn failfast_names_the_object_line_and_field_of_the_split_record() {
    let gl = Gluelab::new();
    tables(&gl);
    job(&gl, "split", "FAILFAST");
    let got = run(&gl);
    assert_eq!(got["JobRun"]["JobRunState"], "FAILED", "{got}");
    let detail = &got["Gluelab"]["ErrorDetail"];
    assert_eq!(
        (&detail["Object"], &detail["Line"], &detail["Field"]),
        (&json!("s3://modes-data/in/data.csv"), &json!(1), &json!("amount")),
        "{got}"
    );
    let message = got["JobRun"]["ErrorMessage"].as_str().unwrap();
    assert!(message.contains("expected 3 fields, found 2"), "{message}");
}

#[test]
fn dropmalformed_keeps_the_good_rows_and_multi_line_keeps_the_quoted_line_break() {
    let gl = Gluelab::new();
    tables(&gl);
    job(&gl, "split", "DROPMALFORMED");
    assert_eq!(run(&gl)["JobRun"]["JobRunState"], "SUCCEEDED");
    assert_eq!(written(&gl), [json!({"id": 2, "name": "bob", "amount": 3.0})]);

    let gl = Gluelab::new();
    tables(&gl);
    job(&gl, "multi", "FAILFAST");
    assert_eq!(run(&gl)["JobRun"]["JobRunState"], "SUCCEEDED");
    let mut rows = written(&gl);
    rows.sort_by_key(|r| r["id"].as_i64());
    assert_eq!(rows[0]["name"], "two\nlines", "{rows:?}");
    assert_eq!(rows.len(), 2);
}
