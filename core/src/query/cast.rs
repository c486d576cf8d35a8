//! `CAST(x AS t)` and `TRY_CAST`: SQL type names, which conversions Athena allows, and Arrow's
//! `cast` kernel with Athena's rules on top.
//!
//! - Doubles and decimals become integers rounded half away from zero (`CAST(2.5 AS bigint)` is
//!   3, as in Athena; Arrow alone would truncate).
//! - Timestamps become text as Athena prints them (`2024-01-31 12:00:00.000`).
//! - A value that does not convert (`CAST('abc' AS bigint)`) is an `INVALID_CAST_ARGUMENT` error
//!   naming the value; `TRY_CAST` gives NULL instead.
//! - Conversions Athena refuses whatever the value (`CAST(1 AS date)`) are `TYPE_MISMATCH`.
//!
//! Modelled: `varchar(n)` and `char(n)` are plain VARCHAR (no truncation or padding);
//! `timestamp` is millisecond precision, as Athena's `timestamp(3)`.

use std::sync::Arc;

use crate::arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use crate::arrow::compute::{cast, cast_with_options, CastOptions};
use crate::arrow::datatypes::{DataType, Float64Type, TimeUnit};
use crate::arrow::util::display::{ArrayFormatter, FormatOptions};

use super::error::{sql_error, Pos};
use super::types::{is_integer, is_numeric, is_string, sql_name};
use super::value::Value;
use crate::error::{Error, Result};

/// The type of `CAST(x AS timestamp)` and of every timestamp a date function makes.
pub(crate) const TIMESTAMP: DataType = DataType::Timestamp(TimeUnit::Millisecond, None);

/// How timestamps read as text, in results and in `CAST(ts AS varchar)`.
pub(crate) const TIMESTAMP_TEXT: &str = "%Y-%m-%d %H:%M:%S%.3f";

