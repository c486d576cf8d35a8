//! Job bookmarks: per-source state, the S3 file-selection rule, the counters, reset and rewind.
//!
//! Faithful to the documented algorithm (GLUE-SEMANTICS.md §1.1–§1.2, §4, §5). What the docs do
//! not say is marked **modelled** here and in the UI:
//! - `INCLUDE_LIST` holds one token per file: the MD5 of its `s3://bucket/key` (real Glue's
//!   token is 32 hex characters of an unknown hash, sometimes several per file).
//! - Version/Run/Attempt arithmetic: Version +1 when an enabled run starts, +1 at its commit,
//!   +1 when it fails, +1 on reset or rewind; Run +1 on commit and on reset; the inner `RUN` is
//!   the entry's Run before the commit. This reproduces every number in the seed article.
//! - A rewind copies the chosen run's entry (Run, RunId, PreviousRunId, JobBookmark) with a
//!   new Version, as the article's output shows.
//! - Files modified after the run started are deferred to the next run.

use std::collections::{BTreeMap, BTreeSet};

use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::clock::{iso8601, Millis};
use crate::model::store::hex;

/// `maxBand` default: 900000 ms (15 minutes) of eventual-consistency band.
pub const DEFAULT_MAX_BAND_MS: Millis = 900_000;

/// The state of one S3 source (one `transformation_ctx`), as `HadoopDataSourceJobBookmarkState`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3SourceState {
    /// `RUN`: the entry's Run number when this state was committed.
    pub run: u64,
    /// `HIGH_BAND`: maxBand in milliseconds.
    pub high_band: Millis,
    /// `CURR_RUN_START_TIME`: the committed run's start, the high timestamp T.
    pub run_start_time: Millis,
    /// `INCLUDE_LIST`: tokens of files in `(T - HIGH_BAND, T]` already processed.
    pub include_list: Vec<String>,
    /// What the source read when it committed (`SourceInput::identity`), kept by gluelab only
    /// (not in Glue's JSON): a source whose path, table or format changed starts a new state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl S3SourceState {
    /// `INCLUDE_LIST` as a set, built once per run rather than searched once per object.
    pub fn include_set(&self) -> BTreeSet<String> {
        self.include_list.iter().cloned().collect()
    }
}

/// The state of one JDBC source: the largest bookmark-key tuple committed (modelled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JdbcSourceState {
    pub run: u64,
    pub keys: Vec<String>,
    pub sort_order: String,
    /// The key values of the last row read, rendered as text.
    pub last_key: Vec<String>,
}

/// The state of one `Relationalize` step with a `transformation_ctx` (*modelled*): the last
/// key it generated, so the next run's keys continue after it. AWS says Relationalize is
/// bookmark-aware and its keys continue across runs; how the entry holds that is not
/// published, so the JSON class here is gluelab's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedKeyState {
    pub run: u64,
    pub last_key: u64,
}

/// What a bookmark keeps under one `transformation_ctx`: a source's state, or the keys a
/// Relationalize step generated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContextState {
    S3(S3SourceState),
    Jdbc(JdbcSourceState),
    Relationalize(GeneratedKeyState),
}

/// What `aws glue get-job-bookmark` returns, field for field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookmarkEntry {
    pub job_name: String,
    pub version: u64,
    pub run: u64,
    pub attempt: u64,
    pub previous_run_id: Option<String>,
    pub run_id: Option<String>,
    /// One state per source `transformation_ctx`; empty after a reset (`JobBookmark` is `""`).
    pub states: BTreeMap<String, ContextState>,
}

/// The token the `INCLUDE_LIST` holds for an object (modelled: MD5 of its address).
pub fn include_token(uri: &str) -> String {
    hex(&Md5::digest(uri.as_bytes()))
}

