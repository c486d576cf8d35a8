//! Scalar functions: the entry point from the evaluator, and the string and numeric functions.
//! Their names live in [`super::registry`], date functions in [`super::datetime`], `CAST` in
//! [`super::cast`], `CASE` and `coalesce` in [`super::conditional`].
//!
//! Each function runs over whole columns: an Arrow kernel where one exists (`nullif`, casts,
//! arithmetic), otherwise one typed pass over the values (`length`, `substr`, `split_part`,
//! `lpad`; `regexp_like` and LIKE in [`super::pattern`]). A function whose
//! arguments are all literals is computed once, as a scalar.
//!
//! Argument types follow Athena (Trino): `upper(5)` is a `FUNCTION_NOT_FOUND` error naming the
//! types, as Trino reports a missing overload. One leniency, from Spark: `concat` and `||` turn
//! numbers, booleans and dates into text.

use std::sync::Arc;

use crate::arrow::array::{
    Array, ArrayRef, AsArray, Decimal128Array, Float64Array, Int64Array, StringArray, StringBuilder,
};
use crate::arrow::buffer::Buffer;
use crate::arrow::compute::cast;
use crate::arrow::compute::kernels::nullif::nullif;
use crate::arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int64Type};
use crate::arrow::error::ArrowError;

use super::call::Call;
use super::datetime;
use super::error::{arithmetic_error, not_supported, sql_error, Pos};
use super::pattern::regexp_like;
use super::plan::BinOp;
use super::registry::Func;
use super::types::{is_integer, is_numeric, is_string, sql_name};
use super::value::{compare, Value};
use crate::error::Result;

/// Computes `func(args)` from its evaluated arguments over `len` rows.
///
/// `coalesce` is not here: it evaluates an argument only on the rows still NULL, so the evaluator
/// runs it through [`super::conditional::coalesce`].
pub(crate) fn call(func: Func, args: Vec<Value>, pos: Pos, len: usize) -> Result<Value> {
    let call = Call { func, args, pos, len };
    match func {
        Func::Coalesce => unreachable!("coalesce is lazy: eval calls conditional::coalesce"),
        Func::NullIf => call.nullif(),
        Func::Upper | Func::Lower => call.change_case(func == Func::Upper),
        Func::Trim | Func::Ltrim | Func::Rtrim => call.trim(),
        Func::Length => call.length(),
        Func::Concat => call.concat(),
        Func::Substr => call.substr(),
        Func::Replace => call.replace(),
        Func::SplitPart => call.split_part(),
        Func::Lpad | Func::Rpad => call.pad(func == Func::Lpad),
        Func::RegexpLike => call.regexp_like(),
        Func::Abs => call.abs(),
        Func::Round => call.round(),
        Func::Floor | Func::Ceil => call.floor_ceil(func == Func::Ceil),
        _ => datetime::call(&call),
    }
}

impl Call {
    fn nullif(&self) -> Result<Value> {
        let (value, other) = (&self.args[0], &self.args[1]);
        let equal = compare(BinOp::Eq, value.clone(), other.clone(), self.pos, self.len).map_err(|_| {
            let message = format!(
                "Cannot apply nullif to {} and {}",
                sql_name(value.data_type()),
                sql_name(other.data_type())
            );
            sql_error("TYPE_MISMATCH", self.pos, message)
        })?;
        let n = self.rows();
        let equal = equal.into_array(n)?;
        Ok(self.result(nullif(&self.array(0)?, equal.as_boolean())?))
    }

    fn change_case(&self, upper: bool) -> Result<Value> {
        self.expect("s")?;
        if self.any_null_literal() {
            return Ok(self.nulls(&DataType::Utf8));
        }
        let s = self.strings(0)?;
        let out = if s.is_ascii() {
            // Same offsets, same validity; only the bytes change.
            let mut bytes = s.values().to_vec();
            if upper {
                bytes.make_ascii_uppercase();
            } else {
                bytes.make_ascii_lowercase();
            }
            StringArray::new(s.offsets().clone(), Buffer::from_vec(bytes), s.nulls().cloned())
        } else if upper {
            s.iter().map(|v| v.map(str::to_uppercase)).collect()
        } else {
            s.iter().map(|v| v.map(str::to_lowercase)).collect()
        };
        Ok(self.result(Arc::new(out)))
    }

