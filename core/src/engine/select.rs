//! The select phase: what each source reads, skips or defers, decided from the listing (or the
//! key query) and the bookmark before anything is read. S3 sources select by modification time
//! (`bookmark::select`), JDBC sources by key (`jdbc.rs`).

use super::verdict::explain_named;
use super::{is_hidden, RunContext, Stop, ITEMISE_LIMIT};
use crate::engine::jdbc::KeyPlan;
use crate::format::{CsvOptions, Format};
use crate::model::args::BookmarkOption;
use crate::model::bookmark::{self, S3SourceState, Selection};
use crate::model::catalog::Table;
use crate::model::clock::Millis;
use crate::model::glob::Exclusions;
use crate::model::job::{JobPlan, Listing, SourceInput, SourceSpec};
use crate::model::lineage::{FileVerdict, ReadRecord, Reason, VerdictKind};
use crate::model::partition::Place;
use crate::model::run::JobRun;
use crate::model::store::S3Uri;
use crate::workspace::Workspace;

/// Every source's selection, in the plan's order.
pub(super) struct Selected {
    pub sources: Vec<SourceSelection>,
}

pub(super) enum SourceSelection {
    S3(S3Selection),
    Jdbc(KeyPlan),
}

/// One S3 source's selection: every listed object with its verdict.
pub(super) struct S3Selection {
    pub ctx: Option<String>,
    pub format: Format,
    pub csv: CsvOptions,
    pub schema: Option<crate::arrow::datatypes::SchemaRef>,
    /// A partitioned catalog source's table: its rows get the partition columns.
    pub partitioned: Option<Box<Table>>,
    pub spec: SourceSpec,
    /// `(uri, last_modified, selection)` for every listed object.
    pub objects: Vec<(String, Millis, Selection)>,
    /// The verdict of each of `objects`, with no rows counted yet.
    pub verdicts: Vec<FileVerdict>,
    /// Objects older than the band were left out of `objects` (a large prefix).
    pub older_not_itemised: bool,
    pub previous: Option<S3SourceState>,
    /// The high edge this source's commit saves: the run's start, or with bounded execution
    /// that left objects for later, the newest object it read (*modelled*).
    pub high: Millis,
}

impl Selected {
    /// The objects the read phase reads, and their bytes.
    pub fn to_read(&self) -> (usize, u64) {
        self.s3()
            .flat_map(|s| s.objects.iter().zip(&s.verdicts))
            .filter(|((_, _, selection), _)| *selection == Selection::Read)
            .fold((0, 0), |(objects, bytes), (_, verdict)| {
                (objects + 1, bytes + verdict.size)
            })
    }

    pub fn s3(&self) -> impl Iterator<Item = &S3Selection> {
        self.sources.iter().filter_map(|s| match s {
            SourceSelection::S3(s) => Some(s),
            SourceSelection::Jdbc(_) => None,
        })
    }

    pub fn jdbc(&self) -> impl Iterator<Item = &KeyPlan> {
        self.sources.iter().filter_map(|s| match s {
            SourceSelection::Jdbc(k) => Some(k),
            SourceSelection::S3(_) => None,
        })
    }
}

/// Bounded execution: of the objects a run would read, the oldest first (then by path) up to
/// `boundedFiles` and `boundedSize` (always at least one); the rest become `OverBound`. Returns
/// the high edge the commit saves: unchanged when nothing was left, else the newest object read
/// (never before the previous state's), so every object left over is still after the saved low
/// edge and outside the saved `INCLUDE_LIST`. The order and the edge are *modelled*: AWS
/// documents only that later runs take the rest.
fn bound_selection(
    listing: &Listing,
    objects: &mut [(String, Millis, Selection, u64)],
    previous: Option<&S3SourceState>,
    run_start: Millis,
) -> Millis {
    if !listing.is_bounded() {
        return run_start;
    }
    let mut to_read: Vec<usize> = (0..objects.len())
        .filter(|&i| objects[i].2 == Selection::Read)
        .collect();
    to_read.sort_by(|&a, &b| (objects[a].1, &objects[a].0).cmp(&(objects[b].1, &objects[b].0)));
    let (mut files, mut bytes, mut newest, mut left) = (0u64, 0u64, None, false);
    for i in to_read {
        let size = objects[i].3;
        let over_files = listing.bounded_files.is_some_and(|n| files >= n);
        let over_size = listing
            .bounded_size
            .is_some_and(|n| files > 0 && bytes.saturating_add(size) > n);
        if left || over_files || over_size {
            objects[i].2 = Selection::OverBound;
            left = true;
        } else {
            files += 1;
            bytes = bytes.saturating_add(size);
            newest = Some(objects[i].1);
        }
    }
    match (left, newest) {
        (true, Some(newest)) => previous.map_or(newest, |p| p.run_start_time.max(newest)),
        _ => run_start,
    }
}

