//! `gluelab export-job` with the built binary: the seed workspace's job written as the three
//! files for real AWS Glue, and the written template deployed back with the CLI's own
//! `cloudformation deploy` into an empty workspace, where the uploaded script runs the job.

use std::path::PathBuf;

use crate::common::*;
use gluelab_core::aws::export::pyspark_script;
use gluelab_core::demo;
use serde_json::Value;

/// A workspace loaded with a shipped example, and the files `export-job` wrote for `job`.
fn exported(example: &str, job: &str) -> (Gluelab, PathBuf, String) {
    let gl = Gluelab::new();
    gl.ok(&["example", "load", example]);
    let out = gl.dir.path().join("out");
    let printed = gl.ok(&["export-job", "--job-name", job, "--out-dir", out.to_str().unwrap()]);
    (gl, out, printed)
}

fn read_json(path: &PathBuf) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

#[test]
fn export_job_writes_the_script_the_create_job_request_and_the_template() {
    let (gl, out, printed) = exported("seed", JOB);
    let before = gl.snapshot();
    for file in [
        "devices-data-etl.py",
        "devices-data-etl.json",
        "devices-data-etl.template.json",
    ] {
        assert!(
            printed.contains(&format!("wrote: {}", out.join(file).display())),
            "{printed}"
        );
    }
    assert!(printed.contains("aws cloudformation deploy --template-file devices-data-etl.template.json"));
    assert!(printed.contains("--capabilities CAPABILITY_NAMED_IAM --parameter-overrides"));
    assert_eq!(gl.snapshot(), before, "export-job only reads the workspace");

    let script = std::fs::read_to_string(out.join("devices-data-etl.py")).unwrap();
    assert_eq!(script, pyspark_script(&demo::devices_job()));
    let request = read_json(&out.join("devices-data-etl.json"));
    let job = gl.json(&["glue", "get-job", "--job-name", JOB]);
    assert_eq!(
        request["Command"]["ScriptLocation"],
        job["Job"]["Command"]["ScriptLocation"]
    );
    assert_eq!(request["DefaultArguments"], job["Job"]["DefaultArguments"]);
    let template = read_json(&out.join("devices-data-etl.template.json"));
    assert_eq!(
        template["Parameters"]["ScriptLocation"]["Default"],
        request["Command"]["ScriptLocation"]
    );
    assert_eq!(template["Resources"]["GlueJob"]["Type"], "AWS::Glue::Job");
}

#[test]
fn the_written_template_deploys_with_the_cli_and_the_job_runs_its_uploaded_script() {
    let (source, out, _) = exported("seed", JOB);
    let template = out.join("devices-data-etl.template.json");
    let request = read_json(&out.join("devices-data-etl.json"));

    let target = Gluelab::new();
    target.ok(&deploy_args(template.to_str().unwrap(), "devices-data-etl"));
    // The same job, the same tables.
    let (a, b) = (
        source.json(&["glue", "get-job", "--job-name", JOB]),
        target.json(&["glue", "get-job", "--job-name", JOB]),
    );
    for field in [
        "Role",
        "Command",
        "DefaultArguments",
        "GlueVersion",
        "MaxRetries",
        "Timeout",
        "ExecutionProperty",
    ] {
        assert_eq!(b["Job"][field], a["Job"][field], "{field}");
    }
    for table in [demo::SOURCE_TABLE, demo::SINK_TABLE] {
        let args = ["glue", "get-table", "--database-name", demo::DATABASE, "--name", table];
        let (a, b) = (source.json(&args), target.json(&args));
        for field in ["Columns", "Location", "InputFormat", "OutputFormat", "SerdeInfo"] {
            assert_eq!(
                b["Table"]["StorageDescriptor"][field], a["Table"]["StorageDescriptor"][field],
                "{table}: {field}"
            );
        }
    }

    // Upload the exported script where the job looks for it, then the data, and run.
    let script_location = request["Command"]["ScriptLocation"].as_str().unwrap();
    target.ok(&[
        "s3",
        "cp",
        out.join("devices-data-etl.py").to_str().unwrap(),
        script_location,
    ]);
    target.upload(1);
    let first = target.start_run();
    let run = target.json(&["glue", "get-job-run", "--job-name", JOB, "--run-id", &first]);
    assert_eq!(run["JobRun"]["JobRunState"], "SUCCEEDED", "{run}");
    let records = |n: usize| demo::raw_files()[n].1.lines().filter(|l| !l.trim().is_empty()).count();
    let rows = target.query_rows();
    assert_eq!(rows.len(), records(0), "{rows:?}");
    // The exported bookmark option holds: file 1 is not read again.
    target.upload(2);
    target.start_run();
    let after = target.query_rows();
    assert_eq!(after.len(), records(0) + records(1), "{after:?}");
    assert!(inner(&target.bookmark())["datasource"].is_object());
}

#[test]
fn the_hr_jobs_template_deploys_with_the_cli_and_says_what_it_leaves_out() {
    let (_source, out, printed) = exported("hr", "hr-monthly-employees");
    assert!(printed.contains("Not created by the template:"), "{printed}");
    assert!(printed.contains("gluelab-warehouse"), "{printed}");
    let target = Gluelab::new();
    let template = out.join("hr-monthly-employees.template.json");
    let deployed = target.ok(&deploy_args(template.to_str().unwrap(), "hr-monthly-employees"));
    assert!(deployed.contains("Successfully created/updated stack"), "{deployed}");
    let tables = target.json(&["glue", "get-tables", "--database-name", "hr_rules"]);
    assert_eq!(tables["TableList"].as_array().unwrap().len(), 2, "{tables}");
}

#[test]
fn export_job_takes_a_script_location_and_refuses_unknown_jobs() {
    let gl = Gluelab::new();
    gl.ok(&["example", "load", "seed"]);
    let out = gl.dir.path().join("out");
    let out = out.to_str().unwrap();
    gl.ok(&[
        "export-job",
        "--job-name",
        JOB,
        "--out-dir",
        out,
        "--script-location",
        "s3://my-scripts/etl.py",
    ]);
    let request = read_json(&PathBuf::from(out).join("devices-data-etl.json"));
    assert_eq!(request["Command"]["ScriptLocation"], "s3://my-scripts/etl.py");
    let template = read_json(&PathBuf::from(out).join("devices-data-etl.template.json"));
    assert_eq!(
        template["Parameters"]["ScriptLocation"]["Default"],
        "s3://my-scripts/etl.py"
    );

    let e = gl.fails(
        252,
        &[
            "export-job",
            "--job-name",
            JOB,
            "--out-dir",
            out,
            "--script-location",
            "etl.py",
        ],
    );
    assert!(e.contains("--script-location"), "{e}");
    let e = gl.fails(254, &["export-job", "--job-name", "nope", "--out-dir", out]);
    assert!(e.contains("EntityNotFoundException"), "{e}");

    // A job whose name is a path (as an imported workspace could carry) writes nothing outside.
    gl.ok(&[
        "glue",
        "create-job",
        "--name",
        "../escaped",
        "--role",
        "GlueRole",
        "--command",
        "Name=glueetl,ScriptLocation=s3://my-scripts/etl.py",
    ]);
    let e = gl.fails(255, &["export-job", "--job-name", "../escaped", "--out-dir", out]);
    assert!(e.contains("cannot name a file in --out-dir"), "{e}");
    assert!(!gl.dir.path().join("escaped.py").exists());
}
