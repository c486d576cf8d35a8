//! Export: a prototyped job as the files real AWS Glue needs — its PySpark script, its
//! `CreateJob` request (for `aws glue create-job --cli-input-json`) and a CloudFormation
//! template of everything around it ([`cloudformation_template`], in `export/template.rs`), or the
//! same as an AWS CDK app ([`cdk_app`], in `export/cdk.rs`, built on the template's model).
//!
//! The script is what a Glue user would write for the plan: `getResolvedOptions`, `job.init`,
//! one `create_dynamic_frame` per source (with its `transformation_ctx`, and `jobBookmarkKeys`
//! for JDBC), each step as [`Transform::to_pyspark`] renders it (with its thresholds), the
//! sinks, and `job.commit()` when the plan commits. `${name}` placeholders become
//! `args['name']` in f-strings. Sink modes real Glue has no switch for are written the way
//! users get them: `purge_s3_path` before an overwrite, Redshift `preactions`/`postactions`
//! for a truncate or a merge through a staging table.

use std::collections::BTreeMap;

use serde_json::json;

use crate::format::{CsvOptions, Format, ParseMode};
use crate::model::bookmark::DEFAULT_MAX_BAND_MS;
use crate::model::job::{JobDefinition, SinkMode, SinkOutput, SourceInput, SourceSpec};
use crate::transform::pyspark::py;
use crate::transform::{Step, Transform};

pub mod cdk;
mod template;

pub use cdk::{cdk_app, cdk_app_folder, cdk_app_zip};
pub use template::cloudformation_template;

/// The Glue connection exported JDBC sources and sinks use (create it in Glue to match).
pub const WAREHOUSE_CONNECTION: &str = "gluelab-warehouse";

/// The region of the default Glue assets bucket the exports name (Glue's own convention is
/// `aws-glue-assets-<account>-<region>`; gluelab's account is [`crate::model::account::ACCOUNT_ID`]).
pub const ASSETS_REGION: &str = "us-east-1";

/// `aws-glue-assets-<account>-<region>`: where Glue Studio keeps scripts and temporary files, and
/// a bucket the `AWSGlueServiceRole` managed policy already lets a job read and write.
pub fn assets_bucket() -> String {
    format!("aws-glue-assets-{}-{ASSETS_REGION}", crate::model::account::ACCOUNT_ID)
}

/// Where the exported job says its script lives: the job's own `ScriptLocation`, else Glue
/// Studio's convention `s3://aws-glue-assets-<account>-<region>/scripts/<job>.py`. The
/// `CreateJob` request, the template's `ScriptLocation` default and the CLI all use this.
pub fn script_location(job: &JobDefinition) -> String {
    job.script_location
        .clone()
        .unwrap_or_else(|| format!("s3://{}/scripts/{}.py", assets_bucket(), job.name))
}

/// The job's `DefaultArguments` as exported: its own, plus `--job-language python`, plus a
/// `--TempDir` in the assets bucket when the script needs one (a Redshift sink stages its rows
/// there, `Relationalize` its child frames) and the job gives none.
pub fn job_arguments(job: &JobDefinition) -> BTreeMap<String, String> {
    let mut arguments = job.default_arguments.clone();
    arguments
        .entry("--job-language".into())
        .or_insert_with(|| "python".into());
    if needs_temp_dir(&job.plan) && !job.non_overridable_arguments.contains_key("--TempDir") {
        arguments
            .entry("--TempDir".into())
            .or_insert_with(|| format!("s3://{}/temporary/", assets_bucket()));
    }
    arguments
}

/// Whether the script reads `args["TempDir"]`: a Redshift sink stages its rows there,
/// `Relationalize` its child frames.
fn needs_temp_dir(plan: &crate::model::job::JobPlan) -> bool {
    plan.sinks.iter().any(|s| matches!(s.output, SinkOutput::Jdbc { .. }))
        || plan
            .transforms
            .iter()
            .any(|s| s.enabled && matches!(s.transform, Transform::Relationalize { .. }))
}

