//! Why an object or a row is (or is not) read: the verdict, from the job's read history and
//! bookmark events, and its explanation in words.

use crate::i18n::Catalog;
use crate::model::args::BookmarkOption;
use crate::model::bookmark::{self, Selection};
use crate::model::lineage::{FileVerdict, ReadRecord, Reason, VerdictKind, VerdictSubject};
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

/// A verdict's kind as people read it (`re-read`), in `catalog`'s language.
pub fn verdict_word(catalog: &Catalog, kind: VerdictKind) -> &str {
    match kind {
        VerdictKind::Read => catalog.t("read"),
        VerdictKind::ReRead => catalog.t("re-read"),
        VerdictKind::Skipped => catalog.t("skipped"),
        VerdictKind::Deferred => catalog.t("deferred"),
        VerdictKind::Failed => catalog.t("failed"),
    }
}

/// A verdict in words a trainer can read aloud, in `catalog`'s language (the lineage keeps
/// English: `&Catalog::english()`).
pub fn explain(catalog: &Catalog, reason: &Reason, uri: &str, ctx: Option<&str>) -> String {
    explain_named(catalog, reason, uri.rsplit('/').next().unwrap_or(uri), ctx)
}

/// A verdict of a run's lineage told again in `catalog`'s language.
pub fn explain_verdict(catalog: &Catalog, verdict: &FileVerdict) -> String {
    let object = verdict.object.as_str();
    let name = match &verdict.subject {
        VerdictSubject::Path(path) => path.clone(),
        VerdictSubject::Row { key, table } => row_name(catalog, key, table),
        VerdictSubject::FileName => object.rsplit('/').next().unwrap_or(object).to_string(),
    };
    let ctx = verdict.transformation_ctx.as_deref();
    let told = explain_named(catalog, &verdict.reason, &name, ctx);
    // What the read added after the reason (its failure, its fields' misfit) stays as it was
    // logged: the engine's words.
    let reason_in_english = explain_named(&Catalog::english(), &verdict.reason, &name, ctx);
    match verdict.explanation.strip_prefix(&reason_in_english) {
        Some(added) => told + added,
        None => told,
    }
}

/// A JDBC row as an explanation names it: `row empno=3 of public.employees`.
pub fn row_name(catalog: &Catalog, key: &str, table: &str) -> String {
    catalog.tf("row {key} of {table}", &[("key", &key), ("table", &table)])
}

