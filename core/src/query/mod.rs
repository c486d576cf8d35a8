//! A small Athena-like SQL engine over Arrow record batches.
//!
//! Users of the seed article check a job's sink table with
//! `SELECT * FROM "devices_data_analystics"."devices_integrated_data"`; the CLI
//! (`athena start-query-execution`, `gluelab query`) and the browser's query box run such queries
//! through [`execute`]. It must stay light enough for wasm, so it is built on sqlparser and
//! Arrow's compute kernels only (no DataFusion).
//!
//! ```
//! use gluelab_core::query::{execute, TableSource};
//! use gluelab_core::{Error, Result};
//! # use std::sync::Arc;
//! # use gluelab_core::arrow::array::{Int64Array, RecordBatch, StringArray};
//! # use gluelab_core::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
//!
//! struct Sink(RecordBatch);
//! impl TableSource for Sink {
//!     fn table(&self, _db: Option<&str>, table: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
//!         match table {
//!             "devices_integrated_data" => Ok((self.0.schema(), vec![self.0.clone()])),
//!             _ => Err(Error::EntityNotFound(table.to_string())),
//!         }
//!     }
//! }
//! # let schema = Arc::new(Schema::new(vec![
//! #     Field::new("device_id", DataType::Utf8, true),
//! #     Field::new("timestamp", DataType::Int64, true),
//! # ]));
//! # let batch = RecordBatch::try_new(schema, vec![
//! #     Arc::new(StringArray::from(vec!["d001", "d002", "d001"])),
//! #     Arc::new(Int64Array::from(vec![1, 2, 3])),
//! # ]).unwrap();
//! let sql = r#"SELECT device_id, count(*) AS n FROM "devices_data_analystics"."devices_integrated_data"
//!              GROUP BY device_id ORDER BY n DESC"#;
//! let result = execute(sql, &Sink(batch))?;
//! assert_eq!(result.columns, ["device_id", "n"]);
//! assert_eq!(result.rows_as_strings(), [["d001", "2"], ["d002", "1"]]);
//! # Ok::<(), Error>(())
//! ```
//!
//! # What runs
//! One `SELECT [DISTINCT]` over a table (`FROM [[awsdatacatalog.]db.]table [[AS] x]`, quoted or
//! not) or tables joined (`[INNER] JOIN`, `LEFT`/`RIGHT`/`FULL [OUTER] JOIN ... ON condition`,
//! `CROSS JOIN`, `FROM a, b`; columns qualified `x.col` or unambiguous, `x.*`; see `from.rs`) with: `*`, columns, expressions and `AS` aliases; `WHERE` with `= <> != < <= >
//! >=`, `AND OR NOT`, `IS [NOT] NULL`, `[NOT] IN (list)`, `[NOT] BETWEEN`, `[NOT] LIKE` (`%`, `_`);
//! literals (integers, decimals, `'strings'`, `true`/`false`, `NULL`, `DATE '...'`,
//! `TIMESTAMP '...'`); `+ - * / %`, `||`; `count(*)`, `count([DISTINCT] x)`, `sum`, `avg`, `min`,
//! `max`, with `GROUP BY` expressions or positions (or none: one row), `HAVING`; `ORDER BY` keys by
//! alias, position or expression, `ASC`/`DESC`, `NULLS FIRST/LAST`; `LIMIT n [OFFSET m]`.
//!
//! Expressions, everywhere an expression goes (select list, `WHERE`, `GROUP BY`, `ORDER BY`, and
//! [`predicate_mask`] / [`evaluate_expression`] for transforms):
//! - `CASE WHEN ... THEN ... [ELSE ...] END`, `CASE x WHEN v THEN ... END`, `if(c, a[, b])`,
//!   `coalesce` (also `nvl`, `ifnull`), `nullif`;
//! - `CAST(x AS t)`, `TRY_CAST`, `x::t` for `bigint`, `int`, `smallint`, `tinyint`, `double`,
//!   `real`, `decimal(p, s)`, `varchar`/`string`, `boolean`, `date`, `timestamp`;
//! - text: `upper`, `lower`, `trim`/`ltrim`/`rtrim` (also `trim(BOTH 'x' FROM s)`), `length`,
//!   `concat`, `substr`/`substring` (also `SUBSTRING(s FROM i FOR n)`), `replace`, `split_part`,
//!   `lpad`, `rpad`, `regexp_like`;
//! - numbers: `abs`, `round(x[, d])`, `floor`, `ceil`/`ceiling`;
//! - dates: `date`, `to_date(s[, pattern])`, `to_timestamp(s[, pattern])`, `year`, `quarter`,
//!   `month`, `day`, `hour`, `minute`, `second`, `EXTRACT(field FROM x)`, `date_trunc(unit, x)`,
//!   `date_format(x, pattern)`, `from_unixtime`, `date_add(x, days)` / `date_add(unit, n, x)`,
//!   `date_sub`, `date_diff(unit, a, b)` / `datediff(end, start)`. They take DATE, TIMESTAMP or
//!   ISO text (see `datetime.rs` for the details).
//!
//! Anything else (`JOIN ... USING`, subqueries, set operations, window functions, CTEs, other functions,
//! several statements) is a `NOT_SUPPORTED` error naming the construct, or `FUNCTION_NOT_FOUND`
//! for an unknown function, never a silently different answer. Functions that read the clock or a
//! random source (`current_date`, `now()`, `rand()`, ...) are `NOT_SUPPORTED`: every run must be
//! reproducible.
//!
//! # Where gluelab differs from Athena
//! - Errors are `Error::InvalidInput` with Athena's text: `CODE: line L:C: message`, e.g.
//!   `COLUMN_NOT_FOUND: line 1:8: Column 'foo' cannot be resolved` (engine v3 codes).
//! - Identifiers are matched case-insensitively and result names of aliases are lowercased, as
//!   Athena does; unnamed expressions are called `_col0`, `_col1`, ... by position.
//! - `1.5` is a DOUBLE (Athena: DECIMAL), and decimal columns meet other numbers at DOUBLE in
//!   comparisons, arithmetic and `avg`; `sum` of a decimal stays `decimal(38, s)`.
//! - A string compared with a date or timestamp is cast to it (Athena wants a typed literal).
//! - In `LIKE` patterns a backslash escapes `%`/`_` (Arrow's rule; Athena has no default escape).
//! - Integer arithmetic is BIGINT and checked: overflow is `NUMERIC_VALUE_OUT_OF_RANGE`,
//!   division by zero `DIVISION_BY_ZERO`, for the whole query, as in Athena. `CASE` and
//!   `coalesce` evaluate a branch only on the rows that take it; `AND`/`OR` evaluate both sides.
//! - `concat` and `||` accept numbers, booleans and dates and print them (Spark's rule); Athena
//!   wants varchar. `date_format`/`to_date` take Spark patterns (`yyyy-MM`) as well as Athena's
//!   MySQL-style ones (`%Y-%m`). Errors in a `CAST` point at the expression being cast.
//! - Without `ORDER BY`, rows come in table order and groups in order of first appearance;
//!   `ORDER BY` ties keep that order. Athena promises no order at all, so this is one of its
//!   allowed answers, chosen to be deterministic.

