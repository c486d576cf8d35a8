//! One Arrow column being built from text (CSV) or JSON values, with the type checks both share.
//!
//! Every append either converts the value and appends it, or appends nothing and returns the
//! message for the `malformed` list (`expected bigint, found string "abc"`); the caller then
//! appends a null. Values are converted straight from borrowed text into Arrow builders, so a
//! cell costs no heap allocation unless it needs unescaping.

use std::sync::Arc;

use crate::arrow::array::{
    new_null_array, Array, ArrayRef, BinaryBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder,
    Int64Builder, StringBuilder,
};
use crate::arrow::compute::cast;
use crate::arrow::compute::kernels::cast_utils::{parse_decimal, string_to_timestamp_nanos, Parser};
use crate::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Field, Float64Type, Int64Type, Schema, SchemaRef, TimeUnit,
};
use base64::Engine;

use super::json::scan::{unescape_into, JsonKind, JsonValue};
use super::types::glue_type_name;
use crate::error::Result;

/// Longest value quoted in a message; longer ones are cut with `…` so one bad cell cannot flood the UI.
const SNIPPET_CHARS: usize = 40;

/// `value` cut to [`SNIPPET_CHARS`] characters, for messages.
pub(crate) fn snippet(value: &str) -> String {
    match value.char_indices().nth(SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

/// Builds one column of a declared type. Integers and floats of every width are gathered as
/// 64-bit values (after a range check) and cast once at the end, which keeps this enum small.
pub(crate) enum ColumnBuilder {
    Null(usize),
    Boolean(BooleanBuilder),
    Int {
        values: Int64Builder,
        min: i64,
        max: i64,
        target: DataType,
    },
    Float {
        values: Float64Builder,
        target: DataType,
    },
    Utf8 {
        values: StringBuilder,
        target: DataType,
    },
    Date32(Date32Builder),
    Timestamp {
        values: Int64Builder,
        unit: TimeUnit,
        target: DataType,
    },
    Decimal {
        values: Decimal128Builder,
        precision: u8,
        scale: i8,
    },
    Binary {
        values: BinaryBuilder,
        target: DataType,
    },
    Nested(NestedBuilder),
}

impl ColumnBuilder {
    /// A builder for `data_type`, or `None` when the text readers cannot produce that type.
    pub(crate) fn new(data_type: &DataType, capacity: usize) -> Option<Self> {
        let int = |min: i64, max: i64| ColumnBuilder::Int {
            values: Int64Builder::with_capacity(capacity),
            min,
            max,
            target: data_type.clone(),
        };
        Some(match data_type {
            DataType::Null => ColumnBuilder::Null(0),
            DataType::Boolean => ColumnBuilder::Boolean(BooleanBuilder::with_capacity(capacity)),
            DataType::Int8 => int(i8::MIN.into(), i8::MAX.into()),
            DataType::Int16 => int(i16::MIN.into(), i16::MAX.into()),
            DataType::Int32 => int(i32::MIN.into(), i32::MAX.into()),
            DataType::Int64 => int(i64::MIN, i64::MAX),
            DataType::UInt8 => int(0, u8::MAX.into()),
            DataType::UInt16 => int(0, u16::MAX.into()),
            DataType::UInt32 => int(0, u32::MAX.into()),
            DataType::UInt64 => int(0, i64::MAX),
            DataType::Float32 | DataType::Float64 => ColumnBuilder::Float {
                values: Float64Builder::with_capacity(capacity),
                target: data_type.clone(),
            },
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => ColumnBuilder::Utf8 {
                values: StringBuilder::with_capacity(capacity, capacity * 8),
                target: data_type.clone(),
            },
            DataType::Date32 => ColumnBuilder::Date32(Date32Builder::with_capacity(capacity)),
            DataType::Timestamp(unit, _) => ColumnBuilder::Timestamp {
                values: Int64Builder::with_capacity(capacity),
                unit: *unit,
                target: data_type.clone(),
            },
            DataType::Decimal128(precision, scale) => ColumnBuilder::Decimal {
                values: Decimal128Builder::with_capacity(capacity),
                precision: *precision,
                scale: *scale,
            },
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView => ColumnBuilder::Binary {
                values: BinaryBuilder::with_capacity(capacity, capacity * 8),
                target: data_type.clone(),
            },
            DataType::List(_) | DataType::LargeList(_) | DataType::Struct(_) | DataType::Map(_, _) => {
                ColumnBuilder::Nested(NestedBuilder::new(data_type).ok()?)
            }
            _ => return None,
        })
    }

    pub(crate) fn append_null(&mut self) {
        match self {
            ColumnBuilder::Null(n) => *n += 1,
            ColumnBuilder::Boolean(b) => b.append_null(),
            ColumnBuilder::Int { values, .. } | ColumnBuilder::Timestamp { values, .. } => values.append_null(),
            ColumnBuilder::Float { values, .. } => values.append_null(),
            ColumnBuilder::Utf8 { values, .. } => values.append_null(),
            ColumnBuilder::Date32(b) => b.append_null(),
            ColumnBuilder::Decimal { values, .. } => values.append_null(),
            ColumnBuilder::Binary { values, .. } => values.append_null(),
            ColumnBuilder::Nested(n) => n.pending_nulls += 1,
        }
    }

    /// The Glue name of the type being built, for messages.
    fn type_name(&self) -> String {
        match self {
            ColumnBuilder::Null(_) => "void".into(),
            ColumnBuilder::Boolean(_) => "boolean".into(),
            ColumnBuilder::Int { target, .. }
            | ColumnBuilder::Float { target, .. }
            | ColumnBuilder::Utf8 { target, .. }
            | ColumnBuilder::Timestamp { target, .. }
            | ColumnBuilder::Binary { target, .. } => glue_type_name(target),
            ColumnBuilder::Date32(_) => "date".into(),
            ColumnBuilder::Decimal { precision, scale, .. } => format!("decimal({precision},{scale})"),
            ColumnBuilder::Nested(n) => glue_type_name(n.field.data_type()),
        }
    }

    /// Appends one CSV cell. An empty cell is null for every type, quoted (`""`) or not: Spark
    /// 3.5's reader compares it with its `nullValue` (`""`) either way (the real-engine oracle's
    /// `csv-quoted-separator` case), though its writer writes an empty string as `""`.
    pub(crate) fn append_text(&mut self, text: &str) -> Result<(), String> {
        if text.is_empty() {
            self.append_null();
            return Ok(());
        }
        let mismatch = |b: &ColumnBuilder| format!("expected {}, found \"{}\"", b.type_name(), snippet(text));
        match self {
            ColumnBuilder::Null(_) => return Err(mismatch(self)),
            ColumnBuilder::Boolean(b) => {
                if text.eq_ignore_ascii_case("true") {
                    b.append_value(true)
                } else if text.eq_ignore_ascii_case("false") {
                    b.append_value(false)
                } else {
                    return Err(mismatch(self));
                }
            }
            ColumnBuilder::Int { values, min, max, .. } => match Int64Type::parse(text) {
                Some(v) if (*min..=*max).contains(&v) => values.append_value(v),
                Some(_) => return Err(format!("{} (out of range)", mismatch(self))),
                None => return Err(mismatch(self)),
            },
            ColumnBuilder::Float { values, .. } => match parse_float(text) {
                Some(v) => values.append_value(v),
                None => return Err(mismatch(self)),
            },
            ColumnBuilder::Utf8 { values, .. } => values.append_value(text),
            ColumnBuilder::Nested(n) => n.append_json_text(text)?,
            _ => return self.append_string_value(text, || format!("\"{}\"", snippet(text))),
        }
        Ok(())
    }

    /// Appends one JSON value. `scratch` is reused to unescape strings, so rows do not allocate.
    ///
    /// Conversions are strict (see the module docs of `json`): only a string column accepts any
    /// JSON value, keeping numbers, booleans, objects and arrays as their JSON text, as Spark does.
    pub(crate) fn append_json(&mut self, value: &JsonValue<'_>, scratch: &mut String) -> Result<(), String> {
        let found = || match value.kind {
            JsonKind::Null => "null".to_string(),
            JsonKind::Bool(b) => format!("boolean {b}"),
            JsonKind::Number { .. } => format!("number {}", snippet(value.text)),
            JsonKind::String { .. } => format!("string \"{}\"", snippet(value.text)),
            JsonKind::Object => format!("object {}", snippet(value.text)),
            JsonKind::Array => format!("array {}", snippet(value.text)),
        };
        let mismatch = |b: &ColumnBuilder| format!("expected {}, found {}", b.type_name(), found());
        // Only strings need unescaping; `text` is used as is when it has no escapes.
        let string = |scratch: &mut String| -> Result<(), String> {
            if let JsonKind::String { escaped: true } = value.kind {
                scratch.clear();
                unescape_into(value.text, scratch)?;
            }
            Ok(())
        };
        match (&mut *self, value.kind) {
            (_, JsonKind::Null) => self.append_null(),
            (ColumnBuilder::Boolean(b), JsonKind::Bool(v)) => b.append_value(v),
            (ColumnBuilder::Int { values, min, max, .. }, JsonKind::Number { int: true }) => {
                match Int64Type::parse(value.text) {
                    Some(v) if (*min..=*max).contains(&v) => values.append_value(v),
                    _ => return Err(format!("{} (out of range)", mismatch(self))),
                }
            }
            (ColumnBuilder::Float { values, .. }, JsonKind::Number { .. }) => match parse_float(value.text) {
                Some(v) => values.append_value(v),
                None => return Err(mismatch(self)),
            },
            // Spark writes NaN and infinities as the strings "NaN", "Infinity", "-Infinity".
            (ColumnBuilder::Float { values, .. }, JsonKind::String { escaped: false }) => {
                match non_finite(value.text) {
                    Some(v) => values.append_value(v),
                    None => return Err(mismatch(self)),
                }
            }
            (ColumnBuilder::Utf8 { values, .. }, JsonKind::String { escaped }) => {
                if escaped {
                    string(scratch)?;
                    values.append_value(scratch.as_str());
                } else {
                    values.append_value(value.text);
                }
            }
            (ColumnBuilder::Utf8 { values, .. }, _) => values.append_value(value.text),
            (
                ColumnBuilder::Decimal {
                    values,
                    precision,
                    scale,
                },
                JsonKind::Number { .. },
            ) => match parse_decimal::<Decimal128Type>(value.text, *precision, *scale) {
                Ok(v) => values.append_value(v),
                Err(_) => return Err(format!("{} (out of range)", mismatch(self))),
            },
            (ColumnBuilder::Nested(n), JsonKind::Object | JsonKind::Array) => n.append_json_text(value.text)?,
            (
                ColumnBuilder::Date32(_)
                | ColumnBuilder::Timestamp { .. }
                | ColumnBuilder::Decimal { .. }
                | ColumnBuilder::Binary { .. },
                JsonKind::String { escaped },
            ) => {
                let text = if escaped {
                    string(scratch)?;
                    scratch.as_str()
                } else {
                    value.text
                };
                return self.append_string_value(text, found);
            }
            _ => return Err(mismatch(self)),
        }
        Ok(())
    }

    /// Appends a value that both formats write as text: date, timestamp, decimal, binary (base64).
    fn append_string_value(&mut self, text: &str, found: impl Fn() -> String) -> Result<(), String> {
        let mismatch = |b: &ColumnBuilder| format!("expected {}, found {}", b.type_name(), found());
        match self {
            ColumnBuilder::Date32(b) => match Date32Type::parse(text) {
                Some(v) => b.append_value(v),
                None => return Err(mismatch(self)),
            },
            ColumnBuilder::Timestamp { values, unit, .. } => {
                let per_unit = match unit {
                    TimeUnit::Second => 1_000_000_000,
                    TimeUnit::Millisecond => 1_000_000,
                    TimeUnit::Microsecond => 1_000,
                    TimeUnit::Nanosecond => 1,
                };
                match string_to_timestamp_nanos(text) {
                    Ok(nanos) => values.append_value(nanos.div_euclid(per_unit)),
                    Err(_) => return Err(mismatch(self)),
                }
            }
            ColumnBuilder::Decimal {
                values,
                precision,
                scale,
            } => match parse_decimal::<Decimal128Type>(text, *precision, *scale) {
                Ok(v) => values.append_value(v),
                Err(_) => return Err(mismatch(self)),
            },
            ColumnBuilder::Binary { values, .. } => match base64::engine::general_purpose::STANDARD.decode(text) {
                Ok(bytes) => values.append_value(bytes),
                Err(_) => return Err(format!("{} (binary is read as base64)", mismatch(self))),
            },
            _ => return Err(mismatch(self)),
        }
        Ok(())
    }

    /// The finished column, cast to the declared type where values were gathered wider.
    pub(crate) fn finish(&mut self) -> Result<ArrayRef> {
        let array: ArrayRef = match self {
            ColumnBuilder::Null(n) => new_null_array(&DataType::Null, *n),
            ColumnBuilder::Boolean(b) => Arc::new(b.finish()),
            ColumnBuilder::Int { values, target, .. } => cast_to(Arc::new(values.finish()), target)?,
            ColumnBuilder::Float { values, target } => cast_to(Arc::new(values.finish()), target)?,
            ColumnBuilder::Utf8 { values, target } => cast_to(Arc::new(values.finish()), target)?,
            ColumnBuilder::Date32(b) => Arc::new(b.finish()),
            ColumnBuilder::Timestamp { values, target, .. } => cast_to(Arc::new(values.finish()), target)?,
            ColumnBuilder::Decimal {
                values,
                precision,
                scale,
            } => Arc::new(values.finish().with_precision_and_scale(*precision, *scale)?),
            ColumnBuilder::Binary { values, target } => cast_to(Arc::new(values.finish()), target)?,
            ColumnBuilder::Nested(n) => n.finish()?,
        };
        Ok(array)
    }
}

fn cast_to(array: ArrayRef, target: &DataType) -> Result<ArrayRef> {
    if array.data_type() == target {
        Ok(array)
    } else {
        Ok(cast(&array, target)?)
    }
}

/// Parses a float the way Spark accepts them in text: decimal or exponent notation, plus
/// `NaN`, `Infinity`, `-Infinity` (and `inf`). Requires a digit unless it is one of those names.
pub(crate) fn parse_float(text: &str) -> Option<f64> {
    if let Some(v) = non_finite(text) {
        return Some(v);
    }
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    Float64Type::parse(text)
}

/// The non-finite spellings Spark reads and writes.
fn non_finite(text: &str) -> Option<f64> {
    let t = text.trim();
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let v = if t.eq_ignore_ascii_case("nan") {
        f64::NAN
    } else if t.eq_ignore_ascii_case("infinity") || t.eq_ignore_ascii_case("inf") {
        f64::INFINITY
    } else {
        return None;
    };
    Some(if negative { -v } else { v })
}

/// A list, struct or map column. Each value is decoded on its own by arrow's JSON decoder so a
/// bad value is caught on its own row (best effort: slower than the flat types, and Arrow's
/// message is used as is).
pub(crate) struct NestedBuilder {
    field: Arc<Field>,
    decoder: crate::arrow::json::reader::Decoder,
    parts: Vec<ArrayRef>,
    pending_nulls: usize,
    line: Vec<u8>,
}

impl NestedBuilder {
    fn new(data_type: &DataType) -> Result<Self> {
        let field = Arc::new(Field::new("v", data_type.clone(), true));
        Ok(Self {
            decoder: Self::decoder(&field)?,
            field,
            parts: Vec::new(),
            pending_nulls: 0,
            line: Vec::new(),
        })
    }

    fn decoder(field: &Arc<Field>) -> Result<crate::arrow::json::reader::Decoder> {
        let schema: SchemaRef = Arc::new(Schema::new(vec![field.clone()]));
        Ok(crate::arrow::json::ReaderBuilder::new(schema)
            .with_batch_size(1)
            .build_decoder()?)
    }

    fn flush_nulls(&mut self) {
        if self.pending_nulls > 0 {
            self.parts
                .push(new_null_array(self.field.data_type(), self.pending_nulls));
            self.pending_nulls = 0;
        }
    }

    fn append_json_text(&mut self, text: &str) -> Result<(), String> {
        self.line.clear();
        self.line.extend_from_slice(b"{\"v\":");
        self.line.extend_from_slice(text.as_bytes());
        self.line.push(b'}');
        let decoded = self.decoder.decode(&self.line).and_then(|used| {
            if used != self.line.len() || self.decoder.has_partial_record() {
                return Err(crate::arrow::error::ArrowError::JsonError("not one JSON value".into()));
            }
            self.decoder.flush()
        });
        match decoded {
            Ok(Some(batch)) if batch.num_rows() == 1 => {
                self.flush_nulls();
                self.parts.push(batch.column(0).clone());
                Ok(())
            }
            other => {
                // The decoder may hold half a record after an error: start a clean one.
                self.decoder = Self::decoder(&self.field).map_err(|e| e.to_string())?;
                let why = match other {
                    Err(e) => e.to_string(),
                    Ok(_) => "no value".to_string(),
                };
                Err(format!(
                    "expected {}, found {} ({why})",
                    glue_type_name(self.field.data_type()),
                    snippet(text.trim())
                ))
            }
        }
    }

    fn finish(&mut self) -> Result<ArrayRef> {
        self.flush_nulls();
        let parts = std::mem::take(&mut self.parts);
        match parts.len() {
            0 => Ok(new_null_array(self.field.data_type(), 0)),
            1 => Ok(parts[0].clone()),
            _ => {
                let refs: Vec<&dyn Array> = parts.iter().map(|a| a.as_ref()).collect();
                Ok(crate::arrow::compute::concat(&refs)?)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow::array::AsArray;
    use crate::arrow::datatypes::{Int32Type, Int8Type};

    #[test]
    fn test_builder_text_conversions() {
        let mut b = ColumnBuilder::new(&DataType::Int8, 4).unwrap();
        b.append_text("12").unwrap();
        let err = b.append_text("300").unwrap_err();
        assert_eq!(err, "expected tinyint, found \"300\" (out of range)");
        b.append_text("").unwrap();
        let a = b.finish().unwrap();
        assert_eq!(a.as_primitive::<Int8Type>().value(0), 12);
        assert_eq!(a.len(), 2);
        assert!(a.is_null(1));

        let mut b = ColumnBuilder::new(&DataType::Utf8, 4).unwrap();
        b.append_text("").unwrap();
        b.append_text("").unwrap();
        let a = b.finish().unwrap();
        assert_eq!(a.as_string::<i32>().value(0), "");
        assert!(a.is_null(1));
    }

    #[test]
    fn test_builder_floats_accept_spark_spellings() {
        assert!(parse_float("NaN").unwrap().is_nan());
        assert_eq!(parse_float("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_float("1e3"), Some(1000.0));
        assert_eq!(parse_float("abc"), None);
        assert_eq!(parse_float("e"), None);
    }

    #[test]
    fn test_builder_snippet_cuts_long_values() {
        let long = "x".repeat(100);
        assert_eq!(snippet(&long).chars().count(), SNIPPET_CHARS + 1);
        assert_eq!(snippet("short"), "short");
    }

    #[test]
    fn test_builder_nested_value_errors_stay_on_their_row() {
        let list = DataType::List(Arc::new(Field::new("item", DataType::Int32, true)));
        let mut b = ColumnBuilder::new(&list, 4).unwrap();
        b.append_text("[1,2]").unwrap();
        assert!(b
            .append_text("\"abc\"")
            .unwrap_err()
            .starts_with("expected array<int>, found \"abc\""));
        b.append_null();
        b.append_text("[3]").unwrap();
        let a = b.finish().unwrap();
        assert_eq!(a.len(), 3);
        let l = a.as_list::<i32>();
        assert_eq!(l.value(0).as_primitive::<Int32Type>().values(), &[1, 2]);
        assert!(l.is_null(1));
        assert_eq!(l.value(2).as_primitive::<Int32Type>().values(), &[3]);
    }
}
