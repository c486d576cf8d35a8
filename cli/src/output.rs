//! What commands print, and how they fail: the AWS CLI's JSON, text output, error lines and
//! exit codes.

use gluelab_core::model::bookmark::pretty_json;
use gluelab_core::model::clock::{iso8601, Millis};
use serde::Serialize;
use serde_json::Value;

use crate::cli::OutputFormat;

/// The AWS CLI's exit codes.
pub mod exit {
    /// An `s3` transfer (cp, rm) failed.
    pub const S3_FAILED: i32 = 1;
    /// The command line could not be parsed, or a parameter is malformed.
    pub const USAGE: i32 = 252;
    /// The service returned an error.
    pub const SERVICE: i32 = 254;
    /// Anything else.
    pub const GENERAL: i32 = 255;
    /// gluelab's own: `exercise check` found the goal not met yet (so scripts can test it).
    pub const GOAL_NOT_MET: i32 = 1;
}

/// What a command returns.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A response document: printed as 4-space indented JSON (or as text with `--output text`).
    Doc { pretty: String, value: Value },
    /// Lines printed as they are (s3 transfers, tables, explanations).
    Lines(String),
    /// Nothing to print.
    Empty,
}

impl Reply {
    /// A response whose fields print in the order the AWS CLI prints them.
    pub fn doc<T: Serialize>(value: &T) -> Self {
        Reply::Doc {
            pretty: pretty_json(value),
            value: serde_json::to_value(value).expect("responses are plain data"),
        }
    }

    /// A response already rendered by core (`BookmarkEntry::to_cli_json`).
    pub fn pretty(pretty: String) -> Self {
        let value = serde_json::from_str(&pretty).expect("core renders valid JSON");
        Reply::Doc { pretty, value }
    }

    pub fn lines(text: impl Into<String>) -> Self {
        let mut text = text.into();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        Reply::Lines(text)
    }

    /// The text printed for this reply.
    pub fn render(&self, output: Option<OutputFormat>) -> String {
        match self {
            Reply::Doc { value, .. } if output == Some(OutputFormat::Text) => aws_text(value),
            Reply::Doc { pretty, .. } => format!("{pretty}\n"),
            Reply::Lines(text) => text.clone(),
            Reply::Empty => String::new(),
        }
    }

    /// The JSON a scenario captures from (`| .Path`); lines are a JSON string.
    pub fn value(&self) -> Value {
        match self {
            Reply::Doc { value, .. } => value.clone(),
            Reply::Lines(text) => Value::String(text.trim_end().to_string()),
            Reply::Empty => Value::Null,
        }
    }
}

/// A failed command: the text for stderr and the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub message: String,
    pub code: i32,
}

impl CliError {
    /// `An error occurred (Code) when calling the Operation operation: message` (exit 254).
    pub fn service(operation: &str, code: &str, message: &str) -> Self {
        Self {
            message: format!("\nAn error occurred ({code}) when calling the {operation} operation: {message}"),
            code: exit::SERVICE,
        }
    }

    /// A core error as the AWS service would return it.
    pub fn core(operation: &str, e: &gluelab_core::Error) -> Self {
        let (code, message) = aws_error(e);
        Self::service(operation, code, &message)
    }

    /// A malformed parameter value, as the AWS CLI reports it before calling anything (exit 252).
    pub fn parameter(name: &str, message: &str) -> Self {
        Self {
            message: format!("\nError parsing parameter '{name}': {message}"),
            code: exit::USAGE,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            message: format!("gluelab: error: {}", message.into()),
            code: exit::USAGE,
        }
    }

    pub fn general(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: exit::GENERAL,
        }
    }

    /// A challenge's goal not met yet (`exercise check`, exit 1).
    pub fn goal_not_met(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: exit::GOAL_NOT_MET,
        }
    }

    /// An s3 transfer that failed (`upload failed: ...`, exit 1).
    pub fn s3(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: exit::S3_FAILED,
        }
    }
}

/// The AWS error code and message for a core error.
pub fn aws_error(e: &gluelab_core::Error) -> (&'static str, String) {
    use gluelab_core::Error as E;
    let text = e.to_string();
    let rest = || {
        text.split_once(": ")
            .map(|(_, m)| m.to_string())
            .unwrap_or_else(|| text.clone())
    };
    match e {
        E::NoSuchBucket { .. } => ("NoSuchBucket", "The specified bucket does not exist".into()),
        E::NoSuchKey { .. } => ("NoSuchKey", "The specified key does not exist.".into()),
        E::BucketAlreadyOwnedByYou { .. } => ("BucketAlreadyOwnedByYou", rest()),
        E::InvalidBucketName { .. } => ("InvalidBucketName", rest()),
        E::EntityNotFound(m) => ("EntityNotFoundException", m.clone()),
        E::AlreadyExists(m) => ("AlreadyExistsException", m.clone()),
        E::InvalidInput(m) => ("InvalidInputException", m.clone()),
        E::ConcurrentRunsExceeded { .. } => ("ConcurrentRunsExceededException", rest()),
        _ => ("InvalidInputException", text),
    }
}

