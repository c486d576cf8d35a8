//! `CASE` and `coalesce`: each branch is evaluated only on the rows that reach it.
//!
//! `CASE WHEN x = 0 THEN 0 ELSE 10 / x END` must not divide by zero, so evaluation is lazy per
//! row set, yet still column-at-a-time: the rows still undecided are gathered (`take`) into a
//! smaller scope, the next condition or result runs there with the usual kernels, and the pieces
//! are put back in row order with one `interleave`.
//!
//! A branch that no row reaches is still evaluated (on zero rows) so that its type and type
//! errors do not depend on the data; an error about a *value* there (division by zero, overflow,
//! a failed cast, all of which a constant such as `1 / 0` raises even on zero rows) is ignored,
//! because no row needed that value.

use crate::arrow::array::{new_null_array, Array, ArrayRef, AsArray, RecordBatch, UInt32Array};
use crate::arrow::compute::{interleave, take, take_record_batch};
use crate::arrow::datatypes::DataType;

use super::error::{sql_error, Pos};
use super::plan::Expr;
use super::scope::{Columns, Scope};
use super::types::{common_type, sql_name};
use super::value::Value;
use crate::error::{Error, Result};

/// How a branch is evaluated: `eval::eval`, passed in so that this module stays below the
/// evaluator that calls it.
pub(crate) type Eval = fn(&Expr, &Scope) -> Result<Value>;

/// A scope reduced to some of its rows.
enum Subset<'a> {
    Rows {
        batch: RecordBatch,
        columns: &'a Columns,
    },
    Groups {
        len: usize,
        keys: Vec<(Expr, ArrayRef)>,
        aggregates: Vec<(Expr, ArrayRef)>,
    },
}

impl<'a> Subset<'a> {
    fn new(scope: &Scope<'a>, rows: &UInt32Array) -> Result<Self> {
        let pick = |list: &[(Expr, ArrayRef)]| -> Result<Vec<(Expr, ArrayRef)>> {
            list.iter()
                .map(|(e, a)| Ok((e.clone(), take(a.as_ref(), rows, None)?)))
                .collect()
        };
        Ok(match scope {
            Scope::Rows { batch, columns } => Subset::Rows {
                batch: take_record_batch(batch, rows)?,
                columns,
            },
            Scope::Groups { keys, aggregates, .. } => Subset::Groups {
                len: rows.len(),
                keys: pick(keys)?,
                aggregates: pick(aggregates)?,
            },
        })
    }

    fn scope(&self) -> Scope<'_> {
        match self {
            Subset::Rows { batch, columns } => Scope::Rows { batch, columns },
            Subset::Groups { len, keys, aggregates } => Scope::Groups {
                len: *len,
                keys,
                aggregates,
            },
        }
    }
}