/// Whether the job reads or writes the warehouse, and so needs [`WAREHOUSE_CONNECTION`].
fn uses_warehouse(job: &JobDefinition) -> bool {
    job.plan
        .sources
        .iter()
        .any(|s| matches!(s.input, SourceInput::Jdbc { .. }))
        || job
            .plan
            .sinks
            .iter()
            .any(|s| matches!(s.output, SinkOutput::Jdbc { .. }))
}

/// The job's plan as a Glue PySpark script.
pub fn pyspark_script(job: &JobDefinition) -> String {
    pyspark_script_with_steps(job).text
}

/// What one runs on real Glue in place of gluelab's "Mark as processed": the job's script with
/// a last Filter that drops every row, run once with `--job-bookmark-option
/// job-bookmark-enable`: it reads what is new, writes nothing and `job.commit()` records it.
pub fn mark_as_processed_script(job: &JobDefinition) -> String {
    let mut marking = job.clone();
    marking.plan = job.plan.marking_as_processed();
    let script = pyspark_script(&marking);
    let note = "# Mark as processed: AWS Glue has no API to record files as processed without processing\n\
        # them. This is the job's own script with a last Filter that drops every row: run it once with\n\
        # --job-bookmark-option job-bookmark-enable and it reads what is new, writes nothing, and\n\
        # job.commit() saves the bookmark past it. Then run the job itself as usual.\n";
    match script.split_once('\n') {
        Some((title, rest)) => format!("{title}\n{note}{rest}"),
        None => format!("{note}{script}"),
    }
}

/// A script and where each step is in it: an editor highlights the step being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub text: String,
    /// The line (from 0) of each of the plan's steps, in order: one line per step.
    pub step_lines: Vec<usize>,
}

