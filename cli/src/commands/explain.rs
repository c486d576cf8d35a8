//! `gluelab explain --job-name N --run-id R`: what a run did to each source object and why
//! (core's verdicts and explanations), and the rows it wrote with their origins and duplicates.

use gluelab_core::clock::iso8601;
use gluelab_core::format::{CsvOptions, Format};
use gluelab_core::lineage::{FileVerdict, SinkRow, VerdictKind};
use gluelab_core::run::JobRun;
use gluelab_core::store::S3Uri;
use gluelab_core::views::short_run_id;
use gluelab_core::Workspace;
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
    let written = run
        .lineage
        .written
        .iter()
        .map(|part| written_part(ws, part))
        .collect::<Result<Vec<_>, _>>()?;
    if ctx.output == Some(OutputFormat::Json) {
        return Ok(Reply::doc(&Explained {
            run_id: &run.id,
            job_name: &run.job_name,
            attempt: run.attempt,
            job_run_state: run.state.as_str(),
            error_message: run.error_message.as_deref(),
            bookmark_option: run.bookmark_option.map(|b| b.as_str()),
            files: &run.lineage.files,
            older_not_itemised: run.lineage.older_not_itemised,
            written,
        }));
    }
    Ok(Reply::lines(text(ws, run, &written)))
}

/// A part file the run wrote and its rows as they are now.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WrittenPart {
    part: String,
    /// False when the part was deleted (or overwritten) since.
    present: bool,
    columns: Vec<String>,
    rows: Vec<SinkRow>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Explained<'a> {
    run_id: &'a str,
    job_name: &'a str,
    attempt: u32,
    job_run_state: &'static str,
    error_message: Option<&'a str>,
    bookmark_option: Option<&'static str>,
    files: &'a [FileVerdict],
    older_not_itemised: bool,
    written: Vec<WrittenPart>,
}

/// The sink a part belongs to: the catalog table whose location holds it, else its folder.
fn written_part(ws: &Workspace, part: &str) -> Result<WrittenPart, CliError> {
    let fail = |e: gluelab_core::Error| CliError::core("GetJobRun", &e);
    let in_table = ws.catalog.databases().flat_map(|d| d.tables.values()).find(|t| {
        t.location_uri()
            .map(|u| part.starts_with(&S3Uri::new(&u.bucket, u.folder_prefix()).to_string()))
            .unwrap_or(false)
    });
    let (location, format, csv) = match in_table {
        Some(t) => (t.location.clone(), t.format, t.csv_options()),
        None => {
            let folder = part.rsplit_once('/').map(|(f, _)| f).unwrap_or(part).to_string();
            let format = if part.ends_with(".parquet") {
                Format::Parquet
            } else if part.ends_with(".csv") {
                Format::Csv
            } else {
                Format::Json
            };
            (folder, format, CsvOptions::default())
        }
    };
    let uri = S3Uri::parse(part).map_err(fail)?;
    let present = ws.store.get(&uri).is_ok();
    if !present {
        return Ok(WrittenPart {
            part: part.into(),
            present: false,
            columns: vec![],
            rows: vec![],
        });
    }
    let (columns, rows) = ws.sink_rows(&location, format, &csv).map_err(fail)?;
    Ok(WrittenPart {
        part: part.into(),
        present: true,
        columns,
        rows: rows.into_iter().filter(|r| r.part == part).collect(),
    })
}

fn plural(n: u64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn file_name(uri: &str) -> &str {
    uri.rsplit('/').next().unwrap_or(uri)
}

fn text(ws: &Workspace, run: &JobRun, written: &[WrittenPart]) -> String {
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

    let files = &run.lineage.files;
    let counts: Vec<String> = [
        VerdictKind::Read,
        VerdictKind::ReRead,
        VerdictKind::Skipped,
        VerdictKind::Deferred,
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

    out.push(String::new());
    if written.is_empty() {
        out.push("Rows written: none".into());
    } else {
        out.push("Rows written:".into());
    }
    for part in written {
        if !part.present {
            out.push(format!("  {} (deleted or overwritten since)", part.part));
            continue;
        }
        out.push(format!("  {} ({})", part.part, plural(part.rows.len() as u64, "row")));
        if !part.columns.is_empty() {
            out.push(format!("    {}", part.columns.join(" | ")));
        }
        for row in &part.rows {
            let origin = row
                .origin
                .as_ref()
                .map(|o| format!("   <- {} line {}", file_name(&o.source), o.line))
                .unwrap_or_default();
            out.push(format!("    {}{origin}", row.values.join(" | ")));
            if let Some((first_part, index)) = &row.duplicate_of {
                let by = match ws.parts.get(first_part) {
                    Some(p) if p.run_id == run.id => " (written by this run too)".to_string(),
                    Some(p) => format!(" (written by run {})", short_run_id(&p.run_id)),
                    None => String::new(),
                };
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
