//! Runs a [`Query`]: its rows (`from`: a table, or tables joined) → `WHERE` → `GROUP BY`/aggregates → `HAVING` → select list →
//! `DISTINCT` → `ORDER BY` → `OFFSET`/`LIMIT`, each step a batch-wide Arrow operation.

use std::sync::Arc;

use crate::arrow::array::{Array, ArrayRef, RecordBatch, RecordBatchOptions, UInt32Array};
use crate::arrow::compute::kernels::sort::{lexsort_to_indices, SortColumn, SortOptions};
use crate::arrow::compute::{filter, filter_record_batch, take, take_record_batch};
use crate::arrow::datatypes::{Field, Schema};
use crate::arrow::row::{RowConverter, SortField};

use super::aggregate::Groups;
use super::error::{sql_error, Pos};
use super::eval::{eval, predicate, Columns, Scope};
use super::from;
use super::limits::QueryLimits;
use super::plan::{Expr, Literal, OrderKey, Query, SelectItem};
use super::TableSource;
use crate::error::Result;

/// One column of the result: its expression and its name (alias, column name or `_colN`).
struct Output {
    expr: Expr,
    name: String,
    /// Named by an alias or a bare column, so `ORDER BY name` may refer to it.
    referable: bool,
}

pub(crate) fn run(query: &Query, source: &dyn TableSource, limits: &QueryLimits) -> Result<RecordBatch> {
    let (input, columns) = from::rows(query.from.as_ref(), &query.joins, source)?;
    let outputs = expand(query, input.schema_ref(), &columns)?;
    let input = match &query.filter {
        Some(f) => {
            let mask = predicate(
                f,
                &Scope::Rows {
                    batch: &input,
                    columns: &columns,
                },
                "WHERE",
            )?;
            filter_record_batch(&input, &mask)?
        }
        None => input,
    };
    let rows = Scope::Rows {
        batch: &input,
        columns: &columns,
    };
    if !aggregates(query, &outputs).is_empty() || !query.group_by.is_empty() || query.having.is_some() {
        aggregate_then_finish(query, &outputs, &rows, limits)
    } else {
        finish(query, &outputs, &rows, limits)
    }
}

/// The select list with `*` expanded and every column named as Athena names it.
fn expand(query: &Query, schema: &Schema, columns: &Columns) -> Result<Vec<Output>> {
    let mut outputs = Vec::new();
    for item in &query.projection {
        match item {
            SelectItem::Wildcard { table, pos } => {
                if query.from.is_none() {
                    return Err(sql_error(
                        "SYNTAX_ERROR",
                        *pos,
                        "SELECT * not allowed in queries without FROM clause",
                    ));
                }
                for (i, field) in schema.fields().iter().enumerate() {
                    let of = columns.table_of(i);
                    if table.is_some_and(|t| t != of) {
                        continue;
                    }
                    // Qualified only when two joined tables share the name, so that `*`
                    // still matches `GROUP BY name`.
                    let name = field.name().to_lowercase();
                    let shared = columns.resolve(&name, None, *pos).is_err();
                    let expr = Expr::Column {
                        name,
                        table: shared.then_some(of),
                        pos: *pos,
                    };
                    outputs.push(Output {
                        expr,
                        name: field.name().clone(),
                        referable: true,
                    });
                }
            }
            SelectItem::Expr {
                expr,
                alias: Some(alias),
            } => outputs.push(Output {
                expr: expr.clone(),
                name: alias.clone(),
                referable: true,
            }),
            SelectItem::Expr {
                expr: expr @ Expr::Column { name, .. },
                alias: None,
            } => {
                let field = schema.fields().iter().find(|f| f.name().to_lowercase() == *name);
                let name = field.map_or(name.clone(), |f| f.name().clone());
                outputs.push(Output {
                    expr: expr.clone(),
                    name,
                    referable: true,
                })
            }
            SelectItem::Expr { expr, alias: None } => {
                let name = format!("_col{}", outputs.len());
                outputs.push(Output {
                    expr: expr.clone(),
                    name,
                    referable: false,
                })
            }
        }
    }
    Ok(outputs)
}

