//! The simulated warehouse: a JDBC database (Redshift-like) of tables in memory.
//!
//! Jobs read its tables as JDBC sources, whose bookmarks track *keys*, not files
//! (`jobBookmarkKeys`, GLUE-SEMANTICS §2), and write to them as JDBC sinks. Users change it with
//! plain SQL (`CREATE TABLE`, `INSERT`, `UPDATE`, `DELETE`, `TRUNCATE`), as they would through a
//! query editor or the Redshift Data API, so that a trainer can show what a key bookmark misses:
//! updated rows and keys that do not grow.
//!
//! Modelled, not verified: like Redshift, primary keys are informational (not enforced), so an
//! appending sink can hold the same key twice. Rows keep an identity, a version (bumped by
//! `UPDATE`) and, when a job wrote them, the run and source line they came from: lineage needs it.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::{Array, RecordBatch};
use arrow::datatypes::{Field, Schema, SchemaRef};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlparser::ast::{self, Statement};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::catalog::Column;
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::format::types::{glue_type_name, parse_glue_type};
use crate::format::{self, CsvOptions, Format, ReadOptions};
use crate::lineage::{mark_duplicates, SinkRow};
use crate::transform::{Frame, RowOrigin};

/// Tables by lower-case `schema.table` name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Warehouse {
    pub tables: BTreeMap<String, WarehouseTable>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarehouseTable {
    /// `schema.table`, lower case (`public.employees`).
    pub name: String,
    pub columns: Vec<Column>,
    /// Declared, not enforced (Redshift's rule). The default JDBC bookmark key.
    pub primary_key: Vec<String>,
    pub rows: Vec<WarehouseRow>,
    /// The last row id given out: ids count per table and are never reused, even after a
    /// `DELETE`, so a row's read history stays its own.
    #[serde(default)]
    pub last_row_id: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WarehouseRow {
    /// Identity in the table, in insertion order (1, 2, ...); never reused.
    pub id: u64,
    /// 1 when inserted, +1 per `UPDATE` that touches it.
    pub version: u64,
    pub values: Vec<Value>,
    pub inserted_at: Millis,
    pub updated_at: Millis,
    /// The run that wrote the row, when a job's sink did.
    pub written_by: Option<String>,
    /// The source object and line the row came from, when a job's sink wrote it.
    pub origin: Option<RowOrigin>,
}

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

/// The address a warehouse row has in lineage (`RowOrigin::source`, verdicts, read history).
pub fn row_address(table: &str, row_id: u64) -> String {
    format!("jdbc:{table}#{row_id}")
}

/// The address of a table as a whole (`RowOrigin::source` of rows read from it).
pub fn table_address(table: &str) -> String {
    format!("jdbc:{table}")
}

/// `public.employees` for `employees` or `Public.Employees`: Redshift folds unquoted names.
pub fn normalise_name(name: &str) -> String {
    let name = name.trim().to_ascii_lowercase();
    if name.contains('.') {
        name
    } else {
        format!("public.{name}")
    }
}

impl Warehouse {
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    pub fn table(&self, name: &str) -> Result<&WarehouseTable> {
        let key = normalise_name(name);
        self.tables
            .get(&key)
            .ok_or_else(|| Error::EntityNotFound(format!("relation \"{key}\" does not exist in the warehouse")))
    }

    fn table_mut(&mut self, name: &str) -> Result<&mut WarehouseTable> {
        let key = normalise_name(name);
        self.tables
            .get_mut(&key)
            .ok_or_else(|| Error::EntityNotFound(format!("relation \"{key}\" does not exist in the warehouse")))
    }

    /// Creates an empty table; every column type must be a Glue type gluelab knows.
    pub fn create_table(&mut self, name: &str, columns: Vec<Column>, primary_key: Vec<String>) -> Result<()> {
        let key = normalise_name(name);
        if self.tables.contains_key(&key) {
            return Err(Error::AlreadyExists(format!("relation \"{key}\" already exists")));
        }
        for c in &columns {
            parse_glue_type(&c.glue_type)
                .map_err(|e| Error::InvalidInput(format!("table {key}, column {}: {e}", c.name)))?;
        }
        let columns: Vec<Column> = columns
            .into_iter()
            .map(|c| Column::new(c.name.to_ascii_lowercase(), c.glue_type))
            .collect();
        let primary_key: Vec<String> = primary_key.iter().map(|k| k.to_ascii_lowercase()).collect();
        for k in &primary_key {
            if !columns.iter().any(|c| &c.name == k) {
                return Err(Error::InvalidInput(format!(
                    "table {key}: primary key column \"{k}\" is not one of its columns"
                )));
            }
        }
        self.tables.insert(
            key.clone(),
            WarehouseTable {
                name: key,
                columns,
                primary_key,
                rows: vec![],
                last_row_id: 0,
            },
        );
        Ok(())
    }

    /// Appends rows given as values in column order (already checked against the types).
    fn push_rows(&mut self, table: &str, rows: Vec<(Vec<Value>, Option<String>, Option<RowOrigin>)>, at: Millis) {
        let t = self.tables.get_mut(table).expect("checked by the caller");
        for (values, written_by, origin) in rows {
            t.last_row_id += 1;
            t.rows.push(WarehouseRow {
                id: t.last_row_id,
                version: 1,
                values,
                inserted_at: at,
                updated_at: at,
                written_by,
                origin,
            });
        }
    }

    /// Writes a job's frame into `table` (created from the frame's schema if missing), as Glue's
    /// JDBC writer does: columns by name, a column the table lacks is an error. With `merge_keys`,
    /// rows whose keys match an existing row replace it (an upsert); otherwise rows are appended.
    /// Returns how many rows were inserted and how many updated.
    pub fn write_frame(
        &mut self,
        table: &str,
        frame: &Frame,
        run_id: &str,
        merge_keys: Option<&[String]>,
        at: Millis,
    ) -> Result<(usize, usize)> {
        let key = normalise_name(table);
        if !self.tables.contains_key(&key) {
            let columns = frame
                .batch
                .schema()
                .fields()
                .iter()
                .filter(|f| f.name() != format::CORRUPT_RECORD)
                .map(|f| Column::new(f.name().to_ascii_lowercase(), glue_type_name(f.data_type())))
                .collect();
            self.create_table(&key, columns, vec![])?;
        }
        let t = &self.tables[&key];
        for field in frame.batch.schema().fields() {
            let name = field.name().to_ascii_lowercase();
            if name != format::CORRUPT_RECORD && t.column_index(&name).is_none() {
                return Err(Error::InvalidInput(format!(
                    "column \"{name}\" of relation \"{key}\" does not exist"
                )));
            }
        }
        let records = frame_records(&frame.batch)?;
        let rows: Vec<Vec<Value>> = records
            .into_iter()
            .map(|mut record| {
                t.columns
                    .iter()
                    .map(|c| take_case_insensitive(&mut record, &c.name))
                    .collect()
            })
            .collect();
        check_rows(t, &rows, |i| {
            frame
                .origins
                .get(i)
                .map(|o| format!("{}, line {}", o.source, o.line))
                .unwrap_or_default()
        })?;
        let key_positions = match merge_keys {
            Some(keys) => Some(key_positions(t, keys)?),
            None => None,
        };
        let mut inserts = vec![];
        let mut updated = 0;
        let t = self.tables.get_mut(&key).expect("exists");
        for (values, origin) in rows.into_iter().zip(frame.origins.iter()) {
            if let Some(kp) = &key_positions {
                let found = t.rows.iter_mut().find(|r| kp.iter().all(|&k| r.values[k] == values[k]));
                if let Some(row) = found {
                    row.values = values;
                    row.version += 1;
                    row.updated_at = at;
                    row.written_by = Some(run_id.to_string());
                    row.origin = Some(origin.clone());
                    updated += 1;
                    continue;
                }
            }
            inserts.push((values, Some(run_id.to_string()), Some(origin.clone())));
        }
        let inserted = inserts.len();
        self.push_rows(&key, inserts, at);
        Ok((inserted, updated))
    }

    /// Runs one SQL statement that changes the warehouse. `SELECT` goes through
    /// `Workspace::query`, which sees warehouse tables too.
    pub fn execute(&mut self, sql: &str, at: Millis) -> Result<StatementOutcome> {
        let statements = Parser::parse_sql(&PostgreSqlDialect {}, sql)
            .map_err(|e| Error::InvalidInput(format!("syntax error: {}", strip_sqlparser_prefix(&e.to_string()))))?;
        let [statement] = statements.as_slice() else {
            return Err(Error::InvalidInput(format!(
                "one statement at a time, please ({} given)",
                statements.len()
            )));
        };
        match statement {
            Statement::CreateTable(create) => {
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
                    rows += t.rows.len();
                    t.rows.clear();
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

    fn insert_statement(&mut self, insert: &ast::Insert, at: Millis) -> Result<StatementOutcome> {
        let ast::TableObject::TableName(name) = &insert.table else {
            return Err(Error::InvalidInput("INSERT needs a table name".into()));
        };
        let t = self.table(&object_name(name))?;
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
        let mut rows = vec![];
        for (i, tuple) in values.rows.iter().enumerate() {
            if tuple.len() != targets.len() {
                return Err(Error::InvalidInput(format!(
                    "INSERT into {key}, row {}: {} value(s) for {} column(s)",
                    i + 1,
                    tuple.len(),
                    targets.len()
                )));
            }
            let mut row = vec![Value::Null; t.columns.len()];
            for (expr, &target) in tuple.iter().zip(&targets) {
                row[target] = literal(expr).map_err(|message| {
                    Error::InvalidInput(format!(
                        "INSERT into {key}, row {}, column \"{}\": {message}",
                        i + 1,
                        t.columns[target].name
                    ))
                })?;
            }
            rows.push(row);
        }
        check_rows(t, &rows, |i| format!("INSERT row {}", i + 1))?;
        let count = rows.len();
        self.push_rows(&key, rows.into_iter().map(|r| (r, None, None)).collect(), at);
        Ok(StatementOutcome::RowsAffected {
            verb: "INSERT",
            table: key,
            rows: count,
        })
    }

    fn update_statement(&mut self, update: &ast::Update, at: Millis) -> Result<StatementOutcome> {
        let ast::TableFactor::Table { name, .. } = &update.table.relation else {
            return Err(Error::InvalidInput("UPDATE needs a table name".into()));
        };
        let t = self.table(&object_name(name))?;
        let key = t.name.clone();
        let selected = self.selected_rows(t, update.selection.as_ref())?;
        let mut assignments = vec![];
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
            let value = literal(&a.value)
                .map_err(|m| Error::InvalidInput(format!("UPDATE {key}, column \"{c}\": {m} (only literal values)")))?;
            assignments.push((index, value));
        }
        let mut changed: Vec<WarehouseRow> = selected.iter().map(|&i| t.rows[i].clone()).collect();
        for row in &mut changed {
            for (index, value) in &assignments {
                row.values[*index] = value.clone();
            }
        }
        let rows: Vec<Vec<Value>> = changed.iter().map(|r| r.values.clone()).collect();
        check_rows(t, &rows, |i| format!("UPDATE row {}", i + 1))?;
        let t = self.tables.get_mut(&key).expect("exists");
        for (i, mut row) in selected.iter().copied().zip(changed) {
            row.version += 1;
            row.updated_at = at;
            t.rows[i] = row;
        }
        Ok(StatementOutcome::RowsAffected {
            verb: "UPDATE",
            table: key,
            rows: selected.len(),
        })
    }

    fn delete_statement(&mut self, delete: &ast::Delete) -> Result<StatementOutcome> {
        let tables = match &delete.from {
            ast::FromTable::WithFromKeyword(t) | ast::FromTable::WithoutKeyword(t) => t,
        };
        let [table] = tables.as_slice() else {
            return Err(Error::InvalidInput("DELETE FROM one table".into()));
        };
        let ast::TableFactor::Table { name, .. } = &table.relation else {
            return Err(Error::InvalidInput("DELETE needs a table name".into()));
        };
        let t = self.table(&object_name(name))?;
        let key = t.name.clone();
        let selected = self.selected_rows(t, delete.selection.as_ref())?;
        let t = self.tables.get_mut(&key).expect("exists");
        let mut index = 0;
        t.rows.retain(|_| {
            let keep = !selected.contains(&index);
            index += 1;
            keep
        });
        Ok(StatementOutcome::RowsAffected {
            verb: "DELETE",
            table: key,
            rows: selected.len(),
        })
    }

    /// A table's rows as the sink viewer shows them: who wrote each, from which source line,
    /// and whether it duplicates an earlier row (same source line and content).
    pub fn sink_rows(&self, table: &str) -> Result<(Vec<String>, Vec<SinkRow>)> {
        let t = self.table(table)?;
        let batch = t.batch()?;
        let columns = t.columns.iter().map(|c| c.name.clone()).collect();
        let address = table_address(&t.name);
        let mut rows: Vec<SinkRow> = t
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| SinkRow {
                part: address.clone(),
                values: (0..batch.num_columns())
                    .map(|c| crate::transform::cell_text(batch.column(c).as_ref(), i))
                    .collect(),
                written_by: row.written_by.clone(),
                origin: row.origin.clone(),
                duplicate_of: None,
            })
            .collect();
        mark_duplicates(&mut rows);
        Ok((columns, rows))
    }

    /// Row positions where the `WHERE` clause holds (all rows without one), evaluated by the
    /// query engine on the table's batch.
    fn selected_rows(&self, t: &WarehouseTable, selection: Option<&ast::Expr>) -> Result<Vec<usize>> {
        let Some(selection) = selection else {
            return Ok((0..t.rows.len()).collect());
        };
        let batch = t.batch()?;
        let mask = crate::query::predicate_mask(&batch, &selection.to_string())?;
        Ok((0..t.rows.len())
            .filter(|&i| mask.is_valid(i) && mask.value(i))
            .collect())
    }
}

impl WarehouseTable {
    pub fn schema(&self) -> Result<SchemaRef> {
        let fields = self
            .columns
            .iter()
            .map(|c| parse_glue_type(&c.glue_type).map(|t| Field::new(&c.name, t, true)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(Schema::new(fields)))
    }

    /// All rows as one Arrow batch, in insertion order.
    pub fn batch(&self) -> Result<RecordBatch> {
        self.batch_of(self.rows.iter())
    }

    /// Some rows as a frame whose origins point at the rows themselves (`jdbc:table#id`).
    pub fn frame_of<'a>(&self, rows: impl Iterator<Item = &'a WarehouseRow> + Clone) -> Result<Frame> {
        let batch = self.batch_of(rows.clone())?;
        let origins = rows
            .map(|r| RowOrigin {
                source: row_address(&self.name, r.id),
                version: r.version,
                line: r.id,
            })
            .collect();
        Ok(Frame { batch, origins })
    }

    fn batch_of<'a>(&self, rows: impl Iterator<Item = &'a WarehouseRow>) -> Result<RecordBatch> {
        let schema = self.schema()?;
        let mut text = String::new();
        for row in rows {
            let object: serde_json::Map<String, Value> = self
                .columns
                .iter()
                .zip(&row.values)
                .map(|(c, v)| (c.name.clone(), v.clone()))
                .collect();
            text.push_str(&Value::Object(object).to_string());
            text.push('\n');
        }
        if text.is_empty() {
            return Ok(RecordBatch::new_empty(schema));
        }
        let options = ReadOptions {
            format: Format::Json,
            schema: Some(schema.clone()),
            ..Default::default()
        };
        let output = format::read_object(&table_address(&self.name), text.as_bytes(), &options)?;
        Ok(output.batch.project(&(0..schema.fields().len()).collect::<Vec<_>>())?)
    }

    /// The position of a column (names are lower case, as Redshift folds them).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name.eq_ignore_ascii_case(name))
    }
}