/// A timestamp as AWS CLI v2 prints one: `2021-01-07T08:53:15.319000+00:00` (UTC).
pub fn aws_time(ms: Millis) -> String {
    let iso = iso8601(ms);
    match iso.strip_suffix('Z') {
        Some(base) => format!("{base}000+00:00"),
        None => iso,
    }
}

/// `2021-01-07 08:53:15`, as `aws s3 ls` prints times.
pub fn ls_time(ms: Millis) -> String {
    iso8601(ms).replacen('T', " ", 1).chars().take(19).collect()
}

/// `--output text`: the AWS CLI's text formatter (keys sorted, scalars tab-separated, nested
/// lists and objects on their own lines under an upper-cased identifier).
pub fn aws_text(value: &Value) -> String {
    let mut out = String::new();
    text_item(value, None, None, &mut out);
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        other => other.to_string(),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn text_item(item: &Value, identifier: Option<&str>, scalar_keys: Option<&[String]>, out: &mut String) {
    match item {
        Value::Object(map) => {
            let mut scalars = vec![];
            let mut nested = vec![];
            match scalar_keys {
                None => {
                    for (k, v) in map {
                        if is_scalar(v) {
                            scalars.push(scalar(v));
                        } else {
                            nested.push((k.as_str(), v));
                        }
                    }
                }
                Some(keys) => {
                    for k in keys {
                        scalars.push(map.get(k).map(scalar).unwrap_or_else(|| "None".into()));
                    }
                    for (k, v) in map {
                        if !keys.contains(k) {
                            nested.push((k.as_str(), v));
                        }
                    }
                }
            }
            if !scalars.is_empty() {
                if let Some(id) = identifier {
                    scalars.insert(0, id.to_uppercase());
                }
                out.push_str(&scalars.join("\t"));
                out.push('\n');
            }
            for (k, v) in nested {
                text_item(v, Some(k), None, out);
            }
        }
        Value::Array(items) => {
            if items.is_empty() {
                return;
            }
            if items.iter().any(|i| i.is_object()) {
                let mut keys: Vec<String> = items
                    .iter()
                    .filter_map(Value::as_object)
                    .flat_map(|m| m.iter().filter(|(_, v)| is_scalar(v)).map(|(k, _)| k.clone()))
                    .collect();
                keys.sort();
                keys.dedup();
                for i in items {
                    text_item(i, identifier, Some(&keys), out);
                }
            } else if items.iter().any(|i| i.is_array()) {
                let scalars: Vec<&Value> = items.iter().filter(|i| is_scalar(i)).collect();
                if !scalars.is_empty() {
                    scalar_list(&scalars, identifier, out);
                }
                for i in items.iter().filter(|i| !is_scalar(i)) {
                    text_item(i, identifier, None, out);
                }
            } else {
                scalar_list(&items.iter().collect::<Vec<_>>(), identifier, out);
            }
        }
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar_list(items: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(id) => {
            for i in items {
                out.push_str(&format!("{}\t{}\n", id.to_uppercase(), scalar(i)));
            }
        }
        None => {
            out.push_str(&items.iter().map(|i| scalar(i)).collect::<Vec<_>>().join("\t"));
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_like_aws_cli_v2() {
        assert_eq!(aws_time(1_610_009_595_319), "2021-01-07T08:53:15.319000+00:00");
        assert_eq!(ls_time(1_610_009_595_319), "2021-01-07 08:53:15");
    }

    #[test]
    fn text_output_follows_the_aws_cli() {
        let v = serde_json::json!({"UserId": "U", "Account": "1", "Arn": "a"});
        assert_eq!(aws_text(&v), "1\ta\tU\n");
        let v = serde_json::json!({"JobRuns": [{"Id": "a", "Attempt": 0, "Arguments": {"--x": "1"}}]});
        assert_eq!(aws_text(&v), "JOBRUNS\t0\ta\nARGUMENTS\t1\n");
        assert_eq!(aws_text(&serde_json::json!({"JobRunId": "jr_1"})), "jr_1\n");
    }

    #[test]
    fn core_errors_keep_their_aws_names() {
        let e = gluelab_core::Error::EntityNotFound("Job x not found".into());
        assert_eq!(
            CliError::core("GetJob", &e).message,
            "\nAn error occurred (EntityNotFoundException) when calling the GetJob operation: Job x not found"
        );
    }
}
