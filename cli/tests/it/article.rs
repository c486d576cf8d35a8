//! The seed article, replayed with the built `gluelab` and the article's own template, script
//! and data files: two runs, reset (every row twice), clean up, two runs, rewind to run 1
//! (file 2 read again, as df.show() in the output log shows).

use crate::common::*;
use serde_json::Value;

#[test]
fn the_articles_story_command_by_command() {
    let gl = Gluelab::new();
    assert_eq!(
        gl.ok(&["sts", "get-caller-identity"]).lines().nth(2).unwrap().trim(),
        r#""Account": "123456789012","#
    );
    let deployed = gl.deploy();
    assert!(
        deployed.ends_with("Successfully created/updated stack - devices-data-analytics-stack\n"),
        "{deployed}"
    );
    // Deploying again changes nothing; without --no-fail-on-empty-changeset it is an error.
    let before = gl.snapshot();
    assert!(gl
        .deploy()
        .contains("No changes to deploy. Stack devices-data-analytics-stack is up to date"));
    let strict = gl.fails(255, &deploy_args("template.yaml", STACK));
    assert!(strict.contains("No changes to deploy"), "{strict}");
    assert_eq!(gl.snapshot(), before);

    gl.upload_script();
    let uploaded = gl.upload(1);
    assert_eq!(
        uploaded,
        format!("upload: raw-data-1.json to {RAW}/raw-data/raw-data-1.json\n")
    );
    let run_a = gl.start_run();
    gl.upload(2);
    let run_b = gl.start_run();
    for id in [&run_a, &run_b] {
        assert!(id.starts_with("jr_") && id.len() == 67, "{id}");
    }

    // Athena: 2 rows.
    let query = gl.ok(&["query", TABLE_SQL]);
    assert!(query.ends_with("(2 rows)\n"), "{query}");
    assert!(query.contains("| 3ff9c44a  | 1609348014 | true  |"), "{query}");
    assert!(query.contains("| e36b7dfa  | 1609375822 | true  |"), "{query}");

    // get-job-bookmark, in the article's shape.
    let printed = gl.ok(&["glue", "get-job-bookmark", "--job-name", JOB]);
    assert!(
        printed.starts_with(concat!(
            "{\n    \"JobBookmarkEntry\": {\n        \"JobName\": \"devices-data-etl\",\n",
            "        \"Version\": 4,\n        \"Run\": 3,\n        \"Attempt\": 0,\n        \"PreviousRunId\": "
        )),
        "{printed}"
    );
    let entry: Value = serde_json::from_str(&printed).unwrap();
    let e = &entry["JobBookmarkEntry"];
    assert_eq!(e["PreviousRunId"], run_a.as_str());
    assert_eq!(e["RunId"], run_b.as_str());
    let state = &inner(&entry)["datasource"];
    assert_eq!(state["jsonClass"], "HadoopDataSourceJobBookmarkState");
    let ts = &state["timestamps"];
    assert_eq!(
        (ts["RUN"].as_str(), ts["HIGH_BAND"].as_str()),
        (Some("2"), Some("900000"))
    );
    assert_eq!(
        (
            ts["CURR_LATEST_PARTITION"].as_str(),
            ts["CURR_LATEST_PARTITIONS"].as_str()
        ),
        (Some("0"), Some(""))
    );
    assert_eq!(ts["INCLUDE_LIST"].as_str().unwrap().split(',').count(), 2);
    assert!(ts["CURR_RUN_START_TIME"].as_str().unwrap().ends_with('Z'));

    // Reset: the bookmark is emptied; the next run loads every row again.
    let reset = gl.json(&["glue", "reset-job-bookmark", "--job-name", JOB]);
    assert_eq!(
        reset,
        serde_json::json!({"JobBookmarkEntry": {
            "JobName": JOB, "Version": 5, "Run": 4, "Attempt": 0, "JobBookmark": ""
        }})
    );
    gl.start_run();
    assert_eq!(gl.query_rows().len(), 4);

    // Clean up: every object of both prefixes, and the bookmark.
    let removed = gl.ok(&["s3", "rm", &format!("{RAW}/raw-data"), "--recursive"]);
    assert_eq!(
        removed,
        format!("delete: {RAW}/raw-data/raw-data-1.json\ndelete: {RAW}/raw-data/raw-data-2.json\n")
    );
    let removed = gl.ok(&["s3", "rm", &format!("{ANALYTICS}/integrated-data"), "--recursive"]);
    assert_eq!(
        removed.lines().filter(|l| l.starts_with("delete: s3://")).count(),
        3,
        "{removed}"
    );
    gl.ok(&["glue", "reset-job-bookmark", "--job-name", JOB]);
    assert!(gl.query_rows().is_empty());

    // Two fresh runs, reading the bookmark after each.
    gl.upload(1);
    let run1 = gl.start_run();
    let after_run1 = gl.bookmark();
    let e = &after_run1["JobBookmarkEntry"];
    assert_eq!((e["Version"].as_u64(), e["Run"].as_u64()), (Some(10), Some(7)));
    assert_eq!(e["RunId"], run1.as_str());
    assert!(e.get("PreviousRunId").is_none(), "omitted, not null: {e}");
    assert_eq!(inner(&after_run1)["datasource"]["timestamps"]["RUN"], "6");
    gl.upload(2);
    let run2 = gl.start_run();
    let e = &gl.bookmark()["JobBookmarkEntry"];
    assert_eq!((e["Version"].as_u64(), e["Run"].as_u64()), (Some(12), Some(8)));
    assert_eq!(e["PreviousRunId"], run1.as_str());
    assert_eq!(gl.query_rows().len(), 2);

    // Rewind to run 1: its bookmark comes back.
    let rewound = gl.json(&["glue", "reset-job-bookmark", "--job-name", JOB, "--run-id", &run1]);
    let e = &rewound["JobBookmarkEntry"];
    assert_eq!((e["Version"].as_u64(), e["Run"].as_u64()), (Some(13), Some(7)));
    assert_eq!(e["RunId"], run1.as_str());
    assert_eq!(e["JobBookmark"], after_run1["JobBookmarkEntry"]["JobBookmark"]);
    let by_run = gl.json(&["glue", "get-job-bookmark", "--job-name", JOB, "--run-id", &run1]);
    assert_eq!(by_run, after_run1);

    // The next run reads file 2 again: df.show() in its output log.
    let run3 = gl.start_run();
    let logs = gl.json(&[
        "logs",
        "get-log-events",
        "--log-group-name",
        "/aws-glue/jobs/output",
        "--log-stream-name",
        &run3,
    ]);
    let shown: String = logs["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(
        shown.contains(concat!(
            "+---------+----------+-----+\n|device_id| timestamp|state|\n+---------+----------+-----+\n",
            "| e36b7dfa|1609375822| true|\n+---------+----------+-----+"
        )),
        "{shown}"
    );
    assert!(!shown.contains("3ff9c44a"), "{shown}");
    assert!(logs["events"][0]["timestamp"].as_i64().unwrap() > 1_600_000_000_000);
    assert!(logs["nextForwardToken"].as_str().unwrap().starts_with("f/"));

    // explain says why, and shows the duplicate the appending sink got.
    let explained = gl.ok(&["explain", "--job-name", JOB, "--run-id", &run3]);
    assert!(explained.contains("raw-data-1.json was skipped: run"), "{explained}");
    assert!(
        explained.contains("raw-data-2.json was read again because the bookmark was rewound to run"),
        "{explained}"
    );
    assert!(
        explained.contains("e36b7dfa | 1609375822 | true   <- raw-data-2.json line 1"),
        "{explained}"
    );
    assert!(explained.contains("DUPLICATE of row 1 of"), "{explained}");
    // Where the rows went: read, the script's show() step, written.
    assert!(
        explained.contains("Rows:\n  Read 1 row\n  Step 1 show: 1 row kept\n  Wrote 1 row"),
        "{explained}"
    );
    let machine = gl.json(&["explain", "--job-name", JOB, "--run-id", &run3, "--output", "json"]);
    assert_eq!(machine["Files"][1]["kind"], "ReRead");
    assert_eq!(machine["Files"][1]["reason"]["AfterRewind"]["to_run_id"], run1.as_str());
    assert_eq!(machine["Files"][1]["reason"]["AfterRewind"]["run_id"], run2.as_str());
    assert_eq!(machine["Written"][0]["Rows"][0]["written_by"], run3.as_str());
    assert_eq!(gl.query_rows().len(), 3);

    // GetJobRun and GetJobRuns.
    let job_run = gl.json(&["glue", "get-job-run", "--job-name", JOB, "--run-id", &run3]);
    let r = &job_run["JobRun"];
    assert_eq!(
        (r["Id"].as_str(), r["JobRunState"].as_str()),
        (Some(run3.as_str()), Some("SUCCEEDED"))
    );
    assert_eq!(
        (r["Attempt"].as_u64(), r["GlueVersion"].as_str()),
        (Some(0), Some("2.0"))
    );
    let started = r["StartedOn"].as_str().unwrap();
    assert!(
        started.starts_with("2021-01-07T") && started.ends_with("+00:00"),
        "{started}"
    );
    assert!(r["CompletedOn"].as_str().unwrap() >= started);
    assert!(r.get("ErrorMessage").is_none());
    let runs = gl.json(&["glue", "get-job-runs", "--job-name", JOB]);
    assert_eq!(runs["JobRuns"].as_array().unwrap().len(), 6);
    assert_eq!(runs["JobRuns"][0]["Id"], run3.as_str(), "newest first");

    // Athena's own API over the same table.
    let started = gl.json(&[
        "athena",
        "start-query-execution",
        "--query-string",
        "SELECT device_id FROM devices_integrated_data ORDER BY device_id",
        "--query-execution-context",
        "Database=devices_data_analystics",
    ]);
    let id = started["QueryExecutionId"].as_str().unwrap();
    let results = gl.json(&["athena", "get-query-results", "--query-execution-id", id]);
    let rows: Vec<&str> = results["ResultSet"]["Rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Data"][0]["VarCharValue"].as_str().unwrap())
        .collect();
    assert_eq!(rows, ["device_id", "3ff9c44a", "e36b7dfa", "e36b7dfa"]);
    assert_eq!(
        results["ResultSet"]["ResultSetMetadata"]["ColumnInfo"][0]["Type"],
        "varchar"
    );

    // s3 ls prints what aws s3 ls prints.
    let listed = gl.ok(&["s3", "ls", RAW, "--recursive"]);
    let first = listed.lines().next().unwrap();
    assert_eq!(&first[19..], "         66 raw-data/raw-data-1.json", "{listed}");
    assert!(first.starts_with("2021-01-07 "), "{listed}");
    assert_eq!(
        gl.ok(&["s3", "ls", &format!("{RAW}/")]),
        "                           PRE raw-data/\n"
    );

    // Catalog and job, as the template defined them.
    let table = gl.json(&[
        "glue",
        "get-table",
        "--database-name",
        "devices_data_analystics",
        "--name",
        "devices_raw_data",
    ]);
    assert_eq!(
        table["Table"]["StorageDescriptor"]["Location"],
        format!("{RAW}/raw-data")
    );
    assert_eq!(
        table["Table"]["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"],
        "org.apache.hive.hcatalog.data.JsonSerDe"
    );
    let tables = gl.json(&["glue", "get-tables", "--database-name", "devices_data_analystics"]);
    assert_eq!(tables["TableList"].as_array().unwrap().len(), 2);
    let job = gl.json(&["glue", "get-job", "--job-name", JOB]);
    assert_eq!(
        job["Job"]["Command"]["ScriptLocation"],
        format!("{ANALYTICS}/glue-job-script/devices-data-etl.py")
    );
    assert_eq!(
        job["Job"]["DefaultArguments"]["--job-bookmark-option"],
        "job-bookmark-enable"
    );
}

