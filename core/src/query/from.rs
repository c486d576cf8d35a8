//! The rows a query reads: its `FROM` table, or tables joined one after another (left-deep:
//! `a JOIN b ON ... JOIN c ON ...` joins `c` to the rows of `a JOIN b`).
//!
//! A join's `ON` condition is evaluated on candidate pairs of rows. Its `left = right`
//! conjuncts whose sides each name only one side's columns pick the candidates through a hash
//! of the right table's keys (NULL keys never match, as in SQL); without one, every pair is a
//! candidate. `LEFT`/`RIGHT`/`FULL` add the rows that found no partner, the other side NULL.
//! Rows come in left-table order, each with its partners in right-table order, then (RIGHT,
//! FULL) the right rows without a partner: deterministic, one of the orders Athena may give.
//! More than [`MAX_JOINED_ROWS`] pairs is an error, not an unbounded allocation.

use std::collections::HashMap;
use std::sync::Arc;

use crate::arrow::array::{Array, ArrayRef, RecordBatch, RecordBatchOptions, UInt32Array};
use crate::arrow::compute::{cast, concat_batches, take};
use crate::arrow::datatypes::{DataType, Field, Schema};
use crate::arrow::row::{OwnedRow, RowConverter, SortField};

use super::error::sql_error;
use super::eval::{eval, predicate, Columns, Scope};
use super::plan::{BinOp, Expr, Join, JoinKind, TableRef};
use super::TableSource;
use crate::error::{Error, Result};

/// The most rows (candidate pairs, and rows of a join's result) a query's joins may make.
pub const MAX_JOINED_ROWS: usize = 5_000_000;

/// The query's rows and what their columns are called. No `FROM`: one row, no columns.
pub(super) fn rows(
    from: Option<&TableRef>,
    joins: &[Join],
    source: &dyn TableSource,
) -> Result<(RecordBatch, Columns)> {
    let mut batch = load(from, source)?;
    let mut table_of = vec![0; batch.num_columns()];
    for (i, join) in joins.iter().enumerate() {
        let right = load(Some(&join.table), source)?;
        (batch, table_of) = join_one(&batch, table_of, &right, i + 1, join)?;
    }
    let columns = Columns::of_tables(batch.schema_ref(), table_of);
    Ok((batch, columns))
}

/// The table as one batch, with dictionary and large/view strings turned into plain `Utf8`
/// so that the evaluator meets fewer types.
fn load(from: Option<&TableRef>, source: &dyn TableSource) -> Result<RecordBatch> {
    let Some(t) = from else {
        let options = RecordBatchOptions::new().with_row_count(Some(1));
        return Ok(RecordBatch::try_new_with_options(
            Arc::new(Schema::empty()),
            vec![],
            &options,
        )?);
    };
    let (schema, batches) = source.table(t.database.as_deref(), &t.table).map_err(|e| match e {
        Error::EntityNotFound(_) => {
            let name = match &t.database {
                Some(db) => format!("awsdatacatalog.{db}.{}", t.table),
                None => t.table.clone(),
            };
            sql_error("TABLE_NOT_FOUND", t.pos, format!("Table '{name}' does not exist"))
        }
        other => other,
    })?;
    let batch = concat_batches(&schema, &batches)?;
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut arrays = Vec::with_capacity(batch.num_columns());
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        let plain = match array.data_type() {
            DataType::Dictionary(_, value) => value.as_ref().clone(),
            DataType::LargeUtf8 | DataType::Utf8View => DataType::Utf8,
            other => other.clone(),
        };
        let array = if &plain == array.data_type() {
            array.clone()
        } else {
            cast(array, &plain)?
        };
        fields.push(Field::new(field.name(), plain, true));
        arrays.push(array);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(
        Arc::new(Schema::new(fields)),
        arrays,
        &options,
    )?)
}