    fn trim(&self) -> Result<Value> {
        self.expect("ss")?;
        if self.any_null_literal() {
            return Ok(self.nulls(&DataType::Utf8));
        }
        let s = self.strings(0)?;
        let chars = if self.args.len() == 2 {
            Some(self.strings(1)?)
        } else {
            None
        };
        let (left, right) = match self.func {
            Func::Ltrim => (true, false),
            Func::Rtrim => (false, true),
            _ => (true, true),
        };
        let out: StringArray = (0..s.len())
            .map(|i| {
                if s.is_null(i) {
                    return None;
                }
                let v = s.value(i);
                match &chars {
                    None => Some(trim_with(v, left, right, char::is_whitespace)),
                    Some(c) if c.is_null(i) => None,
                    Some(c) => {
                        let set = c.value(i);
                        Some(trim_with(v, left, right, |ch| set.contains(ch)))
                    }
                }
            })
            .collect();
        Ok(self.result(Arc::new(out)))
    }

    fn length(&self) -> Result<Value> {
        self.expect("s")?;
        if self.any_null_literal() {
            return Ok(self.nulls(&DataType::Int64));
        }
        let s = self.strings(0)?;
        let out: Int64Array = s.iter().map(|v| v.map(|v| v.chars().count() as i64)).collect();
        Ok(self.result(Arc::new(out)))
    }

    /// `concat(a, b, ...)` and `a || b`: NULL if any argument is NULL (Athena and Spark agree).
    fn concat(&self) -> Result<Value> {
        for a in &self.args {
            let t = a.data_type();
            let printable =
                t == &DataType::Null || is_string(t) || is_numeric(t) || t.is_temporal() || t == &DataType::Boolean;
            if !printable {
                return Err(self.bad_arguments());
            }
        }
        if self.any_null_literal() {
            return Ok(self.nulls(&DataType::Utf8));
        }
        // Worked out before any scalar is repeated over the rows.
        let mut bytes = 0u64;
        for i in 0..self.args.len() {
            bytes = bytes.saturating_add(self.text_bytes(i)?);
        }
        self.check_result_bytes(bytes)?;
        let parts = (0..self.args.len())
            .map(|i| self.strings(i))
            .collect::<Result<Vec<_>>>()?;
        let mut out = StringBuilder::with_capacity(self.rows(), bytes as usize);
        let mut row = String::new();
        for i in 0..self.rows() {
            if parts.iter().any(|p| p.is_null(i)) {
                out.append_null();
                continue;
            }
            row.clear();
            parts.iter().for_each(|p| row.push_str(p.value(i)));
            out.append_value(&row);
        }
        Ok(self.result(Arc::new(out.finish())))
    }

    /// `substr(s, start[, length])`, 1-based; a negative start counts from the end; start 0 or
    /// past either end gives `''` (Athena).
    fn substr(&self) -> Result<Value> {
        self.expect("sii")?;
        if self.any_null_literal() {
            return Ok(self.nulls(&DataType::Utf8));
        }
        let s = self.strings(0)?;
        let start = self.integers(1)?;
        let count = if self.args.len() == 3 {
            Some(self.integers(2)?)
        } else {
            None
        };
        let out: StringArray = (0..s.len())
            .map(|i| {
                if s.is_null(i) || start.is_null(i) || count.as_ref().is_some_and(|c| c.is_null(i)) {
                    return None;
                }
                Some(substr_one(
                    s.value(i),
                    start.value(i),
                    count.as_ref().map(|c| c.value(i)),
                ))
            })
            .collect();
        Ok(self.result(Arc::new(out)))
    }

    /// `replace(s, search[, replacement])`: every occurrence; without a replacement, removed.
    fn replace(&self) -> Result<Value> {
        self.expect("sss")?;
        if self.any_null_literal() {
            return Ok(self.nulls(&DataType::Utf8));
        }
        let s = self.strings(0)?;
        let search = self.strings(1)?;
        let with = if self.args.len() == 3 {
            Some(self.strings(2)?)
        } else {
            None
        };
        let skip = |i: usize| s.is_null(i) || search.is_null(i) || with.as_ref().is_some_and(|w| w.is_null(i));
        let mut bytes = 0u64;
        for i in (0..s.len()).filter(|&i| !skip(i)) {
            let to = with.as_ref().map_or(0, |w| w.value(i).len());
            bytes = bytes.saturating_add(replaced_len(s.value(i), search.value(i), to));
        }
        self.check_result_bytes(bytes)?;
        let out: StringArray = (0..s.len())
            .map(|i| {
                if skip(i) {
                    return None;
                }
                let to = with.as_ref().map_or("", |w| w.value(i));
                Some(s.value(i).replace(search.value(i), to))
            })
            .collect();
        Ok(self.result(Arc::new(out)))
    }

