//! The worked example of transform rules (issue 6), checked against numbers computed by hand
//! in `core/fixtures/hr/README.md`.

use gluelab_core::demo::hr;
use gluelab_core::model::job::SinkMode;
use gluelab_core::model::run::RunState;
use gluelab_core::{RunRequest, Workspace};

fn upload(ws: &mut Workspace, index: usize) {
    let (name, body) = hr::employee_files()[index];
    ws.upload_to_source(hr::JOB_NAME, name, body.as_bytes().to_vec())
        .unwrap();
}

fn run(ws: &mut Workspace) -> String {
    let id = ws.start_job_run(RunRequest::new(hr::JOB_NAME)).unwrap();
    let run = ws.run(&id).unwrap();
    assert_eq!(run.state, RunState::Succeeded, "{:?}", run.error_message);
    id
}

fn table(ws: &Workspace) -> Vec<Vec<String>> {
    ws.query(
        "SELECT company, month, employees, female_employees FROM analytics.monthly_employees ORDER BY month, company",
        None,
    )
    .unwrap()
    .rows_as_strings()
}

fn row(cells: [&str; 4]) -> Vec<String> {
    cells.map(String::from).to_vec()
}

#[test]
fn monthly_employees_per_company_match_the_hand_computed_table() {
    let mut ws = hr::hr_workspace().unwrap();
    upload(&mut ws, 0);
    let january = run(&mut ws);
    assert_eq!(
        table(&ws),
        [row(["ACME", "2024-01", "3", "2"]), row(["GLOBEX", "2024-01", "2", "1"])]
    );
    // Initech is not in the company rules: its row is an error record, named by file and line.
    let records = &ws.run(&january).unwrap().error_records;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].transform, "ValueMapping");
    assert!(records[0]
        .origin
        .source
        .ends_with("/acme-holdings/employees/employees-2024-01.csv"));
    assert_eq!(records[0].origin.line, 7);
    assert!(
        records[0].values.contains(&("company".into(), "Initech".into())),
        "{:?}",
        records[0].values
    );

    upload(&mut ws, 1);
    run(&mut ws);
    let expected = [
        row(["ACME", "2024-01", "3", "2"]),
        row(["GLOBEX", "2024-01", "2", "1"]),
        row(["ACME", "2024-02", "2", "1"]),
        row(["GLOBEX", "2024-02", "3", "1"]),
    ];
    assert_eq!(table(&ws), expected);
    // The tenant comes from the run's --tenant_id, through `${tenant_id}` in the rules.
    let tenants = ws
        .query("SELECT DISTINCT tenant_id FROM analytics.monthly_employees", None)
        .unwrap()
        .rows_as_strings();
    assert_eq!(tenants, [["acme-holdings"]]);

    // A reset re-reads both months; the upsert on (tenant, company, month) keeps the table clean.
    ws.reset_job_bookmark(hr::JOB_NAME, None).unwrap();
    run(&mut ws);
    assert_eq!(table(&ws), expected);
}

#[test]
fn an_appending_sink_doubles_every_count_row_after_a_reset() {
    let mut ws = hr::hr_workspace().unwrap();
    let mut job = ws.job(hr::JOB_NAME).unwrap().clone();
    job.plan.sinks[0].mode = SinkMode::Append;
    ws.save_job(job).unwrap();
    upload(&mut ws, 0);
    run(&mut ws);
    ws.reset_job_bookmark(hr::JOB_NAME, None).unwrap();
    run(&mut ws);
    let (_, rows) = ws.job_sink_rows(hr::JOB_NAME).unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows.iter().filter(|r| r.duplicate_of.is_some()).count(), 2);
}

#[test]
fn a_late_correction_file_overwrites_a_month_with_a_partial_count() {
    // Bookmarks hand a run only the new file, so an aggregate over it covers that file alone:
    // the upsert then replaces January's full count with the correction's one row.
    let mut ws = hr::hr_workspace().unwrap();
    upload(&mut ws, 0);
    run(&mut ws);
    ws.upload_to_source(
        hr::JOB_NAME,
        "employees-2024-01-late.csv",
        b"employee_id,company,gender,birth_date,snapshot_month\nE008,acme,M,1992-03-03,2024-01\n".to_vec(),
    )
    .unwrap();
    run(&mut ws);
    assert_eq!(
        table(&ws),
        [row(["ACME", "2024-01", "1", "0"]), row(["GLOBEX", "2024-01", "2", "1"])]
    );
}

