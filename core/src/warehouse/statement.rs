//! SQL statements that change the warehouse: `CREATE TABLE`, `DROP TABLE`, `TRUNCATE`,
//! `INSERT ... VALUES`, `UPDATE ... SET ... WHERE`, `DELETE ... WHERE`.
//!
//! Values, `SET` expressions and `WHERE` clauses are lowered from sqlparser's AST into the query
//! engine's expressions ([`ScalarExpr`]) and evaluated over the table's batch, then stored by
//! the assignment rule (`assign`). A statement is checked whole before the table changes, so a
//! refused statement leaves it as it was.

use crate::arrow::array::{new_empty_array, new_null_array, Array, ArrayRef, BooleanArray, RecordBatch};
use crate::arrow::compute::{concat, filter_record_batch, interleave};
use sqlparser::ast::{self, Statement};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::assign::{assign, Refused};
use super::{normalise_name, Warehouse, WarehouseTable};
use crate::error::{Error, Result};
use crate::model::catalog::Column;
use crate::model::clock::Millis;
use crate::query::ScalarExpr;

/// What a statement did, as a query editor reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum StatementOutcome {
    Created {
        table: String,
    },
    Dropped {
        table: String,
    },
    /// Rows inserted, updated, deleted or truncated.
    RowsAffected {
        verb: &'static str,
        table: String,
        rows: usize,
    },
}

impl std::fmt::Display for StatementOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatementOutcome::Created { table } => write!(f, "CREATE TABLE {table}"),
            StatementOutcome::Dropped { table } => write!(f, "DROP TABLE {table}"),
            StatementOutcome::RowsAffected { verb, table, rows } => write!(f, "{verb} {rows} row(s) in {table}"),
        }
    }
}

impl Warehouse {
    /// Runs one SQL statement that changes the warehouse. `SELECT` goes through
    /// `Workspace::query`, which sees warehouse tables too.
    pub fn execute(&mut self, sql: &str, at: Millis) -> Result<StatementOutcome> {
        crate::query::check_operator_count(sql, &PostgreSqlDialect {})?;
        let statements = Parser::parse_sql(&PostgreSqlDialect {}, sql)
            .map_err(|e| Error::InvalidInput(format!("syntax error: {}", strip_sqlparser_prefix(&e.to_string()))))?;
        let [statement] = statements.as_slice() else {
            return Err(Error::InvalidInput(format!(
                "one statement at a time, please ({} given)",
                statements.len()
            )));
        };
        match statement {
            Statement::CreateTable(create) => self.create_statement(create),
            Statement::Drop {
                object_type: ast::ObjectType::Table,
                names,
                if_exists,
                ..
            } => {
                let mut dropped = vec![];
                for n in names {
                    let key = normalise_name(&object_name(n));
                    if self.tables.remove(&key).is_none() && !if_exists {
                        return Err(Error::EntityNotFound(format!("relation \"{key}\" does not exist")));
                    }
                    dropped.push(key);
                }
                Ok(StatementOutcome::Dropped {
                    table: dropped.join(", "),
                })
            }
            Statement::Truncate(truncate) => {
                let mut rows = 0;
                let mut names = vec![];
                for target in &truncate.table_names {
                    let t = self.table_mut(&object_name(&target.name))?;
                    rows += t.truncate();
                    names.push(t.name.clone());
                }
                Ok(StatementOutcome::RowsAffected {
                    verb: "TRUNCATE",
                    table: names.join(", "),
                    rows,
                })
            }
            Statement::Insert(insert) => self.insert_statement(insert, at),
            Statement::Update(update) => self.update_statement(update, at),
            Statement::Delete(delete) => self.delete_statement(delete),
            other => Err(Error::InvalidInput(format!(
                "the warehouse runs CREATE TABLE, DROP TABLE, INSERT, UPDATE, DELETE and TRUNCATE; not: {}",
                first_words(&other.to_string())
            ))),
        }
    }

