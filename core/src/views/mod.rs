//! Read models for front ends: the timeline of runs against objects, a preview of what the
//! next run would do after a reset or rewind, and a job's sink rows. Computed here so the app
//! and the CLI show the same thing and hold no logic of their own.

pub mod browse;
pub mod first_steps;
pub mod run_output;
pub mod tables;
pub mod validate;

use serde::{Deserialize, Serialize};

use crate::engine::{Outcome, RunUntil};
use crate::error::Result;
use crate::i18n::Catalog;
use crate::model::clock::Millis;
use crate::model::lineage::{RunLineage, SinkRow, VerdictKind};
use crate::model::run::RunState;
use crate::workspace::{SinkLocation, Workspace};

mod bookmark;
mod draft;
mod sizes;

use crate::RunRequest;

/// Source objects no run has read yet are drawn on the timeline only up to this many: a prefix
/// of thousands would be rows nobody can read.
pub const TIMELINE_UNREAD_LIMIT: usize = 50;

pub use bookmark::{next_run_sentence, BookmarkVersion, RewindTarget, VersionField};

/// A bookmark action a user is about to take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookmarkAction {
    /// Run with the bookmark as it is.
    None,
    Reset,
    RewindTo(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineRun {
    pub run_id: String,
    pub started_on: Millis,
    pub state: RunState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineMark {
    pub run: usize,
    pub object: usize,
    pub kind: VerdictKind,
}

/// How an object came to be as it is now in the bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectChange {
    Uploaded,
    /// The same key written again: a new ETag and LastModified.
    Overwritten,
}

/// The last write of an object still in the bucket, on the clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineWrite {
    pub object: usize,
    pub at: Millis,
    pub change: ObjectChange,
}

/// Runs (columns) against source objects (rows), with what each run did to each object.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Timeline {
    pub objects: Vec<String>,
    pub runs: Vec<TimelineRun>,
    pub marks: Vec<TimelineMark>,
    /// Resets and rewinds: `(instant, label)`, runs named as the columns name them ("run 4").
    pub events: Vec<(Millis, String)>,
    /// Each object's last write, for those still in the bucket (S3 keeps no history of
    /// earlier writes, so neither does the timeline).
    pub writes: Vec<TimelineWrite>,
    /// Objects a run saw that are no longer in the bucket.
    pub deleted: Vec<usize>,
}

impl Timeline {
    /// How many of the runs started before instant `at`: where an event (a reset, a rewind)
    /// stands among the run columns.
    pub fn runs_before(&self, at: Millis) -> usize {
        self.runs.iter().filter(|r| r.started_on < at).count()
    }
}

impl Workspace {
    /// What the next run of `job` would read, skip and re-read if the user took `action` now.
    /// Computed on a copy, from the listing and the bookmark only (no object is read, so it
    /// costs the same for 1 KB and 1 GB, and row counts are 0): nothing in the workspace changes.
    pub fn preview_next_run(&self, job: &str, action: &BookmarkAction) -> Result<RunLineage> {
        let mut copy = self.clone();
        let definition = copy
            .jobs
            .get_mut(job)
            .ok_or_else(|| crate::Error::EntityNotFound(format!("Job {job} not found")))?;
        // Even while a run is in flight, and without retries.
        definition.max_concurrent_runs = u32::MAX;
        definition.max_retries = 0;
        match action {
            BookmarkAction::None => {}
            BookmarkAction::Reset => {
                copy.reset_job_bookmark(job, None)?;
            }
            BookmarkAction::RewindTo(run_id) => {
                copy.reset_job_bookmark(job, Some(run_id))?;
            }
        }
        let id = copy.begin_job_run(RunRequest::new(job))?;
        match copy.run_job_until(&id, RunUntil::Selection)? {
            Outcome::Selected(lineage) => Ok(lineage),
            // The selection failed: what it decided before that.
            _ => Ok(copy.run(&id)?.lineage.clone()),
        }
    }

    /// The 1-based number of a run among its job's runs, in start order: how the runs
    /// table, the timeline's columns and the tour name runs ("run 4").
    pub fn run_number(&self, job: &str, run_id: &str) -> Option<usize> {
        self.runs_of(job).position(|r| r.id == run_id).map(|i| i + 1)
    }