/// Every distinct aggregate call in the select list, `HAVING` and `ORDER BY`.
fn aggregates<'a>(query: &'a Query, outputs: &'a [Output]) -> Vec<&'a Expr> {
    let exprs = outputs.iter().map(|o| &o.expr);
    let exprs = exprs
        .chain(query.having.iter())
        .chain(query.order_by.iter().map(|k| &k.expr));
    let mut found: Vec<&Expr> = Vec::new();
    for e in exprs {
        e.walk(&mut |sub| {
            if matches!(sub, Expr::Aggregate { .. }) && !found.contains(&sub) {
                found.push(sub);
            }
        });
    }
    found
}

fn aggregate_then_finish(query: &Query, outputs: &[Output], rows: &Scope, limits: &QueryLimits) -> Result<RecordBatch> {
    let n = rows.len();
    let key_exprs = query
        .group_by
        .iter()
        .map(|e| group_key(e, outputs))
        .collect::<Result<Vec<_>>>()?;
    let key_arrays = key_exprs
        .iter()
        .map(|e| eval(e, rows)?.into_array(n))
        .collect::<Result<Vec<_>>>()?;
    let groups = Groups::new(&key_arrays, n)?;
    let mut keys = Vec::with_capacity(key_exprs.len());
    for (expr, array) in key_exprs.into_iter().zip(&key_arrays) {
        keys.push((expr, groups.key_values(array)?));
    }
    let mut aggs = Vec::new();
    for agg in aggregates(query, outputs) {
        let Expr::Aggregate {
            func,
            arg,
            distinct,
            pos,
        } = agg
        else {
            continue;
        };
        let arg = arg.as_ref().map(|a| eval(a, rows)?.into_array(n)).transpose()?;
        aggs.push((agg.clone(), groups.aggregate(*func, *distinct, arg.as_ref(), *pos)?));
    }
    let mut len = groups.len();
    if let Some(having) = &query.having {
        let mask = predicate(
            having,
            &Scope::Groups {
                len,
                keys: &keys,
                aggregates: &aggs,
            },
            "HAVING",
        )?;
        for (_, array) in keys.iter_mut().chain(aggs.iter_mut()) {
            *array = filter(array.as_ref(), &mask)?;
        }
        len = mask.true_count();
    }
    finish(
        query,
        outputs,
        &Scope::Groups {
            len,
            keys: &keys,
            aggregates: &aggs,
        },
        limits,
    )
}

/// `GROUP BY 2` names the second select item, as in Athena.
fn group_key(e: &Expr, outputs: &[Output]) -> Result<Expr> {
    let Expr::Literal(Literal::Int(position)) = e else {
        return Ok(e.clone());
    };
    let item = usize::try_from(*position)
        .ok()
        .and_then(|p| p.checked_sub(1))
        .and_then(|i| outputs.get(i));
    let Some(item) = item else {
        let message = format!("GROUP BY position {position} is not in select list");
        return Err(sql_error("INVALID_COLUMN_REFERENCE", Pos::default(), message));
    };
    if let Some(agg) = item.expr.first_aggregate() {
        let message = format!("GROUP BY position {position} is an aggregate expression");
        return Err(sql_error("INVALID_COLUMN_REFERENCE", agg.pos(), message));
    }
    Ok(item.expr.clone())
}

/// Where an `ORDER BY` key's values come from.
enum SortSource {
    /// A result column (by position, alias or repeated expression).
    Output(usize),
    /// Computed over the scope, one value per result row before `DISTINCT`.
    Computed(ArrayRef),
}