mod aggregate;
mod call;
mod cast;
mod conditional;
mod datetime;
mod error;
mod eval;
mod exec;
mod from;
mod functions;
mod history;
mod limits;
mod lowered;
mod parse;
mod pattern;
mod plan;
mod registry;
mod render;
mod scope;
#[cfg(test)]
mod testing;
mod types;
mod value;

use crate::arrow::array::{ArrayRef, BooleanArray, RecordBatch};
use crate::arrow::datatypes::SchemaRef;

use crate::error::Result;

pub use history::{QueryHistory, HISTORY_ENTRIES, HISTORY_ENTRY_CHARS};
pub use limits::{QueryLimits, MAX_RESULT_BYTES};
pub(crate) use lowered::ScalarExpr;
pub(crate) use parse::check_operator_count;

/// Where [`execute`] gets tables from; the caller owns the catalog.
pub trait TableSource {
    /// The rows of `database.table` (`database` is `None` when the query did not name one; the
    /// caller applies its default). Names arrive lowercased, as Athena stores them.
    ///
    /// Return `Error::EntityNotFound` for an unknown table: the engine reports it the way Athena
    /// does (`TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.db.t' does not exist`). Other
    /// errors are passed through unchanged.
    fn table(&self, database: Option<&str>, table: &str) -> Result<(SchemaRef, Vec<RecordBatch>)>;
}