    /// `split_part(s, delimiter, n)`: the n-th field (1-based), NULL past the last one.
    fn split_part(&self) -> Result<Value> {
        self.expect("ssi")?;
        if self.any_null_literal() {
            return Ok(self.nulls(&DataType::Utf8));
        }
        let (s, delimiter, index) = (self.strings(0)?, self.strings(1)?, self.integers(2)?);
        let mut out = Vec::with_capacity(s.len());
        for i in 0..s.len() {
            if s.is_null(i) || delimiter.is_null(i) || index.is_null(i) {
                out.push(None);
                continue;
            }
            let n = index.value(i);
            if n < 1 {
                return Err(self.invalid("Index must be greater than zero"));
            }
            let (v, d) = (s.value(i), delimiter.value(i));
            let part = if d.is_empty() {
                (n == 1).then_some(v)
            } else {
                v.split(d).nth(n as usize - 1)
            };
            out.push(part.map(str::to_string));
        }
        Ok(self.result(Arc::new(StringArray::from(out))))
    }

    /// `lpad(s, size, padding)` / `rpad`: padded or truncated to exactly `size` characters.
    fn pad(&self, left: bool) -> Result<Value> {
        self.expect("sis")?;
        if self.any_null_literal() {
            return Ok(self.nulls(&DataType::Utf8));
        }
        let (s, size, padding) = (self.strings(0)?, self.integers(1)?, self.strings(2)?);
        let mut bytes = 0u64;
        for i in (0..s.len()).filter(|&i| s.is_valid(i) && size.is_valid(i) && padding.is_valid(i)) {
            let n = size.value(i).clamp(0, 1_000_000) as usize;
            bytes = bytes.saturating_add(padded_len(s.value(i), n, padding.value(i)));
        }
        self.check_result_bytes(bytes)?;
        let mut out = Vec::with_capacity(s.len());
        for i in 0..s.len() {
            if s.is_null(i) || size.is_null(i) || padding.is_null(i) {
                out.push(None);
                continue;
            }
            let (v, n, p) = (s.value(i), size.value(i), padding.value(i));
            if !(0..=1_000_000).contains(&n) {
                return Err(self.invalid("Target length must be in the range [0..1000000]"));
            }
            if p.is_empty() {
                return Err(self.invalid("Padding string must not be empty"));
            }
            out.push(Some(pad_one(v, n as usize, p, left)));
        }
        Ok(self.result(Arc::new(StringArray::from(out))))
    }

    /// `regexp_like(s, pattern)`: the pattern matches somewhere in `s` ([`super::pattern`]).
    fn regexp_like(&self) -> Result<Value> {
        self.expect("ss")?;
        if self.any_null_literal() {
            return Ok(self.nulls(&DataType::Boolean));
        }
        let out = regexp_like(&self.strings(0)?, &self.strings(1)?).map_err(|e| self.invalid(e.0))?;
        Ok(self.result(Arc::new(out)))
    }

    /// `abs(x)`, of x's type; `abs` of the smallest BIGINT overflows, as in Athena.
    fn abs(&self) -> Result<Value> {
        self.expect("n")?;
        let t = self.args[0].data_type().clone();
        let a = self.array(0)?;
        let out: ArrayRef = match &t {
            DataType::Null => return Ok(self.nulls(&DataType::Int64)),
            t if is_integer(t) => {
                let a = cast(&a, &DataType::Int64)?;
                let out = a.as_primitive::<Int64Type>().try_unary::<_, Int64Type, _>(|v| {
                    v.checked_abs()
                        .ok_or_else(|| ArrowError::ArithmeticOverflow(format!("bigint overflow: abs({v})")))
                });
                let out = out.map_err(|e| arithmetic_error(e, self.pos))?;
                let back = cast(&(Arc::new(out) as ArrayRef), t)?;
                // abs(-2147483648) has no INTEGER: an overflow, as in Athena, not a NULL.
                if let Some(row) = super::cast::first_lost(a.as_ref(), back.as_ref()) {
                    let v = a.as_primitive::<Int64Type>().value(row);
                    let message = format!("{} overflow: abs({v})", sql_name(t));
                    return Err(sql_error("NUMERIC_VALUE_OUT_OF_RANGE", self.pos, message));
                }
                back
            }
            DataType::Decimal128(p, s) => {
                let out: Decimal128Array = a.as_primitive::<Decimal128Type>().unary(|v: i128| v.abs());
                Arc::new(out.with_precision_and_scale(*p, *s)?)
            }
            _ => {
                let a = cast(&a, &DataType::Float64)?;
                let out: Float64Array = a.as_primitive::<Float64Type>().unary(f64::abs);
                cast(&(Arc::new(out) as ArrayRef), &t)?
            }
        };
        Ok(self.result(out))
    }

