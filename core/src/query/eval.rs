//! Column-at-a-time expression evaluation with Arrow's compute kernels.
//!
//! An expression evaluates to a whole column ([`Value`]) at once: `a > 2` is one call to
//! `cmp::gt` over the column, never a loop over rows. Literals stay one-element
//! [`arrow::array::Scalar`]s so that kernels broadcast them without copying.
//!
//! NULLs follow SQL's three-valued logic: comparisons with NULL give NULL, `AND`/`OR` are
//! Kleene's, and `WHERE` keeps only rows that are `true`.

use std::sync::Arc;

use crate::arrow::array::{ArrayRef, AsArray, BooleanArray, Float64Array, Int64Array, NullArray, StringArray};
use crate::arrow::compute::kernels::{boolean, numeric};
use crate::arrow::datatypes::DataType;

use super::error::{arithmetic_error, sql_error, Pos};
use super::pattern::like;
use super::plan::{BinOp, Expr, Literal};
use super::registry::Func;
use super::types::{arithmetic_type, is_numeric, is_string, sql_name};
use super::value::{compare, mismatch, Value};
use super::{cast, conditional, functions};
use crate::error::{Error, Result};

// The evaluator's inputs, re-exported: callers build a scope and hand it to `eval`.
pub(crate) use super::scope::{Columns, Scope};

/// Evaluates `expr` over the whole scope.
pub(crate) fn eval(expr: &Expr, scope: &Scope) -> Result<Value> {
    if let Scope::Groups { keys, aggregates, .. } = scope {
        if let Some((_, key)) = keys.iter().find(|(k, _)| k == expr) {
            return Ok(Value::column(key.clone()));
        }
        match expr {
            Expr::Aggregate { .. } => {
                let found = aggregates.iter().find(|(a, _)| a == expr);
                return found
                    .map(|(_, array)| Value::column(array.clone()))
                    .ok_or_else(|| internal(expr));
            }
            Expr::Column { name, pos, .. } => {
                let message = format!("'{name}' must be an aggregate expression or appear in GROUP BY clause");
                return Err(sql_error("EXPRESSION_NOT_AGGREGATE", *pos, message));
            }
            _ => {}
        }
    }
    let len = scope.len();
    match expr {
        Expr::Column { name, table, pos } => match scope {
            Scope::Rows { batch, columns } => Ok(Value::column(
                batch.column(columns.resolve(name, *table, *pos)?).clone(),
            )),
            Scope::Groups { .. } => Err(internal(expr)),
        },
        Expr::Literal(l) => Ok(literal(l)),
        Expr::Not(inner) => {
            let v = boolean_operand(eval(inner, scope)?, "Value of logical NOT expression", inner.pos())?;
            Ok(Value {
                array: Arc::new(boolean::not(v.array.as_boolean())?),
                scalar: v.scalar,
            })
        }
        Expr::Negate { expr: inner, pos } => {
            let v = eval(inner, scope)?;
            if v.data_type() == &DataType::Null {
                return Ok(v);
            }
            if !is_numeric(v.data_type()) {
                let message = format!("Cannot negate {}", sql_name(v.data_type()));
                return Err(sql_error("TYPE_MISMATCH", *pos, message));
            }
            let array = numeric::neg(v.array.as_ref()).map_err(|e| arithmetic_error(e, *pos))?;
            Ok(Value {
                array,
                scalar: v.scalar,
            })
        }
        Expr::Binary { op, left, right, pos } => binary(*op, eval(left, scope)?, eval(right, scope)?, *pos, len),
        Expr::IsNull { expr: inner, negated } => {
            let v = eval(inner, scope)?;
            let array = if *negated {
                boolean::is_not_null(&v.array)?
            } else {
                boolean::is_null(&v.array)?
            };
            Ok(Value {
                array: Arc::new(array),
                scalar: v.scalar,
            })
        }
        Expr::InList {
            expr: inner,
            list,
            negated,
            pos,
        } => {
            let v = eval(inner, scope)?;
            let mut any: Option<Value> = None;
            for item in list {
                let hit = compare(BinOp::Eq, v.clone(), eval(item, scope)?, *pos, len)?;
                any = Some(match any {
                    None => hit,
                    Some(acc) => logical(BinOp::Or, acc, hit, len)?,
                });
            }
            let any = any.ok_or_else(|| sql_error("SYNTAX_ERROR", *pos, "IN list must not be empty"))?;
            negate_if(any, *negated)
        }
        Expr::Between {
            expr: inner,
            low,
            high,
            negated,
            pos,
        } => {
            let v = eval(inner, scope)?;
            let above = compare(BinOp::GtEq, v.clone(), eval(low, scope)?, *pos, len)?;
            let below = compare(BinOp::LtEq, v, eval(high, scope)?, *pos, len)?;
            negate_if(logical(BinOp::And, above, below, len)?, *negated)
        }
        Expr::Like {
            expr: inner,
            pattern,
            negated,
            pos,
        } => like_op(eval(inner, scope)?, eval(pattern, scope)?, *negated, *pos, len),
        Expr::Case {
            branches,
            otherwise,
            pos,
        } => conditional::case(branches, otherwise.as_deref(), scope, *pos, eval),
        Expr::Cast {
            expr: inner,
            to,
            safe,
            pos,
        } => cast::cast_value(eval(inner, scope)?, to, *safe, *pos),
        Expr::Function {
            func: Func::Coalesce,
            args,
            pos,
        } => conditional::coalesce(args, scope, *pos, eval),
        Expr::Function { func, args, pos } => {
            let args = args.iter().map(|a| eval(a, scope)).collect::<Result<Vec<_>>>()?;
            functions::call(*func, args, *pos, len)
        }
        Expr::Aggregate { .. } => Err(internal(expr)),
    }
}