#[test]
fn the_example_scenario_runs_green_and_replays_identically() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/seed-article.scenario");
    let replay = || {
        let gl = Gluelab::new();
        let ran = gl.run(&["scenario", "run", example.to_str().unwrap()]);
        assert_eq!(ran.code, 0, "stdout:\n{}\nstderr:\n{}", ran.stdout, ran.stderr);
        (ran.stdout, gl.snapshot().unwrap())
    };
    let (transcript, snapshot) = replay();
    assert!(transcript
        .contains("% aws glue get-job-bookmark --job-name ${ETL_GLUE_JOB_NAME}\n{\n    \"JobBookmarkEntry\": {"));
    assert!(
        transcript.contains("\"Version\": 4,\n        \"Run\": 3,"),
        "{transcript}"
    );
    assert!(transcript.contains("(4 rows)"), "{transcript}");
    assert!(transcript.contains("| e36b7dfa|1609375822| true|"), "{transcript}");
    assert!(
        transcript.contains("was read again because the bookmark was rewound"),
        "{transcript}"
    );
    assert!(transcript.contains("(3 rows)"), "{transcript}");
    assert!(transcript.contains("# (failed as expected, exit 254)"), "{transcript}");
    assert!(transcript.trim_end().ends_with("commands ran"), "{transcript}");
    assert_eq!(replay(), (transcript, snapshot), "the same story gives the same bytes");
}

