//! Running a job, and the lineage that explains each step. One run is synchronous and
//! deterministic: it is resolved once ([`RunContext`]), then goes through its phases, one file
//! each — `plan`, `select`, `read`, `steps` (the transforms), `write`, `commit` — as far as
//! [`RunUntil`] asks.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::model::args::{self, BookmarkOption};
use crate::model::bookmark::BookmarkEntry;
use crate::model::job::JobDefinition;
use crate::model::lineage::RunLineage;
use crate::model::run::{job_id, run_id, ErrorDetail, FailurePoint, JobRun, LogStream, RunState};
use crate::transform::{self, Frame};
use crate::workspace::Workspace;

mod commit;
mod context;
mod jdbc;
mod plan;
mod read;
mod select;
mod sink_rows;
mod steps;
mod verdict;
mod write;

pub(crate) use context::RunContext;
use read::ReadFrames;
pub use verdict::{explain, explain_named, explain_verdict, row_name, verdict_word};

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
pub(crate) type StepWatcher<'a> = dyn FnMut(Option<usize>, &Frame, &[String], &[transform::ErrorRecord]) + 'a;

/// How far a run goes. Previews stop early, on a scratch copy of the workspace.
pub(crate) enum RunUntil<'a> {
    /// Every verdict and no object read: what previews of a reset or rewind need, at the cost
    /// of a listing whatever the data's size.
    Selection,
    /// Read and every step, each frame shown to the watcher; nothing written.
    Steps(&'a mut StepWatcher<'a>),
    End,
}

/// How a run ended, as [`RunUntil`] asked. A preview run ends STOPPED, so FAILED always means
/// that something went wrong.
#[derive(Debug, PartialEq)]
pub(crate) enum Outcome {
    /// The selection's verdicts (no rows counted).
    Selected(RunLineage),
    /// Every step's frame went to the watcher.
    Previewed,
    /// The run ran to its end or stopped early: its state and ErrorMessage say which.
    Ended,
}

/// The observer of one run and the totals reported to it so far.
struct Progress<'a> {
    observer: &'a mut dyn FnMut(&RunProgress),
    last: RunProgress,
}