/// [`explain`] for something named other than by its address (a JDBC row: `row empno=3 of
/// public.employees`).
pub fn explain_named(catalog: &Catalog, reason: &Reason, name: &str, ctx: Option<&str>) -> String {
    let short = |id: &str| id.chars().take(11).collect::<String>() + "…";
    match reason {
        Reason::New => catalog.tf("{name} was read: no committed run had processed it yet.", &[("name", &name)]),
        Reason::NoTransformationCtx => catalog.tf(
            "{name} was read in full: the source has no transformation_ctx, so job bookmarks do not track it and every run reads everything.",
            &[("name", &name)],
        ),
        Reason::BookmarkDisabled => catalog.tf(
            "{name} was read: with job-bookmark-disable (the default) every run reads the whole source.",
            &[("name", &name)],
        ),
        Reason::CommittedBy { run_id } => match ctx {
            Some(ctx) => catalog.tf(
                "{name} was skipped: run {run} already processed it and committed the bookmark for '{ctx}'.",
                &[("name", &name), ("run", &short(run_id)), ("ctx", &ctx)],
            ),
            None => catalog.tf(
                "{name} was skipped: run {run} already processed it and committed the bookmark.",
                &[("name", &name), ("run", &short(run_id))],
            ),
        },
        Reason::LateArrival => catalog.tf(
            "{name} was skipped: it was last modified before the bookmark's low edge (CURR_RUN_START_TIME − HIGH_BAND), so it is never read — a late arrival.",
            &[("name", &name)],
        ),
        Reason::AfterReset { run_id } => catalog.tf(
            "{name} was read again: run {run} had processed it, but the bookmark was reset since; its rows are written to the target again (an appending target now holds them twice).",
            &[("name", &name), ("run", &short(run_id))],
        ),
        Reason::AfterRewind { to_run_id, run_id } => catalog.tf(
            "{name} was read again because the bookmark was rewound to run {to_run}, before run {run} processed it; targets are not tracked, so an appending sink gets its rows twice.",
            &[("name", &name), ("to_run", &short(to_run_id)), ("run", &short(run_id))],
        ),
        Reason::ModifiedSince { run_id } => catalog.tf(
            "{name} was read again in full: it was overwritten after run {run} read it (bookmarks track whole files by modification time).",
            &[("name", &name), ("run", &short(run_id))],
        ),
        Reason::NotCommitted { run_id } => catalog.tf(
            "{name} was read again: run {run} read it but saved no bookmark (it failed, paused, or did not call job.commit()).",
            &[("name", &name), ("run", &short(run_id))],
        ),
        Reason::CommittedAfterStateRead { run_id } => catalog.tf(
            "{name} was read again: run {run} processed and committed it, but this run reads the bookmark as it was before that commit (the two runs overlapped, or a pause replays from an earlier run); an appending sink gets its rows twice.",
            &[("name", &name), ("run", &short(run_id))],
        ),
        Reason::UnderAnotherContext { ctx: old, run_id } => match ctx {
            Some(ctx) => catalog.tf(
                "{name} was read again: run {run} processed and committed it under transformation_ctx '{old}', and this source's transformation_ctx '{ctx}' has no state of its own yet (a renamed ctx starts a new state; the old one stays in the bookmark, orphaned), so an appending sink gets its rows twice.",
                &[("name", &name), ("run", &short(run_id)), ("old", old), ("ctx", &ctx)],
            ),
            None => catalog.tf(
                "{name} was read again: run {run} processed and committed it under transformation_ctx '{old}', and this source's transformation_ctx has no state of its own yet (a renamed ctx starts a new state; the old one stays in the bookmark, orphaned), so an appending sink gets its rows twice.",
                &[("name", &name), ("run", &short(run_id)), ("old", old)],
            ),
        },
        Reason::SourceChanged { was, run_id } => catalog.tf(
            "{name} was read again: run {run} processed and committed it when this source read {was}; the source changed since, so its state started anew (modelled) and an appending sink gets its rows twice.",
            &[("name", &name), ("run", &short(run_id)), ("was", was)],
        ),
        Reason::AfterReplayEnd { to_run_id } => catalog.tf(
            "{name} was not read: it came after the input of run {to_run}, the --job-bookmark-to run; pause with from/to \
             replays only what the runs after --job-bookmark-from processed, up to and including --job-bookmark-to.",
            &[("name", &name), ("to_run", &short(to_run_id))],
        ),
        Reason::AfterRunStart => catalog.tf(
            "{name} was deferred: it was modified after this run started; the next run reads it.",
            &[("name", &name)],
        ),
        Reason::OverBound { bound } => catalog.tf(
            "{name} was deferred: bounded execution ({bound}) let this run take only that much of the backlog, oldest first (an order gluelab models: AWS does not document it); a later run reads it.",
            &[("name", &name), ("bound", bound)],
        ),
        Reason::Excluded { pattern } => catalog.tf(
            "{name} was not read: it matches the source's exclusions glob {pattern}, so Glue never lists it.",
            &[("name", &name), ("pattern", &format!("{pattern:?}"))],
        ),
        Reason::InSubfolder => catalog.tf(
            "{name} was not read: it is in a subfolder of the S3 path, and the source does not set \"recurse\": True.",
            &[("name", &name)],
        ),
        Reason::PartitionPruned {
            partition,
            option,
            predicate,
        } => catalog.tf(
            "{name} was not read: its partition {partition} was pruned by the source's {option} {predicate} before listing, so the bookmark never saw it (not \"already read\": no run read it).",
            &[
                ("name", &name),
                ("partition", partition),
                ("option", option),
                ("predicate", &format!("{predicate:?}")),
            ],
        ),
        Reason::NotARegisteredPartition { folder: Some(folder) } => catalog.tf(
            "{name} was not read: its folder {folder} is not a partition in the catalog yet, and a catalog read lists only registered partitions. Register it (MSCK REPAIR TABLE, a crawler, or BatchCreatePartition) and the next run reads it.",
            &[("name", &name), ("folder", folder)],
        ),
        Reason::NotARegisteredPartition { folder: None } => catalog.tf(
            "{name} was not read: it is outside every partition folder of a partitioned table, and a catalog read lists only the table's partitions.",
            &[("name", &name)],
        ),
        Reason::UpdateMissed { run_id } => catalog.tf(
            "{name} was not read: it was updated after run {run} read it, and JDBC job bookmarks read only keys beyond the last one — the update never reaches the target.",
            &[("name", &name), ("run", &short(run_id))],
        ),
        Reason::KeyNotAfterBookmark { last_key } => catalog.tf(
            "{name} was not read and never will be: its key is not beyond the bookmark's last key ({last_key}); job bookmark keys must be strictly monotonic.",
            &[("name", &name), ("last_key", last_key)],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lineage_verdict_told_again_in_english_is_its_own_explanation() {
        let mut told = 0;
        for (example, ws) in crate::demo::story::every_tour_played() {
            for run in ws.runs() {
                for f in &run.lineage.files {
                    assert_eq!(explain_verdict(&Catalog::english(), f), f.explanation, "{example}");
                    told += 1;
                }
            }
        }
        assert!(told > 20, "{told}");
    }

    #[test]
    fn a_jdbc_row_is_named_by_its_key_and_table_in_the_catalog_language() {
        let ja = Catalog::from_json(
            crate::i18n::Lang::Ja,
            r#"{"row {key} of {table}": "{table} の行 {key}", "{name} was read: no committed run had processed it yet.": "{name} を読み込みました。"}"#,
        )
        .unwrap();
        let reason = Reason::New;
        let verdict = FileVerdict {
            transformation_ctx: Some("src".into()),
            object: "jdbc:public.employees#3".into(),
            etag: String::new(),
            last_modified: 0,
            size: 0,
            kind: VerdictKind::Read,
            explanation: explain_named(
                &Catalog::english(),
                &reason,
                "row empno=3 of public.employees",
                Some("src"),
            ),
            reason,
            subject: VerdictSubject::Row {
                key: "empno=3".into(),
                table: "public.employees".into(),
            },
            rows: 1,
        };
        assert_eq!(
            explain_verdict(&ja, &verdict),
            "public.employees の行 empno=3 を読み込みました。"
        );
    }
}
