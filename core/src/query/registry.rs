//! The scalar functions gluelab knows: names, aliases, argument counts and the signatures
//! Athena prints, plus the errors for a name that is not one of them.
//!
//! The expression tree names a function by [`Func`]; lowering resolves the name here, and the
//! implementations (in [`super::functions`] and [`super::datetime`]) match on it.

use super::error::{sql_error, Pos};
use crate::error::Error;

/// A scalar function gluelab can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Coalesce,
    NullIf,
    Upper,
    Lower,
    Trim,
    Ltrim,
    Rtrim,
    Length,
    Concat,
    Substr,
    Replace,
    SplitPart,
    Lpad,
    Rpad,
    RegexpLike,
    Abs,
    Round,
    Floor,
    Ceil,
    Date,
    ToDate,
    ToTimestamp,
    Year,
    Quarter,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    DateTrunc,
    DateFormat,
    FromUnixtime,
    DateAdd,
    DateSub,
    DateDiff,
}

/// No upper limit on the number of arguments.
const MANY: usize = usize::MAX;

/// One name a function is called by.
struct Def {
    name: &'static str,
    func: Func,
    min: usize,
    max: usize,
    /// How Athena would print the expected parameters, for error messages.
    signature: &'static str,
}

const fn def(name: &'static str, func: Func, min: usize, max: usize, signature: &'static str) -> Def {
    Def {
        name,
        func,
        min,
        max,
        signature,
    }
}

/// Every name, aliases included. The first entry of a function is its canonical name.
const DEFS: &[Def] = &[
    def("coalesce", Func::Coalesce, 1, MANY, "coalesce(T, T, ...)"),
    def("nvl", Func::Coalesce, 2, 2, "nvl(T, T)"),
    def("ifnull", Func::Coalesce, 2, 2, "ifnull(T, T)"),
    def("nullif", Func::NullIf, 2, 2, "nullif(T, T)"),
    def("upper", Func::Upper, 1, 1, "upper(varchar)"),
    def("ucase", Func::Upper, 1, 1, "ucase(varchar)"),
    def("lower", Func::Lower, 1, 1, "lower(varchar)"),
    def("lcase", Func::Lower, 1, 1, "lcase(varchar)"),
    def("trim", Func::Trim, 1, 2, "trim(varchar[, varchar])"),
    def("ltrim", Func::Ltrim, 1, 2, "ltrim(varchar[, varchar])"),
    def("rtrim", Func::Rtrim, 1, 2, "rtrim(varchar[, varchar])"),
    def("length", Func::Length, 1, 1, "length(varchar)"),
    def("char_length", Func::Length, 1, 1, "char_length(varchar)"),
    def("character_length", Func::Length, 1, 1, "character_length(varchar)"),
    def("concat", Func::Concat, 1, MANY, "concat(varchar, varchar, ...)"),
    def("substr", Func::Substr, 2, 3, "substr(varchar, bigint[, bigint])"),
    def("substring", Func::Substr, 2, 3, "substring(varchar, bigint[, bigint])"),
    def("replace", Func::Replace, 2, 3, "replace(varchar, varchar[, varchar])"),
    def(
        "split_part",
        Func::SplitPart,
        3,
        3,
        "split_part(varchar, varchar, bigint)",
    ),
    def("lpad", Func::Lpad, 3, 3, "lpad(varchar, bigint, varchar)"),
    def("rpad", Func::Rpad, 3, 3, "rpad(varchar, bigint, varchar)"),
    def("regexp_like", Func::RegexpLike, 2, 2, "regexp_like(varchar, varchar)"),
    def("abs", Func::Abs, 1, 1, "abs(number)"),
    def("round", Func::Round, 1, 2, "round(number[, integer])"),
    def("floor", Func::Floor, 1, 1, "floor(number)"),
    def("ceil", Func::Ceil, 1, 1, "ceil(number)"),
    def("ceiling", Func::Ceil, 1, 1, "ceiling(number)"),
    def("date", Func::Date, 1, 1, "date(varchar | timestamp)"),
    def("to_date", Func::ToDate, 1, 2, "to_date(varchar[, format])"),
    def(
        "to_timestamp",
        Func::ToTimestamp,
        1,
        2,
        "to_timestamp(varchar[, format])",
    ),
    def("year", Func::Year, 1, 1, "year(date | timestamp)"),
    def("quarter", Func::Quarter, 1, 1, "quarter(date | timestamp)"),
    def("month", Func::Month, 1, 1, "month(date | timestamp)"),
    def("day", Func::Day, 1, 1, "day(date | timestamp)"),
    def("day_of_month", Func::Day, 1, 1, "day_of_month(date | timestamp)"),
    def("dayofmonth", Func::Day, 1, 1, "dayofmonth(date | timestamp)"),
    def("hour", Func::Hour, 1, 1, "hour(timestamp)"),
    def("minute", Func::Minute, 1, 1, "minute(timestamp)"),
    def("second", Func::Second, 1, 1, "second(timestamp)"),
    def(
        "date_trunc",
        Func::DateTrunc,
        2,
        2,
        "date_trunc(unit, date | timestamp)",
    ),
    def(
        "date_format",
        Func::DateFormat,
        2,
        2,
        "date_format(date | timestamp, format)",
    ),
    def("from_unixtime", Func::FromUnixtime, 1, 1, "from_unixtime(number)"),
    def(
        "date_add",
        Func::DateAdd,
        2,
        3,
        "date_add(date, days) or date_add(unit, bigint, date | timestamp)",
    ),
    def("date_sub", Func::DateSub, 2, 2, "date_sub(date, days)"),
    def(
        "date_diff",
        Func::DateDiff,
        2,
        3,
        "date_diff(unit, date | timestamp, date | timestamp) or datediff(end, start)",
    ),
    def(
        "datediff",
        Func::DateDiff,
        2,
        3,
        "date_diff(unit, date | timestamp, date | timestamp) or datediff(end, start)",
    ),
];

