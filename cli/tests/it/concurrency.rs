//! Overlapping runs of a bookmarked job through the built `gluelab`: a story with two runs at
//! once (`overlap`), then what `get-job-runs`, `get-job-bookmark` and `explain` show.
//! MaxConcurrentRuns > 1 with bookmarks gives GLUE_JOB_BOOKMARK_VERSION_MISMATCH_ERROR
//! (GLUE-SEMANTICS.md §9.5); the error's wording is modelled.

use crate::common::*;

const JOB: &str = "devices-data-etl";

#[test]
fn the_second_of_two_overlapping_runs_fails_its_commit_and_its_rows_stay() {
    let gl = Gluelab::new();
    gl.ok(&["example", "replay", "v1,concurrent-runs,upload:raw-data-1.json,overlap"]);
    let runs = gl.json(&["glue", "get-job-runs", "--job-name", JOB]);
    let runs = runs["JobRuns"].as_array().unwrap();
    // Newest first: the second run failed, the first succeeded.
    assert_eq!(runs[0]["JobRunState"], "FAILED", "{runs:?}");
    assert_eq!(runs[1]["JobRunState"], "SUCCEEDED", "{runs:?}");
    let error = runs[0]["ErrorMessage"].as_str().unwrap();
    assert!(
        error.starts_with("VersionMismatchException (GLUE_JOB_BOOKMARK_VERSION_MISMATCH_ERROR)"),
        "{error}"
    );
    let first = runs[1]["Id"].as_str().unwrap();
    assert!(error.contains(&format!("run {first} committed it")), "{error}");
    // The bookmark is the first run's.
    let entry = gl.json(&["glue", "get-job-bookmark", "--job-name", JOB]);
    assert_eq!(entry["JobBookmarkEntry"]["RunId"], first, "{entry}");
    // The second run says why it read file 1 although run 1 had committed it.
    let second = runs[0]["Id"].as_str().unwrap();
    let explained = gl.ok(&["explain", "--job-name", JOB, "--run-id", second]);
    assert!(
        explained.contains("raw-data-1.json was read again") && explained.contains("the two runs overlapped"),
        "{explained}"
    );
    // Both wrote: every row of the sink is there twice.
    let counts = gl.ok(&[
        "query",
        "SELECT count(*) AS n FROM devices_data_analystics.devices_integrated_data GROUP BY device_id, timestamp",
    ]);
    let ns: Vec<&str> = counts
        .lines()
        .filter(|l| l.starts_with('|') && !l.contains(" n "))
        .map(|l| l.trim_matches(|c| c == '|' || c == ' '))
        .collect();
    assert!(!ns.is_empty() && ns.iter().all(|n| *n == "2"), "{counts}");
}

#[test]
fn create_job_takes_job_run_queuing_enabled_and_get_job_shows_it() {
    let gl = Gluelab::new();
    gl.ok(&["s3", "mb", "s3://scripts"]);
    let script = gl.write_local("job.py", "from awsglue.job import Job\n");
    gl.ok(&["s3", "cp", &script, "s3://scripts/job.py"]);
    let create = |name: &str, queuing: bool| {
        let mut args = vec![
            "glue",
            "create-job",
            "--name",
            name,
            "--role",
            "arn:aws:iam::123456789012:role/Glue",
            "--command",
            r#"{"Name": "glueetl", "ScriptLocation": "s3://scripts/job.py"}"#,
        ];
        if queuing {
            args.push("--job-run-queuing-enabled");
        }
        gl.ok(&args);
        gl.json(&["glue", "get-job", "--job-name", name])["Job"].clone()
    };
    assert_eq!(create("queued", true)["JobRunQueuingEnabled"], true);
    assert!(create("refusing", false).get("JobRunQueuingEnabled").is_none());
}

/// Python shell and streaming jobs are never bookmarked (GLUE-SEMANTICS.md §1.4): CreateJob
/// says so instead of making a job whose runs would mean nothing here.
#[test]
fn python_shell_and_streaming_jobs_are_refused_saying_why() {
    let gl = Gluelab::new();
    for (kind, says) in [
        ("pythonshell", "You can't use job bookmarks with Python shell jobs"),
        ("gluestreaming", "Spark checkpoints, not job bookmarks"),
    ] {
        let command = format!(r#"{{"Name": "{kind}", "ScriptLocation": "s3://scripts/job.py"}}"#);
        let e = gl.fails(
            254,
            &[
                "glue",
                "create-job",
                "--name",
                kind,
                "--role",
                "arn:aws:iam::123456789012:role/Glue",
                "--command",
                &command,
            ],
        );
        assert!(e.contains("InvalidInputException") && e.contains(says), "{e}");
    }
}

/// `mark-as-processed` (gluelab only) records what is there as processed, writing nothing;
/// `export-job --mark-as-processed` writes the script one runs on Glue to the same effect.
#[test]
fn mark_as_processed_commits_without_writing_and_exports_the_workaround() {
    let gl = Gluelab::new();
    gl.ok(&["example", "replay", "v1,seed,upload:raw-data-1.json"]);
    let id = gl.json(&["mark-as-processed", "--job-name", JOB])["JobRunId"]
        .as_str()
        .unwrap()
        .to_string();
    let run = gl.json(&["glue", "get-job-run", "--job-name", JOB, "--run-id", &id]);
    assert_eq!(run["JobRun"]["JobRunState"], "SUCCEEDED", "{run}");
    let entry = gl.json(&["glue", "get-job-bookmark", "--job-name", JOB]);
    assert_eq!(entry["JobBookmarkEntry"]["RunId"], id.as_str(), "{entry}");
    let counts = gl.ok(&[
        "query",
        "SELECT count(*) AS n FROM devices_data_analystics.devices_integrated_data",
    ]);
    assert!(counts.contains("| 0 |"), "nothing written: {counts}");
    let out = gl.dir.path().join("export");
    let said = gl.ok(&[
        "export-job",
        "--job-name",
        JOB,
        "--mark-as-processed",
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert!(said.contains("devices-data-etl.mark-as-processed.py"), "{said}");
    let script = std::fs::read_to_string(out.join("devices-data-etl.mark-as-processed.py")).unwrap();
    assert!(
        script.contains(".filter(\"false\")") && script.contains("job.commit()"),
        "{script}"
    );
}

/// A renamed transformation_ctx (GLUE-SEMANTICS.md §9.7): the next run reads everything again
/// and says why; the old state stays in `get-job-bookmark`.
#[test]
fn a_renamed_context_reads_again_and_its_old_state_stays_in_the_bookmark() {
    let gl = Gluelab::new();
    gl.ok(&[
        "example",
        "replay",
        "v1,renamed-context,upload:raw-data-1.json,run,rename:devices_v2,run",
    ]);
    let runs = gl.json(&["glue", "get-job-runs", "--job-name", JOB]);
    let last = runs["JobRuns"][0]["Id"].as_str().unwrap().to_string();
    let explained = gl.ok(&["explain", "--job-name", JOB, "--run-id", &last]);
    assert!(
        explained.contains("raw-data-1.json was read again")
            && explained.contains("committed it under transformation_ctx 'datasource'"),
        "{explained}"
    );
    let state = inner(&gl.json(&["glue", "get-job-bookmark", "--job-name", JOB]));
    assert!(
        state.get("datasource").is_some() && state.get("devices_v2").is_some(),
        "{state}"
    );
}