/// Evaluates a `WHERE`/`HAVING` predicate to a mask of `len` rows (NULL counts as false).
pub(crate) fn predicate(expr: &Expr, scope: &Scope, clause: &str) -> Result<BooleanArray> {
    let v = eval(expr, scope)?;
    match v.data_type() {
        DataType::Boolean => Ok(v.into_array(scope.len())?.as_boolean().clone()),
        DataType::Null => Ok(BooleanArray::new_null(scope.len())),
        other => {
            let message = format!(
                "{clause} clause must evaluate to a boolean: actual type {}",
                sql_name(other)
            );
            Err(sql_error("TYPE_MISMATCH", expr.pos(), message))
        }
    }
}

fn internal(expr: &Expr) -> Error {
    sql_error(
        "GENERIC_INTERNAL_ERROR",
        expr.pos(),
        format!("cannot evaluate {expr:?} here"),
    )
}

fn literal(l: &Literal) -> Value {
    let array: ArrayRef = match l {
        Literal::Int(n) => Arc::new(Int64Array::from(vec![*n])),
        Literal::Float(x) => Arc::new(Float64Array::from(vec![*x])),
        Literal::Str(s) => Arc::new(StringArray::from(vec![s.as_str()])),
        Literal::Bool(b) => Arc::new(BooleanArray::from(vec![*b])),
        Literal::Null => Arc::new(NullArray::new(1)),
    };
    Value::scalar(array)
}

fn binary(op: BinOp, l: Value, r: Value, pos: Pos, len: usize) -> Result<Value> {
    match op {
        BinOp::And | BinOp::Or => {
            let l = boolean_operand(l, "Left side of logical expression", pos)?;
            let r = boolean_operand(r, "Right side of logical expression", pos)?;
            logical(op, l, r, len)
        }
        _ if op.is_comparison() => compare(op, l, r, pos, len),
        _ => arithmetic(op, l, r, pos, len),
    }
}

/// `NULL` literals become boolean NULLs; anything else that is not boolean is a type error.
fn boolean_operand(v: Value, what: &str, pos: Pos) -> Result<Value> {
    match v.data_type() {
        DataType::Boolean => Ok(v),
        DataType::Null => v.cast_to(&DataType::Boolean),
        other => {
            let message = format!("{what} must evaluate to a boolean (actual: {})", sql_name(other));
            Err(sql_error("TYPE_MISMATCH", pos, message))
        }
    }
}

/// Kleene `AND`/`OR`; the boolean kernels want equal lengths, so a lone scalar is repeated.
fn logical(op: BinOp, l: Value, r: Value, len: usize) -> Result<Value> {
    let scalar = l.scalar && r.scalar;
    let n = if scalar { 1 } else { len };
    let (l, r) = (l.into_array(n)?, r.into_array(n)?);
    let (l, r) = (l.as_boolean(), r.as_boolean());
    let array = if op == BinOp::And {
        boolean::and_kleene(l, r)?
    } else {
        boolean::or_kleene(l, r)?
    };
    Ok(Value {
        array: Arc::new(array),
        scalar,
    })
}