/// The rows a query returned.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    /// Result column names, in order (the same as `batch`'s field names; names may repeat).
    pub columns: Vec<String>,
    pub batch: RecordBatch,
}

impl QueryResult {
    /// Every cell as text, row by row, the way Athena's console shows results: NULL is an empty
    /// string (so NULL and `''` look alike, exactly as in the console), timestamps read
    /// `2024-01-31 12:00:00.000`.
    pub fn rows_as_strings(&self) -> Vec<Vec<String>> {
        render::rows_as_strings(&self.batch)
    }

    pub fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// The first `n` rows as [`QueryResult::rows_as_strings`] renders them; only those are
    /// rendered, so a page can show the head of a large result without the rest.
    pub fn first_rows(&self, n: usize) -> Vec<Vec<String>> {
        render::rows_as_strings(&self.batch.slice(0, n.min(self.batch.num_rows())))
    }

    /// Rows `start..start + n` (as many as there are) as [`QueryResult::rows_as_strings`]
    /// renders them: one page of a large result.
    pub fn rows_from(&self, start: usize, n: usize) -> Vec<Vec<String>> {
        let start = start.min(self.batch.num_rows());
        render::rows_as_strings(&self.batch.slice(start, n.min(self.batch.num_rows() - start)))
    }

    /// A box-drawn table (`+---+` rules, `| a |` cells) for the CLI; numbers right-aligned.
    pub fn to_ascii_table(&self) -> String {
        let types: Vec<_> = self
            .batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.data_type().clone())
            .collect();
        render::ascii_table(&self.columns, &types, &self.rows_as_strings())
    }
}

/// Runs one `SELECT` statement against `source`, under the default [`QueryLimits`].
pub fn execute(sql: &str, source: &dyn TableSource) -> Result<QueryResult> {
    execute_with_limits(sql, source, &QueryLimits::default())
}

/// Runs one `SELECT` statement against `source`; a result that grows past `limits` fails with
/// `EXCEEDED_LOCAL_MEMORY_LIMIT` while it is being computed.
pub fn execute_with_limits(sql: &str, source: &dyn TableSource, limits: &QueryLimits) -> Result<QueryResult> {
    let query = parse::parse(sql)?;
    let batch = exec::run(&query, source, limits)?;
    let columns = batch.schema().fields().iter().map(|f| f.name().clone()).collect();
    Ok(QueryResult { columns, batch })
}

/// Evaluates a bare SQL predicate (`state = 'on' AND timestamp > 1609348014`) over `batch`, for
/// transforms such as Glue's `Filter`. The mask is NULL where the predicate is unknown (SQL's
/// three-valued logic); `filter_record_batch` drops those rows like `false` ones. Accepts the
/// same expressions as a `WHERE` clause; positions in errors are within `predicate`.
pub fn predicate_mask(batch: &RecordBatch, predicate: &str) -> Result<BooleanArray> {
    let expr = parse::parse_predicate(predicate)?;
    let columns = eval::Columns::new(batch.schema_ref());
    eval::predicate(
        &expr,
        &eval::Scope::Rows {
            batch,
            columns: &columns,
        },
        "Filter",
    )
}

/// The database (when given) and table an Athena `MSCK REPAIR TABLE [db.]table` names, so a
/// front end can register the table's partitions (`Workspace::repair_partitions`); `None` for
/// any other statement, which [`execute`] takes.
pub fn msck_repair_table(sql: &str) -> Option<(Option<String>, String)> {
    match parse::msck_repair_table(sql)?.as_slice() {
        [table] => Some((None, table.clone())),
        [database, table] => Some((Some(database.clone()), table.clone())),
        _ => None,
    }
}

/// Checks that `expression` parses as a scalar expression (for editors); positions in the
/// error are within `expression`. Whether its columns exist is a question for the data.
pub fn check_expression(expression: &str) -> Result<()> {
    parse::parse_predicate(expression).map(|_| ())
}

