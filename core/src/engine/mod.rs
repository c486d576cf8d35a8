//! Running a job: arguments, bookmark selection, reading, transforms, sinks, commit — and the
//! lineage that explains each step. One run is synchronous and deterministic.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::RecordBatch;

use crate::args::{self, BookmarkOption};
use crate::bookmark::{self, S3SourceState, Selection, SourceState};
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::format::{self, CsvOptions, Format, ReadOptions};
use crate::job::{JobDefinition, SinkMode, SinkOutput, SourceInput, SourceSpec};
use crate::lineage::{FileVerdict, PartLineage, ReadRecord, Reason, RunLineage, SinkRow, VerdictKind};
use crate::run::{run_id, ErrorDetail, FailurePoint, JobRun, LogStream, RunState};
use crate::store::S3Uri;
use crate::transform::{self, Frame, RowOrigin};
use crate::workspace::Workspace;

/// Above this many objects in a source prefix, objects older than the bookmark's band are not
/// listed one by one in the run's lineage.
pub const ITEMISE_LIMIT: usize = 1_000;

/// Where a run is, for a progress bar. Reported between steps; a run is synchronous, so a front
/// end that wants to stay responsive runs it off its main thread (the app uses a Web Worker).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunProgress {
    pub stage: ProgressStage,
    /// Source objects read so far and in all (skipped objects are not counted).
    pub objects_done: usize,
    pub objects_total: usize,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressStage {
    Selecting,
    Reading,
    Transforming,
    Writing,
    Committing,
}

/// Sees the frame a preview run has after reading (`None`) and after each step (`Some(i)`),
/// with that step's warnings and error records.
pub(crate) type StepWatcher<'a> = &'a mut dyn FnMut(Option<usize>, &Frame, &[String], &[transform::ErrorRecord]);

/// What a preview run says when it stops before writing.
pub(crate) const PREVIEW_END: &str = "preview: the run stops before its sinks";

/// The observer of one run and the totals reported to it so far.
struct Progress<'a> {
    observer: &'a mut dyn FnMut(&RunProgress),
    last: RunProgress,
    /// A preview run: frames go to the watcher and the run stops before writing anything.
    preview: Option<StepWatcher<'a>>,
    /// A selection preview: verdicts only; no object is read and the run stops after them.
    select_only: bool,
}

impl<'a> Progress<'a> {
    fn new(observer: &'a mut dyn FnMut(&RunProgress), preview: Option<StepWatcher<'a>>, select_only: bool) -> Self {
        Self {
            observer,
            last: RunProgress {
                stage: ProgressStage::Selecting,
                objects_done: 0,
                objects_total: 0,
                bytes_done: 0,
                bytes_total: 0,
            },
            preview,
            select_only,
        }
    }

    fn report(&mut self, stage: ProgressStage) {
        self.last.stage = stage;
        (self.observer)(&self.last);
    }
}

/// A `StartJobRun` request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunRequest {
    pub job_name: String,
    /// Replace the job's default arguments key by key.
    pub arguments: BTreeMap<String, String>,
    pub fail_at: Option<FailurePoint>,
}

impl RunRequest {
    pub fn new(job_name: &str) -> Self {
        Self {
            job_name: job_name.into(),
            ..Self::default()
        }
    }

    pub fn arg(mut self, key: &str, value: &str) -> Self {
        self.arguments.insert(key.into(), value.into());
        self
    }

    pub fn fail_at(mut self, point: FailurePoint) -> Self {
        self.fail_at = Some(point);
        self
    }
}

/// Why a run stopped early; turned into the run's state, ErrorMessage and error detail.
struct Stop {
    state: RunState,
    message: String,
    detail: Option<Box<ErrorDetail>>,
}

impl Stop {
    fn failed(message: impl Into<String>) -> Self {
        Self {
            state: RunState::Failed,
            message: message.into(),
            detail: None,
        }
    }

    /// A transform step failed: the detail names the step (`step 2: ApplyMapping`).
    fn in_step(e: Error, index: usize, name: &str) -> Self {
        let mut stop = Stop::from(e);
        if let Some(detail) = &mut stop.detail {
            detail.rule = Some(format!("step {}: {name}", index + 1));
        }
        stop
    }
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Self {
            state: RunState::Failed,
            message: e.to_string(),
            detail: Some(Box::new(ErrorDetail::from_error(&e))),
        }
    }
}

/// Lookup tables for Join and ValueMapping: a catalog table (`db.table`) or a warehouse table,
/// read in full and never bookmarked.
struct TableLookups<'a>(&'a Workspace);

impl transform::Lookups for TableLookups<'_> {
    fn lookup(&self, table: &str) -> Result<Frame> {
        self.0.table_frame(table)
    }
}

/// One source's selection, before reading.
struct SourcePlan {
    ctx: Option<String>,
    format: Format,
    csv: CsvOptions,
    schema: Option<arrow::datatypes::SchemaRef>,
    spec: SourceSpec,
    /// `(uri, last_modified, selection)` for every listed object.
    objects: Vec<(String, Millis, Selection)>,
    /// Objects older than the band were left out of `objects` (a large prefix).
    older_not_itemised: bool,
    previous: Option<S3SourceState>,
    /// `--job-bookmark-to` of a pause-with-from/to run: the replay stops at that run's input.
    replay_to: Option<String>,
}

