//! `gluelab example list | load NAME [--force] | files NAME [--to DIR]`: start from one of the
//! workspaces core ships (`demo::seed_workspace`, `demo::hr::hr_workspace`), and get the files
//! their stories upload.

use gluelab_core::demo::story::Story;
use gluelab_core::demo::{self, hr};
use gluelab_core::{Error, Workspace};

use super::Ctx;
use crate::cli::{ExampleCommand, ExampleFilesArgs, ExampleLoadArgs, ExampleReplayArgs};
use crate::output::{CliError, Reply};
use crate::state::CliState;

struct Example {
    name: &'static str,
    summary: &'static str,
    build: fn() -> Result<Workspace, Error>,
    /// The files its story uploads, as (file name, body).
    files: fn() -> Vec<(&'static str, &'static str)>,
    /// A scenario in cli/examples/ that tells its story.
    scenario: &'static str,
}

const EXAMPLES: [Example; 2] = [
    Example {
        name: "seed",
        summary: "the seed article: devices-data-etl reads raw JSON files and appends them to a catalog \
                  table; reset and rewind re-read them (every row twice)",
        build: demo::seed_workspace,
        files: || {
            vec![
                ("template.yaml", demo::seed::TEMPLATE_YAML),
                ("devices-data-etl.py", demo::seed::SCRIPT_PY),
                ("raw-data-1.json", demo::seed::RAW_DATA_1),
                ("raw-data-2.json", demo::seed::RAW_DATA_2),
            ]
        },
        scenario: "seed-article.scenario",
    },
    Example {
        name: "hr",
        summary: "monthly HR exports mapped through rules tables (company names, gender values) and \
                  upserted as monthly employee counts into the warehouse table analytics.monthly_employees",
        build: hr::hr_workspace,
        files: || hr::employee_files().to_vec(),
        scenario: "hr-monthly.scenario",
    },
];

pub fn run(command: ExampleCommand, ctx: &mut Ctx) -> Result<Reply, CliError> {
    match command {
        ExampleCommand::List => {
            let mut out = vec![];
            for e in &EXAMPLES {
                out.push(format!("{:<6} {}", e.name, e.summary));
                out.push(format!("       story: cli/examples/{}", e.scenario));
            }
            Ok(Reply::lines(out.join("\n")))
        }
        ExampleCommand::Load(args) => load(args, ctx),
        ExampleCommand::Files(args) => files(args, ctx),
        ExampleCommand::Replay(args) => replay(args, ctx),
    }
}

fn find(name: &str) -> Result<&'static Example, CliError> {
    EXAMPLES.iter().find(|e| e.name == name).ok_or_else(|| {
        let names: Vec<&str> = EXAMPLES.iter().map(|e| e.name).collect();
        CliError::usage(format!("no example named '{name}' (there are: {})", names.join(", ")))
    })
}

/// Nothing built yet: no bucket, table, job, run or warehouse table, and no query or statement
/// kept (the clock may have moved).
fn is_empty(ws: &Workspace, state: &CliState) -> bool {
    ws.is_empty() && state.is_empty()
}

fn load(args: ExampleLoadArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let example = find(&args.name)?;
    if !args.force && !is_empty(ctx.workspace, ctx.state) {
        return Err(CliError::general(format!(
            "gluelab: the workspace is not empty (it has buckets, tables, jobs or runs); loading the example \
             '{}' would replace all of it. Use another --workspace, or add --force to replace it",
            example.name
        )));
    }
    let ws = (example.build)().map_err(|e| CliError::general(format!("gluelab: cannot build the example: {e}")))?;
    *ctx.workspace = ws;
    *ctx.state = CliState::default();
    Ok(Reply::lines(summary(example, ctx.workspace)))
}

/// A story from a link, replayed on its example (core checks it whole before any step runs).
fn replay(args: ExampleReplayArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let story = Story::parse(args.story.trim_start_matches("#story=")).map_err(|e| CliError::usage(e.to_string()))?;
    if !args.force && !is_empty(ctx.workspace, ctx.state) {
        return Err(CliError::general(
            "gluelab: the workspace is not empty (it has buckets, tables, jobs or runs); replaying the story \
             would replace all of it. Use another --workspace, or add --force to replace it",
        ));
    }
    let ws = story.replay().map_err(|e| CliError::general(format!("gluelab: {e}")))?;
    let runs = ws.runs().len();
    *ctx.workspace = ws;
    *ctx.state = CliState::default();
    let at = match story.tour_step() {
        Some(step) => format!(" (the {} tour's first {step} steps)", story.example),
        None => String::new(),
    };
    Ok(Reply::lines(format!(
        "Replayed {} step(s) on the example '{}'{at}: {runs} run(s).",
        story.steps.len(),
        story.example
    )))
}

/// What the example holds, and where its story goes next.
fn summary(example: &Example, ws: &Workspace) -> String {
    let mut out = vec![format!("Loaded the example '{}': {}", example.name, example.summary)];
    let buckets: Vec<String> = ws.store().buckets().map(|b| format!("s3://{}", b.name)).collect();
    out.push(format!("  buckets:   {}", buckets.join(", ")));
    let tables: Vec<String> = ws
        .catalog()
        .databases()
        .flat_map(|d| d.tables.values().map(|t| format!("{}.{}", t.database, t.name)))
        .collect();
    if !tables.is_empty() {
        out.push(format!("  catalog:   {}", tables.join(", ")));
    }
    let warehouse: Vec<&str> = ws.warehouse().tables.keys().map(String::as_str).collect();
    if !warehouse.is_empty() {
        out.push(format!("  warehouse: {}", warehouse.join(", ")));
    }
    for job in ws.jobs() {
        let args: Vec<String> = job
            .default_arguments
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "--job-language" | "--TempDir"))
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        out.push(format!("  job:       {} ({})", job.name, args.join(", ")));
    }
    out.push(String::new());
    out.push("Next: write the files its story uploads, upload one and run the job:".into());
    out.push(format!("  gluelab example files {}", example.name));
    if let Some(job) = ws.jobs().next() {
        let upload = (example.files)()
            .into_iter()
            .map(|(name, _)| name)
            .find(|name| name.ends_with(".csv") || name.ends_with(".json"));
        if let (Ok(prefix), Some(file)) = (ws.source_prefix(&job.name), upload) {
            out.push(format!("  gluelab s3 cp {file} {prefix}"));
        }
        out.push(format!("  gluelab glue start-job-run --job-name {}", job.name));
    }
    out.push(format!("The whole story: cli/examples/{}", example.scenario));
    out.join("\n")
}

fn files(args: ExampleFilesArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let example = find(&args.name)?;
    let dir = ctx.local_path(&args.to.map(|p| p.display().to_string()).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::general(format!("gluelab: cannot create {}: {e}", dir.display())))?;
    let mut out = vec![];
    for (name, body) in (example.files)() {
        let path = dir.join(name);
        std::fs::write(&path, body)
            .map_err(|e| CliError::general(format!("gluelab: cannot write {}: {e}", path.display())))?;
        out.push(format!("wrote: {}", path.display()));
    }
    Ok(Reply::lines(out.join("\n")))
}
