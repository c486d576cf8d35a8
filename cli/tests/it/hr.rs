//! The HR worked example with the built `gluelab`: `example load hr`, the story as a scenario
//! (numbers from core/fixtures/hr/README.md), and what explain and get-job-run say about error
//! records and failed runs. Plus a JDBC source explained per key.

use std::path::{Path, PathBuf};

use crate::common::*;
use gluelab_core::demo::hr;
use gluelab_core::model::job::{JobDefinition, JobPlan, KeySortOrder, SinkMode, SinkSpec, SourceSpec};
use gluelab_core::{snapshot, Workspace};

const UPLOADS: &str = "s3://hr-uploads/acme-holdings/employees/";

fn hr_file(name: &str) -> String {
    hr_dir().join(name).to_str().unwrap().to_string()
}

fn hr_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/fixtures/hr")
}

/// Starts the test's workspace from a workspace built with core (what a front end could save).
fn start_from(gl: &Gluelab, ws: &Workspace) {
    std::fs::create_dir_all(gl.workspace()).unwrap();
    std::fs::write(gl.workspace().join("workspace.json"), snapshot::save(ws)).unwrap();
}

fn start_run(gl: &Gluelab, job: &str) -> String {
    let v = gl.json(&["glue", "start-job-run", "--job-name", job]);
    v["JobRunId"].as_str().unwrap().to_string()
}

/// The hand-computed table of core/fixtures/hr/README.md, as `gluelab query` prints it.
const TABLE: &str = "\
| company | month   | employees | female_employees |
+---------+---------+-----------+------------------+
| ACME    | 2024-01 |         3 |                2 |
| GLOBEX  | 2024-01 |         2 |                1 |
| ACME    | 2024-02 |         2 |                1 |
| GLOBEX  | 2024-02 |         3 |                1 |
+---------+---------+-----------+------------------+
(4 rows)";

#[test]
fn the_hr_scenario_prints_the_hand_computed_table_before_and_after_a_reset() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/hr-monthly.scenario");
    let replay = || {
        let gl = Gluelab::new();
        let ran = gl.run(&["scenario", "run", example.to_str().unwrap()]);
        assert_eq!(ran.code, 0, "stdout:\n{}\nstderr:\n{}", ran.stdout, ran.stderr);
        (ran.stdout, gl.snapshot().unwrap())
    };
    let (transcript, snapshot) = replay();
    // After February, and again after the reset and re-run: the upsert keeps four rows.
    assert_eq!(transcript.matches(TABLE).count(), 2, "{transcript}");
    // January's Initech row is an error record, named by file and line.
    assert!(
        transcript.contains(
            "  ValueMapping  s3://hr-uploads/acme-holdings/employees/employees-2024-01.csv:7  field company: value \
             Initech is not in mapping table hr_rules.company_mapping (row dropped)"
        ),
        "{transcript}"
    );
    assert!(transcript.contains("warehouse table analytics.monthly_employees (2 rows from this run"));
    assert!(transcript.contains("    acme-holdings | ACME | 2024-01 | 3 | 2   <- employees-2024-01.csv line 2"));
    // The Redshift Data API saw January's two rows.
    assert!(
        transcript.contains(
            "| .Status\nFINISHED\n% aws redshift-data get-statement-result --id ${Q1} | jq .TotalNumRows\n2\n"
        ),
        "{transcript}"
    );
    assert!(transcript.contains("re-read   s3://hr-uploads/acme-holdings/employees/employees-2024-02.csv (5 rows)"));
    assert!(transcript.trim_end().ends_with("commands ran"), "{transcript}");
    assert_eq!(replay(), (transcript, snapshot), "the same story gives the same bytes");
}

#[test]
fn examples_load_into_an_empty_workspace_only_unless_forced() {
    let gl = Gluelab::new();
    let list = gl.ok(&["example", "list"]);
    assert!(list.starts_with("seed ") && list.contains("\nhr "), "{list}");

    let loaded = gl.ok(&["example", "load", "hr"]);
    assert!(loaded.contains("  warehouse: analytics.monthly_employees"), "{loaded}");
    assert!(
        loaded.contains(&format!("gluelab s3 cp employees-2024-01.csv {UPLOADS}")),
        "{loaded}"
    );
    let jobs = gl.json(&["glue", "list-jobs"]);
    assert_eq!(jobs["JobNames"], serde_json::json!([hr::JOB_NAME]));

    // Not empty any more: refused, and nothing changes.
    let err = gl.fails(255, &["example", "load", "seed"]);
    assert!(
        err.contains("the workspace is not empty") && err.contains("--force"),
        "{err}"
    );
    let err = gl.fails(252, &["example", "load", "nope"]);
    assert!(err.contains("no example named 'nope' (there are: seed, hr)"), "{err}");

    gl.ok(&["example", "load", "seed", "--force"]);
    assert_eq!(
        gl.json(&["glue", "list-jobs"])["JobNames"],
        serde_json::json!(["devices-data-etl"])
    );
    // The seed example is the article's stack, deployed: its files upload and its job runs.
    gl.upload(1);
    gl.start_run();
    assert_eq!(gl.query_rows().len(), 1);

    // The files a story uploads, written where asked.
    let to = gl.dir.path().join("files");
    let wrote = gl.ok(&["example", "files", "hr", "--to", to.to_str().unwrap()]);
    assert_eq!(wrote.lines().count(), 2, "{wrote}");
    assert_eq!(
        std::fs::read_to_string(to.join("employees-2024-02.csv")).unwrap(),
        hr::EMPLOYEES_2024_02
    );
}