/// A partitioned catalog source's partitions: which ones its predicates pruned (the first
/// predicate that dropped each), so the listing leaves out what Glue never lists.
struct Pruning<'t> {
    table: &'t Table,
    pruned_by: Vec<Option<(&'static str, String)>>,
}

impl<'t> Pruning<'t> {
    /// `None` for a table without partition keys (a predicate on one fails the run).
    fn of(table: &'t Table, listing: &Listing) -> Result<Option<Self>, Stop> {
        if !table.is_partitioned() {
            if let Some((option, predicate)) = listing.partition_predicates().next() {
                table.partitions_kept(option, predicate).map_err(Stop::failed)?;
            }
            return Ok(None);
        }
        let mut pruned_by = vec![None; table.partitions.len()];
        for (option, predicate) in listing.partition_predicates() {
            let kept = table.partitions_kept(option, predicate).map_err(Stop::failed)?;
            for (slot, kept) in pruned_by.iter_mut().zip(kept) {
                if !kept && slot.is_none() {
                    *slot = Some((option, predicate.to_string()));
                }
            }
        }
        Ok(Some(Self { table, pruned_by }))
    }

    /// Why the listing leaves out the object at `key`, when it does.
    fn left_out(&self, key: &str, bucket: &str) -> Option<(Selection, Option<Reason>)> {
        let place = self.table.place_of(&S3Uri::new(bucket, key)).ok()?;
        let (selection, reason) = match place {
            Place::Registered(i) => {
                let (option, predicate) = self.pruned_by[i].clone()?;
                let reason = Reason::PartitionPruned {
                    partition: self.table.partition_name(&self.table.partitions[i]),
                    option: option.to_string(),
                    predicate,
                };
                (Selection::PartitionPruned, reason)
            }
            Place::Unregistered { folder } => (
                Selection::NotARegisteredPartition,
                Reason::NotARegisteredPartition { folder: Some(folder) },
            ),
            Place::Outside => (
                Selection::NotARegisteredPartition,
                Reason::NotARegisteredPartition { folder: None },
            ),
        };
        Some((selection, Some(reason)))
    }
}

/// A source's bound in words: `boundedFiles "2"`, `boundedSize "1000000" bytes`.
fn bound_words(listing: &Listing) -> String {
    let files = listing.bounded_files.map(|n| format!("boundedFiles \"{n}\""));
    let size = listing.bounded_size.map(|n| format!("boundedSize \"{n}\" bytes"));
    files.into_iter().chain(size).collect::<Vec<_>>().join(", ")
}

/// Why bounded execution needs a bookmarked source (*modelled*: Glue's documentation asks for
/// both; its own message is not published).
fn unbounded_without_bookmarks(listing: &Listing, has_ctx: bool) -> String {
    let missing = if has_ctx {
        "job bookmarks are not enabled (--job-bookmark-option job-bookmark-enable)"
    } else {
        "the source has no transformation_ctx"
    };
    format!(
        "bounded execution ({}) needs job bookmarks and a transformation_ctx, and {missing}: every run would read the same first objects again",
        bound_words(listing)
    )
}

