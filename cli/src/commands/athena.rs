//! `athena start-query-execution | get-query-results | get-query-execution` and the
//! `gluelab query` shortcut. Queries run at once over the catalog (`Workspace::query`); each
//! execution and its result are kept in the CLI's state, as Athena keeps them.

use arrow_array::Array;
use arrow_schema::DataType;
use gluelab_core::demo::ACCOUNT_ID;
use gluelab_core::query::QueryResult;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{parse_object, Ctx};
use crate::cli::{AthenaCommand, OutputFormat, QueryArgs, StartQueryArgs};
use crate::output::{aws_error, aws_time, exit, CliError, Reply};
use crate::state::{QueryExecution, ResultColumn};

pub fn run(command: AthenaCommand, ctx: &mut Ctx) -> Result<Reply, CliError> {
    match command {
        AthenaCommand::StartQueryExecution(args) => start(args, ctx),
        AthenaCommand::GetQueryResults(args) => {
            let op = "GetQueryResults";
            let q = find(ctx, &args.query_execution_id, op)?;
            if q.state != "SUCCEEDED" {
                return Err(CliError::service(
                    op,
                    "InvalidRequestException",
                    &format!(
                        "Query did not finish successfully. Final query state: {}. {}",
                        q.state,
                        q.reason.as_deref().unwrap_or_default()
                    ),
                ));
            }
            Ok(Reply::doc(&results(q)))
        }
        AthenaCommand::GetQueryExecution(args) => {
            let q = find(ctx, &args.query_execution_id, "GetQueryExecution")?;
            Ok(Reply::doc(&ExecutionResponse {
                query_execution: ExecutionView::of(q, &ctx.region),
            }))
        }
    }
}

/// `gluelab query 'SELECT ...'`: the rows as a box-drawn table (or JSON with --output json).
pub fn query(args: QueryArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let result = ctx
        .workspace
        .query(&args.sql, args.database.as_deref())
        .map_err(|e| CliError {
            message: format!("FAILED: {}", aws_error(&e).1),
            code: exit::SERVICE,
        })?;
    if ctx.output == Some(OutputFormat::Json) {
        return Ok(Reply::doc(&QueryRows {
            columns: result.columns.clone(),
            rows: cells(&result),
        }));
    }
    let rows = result.batch.num_rows();
    Ok(Reply::lines(format!(
        "{}({rows} row{})",
        result.to_ascii_table(),
        if rows == 1 { "" } else { "s" }
    )))
}

fn start(args: StartQueryArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let database = match &args.query_execution_context {
        Some(text) => parse_object("--query-execution-context", text)?
            .get("Database")
            .and_then(Value::as_str)
            .map(str::to_string),
        None => None,
    };
    let submitted = ctx.workspace.clock().now();
    let id = execution_id(ctx.state.query_executions.len(), &args.query_string, submitted);
    let mut execution = QueryExecution {
        id: id.clone(),
        query: args.query_string.clone(),
        database: database.clone(),
        submitted,
        state: "SUCCEEDED".into(),
        reason: None,
        columns: vec![],
        rows: vec![],
    };
    // Athena's MSCK REPAIR TABLE registers the table's new partition folders; it returns no rows.
    if let Some((named, table)) = gluelab_core::query::msck_repair_table(&args.query_string) {
        let repaired = match named.or_else(|| database.clone()) {
            Some(db) => ctx.workspace.repair_partitions(&db, &table),
            None => Err(gluelab_core::Error::EntityNotFound(format!(
                "no database given for table {table}"
            ))),
        };
        if let Err(e) = repaired {
            execution.state = "FAILED".into();
            execution.reason = Some(aws_error(&e).1);
        }
        ctx.state.query_executions.push(execution);
        return Ok(Reply::doc(&StartResponse { query_execution_id: id }));
    }
    match ctx.workspace.query(&args.query_string, database.as_deref()) {
        Ok(result) => {
            execution.columns = result
                .batch
                .schema()
                .fields()
                .iter()
                .zip(&result.columns)
                .map(|(f, name)| column(name, f.data_type()))
                .collect();
            execution.rows = cells(&result);
        }
        Err(e) => {
            execution.state = "FAILED".into();
            execution.reason = Some(aws_error(&e).1);
        }
    }
    ctx.state.query_executions.push(execution);
    Ok(Reply::doc(&StartResponse { query_execution_id: id }))
}

fn find<'a>(ctx: &'a Ctx, id: &str, operation: &str) -> Result<&'a QueryExecution, CliError> {
    ctx.state.query_executions.iter().find(|q| q.id == id).ok_or_else(|| {
        CliError::service(
            operation,
            "InvalidRequestException",
            &format!("QueryExecution {id} was not found"),
        )
    })
}