/// Evaluates `expr` on `rows` of `scope` as a column of that many rows. `None` when there are
/// no rows and the expression failed on a value (see the module docs).
fn eval_on(eval: Eval, expr: &Expr, scope: &Scope, rows: &UInt32Array) -> Result<Option<ArrayRef>> {
    let n = rows.len();
    let result = if n == scope.len() {
        // Subsets keep row order, so all the rows are the scope itself: no copy.
        eval(expr, scope)
    } else {
        eval(expr, &Subset::new(scope, rows)?.scope())
    };
    match result {
        Ok(v) => Ok(Some(v.into_array(n)?)),
        Err(e) if n == 0 && is_value_error(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn is_value_error(e: &Error) -> bool {
    let Error::InvalidInput(m) = e else {
        return false;
    };
    [
        "DIVISION_BY_ZERO:",
        "NUMERIC_VALUE_OUT_OF_RANGE:",
        "INVALID_CAST_ARGUMENT:",
    ]
    .iter()
    .any(|code| m.starts_with(code))
}

/// Row indices `0..n`.
fn all_rows(n: usize) -> UInt32Array {
    (0..n as u32).collect()
}

/// Splits `rows` by `mask` (one entry per row of `rows`): rows where it is true, and the others
/// (false or NULL).
fn split(rows: &UInt32Array, mask: &crate::arrow::array::BooleanArray) -> (UInt32Array, UInt32Array) {
    let (mut hit, mut miss) = (Vec::new(), Vec::new());
    for (i, &row) in rows.values().iter().enumerate() {
        if mask.is_valid(i) && mask.value(i) {
            hit.push(row);
        } else {
            miss.push(row);
        }
    }
    (hit.into(), miss.into())
}

/// Values for some rows of the scope: `values[j]` belongs to row `rows[j]`.
struct Piece {
    rows: UInt32Array,
    values: Option<ArrayRef>,
}

/// `CASE WHEN c1 THEN r1 ... [ELSE e] END`.
pub(crate) fn case(
    branches: &[(Expr, Expr)],
    otherwise: Option<&Expr>,
    scope: &Scope,
    pos: Pos,
    eval: Eval,
) -> Result<Value> {
    let len = scope.len();
    let mut remaining = all_rows(len);
    let mut pieces = Vec::with_capacity(branches.len() + 1);
    for (condition, result) in branches {
        let mask = eval_on(eval, condition, scope, &remaining)?;
        let (hit, miss) = match mask {
            None => (UInt32Array::from(Vec::<u32>::new()), remaining.clone()),
            Some(mask) => match mask.data_type() {
                DataType::Boolean => split(&remaining, mask.as_boolean()),
                DataType::Null => (UInt32Array::from(Vec::<u32>::new()), remaining.clone()),
                other => {
                    let message = format!(
                        "WHEN clause must evaluate to a boolean: actual type {}",
                        sql_name(other)
                    );
                    return Err(sql_error("TYPE_MISMATCH", condition.pos(), message));
                }
            },
        };
        let values = eval_on(eval, result, scope, &hit)?;
        pieces.push(Piece { rows: hit, values });
        remaining = miss;
    }
    if let Some(e) = otherwise {
        let values = eval_on(eval, e, scope, &remaining)?;
        pieces.push(Piece {
            rows: remaining,
            values,
        });
    }
    assemble(pieces, len, "CASE", pos)
}

/// `coalesce(a, b, ...)`: the first argument that is not NULL, row by row; `b` is evaluated
/// only on the rows where `a` is NULL, and so on.
pub(crate) fn coalesce(args: &[Expr], scope: &Scope, pos: Pos, eval: Eval) -> Result<Value> {
    let len = scope.len();
    let mut remaining = all_rows(len);
    let mut pieces = Vec::with_capacity(args.len());
    for (k, arg) in args.iter().enumerate() {
        let values = eval_on(eval, arg, scope, &remaining)?;
        let last = k + 1 == args.len();
        match values {
            Some(values) if !last && values.logical_null_count() > 0 => {
                let present = crate::arrow::compute::is_not_null(values.as_ref())?;
                let positions = all_rows(remaining.len());
                let (keep, _) = split(&positions, &present);
                let (hit, miss) = split(&remaining, &present);
                let values = take(values.as_ref(), &keep, None)?;
                pieces.push(Piece {
                    rows: hit,
                    values: Some(values),
                });
                remaining = miss;
            }
            values => {
                pieces.push(Piece {
                    rows: std::mem::replace(&mut remaining, UInt32Array::from(Vec::<u32>::new())),
                    values,
                });
            }
        }
    }
    assemble(pieces, len, "COALESCE", pos)
}

/// Puts the pieces back in row order, at their common type; rows in no piece are NULL.
fn assemble(pieces: Vec<Piece>, len: usize, what: &str, pos: Pos) -> Result<Value> {
    let mut t = DataType::Null;
    for piece in &pieces {
        let Some(values) = &piece.values else { continue };
        t = common_type(&t, values.data_type()).ok_or_else(|| {
            let message = format!(
                "All {what} results must be the same type or coercible to a common type. \
                 Cannot find common type between {} and {}",
                sql_name(&t),
                sql_name(values.data_type())
            );
            sql_error("TYPE_MISMATCH", pos, message)
        })?;
    }
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(pieces.len() + 1);
    let mut picks = vec![(pieces.len(), 0usize); len];
    for (k, piece) in pieces.iter().enumerate() {
        let values = match &piece.values {
            Some(v) => Value::column(v.clone()).cast_to(&t)?.array,
            None => new_null_array(&t, piece.rows.len()),
        };
        if piece.rows.len() == len {
            // One piece covers every row, in order: no need to interleave.
            return Ok(Value::column(values));
        }
        for (j, &row) in piece.rows.values().iter().enumerate() {
            picks[row as usize] = (k, j);
        }
        arrays.push(values);
    }
    arrays.push(new_null_array(&t, 1));
    let refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
    Ok(Value::column(interleave(&refs, &picks)?))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{column, error, type_of};
    use super::*;

    #[test]
    fn searched_and_simple_case() {
        let sql = "CASE WHEN amount > 50 THEN 'big' WHEN amount > 0 THEN 'small' ELSE 'other' END";
        assert_eq!(column(sql), ["small", "other", "other", "big"]);
        assert_eq!(
            column("CASE id WHEN 1 THEN 'one' WHEN 2 THEN 'two' END"),
            ["one", "two", "", ""]
        );
        assert_eq!(column("CASE WHEN flag THEN id END"), ["1", "", "", "4"]);
        assert_eq!(column("CASE WHEN NULL THEN 1 ELSE 2 END"), ["2", "2", "2", "2"]);
        assert_eq!(column("if(flag, 'y', 'n')"), ["y", "n", "n", "y"]);
    }

    #[test]
    fn case_results_meet_at_a_common_type() {
        assert_eq!(type_of("CASE WHEN flag THEN id ELSE amount END"), DataType::Float64);
        assert_eq!(
            column("CASE WHEN flag THEN id ELSE amount END"),
            ["1.0", "-3.25", "", "4.0"]
        );
        assert_eq!(type_of("CASE WHEN flag THEN NULL ELSE qty END"), DataType::Int32);
        let e = error("CASE WHEN flag THEN name ELSE id END");
        assert!(
            e.contains("TYPE_MISMATCH: line 1:8: All CASE results must be the same type or coercible to a common type. Cannot find common type between varchar and bigint"),
            "{e}"
        );
        let e = error("CASE WHEN id THEN 1 END");
        assert!(
            e.contains("TYPE_MISMATCH: line 1:18: WHEN clause must evaluate to a boolean: actual type bigint"),
            "{e}"
        );
    }

    #[test]
    fn only_chosen_rows_are_evaluated() {
        assert_eq!(
            column("CASE WHEN qty = 0 THEN 0 ELSE 10 / qty END"),
            ["5", "0", "", "-1"]
        );
        assert_eq!(column("CASE WHEN id > 100 THEN 1 / 0 ELSE 1 END"), ["1", "1", "1", "1"]);
        assert!(error("CASE WHEN id = 1 THEN 1 / 0 ELSE 1 END").contains("DIVISION_BY_ZERO"));
        assert_eq!(
            column("CASE WHEN qty = 0 THEN 0 WHEN 10 / qty > 1 THEN 1 END"),
            ["1", "0", "", ""]
        );
        assert_eq!(column("coalesce(1, 1 / 0)"), ["1", "1", "1", "1"]);
        // AND and OR evaluate both sides, as Arrow's kernels do: only CASE and coalesce are lazy.
        assert!(error("qty <> 0 AND 10 / qty > 1").contains("DIVISION_BY_ZERO"));
        // Type errors do not depend on which rows reach a branch.
        assert!(error("CASE WHEN id > 100 THEN upper(id) END").contains("FUNCTION_NOT_FOUND"));
    }

    #[test]
    fn coalesce_takes_the_first_value() {
        assert_eq!(
            column("coalesce(name, 'nobody')"),
            ["  Ann ", "bob", "nobody", "Élodie"]
        );
        assert_eq!(column("coalesce(NULL, qty, id, 0)"), ["2", "0", "0", "-7"]);
        assert_eq!(column("coalesce(amount, id)"), ["12.5", "-3.25", "", "100.0"]);
        assert_eq!(column("nvl(id, 9)"), ["1", "2", "9", "4"]);
        assert!(error("coalesce(name, 1)").contains("All COALESCE results must be the same type"));
    }

    #[test]
    fn case_works_over_groups() {
        let r = crate::query::execute(
            "SELECT CASE WHEN count(*) > 1 THEN 'many' ELSE 'one' END, flag FROM db.orders GROUP BY flag ORDER BY 2",
            &super::super::testing::orders(),
        )
        .unwrap();
        assert_eq!(r.rows_as_strings(), [["one", "false"], ["many", "true"], ["one", ""]]);
    }
}
