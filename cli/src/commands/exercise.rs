//! `gluelab exercise list | start ID [--force] | hint ID | check ID | predict ...`: the
//! workshop exercises of `gluelab_core::demo::exercises`, scriptable. `check` exits 0 when the
//! goal is met and 1 when not yet; `predict` starts a run and grades what was predicted.

use std::collections::BTreeMap;

use gluelab_core::demo::exercises::{self, Prediction};
use gluelab_core::model::lineage::VerdictKind;
use gluelab_core::RunRequest;

use super::Ctx;
use crate::cli::{ExerciseCommand, ExercisePredictArgs, ExerciseStartArgs};
use crate::output::{CliError, Reply};
use crate::state::CliState;

pub fn run(command: ExerciseCommand, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let core = |e: gluelab_core::Error| CliError::general(format!("gluelab: {e}"));
    match command {
        ExerciseCommand::List => {
            let mut out = vec![];
            for c in exercises::challenges() {
                out.push(format!("{:<22} {}", c.id, c.title));
                out.push(format!("{:<22} goal: {}", "", c.goal));
            }
            out.push(String::new());
            out.push(
                "Start one with `gluelab exercise start ID`; `gluelab exercise check ID` says whether its goal is met."
                    .into(),
            );
            Ok(Reply::lines(out.join("\n")))
        }
        ExerciseCommand::Start(args) => start(args, ctx),
        ExerciseCommand::Hint { id } => {
            let challenge = exercises::challenge(&id).map_err(core)?;
            let hints: Vec<String> = challenge
                .hints
                .iter()
                .enumerate()
                .map(|(i, h)| format!("{}. {h}", i + 1))
                .collect();
            Ok(Reply::lines(hints.join("\n")))
        }
        ExerciseCommand::Check { id } => {
            let check = exercises::check_challenge(&gluelab_core::i18n::Catalog::english(), ctx.workspace, &id)
                .map_err(core)?;
            match check.met {
                true => Ok(Reply::lines(format!("✓ Goal met: {}", check.says))),
                false => Err(CliError::goal_not_met(check.says)),
            }
        }
        ExerciseCommand::Predict(args) => predict(args, ctx),
    }
}

fn start(args: ExerciseStartArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let challenge = exercises::challenge(&args.id).map_err(|e| CliError::general(format!("gluelab: {e}")))?;
    if !(args.force || ctx.workspace.is_empty() && ctx.state.is_empty()) {
        return Err(CliError::general(format!(
            "gluelab: the workspace is not empty; starting the exercise '{}' would replace all of it. Use another --workspace, or add --force",
            challenge.id
        )));
    }
    *ctx.workspace = exercises::challenge_workspace(challenge.id)
        .map_err(|e| CliError::general(format!("gluelab: cannot build the exercise: {e}")))?;
    *ctx.state = CliState::default();
    Ok(Reply::lines(format!(
        "{}\nGoal: {}\nHints: gluelab exercise hint {id} · Check: gluelab exercise check {id}",
        challenge.title,
        challenge.goal,
        id = challenge.id
    )))
}

/// `--expect raw-data-1.json=skipped ...`: each object of the next run's sheet by its file
/// name (or whole URI), then the run, then the grade.
fn predict(args: ExercisePredictArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let sheet = ctx
        .workspace
        .prediction_sheet(&args.job_name)
        .map_err(|e| CliError::general(format!("gluelab: {e}")))?;
    let mut verdicts = BTreeMap::new();
    for expect in &args.expect {
        let (object, kind) = expect.split_once('=').ok_or_else(|| {
            CliError::parameter("--expect", &format!("'{expect}' is not OBJECT=read|re-read|skipped"))
        })?;
        let kind = match kind {
            "read" => VerdictKind::Read,
            "re-read" => VerdictKind::ReRead,
            "skipped" => VerdictKind::Skipped,
            other => {
                return Err(CliError::parameter(
                    "--expect",
                    &format!("'{other}' is not read, re-read or skipped"),
                ))
            }
        };
        let uri = sheet
            .iter()
            .find(|uri| *uri == object || uri.rsplit('/').next() == Some(object))
            .ok_or_else(|| {
                let names: Vec<&str> = sheet.iter().map(|u| u.rsplit('/').next().unwrap_or(u)).collect();
                CliError::parameter(
                    "--expect",
                    &format!(
                        "the next run does not look at '{object}' (it looks at: {})",
                        names.join(", ")
                    ),
                )
            })?;
        verdicts.insert(uri.clone(), kind);
    }
    let prediction = Prediction {
        verdicts,
        sink_rows: args.sink_rows,
    };
    let run_id = ctx
        .workspace
        .start_job_run(RunRequest::new(&args.job_name))
        .map_err(|e| CliError::general(format!("gluelab: {e}")))?;
    let grade = ctx
        .workspace
        .grade_prediction(
            &gluelab_core::i18n::Catalog::english(),
            &args.job_name,
            &run_id,
            &prediction,
        )
        .map_err(|e| CliError::general(format!("gluelab: {e}")))?;
    let label = ctx
        .workspace
        .run_label(&gluelab_core::i18n::Catalog::english(), &args.job_name, &run_id);
    Ok(Reply::lines(format!(
        "{label} ({run_id}): {}",
        grade.lines(&gluelab_core::i18n::Catalog::english()).join("\n")
    )))
}