    fn create_statement(&mut self, create: &ast::CreateTable) -> Result<StatementOutcome> {
        let name = object_name(&create.name);
        let mut primary_key = vec![];
        let mut columns = vec![];
        for c in &create.columns {
            columns.push(Column::new(
                c.name.value.clone(),
                sql_type_to_glue(&c.data_type.to_string())?,
            ));
            if c.options
                .iter()
                .any(|o| matches!(o.option, ast::ColumnOption::PrimaryKey(_)))
            {
                primary_key.push(c.name.value.clone());
            }
        }
        for constraint in &create.constraints {
            if let ast::TableConstraint::PrimaryKey(pk) = constraint {
                primary_key.extend(pk.columns.iter().map(|c| c.column.expr.to_string()));
            }
        }
        self.create_table(&name, columns, primary_key)?;
        Ok(StatementOutcome::Created {
            table: normalise_name(&name),
        })
    }

    fn insert_statement(&mut self, insert: &ast::Insert, at: Millis) -> Result<StatementOutcome> {
        let ast::TableObject::TableName(name) = &insert.table else {
            return Err(Error::InvalidInput("INSERT needs a table name".into()));
        };
        let t = self.table_mut(&object_name(name))?;
        let key = t.name.clone();
        let targets: Vec<usize> = if insert.columns.is_empty() {
            (0..t.columns.len()).collect()
        } else {
            insert
                .columns
                .iter()
                .map(|c| {
                    let c = object_name(c);
                    t.columns.iter().position(|col| col.name == c).ok_or_else(|| {
                        Error::InvalidInput(format!("column \"{c}\" of relation \"{key}\" does not exist"))
                    })
                })
                .collect::<Result<_>>()?
        };
        let values = match insert.source.as_deref().map(|q| q.body.as_ref()) {
            Some(ast::SetExpr::Values(values)) => values,
            _ => {
                return Err(Error::InvalidInput(
                    "INSERT ... VALUES (...) is the form the warehouse runs".into(),
                ))
            }
        };
        let incoming = values_batch(t, &values.rows, &targets)?;
        let count = incoming.num_rows();
        t.append(&incoming, at)?;
        Ok(StatementOutcome::RowsAffected {
            verb: "INSERT",
            table: key,
            rows: count,
        })
    }

    fn update_statement(&mut self, update: &ast::Update, at: Millis) -> Result<StatementOutcome> {
        let ast::TableFactor::Table { name, alias, .. } = &update.table.relation else {
            return Err(Error::InvalidInput("UPDATE needs a table name".into()));
        };
        let t = self.table_mut(&object_name(name))?;
        let key = t.name.clone();
        let qualifiers = qualifiers(t, name, alias.as_ref());
        let selected = where_mask(t, update.selection.as_ref(), qualifiers.clone())?;
        let matched = filter_record_batch(&t.batch, &selected)?;
        let schema = t.schema();
        // Every `SET` sees the row as it was before the statement, as in SQL.
        let mut assignments: Vec<(usize, ArrayRef)> = vec![];
        for a in &update.assignments {
            let ast::AssignmentTarget::ColumnName(c) = &a.target else {
                return Err(Error::InvalidInput(
                    "UPDATE ... SET column = value, one column at a time".into(),
                ));
            };
            let c = object_name(c);
            let index =
                t.columns.iter().position(|col| col.name == c).ok_or_else(|| {
                    Error::InvalidInput(format!("column \"{c}\" of relation \"{key}\" does not exist"))
                })?;
            let value = ScalarExpr::lower(&a.value, qualifiers.clone(), "SET")
                .and_then(|e| e.evaluate(&matched))
                .map_err(|e| in_context(e, &format!("UPDATE {key}, column \"{c}\"")))?;
            let stored = assign(&value, schema.field(index).data_type(), &t.columns[index].glue_type)
                .map_err(|r| refused(t, &format!("UPDATE row {}", r.row + 1), index, r))?;
            assignments.push((index, stored));
        }
        // Row j of the table takes row k of the new values when it is the k-th one matched.
        let mut picks = vec![];
        let mut rows = t.rows.clone();
        let mut k = 0;
        for (j, row) in rows.iter_mut().enumerate() {
            if is_true(&selected, j) {
                picks.push((1, k));
                k += 1;
                row.version += 1;
                row.updated_at = at;
            } else {
                picks.push((0, j));
            }
        }
        let mut columns = t.batch.columns().to_vec();
        for (index, stored) in assignments {
            columns[index] = interleave(&[columns[index].as_ref(), stored.as_ref()], &picks)?;
        }
        t.replace(columns, rows)?;
        Ok(StatementOutcome::RowsAffected {
            verb: "UPDATE",
            table: key,
            rows: k,
        })
    }

