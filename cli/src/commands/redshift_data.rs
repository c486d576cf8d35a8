//! `redshift-data execute-statement | describe-statement | get-statement-result |
//! list-statements`: the Redshift Data API over core's simulated warehouse
//! (`Workspace::execute_warehouse_statement`; SELECTs go through `Workspace::query`, which
//! sees warehouse tables as `schema.table`). Each statement and its outcome are kept in the
//! CLI's state, as the Data API keeps them for describe-statement and get-statement-result.

use arrow_array::Array;
use arrow_schema::DataType;
use gluelab_core::query::QueryResult;
use serde::Serialize;
use serde_json::{json, Value};

use super::athena::execution_id;
use super::Ctx;
use crate::cli::{ExecuteStatementArgs, RedshiftDataCommand};
use crate::output::{aws_error, aws_time, exit, CliError, Reply};
use crate::state::{Statement, StatementColumn};

pub const ABOUT: &str = "\
Amazon Redshift Data API over gluelab's simulated warehouse: the JDBC database that JDBC
sources read (bookmarked by key) and JDBC sinks write (append, upsert, truncate).

Modelled: one warehouse, whatever --cluster-identifier, --workgroup-name or --database say
(they are recorded and echoed, as are --db-user and --secret-arn; Database defaults to dev).
Statements: CREATE TABLE, DROP TABLE, INSERT ... VALUES, UPDATE ... SET ... WHERE, DELETE,
TRUNCATE, and SELECT (Athena's SQL subset; unqualified names are in schema public). Each
statement runs at once: execute-statement returns its Id when it has FINISHED or FAILED. As
on AWS, a statement the database rejects (a syntax error, an unknown table) does not fail
execute-statement: describe-statement shows Status FAILED and the database's Error, and
get-statement-result refuses it (exit 254); gluelab also notes the failure on stderr.
ResultRows is the number of rows returned (SELECT) or affected (INSERT, UPDATE, DELETE; 0 for
DDL), -1 for a failed statement. Duration, RedshiftPid, RedshiftQueryId and ResultSize are
deterministic stand-ins. Not modelled: batch-execute-statement, parameters (--parameters),
sessions, cancel-statement, result paging (every row comes in one page), CSV results.";

/// A statement's id: UUID-shaped and lower-case, as the Data API's pattern requires.
const ID_PATTERN: &str = "[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\\d+)?";

pub fn run(command: RedshiftDataCommand, ctx: &mut Ctx) -> Result<Reply, CliError> {
    match command {
        RedshiftDataCommand::ExecuteStatement(args) => execute(args, ctx),
        RedshiftDataCommand::DescribeStatement(args) => {
            let s = find(ctx, &args.id, "DescribeStatement")?;
            Ok(Reply::doc(&Described::of(
                s,
                ctx.state.statements.iter().position(|x| x.id == s.id),
            )))
        }
        RedshiftDataCommand::GetStatementResult(args) => {
            let op = "GetStatementResult";
            let s = find(ctx, &args.id, op)?;
            if s.status != "FINISHED" || !s.has_result_set {
                return Err(CliError::service(
                    op,
                    "ResourceNotFoundException",
                    "Query does not have result. Please check query status with DescribeStatement.",
                ));
            }
            Ok(Reply::doc(&StatementResult::of(s)))
        }
        RedshiftDataCommand::ListStatements => Ok(Reply::doc(&Listed {
            statements: ctx.state.statements.iter().rev().map(ListedStatement::of).collect(),
        })),
    }
}

fn execute(args: ExecuteStatementArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let op = "ExecuteStatement";
    if args.sql.is_empty() {
        return Err(CliError {
            message: "\nParameter validation failed:\nInvalid length for parameter Sql, value: 0, valid min length: 1"
                .into(),
            code: exit::USAGE,
        });
    }
    if args.cluster_identifier.is_some() && args.workgroup_name.is_some() {
        return Err(CliError::service(
            op,
            "ValidationException",
            "Specify either ClusterIdentifier or WorkgroupName, not both.",
        ));
    }
    let created = ctx.workspace.clock().now();
    let id = execution_id(ctx.state.statements.len(), &args.sql, created);
    let mut statement = Statement {
        id: id.clone(),
        sql: args.sql.clone(),
        database: args.database.clone().unwrap_or_else(|| "dev".into()),
        cluster_identifier: args.cluster_identifier.clone(),
        workgroup_name: args.workgroup_name.clone(),
        db_user: args.db_user.clone(),
        secret_arn: args.secret_arn.clone(),
        created,
        updated: created,
        status: "FINISHED".into(),
        error: None,
        has_result_set: false,
        result_rows: 0,
        columns: vec![],
        records: vec![],
    };
    let outcome = if is_query(&args.sql) {
        ctx.workspace.query(&args.sql, Some("public")).map(|result| {
            statement.has_result_set = true;
            statement.result_rows = result.batch.num_rows() as i64;
            statement.columns = columns(&result);
            statement.records = records(&result);
        })
    } else {
        ctx.workspace.execute_warehouse_statement(&args.sql).map(|outcome| {
            use gluelab_core::warehouse::StatementOutcome as O;
            statement.result_rows = match outcome {
                O::RowsAffected { rows, .. } => rows as i64,
                O::Created { .. } | O::Dropped { .. } => 0,
            };
        })
    };
    if let Err(e) = outcome {
        statement.status = "FAILED".into();
        statement.error = Some(format!("ERROR: {}", aws_error(&e).1));
        statement.result_rows = -1;
        ctx.notes.push(format!(
            "gluelab: statement {id} ended FAILED: {}",
            statement.error.as_deref().unwrap_or_default()
        ));
    }
    statement.updated = ctx.workspace.clock().now();
    let reply = Reply::doc(&Executed {
        cluster_identifier: statement.cluster_identifier.clone(),
        created_at: aws_time(statement.created),
        database: statement.database.clone(),
        db_user: statement.db_user.clone(),
        id,
        secret_arn: statement.secret_arn.clone(),
        workgroup_name: statement.workgroup_name.clone(),
    });
    ctx.state.statements.push(statement);
    Ok(reply)
}

/// A statement that returns rows: it goes to the query engine, everything else to the warehouse.
fn is_query(sql: &str) -> bool {
    let first: String = sql
        .trim_start()
        .trim_start_matches('(')
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    matches!(first.to_ascii_lowercase().as_str(), "select" | "with" | "values")
}

fn find<'a>(ctx: &'a Ctx, id: &str, operation: &str) -> Result<&'a Statement, CliError> {
    let well_formed = {
        let (base, suffix) = id.split_once(':').unwrap_or((id, ""));
        let groups: Vec<&str> = base.split('-').collect();
        groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
            && base
                .chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_lowercase())
            && suffix.chars().all(|c| c.is_ascii_digit())
    };
    if !well_formed {
        return Err(CliError::service(
            operation,
            "ValidationException",
            &format!(
                "1 validation error detected: Value '{id}' at 'id' failed to satisfy constraint: Member must \
                 satisfy regular expression pattern: {ID_PATTERN}"
            ),
        ));
    }
    ctx.state
        .statements
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| CliError::service(operation, "ResourceNotFoundException", "Query does not exist."))
}