/// A UUID-shaped id derived from the query and when it ran, so a story replays identically.
pub(super) fn execution_id(sequence: usize, sql: &str, at: i64) -> String {
    let h: String = Sha256::digest(format!("{sequence}\u{0}{sql}\u{0}{at}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// Every cell as Athena returns it: text, or `None` for NULL.
fn cells(result: &QueryResult) -> Vec<Vec<Option<String>>> {
    let text = result.rows_as_strings();
    text.into_iter()
        .enumerate()
        .map(|(r, row)| {
            row.into_iter()
                .enumerate()
                .map(|(c, v)| (!result.batch.column(c).is_null(r)).then_some(v))
                .collect()
        })
        .collect()
}

fn column(name: &str, data_type: &DataType) -> ResultColumn {
    let (athena_type, precision, scale) = match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => ("varchar", 2_147_483_647, 0),
        DataType::Boolean => ("boolean", 0, 0),
        DataType::Int8 => ("tinyint", 3, 0),
        DataType::Int16 => ("smallint", 5, 0),
        DataType::Int32 => ("integer", 10, 0),
        DataType::Int64 => ("bigint", 19, 0),
        DataType::Float32 => ("real", 7, 0),
        DataType::Float64 => ("double", 17, 0),
        DataType::Decimal128(p, s) => ("decimal", i64::from(*p), i64::from(*s)),
        DataType::Date32 | DataType::Date64 => ("date", 0, 0),
        DataType::Timestamp(..) => ("timestamp", 3, 0),
        DataType::List(_) | DataType::LargeList(_) => ("array", 0, 0),
        DataType::Struct(_) => ("row", 0, 0),
        DataType::Map(..) => ("map", 0, 0),
        _ => ("varchar", 2_147_483_647, 0),
    };
    ResultColumn {
        name: name.into(),
        athena_type: athena_type.into(),
        precision,
        scale,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct QueryRows {
    columns: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StartResponse {
    query_execution_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Results {
    result_set: ResultSet,
    update_count: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResultSet {
    rows: Vec<Row>,
    result_set_metadata: Metadata,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Row {
    data: Vec<Datum>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Datum {
    #[serde(skip_serializing_if = "Option::is_none")]
    var_char_value: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Metadata {
    column_info: Vec<ColumnInfo>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ColumnInfo {
    catalog_name: &'static str,
    schema_name: &'static str,
    table_name: &'static str,
    name: String,
    label: String,
    #[serde(rename = "Type")]
    athena_type: String,
    precision: i64,
    scale: i64,
    nullable: &'static str,
    case_sensitive: bool,
}

fn results(q: &QueryExecution) -> Results {
    let header = Row {
        data: q
            .columns
            .iter()
            .map(|c| Datum {
                var_char_value: Some(c.name.clone()),
            })
            .collect(),
    };
    let rows = std::iter::once(header)
        .chain(q.rows.iter().map(|r| {
            Row {
                data: r
                    .iter()
                    .map(|v| Datum {
                        var_char_value: v.clone(),
                    })
                    .collect(),
            }
        }))
        .collect();
    Results {
        result_set: ResultSet {
            rows,
            result_set_metadata: Metadata {
                column_info: q
                    .columns
                    .iter()
                    .map(|c| ColumnInfo {
                        catalog_name: "hive",
                        schema_name: "",
                        table_name: "",
                        name: c.name.clone(),
                        label: c.name.clone(),
                        athena_type: c.athena_type.clone(),
                        precision: c.precision,
                        scale: c.scale,
                        nullable: "UNKNOWN",
                        case_sensitive: c.athena_type == "varchar",
                    })
                    .collect(),
            },
        },
        update_count: 0,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ExecutionResponse {
    query_execution: ExecutionView,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ExecutionView {
    query_execution_id: String,
    query: String,
    statement_type: &'static str,
    result_configuration: ResultConfiguration,
    query_execution_context: ExecutionContext,
    status: Status,
    work_group: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResultConfiguration {
    output_location: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ExecutionContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<String>,
    catalog: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Status {
    state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    state_change_reason: Option<String>,
    submission_date_time: String,
    completion_date_time: String,
}

impl ExecutionView {
    fn of(q: &QueryExecution, region: &str) -> Self {
        Self {
            query_execution_id: q.id.clone(),
            query: q.query.clone(),
            statement_type: "DML",
            result_configuration: ResultConfiguration {
                output_location: format!("s3://aws-athena-query-results-{ACCOUNT_ID}-{region}/{}.csv", q.id),
            },
            query_execution_context: ExecutionContext {
                database: q.database.clone(),
                catalog: "awsdatacatalog",
            },
            status: Status {
                state: q.state.clone(),
                state_change_reason: q.reason.clone(),
                submission_date_time: aws_time(q.submitted),
                completion_date_time: aws_time(q.submitted),
            },
            work_group: "primary",
        }
    }
}