    fn delete_statement(&mut self, delete: &ast::Delete) -> Result<StatementOutcome> {
        let tables = match &delete.from {
            ast::FromTable::WithFromKeyword(t) | ast::FromTable::WithoutKeyword(t) => t,
        };
        let [table] = tables.as_slice() else {
            return Err(Error::InvalidInput("DELETE FROM one table".into()));
        };
        let ast::TableFactor::Table { name, alias, .. } = &table.relation else {
            return Err(Error::InvalidInput("DELETE needs a table name".into()));
        };
        let t = self.table_mut(&object_name(name))?;
        let qualifiers = qualifiers(t, name, alias.as_ref());
        let selected = where_mask(t, delete.selection.as_ref(), qualifiers)?;
        let deleted = (0..selected.len()).filter(|&i| is_true(&selected, i)).count();
        // NULL (unknown) keeps the row, as `false` does.
        let keep: BooleanArray = selected.iter().map(|v| Some(v != Some(true))).collect();
        t.retain(&keep)?;
        Ok(StatementOutcome::RowsAffected {
            verb: "DELETE",
            table: t.name.clone(),
            rows: deleted,
        })
    }
}

/// `VALUES` rows as a batch of the table's columns (the ones not named NULL), each value
/// stored by the assignment rule; cell by cell, row by row, so the first refused value is the
/// one reported.
fn values_batch(t: &WarehouseTable, rows: &[ast::Parens<Vec<ast::Expr>>], targets: &[usize]) -> Result<RecordBatch> {
    let schema = t.schema();
    let mut cells: Vec<Vec<ArrayRef>> = vec![vec![]; t.columns.len()];
    for (i, tuple) in rows.iter().enumerate() {
        if tuple.len() != targets.len() {
            return Err(Error::InvalidInput(format!(
                "INSERT into {}, row {}: {} value(s) for {} column(s)",
                t.name,
                i + 1,
                tuple.len(),
                targets.len()
            )));
        }
        let mut row: Vec<Option<&ast::Expr>> = vec![None; t.columns.len()];
        for (expr, &target) in tuple.iter().zip(targets) {
            row[target] = Some(expr);
        }
        for (c, expr) in row.into_iter().enumerate() {
            let (column, data_type) = (&t.columns[c], schema.field(c).data_type());
            let value = match expr {
                None => new_null_array(data_type, 1),
                Some(e) => ScalarExpr::lower(e, vec![], "VALUES")
                    .and_then(|e| e.constant())
                    .map_err(|e| {
                        let at = format!("INSERT into {}, row {}, column \"{}\"", t.name, i + 1, column.name);
                        in_context(e, &at)
                    })?,
            };
            let stored = assign(&value, data_type, &column.glue_type)
                .map_err(|r| refused(t, &format!("INSERT row {}", i + 1), c, r))?;
            cells[c].push(stored);
        }
    }
    let columns = cells
        .iter()
        .zip(schema.fields())
        .map(|(column, field)| {
            let parts: Vec<&dyn Array> = column.iter().map(|a| a.as_ref()).collect();
            Ok(if parts.is_empty() {
                new_empty_array(field.data_type())
            } else {
                concat(&parts)?
            })
        })
        .collect::<Result<Vec<_>>>()?;
    super::batch_of(schema, columns, rows.len())
}

/// Where the `WHERE` clause holds (every row without one): true, false or NULL (unknown) per row.
fn where_mask(t: &WarehouseTable, selection: Option<&ast::Expr>, qualifiers: Vec<Vec<String>>) -> Result<BooleanArray> {
    match selection {
        None => Ok(BooleanArray::from(vec![true; t.num_rows()])),
        Some(e) => ScalarExpr::lower(e, qualifiers, "WHERE")?.mask(&t.batch, "WHERE"),
    }
}

fn is_true(mask: &BooleanArray, i: usize) -> bool {
    mask.is_valid(i) && mask.value(i)
}