/// Redshift's name for a column type, with the precision and scale the Data API reports.
fn column_type(data_type: &DataType) -> (&'static str, i64, i64) {
    match data_type {
        DataType::Boolean => ("bool", 1, 0),
        DataType::Int8 | DataType::Int16 | DataType::UInt8 => ("int2", 5, 0),
        DataType::Int32 | DataType::UInt16 => ("int4", 10, 0),
        DataType::Int64 | DataType::UInt32 | DataType::UInt64 => ("int8", 19, 0),
        DataType::Float32 => ("float4", 8, 8),
        DataType::Float64 => ("float8", 17, 17),
        DataType::Decimal128(p, s) => ("numeric", i64::from(*p), i64::from(*s)),
        DataType::Date32 | DataType::Date64 => ("date", 13, 0),
        DataType::Timestamp(..) => ("timestamp", 29, 6),
        _ => ("varchar", 65535, 0),
    }
}

fn columns(result: &QueryResult) -> Vec<StatementColumn> {
    result
        .batch
        .schema()
        .fields()
        .iter()
        .zip(&result.columns)
        .map(|(f, name)| {
            let (type_name, precision, scale) = column_type(f.data_type());
            StatementColumn {
                name: name.clone(),
                type_name: type_name.into(),
                precision,
                scale,
            }
        })
        .collect()
}

