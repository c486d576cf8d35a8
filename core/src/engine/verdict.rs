//! Why an object or a row is (or is not) read: the verdict, from the job's read history and
//! bookmark events, and its explanation in words.

use crate::model::args::BookmarkOption;
use crate::model::bookmark::{self, Selection};
use crate::model::lineage::{ReadRecord, Reason, VerdictKind};
use crate::workspace::Workspace;

impl Workspace {
    /// Why an object is (or is not) read, from this job's read history and bookmark events.
    /// `version` is the object's write version (`None` for JDBC rows, whose updates are not
    /// why they are re-read).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn verdict(
        &self,
        job_name: &str,
        ctx: Option<&str>,
        replay_to: Option<&String>,
        option: BookmarkOption,
        uri: &str,
        version: Option<u64>,
        selection: Selection,
    ) -> (VerdictKind, Reason) {
        let history: &[ReadRecord] = match ctx {
            Some(ctx) => self
                .reads
                .get(&ReadRecord::key_of(job_name, ctx, uri))
                .map(Vec::as_slice)
                .unwrap_or_default(),
            None => &[],
        };
        let last_committed = history.iter().rev().find(|r| r.committed_at.is_some());
        match selection {
            Selection::Deferred => match replay_to {
                Some(to_run_id) => (
                    VerdictKind::Skipped,
                    Reason::AfterReplayEnd {
                        to_run_id: to_run_id.clone(),
                    },
                ),
                None => (VerdictKind::Deferred, Reason::AfterRunStart),
            },
            // The select phase gives these their reasons (which glob, which bound) itself and
            // does not ask for a verdict; the words here are only what the selection says.
            Selection::OverBound => (
                VerdictKind::Deferred,
                Reason::OverBound {
                    bound: "boundedFiles / boundedSize".into(),
                },
            ),
            Selection::Excluded => (
                VerdictKind::Skipped,
                Reason::Excluded {
                    pattern: "exclusions".into(),
                },
            ),
            Selection::InSubfolder => (VerdictKind::Skipped, Reason::InSubfolder),
            Selection::PartitionPruned => (
                VerdictKind::Skipped,
                Reason::PartitionPruned {
                    partition: String::new(),
                    option: "push_down_predicate".into(),
                    predicate: String::new(),
                },
            ),
            Selection::NotARegisteredPartition => {
                (VerdictKind::Skipped, Reason::NotARegisteredPartition { folder: None })
            }
            Selection::SkippedInIncludeList | Selection::SkippedBeforeBand => match last_committed {
                Some(r) => (
                    VerdictKind::Skipped,
                    Reason::CommittedBy {
                        run_id: r.run_id.clone(),
                    },
                ),
                None => (VerdictKind::Skipped, Reason::LateArrival),
            },
            Selection::Read if ctx.is_none() => (VerdictKind::Read, Reason::NoTransformationCtx),
            Selection::Read if option == BookmarkOption::Disable => (VerdictKind::Read, Reason::BookmarkDisabled),
            Selection::Read => {
                if let Some(r) = last_committed {
                    let run_id = r.run_id.clone();
                    if version.is_some_and(|v| v != r.version) {
                        return (VerdictKind::ReRead, Reason::ModifiedSince { run_id });
                    }
                    let committed_at = r.committed_at.expect("filtered on committed");
                    return match self.bookmarks[job_name].last_rollback_after(committed_at) {
                        Some(bookmark::BookmarkEvent::Rewound { to_run_id, .. }) => (
                            VerdictKind::ReRead,
                            Reason::AfterRewind {
                                to_run_id: to_run_id.clone(),
                                run_id,
                            },
                        ),
                        Some(_) => (VerdictKind::ReRead, Reason::AfterReset { run_id }),
                        None => (VerdictKind::ReRead, Reason::CommittedAfterStateRead { run_id }),
                    };
                }
                match history.last() {
                    Some(r) => (
                        VerdictKind::ReRead,
                        Reason::NotCommitted {
                            run_id: r.run_id.clone(),
                        },
                    ),
                    None => (VerdictKind::Read, Reason::New),
                }
            }
        }
    }
}

/// A verdict in words a trainer can read aloud.
pub fn explain(reason: &Reason, uri: &str, ctx: Option<&str>) -> String {
    explain_named(reason, uri.rsplit('/').next().unwrap_or(uri), ctx)
}

