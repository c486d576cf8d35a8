//! The plan phase: what the run carries out — the job's plan, or the one its script describes —
//! with `${name}` filled from the run's arguments.

use std::collections::BTreeMap;

use super::{RunContext, Stop};
use crate::model::args::ArgumentRules;
use crate::model::job::JobPlan;
use crate::model::run::{JobRun, LogStream};
use crate::model::store::S3Uri;
use crate::workspace::Workspace;

impl Workspace {
    pub(super) fn plan(&self, context: &RunContext, run: &mut JobRun) -> Result<JobPlan, Stop> {
        let job = context.job;
        let script_plan;
        let plan = match (job.plan_from_script, job.script_location.as_deref()) {
            (false, _) => &job.plan,
            (true, None) => return Err(Stop::failed("The job runs its script but has no ScriptLocation")),
            (true, Some(location)) => {
                run.log(
                    context.started_on,
                    LogStream::Error,
                    format!("INFO running script {location}"),
                );
                let object = S3Uri::parse(location)
                    .and_then(|uri| self.store.get(&uri).cloned())
                    .map_err(|e| Stop::failed(format!("ScriptLocation {location} cannot be read: {e}")))?;
                let text = std::str::from_utf8(&object.body)
                    .map_err(|_| Stop::failed(format!("ScriptLocation {location} is not UTF-8 text")))?;
                script_plan = interpret_script(
                    text,
                    &context.arguments,
                    ArgumentRules::of_glue_version(&job.glue_version),
                )
                .map_err(|e| Stop::failed(format!("{location}, {e}")))?;
                if let Some(refused) = &context.refused {
                    return Err(Stop::failed(refused.clone()));
                }
                &script_plan
            }
        };
        let plan = plan.with_arguments(&context.values).map_err(Stop::failed)?;
        if !run.marks_as_processed {
            return Ok(plan);
        }
        run.log(
            context.started_on,
            LogStream::Error,
            "INFO Mark as processed (gluelab only): a last Filter drops every row, so nothing is written and job.commit() records what was read. On Glue, run the exported workaround script.",
        );
        Ok(plan.marking_as_processed())
    }
}

/// A script job's plan, from its Python source (the `scripts` feature: ruff's parser).
#[cfg(feature = "scripts")]
fn interpret_script(text: &str, arguments: &BTreeMap<String, String>, rules: ArgumentRules) -> Result<JobPlan, String> {
    crate::aws::script::plan_from_script(text, arguments, rules).map_err(|e| e.to_string())
}

/// Builds without the `scripts` feature (the browser workbench, to keep the wasm small) run
/// job plans only.
#[cfg(not(feature = "scripts"))]
fn interpret_script(
    _text: &str,
    _arguments: &BTreeMap<String, String>,
    _rules: ArgumentRules,
) -> Result<JobPlan, String> {
    Err(
        "this build of gluelab (the browser workbench) runs job plans, not Python scripts; \
         run script jobs with the gluelab CLI"
            .into(),
    )
}
