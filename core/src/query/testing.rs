//! Test helpers: an in-memory [`TableSource`] and the seed article's sink table.

use std::sync::Arc;

use crate::arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use crate::arrow::datatypes::{DataType, Field, Schema, SchemaRef};

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

/// `db.orders`, one column per type the expression language meets, a NULL in row 3 of each:
/// `id bigint, name varchar, amount double, qty integer, price decimal(10,2), day date,
/// ts timestamp, iso varchar (ISO dates and timestamps), flag boolean`.
pub(crate) fn orders() -> MemSource {
    use crate::arrow::array::{
        BooleanArray, Date32Array, Decimal128Array, Float64Array, Int32Array, TimestampMillisecondArray,
    };
    use crate::arrow::datatypes::TimeUnit;
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, true),
        Field::new("name", DataType::Utf8, true),
        Field::new("amount", DataType::Float64, true),
        Field::new("qty", DataType::Int32, true),
        Field::new("price", DataType::Decimal128(10, 2), true),
        Field::new("day", DataType::Date32, true),
        Field::new("ts", DataType::Timestamp(TimeUnit::Millisecond, None), true),
        Field::new("iso", DataType::Utf8, true),
        Field::new("flag", DataType::Boolean, true),
    ]));
    // 2024-01-31, 2024-02-29, 2023-12-15 as days since 1970-01-01.
    let (jan31, feb29, dec15) = (19_753, 19_782, 19_706);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![Some(1), Some(2), None, Some(4)])),
        Arc::new(StringArray::from(vec![
            Some("  Ann "),
            Some("bob"),
            None,
            Some("Élodie"),
        ])),
        Arc::new(Float64Array::from(vec![Some(12.5), Some(-3.25), None, Some(100.0)])),
        Arc::new(Int32Array::from(vec![Some(2), Some(0), None, Some(-7)])),
        Arc::new(
            Decimal128Array::from(vec![Some(125), Some(250), None, Some(-355)])
                .with_precision_and_scale(10, 2)
                .unwrap(),
        ),
        Arc::new(Date32Array::from(vec![Some(jan31), Some(feb29), None, Some(dec15)])),
        Arc::new(TimestampMillisecondArray::from(vec![
            Some(jan31 as i64 * 86_400_000 + 86_399_500),
            Some((feb29 as i64 + 1) * 86_400_000),
            None,
            Some(dec15 as i64 * 86_400_000 + 30_600_000),
        ])),
        Arc::new(StringArray::from(vec![
            Some("2024-01-31"),
            Some("2024-02-29T10:00:00Z"),
            None,
            Some("2023-12-15 08:30:00"),
        ])),
        Arc::new(BooleanArray::from(vec![Some(true), Some(false), None, Some(true)])),
    ];
    MemSource::one("db", "orders", RecordBatch::try_new(schema, columns).unwrap())
}

/// The cells of `SELECT <expr> FROM db.orders`, as the console shows them (NULL is empty).
pub(crate) fn cells(expr: &str) -> Result<Vec<String>> {
    let r = super::execute(&format!("SELECT {expr} FROM db.orders"), &orders())?;
    Ok(r.rows_as_strings().into_iter().map(|row| row[0].clone()).collect())
}

/// [`cells`], panicking with the expression on an error.
pub(crate) fn column(expr: &str) -> Vec<String> {
    cells(expr).unwrap_or_else(|e| panic!("{expr}: {e}"))
}

/// The error text of [`cells`], panicking if there is none.
pub(crate) fn error(expr: &str) -> String {
    match cells(expr) {
        Ok(v) => panic!("{expr}: expected an error, got {v:?}"),
        Err(e) => e.to_string(),
    }
}

/// The type of `SELECT <expr> FROM db.orders`.
pub(crate) fn type_of(expr: &str) -> DataType {
    let r =
        super::execute(&format!("SELECT {expr} FROM db.orders"), &orders()).unwrap_or_else(|e| panic!("{expr}: {e}"));
    r.batch.schema().field(0).data_type().clone()
}