impl Workspace {
    pub(super) fn select(&self, context: &RunContext, plan: &JobPlan) -> Result<Selected, Stop> {
        let sources = plan
            .sources
            .iter()
            .map(|spec| match &spec.input {
                SourceInput::Jdbc { .. } => Ok(SourceSelection::Jdbc(self.plan_jdbc_source(spec, context)?)),
                _ => Ok(SourceSelection::S3(self.select_s3_source(spec, context)?)),
            })
            .collect::<Result<_, Stop>>()?;
        Ok(Selected { sources })
    }

    /// A selection preview's end: every verdict in the run's lineage and no S3 object read. A
    /// JDBC source's key query is its selection, so its verdicts come from reading it (from
    /// memory, as cheap as a listing).
    pub(super) fn record_selection(
        &mut self,
        context: &RunContext,
        run: &mut JobRun,
        selected: &Selected,
    ) -> Result<(), Stop> {
        let mut read_keys = vec![];
        for source in &selected.sources {
            match source {
                SourceSelection::S3(s3) => {
                    run.lineage.older_not_itemised |= s3.older_not_itemised;
                    run.lineage.files.extend(s3.verdicts.iter().cloned());
                }
                SourceSelection::Jdbc(key_plan) => {
                    self.read_jdbc_source(context, run, key_plan, &mut read_keys)?;
                }
            }
        }
        Ok(())
    }

