//! Date and time functions: `date`, `to_date`, `to_timestamp`, `year` ... `second`,
//! `date_trunc`, `date_format`, `from_unixtime`, `date_add`, `date_sub`, `date_diff`/`datediff`.
//!
//! Inputs may be DATE, TIMESTAMP (any unit; computed at milliseconds, Athena's precision) or ISO
//! text (`2024-01-31`, `2024-01-31 12:00:00`, `2024-01-31T12:00:00Z`), which is parsed with
//! Arrow's `cast`; text that is no date is an `INVALID_CAST_ARGUMENT` error naming it. Results
//! are DATE (`Date32`) or TIMESTAMP (`Timestamp(ms)`). Timestamps have no time zone: they are
//! read as UTC, the way Glue's Spark sessions default to.
//!
//! Both dialects a Glue user meets are accepted where they differ: Athena's (Trino's)
//! `date_add('day', n, x)` and `date_diff('day', a, b)`, and Spark's `date_add(x, n)` and
//! `datediff(end, start)`; `date_format` and `to_date` take Spark patterns (`yyyy-MM-dd HH:mm:ss`)
//! or, when the pattern holds a `%`, Athena's MySQL-style ones (`%Y-%m-%d %H:%i:%s`).
//!
//! `date_trunc` on text truncates to a DATE for units of a day or more, and to a TIMESTAMP
//! below, so `date_trunc('month', '2024-03-15')` is `DATE '2024-03-01'` whatever the rows hold.

use std::sync::Arc;

use crate::arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, Float64Array, Int64Array, PrimitiveArray, TimestampMillisecondArray,
};
use crate::arrow::compute::kernels::arity::try_binary;
use crate::arrow::compute::kernels::temporal::{date_part, DatePart};
use crate::arrow::compute::{cast, cast_with_options, CastOptions};
use crate::arrow::datatypes::{DataType, Date32Type, Float64Type, Int64Type, TimestampMillisecondType};
use crate::arrow::error::ArrowError;
use crate::arrow::util::display::FormatOptions;
use chrono::format::StrftimeItems;
use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime};

use super::call::Call;
use super::cast::{cast_error, first_lost, TIMESTAMP};
use super::error::arithmetic_error;
use super::registry::Func;
use super::types::{is_integer, is_string};
use super::value::Value;
use crate::error::Result;

const MS_PER_DAY: i64 = 86_400_000;
/// Days from 0001-01-01 (chrono's day 1 of the common era) to 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

pub(crate) fn call(c: &Call) -> Result<Value> {
    match c.func {
        Func::Date => {
            c.expect("*")?;
            null_or(c, &DataType::Date32, || Ok(Arc::new(as_date(c, 0)?)))
        }
        Func::ToDate | Func::ToTimestamp => to_date_or_timestamp(c, c.func == Func::ToDate),
        Func::Year | Func::Quarter | Func::Month | Func::Day | Func::Hour | Func::Minute | Func::Second => part(c),
        Func::DateTrunc => date_trunc(c),
        Func::DateFormat => date_format(c),
        Func::FromUnixtime => from_unixtime(c),
        Func::DateAdd if c.args.len() == 3 => date_add_unit(c),
        Func::DateAdd | Func::DateSub => add_days(c, c.func == Func::DateSub),
        Func::DateDiff if c.args.len() == 3 => date_diff_unit(c),
        Func::DateDiff => datediff_days(c),
        _ => Err(c.bad_arguments()),
    }
}

/// NULL of type `t` when some argument is an untyped NULL, else `f()`.
fn null_or(c: &Call, t: &DataType, f: impl FnOnce() -> Result<ArrayRef>) -> Result<Value> {
    if c.any_null_literal() {
        return Ok(c.nulls(t));
    }
    Ok(c.result(f()?))
}

