//! `gluelab example replay`: a story from a link, replayed with the built binary; the bookmark
//! it leaves is the one the same steps leave when typed one by one.

use crate::common::*;

#[test]
fn a_story_replays_to_the_bookmark_the_same_steps_leave() {
    let story = "#story=v1,seed,upload:raw-data-1.json,run,upload:raw-data-2.json,run,reset,run";
    let replayed = Gluelab::new();
    let said = replayed.ok(&["example", "replay", story]);
    assert_eq!(
        said.trim(),
        "Replayed 6 step(s) on the example 'seed' (the seed tour's first 6 steps): 3 run(s)."
    );
    let runs = replayed.json(&["glue", "get-job-runs", "--job-name", JOB]);
    assert_eq!(runs["JobRuns"].as_array().unwrap().len(), 3);
    // Two files read twice (the reset): every row is in the sink twice.
    let count = |gl: &Gluelab| {
        gl.ok(&[
            "query",
            "--database",
            "devices_data_analystics",
            "SELECT count(*) AS n FROM devices_integrated_data",
        ])
    };

    // The same steps by hand.
    let typed = Gluelab::new();
    typed.ok(&["example", "load", "seed"]);
    let dir = tempfile::tempdir().unwrap();
    typed.ok(&["example", "files", "seed", "--to", dir.path().to_str().unwrap()]);
    let cp = |name: &str| {
        let path = dir.path().join(name);
        typed.ok(&["s3", "cp", path.to_str().unwrap(), &format!("{RAW}/raw-data/{name}")]);
    };
    cp("raw-data-1.json");
    typed.start_run();
    cp("raw-data-2.json");
    typed.start_run();
    typed.ok(&["glue", "reset-job-bookmark", "--job-name", JOB]);
    typed.start_run();
    let bookmark = |gl: &Gluelab| gl.json(&["glue", "get-job-bookmark", "--job-name", JOB]);
    assert_eq!(
        bookmark(&replayed)["JobBookmarkEntry"]["JobBookmark"],
        bookmark(&typed)["JobBookmarkEntry"]["JobBookmark"]
    );
    assert_eq!(count(&replayed), count(&typed));
}

#[test]
fn a_damaged_story_names_its_step_and_changes_nothing() {
    let gl = Gluelab::new();
    let refused = gl.fails(252, &["example", "replay", "v1,seed,upload:raw-data-1.json,rewnd:1"]);
    assert!(
        refused.contains("story step 2 (`rewnd:1`): unknown step `rewnd`"),
        "{refused}"
    );
    let failed = gl.fails(255, &["example", "replay", "v1,seed,rewind:2"]);
    assert!(
        failed.contains("story step 1 (`rewind:2`): InvalidInputException: the job has no run 2 yet"),
        "{failed}"
    );
    // Nothing was loaded: the workspace is still empty, so a replay needs no --force.
    gl.ok(&["example", "replay", "v1,csv-header"]);
    let refused = gl.fails(255, &["example", "replay", "v1,seed"]);
    assert!(refused.contains("--force"), "{refused}");
}
