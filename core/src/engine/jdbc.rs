//! JDBC sources: a warehouse table read with a *key* bookmark (GLUE-SEMANTICS §2).
//!
//! The bookmark keeps the largest key tuple a committed run read (`lastKey`, modelled) and the
//! next run reads only rows whose key lies beyond it, in `jobBookmarkKeysSortOrder`. So, as on
//! Glue: new rows are read once, **updated rows are never read again**, deleted rows go unseen,
//! and a key that does not grow strictly (a row inserted with a smaller key later) is missed for
//! good. Each such row gets a verdict with its reason, and the run's log warns about them.
//!
//! Modelled, not verified: the shape of the state (`JDBCDataSourceJobBookmarkState`,
//! `lastKey`) and the order rows are read in (by key).

use crate::engine::RunContext;
use crate::error::{Error, Result};
use crate::model::args::BookmarkOption;
use crate::model::bookmark::{BookmarkEntry, ContextState, JdbcSourceState, Selection};
use crate::model::job::{KeySortOrder, SourceInput, SourceSpec};
use crate::model::lineage::{FileVerdict, ReadRecord, Reason, VerdictKind, VerdictSubject};
use crate::model::run::{JobRun, LogStream};
use crate::transform::Frame;
use crate::warehouse::{self, compare_keys, KeyValue, WarehouseTable};
use crate::workspace::Workspace;

/// One JDBC source's selection, before reading.
pub(crate) struct KeyPlan {
    pub ctx: Option<String>,
    pub table: String,
    /// Lower-case key column names and their positions in the table.
    pub keys: Vec<String>,
    positions: Vec<usize>,
    pub order: KeySortOrder,
    /// The committed state the run reads after (none: every row).
    pub previous: Option<JdbcSourceState>,
    after: Option<Vec<KeyValue>>,
    /// Pause with from/to: rows up to the `--job-bookmark-to` run's last key only.
    up_to: Option<Vec<KeyValue>>,
    pub replay_to: Option<String>,
}

impl KeyPlan {
    /// `a` comes strictly after `b` in the sort order.
    fn after_in_order(&self, a: &[KeyValue], b: &[KeyValue]) -> bool {
        let o = compare_keys(a, b);
        match self.order {
            KeySortOrder::Asc => o.is_gt(),
            KeySortOrder::Desc => o.is_lt(),
        }
    }

    fn beyond_bookmark(&self, key: &[KeyValue]) -> bool {
        self.after.as_ref().is_none_or(|after| self.after_in_order(key, after))
    }

    fn within_replay(&self, key: &[KeyValue]) -> bool {
        self.up_to.as_ref().is_none_or(|to| !self.after_in_order(key, to))
    }

    fn key_label(&self, key: &[KeyValue]) -> String {
        self.keys
            .iter()
            .zip(key)
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The state a commit saves: the furthest key read, or the previous one if none was read.
    pub fn next_state(&self, committed_run: u64, read: &[Vec<KeyValue>]) -> JdbcSourceState {
        let furthest = read
            .iter()
            .chain(self.after.iter())
            .fold(None::<&Vec<KeyValue>>, |best, k| match best {
                Some(b) if !self.after_in_order(k, b) => Some(b),
                _ => Some(k),
            });
        JdbcSourceState {
            run: committed_run,
            keys: self.keys.clone(),
            sort_order: self.order.as_str().into(),
            last_key: furthest
                .map(|k| k.iter().map(KeyValue::to_string).collect())
                .unwrap_or_default(),
        }
    }
}

fn jdbc_state<'a>(entry: Option<&'a BookmarkEntry>, ctx: &str) -> Option<&'a JdbcSourceState> {
    match entry?.states.get(ctx) {
        Some(ContextState::Jdbc(s)) => Some(s),
        _ => None,
    }
}