    /// `run 4` (`実行 4`), or the short id of a run that is not the job's (it cannot be
    /// numbered).
    pub fn run_label(&self, catalog: &Catalog, job: &str, run_id: &str) -> String {
        match self.run_number(job, run_id) {
            Some(n) => catalog.tf("run {n}", &[("n", &n)]),
            None => catalog.tf("run {id}", &[("id", &short_run_id(run_id))]),
        }
    }

    /// Runs against objects; the events' labels in `catalog`'s language.
    pub fn timeline(&self, job: &str, catalog: &Catalog) -> Result<Timeline> {
        self.job(job)?;
        let mut timeline = Timeline::default();
        for run in self.runs_of(job) {
            let column = timeline.runs.len();
            timeline.runs.push(TimelineRun {
                run_id: run.id.clone(),
                started_on: run.started_on,
                state: run.state,
            });
            for file in &run.lineage.files {
                let row = match timeline.objects.iter().position(|o| *o == file.object) {
                    Some(row) => row,
                    None => {
                        timeline.objects.push(file.object.clone());
                        timeline.objects.len() - 1
                    }
                };
                timeline.marks.push(TimelineMark {
                    run: column,
                    object: row,
                    kind: file.kind,
                });
            }
        }
        for (event, _) in &self.bookmark(job)?.history {
            match event {
                crate::model::bookmark::BookmarkEvent::Reset { at } => {
                    timeline.events.push((*at, catalog.t("reset").to_string()))
                }
                crate::model::bookmark::BookmarkEvent::Rewound { to_run_id, at } => timeline.events.push((
                    *at,
                    catalog.tf("rewind to {run}", &[("run", &self.run_label(catalog, job, to_run_id))]),
                )),
                _ => {}
            }
        }
        self.place_writes(job, &mut timeline);
        Ok(timeline)
    }

    /// Adds the source objects no run has seen yet (when there are few enough to draw), each
    /// object's last write, and which objects are gone.
    fn place_writes(&self, job: &str, timeline: &mut Timeline) {
        let listed = self.source_prefix(job).ok().and_then(|prefix| {
            let many = self.store.count_up_to(&prefix, TIMELINE_UNREAD_LIMIT + 1).ok()?;
            let objects = (many <= TIMELINE_UNREAD_LIMIT).then(|| self.store.list(&prefix).ok())??;
            Some((prefix, objects))
        });
        if let Some((prefix, objects)) = listed {
            for object in objects {
                // What a run would skip (`_SUCCESS`, `.tmp`) is not a row either.
                if crate::engine::is_hidden(object.key.strip_prefix(&prefix.key).unwrap_or(&object.key)) {
                    continue;
                }
                let uri = format!("s3://{}/{}", prefix.bucket, object.key);
                if !timeline.objects.contains(&uri) {
                    timeline.objects.push(uri);
                }
            }
        }
        for (row, uri) in timeline.objects.iter().enumerate() {
            let found = crate::model::store::S3Uri::parse(uri)
                .ok()
                .and_then(|uri| self.store.get(&uri).ok());
            match found {
                Some(object) => timeline.writes.push(TimelineWrite {
                    object: row,
                    at: object.last_modified,
                    change: if object.version > 1 {
                        ObjectChange::Overwritten
                    } else {
                        ObjectChange::Uploaded
                    },
                }),
                None => timeline.deleted.push(row),
            }
        }
    }

    /// Where files for the job's first source go: its table's location or its S3 path.
    pub fn source_prefix(&self, job: &str) -> Result<crate::model::store::S3Uri> {
        self.definition_source_prefix(self.job(job)?)
    }