    /// `round(x[, d])`: half away from zero, to `d` decimal places (negative: tens, hundreds);
    /// the result keeps x's type.
    fn round(&self) -> Result<Value> {
        self.expect("ni")?;
        let digits = if self.args.len() == 2 {
            let d = &self.args[1];
            if d.data_type() == &DataType::Null {
                return Ok(self.nulls(self.args[0].data_type()));
            }
            if !d.scalar {
                return Err(not_supported(self.pos, "round(x, d) with a d that is not a constant"));
            }
            match self.scalar_integer(1)? {
                Some(digits) => digits,
                None => return Ok(self.nulls(self.args[0].data_type())),
            }
        } else {
            0
        };
        let digits = digits.clamp(-40, 40) as i32;
        let t = self.args[0].data_type().clone();
        let a = self.array(0)?;
        let out: ArrayRef = match &t {
            DataType::Null => return Ok(self.nulls(&DataType::Int64)),
            t if is_integer(t) => {
                if digits >= 0 {
                    a
                } else {
                    let factor = 10i128.pow(digits.unsigned_abs());
                    let a = cast(&a, &DataType::Int64)?;
                    let out = a.as_primitive::<Int64Type>().try_unary::<_, Int64Type, _>(|v| {
                        let r = round_half_away(v as i128, factor) * factor;
                        i64::try_from(r)
                            .map_err(|_| ArrowError::ArithmeticOverflow(format!("bigint overflow: round({v})")))
                    });
                    let out = out.map_err(|e| arithmetic_error(e, self.pos))?;
                    cast(&(Arc::new(out) as ArrayRef), t)?
                }
            }
            DataType::Decimal128(p, s) => {
                let drop = i32::from(*s) - digits;
                if drop <= 0 {
                    a
                } else {
                    let factor = 10i128.checked_pow(drop as u32).unwrap_or(i128::MAX);
                    let out: Decimal128Array = a
                        .as_primitive::<Decimal128Type>()
                        .unary(|v: i128| round_half_away(v, factor).saturating_mul(factor));
                    Arc::new(out.with_precision_and_scale(*p, *s)?)
                }
            }
            _ => {
                let a = cast(&a, &DataType::Float64)?;
                let scale = 10f64.powi(digits);
                let out: Float64Array = a.as_primitive::<Float64Type>().unary(|v| {
                    let r = (v * scale).round() / scale;
                    if r.is_finite() {
                        r
                    } else {
                        v
                    }
                });
                cast(&(Arc::new(out) as ArrayRef), &t)?
            }
        };
        Ok(self.result(out))
    }

    /// `floor(x)` / `ceil(x)`: integers unchanged, doubles stay double, decimals get scale 0.
    fn floor_ceil(&self, ceil: bool) -> Result<Value> {
        self.expect("n")?;
        let t = self.args[0].data_type().clone();
        let a = self.array(0)?;
        let out: ArrayRef = match &t {
            DataType::Null => return Ok(self.nulls(&DataType::Int64)),
            t if is_integer(t) => a,
            DataType::Decimal128(p, s) => {
                let factor = 10i128.pow(u32::from(*s as u8));
                let out: Decimal128Array = a.as_primitive::<Decimal128Type>().unary(|v: i128| {
                    if ceil {
                        -(-v).div_euclid(factor)
                    } else {
                        v.div_euclid(factor)
                    }
                });
                let precision = (*p as i16 - *s as i16 + i16::from(*s > 0)).clamp(1, 38) as u8;
                Arc::new(out.with_precision_and_scale(precision, 0)?)
            }
            _ => {
                let a = cast(&a, &DataType::Float64)?;
                let f = if ceil { f64::ceil } else { f64::floor };
                let out: Float64Array = a.as_primitive::<Float64Type>().unary(f);
                cast(&(Arc::new(out) as ArrayRef), &t)?
            }
        };
        Ok(self.result(out))
    }
}

