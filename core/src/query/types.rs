//! Which Arrow type two operands meet at, and what Athena calls each type in its messages.
//!
//! Arrow's kernels want both sides of `=` or `+` to have the same type; SQL lets `bigint > 2.5`
//! through. These rules pick the common type, and the caller casts with `arrow::compute::cast`.
//! They follow Athena where it matters to users and stay small otherwise:
//! - integers of any width meet at BIGINT (`Int64`); anything with a float or decimal meets at
//!   DOUBLE (`Float64`), so decimals are compared and computed approximately;
//! - a string meets a date or timestamp at the temporal type (Athena would ask for a `DATE '...'`
//!   literal; gluelab is lenient);
//! - `NULL` meets anything at the other side's type;
//! - everything else (say `varchar = bigint`) is a `TYPE_MISMATCH`, as in Athena.

use crate::arrow::datatypes::DataType;

pub(crate) fn is_integer(t: &DataType) -> bool {
    t.is_integer()
}

pub(crate) fn is_numeric(t: &DataType) -> bool {
    t.is_integer() || t.is_floating() || matches!(t, DataType::Decimal128(..) | DataType::Decimal256(..))
}

pub(crate) fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn is_temporal(t: &DataType) -> bool {
    t.is_temporal()
}

/// The type both sides of a comparison are cast to, or `None` if they cannot be compared.
pub(crate) fn comparison_type(l: &DataType, r: &DataType) -> Option<DataType> {
    match (l, r) {
        (DataType::Null, other) | (other, DataType::Null) => Some(other.clone()),
        _ if is_numeric(l) && is_numeric(r) => Some(numeric_type(l, r)),
        _ if is_string(l) && is_string(r) => Some(DataType::Utf8),
        _ if is_temporal(l) && is_string(r) => Some(l.clone()),
        _ if is_string(l) && is_temporal(r) => Some(r.clone()),
        _ if l == r => Some(l.clone()),
        _ => None,
    }
}

/// The type `l op r` is computed in for `+ - * / %`, or `None` for non-numbers.
pub(crate) fn arithmetic_type(l: &DataType, r: &DataType) -> Option<DataType> {
    match (l, r) {
        (DataType::Null, DataType::Null) => Some(DataType::Int64),
        (DataType::Null, other) | (other, DataType::Null) if is_numeric(other) => Some(numeric_type(other, other)),
        _ if is_numeric(l) && is_numeric(r) => Some(numeric_type(l, r)),
        _ => None,
    }
}

/// The type the results of `CASE` and the arguments of `COALESCE` meet at: equal types, NULL with
/// anything, numbers at BIGINT or DOUBLE, strings at VARCHAR, a date with a timestamp at the
/// timestamp. `None` when there is none (`varchar` and `bigint`).
pub(crate) fn common_type(l: &DataType, r: &DataType) -> Option<DataType> {
    match (l, r) {
        _ if l == r => Some(l.clone()),
        (DataType::Null, other) | (other, DataType::Null) => Some(other.clone()),
        _ if is_numeric(l) && is_numeric(r) => Some(numeric_type(l, r)),
        _ if is_string(l) && is_string(r) => Some(DataType::Utf8),
        (DataType::Date32, t @ DataType::Timestamp(..)) | (t @ DataType::Timestamp(..), DataType::Date32) => {
            Some(t.clone())
        }
        _ => None,
    }
}

fn numeric_type(l: &DataType, r: &DataType) -> DataType {
    if is_integer(l) && is_integer(r) {
        DataType::Int64
    } else {
        DataType::Float64
    }
}

/// Athena's (Trino's) name for an Arrow type, as used in `TYPE_MISMATCH` messages.
pub(crate) fn sql_name(t: &DataType) -> String {
    match t {
        DataType::Null => "unknown".into(),
        DataType::Boolean => "boolean".into(),
        DataType::Int8 | DataType::UInt8 => "tinyint".into(),
        DataType::Int16 | DataType::UInt16 => "smallint".into(),
        DataType::Int32 | DataType::UInt32 => "integer".into(),
        DataType::Int64 | DataType::UInt64 => "bigint".into(),
        DataType::Float16 | DataType::Float32 => "real".into(),
        DataType::Float64 => "double".into(),
        DataType::Decimal128(p, s) | DataType::Decimal256(p, s) => format!("decimal({p},{s})"),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "varchar".into(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => "varbinary".into(),
        DataType::Date32 | DataType::Date64 => "date".into(),
        DataType::Timestamp(_, None) => "timestamp".into(),
        DataType::Timestamp(_, Some(_)) => "timestamp with time zone".into(),
        DataType::List(f) | DataType::LargeList(f) => format!("array({})", sql_name(f.data_type())),
        DataType::Struct(_) => "row".into(),
        DataType::Map(..) => "map".into(),
        other => other.to_string().to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow::datatypes::TimeUnit;

    #[test]
    fn ints_and_floats_meet_at_double() {
        assert_eq!(
            comparison_type(&DataType::Int32, &DataType::Int64),
            Some(DataType::Int64)
        );
        assert_eq!(
            comparison_type(&DataType::Int64, &DataType::Float64),
            Some(DataType::Float64)
        );
        assert_eq!(
            arithmetic_type(&DataType::Float32, &DataType::Int8),
            Some(DataType::Float64)
        );
        assert_eq!(
            arithmetic_type(&DataType::Null, &DataType::Int32),
            Some(DataType::Int64)
        );
    }

    #[test]
    fn strings_do_not_meet_numbers() {
        assert_eq!(comparison_type(&DataType::Utf8, &DataType::Int64), None);
        assert_eq!(arithmetic_type(&DataType::Utf8, &DataType::Utf8), None);
        let ts = DataType::Timestamp(TimeUnit::Millisecond, None);
        assert_eq!(comparison_type(&DataType::Utf8, &ts), Some(ts));
    }

    #[test]
    fn type_names_are_athenas() {
        assert_eq!(sql_name(&DataType::Utf8), "varchar");
        assert_eq!(sql_name(&DataType::Int64), "bigint");
        assert_eq!(sql_name(&DataType::Decimal128(10, 2)), "decimal(10,2)");
    }
}
