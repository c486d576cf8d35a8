//! Assignment: a value (an `INSERT`/`SET` expression, a job frame's column) stored into a
//! column of a declared type.
//!
//! The rule is a database's, stricter than the query engine's casts: a number never becomes
//! text, text becomes a date or timestamp only in ISO form, a fraction never becomes an integer,
//! and an integer that does not fit its column is refused. A refused value names its row, so
//! the statement or write is refused before anything is stored.

use std::sync::Arc;

use crate::arrow::array::{new_null_array, Array, ArrayRef, AsArray, Date32Array, TimestampMillisecondArray};
use crate::arrow::compute::{cast_with_options, CastOptions};
use crate::arrow::datatypes::{DataType, TimeUnit};

use super::key::{parse_date, parse_timestamp};
use crate::transform::cell_text;

/// Why a value could not be stored: its row in the input and the message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Refused {
    pub row: usize,
    pub message: String,
}

/// `values` as an array of `target` (a column's type, from its Glue type), or the first row
/// whose value the column refuses. `glue_type` is the column's type as declared, for messages.
pub(crate) fn assign(values: &ArrayRef, target: &DataType, glue_type: &str) -> Result<ArrayRef, Refused> {
    let source = values.data_type();
    let refuse_first = || {
        let row = (0..values.len()).find(|&i| values.is_valid(i)).unwrap_or(0);
        Err(refusal(values, row, glue_type))
    };
    if source == &DataType::Null || values.null_count() == values.len() {
        return Ok(new_null_array(target, values.len()));
    }
    if !accepts(source, target) {
        return refuse_first();
    }
    let converted: ArrayRef = match (source, target) {
        (DataType::Utf8, DataType::Date32) => {
            let text = values.as_string::<i32>();
            Arc::new(text.iter().map(|v| v.and_then(parse_date)).collect::<Date32Array>())
        }
        (DataType::Utf8, DataType::Timestamp(TimeUnit::Millisecond, None)) => {
            let text = values.as_string::<i32>();
            Arc::new(
                text.iter()
                    .map(|v| v.and_then(parse_timestamp))
                    .collect::<TimestampMillisecondArray>(),
            )
        }
        // Overflow and lost digits become NULL here and are refused just below.
        _ => cast_with_options(values, target, &CastOptions::default()).map_err(|_| refusal(values, 0, glue_type))?,
    };
    match (0..values.len()).find(|&i| values.is_valid(i) && converted.is_null(i)) {
        Some(row) => Err(refusal(values, row, glue_type)),
        None => Ok(converted),
    }
}

/// Which kinds of value a column of `target` takes (before checking each value).
fn accepts(source: &DataType, target: &DataType) -> bool {
    use DataType::*;
    let integer = |t: &DataType| t.is_integer();
    let number = |t: &DataType| t.is_integer() || t.is_floating() || matches!(t, Decimal128(..));
    match target {
        _ if source == target => !source.is_nested(),
        Boolean => false,
        t if integer(t) => integer(source),
        Float32 | Float64 | Decimal128(..) => number(source),
        Utf8 => matches!(source, Utf8 | LargeUtf8 | Date32 | Timestamp(..)),
        Date32 => matches!(source, Utf8 | Date32),
        Timestamp(..) => matches!(source, Utf8 | Date32 | Timestamp(..)),
        _ => false,
    }
}

fn refusal(values: &ArrayRef, row: usize, glue_type: &str) -> Refused {
    let text = cell_text(values.as_ref(), row);
    let shown = if matches!(values.data_type(), DataType::Utf8 | DataType::LargeUtf8) {
        format!("\"{text}\"")
    } else {
        text
    };
    Refused {
        row,
        message: format!("{shown} is not a valid {glue_type}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow::array::{BooleanArray, Float64Array, Int32Array, Int64Array, StringArray};

    fn assign_to(values: ArrayRef, glue_type: &str) -> Result<ArrayRef, Refused> {
        let t = crate::format::types::parse_glue_type(glue_type).unwrap();
        assign(&values, &t, glue_type)
    }

    #[test]
    fn numbers_fit_their_columns_or_are_refused() {
        let a = assign_to(Arc::new(Int64Array::from(vec![Some(1), None])), "int").unwrap();
        assert_eq!(a.as_any().downcast_ref::<Int32Array>().unwrap().value(0), 1);
        let e = assign_to(Arc::new(Int64Array::from(vec![1, 3_000_000_000])), "int").unwrap_err();
        assert_eq!((e.row, e.message.as_str()), (1, "3000000000 is not a valid int"));
        let e = assign_to(Arc::new(Float64Array::from(vec![1.5])), "bigint").unwrap_err();
        assert_eq!(e.message, "1.5 is not a valid bigint");
        assert!(assign_to(Arc::new(Float64Array::from(vec![100.5])), "decimal(10,2)").is_ok());
        assert!(assign_to(Arc::new(Int64Array::from(vec![-3])), "double").is_ok());
    }

    #[test]
    fn text_is_text_and_iso_dates_only() {
        let e = assign_to(Arc::new(StringArray::from(vec!["x"])), "int").unwrap_err();
        assert_eq!(e.message, "\"x\" is not a valid int");
        let e = assign_to(Arc::new(Int64Array::from(vec![5])), "string").unwrap_err();
        assert_eq!(e.message, "5 is not a valid string");
        assert!(assign_to(Arc::new(StringArray::from(vec!["2024-01-15"])), "date").is_ok());
        let e = assign_to(Arc::new(StringArray::from(vec!["2024-01-15", "2024-13-45"])), "date").unwrap_err();
        assert_eq!((e.row, e.message.as_str()), (1, "\"2024-13-45\" is not a valid date"));
        assert!(assign_to(Arc::new(StringArray::from(vec!["2024-01-15T10:00:00"])), "timestamp").is_ok());
        let e = assign_to(Arc::new(BooleanArray::from(vec![true])), "string").unwrap_err();
        assert_eq!(e.message, "true is not a valid string");
    }

    #[test]
    fn null_goes_anywhere() {
        let a = assign_to(Arc::new(crate::arrow::array::NullArray::new(2)), "date").unwrap();
        assert_eq!((a.data_type(), a.null_count()), (&DataType::Date32, 2));
    }
}