impl Workspace {
    /// `StartJobRun`: runs the job to its end (retrying up to MaxRetries) and returns the first
    /// attempt's `JobRunId`. A local run is quick, so the run has ended when this returns.
    pub fn start_job_run(&mut self, request: RunRequest) -> Result<String> {
        let id = self.begin_job_run(request)?;
        self.finish_job_run(&id)?;
        Ok(id)
    }

    /// The first half of a run: checks the job and MaxConcurrentRuns and leaves the run RUNNING,
    /// so a user can watch it, stop it, or try to start another one meanwhile.
    pub fn begin_job_run(&mut self, request: RunRequest) -> Result<String> {
        let job = self.job(&request.job_name)?;
        let active = self.runs_of(&job.name).filter(|r| r.state.is_active()).count() as u32;
        if active >= job.max_concurrent_runs {
            return Err(Error::ConcurrentRunsExceeded {
                job: job.name.clone(),
                max: job.max_concurrent_runs,
            });
        }
        Ok(self.new_attempt(&request.job_name, request.arguments, request.fail_at, 0, None))
    }

    /// The second half: executes a RUNNING run to its end, then any retries it earns.
    pub fn finish_job_run(&mut self, run_id: &str) -> Result<()> {
        self.finish_job_run_observed(run_id, &mut |_| {})
    }

    /// [`Workspace::finish_job_run`], telling `observer` how far each attempt has got.
    pub fn finish_job_run_observed(&mut self, run_id: &str, observer: &mut dyn FnMut(&RunProgress)) -> Result<()> {
        self.drive_job_run(run_id, &mut Progress::new(observer, None, false))
    }

    /// Runs a RUNNING run only as far as its selection: every verdict, no object read, nothing
    /// written (the run ends FAILED with [`PREVIEW_END`]). What previews of a reset or rewind
    /// need, at the cost of a listing, whatever the data's size.
    pub(crate) fn select_job_run(&mut self, run_id: &str) -> Result<()> {
        self.drive_job_run(run_id, &mut Progress::new(&mut |_| {}, None, true))
    }

    /// Runs a RUNNING run's steps on this workspace, showing each frame to `watcher` and
    /// stopping before the sinks (the run ends FAILED with [`PREVIEW_END`]). For previews on a
    /// scratch copy of the workspace.
    pub(crate) fn preview_job_run(&mut self, run_id: &str, watcher: StepWatcher) -> Result<()> {
        self.drive_job_run(run_id, &mut Progress::new(&mut |_| {}, Some(watcher), false))
    }

    fn drive_job_run(&mut self, run_id: &str, progress: &mut Progress) -> Result<()> {
        let mut current = run_id.to_string();
        loop {
            let index = self.runs.iter().position(|r| r.id == current).expect("the run exists");
            let run = &self.runs[index];
            if run.state != RunState::Running {
                return Err(Error::InvalidInput(format!(
                    "Job run {current} is {}, not RUNNING",
                    run.state.as_str()
                )));
            }
            let job = self.job(&run.job_name)?.clone();
            self.complete(index, &job, progress);
            let run = &self.runs[index];
            if run.state != RunState::Failed || run.attempt >= job.max_retries {
                return Ok(());
            }
            let (arguments, attempt) = (run.requested_arguments.clone(), run.attempt + 1);
            current = self.new_attempt(&job.name, arguments, None, attempt, Some(current.clone()));
        }
    }

    /// `BatchStopJobRun`: a RUNNING run becomes STOPPED. Nothing was read or saved.
    pub fn stop_job_run(&mut self, run_id: &str) -> Result<()> {
        let now = self.clock.tick();
        let run = self
            .runs
            .iter_mut()
            .find(|r| r.id == run_id)
            .ok_or_else(|| Error::EntityNotFound(format!("Job run {run_id} not found")))?;
        if !run.state.is_active() {
            return Err(Error::InvalidInput(format!(
                "Job run {run_id} is {}: only a running run can be stopped",
                run.state.as_str()
            )));
        }
        run.state = RunState::Stopped;
        run.completed_on = Some(now);
        run.last_modified_on = now;
        run.log(now, LogStream::Error, "INFO Job run stopped by the user");
        Ok(())
    }