fn finish(query: &Query, outputs: &[Output], scope: &Scope, limits: &QueryLimits) -> Result<RecordBatch> {
    // Without DISTINCT or ORDER BY, rows past `OFFSET + LIMIT` are never computed (and the
    // scope is not read again below).
    let needed = match (query.distinct || !query.order_by.is_empty(), query.limit) {
        (false, Some(limit)) => query.offset.saturating_add(limit),
        _ => usize::MAX,
    };
    let (arrays, len) = select_list(outputs, scope, needed, limits)?;
    let fields: Vec<Field> = outputs
        .iter()
        .zip(&arrays)
        .map(|(o, a)| Field::new(&o.name, a.data_type().clone(), true))
        .collect();
    let options = RecordBatchOptions::new().with_row_count(Some(len));
    let mut batch = RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), arrays, &options)?;
    let sources = query
        .order_by
        .iter()
        .map(|key| sort_source(key, outputs, query.distinct, scope))
        .collect::<Result<Vec<_>>>()?;
    if query.distinct {
        batch = distinct(&batch)?;
    }
    if !sources.is_empty() {
        let mut columns = Vec::with_capacity(sources.len() + 1);
        for (key, source) in query.order_by.iter().zip(sources) {
            let values = match source {
                SortSource::Output(i) => batch.column(i).clone(),
                SortSource::Computed(array) => array,
            };
            let options = SortOptions {
                descending: key.descending,
                nulls_first: key.nulls_first,
            };
            columns.push(SortColumn {
                values,
                options: Some(options),
            });
        }
        // Ties keep table (or first-appearance) order, so results never depend on the sort.
        let position: ArrayRef = Arc::new((0..batch.num_rows() as u32).collect::<UInt32Array>());
        columns.push(SortColumn {
            values: position,
            options: None,
        });
        batch = take_record_batch(&batch, &lexsort_to_indices(&columns, None)?)?;
    }
    let start = query.offset.min(batch.num_rows());
    let count = query.limit.unwrap_or(usize::MAX).min(batch.num_rows() - start);
    Ok(batch.slice(start, count))
}

/// Rows of a plain query are computed in chunks at most this long, each sized from the bytes per
/// row so far, so a result past the limit stops within about [`CHUNK_BYTES`] of it.
const CHUNK_ROWS: usize = 65_536;
/// What a chunk of the select list should hold; the first chunk is [`FIRST_CHUNK_ROWS`] long.
const CHUNK_BYTES: usize = 16 * 1024 * 1024;
const FIRST_CHUNK_ROWS: usize = 64;