/// The Arrow type for a SQL type name as sqlparser prints it (`BIGINT`, `DECIMAL(10,2)`,
/// `VARCHAR(20)`), or `None` for a type gluelab does not have.
pub(crate) fn sql_type(text: &str) -> Option<DataType> {
    let text = text.trim().to_lowercase();
    let (name, params) = match text.split_once('(') {
        Some((name, rest)) => (name.trim(), Some(rest.trim_end_matches(')'))),
        None => (text.as_str(), None),
    };
    let numbers: Vec<u8> = params
        .map(|p| p.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_default();
    Some(match name {
        "bigint" | "long" | "int64" => DataType::Int64,
        "int" | "integer" | "int4" | "int32" => DataType::Int32,
        "smallint" | "short" | "int2" | "int16" => DataType::Int16,
        "tinyint" | "byte" => DataType::Int8,
        "double" | "double precision" | "float8" | "float64" => DataType::Float64,
        "real" | "float" | "float4" | "float32" => DataType::Float32,
        "decimal" | "numeric" | "dec" => {
            let (p, s) = match numbers.as_slice() {
                [] => (38, 0),
                [p] => (*p, 0),
                [p, s, ..] => (*p, *s),
            };
            if !(1..=38).contains(&p) || s > p {
                return None;
            }
            DataType::Decimal128(p, s as i8)
        }
        "varchar" | "string" | "char" | "character" | "text" | "character varying" => DataType::Utf8,
        "boolean" | "bool" => DataType::Boolean,
        "date" => DataType::Date32,
        "timestamp" | "datetime" => TIMESTAMP,
        _ => return None,
    })
}

/// Athena's CAST rules: numbers, booleans and text convert among themselves; dates and
/// timestamps convert to each other and from and to text.
fn allowed(from: &DataType, to: &DataType) -> bool {
    let scalar = |t: &DataType| is_numeric(t) || is_string(t) || t == &DataType::Boolean;
    let temporal = |t: &DataType| matches!(t, DataType::Date32 | DataType::Date64 | DataType::Timestamp(..));
    from == &DataType::Null
        || from == to
        || (scalar(from) && scalar(to))
        || (temporal(from) && (temporal(to) || is_string(to)))
        || (is_string(from) && temporal(to))
}

/// `CAST(v AS to)`; `safe` for `TRY_CAST`.
pub(crate) fn cast_value(v: Value, to: &DataType, safe: bool, pos: Pos) -> Result<Value> {
    let from = v.data_type().clone();
    if &from == to {
        return Ok(v);
    }
    if !allowed(&from, to) {
        let message = format!("Cannot cast {} to {}", sql_name(&from), sql_name(to));
        return Err(sql_error("TYPE_MISMATCH", pos, message));
    }
    let array = convert(&v.array, to, safe, pos)?;
    Ok(Value {
        array,
        scalar: v.scalar,
    })
}

/// Converts `array` to `to` (a conversion [`allowed`] already approved).
pub(crate) fn convert(array: &ArrayRef, to: &DataType, safe: bool, pos: Pos) -> Result<ArrayRef> {
    let from = array.data_type();
    // Athena rounds to the nearest integer; Arrow truncates. Round first.
    let input: ArrayRef = if is_integer(to) && (from.is_floating() || matches!(from, DataType::Decimal128(..))) {
        let doubles = cast(array, &DataType::Float64)?;
        let rounded: Float64Array = doubles.as_primitive::<Float64Type>().unary(f64::round);
        Arc::new(rounded)
    } else {
        array.clone()
    };
    let options = CastOptions {
        safe: true,
        format_options: FormatOptions::new().with_timestamp_format(Some(TIMESTAMP_TEXT)),
    };
    let out = cast_with_options(&input, to, &options)?;
    if !safe {
        if let Some(row) = first_lost(array.as_ref(), out.as_ref()) {
            return Err(cast_error(array, row, to, pos));
        }
    }
    Ok(out)
}

/// The first row that had a value before a conversion and has none after (it did not convert).
pub(crate) fn first_lost(before: &dyn Array, after: &dyn Array) -> Option<usize> {
    if after.null_count() == before.null_count() {
        return None;
    }
    (0..before.len()).find(|&i| before.is_valid(i) && after.is_null(i))
}

/// Athena's message for a value that cannot be cast, e.g. `Cannot cast 'abc' to BIGINT`.
pub(crate) fn cast_error(array: &ArrayRef, row: usize, to: &DataType, pos: Pos) -> Error {
    let text = ArrayFormatter::try_new(
        array.as_ref(),
        &FormatOptions::new().with_timestamp_format(Some(TIMESTAMP_TEXT)),
    )
    .map(|f| f.value(row).to_string())
    .unwrap_or_default();
    let message = match to {
        DataType::Date32 | DataType::Timestamp(..) => format!("Value cannot be cast to {}: {text}", sql_name(to)),
        _ if is_string(array.data_type()) => format!("Cannot cast '{text}' to {}", sql_name(to).to_uppercase()),
        _ => format!("Out of range for {}: {text}", sql_name(to)),
    };
    sql_error("INVALID_CAST_ARGUMENT", pos, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(sql_type("BIGINT"), Some(DataType::Int64));
        assert_eq!(sql_type("INT"), Some(DataType::Int32));
        assert_eq!(sql_type("DECIMAL(10,2)"), Some(DataType::Decimal128(10, 2)));
        assert_eq!(sql_type("decimal"), Some(DataType::Decimal128(38, 0)));
        assert_eq!(sql_type("VARCHAR(20)"), Some(DataType::Utf8));
        assert_eq!(sql_type("STRING"), Some(DataType::Utf8));
        assert_eq!(sql_type("TIMESTAMP(3)"), Some(TIMESTAMP));
        assert_eq!(sql_type("DECIMAL(50,2)"), None);
        assert_eq!(sql_type("ARRAY<INT>"), None);
    }

    #[test]
    fn allowed_conversions_follow_athena() {
        assert!(allowed(&DataType::Utf8, &DataType::Date32));
        assert!(allowed(&DataType::Float64, &DataType::Int64));
        assert!(allowed(&DataType::Boolean, &DataType::Int32));
        assert!(!allowed(&DataType::Int64, &DataType::Date32));
        assert!(!allowed(&TIMESTAMP, &DataType::Int64));
    }
}

#[cfg(test)]
mod sql_tests {
    use super::super::testing::{column, error, type_of};
    use super::*;

    #[test]
    fn casts_between_numbers_and_text() {
        assert_eq!(column("CAST(id AS varchar)"), ["1", "2", "", "4"]);
        assert_eq!(column("CAST(amount AS bigint)"), ["13", "-3", "", "100"]);
        assert_eq!(column("CAST(price AS int)"), ["1", "3", "", "-4"]);
        assert_eq!(type_of("CAST(price AS int)"), DataType::Int32);
        assert_eq!(column("CAST(id AS double) / 2"), ["0.5", "1.0", "", "2.0"]);
        assert_eq!(column("CAST(amount AS decimal(10, 1))"), ["12.5", "-3.3", "", "100.0"]);
        assert_eq!(column("CAST('42' AS bigint) + id"), ["43", "44", "", "46"]);
        assert_eq!(column("CAST(flag AS int)"), ["1", "0", "", "1"]);
        assert_eq!(column("CAST('true' AS boolean)")[0], "true");
        assert_eq!(column("id::string")[0], "1");
    }

    #[test]
    fn casts_of_dates_and_timestamps() {
        assert_eq!(
            column("CAST(ts AS date)"),
            ["2024-01-31", "2024-03-01", "", "2023-12-15"]
        );
        assert_eq!(column("CAST(day AS timestamp)")[0], "2024-01-31 00:00:00.000");
        assert_eq!(column("CAST(ts AS varchar)")[0], "2024-01-31 23:59:59.500");
        assert_eq!(
            column("CAST(iso AS date)"),
            ["2024-01-31", "2024-02-29", "", "2023-12-15"]
        );
        assert_eq!(column("CAST(iso AS timestamp)")[1], "2024-02-29 10:00:00.000");
        assert_eq!(column("DATE '2024-05-01'")[0], "2024-05-01");
        assert_eq!(column("TIMESTAMP '2024-05-01 10:00:00'")[0], "2024-05-01 10:00:00.000");
        assert_eq!(column("day > DATE '2024-01-31'"), ["false", "true", "", "false"]);
    }

    #[test]
    fn bad_values_fail_or_become_null_with_try_cast() {
        let e = error("CAST(name AS bigint)");
        assert!(
            e.contains("INVALID_CAST_ARGUMENT: line 1:13: Cannot cast '  Ann ' to BIGINT"),
            "{e}"
        );
        let e = error("CAST(name AS date)");
        assert!(
            e.contains("INVALID_CAST_ARGUMENT: line 1:13: Value cannot be cast to date:   Ann "),
            "{e}"
        );
        let e = error("CAST(amount * 1e300 AS int)");
        assert!(
            e.contains("INVALID_CAST_ARGUMENT: line 1:13: Out of range for integer"),
            "{e}"
        );
        assert_eq!(column("TRY_CAST(name AS bigint)"), ["", "", "", ""]);
        assert_eq!(column("TRY_CAST(CAST(id AS varchar) AS bigint)"), ["1", "2", "", "4"]);
        let e = error("CAST(id AS date)");
        assert!(
            e.contains("TYPE_MISMATCH: line 1:13: Cannot cast bigint to date"),
            "{e}"
        );
        assert!(error("CAST(id AS map(int, int))").contains("NOT_SUPPORTED"));
    }
}
