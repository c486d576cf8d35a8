//! Expressions of statements parsed elsewhere: the warehouse's `INSERT ... VALUES`,
//! `UPDATE ... SET ... WHERE` and `DELETE ... WHERE`.
//!
//! They are lowered from sqlparser's AST into the engine's own tree once, and evaluated over
//! Arrow batches like a query's expressions: never printed back to SQL text and parsed again,
//! so positions in errors point into the statement the user wrote.

use std::sync::Arc;

use crate::arrow::array::{ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions};
use crate::arrow::datatypes::Schema;
use sqlparser::ast;

use super::eval::{self, Columns, Scope};
use super::parse::lower_statement_expr;
use super::plan::Expr;
use crate::error::Result;

/// A scalar expression over one table's rows.
#[derive(Debug, Clone)]
pub(crate) struct ScalarExpr {
    expr: Expr,
}

impl ScalarExpr {
    /// Lowers `e`; columns may be qualified with any of `qualifiers` (`["hr", "employees"]`).
    /// `clause` (`WHERE`, `SET`) names the clause when an aggregate is refused.
    pub fn lower(e: &ast::Expr, qualifiers: Vec<Vec<String>>, clause: &str) -> Result<Self> {
        Ok(ScalarExpr {
            expr: lower_statement_expr(e, qualifiers, clause)?,
        })
    }

    /// Where the predicate holds, row by row: NULL where it is unknown (SQL's three-valued
    /// logic), which a statement treats like `false`.
    pub fn mask(&self, batch: &RecordBatch, clause: &str) -> Result<BooleanArray> {
        let columns = Columns::new(batch.schema_ref());
        eval::predicate(
            &self.expr,
            &Scope::Rows {
                batch,
                columns: &columns,
            },
            clause,
        )
    }

    /// The value for every row of `batch`.
    pub fn evaluate(&self, batch: &RecordBatch) -> Result<ArrayRef> {
        let columns = Columns::new(batch.schema_ref());
        eval::eval(
            &self.expr,
            &Scope::Rows {
                batch,
                columns: &columns,
            },
        )?
        .into_array(batch.num_rows())
    }

    /// The value of an expression that names no column (an `INSERT ... VALUES` item), as a
    /// one-element array; naming a column is `COLUMN_NOT_FOUND`.
    pub fn constant(&self) -> Result<ArrayRef> {
        let options = RecordBatchOptions::new().with_row_count(Some(1));
        let one_row = RecordBatch::try_new_with_options(Arc::new(Schema::empty()), vec![], &options)?;
        self.evaluate(&one_row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow::array::{Array, Int64Array, StringArray};
    use crate::arrow::datatypes::{DataType, Field};
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn where_clause(sql: &str) -> ast::Expr {
        let statement = Parser::parse_sql(&PostgreSqlDialect {}, sql).unwrap().remove(0);
        match statement {
            ast::Statement::Delete(d) => d.selection.unwrap(),
            other => panic!("{other}"),
        }
    }

    fn batch() -> RecordBatch {
        let schema = Schema::new(vec![
            Field::new("id", DataType::Int64, true),
            Field::new("name", DataType::Utf8, true),
        ]);
        RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(Int64Array::from(vec![Some(1), None, Some(3)])),
                Arc::new(StringArray::from(vec![Some("a"), Some("b"), None])),
            ],
        )
        .unwrap()
    }

    fn qualifiers() -> Vec<Vec<String>> {
        vec![vec!["t".into()], vec!["public".into(), "t".into()]]
    }

    fn mask(sql: &str) -> Vec<Option<bool>> {
        let e = ScalarExpr::lower(&where_clause(sql), qualifiers(), "WHERE").unwrap();
        e.mask(&batch(), "WHERE").unwrap().iter().collect()
    }

    #[test]
    fn where_clauses_follow_three_valued_logic() {
        assert_eq!(mask("DELETE FROM t WHERE id > 1"), [Some(false), None, Some(true)]);
        assert_eq!(mask("DELETE FROM t WHERE NOT id > 1"), [Some(true), None, Some(false)]);
        // Kleene: unknown OR true is true, unknown AND false is false.
        assert_eq!(
            mask("DELETE FROM t WHERE id > 1 OR name = 'b'"),
            [Some(false), Some(true), Some(true)]
        );
        assert_eq!(
            mask("DELETE FROM t WHERE id > 1 AND name = 'a'"),
            [Some(false), Some(false), None]
        );
        assert_eq!(mask("DELETE FROM t WHERE id = NULL"), [None, None, None]);
        assert_eq!(
            mask("DELETE FROM t WHERE id IS NULL"),
            [Some(false), Some(true), Some(false)]
        );
        assert_eq!(mask("DELETE FROM t WHERE t.id = 1"), [Some(true), None, Some(false)]);
        assert_eq!(
            mask("DELETE FROM t WHERE public.t.id = 1"),
            [Some(true), None, Some(false)]
        );
    }

    #[test]
    fn errors_point_into_the_statement() {
        let e = ScalarExpr::lower(
            &where_clause("DELETE FROM t\nWHERE other.id = 1"),
            qualifiers(),
            "WHERE",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("COLUMN_NOT_FOUND: line 2:7: Column 'other.id' cannot be resolved"),
            "{e}"
        );
        let e = ScalarExpr::lower(&where_clause("DELETE FROM t WHERE count(*) > 1"), qualifiers(), "WHERE")
            .unwrap_err()
            .to_string();
        assert!(e.contains("WHERE clause cannot contain aggregations"), "{e}");
        let e = ScalarExpr::lower(&where_clause("DELETE FROM t WHERE id + 1"), qualifiers(), "WHERE")
            .unwrap()
            .mask(&batch(), "WHERE")
            .unwrap_err()
            .to_string();
        assert!(e.contains("WHERE clause must evaluate to a boolean"), "{e}");
    }

    #[test]
    fn constants_name_no_column() {
        let e = ScalarExpr::lower(&where_clause("DELETE FROM t WHERE -2 * 3"), vec![], "VALUES").unwrap();
        let a = e.constant().unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a.as_any().downcast_ref::<Int64Array>().unwrap().value(0), -6);
        let e = ScalarExpr::lower(&where_clause("DELETE FROM t WHERE id"), vec![], "VALUES").unwrap();
        assert!(e.constant().unwrap_err().to_string().contains("COLUMN_NOT_FOUND"));
    }
}