/// Evaluates a scalar SQL expression (`upper(name)`, `price * 2`) over every row of `batch`, for
/// transforms that derive columns (Glue's `Map`, derived columns). Positions in errors are
/// within `expression`.
pub fn evaluate_expression(batch: &RecordBatch, expression: &str) -> Result<ArrayRef> {
    let expr = parse::parse_predicate(expression)?;
    let columns = eval::Columns::new(batch.schema_ref());
    eval::eval(
        &expr,
        &eval::Scope::Rows {
            batch,
            columns: &columns,
        },
    )?
    .into_array(batch.num_rows())
}

#[cfg(test)]
mod tests {
    use super::testing::{devices, seed_source, MemSource, RUN_1_AND_2};
    use super::*;
    use crate::error::Error;
    use proptest::prelude::*;
    use std::sync::Arc;

    use crate::arrow::array::{ArrayRef, Int64Array};
    use crate::arrow::datatypes::{DataType, Field, Schema};

    const SEED: &str = r#"SELECT * FROM "devices_data_analystics"."devices_integrated_data""#;

    fn rows(r: &QueryResult) -> Vec<Vec<String>> {
        r.rows_as_strings()
    }

    #[test]
    fn the_seed_query_over_the_first_two_runs() {
        let r = execute(SEED, &seed_source(&RUN_1_AND_2)).unwrap();
        assert_eq!(r.columns, ["device_id", "timestamp", "state"]);
        assert_eq!(rows(&r), [["d001", "1690000000", "on"], ["d002", "1690000060", "off"]]);
    }

    #[test]
    fn the_seed_query_after_a_reset_shows_every_row_twice() {
        let duplicated = [RUN_1_AND_2, RUN_1_AND_2].concat();
        let source = seed_source(&duplicated);
        let r = execute(SEED, &source).unwrap();
        assert_eq!(r.batch.num_rows(), 4);
        assert_eq!(rows(&r)[2], ["d001", "1690000000", "on"]);

        let sql = r#"SELECT device_id, count(*) FROM "devices_data_analystics"."devices_integrated_data"
                     GROUP BY device_id ORDER BY device_id"#;
        let r = execute(sql, &source).unwrap();
        assert_eq!(r.columns, ["device_id", "_col1"]);
        assert_eq!(rows(&r), [["d001", "2"], ["d002", "2"]]);

        let sql = "SELECT DISTINCT * FROM devices_data_analystics.devices_integrated_data";
        assert_eq!(execute(sql, &source).unwrap().batch.num_rows(), 2);
    }

    #[test]
    fn the_seed_table_prints_as_a_box() {
        let r = execute(SEED, &seed_source(&RUN_1_AND_2)).unwrap();
        let expected = "\
+-----------+------------+-------+
| device_id | timestamp  | state |
+-----------+------------+-------+
| d001      | 1690000000 | on    |
| d002      | 1690000060 | off   |
+-----------+------------+-------+
";
        assert_eq!(r.to_ascii_table(), expected);
    }

