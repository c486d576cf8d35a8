//! Test helpers: an in-memory [`TableSource`] and the seed article's sink table.

use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};

use super::TableSource;
use crate::error::{Error, Result};

/// Tables keyed by `(database, table)`; an unknown table is `EntityNotFound`, as from Glue.
pub(crate) struct MemSource {
    pub tables: Vec<(String, String, RecordBatch)>,
}

impl MemSource {
    pub fn one(database: &str, table: &str, batch: RecordBatch) -> Self {
        MemSource {
            tables: vec![(database.into(), table.into(), batch)],
        }
    }
}

impl TableSource for MemSource {
    fn table(&self, database: Option<&str>, table: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        let found = self
            .tables
            .iter()
            .find(|(db, t, _)| database.is_none_or(|d| d == db) && t == table);
        match found {
            // Two batches, to exercise concatenation.
            Some((_, _, b)) => Ok((
                b.schema(),
                vec![
                    b.slice(0, b.num_rows() / 2),
                    b.slice(b.num_rows() / 2, b.num_rows() - b.num_rows() / 2),
                ],
            )),
            None => Err(Error::EntityNotFound(format!("Table {table} not found."))),
        }
    }
}

/// The seed article's `devices_integrated_data`: `device_id string, timestamp bigint, state string`.
pub(crate) fn devices(rows: &[(&str, i64, &str)]) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![
        Field::new("device_id", DataType::Utf8, true),
        Field::new("timestamp", DataType::Int64, true),
        Field::new("state", DataType::Utf8, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0))),
        Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.1))),
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.2))),
    ];
    RecordBatch::try_new(schema, columns).unwrap()
}

/// The two rows of the article's first run.
pub(crate) const RUN_1_AND_2: [(&str, i64, &str); 2] = [("d001", 1_690_000_000, "on"), ("d002", 1_690_000_060, "off")];

pub(crate) fn seed_source(rows: &[(&str, i64, &str)]) -> MemSource {
    MemSource::one("devices_data_analystics", "devices_integrated_data", devices(rows))
}
