//! One scalar function call with its arguments already evaluated: the argument checks and
//! conversions every implementation shares, and how a result takes the arguments' shape (a
//! scalar when every argument is one).

use crate::arrow::array::{Array, ArrayRef, AsArray, Int64Array, StringArray};
use crate::arrow::compute::{cast, cast_with_options, CastOptions};
use crate::arrow::datatypes::{DataType, Int64Type};
use crate::arrow::util::display::FormatOptions;

use super::cast::TIMESTAMP_TEXT;
use super::error::{sql_error, Pos};
use super::limits::check_step_bytes;
use super::registry::Func;
use super::types::{is_integer, is_numeric, is_string, sql_name};
use super::value::Value;
use crate::error::{Error, Result};

/// The most bytes a number, boolean, date or timestamp prints as (a DECIMAL(38) with its sign
/// and point is 40).
const MAX_PRINTED_WIDTH: u64 = 48;

/// One call being evaluated: its evaluated arguments and where it was written.
pub(crate) struct Call {
    pub func: Func,
    pub args: Vec<Value>,
    pub pos: Pos,
    /// Rows in the scope.
    pub len: usize,
}

impl Call {
    /// `FUNCTION_NOT_FOUND: Unexpected parameters (bigint) for function upper. Expected: ...`.
    pub fn bad_arguments(&self) -> Error {
        let types: Vec<String> = self.args.iter().map(|a| sql_name(a.data_type())).collect();
        let message = format!(
            "Unexpected parameters ({}) for function {}. Expected: {}",
            types.join(", "),
            self.func.name(),
            self.func.signature()
        );
        sql_error("FUNCTION_NOT_FOUND", self.pos, message)
    }

    /// `INVALID_FUNCTION_ARGUMENT` with `message`.
    pub fn invalid(&self, message: impl std::fmt::Display) -> Error {
        sql_error("INVALID_FUNCTION_ARGUMENT", self.pos, message)
    }

    /// True when every argument is one value for all rows.
    pub fn all_scalar(&self) -> bool {
        self.args.iter().all(|a| a.scalar)
    }

    /// Rows the result has: 1 when every argument is a scalar.
    pub fn rows(&self) -> usize {
        if self.all_scalar() {
            1
        } else {
            self.len
        }
    }

    /// A result array of [`Self::rows`] rows, scalar when every argument was.
    pub fn result(&self, array: ArrayRef) -> Value {
        if self.all_scalar() {
            Value::scalar(array)
        } else {
            Value::column(array)
        }
    }

    /// All NULL, of type `t`.
    pub fn nulls(&self, t: &DataType) -> Value {
        self.result(crate::arrow::array::new_null_array(t, self.rows()))
    }

    /// True when some argument is an untyped NULL (the result is then NULL).
    pub fn any_null_literal(&self) -> bool {
        self.args.iter().any(|a| a.data_type() == &DataType::Null)
    }

    /// Argument `i` as an array of [`Self::rows`] rows.
    pub fn array(&self, i: usize) -> Result<ArrayRef> {
        self.args[i].clone().into_array(self.rows())
    }

    /// Argument `i` as text, `rows()` long; the argument must be a string.
    pub fn strings(&self, i: usize) -> Result<StringArray> {
        let options = CastOptions {
            safe: true,
            format_options: FormatOptions::new().with_timestamp_format(Some(TIMESTAMP_TEXT)),
        };
        let a = cast_with_options(&self.array(i)?, &DataType::Utf8, &options)?;
        Ok(a.as_string::<i32>().clone())
    }

    /// The bytes of argument `i` as text over [`Self::rows`] rows (a scalar counted once per row),
    /// worked out without repeating a scalar.
    pub fn text_bytes(&self, i: usize) -> Result<u64> {
        let a = &self.args[i];
        let span = |text: &StringArray| {
            let offsets = text.value_offsets();
            (offsets[offsets.len() - 1] - offsets[0]) as u64
        };
        if let Some(text) = a.array.as_string_opt::<i32>() {
            let each = span(text);
            return Ok(if a.scalar {
                each.saturating_mul(self.rows() as u64)
            } else {
                each
            });
        }
        if !a.scalar {
            // Numbers, booleans and dates print in a bounded width each.
            return Ok((a.array.len() as u64).saturating_mul(MAX_PRINTED_WIDTH));
        }
        let text = cast(&a.array, &DataType::Utf8)?;
        Ok(span(text.as_string::<i32>()).saturating_mul(self.rows() as u64))
    }

    /// Refuses a result of `bytes` past [`crate::limits::EXPRESSION_STEP_MAX_BYTES`], naming
    /// this function.
    pub fn check_result_bytes(&self, bytes: u64) -> Result<()> {
        check_step_bytes(self.func.name(), bytes, self.rows(), self.pos)
    }

    /// Argument `i` as BIGINT, `rows()` long; the argument must be an integer.
    pub fn integers(&self, i: usize) -> Result<Int64Array> {
        let a = cast(&self.array(i)?, &DataType::Int64)?;
        Ok(a.as_primitive::<Int64Type>().clone())
    }

    /// The value of scalar argument `i` as an integer, `None` when it is NULL. Read from the
    /// scalar itself, so it holds when the scope has no rows (a CASE branch no row takes).
    pub fn scalar_integer(&self, i: usize) -> Result<Option<i64>> {
        let a = cast(&self.args[i].array, &DataType::Int64)?;
        let a = a.as_primitive::<Int64Type>();
        Ok((!a.is_empty() && a.is_valid(0)).then(|| a.value(0)))
    }

    /// The value of a literal argument (a unit, a format), when it is a scalar string.
    pub fn literal_str(&self, i: usize) -> Option<String> {
        let a = self.args.get(i)?;
        if !a.scalar || !is_string(a.data_type()) {
            return None;
        }
        let s = cast(&a.array, &DataType::Utf8).ok()?;
        let s = s.as_string::<i32>();
        s.is_valid(0).then(|| s.value(0).to_string())
    }

    /// The argument types are `kinds`: `s` string, `i` integer, `n` number, `*` anything; an
    /// untyped NULL fits every kind.
    pub fn expect(&self, kinds: &str) -> Result<()> {
        for (a, kind) in self.args.iter().zip(kinds.chars()) {
            let t = a.data_type();
            let fits = t == &DataType::Null
                || match kind {
                    's' => is_string(t),
                    'i' => is_integer(t),
                    'n' => is_numeric(t),
                    _ => true,
                };
            if !fits {
                return Err(self.bad_arguments());
            }
        }
        Ok(())
    }
}