    /// [`Workspace::source_prefix`] of a definition (saved or not).
    pub(crate) fn definition_source_prefix(
        &self,
        definition: &crate::model::job::JobDefinition,
    ) -> Result<crate::model::store::S3Uri> {
        let job = &definition.name;
        // `${tenant_id}` in a path: where the job's default arguments point.
        let defaults = definition
            .default_arguments
            .iter()
            .map(|(k, v)| (k.trim_start_matches("--").to_string(), v.clone()))
            .collect();
        let plan = definition
            .plan
            .with_arguments(&defaults)
            .map_err(crate::Error::InvalidInput)?;
        let source = plan
            .sources
            .first()
            .ok_or_else(|| crate::Error::InvalidInput(format!("job {job} has no source")))?;
        let location = match &source.input {
            crate::model::job::SourceInput::Catalog { database, table } => {
                self.catalog.table(database, table)?.location_uri()?
            }
            crate::model::job::SourceInput::S3 { path, .. } => crate::model::store::S3Uri::parse(path)?,
            crate::model::job::SourceInput::Jdbc { table, .. } => {
                return Err(crate::Error::InvalidInput(format!(
                    "job {job} reads the warehouse table {table}: change it with SQL (INSERT, UPDATE), not by uploading files"
                )))
            }
        };
        Ok(crate::model::store::S3Uri::new(
            &location.bucket,
            location.folder_prefix(),
        ))
    }

    /// How a front end names an object (`s3://...`) of the job: by its path under the job's
    /// source prefix (`year=2026/month=01/orders-1.json`), the way explanations do, so files of
    /// one name in different folders stay apart; an object elsewhere by its bucket and key.
    pub fn object_label(&self, job: &str, uri: &str) -> String {
        let under = self
            .source_prefix(job)
            .ok()
            .and_then(|prefix| uri.strip_prefix(&prefix.to_string()).map(str::to_string));
        match under {
            Some(path) if !path.is_empty() => path,
            _ => uri.strip_prefix("s3://").unwrap_or(uri).to_string(),
        }
    }

    /// Uploads a file by name into the job's source prefix (what a drop onto the workbench does).
    pub fn upload_to_source(&mut self, job: &str, name: &str, body: Vec<u8>) -> Result<crate::model::store::S3Uri> {
        let prefix = self.source_prefix(job)?;
        let uri = crate::model::store::S3Uri::new(&prefix.bucket, format!("{}{name}", prefix.key));
        self.put_object(&uri, body)?;
        Ok(uri)
    }

    /// The rows of the job's first sink, traced and with duplicates marked.
    pub fn job_sink_rows(&self, job: &str) -> Result<(Vec<String>, Vec<SinkRow>)> {
        self.job_sink_rows_at(job, 0)
    }

    /// The rows of the job's sink at `index` (in the plan's order); none past its last sink.
    pub fn job_sink_rows_at(&self, job: &str, index: usize) -> Result<(Vec<String>, Vec<SinkRow>)> {
        let definition = self.job(job)?;
        let Some(sink) = definition.plan.sinks.get(index) else {
            return Ok((vec![], vec![]));
        };
        match self.sink_location(&sink.output)? {
            SinkLocation::S3 { uri, format, csv } => self.sink_rows(&uri.to_string(), format, &csv),
            SinkLocation::Warehouse { table } => self.warehouse.sink_rows(&table),
        }
    }
}

/// What the data looks like after reading (`step: None`) or after one step of a job, for the
/// job editor's live preview (as Glue Studio's data preview shows it). It travels from a
/// preview worker to the page as JSON.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StepPreview {
    pub step: Option<usize>,
    /// `read`, or the step's transform name.
    pub name: String,
    pub columns: Vec<String>,
    /// Each column's Glue type (`bigint`, `string`, ...), beside `columns`.
    pub types: Vec<String>,
    /// The first rows, as text.
    pub rows: Vec<Vec<String>>,
    pub row_count: usize,
    pub warnings: Vec<String>,
    pub errors: Vec<crate::transform::ErrorRecord>,
    /// The step failed: why (the steps after it are not previewed).
    pub failure: Option<String>,
}

