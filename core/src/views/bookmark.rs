//! Read models of a job's bookmark for front ends: the runs a rewind can go back to, the
//! versions the entry went through, and what each version changed.

use crate::i18n::Catalog;
use crate::model::bookmark::{BookmarkEntry, BookmarkEvent};
use crate::model::lineage::{RunLineage, VerdictKind};
use crate::workspace::Workspace;

use super::short_run_id;

/// A run whose commit a rewind can go back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewindTarget {
    pub run_id: String,
    /// The run's number among the job's runs, as the runs table counts them (1 = first).
    pub run_number: usize,
}

impl RewindTarget {
    /// `run 2 · 3ff9c44a`.
    pub fn label(&self, catalog: &Catalog) -> String {
        catalog.tf(
            "run {number} · {id}",
            &[("number", &self.run_number), ("id", &short_run_id(&self.run_id))],
        )
    }
}

/// One version of the bookmark entry and the event that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct BookmarkVersion {
    /// Its place in the history (0 = the oldest).
    pub index: usize,
    pub event: BookmarkEvent,
    pub version: u64,
}

/// A field of a bookmark version, with what it was before when that version changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionField {
    pub field: String,
    /// `None` when this version removed the field.
    pub value: Option<String>,
    /// `Some` when this version changed the field: its value before (`None` if it was absent).
    pub before: Option<Option<String>>,
}

impl Workspace {
    /// The `transformation_ctx` names the job's bookmark holds a state for that no source (or
    /// Relationalize step) of the job uses any more (renamed or removed): Glue keeps them, and
    /// nothing reads them.
    pub fn orphaned_states(&self, job: &str) -> Vec<String> {
        let (Ok(definition), Some(bookmark)) = (self.job(job), self.bookmarks.get(job)) else {
            return vec![];
        };
        let used = definition.plan.contexts();
        bookmark
            .current
            .states
            .keys()
            .filter(|ctx| !used.contains(&ctx.as_str()))
            .cloned()
            .collect()
    }

    /// The runs of `job` whose commit can be rewound to, oldest first; none for an unknown job.
    pub fn rewind_targets(&self, job: &str) -> Vec<RewindTarget> {
        let Ok(bookmark) = self.bookmark(job) else {
            return vec![];
        };
        self.runs_of(job)
            .enumerate()
            .filter(|(_, r)| bookmark.committed_by_run.contains_key(&r.id))
            .map(|(i, r)| RewindTarget {
                run_id: r.id.clone(),
                run_number: i + 1,
            })
            .collect()
    }

    /// Every version of the job's bookmark entry, newest first.
    pub fn bookmark_versions(&self, job: &str) -> Vec<BookmarkVersion> {
        let Ok(bookmark) = self.bookmark(job) else {
            return vec![];
        };
        bookmark
            .history
            .iter()
            .enumerate()
            .rev()
            .map(|(index, (event, entry))| BookmarkVersion {
                index,
                event: event.clone(),
                version: entry.version,
            })
            .collect()
    }

    /// The fields of version `index`, each with its value before if that version changed it;
    /// fields it removed come last. Empty for an unknown job or version.
    pub fn bookmark_version_fields(&self, job: &str, index: usize) -> Vec<VersionField> {
        let Ok(bookmark) = self.bookmark(job) else {
            return vec![];
        };
        let Some((_, entry)) = bookmark.history.get(index) else {
            return vec![];
        };
        let before = match index.checked_sub(1).and_then(|i| bookmark.history.get(i)) {
            Some((_, previous)) => previous.clone(),
            None => BookmarkEntry::new(job),
        };
        let changes = entry.changes_since(&before);
        let mut rows: Vec<VersionField> = entry
            .fields()
            .into_iter()
            .map(|(field, value)| VersionField {
                before: changes.iter().find(|c| c.field == field).map(|c| c.before.clone()),
                field,
                value: Some(value),
            })
            .collect();
        rows.extend(changes.into_iter().filter(|c| c.after.is_none()).map(|c| VersionField {
            field: c.field,
            value: None,
            before: Some(c.before),
        }));
        rows
    }
}

/// "Then the next run re-reads a.json; reads new b.json; skips nothing." — what a preview of
/// the next run (after a reset or rewind) means.
pub fn next_run_sentence(catalog: &Catalog, lineage: &RunLineage) -> String {
    let names = |kind| {
        lineage
            .files
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.object.rsplit('/').next().unwrap_or(&f.object).to_string())
            .collect::<Vec<_>>()
    };
    let (reread, read, skipped) = (
        names(VerdictKind::ReRead),
        names(VerdictKind::Read),
        names(VerdictKind::Skipped),
    );
    let list = |v: &Vec<String>| {
        if v.is_empty() {
            catalog.t("nothing").to_string()
        } else {
            v.join(", ")
        }
    };
    let new = if read.is_empty() {
        catalog.t("no new files").to_string()
    } else {
        catalog.tf("new {files}", &[("files", &read.join(", "))])
    };
    catalog.tf(
        "Then the next run re-reads {reread}; reads {new}; skips {skipped}.",
        &[("reread", &list(&reread)), ("new", &new), ("skipped", &list(&skipped))],
    )
}

#[cfg(test)]
mod tests {
    use crate::demo;
    use crate::views::BookmarkAction;

    fn seeded_twice() -> crate::Workspace {
        let mut ws = demo::seed_workspace().unwrap();
        for (name, body) in demo::raw_files() {
            let uri = crate::model::store::S3Uri::new(demo::raw_bucket(), name);
            ws.put_object(&uri, body.as_bytes().to_vec()).unwrap();
            ws.start_job_run(crate::RunRequest::new(demo::JOB_NAME)).unwrap();
        }
        ws
    }

    #[test]
    fn rewind_targets_are_committing_runs_numbered_as_the_runs_table() {
        let ws = seeded_twice();
        let targets = ws.rewind_targets(demo::JOB_NAME);
        let runs: Vec<_> = ws.runs_of(demo::JOB_NAME).map(|r| r.id.clone()).collect();
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[1].run_id, runs[1]);
        assert_eq!(targets[1].run_number, 2);
        assert!(targets[1]
            .label(&crate::i18n::Catalog::english())
            .starts_with("run 2 · "));
        assert!(ws.rewind_targets("nope").is_empty());
    }

    #[test]
    fn a_versions_fields_say_what_it_changed() {
        let ws = seeded_twice();
        let versions = ws.bookmark_versions(demo::JOB_NAME);
        assert!(versions.windows(2).all(|w| w[0].index > w[1].index), "newest first");
        let newest = ws.bookmark_version_fields(demo::JOB_NAME, versions[0].index);
        let version = newest.iter().find(|f| f.field == "Version").unwrap();
        assert!(version.before.is_some(), "every version changes Version");
        assert!(ws.bookmark_version_fields(demo::JOB_NAME, 999).is_empty());
    }

    #[test]
    fn the_reset_preview_reads_as_a_sentence() {
        let ws = seeded_twice();
        let lineage = ws.preview_next_run(demo::JOB_NAME, &BookmarkAction::Reset).unwrap();
        let sentence = super::next_run_sentence(&crate::i18n::Catalog::english(), &lineage);
        assert!(sentence.starts_with("Then the next run re-reads "), "{sentence}");
        assert!(!sentence.contains("re-reads nothing"), "a reset re-reads: {sentence}");
    }
}
