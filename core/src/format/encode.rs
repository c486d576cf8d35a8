//! Turning Arrow values into the text the JSON and CSV writers emit.
//!
//! Both writers spell values the same way, and always in a form the readers take back
//! (round-trip): floats in Rust's shortest exact form (`0.1`, `1e300`) with `NaN`, `Infinity`,
//! `-Infinity` as Spark spells them, dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS[.fff]`
//! (with `Z` when the column has a time zone), decimals exact, binary as base64. Lists, structs and
//! maps are JSON text from arrow's JSON encoder.

use std::io::Write;

use crate::arrow::array::{
    Array, ArrayRef, AsArray, BinaryArray, BooleanArray, Date32Array, Decimal128Array, Float32Array, Float64Array,
    Int64Array, RecordBatch, StringArray,
};
use crate::arrow::compute::cast;
use crate::arrow::datatypes::{DataType, Decimal128Type, DecimalType, FieldRef, Schema, TimeUnit};
use crate::arrow::json::writer::{make_encoder, EncoderOptions, NullableEncoder};
use base64::Engine;
use chrono::{DateTime, Datelike, Timelike};

use crate::error::{Error, Result};

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// One column ready to be written row by row.
pub(crate) enum ColumnWriter<'a> {
    Null,
    Bool(&'a BooleanArray),
    Int(&'a Int64Array),
    F32(&'a Float32Array),
    F64(&'a Float64Array),
    Str(&'a StringArray),
    Date(&'a Date32Array),
    /// Cast to Int64 by `prepare` (nulls kept); `unit` and `zoned` come from the field.
    Timestamp {
        values: &'a Int64Array,
        unit: TimeUnit,
        zoned: bool,
    },
    Decimal(&'a Decimal128Array, u8, i8),
    Binary(&'a BinaryArray),
    Nested(NullableEncoder<'a>),
}

impl<'a> ColumnWriter<'a> {
    /// Normalises each column to the few array types the writer handles (all integers to
    /// Int64, large strings to Utf8, timestamps to their Int64 values, ...), so the per-row
    /// code has few cases.
    pub(crate) fn prepare(batch: &RecordBatch) -> Result<Vec<ArrayRef>> {
        batch
            .columns()
            .iter()
            .map(|c| {
                let target = match c.data_type() {
                    DataType::Int8
                    | DataType::Int16
                    | DataType::Int32
                    | DataType::UInt8
                    | DataType::UInt16
                    | DataType::UInt32
                    | DataType::UInt64
                    | DataType::Timestamp(_, _) => Some(DataType::Int64),
                    DataType::LargeUtf8 | DataType::Utf8View => Some(DataType::Utf8),
                    DataType::Date64 => Some(DataType::Date32),
                    DataType::LargeBinary | DataType::BinaryView => Some(DataType::Binary),
                    _ => None,
                };
                Ok(match target {
                    Some(t) => cast(c, &t)?,
                    None => c.clone(),
                })
            })
            .collect()
    }

    /// Writers over the columns from [`ColumnWriter::prepare`]; `options` serve nested columns.
    pub(crate) fn for_columns(
        schema: &'a Schema,
        columns: &'a [ArrayRef],
        options: &'a EncoderOptions,
    ) -> Result<Vec<ColumnWriter<'a>>> {
        schema
            .fields()
            .iter()
            .zip(columns)
            .map(|(field, column)| Self::new(field, column, options))
            .collect()
    }

    fn new(field: &'a FieldRef, column: &'a ArrayRef, options: &'a EncoderOptions) -> Result<Self> {
        Ok(match (field.data_type(), column.data_type()) {
            (_, DataType::Null) => ColumnWriter::Null,
            (DataType::Timestamp(unit, tz), _) => ColumnWriter::Timestamp {
                values: column.as_primitive(),
                unit: *unit,
                zoned: tz.is_some(),
            },
            (_, DataType::Boolean) => ColumnWriter::Bool(column.as_boolean()),
            (_, DataType::Int64) => ColumnWriter::Int(column.as_primitive()),
            (_, DataType::Float32) => ColumnWriter::F32(column.as_primitive()),
            (_, DataType::Float64) => ColumnWriter::F64(column.as_primitive()),
            (_, DataType::Utf8) => ColumnWriter::Str(column.as_string()),
            (_, DataType::Date32) => ColumnWriter::Date(column.as_primitive()),
            (_, DataType::Decimal128(p, s)) => ColumnWriter::Decimal(column.as_primitive(), *p, *s),
            (_, DataType::Binary) => ColumnWriter::Binary(column.as_binary()),
            (_, DataType::List(_) | DataType::LargeList(_) | DataType::Struct(_) | DataType::Map(_, _)) => {
                ColumnWriter::Nested(make_encoder(field, column.as_ref(), options)?)
            }
            (_, other) => {
                return Err(Error::InvalidInput(format!(
                    "cannot write column \"{}\" of type {} as text",
                    field.name(),
                    super::types::glue_type_name(other)
                )))
            }
        })
    }

    pub(crate) fn is_null(&self, row: usize) -> bool {
        match self {
            ColumnWriter::Null => true,
            ColumnWriter::Bool(a) => a.is_null(row),
            ColumnWriter::Int(a) => a.is_null(row),
            ColumnWriter::F32(a) => a.is_null(row),
            ColumnWriter::F64(a) => a.is_null(row),
            ColumnWriter::Str(a) => a.is_null(row),
            ColumnWriter::Date(a) => a.is_null(row),
            ColumnWriter::Timestamp { values, .. } => values.is_null(row),
            ColumnWriter::Decimal(a, _, _) => a.is_null(row),
            ColumnWriter::Binary(a) => a.is_null(row),
            ColumnWriter::Nested(e) => e.is_null(row),
        }
    }

    /// Whether the text form must be a JSON string (quoted) rather than a bare JSON token.
    fn is_json_string(&self, row: usize) -> bool {
        match self {
            ColumnWriter::Str(_) | ColumnWriter::Date(_) | ColumnWriter::Timestamp { .. } | ColumnWriter::Binary(_) => {
                true
            }
            ColumnWriter::F32(a) => !a.value(row).is_finite(),
            ColumnWriter::F64(a) => !a.value(row).is_finite(),
            _ => false,
        }
    }

    /// Appends the non-null value at `row` as a JSON value.
    pub(crate) fn write_json(&mut self, row: usize, out: &mut Vec<u8>) {
        match self {
            ColumnWriter::Str(a) => serde_json::to_writer(&mut *out, a.value(row)).expect("writing to a Vec"),
            ColumnWriter::Nested(e) => e.encode(row, out),
            _ if self.is_json_string(row) => {
                // Dates, timestamps, base64 and non-finite floats never need escaping.
                out.push(b'"');
                self.write_text(row, out);
                out.push(b'"');
            }
            _ => self.write_text(row, out),
        }
    }

    /// Appends the non-null value at `row` as plain text (the CSV cell before quoting).
    pub(crate) fn write_text(&mut self, row: usize, out: &mut Vec<u8>) {
        let result = match self {
            ColumnWriter::Null => Ok(()),
            ColumnWriter::Bool(a) => {
                out.extend_from_slice(if a.value(row) { b"true" } else { b"false" });
                Ok(())
            }
            ColumnWriter::Int(a) => write!(out, "{}", a.value(row)),
            ColumnWriter::F32(a) => write_float(out, a.value(row).into(), || format!("{:?}", a.value(row))),
            ColumnWriter::F64(a) => write_float(out, a.value(row), || format!("{:?}", a.value(row))),
            ColumnWriter::Str(a) => {
                out.extend_from_slice(a.value(row).as_bytes());
                Ok(())
            }
            ColumnWriter::Date(a) => write_date(out, a.value(row)),
            ColumnWriter::Timestamp {
                values, unit, zoned, ..
            } => write_timestamp(out, values.value(row), *unit, *zoned),
            ColumnWriter::Decimal(a, p, s) => {
                out.extend_from_slice(Decimal128Type::format_decimal(a.value(row), *p, *s).as_bytes());
                Ok(())
            }
            ColumnWriter::Binary(a) => {
                out.extend_from_slice(
                    base64::engine::general_purpose::STANDARD
                        .encode(a.value(row))
                        .as_bytes(),
                );
                Ok(())
            }
            ColumnWriter::Nested(e) => {
                e.encode(row, out);
                Ok(())
            }
        };
        result.expect("writing to a Vec cannot fail");
    }
}

/// Finite floats in Rust's shortest round-trip form (`{:?}` keeps `1.0` a float); the rest as Spark spells them.
fn write_float(out: &mut Vec<u8>, v: f64, finite: impl Fn() -> String) -> std::io::Result<()> {
    if v.is_nan() {
        out.extend_from_slice(b"NaN");
    } else if v.is_infinite() {
        out.extend_from_slice(if v > 0.0 { b"Infinity" } else { b"-Infinity" });
    } else {
        out.extend_from_slice(finite().as_bytes());
    }
    Ok(())
}

fn write_date(out: &mut Vec<u8>, days: i32) -> std::io::Result<()> {
    match chrono::NaiveDate::from_num_days_from_ce_opt(days.saturating_add(UNIX_EPOCH_DAYS_FROM_CE)) {
        Some(d) => write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        None => write!(out, "{days}"),
    }
}

fn write_timestamp(out: &mut Vec<u8>, value: i64, unit: TimeUnit, zoned: bool) -> std::io::Result<()> {
    let (per_second, digits) = match unit {
        TimeUnit::Second => (1, 0),
        TimeUnit::Millisecond => (1_000, 3),
        TimeUnit::Microsecond => (1_000_000, 6),
        TimeUnit::Nanosecond => (1_000_000_000, 9),
    };
    let (seconds, fraction) = (value.div_euclid(per_second), value.rem_euclid(per_second));
    let nanos = (fraction * (1_000_000_000 / per_second)) as u32;
    let Some(t) = DateTime::from_timestamp(seconds, nanos) else {
        return write!(out, "{value}");
    };
    write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )?;
    if fraction != 0 {
        write!(out, ".{:0width$}", fraction, width = digits)?;
    }
    if zoned {
        out.push(b'Z');
    }
    Ok(())
}

/// A single-column batch writer is handy in tests of both text formats.
#[cfg(test)]
pub(crate) fn text_of(array: ArrayRef) -> String {
    let field = std::sync::Arc::new(crate::arrow::datatypes::Field::new(
        "v",
        array.data_type().clone(),
        true,
    ));
    let batch = RecordBatch::try_new(std::sync::Arc::new(Schema::new(vec![field])), vec![array]).unwrap();
    let columns = ColumnWriter::prepare(&batch).unwrap();
    let schema = batch.schema();
    let options = EncoderOptions::default();
    let mut writers = ColumnWriter::for_columns(&schema, &columns, &options).unwrap();
    let mut out = Vec::new();
    writers[0].write_text(0, &mut out);
    String::from_utf8(out).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow::array::{
        Date32Array, TimestampMicrosecondArray, TimestampMillisecondArray, TimestampSecondArray,
    };
    use std::sync::Arc;

    #[test]
    fn test_encode_dates_and_timestamps() {
        assert_eq!(text_of(Arc::new(Date32Array::from(vec![0]))), "1970-01-01");
        assert_eq!(text_of(Arc::new(Date32Array::from(vec![-1]))), "1969-12-31");
        assert_eq!(
            text_of(Arc::new(TimestampMillisecondArray::from(vec![1_610_008_800_000]))),
            "2021-01-07 08:40:00"
        );
        assert_eq!(
            text_of(Arc::new(TimestampMillisecondArray::from(vec![-1]))),
            "1969-12-31 23:59:59.999"
        );
        assert_eq!(
            text_of(Arc::new(TimestampMicrosecondArray::from(vec![1_500]))),
            "1970-01-01 00:00:00.001500"
        );
        let zoned = TimestampSecondArray::from(vec![60]).with_timezone("UTC");
        assert_eq!(text_of(Arc::new(zoned)), "1970-01-01 00:01:00Z");
    }

    #[test]
    fn test_encode_floats() {
        assert_eq!(text_of(Arc::new(Float64Array::from(vec![1.0]))), "1.0");
        assert_eq!(text_of(Arc::new(Float64Array::from(vec![1e-7]))), "1e-7");
        assert_eq!(
            text_of(Arc::new(Float64Array::from(vec![f64::NEG_INFINITY]))),
            "-Infinity"
        );
        assert_eq!(text_of(Arc::new(Float32Array::from(vec![0.1f32]))), "0.1");
    }
}