impl crate::workspace::Workspace {
    /// Runs the job's plan on a scratch copy with bookmarks disabled (every source row, nothing
    /// written, no bookmark touched) and returns the first `sample_rows` rows after reading and
    /// after each step. A failing step ends the list with its error.
    pub fn preview_steps(&self, job: &str, sample_rows: usize) -> Result<Vec<StepPreview>> {
        let mut scratch = self.clone();
        let definition = scratch
            .jobs
            .get_mut(job)
            .ok_or_else(|| crate::Error::EntityNotFound(format!("Job {job} not found")))?;
        definition.max_concurrent_runs = u32::MAX;
        definition.max_retries = 0;
        let names: Vec<&'static str> = definition.plan.transforms.iter().map(|s| s.transform.name()).collect();
        let request = crate::RunRequest::new(job).arg(
            "--job-bookmark-option",
            crate::model::args::BookmarkOption::Disable.as_str(),
        );
        let id = scratch.begin_job_run(request)?;
        let mut previews = vec![];
        let mut watcher = |step: Option<usize>,
                           frame: &crate::transform::Frame,
                           warnings: &[String],
                           errors: &[crate::transform::ErrorRecord]| {
            let schema = frame.batch.schema();
            let shown = frame.num_rows().min(sample_rows);
            previews.push(StepPreview {
                step,
                name: step.map_or("read", |i| names[i]).to_string(),
                columns: schema.fields().iter().map(|f| f.name().clone()).collect(),
                types: schema
                    .fields()
                    .iter()
                    .map(|f| crate::format::types::glue_type_name(f.data_type()))
                    .collect(),
                rows: (0..shown)
                    .map(|r| {
                        (0..frame.batch.num_columns())
                            .map(|c| crate::transform::cell_text(frame.batch.column(c).as_ref(), r))
                            .collect()
                    })
                    .collect(),
                row_count: frame.num_rows(),
                warnings: warnings.to_vec(),
                errors: errors.to_vec(),
                failure: None,
            });
        };
        scratch.run_job_until(&id, RunUntil::Steps(&mut watcher))?;
        let run = scratch.run(&id)?;
        if let Some(message) = run.error_message.as_deref().filter(|_| run.state == RunState::Failed) {
            // The step after the last one that showed a frame failed (or the read, if none did).
            let step = previews.last().map(|p| p.step.map_or(0, |i| i + 1));
            previews.push(StepPreview {
                step,
                name: step.map_or("read", |i| names[i]).to_string(),
                columns: vec![],
                types: vec![],
                rows: vec![],
                row_count: 0,
                warnings: vec![],
                errors: vec![],
                failure: Some(message.to_string()),
            });
        }
        Ok(previews)
    }
}