fn trim_with(v: &str, left: bool, right: bool, f: impl Fn(char) -> bool + Copy) -> String {
    let v = if left { v.trim_start_matches(f) } else { v };
    let v = if right { v.trim_end_matches(f) } else { v };
    v.to_string()
}

/// Athena's `substr` on one value, in characters.
fn substr_one(v: &str, start: i64, count: Option<i64>) -> String {
    let chars = v.chars().count() as i64;
    let from = match start {
        0 => return String::new(),
        s if s > 0 => s - 1,
        s => chars + s,
    };
    if from < 0 || from >= chars {
        return String::new();
    }
    let take_n = count.map_or(chars - from, |c| c.clamp(0, chars - from));
    v.chars().skip(from as usize).take(take_n as usize).collect()
}

/// The length in bytes of `v` with every `search` replaced by `to_len` bytes, without building
/// it; an empty `search` matches before every character and at the end, as `str::replace` does.
fn replaced_len(v: &str, search: &str, to_len: usize) -> u64 {
    let (matches, removed) = if search.is_empty() {
        (v.chars().count() as u64 + 1, 0)
    } else {
        let n = v.matches(search).count() as u64;
        (n, n * search.len() as u64)
    };
    (v.len() as u64 - removed).saturating_add(matches.saturating_mul(to_len as u64))
}

/// The length in bytes of [`pad_one`]'s result, without building it.
fn padded_len(v: &str, size: usize, padding: &str) -> u64 {
    let prefix = |s: &str, chars: usize| s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i) as u64;
    let have = v.chars().count();
    if have >= size {
        return prefix(v, size);
    }
    let cycle = padding.chars().count();
    if cycle == 0 {
        return v.len() as u64;
    }
    let need = size - have;
    let full = (need / cycle) as u64 * padding.len() as u64;
    v.len() as u64 + full + prefix(padding, need % cycle)
}

fn pad_one(v: &str, size: usize, padding: &str, left: bool) -> String {
    let have = v.chars().count();
    if have >= size {
        return v.chars().take(size).collect();
    }
    let fill: String = padding.chars().cycle().take(size - have).collect();
    if left {
        fill + v
    } else {
        format!("{v}{fill}")
    }
}