/// Argument `i` as DATE: dates as they are, timestamps without their time, text parsed.
fn as_date(c: &Call, i: usize) -> Result<Date32Array> {
    let a = c.array(i)?;
    let days = match a.data_type() {
        DataType::Date32 => a,
        DataType::Date64 => cast(&a, &DataType::Date32)?,
        DataType::Timestamp(..) => {
            let ts = as_timestamp(c, i)?;
            Arc::new(ts.unary::<_, Date32Type>(|ms| ms.div_euclid(MS_PER_DAY) as i32))
        }
        t if is_string(t) => parse(&a, &DataType::Date32, c)?,
        _ => return Err(c.bad_arguments()),
    };
    Ok(days.as_primitive::<Date32Type>().clone())
}

/// Argument `i` as TIMESTAMP (milliseconds): dates at midnight, text parsed.
fn as_timestamp(c: &Call, i: usize) -> Result<TimestampMillisecondArray> {
    let a = c.array(i)?;
    let ts = match a.data_type() {
        t if t == &TIMESTAMP => a,
        DataType::Timestamp(..) | DataType::Date32 | DataType::Date64 => cast(&a, &TIMESTAMP)?,
        t if is_string(t) => parse(&a, &TIMESTAMP, c)?,
        _ => return Err(c.bad_arguments()),
    };
    Ok(ts.as_primitive::<TimestampMillisecondType>().clone())
}

/// Text parsed as `to`; text that is no date is an error naming it.
fn parse(a: &ArrayRef, to: &DataType, c: &Call) -> Result<ArrayRef> {
    let out = cast(a, to)?;
    match first_lost(a.as_ref(), out.as_ref()) {
        Some(row) => Err(cast_error(a, row, to, c.pos)),
        None => Ok(out),
    }
}

fn to_days(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - EPOCH_DAYS_FROM_CE
}

fn from_days(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days.checked_add(EPOCH_DAYS_FROM_CE)?)
}

fn to_millis(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp_millis()
}

fn from_millis(ms: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp_millis(ms).map(|t| t.naive_utc())
}