impl Workspace {
    /// Which keys a JDBC source reads after, from the committed state (or the from/to pair).
    pub(crate) fn plan_jdbc_source(&self, spec: &SourceSpec, context: &RunContext) -> Result<KeyPlan> {
        let (option, entry, to_entry) = (context.option, context.entry.as_ref(), context.to_entry.as_ref());
        let SourceInput::Jdbc {
            table,
            bookmark_keys,
            sort_order: order,
        } = &spec.input
        else {
            return Err(Error::InvalidInput("not a JDBC source".into()));
        };
        let order = *order;
        let t = self.warehouse.table(table)?;
        let keys: Vec<String> = if bookmark_keys.is_empty() {
            t.primary_key.clone()
        } else {
            bookmark_keys.iter().map(|k| k.to_ascii_lowercase()).collect()
        };
        if keys.is_empty() {
            return Err(Error::InvalidInput(format!(
                "{}: the table has no primary key, so job bookmarks need \"jobBookmarkKeys\" in the connection options (modelled)",
                t.name
            )));
        }
        let positions = keys
            .iter()
            .map(|k| {
                t.column_index(k).ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "jobBookmarkKeys: \"{k}\" is not a column of {} (columns: {})",
                        t.name,
                        t.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let ctx = spec.transformation_ctx.clone();
        let tracked = ctx.is_some() && option != BookmarkOption::Disable;
        let previous = ctx
            .as_deref()
            .filter(|_| tracked)
            .and_then(|c| jdbc_state(entry, c))
            .cloned();
        // The stored key texts read back as their columns' types, so they compare as the rows do.
        let schema = t.schema();
        let typed = |state: &JdbcSourceState| -> Result<Option<Vec<KeyValue>>> {
            if state.last_key.is_empty() {
                return Ok(None);
            }
            let key = state
                .last_key
                .iter()
                .zip(&positions)
                .map(|(text, &p)| {
                    KeyValue::parse(text, schema.field(p).data_type()).map_err(|e| {
                        Error::InvalidInput(format!(
                            "{}: the bookmark's lastKey for {}: {e}",
                            t.name, t.columns[p].name
                        ))
                    })
                })
                .collect::<Result<_>>()?;
            Ok(Some(key))
        };
        let after = previous.as_ref().map(typed).transpose()?.flatten();
        let up_to = ctx
            .as_deref()
            .filter(|_| tracked)
            .and_then(|c| jdbc_state(to_entry, c))
            .map(typed)
            .transpose()?
            .flatten();
        Ok(KeyPlan {
            ctx,
            table: t.name.clone(),
            keys,
            positions,
            order,
            previous,
            after,
            up_to,
            replay_to: context.replay_to(),
        })
    }

    /// Reads the rows a key plan selects, in key order, recording a verdict for each row a
    /// user should know about. Returns the frame and the keys read (for the commit).
    pub(crate) fn read_jdbc_source(
        &mut self,
        context: &RunContext,
        run: &mut JobRun,
        plan: &KeyPlan,
        read_keys: &mut Vec<String>,
    ) -> Result<(Frame, Vec<Vec<KeyValue>>)> {
        let (job_name, option) = (context.job.name.as_str(), context.option);
        let t: WarehouseTable = self.warehouse.table(&plan.table)?.clone();
        let mut selected: Vec<(usize, Vec<KeyValue>)> = vec![];
        let mut updates_missed = vec![];
        let mut keys_missed = vec![];
        let itemise_skipped = t.num_rows() <= crate::engine::ITEMISE_LIMIT;
        for (position, row) in t.rows().iter().enumerate() {
            let key = t.key(&plan.positions, position)?;
            let address = warehouse::row_address(&t.name, row.id);
            let subject = VerdictSubject::Row {
                key: plan.key_label(&key),
                table: t.name.to_string(),
            };
            let label = crate::engine::row_name(&crate::i18n::Catalog::english(), &plan.key_label(&key), &t.name);
            let (kind, reason) = if !plan.beyond_bookmark(&key) {
                let last = self.last_committed_read(job_name, plan.ctx.as_deref(), &address);
                match last {
                    Some(r) if r.version != row.version => {
                        updates_missed.push(label.clone());
                        (VerdictKind::Skipped, Reason::UpdateMissed { run_id: r.run_id })
                    }
                    Some(r) => (VerdictKind::Skipped, Reason::CommittedBy { run_id: r.run_id }),
                    None => {
                        keys_missed.push(label.clone());
                        let last_key = plan.previous.as_ref().map(|p| p.last_key.join(",")).unwrap_or_default();
                        (VerdictKind::Skipped, Reason::KeyNotAfterBookmark { last_key })
                    }
                }
            } else if !plan.within_replay(&key) {
                let to_run_id = plan.replay_to.clone().unwrap_or_default();
                (VerdictKind::Skipped, Reason::AfterReplayEnd { to_run_id })
            } else {
                selected.push((position, key));
                self.verdict(
                    job_name,
                    plan.ctx.as_deref(),
                    plan.replay_to.as_ref(),
                    option,
                    &address,
                    None,
                    Selection::Read,
                )
            };
            let missed = matches!(reason, Reason::UpdateMissed { .. } | Reason::KeyNotAfterBookmark { .. });
            if kind == VerdictKind::Skipped && !itemise_skipped && !missed {
                run.lineage.older_not_itemised = true;
                continue;
            }
            let read = kind != VerdictKind::Skipped;
            let explanation =
                crate::engine::explain_named(&crate::i18n::Catalog::english(), &reason, &label, plan.ctx.as_deref());
            run.lineage.files.push(FileVerdict {
                transformation_ctx: plan.ctx.clone(),
                object: address.clone(),
                etag: String::new(),
                last_modified: row.updated_at,
                size: 0,
                kind,
                reason,
                explanation,
                subject,
                rows: u64::from(read),
            });
            if read {
                if let Some(ctx) = &plan.ctx {
                    let key = crate::model::lineage::ReadRecord::key_of(job_name, ctx, &address);
                    read_keys.push(key.clone());
                    self.reads.entry(key).or_default().push(ReadRecord {
                        job_name: job_name.into(),
                        transformation_ctx: ctx.clone(),
                        run_id: run.id.clone(),
                        object: address,
                        version: row.version,
                        committed_at: None,
                    });
                }
            }
        }
        selected.sort_by(|(_, a), (_, b)| {
            let o = compare_keys(a, b);
            if plan.order == KeySortOrder::Desc {
                o.reverse()
            } else {
                o
            }
        });
        let at = run.started_on;
        run.log(
            at,
            LogStream::Error,
            format!(
                "INFO {}: read {} row(s) with {} {} {}",
                t.name,
                selected.len(),
                plan.keys.join(", "),
                if plan.order == KeySortOrder::Asc { ">" } else { "<" },
                plan.previous
                    .as_ref()
                    .filter(|p| !p.last_key.is_empty())
                    .map(|p| p.last_key.join(","))
                    .unwrap_or_else(|| "(no bookmark: every row)".into())
            ),
        );
        if !updates_missed.is_empty() {
            run.log(
                at,
                LogStream::Error,
                format!(
                    "WARN {}: {} row(s) updated since a committed run read them are not read again ({}): JDBC job bookmarks see new keys, not updated rows",
                    t.name,
                    updates_missed.len(),
                    preview(&updates_missed)
                ),
            );
        }
        if !keys_missed.is_empty() {
            run.log(
                at,
                LogStream::Error,
                format!(
                    "WARN {}: {} row(s) never read have keys at or before the bookmark's last key ({}): they are missed for good; job bookmark keys must be strictly monotonic",
                    t.name,
                    keys_missed.len(),
                    preview(&keys_missed)
                ),
            );
        }
        if let Some(warning) = non_monotonic(plan, &t)? {
            run.log(at, LogStream::Error, format!("WARN {warning}"));
        }
        let keys = selected.iter().map(|(_, k)| k.clone()).collect();
        let positions: Vec<usize> = selected.iter().map(|(p, _)| *p).collect();
        let frame = t.frame_of(&positions)?;
        Ok((frame, keys))
    }

    fn last_committed_read(&self, job_name: &str, ctx: Option<&str>, address: &str) -> Option<ReadRecord> {
        let ctx = ctx?;
        self.reads
            .get(&crate::model::lineage::ReadRecord::key_of(job_name, ctx, address))?
            .iter()
            .rev()
            .find(|r| r.committed_at.is_some())
            .cloned()
    }
}

fn preview(labels: &[String]) -> String {
    let mut text = labels.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
    if labels.len() > 3 {
        text.push_str(&format!("; and {} more", labels.len() - 3));
    }
    text
}

/// Glue requires bookmark keys to grow strictly with each insert; says where they do not.
fn non_monotonic(plan: &KeyPlan, t: &WarehouseTable) -> Result<Option<String>> {
    let mut previous: Option<Vec<KeyValue>> = None;
    for row in 0..t.num_rows() {
        let key = t.key(&plan.positions, row)?;
        if let Some(before) = &previous {
            if !plan.after_in_order(&key, before) {
                return Ok(Some(format!(
                    "{}: bookmark key ({}) is not strictly {} in insertion order: {} was inserted after {}; rows like it are missed once a bookmark has passed their key",
                    t.name,
                    plan.keys.join(", "),
                    if plan.order == KeySortOrder::Asc { "increasing" } else { "decreasing" },
                    plan.key_label(&key),
                    plan.key_label(before),
                )));
            }
        }
        previous = Some(key);
    }
    Ok(None)
}