/// The select list's columns over the first `needed` rows of `scope` and how many rows that is,
/// failing as soon as they hold more than `limits` allow (checked after every chunk, not once
/// the whole result is built).
fn select_list(
    outputs: &[Output],
    scope: &Scope,
    needed: usize,
    limits: &QueryLimits,
) -> Result<(Vec<ArrayRef>, usize)> {
    let len = scope.len().min(needed);
    let Scope::Rows { batch, columns } = scope else {
        // One row per group: the groups are already held, so one check at the end suffices.
        let arrays = outputs
            .iter()
            .map(|o| eval(&o.expr, scope)?.into_array(len))
            .collect::<Result<Vec<_>>>()?;
        let mut bytes = 0;
        for array in &arrays {
            bytes += array.to_data().get_slice_memory_size()?;
        }
        if bytes > limits.max_result_bytes {
            return Err(limits.exceeded(len));
        }
        return Ok((arrays, len));
    };
    let mut chunks: Vec<Vec<ArrayRef>> = vec![Vec::new(); outputs.len()];
    let (mut start, mut bytes, mut chunk) = (0, 0usize, FIRST_CHUNK_ROWS);
    loop {
        let n = chunk.min(len - start);
        let rows = batch.slice(start, n);
        let part = Scope::Rows { batch: &rows, columns };
        for (output, column) in outputs.iter().zip(&mut chunks) {
            let array = eval(&output.expr, &part)?.into_array(n)?;
            // A column passed through is a slice of the table's buffers: count its rows only.
            bytes += array.to_data().get_slice_memory_size()?;
            column.push(array);
        }
        start += n;
        if bytes > limits.max_result_bytes {
            return Err(limits.exceeded(start));
        }
        if start >= len {
            break;
        }
        let per_row = bytes / start.max(1) + 1;
        chunk = (CHUNK_BYTES / per_row).clamp(1, CHUNK_ROWS);
    }
    let arrays = chunks
        .iter()
        .map(|parts| match parts.as_slice() {
            [one] => Ok(one.clone()),
            parts => {
                let parts: Vec<&dyn Array> = parts.iter().map(|a| a.as_ref()).collect();
                Ok(crate::arrow::compute::concat(&parts)?)
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((arrays, len))
}

fn sort_source(key: &OrderKey, outputs: &[Output], distinct: bool, scope: &Scope) -> Result<SortSource> {
    match &key.expr {
        Expr::Literal(Literal::Int(position)) => {
            let index = usize::try_from(*position)
                .ok()
                .and_then(|p| p.checked_sub(1))
                .filter(|&i| i < outputs.len());
            let message = format!("ORDER BY position {position} is not in select list");
            return index
                .map(SortSource::Output)
                .ok_or_else(|| sql_error("INVALID_COLUMN_REFERENCE", key.expr.pos(), message));
        }
        Expr::Column { name, table: None, pos } => {
            let named: Vec<usize> = (0..outputs.len())
                .filter(|&i| outputs[i].referable && outputs[i].name.to_lowercase() == *name)
                .collect();
            if let Some(&first) = named.first() {
                if named.iter().any(|&i| outputs[i].expr != outputs[first].expr) {
                    return Err(sql_error(
                        "AMBIGUOUS_NAME",
                        *pos,
                        format!("Column '{name}' is ambiguous"),
                    ));
                }
                return Ok(SortSource::Output(first));
            }
        }
        _ => {}
    }
    if let Some(i) = outputs.iter().position(|o| o.expr == key.expr) {
        return Ok(SortSource::Output(i));
    }
    if distinct {
        let message = "For SELECT DISTINCT, ORDER BY expressions must appear in select list";
        return Err(sql_error("EXPRESSION_NOT_IN_DISTINCT", key.expr.pos(), message));
    }
    Ok(SortSource::Computed(eval(&key.expr, scope)?.into_array(scope.len())?))
}

/// Keeps the first of each set of equal rows (NULLs equal to each other, as in SQL's DISTINCT).
fn distinct(batch: &RecordBatch) -> Result<RecordBatch> {
    if batch.num_columns() == 0 {
        return Ok(batch.slice(0, batch.num_rows().min(1)));
    }
    let fields = batch
        .columns()
        .iter()
        .map(|c| SortField::new(c.data_type().clone()))
        .collect();
    let rows = RowConverter::new(fields)?.convert_columns(batch.columns())?;
    let mut seen = std::collections::HashSet::new();
    let keep: UInt32Array = (0..rows.num_rows())
        .filter(|&i| seen.insert(rows.row(i)))
        .map(|i| i as u32)
        .collect();
    let columns = batch
        .columns()
        .iter()
        .map(|c| take(c.as_ref(), &keep, None))
        .collect::<Result<Vec<_>, _>>()?;
    let options = RecordBatchOptions::new().with_row_count(Some(keep.len()));
    Ok(RecordBatch::try_new_with_options(batch.schema(), columns, &options)?)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
    use crate::arrow::datatypes::DataType;

    use super::super::testing::{devices, MemSource};
    use super::super::{execute, execute_with_limits, QueryResult};
    use super::*;

    /// `t`: id bigint, name varchar, score double, with a NULL in each of name and score.
    fn source() -> MemSource {
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, true),
            Field::new("Name", DataType::Utf8, true),
            Field::new("score", DataType::Float64, true),
        ]));
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(vec![1, 2, 3, 4, 5])),
            Arc::new(StringArray::from(vec![
                Some("ann"),
                Some("bob"),
                None,
                Some("ann"),
                Some("cy"),
            ])),
            Arc::new(Float64Array::from(vec![
                Some(1.5),
                Some(3.0),
                Some(2.0),
                None,
                Some(3.0),
            ])),
        ];
        MemSource::one("db", "t", RecordBatch::try_new(schema, columns).unwrap())
    }

    fn query(sql: &str) -> QueryResult {
        execute(sql, &source()).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    fn cells(sql: &str) -> Vec<Vec<String>> {
        query(sql).rows_as_strings()
    }

    fn error(sql: &str) -> String {
        execute(sql, &source()).unwrap_err().to_string()
    }

    #[test]
    fn select_list_names_and_expressions() {
        let r = query("SELECT id, name AS Who, id * 10 + 1, score / 2 FROM t LIMIT 1");
        assert_eq!(r.columns, ["id", "who", "_col2", "_col3"]);
        assert_eq!(r.rows_as_strings(), [["1", "ann", "11", "0.75"]]);
        assert_eq!(query("SELECT name FROM t").columns, ["Name"]);
        assert_eq!(cells("SELECT 1 + 1, 'x', NULL, true"), [["2", "x", "", "true"]]);
        assert!(error("SELECT * ").contains("SELECT * not allowed in queries without FROM clause"));
    }

    #[test]
    fn from_with_alias_and_qualifiers() {
        assert_eq!(cells("SELECT x.id FROM db.t AS x WHERE x.id = 2"), [["2"]]);
        assert_eq!(cells("SELECT t.id FROM db.t WHERE db.t.id = 3"), [["3"]]);
        assert_eq!(query("SELECT x.* FROM awsdatacatalog.db.t x").batch.num_rows(), 5);
    }

    #[test]
    fn where_clauses() {
        let ids = |cond: &str| -> Vec<String> {
            cells(&format!("SELECT id FROM t WHERE {cond}"))
                .into_iter()
                .map(|r| r[0].clone())
                .collect()
        };
        assert_eq!(ids("score > 2"), ["2", "5"]);
        assert_eq!(ids("score >= 2 AND name <> 'bob'"), ["5"]);
        assert_eq!(ids("name = 'ann' OR score = 2"), ["1", "3", "4"]);
        assert_eq!(ids("NOT name = 'ann'"), ["2", "5"]);
        assert_eq!(ids("name IS NULL"), ["3"]);
        assert_eq!(ids("score IS NOT NULL AND id < 3"), ["1", "2"]);
        assert_eq!(ids("id IN (2, 4, 9)"), ["2", "4"]);
        assert_eq!(ids("id NOT IN (2, 4)"), ["1", "3", "5"]);
        assert_eq!(ids("id BETWEEN 2 AND 4"), ["2", "3", "4"]);
        assert_eq!(ids("name LIKE 'a%'"), ["1", "4"]);
        assert_eq!(ids("name LIKE '_o_'"), ["2"]);
        assert_eq!(ids("id > 1.5 AND score < 3"), ["3"]);
        assert_eq!(ids("id <= 2 AND id >= 2"), ["2"]);
        assert_eq!(ids("false"), Vec::<String>::new());
        assert!(error("SELECT id FROM t WHERE id + 1")
            .contains("WHERE clause must evaluate to a boolean: actual type bigint"));
    }

    #[test]
    fn aggregates_without_group_by_give_one_row() {
        let r = query(
            "SELECT count(*), count(name), count(DISTINCT name), sum(id), avg(score), min(name), max(score) \
             FROM t",
        );
        assert_eq!(r.rows_as_strings(), [["5", "4", "3", "15", "2.375", "ann", "3.0"]]);
        assert_eq!(
            cells("SELECT count(*), sum(id), max(name) FROM t WHERE id > 99"),
            [["0", "", ""]]
        );
        assert_eq!(cells("SELECT sum(id) * 2 AS twice FROM t"), [["30"]]);
    }

    #[test]
    fn group_by_having_and_positions() {
        let sql = "SELECT name, count(*) AS n, sum(score) FROM t GROUP BY name ORDER BY n DESC, name";
        assert_eq!(
            cells(sql),
            [
                ["ann", "2", "1.5"],
                ["bob", "1", "3.0"],
                ["cy", "1", "3.0"],
                ["", "1", "2.0"]
            ]
        );
        let sql = "SELECT name, count(*) FROM t GROUP BY 1 HAVING count(*) > 1";
        assert_eq!(cells(sql), [["ann", "2"]]);
        let sql = "SELECT score, count(*) FROM t GROUP BY score HAVING sum(id) >= 4 ORDER BY 1";
        assert_eq!(cells(sql), [["3.0", "2"], ["", "1"]]);
        let sql = "SELECT id % 2 AS parity, count(*) FROM t GROUP BY id % 2 ORDER BY parity";
        assert_eq!(cells(sql), [["0", "2"], ["1", "3"]]);
        assert_eq!(
            cells("SELECT count(*) FROM t HAVING count(*) > 10"),
            Vec::<Vec<String>>::new()
        );
        let sql = "SELECT name FROM t GROUP BY name ORDER BY count(*) DESC, name LIMIT 1";
        assert_eq!(cells(sql), [["ann"]]);
    }

    #[test]
    fn group_by_errors() {
        let e = error("SELECT name, id FROM t GROUP BY name");
        assert!(
            e.contains("EXPRESSION_NOT_AGGREGATE: line 1:14: 'id' must be an aggregate expression"),
            "{e}"
        );
        assert!(error("SELECT * FROM t GROUP BY id").contains("'name' must be an aggregate expression"));
        assert!(error("SELECT id, count(*) FROM t GROUP BY 3").contains("GROUP BY position 3 is not in select list"));
        assert!(error("SELECT name AS n, count(*) FROM t GROUP BY n").contains("Column 'n' cannot be resolved"));
        assert!(error("SELECT sum(name) FROM t").contains("Unexpected parameters (varchar) for function sum"));
    }

    #[test]
    fn order_by_keys() {
        let ids = |sql: &str| -> Vec<String> { cells(sql).into_iter().map(|r| r[0].clone()).collect() };
        assert_eq!(
            ids("SELECT id FROM t ORDER BY score DESC, id"),
            ["2", "5", "3", "1", "4"]
        );
        assert_eq!(ids("SELECT id FROM t ORDER BY score ASC"), ["1", "3", "2", "5", "4"]);
        assert_eq!(
            ids("SELECT id FROM t ORDER BY score NULLS FIRST, id DESC"),
            ["4", "1", "3", "5", "2"]
        );
        assert_eq!(
            ids("SELECT id, name FROM t ORDER BY 2 DESC, 1"),
            ["5", "2", "1", "4", "3"]
        );
        assert_eq!(ids("SELECT id AS k FROM t ORDER BY k DESC LIMIT 2"), ["5", "4"]);
        assert_eq!(ids("SELECT id FROM t ORDER BY -id LIMIT 2 OFFSET 1"), ["4", "3"]);
        assert_eq!(ids("SELECT id FROM t ORDER BY id * 0, name"), ["1", "4", "2", "5", "3"]);
        assert!(error("SELECT id FROM t ORDER BY 2").contains("ORDER BY position 2 is not in select list"));
        let e = error("SELECT DISTINCT name FROM t ORDER BY id");
        assert!(
            e.contains("For SELECT DISTINCT, ORDER BY expressions must appear in select list"),
            "{e}"
        );
    }

    #[test]
    fn a_result_past_the_limit_fails_while_it_is_built() {
        let limits = |bytes| QueryLimits {
            max_result_bytes: bytes,
        };
        let run = |sql: &str, bytes| execute_with_limits(sql, &source(), &limits(bytes));
        let e = run("SELECT lpad(name, 1000000, 'x') FROM t", 1 << 20)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("EXCEEDED_LOCAL_MEMORY_LIMIT: Query result is larger than 1 MiB, the most gluelab holds"),
            "{e}"
        );
        // Checked chunk by chunk: a huge table fails long before every row is computed.
        let wide = MemSource::one("db", "t", devices(&[("d001", 1, "on"); 5000]));
        let e = execute_with_limits(
            "SELECT lpad(device_id, 1000000, 'x') FROM db.t",
            &wide,
            &limits(8 << 20),
        )
        .unwrap_err()
        .to_string();
        let rows: usize = e
            .split("exceeded after ")
            .nth(1)
            .and_then(|r| r.split(' ').next()?.parse().ok())
            .unwrap();
        assert!(rows < 100, "{e}");
        // LIMIT without ORDER BY computes only the rows it returns.
        let r = run("SELECT lpad(name, 1000000, 'x') FROM t LIMIT 1", 2 << 20).unwrap();
        assert_eq!(r.num_rows(), 1);
        // Within the limit, the same answer as without one; aggregates are checked too.
        assert_eq!(run("SELECT * FROM t", 1 << 20).unwrap(), query("SELECT * FROM t"));
        let e = run("SELECT name, count(*) FROM t GROUP BY name", 8)
            .unwrap_err()
            .to_string();
        assert!(e.contains("EXCEEDED_LOCAL_MEMORY_LIMIT"), "{e}");
    }

    #[test]
    fn columns_passed_through_count_only_the_rows_of_each_chunk() {
        // About 1.6 MB of table; every chunk is a slice of its buffers, counted by its rows.
        let rows: Vec<_> = (0..70_000).map(|i| ("d001", i, "on")).collect();
        let table = MemSource::one("db", "t", devices(&rows));
        let limits = QueryLimits {
            max_result_bytes: 4 << 20,
        };
        let r = execute_with_limits("SELECT * FROM db.t", &table, &limits).unwrap();
        assert_eq!(r.num_rows(), 70_000);
    }

    #[test]
    fn a_long_result_is_computed_in_chunks_with_the_same_answer() {
        let rows: Vec<_> = (0..70_000)
            .map(|i| ("d", i, if i % 2 == 0 { "on" } else { "off" }))
            .collect();
        let many = MemSource::one("db", "t", devices(&rows));
        let r = execute("SELECT timestamp * 2 AS t2, upper(state) FROM db.t", &many).unwrap();
        assert_eq!(r.num_rows(), 70_000);
        assert_eq!(r.rows_from(69_999, 5), [["139998", "OFF"]]);
        assert_eq!(r.rows_from(64, 1), [["128", "ON"]]);
        assert_eq!(r.rows_from(80_000, 5), Vec::<Vec<String>>::new());
    }

    #[test]
    fn distinct_and_limit() {
        assert_eq!(
            cells("SELECT DISTINCT name FROM t ORDER BY name"),
            [["ann"], ["bob"], ["cy"], [""]]
        );
        assert_eq!(cells("SELECT DISTINCT score FROM t ORDER BY 1 DESC LIMIT 1"), [["3.0"]]);
        assert_eq!(query("SELECT * FROM t LIMIT 0").batch.num_rows(), 0);
        assert_eq!(query("SELECT * FROM t LIMIT 100").batch.num_rows(), 5);
        assert_eq!(query("SELECT * FROM t OFFSET 4").batch.num_rows(), 1);
    }

    #[test]
    fn empty_tables_keep_their_columns() {
        let source = MemSource::one("db", "e", devices(&[]));
        let r = execute("SELECT device_id, count(*) FROM e GROUP BY device_id", &source).unwrap();
        assert_eq!((r.columns.len(), r.batch.num_rows()), (2, 0));
        let r = execute("SELECT * FROM e WHERE state = 'on' ORDER BY timestamp", &source).unwrap();
        assert_eq!((r.columns.len(), r.batch.num_rows()), (3, 0));
    }
}
