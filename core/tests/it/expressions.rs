//! Property test: random expressions over random small batches, evaluated by
//! `gluelab_core::query::evaluate_expression` (column at a time, Arrow kernels) and by a
//! row-by-row reference evaluator written here, independently of the engine.
//!
//! The reference follows what `query`'s module docs promise:
//! - SQL's three-valued logic: comparisons with NULL are NULL, `AND`/`OR` are Kleene's,
//!   `NOT NULL` is NULL, `IS NULL` is never NULL;
//! - BIGINT arithmetic is checked: overflow is `NUMERIC_VALUE_OUT_OF_RANGE`, `/` and `%` by zero
//!   `DIVISION_BY_ZERO`; `/` truncates towards zero and `%` takes the dividend's sign (the
//!   smallest BIGINT `% -1` is 0, but `/ -1` overflows); NULL in, NULL out, with no error;
//! - `CASE` and `coalesce` evaluate a branch only for the rows that take it, while both sides of
//!   `AND`/`OR` are always evaluated;
//! - one failing row fails the whole expression.
//!
//! When several rows fail in different ways the engine may report any of them, so the check is
//! that the engine fails exactly when the reference does, with an error the reference met.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use gluelab_core::arrow::array::{Array, ArrayRef, AsArray, Date32Array, Int64Array, RecordBatch, StringArray};
use gluelab_core::arrow::compute::cast;
use gluelab_core::arrow::datatypes::{DataType, Field, Int64Type, Schema};
use gluelab_core::query::{evaluate_expression, predicate_mask};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Data

#[derive(Debug, Clone)]
struct Row {
    a: Option<i64>,
    b: Option<i64>,
    s: Option<String>,
    t: Option<String>,
    /// Days since 1970-01-01.
    d: Option<i32>,
}

/// `a bigint, b bigint, s varchar, t varchar, d date, iso varchar` (`iso` is `d` as text).
fn batch(rows: &[Row]) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![
        Field::new("a", DataType::Int64, true),
        Field::new("b", DataType::Int64, true),
        Field::new("s", DataType::Utf8, true),
        Field::new("t", DataType::Utf8, true),
        Field::new("d", DataType::Date32, true),
        Field::new("iso", DataType::Utf8, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(rows.iter().map(|r| r.a).collect::<Int64Array>()),
        Arc::new(rows.iter().map(|r| r.b).collect::<Int64Array>()),
        Arc::new(rows.iter().map(|r| r.s.clone()).collect::<StringArray>()),
        Arc::new(rows.iter().map(|r| r.t.clone()).collect::<StringArray>()),
        Arc::new(rows.iter().map(|r| r.d).collect::<Date32Array>()),
        Arc::new(
            rows.iter()
                .map(|r| r.d.map(|d| date(d).to_string()))
                .collect::<StringArray>(),
        ),
    ];
    RecordBatch::try_new(schema, columns).unwrap()
}

fn date(days: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Days::new(days as u64)
}

fn int_value() -> impl Strategy<Value = i64> {
    prop_oneof![
        12 => -12i64..12,
        1 => Just(i64::MAX),
        1 => Just(i64::MIN + 1),
        1 => Just(3_037_000_500i64),
    ]
}

fn text() -> impl Strategy<Value = String> {
    "[aBz é_Ü]{0,4}"
}

fn row() -> impl Strategy<Value = Row> {
    (
        prop::option::weighted(0.8, int_value()),
        prop::option::weighted(0.8, int_value()),
        prop::option::weighted(0.8, text()),
        prop::option::weighted(0.8, text()),
        prop::option::weighted(0.8, 17_000i32..21_000),
    )
        .prop_map(|(a, b, s, t, d)| Row { a, b, s, t, d })
}

// ---------------------------------------------------------------------------------------------
// Expressions: three small typed grammars that refer to each other.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Failure {
    DivisionByZero,
    Overflow,
}

type Eval<T> = Result<Option<T>, Failure>;

