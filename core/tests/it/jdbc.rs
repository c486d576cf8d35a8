//! JDBC sources and sinks on the simulated warehouse, each told as a user's story: key
//! bookmarks read new keys only, miss updates and non-monotonic keys, and reset / rewind
//! re-read rows that an appending warehouse sink then holds twice.

use gluelab_core::model::job::{JobDefinition, JobPlan, KeySortOrder, SinkMode, SinkSpec, SourceSpec};
use gluelab_core::model::lineage::{Reason, VerdictKind};
use gluelab_core::model::run::RunState;
use gluelab_core::{RunRequest, Workspace};

const JOB: &str = "employees-to-warehouse";

fn workspace(keys: &[&str], order: KeySortOrder, sink_mode: SinkMode) -> Workspace {
    let mut ws = Workspace::default();
    ws.execute_warehouse_statement(
        "CREATE TABLE hr.employees (empno INT PRIMARY KEY, name VARCHAR(40), dept VARCHAR(10), salary INT)",
    )
    .unwrap();
    let plan = JobPlan {
        required_arguments: vec!["JOB_NAME".into()],
        sources: vec![SourceSpec::jdbc("hr.employees", keys, order, Some("employees"))],
        transforms: vec![],
        sinks: vec![SinkSpec::jdbc("analytics.employees_copy", sink_mode)],
        commits: true,
    };
    let mut job = JobDefinition::new(JOB, plan);
    job.default_arguments
        .insert("--job-bookmark-option".into(), "job-bookmark-enable".into());
    ws.create_job(job).unwrap();
    ws
}

fn sql(ws: &mut Workspace, statement: &str) {
    ws.execute_warehouse_statement(statement).unwrap();
}

fn run(ws: &mut Workspace) -> String {
    let id = ws.start_job_run(RunRequest::new(JOB)).unwrap();
    let run = ws.run(&id).unwrap();
    assert_eq!(run.state, RunState::Succeeded, "{:?}", run.error_message);
    id
}

/// `(names read, rows in the sink, duplicates in the sink)`.
fn read_names(ws: &Workspace, id: &str) -> Vec<String> {
    let run = ws.run(id).unwrap();
    run.lineage
        .files
        .iter()
        .filter(|f| f.kind != VerdictKind::Skipped)
        .map(|f| f.explanation.split(" was ").next().unwrap().to_string())
        .collect()
}

fn sink(ws: &Workspace) -> (usize, usize) {
    let rows = ws.job_sink_rows(JOB).unwrap().1;
    (rows.len(), rows.iter().filter(|r| r.duplicate_of.is_some()).count())
}

fn bookmark(ws: &Workspace) -> String {
    ws.get_job_bookmark(JOB, None).unwrap().job_bookmark_string()
}

