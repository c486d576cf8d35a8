//! The commit phase: `job.commit()` of an enabled bookmark saves each source's next state (and
//! the last key each Relationalize with a ctx generated) and marks this run's reads as committed. Only here does a run change bookmark state.

use std::collections::BTreeMap;

use super::read::Reads;
use super::select::Selected;
use super::steps::Transformed;
use super::{Progress, ProgressStage, RunContext, Stop};
use crate::model::args::BookmarkOption;
use crate::model::bookmark::{self, ContextState, GeneratedKeyState};
use crate::model::job::JobPlan;
use crate::model::run::{JobRun, LogStream};
use crate::workspace::Workspace;

/// What the run's phases found and made, which its commit saves.
pub(super) struct Processed<'a> {
    pub selected: &'a Selected,
    pub reads: &'a Reads,
    pub transformed: &'a Transformed,
}

impl Workspace {
    pub(super) fn commit(
        &mut self,
        context: &RunContext,
        run: &mut JobRun,
        plan: &JobPlan,
        processed: Processed,
        progress: &mut Progress,
    ) -> Result<(), Stop> {
        let Processed {
            selected,
            reads,
            transformed,
        } = processed;
        if context.option != BookmarkOption::Enable {
            return Ok(());
        }
        if !plan.commits {
            run.log(
                context.started_on,
                LogStream::Error,
                "WARN the script does not call job.commit(): the job bookmark is not saved",
            );
            return Ok(());
        }
        progress.report(ProgressStage::Committing);
        let job_name = &context.job.name;
        if let Some(mismatch) = self.version_mismatch(context) {
            return Err(Stop::failed(mismatch));
        }
        let mut states = self.next_states(context, selected, reads);
        let committed_run = self.bookmarks[job_name].current.run;
        for (ctx, last_key) in &transformed.last_keys {
            let keys = GeneratedKeyState {
                run: committed_run,
                last_key: *last_key,
            };
            states.insert(ctx.clone(), ContextState::Relationalize(keys));
        }
        let at = self.clock.tick();
        self.bookmarks
            .get_mut(job_name)
            .expect("job has a bookmark")
            .commit(&run.id, at, states);
        for key in &reads.read_keys {
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
        Ok(())
    }

    /// Why this run may not save its states: since it read the entry, another run committed
    /// (or the bookmark was reset or rewound), so saving would overwrite states it never saw.
    /// Glue fails such a commit with `VersionMismatchException` (observability category
    /// `GLUE_JOB_BOOKMARK_VERSION_MISMATCH_ERROR`); the wording here is *modelled*.
    fn version_mismatch(&self, context: &RunContext) -> Option<String> {
        let read = context.entry.as_ref()?;
        let now = &self.bookmarks[&context.job.name].current;
        if (now.run, &now.run_id) == (read.run, &read.run_id) {
            return None;
        }
        let by = now
            .run_id
            .as_deref()
            .map(|id| format!("run {id} committed it"))
            .unwrap_or_else(|| "it was reset".into());
        Some(format!(
            "VersionMismatchException (GLUE_JOB_BOOKMARK_VERSION_MISMATCH_ERROR): job.commit() found the job bookmark of {} changed since this run read it ({by}; Run {} then, {} now). This run's bookmark is not saved; the rows it wrote stay in the target. Keep MaxConcurrentRuns at 1 for a bookmarked job.",
            context.job.name, read.run, now.run
        ))
    }

    /// The state each tracked source saves.
    fn next_states(&self, context: &RunContext, selected: &Selected, reads: &Reads) -> BTreeMap<String, ContextState> {
        let committed_run = self.bookmarks[&context.job.name].current.run;
        let mut states = BTreeMap::new();
        for source in selected.s3() {
            if let Some(ctx) = &source.ctx {
                let mut state = bookmark::next_state(
                    source.previous.as_ref(),
                    committed_run,
                    source.high,
                    source.spec.max_band,
                    &source.objects,
                );
                state.source = Some(source.spec.input.identity());
                states.insert(ctx.clone(), ContextState::S3(state));
            }
        }
        for (key_plan, keys) in selected.jdbc().zip(&reads.jdbc_keys) {
            if let Some(ctx) = &key_plan.ctx {
                states.insert(
                    ctx.clone(),
                    ContextState::Jdbc(key_plan.next_state(committed_run, keys)),
                );
            }
        }
        states
    }
}