/// Every cell as a Data API `Field`: `longValue` for integers, `doubleValue` for floats,
/// `booleanValue`, `stringValue` for the rest (numeric, dates and text), `isNull` for NULL.
fn records(result: &QueryResult) -> Vec<Vec<Value>> {
    let text = result.rows_as_strings();
    text.into_iter()
        .enumerate()
        .map(|(r, row)| {
            row.into_iter()
                .enumerate()
                .map(|(c, v)| {
                    let column = result.batch.column(c);
                    if column.is_null(r) {
                        return json!({"isNull": true});
                    }
                    match column.data_type() {
                        DataType::Boolean => json!({"booleanValue": v == "true"}),
                        t if t.is_integer() => match v.parse::<i64>() {
                            Ok(n) => json!({"longValue": n}),
                            Err(_) => json!({"stringValue": v}),
                        },
                        t if t.is_floating() => match v.parse::<f64>() {
                            Ok(n) => json!({"doubleValue": n}),
                            Err(_) => json!({"stringValue": v}),
                        },
                        _ => json!({"stringValue": v}),
                    }
                })
                .collect()
        })
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Executed {
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_identifier: Option<String>,
    created_at: String,
    database: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    db_user: Option<String>,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workgroup_name: Option<String>,
}

/// `DescribeStatement`'s response, keys in the order the service returns them.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Described {
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_identifier: Option<String>,
    created_at: String,
    database: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    db_user: Option<String>,
    /// Nanoseconds.
    duration: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    has_result_set: bool,
    id: String,
    query_string: String,
    redshift_pid: i64,
    redshift_query_id: i64,
    result_rows: i64,
    result_size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_arn: Option<String>,
    status: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    workgroup_name: Option<String>,
}

impl Described {
    fn of(s: &Statement, sequence: Option<usize>) -> Self {
        let failed = s.status != "FINISHED";
        let result_size = if failed {
            -1
        } else {
            s.records
                .iter()
                .map(|r| serde_json::to_string(r).map(|t| t.len() as i64).unwrap_or(0))
                .sum()
        };
        Self {
            cluster_identifier: s.cluster_identifier.clone(),
            created_at: aws_time(s.created),
            database: s.database.clone(),
            db_user: s.db_user.clone(),
            duration: if failed {
                -1
            } else {
                (s.updated - s.created) * 1_000_000
            },
            error: s.error.clone(),
            has_result_set: s.has_result_set,
            id: s.id.clone(),
            query_string: s.sql.clone(),
            redshift_pid: 1_073_815_670,
            redshift_query_id: if failed { 0 } else { 100 + sequence.unwrap_or(0) as i64 },
            result_rows: s.result_rows,
            result_size,
            secret_arn: s.secret_arn.clone(),
            status: s.status.clone(),
            updated_at: aws_time(s.updated),
            workgroup_name: s.workgroup_name.clone(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StatementResult {
    column_metadata: Vec<ColumnMetadata>,
    records: Vec<Vec<Value>>,
    total_num_rows: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ColumnMetadata {
    is_case_sensitive: bool,
    is_currency: bool,
    is_signed: bool,
    label: String,
    length: i64,
    name: String,
    nullable: i64,
    precision: i64,
    scale: i64,
    schema_name: &'static str,
    table_name: &'static str,
    type_name: String,
}

impl StatementResult {
    fn of(s: &Statement) -> Self {
        Self {
            column_metadata: s
                .columns
                .iter()
                .map(|c| ColumnMetadata {
                    is_case_sensitive: c.type_name == "varchar",
                    is_currency: false,
                    is_signed: matches!(
                        c.type_name.as_str(),
                        "int2" | "int4" | "int8" | "float4" | "float8" | "numeric"
                    ),
                    label: c.name.clone(),
                    length: 0,
                    name: c.name.clone(),
                    nullable: 1,
                    precision: c.precision,
                    scale: c.scale,
                    schema_name: "",
                    table_name: "",
                    type_name: c.type_name.clone(),
                })
                .collect(),
            records: s.records.clone(),
            total_num_rows: s.records.len() as i64,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Listed {
    statements: Vec<ListedStatement>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListedStatement {
    created_at: String,
    id: String,
    is_batch_statement: bool,
    query_string: String,
    status: String,
    updated_at: String,
}

impl ListedStatement {
    fn of(s: &Statement) -> Self {
        Self {
            created_at: aws_time(s.created),
            id: s.id.clone(),
            is_batch_statement: false,
            query_string: s.sql.clone(),
            status: s.status.clone(),
            updated_at: aws_time(s.updated),
        }
    }
}
