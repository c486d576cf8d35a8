//! `logs get-log-events`: a run's two CloudWatch log streams, named by its run id, in
//! `/aws-glue/jobs/output` (what the script printed, such as `df.show()`) and
//! `/aws-glue/jobs/error` (the driver's log).

use gluelab_core::model::run::LogStream;
use serde::Serialize;

use super::Ctx;
use crate::cli::{LogEventsArgs, LogsCommand};
use crate::output::{CliError, Reply};

pub fn run(command: LogsCommand, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let LogsCommand::GetLogEvents(args) = command;
    get_log_events(args, ctx)
}

fn get_log_events(args: LogEventsArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let op = "GetLogEvents";
    let not_found = |what: &str| {
        CliError::service(
            op,
            "ResourceNotFoundException",
            &format!("The specified {what} does not exist."),
        )
    };
    let stream = match args.log_group_name.as_str() {
        "/aws-glue/jobs/output" => LogStream::Output,
        "/aws-glue/jobs/error" => LogStream::Error,
        _ => return Err(not_found("log group")),
    };
    let run = ctx
        .workspace
        .run(&args.log_stream_name)
        .map_err(|_| not_found("log stream"))?;
    let mut events: Vec<Event> = run
        .log
        .iter()
        .filter(|e| e.stream == stream)
        .map(|e| Event {
            timestamp: e.timestamp,
            message: e.message.clone(),
            ingestion_time: e.timestamp,
        })
        .collect();
    let total = events.len();
    if let Some(limit) = args.limit {
        events.truncate(limit);
    }
    Ok(Reply::doc(&Events {
        events,
        next_forward_token: format!("f/{:056}", total),
        next_backward_token: format!("b/{:056}", 0),
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Events {
    events: Vec<Event>,
    next_forward_token: String,
    next_backward_token: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    timestamp: i64,
    message: String,
    ingestion_time: i64,
}