impl BookmarkEntry {
    pub fn new(job_name: &str) -> Self {
        Self {
            job_name: job_name.into(),
            version: 0,
            run: 1,
            attempt: 0,
            previous_run_id: None,
            run_id: None,
            states: BTreeMap::new(),
        }
    }

    pub fn s3_state(&self, ctx: &str) -> Option<&S3SourceState> {
        match self.states.get(ctx) {
            Some(ContextState::S3(s)) => Some(s),
            _ => None,
        }
    }

    /// The last key the Relationalize step under `ctx` generated (0: none yet).
    pub fn last_generated_key(&self, ctx: &str) -> u64 {
        match self.states.get(ctx) {
            Some(ContextState::Relationalize(s)) => s.last_key,
            _ => 0,
        }
    }

    /// The `JobBookmark` string: a JSON document inside a JSON string, every inner value a string.
    pub fn job_bookmark_string(&self) -> String {
        if self.states.is_empty() {
            return String::new();
        }
        let fields: Vec<(&str, String)> = self
            .states
            .iter()
            .map(|(ctx, s)| (ctx.as_str(), state_json(s)))
            .collect();
        object_text(&fields)
    }

    /// The entry as the AWS CLI prints it: `{"JobBookmarkEntry": {...}}`, 4-space indent,
    /// `PreviousRunId`/`RunId` omitted when absent.
    pub fn to_cli_json(&self) -> String {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Entry<'a> {
            job_name: &'a str,
            version: u64,
            run: u64,
            attempt: u64,
            #[serde(skip_serializing_if = "Option::is_none")]
            previous_run_id: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            run_id: Option<&'a str>,
            job_bookmark: String,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Response<'a> {
            job_bookmark_entry: Entry<'a>,
        }
        let response = Response {
            job_bookmark_entry: Entry {
                job_name: &self.job_name,
                version: self.version,
                run: self.run,
                attempt: self.attempt,
                previous_run_id: self.previous_run_id.as_deref(),
                run_id: self.run_id.as_deref(),
                job_bookmark: self.job_bookmark_string(),
            },
        };
        pretty_json(&response)
    }
}

/// One field of a bookmark entry that differs between two versions (`before`/`after` are
/// `None` where the field is absent), for the inspector's highlighted diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// `Version`, `RunId`, or `JobBookmark.<ctx>.<field>` (`CURR_RUN_START_TIME`, ...).
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl BookmarkEntry {
    /// Every field as (path, text), in the order the CLI prints them, inner states flattened.
    pub fn fields(&self) -> Vec<(String, String)> {
        let mut fields = vec![
            ("Version".to_string(), self.version.to_string()),
            ("Run".to_string(), self.run.to_string()),
            ("Attempt".to_string(), self.attempt.to_string()),
        ];
        if let Some(id) = &self.previous_run_id {
            fields.push(("PreviousRunId".into(), id.clone()));
        }
        if let Some(id) = &self.run_id {
            fields.push(("RunId".into(), id.clone()));
        }
        for (ctx, state) in &self.states {
            let inner: serde_json::Value = serde_json::from_str(&state_json(state)).expect("state JSON is valid");
            flatten(&format!("JobBookmark.{ctx}"), &inner, &mut fields);
        }
        fields
    }

    /// What changed from `before` to this entry, field by field.
    pub fn changes_since(&self, before: &BookmarkEntry) -> Vec<FieldChange> {
        let old: BTreeMap<String, String> = before.fields().into_iter().collect();
        let new = self.fields();
        let mut changes: Vec<FieldChange> = new
            .iter()
            .filter(|(k, v)| old.get(k) != Some(v))
            .map(|(k, v)| FieldChange {
                field: k.clone(),
                before: old.get(k).cloned(),
                after: Some(v.clone()),
            })
            .collect();
        let kept: BTreeSet<&String> = new.iter().map(|(k, _)| k).collect();
        changes.extend(old.iter().filter(|(k, _)| !kept.contains(k)).map(|(k, v)| FieldChange {
            field: k.clone(),
            before: Some(v.clone()),
            after: None,
        }));
        changes
    }
}

fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                flatten(&format!("{prefix}.{k}"), v, out);
            }
        }
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// JSON pretty-printed with 4 spaces, as the AWS CLI does.
pub fn pretty_json<T: Serialize>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, serde_json::ser::PrettyFormatter::with_indent(b"    "));
    value.serialize(&mut ser).expect("serialising plain data cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// One source's state as compact JSON text, fields in the order Glue prints them.
/// (Built as text because `serde_json::Map` sorts keys, and `preserve_order` would pull
/// indexmap into the wasm bundle for this one place.)
fn state_json(state: &ContextState) -> String {
    let fields: Vec<(&str, String)> = match state {
        ContextState::S3(s) => {
            let timestamps = object_text(&[
                ("RUN", json_string(&s.run.to_string())),
                ("HIGH_BAND", json_string(&s.high_band.to_string())),
                ("CURR_LATEST_PARTITION", json_string("0")),
                ("CURR_LATEST_PARTITIONS", json_string("")),
                ("CURR_RUN_START_TIME", json_string(&iso8601(s.run_start_time))),
                ("INCLUDE_LIST", json_string(&s.include_list.join(","))),
            ]);
            vec![
                ("jsonClass", json_string("HadoopDataSourceJobBookmarkState")),
                ("timestamps", timestamps),
            ]
        }
        ContextState::Jdbc(s) => vec![
            ("jsonClass", json_string("JDBCDataSourceJobBookmarkState")),
            ("RUN", json_string(&s.run.to_string())),
            ("jobBookmarkKeys", json_string(&s.keys.join(","))),
            ("jobBookmarkKeysSortOrder", json_string(&s.sort_order)),
            ("lastKey", json_string(&s.last_key.join(","))),
        ],
        ContextState::Relationalize(s) => vec![
            ("jsonClass", json_string("RelationalizeJobBookmarkState")),
            ("RUN", json_string(&s.run.to_string())),
            ("lastGeneratedKey", json_string(&s.last_key.to_string())),
        ],
    };
    object_text(&fields)
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.into()).to_string()
}

fn object_text(fields: &[(&str, String)]) -> String {
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("{}:{v}", json_string(k))).collect();
    format!("{{{}}}", body.join(","))
}

/// How one object relates to a source's bookmark when a run starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Selection {
    /// Processed by this run.
    Read,
    /// In the band `(T_prev - HIGH_BAND, T_prev]` and listed in `INCLUDE_LIST`.
    SkippedInIncludeList,
    /// At or before `T_prev - HIGH_BAND`: older than anything the bookmark still tracks.
    SkippedBeforeBand,
    /// Modified after the run started: left for the next run.
    Deferred,
    /// Past the run's `boundedFiles` / `boundedSize`: left for a later run.
    OverBound,
    /// Never listed: it matches the source's `exclusions`.
    Excluded,
    /// Never listed: in a subfolder of an S3 path read without `recurse`.
    InSubfolder,
    /// Never listed: in a partition a `push_down_predicate` / `catalogPartitionPredicate` pruned.
    PartitionPruned,
    /// Never listed: in no partition the catalog holds (a folder not registered yet, or outside
    /// every partition folder).
    NotARegisteredPartition,
}

/// The S3 rule (GLUE-SEMANTICS.md §1.2) for one object, given the source's committed state
/// (see [`S3SourceState::include_set`] for a fast `INCLUDE_LIST` lookup).
pub fn select(
    state: Option<(&S3SourceState, &BTreeSet<String>)>,
    run_start: Millis,
    uri: &str,
    last_modified: Millis,
) -> Selection {
    if last_modified > run_start {
        return Selection::Deferred;
    }
    let Some((state, included)) = state else {
        return Selection::Read;
    };
    let low = state.run_start_time - state.high_band;
    if last_modified > state.run_start_time {
        Selection::Read
    } else if last_modified <= low {
        Selection::SkippedBeforeBand
    } else if included.contains(&include_token(uri)) {
        Selection::SkippedInIncludeList
    } else {
        Selection::Read
    }
}