    fn new_attempt(
        &mut self,
        job_name: &str,
        requested_arguments: BTreeMap<String, String>,
        fail_at: Option<FailurePoint>,
        attempt: u32,
        previous: Option<String>,
    ) -> String {
        let job = &self.jobs[job_name];
        self.run_sequence += 1;
        let started = self.clock.tick();
        let id = run_id(&job.name, self.run_sequence, started);
        let mut arguments = args::merge(
            &job.default_arguments,
            &requested_arguments,
            &job.non_overridable_arguments,
        );
        arguments.insert("--JOB_NAME".into(), job.name.clone());
        arguments.insert("--JOB_RUN_ID".into(), id.clone());
        let mut run = JobRun {
            id: id.clone(),
            job_name: job.name.clone(),
            attempt,
            previous_run_id: previous,
            state: RunState::Running,
            arguments,
            requested_arguments,
            fail_at,
            started_on: started,
            last_modified_on: started,
            completed_on: None,
            execution_time_secs: 0,
            timeout_minutes: job.timeout_minutes,
            glue_version: job.glue_version.clone(),
            error_message: None,
            bookmark_option: None,
            rows_read: 0,
            rows_written: 0,
            log: vec![],
            lineage: RunLineage::default(),
            error_detail: None,
            error_records: vec![],
        };
        run.log(
            started,
            LogStream::Error,
            format!("INFO Job run {id} of {} started (attempt {attempt})", job.name),
        );
        self.runs.push(run);
        id
    }

    /// Executes the run at `index` and records how it ended.
    fn complete(&mut self, index: usize, job: &JobDefinition, progress: &mut Progress) {
        let mut run = self.runs[index].clone();
        progress.last.objects_done = 0;
        progress.last.bytes_done = 0;
        progress.report(ProgressStage::Selecting);
        let outcome = self.execute(job, &mut run, progress);
        let completed = self.clock.tick();
        match outcome {
            Ok(()) => {
                run.state = RunState::Succeeded;
                run.log(completed, LogStream::Error, "INFO Job run succeeded");
            }
            Err(stop) => {
                run.state = stop.state;
                run.log(completed, LogStream::Error, format!("ERROR {}", stop.message));
                run.error_detail = Some(stop.detail.map(|d| *d).unwrap_or_else(|| ErrorDetail {
                    message: stop.message.clone(),
                    ..Default::default()
                }));
                run.error_message = Some(stop.message);
                if run.bookmark_option == Some(BookmarkOption::Enable) {
                    let bookmark = self.bookmarks.get_mut(&job.name).expect("job has a bookmark");
                    bookmark.run_failed(&run.id, completed);
                }
            }
        }
        run.completed_on = Some(completed);
        run.last_modified_on = completed;
        run.execution_time_secs = ((completed - run.started_on) / 1000).max(1) as u64;
        self.runs[index] = run;
    }

