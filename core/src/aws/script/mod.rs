//! Glue job scripts: the subset of Glue PySpark that bookmark-relevant scripts use, interpreted
//! into the linear [`JobPlan`] a run carries out (sources → transforms → sinks → commit).
//!
//! The script is parsed by a real Python parser (`rustpython-ruff_python_parser`, a published
//! fork of ruff's) and evaluated top to bottom over a small environment of Python values:
//! strings, numbers, bools, `None`, lists, tuples, dicts, and stand-ins for `sys.argv`,
//! `SparkContext`, `GlueContext`, the Spark session, `Job` and frames. Nothing runs for real:
//! each Glue call adds its step to the plan.
//!
//! **Supported.** `import sys` and imports from `awsglue` / `pyspark`;
//! `getResolvedOptions(sys.argv, [...])` (validated by [`crate::model::args::resolve`], Glue's messages)
//! and `args['X']`; `SparkContext()` / `SparkContext.getOrCreate()`, `GlueContext(sc)`,
//! `glueContext.spark_session`, `Job(glueContext)`, `job.init(args['JOB_NAME'], args)`,
//! `job.commit()`; `create_dynamic_frame.from_catalog` / `.from_options` (S3: json, csv,
//! parquet) and the `create_dynamic_frame_from_*` forms; `toDF()`, `DynamicFrame.fromDF`,
//! `show()`; `ApplyMapping`, `Filter` (a `lambda` translated to a SQL predicate), `DropFields`,
//! `SelectFields`, `RenameField` in both the `X.apply(frame=...)` and the method form;
//! `write_dynamic_frame.from_catalog` / `.from_options` (S3) and the `write_dynamic_frame_from_*`
//! forms. Positional and keyword arguments bind as Glue's signatures say; f-strings, `+` on
//! strings and numbers, `int()` and `str()` work on plain values.
//!
//! **Everything else fails** the run with `line N: <what> is not supported by gluelab's script
//! runner`, never a silent skip: loops, `def`, `if`, other modules, other methods (such as
//! `spark.read.json(...)`), options that would change what is read or written, and anything
//! the linear plan cannot express (a second source, transforming or writing a frame that is
//! not the latest one, a transform after a write, reading or writing after `job.commit()`).
//!
//! *Modelled:* the frame a script builds is checked for linearity only; the data itself is
//! read at run time. A `Filter` lambda is translated once, when the script defines it, with
//! the values its free names have then, and follows SQL's three-valued logic on nulls.

mod bounds;
mod call;
mod glue;
mod interp;
mod predicate;
mod value;

use std::collections::BTreeMap;

use crate::model::args::ArgumentRules;
use crate::model::job::JobPlan;

/// Ends every "outside the subset" message.
pub const NOT_SUPPORTED: &str = "is not supported by gluelab's script runner";

/// Why a script could not be turned into a plan: the 1-based script line and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ScriptError {
    pub line: usize,
    pub message: String,
}

/// Interprets a Glue job script into the plan a run carries out. `arguments` are the run's
/// resolved arguments, keys with their `--` (as `JobRun::arguments`); `rules` the
/// `getResolvedOptions` of the job's Glue version.
pub fn plan_from_script(
    source: &str,
    arguments: &BTreeMap<String, String>,
    rules: ArgumentRules,
) -> Result<JobPlan, ScriptError> {
    bounds::check(source)?;
    let interp = interp::Interp::new(source, arguments, rules);
    let parsed = ruff_python_parser::parse_module(source).map_err(|e| ScriptError {
        line: interp.line(e.location.start().to_usize()),
        message: format!("SyntaxError: {}", e.error),
    })?;
    interp.run(&parsed.syntax().body)
}

#[cfg(test)]
mod tests;
