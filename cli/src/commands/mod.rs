//! One function per command: read the arguments, call gluelab-core, shape the response as the
//! AWS CLI prints it. No decision about data, runs or bookmarks is taken here.

mod athena;
mod cfn;
mod example;
mod exercise;
mod explain;
mod export;
mod glue;
mod logs;
pub mod redshift_data;
mod s3;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gluelab_core::demo::ACCOUNT_ID;
use gluelab_core::model::clock::{iso8601, parse_duration};
use gluelab_core::Workspace;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::cli::{ClockCommand, Command, OutputFormat, StsCommand};
use crate::output::{CliError, Reply};
use crate::state::CliState;

/// What a command works on and with.
pub struct Ctx<'a> {
    pub workspace: &'a mut Workspace,
    pub state: &'a mut CliState,
    pub region: String,
    /// Where relative local paths start.
    pub cwd: PathBuf,
    pub output: Option<OutputFormat>,
    /// Lines for stderr (a run that did not succeed, ...), printed after the reply.
    pub notes: Vec<String>,
}

impl Ctx<'_> {
    pub fn local_path(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.cwd.join(p)
        }
    }
}

/// Runs one command (never `scenario`, which the caller handles).
pub fn run(command: Command, ctx: &mut Ctx) -> Result<Reply, CliError> {
    match command {
        Command::Sts(StsCommand::GetCallerIdentity) => Ok(caller_identity()),
        Command::Cloudformation(c) => cfn::run(c, ctx),
        Command::S3(c) => s3::run(c, ctx),
        Command::Glue(c) => glue::run(c, ctx),
        Command::Athena(c) => athena::run(c, ctx),
        Command::Logs(c) => logs::run(c, ctx),
        Command::RedshiftData(c) => redshift_data::run(c, ctx),
        Command::Example(c) => example::run(c, ctx),
        Command::Exercise(c) => exercise::run(c, ctx),
        Command::Query(q) => athena::query(q, ctx),
        Command::Explain(e) => explain::run(e, ctx),
        Command::ExportJob(args) => export::run(args, ctx),
        Command::MarkAsProcessed(args) => {
            let id = ctx
                .workspace
                .mark_as_processed(&args.job_name)
                .map_err(|e| CliError::core("StartJobRun", &e))?;
            Ok(Reply::doc(&serde_json::json!({ "JobRunId": id })))
        }
        Command::Clock(c) => clock(c, ctx),
        Command::Scenario(_) => Err(CliError::usage("a scenario cannot run another scenario")),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CallerIdentity {
    user_id: &'static str,
    account: &'static str,
    arn: String,
}

fn caller_identity() -> Reply {
    Reply::doc(&CallerIdentity {
        user_id: "AIDAGLUELABDEMOUSER01",
        account: ACCOUNT_ID,
        arn: format!("arn:aws:iam::{ACCOUNT_ID}:user/gluelab"),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ClockView {
    now: String,
    now_millis: i64,
    step_millis: i64,
}

fn clock(command: ClockCommand, ctx: &mut Ctx) -> Result<Reply, CliError> {
    if let ClockCommand::Advance { duration } = &command {
        let ms = parse_duration(duration).ok_or_else(|| {
            CliError::usage(format!(
                "'{duration}' is not a duration: use a number and a unit, as in 15m, 90s, 2h, 1d or 500ms"
            ))
        })?;
        ctx.workspace
            .advance_clock(ms)
            .map_err(|e| CliError::usage(e.to_string()))?;
    }
    let clock = ctx.workspace.clock();
    Ok(Reply::doc(&ClockView {
        now: iso8601(clock.now()),
        now_millis: clock.now(),
        step_millis: clock.step(),
    }))
}

/// A map parameter given as JSON (`{"--k": "v"}`) or in the AWS CLI's shorthand (`--k=v,--k2=v2`).
pub fn parse_object(name: &str, text: &str) -> Result<Map<String, Value>, CliError> {
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        return match serde_json::from_str::<Value>(trimmed) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(CliError::parameter(
                name,
                &format!("Expected a JSON object\nJSON received: {text}"),
            )),
            Err(e) => Err(CliError::parameter(
                name,
                &format!("Invalid JSON: {e}\nJSON received: {text}"),
            )),
        };
    }
    let mut map = Map::new();
    for pair in trimmed.split(',').filter(|p| !p.trim().is_empty()) {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(CliError::parameter(
                name,
                &format!("Expected: '=', received: 'EOF' for input:\n{text}"),
            ));
        };
        map.insert(k.trim().to_string(), Value::String(v.trim().to_string()));
    }
    Ok(map)
}

/// A map of strings (`Arguments`, `DefaultArguments`), in core's grammar of job arguments; the
/// messages are the AWS CLI's, and of two equal keys the later counts, as there.
pub fn parse_string_map(name: &str, text: &str) -> Result<BTreeMap<String, String>, CliError> {
    use gluelab_core::model::args::{parse_argument_pairs, ArgumentTextError};
    let pairs = parse_argument_pairs(text).map_err(|e| {
        let message = match e {
            ArgumentTextError::InvalidJson(reason) => format!("Invalid JSON: {reason}\nJSON received: {text}"),
            ArgumentTextError::NotAString { key, value } => {
                format!("Invalid type for parameter {key}, value: {value}, valid types: <class 'str'>")
            }
            ArgumentTextError::NoEquals { .. } => format!("Expected: '=', received: 'EOF' for input:\n{text}"),
        };
        CliError::parameter(name, &message)
    })?;
    Ok(pairs.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_parameters_take_json_or_shorthand() {
        let m = parse_string_map("--arguments", r#"{"--a": "1"}"#).unwrap();
        assert_eq!(m["--a"], "1");
        let m = parse_string_map("--arguments", "--a=1,--b=x=y").unwrap();
        assert_eq!((m["--a"].as_str(), m["--b"].as_str()), ("1", "x=y"));
        let e = parse_string_map("--arguments", r#"{"--a": 1"#).unwrap_err();
        assert!(
            e.message
                .contains("Error parsing parameter '--arguments': Invalid JSON"),
            "{}",
            e.message
        );
        assert_eq!(e.code, 252);
        let e = parse_string_map("--arguments", r#"{"--a": 1}"#).unwrap_err();
        assert!(e.message.contains("Invalid type for parameter --a"), "{}", e.message);
    }
}
