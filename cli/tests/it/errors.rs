//! Bad input gets a clear error with AWS's names and exit codes, and leaves the workspace byte
//! for byte as it was.

use crate::common::*;

#[test]
fn a_template_with_an_unknown_resource_type_deploys_nothing() {
    let gl = Gluelab::new();
    let template = std::fs::read_to_string(fixtures().join("template.yaml")).unwrap()
        + "\n  Notifier:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: index.handler\n";
    let path = gl.dir.path().join("with-lambda.yaml");
    std::fs::write(&path, template).unwrap();
    let err = gl.fails(254, &deploy_args(path.to_str().unwrap(), STACK));
    assert!(
        err.contains(
            "An error occurred (ValidationError) when calling the CreateChangeSet operation: Template format error: \
             Unrecognized resource types: [AWS::Lambda::Function]"
        ),
        "{err}"
    );
    assert!(gl.snapshot().is_none(), "nothing was deployed or saved");

    // Without the IAM capability: AWS's InsufficientCapabilitiesException.
    let err = gl.fails(
        254,
        &[
            "cloudformation",
            "deploy",
            "--template-file",
            "template.yaml",
            "--stack-name",
            STACK,
        ],
    );
    assert!(
        err.contains("(InsufficientCapabilitiesException)") && err.contains("[CAPABILITY_IAM]"),
        "{err}"
    );

    // An intrinsic gluelab does not resolve, after a good deploy: still nothing changes.
    gl.deploy();
    let broken = std::fs::read_to_string(fixtures().join("template.yaml"))
        .unwrap()
        .replace("MaxRetries: 0", "MaxRetries: !If [IsProd, 2, 0]");
    std::fs::write(&path, broken).unwrap();
    let err = gl.fails(254, &deploy_args(path.to_str().unwrap(), STACK));
    assert!(
        err.contains("Fn::If (at Resources.DevicesDataETLGlueJob.Properties.MaxRetries) is not supported"),
        "{err}"
    );

    // A resource that cannot be created rolls the stack back.
    let err = gl.fails(255, &deploy_args("template.yaml", "another-stack"));
    assert!(
        err.contains("Failed to create/update the stack") && err.contains("BucketAlreadyOwnedByYou"),
        "{err}"
    );
    let missing = gl.fails(
        255,
        &[
            "cloudformation",
            "deploy",
            "--template-file",
            "nope.yaml",
            "--stack-name",
            STACK,
        ],
    );
    assert!(missing.contains("Invalid template path nope.yaml"), "{missing}");
}

