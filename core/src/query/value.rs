//! [`Value`]: what an expression evaluates to, a column or one value standing for every row;
//! and [`compare`], which the evaluator and `nullif` share.

use std::sync::Arc;

use crate::arrow::array::{new_null_array, ArrayRef, AsArray, Datum, Scalar, UInt32Array};
use crate::arrow::compute::kernels::cmp;
use crate::arrow::compute::{cast, take};
use crate::arrow::datatypes::{DataType, Float64Type};

use super::error::{sql_error, Pos};
use super::limits::check_step_bytes;
use super::plan::BinOp;
use super::types::{comparison_type, sql_name};
use crate::error::{Error, Result};

/// A column, or one value standing for every row.
#[derive(Debug, Clone)]
pub(crate) struct Value {
    pub array: ArrayRef,
    /// `array` has one element that applies to every row.
    pub scalar: bool,
}

impl Value {
    pub fn column(array: ArrayRef) -> Self {
        Value { array, scalar: false }
    }

    pub fn scalar(array: ArrayRef) -> Self {
        Value { array, scalar: true }
    }

    pub fn data_type(&self) -> &DataType {
        self.array.data_type()
    }

    pub fn datum(&self) -> Box<dyn Datum> {
        if self.scalar {
            Box::new(Scalar::new(self.array.clone()))
        } else {
            Box::new(self.array.clone())
        }
    }

    /// The value as a column of `len` rows, repeating a scalar (refused past
    /// [`crate::limits::EXPRESSION_STEP_MAX_BYTES`] before it is repeated).
    pub fn into_array(self, len: usize) -> Result<ArrayRef> {
        if !self.scalar {
            return Ok(self.array);
        }
        let each = self.array.to_data().get_slice_memory_size()? as u64;
        check_step_bytes(
            "a value repeated over the rows",
            each.saturating_mul(len as u64),
            len,
            Pos::default(),
        )?;
        Ok(take(&self.array, &UInt32Array::from(vec![0u32; len]), None)?)
    }

    pub fn cast_to(&self, t: &DataType) -> Result<Value> {
        if self.data_type() == t {
            return Ok(self.clone());
        }
        Ok(Value {
            array: cast(&self.array, t)?,
            scalar: self.scalar,
        })
    }

    /// All NULL, of type `t`, shaped like `self` (scalar or `len` rows).
    pub fn nulls_like(&self, t: &DataType, len: usize) -> Value {
        let n = if self.scalar { 1 } else { len };
        Value {
            array: new_null_array(t, n),
            scalar: self.scalar,
        }
    }
}

pub(crate) fn compare(op: BinOp, l: Value, r: Value, pos: Pos, len: usize) -> Result<Value> {
    let Some(common) = comparison_type(l.data_type(), r.data_type()) else {
        return Err(mismatch(op.symbol(), &l, &r, pos));
    };
    let scalar = l.scalar && r.scalar;
    if common == DataType::Null || l.data_type() == &DataType::Null || r.data_type() == &DataType::Null {
        let shape = if scalar {
            &l
        } else if l.scalar {
            &r
        } else {
            &l
        };
        return Ok(shape.nulls_like(&DataType::Boolean, len));
    }
    let (l, r) = (l.cast_to(&common)?, r.cast_to(&common)?);
    let (l, r) = (positive_zero(l), positive_zero(r));
    let (ld, rd) = (l.datum(), r.datum());
    let kernel = match op {
        BinOp::Eq => cmp::eq,
        BinOp::NotEq => cmp::neq,
        BinOp::Lt => cmp::lt,
        BinOp::LtEq => cmp::lt_eq,
        BinOp::Gt => cmp::gt,
        _ => cmp::gt_eq,
    };
    Ok(Value {
        array: Arc::new(kernel(ld.as_ref(), rd.as_ref())?),
        scalar,
    })
}

/// Doubles with -0.0 made 0.0: Arrow compares floats by their total order, where -0.0 < 0.0,
/// and SQL by IEEE 754, where they are equal (`ceil(-0.25) = 0` is true).
fn positive_zero(v: Value) -> Value {
    match v.array.as_primitive_opt::<Float64Type>() {
        Some(a) => Value {
            array: Arc::new(a.unary::<_, Float64Type>(|x| x + 0.0)),
            scalar: v.scalar,
        },
        None => v,
    }
}

pub(crate) fn mismatch(symbol: &str, l: &Value, r: &Value, pos: Pos) -> Error {
    let message = format!(
        "Cannot apply operator: {} {symbol} {}",
        sql_name(l.data_type()),
        sql_name(r.data_type())
    );
    sql_error("TYPE_MISMATCH", pos, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow::array::StringArray;

    #[test]
    fn a_scalar_is_repeated_only_within_the_step_limit() {
        let mib = Value::scalar(Arc::new(StringArray::from(vec!["x".repeat(1 << 20)])));
        assert_eq!(mib.clone().into_array(3).unwrap().len(), 3);
        let e = mib.into_array(300).unwrap_err().to_string();
        assert!(
            e.contains(
                "EXCEEDED_LOCAL_MEMORY_LIMIT: a value repeated over the rows would produce 300 MiB over 300 rows"
            ),
            "{e}"
        );
    }
}
