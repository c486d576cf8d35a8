//! Lineage and explanations: per run, what happened to each source object and why; per sink
//! row, which run wrote it, where it came from, and whether it duplicates an earlier row.
//! Plain data, rendered by the app and the CLI.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::transform::RowOrigin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum VerdictKind {
    /// Read for the first time.
    Read,
    /// Read again although an earlier run already processed it.
    ReRead,
    Skipped,
    Deferred,
}

impl VerdictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::Read => "read",
            VerdictKind::ReRead => "re-read",
            VerdictKind::Skipped => "skipped",
            VerdictKind::Deferred => "deferred",
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
    /// Modified after this run started: the next run reads it.
    AfterRunStart,
    /// Pause with from/to: the object came after the `--job-bookmark-to` run's input.
    AfterReplayEnd { to_run_id: String },
    /// A JDBC row `run_id` read was updated since; key bookmarks never read it again.
    UpdateMissed { run_id: String },
    /// A JDBC row never read whose key is not beyond the bookmark's last key: missed for good.
    KeyNotAfterBookmark { last_key: String },
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
    /// The same, in words a trainer can read aloud.
    pub explanation: String,
    pub rows: u64,
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

/// Where each row of a part file came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartLineage {
    pub run_id: String,
    pub job_name: String,
    /// The ETag the part had when written: a part overwritten by hand loses its lineage.
    pub etag: String,
    pub origins: Vec<RowOrigin>,
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
}

/// Marks duplicates: a row whose source object, line and content equal an earlier row's.
pub fn mark_duplicates(rows: &mut [SinkRow]) {
    let mut first: BTreeMap<(String, u64, Vec<String>), (String, usize)> = BTreeMap::new();
    let mut index_in_part: BTreeMap<String, usize> = BTreeMap::new();
    for row in rows.iter_mut() {
        let index = index_in_part.entry(row.part.clone()).or_insert(0);
        if let Some(origin) = &row.origin {
            let key = (origin.source.clone(), origin.line, row.values.clone());
            match first.get(&key) {
                Some(at) => row.duplicate_of = Some(at.clone()),
                None => {
                    first.insert(key, (row.part.clone(), *index));
                }
            }
        }
        *index += 1;
    }
}
