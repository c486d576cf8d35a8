//! Jobs that run their script: the seed article's `devices-data-etl.py`, uploaded to the
//! job's ScriptLocation as the article does, gives the same story as the defined plan; scripts
//! outside the runner's subset fail the run, naming the script line, and save no bookmark.
#![cfg(feature = "scripts")]

use gluelab_core::demo::{self, seed};
use gluelab_core::format::{CsvOptions, Format};
use gluelab_core::model::job::{JobDefinition, JobPlan};
use gluelab_core::model::lineage::{SinkRow, VerdictKind};
use gluelab_core::model::run::{JobRun, RunState};
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};

fn script_uri() -> String {
    format!("s3://{}/glue-job-script/devices-data-etl.py", demo::analytics_bucket())
}

fn empty_plan() -> JobPlan {
    JobPlan {
        required_arguments: vec![],
        sources: vec![],
        transforms: vec![],
        sinks: vec![],
        commits: false,
    }
}

fn put(ws: &mut Workspace, uri: &str, body: &str) {
    ws.put_object(&S3Uri::parse(uri).unwrap(), body.as_bytes().to_vec())
        .unwrap();
}

/// The seed stack with the article's script uploaded (`aws s3 cp devices-data-etl.py ...`).
/// `scripted`: the job runs that script, and keeps no plan of its own.
fn workspace(scripted: bool, script: &str) -> Workspace {
    let mut ws = demo::seed_workspace().unwrap();
    put(&mut ws, &script_uri(), script);
    if scripted {
        ws.edit_job(demo::JOB_NAME, |job| {
            job.plan_from_script = true;
            job.plan = empty_plan();
        })
        .unwrap();
    }
    ws
}

fn upload(ws: &mut Workspace, n: usize) {
    let (key, body) = demo::raw_files()[n - 1];
    put(ws, &format!("s3://{}/{key}", demo::raw_bucket()), body);
}

fn start(ws: &mut Workspace, job: &str) -> JobRun {
    let id = ws.start_job_run(RunRequest::new(job)).unwrap();
    ws.run(&id).unwrap().clone()
}

fn run(ws: &mut Workspace) -> String {
    let run = start(ws, demo::JOB_NAME);
    assert_eq!(run.state, RunState::Succeeded, "{:?}", run.error_message);
    run.id
}

fn sink_at(ws: &Workspace, location: &str) -> (Vec<String>, Vec<SinkRow>) {
    ws.sink_rows(location, Format::Json, &CsvOptions::default()).unwrap()
}

fn sink(ws: &Workspace) -> Vec<SinkRow> {
    sink_at(ws, &format!("s3://{}/integrated-data", demo::analytics_bucket())).1
}

fn bookmark_json(ws: &Workspace, job: &str) -> String {
    ws.get_job_bookmark(job, None).unwrap().job_bookmark_string()
}

/// What a story leaves: the bookmark as the CLI prints it, the sink, each run's verdicts and
/// its output log.
type Outcome = (String, Vec<SinkRow>, Vec<Vec<(String, VerdictKind)>>, Vec<String>);

fn outcome(ws: &Workspace) -> Outcome {
    let runs = ws.runs_of(demo::JOB_NAME);
    let (verdicts, outputs) = runs
        .map(|r| {
            let verdicts = r.lineage.files.iter().map(|f| (f.object.clone(), f.kind)).collect();
            (verdicts, r.output_log().map(|e| e.message.clone()).collect::<String>())
        })
        .unzip();
    (
        ws.get_job_bookmark(demo::JOB_NAME, None).unwrap().to_cli_json(),
        sink(ws),
        verdicts,
        outputs,
    )
}

fn reset_story(scripted: bool) -> Outcome {
    let mut ws = workspace(scripted, seed::SCRIPT_PY);
    upload(&mut ws, 1);
    run(&mut ws);
    upload(&mut ws, 2);
    run(&mut ws);
    ws.reset_job_bookmark(demo::JOB_NAME, None).unwrap();
    let run3 = run(&mut ws);
    let rows = sink(&ws);
    assert_eq!(rows.len(), 4, "every row twice");
    assert_eq!(rows.iter().filter(|r| r.duplicate_of.is_some()).count(), 2);
    if scripted {
        let log: Vec<String> = ws.run(&run3).unwrap().log.iter().map(|e| e.message.clone()).collect();
        assert!(
            log.contains(&format!("INFO running script {}", script_uri())),
            "{log:?}"
        );
    }
    outcome(&ws)
}

