//! A run resolved once, before any phase: its arguments, bookmark option and the bookmark
//! entries it selects against.

use std::collections::BTreeMap;

use super::Stop;
use crate::model::args::{self, BookmarkOption};
use crate::model::bookmark::{BookmarkEntry, ContextState};
use crate::model::clock::Millis;
use crate::model::job::JobDefinition;
use crate::model::run::{FailurePoint, JobRun, LogStream};
use crate::workspace::Workspace;

/// What every phase of one run reads and none changes.
pub(crate) struct RunContext<'a> {
    pub job: &'a JobDefinition,
    pub started_on: Millis,
    pub fail_at: Option<FailurePoint>,
    pub option: BookmarkOption,
    /// `--job-bookmark-from` and `--job-bookmark-to` of a paused run.
    pub from_to: Option<(String, String)>,
    /// The run's arguments as given (`--name`), and as `args['name']` reads them.
    pub arguments: BTreeMap<String, String>,
    pub values: BTreeMap<String, String>,
    /// The state the run selects against (none with bookmarks disabled).
    pub entry: Option<BookmarkEntry>,
    /// For pause with from/to, the `--job-bookmark-to` run's state: where the replay ends.
    pub to_entry: Option<BookmarkEntry>,
    /// The run's high timestamp T: objects modified after it are deferred.
    pub high: Millis,
    /// A script job's arguments that `getResolvedOptions` refuses: the script's own call
    /// reports it (with the names it asks for, in argparse's order); if the script does not,
    /// the run fails with it once the script is read.
    pub refused: Option<String>,
}

impl RunContext<'_> {
    /// The `--job-bookmark-to` run a replay stops at.
    pub fn replay_to(&self) -> Option<String> {
        self.from_to.as_ref().map(|(_, to)| to.clone())
    }
}

impl Workspace {
    /// Validates the run's arguments as `getResolvedOptions` does and marks an enabled
    /// bookmark's run as started.
    pub(super) fn resolve_run<'a>(&mut self, job: &'a JobDefinition, run: &mut JobRun) -> Result<RunContext<'a>, Stop> {
        // argparse's message alone, as the driver prints it (no error detail).
        let resolved = match args::resolve(
            &run.arguments,
            &job.plan.required_arguments,
            args::ArgumentRules::of_glue_version(&job.glue_version),
        ) {
            Ok(resolved) => resolved,
            Err(e) if job.plan_from_script => {
                return Ok(RunContext {
                    job,
                    started_on: run.started_on,
                    fail_at: run.fail_at,
                    option: BookmarkOption::Disable,
                    from_to: None,
                    arguments: run.arguments.clone(),
                    values: BTreeMap::new(),
                    entry: None,
                    to_entry: None,
                    high: run.started_on,
                    refused: Some(e.to_string()),
                })
            }
            Err(e) => return Err(Stop::failed(e.to_string())),
        };
        run.bookmark_option = Some(resolved.bookmark);
        let option = resolved.bookmark;
        let now = run.started_on;
        if option == BookmarkOption::Enable {
            self.bookmarks
                .get_mut(&job.name)
                .expect("job has a bookmark")
                .run_started(&run.id, now);
        }
        let (entry, high, to_entry) = match (&resolved.from_to, option) {
            (_, BookmarkOption::Disable) => (None, now, None),
            (Some((from, to)), _) => {
                let bookmark = &self.bookmarks[&job.name];
                let from_entry = bookmark.get(Some(from))?.clone();
                let to_entry = bookmark.get(Some(to))?.clone();
                let high = to_entry.states.values().find_map(|s| match s {
                    ContextState::S3(s) => Some(s.run_start_time),
                    _ => None,
                });
                (Some(from_entry), high.unwrap_or(now), Some(to_entry))
            }
            // The entry as the run found it when it started: an overlapping run's commit since
            // does not change what this one reads.
            (None, _) => {
                let at_start = run.bookmark_at_start.clone();
                (
                    at_start.or_else(|| Some(self.bookmarks[&job.name].current.clone())),
                    now,
                    None,
                )
            }
        };
        run.log(
            now,
            LogStream::Error,
            format!("INFO --job-bookmark-option {}", option.as_str()),
        );
        Ok(RunContext {
            job,
            started_on: now,
            fail_at: run.fail_at,
            option,
            from_to: resolved.from_to,
            arguments: run.arguments.clone(),
            values: resolved.values,
            entry,
            to_entry,
            high,
            refused: None,
        })
    }
}
