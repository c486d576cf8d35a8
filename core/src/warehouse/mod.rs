//! The simulated warehouse: a JDBC database (Redshift-like) of tables in memory.
//!
//! Jobs read its tables as JDBC sources, whose bookmarks track *keys*, not files
//! (`jobBookmarkKeys`, GLUE-SEMANTICS §2), and write to them as JDBC sinks. Users change it with
//! plain SQL (`CREATE TABLE`, `INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`, see [`statement`]), as
//! they would through a query editor or the Redshift Data API, so that a trainer can show what a
//! key bookmark misses: updated rows and keys that do not grow.
//!
//! A table is one Arrow batch plus a [`RowMeta`] per row, kept aligned with the batch the way
//! `Frame::origins` is: every change (insert, update, delete, upsert) rebuilds both together.
//!
//! Modelled, not verified: like Redshift, primary keys are informational (not enforced), so an
//! appending sink can hold the same key twice. Rows keep an identity, a version (bumped by
//! `UPDATE`) and, when a job wrote them, the run and source line they came from: lineage needs it.

mod assign;
mod key;
mod snapshot;
mod statement;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::arrow::array::{new_null_array, Array, ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions};
use crate::arrow::compute::{filter_record_batch, interleave, take};
use crate::arrow::datatypes::{Field, Schema, SchemaRef};
use serde::{Deserialize, Serialize};

pub use key::{compare_keys, KeyValue};
pub use statement::StatementOutcome;

use crate::error::{Error, Result};
use crate::format::types::{glue_type_name, parse_glue_type};
use crate::format::{self};
use crate::model::catalog::Column;
use crate::model::clock::Millis;
use crate::model::lineage::{mark_duplicates, SinkRow};
use crate::transform::{Frame, RowOrigin};
use assign::{assign, Refused};

/// Tables by lower-case `schema.table` name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Warehouse {
    pub tables: BTreeMap<String, WarehouseTable>,
}

/// A table: its rows as one Arrow batch of the declared columns, and each row's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "snapshot::TableSnapshot", into = "snapshot::TableSnapshot")]
pub struct WarehouseTable {
    /// `schema.table`, lower case (`public.employees`).
    pub name: String,
    /// The batch's columns with their Glue types, as declared.
    pub columns: Vec<Column>,
    /// Declared, not enforced (Redshift's rule). The default JDBC bookmark key.
    pub primary_key: Vec<String>,
    batch: RecordBatch,
    /// One per row of `batch`, in the same order.
    rows: Vec<RowMeta>,
    /// The last row id given out: ids count per table and are never reused, even after a
    /// `DELETE`, so a row's read history stays its own.
    last_row_id: u64,
}

/// A row's identity and history; its values are the matching row of the table's batch.
#[derive(Debug, Clone, PartialEq)]
pub struct RowMeta {
    /// Identity in the table, in insertion order (1, 2, ...); never reused.
    pub id: u64,
    /// 1 when inserted, +1 per `UPDATE` that touches it.
    pub version: u64,
    pub inserted_at: Millis,
    pub updated_at: Millis,
    /// The run that wrote the row, when a job's sink did.
    pub written_by: Option<String>,
    /// The source object and line the row came from, when a job's sink wrote it.
    pub origin: Option<RowOrigin>,
}

/// The address a warehouse row has in lineage (`RowOrigin::source`, verdicts, read history).
pub fn row_address(table: &str, row_id: u64) -> String {
    format!("jdbc:{table}#{row_id}")
}

/// The address of a table as a whole (`RowOrigin::source` of rows read from it).
pub fn table_address(table: &str) -> String {
    format!("jdbc:{table}")
}

/// `public.employees` for `employees` or `Public.Employees`: Redshift folds unquoted names.
pub fn normalise_name(name: &str) -> String {
    let name = name.trim().to_ascii_lowercase();
    if name.contains('.') {
        name
    } else {
        format!("public.{name}")
    }
}

impl Warehouse {
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    pub fn table(&self, name: &str) -> Result<&WarehouseTable> {
        let key = normalise_name(name);
        self.tables
            .get(&key)
            .ok_or_else(|| Error::EntityNotFound(format!("relation \"{key}\" does not exist in the warehouse")))
    }

