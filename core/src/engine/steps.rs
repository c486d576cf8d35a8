//! The transform phase: the plan's steps one after another, each under its error thresholds;
//! a step's warnings, error records and printed output go to the run. Relationalize's child
//! tables are set aside for the sinks that name them; the steps go on with its root table.

use std::collections::BTreeMap;

use super::{Progress, ProgressStage, RunContext, StepWatcher, Stop, TableLookups};
use crate::error::Error;
use crate::model::job::JobPlan;
use crate::model::run::{JobRun, LogStream, StepRows};
use crate::transform::{self, Frame, Transform};
use crate::workspace::Workspace;

/// What the steps made: the job's frame, and the tables Relationalize steps set aside.
pub(crate) struct Transformed {
    pub frame: Frame,
    /// Relationalize's child tables by collection key, in the order they were made.
    pub tables: Vec<(String, Frame)>,
    /// The last key each Relationalize step with a `transformation_ctx` generated.
    pub last_keys: BTreeMap<String, u64>,
}

impl Transformed {
    /// The frame a sink writes: the job's frame, or the collection table it names (the root
    /// table's own name is the job's frame too, as `dfc.select(root)` is).
    pub fn frame_for(&self, key: Option<&str>, plan: &JobPlan) -> Result<&Frame, Error> {
        let Some(key) = key else { return Ok(&self.frame) };
        if let Some((_, frame)) = self.tables.iter().find(|(name, _)| name == key) {
            return Ok(frame);
        }
        let roots = plan.relationalize_roots();
        if roots.contains(&key) {
            return Ok(&self.frame);
        }
        let keys: Vec<&str> = roots
            .iter()
            .copied()
            .chain(self.tables.iter().map(|(n, _)| n.as_str()))
            .collect();
        Err(Error::EntityNotFound(if keys.is_empty() {
            format!("KeyError: '{key}': a sink writes a collection table, but no Relationalize step made a collection")
        } else {
            format!(
                "KeyError: '{key}': the Relationalize collection holds {} (a child table exists only for an array column the data has)",
                keys.join(", ")
            )
        }))
    }
}

impl Workspace {
    /// `watcher` (a step preview) sees the frame read and the frame after each step.
    pub(super) fn transform(
        &self,
        context: &RunContext,
        run: &mut JobRun,
        plan: &JobPlan,
        mut frame: Frame,
        progress: &mut Progress,
        mut watcher: Option<&mut StepWatcher>,
    ) -> Result<Transformed, Stop> {
        progress.report(ProgressStage::Transforming);
        if let Some(watch) = watcher.as_mut() {
            watch(None, &frame, &[], &[]);
        }
        let lookups = TableLookups {
            workspace: self,
            entry: context.entry.as_ref(),
        };
        let mut tables: Vec<(String, Frame)> = vec![];
        let mut last_keys = BTreeMap::new();
        let mut errors_so_far = 0;
        for (index, step) in plan.transforms.iter().enumerate() {
            let name = step.transform.name();
            let rows_in = frame.num_rows();
            let applied = transform::run_step(step, frame, &lookups).map_err(|e| Stop::in_step(e, index, name))?;
            if let Some(e) = transform::threshold_breach(step, &applied.errors, errors_so_far) {
                // The records stay inspectable, and the detail points at the first one.
                let first = applied.errors[0].clone();
                run.error_records.extend(applied.errors);
                let mut stop = Stop::in_step(e, index, name);
                if let Some(detail) = &mut stop.detail {
                    detail.object = Some(first.origin.source.clone());
                    detail.line = Some(first.origin.line);
                    detail.field = first.field;
                }
                return Err(stop);
            }
            if let Some(watch) = watcher.as_mut() {
                watch(Some(index), &applied.frame, &applied.warnings, &applied.errors);
            }
            let now = context.started_on;
            run.step_rows.push(StepRows {
                step: name.to_string(),
                rows_in: rows_in as u64,
                rows_out: applied.frame.num_rows() as u64,
                warnings: applied.warnings.clone(),
            });
            for w in applied.warnings {
                run.log(now, LogStream::Error, format!("WARN {w}"));
            }
            if let Some(first) = applied.errors.first() {
                run.log(
                    now,
                    LogStream::Error,
                    format!(
                        "WARN step {} ({name}): {} error record(s); first: {first}",
                        index + 1,
                        applied.errors.len(),
                    ),
                );
            }
            errors_so_far += applied.errors.len() as u64;
            run.error_records.extend(applied.errors);
            if let Some(text) = applied.output {
                run.log(now, LogStream::Output, text);
            }
            if let Transform::Relationalize {
                transformation_ctx: Some(ctx),
                ..
            } = &step.transform
            {
                if step.enabled {
                    let last = transform::Lookups::last_generated_key(&lookups, ctx);
                    last_keys.insert(ctx.clone(), last + applied.children.keys_used);
                }
            }
            for (key, table) in applied.children.tables {
                if tables.iter().any(|(k, _)| *k == key) {
                    let e = Error::transform(
                        name,
                        format!("a second Relationalize made a table {key}; give each Relationalize its own root name"),
                    );
                    return Err(Stop::in_step(e, index, name));
                }
                tables.push((key, table));
            }
            frame = applied.frame;
        }
        Ok(Transformed {
            frame,
            tables,
            last_keys,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{Outcome, RunUntil};
    use crate::model::run::RunState;
    use crate::model::store::S3Uri;
    use crate::{demo, RunRequest};

    #[test]
    fn a_step_preview_shows_the_read_and_every_step_and_writes_nothing() {
        let mut ws = demo::seed_workspace().unwrap();
        for (key, body) in demo::raw_files() {
            ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.into())
                .unwrap();
        }
        let steps = ws.job(demo::JOB_NAME).unwrap().plan.transforms.len();
        let objects = |ws: &crate::Workspace| ws.store.buckets().map(|b| b.objects().len()).sum::<usize>();
        let objects_before = objects(&ws);
        let id = ws.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
        let mut seen = vec![];
        let mut watcher = |step: Option<usize>, _: &crate::transform::Frame, _: &[String], _: &[_]| seen.push(step);
        let outcome = ws.run_job_until(&id, RunUntil::Steps(&mut watcher)).unwrap();
        assert_eq!(outcome, Outcome::Previewed);
        let expected: Vec<Option<usize>> = std::iter::once(None).chain((0..steps).map(Some)).collect();
        assert_eq!(seen, expected);
        assert_eq!(ws.run(&id).unwrap().state, RunState::Stopped);
        assert_eq!(objects(&ws), objects_before, "no sink written");
    }
}
