//! Job runs: what `GetJobRun` shows, plus the run's logs and lineage.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::i18n::Catalog;
use crate::model::args::BookmarkOption;
use crate::model::clock::Millis;
use crate::model::lineage::RunLineage;
use crate::model::store::hex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunState {
    Starting,
    Running,
    Stopping,
    Stopped,
    Succeeded,
    Failed,
    Timeout,
    Error,
    Waiting,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Starting => "STARTING",
            RunState::Running => "RUNNING",
            RunState::Stopping => "STOPPING",
            RunState::Stopped => "STOPPED",
            RunState::Succeeded => "SUCCEEDED",
            RunState::Failed => "FAILED",
            RunState::Timeout => "TIMEOUT",
            RunState::Error => "ERROR",
            RunState::Waiting => "WAITING",
        }
    }

    /// Counts against MaxConcurrentRuns.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            RunState::Starting | RunState::Running | RunState::Stopping | RunState::Waiting
        )
    }
}

/// Where a run should be made to fail, so users can see what a failure does to the bookmark.
/// Applies to the first attempt only, so a retry (MaxRetries) can succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FailurePoint {
    /// After reading, before anything is written.
    BeforeWrite,
    /// After the sinks are written, before `job.commit()`: output exists, the bookmark is not saved.
    BeforeCommit,
    /// The run exceeds its timeout (state TIMEOUT; never retried).
    Timeout,
}

impl FailurePoint {
    pub const ALL: [FailurePoint; 3] = [
        FailurePoint::BeforeWrite,
        FailurePoint::BeforeCommit,
        FailurePoint::Timeout,
    ];

    /// The name the CLI's `--fail-at` and the workbench use.
    pub fn name(self) -> &'static str {
        match self {
            FailurePoint::BeforeWrite => "before-write",
            FailurePoint::BeforeCommit => "before-commit",
            FailurePoint::Timeout => "timeout",
        }
    }

    pub fn from_name(name: &str) -> Option<FailurePoint> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogStream {
    /// `/aws-glue/jobs/output`: what the script prints (`df.show()`).
    Output,
    /// `/aws-glue/jobs/error`: the driver's log and errors.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEvent {
    pub timestamp: Millis,
    pub stream: LogStream,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRun {
    pub id: String,
    pub job_name: String,
    pub attempt: u32,
    /// For a retry: the failed run it retries.
    pub previous_run_id: Option<String>,
    pub state: RunState,
    /// The arguments the run resolved to: defaults, replaced by the request's, plus Glue's own.
    pub arguments: BTreeMap<String, String>,
    /// The `Arguments` of the StartJobRun request itself (a retry passes them on).
    pub requested_arguments: BTreeMap<String, String>,
    /// A failure the user asked for; first attempts only.
    pub fail_at: Option<FailurePoint>,
    pub started_on: Millis,
    pub last_modified_on: Millis,
    pub completed_on: Option<Millis>,
    pub execution_time_secs: u64,
    pub timeout_minutes: u32,
    pub glue_version: String,
    pub error_message: Option<String>,
    pub bookmark_option: Option<BookmarkOption>,
    pub rows_read: u64,
    pub rows_written: u64,
    pub log: Vec<LogEvent>,
    pub lineage: RunLineage,
    /// Where a failed run failed, as data: the rule, the object, the line and the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_detail: Option<ErrorDetail>,
    /// Rows transforms could not process (Glue's error records), in step order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_records: Vec<crate::transform::ErrorRecord>,
    /// Rows into and out of each transform step the run got through, in step order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub step_rows: Vec<StepRows>,
    /// While the run is active: the job's bookmark entry as it was when the run started, which
    /// it reads and which its commit must still find (another run's commit in between is a
    /// version mismatch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bookmark_at_start: Option<crate::model::bookmark::BookmarkEntry>,
    /// gluelab's "Mark as processed" run: every row dropped before the sinks, then commit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub marks_as_processed: bool,
}

/// Rows into and out of one transform step of a run, and what the step warned about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRows {
    /// The transform's name (`Filter`, `ApplyMapping`, ...).
    pub step: String,
    pub rows_in: u64,
    pub rows_out: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A failed run's error information, structured so a front end can point at the rule, file
/// and row (what the seed job stores next to its status for its web UI).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// `step 2: ApplyMapping`, when a transform failed.
    pub rule: Option<String>,
    pub object: Option<String>,
    pub line: Option<u64>,
    pub field: Option<String>,
    pub message: String,
}

