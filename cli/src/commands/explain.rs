//! `gluelab explain --job-name N --run-id R`: what a run did to each source object and why
//! (core's verdicts and explanations), where a failed run failed (rule, object, line, field),
//! the rows its transforms could not process (error records), and the rows it wrote with their
//! origins and duplicates — in S3 part files or in a warehouse table.

use gluelab_core::model::clock::iso8601;
use gluelab_core::model::lineage::{FileVerdict, VerdictKind};
use gluelab_core::model::run::{ErrorDetail, JobRun};
use gluelab_core::transform::ErrorRecord;
use gluelab_core::views::run_output::WrittenPart;
use gluelab_core::views::short_run_id;
use serde::Serialize;

use super::Ctx;
use crate::cli::{ExplainArgs, OutputFormat};
use crate::output::{CliError, Reply};

pub fn run(args: ExplainArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let op = "GetJobRun";
    let ws = &*ctx.workspace;
    let run = ws
        .job_run(&args.job_name, &args.run_id)
        .map_err(|e| CliError::core(op, &e))?;
    let written = ws.run_output(&run.id).map_err(|e| CliError::core(op, &e))?;
    if ctx.output == Some(OutputFormat::Json) {
        return Ok(Reply::doc(&Explained {
            run_id: &run.id,
            job_name: &run.job_name,
            attempt: run.attempt,
            job_run_state: run.state.as_str(),
            error_message: run.error_message.as_deref(),
            error_detail: run.error_detail.as_ref(),
            error_records: &run.error_records,
            bookmark_option: run.bookmark_option.map(|b| b.as_str()),
            files: &run.lineage.files,
            older_not_itemised: run.lineage.older_not_itemised,
            written,
        }));
    }
    Ok(Reply::lines(text(run, &written)))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Explained<'a> {
    run_id: &'a str,
    job_name: &'a str,
    attempt: u32,
    job_run_state: &'static str,
    error_message: Option<&'a str>,
    error_detail: Option<&'a ErrorDetail>,
    error_records: &'a [ErrorRecord],
    bookmark_option: Option<&'static str>,
    files: &'a [FileVerdict],
    older_not_itemised: bool,
    written: Vec<WrittenPart>,
}