    #[test]
    fn errors_carry_athena_codes_and_positions() {
        let source = seed_source(&RUN_1_AND_2);
        let err = |sql: &str| execute(sql, &source).unwrap_err();
        assert_eq!(
            err(r#"SELECT foo FROM "devices_data_analystics"."devices_integrated_data""#),
            Error::InvalidInput("COLUMN_NOT_FOUND: line 1:8: Column 'foo' cannot be resolved".into())
        );
        assert_eq!(
            err(r#"SELECT * FROM "devices_data_analystics"."nope""#),
            Error::InvalidInput(
                "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.devices_data_analystics.nope' does not exist".into()
            )
        );
        let e = err("SELECT * FROM devices_integrated_data WHERE state = 'on' AND\n  timestamp >").to_string();
        assert!(e.starts_with("InvalidInputException: SYNTAX_ERROR: line 2:"), "{e}");
        let e = err("SELECT * FROM devices_integrated_data\nWHERE bogus = 1").to_string();
        assert!(
            e.contains("COLUMN_NOT_FOUND: line 2:7: Column 'bogus' cannot be resolved"),
            "{e}"
        );
        let e = err("SELECT * FROM a JOIN b USING (x)").to_string();
        assert!(e.contains("NOT_SUPPORTED: line 1:22: JOIN ... USING"), "{e}");
    }

    #[test]
    fn other_source_errors_pass_through() {
        struct Broken;
        impl TableSource for Broken {
            fn table(&self, _: Option<&str>, _: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
                Err(Error::Arrow("disk on fire".into()))
            }
        }
        assert_eq!(
            execute("SELECT * FROM t", &Broken).unwrap_err(),
            Error::Arrow("disk on fire".into())
        );
    }

    #[test]
    fn names_reach_the_source_lowercased() {
        let source = MemSource::one("db", "t", devices(&RUN_1_AND_2));
        assert!(execute(r#"SELECT * FROM "DB"."T""#, &source).is_ok());
        assert!(execute("SELECT * FROM T", &source).is_ok());
    }

    #[test]
    fn predicate_masks_for_filter_transforms() {
        let batch = devices(&RUN_1_AND_2);
        let mask = predicate_mask(&batch, "state = 'on' AND timestamp > 1609348014").unwrap();
        assert_eq!(mask.iter().collect::<Vec<_>>(), [Some(true), Some(false)]);
        let mask = predicate_mask(&batch, "state = NULL").unwrap();
        assert_eq!(mask.iter().collect::<Vec<_>>(), [None, None]);
        let e = predicate_mask(&batch, "timestamp + 1").unwrap_err().to_string();
        assert!(
            e.contains("Filter clause must evaluate to a boolean: actual type bigint"),
            "{e}"
        );
        let e = predicate_mask(&batch, "nope > 1").unwrap_err().to_string();
        assert!(
            e.contains("COLUMN_NOT_FOUND: line 1:1: Column 'nope' cannot be resolved"),
            "{e}"
        );
    }

    #[test]
    fn expressions_derive_columns_for_map_transforms() {
        let batch = devices(&RUN_1_AND_2);
        let strings = |expr: &str| -> Vec<Option<String>> {
            let a = evaluate_expression(&batch, expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
            let a = crate::arrow::compute::cast(&a, &DataType::Utf8).unwrap();
            a.as_any()
                .downcast_ref::<crate::arrow::array::StringArray>()
                .unwrap()
                .iter()
                .map(|v| v.map(str::to_string))
                .collect()
        };
        assert_eq!(strings("upper(device_id)"), [Some("D001".into()), Some("D002".into())]);
        assert_eq!(
            strings("date_format(from_unixtime(timestamp), 'yyyy-MM')"),
            [Some("2023-07".into()), Some("2023-07".into())]
        );
        assert_eq!(
            strings("CASE state WHEN 'on' THEN 1 ELSE 0 END"),
            [Some("1".into()), Some("0".into())]
        );
        assert_eq!(strings("'x'"), [Some("x".into()), Some("x".into())]);
        let mask = predicate_mask(&batch, "length(device_id) = 4 AND upper(state) = 'ON'").unwrap();
        assert_eq!(mask.iter().collect::<Vec<_>>(), [Some(true), Some(false)]);
        let e = evaluate_expression(&batch, "state ||\n  lenght(state)")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("FUNCTION_NOT_FOUND: line 2:3: Function 'lenght' not registered (did you mean length?)"),
            "{e}"
        );
    }

    fn ints(values: &[Option<i64>]) -> MemSource {
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, true)]));
        let column: ArrayRef = Arc::new(Int64Array::from(values.to_vec()));
        MemSource::one("db", "t", RecordBatch::try_new(schema, vec![column]).unwrap())
    }

    proptest! {
        /// `WHERE x > k` + `count(*)` agrees with a plain Rust filter (NULLs never pass).
        #[test]
        fn count_where_greater_matches_a_rust_filter(
            values in prop::collection::vec(prop::option::weighted(0.9, -50i64..50), 0..60),
            k in -60i64..60,
        ) {
            let r = execute(&format!("SELECT count(*) FROM db.t WHERE x > {k}"), &ints(&values)).unwrap();
            let expected = values.iter().filter(|v| v.is_some_and(|v| v > k)).count();
            prop_assert_eq!(rows(&r), vec![vec![expected.to_string()]]);
        }
    }
}