/// The state a commit saves: T moves to this run's start and `INCLUDE_LIST` keeps every file in
/// the new band that was processed now or by an earlier committed run (old tokens first).
pub fn next_state(
    previous: Option<&S3SourceState>,
    run: u64,
    run_start: Millis,
    high_band: Millis,
    objects: &[(String, Millis, Selection)],
) -> S3SourceState {
    let in_band = |m: Millis| run_start - high_band < m && m <= run_start;
    let mut include_list: Vec<String> = vec![];
    let mut seen = BTreeSet::new();
    let band_tokens: BTreeMap<String, Millis> = objects
        .iter()
        .filter(|(_, m, _)| in_band(*m))
        .map(|(uri, m, _)| (include_token(uri), *m))
        .collect();
    for token in previous.map(|p| p.include_list.as_slice()).unwrap_or_default() {
        if band_tokens.contains_key(token) && seen.insert(token.clone()) {
            include_list.push(token.clone());
        }
    }
    for (uri, m, selection) in objects {
        let token = include_token(uri);
        if in_band(*m) && *selection == Selection::Read && seen.insert(token.clone()) {
            include_list.push(token);
        }
    }
    S3SourceState {
        run,
        high_band,
        run_start_time: run_start,
        include_list,
        source: None,
    }
}

/// Why an entry changed: the inspector's history and the explanations read these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookmarkEvent {
    RunStarted { run_id: String, at: Millis },
    Committed { run_id: String, at: Millis },
    RunFailed { run_id: String, at: Millis },
    Reset { at: Millis },
    Rewound { to_run_id: String, at: Millis },
}

impl BookmarkEvent {
    /// The run this event names, if any.
    pub fn run_id(&self) -> Option<&str> {
        match self {
            Self::RunStarted { run_id, .. } | Self::Committed { run_id, .. } | Self::RunFailed { run_id, .. } => {
                Some(run_id)
            }
            Self::Rewound { to_run_id, .. } => Some(to_run_id),
            Self::Reset { .. } => None,
        }
    }
}

/// Everything gluelab keeps about one job's bookmark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobBookmark {
    pub current: BookmarkEntry,
    /// Every version the entry went through, oldest first, with the event that made it.
    pub history: Vec<(BookmarkEvent, BookmarkEntry)>,
    /// The entry each committing run left, for `--run-id` reads and rewinds.
    pub committed_by_run: BTreeMap<String, BookmarkEntry>,
}

impl JobBookmark {
    pub fn new(job_name: &str) -> Self {
        Self {
            current: BookmarkEntry::new(job_name),
            history: vec![],
            committed_by_run: BTreeMap::new(),
        }
    }

    fn record(&mut self, event: BookmarkEvent) {
        self.history.push((event, self.current.clone()));
    }

    /// An enabled run read the entry (`job.init`).
    pub fn run_started(&mut self, run_id: &str, at: Millis) {
        self.current.version += 1;
        self.record(BookmarkEvent::RunStarted {
            run_id: run_id.into(),
            at,
        });
    }

    /// `job.commit()`: the new states are saved atomically, with the counters moved on.
    pub fn commit(&mut self, run_id: &str, at: Millis, states: BTreeMap<String, ContextState>) {
        let entry = &mut self.current;
        entry.version += 1;
        entry.previous_run_id = entry.run_id.take();
        entry.run_id = Some(run_id.into());
        entry.states.extend(states);
        entry.run += 1;
        entry.attempt = 0;
        self.committed_by_run.insert(run_id.into(), self.current.clone());
        self.record(BookmarkEvent::Committed {
            run_id: run_id.into(),
            at,
        });
    }