/// `jr_1a6a256c…`: enough of a run id to tell runs apart on screen.
pub fn short_run_id(run_id: &str) -> String {
    run_id.chars().take(11).collect::<String>() + "…"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{demo, model::store::S3Uri};

    fn two_runs() -> (Workspace, Vec<String>) {
        let mut ws = demo::seed_workspace().unwrap();
        let mut ids = vec![];
        for (key, body) in demo::raw_files() {
            ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.as_bytes().to_vec())
                .unwrap();
            ids.push(ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap());
        }
        (ws, ids)
    }

    #[test]
    fn objects_are_labelled_by_their_path_under_the_source() {
        let ws = crate::demo::partitioned::partitioned_workspace().unwrap();
        let job = crate::demo::partitioned::JOB_NAME;
        let jan = "s3://sales-lake/orders/year=2026/month=01/orders-1.json";
        assert_eq!(ws.object_label(job, jan), "year=2026/month=01/orders-1.json");
        assert_eq!(
            ws.object_label(job, "s3://sales-curated/orders-2026/part-0.json"),
            "sales-curated/orders-2026/part-0.json"
        );
    }

    #[test]
    fn previews_change_nothing_and_say_what_would_be_reread() {
        let (ws, ids) = two_runs();
        let before = ws.clone();
        let kinds = |l: RunLineage| l.files.iter().map(|f| f.kind).collect::<Vec<_>>();
        let none = ws.preview_next_run(demo::JOB_NAME, &BookmarkAction::None).unwrap();
        assert_eq!(kinds(none), [VerdictKind::Skipped, VerdictKind::Skipped]);
        let reset = ws.preview_next_run(demo::JOB_NAME, &BookmarkAction::Reset).unwrap();
        assert_eq!(kinds(reset), [VerdictKind::ReRead, VerdictKind::ReRead]);
        let rewind = ws
            .preview_next_run(demo::JOB_NAME, &BookmarkAction::RewindTo(ids[0].clone()))
            .unwrap();
        assert_eq!(kinds(rewind), [VerdictKind::Skipped, VerdictKind::ReRead]);
        assert_eq!(ws, before);
    }

    #[test]
    fn previews_only_list_and_select_so_they_work_mid_run_and_on_any_data() {
        let (mut ws, _) = two_runs();
        ws.put_object(
            &crate::model::store::S3Uri::new(demo::raw_bucket(), "raw-data/huge.json"),
            b"{not json at all".to_vec(),
        )
        .unwrap();
        let running = ws.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
        let reset = ws.preview_next_run(demo::JOB_NAME, &BookmarkAction::Reset).unwrap();
        assert_eq!(reset.files.len(), 3);
        assert!(reset.files.iter().all(|f| f.rows == 0), "nothing is read");
        assert_eq!(ws.run(&running).unwrap().state, RunState::Running);
    }

    #[test]
    fn timeline_puts_runs_against_objects() {
        let (mut ws, _) = two_runs();
        ws.reset_job_bookmark(demo::JOB_NAME, None).unwrap();
        let t = ws.timeline(demo::JOB_NAME, &Catalog::english()).unwrap();
        assert_eq!((t.objects.len(), t.runs.len(), t.marks.len()), (2, 2, 3));
        assert_eq!(t.events.len(), 1);
        assert_eq!(ws.job_sink_rows(demo::JOB_NAME).unwrap().1.len(), 2);
    }

    #[test]
    fn events_stand_between_the_runs_before_and_after_them() {
        let (mut ws, ids) = two_runs();
        ws.reset_job_bookmark(demo::JOB_NAME, Some(&ids[0])).unwrap();
        ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
        ws.reset_job_bookmark(demo::JOB_NAME, None).unwrap();
        let t = ws.timeline(demo::JOB_NAME, &Catalog::english()).unwrap();
        let placed: Vec<(usize, &str)> = t
            .events
            .iter()
            .map(|(at, l)| (t.runs_before(*at), l.as_str()))
            .collect();
        assert_eq!(placed[0].0, 2, "the rewind came after runs 1 and 2: {placed:?}");
        assert_eq!(
            placed[0].1, "rewind to run 1",
            "runs are named as the columns name them"
        );
        assert_eq!(placed[1], (3, "reset"), "the reset came after the third run");
        assert_eq!(t.runs_before(0), 0);
    }

    #[test]
    fn timeline_draws_uploads_overwrites_and_deletes_on_the_clock() {
        let mut ws = demo::seed_workspace().unwrap();
        let [(first, body), (second, _)] = demo::raw_files();
        let first_uri = S3Uri::new(demo::raw_bucket(), first);
        ws.put_object(&first_uri, body.as_bytes().to_vec()).unwrap();
        // Before any run, an uploaded file is already a row, with its upload on the clock.
        let t = ws.timeline(demo::JOB_NAME, &Catalog::english()).unwrap();
        assert_eq!(t.objects, [first_uri.to_string()]);
        assert_eq!(t.writes[0].change, ObjectChange::Uploaded);
        ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
        ws.advance_clock(60_000).unwrap();
        ws.put_object(&first_uri, format!("{body}{body}").into_bytes()).unwrap();
        ws.put_object(
            &S3Uri::new(demo::raw_bucket(), format!("{second}.tmp/_x")),
            b"{}".to_vec(),
        )
        .unwrap();
        let t = ws.timeline(demo::JOB_NAME, &Catalog::english()).unwrap();
        assert_eq!(t.objects.len(), 1, "hidden keys are no rows: {:?}", t.objects);
        assert_eq!(t.writes[0].change, ObjectChange::Overwritten);
        assert_eq!(t.runs_before(t.writes[0].at), 1, "overwritten after run 1");
        ws.delete_object(&first_uri).unwrap();
        let t = ws.timeline(demo::JOB_NAME, &Catalog::english()).unwrap();
        assert_eq!((t.deleted.as_slice(), t.writes.len()), (&[0][..], 0));
        assert_eq!(
            ws.run_label(&crate::i18n::Catalog::english(), demo::JOB_NAME, &t.runs[0].run_id),
            "run 1"
        );
    }
}
