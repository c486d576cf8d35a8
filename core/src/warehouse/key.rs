//! Typed key values: what JDBC bookmark keys (`jobBookmarkKeys`) and merge keys compare.
//!
//! A key is read from a table's Arrow column, so its type is the column's: integers compare
//! numerically, text by bytes, dates and timestamps chronologically, and NULL comes first, as
//! in the database's `ORDER BY`. The bookmark stores a key as text (`lastKey`); [`KeyValue::parse`]
//! reads it back as the type of its column.

use std::cmp::Ordering;
use std::fmt;

use crate::arrow::array::{Array, AsArray};
use crate::arrow::compute::kernels::cast_utils::parse_decimal;
use crate::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, DecimalType, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type,
    Int8Type, TimeUnit, TimestampMillisecondType,
};

use crate::error::{Error, Result};
use crate::format::types::glue_type_name;

/// One cell of a warehouse table, typed as its column.
#[derive(Debug, Clone)]
pub enum KeyValue {
    Null,
    Boolean(bool),
    Int(i64),
    Float(f64),
    /// Units of 10^-scale (`12.50` in `decimal(10,2)` is 1250).
    Decimal {
        units: i128,
        scale: i8,
    },
    Text(String),
    /// Days since 1970-01-01.
    Date(i32),
    /// Milliseconds since 1970-01-01 00:00:00 (no zone, as Glue's `timestamp`).
    Timestamp(i64),
}

impl KeyValue {
    /// The value at `row` of `column`; nested types are not keys.
    pub fn of(column: &dyn Array, row: usize) -> Result<KeyValue> {
        if column.is_null(row) {
            return Ok(KeyValue::Null);
        }
        Ok(match column.data_type() {
            DataType::Boolean => KeyValue::Boolean(column.as_boolean().value(row)),
            DataType::Int8 => KeyValue::Int(column.as_primitive::<Int8Type>().value(row).into()),
            DataType::Int16 => KeyValue::Int(column.as_primitive::<Int16Type>().value(row).into()),
            DataType::Int32 => KeyValue::Int(column.as_primitive::<Int32Type>().value(row).into()),
            DataType::Int64 => KeyValue::Int(column.as_primitive::<Int64Type>().value(row)),
            DataType::Float32 => KeyValue::Float(column.as_primitive::<Float32Type>().value(row).into()),
            DataType::Float64 => KeyValue::Float(column.as_primitive::<Float64Type>().value(row)),
            DataType::Decimal128(_, scale) => KeyValue::Decimal {
                units: column.as_primitive::<Decimal128Type>().value(row),
                scale: *scale,
            },
            DataType::Utf8 => KeyValue::Text(column.as_string::<i32>().value(row).to_string()),
            DataType::Date32 => KeyValue::Date(column.as_primitive::<Date32Type>().value(row)),
            DataType::Timestamp(TimeUnit::Millisecond, None) => {
                KeyValue::Timestamp(column.as_primitive::<TimestampMillisecondType>().value(row))
            }
            other => {
                return Err(Error::InvalidInput(format!(
                    "a {} column cannot be a key",
                    glue_type_name(other)
                )))
            }
        })
    }

    /// A key's text (`lastKey`, as [`fmt::Display`] writes it) back as a value of type `t`.
    /// `null` is NULL whatever the type, as the bookmark has always written it.
    pub fn parse(text: &str, t: &DataType) -> Result<KeyValue> {
        if text == "null" {
            return Ok(KeyValue::Null);
        }
        let invalid = || Error::InvalidInput(format!("\"{text}\" is not a valid {}", glue_type_name(t)));
        Ok(match t {
            DataType::Boolean => KeyValue::Boolean(text.parse().map_err(|_| invalid())?),
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
                KeyValue::Int(text.parse().map_err(|_| invalid())?)
            }
            DataType::Float32 | DataType::Float64 => KeyValue::Float(text.parse().map_err(|_| invalid())?),
            DataType::Decimal128(precision, scale) => KeyValue::Decimal {
                units: parse_decimal::<Decimal128Type>(text, *precision, *scale).map_err(|_| invalid())?,
                scale: *scale,
            },
            DataType::Utf8 => KeyValue::Text(text.to_string()),
            DataType::Date32 => KeyValue::Date(parse_date(text).ok_or_else(invalid)?),
            DataType::Timestamp(TimeUnit::Millisecond, None) => {
                KeyValue::Timestamp(parse_timestamp(text).ok_or_else(invalid)?)
            }
            _ => return Err(invalid()),
        })
    }

    /// Orders kinds that never meet in one column (a column has one type), so `Ord` is total.
    fn rank(&self) -> u8 {
        match self {
            KeyValue::Null => 0,
            KeyValue::Boolean(_) => 1,
            KeyValue::Int(_) | KeyValue::Float(_) | KeyValue::Decimal { .. } => 2,
            KeyValue::Text(_) => 3,
            KeyValue::Date(_) => 4,
            KeyValue::Timestamp(_) => 5,
        }
    }
}