    /// An enabled run failed: nothing is saved, the counters note the failure.
    pub fn run_failed(&mut self, run_id: &str, at: Millis) {
        self.current.version += 1;
        self.current.attempt += 1;
        self.record(BookmarkEvent::RunFailed {
            run_id: run_id.into(),
            at,
        });
    }

    /// `reset-job-bookmark` without a run id: every source's state is dropped.
    pub fn reset(&mut self, at: Millis) -> &BookmarkEntry {
        let entry = &mut self.current;
        entry.version += 1;
        entry.run += 1;
        entry.attempt = 0;
        entry.previous_run_id = None;
        entry.run_id = None;
        entry.states.clear();
        self.record(BookmarkEvent::Reset { at });
        &self.current
    }

    /// `reset-job-bookmark --run-id R`: back to the entry run R committed.
    pub fn rewind(&mut self, run_id: &str, at: Millis) -> Result<&BookmarkEntry> {
        let target = self.committed_by_run.get(run_id).ok_or_else(|| {
            Error::EntityNotFound(format!(
                "Job bookmark for run {run_id} of job {} not found.",
                self.current.job_name
            ))
        })?;
        let version = self.current.version + 1;
        self.current = BookmarkEntry {
            version,
            ..target.clone()
        };
        self.record(BookmarkEvent::Rewound {
            to_run_id: run_id.into(),
            at,
        });
        Ok(&self.current)
    }

    /// `get-job-bookmark [--run-id R]`.
    pub fn get(&self, run_id: Option<&str>) -> Result<&BookmarkEntry> {
        match run_id {
            None => Ok(&self.current),
            Some(id) => self.committed_by_run.get(id).ok_or_else(|| {
                Error::EntityNotFound(format!(
                    "Job bookmark for run {id} of job {} not found.",
                    self.current.job_name
                ))
            }),
        }
    }