#[test]
fn scenarios_capture_values_and_stop_at_the_first_failure() {
    let gl = Gluelab::ready();
    let file = gl.dir.path().join("story.scenario");
    let fixtures = fixtures();
    std::fs::write(
        &file,
        format!(
            "cd {}\nJOB=devices-data-etl\n% aws s3 cp raw-data-1.json \\\n  {RAW}/raw-data/\n\
             RUN = glue start-job-run --job-name $JOB | .JobRunId\n\
             STATE=$(aws glue get-job-run --job-name \"${{JOB}}\" --run-id ${{RUN}} | jq -r '.JobRun.JobRunState')\n\
             clock advance 15m\nglue get-job-run --job-name nope --run-id ${{RUN}}\nclock advance 1h\n",
            fixtures.display()
        ),
    )
    .unwrap();
    let ran = gl.run(&["scenario", "run", file.to_str().unwrap()]);
    assert_eq!(ran.code, 254, "{}\n{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("# STATE=SUCCEEDED"), "{}", ran.stdout);
    assert!(ran.stdout.contains(
        "upload: raw-data-1.json to s3://devices-raw-data-123456789012-ap-northeast-1/raw-data/raw-data-1.json"
    ));
    assert!(
        ran.stderr
            .contains("stopped at line 8: An error occurred (EntityNotFoundException)"),
        "{}",
        ran.stderr
    );
    // What ran before the failure is saved (the 15 minutes passed), what came after did not run.
    let clock = gl.json(&["clock", "show"]);
    let now = clock["Now"].as_str().unwrap();
    assert!(now.starts_with("2021-01-07T08:5"), "{now}");
}