    fn execute(&mut self, job: &JobDefinition, run: &mut JobRun, progress: &mut Progress) -> Result<(), Stop> {
        let fail_at = run.fail_at;
        let resolved = args::resolve(&run.arguments, &job.plan.required_arguments).map_err(Stop::failed)?;
        run.bookmark_option = Some(resolved.bookmark);
        let option = resolved.bookmark;
        let now = run.started_on;
        if option == BookmarkOption::Enable {
            self.bookmarks
                .get_mut(&job.name)
                .expect("job has a bookmark")
                .run_started(&run.id, now);
        }
        // The state the run selects against, the run's high timestamp T and, for pause with
        // from/to, the `--job-bookmark-to` run's state (where the replay ends).
        let (entry, high, to_entry) = match (&resolved.from_to, option) {
            (_, BookmarkOption::Disable) => (None, now, None),
            (Some((from, to)), _) => {
                let bookmark = &self.bookmarks[&job.name];
                let from_entry = bookmark.get(Some(from)).map_err(Stop::from)?.clone();
                let to_entry = bookmark.get(Some(to)).map_err(Stop::from)?.clone();
                let high = to_entry.states.values().find_map(|s| match s {
                    SourceState::S3(s) => Some(s.run_start_time),
                    SourceState::Jdbc(_) => None,
                });
                (Some(from_entry), high.unwrap_or(now), Some(to_entry))
            }
            (None, _) => (Some(self.bookmarks[&job.name].current.clone()), now, None),
        };
        run.log(
            now,
            LogStream::Error,
            format!("INFO --job-bookmark-option {}", option.as_str()),
        );
        // A script job: the run interprets the script at ScriptLocation, as Glue runs it.
        let script_plan;
        let job_plan = match (job.plan_from_script, job.script_location.as_deref()) {
            (false, _) => &job.plan,
            (true, None) => return Err(Stop::failed("The job runs its script but has no ScriptLocation")),
            (true, Some(location)) => {
                run.log(now, LogStream::Error, format!("INFO running script {location}"));
                let object = S3Uri::parse(location)
                    .and_then(|uri| self.store.get(&uri).cloned())
                    .map_err(|e| Stop::failed(format!("ScriptLocation {location} cannot be read: {e}")))?;
                let text = std::str::from_utf8(&object.body)
                    .map_err(|_| Stop::failed(format!("ScriptLocation {location} is not UTF-8 text")))?;
                script_plan =
                    interpret_script(text, &run.arguments).map_err(|e| Stop::failed(format!("{location}, {e}")))?;
                &script_plan
            }
        };

        let job_plan = &job_plan.with_arguments(&resolved.values).map_err(Stop::failed)?;
        let replay_to = resolved.from_to.as_ref().map(|(_, to)| to.clone());
        let mut plans = vec![];
        let mut key_plans = vec![];
        for spec in &job_plan.sources {
            if let SourceInput::Jdbc { .. } = &spec.input {
                let mut plan = self.plan_jdbc_source(spec, option, entry.as_ref(), to_entry.as_ref())?;
                plan.replay_to = replay_to.clone();
                key_plans.push(plan);
                continue;
            }
            let mut plan = self.plan_source(spec, option, entry.as_ref(), high)?;
            plan.replay_to = replay_to.clone();
            plans.push(plan);
        }
        let to_read = plans
            .iter()
            .flat_map(|p| &p.objects)
            .filter(|(_, _, selection)| *selection == Selection::Read);
        progress.last.objects_total = to_read.clone().count();
        progress.last.bytes_total = to_read
            .filter_map(|(uri, _, _)| Some(self.store.get(&S3Uri::parse(uri).ok()?).ok()?.size()))
            .sum();
        progress.report(ProgressStage::Reading);
        let mut frames = vec![];
        let mut read_keys = vec![];
        let (mut s3_plans, mut jdbc_plans) = (plans.iter(), key_plans.iter());
        let mut keys_read: Vec<Vec<Vec<serde_json::Value>>> = vec![];
        for spec in &job_plan.sources {
            if matches!(spec.input, SourceInput::Jdbc { .. }) {
                let plan = jdbc_plans.next().expect("one plan per source");
                let (frame, keys) = self.read_jdbc_source(&job.name, run, plan, option, &mut read_keys)?;
                frames.push(frame);
                keys_read.push(keys);
            } else {
                let plan = s3_plans.next().expect("one plan per source");
                frames.push(self.read_source(job, run, plan, option, &mut read_keys, progress)?);
            }
        }
        if progress.select_only {
            return Err(Stop::failed(PREVIEW_END));
        }
        progress.report(ProgressStage::Transforming);
        let mut frame = union(frames)?;
        run.rows_read = frame.num_rows() as u64;

        if let Some(watch) = progress.preview.as_mut() {
            watch(None, &frame, &[], &[]);
        }
        let lookups = TableLookups(self);
        let mut errors_so_far = 0;
        for (index, step) in job_plan.transforms.iter().enumerate() {
            let applied = transform::run_step(step, frame, &lookups)
                .map_err(|e| Stop::in_step(e, index, step.transform.name()))?;
            if let Some(e) = transform::threshold_breach(step, &applied.errors, errors_so_far) {
                // The records stay inspectable, and the detail points at the first one.
                let first = applied.errors[0].clone();
                run.error_records.extend(applied.errors);
                let mut stop = Stop::in_step(e, index, step.transform.name());
                if let Some(detail) = &mut stop.detail {
                    detail.object = Some(first.origin.source.clone());
                    detail.line = Some(first.origin.line);
                    detail.field = first.field;
                }
                return Err(stop);
            }
            if let Some(watch) = progress.preview.as_mut() {
                watch(Some(index), &applied.frame, &applied.warnings, &applied.errors);
            }
            for w in applied.warnings {
                run.log(now, LogStream::Error, format!("WARN {w}"));
            }
            if !applied.errors.is_empty() {
                run.log(
                    now,
                    LogStream::Error,
                    format!(
                        "WARN step {} ({}): {} error record(s); first: {}",
                        index + 1,
                        step.transform.name(),
                        applied.errors.len(),
                        applied.errors[0]
                    ),
                );
            }
            errors_so_far += applied.errors.len() as u64;
            run.error_records.extend(applied.errors);
            if let Some(text) = applied.output {
                run.log(now, LogStream::Output, text);
            }
            frame = applied.frame;
        }

        if progress.preview.is_some() {
            return Err(Stop::failed(PREVIEW_END));
        }
        if fail_at == Some(FailurePoint::BeforeWrite) {
            return Err(Stop::failed(
                "Injected failure before the write: nothing was written and the bookmark is not saved",
            ));
        }
        progress.report(ProgressStage::Writing);
        for sink in &job_plan.sinks {
            let written = self.write_sink(job, run, sink, &frame)?;
            run.lineage.written.extend(written);
        }
        run.rows_written = frame.num_rows() as u64 * job_plan.sinks.len() as u64;
        match fail_at {
            Some(FailurePoint::BeforeCommit) => {
                return Err(Stop::failed(
                    "Injected failure before job.commit(): the output was written but the bookmark is not saved",
                ))
            }
            Some(FailurePoint::Timeout) => {
                return Err(Stop {
                    state: RunState::Timeout,
                    message: format!("Job run timed out after {} minutes (injected)", job.timeout_minutes),
                    detail: None,
                })
            }
            _ => {}
        }

        if option == BookmarkOption::Enable && job_plan.commits {
            progress.report(ProgressStage::Committing);
            let committed_run = self.bookmarks[&job.name].current.run;
            let mut states = BTreeMap::new();
            for plan in &plans {
                if let Some(ctx) = &plan.ctx {
                    let state = bookmark::next_state(
                        plan.previous.as_ref(),
                        committed_run,
                        high,
                        plan.spec.max_band,
                        &plan.objects,
                    );
                    states.insert(ctx.clone(), SourceState::S3(state));
                }
            }
            for (plan, keys) in key_plans.iter().zip(&keys_read) {
                if let Some(ctx) = &plan.ctx {
                    states.insert(ctx.clone(), SourceState::Jdbc(plan.next_state(committed_run, keys)));
                }
            }
            let at = self.clock.tick();
            self.bookmarks
                .get_mut(&job.name)
                .expect("job has a bookmark")
                .commit(&run.id, at, states);
            for key in &read_keys {
                for read in self
                    .reads
                    .get_mut(key)
                    .into_iter()
                    .flatten()
                    .filter(|r| r.run_id == run.id)
                {
                    read.committed_at = Some(at);
                }
            }
            run.log(at, LogStream::Error, "INFO job.commit(): job bookmark saved");
        } else if option == BookmarkOption::Enable {
            run.log(
                now,
                LogStream::Error,
                "WARN the script does not call job.commit(): the job bookmark is not saved",
            );
        }
        Ok(())
    }