#[test]
fn a_malformed_export_fails_the_run_and_explain_names_the_file_and_line() {
    let gl = Gluelab::new();
    gl.ok(&["example", "load", "hr"]);
    let bad = gl.dir.path().join("employees-2024-03.csv");
    std::fs::write(
        &bad,
        "employee_id,company,gender,birth_date,snapshot_month\nE001,acme,M,1990-04-01,2024-03,extra\n",
    )
    .unwrap();
    gl.ok(&["s3", "cp", bad.to_str().unwrap(), UPLOADS]);
    let ran = gl.run(&["glue", "start-job-run", "--job-name", hr::JOB_NAME]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stderr.contains("ended FAILED"), "{}", ran.stderr);
    let run: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let id = run["JobRunId"].as_str().unwrap();

    let explained = gl.ok(&["explain", "--job-name", hr::JOB_NAME, "--run-id", id]);
    let object = "s3://hr-uploads/acme-holdings/employees/employees-2024-03.csv";
    assert!(explained.contains(": FAILED\n"), "{explained}");
    assert!(
        explained.contains(&format!("    object: {object}\n    line:   2\n")),
        "{explained}"
    );

    // get-job-run: Glue's ErrorMessage in JobRun; the structured detail beside it, under Gluelab.
    let got = gl.json(&["glue", "get-job-run", "--job-name", hr::JOB_NAME, "--run-id", id]);
    let message = got["JobRun"]["ErrorMessage"].as_str().unwrap();
    assert!(message.contains(&format!("{object}, line 2")), "{message}");
    assert!(got["JobRun"].get("ErrorDetail").is_none());
    assert_eq!(got["Gluelab"]["ErrorDetail"]["Object"], object);
    assert_eq!(got["Gluelab"]["ErrorDetail"]["Line"], 2);

    let json = gl.json(&[
        "--output",
        "json",
        "explain",
        "--job-name",
        hr::JOB_NAME,
        "--run-id",
        id,
    ]);
    assert_eq!(json["ErrorDetail"]["line"], 2);
}

#[test]
fn a_rule_that_reaches_its_threshold_fails_the_run_and_explain_names_the_rule_file_and_line() {
    let gl = Gluelab::new();
    let mut ws = hr::hr_workspace().unwrap();
    let mut job = ws.job(hr::JOB_NAME).unwrap().clone();
    // Step 3 maps company names; stageThreshold 1 fails the run at the first unmapped one.
    job.plan.transforms[2] = job.plan.transforms[2].clone().with_stage_threshold(1);
    ws.save_job(job).unwrap();
    start_from(&gl, &ws);

    gl.ok(&["s3", "cp", &hr_file("employees-2024-01.csv"), UPLOADS]);
    let id = start_run(&gl, hr::JOB_NAME);
    let explained = gl.ok(&["explain", "--job-name", hr::JOB_NAME, "--run-id", id.as_str()]);
    assert!(explained.contains(": FAILED\n"), "{explained}");
    assert!(explained.contains("    rule:   step 3: ValueMapping\n"), "{explained}");
    assert!(
        explained.contains("employees-2024-01.csv, line 7"),
        "the first error record's file and line: {explained}"
    );
    assert!(explained.contains("Rows written: none"), "{explained}");
    let got = gl.json(&[
        "glue",
        "get-job-run",
        "--job-name",
        hr::JOB_NAME,
        "--run-id",
        id.as_str(),
    ]);
    assert_eq!(got["Gluelab"]["ErrorDetail"]["Rule"], "step 3: ValueMapping");

    // A succeeded run's error records: in explain, and beside JobRun in get-job-run.
    let gl = Gluelab::new();
    gl.ok(&["example", "load", "hr"]);
    gl.ok(&["s3", "cp", &hr_file("employees-2024-01.csv"), UPLOADS]);
    let id = start_run(&gl, hr::JOB_NAME);
    let got = gl.json(&[
        "glue",
        "get-job-run",
        "--job-name",
        hr::JOB_NAME,
        "--run-id",
        id.as_str(),
    ]);
    assert_eq!(got["JobRun"]["JobRunState"], "SUCCEEDED");
    let record = &got["Gluelab"]["ErrorRecords"][0];
    assert_eq!(
        (
            record["Transform"].as_str(),
            record["Line"].as_u64(),
            record["Field"].as_str()
        ),
        (Some("ValueMapping"), Some(7), Some("company"))
    );
    assert_eq!(record["Values"]["company"], "Initech");
    // A run without error records or detail prints Glue's shape only.
    let gl = Gluelab::ready();
    gl.upload(1);
    let id = gl.start_run();
    let got = gl.json(&["glue", "get-job-run", "--job-name", JOB, "--run-id", id.as_str()]);
    assert!(got.get("Gluelab").is_none(), "{got}");
}