impl ErrorDetail {
    /// What an error says about where it happened.
    pub fn from_error(e: &crate::Error) -> Self {
        let mut detail = ErrorDetail {
            message: e.to_string(),
            ..Default::default()
        };
        match e {
            crate::Error::Data { location, .. } => {
                detail.object = Some(location.object.clone());
                detail.line = location.line;
                detail.field = location.field.clone();
            }
            crate::Error::Transform { transform, .. } => detail.rule = Some(transform.clone()),
            _ => {}
        }
        detail
    }
}

impl JobRun {
    /// The row counts stage by stage, compactly: read, after each step, written (`2 → 1 → 1`);
    /// a run that did not write ends at its last step. What the runs table shows; the
    /// [`JobRun::row_flow`] lines say the same in words.
    pub fn row_chain(&self) -> String {
        let mut counts = vec![self.rows_read];
        counts.extend(self.step_rows.iter().map(|s| s.rows_out));
        if self.state == RunState::Succeeded || self.step_rows.is_empty() {
            counts.push(self.rows_written);
        }
        counts.iter().map(u64::to_string).collect::<Vec<_>>().join(" → ")
    }

    /// Where the rows went, one line per stage: read, each step (with what it dropped or added,
    /// and its warnings), written. Empty before the run has read anything.
    pub fn row_flow(&self, catalog: &Catalog) -> Vec<String> {
        if self.rows_read == 0 && self.step_rows.is_empty() {
            return vec![];
        }
        let count = |n: u64| rows(catalog, n);
        let mut lines = vec![catalog.tf("Read {rows}", &[("rows", &count(self.rows_read))])];
        for (i, s) in self.step_rows.iter().enumerate() {
            let number = i + 1;
            // The step's warnings are the engine's words, as its log prints them.
            let warned = s.warnings.iter().map(|w| format!(" ({w})")).collect::<String>();
            let args: &[(&str, &dyn std::fmt::Display)] = &[
                ("number", &number),
                ("step", &s.step),
                ("dropped", &s.rows_in.saturating_sub(s.rows_out)),
                ("rows_in", &count(s.rows_in)),
                ("rows_out", &count(s.rows_out)),
            ];
            let line = match s.rows_out.cmp(&s.rows_in) {
                std::cmp::Ordering::Less => catalog.tf("Step {number} {step}: dropped {dropped} of {rows_in}", args),
                std::cmp::Ordering::Greater => catalog.tf("Step {number} {step}: {rows_in} in, {rows_out} out", args),
                std::cmp::Ordering::Equal => catalog.tf("Step {number} {step}: {rows_in} kept", args),
            };
            lines.push(line + &warned);
        }
        if self.state == RunState::Succeeded {
            lines.push(catalog.tf("Wrote {rows}", &[("rows", &count(self.rows_written))]));
        }
        lines
    }

    pub fn log(&mut self, at: Millis, stream: LogStream, message: impl Into<String>) {
        self.log.push(LogEvent {
            timestamp: at,
            stream,
            message: message.into(),
        });
    }

    pub fn output_log(&self) -> impl Iterator<Item = &LogEvent> {
        self.log.iter().filter(|e| e.stream == LogStream::Output)
    }
}

/// The `--JOB_ID` Glue passes a job's runs: `j_` + the SHA-256 of the job's name in lowercase
/// hex (Glue's own is an opaque `j_` + hex; gluelab derives it so that runs of a job agree).
pub fn job_id(job_name: &str) -> String {
    format!("j_{}", hex(&Sha256::digest(job_name.as_bytes())))
}

/// `jr_` + 64 lowercase hex, derived from the job, the run's sequence number and the clock, so
/// the same story always gives the same ids.
pub fn run_id(job_name: &str, sequence: u64, at: Millis) -> String {
    let digest = Sha256::digest(format!("{job_name}\u{0}{sequence}\u{0}{at}").as_bytes());
    format!("jr_{}", hex(&digest))
}

/// `1 row`, `1,667,903 rows`.
fn rows(catalog: &Catalog, n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match n {
        1 => catalog.t("1 row").to_string(),
        _ => catalog.tf("{rows} rows", &[("rows", &grouped)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_ids_are_the_hash_of_the_name() {
        assert_eq!(
            job_id("etl"),
            "j_631fd8e1ffac93e47a9eeeaeb7c7ffa4ed64c93ebc79450f33ff81bd2ff69a91"
        );
        assert_eq!(job_id("etl").len(), 66);
        assert_ne!(job_id("etl"), job_id("etl2"));
    }

    #[test]
    fn run_ids_look_like_glues_and_are_deterministic() {
        let id = run_id("devices-data-etl", 1, 0);
        assert_eq!(id.len(), 67);
        assert!(
            id.starts_with("jr_")
                && id[3..]
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(id, run_id("devices-data-etl", 1, 0));
        assert_ne!(id, run_id("devices-data-etl", 2, 0));
    }
}