/// [`pyspark_script`], with the line of each step.
pub fn pyspark_script_with_steps(job: &JobDefinition) -> Script {
    let plan = &job.plan;
    let mut out = vec![
        format!("# {} — exported from gluelab", comment_text(&job.name)),
        "import sys".into(),
        "from awsglue.transforms import *".into(),
        "from awsglue.utils import getResolvedOptions".into(),
        "from awsglue.context import GlueContext".into(),
        "from awsglue.dynamicframe import DynamicFrame".into(),
        "from awsglue.job import Job".into(),
        "from pyspark.context import SparkContext".into(),
        "from pyspark.sql import functions as F".into(),
        String::new(),
    ];
    let mut required = plan.required_arguments.clone();
    if !required.iter().any(|r| r == "JOB_NAME") {
        required.insert(0, "JOB_NAME".into());
    }
    if needs_temp_dir(plan) && !required.iter().any(|r| r == "TempDir") {
        required.push("TempDir".into());
    }
    let required: Vec<String> = required.iter().map(|r| py(r)).collect();
    out.push(format!(
        "args = getResolvedOptions(sys.argv, [{}])",
        required.join(", ")
    ));
    out.extend([
        "sc = SparkContext()".into(),
        "glueContext = GlueContext(sc)".into(),
        "spark = glueContext.spark_session".into(),
        "job = Job(glueContext)".into(),
        "job.init(args['JOB_NAME'], args)".into(),
        String::new(),
    ]);
    for (i, source) in plan.sources.iter().enumerate() {
        let ctx = py(source.transformation_ctx.as_deref().unwrap_or(""));
        let read = match &source.input {
            SourceInput::Catalog { database, table } => {
                let options = listing_options(source, false);
                let additional = if options.is_empty() {
                    String::new()
                } else {
                    format!(", additional_options={{{}}}", options.join(", "))
                };
                let pushdown = source
                    .listing
                    .push_down_predicate
                    .as_deref()
                    .map(|p| format!(", push_down_predicate={}", py(p)))
                    .unwrap_or_default();
                format!(
                    "glueContext.create_dynamic_frame.from_catalog(database={}, table_name={}{pushdown}{additional}, transformation_ctx={ctx})",
                    py(database),
                    py(table)
                )
            }
            SourceInput::S3 { path, format, csv } => {
                let options: String = listing_options(source, true).iter().map(|o| format!(", {o}")).collect();
                format!(
                    "glueContext.create_dynamic_frame.from_options(connection_type=\"s3\", connection_options={{\"paths\": [{}]{options}}}, format={}{}, transformation_ctx={ctx})",
                    py(path),
                    py(format.name()),
                    format_options(*format, csv, source.mode),
                )
            }
            SourceInput::Jdbc {
                table,
                bookmark_keys,
                sort_order,
            } => {
                let mut options = vec![
                    format!("\"useConnectionProperties\": \"true\""),
                    format!("\"connectionName\": {}", py(WAREHOUSE_CONNECTION)),
                    format!("\"dbtable\": {}", py(table)),
                ];
                if !bookmark_keys.is_empty() {
                    let keys: Vec<String> = bookmark_keys.iter().map(|k| py(k)).collect();
                    options.push(format!("\"jobBookmarkKeys\": [{}]", keys.join(", ")));
                    options.push(format!("\"jobBookmarkKeysSortOrder\": {}", py(sort_order.as_str())));
                }
                format!(
                    "glueContext.create_dynamic_frame.from_options(connection_type=\"redshift\", connection_options={{{}}}, transformation_ctx={ctx})",
                    options.join(", ")
                )
            }
        };
        out.push(format!("source{i} = {read}"));
    }
    match plan.sources.len() {
        0 => out.push("df = None  # the plan has no source".into()),
        1 => out.push("df = source0".into()),
        n => {
            let unions: String = (1..n)
                .map(|i| format!(".unionByName(source{i}.toDF(), allowMissingColumns=True)"))
                .collect();
            out.push(format!(
                "df = DynamicFrame.fromDF(source0.toDF(){unions}, glueContext, \"union\")"
            ));
        }
    }
    out.push(String::new());
    let mut step_lines = Vec::with_capacity(plan.transforms.len());
    for step in &plan.transforms {
        step_lines.push(out.len());
        out.push(step_line(step));
        // Relationalize gives a collection: the job goes on with its root table.
        if let Transform::Relationalize { name, .. } = &step.transform {
            out.push(disabled_if_off(step, format!("df = dfc.select({})", py(name))));
        }
    }
    if !plan.transforms.is_empty() {
        out.push(String::new());
    }
    for sink in &plan.sinks {
        let ctx = py(sink.transformation_ctx.as_deref().unwrap_or(""));
        let frame = match &sink.collection_key {
            Some(key) => format!("dfc.select({})", py(key)),
            None => "df".to_string(),
        };
        match (&sink.output, &sink.mode) {
            (SinkOutput::S3 { path, .. }, SinkMode::Overwrite) => {
                out.push(format!(
                    "glueContext.purge_s3_path({}, {{\"retentionPeriod\": 0}})",
                    py(path)
                ));
            }
            (_, SinkMode::MergeOnKey { keys }) if !matches!(sink.output, SinkOutput::Jdbc { .. }) => out.push(format!(
                "# gluelab merged on ({}) here; on S3 that needs a table format with MERGE (Iceberg, Hudi, Delta)",
                keys.join(", ")
            )),
            _ => {}
        }
        out.push(match &sink.output {
            SinkOutput::Catalog { database, table } => format!(
                "glueContext.write_dynamic_frame.from_catalog(frame={frame}, database={}, table_name={}, transformation_ctx={ctx})",
                py(database),
                py(table)
            ),
            SinkOutput::S3 { path, format } => format!(
                "glueContext.write_dynamic_frame.from_options(frame={frame}, connection_type=\"s3\", connection_options={{\"path\": {}}}, format={}, transformation_ctx={ctx})",
                py(path),
                py(format.name())
            ),
            SinkOutput::Jdbc { table } => {
                let mut options = vec![format!("\"dbtable\": {}", py(table)), "\"database\": \"dev\"".to_string()];
                match &sink.mode {
                    SinkMode::Append => {}
                    SinkMode::Overwrite => options.push(format!("\"preactions\": {}", py(&format!("TRUNCATE TABLE {table};")))),
                    SinkMode::MergeOnKey { keys } => {
                        let stage = format!("{table}_stage");
                        let on: Vec<String> = keys.iter().map(|k| format!("{table}.{k} = {stage}.{k}")).collect();
                        options[0] = format!("\"dbtable\": {}", py(&stage));
                        options.push(format!(
                            "\"preactions\": {}",
                            py(&format!("CREATE TABLE IF NOT EXISTS {stage} (LIKE {table}); TRUNCATE TABLE {stage};"))
                        ));
                        options.push(format!(
                            "\"postactions\": {}",
                            py(&format!(
                                "BEGIN; DELETE FROM {table} USING {stage} WHERE {}; INSERT INTO {table} SELECT * FROM {stage}; DROP TABLE {stage}; END;",
                                on.join(" AND ")
                            ))
                        ));
                    }
                }
                format!(
                    "glueContext.write_dynamic_frame.from_jdbc_conf(frame={frame}, catalog_connection={}, connection_options={{{}}}, redshift_tmp_dir=args[\"TempDir\"], transformation_ctx={ctx})",
                    py(WAREHOUSE_CONNECTION),
                    options.join(", ")
                )
            }
        });
    }
    if plan.commits {
        out.push("job.commit()".into());
    }
    let mut text: String = out.into_iter().map(|l| f_strings(&l) + "\n").collect();
    if text.ends_with("\n\n") {
        text.pop();
    }
    Script { text, step_lines }
}