/// The names a statement's columns may be qualified with: the table as written, its full
/// `schema.table` name and its alias.
fn qualifiers(t: &WarehouseTable, name: &ast::ObjectName, alias: Option<&ast::TableAlias>) -> Vec<Vec<String>> {
    let full: Vec<String> = t.name.split('.').map(str::to_string).collect();
    let mut q = vec![object_name(name).split('.').map(str::to_string).collect(), full.clone()];
    q.extend(full.last().map(|table| vec![table.clone()]));
    q.extend(alias.map(|a| vec![a.name.value.to_ascii_lowercase()]));
    q
}

/// `table: what, column "c" (type): why`, the shape every refused value is reported in.
fn refused(t: &WarehouseTable, what: &str, column: usize, r: Refused) -> Error {
    let c = &t.columns[column];
    Error::InvalidInput(format!(
        "{}: {what}, column \"{}\" ({}): {}",
        t.name, c.name, c.glue_type, r.message
    ))
}

/// Puts `context: ` before an input error's message.
fn in_context(e: Error, context: &str) -> Error {
    match e {
        Error::InvalidInput(m) => Error::InvalidInput(format!("{context}: {m}")),
        other => other,
    }
}

/// Glue's name for a SQL column type (`VARCHAR(20)` → `string`, `INTEGER` → `int`).
fn sql_type_to_glue(sql_type: &str) -> Result<String> {
    let t = sql_type.to_ascii_lowercase();
    let base = t.split('(').next().unwrap_or("").trim();
    Ok(match base {
        "int" | "integer" | "int4" => "int".into(),
        "bigint" | "int8" => "bigint".into(),
        "smallint" | "int2" => "smallint".into(),
        "varchar" | "character varying" | "text" | "char" | "character" | "string" | "nvarchar" | "bpchar" => {
            "string".into()
        }
        "boolean" | "bool" => "boolean".into(),
        "double" | "double precision" | "float" | "float8" | "real" | "float4" => "double".into(),
        "decimal" | "numeric" => t.replacen("numeric", "decimal", 1).replace(' ', ""),
        "date" => "date".into(),
        "timestamp" | "timestamp without time zone" => "timestamp".into(),
        _ => {
            return Err(Error::InvalidInput(format!(
                "type {sql_type} is not one the warehouse models (int, bigint, smallint, varchar, boolean, double, decimal, date, timestamp)"
            )))
        }
    })
}