#[test]
fn a_jdbc_source_run_explains_each_key_and_the_warehouse_rows_it_wrote() {
    let gl = Gluelab::new();
    let mut ws = Workspace::default();
    ws.execute_warehouse_statement(
        "CREATE TABLE hr.employees (empno INT PRIMARY KEY, name VARCHAR(40), dept VARCHAR(10), salary INT)",
    )
    .unwrap();
    let no_keys: [&str; 0] = [];
    let plan = JobPlan {
        required_arguments: vec!["JOB_NAME".into()],
        sources: vec![SourceSpec::jdbc(
            "hr.employees",
            &no_keys,
            KeySortOrder::Asc,
            Some("employees"),
        )],
        transforms: vec![],
        sinks: vec![SinkSpec::jdbc("analytics.employees_copy", SinkMode::Append)],
        commits: true,
    };
    let mut job = JobDefinition::new("employees-to-warehouse", plan);
    job.default_arguments
        .insert("--job-bookmark-option".into(), "job-bookmark-enable".into());
    ws.create_job(job).unwrap();
    start_from(&gl, &ws);

    let insert = gl.json(&[
        "redshift-data",
        "execute-statement",
        "--sql",
        "INSERT INTO hr.employees VALUES (1, 'Ana', 'ops', 10), (2, 'Bo', 'dev', 20)",
    ]);
    let id = insert["Id"].as_str().unwrap();
    let described = gl.json(&["redshift-data", "describe-statement", "--id", id]);
    assert_eq!(described["ResultRows"], 2);
    let first = start_run(&gl, "employees-to-warehouse");
    gl.ok(&[
        "redshift-data",
        "execute-statement",
        "--sql",
        "INSERT INTO hr.employees VALUES (3, 'Cy', 'dev', 30)",
    ]);
    let second = start_run(&gl, "employees-to-warehouse");

    let explained = gl.ok(&[
        "explain",
        "--job-name",
        "employees-to-warehouse",
        "--run-id",
        second.as_str(),
    ]);
    // Rows 1 and 2 skipped, row 3 (empno 3) read; row ids count per table.
    assert!(explained.contains("  skipped   jdbc:hr.employees#2\n"), "{explained}");
    assert!(
        explained.contains("  read      jdbc:hr.employees#3 (1 row)\n"),
        "{explained}"
    );
    assert!(
        explained.contains("row empno=3 of hr.employees was read"),
        "{explained}"
    );
    assert!(
        explained.contains("warehouse table analytics.employees_copy (1 row from this run"),
        "{explained}"
    );
    assert!(
        explained.contains("    3 | Cy | dev | 30   <- jdbc:hr.employees#3\n"),
        "{explained}"
    );
    let explained = gl.ok(&[
        "explain",
        "--job-name",
        "employees-to-warehouse",
        "--run-id",
        first.as_str(),
    ]);
    assert!(explained.contains("(2 rows from this run"), "{explained}");

    // Reset: every key read again, and the appending sink holds rows 1 and 2 twice.
    gl.ok(&["glue", "reset-job-bookmark", "--job-name", "employees-to-warehouse"]);
    let third = start_run(&gl, "employees-to-warehouse");
    let explained = gl.ok(&[
        "explain",
        "--job-name",
        "employees-to-warehouse",
        "--run-id",
        third.as_str(),
    ]);
    assert_eq!(
        explained.matches("DUPLICATE of row").count(),
        3,
        "rows 1, 2 and 3 again: {explained}"
    );
    assert!(
        explained.contains("of analytics.employees_copy (written by run jr_"),
        "{explained}"
    );
}