/// The `CreateJob` request for the exported script at `script_location` (see
/// [`script_location`]), as pretty JSON.
pub fn create_job_json(job: &JobDefinition, script_location: &str) -> String {
    crate::model::bookmark::pretty_json(&create_job_request(job, script_location))
}

/// The `CreateJob` request as a JSON value; the template's `AWS::Glue::Job` is built from it,
/// so both say the same. No `WorkerType`/`NumberOfWorkers`: gluelab does not model capacity, and
/// Glue then gives a `glueetl` job its default capacity.
pub fn create_job_request(job: &JobDefinition, script_location: &str) -> serde_json::Value {
    let mut request = json!({
        "Name": job.name,
        "Role": if job.role.is_empty() { "arn:aws:iam::123456789012:role/GlueJobRole" } else { job.role.as_str() },
        "Command": {"Name": "glueetl", "ScriptLocation": script_location, "PythonVersion": "3"},
        "DefaultArguments": job_arguments(job),
        "ExecutionProperty": {"MaxConcurrentRuns": job.max_concurrent_runs},
        "MaxRetries": job.max_retries,
        "Timeout": job.timeout_minutes,
        "GlueVersion": job.glue_version,
    });
    if !job.description.is_empty() {
        request["Description"] = json!(job.description);
    }
    if job.job_run_queuing_enabled {
        request["JobRunQueuingEnabled"] = json!(true);
    }
    if !job.non_overridable_arguments.is_empty() {
        request["NonOverridableArguments"] = json!(job.non_overridable_arguments);
    }
    if uses_warehouse(job) {
        request["Connections"] = json!({"Connections": [WAREHOUSE_CONNECTION]});
    }
    request
}

fn step_line(step: &Step) -> String {
    let line = step.transform.to_pyspark("df");
    let mut line = match step.transform {
        Transform::Show { .. } => line,
        Transform::Relationalize { .. } => format!("dfc = {line}"),
        _ => format!("df = {line}"),
    };
    // Glue's transforms take the thresholds next to transformation_ctx.
    let thresholds: Vec<String> = [
        ("stageThreshold", step.stage_threshold),
        ("totalThreshold", step.total_threshold),
    ]
    .into_iter()
    .filter_map(|(name, t)| t.filter(|t| *t > 0).map(|t| format!("{name}={t}")))
    .collect();
    if !thresholds.is_empty() {
        match line.rfind(", transformation_ctx=") {
            Some(at) if line.contains(".apply(") => line.insert_str(at, &format!(", {}", thresholds.join(", "))),
            _ => line.push_str(&format!("  # gluelab {}", thresholds.join(", "))),
        }
    }
    disabled_if_off(step, line)
}