fn rewind_story(scripted: bool) -> Outcome {
    let mut ws = workspace(scripted, seed::SCRIPT_PY);
    upload(&mut ws, 1);
    let run1 = run(&mut ws);
    upload(&mut ws, 2);
    run(&mut ws);
    ws.reset_job_bookmark(demo::JOB_NAME, Some(&run1)).unwrap();
    let run3 = run(&mut ws);
    let files = &ws.run(&run3).unwrap().lineage.files;
    assert_eq!(
        (files[0].kind, files[1].kind),
        (VerdictKind::Skipped, VerdictKind::ReRead)
    );
    let output: String = ws.run(&run3).unwrap().output_log().map(|e| e.message.clone()).collect();
    assert!(output.contains("| e36b7dfa|1609375822| true|"), "{output}");
    assert!(!output.contains("3ff9c44a"), "{output}");
    assert_eq!(sink(&ws).len(), 3);
    outcome(&ws)
}

#[test]
fn the_seed_script_tells_the_reset_story_as_the_defined_plan_does() {
    assert_eq!(reset_story(true), reset_story(false));
}

#[test]
fn the_seed_script_tells_the_rewind_story_as_the_defined_plan_does() {
    assert_eq!(rewind_story(true), rewind_story(false));
}

/// The seed script with `extra` inserted after its `df.show()` (line 30).
fn seed_script_with(extra: &str) -> String {
    seed::SCRIPT_PY.replacen("df.show()\n", &format!("df.show()\n{extra}"), 1)
}

fn failed_run(ws: &mut Workspace) -> JobRun {
    let run = start(ws, demo::JOB_NAME);
    assert_eq!(run.state, RunState::Failed);
    run
}

