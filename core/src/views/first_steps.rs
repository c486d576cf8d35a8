//! The path from an empty workspace to a first successful run, as a checklist a front end
//! shows: each step done or not, read off the workspace (never stored), so undo, a reload or
//! doing a step another way keeps it true.

use crate::i18n::Catalog;
use crate::model::run::RunState;
use crate::workspace::Workspace;

/// One step of the path, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstStep {
    Bucket,
    File,
    Table,
    Job,
    Run,
}

impl FirstStep {
    pub const ALL: [FirstStep; 5] = [
        FirstStep::Bucket,
        FirstStep::File,
        FirstStep::Table,
        FirstStep::Job,
        FirstStep::Run,
    ];

    /// What the step is, as a checklist line, in `catalog`'s language.
    pub fn title(self, catalog: &Catalog) -> &str {
        match self {
            FirstStep::Bucket => catalog.t("Create a bucket"),
            FirstStep::File => catalog.t("Drop a file into it"),
            FirstStep::Table => catalog.t("Make a table from the file"),
            FirstStep::Job => catalog.t("Create a job over the table"),
            FirstStep::Run => catalog.t("Run the job"),
        }
    }

    /// Where a workbench user does it, in `catalog`'s language.
    pub fn how(self, catalog: &Catalog) -> &str {
        match self {
            FirstStep::Bucket => catalog.t("In the S3 panel, press New bucket and give it a name (lower case, 3 to 63 characters)."),
            FirstStep::File => catalog.t("Drop a JSON-lines or CSV file onto the S3 panel, or press Upload (New folder first, if you want a prefix)."),
            FirstStep::Table => catalog.t("Click the file to preview it, then press Make a table from this file: its columns and Glue types are read from the file, as a crawler would."),
            FirstStep::Job => catalog.t("In the file's preview, press New job over this table: a bookmarked job that appends to a new table beside it."),
            FirstStep::Run => catalog.t("Press Run (or r). Run it again to see the bookmark skip the file."),
        }
    }
}

/// A step and whether the workspace shows it done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstStepState {
    pub step: FirstStep,
    pub done: bool,
}

impl Workspace {
    /// The path from empty to a first run, each step done or not.
    pub fn first_steps(&self) -> Vec<FirstStepState> {
        let catalog = self.catalog();
        FirstStep::ALL
            .into_iter()
            .map(|step| {
                let done = match step {
                    FirstStep::Bucket => self.store().buckets().next().is_some(),
                    FirstStep::File => self.store().buckets().any(|b| !b.objects().is_empty()),
                    FirstStep::Table => catalog.databases().any(|d| !d.tables.is_empty()),
                    FirstStep::Job => self.jobs().next().is_some(),
                    FirstStep::Run => self.runs().iter().any(|r| r.state == RunState::Succeeded),
                };
                FirstStepState { step, done }
            })
            .collect()
    }

    /// The first step not yet done (`None`: the path is walked).
    pub fn next_first_step(&self) -> Option<FirstStep> {
        self.first_steps().into_iter().find(|s| !s.done).map(|s| s.step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::store::S3Uri;
    use crate::RunRequest;

    fn done(ws: &Workspace) -> usize {
        ws.first_steps().iter().filter(|s| s.done).count()
    }

    #[test]
    fn each_step_of_the_path_from_empty_is_seen_done_in_turn() {
        let mut ws = Workspace::default();
        assert_eq!((done(&ws), ws.next_first_step()), (0, Some(FirstStep::Bucket)));
        ws.create_bucket("my-data").unwrap();
        assert_eq!((done(&ws), ws.next_first_step()), (1, Some(FirstStep::File)));
        let upload = ws
            .upload_into(&S3Uri::new("my-data", "orders/"), "a.json", b"{\"id\": 1}\n".to_vec())
            .unwrap();
        assert_eq!((done(&ws), ws.next_first_step()), (2, Some(FirstStep::Table)));
        ws.make_table_from_object(&upload.uri, None).unwrap();
        assert_eq!((done(&ws), ws.next_first_step()), (3, Some(FirstStep::Job)));
        let job = ws.create_job_over_table("default", "orders").unwrap();
        assert_eq!((done(&ws), ws.next_first_step()), (4, Some(FirstStep::Run)));
        ws.start_job_run(RunRequest::new(&job.name)).unwrap();
        assert_eq!((done(&ws), ws.next_first_step()), (5, None));
    }

    #[test]
    fn the_seed_workspace_starts_with_buckets_a_table_and_a_job_but_no_file() {
        let ws = crate::demo::seed_workspace().unwrap();
        let done: Vec<bool> = ws.first_steps().iter().map(|s| s.done).collect();
        assert_eq!(done, [true, false, true, true, false]);
        assert_eq!(ws.next_first_step(), Some(FirstStep::File));
    }
}
