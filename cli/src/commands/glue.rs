//! `glue ...`: jobs, runs, job bookmarks and the catalog, as `aws glue` prints them.

use std::collections::BTreeMap;

use gluelab_core::aws::cfn::script_job;
use gluelab_core::demo::ACCOUNT_ID;
use gluelab_core::model::catalog::{Column, Partition, Table};
use gluelab_core::model::job::JobDefinition;
use gluelab_core::model::run::{FailurePoint, JobRun, RunState};
use gluelab_core::RunRequest;
use serde::Serialize;
use serde_json::Value;

use super::{parse_object, parse_string_map, Ctx};
use crate::cli::{CreateJobArgs, FailAt, GlueCommand, StartJobRunArgs};
use crate::output::{aws_time, CliError, Reply};

pub fn run(command: GlueCommand, ctx: &mut Ctx) -> Result<Reply, CliError> {
    match command {
        GlueCommand::StartJobRun(args) => start_job_run(args, ctx),
        GlueCommand::GetJobRun(args) => {
            let op = "GetJobRun";
            let run = ctx
                .workspace
                .job_run(&args.job_name, &args.run_id)
                .map_err(|e| CliError::core(op, &e))?;
            Ok(Reply::doc(&JobRunResponse {
                job_run: JobRunView::of(run),
                gluelab: GluelabRunDetail::of(run),
            }))
        }
        GlueCommand::GetJobRuns(args) => {
            ctx.workspace
                .job(&args.job_name)
                .map_err(|e| CliError::core("GetJobRuns", &e))?;
            let mut runs: Vec<JobRunView> = ctx.workspace.runs_of(&args.job_name).map(JobRunView::of).collect();
            runs.reverse();
            Ok(Reply::doc(&JobRunsResponse { job_runs: runs }))
        }
        GlueCommand::GetJobBookmark(args) => {
            let entry = ctx
                .workspace
                .get_job_bookmark(&args.job_name, args.run_id.as_deref())
                .map_err(|e| CliError::core("GetJobBookmark", &e))?;
            Ok(Reply::pretty(entry.to_cli_json()))
        }
        GlueCommand::ResetJobBookmark(args) => {
            let entry = ctx
                .workspace
                .reset_job_bookmark(&args.job_name, args.run_id.as_deref())
                .map_err(|e| CliError::core("ResetJobBookmark", &e))?;
            Ok(Reply::pretty(entry.to_cli_json()))
        }
        GlueCommand::CreateJob(args) => create_job(args, ctx),
        GlueCommand::GetJob(args) => {
            let job = ctx
                .workspace
                .job(&args.job_name)
                .map_err(|e| CliError::core("GetJob", &e))?;
            Ok(Reply::doc(&JobResponse { job: JobView::of(job) }))
        }
        GlueCommand::ListJobs => Ok(Reply::doc(&JobNames {
            job_names: ctx.workspace.jobs().map(|j| j.name.clone()).collect(),
        })),
        GlueCommand::GetDatabases => Ok(Reply::doc(&DatabaseList {
            database_list: ctx
                .workspace
                .catalog()
                .databases()
                .map(|d| DatabaseView {
                    name: d.name.clone(),
                    catalog_id: ACCOUNT_ID,
                })
                .collect(),
        })),
        GlueCommand::GetTables(args) => {
            let db = ctx
                .workspace
                .catalog()
                .database(&args.database_name)
                .map_err(|e| CliError::core("GetTables", &e))?;
            Ok(Reply::doc(&TableList {
                table_list: db.tables.values().map(TableView::of).collect(),
            }))
        }
        GlueCommand::GetPartitions(args) => {
            let op = "GetPartitions";
            let table = ctx
                .workspace
                .catalog()
                .table(&args.database_name, &args.table_name)
                .map_err(|e| CliError::core(op, &e))?;
            let kept = match &args.expression {
                Some(expression) => table
                    .partitions_kept("--expression", expression)
                    .map_err(|e| CliError::service(op, "InvalidInputException", &e))?,
                None => vec![true; table.partitions.len()],
            };
            Ok(Reply::doc(&PartitionList {
                partitions: table
                    .partitions
                    .iter()
                    .zip(kept)
                    .filter(|(_, kept)| *kept)
                    .map(|(p, _)| PartitionView::of(table, p))
                    .collect(),
            }))
        }
        GlueCommand::GetTable(args) => {
            let table = ctx
                .workspace
                .catalog()
                .table(&args.database_name, &args.name)
                .map_err(|e| CliError::core("GetTable", &e))?;
            Ok(Reply::doc(&TableResponse {
                table: TableView::of(table),
            }))
        }
    }
}