    fn plan_source(
        &self,
        spec: &SourceSpec,
        option: BookmarkOption,
        entry: Option<&bookmark::BookmarkEntry>,
        high: Millis,
    ) -> Result<SourcePlan, Stop> {
        let (location, format, csv, schema) = match &spec.input {
            SourceInput::Catalog { database, table } => {
                let t = self.catalog.table(database, table)?;
                (t.location_uri()?, t.format, t.csv_options(), Some(t.schema()?))
            }
            SourceInput::S3 { path, format, csv } => (S3Uri::parse(path)?, *format, csv.clone(), None),
            SourceInput::Jdbc { table, .. } => {
                return Err(Stop::failed(format!("{table} is a warehouse table, planned by key")))
            }
        };
        let ctx = spec.transformation_ctx.clone();
        let previous = match (&ctx, option) {
            (Some(ctx), BookmarkOption::Enable | BookmarkOption::Pause) => entry.and_then(|e| e.s3_state(ctx)).cloned(),
            _ => None,
        };
        let tracked = ctx.is_some() && option != BookmarkOption::Disable;
        let prefix = S3Uri::new(&location.bucket, location.folder_prefix());
        // With a committed state only what changed after its low edge can be read; the rest is
        // itemised (as skipped) only while the prefix is small, so a run's cost follows what is
        // new, not the prefix's history.
        let low_edge = previous
            .as_ref()
            .filter(|_| tracked)
            .map(|s| s.run_start_time - s.high_band);
        let (listed, older_not_itemised) = match low_edge {
            Some(low) if self.store.count_up_to(&prefix, ITEMISE_LIMIT + 1)? > ITEMISE_LIMIT => {
                (self.store.list_modified_after(&prefix, low)?, true)
            }
            _ => (self.store.list(&prefix)?, false),
        };
        let included = previous.as_ref().map(|p| p.include_set()).unwrap_or_default();
        let objects = listed
            .into_iter()
            .filter(|o| !is_hidden(&o.key[prefix.key.len()..]))
            .map(|o| {
                let uri = S3Uri::new(&location.bucket, &o.key).to_string();
                let selection = if tracked {
                    bookmark::select(previous.as_ref().map(|p| (p, &included)), high, &uri, o.last_modified)
                } else if o.last_modified > high {
                    Selection::Deferred
                } else {
                    Selection::Read
                };
                (uri, o.last_modified, selection)
            })
            .collect();
        Ok(SourcePlan {
            ctx,
            format,
            csv,
            schema,
            spec: spec.clone(),
            objects,
            older_not_itemised,
            previous,
            replay_to: None,
        })
    }