/// `YYYY-MM-DD` as days since the epoch.
pub(crate) fn parse_date(text: &str) -> Option<i32> {
    let d = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some((d - chrono::NaiveDate::default()).num_days() as i32)
}

/// `YYYY-MM-DD HH:MM:SS[.fff]` (or with a `T`) as milliseconds since the epoch.
pub(crate) fn parse_timestamp(text: &str) -> Option<i64> {
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(text, f).ok())
        .map(|t| t.and_utc().timestamp_millis())
}

/// A decimal as `f64`, for comparing it with other numbers.
fn decimal_f64(units: i128, scale: i8) -> f64 {
    units as f64 / 10f64.powi(scale.into())
}

impl Ord for KeyValue {
    fn cmp(&self, other: &Self) -> Ordering {
        use KeyValue::*;
        match (self, other) {
            (Null, Null) => Ordering::Equal,
            (Boolean(a), Boolean(b)) => a.cmp(b),
            (Int(a), Int(b)) => a.cmp(b),
            (Float(a), Float(b)) => a.total_cmp(b),
            (Decimal { units: a, scale: s }, Decimal { units: b, scale: t }) if s == t => a.cmp(b),
            (Text(a), Text(b)) => a.cmp(b),
            (Date(a), Date(b)) => a.cmp(b),
            (Timestamp(a), Timestamp(b)) => a.cmp(b),
            // Numbers of different kinds (a decimal against an integer, two scales): by value.
            (a, b) if a.rank() == 2 && b.rank() == 2 => a.as_f64().total_cmp(&b.as_f64()),
            (a, b) => a.rank().cmp(&b.rank()),
        }
    }
}

impl KeyValue {
    fn as_f64(&self) -> f64 {
        match self {
            KeyValue::Int(i) => *i as f64,
            KeyValue::Float(x) => *x,
            KeyValue::Decimal { units, scale } => decimal_f64(*units, *scale),
            _ => f64::NAN,
        }
    }
}

impl PartialOrd for KeyValue {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for KeyValue {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for KeyValue {}

impl fmt::Display for KeyValue {
    /// The key as the bookmark's `lastKey` holds it: digits, text as itself, `YYYY-MM-DD`,
    /// `YYYY-MM-DD HH:MM:SS[.fff]`, `null`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyValue::Null => f.write_str("null"),
            KeyValue::Boolean(b) => write!(f, "{b}"),
            KeyValue::Int(i) => write!(f, "{i}"),
            // `{:?}` keeps `1.0` a float, as the bookmark wrote it.
            KeyValue::Float(x) => write!(f, "{x:?}"),
            KeyValue::Decimal { units, scale } => f.write_str(&Decimal128Type::format_decimal(*units, 38, *scale)),
            KeyValue::Text(s) => f.write_str(s),
            KeyValue::Date(days) => {
                match chrono::NaiveDate::default().checked_add_signed(chrono::TimeDelta::days((*days).into())) {
                    Some(d) => write!(f, "{}", d.format("%Y-%m-%d")),
                    None => write!(f, "{days}"),
                }
            }
            KeyValue::Timestamp(ms) => match chrono::DateTime::from_timestamp_millis(*ms) {
                Some(t) if ms.rem_euclid(1000) == 0 => write!(f, "{}", t.format("%Y-%m-%d %H:%M:%S")),
                Some(t) => write!(f, "{}", t.format("%Y-%m-%d %H:%M:%S%.3f")),
                None => write!(f, "{ms}"),
            },
        }
    }
}

