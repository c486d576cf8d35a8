//! Lineage and explanations: per run, what happened to each source object and why; per sink
//! row, which run wrote it, where it came from, and whether it duplicates an earlier row.
//! Plain data, rendered by the app and the CLI.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::clock::Millis;
use crate::transform::RowOrigin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum VerdictKind {
    /// Read for the first time.
    Read,
    /// Read again although an earlier run already processed it.
    ReRead,
    Skipped,
    Deferred,
    /// Its read failed and stopped the run (the explanation says why).
    Failed,
}

impl VerdictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Read => "read",
            VerdictKind::ReRead => "re-read",
            VerdictKind::Skipped => "skipped",
            VerdictKind::Deferred => "deferred",
            VerdictKind::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// Never processed by a committed run before.
    New,
    /// The source has no `transformation_ctx`: bookmarks never track it, every run reads it all.
    NoTransformationCtx,
    /// `job-bookmark-disable` (the default): every run reads everything.
    BookmarkDisabled,
    /// Committed by that run and listed in its INCLUDE_LIST or older than its band.
    CommittedBy { run_id: String },
    /// Last modified at or before the bookmark's low edge and never read: missed for good.
    LateArrival,
    /// Read again: the bookmark was reset after `run_id` committed it.
    AfterReset { run_id: String },
    /// Read again: the bookmark was rewound to `to_run_id`, before `run_id` committed it.
    AfterRewind { to_run_id: String, run_id: String },
    /// Read again: the object was overwritten after `run_id` read it.
    ModifiedSince { run_id: String },
    /// Read again: `run_id` read it but saved no bookmark (it failed, paused or did not commit).
    NotCommitted { run_id: String },
    /// Read again: `run_id` committed it, but this run reads the bookmark as it was before that
    /// commit (the runs overlapped, or a pause replays from an earlier run).
    CommittedAfterStateRead { run_id: String },
    /// Read again: `run_id` committed it under transformation_ctx `ctx`, which no longer names
    /// this source (renamed): the new name has a state of its own.
    UnderAnotherContext { ctx: String, run_id: String },
    /// Read again: `run_id` committed it when this source read `was`; it reads something else
    /// now, so its state started anew (modelled).
    SourceChanged { was: String, run_id: String },
    /// Modified after this run started: the next run reads it.
    AfterRunStart,
    /// Pause with from/to: the object came after the `--job-bookmark-to` run's input.
    AfterReplayEnd { to_run_id: String },
    /// Bounded execution: the run had taken its `boundedFiles` / `boundedSize` (`bound`, in
    /// words) of older objects; a later run reads it.
    OverBound { bound: String },
    /// Matched the source's `exclusions` glob `pattern`: never listed.
    Excluded { pattern: String },
    /// In a subfolder of an S3 path read without `recurse`: never listed.
    InSubfolder,
    /// In partition `partition` (`year=2025/month=12/`), which the source's `option`
    /// (`push_down_predicate` / `catalogPartitionPredicate`) `predicate` pruned before listing.
    PartitionPruned {
        partition: String,
        option: String,
        predicate: String,
    },
    /// In `folder`, a partition folder the catalog does not hold (`None`: outside every
    /// partition folder): a catalog read lists only registered partitions.
    NotARegisteredPartition { folder: Option<String> },
    /// A JDBC row `run_id` read was updated since; key bookmarks never read it again.
    UpdateMissed { run_id: String },
    /// A JDBC row never read whose key is not beyond the bookmark's last key: missed for good.
    KeyNotAfterBookmark { last_key: String },
}