    fn table_mut(&mut self, name: &str) -> Result<&mut WarehouseTable> {
        let key = normalise_name(name);
        self.tables
            .get_mut(&key)
            .ok_or_else(|| Error::EntityNotFound(format!("relation \"{key}\" does not exist in the warehouse")))
    }

    /// Creates an empty table; every column type must be a Glue type gluelab knows.
    pub fn create_table(&mut self, name: &str, columns: Vec<Column>, primary_key: Vec<String>) -> Result<()> {
        let key = normalise_name(name);
        if self.tables.contains_key(&key) {
            return Err(Error::AlreadyExists(format!("relation \"{key}\" already exists")));
        }
        let table = WarehouseTable::empty(key.clone(), columns, primary_key)?;
        self.tables.insert(key, table);
        Ok(())
    }

    /// Writes a job's frame into `table` (created from the frame's schema if missing), as Glue's
    /// JDBC writer does: columns by name, a column the table lacks is an error. With `merge_keys`,
    /// rows whose keys match an existing row replace it (an upsert); otherwise rows are appended.
    /// Returns how many rows were inserted and how many updated.
    pub fn write_frame(
        &mut self,
        table: &str,
        frame: &Frame,
        run_id: &str,
        merge_keys: Option<&[String]>,
        at: Millis,
    ) -> Result<(usize, usize)> {
        let key = normalise_name(table);
        if !self.tables.contains_key(&key) {
            let columns = frame
                .batch
                .schema()
                .fields()
                .iter()
                .filter(|f| f.name() != format::CORRUPT_RECORD)
                .map(|f| Column::new(f.name().to_ascii_lowercase(), glue_type_name(f.data_type())))
                .collect();
            self.create_table(&key, columns, vec![])?;
        }
        let t = self.tables.get_mut(&key).expect("exists");
        for field in frame.batch.schema().fields() {
            let name = field.name().to_ascii_lowercase();
            if name != format::CORRUPT_RECORD && t.column_index(&name).is_none() {
                return Err(Error::InvalidInput(format!(
                    "column \"{name}\" of relation \"{key}\" does not exist"
                )));
            }
        }
        let incoming = t.conform(&frame.batch, |i| {
            frame
                .origins
                .get(i)
                .map(|o| format!("{}, line {}", o.source, o.line))
                .unwrap_or_default()
        })?;
        let positions = match merge_keys {
            Some(keys) => Some(t.key_positions(keys)?),
            None => None,
        };
        // Which existing row each incoming row replaces, if any: the first with its key.
        let replaces: Vec<Option<usize>> = match &positions {
            None => vec![None; incoming.num_rows()],
            Some(kp) => {
                let mut by_key = BTreeMap::new();
                for i in (0..t.num_rows()).rev() {
                    by_key.insert(key_of(&t.batch, kp, i)?, i);
                }
                (0..incoming.num_rows())
                    .map(|i| Ok(by_key.get(&key_of(&incoming, kp, i)?).copied()))
                    .collect::<Result<_>>()?
            }
        };
        let written = |i: usize| (Some(run_id.to_string()), frame.origins.get(i).cloned());
        let mut picks: Vec<(usize, usize)> = (0..t.num_rows()).map(|j| (0, j)).collect();
        let mut rows = t.rows.clone();
        let mut inserts = vec![];
        for (i, target) in replaces.iter().enumerate() {
            match target {
                Some(j) => {
                    picks[*j] = (1, i);
                    let row = &mut rows[*j];
                    row.version += 1;
                    row.updated_at = at;
                    (row.written_by, row.origin) = written(i);
                }
                None => inserts.push(i),
            }
        }
        let updated = replaces.len() - inserts.len();
        for &i in &inserts {
            picks.push((1, i));
            let (written_by, origin) = written(i);
            rows.push(t.new_row(at, written_by, origin));
        }
        let columns = interleave_columns(&[&t.batch, &incoming], &picks)?;
        t.replace(columns, rows)?;
        Ok((inserts.len(), updated))
    }