    fn select_s3_source(&self, spec: &SourceSpec, context: &RunContext) -> Result<S3Selection, Stop> {
        let (location, format, csv, schema, listing, table) = match &spec.input {
            SourceInput::Catalog { database, table } => {
                let t = self.catalog.table(database, table)?;
                let listing = t.listing().map_err(Stop::failed)?.overridden_by(&spec.listing);
                (
                    t.location_uri()?,
                    t.format,
                    t.csv_options(),
                    Some(t.schema()?),
                    listing,
                    Some(t),
                )
            }
            SourceInput::S3 { path, format, csv } => (
                S3Uri::parse(path)?,
                *format,
                csv.clone(),
                None,
                spec.listing.clone(),
                None,
            ),
            SourceInput::Jdbc { table, .. } => {
                return Err(Stop::failed(format!("{table} is a warehouse table, planned by key")))
            }
        };
        // A catalog table is its whole location, subfolders included.
        let recurse = listing.recurse || matches!(spec.input, SourceInput::Catalog { .. });
        let exclusions = Exclusions::new(&listing.exclusions).map_err(|e| Stop::failed(format!("exclusions: {e}")))?;
        let pruning = match table {
            Some(t) => Pruning::of(t, &listing)?,
            None => None,
        };
        let ctx = spec.transformation_ctx.clone();
        let previous = match (&ctx, context.option) {
            (Some(ctx), BookmarkOption::Enable | BookmarkOption::Pause) => {
                context.entry.as_ref().and_then(|e| e.s3_state(ctx)).cloned()
            }
            _ => None,
        };
        // A state saved for another path, table or format is not this source's (modelled:
        // AWS says changing a source's properties invalidates its state).
        let identity = spec.input.identity();
        let changed_from = previous
            .as_ref()
            .and_then(|p| p.source.clone())
            .filter(|saved| *saved != identity);
        let previous = previous.filter(|_| changed_from.is_none());
        let tracked = ctx.is_some() && context.option != BookmarkOption::Disable;
        if listing.is_bounded() && !tracked {
            return Err(Stop::failed(unbounded_without_bookmarks(&listing, ctx.is_some())));
        }
        let prefix = S3Uri::new(&location.bucket, location.folder_prefix());
        // With a committed state only what changed after its low edge can be read; the rest is
        // itemised (as skipped) only while the prefix is small, so a run's cost follows what is
        // new, not the prefix's history.
        let low_edge = previous
            .as_ref()
            .filter(|_| tracked)
            .map(|s| s.run_start_time - s.high_band);
        let (listed_objects, older_not_itemised) = match low_edge {
            Some(low) if self.store.count_up_to(&prefix, ITEMISE_LIMIT + 1)? > ITEMISE_LIMIT => {
                (self.store.list_modified_after(&prefix, low)?, true)
            }
            _ => (self.store.list(&prefix)?, false),
        };
        let included = previous.as_ref().map(|p| p.include_set()).unwrap_or_default();
        // Why the listing itself left an object out (excluded, in a subfolder, over the bound).
        let mut listed = vec![];
        let mut objects: Vec<_> = listed_objects
            .into_iter()
            .filter(|o| !is_hidden(&o.key[prefix.key.len()..]))
            .map(|o| {
                let uri = S3Uri::new(&location.bucket, &o.key).to_string();
                let pruned = pruning.as_ref().and_then(|p| p.left_out(&o.key, &location.bucket));
                let (selection, reason) = if let Some(left_out) = pruned {
                    left_out
                } else if !recurse && o.key[prefix.key.len()..].contains('/') {
                    (Selection::InSubfolder, Some(Reason::InSubfolder))
                } else if let Some(glob) = exclusions.matching(&uri) {
                    let pattern = glob.pattern().to_string();
                    (Selection::Excluded, Some(Reason::Excluded { pattern }))
                } else if tracked {
                    let selection = bookmark::select(
                        previous.as_ref().map(|p| (p, &included)),
                        context.high,
                        &uri,
                        o.last_modified,
                    );
                    (selection, None)
                } else if o.last_modified > context.high {
                    (Selection::Deferred, None)
                } else {
                    (Selection::Read, None)
                };
                listed.push(reason);
                (uri, o.last_modified, selection, o.size())
            })
            .collect();
        let high = bound_selection(&listing, &mut objects, previous.as_ref(), context.high);
        let bound = bound_words(&listing);
        let verdicts = objects
            .iter()
            .zip(listed)
            .map(|((uri, _, selection, _), reason)| {
                let reason = match selection {
                    Selection::OverBound => Some(Reason::OverBound { bound: bound.clone() }),
                    _ => reason,
                };
                // Named by its path under the source (`year=2026/month=01/orders-1.json`), so
                // files of the same name in different folders stay apart.
                let base = S3Uri::new(&location.bucket, location.folder_prefix()).to_string();
                let name = uri.strip_prefix(&base).unwrap_or(uri);
                self.object_verdict(
                    context,
                    ctx.as_deref(),
                    uri,
                    name,
                    *selection,
                    reason,
                    changed_from.as_deref(),
                )
            })
            .collect::<Result<_, Stop>>()?;
        Ok(S3Selection {
            ctx,
            format,
            csv,
            schema,
            partitioned: table.filter(|t| t.is_partitioned()).cloned().map(Box::new),
            spec: spec.clone(),
            objects: objects
                .into_iter()
                .map(|(uri, m, selection, _)| (uri, m, selection))
                .collect(),
            verdicts,
            older_not_itemised,
            previous,
            high,
        })
    }

    /// Why a file this source's own state calls new was in fact read before: its
    /// transformation_ctx was renamed (another ctx of the job committed it), or the source
    /// changed what it reads (`changed_from`) and its state started anew.
    fn read_under_earlier_state(
        &self,
        context: &RunContext,
        ctx: &str,
        uri: &str,
        changed_from: Option<&str>,
        reason: &Reason,
    ) -> Option<Reason> {
        let committed_by = |c: &str| {
            self.reads
                .get(&ReadRecord::key_of(&context.job.name, c, uri))
                .and_then(|h| h.iter().rev().find(|r| r.committed_at.is_some()))
                .map(|r| r.run_id.clone())
        };
        match (reason, changed_from) {
            (Reason::New | Reason::CommittedAfterStateRead { .. }, Some(was)) => {
                committed_by(ctx).map(|run_id| Reason::SourceChanged {
                    was: was.to_string(),
                    run_id,
                })
            }
            (Reason::New, None) => context
                .entry
                .iter()
                .flat_map(|e| e.states.keys())
                // A ctx another source of the job still uses is that source's, not an old name.
                .filter(|c| {
                    *c != ctx
                        && !context
                            .job
                            .plan
                            .sources
                            .iter()
                            .any(|s| s.transformation_ctx.as_ref() == Some(*c))
                })
                .find_map(|other| {
                    committed_by(other).map(|run_id| Reason::UnderAnotherContext {
                        ctx: other.clone(),
                        run_id,
                    })
                }),
            _ => None,
        }
    }

