//! A partitioned catalog table through the built `gluelab`, as a user drives it: a template
//! declares the table with `PartitionKeys` (CloudFormation registers no partitions), files land
//! in `key=value/` folders, Athena's `MSCK REPAIR TABLE` registers them, `glue get-partitions`
//! lists them, and a script reads the table with `push_down_predicate`.

use crate::common::*;

const TEMPLATE: &str = r#"{
  "Resources": {
    "Lake": {"Type": "AWS::Glue::Database", "Properties": {"CatalogId": {"Ref": "AWS::AccountId"}, "DatabaseInput": {"Name": "lake"}}},
    "Orders": {
      "Type": "AWS::Glue::Table",
      "DependsOn": "Lake",
      "Properties": {
        "CatalogId": {"Ref": "AWS::AccountId"},
        "DatabaseName": "lake",
        "TableInput": {
          "Name": "orders",
          "TableType": "EXTERNAL_TABLE",
          "Parameters": {"classification": "json"},
          "PartitionKeys": [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "string"}],
          "StorageDescriptor": {
            "Location": "s3://sales-lake/orders/",
            "Columns": [{"Name": "order_id", "Type": "bigint"}, {"Name": "amount", "Type": "double"}],
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}
          }
        }
      }
    }
  }
}"#;

const SCRIPT: &str = r#"import sys
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from awsglue.job import Job
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME"])
glueContext = GlueContext(SparkContext())
job = Job(glueContext)
job.init(args["JOB_NAME"], args)
orders = glueContext.create_dynamic_frame.from_catalog(
    database="lake",
    table_name="orders",
    push_down_predicate="year = '2026'",
    transformation_ctx="orders",
)
glueContext.write_dynamic_frame.from_options(
    frame=orders,
    connection_type="s3",
    connection_options={"path": "s3://sales-curated/orders/"},
    format="json",
)
job.commit()
"#;

fn put(gl: &Gluelab, key: &str, body: &str) {
    let local = gl.write_local(key, body);
    gl.ok(&["s3", "cp", &local, &format!("s3://sales-lake/orders/{key}")]);
}

fn partitions(gl: &Gluelab, expression: Option<&str>) -> Vec<String> {
    let mut args = vec![
        "glue",
        "get-partitions",
        "--database-name",
        "lake",
        "--table-name",
        "orders",
    ];
    if let Some(e) = expression {
        args.extend(["--expression", e]);
    }
    let out = gl.json(&args);
    out["Partitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["Values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

/// `MSCK REPAIR TABLE table` through Athena, and its execution as `get-query-execution` says.
fn msck(gl: &Gluelab, table: &str) -> serde_json::Value {
    let sql = format!("MSCK REPAIR TABLE {table}");
    let id = gl.json(&["athena", "start-query-execution", "--query-string", &sql])["QueryExecutionId"]
        .as_str()
        .unwrap()
        .to_string();
    gl.json(&["athena", "get-query-execution", "--query-execution-id", &id])
}

fn run(gl: &Gluelab) -> String {
    let id = gl.json(&["glue", "start-job-run", "--job-name", "orders"])["JobRunId"]
        .as_str()
        .unwrap()
        .to_string();
    let run = gl.json(&["glue", "get-job-run", "--job-name", "orders", "--run-id", &id]);
    assert_eq!(run["JobRun"]["JobRunState"], "SUCCEEDED", "{run}");
    gl.ok(&["explain", "--job-name", "orders", "--run-id", &id])
}

#[test]
fn partitions_wait_for_msck_repair_and_a_predicate_prunes_them() {
    let gl = Gluelab::new();
    for bucket in ["sales-lake", "sales-curated", "scripts"] {
        gl.ok(&["s3", "mb", &format!("s3://{bucket}")]);
    }
    let template = gl.write_local("lake.json", TEMPLATE);
    gl.ok(&deploy_args(&template, "lake"));
    put(
        &gl,
        "year=2025/month=12/a.json",
        "{\"order_id\": 901, \"amount\": 40.0}\n",
    );
    put(
        &gl,
        "year=2026/month=01/b.json",
        "{\"order_id\": 1001, \"amount\": 25.5}\n",
    );
    let script = gl.write_local("orders.py", SCRIPT);
    gl.ok(&["s3", "cp", &script, "s3://scripts/orders.py"]);
    gl.ok(&[
        "glue",
        "create-job",
        "--name",
        "orders",
        "--role",
        "arn:aws:iam::123456789012:role/Glue",
        "--command",
        r#"{"Name": "glueetl", "ScriptLocation": "s3://scripts/orders.py"}"#,
        "--default-arguments",
        r#"{"--job-bookmark-option": "job-bookmark-enable"}"#,
    ]);

    // CloudFormation made the table, not its partitions: nothing is read yet.
    assert!(partitions(&gl, None).is_empty());
    let explained = run(&gl);
    assert!(
        explained.contains("b.json was not read: its folder year=2026/month=01/ is not a partition in the catalog yet"),
        "{explained}"
    );

    let repaired = msck(&gl, "lake.orders");
    assert_eq!(repaired["QueryExecution"]["Status"]["State"], "SUCCEEDED", "{repaired}");
    assert_eq!(partitions(&gl, None), ["2025/12", "2026/01"]);
    assert_eq!(partitions(&gl, Some("year = '2026'")), ["2026/01"]);
    let explained = run(&gl);
    assert!(
        explained.contains("a.json was not read: its partition year=2025/month=12/ was pruned by the source's push_down_predicate \"year = '2026'\""),
        "{explained}"
    );
    assert!(explained.contains("b.json was read"), "{explained}");

    // The rows carry their partition's values.
    let out = gl.ok(&["s3", "ls", "s3://sales-curated/orders/"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    let part = out.split_whitespace().last().unwrap();
    let local = gl.dir.path().join("part.json");
    gl.ok(&[
        "s3",
        "cp",
        &format!("s3://sales-curated/orders/{part}"),
        local.to_str().unwrap(),
    ]);
    let written = std::fs::read_to_string(local).unwrap();
    assert!(
        written.contains("\"year\":\"2026\"") && written.contains("\"month\":\"01\""),
        "{written}"
    );

    // A predicate over a data column is refused, naming what it can see.
    let e = gl.fails(
        254,
        &[
            "glue",
            "get-partitions",
            "--database-name",
            "lake",
            "--table-name",
            "orders",
            "--expression",
            "amount > 1",
        ],
    );
    assert!(
        e.contains("InvalidInputException") && e.contains("the partition keys: year, month"),
        "{e}"
    );
    // MSCK REPAIR TABLE on a table that does not exist fails as a query.
    let failed = msck(&gl, "nope.orders");
    assert_eq!(failed["QueryExecution"]["Status"]["State"], "FAILED", "{failed}");
}