/// [`explain`] for something named other than by its address (a JDBC row: `row empno=3 of
/// public.employees`).
pub fn explain_named(reason: &Reason, name: &str, ctx: Option<&str>) -> String {
    let short = |id: &str| id.chars().take(11).collect::<String>() + "…";
    match reason {
        Reason::New => format!("{name} was read: no committed run had processed it yet."),
        Reason::NoTransformationCtx => format!(
            "{name} was read in full: the source has no transformation_ctx, so job bookmarks do not track it and every run reads everything."
        ),
        Reason::BookmarkDisabled => {
            format!("{name} was read: with job-bookmark-disable (the default) every run reads the whole source.")
        }
        Reason::CommittedBy { run_id } => format!(
            "{name} was skipped: run {} already processed it and committed the bookmark{}.",
            short(run_id),
            ctx.map(|c| format!(" for '{c}'")).unwrap_or_default()
        ),
        Reason::LateArrival => format!(
            "{name} was skipped: it was last modified before the bookmark's low edge (CURR_RUN_START_TIME − HIGH_BAND), so it is never read — a late arrival."
        ),
        Reason::AfterReset { run_id } => format!(
            "{name} was read again: run {} had processed it, but the bookmark was reset since; its rows are written to the target again (an appending target now holds them twice).",
            short(run_id)
        ),
        Reason::AfterRewind { to_run_id, run_id } => format!(
            "{name} was read again because the bookmark was rewound to run {}, before run {} processed it; targets are not tracked, so an appending sink gets its rows twice.",
            short(to_run_id),
            short(run_id)
        ),
        Reason::ModifiedSince { run_id } => format!(
            "{name} was read again in full: it was overwritten after run {} read it (bookmarks track whole files by modification time).",
            short(run_id)
        ),
        Reason::NotCommitted { run_id } => format!(
            "{name} was read again: run {} read it but saved no bookmark (it failed, paused, or did not call job.commit()).",
            short(run_id)
        ),
        Reason::CommittedAfterStateRead { run_id } => format!(
            "{name} was read again: run {} processed and committed it, but this run reads the bookmark as it was before that commit (the two runs overlapped, or a pause replays from an earlier run); an appending sink gets its rows twice.",
            short(run_id)
        ),
        Reason::UnderAnotherContext { ctx: old, run_id } => format!(
            "{name} was read again: run {} processed and committed it under transformation_ctx '{old}', and this source's transformation_ctx{} has no state of its own yet (a renamed ctx starts a new state; the old one stays in the bookmark, orphaned), so an appending sink gets its rows twice.",
            short(run_id),
            ctx.map(|c| format!(" '{c}'")).unwrap_or_default()
        ),
        Reason::SourceChanged { was, run_id } => format!(
            "{name} was read again: run {} processed and committed it when this source read {was}; the source changed since, so its state started anew (modelled) and an appending sink gets its rows twice.",
            short(run_id)
        ),
        Reason::AfterReplayEnd { to_run_id } => format!(
            "{name} was not read: it came after the input of run {}, the --job-bookmark-to run; pause with from/to \
             replays only what the runs after --job-bookmark-from processed, up to and including --job-bookmark-to.",
            short(to_run_id)
        ),
        Reason::AfterRunStart => {
            format!("{name} was deferred: it was modified after this run started; the next run reads it.")
        }
        Reason::OverBound { bound } => format!(
            "{name} was deferred: bounded execution ({bound}) let this run take only that much of the backlog, oldest first (an order gluelab models: AWS does not document it); a later run reads it."
        ),
        Reason::Excluded { pattern } => {
            format!("{name} was not read: it matches the source's exclusions glob {pattern:?}, so Glue never lists it.")
        }
        Reason::InSubfolder => format!(
            "{name} was not read: it is in a subfolder of the S3 path, and the source does not set \"recurse\": True."
        ),
        Reason::PartitionPruned {
            partition,
            option,
            predicate,
        } => format!(
            "{name} was not read: its partition {partition} was pruned by the source's {option} {predicate:?} before listing, so the bookmark never saw it (not \"already read\": no run read it)."
        ),
        Reason::NotARegisteredPartition { folder: Some(folder) } => format!(
            "{name} was not read: its folder {folder} is not a partition in the catalog yet, and a catalog read lists only registered partitions. Register it (MSCK REPAIR TABLE, a crawler, or BatchCreatePartition) and the next run reads it."
        ),
        Reason::NotARegisteredPartition { folder: None } => format!(
            "{name} was not read: it is outside every partition folder of a partitioned table, and a catalog read lists only the table's partitions."
        ),
        Reason::UpdateMissed { run_id } => format!(
            "{name} was not read: it was updated after run {} read it, and JDBC job bookmarks read only keys beyond the last one — the update never reaches the target.",
            short(run_id)
        ),
        Reason::KeyNotAfterBookmark { last_key } => format!(
            "{name} was not read and never will be: its key is not beyond the bookmark's last key ({last_key}); job bookmark keys must be strictly monotonic."
        ),
    }
}