    /// An object's verdict: `listed` is the reason when the listing left it out (exclusions,
    /// a subfolder, the bound, a partition), else the bookmark's verdict on `selection`, told
    /// by the state it came from when that was another ctx's or the source's before it changed.
    /// `name` is how the explanation names it (its path under the source).
    #[allow(clippy::too_many_arguments)]
    fn object_verdict(
        &self,
        context: &RunContext,
        ctx: Option<&str>,
        uri: &str,
        name: &str,
        selection: Selection,
        listed: Option<Reason>,
        changed_from: Option<&str>,
    ) -> Result<FileVerdict, Stop> {
        let object = self.store.get(&S3Uri::parse(uri)?)?;
        let replay_to = context.replay_to();
        let (kind, reason) = match listed {
            Some(reason @ Reason::OverBound { .. }) => (VerdictKind::Deferred, reason),
            Some(reason) => (VerdictKind::Skipped, reason),
            None => {
                let (kind, reason) = self.verdict(
                    &context.job.name,
                    ctx,
                    replay_to.as_ref(),
                    context.option,
                    uri,
                    Some(object.version),
                    selection,
                );
                let earlier = ctx.and_then(|c| self.read_under_earlier_state(context, c, uri, changed_from, &reason));
                match earlier {
                    Some(reason) => (VerdictKind::ReRead, reason),
                    None => (kind, reason),
                }
            }
        };
        Ok(FileVerdict {
            transformation_ctx: ctx.map(str::to_string),
            object: uri.to_string(),
            etag: object.etag.clone(),
            last_modified: object.last_modified,
            size: object.size(),
            kind,
            explanation: explain_named(&crate::i18n::Catalog::english(), &reason, name, ctx),
            reason,
            subject: crate::model::lineage::VerdictSubject::Path(name.to_string()),
            rows: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{Outcome, RunUntil};
    use crate::model::lineage::{FileVerdict, RunLineage};
    use crate::model::run::RunState;
    use crate::model::store::S3Uri;
    use crate::{demo, RunRequest, Workspace};

    /// A verdict without its row count, which only a read knows.
    fn verdicts(lineage: &RunLineage) -> Vec<FileVerdict> {
        let uncounted = |f: &FileVerdict| FileVerdict { rows: 0, ..f.clone() };
        lineage.files.iter().map(uncounted).collect()
    }

    /// One file read and committed, a second one new: the next run skips one and reads one.
    fn workspace_with_one_run() -> Workspace {
        let mut ws = demo::seed_workspace().unwrap();
        let [(first, body), (second, next)] = demo::raw_files();
        ws.put_object(&S3Uri::new(demo::raw_bucket(), first), body.into())
            .unwrap();
        ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
        ws.put_object(&S3Uri::new(demo::raw_bucket(), second), next.into())
            .unwrap();
        ws
    }

    #[test]
    fn a_selection_preview_gives_the_verdicts_the_run_then_has() {
        let ws = workspace_with_one_run();
        let (mut preview, mut real) = (ws.clone(), ws);
        let id = preview.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
        let Outcome::Selected(selected) = preview.run_job_until(&id, RunUntil::Selection).unwrap() else {
            panic!("a selection preview ends with its selection");
        };
        assert_eq!(preview.run(&id).unwrap().state, RunState::Stopped);
        assert!(selected.files.iter().all(|f| f.rows == 0), "nothing is read");
        let id = real.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
        let ran = &real.run(&id).unwrap().lineage;
        assert_eq!(verdicts(&selected), verdicts(ran));
        assert_eq!(ran.files.iter().map(|f| f.rows > 0).collect::<Vec<_>>(), [false, true]);
    }
}