    fn read_source(
        &mut self,
        job: &JobDefinition,
        run: &mut JobRun,
        plan: &SourcePlan,
        option: BookmarkOption,
        read_keys: &mut Vec<String>,
        progress: &mut Progress,
    ) -> Result<Frame, Stop> {
        let mut frames = vec![];
        let mut schema = plan.schema.clone();
        run.lineage.older_not_itemised |= plan.older_not_itemised;
        for (uri, _, selection) in &plan.objects {
            let object = self.store.get(&S3Uri::parse(uri)?)?.clone();
            let (kind, reason) = self.verdict(
                &job.name,
                plan.ctx.as_deref(),
                plan.replay_to.as_ref(),
                option,
                uri,
                Some(object.version),
                *selection,
            );
            let mut rows = 0;
            if *selection == Selection::Read && !progress.select_only {
                let options = ReadOptions {
                    format: plan.format,
                    csv: plan.csv.clone(),
                    mode: plan.spec.mode,
                    schema: schema.clone(),
                    corrupt_record_as_data: false,
                };
                let output = match format::read_object(uri, &object.body, &options) {
                    Ok(output) => output,
                    Err(e) => {
                        // The file that stopped the run is part of its story.
                        run.lineage.files.push(FileVerdict {
                            transformation_ctx: plan.ctx.clone(),
                            object: uri.clone(),
                            etag: object.etag.clone(),
                            last_modified: object.last_modified,
                            size: object.size(),
                            kind,
                            reason: reason.clone(),
                            explanation: format!(
                                "{} Reading it failed: {e}",
                                explain(&reason, uri, plan.ctx.as_deref())
                            ),
                            rows: 0,
                        });
                        return Err(e.into());
                    }
                };
                for m in &output.malformed {
                    let field = m
                        .field
                        .as_deref()
                        .map(|f| format!(", field \"{f}\""))
                        .unwrap_or_default();
                    run.log(
                        run.started_on,
                        LogStream::Error,
                        format!("WARN {uri}, line {}{field}: {}", m.line, m.message),
                    );
                }
                if schema.is_none() {
                    schema = Some(output.batch.schema());
                }
                rows = output.batch.num_rows() as u64;
                let origins = output
                    .lines
                    .iter()
                    .map(|&line| RowOrigin {
                        source: uri.clone(),
                        version: object.version,
                        line,
                    })
                    .collect();
                frames.push(Frame {
                    batch: output.batch,
                    origins,
                });
                progress.last.objects_done += 1;
                progress.last.bytes_done += object.size();
                progress.report(ProgressStage::Reading);
                if let Some(ctx) = &plan.ctx {
                    let key = read_key(&job.name, ctx, uri);
                    read_keys.push(key.clone());
                    self.reads.entry(key).or_default().push(ReadRecord {
                        job_name: job.name.clone(),
                        transformation_ctx: ctx.clone(),
                        run_id: run.id.clone(),
                        object: uri.clone(),
                        version: object.version,
                        committed_at: None,
                    });
                }
            }
            let explanation = explain(&reason, uri, plan.ctx.as_deref());
            run.lineage.files.push(FileVerdict {
                transformation_ctx: plan.ctx.clone(),
                object: uri.clone(),
                etag: object.etag.clone(),
                last_modified: object.last_modified,
                size: object.size(),
                kind,
                reason,
                explanation,
                rows,
            });
        }
        let schema = schema.unwrap_or_else(|| Arc::new(arrow::datatypes::Schema::empty()));
        // Files read in PERMISSIVE mode may carry `_corrupt_record`; line them up on one schema.
        let schema = widest_schema(&schema, &frames);
        let frames = frames
            .into_iter()
            .map(|f| align(f, &schema))
            .collect::<Result<Vec<_>>>()?;
        Ok(Frame::concat(frames, schema)?)
    }

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
                .get(&read_key(job_name, ctx, uri))
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
                        None => (VerdictKind::ReRead, Reason::NotCommitted { run_id }),
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

    fn write_sink(
        &mut self,
        job: &JobDefinition,
        run: &mut JobRun,
        sink: &crate::job::SinkSpec,
        frame: &Frame,
    ) -> Result<Vec<String>, Stop> {
        if let SinkOutput::Jdbc { table } = &sink.output {
            return self.write_jdbc_sink(run, table, &sink.mode, frame);
        }
        let (location, format, csv) = self.sink_location(&sink.output)?;
        let prefix = S3Uri::new(&location.bucket, location.folder_prefix());
        // Appending never looks at what is there (and so costs nothing per old part file).
        let existing = |ws: &Workspace| -> Result<Vec<String>> {
            Ok(ws
                .store
                .list(&prefix)?
                .iter()
                .filter(|o| !is_hidden(&o.key[prefix.key.len()..]))
                .map(|o| S3Uri::new(&location.bucket, &o.key).to_string())
                .collect())
        };
        let mut frame = frame.clone();
        match &sink.mode {
            SinkMode::Append => {}
            SinkMode::Overwrite => {
                let existing = existing(self)?;
                for uri in &existing {
                    self.store.delete(&S3Uri::parse(uri)?)?;
                }
                run.log(
                    run.started_on,
                    LogStream::Error,
                    format!("INFO overwrite: deleted {} object(s) under {prefix}", existing.len()),
                );
            }
            SinkMode::MergeOnKey { keys } => {
                let existing = existing(self)?;
                let old = self.read_sink_frame(&existing, format, &csv, frame.batch.schema())?;
                frame = merge_on_key(old, frame, keys)?;
                for uri in &existing {
                    self.store.delete(&S3Uri::parse(uri)?)?;
                }
            }
        }
        if frame.num_rows() == 0 && sink.mode == SinkMode::Append {
            run.log(
                run.started_on,
                LogStream::Error,
                format!("INFO no rows to write to {prefix}"),
            );
            return Ok(vec![]);
        }
        let body = format::write_batch(&frame.batch, format, &csv)?;
        let key = format!(
            "{}run-{}-part-r-00000{}",
            prefix.key,
            run.started_on,
            part_suffix(format)
        );
        let uri = S3Uri::new(&location.bucket, key);
        let at = self.clock.tick();
        let object = self.store.put(&uri, body, at)?;
        self.parts.insert(
            uri.to_string(),
            PartLineage {
                run_id: run.id.clone(),
                job_name: job.name.clone(),
                etag: object.etag.clone(),
                origins: frame.origins.iter().collect(),
            },
        );
        run.log(
            at,
            LogStream::Error,
            format!("INFO wrote {} row(s) to {uri}", frame.num_rows()),
        );
        Ok(vec![uri.to_string()])
    }