    /// The latest reset or rewind after `after`, if any: why a committed file is read again.
    pub fn last_rollback_after(&self, after: Millis) -> Option<&BookmarkEvent> {
        self.history.iter().rev().map(|(e, _)| e).find(|e| match e {
            BookmarkEvent::Reset { at } | BookmarkEvent::Rewound { at, .. } => *at > after,
            _ => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Millis = 60_000;

    fn state(t: Millis, files: &[&str]) -> S3SourceState {
        S3SourceState {
            run: 1,
            high_band: DEFAULT_MAX_BAND_MS,
            run_start_time: t,
            include_list: files.iter().map(|f| include_token(f)).collect(),
            source: None,
        }
    }

    #[test]
    fn first_run_reads_everything_up_to_its_start() {
        assert_eq!(select(None, 100, "s3://b/a", 100), Selection::Read);
        assert_eq!(select(None, 100, "s3://b/a", 101), Selection::Deferred);
    }

    #[test]
    fn the_three_ranges_of_the_documented_algorithm() {
        let t_prev = 60 * MIN;
        let s = state(t_prev, &["s3://b/in-list"]);
        let set = s.include_set();
        let s = (&s, &set);
        // (T_prev - dt, T_prev]: skipped only when listed.
        assert_eq!(
            select(Some(s), 70 * MIN, "s3://b/in-list", 50 * MIN),
            Selection::SkippedInIncludeList
        );
        assert_eq!(select(Some(s), 70 * MIN, "s3://b/late", 50 * MIN), Selection::Read);
        // At or before the low edge: never looked at again.
        assert_eq!(
            select(Some(s), 70 * MIN, "s3://b/old", 45 * MIN),
            Selection::SkippedBeforeBand
        );
        // (T_prev, T]: new, or modified since, whatever the list says.
        assert_eq!(select(Some(s), 70 * MIN, "s3://b/in-list", 61 * MIN), Selection::Read);
        assert_eq!(select(Some(s), 70 * MIN, "s3://b/x", 71 * MIN), Selection::Deferred);
    }

    #[test]
    fn next_include_list_keeps_old_tokens_in_band_first() {
        let prev = state(10 * MIN, &["s3://b/1"]);
        let objects = vec![
            ("s3://b/1".to_string(), 9 * MIN, Selection::SkippedInIncludeList),
            ("s3://b/2".to_string(), 11 * MIN, Selection::Read),
            ("s3://b/0".to_string(), 0, Selection::SkippedBeforeBand),
        ];
        let next = next_state(Some(&prev), 2, 12 * MIN, DEFAULT_MAX_BAND_MS, &objects);
        assert_eq!(
            next.include_list,
            vec![include_token("s3://b/1"), include_token("s3://b/2")]
        );
        // Twenty minutes later file 1 has left the band.
        let next = next_state(Some(&next), 3, 25 * MIN, DEFAULT_MAX_BAND_MS, &objects);
        assert_eq!(next.include_list, vec![include_token("s3://b/2")]);
    }

    #[test]
    fn counters_follow_the_seed_article() {
        let mut b = JobBookmark::new("devices-data-etl");
        let s = || BTreeMap::from([("datasource".to_string(), ContextState::S3(state(0, &[])))]);
        for id in ["jr_1", "jr_2"] {
            b.run_started(id, 0);
            b.commit(id, 0, s());
        }
        assert_eq!(
            (b.current.version, b.current.run, b.current.previous_run_id.as_deref()),
            (4, 3, Some("jr_1"))
        );
        b.reset(0);
        assert_eq!(
            (
                b.current.version,
                b.current.run,
                b.current.job_bookmark_string().as_str()
            ),
            (5, 4, "")
        );
        b.run_started("jr_3", 0);
        b.commit("jr_3", 0, s());
        b.reset(0);
        b.run_started("jr_4", 0);
        b.commit("jr_4", 0, s());
        assert_eq!(
            (b.current.version, b.current.run, b.current.previous_run_id.as_deref()),
            (10, 7, None)
        );
        b.run_started("jr_5", 0);
        b.commit("jr_5", 0, s());
        assert_eq!((b.current.version, b.current.run), (12, 8));
        let rewound = b.rewind("jr_4", 0).unwrap().clone();
        assert_eq!(
            (rewound.version, rewound.run, rewound.run_id.as_deref()),
            (13, 7, Some("jr_4"))
        );
        assert!(b
            .rewind("jr_nope", 0)
            .unwrap_err()
            .to_string()
            .starts_with("EntityNotFoundException"));
    }

    #[test]
    fn prints_like_the_aws_cli() {
        let mut entry = BookmarkEntry::new("devices-data-etl");
        entry.version = 4;
        entry.run = 3;
        entry.run_id = Some("jr_b".into());
        entry.previous_run_id = Some("jr_a".into());
        let mut s = state(1_610_009_595_319, &[]);
        s.run = 2;
        s.include_list = vec!["aa".into(), "bb".into()];
        entry.states.insert("datasource".into(), ContextState::S3(s));
        let expected = r#"{
    "JobBookmarkEntry": {
        "JobName": "devices-data-etl",
        "Version": 4,
        "Run": 3,
        "Attempt": 0,
        "PreviousRunId": "jr_a",
        "RunId": "jr_b",
        "JobBookmark": "{\"datasource\":{\"jsonClass\":\"HadoopDataSourceJobBookmarkState\",\"timestamps\":{\"RUN\":\"2\",\"HIGH_BAND\":\"900000\",\"CURR_LATEST_PARTITION\":\"0\",\"CURR_LATEST_PARTITIONS\":\"\",\"CURR_RUN_START_TIME\":\"2021-01-07T08:53:15.319Z\",\"INCLUDE_LIST\":\"aa,bb\"}}}"
    }
}"#;
        assert_eq!(entry.to_cli_json(), expected);
    }
}