/// `v / factor` rounded half away from zero.
fn round_half_away(v: i128, factor: i128) -> i128 {
    let (q, r) = (v / factor, v % factor);
    if 2 * r.abs() >= factor {
        q + v.signum()
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{column, error, type_of};
    use super::*;

    #[test]
    fn constant_arguments_hold_in_a_branch_no_row_takes() {
        // coalesce evaluates its second argument on the rows the first left NULL: none here,
        // and a constant digits or start was once read from that empty scope (a panic).
        let n = column("id").len();
        assert_eq!(column("coalesce(length('A b'), round(amount, 0))").len(), n);
        assert_eq!(column("coalesce('x', substr(name, 2, 1))"), vec!["x"; n]);
        assert_eq!(column("coalesce('x', substr(name, 2))"), vec!["x"; n]);
    }

    #[test]
    fn case_changes_with_and_without_ascii() {
        assert_eq!(column("upper(name)"), ["  ANN ", "BOB", "", "ÉLODIE"]);
        assert_eq!(column("lower(name)"), ["  ann ", "bob", "", "élodie"]);
        assert_eq!(column("upper(substr(name, 2))"), [" ANN ", "OB", "", "LODIE"]);
        assert_eq!(column("upper('x') || lower(NULL)"), ["", "", "", ""]);
    }

    #[test]
    fn trims() {
        assert_eq!(column("'[' || trim(name) || ']'"), ["[Ann]", "[bob]", "", "[Élodie]"]);
        assert_eq!(column("'[' || ltrim(name) || ']'")[0], "[Ann ]");
        assert_eq!(column("'[' || rtrim(name) || ']'")[0], "[  Ann]");
        assert_eq!(column("trim('xxhixx', 'x')")[0], "hi");
        assert_eq!(column("trim(BOTH 'x' FROM 'xxhixx')")[0], "hi");
        assert_eq!(column("trim(LEADING 'x' FROM 'xxhixx')")[0], "hixx");
    }

    #[test]
    fn length_counts_characters() {
        assert_eq!(column("length(name)"), ["6", "3", "", "6"]);
        assert_eq!(type_of("length(name)"), DataType::Int64);
        assert_eq!(column("char_length('ab')")[0], "2");
    }

    #[test]
    fn concat_and_the_pipe_operator() {
        assert_eq!(column("concat(name, '-', id)"), ["  Ann -1", "bob-2", "", "Élodie-4"]);
        assert_eq!(
            column("'#' || id || ':' || flag"),
            ["#1:true", "#2:false", "", "#4:true"]
        );
        assert_eq!(column("concat('a', 'b', 'c')")[0], "abc");
        assert_eq!(column("'d=' || day")[0], "d=2024-01-31");
        assert_eq!(column("concat(ts, '')")[0], "2024-01-31 23:59:59.500");
    }

    #[test]
    fn substrings() {
        assert_eq!(column("substr(name, 3, 3)"), ["Ann", "b", "", "odi"]);
        assert_eq!(column("substring(name, 2)"), [" Ann ", "ob", "", "lodie"]);
        assert_eq!(column("substr(name, -3)"), ["nn ", "bob", "", "die"]);
        assert_eq!(column("substr(name, -2, 1)"), ["n", "o", "", "i"]);
        assert_eq!(column("substr('abc', 0)")[0], "");
        assert_eq!(column("substr('abc', 5)")[0], "");
        assert_eq!(column("substr('abc', -5)")[0], "");
        assert_eq!(column("SUBSTRING('abcdef' FROM 2 FOR 3)")[0], "bcd");
        assert_eq!(column("substr('abcdef', id, id)"), ["a", "bc", "", "def"]);
    }

    #[test]
    fn replace_split_part_and_pads() {
        assert_eq!(column("replace(name, 'b', 'B')"), ["  Ann ", "BoB", "", "Élodie"]);
        assert_eq!(column("replace(name, ' ')"), ["Ann", "bob", "", "Élodie"]);
        assert_eq!(column("split_part('a,b,c', ',', id)"), ["a", "b", "", ""]);
        assert_eq!(column("split_part(iso, '-', 2)"), ["01", "02", "", "12"]);
        assert!(error("split_part('a,b', ',', 0)")
            .contains("INVALID_FUNCTION_ARGUMENT: line 1:8: Index must be greater than zero"));
        assert_eq!(column("lpad(CAST(id AS varchar), 3, '0')"), ["001", "002", "", "004"]);
        assert_eq!(column("rpad('ab', 5, 'xy')")[0], "abxyx");
        assert_eq!(column("lpad('abcdef', 3, '0')")[0], "abc");
        assert!(error("lpad('a', 3, '')").contains("Padding string must not be empty"));
    }

    #[test]
    fn text_that_would_outgrow_the_step_limit_is_refused_before_it_is_built() {
        use super::super::testing::{devices, MemSource};
        let thousand = "lpad('a', 1000, 'a')";
        // 1,000 bytes, then 1 MB, then 1 GB: the third step is refused, the second is fine.
        let twice = format!("replace({thousand}, 'a', {thousand})");
        assert_eq!(column(&format!("length({twice})"))[0], "1000000");
        let e = error(&format!("length(replace({twice}, 'a', {thousand}))"));
        assert!(
            e.contains("EXCEEDED_LOCAL_MEMORY_LIMIT: line 1:15: replace would produce 954 MiB over 1 rows")
                && e.contains("the limit EXPRESSION_STEP_MAX_BYTES"),
            "{e}"
        );
        // A 1 MB constant joined to each of 300 rows: the WHERE clause sees every row at once.
        let rows: Vec<_> = (0..300).map(|_| ("d001", 0, "on")).collect();
        let big = MemSource::one("db", "t", devices(&rows));
        let sql = |expr: &str| format!("SELECT count(*) FROM db.t WHERE length({expr}) > 0");
        let e = super::super::execute(&sql("concat(lpad('a', 1000000, 'b'), state)"), &big).unwrap_err();
        assert!(
            e.to_string().contains("concat would produce 286 MiB over 300 rows"),
            "{e}"
        );
        let e = super::super::execute(&sql("lpad(state, 1000000, 'é')"), &big).unwrap_err();
        assert!(
            e.to_string().contains("lpad would produce 572 MiB over 300 rows"),
            "{e}"
        );
        let ok = super::super::execute(&sql("lpad(state, 100000, 'é')"), &big).unwrap();
        assert_eq!(ok.rows_as_strings(), [["300"]]);
    }

    #[test]
    fn result_lengths_are_worked_out_exactly() {
        for (v, search, to) in [
            ("abcabc", "b", "XYZ"),
            ("ééa", "é", ""),
            ("abc", "", "-"),
            ("", "", "xy"),
            ("aaa", "aa", "b"),
        ] {
            assert_eq!(
                replaced_len(v, search, to.len()),
                v.replace(search, to).len() as u64,
                "{v} {search} {to}"
            );
        }
        for (v, size, padding) in [
            ("ab", 5, "xy"),
            ("abcdef", 3, "0"),
            ("é", 4, "日本"),
            ("日本語", 2, "x"),
            ("", 0, "x"),
        ] {
            assert_eq!(
                padded_len(v, size, padding),
                pad_one(v, size, padding, true).len() as u64,
                "{v} {size}"
            );
        }
    }

    #[test]
    fn regexp_like_uses_arrows_kernel() {
        assert_eq!(column("regexp_like(name, '^[a-z]+$')"), ["false", "true", "", "false"]);
        assert_eq!(column("regexp_like(iso, 'T')"), ["false", "true", "", "false"]);
        assert!(error("regexp_like(name, '(')").contains("INVALID_FUNCTION_ARGUMENT"));
    }

    #[test]
    fn nullif_gives_null_on_equality() {
        assert_eq!(column("nullif(qty, 0)"), ["2", "", "", "-7"]);
        assert_eq!(column("nullif(name, 'bob')"), ["  Ann ", "", "", "Élodie"]);
        assert_eq!(column("100 / nullif(qty, 0)"), ["50", "", "", "-14"]);
        assert!(error("nullif(name, 1)").contains("TYPE_MISMATCH"));
    }

    #[test]
    fn abs_round_floor_ceil() {
        assert_eq!(column("abs(qty)"), ["2", "0", "", "7"]);
        assert_eq!(type_of("abs(qty)"), DataType::Int32);
        // ceil(-0.25) is -0.0, which SQL counts as equal to 0 (IEEE 754), as Athena and Spark do.
        assert_eq!(column("ceil(-0.25e0) = 0"), ["true"; 4]);
        assert_eq!(column("ceil(-0.25e0) < 0.0e0"), ["false"; 4]);
        let e = error("abs(CAST(-2147483648 AS INTEGER))");
        assert!(
            e.contains("NUMERIC_VALUE_OUT_OF_RANGE") && e.contains("abs(-2147483648)"),
            "{e}"
        );
        assert_eq!(column("abs(amount)"), ["12.5", "3.25", "", "100.0"]);
        assert_eq!(column("abs(price)"), ["1.25", "2.50", "", "3.55"]);
        assert_eq!(column("round(amount)"), ["13.0", "-3.0", "", "100.0"]);
        assert_eq!(column("round(amount, 1)"), ["12.5", "-3.3", "", "100.0"]);
        assert_eq!(column("round(price, 1)"), ["1.30", "2.50", "", "-3.60"]);
        assert_eq!(type_of("round(price, 1)"), DataType::Decimal128(10, 2));
        assert_eq!(column("round(id * 15, -1)"), ["20", "30", "", "60"]);
        assert_eq!(column("floor(amount)"), ["12.0", "-4.0", "", "100.0"]);
        assert_eq!(column("ceil(amount)"), ["13.0", "-3.0", "", "100.0"]);
        assert_eq!(column("ceiling(price)"), ["2", "3", "", "-3"]);
        assert_eq!(column("floor(price)"), ["1", "2", "", "-4"]);
        assert_eq!(column("floor(id)"), ["1", "2", "", "4"]);
        assert!(error("abs(-9223372036854775807 - 1)").contains("NUMERIC_VALUE_OUT_OF_RANGE"));
    }

    #[test]
    fn wrong_types_and_counts_name_the_function() {
        let e = error("upper(id)");
        assert!(
            e.contains("FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters (bigint) for function upper. Expected: upper(varchar)"),
            "{e}"
        );
        let e = error("round(amount, 1, 2)");
        assert!(
            e.contains("FUNCTION_NOT_FOUND: line 1:8: Unexpected parameters (3 arguments) for function round"),
            "{e}"
        );
        let e = error("abs(name)");
        assert!(e.contains("Unexpected parameters (varchar) for function abs"), "{e}");
    }
}