fn key_positions(t: &WarehouseTable, keys: &[String]) -> Result<Vec<usize>> {
    keys.iter()
        .map(|k| {
            t.column_index(k).ok_or_else(|| {
                Error::InvalidInput(format!("merge key \"{k}\" is not a column of relation \"{}\"", t.name))
            })
        })
        .collect()
}

/// Checks values against the column types (by reading them back through Arrow), so a bad row
/// is refused before anything is stored. `locate(i)` names row `i` in the error.
fn check_rows(t: &WarehouseTable, rows: &[Vec<Value>], locate: impl Fn(usize) -> String) -> Result<()> {
    for (i, row) in rows.iter().enumerate() {
        for (c, v) in t.columns.iter().zip(row) {
            if let Err(message) = check_value(&c.glue_type, v) {
                return Err(Error::InvalidInput(format!(
                    "{}: {}, column \"{}\" ({}): {message}",
                    t.name,
                    locate(i),
                    c.name,
                    c.glue_type
                )));
            }
        }
    }
    Ok(())
}

fn check_value(glue_type: &str, v: &Value) -> std::result::Result<(), String> {
    let t = glue_type.to_ascii_lowercase();
    let ok = match v {
        Value::Null => true,
        Value::Bool(_) => t == "boolean",
        Value::Number(n) => match t.as_str() {
            "int" | "integer" | "bigint" | "smallint" | "tinyint" => n.is_i64(),
            "string" | "boolean" | "date" | "timestamp" => false,
            _ => true,
        },
        Value::String(s) => match t.as_str() {
            "date" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
            "timestamp" => {
                chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").is_ok()
                    || chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
            }
            _ => t.starts_with("string") || t.starts_with("varchar") || t.starts_with("char"),
        },
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{v} is not a valid {glue_type}"))
    }
}