fn plural(n: u64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn file_name(uri: &str) -> &str {
    uri.rsplit('/').next().unwrap_or(uri)
}

fn text(run: &JobRun, written: &[WrittenPart]) -> String {
    let mut out = vec![format!(
        "Job run {} of {} (attempt {}): {}",
        run.id,
        run.job_name,
        run.attempt,
        run.state.as_str()
    )];
    let mut facts = vec![format!("started {}", iso8601(run.started_on))];
    if let Some(done) = run.completed_on {
        facts.push(format!("completed {}", iso8601(done)));
    }
    if let Some(option) = run.bookmark_option {
        facts.push(option.as_str().to_string());
    }
    facts.push(format!(
        "{} read, {} written",
        plural(run.rows_read, "row"),
        plural(run.rows_written, "row")
    ));
    out.push(format!("  {}", facts.join("; ")));
    if let Some(error) = &run.error_message {
        out.push(format!("  Error: {error}"));
    }
    if let Some(detail) = &run.error_detail {
        out.extend(where_it_failed(detail));
    }

    let files = &run.lineage.files;
    let counts: Vec<String> = [
        VerdictKind::Read,
        VerdictKind::ReRead,
        VerdictKind::Skipped,
        VerdictKind::Deferred,
        VerdictKind::Failed,
    ]
    .into_iter()
    .map(|k| (k, run.lineage.count(k)))
    .filter(|(_, n)| *n > 0)
    .map(|(k, n)| format!("{n} {}", k.as_str()))
    .collect();
    out.push(String::new());
    if files.is_empty() {
        out.push("Source objects: none listed".into());
    } else {
        out.push(format!("Source objects ({}):", counts.join(", ")));
    }
    for f in files {
        let rows = if f.kind == VerdictKind::Read || f.kind == VerdictKind::ReRead {
            format!(" ({})", plural(f.rows, "row"))
        } else {
            String::new()
        };
        out.push(format!("  {:<9} {}{rows}", f.kind.as_str(), f.object));
        let ctx = f
            .transformation_ctx
            .as_deref()
            .map(|c| format!("[{c}] "))
            .unwrap_or_default();
        out.push(format!("            {ctx}{}", f.explanation));
    }
    if run.lineage.older_not_itemised {
        out.push("  (objects older than the bookmark's band were skipped without being listed one by one)".into());
    }
    let flow = run.row_flow(&gluelab_core::i18n::Catalog::english());
    if !flow.is_empty() {
        out.push(String::new());
        out.push("Rows:".into());
        out.extend(flow.into_iter().map(|line| format!("  {line}")));
    }

    if !run.error_records.is_empty() {
        out.push(String::new());
        out.push(format!(
            "Error records ({}): rows a transform could not process",
            run.error_records.len()
        ));
        for record in &run.error_records {
            out.extend(error_record(record));
        }
    }

    out.push(String::new());
    if written.is_empty() {
        out.push("Rows written: none".into());
    } else {
        out.push("Rows written:".into());
    }
    for part in written {
        let table = part.part.strip_prefix("jdbc:");
        if !part.present {
            let gone = match table {
                Some(t) => format!("  warehouse table {t} (dropped since)"),
                None => format!("  {} (deleted or overwritten since)", part.part),
            };
            out.push(gone);
            continue;
        }
        match table {
            Some(t) => out.push(format!(
                "  warehouse table {t} ({} from this run, as the table holds them now)",
                plural(part.rows.len() as u64, "row")
            )),
            None => out.push(format!("  {} ({})", part.part, plural(part.rows.len() as u64, "row"))),
        }
        if !part.columns.is_empty() {
            out.push(format!("    {}", part.columns.join(" | ")));
        }
        for (row, first_writer) in part.rows.iter().zip(&part.first_writers) {
            let origin = row
                .origin
                .as_ref()
                .map(|o| match o.source.starts_with("jdbc:") {
                    // A warehouse row's address already names the row (`jdbc:hr.employees#3`).
                    true => format!("   <- {}", o.source),
                    false => format!("   <- {} line {}", file_name(&o.source), o.line),
                })
                .unwrap_or_default();
            out.push(format!("    {}{origin}", row.values.join(" | ")));
            if let Some((first_part, index)) = &row.duplicate_of {
                let by = match first_writer {
                    Some(id) if *id == run.id => " (written by this run too)".to_string(),
                    Some(id) => format!(" (written by run {})", short_run_id(id)),
                    None => String::new(),
                };
                let first_part = first_part.strip_prefix("jdbc:").unwrap_or(first_part);
                out.push(format!(
                    "      DUPLICATE of row {} of {}{by}: same source line, same values (targets are not tracked)",
                    index + 1,
                    first_part
                ));
            }
        }
    }
    out.join("\n")
}

/// A failed run's structured detail, when it says more than the message: the rule (the step
/// that failed), the object, the line and the field.
fn where_it_failed(detail: &ErrorDetail) -> Vec<String> {
    let mut out = vec![];
    if let Some(rule) = &detail.rule {
        out.push(format!("    rule:   {rule}"));
    }
    if let Some(object) = &detail.object {
        out.push(format!("    object: {object}"));
    }
    if let Some(line) = detail.line {
        out.push(format!("    line:   {line}"));
    }
    if let Some(field) = &detail.field {
        out.push(format!("    field:  {field}"));
    }
    out
}

/// `ValueMapping  s3://.../employees-2024-01.csv:7  field company: message`, then the row.
fn error_record(record: &ErrorRecord) -> Vec<String> {
    let field = record
        .field
        .as_deref()
        .map(|f| format!("field {f}: "))
        .unwrap_or_default();
    let fate = if record.row_dropped {
        "row dropped"
    } else {
        "row kept, field set to null"
    };
    let values: Vec<String> = record.values.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let origin = match record.origin.source.starts_with("jdbc:") {
        true => record.origin.source.clone(),
        false => format!("{}:{}", record.origin.source, record.origin.line),
    };
    vec![
        format!("  {}  {origin}  {field}{} ({fate})", record.transform, record.message),
        format!("      {}", values.join(", ")),
    ]
}
