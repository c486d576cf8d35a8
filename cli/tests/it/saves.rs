//! Saves are one atomic step: the built binary is killed (SIGKILL) at seeded random moments
//! while commands run, many times, and the workspace it leaves always loads and equals the
//! state before or after the command; what an interrupted save left is cleaned up by the next
//! command that changes the workspace.

use std::path::Path;
use std::time::Instant;

use crate::common::{Gluelab, JOB, RAW};

/// The saved files of a workspace directory (both of the current generation), as bytes.
fn saved(gl: &Gluelab) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let generation = gl.generation();
    (
        std::fs::read(generation.join("workspace.json")).ok(),
        std::fs::read(generation.join("cli-state.json")).ok(),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Commands that change the workspace, the CLI state or both (a Data API statement changes
/// the warehouse and records itself: the two files of one save).
fn command(i: usize) -> Vec<String> {
    let owned = |args: &[&str]| args.iter().map(|a| a.to_string()).collect();
    match i % 5 {
        0 => owned(&[
            "redshift-data",
            "execute-statement",
            "--sql",
            &format!("INSERT INTO t VALUES ({i}, 'row {i}')"),
        ]),
        1 => {
            let n = 1 + (i / 5) % 2;
            let file = format!("raw-data-{n}.json");
            owned(&["s3", "cp", &file, &format!("{RAW}/raw-data/{i}-{file}")])
        }
        2 => owned(&["glue", "start-job-run", "--job-name", JOB]),
        3 => owned(&["athena", "start-query-execution", "--query-string", "SELECT 1"]),
        _ => owned(&["clock", "advance", "15m"]),
    }
}

#[test]
fn a_command_killed_at_any_moment_leaves_the_workspace_before_or_after_it() {
    const ITERATIONS: usize = 60;
    let mut rng = fastrand::Rng::with_seed(0x15_5a7e);
    let gl = Gluelab::ready();
    gl.ok(&[
        "redshift-data",
        "execute-statement",
        "--sql",
        "CREATE TABLE t (id INT, name VARCHAR(20))",
    ]);
    let (mut before_kill, mut after_kill, mut leftovers) = (0, 0, 0);
    for i in 0..ITERATIONS {
        let args = command(i);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let trial = Gluelab::new();
        copy_dir(&gl.workspace(), &trial.workspace());
        let before = saved(&gl);

        // The uninterrupted command gives the state after it and how long it takes.
        let started = Instant::now();
        gl.ok(&args);
        let took = started.elapsed();
        let after = saved(&gl);
        assert_ne!(before, after, "gluelab {args:?} saved nothing");

        // The same command on a copy, killed at a random moment of its run (biased to the end,
        // where it saves).
        let delay = took.mul_f64(0.3 + 0.8 * rng.f64());
        let mut child = trial
            .command(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().unwrap();

        // It loads (a reading command succeeds) and is one of the two states.
        trial.ok(&["glue", "get-job", "--job-name", JOB]);
        let left = saved(&trial);
        if left == before {
            before_kill += 1;
        } else if left == after {
            after_kill += 1;
        } else {
            panic!("iteration {i}: gluelab {args:?} killed after {delay:?} left a workspace that is neither before nor after it");
        }

        // The next changing command removes what the interrupted save left.
        let names = entries(&trial.workspace());
        if names.len() > 3 {
            leftovers += 1;
        }
        trial.ok(&["clock", "advance", "1m"]);
        let names = entries(&trial.workspace());
        assert_eq!(names.len(), 3, "iteration {i}: leftovers after a save: {names:?}");
        assert!(
            names.contains(&"current".to_string()) && names.contains(&"lock".to_string()),
            "{names:?}"
        );
        assert_eq!(entries(&trial.generation()), ["cli-state.json", "workspace.json"]);
    }
    eprintln!(
        "{ITERATIONS} kills: {before_kill} left the state before the command, {after_kill} the state after; {leftovers} left an interrupted save behind"
    );
    // A kill that never lands during a command would prove nothing.
    assert!(before_kill > 0, "no kill landed before the save");
}