fn log(ws: &Workspace, id: &str) -> String {
    ws.run(id)
        .unwrap()
        .log
        .iter()
        .map(|l| l.message.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn new_keys_are_read_once_updates_are_missed_and_reset_duplicates_the_target() {
    let mut ws = workspace(&[], KeySortOrder::Asc, SinkMode::Append);
    sql(
        &mut ws,
        "INSERT INTO hr.employees VALUES (1, 'Ana', 'ops', 10), (2, 'Bo', 'dev', 20), (3, 'Cy', 'dev', 30)",
    );
    let first = run(&mut ws);
    assert_eq!(read_names(&ws, &first).len(), 3);
    // The primary key is the default bookmark key; the state holds the last key read.
    assert!(
        bookmark(&ws).contains(r#""jobBookmarkKeys":"empno""#),
        "{}",
        bookmark(&ws)
    );
    assert!(bookmark(&ws).contains(r#""lastKey":"3""#), "{}", bookmark(&ws));

    sql(
        &mut ws,
        "INSERT INTO hr.employees VALUES (4, 'Di', 'ops', 40), (5, 'Ed', 'ops', 50)",
    );
    sql(&mut ws, "UPDATE hr.employees SET salary = 11 WHERE empno = 1");
    let second = run(&mut ws);
    assert_eq!(
        read_names(&ws, &second),
        ["row empno=4 of hr.employees", "row empno=5 of hr.employees"]
    );
    let missed = ws
        .run(&second)
        .unwrap()
        .lineage
        .files
        .iter()
        .find(|f| f.object.ends_with("#1"))
        .cloned()
        .unwrap();
    assert_eq!(missed.kind, VerdictKind::Skipped);
    assert_eq!(missed.reason, Reason::UpdateMissed { run_id: first.clone() });
    assert!(log(&ws, &second).contains("1 row(s) updated since a committed run read them are not read again"));
    assert_eq!(sink(&ws), (5, 0));
    // The target still holds the old salary: the update never reached it.
    let (columns, rows) = ws.job_sink_rows(JOB).unwrap();
    let salary = columns.iter().position(|c| c == "salary").unwrap();
    assert_eq!(rows[0].values[salary], "10");
    assert_eq!(rows[0].written_by.as_deref(), Some(first.as_str()));

    ws.reset_job_bookmark(JOB, None).unwrap();
    let third = run(&mut ws);
    let verdicts = &ws.run(&third).unwrap().lineage.files;
    assert!(verdicts.iter().all(|f| f.kind == VerdictKind::ReRead), "{verdicts:?}");
    assert!(matches!(verdicts[0].reason, Reason::AfterReset { .. }));
    // Every row again, and the updated salary arrives only now, as a second row for empno 1.
    assert_eq!(sink(&ws).0, 10);
    assert_eq!(
        sink(&ws).1,
        4,
        "rows 2–5 are exact duplicates; row 1 differs (salary 11)"
    );
}

#[test]
fn rewind_re_reads_keys_after_that_run_and_merge_on_key_keeps_the_target_clean() {
    for (mode, expected) in [
        (SinkMode::Append, (5, 2)),
        (
            SinkMode::MergeOnKey {
                keys: vec!["empno".into()],
            },
            (3, 0),
        ),
    ] {
        let mut ws = workspace(&["empno"], KeySortOrder::Asc, mode);
        sql(&mut ws, "INSERT INTO hr.employees VALUES (1, 'Ana', 'ops', 10)");
        let first = run(&mut ws);
        sql(
            &mut ws,
            "INSERT INTO hr.employees VALUES (2, 'Bo', 'dev', 20), (3, 'Cy', 'dev', 30)",
        );
        run(&mut ws);
        ws.reset_job_bookmark(JOB, Some(&first)).unwrap();
        let third = run(&mut ws);
        let verdicts = &ws.run(&third).unwrap().lineage.files;
        let reread: Vec<_> = verdicts.iter().filter(|f| f.kind == VerdictKind::ReRead).collect();
        assert_eq!(reread.len(), 2);
        assert!(matches!(&reread[0].reason, Reason::AfterRewind { to_run_id, .. } if to_run_id == &first));
        assert_eq!(sink(&ws), expected);
    }
}

#[test]
fn a_key_that_does_not_grow_is_missed_for_good_and_warned_about() {
    let mut ws = workspace(&["empno"], KeySortOrder::Asc, SinkMode::Append);
    sql(
        &mut ws,
        "INSERT INTO hr.employees VALUES (10, 'Ana', 'ops', 10), (20, 'Bo', 'dev', 20)",
    );
    run(&mut ws);
    sql(
        &mut ws,
        "INSERT INTO hr.employees VALUES (15, 'Late', 'ops', 15), (30, 'Cy', 'dev', 30)",
    );
    let second = run(&mut ws);
    assert_eq!(read_names(&ws, &second), ["row empno=30 of hr.employees"]);
    let late = ws
        .run(&second)
        .unwrap()
        .lineage
        .files
        .iter()
        .find(|f| f.explanation.starts_with("row empno=15"))
        .cloned()
        .unwrap();
    assert_eq!(late.reason, Reason::KeyNotAfterBookmark { last_key: "20".into() });
    assert!(late.explanation.contains("never will be"), "{}", late.explanation);
    let log = log(&ws, &second);
    assert!(
        log.contains("1 row(s) never read have keys at or before the bookmark's last key"),
        "{log}"
    );
    assert!(
        log.contains("is not strictly increasing in insertion order: empno=15 was inserted after empno=20"),
        "{log}"
    );
    let third = run(&mut ws);
    assert!(read_names(&ws, &third).is_empty());
}

#[test]
fn descending_keys_read_rows_below_the_last_key() {
    let mut ws = workspace(&["empno"], KeySortOrder::Desc, SinkMode::Append);
    sql(
        &mut ws,
        "INSERT INTO hr.employees VALUES (100, 'Ana', 'ops', 10), (90, 'Bo', 'dev', 20)",
    );
    run(&mut ws);
    assert!(bookmark(&ws).contains(r#""jobBookmarkKeysSortOrder":"desc""#));
    assert!(bookmark(&ws).contains(r#""lastKey":"90""#), "{}", bookmark(&ws));
    sql(
        &mut ws,
        "INSERT INTO hr.employees VALUES (80, 'Cy', 'dev', 30), (95, 'Odd', 'ops', 1)",
    );
    let second = run(&mut ws);
    assert_eq!(read_names(&ws, &second), ["row empno=80 of hr.employees"]);
}

#[test]
fn compound_keys_compare_as_tuples() {
    let mut ws = workspace(&["dept", "empno"], KeySortOrder::Asc, SinkMode::Append);
    sql(
        &mut ws,
        "INSERT INTO hr.employees VALUES (1, 'Ana', 'a', 10), (2, 'Bo', 'b', 20)",
    );
    run(&mut ws);
    assert!(bookmark(&ws).contains(r#""lastKey":"b,2""#), "{}", bookmark(&ws));
    sql(
        &mut ws,
        "INSERT INTO hr.employees VALUES (3, 'Cy', 'b', 30), (1, 'Di', 'c', 1), (9, 'Ed', 'a', 9)",
    );
    let second = run(&mut ws);
    assert_eq!(
        read_names(&ws, &second),
        [
            "row dept=b, empno=3 of hr.employees",
            "row dept=c, empno=1 of hr.employees"
        ]
    );
}

#[test]
fn a_failed_run_does_not_move_a_key_bookmark_and_disable_reads_everything() {
    let mut ws = workspace(&[], KeySortOrder::Asc, SinkMode::Append);
    sql(&mut ws, "INSERT INTO hr.employees VALUES (1, 'Ana', 'ops', 10)");
    let failed = ws
        .start_job_run(RunRequest::new(JOB).fail_at(gluelab_core::model::run::FailurePoint::BeforeCommit))
        .unwrap();
    assert_eq!(ws.run(&failed).unwrap().state, RunState::Failed);
    assert_eq!(bookmark(&ws), "");
    let next = run(&mut ws);
    let f = &ws.run(&next).unwrap().lineage.files[0];
    assert_eq!(
        (f.kind, &f.reason),
        (VerdictKind::ReRead, &Reason::NotCommitted { run_id: failed })
    );
    let disabled = ws
        .start_job_run(RunRequest::new(JOB).arg("--job-bookmark-option", "job-bookmark-disable"))
        .unwrap();
    assert_eq!(
        ws.run(&disabled).unwrap().lineage.files[0].reason,
        Reason::BookmarkDisabled
    );
}

#[test]
fn bad_keys_fail_the_run_with_a_clear_message() {
    let mut ws = workspace(&["emp_no"], KeySortOrder::Asc, SinkMode::Append);
    let id = ws.start_job_run(RunRequest::new(JOB)).unwrap();
    let message = ws.run(&id).unwrap().error_message.clone().unwrap();
    assert!(
        message.contains(
            "jobBookmarkKeys: \"emp_no\" is not a column of hr.employees (columns: empno, name, dept, salary)"
        ),
        "{message}"
    );

    let mut ws = workspace(&[], KeySortOrder::Asc, SinkMode::Append);
    sql(&mut ws, "CREATE TABLE hr.nokey (a INT)");
    let mut job = ws.job(JOB).unwrap().clone();
    job.plan.sources = vec![SourceSpec::jdbc("hr.nokey", &[], KeySortOrder::Asc, Some("nokey"))];
    job.name = "nokey".into();
    ws.create_job(job).unwrap();
    let id = ws.start_job_run(RunRequest::new("nokey")).unwrap();
    let message = ws.run(&id).unwrap().error_message.clone().unwrap();
    assert!(message.contains("hr.nokey: the table has no primary key"), "{message}");
}

#[test]
fn the_warehouse_survives_a_snapshot_and_is_queryable() {
    let mut ws = workspace(&[], KeySortOrder::Asc, SinkMode::Append);
    sql(
        &mut ws,
        "INSERT INTO hr.employees VALUES (1, 'Ana', 'ops', 10), (2, 'Bo', 'dev', 20)",
    );
    run(&mut ws);
    let bytes = gluelab_core::snapshot::save(&ws);
    let back = gluelab_core::snapshot::load(&bytes).unwrap();
    assert_eq!(back, ws);
    let result = ws
        .query(
            "SELECT dept, sum(salary) AS total FROM analytics.employees_copy GROUP BY dept ORDER BY dept",
            None,
        )
        .unwrap();
    assert_eq!(result.rows_as_strings(), [["dev", "20"], ["ops", "10"]]);
}