/// Functions that read the wall clock or a random source: gluelab refuses them, every run must be
/// reproducible.
const NONDETERMINISTIC: &[&str] = &[
    "current_date",
    "current_timestamp",
    "current_time",
    "localtime",
    "localtimestamp",
    "now",
    "sysdate",
    "getdate",
    "current_timezone",
    "unix_timestamp",
    "rand",
    "random",
    "uuid",
];

/// The aggregate names, for spelling suggestions.
const AGGREGATES: &[&str] = &["count", "sum", "avg", "min", "max"];

impl Func {
    /// The function called `name` (lowercase) and its argument count limits.
    pub fn lookup(name: &str) -> Option<(Func, usize, usize)> {
        DEFS.iter().find(|d| d.name == name).map(|d| (d.func, d.min, d.max))
    }

    /// The canonical name (`substr` for `substring`).
    pub fn name(self) -> &'static str {
        DEFS.iter().find(|d| d.func == self).map_or("?", |d| d.name)
    }

    pub fn signature(self) -> &'static str {
        DEFS.iter().find(|d| d.func == self).map_or("?", |d| d.signature)
    }
}

/// The error for a function gluelab does not know: Athena's `FUNCTION_NOT_FOUND`, with close
/// names when there are any, and a reason for the wall-clock ones.
pub(crate) fn unknown_function(name: &str, pos: Pos) -> Error {
    if NONDETERMINISTIC.contains(&name) {
        let message = format!(
            "{name} is not available: gluelab has no wall clock or random source, so that every run \
             gives the same result (use a literal such as DATE '2024-01-31')"
        );
        return sql_error("NOT_SUPPORTED", pos, message);
    }
    let mut close: Vec<&str> = DEFS
        .iter()
        .map(|d| d.name)
        .chain(AGGREGATES.iter().copied())
        .filter(|candidate| is_close(name, candidate))
        .collect();
    close.dedup();
    let hint = match close.as_slice() {
        [] => String::new(),
        names => format!(" (did you mean {}?)", names.join(", ")),
    };
    sql_error(
        "FUNCTION_NOT_FOUND",
        pos,
        format!("Function '{name}' not registered{hint}"),
    )
}

/// A name within two edits of `candidate`, or one that starts or ends the other (`datediff`,
/// `date_diff`; `substring_index`, `substring`).
fn is_close(name: &str, candidate: &str) -> bool {
    let plain = |s: &str| s.replace('_', "");
    if plain(name) == plain(candidate) {
        return true;
    }
    if name.len() >= 4 && (candidate.starts_with(name) || name.starts_with(candidate)) {
        return true;
    }
    edit_distance(name, candidate) <= if name.len() <= 4 { 1 } else { 2 }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The error for a call with a wrong number of arguments, found while lowering.
pub(crate) fn wrong_argument_count(func: Func, written: &str, count: usize, pos: Pos) -> Error {
    let message = format!(
        "Unexpected parameters ({count} argument{}) for function {written}. Expected: {}",
        if count == 1 { "" } else { "s" },
        func.signature()
    );
    sql_error("FUNCTION_NOT_FOUND", pos, message)
}

#[cfg(test)]
mod tests {
    use super::super::testing::error;
    use super::*;

    #[test]
    fn unknown_functions_suggest_close_names() {
        let e = error("uper(name)");
        assert!(
            e.contains("FUNCTION_NOT_FOUND: line 1:8: Function 'uper' not registered (did you mean upper?)"),
            "{e}"
        );
        assert!(error("datediff_days(day)").contains("did you mean"));
        let e = error("frobnicate(name)");
        assert!(e.ends_with("Function 'frobnicate' not registered"), "{e}");
        let e = error("current_date");
        assert!(
            e.contains("NOT_SUPPORTED: line 1:8: current_date is not available"),
            "{e}"
        );
        assert!(error("rand()").contains("rand is not available"));
    }

    #[test]
    fn edit_distance_is_levenshtein() {
        assert_eq!(edit_distance("uper", "upper"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert!(is_close("datediff", "date_diff"));
        assert!(!is_close("abs", "avg"));
    }
}