impl Reason {
    /// The runs this reason names.
    pub fn run_ids(&self) -> Vec<&str> {
        match self {
            Self::CommittedBy { run_id }
            | Self::AfterReset { run_id }
            | Self::ModifiedSince { run_id }
            | Self::NotCommitted { run_id }
            | Self::CommittedAfterStateRead { run_id }
            | Self::UnderAnotherContext { run_id, .. }
            | Self::SourceChanged { run_id, .. }
            | Self::UpdateMissed { run_id } => vec![run_id.as_str()],
            Self::AfterRewind { to_run_id, run_id } => vec![to_run_id.as_str(), run_id.as_str()],
            Self::AfterReplayEnd { to_run_id } => vec![to_run_id.as_str()],
            Self::New
            | Self::NoTransformationCtx
            | Self::BookmarkDisabled
            | Self::LateArrival
            | Self::AfterRunStart
            | Self::OverBound { .. }
            | Self::Excluded { .. }
            | Self::InSubfolder
            | Self::PartitionPruned { .. }
            | Self::NotARegisteredPartition { .. }
            | Self::KeyNotAfterBookmark { .. } => vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileVerdict {
    pub transformation_ctx: Option<String>,
    pub object: String,
    pub etag: String,
    pub last_modified: Millis,
    pub size: u64,
    pub kind: VerdictKind,
    pub reason: Reason,
    /// The same, in words a trainer can read aloud (English; a front end tells it again in its
    /// reader's language from `reason` and `subject`).
    pub explanation: String,
    /// What the explanation calls the object.
    #[serde(default)]
    pub subject: VerdictSubject,
    pub rows: u64,
}

/// What a verdict's explanation calls its object.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum VerdictSubject {
    /// Its path under the source (`raw-data/raw-data-1.json`).
    Path(String),
    /// A JDBC row, by its key (`empno=3`) and table.
    Row { key: String, table: String },
    /// Saved before verdicts named their subject: the object's file name.
    #[default]
    FileName,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RunLineage {
    pub files: Vec<FileVerdict>,
    /// Part files this run wrote.
    pub written: Vec<String>,
    /// Objects older than the bookmark's band were skipped without being listed one by one
    /// (a prefix of more than `engine::ITEMISE_LIMIT` objects).
    pub older_not_itemised: bool,
}

impl RunLineage {
    pub fn count(&self, kind: VerdictKind) -> usize {
        self.files.iter().filter(|f| f.kind == kind).count()
    }
}

/// One read of an object by a run, kept so later runs can explain a re-read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadRecord {
    pub job_name: String,
    pub transformation_ctx: String,
    pub run_id: String,
    pub object: String,
    pub version: u64,
    /// When the run's `job.commit()` saved this read; `None` if it never did.
    pub committed_at: Option<Millis>,
}

impl ReadRecord {
    /// Reads are kept by job, source and object, so explaining one object costs its own history.
    pub fn key_of(job: &str, ctx: &str, object: &str) -> String {
        format!("{job}\u{0}{ctx}\u{0}{object}")
    }

    /// The key this read is kept under.
    pub fn key(&self) -> String {
        Self::key_of(&self.job_name, &self.transformation_ctx, &self.object)
    }
}

/// Where each row of a part file came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartLineage {
    pub run_id: String,
    pub job_name: String,
    /// The ETag the part had when written: a part overwritten by hand loses its lineage.
    pub etag: String,
    pub origins: RowOrigins,
    /// Columns of keys Relationalize generated: a row written again under a new key is still
    /// a duplicate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub generated_keys: Vec<String>,
}

/// Row origins stored as runs of consecutive lines of one object: a part written from a
/// 1.5-million-line file is one entry, not 1.5 million addresses (what keeps a big workspace's
/// snapshot, memory and worker hand-over small).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowOrigins {
    runs: Vec<OriginRun>,
    /// Index of each run's first row (derived; not stored).
    starts: Vec<usize>,
}

/// `count` rows: `line`, `line + 1`, ... of one version of one object. Serialised without
/// `count` when it is 1, which is exactly a `RowOrigin`: older snapshots read as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct OriginRun {
    source: String,
    version: u64,
    line: u64,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    count: u64,
}

fn one() -> u64 {
    1
}

fn is_one(n: &u64) -> bool {
    *n == 1
}