    /// A warehouse table as the target: appended to, upserted on keys, or truncated first
    /// (Glue's `preactions: "truncate table ..."`). Targets are not tracked, as for S3.
    fn write_jdbc_sink(
        &mut self,
        run: &mut JobRun,
        table: &str,
        mode: &SinkMode,
        frame: &Frame,
    ) -> Result<Vec<String>, Stop> {
        let at = self.clock.tick();
        let mut warehouse = self.warehouse.clone();
        let (merge_keys, truncated) = match mode {
            SinkMode::Append => (None, None),
            SinkMode::MergeOnKey { keys } => (Some(keys.as_slice()), None),
            SinkMode::Overwrite => {
                let name = crate::warehouse::normalise_name(table);
                let truncated = match warehouse.tables.get_mut(&name) {
                    Some(t) => std::mem::take(&mut t.rows).len(),
                    None => 0,
                };
                (None, Some(truncated))
            }
        };
        let (inserted, updated) = warehouse.write_frame(table, frame, &run.id, merge_keys, at)?;
        self.warehouse = warehouse;
        let name = crate::warehouse::normalise_name(table);
        if let Some(n) = truncated {
            run.log(
                at,
                LogStream::Error,
                format!("INFO truncate table {name}: {n} row(s) deleted"),
            );
        }
        run.log(
            at,
            LogStream::Error,
            format!("INFO wrote to {name}: {inserted} row(s) inserted, {updated} updated"),
        );
        Ok(vec![crate::warehouse::table_address(&name)])
    }

    fn sink_location(&self, output: &SinkOutput) -> Result<(S3Uri, Format, CsvOptions)> {
        Ok(match output {
            SinkOutput::Catalog { database, table } => {
                let t = self.catalog.table(database, table)?;
                (t.location_uri()?, t.format, t.csv_options())
            }
            SinkOutput::S3 { path, format } => (S3Uri::parse(path)?, *format, CsvOptions::default()),
            SinkOutput::Jdbc { table } => {
                return Err(Error::InvalidInput(format!(
                    "{table} is a warehouse table, not an S3 location"
                )))
            }
        })
    }

    fn read_sink_frame(
        &self,
        parts: &[String],
        format: Format,
        csv: &CsvOptions,
        schema: arrow::datatypes::SchemaRef,
    ) -> Result<Frame> {
        let mut frames = vec![];
        for uri in parts {
            let object = self.store.get(&S3Uri::parse(uri)?)?;
            let options = ReadOptions {
                format,
                csv: csv.clone(),
                schema: Some(schema.clone()),
                corrupt_record_as_data: true,
                ..ReadOptions::default()
            };
            let output = format::read_object(uri, &object.body, &options)?;
            let lineage = self.parts.get(uri).filter(|p| p.etag == object.etag);
            let origins = (0..output.batch.num_rows())
                .map(|i| {
                    lineage.and_then(|l| l.origins.get(i)).unwrap_or(RowOrigin {
                        source: uri.clone(),
                        version: object.version,
                        line: output.lines[i],
                    })
                })
                .collect();
            frames.push(Frame {
                batch: output.batch,
                origins,
            });
        }
        Frame::concat(frames, schema)
    }

    /// The rows of a sink (a catalog table or an S3 prefix), each traced to the run that wrote it
    /// and its source line, with duplicates marked.
    pub fn sink_rows(&self, location: &str, format: Format, csv: &CsvOptions) -> Result<(Vec<String>, Vec<SinkRow>)> {
        let location = S3Uri::parse(location)?;
        let prefix = S3Uri::new(&location.bucket, location.folder_prefix());
        let mut columns = vec![];
        let mut rows = vec![];
        for object in self.store.list(&prefix)? {
            if is_hidden(&object.key[prefix.key.len()..]) {
                continue;
            }
            let uri = S3Uri::new(&location.bucket, &object.key).to_string();
            let output = format::read_object(
                &uri,
                &object.body,
                &ReadOptions {
                    format,
                    csv: csv.clone(),
                    corrupt_record_as_data: true,
                    ..Default::default()
                },
            )?;
            let lineage = self.parts.get(&uri).filter(|p| p.etag == object.etag);
            let schema = output.batch.schema();
            for f in schema.fields() {
                if !columns.contains(f.name()) {
                    columns.push(f.name().clone());
                }
            }
            for i in 0..output.batch.num_rows() {
                let values = columns
                    .iter()
                    .map(|c| match schema.index_of(c) {
                        Ok(ci) => transform::cell_text(output.batch.column(ci).as_ref(), i),
                        Err(_) => "null".into(),
                    })
                    .collect();
                rows.push(SinkRow {
                    part: uri.clone(),
                    values,
                    written_by: lineage.map(|l| l.run_id.clone()),
                    origin: lineage.and_then(|l| l.origins.get(i)),
                    duplicate_of: None,
                });
            }
        }
        crate::lineage::mark_duplicates(&mut rows);
        Ok((columns, rows))
    }
}