impl<'a> Progress<'a> {
    fn new(observer: &'a mut dyn FnMut(&RunProgress)) -> Self {
        Self {
            observer,
            last: RunProgress {
                stage: ProgressStage::Selecting,
                objects_done: 0,
                objects_total: 0,
                bytes_done: 0,
                bytes_total: 0,
            },
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
    /// gluelab's "Mark as processed": the run drops every row before its sinks and commits
    /// (`JobPlan::marking_as_processed`, the workaround a Glue user runs).
    pub mark_as_processed: bool,
}

impl RunRequest {
    pub fn new(job_name: &str) -> Self {
        Self {
            job_name: job_name.into(),
            ..Self::default()
        }
    }

    /// gluelab's "Mark as processed" run of `job`: bookmarks enabled, every row dropped before
    /// the sinks (see [`Workspace::mark_as_processed`]).
    pub fn marking_as_processed(job_name: &str) -> Self {
        let mut request = Self::new(job_name).arg("--job-bookmark-option", "job-bookmark-enable");
        request.mark_as_processed = true;
        request
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
/// read in full and never bookmarked; and the bookmark entry a run read, where Relationalize's
/// keys continue.
struct TableLookups<'a> {
    workspace: &'a Workspace,
    entry: Option<&'a BookmarkEntry>,
}

impl transform::Lookups for TableLookups<'_> {
    fn lookup(&self, table: &str) -> Result<Frame> {
        self.workspace.table_frame(table)
    }

    fn last_generated_key(&self, ctx: &str) -> u64 {
        self.entry.map_or(0, |e| e.last_generated_key(ctx))
    }
}

impl Workspace {
    /// `StartJobRun`: runs the job to its end (retrying up to MaxRetries) and returns the first
    /// attempt's `JobRunId`. A local run is quick, so the run has ended when this returns.
    pub fn start_job_run(&mut self, request: RunRequest) -> Result<String> {
        let id = self.begin_job_run(request)?;
        self.finish_job_run(&id)?;
        Ok(id)
    }

    /// "Mark as processed" (gluelab only: AWS has no API to record files as processed without
    /// processing them). A run with job bookmarks enabled whose last step drops every row: it
    /// reads what is new, writes nothing and commits, exactly what AWS's workaround does
    /// (`export::mark_as_processed_script`). Returns the run's id.
    pub fn mark_as_processed(&mut self, job: &str) -> Result<String> {
        self.start_job_run(RunRequest::marking_as_processed(job))
    }

    /// The first half of a run: checks the job and MaxConcurrentRuns and leaves the run RUNNING,
    /// so a user can watch it, stop it, or try to start another one meanwhile.
    pub fn begin_job_run(&mut self, request: RunRequest) -> Result<String> {
        let job = self.job(&request.job_name)?;
        // Modelled: Glue starts such a run and its script fails at the import; gluelab refuses it
        // at once, naming the zip and the rule, so nothing is read or written first.
        let extra = request
            .arguments
            .get("--extra-py-files")
            .or_else(|| job.default_arguments.get("--extra-py-files"));
        if let Some(problem) = extra.and_then(|value| {
            crate::model::python_modules::check_extra_py_files(&self.store, value)
                .into_iter()
                .next()
        }) {
            return Err(Error::InvalidInput(format!("Job {}: {problem}", job.name)));
        }
        let active = self.runs_of(&job.name).filter(|r| r.state.is_active()).count() as u32;
        if active >= job.max_concurrent_runs {
            if !job.job_run_queuing_enabled {
                return Err(Error::ConcurrentRunsExceeded {
                    job: job.name.clone(),
                    max: job.max_concurrent_runs,
                });
            }
            let max = job.max_concurrent_runs;
            let id = self.new_attempt(&request.job_name, request.arguments, request.fail_at, 0, None);
            let run = self.runs.last_mut().expect("just added");
            run.state = RunState::Waiting;
            run.bookmark_at_start = None;
            let at = run.started_on;
            run.log(
                at,
                LogStream::Error,
                format!("INFO MaxConcurrentRuns is {max} and JobRunQueuingEnabled is true: the run waits for a running one to end"),
            );
            return Ok(id);
        }
        let id = self.new_attempt(&request.job_name, request.arguments, request.fail_at, 0, None);
        self.runs.last_mut().expect("just added").marks_as_processed = request.mark_as_processed;
        Ok(id)
    }

    /// The second half: executes a RUNNING run to its end, then any retries it earns.
    pub fn finish_job_run(&mut self, run_id: &str) -> Result<()> {
        self.finish_job_run_observed(run_id, &mut |_| {})
    }

    /// [`Workspace::finish_job_run`], telling `observer` how far each attempt has got.
    pub fn finish_job_run_observed(&mut self, run_id: &str, observer: &mut dyn FnMut(&RunProgress)) -> Result<()> {
        self.drive_job_run(run_id, &mut Progress::new(observer), &mut RunUntil::End)?;
        Ok(())
    }

    /// Runs a RUNNING run only as far as `until` (for previews on a scratch copy), with no
    /// retries for a preview.
    pub(crate) fn run_job_until(&mut self, run_id: &str, mut until: RunUntil) -> Result<Outcome> {
        self.drive_job_run(run_id, &mut Progress::new(&mut |_| {}), &mut until)
    }

    /// Runs attempts until one does not fail or MaxRetries is reached; the last one's outcome.
    fn drive_job_run(&mut self, run_id: &str, progress: &mut Progress, until: &mut RunUntil) -> Result<Outcome> {
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
            let outcome = self.complete(index, &job, progress, until);
            let run = &self.runs[index];
            if run.state != RunState::Failed || run.attempt >= job.max_retries {
                return Ok(outcome);
            }
            let (arguments, attempt) = (run.requested_arguments.clone(), run.attempt + 1);
            let marks = run.marks_as_processed;
            current = self.new_attempt(&job.name, arguments, None, attempt, Some(current.clone()));
            self.runs.last_mut().expect("just added").marks_as_processed = marks;
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
        run.bookmark_at_start = None;
        run.last_modified_on = now;
        run.log(now, LogStream::Error, "INFO Job run stopped by the user");
        let job = run.job_name.clone();
        self.start_waiting_run(&job);
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
        self.run_sequence = self.run_sequence.saturating_add(1);
        let started = self.clock.tick();
        let id = run_id(&job.name, self.run_sequence, started);
        let mut arguments = args::merge(
            &job.default_arguments,
            &requested_arguments,
            &job.non_overridable_arguments,
        );
        arguments.insert("--JOB_ID".into(), job_id(&job.name));
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
            step_rows: vec![],
            bookmark_at_start: self.bookmarks.get(job_name).map(|b| b.current.clone()),
            marks_as_processed: false,
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
    fn complete(
        &mut self,
        index: usize,
        job: &JobDefinition,
        progress: &mut Progress,
        until: &mut RunUntil,
    ) -> Outcome {
        let mut run = self.runs[index].clone();
        progress.last.objects_done = 0;
        progress.last.bytes_done = 0;
        progress.report(ProgressStage::Selecting);
        let executed = self.execute(job, &mut run, progress, until);
        let completed = self.clock.tick();
        let outcome = match executed {
            Ok(Outcome::Ended) => {
                run.state = RunState::Succeeded;
                run.log(completed, LogStream::Error, "INFO Job run succeeded");
                Outcome::Ended
            }
            Ok(preview) => {
                run.state = RunState::Stopped;
                run.log(
                    completed,
                    LogStream::Error,
                    "INFO preview: the run stops before its sinks",
                );
                preview
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
                Outcome::Ended
            }
        };
        run.completed_on = Some(completed);
        run.bookmark_at_start = None;
        run.last_modified_on = completed;
        run.execution_time_secs = ((completed - run.started_on) / 1000).max(1) as u64;
        self.runs[index] = run;
        // A failed run that retries keeps its slot for the retry.
        let retries = self.runs[index].state == RunState::Failed && self.runs[index].attempt < job.max_retries;
        if !retries {
            self.start_waiting_run(&job.name);
        }
        outcome
    }

    /// A queued run's turn: the oldest WAITING run of the job starts now, reading the bookmark
    /// as it is now (so, unlike an overlapping run, it sees what the run before it committed).
    /// Returns its id; whoever drives runs finishes it.
    fn start_waiting_run(&mut self, job_name: &str) -> Option<String> {
        let index = self
            .runs
            .iter()
            .position(|r| r.job_name == job_name && r.state == RunState::Waiting)?;
        let now = self.clock.tick();
        let current = self.bookmarks.get(job_name).map(|b| b.current.clone());
        let run = &mut self.runs[index];
        run.state = RunState::Running;
        run.bookmark_at_start = current;
        run.last_modified_on = now;
        run.log(now, LogStream::Error, "INFO a running run ended: the queued run starts");
        Some(run.id.clone())
    }

    /// The run as its phases, as far as `until` asks.
    fn execute(
        &mut self,
        job: &JobDefinition,
        run: &mut JobRun,
        progress: &mut Progress,
        until: &mut RunUntil,
    ) -> Result<Outcome, Stop> {
        let context = self.resolve_run(job, run)?;
        let plan = self.plan(&context, run)?;
        let selected = self.select(&context, &plan)?;
        if let RunUntil::Selection = until {
            self.record_selection(&context, run, &selected)?;
            return Ok(Outcome::Selected(run.lineage.clone()));
        }
        let ReadFrames { frame, reads } = self.read(&context, run, &selected, progress)?;
        let watcher = match until {
            RunUntil::Steps(watcher) => Some(&mut **watcher),
            _ => None,
        };
        let previewing = watcher.is_some();
        let transformed = self.transform(&context, run, &plan, frame, progress, watcher)?;
        if previewing {
            return Ok(Outcome::Previewed);
        }
        self.write(&context, run, &plan, &transformed, progress)?;
        let processed = commit::Processed {
            selected: &selected,
            reads: &reads,
            transformed: &transformed,
        };
        self.commit(&context, run, &plan, processed, progress)?;
        Ok(Outcome::Ended)
    }
}

/// Hadoop's input listing skips names starting with `_` or `.` (`_SUCCESS`, `_temporary/`).
pub(crate) fn is_hidden(relative_key: &str) -> bool {
    relative_key
        .split('/')
        .any(|seg| seg.starts_with('_') || seg.starts_with('.'))
}