impl RowOrigins {
    pub fn len(&self) -> usize {
        self.starts
            .last()
            .zip(self.runs.last())
            .map_or(0, |(s, r)| s + r.count as usize)
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// The origin of row `i`.
    pub fn get(&self, i: usize) -> Option<RowOrigin> {
        let run = self.starts.partition_point(|&s| s <= i).checked_sub(1)?;
        let r = &self.runs[run];
        let offset = (i - self.starts[run]) as u64;
        (offset < r.count).then(|| RowOrigin {
            source: r.source.clone(),
            version: r.version,
            line: r.line + offset,
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = RowOrigin> + '_ {
        self.runs.iter().flat_map(|r| {
            (0..r.count).map(move |k| RowOrigin {
                source: r.source.clone(),
                version: r.version,
                line: r.line + k,
            })
        })
    }

    /// Runs that continue one another are merged, so equal origins have one representation.
    fn from_runs(given: Vec<OriginRun>) -> Self {
        let mut runs: Vec<OriginRun> = Vec::with_capacity(given.len());
        for r in given {
            match runs.last_mut() {
                Some(last)
                    if last.source == r.source && last.version == r.version && last.line + last.count == r.line =>
                {
                    last.count += r.count
                }
                _ => runs.push(r),
            }
        }
        let mut starts = Vec::with_capacity(runs.len());
        let mut at = 0;
        for r in &runs {
            starts.push(at);
            at += r.count as usize;
        }
        Self { runs, starts }
    }
}

impl<'a> FromIterator<&'a RowOrigin> for RowOrigins {
    fn from_iter<I: IntoIterator<Item = &'a RowOrigin>>(origins: I) -> Self {
        let mut runs: Vec<OriginRun> = vec![];
        for o in origins {
            match runs.last_mut() {
                Some(r) if r.source == o.source && r.version == o.version && r.line + r.count == o.line => r.count += 1,
                _ => runs.push(OriginRun {
                    source: o.source.clone(),
                    version: o.version,
                    line: o.line,
                    count: 1,
                }),
            }
        }
        Self::from_runs(runs)
    }
}

impl Serialize for RowOrigins {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.runs.serialize(s)
    }
}

impl<'de> Deserialize<'de> for RowOrigins {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let runs = Vec::<OriginRun>::deserialize(d)?;
        if runs.iter().any(|r| r.count == 0) {
            return Err(serde::de::Error::custom("a lineage run of 0 rows"));
        }
        Ok(Self::from_runs(runs))
    }
}

/// A row of a sink table, as the sink viewer shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SinkRow {
    pub part: String,
    /// The row's values as text, in column order.
    pub values: Vec<String>,
    pub written_by: Option<String>,
    pub origin: Option<RowOrigin>,
    /// `(part, row index)` of the first row with the same origin and content.
    pub duplicate_of: Option<(String, usize)>,
    /// A duplicate whose generated keys (Relationalize's) differ from the first row's: no key
    /// can find it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub under_new_key: bool,
}

/// Marks duplicates: a row whose source object, line and content equal an earlier row's, the
/// columns at `generated_keys` (keys Relationalize generated, new in every run) aside.
pub fn mark_duplicates(rows: &mut [SinkRow], generated_keys: &[usize]) {
    type Key = (String, u64, Vec<String>);
    let mut first: BTreeMap<Key, ((String, usize), Vec<String>)> = BTreeMap::new();
    let mut index_in_part: BTreeMap<String, usize> = BTreeMap::new();
    for row in rows.iter_mut() {
        let index = index_in_part.entry(row.part.clone()).or_insert(0);
        if let Some(origin) = &row.origin {
            let content = row
                .values
                .iter()
                .enumerate()
                .filter(|(i, _)| !generated_keys.contains(i))
                .map(|(_, v)| v.clone())
                .collect();
            let key = (origin.source.clone(), origin.line, content);
            match first.get(&key) {
                Some((at, values)) => {
                    row.duplicate_of = Some(at.clone());
                    row.under_new_key = *values != row.values;
                }
                None => {
                    first.insert(key, ((row.part.clone(), *index), row.values.clone()));
                }
            }
        }
        *index += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(source: &str, line: u64) -> RowOrigin {
        RowOrigin {
            source: source.into(),
            version: 1,
            line,
        }
    }

    #[test]
    fn consecutive_lines_collapse_and_every_row_reads_back() {
        let rows = vec![
            origin("a", 1),
            origin("a", 2),
            origin("a", 3),
            origin("b", 1),
            origin("a", 9),
            origin("a", 10),
        ];
        let compact: RowOrigins = rows.iter().collect();
        assert_eq!(compact.runs.len(), 3);
        assert_eq!(compact.len(), rows.len());
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(compact.get(i).as_ref(), Some(row));
        }
        assert_eq!(compact.get(6), None);
        assert_eq!(compact.iter().collect::<Vec<_>>(), rows);
        let json = serde_json::to_string(&compact).unwrap();
        assert_eq!(serde_json::from_str::<RowOrigins>(&json).unwrap(), compact);
        // One row per entry is exactly the older `Vec<RowOrigin>` form.
        let old = serde_json::to_string(&rows).unwrap();
        assert_eq!(serde_json::from_str::<RowOrigins>(&old).unwrap(), compact);
        assert!(serde_json::from_str::<RowOrigins>(r#"[{"source":"a","version":1,"line":1,"count":0}]"#).is_err());
    }
}