/// A script job's plan, from its Python source (the `scripts` feature: ruff's parser).
#[cfg(feature = "scripts")]
fn interpret_script(text: &str, arguments: &BTreeMap<String, String>) -> Result<crate::job::JobPlan, String> {
    crate::script::plan_from_script(text, arguments).map_err(|e| e.to_string())
}

/// Builds without the `scripts` feature (the browser workbench, to keep the wasm small) run
/// job plans only.
#[cfg(not(feature = "scripts"))]
fn interpret_script(_text: &str, _arguments: &BTreeMap<String, String>) -> Result<crate::job::JobPlan, String> {
    Err(
        "this build of gluelab (the browser workbench) runs job plans, not Python scripts; \
         run script jobs with the gluelab CLI"
            .into(),
    )
}

/// Reads are kept by job, source and object, so explaining one object costs its own history.
pub(crate) fn read_key(job: &str, ctx: &str, object: &str) -> String {
    format!("{job}\u{0}{ctx}\u{0}{object}")
}

/// Hadoop's input listing skips names starting with `_` or `.` (`_SUCCESS`, `_temporary/`).
pub(crate) fn is_hidden(relative_key: &str) -> bool {
    relative_key
        .split('/')
        .any(|seg| seg.starts_with('_') || seg.starts_with('.'))
}

fn part_suffix(format: Format) -> &'static str {
    match format {
        Format::Parquet => ".snappy.parquet",
        Format::Csv => ".csv",
        Format::Json => "",
    }
}

fn union(frames: Vec<Frame>) -> Result<Frame> {
    let Some(first) = frames.first() else {
        return Ok(Frame {
            batch: RecordBatch::new_empty(Arc::new(arrow::datatypes::Schema::empty())),
            origins: vec![],
        });
    };
    let schema = frames.iter().skip(1).try_fold(first.batch.schema(), |acc, f| {
        if f.batch.schema().fields() == acc.fields() {
            Ok(acc)
        } else {
            Err(Error::transform(
                "union",
                "the job's sources have different columns; join or map them first",
            ))
        }
    })?;
    Frame::concat(frames, schema)
}

fn widest_schema(base: &arrow::datatypes::SchemaRef, frames: &[Frame]) -> arrow::datatypes::SchemaRef {
    frames
        .iter()
        .map(|f| f.batch.schema())
        .find(|s| s.fields().len() > base.fields().len())
        .unwrap_or_else(|| base.clone())
}

/// Gives a frame the target schema, adding missing (trailing) columns as nulls.
fn align(frame: Frame, schema: &arrow::datatypes::SchemaRef) -> Result<Frame> {
    if frame.batch.schema().fields() == schema.fields() {
        return Ok(frame);
    }
    let rows = frame.batch.num_rows();
    let columns = schema
        .fields()
        .iter()
        .map(|f| match frame.batch.schema().index_of(f.name()) {
            Ok(i) => frame.batch.column(i).clone(),
            Err(_) => arrow::array::new_null_array(f.data_type(), rows),
        })
        .collect();
    Ok(Frame {
        batch: RecordBatch::try_new(schema.clone(), columns)?,
        origins: frame.origins,
    })
}

/// Upsert: new rows replace old rows with the same key values; old rows otherwise stay.
fn merge_on_key(old: Frame, new: Frame, keys: &[String]) -> Result<Frame> {
    let key_of = |batch: &RecordBatch, row: usize| -> Result<Vec<String>> {
        keys.iter()
            .map(|k| {
                let i = batch
                    .schema()
                    .index_of(k)
                    .map_err(|_| Error::transform("merge", format!("merge key {k} is not a column of the output")))?;
                Ok(transform::cell_text(batch.column(i).as_ref(), row))
            })
            .collect()
    };
    let mut new_keys = std::collections::BTreeSet::new();
    for row in 0..new.num_rows() {
        new_keys.insert(key_of(&new.batch, row)?);
    }
    let mut keep = vec![];
    for row in 0..old.num_rows() {
        keep.push(!new_keys.contains(&key_of(&old.batch, row)?));
    }
    let mask = arrow::array::BooleanArray::from(keep.clone());
    let kept = Frame {
        batch: arrow::compute::filter_record_batch(&old.batch, &mask)?,
        origins: old
            .origins
            .into_iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(o, _)| o)
            .collect(),
    };
    let schema = new.batch.schema();
    Frame::concat(vec![kept, new], schema)
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
        Reason::AfterReplayEnd { to_run_id } => format!(
            "{name} was not read: it came after the input of run {}, the --job-bookmark-to run; pause with from/to \
             replays only what the runs after --job-bookmark-from processed, up to and including --job-bookmark-to.",
            short(to_run_id)
        ),
        Reason::AfterRunStart => {
            format!("{name} was deferred: it was modified after this run started; the next run reads it.")
        }
        Reason::UpdateMissed { run_id } => format!(
            "{name} was not read: it was updated after run {} read it, and JDBC job bookmarks read only keys beyond the last one — the update never reaches the target.",
            short(run_id)
        ),
        Reason::KeyNotAfterBookmark { last_key } => format!(
            "{name} was not read and never will be: its key is not beyond the bookmark's last key ({last_key}); job bookmark keys must be strictly monotonic."
        ),
    }
}