fn start_job_run(args: StartJobRunArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let mut request = RunRequest::new(&args.job_name);
    if let Some(text) = &args.arguments {
        request.arguments = parse_string_map("--arguments", text)?;
    }
    request.fail_at = args.fail_at.map(|f| match f {
        FailAt::BeforeWrite => FailurePoint::BeforeWrite,
        FailAt::BeforeCommit => FailurePoint::BeforeCommit,
        FailAt::Timeout => FailurePoint::Timeout,
    });
    let id = ctx
        .workspace
        .start_job_run(request)
        .map_err(|e| CliError::core("StartJobRun", &e))?;
    // The run (and any retries it earned) has ended; say so when it did not succeed.
    let last = ctx.workspace.final_attempt(&id).expect("the run just started");
    if last.state != RunState::Succeeded {
        ctx.notes.push(format!(
            "gluelab: job run {} (attempt {}) ended {}: {}",
            last.id,
            last.attempt,
            last.state.as_str(),
            last.error_message.as_deref().unwrap_or("no error message")
        ));
    }
    Ok(Reply::doc(&JobRunIdResponse { job_run_id: id }))
}

fn create_job(args: CreateJobArgs, ctx: &mut Ctx) -> Result<Reply, CliError> {
    let op = "CreateJob";
    let command = parse_object("--command", &args.command)?;
    let script = command
        .get("ScriptLocation")
        .and_then(Value::as_str)
        .ok_or_else(|| CliError::service(op, "InvalidInputException", "Command.ScriptLocation is required"))?;
    let kind = command.get("Name").and_then(Value::as_str).unwrap_or("glueetl");
    if let Some(why) = gluelab_core::model::job::unbookmarked_command(kind) {
        return Err(CliError::service(op, "InvalidInputException", &why));
    }
    let mut job = script_job(&args.name, &args.role, script);
    if let Some(text) = &args.default_arguments {
        job.default_arguments = parse_string_map("--default-arguments", text)?;
    }
    if let Some(text) = &args.non_overridable_arguments {
        job.non_overridable_arguments = parse_string_map("--non-overridable-arguments", text)?;
    }
    if let Some(d) = args.description {
        job.description = d;
    }
    if let Some(v) = args.glue_version {
        job.glue_version = v;
    }
    if let Some(n) = args.max_retries {
        job.max_retries = n;
    }
    if let Some(n) = args.timeout {
        job.timeout_minutes = n.max(1);
    }
    if let Some(text) = &args.execution_property {
        let property = parse_object("--execution-property", text)?;
        if let Some(v) = property.get("MaxConcurrentRuns") {
            let n = v
                .as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                .ok_or_else(|| CliError::parameter("--execution-property", "MaxConcurrentRuns must be an integer"))?;
            job.max_concurrent_runs = (n as u32).max(1);
        }
    }
    job.job_run_queuing_enabled = args.job_run_queuing_enabled;
    let name = job.name.clone();
    ctx.workspace.create_job(job).map_err(|e| CliError::core(op, &e))?;
    Ok(Reply::doc(&NameResponse { name }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JobRunIdResponse {
    job_run_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct NameResponse {
    name: String,
}

/// `GetJobRun`'s response: `JobRun` holds exactly the fields Glue returns; what gluelab knows
/// beyond them (where a run failed, as data; its error records) sits beside it under `Gluelab`,
/// and only for runs that have any, so `.JobRun` reads as on AWS.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JobRunResponse<'a> {
    job_run: JobRunView<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gluelab: Option<GluelabRunDetail<'a>>,
}

/// gluelab only (not in AWS Glue's GetJobRun): core's `ErrorDetail` and error records.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GluelabRunDetail<'a> {
    note: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_detail: Option<ErrorDetailView<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    error_records: Vec<ErrorRecordView<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorDetailView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    message: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorRecordView<'a> {
    transform: &'a str,
    object: &'a str,
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    message: &'a str,
    row_dropped: bool,
    values: serde_json::Map<String, Value>,
}

impl<'a> GluelabRunDetail<'a> {
    fn of(run: &'a JobRun) -> Option<Self> {
        let error_detail = run
            .error_detail
            .as_ref()
            .filter(|d| d.rule.is_some() || d.object.is_some() || d.line.is_some() || d.field.is_some())
            .map(|d| ErrorDetailView {
                rule: d.rule.as_deref(),
                object: d.object.as_deref(),
                line: d.line,
                field: d.field.as_deref(),
                message: &d.message,
            });
        let error_records: Vec<ErrorRecordView> = run
            .error_records
            .iter()
            .map(|r| ErrorRecordView {
                transform: &r.transform,
                object: &r.origin.source,
                line: r.origin.line,
                field: r.field.as_deref(),
                message: &r.message,
                row_dropped: r.row_dropped,
                values: r
                    .values
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            })
            .collect();
        (error_detail.is_some() || !error_records.is_empty()).then_some(Self {
            note: "gluelab only, not part of AWS Glue's GetJobRun response; see gluelab explain",
            error_detail,
            error_records,
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JobRunsResponse<'a> {
    job_runs: Vec<JobRunView<'a>>,
}

/// `GetJobRun`'s `JobRun`, fields in the order the AWS CLI prints them.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JobRunView<'a> {
    id: &'a str,
    attempt: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_run_id: Option<&'a str>,
    job_name: &'a str,
    job_mode: &'static str,
    started_on: String,
    last_modified_on: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    completed_on: Option<String>,
    job_run_state: &'static str,
    arguments: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<&'a str>,
    predecessor_runs: Vec<Value>,
    allocated_capacity: u32,
    execution_time: u64,
    timeout: u32,
    max_capacity: f64,
    log_group_name: &'static str,
    glue_version: &'a str,
}

impl<'a> JobRunView<'a> {
    fn of(run: &'a JobRun) -> Self {
        Self {
            id: &run.id,
            attempt: run.attempt,
            previous_run_id: run.previous_run_id.as_deref(),
            job_name: &run.job_name,
            job_mode: "SCRIPT",
            started_on: aws_time(run.started_on),
            last_modified_on: aws_time(run.last_modified_on),
            completed_on: run.completed_on.map(aws_time),
            job_run_state: run.state.as_str(),
            arguments: &run.requested_arguments,
            error_message: run.error_message.as_deref(),
            predecessor_runs: vec![],
            allocated_capacity: 10,
            execution_time: run.execution_time_secs,
            timeout: run.timeout_minutes,
            max_capacity: 10.0,
            log_group_name: "/aws-glue/jobs",
            glue_version: &run.glue_version,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JobResponse<'a> {
    job: JobView<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JobView<'a> {
    name: &'a str,
    job_mode: &'static str,
    #[serde(skip_serializing_if = "is_blank")]
    description: &'a str,
    role: &'a str,
    execution_property: ExecutionProperty,
    command: CommandView<'a>,
    default_arguments: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "no_entries")]
    non_overridable_arguments: &'a BTreeMap<String, String>,
    max_retries: u32,
    allocated_capacity: u32,
    timeout: u32,
    max_capacity: f64,
    glue_version: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    job_run_queuing_enabled: bool,
}

impl<'a> JobView<'a> {
    fn of(job: &'a JobDefinition) -> Self {
        Self {
            name: &job.name,
            job_mode: "SCRIPT",
            description: &job.description,
            role: &job.role,
            execution_property: ExecutionProperty {
                max_concurrent_runs: job.max_concurrent_runs,
            },
            command: CommandView {
                name: "glueetl",
                script_location: job.script_location.as_deref(),
                python_version: "3",
            },
            default_arguments: &job.default_arguments,
            non_overridable_arguments: &job.non_overridable_arguments,
            max_retries: job.max_retries,
            allocated_capacity: 10,
            timeout: job.timeout_minutes,
            max_capacity: 10.0,
            glue_version: &job.glue_version,
            job_run_queuing_enabled: job.job_run_queuing_enabled,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ExecutionProperty {
    max_concurrent_runs: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CommandView<'a> {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    script_location: Option<&'a str>,
    python_version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JobNames {
    job_names: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DatabaseList {
    database_list: Vec<DatabaseView>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DatabaseView {
    name: String,
    catalog_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TableList<'a> {
    table_list: Vec<TableView<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TableResponse<'a> {
    table: TableView<'a>,
}

/// `GetTable`'s `Table`, its storage as Glue describes it (`Table::glue_storage`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TableView<'a> {
    name: &'a str,
    database_name: &'a str,
    retention: u32,
    storage_descriptor: StorageDescriptor<'a>,
    partition_keys: Vec<ColumnView<'a>>,
    table_type: &'static str,
    parameters: BTreeMap<String, String>,
    is_registered_with_lake_formation: bool,
    catalog_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StorageDescriptor<'a> {
    columns: Vec<ColumnView<'a>>,
    location: &'a str,
    input_format: &'static str,
    output_format: &'static str,
    compressed: bool,
    number_of_buckets: i32,
    serde_info: SerdeInfo,
    bucket_columns: Vec<String>,
    sort_columns: Vec<String>,
    stored_as_sub_directories: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PartitionList<'a> {
    partitions: Vec<PartitionView<'a>>,
}

/// `GetPartitions`' `Partition`: its values and where its files are.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PartitionView<'a> {
    values: &'a [String],
    database_name: &'a str,
    table_name: &'a str,
    storage_descriptor: PartitionStorage<'a>,
    catalog_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PartitionStorage<'a> {
    columns: Vec<ColumnView<'a>>,
    location: &'a str,
}

impl<'a> PartitionView<'a> {
    fn of(table: &'a Table, partition: &'a Partition) -> Self {
        Self {
            values: &partition.values,
            database_name: &table.database,
            table_name: &table.name,
            storage_descriptor: PartitionStorage {
                columns: ColumnView::all(&table.columns),
                location: &partition.location,
            },
            catalog_id: ACCOUNT_ID,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SerdeInfo {
    serialization_library: String,
    parameters: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ColumnView<'a> {
    name: &'a str,
    #[serde(rename = "Type")]
    glue_type: &'a str,
}

impl<'a> ColumnView<'a> {
    fn all(columns: &'a [Column]) -> Vec<Self> {
        columns
            .iter()
            .map(|c| ColumnView {
                name: &c.name,
                glue_type: &c.glue_type,
            })
            .collect()
    }
}

impl<'a> TableView<'a> {
    fn of(t: &'a Table) -> Self {
        let storage = t.glue_storage();
        Self {
            name: &t.name,
            database_name: &t.database,
            retention: 0,
            storage_descriptor: StorageDescriptor {
                columns: ColumnView::all(&t.columns),
                location: &t.location,
                input_format: storage.input_format,
                output_format: storage.output_format,
                compressed: false,
                number_of_buckets: -1,
                serde_info: SerdeInfo {
                    serialization_library: storage.serde_library,
                    parameters: storage.serde_parameters,
                },
                bucket_columns: vec![],
                sort_columns: vec![],
                stored_as_sub_directories: false,
            },
            partition_keys: ColumnView::all(&t.partition_keys),
            table_type: "EXTERNAL_TABLE",
            parameters: storage.parameters,
            is_registered_with_lake_formation: false,
            catalog_id: ACCOUNT_ID,
        }
    }
}

fn is_blank(s: &&str) -> bool {
    s.is_empty()
}

fn no_entries(m: &&BTreeMap<String, String>) -> bool {
    m.is_empty()
}