/// Orders key tuples column by column, as `ORDER BY k1, k2` does.
pub fn compare_keys(a: &[KeyValue], b: &[KeyValue]) -> Ordering {
    a.iter().cmp(b.iter())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow::array::{Date32Array, Int32Array, StringArray, TimestampMillisecondArray};

    fn parse(text: &str, glue_type: &str) -> KeyValue {
        KeyValue::parse(text, &crate::format::types::parse_glue_type(glue_type).unwrap()).unwrap()
    }

    #[test]
    fn integers_compare_numerically_and_text_lexically() {
        assert!(parse("9", "int") < parse("10", "int"));
        assert!(parse("9", "string") > parse("10", "string"));
        assert!(parse("-1", "bigint") < parse("0", "bigint"));
        assert_eq!(
            compare_keys(
                &[KeyValue::Int(1), KeyValue::Int(9)],
                &[KeyValue::Int(1), KeyValue::Int(10)]
            ),
            Ordering::Less
        );
    }

    #[test]
    fn dates_and_timestamps_compare_chronologically() {
        assert!(parse("2024-02-01", "date") > parse("2024-01-31", "date"));
        assert!(parse("1969-12-31", "date") < parse("1970-01-01", "date"));
        // Text order would put the `T` form after the space form; time says otherwise.
        assert!(parse("2024-01-15T09:00:00", "timestamp") < parse("2024-01-15 10:00:00", "timestamp"));
        assert!(parse("2024-01-15 10:00:00.5", "timestamp") > parse("2024-01-15 10:00:00", "timestamp"));
    }

    #[test]
    fn null_comes_first_and_reads_back_for_every_type() {
        assert!(KeyValue::Null < KeyValue::Int(i64::MIN));
        assert!(KeyValue::Null < KeyValue::Text(String::new()));
        assert_eq!(parse("null", "int"), KeyValue::Null);
        assert_eq!(parse("null", "string"), KeyValue::Null);
    }

    #[test]
    fn the_text_form_reads_back_as_the_same_key() {
        for (text, glue_type) in [
            ("10", "bigint"),
            ("-3", "int"),
            ("Ana", "string"),
            ("1.5", "double"),
            ("1.0", "double"),
            ("12.50", "decimal(10,2)"),
            ("2024-01-15", "date"),
            ("2024-01-15 10:00:00", "timestamp"),
            ("2024-01-15 10:00:00.250", "timestamp"),
            ("true", "boolean"),
        ] {
            assert_eq!(parse(text, glue_type).to_string(), text, "{glue_type}");
        }
        assert_eq!(
            parse("2024-01-15T10:00:00", "timestamp").to_string(),
            "2024-01-15 10:00:00"
        );
        let e = KeyValue::parse("abc", &DataType::Int32).unwrap_err().to_string();
        assert!(e.contains("\"abc\" is not a valid int"), "{e}");
    }

    #[test]
    fn keys_are_read_from_columns_with_their_type() {
        let ints = Int32Array::from(vec![Some(7), None]);
        assert_eq!(KeyValue::of(&ints, 0).unwrap(), KeyValue::Int(7));
        assert_eq!(KeyValue::of(&ints, 1).unwrap(), KeyValue::Null);
        let text = StringArray::from(vec!["x"]);
        assert_eq!(KeyValue::of(&text, 0).unwrap(), KeyValue::Text("x".into()));
        let dates = Date32Array::from(vec![19737]);
        assert_eq!(KeyValue::of(&dates, 0).unwrap().to_string(), "2024-01-15");
        let times = TimestampMillisecondArray::from(vec![1_610_008_800_000]);
        assert_eq!(KeyValue::of(&times, 0).unwrap().to_string(), "2021-01-07 08:40:00");
    }
}