/// A SQL literal as a JSON value: numbers, 'strings', true/false, NULL, and negative numbers.
fn literal(expr: &ast::Expr) -> std::result::Result<Value, String> {
    match expr {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::Number(n, _) => n
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| n.parse::<f64>().map(Value::from))
                .map_err(|_| format!("{n} is not a number")),
            ast::Value::SingleQuotedString(s) => Ok(Value::String(s.clone())),
            ast::Value::Boolean(b) => Ok(Value::Bool(*b)),
            ast::Value::Null => Ok(Value::Null),
            other => Err(format!("{other} is not a value the warehouse accepts")),
        },
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => match literal(expr)? {
            Value::Number(n) => Ok(n
                .as_i64()
                .map(|i| Value::from(-i))
                .unwrap_or_else(|| Value::from(-n.as_f64().unwrap_or_default()))),
            other => Err(format!("-{other} is not a number")),
        },
        ast::Expr::TypedString(t) => match &t.value.value {
            ast::Value::SingleQuotedString(s) => Ok(Value::String(s.clone())),
            other => Err(format!("{other} is not a value the warehouse accepts")),
        },
        other => Err(format!("{other} is not a literal value")),
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

/// A batch's rows as JSON objects (through the JSON lines writer, so types render as Glue does).
fn frame_records(batch: &RecordBatch) -> Result<Vec<serde_json::Map<String, Value>>> {
    if batch.num_rows() == 0 {
        return Ok(vec![]);
    }
    let body = format::write_batch(batch, Format::Json, &CsvOptions::default())?;
    let text = String::from_utf8(body).map_err(|e| Error::InvalidInput(e.to_string()))?;
    text.lines()
        .map(|line| match serde_json::from_str(line) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(Error::InvalidInput(format!("internal: the JSON writer gave {line}"))),
        })
        .collect()
}