/// `to_date(s[, pattern])` / `to_timestamp(s[, pattern])`, Spark's: NULL where `s` does not
/// match (Spark with ANSI mode off, Glue's default).
fn to_date_or_timestamp(c: &Call, date: bool) -> Result<Value> {
    let t = if date { DataType::Date32 } else { TIMESTAMP };
    if c.any_null_literal() {
        return Ok(c.nulls(&t));
    }
    let a = c.array(0)?;
    if c.args.len() == 1 || !is_string(a.data_type()) {
        c.expect("*")?;
        let out = match a.data_type() {
            s if is_string(s) => cast(&a, &t)?,
            _ if date => Arc::new(as_date(c, 0)?) as ArrayRef,
            _ => Arc::new(as_timestamp(c, 0)?) as ArrayRef,
        };
        return Ok(c.result(out));
    }
    c.expect("ss")?;
    let Some(pattern) = c.literal_str(1) else {
        return Err(c.invalid(format!("{}: the format must be a string literal", c.func.name())));
    };
    let format = chrono_format(&pattern).map_err(|m| c.invalid(m))?;
    let s = c.strings(0)?;
    let parsed = s.iter().map(|v| {
        let v = v?;
        NaiveDateTime::parse_from_str(v, &format).ok().or_else(|| {
            NaiveDate::parse_from_str(v, &format)
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
    });
    let out: ArrayRef = if date {
        Arc::new(parsed.map(|t| t.map(|t| to_days(t.date()))).collect::<Date32Array>())
    } else {
        Arc::new(parsed.map(|t| t.map(to_millis)).collect::<TimestampMillisecondArray>())
    };
    Ok(c.result(out))
}

/// `year(x)`, `month(x)`, ...: BIGINT, as in Athena.
fn part(c: &Call) -> Result<Value> {
    let (part, time) = match c.func {
        Func::Year => (DatePart::Year, false),
        Func::Quarter => (DatePart::Quarter, false),
        Func::Month => (DatePart::Month, false),
        Func::Day => (DatePart::Day, false),
        Func::Hour => (DatePart::Hour, true),
        Func::Minute => (DatePart::Minute, true),
        _ => (DatePart::Second, true),
    };
    null_or(c, &DataType::Int64, || {
        let t = c.args[0].data_type();
        let input: ArrayRef = match t {
            DataType::Date32 | DataType::Date64 if time => return Err(c.bad_arguments()),
            DataType::Date32 => c.array(0)?,
            _ => Arc::new(as_timestamp(c, 0)?),
        };
        Ok(cast(&date_part(input.as_ref(), part)?, &DataType::Int64)?)
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Unit {
    fn parse(c: &Call, i: usize) -> Result<Unit> {
        let Some(text) = c.literal_str(i) else {
            return Err(c.invalid(format!(
                "{}: the unit must be a string literal such as 'day'",
                c.func.name()
            )));
        };
        let lower = text.to_lowercase();
        Ok(match lower.trim_end_matches('s') {
            "millisecond" => Unit::Millisecond,
            "second" => Unit::Second,
            "minute" => Unit::Minute,
            "hour" => Unit::Hour,
            "day" => Unit::Day,
            "week" => Unit::Week,
            "month" => Unit::Month,
            "quarter" => Unit::Quarter,
            "year" => Unit::Year,
            _ => return Err(c.invalid(format!("'{text}' is not a valid TIMESTAMP field"))),
        })
    }

    /// Milliseconds in one unit, for units of fixed length.
    fn millis(self) -> Option<i64> {
        Some(match self {
            Unit::Millisecond => 1,
            Unit::Second => 1_000,
            Unit::Minute => 60_000,
            Unit::Hour => 3_600_000,
            Unit::Day => MS_PER_DAY,
            Unit::Week => 7 * MS_PER_DAY,
            _ => return None,
        })
    }

    fn months(self) -> i64 {
        match self {
            Unit::Quarter => 3,
            Unit::Year => 12,
            _ => 1,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Unit::Millisecond => "millisecond",
            Unit::Second => "second",
            Unit::Minute => "minute",
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::Week => "week",
            Unit::Month => "month",
            Unit::Quarter => "quarter",
            Unit::Year => "year",
        }
    }
}

/// The first day of the unit `days` falls in (weeks start on Monday, as in Athena).
fn trunc_days(days: i32, unit: Unit) -> i32 {
    let Some(d) = from_days(days) else { return days };
    let first = match unit {
        Unit::Week => return days - (days + 3).rem_euclid(7),
        Unit::Month => d.with_day(1),
        Unit::Quarter => d.with_day(1).and_then(|d| d.with_month((d.month() - 1) / 3 * 3 + 1)),
        Unit::Year => d.with_day(1).and_then(|d| d.with_month(1)),
        _ => Some(d),
    };
    first.map_or(days, to_days)
}

/// `date_trunc(unit, x)`: DATE for a DATE, TIMESTAMP for a TIMESTAMP, and for text DATE or
/// TIMESTAMP by the unit (see the module docs).
fn date_trunc(c: &Call) -> Result<Value> {
    c.expect("s*")?;
    let unit = Unit::parse(c, 0)?;
    let t = c.args[1].data_type().clone();
    let date = matches!(t, DataType::Date32 | DataType::Date64) || (is_string(&t) && unit >= Unit::Day);
    if date && unit < Unit::Day {
        return Err(c.invalid(format!("'{}' is not a valid DATE field", unit.name())));
    }
    let result_type = if date { DataType::Date32 } else { TIMESTAMP };
    null_or(c, &result_type, || {
        if date {
            let days = as_date(c, 1)?;
            return Ok(Arc::new(days.unary::<_, Date32Type>(|d| trunc_days(d, unit))));
        }
        let ts = as_timestamp(c, 1)?;
        let out: TimestampMillisecondArray = match unit.millis() {
            Some(step) if unit <= Unit::Day => ts.unary(|ms| ms - ms.rem_euclid(step)),
            _ => ts.unary(|ms| {
                let day = trunc_days(ms.div_euclid(MS_PER_DAY) as i32, unit);
                i64::from(day) * MS_PER_DAY
            }),
        };
        Ok(Arc::new(out))
    })
}

/// `date_format(x, pattern)`, with Arrow's formatting kernel (the pattern is translated to
/// chrono's `strftime` once).
fn date_format(c: &Call) -> Result<Value> {
    c.expect("*s")?;
    let Some(pattern) = c.literal_str(1) else {
        return Err(c.invalid("date_format: the format must be a string literal"));
    };
    let format = chrono_format(&pattern).map_err(|m| c.invalid(m))?;
    null_or(c, &DataType::Utf8, || {
        let ts: ArrayRef = Arc::new(as_timestamp(c, 0)?);
        let options = CastOptions {
            safe: false,
            format_options: FormatOptions::new().with_timestamp_format(Some(&format)),
        };
        Ok(cast_with_options(&ts, &DataType::Utf8, &options)?)
    })
}

/// A Spark (`yyyy-MM-dd HH:mm:ss.SSS`) or MySQL-style (`%Y-%m-%d %H:%i:%s`) pattern as a chrono
/// format string.
pub(crate) fn chrono_format(pattern: &str) -> std::result::Result<String, String> {
    let format = if pattern.contains('%') {
        mysql_format(pattern)?
    } else {
        spark_format(pattern)?
    };
    StrftimeItems::new(&format)
        .parse()
        .map_err(|_| format!("Invalid format: '{pattern}'"))?;
    Ok(format)
}

fn spark_format(pattern: &str) -> std::result::Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch == '\'' {
            // 'quoted text', with '' for a quote.
            let mut j = i + 1;
            if chars.get(j) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            while j < chars.len() {
                if chars[j] == '\'' {
                    if chars.get(j + 1) == Some(&'\'') {
                        out.push('\'');
                        j += 2;
                        continue;
                    }
                    break;
                }
                push_literal(&mut out, chars[j]);
                j += 1;
            }
            i = j + 1;
            continue;
        }
        if !ch.is_ascii_alphabetic() {
            push_literal(&mut out, ch);
            i += 1;
            continue;
        }
        let mut n = 1;
        while chars.get(i + n) == Some(&ch) {
            n += 1;
        }
        let spec = match (ch, n) {
            ('y', 2) => "%y",
            ('y', _) => "%Y",
            ('M' | 'L', 1) => "%-m",
            ('M' | 'L', 2) => "%m",
            ('M' | 'L', 3) => "%b",
            ('M' | 'L', _) => "%B",
            ('d', 1) => "%-d",
            ('d', 2) => "%d",
            ('D', _) => "%j",
            ('H', 1) => "%-H",
            ('H', _) => "%H",
            ('h', 1) => "%-I",
            ('h', _) => "%I",
            ('m', 1) => "%-M",
            ('m', _) => "%M",
            ('s', 1) => "%-S",
            ('s', _) => "%S",
            ('S', 3) => "%3f",
            ('S', 6) => "%6f",
            ('S', 9) => "%9f",
            ('a', _) => "%p",
            ('E', 1..=3) => "%a",
            ('E', _) => "%A",
            _ => {
                return Err(format!(
                    "Unsupported pattern letter '{}' in '{pattern}'",
                    ch.to_string().repeat(n)
                ))
            }
        };
        out.push_str(spec);
        i += n;
    }
    Ok(out)
}

fn push_literal(out: &mut String, ch: char) {
    if ch == '%' {
        out.push_str("%%");
    } else {
        out.push(ch);
    }
}

fn mysql_format(pattern: &str) -> std::result::Result<String, String> {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        let spec = match chars.next() {
            Some('Y') => "%Y",
            Some('y') => "%y",
            Some('m') => "%m",
            Some('c') => "%-m",
            Some('d') => "%d",
            Some('e') => "%-d",
            Some('H') => "%H",
            Some('k') => "%-H",
            Some('h' | 'I') => "%I",
            Some('l') => "%-I",
            Some('i') => "%M",
            Some('s' | 'S') => "%S",
            Some('f') => "%6f",
            Some('p') => "%p",
            Some('M') => "%B",
            Some('b') => "%b",
            Some('W') => "%A",
            Some('a') => "%a",
            Some('j') => "%j",
            Some('T') => "%H:%M:%S",
            Some('r') => "%I:%M:%S %p",
            Some('%') => "%%",
            Some(other) => return Err(format!("Unsupported format specifier '%{other}' in '{pattern}'")),
            None => return Err(format!("Format '{pattern}' ends with '%'")),
        };
        out.push_str(spec);
    }
    Ok(out)
}

/// `from_unixtime(seconds)`: a TIMESTAMP (UTC), fractions of a second kept to the millisecond.
fn from_unixtime(c: &Call) -> Result<Value> {
    c.expect("n")?;
    null_or(c, &TIMESTAMP, || {
        let a = c.array(0)?;
        let millis: Int64Array = if is_integer(a.data_type()) {
            let secs = cast(&a, &DataType::Int64)?;
            secs.as_primitive::<Int64Type>()
                .try_unary(|s| {
                    s.checked_mul(1000)
                        .ok_or_else(|| ArrowError::ArithmeticOverflow(format!("from_unixtime({s}) is out of range")))
                })
                .map_err(|e| arithmetic_error(e, c.pos))?
        } else {
            let secs = cast(&a, &DataType::Float64)?;
            let ms: Float64Array = secs.as_primitive::<Float64Type>().unary(|s| (s * 1000.0).round());
            cast(&(Arc::new(ms) as ArrayRef), &DataType::Int64)?
                .as_primitive::<Int64Type>()
                .clone()
        };
        Ok(Arc::new(millis.reinterpret_cast::<TimestampMillisecondType>()))
    })
}

fn overflow(what: &str) -> ArrowError {
    ArrowError::ArithmeticOverflow(format!("{what} is out of range"))
}

/// Spark's `date_add(x, days)` and `date_sub(x, days)`: a DATE.
fn add_days(c: &Call, subtract: bool) -> Result<Value> {
    c.expect("*i")?;
    null_or(c, &DataType::Date32, || {
        let days = as_date(c, 0)?;
        let n = c.integers(1)?;
        let out: Date32Array = try_binary(&days, &n, |d, n| {
            let n = if subtract { n.checked_neg() } else { Some(n) };
            n.and_then(|n| i32::try_from(i64::from(d) + n).ok())
                .ok_or_else(|| overflow(c.func.name()))
        })
        .map_err(|e| arithmetic_error(e, c.pos))?;
        Ok(Arc::new(out))
    })
}

/// Athena's `date_add(unit, n, x)`: x moved by n units, of x's type (text counts as TIMESTAMP).
/// Months clamp to the month's last day (`2024-01-31` + 1 month = `2024-02-29`).
fn date_add_unit(c: &Call) -> Result<Value> {
    c.expect("si*")?;
    let unit = Unit::parse(c, 0)?;
    let is_date = matches!(c.args[2].data_type(), DataType::Date32 | DataType::Date64);
    if is_date && unit < Unit::Day {
        return Err(c.invalid(format!("'{}' is not a valid DATE field", unit.name())));
    }
    let result_type = if is_date { DataType::Date32 } else { TIMESTAMP };
    null_or(c, &result_type, || {
        let n = c.integers(1)?;
        let err = |e| arithmetic_error(e, c.pos);
        if is_date {
            let days = as_date(c, 2)?;
            let out: Date32Array = try_binary(&days, &n, |d, n| {
                let moved = match unit.millis() {
                    Some(step) => n
                        .checked_mul(step / MS_PER_DAY)
                        .and_then(|k| i64::from(d).checked_add(k)),
                    None => add_months_to_day(d, n.checked_mul(unit.months())),
                };
                moved
                    .and_then(|m| i32::try_from(m).ok())
                    .ok_or_else(|| overflow("date_add"))
            })
            .map_err(err)?;
            return Ok(Arc::new(out));
        }
        let ts = as_timestamp(c, 2)?;
        let out: TimestampMillisecondArray = try_binary(&ts, &n, |ms, n| {
            match unit.millis() {
                Some(step) => n.checked_mul(step).and_then(|k| ms.checked_add(k)),
                None => add_months(ms, n.checked_mul(unit.months())),
            }
            .ok_or_else(|| overflow("date_add"))
        })
        .map_err(err)?;
        Ok(Arc::new(out))
    })
}

fn add_months(ms: i64, months: Option<i64>) -> Option<i64> {
    let t = from_millis(ms)?;
    let months = months?;
    let step = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
    let moved = if months >= 0 {
        t.checked_add_months(step)?
    } else {
        t.checked_sub_months(step)?
    };
    Some(to_millis(moved))
}

fn add_months_to_day(days: i32, months: Option<i64>) -> Option<i64> {
    let ms = add_months(i64::from(days) * MS_PER_DAY, months)?;
    Some(ms.div_euclid(MS_PER_DAY))
}

/// Athena's `date_diff(unit, a, b)`: whole units from a to b (negative when b is earlier),
/// counted the way Athena counts them (`date_diff('month', DATE '2024-01-31', DATE '2024-02-29')`
/// is 1).
fn date_diff_unit(c: &Call) -> Result<Value> {
    c.expect("s**")?;
    let unit = Unit::parse(c, 0)?;
    null_or(c, &DataType::Int64, || {
        let (a, b) = (as_timestamp(c, 1)?, as_timestamp(c, 2)?);
        let out: Int64Array = try_binary(&a, &b, |a, b| {
            match unit.millis() {
                Some(step) => b.checked_sub(a).map(|d| d / step),
                None => months_between(a, b).map(|m| m / unit.months()),
            }
            .ok_or_else(|| overflow("date_diff"))
        })
        .map_err(|e| arithmetic_error(e, c.pos))?;
        Ok(Arc::new(out))
    })
}

/// Whole months from `a` to `b`: the most months that can be added to `a` without passing `b`.
fn months_between(a: i64, b: i64) -> Option<i64> {
    let (ta, tb) = (from_millis(a)?, from_millis(b)?);
    let mut m = i64::from(tb.year() - ta.year()) * 12 + i64::from(tb.month()) - i64::from(ta.month());
    if m > 0 && add_months(a, Some(m))? > b {
        m -= 1;
    } else if m < 0 && add_months(a, Some(m))? < b {
        m += 1;
    }
    Some(m)
}

/// Spark's `datediff(end, start)`: days from start to end.
fn datediff_days(c: &Call) -> Result<Value> {
    c.expect("**")?;
    null_or(c, &DataType::Int64, || {
        let (end, start) = (as_date(c, 0)?, as_date(c, 1)?);
        let out: PrimitiveArray<Int64Type> =
            crate::arrow::compute::kernels::arity::binary(&end, &start, |e, s| i64::from(e) - i64::from(s))?;
        Ok(Arc::new(out))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spark_and_mysql_patterns_become_strftime() {
        assert_eq!(chrono_format("yyyy-MM").unwrap(), "%Y-%m");
        assert_eq!(
            chrono_format("yyyy-MM-dd HH:mm:ss.SSS").unwrap(),
            "%Y-%m-%d %H:%M:%S%.3f".replace("%.3f", ".%3f")
        );
        assert_eq!(chrono_format("d MMM yy 'at' h a").unwrap(), "%-d %b %y at %-I %p");
        assert_eq!(chrono_format("%Y-%m-%d %H:%i:%s").unwrap(), "%Y-%m-%d %H:%M:%S");
        assert_eq!(chrono_format("yyyy'T'HH").unwrap(), "%YT%H");
        assert!(chrono_format("yyyy-QQ")
            .unwrap_err()
            .contains("Unsupported pattern letter 'QQ'"));
        assert!(chrono_format("%Y-%q").is_err());
    }

    #[test]
    fn truncating_days() {
        let d = |y, m, day| to_days(NaiveDate::from_ymd_opt(y, m, day).unwrap());
        assert_eq!(trunc_days(d(2024, 3, 15), Unit::Month), d(2024, 3, 1));
        assert_eq!(trunc_days(d(2024, 8, 15), Unit::Quarter), d(2024, 7, 1));
        assert_eq!(trunc_days(d(2024, 8, 15), Unit::Year), d(2024, 1, 1));
        // 2024-03-14 is a Thursday; its week starts on Monday the 11th.
        assert_eq!(trunc_days(d(2024, 3, 14), Unit::Week), d(2024, 3, 11));
        assert_eq!(trunc_days(d(1969, 12, 31), Unit::Month), d(1969, 12, 1));
    }

    #[test]
    fn months_between_counts_whole_months() {
        let ms = |y, m, d| to_millis(NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(0, 0, 0).unwrap());
        assert_eq!(months_between(ms(2024, 1, 31), ms(2024, 2, 29)), Some(1));
        assert_eq!(months_between(ms(2024, 1, 15), ms(2024, 2, 14)), Some(0));
        assert_eq!(months_between(ms(2024, 3, 15), ms(2024, 1, 16)), Some(-1));
        assert_eq!(months_between(ms(2023, 3, 1), ms(2024, 3, 1)), Some(12));
    }
}

#[cfg(test)]
mod sql_tests {
    use super::super::testing::{column, error, type_of};
    use super::*;

    #[test]
    fn date_parts() {
        assert_eq!(column("year(day)"), ["2024", "2024", "", "2023"]);
        assert_eq!(column("month(ts)"), ["1", "3", "", "12"]);
        assert_eq!(column("day(iso)"), ["31", "29", "", "15"]);
        assert_eq!(column("hour(ts)"), ["23", "0", "", "8"]);
        assert_eq!(column("minute(iso)"), ["0", "0", "", "30"]);
        assert_eq!(column("quarter(day)"), ["1", "1", "", "4"]);
        assert_eq!(column("EXTRACT(YEAR FROM ts)"), ["2024", "2024", "", "2023"]);
        assert_eq!(type_of("year(day)"), DataType::Int64);
        assert!(error("hour(day)").contains("Unexpected parameters (date) for function hour"));
        let e = error("year(name)");
        assert!(
            e.contains("INVALID_CAST_ARGUMENT: line 1:8: Value cannot be cast to timestamp:   Ann "),
            "{e}"
        );
    }

    #[test]
    fn monthly_buckets_from_dates_timestamps_and_text() {
        let months = ["2024-01-01", "2024-02-01", "", "2023-12-01"];
        assert_eq!(column("date_trunc('month', day)"), months);
        assert_eq!(column("date_trunc('month', iso)"), months);
        assert_eq!(type_of("date_trunc('month', iso)"), DataType::Date32);
        assert_eq!(column("date_trunc('month', ts)")[1], "2024-03-01 00:00:00.000");
        assert_eq!(type_of("date_trunc('month', ts)"), TIMESTAMP);
        let formatted = ["2024-01", "2024-02", "", "2023-12"];
        assert_eq!(column("date_format(day, 'yyyy-MM')"), formatted);
        assert_eq!(column("date_format(iso, 'yyyy-MM')"), formatted);
        assert_eq!(
            column("date_format(ts, 'yyyy-MM')"),
            ["2024-01", "2024-03", "", "2023-12"]
        );
        let r = crate::query::execute(
            "SELECT date_format(day, 'yyyy-MM') AS m, count(*) AS n FROM db.orders GROUP BY 1 ORDER BY m",
            &super::super::testing::orders(),
        )
        .unwrap();
        assert_eq!(
            r.rows_as_strings(),
            [["2023-12", "1"], ["2024-01", "1"], ["2024-02", "1"], ["", "1"]]
        );
    }

    #[test]
    fn truncation_units() {
        assert_eq!(column("date_trunc('year', day)")[0], "2024-01-01");
        assert_eq!(column("date_trunc('quarter', ts)")[1], "2024-01-01 00:00:00.000");
        assert_eq!(column("date_trunc('week', day)")[0], "2024-01-29");
        assert_eq!(column("date_trunc('hour', ts)")[3], "2023-12-15 08:00:00.000");
        assert_eq!(column("date_trunc('second', ts)")[0], "2024-01-31 23:59:59.000");
        assert_eq!(column("date_trunc('hour', iso)")[1], "2024-02-29 10:00:00.000");
        assert!(error("date_trunc('hour', day)")
            .contains("INVALID_FUNCTION_ARGUMENT: line 1:8: 'hour' is not a valid DATE field"));
        assert!(error("date_trunc('fortnight', day)").contains("'fortnight' is not a valid TIMESTAMP field"));
    }

    #[test]
    fn formats() {
        assert_eq!(
            column("date_format(ts, 'yyyy-MM-dd HH:mm:ss')")[0],
            "2024-01-31 23:59:59"
        );
        assert_eq!(
            column("date_format(ts, 'dd/MM/yy HH:mm:ss.SSS')")[0],
            "31/01/24 23:59:59.500"
        );
        assert_eq!(column("date_format(ts, '%Y-%m-%d %H:%i:%s')")[3], "2023-12-15 08:30:00");
        assert_eq!(column("date_format(day, 'MMM d, yyyy')")[0], "Jan 31, 2024");
        assert!(error("date_format(day, 'yyyy-QQ')")
            .contains("INVALID_FUNCTION_ARGUMENT: line 1:8: Unsupported pattern letter 'QQ'"));
    }

    #[test]
    fn parsing_dates() {
        assert_eq!(column("date(iso)"), ["2024-01-31", "2024-02-29", "", "2023-12-15"]);
        assert_eq!(column("date(ts)")[0], "2024-01-31");
        assert_eq!(column("to_date(iso)"), ["2024-01-31", "2024-02-29", "", "2023-12-15"]);
        assert_eq!(column("to_date('31/01/2024', 'dd/MM/yyyy')")[0], "2024-01-31");
        assert_eq!(column("to_date('nonsense', 'dd/MM/yyyy')")[0], "");
        assert_eq!(
            column("to_timestamp('2024-01-31 10:11:12', 'yyyy-MM-dd HH:mm:ss')")[0],
            "2024-01-31 10:11:12.000"
        );
        assert_eq!(type_of("to_date(iso)"), DataType::Date32);
    }

    #[test]
    fn unix_times() {
        assert_eq!(column("from_unixtime(1690000000)")[0], "2023-07-22 04:26:40.000");
        assert_eq!(column("from_unixtime(1690000000.25)")[0], "2023-07-22 04:26:40.250");
        assert_eq!(
            column("date_format(from_unixtime(id * 86400 * 40), 'yyyy-MM')"),
            ["1970-02", "1970-03", "", "1970-06"]
        );
    }

    #[test]
    fn adding_and_subtracting() {
        assert_eq!(
            column("date_add(day, 1)"),
            ["2024-02-01", "2024-03-01", "", "2023-12-16"]
        );
        assert_eq!(
            column("date_sub(iso, id)"),
            ["2024-01-30", "2024-02-27", "", "2023-12-11"]
        );
        assert_eq!(
            column("date_add('month', 1, day)"),
            ["2024-02-29", "2024-03-29", "", "2024-01-15"]
        );
        assert_eq!(column("date_add('year', -1, day)")[1], "2023-02-28");
        assert_eq!(column("date_add('hour', 2, ts)")[0], "2024-02-01 01:59:59.500");
        assert_eq!(type_of("date_add('day', 1, day)"), DataType::Date32);
        assert!(error("date_add('hour', 1, day)").contains("'hour' is not a valid DATE field"));
    }

    #[test]
    fn differences() {
        assert_eq!(
            column("date_diff('day', DATE '2024-01-01', day)"),
            ["30", "59", "", "-17"]
        );
        assert_eq!(column("datediff(day, DATE '2024-01-01')"), ["30", "59", "", "-17"]);
        assert_eq!(
            column("date_diff('month', DATE '2024-01-31', day)"),
            ["0", "1", "", "-1"]
        );
        assert_eq!(column("date_diff('hour', day, ts)"), ["23", "24", "", "8"]);
        assert_eq!(column("date_diff('year', iso, DATE '2025-01-31')"), ["1", "0", "", "1"]);
    }
}