fn negate_if(v: Value, negated: bool) -> Result<Value> {
    if !negated {
        return Ok(v);
    }
    Ok(Value {
        array: Arc::new(boolean::not(v.array.as_boolean())?),
        scalar: v.scalar,
    })
}

fn arithmetic(op: BinOp, l: Value, r: Value, pos: Pos, len: usize) -> Result<Value> {
    let Some(common) = arithmetic_type(l.data_type(), r.data_type()) else {
        return Err(mismatch(op.symbol(), &l, &r, pos));
    };
    let scalar = l.scalar && r.scalar;
    if l.data_type() == &DataType::Null || r.data_type() == &DataType::Null {
        let shape = if scalar {
            &l
        } else if l.scalar {
            &r
        } else {
            &l
        };
        return Ok(shape.nulls_like(&common, len));
    }
    let (l, r) = (l.cast_to(&common)?, r.cast_to(&common)?);
    let (ld, rd) = (l.datum(), r.datum());
    let kernel = match op {
        BinOp::Add => numeric::add,
        BinOp::Sub => numeric::sub,
        BinOp::Mul => numeric::mul,
        BinOp::Div => numeric::div,
        _ => numeric::rem,
    };
    let array = kernel(ld.as_ref(), rd.as_ref()).map_err(|e| arithmetic_error(e, pos))?;
    Ok(Value { array, scalar })
}