#[test]
fn a_missing_job_parameter_fails_the_run_like_get_resolved_options() {
    let mut ws = hr::hr_workspace().unwrap();
    let mut job = ws.job(hr::JOB_NAME).unwrap().clone();
    job.default_arguments.remove("--tenant_id");
    ws.save_job(job).unwrap();
    let id = ws.start_job_run(RunRequest::new(hr::JOB_NAME)).unwrap();
    let message = ws.run(&id).unwrap().error_message.clone().unwrap();
    assert_eq!(
        message,
        "awsglue.utils.GlueArgumentError: the following arguments are required: --tenant_id"
    );
}

#[test]
fn a_threshold_turns_unmapped_companies_into_a_failed_run_with_structured_detail() {
    let mut ws = hr::hr_workspace().unwrap();
    let mut job = ws.job(hr::JOB_NAME).unwrap().clone();
    // Step 3 maps company names; stageThreshold 1 fails the run at the first unmapped one.
    job.plan.transforms[2] = job.plan.transforms[2].clone().with_stage_threshold(1);
    ws.save_job(job).unwrap();
    upload(&mut ws, 0);
    let id = ws.start_job_run(RunRequest::new(hr::JOB_NAME)).unwrap();
    let run = ws.run(&id).unwrap();
    assert_eq!(run.state, RunState::Failed);
    let detail = run.error_detail.clone().unwrap();
    assert_eq!(detail.rule.as_deref(), Some("step 3: ValueMapping"));
    assert!(
        detail.message.contains("1 error record(s) reached stageThreshold 1"),
        "{}",
        detail.message
    );
    assert!(
        detail.message.contains("employees-2024-01.csv, line 7"),
        "{}",
        detail.message
    );
    assert_eq!(detail.line, Some(7));
    assert!(detail.object.as_deref().unwrap().ends_with("employees-2024-01.csv"));
    assert_eq!(
        run.error_records.len(),
        1,
        "the records that broke the threshold stay inspectable"
    );
    // A failed run writes nothing and saves no bookmark: the next run reads January again.
    assert!(table(&ws).is_empty());
    assert_eq!(
        ws.get_job_bookmark(hr::JOB_NAME, None).unwrap().job_bookmark_string(),
        ""
    );
}

#[test]
fn a_malformed_export_fails_naming_the_file_line_and_field() {
    let mut ws = hr::hr_workspace().unwrap();
    ws.upload_to_source(
        hr::JOB_NAME,
        "employees-2024-03.csv",
        b"employee_id,company,gender,birth_date,snapshot_month
E001,acme,M,1990-04-01,2024-03,extra
"
        .to_vec(),
    )
    .unwrap();
    let id = ws.start_job_run(RunRequest::new(hr::JOB_NAME)).unwrap();
    let detail = ws.run(&id).unwrap().error_detail.clone().unwrap();
    assert!(
        detail.object.as_deref().unwrap().ends_with("employees-2024-03.csv"),
        "{detail:?}"
    );
    assert_eq!(detail.line, Some(2));
}

#[test]
fn the_editor_preview_shows_every_step_without_touching_the_workspace() {
    let mut ws = hr::hr_workspace().unwrap();
    upload(&mut ws, 0);
    let before = ws.clone();
    let previews = ws.preview_steps(hr::JOB_NAME, 3).unwrap();
    assert_eq!(ws, before, "a preview changes nothing");
    let names: Vec<&str> = previews.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "read",
            "ApplyMapping",
            "Map",
            "ValueMapping",
            "ValueMapping",
            "Map",
            "Aggregate"
        ]
    );
    assert_eq!(previews[0].row_count, 6);
    assert_eq!(previews[0].rows.len(), 3);
    // " Globex " is trimmed by step 2.
    let company = previews[2].columns.iter().position(|c| c == "company").unwrap();
    assert_eq!(previews[1].rows[..].len(), 3);
    assert_eq!(previews[3].errors.len(), 1, "Initech is unmapped");
    assert_eq!(previews[3].row_count, 5);
    assert_eq!(previews[6].row_count, 2);
    assert_eq!(
        previews[6].columns,
        ["tenant_id", "company", "month", "employees", "female_employees"]
    );
    assert!(previews[2].rows.iter().all(|r| r[company] == r[company].trim()));

    // A rule that cannot work ends the preview at its step, with the error.
    let mut job = ws.job(hr::JOB_NAME).unwrap().clone();
    job.plan.transforms[1] = gluelab_core::transform::Transform::Map {
        columns: vec![gluelab_core::transform::DerivedColumn {
            name: "company".into(),
            expression: "trim(compnay)".into(),
        }],
    }
    .into();
    ws.save_job(job).unwrap();
    let previews = ws.preview_steps(hr::JOB_NAME, 3).unwrap();
    let last = previews.last().unwrap();
    assert_eq!((last.step, last.name.as_str()), (Some(1), "Map"));
    assert!(
        last.failure.as_deref().unwrap().contains("compnay"),
        "{:?}",
        last.failure
    );
}
