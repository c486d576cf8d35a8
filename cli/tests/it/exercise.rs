//! `gluelab exercise`: a challenge played with the built binary (start, check not yet, the
//! runs and upload that meet it, check met) and predict-then-run graded right and wrong.

use crate::common::*;

#[test]
fn the_third_file_challenge_is_checked_and_met_through_the_cli() {
    let gl = Gluelab::new();
    let list = gl.ok(&["exercise", "list"]);
    assert!(
        list.contains("third-file-only") && list.contains("rewind-no-duplicates"),
        "{list}"
    );
    let started = gl.ok(&["exercise", "start", "third-file-only"]);
    assert!(
        started.contains("Goal: Make a run of devices-data-etl read raw-data-3.json"),
        "{started}"
    );
    // Scriptable: not yet is exit 1, with what is missing.
    let not_yet = gl.fails(1, &["exercise", "check", "third-file-only"]);
    assert!(
        not_yet.starts_with("Not yet: no run has yet read raw-data-3.json"),
        "{not_yet}"
    );
    let hints = gl.ok(&["exercise", "hint", "third-file-only"]);
    assert!(hints.starts_with("1. A run with the bookmark enabled"), "{hints}");

    gl.start_run();
    let dir = tempfile::tempdir().unwrap();
    let third = dir.path().join("raw-data-3.json");
    std::fs::write(
        &third,
        "{\"device_id\": \"5b2a91c0\", \"timestamp\": 1609401600, \"state\": false}\n",
    )
    .unwrap();
    gl.ok(&[
        "s3",
        "cp",
        third.to_str().unwrap(),
        &format!("{RAW}/raw-data/raw-data-3.json"),
    ]);
    gl.start_run();
    let met = gl.ok(&["exercise", "check", "third-file-only"]);
    assert!(met.starts_with("✓ Goal met: run 2 read raw-data-3.json"), "{met}");
    // A workspace in use is not replaced without --force.
    let refused = gl.fails(255, &["exercise", "start", "fix-the-script"]);
    assert!(refused.contains("--force"), "{refused}");
}

#[test]
fn a_prediction_is_graded_after_its_run() {
    let gl = Gluelab::new();
    gl.ok(&["exercise", "start", "rewind-no-duplicates"]);
    let runs = gl.json(&["glue", "get-job-runs", "--job-name", JOB]);
    let first = runs["JobRuns"].as_array().unwrap().last().unwrap()["Id"]
        .as_str()
        .unwrap()
        .to_string();
    gl.ok(&["glue", "reset-job-bookmark", "--job-name", JOB, "--run-id", &first]);
    // A learner who thinks a rewind re-reads nothing, and that the sink will not grow.
    let graded = gl.ok(&[
        "exercise",
        "predict",
        "--job-name",
        JOB,
        "--expect",
        "raw-data-1.json=skipped",
        "--expect",
        "raw-data-2.json=skipped",
        "--sink-rows",
        "2",
    ]);
    let lines: Vec<&str> = graded.lines().collect();
    assert!(
        lines[0].starts_with("run 3 (jr_") && lines[0].ends_with("1 of 3 right"),
        "{graded}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("✓ raw-data-1.json: skipped")),
        "{graded}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("✗ raw-data-2.json: you said skipped, the run re-read")),
        "{graded}"
    );
    assert!(
        graded.contains("✗ you said the sink would hold 2 rows; it holds 3"),
        "{graded}"
    );
    let not_yet = gl.fails(1, &["exercise", "check", "rewind-no-duplicates"]);
    assert!(not_yet.contains("1 duplicate row(s)"), "{not_yet}");
    let unknown = gl.fails(
        252,
        &["exercise", "predict", "--job-name", JOB, "--expect", "nope.json=read"],
    );
    assert!(unknown.contains("does not look at 'nope.json'"), "{unknown}");
}