#[derive(Debug, Clone)]
enum I {
    Col(&'static str),
    Lit(i64),
    Null,
    Arith(char, Box<I>, Box<I>),
    Neg(Box<I>),
    Abs(Box<I>),
    Length(Box<S>),
    Part(&'static str, &'static str),
    Case(Vec<(B, I)>, Option<Box<I>>),
    Simple(Box<I>, Vec<(i64, I)>, Option<Box<I>>),
    Coalesce(Vec<I>),
}

#[derive(Debug, Clone)]
enum S {
    Col(&'static str),
    Lit(String),
    Null,
    Upper(Box<S>),
    Lower(Box<S>),
    Concat(Box<S>, Box<S>),
    /// `date_format(date_trunc('month', <col>), 'yyyy-MM-dd')`.
    Month(&'static str),
    Case(Vec<(B, S)>, Option<Box<S>>),
    Coalesce(Vec<S>),
}

#[derive(Debug, Clone)]
enum B {
    Lit(Option<bool>),
    CmpI(&'static str, I, I),
    CmpS(&'static str, S, S),
    And(Box<B>, Box<B>),
    Or(Box<B>, Box<B>),
    Not(Box<B>),
    IsNull(I, bool),
    IsNullS(S, bool),
}

fn case_sql<T>(branches: &[(B, T)], otherwise: &Option<Box<T>>, show: impl Fn(&T) -> String) -> String {
    let mut out = "CASE".to_string();
    for (c, r) in branches {
        out += &format!(" WHEN {} THEN {}", c.sql(), show(r));
    }
    if let Some(e) = otherwise {
        out += &format!(" ELSE {}", show(e));
    }
    out + " END"
}

fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl I {
    fn sql(&self) -> String {
        match self {
            I::Col(c) => c.to_string(),
            I::Lit(n) if *n < 0 => format!("({n})"),
            I::Lit(n) => n.to_string(),
            I::Null => "NULL".into(),
            I::Arith(op, l, r) => format!("({} {op} {})", l.sql(), r.sql()),
            I::Neg(e) => format!("(-{})", e.sql()),
            I::Abs(e) => format!("abs({})", e.sql()),
            I::Length(e) => format!("length({})", e.sql()),
            I::Part(f, c) => format!("{f}({c})"),
            I::Case(b, e) => case_sql(b, e, I::sql),
            I::Simple(x, whens, e) => {
                let mut out = format!("CASE {}", x.sql());
                for (v, r) in whens {
                    out += &format!(" WHEN {v} THEN {}", r.sql());
                }
                if let Some(e) = e {
                    out += &format!(" ELSE {}", e.sql());
                }
                out + " END"
            }
            I::Coalesce(args) => format!("coalesce({})", args.iter().map(I::sql).collect::<Vec<_>>().join(", ")),
        }
    }

    fn eval(&self, r: &Row) -> Eval<i64> {
        Ok(match self {
            I::Col("a") => r.a,
            I::Col(_) => r.b,
            I::Lit(n) => Some(*n),
            I::Null => None,
            I::Arith(op, l, rr) => {
                let (x, y) = (l.eval(r)?, rr.eval(r)?);
                let (Some(x), Some(y)) = (x, y) else { return Ok(None) };
                let v = match op {
                    '+' => x.checked_add(y),
                    '-' => x.checked_sub(y),
                    '*' => x.checked_mul(y),
                    '/' if y == 0 => return Err(Failure::DivisionByZero),
                    '/' => x.checked_div(y),
                    _ if y == 0 => return Err(Failure::DivisionByZero),
                    // The smallest BIGINT % -1 is 0, in Athena as in Arrow; only `/` overflows.
                    _ => Some(x.wrapping_rem(y)),
                };
                Some(v.ok_or(Failure::Overflow)?)
            }
            I::Neg(e) => match e.eval(r)? {
                Some(x) => Some(x.checked_neg().ok_or(Failure::Overflow)?),
                None => None,
            },
            I::Abs(e) => match e.eval(r)? {
                Some(x) => Some(x.checked_abs().ok_or(Failure::Overflow)?),
                None => None,
            },
            I::Length(e) => e.eval(r)?.map(|s| s.chars().count() as i64),
            I::Part(f, _) => r.d.map(date).map(|d| match *f {
                "year" => i64::from(d.year()),
                "month" => i64::from(d.month()),
                _ => i64::from(d.day()),
            }),
            I::Case(branches, otherwise) => {
                for (c, v) in branches {
                    if c.eval(r)? == Some(true) {
                        return v.eval(r);
                    }
                }
                match otherwise {
                    Some(e) => e.eval(r)?,
                    None => None,
                }
            }
            I::Simple(x, whens, otherwise) => {
                for (v, result) in whens {
                    if x.eval(r)? == Some(*v) {
                        return result.eval(r);
                    }
                }
                match otherwise {
                    Some(e) => e.eval(r)?,
                    None => None,
                }
            }
            I::Coalesce(args) => {
                for a in args {
                    if let Some(v) = a.eval(r)? {
                        return Ok(Some(v));
                    }
                }
                None
            }
        })
    }
}

impl S {
    fn sql(&self) -> String {
        match self {
            S::Col(c) => c.to_string(),
            S::Lit(s) => sql_string(s),
            S::Null => "NULL".into(),
            S::Upper(e) => format!("upper({})", e.sql()),
            S::Lower(e) => format!("lower({})", e.sql()),
            S::Concat(l, r) => format!("({} || {})", l.sql(), r.sql()),
            S::Month(c) => format!("date_format(date_trunc('month', {c}), 'yyyy-MM-dd')"),
            S::Case(b, e) => case_sql(b, e, S::sql),
            S::Coalesce(args) => format!("coalesce({})", args.iter().map(S::sql).collect::<Vec<_>>().join(", ")),
        }
    }

    fn eval(&self, r: &Row) -> Eval<String> {
        Ok(match self {
            S::Col("s") => r.s.clone(),
            S::Col(_) => r.t.clone(),
            S::Lit(s) => Some(s.clone()),
            S::Null => None,
            S::Upper(e) => e.eval(r)?.map(|s| s.to_uppercase()),
            S::Lower(e) => e.eval(r)?.map(|s| s.to_lowercase()),
            S::Concat(a, b) => match (a.eval(r)?, b.eval(r)?) {
                (Some(x), Some(y)) => Some(x + &y),
                _ => None,
            },
            S::Month(_) => r.d.map(|d| format!("{:04}-{:02}-01", date(d).year(), date(d).month())),
            S::Case(branches, otherwise) => {
                for (c, v) in branches {
                    if c.eval(r)? == Some(true) {
                        return v.eval(r);
                    }
                }
                match otherwise {
                    Some(e) => e.eval(r)?,
                    None => None,
                }
            }
            S::Coalesce(args) => {
                for a in args {
                    if let Some(v) = a.eval(r)? {
                        return Ok(Some(v));
                    }
                }
                None
            }
        })
    }
}

fn compare<T: Ord>(op: &str, x: Option<T>, y: Option<T>) -> Option<bool> {
    let (x, y) = (x?, y?);
    Some(match op {
        "=" => x == y,
        "<>" => x != y,
        "<" => x < y,
        "<=" => x <= y,
        ">" => x > y,
        _ => x >= y,
    })
}

impl B {
    fn sql(&self) -> String {
        match self {
            B::Lit(Some(true)) => "true".into(),
            B::Lit(Some(false)) => "false".into(),
            B::Lit(None) => "NULL".into(),
            B::CmpI(op, l, r) => format!("({} {op} {})", l.sql(), r.sql()),
            B::CmpS(op, l, r) => format!("({} {op} {})", l.sql(), r.sql()),
            B::And(l, r) => format!("({} AND {})", l.sql(), r.sql()),
            B::Or(l, r) => format!("({} OR {})", l.sql(), r.sql()),
            B::Not(e) => format!("(NOT {})", e.sql()),
            B::IsNull(e, negated) => format!("({} IS {}NULL)", e.sql(), if *negated { "NOT " } else { "" }),
            B::IsNullS(e, negated) => format!("({} IS {}NULL)", e.sql(), if *negated { "NOT " } else { "" }),
        }
    }

    fn eval(&self, r: &Row) -> Eval<bool> {
        Ok(match self {
            B::Lit(v) => *v,
            B::CmpI(op, x, y) => compare(op, x.eval(r)?, y.eval(r)?),
            B::CmpS(op, x, y) => compare(op, x.eval(r)?, y.eval(r)?),
            // Both sides always: AND/OR are not short-circuited.
            B::And(x, y) => match (x.eval(r)?, y.eval(r)?) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            B::Or(x, y) => match (x.eval(r)?, y.eval(r)?) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            B::Not(x) => x.eval(r)?.map(|v| !v),
            B::IsNull(e, negated) => Some(e.eval(r)?.is_none() != *negated),
            B::IsNullS(e, negated) => Some(e.eval(r)?.is_none() != *negated),
        })
    }
}

// Strategies. Depth bounds the nesting; every level can also stop at a leaf.

fn int_leaf() -> BoxedStrategy<I> {
    prop_oneof![
        3 => prop::sample::select(vec!["a", "b"]).prop_map(I::Col),
        2 => prop_oneof![8 => -3i64..4, 1 => Just(i64::MAX), 1 => Just(0i64)].prop_map(I::Lit),
        1 => Just(I::Null),
        1 => (prop::sample::select(vec!["year", "month", "day"]), prop::sample::select(vec!["d", "iso"]))
            .prop_map(|(f, c)| I::Part(f, c)),
    ]
    .boxed()
}

fn str_leaf() -> BoxedStrategy<S> {
    prop_oneof![
        3 => prop::sample::select(vec!["s", "t"]).prop_map(S::Col),
        2 => text().prop_map(S::Lit),
        1 => Just(S::Null),
        1 => prop::sample::select(vec!["d", "iso"]).prop_map(S::Month),
    ]
    .boxed()
}

fn bool_leaf() -> BoxedStrategy<B> {
    prop_oneof![Just(B::Lit(Some(true))), Just(B::Lit(Some(false))), Just(B::Lit(None))].boxed()
}

fn cmp_op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["=", "<>", "<", "<=", ">", ">="])
}

fn int_expr(depth: u32) -> BoxedStrategy<I> {
    if depth == 0 {
        return int_leaf();
    }
    let sub = || int_expr(depth - 1);
    let boxed = |s: BoxedStrategy<I>| s.prop_map(Box::new);
    prop_oneof![
        3 => int_leaf(),
        4 => (prop::sample::select(vec!['+', '-', '*', '/', '%']), sub(), sub())
            .prop_map(|(op, l, r)| I::Arith(op, Box::new(l), Box::new(r))),
        1 => boxed(sub()).prop_map(I::Neg),
        1 => boxed(sub()).prop_map(I::Abs),
        1 => str_expr(depth - 1).prop_map(|s| I::Length(Box::new(s))),
        2 => (prop::collection::vec((bool_expr(depth - 1), sub()), 1..3), prop::option::of(boxed(sub())))
            .prop_map(|(b, e)| I::Case(b, e)),
        1 => (boxed(sub()), prop::collection::vec((-3i64..4, sub()), 1..3), prop::option::of(boxed(sub())))
            .prop_map(|(x, w, e)| I::Simple(x, w, e)),
        1 => prop::collection::vec(sub(), 1..4).prop_map(I::Coalesce),
    ]
    .boxed()
}

fn str_expr(depth: u32) -> BoxedStrategy<S> {
    if depth == 0 {
        return str_leaf();
    }
    let sub = || str_expr(depth - 1).prop_map(Box::new);
    prop_oneof![
        3 => str_leaf(),
        1 => sub().prop_map(S::Upper),
        1 => sub().prop_map(S::Lower),
        1 => (sub(), sub()).prop_map(|(l, r)| S::Concat(l, r)),
        1 => (prop::collection::vec((bool_expr(depth - 1), str_expr(depth - 1)), 1..3), prop::option::of(sub()))
            .prop_map(|(b, e)| S::Case(b, e)),
        1 => prop::collection::vec(str_expr(depth - 1), 1..4).prop_map(S::Coalesce),
    ]
    .boxed()
}

fn bool_expr(depth: u32) -> BoxedStrategy<B> {
    if depth == 0 {
        return prop_oneof![
            bool_leaf(),
            (cmp_op(), int_leaf(), int_leaf()).prop_map(|(op, l, r)| B::CmpI(op, l, r)),
            (cmp_op(), str_leaf(), str_leaf()).prop_map(|(op, l, r)| B::CmpS(op, l, r)),
        ]
        .boxed();
    }
    let sub = || bool_expr(depth - 1).prop_map(Box::new);
    prop_oneof![
        1 => bool_leaf(),
        3 => (cmp_op(), int_expr(depth - 1), int_expr(depth - 1)).prop_map(|(op, l, r)| B::CmpI(op, l, r)),
        2 => (cmp_op(), str_expr(depth - 1), str_expr(depth - 1)).prop_map(|(op, l, r)| B::CmpS(op, l, r)),
        1 => (sub(), sub()).prop_map(|(l, r)| B::And(l, r)),
        1 => (sub(), sub()).prop_map(|(l, r)| B::Or(l, r)),
        1 => sub().prop_map(B::Not),
        1 => (int_expr(depth - 1), any::<bool>()).prop_map(|(e, n)| B::IsNull(e, n)),
        1 => (str_expr(depth - 1), any::<bool>()).prop_map(|(e, n)| B::IsNullS(e, n)),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Comparing

#[derive(Debug, Clone, PartialEq)]
enum V {
    Int(i64),
    Str(String),
    Bool(bool),
}

/// The reference's answer for every row, or the set of failures some row met.
fn reference<T>(
    rows: &[Row],
    f: impl Fn(&Row) -> Eval<T>,
    wrap: impl Fn(T) -> V,
) -> Result<Vec<Option<V>>, BTreeSet<Failure>> {
    let mut values = Vec::new();
    let mut failures = BTreeSet::new();
    for r in rows {
        match f(r) {
            Ok(v) => values.push(v.map(&wrap)),
            Err(e) => {
                failures.insert(e);
            }
        }
    }
    if failures.is_empty() {
        Ok(values)
    } else {
        Err(failures)
    }
}

/// The engine's column as plain values (an untyped NULL column is all `None`).
fn values(array: &ArrayRef) -> Vec<Option<V>> {
    match array.data_type() {
        DataType::Null => vec![None; array.len()],
        DataType::Utf8 => array
            .as_string::<i32>()
            .iter()
            .map(|v| v.map(|s| V::Str(s.to_string())))
            .collect(),
        DataType::Boolean => array.as_boolean().iter().map(|v| v.map(V::Bool)).collect(),
        t if t.is_integer() => cast(array, &DataType::Int64)
            .unwrap()
            .as_primitive::<Int64Type>()
            .iter()
            .map(|v| v.map(V::Int))
            .collect(),
        other => panic!("unexpected result type {other}"),
    }
}

fn failure_of(message: &str) -> Option<Failure> {
    if message.contains("DIVISION_BY_ZERO") {
        Some(Failure::DivisionByZero)
    } else if message.contains("NUMERIC_VALUE_OUT_OF_RANGE") {
        Some(Failure::Overflow)
    } else {
        None
    }
}

fn check(rows: &[Row], sql: &str, expected: Result<Vec<Option<V>>, BTreeSet<Failure>>) -> Result<(), TestCaseError> {
    let b = batch(rows);
    let actual = evaluate_expression(&b, sql);
    match (actual, expected) {
        (Ok(array), Ok(expected)) => {
            prop_assert_eq!(array.len(), rows.len(), "{}", sql);
            prop_assert_eq!(values(&array), expected, "{}", sql);
        }
        (Err(e), Err(failures)) => {
            let message = e.to_string();
            let failure = failure_of(&message);
            prop_assert!(
                failure.is_some_and(|f| failures.contains(&f)),
                "{sql}: engine failed with {message}, reference with {failures:?}"
            );
        }
        (Ok(array), Err(failures)) => {
            prop_assert!(
                false,
                "{sql}: engine gave {:?}, reference failed with {failures:?}",
                values(&array)
            );
        }
        (Err(e), Ok(expected)) => {
            prop_assert!(false, "{sql}: engine failed with {e}, reference gave {expected:?}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn integer_expressions_match_the_reference(rows in prop::collection::vec(row(), 1..10), e in int_expr(3)) {
        check(&rows, &e.sql(), reference(&rows, |r| e.eval(r), V::Int))?;
    }

    #[test]
    fn string_expressions_match_the_reference(rows in prop::collection::vec(row(), 1..10), e in str_expr(3)) {
        check(&rows, &e.sql(), reference(&rows, |r| e.eval(r), V::Str))?;
    }

    #[test]
    fn boolean_expressions_match_the_reference(rows in prop::collection::vec(row(), 1..10), e in bool_expr(3)) {
        let sql = e.sql();
        let expected = reference(&rows, |r| e.eval(r), V::Bool);
        // As a filter, the same predicate keeps exactly the rows where it is true.
        if let Ok(values) = &expected {
            let mask = predicate_mask(&batch(&rows), &sql).map_err(|e| TestCaseError::fail(format!("{sql}: {e}")))?;
            let kept: Vec<bool> = mask.iter().map(|m| m == Some(true)).collect();
            let want: Vec<bool> = values.iter().map(|v| v == &Some(V::Bool(true))).collect();
            prop_assert_eq!(kept, want, "{}", sql);
        }
        check(&rows, &sql, expected)?;
    }
}

#[test]
fn examples_a_glue_user_writes() {
    let rows = vec![
        Row {
            a: Some(5),
            b: Some(0),
            s: Some("Ann".into()),
            t: None,
            d: Some(19_753),
        },
        Row {
            a: None,
            b: Some(2),
            s: None,
            t: Some("x".into()),
            d: None,
        },
    ];
    let b = batch(&rows);
    let eval = |sql: &str| values(&evaluate_expression(&b, sql).unwrap_or_else(|e| panic!("{sql}: {e}")));
    assert_eq!(eval("CASE WHEN b = 0 THEN NULL ELSE a / b END"), [None, None]);
    assert_eq!(
        eval("coalesce(upper(s), t, 'none')"),
        [Some(V::Str("ANN".into())), Some(V::Str("x".into()))]
    );
    assert_eq!(
        eval("date_format(d, 'yyyy-MM')"),
        [Some(V::Str("2024-01".into())), None]
    );
    let e = evaluate_expression(&b, "a / b").unwrap_err().to_string();
    assert!(e.contains("DIVISION_BY_ZERO: line 1:1: Division by zero"), "{e}");
}