fn object_name(name: &ast::ObjectName) -> String {
    name.0
        .iter()
        .map(|p| p.to_string().trim_matches('"').to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(".")
}

fn first_words(sql: &str) -> String {
    sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

fn strip_sqlparser_prefix(message: &str) -> &str {
    message.strip_prefix("sql parser error: ").unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warehouse::KeyValue;

    fn employees() -> Warehouse {
        let mut w = Warehouse::default();
        w.execute(
            "CREATE TABLE employees (empno INT PRIMARY KEY, name VARCHAR(40), hired DATE, salary DECIMAL(10,2))",
            1,
        )
        .unwrap();
        w
    }

    fn cell(w: &Warehouse, row: usize, column: usize) -> KeyValue {
        let t = w.table("employees").unwrap();
        KeyValue::of(t.batch().column(column).as_ref(), row).unwrap()
    }

    #[test]
    fn create_insert_update_delete_through_sql() {
        let mut w = employees();
        let t = w.table("public.employees").unwrap();
        assert_eq!(t.primary_key, ["empno"]);
        assert_eq!(t.columns[3].glue_type, "decimal(10,2)");
        let outcome = w
            .execute(
                "INSERT INTO employees VALUES (1, 'Ana', '2024-01-15', 100.5), (2, 'Bo', NULL, -3)",
                2,
            )
            .unwrap();
        assert_eq!(outcome.to_string(), "INSERT 2 row(s) in public.employees");
        w.execute("UPDATE employees SET name = 'Bob' WHERE empno = 2", 3)
            .unwrap();
        assert_eq!(cell(&w, 1, 1), KeyValue::Text("Bob".into()));
        let t = w.table("employees").unwrap();
        assert_eq!((t.rows()[1].version, t.rows()[1].updated_at), (2, 3));
        assert_eq!(t.rows()[0].version, 1);
        assert_eq!(t.batch().num_rows(), 2);
        w.execute("DELETE FROM employees WHERE name LIKE 'A%'", 4).unwrap();
        assert_eq!(w.table("employees").unwrap().rows().len(), 1);
        w.execute("TRUNCATE employees", 5).unwrap();
        assert!(w.table("employees").unwrap().rows().is_empty());
    }

    #[test]
    fn bad_statements_name_the_table_row_and_column() {
        let mut w = employees();
        let e = w
            .execute("INSERT INTO employees VALUES ('x', 'Ana', NULL, 1)", 2)
            .unwrap_err();
        assert!(e.to_string().contains("INSERT row 1, column \"empno\" (int)"), "{e}");
        let e = w
            .execute("INSERT INTO employees (empno, nope) VALUES (1, 2)", 2)
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("column \"nope\" of relation \"public.employees\""),
            "{e}"
        );
        let e = w
            .execute("INSERT INTO employees VALUES (1, 'a', '2024-13-45', 1)", 2)
            .unwrap_err();
        assert!(e.to_string().contains("column \"hired\""), "{e}");
        let e = w.execute("SELEC 1", 2).unwrap_err();
        assert!(e.to_string().starts_with("InvalidInputException: syntax error"), "{e}");
        let e = w.execute("INSERT INTO missing VALUES (1)", 2).unwrap_err();
        assert!(
            e.to_string().contains("relation \"public.missing\" does not exist"),
            "{e}"
        );
        let e = w.execute("CREATE TABLE t (a BLOB)", 2).unwrap_err();
        assert!(e.to_string().contains("type BLOB"), "{e}");
        // Nothing half-done: the failed statements left the table empty.
        assert!(w.table("employees").unwrap().rows().is_empty());
    }

    #[test]
    fn unknown_where_rows_are_neither_updated_nor_deleted() {
        let mut w = employees();
        w.execute(
            "INSERT INTO employees VALUES (1, 'Ana', NULL, 10), (2, NULL, NULL, 20), (3, 'Cy', NULL, NULL)",
            2,
        )
        .unwrap();
        // name <> 'Ana' is unknown for row 2 (NULL name): only row 3 is updated.
        let outcome = w
            .execute("UPDATE employees SET salary = 0 WHERE name <> 'Ana'", 3)
            .unwrap();
        assert_eq!(outcome.to_string(), "UPDATE 1 row(s) in public.employees");
        let versions: Vec<u64> = w.table("employees").unwrap().rows().iter().map(|r| r.version).collect();
        assert_eq!(versions, [1, 1, 2]);
        // NOT (unknown) is still unknown: row 2 is kept.
        let outcome = w.execute("DELETE FROM employees WHERE NOT (name = 'Ana')", 4).unwrap();
        assert_eq!(outcome.to_string(), "DELETE 1 row(s) in public.employees");
        let ids: Vec<u64> = w.table("employees").unwrap().rows().iter().map(|r| r.id).collect();
        assert_eq!(ids, [1, 2]);
        // Unknown OR true is true: both remaining rows go.
        let outcome = w
            .execute("DELETE FROM employees WHERE salary > 15 OR employees.empno >= 1", 5)
            .unwrap();
        assert_eq!(outcome.to_string(), "DELETE 2 row(s) in public.employees");
    }

    #[test]
    fn set_expressions_see_the_row_before_the_statement() {
        let mut w = employees();
        w.execute(
            "INSERT INTO employees VALUES (1, 'Ana', NULL, 10), (2, 'Bo', NULL, 20)",
            2,
        )
        .unwrap();
        w.execute(
            "UPDATE employees e SET salary = e.salary * 2, name = upper(name) || '!' WHERE empno = 2",
            3,
        )
        .unwrap();
        assert_eq!(cell(&w, 1, 3).to_string(), "40.00");
        assert_eq!(cell(&w, 1, 1), KeyValue::Text("BO!".into()));
        assert_eq!(cell(&w, 0, 3).to_string(), "10.00");
        let e = w
            .execute("UPDATE employees SET empno = name WHERE empno = 1", 4)
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("UPDATE row 1, column \"empno\" (int): \"Ana\" is not a valid int"),
            "{e}"
        );
        let e = w
            .execute("UPDATE employees SET salary = 1 WHERE nope = 1", 4)
            .unwrap_err();
        assert!(
            e.to_string().contains("COLUMN_NOT_FOUND: line 1:39: Column 'nope'"),
            "{e}"
        );
    }
}