#[test]
fn bad_run_ids_missing_jobs_and_malformed_arguments() {
    let gl = Gluelab::ready();
    gl.upload(1);
    let run = gl.start_run();

    let err = gl.fails(254, &["glue", "get-job-run", "--job-name", JOB, "--run-id", "jr_nope"]);
    assert_eq!(
        err.trim(),
        "An error occurred (EntityNotFoundException) when calling the GetJobRun operation: Job Run jr_nope not found"
    );
    let err = gl.fails(
        254,
        &["glue", "reset-job-bookmark", "--job-name", JOB, "--run-id", "jr_nope"],
    );
    assert!(
        err.contains(
            "(EntityNotFoundException) when calling the ResetJobBookmark operation: Job bookmark for run jr_nope"
        ),
        "{err}"
    );
    let err = gl.fails(
        254,
        &["glue", "get-job-bookmark", "--job-name", JOB, "--run-id", "jr_nope"],
    );
    assert!(err.contains("when calling the GetJobBookmark operation"), "{err}");

    let err = gl.fails(254, &["glue", "start-job-run", "--job-name", "no-such-job"]);
    assert_eq!(
        err.trim(),
        "An error occurred (EntityNotFoundException) when calling the StartJobRun operation: Job no-such-job not found"
    );
    let err = gl.fails(254, &["glue", "get-job-bookmark", "--job-name", "no-such-job"]);
    assert!(
        err.contains("(EntityNotFoundException) when calling the GetJobBookmark operation"),
        "{err}"
    );
    let err = gl.fails(254, &["explain", "--job-name", JOB, "--run-id", "jr_nope"]);
    assert!(err.contains("Job Run jr_nope not found"), "{err}");
    let err = gl.fails(
        254,
        &[
            "logs",
            "get-log-events",
            "--log-group-name",
            "/aws-glue/jobs/output",
            "--log-stream-name",
            "jr_nope",
        ],
    );
    assert!(
        err.contains("(ResourceNotFoundException)") && err.contains("log stream does not exist"),
        "{err}"
    );

    let err = gl.fails(
        252,
        &[
            "glue",
            "start-job-run",
            "--job-name",
            JOB,
            "--arguments",
            r#"{"--x": "1""#,
        ],
    );
    assert!(
        err.contains("Error parsing parameter '--arguments': Invalid JSON:"),
        "{err}"
    );
    assert!(err.contains(r#"JSON received: {"--x": "1""#), "{err}");
    let err = gl.fails(
        252,
        &[
            "glue",
            "start-job-run",
            "--job-name",
            JOB,
            "--arguments",
            r#"{"--x": 1}"#,
        ],
    );
    assert!(err.contains("Invalid type for parameter --x"), "{err}");
    let err = gl.fails(252, &["glue", "start-job-run"]);
    assert!(err.contains("--job-name"), "{err}");
    let err = gl.fails(252, &["glue", "frobnicate"]);
    assert!(err.contains("frobnicate"), "{err}");
    let err = gl.fails(252, &["clock", "advance", "soon"]);
    assert!(err.contains("is not a duration"), "{err}");

    // Arguments that parse but that the job rejects: the run is recorded as FAILED, with Glue's message.
    let ran = gl.run(&[
        "glue",
        "start-job-run",
        "--job-name",
        JOB,
        "--arguments",
        r#"{"--job-bookmark-option": "job-bookmark-on"}"#,
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("ended FAILED") && ran.stderr.contains("invalid choice: 'job-bookmark-on'"),
        "{}",
        ran.stderr
    );

    // Uploads that cannot happen.
    let err = gl.fails(
        255,
        &["s3", "cp", "missing.json", &format!("{RAW}/raw-data/missing.json")],
    );
    assert!(
        err.contains("The user-provided path missing.json does not exist."),
        "{err}"
    );
    let err = gl.fails(1, &["s3", "cp", "raw-data-1.json", "s3://no-such-bucket/x.json"]);
    assert!(
        err.contains("upload failed: raw-data-1.json to s3://no-such-bucket/x.json An error occurred (NoSuchBucket)"),
        "{err}"
    );
    let err = gl.fails(254, &["s3", "ls", "s3://no-such-bucket"]);
    assert!(
        err.contains("(NoSuchBucket) when calling the ListObjectsV2 operation"),
        "{err}"
    );
    let err = gl.fails(254, &["query", "SELECT * FROM devices_data_analystics.nope"]);
    assert!(err.contains("TABLE_NOT_FOUND"), "{err}");
    let err = gl.fails(254, &["athena", "get-query-results", "--query-execution-id", "nope"]);
    assert!(err.contains("(InvalidRequestException)"), "{err}");
    assert!(!run.is_empty());
}

#[test]
fn a_script_the_runner_does_not_support_fails_the_run_and_saves_no_bookmark() {
    let gl = Gluelab::ready();
    gl.upload(1);
    gl.start_run();
    let bookmark = gl.bookmark()["JobBookmarkEntry"]["JobBookmark"].clone();
    let rows = gl.query_rows();

    let script = std::fs::read_to_string(fixtures().join("devices-data-etl.py"))
        .unwrap()
        .replace("df.show()", "df.show()\nextra = spark.read.json('s3://elsewhere/')");
    let path = gl.dir.path().join("devices-data-etl.py");
    std::fs::write(&path, script).unwrap();
    gl.ok(&[
        "s3",
        "cp",
        path.to_str().unwrap(),
        &format!("{ANALYTICS}/glue-job-script/devices-data-etl.py"),
    ]);
    gl.upload(2);

    let ran = gl.run(&["glue", "start-job-run", "--job-name", JOB]);
    assert_eq!(ran.code, 0, "StartJobRun itself succeeds: {}", ran.stderr);
    let id = serde_json::from_str::<serde_json::Value>(&ran.stdout).unwrap()["JobRunId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ran.stderr.contains("ended FAILED"), "{}", ran.stderr);
    let run = gl.json(&["glue", "get-job-run", "--job-name", JOB, "--run-id", &id]);
    assert_eq!(run["JobRun"]["JobRunState"], "FAILED");
    let message = run["JobRun"]["ErrorMessage"].as_str().unwrap();
    assert!(message.contains("which job bookmarks never track"), "{message}");
    assert!(
        message.contains("line "),
        "the message names the script line: {message}"
    );
    // Nothing was read into the target and the bookmark still holds what run 1 committed.
    assert_eq!(gl.bookmark()["JobBookmarkEntry"]["JobBookmark"], bookmark);
    assert_eq!(gl.query_rows(), rows);
}

#[test]
fn a_data_file_that_is_not_json_is_read_permissively() {
    let gl = Gluelab::ready();
    let bad = gl.dir.path().join("broken.json");
    std::fs::write(
        &bad,
        "this is not json\n{\"device_id\": \"aa\", \"timestamp\": 1, \"state\": false}\n",
    )
    .unwrap();
    gl.ok(&[
        "s3",
        "cp",
        bad.to_str().unwrap(),
        &format!("{RAW}/raw-data/broken.json"),
    ]);
    let run = gl.start_run();
    // Glue's default PERMISSIVE mode: the run succeeds, the bad line becomes a _corrupt_record
    // row, and the driver log names the object and the line.
    let job_run = gl.json(&["glue", "get-job-run", "--job-name", JOB, "--run-id", &run]);
    assert_eq!(job_run["JobRun"]["JobRunState"], "SUCCEEDED");
    let log = |group: &str| {
        gl.json(&[
            "logs",
            "get-log-events",
            "--log-group-name",
            group,
            "--log-stream-name",
            &run,
        ])["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let driver = log("/aws-glue/jobs/error");
    assert!(
        driver.contains("WARN s3://devices-raw-data-123456789012-ap-northeast-1/raw-data/broken.json, line 1"),
        "{driver}"
    );
    let shown = log("/aws-glue/jobs/output");
    assert!(
        shown.contains("_corrupt_record") && shown.contains("this is not json"),
        "{shown}"
    );
    let rows = gl.query_rows();
    assert_eq!(rows, [vec!["", "", ""], vec!["aa", "1", "false"]]);
}

#[test]
fn a_busy_or_damaged_workspace_is_refused() {
    let gl = Gluelab::ready();
    let lock = std::fs::File::open(gl.workspace().join("lock")).unwrap();
    lock.lock().unwrap();
    let err = gl.fails(255, &["glue", "start-job-run", "--job-name", JOB]);
    assert!(err.contains("is in use by another gluelab command"), "{err}");
    let err = gl.fails(255, &["glue", "get-job", "--job-name", JOB]);
    assert!(err.contains("is in use by another gluelab command"), "{err}");
    lock.unlock().unwrap();
    // A shared (reading) lock lets readers in and keeps writers out.
    lock.lock_shared().unwrap();
    gl.ok(&["glue", "get-job", "--job-name", JOB]);
    gl.fails(255, &["clock", "advance", "15m"]);
    lock.unlock().unwrap();
    gl.ok(&["clock", "advance", "15m"]);

    std::fs::write(gl.generation().join("workspace.json"), b"{\"hello\": 1}").unwrap();
    let err = gl.fails(255, &["glue", "get-job", "--job-name", JOB]);
    assert!(
        err.contains("cannot load") && err.contains("not a gluelab workspace file"),
        "{err}"
    );
}