#[test]
fn an_unsupported_call_fails_the_run_at_its_line_and_saves_no_bookmark() {
    let mut ws = workspace(true, seed::SCRIPT_PY);
    upload(&mut ws, 1);
    run(&mut ws);
    let before = bookmark_json(&ws, demo::JOB_NAME);
    let rows_before = sink(&ws).len();

    put(
        &mut ws,
        &script_uri(),
        &seed_script_with("more = spark.read.json('s3://elsewhere/data')\n"),
    );
    upload(&mut ws, 2);
    let failed = failed_run(&mut ws);
    assert_eq!(
        failed.error_message.as_deref(),
        Some(
            format!(
                "{}, line 31: `spark.read.json(...)` reads a Spark DataFrame, which job bookmarks never track (only create_dynamic_frame reads with a transformation_ctx are bookmarked); gluelab's script runner does not run it",
                script_uri()
            )
            .as_str()
        )
    );
    assert_eq!(
        bookmark_json(&ws, demo::JOB_NAME),
        before,
        "a failed run saves no bookmark"
    );
    assert_eq!(sink(&ws).len(), rows_before, "nothing was written");

    // Fixed, the next run reads file 2 only: the failed run consumed nothing.
    put(&mut ws, &script_uri(), seed::SCRIPT_PY);
    let id = run(&mut ws);
    let read: Vec<_> = ws
        .run(&id)
        .unwrap()
        .lineage
        .files
        .iter()
        .filter(|f| f.kind == VerdictKind::Read)
        .map(|f| f.object.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(read, ["raw-data-2.json"]);
}

#[test]
fn a_syntax_error_names_its_line() {
    let mut ws = workspace(true, &seed_script_with("df.show(]\n"));
    upload(&mut ws, 1);
    let message = failed_run(&mut ws).error_message.unwrap();
    assert!(
        message.starts_with(&format!("{}, line 31: SyntaxError: ", script_uri())),
        "{message}"
    );

    put(&mut ws, &script_uri(), "import sys\n\njob = = 1\n");
    let message = failed_run(&mut ws).error_message.unwrap();
    assert!(
        message.starts_with(&format!("{}, line 3: SyntaxError: ", script_uri())),
        "{message}"
    );
}

#[test]
fn a_missing_resolved_option_gives_argparses_message() {
    let script = seed::SCRIPT_PY.replacen("'DEST_GLUE_TABLE_NAME'\n", "'DEST_GLUE_TABLE_NAME',\n    'SINCE'\n", 1);
    let mut ws = workspace(true, &script);
    upload(&mut ws, 1);
    let failed = failed_run(&mut ws);
    assert_eq!(
        failed.error_message.unwrap(),
        format!(
            "{}, line 9: awsglue.utils.GlueArgumentError: the following arguments are required: --SINCE",
            script_uri()
        )
    );
    assert_eq!(bookmark_json(&ws, demo::JOB_NAME), "");

    let id = ws
        .start_job_run(RunRequest::new(demo::JOB_NAME).arg("--SINCE", "0"))
        .unwrap();
    assert_eq!(ws.run(&id).unwrap().state, RunState::Succeeded);
}

#[test]
fn a_missing_script_object_fails_the_run_clearly() {
    let mut ws = workspace(true, seed::SCRIPT_PY);
    ws.delete_object(&S3Uri::parse(&script_uri()).unwrap()).unwrap();
    upload(&mut ws, 1);
    let message = failed_run(&mut ws).error_message.unwrap();
    assert!(
        message.starts_with(&format!("ScriptLocation {} cannot be read: NoSuchKey", script_uri())),
        "{message}"
    );
    assert!(sink(&ws).is_empty());
}

#[test]
fn a_filter_lambda_keeps_the_rows_it_accepts() {
    let script = seed_script_with(
        "dyf = DynamicFrame.fromDF(df, glueContext, 'raw')\n\
         on = Filter.apply(frame=dyf, f=lambda x: x[\"state\"] == True and x.timestamp > 1609348014)\n\
         mapped = on.apply_mapping([('device_id', 'string', 'id', 'string'),\n\
         \x20 ('timestamp', 'bigint', 'at', 'bigint')])\n\
         glueContext.write_dynamic_frame.from_options(frame=mapped, connection_type='s3',\n\
         \x20 connection_options={'path': f\"s3://{args['JOB_NAME']}-out/filtered\"}, format='json')\n\
         job.commit()\n",
    );
    // Only the statements up to the Filter's write are the job: cut the seed's own write.
    let script = script[..script.find("\ndyf = DynamicFrame.fromDF(df,\n").unwrap() + 1].to_string();
    let mut ws = workspace(true, &script);
    ws.create_bucket(&format!("{}-out", demo::JOB_NAME)).unwrap();
    upload(&mut ws, 1);
    upload(&mut ws, 2);
    run(&mut ws);
    let (columns, rows) = sink_at(&ws, &format!("s3://{}-out/filtered", demo::JOB_NAME));
    assert_eq!(columns, ["id", "at"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].values, ["e36b7dfa", "1609375822"]);
}

#[test]
fn a_csv_source_with_header_read_from_options() {
    let mut ws = demo::seed_workspace().unwrap();
    let raw = demo::raw_bucket();
    let out = demo::analytics_bucket();
    put(
        &mut ws,
        &format!("s3://{raw}/csv-data/devices.csv"),
        "device_id;timestamp;state\nabc;1609348014;true\ndef;1609348020;false\n",
    );
    let script = format!(
        "import sys\n\
         from awsglue.transforms import *\n\
         from awsglue.utils import getResolvedOptions\n\
         from pyspark.context import SparkContext\n\
         from awsglue.context import GlueContext\n\
         from awsglue.job import Job\n\
         \n\
         args = getResolvedOptions(sys.argv, ['JOB_NAME'])\n\
         glueContext = GlueContext(SparkContext.getOrCreate())\n\
         job = Job(glueContext)\n\
         job.init(args['JOB_NAME'], args)\n\
         devices = glueContext.create_dynamic_frame.from_options(\n\
         \x20   connection_type=\"s3\",\n\
         \x20   connection_options={{\"paths\": [\"s3://{raw}/csv-data/\"], \"recurse\": True}},\n\
         \x20   format=\"csv\",\n\
         \x20   format_options={{\"withHeader\": True, \"separator\": \";\"}},\n\
         \x20   transformation_ctx=\"devices\",\n\
         )\n\
         devices.show(5)\n\
         glueContext.write_dynamic_frame.from_options(\n\
         \x20   frame=devices, connection_type=\"s3\", connection_options={{\"path\": \"s3://{out}/csv-out/\"}},\n\
         \x20   format=\"json\", transformation_ctx=\"out\")\n\
         job.commit()\n"
    );
    let location = format!("s3://{out}/scripts/csv-etl.py");
    put(&mut ws, &location, &script);
    let mut job = JobDefinition::new("csv-etl", empty_plan());
    job.script_location = Some(location);
    job.plan_from_script = true;
    job.default_arguments
        .insert("--job-bookmark-option".into(), "job-bookmark-enable".into());
    ws.create_job(job).unwrap();

    for _ in 0..2 {
        let run = start(&mut ws, "csv-etl");
        assert_eq!(run.state, RunState::Succeeded, "{:?}", run.error_message);
    }
    let (columns, rows) = sink_at(&ws, &format!("s3://{out}/csv-out/"));
    assert_eq!(columns, ["device_id", "timestamp", "state"]);
    assert_eq!(rows.len(), 2, "the second run skips the bookmarked file");
    assert_eq!(rows[0].values[0], "abc");
    assert!(bookmark_json(&ws, "csv-etl").contains("\"devices\""));
    let runs: Vec<_> = ws.runs_of("csv-etl").collect();
    let output: String = runs[0].output_log().map(|e| e.message.clone()).collect();
    assert!(output.contains("|device_id| timestamp|state|"), "{output}");
}