fn take_case_insensitive(record: &mut serde_json::Map<String, Value>, name: &str) -> Value {
    let key = record.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned();
    key.and_then(|k| record.remove(&k)).unwrap_or(Value::Null)
}

/// Orders key tuples as the database would: numbers by value, text by bytes, NULL first.
pub fn compare_keys(a: &[Value], b: &[Value]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = compare_values(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => x
                .as_f64()
                .unwrap_or_default()
                .partial_cmp(&y.as_f64().unwrap_or_default())
                .unwrap_or(Ordering::Equal),
        },
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

/// A key value as the bookmark stores it: numbers as digits, text as itself.
pub fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A stored key text back as a value of the column's type.
pub fn key_value(text: &str, glue_type: &str) -> Value {
    let t = glue_type.to_ascii_lowercase();
    let numeric = ["int", "integer", "bigint", "smallint", "tinyint", "double", "float"].contains(&t.as_str())
        || t.starts_with("decimal");
    if numeric {
        if let Ok(i) = text.parse::<i64>() {
            return Value::from(i);
        }
        if let Ok(f) = text.parse::<f64>() {
            return Value::from(f);
        }
    }
    if text == "null" {
        return Value::Null;
    }
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn employees() -> Warehouse {
        let mut w = Warehouse::default();
        w.execute(
            "CREATE TABLE employees (empno INT PRIMARY KEY, name VARCHAR(40), hired DATE, salary DECIMAL(10,2))",
            1,
        )
        .unwrap();
        w
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
        let t = w.table("employees").unwrap();
        assert_eq!(t.rows[1].values[1], Value::from("Bob"));
        assert_eq!((t.rows[1].version, t.rows[1].updated_at), (2, 3));
        assert_eq!(t.rows[0].version, 1);
        let batch = t.batch().unwrap();
        assert_eq!(batch.num_rows(), 2);
        w.execute("DELETE FROM employees WHERE name LIKE 'A%'", 4).unwrap();
        assert_eq!(w.table("employees").unwrap().rows.len(), 1);
        w.execute("TRUNCATE employees", 5).unwrap();
        assert!(w.table("employees").unwrap().rows.is_empty());
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
        assert!(w.table("employees").unwrap().rows.is_empty());
    }

    #[test]
    fn keys_compare_by_type() {
        let k = |v: &[Value]| v.to_vec();
        assert_eq!(
            compare_keys(&k(&[Value::from(9)]), &k(&[Value::from(10)])),
            Ordering::Less
        );
        assert_eq!(
            compare_keys(&k(&[Value::from("9")]), &k(&[Value::from("10")])),
            Ordering::Greater
        );
        assert_eq!(key_value("10", "bigint"), Value::from(10));
        assert_eq!(key_value("2024-01-01", "date"), Value::from("2024-01-01"));
    }
}
