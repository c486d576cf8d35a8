//! Test fixtures shared by the transform modules.

use std::collections::HashMap;
use std::sync::Arc;

use crate::arrow::array::{ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray};
use crate::arrow::datatypes::{Field, Schema};

use super::{cell_text, Frame, Lookups, RowOrigin};
use crate::error::{Error, Result};

/// A frame of `columns` read from `s3://b/k`, row `i` from line `i + 1`.
pub fn frame(columns: Vec<(&str, ArrayRef)>) -> Frame {
    frame_from("s3://b/k", columns)
}

pub fn frame_from(object: &str, columns: Vec<(&str, ArrayRef)>) -> Frame {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, c)| Field::new(*n, c.data_type().clone(), true))
        .collect();
    let batch = RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns.into_iter().map(|(_, c)| c).collect(),
    )
    .unwrap();
    let origins = (1..=batch.num_rows() as u64)
        .map(|line| RowOrigin {
            source: object.into(),
            version: 1,
            line,
        })
        .collect();
    Frame { batch, origins }
}

pub fn strings(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

pub fn ints(values: &[Option<i64>]) -> ArrayRef {
    Arc::new(Int64Array::from(values.to_vec()))
}

/// The seed article's devices: two rows, lines 1 and 2.
pub fn devices() -> Frame {
    frame(vec![
        ("device_id", strings(&[Some("e36b7dfa"), Some("3ff9c44a")])),
        ("timestamp", ints(&[Some(1609375822), Some(1609348014)])),
        ("state", Arc::new(BooleanArray::from(vec![true, false]))),
    ])
}

/// The source lines of a frame's rows, in row order.
pub fn lines(frame: &Frame) -> Vec<u64> {
    assert_eq!(frame.origins.len(), frame.num_rows(), "origins out of step with rows");
    frame.origins.iter().map(|o| o.line).collect()
}

/// A column's cells as text (`null` for nulls).
pub fn column(frame: &Frame, name: &str) -> Vec<String> {
    let i = frame
        .column_index(name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", frame.batch.schema()));
    let c = frame.batch.column(i);
    (0..c.len()).map(|r| cell_text(c.as_ref(), r)).collect()
}

pub fn names(frame: &Frame) -> Vec<String> {
    frame.batch.schema().fields().iter().map(|f| f.name().clone()).collect()
}

/// Lookup tables held in memory.
#[derive(Default)]
pub struct MemLookups(pub HashMap<String, Frame>);

impl MemLookups {
    pub fn with(mut self, name: &str, columns: Vec<(&str, ArrayRef)>) -> Self {
        let object = format!("s3://lookups/{name}.json");
        self.0.insert(name.into(), frame_from(&object, columns));
        self
    }
}

impl Lookups for MemLookups {
    fn lookup(&self, table: &str) -> Result<Frame> {
        self.0
            .get(table)
            .cloned()
            .ok_or_else(|| Error::EntityNotFound(format!("Table {table} not found")))
    }
}
