//! `gluelab export-job --job-name NAME [--out-dir DIR] [--script-location S3URI]`: the three
//! files that take a prototyped job to real AWS Glue, all computed by core
//! (`gluelab_core::aws::export`): NAME.py (the PySpark script), NAME.json (the `CreateJob` request)
//! and NAME.template.json (a CloudFormation template of its buckets, catalog tables, IAM role
//! and job); with `--format cdk`, the same as an AWS CDK app (`export::cdk_app`). The workspace
//! is only read.

use gluelab_core::aws::export::{cdk_app, cloudformation_template, create_job_json, pyspark_script, script_location};
use gluelab_core::model::store::S3Uri;
use serde_json::Value;

use super::Ctx;
use crate::cli::{ExportFormat, ExportJobArgs};
use crate::output::{CliError, Reply};

pub fn run(args: ExportJobArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let mut job = ctx
        .workspace
        .job(&args.job_name)
        .map_err(|e| CliError::core("GetJob", &e))?
        .clone();
    if let Some(location) = &args.script_location {
        if !location.starts_with("s3://") || S3Uri::parse(location).is_err() {
            return Err(CliError::parameter(
                "--script-location",
                &format!("expected an s3://bucket/key address, got '{location}'"),
            ));
        }
        job.script_location = Some(location.clone());
    }
    let location = script_location(&job);
    let template = cloudformation_template(ctx.workspace, &job)
        .map_err(|e| CliError::general(format!("gluelab: cannot export the job {}: {e}", job.name)))?;
    let dir = ctx.local_path(
        &args
            .out_dir
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| ".".into()),
    );
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::general(format!("gluelab: cannot create {}: {e}", dir.display())))?;
    // The files are named after the job: a name that is a path (from an imported workspace)
    // must not write outside --out-dir.
    if job.name.contains(['/', '\\']) || job.name.starts_with('.') {
        return Err(CliError::general(format!(
            "gluelab: the job name {:?} cannot name a file in --out-dir; rename the job first",
            job.name
        )));
    }
    if args.mark_as_processed {
        let path = dir.join(format!("{}.mark-as-processed.py", job.name));
        std::fs::write(&path, gluelab_core::aws::export::mark_as_processed_script(&job))
            .map_err(|e| CliError::general(format!("gluelab: cannot write {}: {e}", path.display())))?;
        return Ok(Reply::lines(format!(
            "wrote: {}\nRun it once on Glue with --job-bookmark-option job-bookmark-enable: it commits the bookmark past what is there now and writes nothing.",
            path.display()
        )));
    }
    if args.format == ExportFormat::Cdk {
        return write_cdk_app(ctx, &job, &dir);
    }
    let script_file = format!("{}.py", job.name);
    let template_file = format!("{}.template.json", job.name);
    let files = [
        (script_file.clone(), pyspark_script(&job)),
        (format!("{}.json", job.name), create_job_json(&job, &location) + "\n"),
        (template_file.clone(), template.clone() + "\n"),
    ];
    let mut out = vec![];
    for (name, text) in &files {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .map_err(|e| CliError::general(format!("gluelab: cannot write {}: {e}", path.display())))?;
        out.push(format!("wrote: {}", path.display()));
    }
    out.extend(next_steps(
        &job.name,
        &template,
        &template_file,
        &script_file,
        &location,
    ));
    Ok(Reply::lines(out.join("\n")))
}

/// The CDK app's files under `dir`, and how to synthesize it.
fn write_cdk_app(
    ctx: &Ctx,
    job: &gluelab_core::model::job::JobDefinition,
    dir: &std::path::Path,
) -> Result<Reply, CliError> {
    let files = cdk_app(&*ctx.workspace, job)
        .map_err(|e| CliError::general(format!("gluelab: cannot export the job {}: {e}", job.name)))?;
    let mut out = vec![];
    for file in &files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| CliError::general(format!("gluelab: cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&path, &file.bytes)
            .map_err(|e| CliError::general(format!("gluelab: cannot write {}: {e}", path.display())))?;
        #[cfg(unix)]
        if file.path.ends_with(".sh") {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755));
        }
        out.push(format!("wrote: {}", path.display()));
    }
    out.extend([
        String::new(),
        format!("Synthesize offline (in {}):", dir.display()),
        "  npm install && CDK_OUTDIR=cdk.out node app.js".into(),
        "Deploy and run it locally: see README.md.".into(),
    ]);
    Ok(Reply::lines(out.join("\n")))
}

/// How to deploy what was written, and what the template leaves to the user.
fn next_steps(job: &str, template: &str, template_file: &str, script_file: &str, location: &str) -> Vec<String> {
    let parsed: Value = serde_json::from_str(template).unwrap_or_default();
    let overrides: Vec<String> = parsed["Parameters"]
        .as_object()
        .map(|parameters| {
            parameters
                .iter()
                .map(|(name, p)| format!("{name}={}", p["Default"].as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    let mut out = vec![
        String::new(),
        "On AWS (bucket names are global: pass your own in the overrides):".to_string(),
        format!(
            "  aws cloudformation deploy --template-file {template_file} --stack-name {} --capabilities \
             CAPABILITY_NAMED_IAM --parameter-overrides {}",
            stack_name(job),
            overrides.join(" ")
        ),
        format!("  aws s3 cp {script_file} {location}"),
        format!("  aws glue start-job-run --job-name {job}"),
    ];
    let gaps: Vec<&str> = parsed["Metadata"]["gluelab"]["NotCovered"]
        .as_array()
        .map(|g| g.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !gaps.is_empty() {
        out.push("Not created by the template:".into());
        out.extend(gaps.iter().map(|g| format!("  - {g}")));
    }
    out.push(format!(
        "Notes: see Metadata.gluelab.Notes in {template_file} (the job starts on AWS with an empty bookmark)."
    ));
    out
}

/// A CloudFormation stack name (`[a-zA-Z][-a-zA-Z0-9]*`) for the job.
fn stack_name(job: &str) -> String {
    let name: String = job
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(120)
        .collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("job-{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_names_are_valid() {
        assert_eq!(stack_name("devices-data-etl"), "devices-data-etl");
        assert_eq!(stack_name("2024_etl job"), "job-2024-etl-job");
    }
}