    /// A table's rows as the sink viewer shows them: who wrote each, from which source line,
    /// and whether it duplicates an earlier row (same source line and content).
    pub fn sink_rows(&self, table: &str) -> Result<(Vec<String>, Vec<SinkRow>)> {
        let t = self.table(table)?;
        let columns = t.columns.iter().map(|c| c.name.clone()).collect();
        let address = table_address(&t.name);
        let mut rows: Vec<SinkRow> = t
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| SinkRow {
                part: address.clone(),
                values: t
                    .batch
                    .columns()
                    .iter()
                    .map(|c| crate::transform::cell_text(c.as_ref(), i))
                    .collect(),
                written_by: row.written_by.clone(),
                origin: row.origin.clone(),
                duplicate_of: None,
                under_new_key: false,
            })
            .collect();
        mark_duplicates(&mut rows, &[]);
        Ok((columns, rows))
    }
}

impl WarehouseTable {
    /// A table without rows; checks the column types and that the key's columns exist.
    fn empty(name: String, columns: Vec<Column>, primary_key: Vec<String>) -> Result<Self> {
        let mut fields = vec![];
        for c in &columns {
            let t = parse_glue_type(&c.glue_type)
                .map_err(|e| Error::InvalidInput(format!("table {name}, column {}: {e}", c.name)))?;
            fields.push(Field::new(c.name.to_ascii_lowercase(), t, true));
        }
        let columns: Vec<Column> = columns
            .into_iter()
            .map(|c| Column::new(c.name.to_ascii_lowercase(), c.glue_type))
            .collect();
        let primary_key: Vec<String> = primary_key.iter().map(|k| k.to_ascii_lowercase()).collect();
        for k in &primary_key {
            if !columns.iter().any(|c| &c.name == k) {
                return Err(Error::InvalidInput(format!(
                    "table {name}: primary key column \"{k}\" is not one of its columns"
                )));
            }
        }
        Ok(WarehouseTable {
            batch: RecordBatch::new_empty(Arc::new(Schema::new(fields))),
            name,
            columns,
            primary_key,
            rows: vec![],
            last_row_id: 0,
        })
    }

    pub fn schema(&self) -> SchemaRef {
        self.batch.schema()
    }

    /// All rows, in insertion order.
    pub fn batch(&self) -> &RecordBatch {
        &self.batch
    }

    /// Each row's identity and history, aligned with [`Self::batch`].
    pub fn rows(&self) -> &[RowMeta] {
        &self.rows
    }

    pub fn num_rows(&self) -> usize {
        self.rows.len()
    }

    /// The rows at `positions` as a frame whose origins point at the rows themselves
    /// (`jdbc:table#id`).
    pub fn frame_of(&self, positions: &[usize]) -> Result<Frame> {
        let indices = crate::arrow::array::UInt32Array::from_iter_values(positions.iter().map(|&p| p as u32));
        let columns = self
            .batch
            .columns()
            .iter()
            .map(|c| take(c.as_ref(), &indices, None))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let origins = positions
            .iter()
            .map(|&p| {
                let r = &self.rows[p];
                RowOrigin {
                    source: row_address(&self.name, r.id),
                    version: r.version,
                    line: r.id,
                }
            })
            .collect();
        Ok(Frame {
            batch: batch_of(self.schema(), columns, positions.len())?,
            origins,
        })
    }

    /// Every row as a frame (see [`Self::frame_of`]).
    pub fn frame(&self) -> Result<Frame> {
        self.frame_of(&(0..self.num_rows()).collect::<Vec<_>>())
    }

    /// The key of row `row`: the values of the columns at `positions`, typed.
    pub fn key(&self, positions: &[usize], row: usize) -> Result<Vec<KeyValue>> {
        key_of(&self.batch, positions, row)
    }

    /// The position of a column (names are lower case, as Redshift folds them).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Deletes every row (`TRUNCATE`); returns how many there were. Ids are not reused.
    pub fn truncate(&mut self) -> usize {
        let n = self.rows.len();
        self.batch = RecordBatch::new_empty(self.schema());
        self.rows.clear();
        n
    }