fn like_op(v: Value, pattern: Value, negated: bool, pos: Pos, len: usize) -> Result<Value> {
    for (side, x) in [("Left", &v), ("Right", &pattern)] {
        let t = x.data_type();
        if !is_string(t) && t != &DataType::Null {
            let message = format!(
                "{side} side of LIKE expression must evaluate to a varchar (actual: {})",
                sql_name(t)
            );
            return Err(sql_error("TYPE_MISMATCH", pos, message));
        }
    }
    let scalar = v.scalar && pattern.scalar;
    if v.data_type() == &DataType::Null || pattern.data_type() == &DataType::Null {
        let shape = if scalar || !v.scalar { &v } else { &pattern };
        return Ok(shape.nulls_like(&DataType::Boolean, len));
    }
    let (v, pattern) = (v.cast_to(&DataType::Utf8)?, pattern.cast_to(&DataType::Utf8)?);
    let array = like(v.array.as_string::<i32>(), pattern.array.as_string::<i32>(), negated)
        .map_err(|e| sql_error("INVALID_FUNCTION_ARGUMENT", pos, e.0))?;
    Ok(Value {
        array: Arc::new(array),
        scalar,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow::array::{Array, RecordBatch};
    use crate::arrow::datatypes::{Field, Schema};
    use crate::query::parse::parse;
    use crate::query::plan::SelectItem;

    fn batch() -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("i", DataType::Int64, true),
            Field::new("f", DataType::Float64, true),
            Field::new("s", DataType::Utf8, true),
            Field::new("Small", DataType::Int32, true),
        ]));
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(vec![Some(1), Some(2), None, Some(4)])),
            Arc::new(Float64Array::from(vec![Some(0.5), Some(2.0), Some(3.5), None])),
            Arc::new(StringArray::from(vec![Some("on"), Some("off"), None, Some("o_n")])),
            Arc::new(crate::arrow::array::Int32Array::from(vec![1, 2, 3, 4])),
        ];
        RecordBatch::try_new(schema, columns).unwrap()
    }

    /// Evaluates the first select item of `SELECT <expr> FROM t` over [`batch`].
    fn run(expr: &str) -> Result<ArrayRef> {
        let q = parse(&format!("SELECT {expr} FROM t"))?;
        let SelectItem::Expr { expr, .. } = &q.projection[0] else {
            panic!()
        };
        let b = batch();
        let columns = Columns::new(b.schema_ref());
        let scope = Scope::Rows {
            batch: &b,
            columns: &columns,
        };
        eval(expr, &scope)?.into_array(b.num_rows())
    }

    fn bools(expr: &str) -> Vec<Option<bool>> {
        run(expr).unwrap().as_boolean().iter().collect()
    }

    #[test]
    fn int_and_float_columns_compare_with_any_literal() {
        assert_eq!(bools("i > 1.5"), [Some(false), Some(true), None, Some(true)]);
        assert_eq!(bools("f >= 2"), [Some(false), Some(true), Some(true), None]);
        assert_eq!(bools("i = f"), [Some(false), Some(true), None, None]);
        assert_eq!(bools("small <> 2"), [Some(true), Some(false), Some(true), Some(true)]);
        assert_eq!(bools("i != 2"), [Some(true), Some(false), None, Some(true)]);
    }

    #[test]
    fn three_valued_logic() {
        assert_eq!(
            bools("i > 1 AND s = 'off'"),
            [Some(false), Some(true), None, Some(false)]
        );
        assert_eq!(bools("i > 1 OR s = 'on'"), [Some(true), Some(true), None, Some(true)]);
        assert_eq!(bools("NOT (i > 1)"), [Some(true), Some(false), None, Some(false)]);
        assert_eq!(bools("i = NULL"), [None, None, None, None]);
        assert_eq!(bools("i IS NULL"), [Some(false), Some(false), Some(true), Some(false)]);
        assert_eq!(
            bools("s IS NOT NULL"),
            [Some(true), Some(true), Some(false), Some(true)]
        );
    }

    #[test]
    fn in_between_like() {
        assert_eq!(bools("i IN (1, 4)"), [Some(true), Some(false), None, Some(true)]);
        assert_eq!(bools("i NOT IN (1, 4.0)"), [Some(false), Some(true), None, Some(false)]);
        assert_eq!(
            bools("f BETWEEN 1 AND 3.5"),
            [Some(false), Some(true), Some(true), None]
        );
        assert_eq!(
            bools("i NOT BETWEEN 2 AND 3"),
            [Some(true), Some(false), None, Some(true)]
        );
        assert_eq!(bools("s LIKE 'o%'"), [Some(true), Some(true), None, Some(true)]);
        assert_eq!(bools("s LIKE 'o_'"), [Some(true), Some(false), None, Some(false)]);
        assert_eq!(bools("s NOT LIKE '%f'"), [Some(true), Some(false), None, Some(true)]);
    }

    #[test]
    fn arithmetic_promotes_and_keeps_integer_division() {
        let a = run("i * 2 + 1").unwrap();
        assert_eq!(
            a.as_primitive::<crate::arrow::datatypes::Int64Type>()
                .iter()
                .collect::<Vec<_>>(),
            [Some(3), Some(5), None, Some(9)]
        );
        let a = run("i / 2").unwrap();
        assert_eq!(a.as_primitive::<crate::arrow::datatypes::Int64Type>().value(2 - 1), 1);
        let a = run("i + f").unwrap();
        assert_eq!(a.data_type(), &DataType::Float64);
        assert_eq!(a.as_primitive::<crate::arrow::datatypes::Float64Type>().value(0), 1.5);
        let a = run("-i % 3").unwrap();
        assert_eq!(a.as_primitive::<crate::arrow::datatypes::Int64Type>().value(3), -1);
    }

    #[test]
    fn type_errors_read_like_athena() {
        let e = run("s = 1").unwrap_err().to_string();
        assert_eq!(
            e,
            "InvalidInputException: TYPE_MISMATCH: line 1:8: Cannot apply operator: varchar = bigint"
        );
        let e = run("i LIKE 'x'").unwrap_err().to_string();
        assert!(
            e.contains("Left side of LIKE expression must evaluate to a varchar (actual: bigint)"),
            "{e}"
        );
        let e = run("i AND s = 'x'").unwrap_err().to_string();
        assert!(
            e.contains("Left side of logical expression must evaluate to a boolean"),
            "{e}"
        );
        let e = run("i / 0").unwrap_err().to_string();
        assert!(e.contains("DIVISION_BY_ZERO: line 1:8: Division by zero"), "{e}");
    }

    #[test]
    fn columns_resolve_case_insensitively() {
        assert!(run("SMALL + I").is_ok());
        let e = run("nope").unwrap_err().to_string();
        assert_eq!(
            e,
            "InvalidInputException: COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved"
        );
    }

    #[test]
    fn scalars_broadcast() {
        let a = run("1 + 1").unwrap();
        assert_eq!(a.len(), 4);
        assert_eq!(bools("1 < 2 AND i > 1"), [Some(false), Some(true), None, Some(true)]);
    }
}