fn disabled_if_off(step: &Step, line: String) -> String {
    if step.enabled {
        line
    } else {
        format!("# (disabled in gluelab) {line}")
    }
}

/// A source's `maxBand` (when not Glue's default) and listing options as a script's
/// `"key": value` pairs (`recurse` only for an S3 path, since a catalog table is read whole).
fn listing_options(source: &SourceSpec, s3_path: bool) -> Vec<String> {
    let listing = &source.listing;
    let band =
        (source.max_band != DEFAULT_MAX_BAND_MS).then(|| format!("\"maxBand\": {}", py(&source.max_band.to_string())));
    let mut options: Vec<String> = band.into_iter().collect();
    options.extend(
        listing
            .script_options()
            .into_iter()
            .map(|(key, value)| format!("\"{key}\": {}", py(&value))),
    );
    if s3_path && listing.recurse {
        options.push("\"recurse\": True".into());
    }
    options
}

/// A source's `format_options`: the CSV options that are not Glue's defaults (`withHeader`
/// always), and Spark's `mode` when it is not PERMISSIVE (in any format).
fn format_options(format: Format, csv: &CsvOptions, mode: ParseMode) -> String {
    let mut options = vec![];
    if format == Format::Csv {
        options.push(format!(
            "\"withHeader\": {}",
            if csv.with_header { "True" } else { "False" }
        ));
        if csv.separator != b',' {
            options.push(format!("\"separator\": {}", py(&(csv.separator as char).to_string())));
        }
        if let Some(q) = csv.quote.filter(|q| *q != b'"') {
            options.push(format!("\"quoteChar\": {}", py(&(q as char).to_string())));
        }
        if csv.multi_line {
            options.push("\"multiLine\": True".into());
        }
    }
    if mode != ParseMode::Permissive {
        options.push(format!("\"mode\": {}", py(mode.as_spark())));
    }
    if options.is_empty() {
        return String::new();
    }
    format!(", format_options={{{}}}", options.join(", "))
}

/// What may stand between `${` and `}` to become `args['name']`: a job argument's name.
fn is_argument_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Text for a `#` comment: nothing in it may end the line.
fn comment_text(text: &str) -> String {
    let quoted = py(text);
    quoted[1..quoted.len() - 1].to_string()
}