/// `left` (columns of tables `left_tables`) joined with `right`, table `right_table`.
fn join_one(
    left: &RecordBatch,
    mut table_of: Vec<usize>,
    right: &RecordBatch,
    right_table: usize,
    join: &Join,
) -> Result<(RecordBatch, Vec<usize>)> {
    let left_tables = table_of.clone();
    table_of.extend(std::iter::repeat_n(right_table, right.num_columns()));
    let fields: Vec<Field> = left
        .schema()
        .fields()
        .iter()
        .chain(right.schema().fields())
        .map(|f| Field::new(f.name(), f.data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let columns = Columns::of_tables(&schema, table_of.clone());
    let too_many = |pairs: usize| {
        sql_error(
            "EXCEEDED_LOCAL_MEMORY_LIMIT",
            join.table.pos,
            format!(
                "the JOIN with {} would pair {pairs} rows, more than gluelab joins ({MAX_JOINED_ROWS}): join on an equality (a.x = b.x) or filter the tables first",
                join.table.table
            ),
        )
    };

    let keys = equi_keys(&join.on, &columns, right_table);
    let (n, m) = (left.num_rows(), right.num_rows());
    let candidates: Vec<(u32, u32)> = if keys.is_empty() {
        let pairs = n.saturating_mul(m);
        if pairs > MAX_JOINED_ROWS {
            return Err(too_many(pairs));
        }
        (0..n as u32).flat_map(|l| (0..m as u32).map(move |r| (l, r))).collect()
    } else {
        let left_columns = Columns::of_tables(left.schema_ref(), left_tables);
        let right_columns = Columns::of_tables(right.schema_ref(), vec![right_table; right.num_columns()]);
        let (left_keys, right_keys): (Vec<&Expr>, Vec<&Expr>) = keys.into_iter().unzip();
        let left_keys = key_arrays(&left_keys, left, &left_columns)?;
        let right_keys = key_arrays(&right_keys, right, &right_columns)?;
        let (left_keys, right_keys) = common_types(left_keys, right_keys)?;
        let right_rows = key_rows(&right_keys)?;
        let mut partners: HashMap<OwnedRow, Vec<u32>> = HashMap::new();
        for (r, row) in right_rows.into_iter().enumerate() {
            if let Some(row) = row {
                partners.entry(row).or_default().push(r as u32);
            }
        }
        let mut candidates = vec![];
        for (l, row) in key_rows(&left_keys)?.into_iter().enumerate() {
            if let Some(found) = row.and_then(|row| partners.get(&row)) {
                if candidates.len() + found.len() > MAX_JOINED_ROWS {
                    return Err(too_many(candidates.len() + found.len()));
                }
                candidates.extend(found.iter().map(|&r| (l as u32, r)));
            }
        }
        candidates
    };

    let pair_rows: Vec<(Option<u32>, Option<u32>)> = candidates.iter().map(|&(l, r)| (Some(l), Some(r))).collect();
    let pairs = pair_batch(left, right, &schema, &pair_rows)?;
    let mask = predicate(
        &join.on,
        &Scope::Rows {
            batch: &pairs,
            columns: &columns,
        },
        "JOIN",
    )?;
    let kept: Vec<(u32, u32)> = candidates
        .into_iter()
        .zip(mask.iter())
        .filter(|(_, keep)| *keep == Some(true))
        .map(|(pair, _)| pair)
        .collect();
    let keeps_left = matches!(join.kind, JoinKind::Left | JoinKind::Full);
    let keeps_right = matches!(join.kind, JoinKind::Right | JoinKind::Full);
    let mut rows: Vec<(Option<u32>, Option<u32>)> = Vec::with_capacity(kept.len());
    let mut partnered = vec![false; m];
    let mut next = kept.iter().peekable();
    for l in 0..n as u32 {
        let mut found = false;
        while let Some(&&(pl, r)) = next.peek() {
            if pl != l {
                break;
            }
            rows.push((Some(l), Some(r)));
            partnered[r as usize] = true;
            found = true;
            next.next();
        }
        if !found && keeps_left {
            rows.push((Some(l), None));
        }
    }
    if keeps_right {
        rows.extend((0..m).filter(|&r| !partnered[r]).map(|r| (None, Some(r as u32))));
    }
    if rows.len() > MAX_JOINED_ROWS {
        return Err(too_many(rows.len()));
    }
    Ok((pair_batch(left, right, &schema, &rows)?, table_of))
}

/// The `a = b` conjuncts of `on` with `a` naming only the left tables' columns and `b` only
/// the right table's (or the other way round), as `(left side, right side)`.
fn equi_keys<'a>(on: &'a Expr, columns: &Columns, right_table: usize) -> Vec<(&'a Expr, &'a Expr)> {
    let mut conjuncts = vec![];
    split_and(on, &mut conjuncts);
    conjuncts
        .into_iter()
        .filter_map(|c| match c {
            Expr::Binary {
                op: BinOp::Eq,
                left,
                right,
                ..
            } => match (side(left, columns, right_table), side(right, columns, right_table)) {
                (Some(Side::Left), Some(Side::Right)) => Some((left.as_ref(), right.as_ref())),
                (Some(Side::Right), Some(Side::Left)) => Some((right.as_ref(), left.as_ref())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn split_and<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match e {
        Expr::Binary {
            op: BinOp::And,
            left,
            right,
            ..
        } => {
            split_and(left, out);
            split_and(right, out);
        }
        other => out.push(other),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Left,
    Right,
}

/// Which side's columns `e` names: one side only, or `None` (both, none, an aggregate or a
/// name that does not resolve: the condition itself reports that).
fn side(e: &Expr, columns: &Columns, right_table: usize) -> Option<Side> {
    let mut sides = vec![];
    let mut unresolved = false;
    e.walk(&mut |sub| match sub {
        Expr::Column { name, table, pos } => match columns.resolve(name, *table, *pos) {
            Ok(i) if columns.table_of(i) == right_table => sides.push(Side::Right),
            Ok(_) => sides.push(Side::Left),
            Err(_) => unresolved = true,
        },
        Expr::Aggregate { .. } => unresolved = true,
        _ => {}
    });
    let first = *sides.first()?;
    (!unresolved && sides.iter().all(|s| *s == first)).then_some(first)
}

fn key_arrays(keys: &[&Expr], batch: &RecordBatch, columns: &Columns) -> Result<Vec<ArrayRef>> {
    let scope = Scope::Rows { batch, columns };
    keys.iter()
        .map(|k| eval(k, &scope)?.into_array(batch.num_rows()))
        .collect()
}

/// Each key pair at one type: as it is when both agree, DOUBLE for two numbers, else text.
fn common_types(left: Vec<ArrayRef>, right: Vec<ArrayRef>) -> Result<(Vec<ArrayRef>, Vec<ArrayRef>)> {
    let mut l_out = vec![];
    let mut r_out = vec![];
    for (l, r) in left.into_iter().zip(right) {
        let (lt, rt) = (l.data_type(), r.data_type());
        let to = if lt == rt || rt == &DataType::Null {
            lt.clone()
        } else if lt == &DataType::Null {
            rt.clone()
        } else if lt.is_numeric() && rt.is_numeric() {
            DataType::Float64
        } else {
            DataType::Utf8
        };
        l_out.push(cast(&l, &to)?);
        r_out.push(cast(&r, &to)?);
    }
    Ok((l_out, r_out))
}

/// Each row's keys as one comparable value; `None` where a key is NULL (it matches nothing).
fn key_rows(keys: &[ArrayRef]) -> Result<Vec<Option<OwnedRow>>> {
    let fields = keys.iter().map(|k| SortField::new(k.data_type().clone())).collect();
    let converter = RowConverter::new(fields)?;
    let rows = converter.convert_columns(keys)?;
    let len = keys.first().map_or(0, |k| k.len());
    Ok((0..len)
        .map(|i| (!keys.iter().any(|k| k.is_null(i))).then(|| rows.row(i).owned()))
        .collect())
}

/// The rows `(left row, right row)` side by side; a missing side is NULL.
fn pair_batch(
    left: &RecordBatch,
    right: &RecordBatch,
    schema: &Arc<Schema>,
    rows: &[(Option<u32>, Option<u32>)],
) -> Result<RecordBatch> {
    let left_rows = UInt32Array::from(rows.iter().map(|(l, _)| *l).collect::<Vec<_>>());
    let right_rows = UInt32Array::from(rows.iter().map(|(_, r)| *r).collect::<Vec<_>>());
    let mut arrays = Vec::with_capacity(schema.fields().len());
    for column in left.columns() {
        arrays.push(take(column.as_ref(), &left_rows, None)?);
    }
    for column in right.columns() {
        arrays.push(take(column.as_ref(), &right_rows, None)?);
    }
    let options = RecordBatchOptions::new().with_row_count(Some(rows.len()));
    Ok(RecordBatch::try_new_with_options(schema.clone(), arrays, &options)?)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    use crate::arrow::datatypes::{DataType, Field, Schema};

    use super::super::testing::MemSource;
    use super::super::{execute, QueryResult};

    /// Relationalize's two tables: orders keyed by `items`, their items by `id`.
    fn shop() -> MemSource {
        let orders = RecordBatch::try_new(
            Arc::new(Schema::new(vec![
                Field::new("order_id", DataType::Int64, true),
                Field::new("items", DataType::Int64, true),
            ])),
            vec![
                Arc::new(Int64Array::from(vec![Some(1001), Some(1002), Some(1003), Some(1004)])) as ArrayRef,
                Arc::new(Int64Array::from(vec![Some(1), Some(2), None, Some(4)])),
            ],
        )
        .unwrap();
        let items = RecordBatch::try_new(
            Arc::new(Schema::new(vec![
                Field::new("id", DataType::Int64, true),
                Field::new("sku", DataType::Utf8, true),
            ])),
            vec![
                Arc::new(Int64Array::from(vec![Some(1), Some(1), Some(2), Some(9), None])) as ArrayRef,
                Arc::new(StringArray::from(vec!["tea", "cup", "pot", "lid", "box"])),
            ],
        )
        .unwrap();
        MemSource {
            tables: vec![
                ("shop".into(), "orders".into(), orders),
                ("shop".into(), "items".into(), items),
            ],
        }
    }

    fn run(sql: &str) -> QueryResult {
        execute(sql, &shop()).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    fn err(sql: &str) -> String {
        execute(sql, &shop()).unwrap_err().to_string()
    }

    #[test]
    fn an_inner_join_pairs_rows_on_equal_keys_and_null_keys_never_match() {
        let r = run("SELECT o.order_id, i.sku FROM shop.orders o JOIN shop.items i ON o.items = i.id");
        assert_eq!(r.columns, ["order_id", "sku"]);
        assert_eq!(r.rows_as_strings(), [["1001", "tea"], ["1001", "cup"], ["1002", "pot"]]);
        // Unqualified names resolve when only one table has them.
        let r = run("SELECT order_id, sku FROM shop.orders JOIN shop.items ON items = id WHERE sku <> 'cup'");
        assert_eq!(r.rows_as_strings(), [["1001", "tea"], ["1002", "pot"]]);
    }

    #[test]
    fn outer_joins_keep_rows_without_a_partner() {
        let left = run("SELECT o.order_id, i.sku FROM shop.orders o LEFT JOIN shop.items i ON o.items = i.id");
        assert_eq!(
            left.rows_as_strings(),
            [
                ["1001", "tea"],
                ["1001", "cup"],
                ["1002", "pot"],
                ["1003", ""],
                ["1004", ""]
            ]
        );
        let right = run("SELECT o.order_id, i.sku FROM shop.orders o RIGHT OUTER JOIN shop.items i ON o.items = i.id");
        assert_eq!(
            right.rows_as_strings(),
            [
                ["1001", "tea"],
                ["1001", "cup"],
                ["1002", "pot"],
                ["", "lid"],
                ["", "box"]
            ]
        );
        let full = run("SELECT count(*) FROM shop.orders o FULL JOIN shop.items i ON o.items = i.id");
        assert_eq!(full.rows_as_strings(), [["7"]]);
    }

    #[test]
    fn conditions_beyond_equality_and_cross_joins() {
        let r =
            run("SELECT o.order_id, i.sku FROM shop.orders o JOIN shop.items i ON o.items = i.id AND i.sku LIKE 't%'");
        assert_eq!(r.rows_as_strings(), [["1001", "tea"]]);
        let r = run("SELECT count(*) FROM shop.orders o JOIN shop.items i ON o.items < i.id");
        assert_eq!(r.rows_as_strings(), [["4"]], "1<2, 1<9, 2<9, 4<9");
        assert_eq!(
            run("SELECT count(*) FROM shop.orders CROSS JOIN shop.items").rows_as_strings(),
            [["20"]]
        );
        assert_eq!(
            run("SELECT count(*) FROM shop.orders, shop.items").rows_as_strings(),
            [["20"]]
        );
    }

    #[test]
    fn a_group_by_over_a_join_counts_each_orders_items() {
        let r = run(
            "SELECT o.order_id, count(i.sku) AS n FROM shop.orders o LEFT JOIN shop.items i ON o.items = i.id \
             GROUP BY o.order_id ORDER BY n DESC, o.order_id",
        );
        assert_eq!(
            r.rows_as_strings(),
            [["1001", "2"], ["1002", "1"], ["1003", "0"], ["1004", "0"]]
        );
    }

    #[test]
    fn star_and_qualified_star_name_each_tables_columns() {
        let r = run("SELECT * FROM shop.orders o JOIN shop.items i ON o.items = i.id LIMIT 1");
        assert_eq!(r.columns, ["order_id", "items", "id", "sku"]);
        let r = run("SELECT i.* FROM shop.orders o JOIN shop.items i ON o.items = i.id LIMIT 1");
        assert_eq!(r.columns, ["id", "sku"]);
    }

    #[test]
    fn names_two_tables_share_must_be_qualified() {
        let e = err("SELECT order_id FROM shop.orders a JOIN shop.orders b ON a.items = b.items");
        assert!(
            e.contains("AMBIGUOUS_NAME") && e.contains("'order_id' is ambiguous"),
            "{e}"
        );
        let e = err("SELECT * FROM shop.orders JOIN shop.orders ON orders.items = orders.items");
        assert!(
            e.contains("AMBIGUOUS_NAME") && e.contains("give the tables aliases"),
            "{e}"
        );
        let r = run("SELECT a.order_id, b.order_id FROM shop.orders a JOIN shop.orders b ON a.items = b.items");
        assert_eq!(r.rows_as_strings().len(), 3, "a self-join with aliases");
        let e = err("SELECT * FROM shop.orders o JOIN shop.items i ON o.nope = i.id");
        assert!(e.contains("COLUMN_NOT_FOUND") && e.contains("'nope'"), "{e}");
    }
}