    fn key_positions(&self, keys: &[String]) -> Result<Vec<usize>> {
        keys.iter()
            .map(|k| {
                self.column_index(k).ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "merge key \"{k}\" is not a column of relation \"{}\"",
                        self.name
                    ))
                })
            })
            .collect()
    }

    /// The next row's history, with a fresh id.
    fn new_row(&mut self, at: Millis, written_by: Option<String>, origin: Option<RowOrigin>) -> RowMeta {
        self.last_row_id += 1;
        RowMeta {
            id: self.last_row_id,
            version: 1,
            inserted_at: at,
            updated_at: at,
            written_by,
            origin,
        }
    }

    /// Appends `incoming` (of this table's schema) as new rows written by no job.
    fn append(&mut self, incoming: &RecordBatch, at: Millis) -> Result<()> {
        let picks: Vec<(usize, usize)> = (0..self.num_rows())
            .map(|j| (0, j))
            .chain((0..incoming.num_rows()).map(|i| (1, i)))
            .collect();
        let columns = interleave_columns(&[&self.batch, incoming], &picks)?;
        let mut rows = self.rows.clone();
        for _ in 0..incoming.num_rows() {
            let row = self.new_row(at, None, None);
            rows.push(row);
        }
        self.replace(columns, rows)
    }

    /// Replaces the rows and their history together, so they stay aligned.
    fn replace(&mut self, columns: Vec<ArrayRef>, rows: Vec<RowMeta>) -> Result<()> {
        self.batch = batch_of(self.schema(), columns, rows.len())?;
        self.rows = rows;
        Ok(())
    }

    /// Keeps the rows where `keep` is true.
    fn retain(&mut self, keep: &BooleanArray) -> Result<()> {
        self.batch = filter_record_batch(&self.batch, keep)?;
        let mut flags = keep.iter();
        self.rows.retain(|_| flags.next().flatten().unwrap_or(false));
        Ok(())
    }

    /// `batch` with this table's columns, matched by name whatever the case (missing ones
    /// NULL), each value stored by the assignment rule. A refused value is an error naming the
    /// row (`locate(row)`) and column; the first such row is reported.
    fn conform(&self, batch: &RecordBatch, locate: impl Fn(usize) -> String) -> Result<RecordBatch> {
        let schema = batch.schema();
        let mut refusals = vec![];
        let mut columns = vec![];
        for (c, (column, field)) in self.columns.iter().zip(self.schema().fields()).enumerate() {
            let found = schema
                .fields()
                .iter()
                .position(|f| f.name().eq_ignore_ascii_case(&column.name));
            let values = match found {
                Some(i) => batch.column(i).clone(),
                None => new_null_array(field.data_type(), batch.num_rows()),
            };
            match assign(&values, field.data_type(), &column.glue_type) {
                Ok(array) => columns.push(array),
                Err(Refused { row, message }) => refusals.push((row, c, message)),
            }
        }
        if let Some((row, c, message)) = refusals.into_iter().min_by_key(|(row, c, _)| (*row, *c)) {
            let column = &self.columns[c];
            return Err(Error::InvalidInput(format!(
                "{}: {}, column \"{}\" ({}): {message}",
                self.name,
                locate(row),
                column.name,
                column.glue_type
            )));
        }
        batch_of(self.schema(), columns, batch.num_rows())
    }
}

fn key_of(batch: &RecordBatch, positions: &[usize], row: usize) -> Result<Vec<KeyValue>> {
    positions
        .iter()
        .map(|&p| KeyValue::of(batch.column(p).as_ref(), row))
        .collect()
}

/// A batch of `rows` rows (a table may have no columns).
fn batch_of(schema: SchemaRef, columns: Vec<ArrayRef>, rows: usize) -> Result<RecordBatch> {
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    Ok(RecordBatch::try_new_with_options(schema, columns, &options)?)
}

/// Column by column, row `r` of the result is row `picks[r].1` of `batches[picks[r].0]`.
fn interleave_columns(batches: &[&RecordBatch], picks: &[(usize, usize)]) -> Result<Vec<ArrayRef>> {
    (0..batches[0].num_columns())
        .map(|c| {
            let sources: Vec<&dyn Array> = batches.iter().map(|b| b.column(c).as_ref()).collect();
            Ok(interleave(&sources, picks)?)
        })
        .collect()
}