/// Turns every `"...${name}..."` literal of a line into `f"...{args['name']}..."`.
fn f_strings(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c != '"' {
            out.push(c);
            continue;
        }
        let mut end = line.len();
        let mut escaped = false;
        for (i, c) in chars.by_ref() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = i;
                    break;
                }
                _ => escaped = false,
            }
        }
        let body = &line[start + 1..end.min(line.len())];
        if body.contains("${") {
            let body = body.replace('{', "{{").replace('}', "}}");
            let mut converted = String::new();
            let mut rest = body.as_str();
            while let Some(at) = rest.find("${{") {
                converted.push_str(&rest[..at]);
                let after = &rest[at + 3..];
                match after.find("}}") {
                    // Only a Glue argument name becomes code; anything else stays text.
                    Some(close) if is_argument_name(&after[..close]) => {
                        converted.push_str(&format!("{{args['{}']}}", &after[..close]));
                        rest = &after[close + 2..];
                    }
                    Some(close) => {
                        converted.push_str(&rest[at..at + 3 + close + 2]);
                        rest = &after[close + 2..];
                    }
                    None => {
                        converted.push_str(&rest[at..]);
                        rest = "";
                    }
                }
            }
            converted.push_str(rest);
            out.push_str(&format!("f\"{converted}\""));
        } else {
            out.push('"');
            out.push_str(body);
            if end < line.len() {
                out.push('"');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_f_strings_reading_args() {
        assert_eq!(
            f_strings(r#"x = g(paths=["s3://b/${tenant_id}/e/"], ctx="e")"#),
            r#"x = g(paths=[f"s3://b/{args['tenant_id']}/e/"], ctx="e")"#
        );
        assert_eq!(f_strings(r#"a("{x} ${t}")"#), r#"a(f"{{x}} {args['t']}")"#);
        assert_eq!(f_strings(r#"a("plain \" quote")"#), r#"a("plain \" quote")"#);
    }

    /// Every string of a job (names, paths, tables, expressions, placeholders) given a hostile
    /// tail, where the job still deserialises with it.
    #[cfg(feature = "scripts")]
    fn hostile(job: &JobDefinition) -> JobDefinition {
        const TAIL: &str = "\"\n'''\"\"\"\\#{x}${a'] + __import__('os').system('id') + args['}\u{2028}\r\nimport os";
        /// The path (object keys and array indexes) of every string in `v`.
        fn paths(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
            match v {
                serde_json::Value::String(_) => out.push(at),
                serde_json::Value::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        paths(v, format!("{at}/{i}"), out)
                    }
                }
                serde_json::Value::Object(o) => {
                    for (k, v) in o {
                        paths(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)
                    }
                }
                _ => {}
            }
        }
        let mut value = serde_json::to_value(job).unwrap();
        let mut all = vec![];
        paths(&value, String::new(), &mut all);
        for path in all {
            let mut trial = value.clone();
            if let Some(serde_json::Value::String(s)) = trial.pointer_mut(&path) {
                s.push_str(TAIL);
            }
            if serde_json::from_value::<JobDefinition>(trial.clone()).is_ok() {
                value = trial;
            }
        }
        serde_json::from_value(value).unwrap()
    }

    #[cfg(feature = "scripts")]
    fn statements(script: &str) -> Vec<String> {
        let parsed = ruff_python_parser::parse_module(script).unwrap_or_else(|e| panic!("{e}\n{script}"));
        parsed
            .syntax()
            .body
            .iter()
            .map(|s| format!("{:?}", std::mem::discriminant(s)))
            .collect()
    }

    #[cfg(feature = "scripts")]
    #[test]
    fn hostile_names_cannot_add_a_line_or_an_expression_to_the_script() {
        for job in [crate::demo::devices_job(), crate::demo::hr::hr_job()] {
            let bad = hostile(&job);
            assert_ne!(bad, job, "the hostile tail reached the job");
            let script = pyspark_script(&bad);
            assert_eq!(statements(&script), statements(&pyspark_script(&job)), "{script}");
            assert!(!script.contains("\nimport os"), "{script}");
        }
        // The seed job's script runs back into the same plan, hostile strings and all: nothing
        // became code.
        let bad = hostile(&crate::demo::devices_job());
        let script = pyspark_script(&bad);
        let arguments = bad
            .default_arguments
            .iter()
            // A bookmark option must be one of Glue's three to run at all.
            .map(|(k, v)| {
                (
                    k.clone(),
                    if v.starts_with("job-bookmark-") {
                        "job-bookmark-enable".into()
                    } else {
                        v.clone()
                    },
                )
            })
            .chain([("--JOB_NAME".to_string(), bad.name.clone())])
            .chain(
                bad.plan
                    .required_arguments
                    .iter()
                    .map(|n| (format!("--{n}"), "given".to_string())),
            )
            .collect();
        let plan = crate::aws::script::plan_from_script(&script, &arguments, Default::default())
            .unwrap_or_else(|e| panic!("{e}\n{script}"));
        assert_eq!(plan.sources, bad.plan.sources);
        assert_eq!(plan.sinks, bad.plan.sinks);
    }

    #[test]
    fn only_argument_names_become_code_in_f_strings() {
        assert_eq!(
            f_strings(r#"a("${x'] + evil() + args['}")"#),
            r#"a(f"${{x'] + evil() + args['}}")"#
        );
        assert_eq!(py("a\nb\u{2028}\"c"), r#""a\nb\u2028\"c""#);
    }

    #[test]
    fn each_step_is_on_the_line_the_script_says() {
        let job = crate::demo::hr::hr_job();
        let script = pyspark_script_with_steps(&job);
        let lines: Vec<&str> = script.text.lines().collect();
        assert_eq!(script.step_lines.len(), job.plan.transforms.len());
        assert!(!script.step_lines.is_empty());
        for (step, at) in job.plan.transforms.iter().zip(&script.step_lines) {
            let python = step.transform.to_pyspark("df");
            let head = f_strings(python.split(", transformation_ctx=").next().unwrap_or(&python));
            assert!(
                lines[*at].contains(&head),
                "line {at}: {} does not hold {head}",
                lines[*at]
            );
        }
    }

    #[test]
    fn the_hr_job_exports_sources_steps_thresholds_and_an_upsert() {
        let mut job = crate::demo::hr::hr_job();
        job.plan.transforms[2] = job.plan.transforms[2].clone().with_stage_threshold(1);
        let script = pyspark_script(&job);
        assert!(script
            .contains("args = getResolvedOptions(sys.argv, [\"JOB_NAME\", \"tenant_id\", \"job_id\", \"TempDir\"])"));
        assert!(script.contains(
            "connection_options={\"paths\": [f\"s3://hr-uploads/{args['tenant_id']}/employees/\"]}, format=\"csv\", format_options={\"withHeader\": True, \"mode\": \"FAILFAST\"}, transformation_ctx=\"employees\")"
        ), "{script}");
        assert!(script.contains("df = ApplyMapping.apply(frame=df, mappings=[(\"employee_id\", \"string\""));
        assert!(script.contains("DELETE FROM analytics.monthly_employees USING analytics.monthly_employees_stage WHERE analytics.monthly_employees.tenant_id = analytics.monthly_employees_stage.tenant_id"), "{script}");
        assert!(script.trim_end().ends_with("job.commit()"));
        let request: serde_json::Value = serde_json::from_str(&create_job_json(&job, "s3://scripts/hr.py")).unwrap();
        assert_eq!(request["Command"]["ScriptLocation"], "s3://scripts/hr.py");
        assert_eq!(request["DefaultArguments"]["--tenant_id"], "acme-holdings");
        assert_eq!(request["Connections"]["Connections"][0], WAREHOUSE_CONNECTION);
        // The Redshift write stages in --TempDir, which the job does not set: the export adds one.
        assert_eq!(
            request["DefaultArguments"]["--TempDir"],
            format!("s3://{}/temporary/", assets_bucket())
        );
        assert_eq!(request["DefaultArguments"]["--job-language"], "python");
        assert!(request.get("NonOverridableArguments").is_none());
    }

    /// `job`'s exported script, and the plan gluelab's own script runner makes of it with the
    /// job's default arguments.
    #[cfg(feature = "scripts")]
    fn exported_plan(job: &JobDefinition) -> (String, crate::model::job::JobPlan) {
        let script = pyspark_script(job);
        let arguments = job
            .default_arguments
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .chain([("--JOB_NAME".to_string(), job.name.clone())])
            .collect();
        let plan = crate::aws::script::plan_from_script(&script, &arguments, Default::default())
            .unwrap_or_else(|e| panic!("{e}\n{script}"));
        (script, plan)
    }

    /// The exported seed job, run by gluelab's own script runner, is the same plan.
    #[cfg(feature = "scripts")]
    #[test]
    fn the_exported_seed_script_runs_as_the_same_plan() {
        let job = crate::demo::devices_job();
        let (_, plan) = exported_plan(&job);
        assert_eq!(plan.sources, job.plan.sources);
        assert_eq!(plan.sinks, job.plan.sinks);
        assert_eq!(plan.commits, job.plan.commits);
        assert_eq!(plan.transforms, job.plan.transforms);
    }

    /// Relationalize leaves as a collection (`dfc = Relationalize.apply(...)`, the root selected
    /// back, a child table's sink writing `dfc.select(key)`) and comes back the same.
    #[cfg(feature = "scripts")]
    #[test]
    fn the_exported_relationalize_script_runs_as_the_same_plan() {
        let ws = crate::demo::relationalized::relationalized_workspace().unwrap();
        let job = ws.job(crate::demo::relationalized::JOB_NAME).unwrap();
        let (_, plan) = exported_plan(job);
        assert_eq!(plan.transforms, job.plan.transforms);
        assert_eq!(plan.sinks, job.plan.sinks);
    }

    /// A CSV source's `multiLine` and a source's parse mode leave in its `format_options` and
    /// come back the same; Glue's defaults (multiLine False, PERMISSIVE) are not written.
    #[cfg(feature = "scripts")]
    #[test]
    fn multi_line_and_the_parse_mode_survive_the_export() {
        use crate::format::CsvOptions;
        let mut job = crate::demo::devices_job();
        let mut source = SourceSpec::catalog("db", "t", Some("path"));
        source.input = SourceInput::S3 {
            path: "s3://b/p/".into(),
            format: Format::Csv,
            csv: CsvOptions::default().with_multi_line(true),
        };
        source.mode = ParseMode::DropMalformed;
        job.plan.sources = vec![source.clone()];
        let (script, plan) = exported_plan(&job);
        assert_eq!(plan.sources, job.plan.sources);
        assert!(
            script.contains("format_options={\"withHeader\": False, \"multiLine\": True, \"mode\": \"DROPMALFORMED\"}"),
            "{script}"
        );
        source.input = SourceInput::S3 {
            path: "s3://b/p/".into(),
            format: Format::Csv,
            csv: CsvOptions::default(),
        };
        source.mode = ParseMode::Permissive;
        job.plan.sources = vec![source];
        let (script, plan) = exported_plan(&job);
        assert_eq!(plan.sources, job.plan.sources);
        assert!(script.contains("format_options={\"withHeader\": False}"), "{script}");
    }

    /// Listing options leave in the script as Glue takes them and come back the same: a catalog
    /// source's as `additional_options`, an S3 path's in its `connection_options`.
    #[cfg(feature = "scripts")]
    #[test]
    fn listing_options_survive_the_export() {
        use crate::model::job::Listing;
        let round_trip = |job: &JobDefinition| {
            let (script, plan) = exported_plan(job);
            assert_eq!(plan.sources, job.plan.sources);
            script
        };
        let mut job = crate::demo::devices_job();
        job.plan.sources[0].listing = Listing {
            bounded_files: Some(3),
            bounded_size: Some(1 << 20),
            exclusions: vec!["**.tmp".into(), "s3://b/p/{old,bad}/**".into()],
            recurse: false,
            push_down_predicate: Some("year = '2026'".into()),
            catalog_partition_predicate: Some("month > '06'".into()),
        };
        let script = round_trip(&job);
        assert!(
            script.contains("push_down_predicate=\"year = '2026'\", additional_options={\"boundedFiles\": \"3\", \"boundedSize\": \"1048576\", \"exclusions\": \"[\\\"**.tmp\\\",\\\"s3://b/p/{old,bad}/**\\\"]\", \"catalogPartitionPredicate\": \"month > '06'\"}"),
            "{script}"
        );
        let mut s3 = SourceSpec::catalog("db", "t", Some("path"));
        s3.input = SourceInput::S3 {
            path: "s3://b/p/".into(),
            format: crate::format::Format::Json,
            csv: Default::default(),
        };
        s3.listing = Listing {
            recurse: true,
            bounded_files: Some(1),
            ..Listing::default()
        };
        job.plan.sources = vec![s3];
        let script = round_trip(&job);
        assert!(
            script.contains("\"paths\": [\"s3://b/p/\"], \"boundedFiles\": \"1\", \"recurse\": True}"),
            "{script}"
        );
    }
}
