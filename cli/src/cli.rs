//! The command line, shaped like the AWS CLI: `gluelab <service> <operation> [--options]`,
//! plus gluelab's own `query`, `explain`, `clock` and `scenario`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const ABOUT: &str = "AWS Glue job bookmarks, simulated: AWS-CLI-shaped commands over a local workspace";

const LONG_ABOUT: &str = "\
AWS Glue job bookmarks, simulated. Commands are shaped like the AWS CLI's and print the same JSON
(`aws --output json`), so the commands of a tutorial can be replayed as they are: deploy its
CloudFormation template, upload its script and data, run the job, read the bookmark, reset or
rewind it, query the target.

State lives in a workspace directory (--workspace, $GLUELAB_WORKSPACE, or ./.gluelab), created
empty on first use. Every command that changes it saves it atomically; a failed command leaves it
as it was. Time is virtual: every action moves the clock on by one second (see `gluelab clock`).

Exit codes follow the AWS CLI: 0 success, 1 an s3 transfer failed, 252 usage error, 254 service
error, 255 anything else (for example a workspace in use by another gluelab).";

#[derive(Parser, Debug)]
#[command(name = "gluelab", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// Workspace directory [default: $GLUELAB_WORKSPACE, else ./.gluelab]
    #[arg(long, global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Region that AWS::Region resolves to [default: $AWS_REGION, $AWS_DEFAULT_REGION, else us-east-1]
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Output format [default: json for AWS commands; text for query and explain]
    #[arg(long, global = true, value_enum)]
    pub output: Option<OutputFormat>,
    /// Accepted for compatibility with the AWS CLI (gluelab never pages)
    #[arg(long, global = true, hide = true)]
    pub no_cli_pager: bool,
    /// Accepted for compatibility with the AWS CLI (there is one simulated account)
    #[arg(long, global = true, hide = true)]
    pub profile: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Json,
    Text,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// AWS Security Token Service: who you are in the simulated account
    #[command(subcommand)]
    Sts(StsCommand),
    /// AWS CloudFormation: deploy a template into the workspace
    #[command(subcommand)]
    Cloudformation(CfnCommand),
    /// Amazon S3: copy, list and remove objects
    #[command(subcommand)]
    S3(S3Command),
    /// AWS Glue: jobs, runs, job bookmarks, catalog tables
    #[command(subcommand)]
    Glue(GlueCommand),
    /// Amazon Athena: SQL over catalog tables
    #[command(subcommand)]
    Athena(AthenaCommand),
    /// CloudWatch Logs: a run's output and error logs
    #[command(subcommand)]
    Logs(LogsCommand),
    /// Amazon Redshift Data API: SQL statements on the simulated warehouse (JDBC sources and sinks)
    #[command(subcommand, name = "redshift-data", long_about = crate::commands::redshift_data::ABOUT)]
    RedshiftData(RedshiftDataCommand),
    /// Run a SQL query over the catalog and print the rows as a table (Athena's console, in short)
    Query(QueryArgs),
    /// Explain a run: per source object (or warehouse row) what the bookmark made the run do and why,
    /// where a failed run failed (rule, object, line, field), the rows its transforms could not
    /// process (error records), and the rows it wrote (S3 parts or a warehouse table)
    Explain(ExplainArgs),
    /// The virtual clock: every action moves it on by one step; `advance` lets time pass
    #[command(subcommand)]
    Clock(ClockCommand),
    /// Run a file of gluelab (or aws) commands and print a transcript
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// Start from a shipped example (the seed article, the HR worked example)
    #[command(subcommand)]
    Example(ExampleCommand),
    /// Workshop exercises: challenges whose goal is checked, and predict-then-run grading
    #[command(subcommand)]
    Exercise(ExerciseCommand),
    /// Write what takes a job to real AWS Glue: its PySpark script (NAME.py), its CreateJob request
    /// (NAME.json, for `aws glue create-job --cli-input-json`) and a CloudFormation template of the
    /// buckets, catalog tables, IAM role and job it needs (NAME.template.json)
    ExportJob(ExportJobArgs),
    /// gluelab only (AWS has no such API): record what the job's sources hold now as processed,
    /// without writing it: a run with bookmarks enabled whose last step drops every row, then
    /// job.commit(). `export-job --mark-as-processed` writes the same as a script for Glue
    MarkAsProcessed(JobNameArgs),
}

impl Command {
    /// Whether the command may change the workspace (it then holds the lock exclusively).
    pub fn mutates(&self) -> bool {
        match self {
            Command::Sts(_) | Command::Logs(_) | Command::Query(_) | Command::Explain(_) | Command::ExportJob(_) => {
                false
            }
            Command::MarkAsProcessed(_) => true,
            Command::RedshiftData(c) => matches!(c, RedshiftDataCommand::ExecuteStatement(_)),
            Command::Example(c) => matches!(c, ExampleCommand::Load(_) | ExampleCommand::Replay(_)),
            Command::Exercise(c) => matches!(c, ExerciseCommand::Start(_) | ExerciseCommand::Predict(_)),
            Command::Cloudformation(c) => matches!(c, CfnCommand::Deploy(_)),
            Command::S3(c) => !matches!(c, S3Command::Ls(_)),
            Command::Glue(c) => matches!(
                c,
                GlueCommand::StartJobRun(_) | GlueCommand::ResetJobBookmark(_) | GlueCommand::CreateJob(_)
            ),
            Command::Athena(c) => matches!(c, AthenaCommand::StartQueryExecution(_)),
            Command::Clock(c) => !matches!(c, ClockCommand::Show),
            Command::Scenario(_) => true,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum StsCommand {
    /// The simulated account (123456789012) and user
    GetCallerIdentity,
}

#[derive(Subcommand, Debug)]
pub enum CfnCommand {
    /// Create or update a stack from a template (YAML or JSON) in one step
    Deploy(DeployArgs),
    /// Describe one stack, or every stack
    DescribeStacks(DescribeStacksArgs),
    /// The resources of a stack with their physical ids
    ListStackResources(StackNameArgs),
}

#[derive(Args, Debug)]
pub struct DeployArgs {
    /// The template file (YAML with !Sub/!Ref/!GetAtt/!Join, or JSON)
    #[arg(long, value_name = "FILE")]
    pub template_file: PathBuf,
    #[arg(long)]
    pub stack_name: String,
    /// CAPABILITY_IAM or CAPABILITY_NAMED_IAM, needed when the template has IAM resources
    #[arg(long, num_args = 1.., value_name = "CAPABILITY")]
    pub capabilities: Vec<String>,
    /// Key=Value pairs for the template's Parameters
    #[arg(long, num_args = 1.., value_name = "KEY=VALUE")]
    pub parameter_overrides: Vec<String>,
    /// Succeed (exit 0) when the stack is already up to date
    #[arg(long)]
    pub no_fail_on_empty_changeset: bool,
    /// Accepted for compatibility (the default)
    #[arg(long, hide = true)]
    pub fail_on_empty_changeset: bool,
}

#[derive(Args, Debug)]
pub struct DescribeStacksArgs {
    #[arg(long)]
    pub stack_name: Option<String>,
}

#[derive(Args, Debug)]
pub struct StackNameArgs {
    #[arg(long)]
    pub stack_name: String,
}

#[derive(Subcommand, Debug)]
pub enum S3Command {
    /// Copy a local file to S3 (upload), or an object to a local file or `-` (download)
    Cp(CpArgs),
    /// Delete an object, or with --recursive every object under a prefix
    Rm(RmArgs),
    /// List buckets, or the objects under s3://bucket/prefix
    Ls(LsArgs),
    /// Make a bucket
    Mb(MbArgs),
}

#[derive(Args, Debug)]
pub struct CpArgs {
    pub source: String,
    pub destination: String,
}

#[derive(Args, Debug)]
pub struct RmArgs {
    pub path: String,
    #[arg(long)]
    pub recursive: bool,
}

#[derive(Args, Debug)]
pub struct LsArgs {
    pub path: Option<String>,
    #[arg(long)]
    pub recursive: bool,
}

#[derive(Args, Debug)]
pub struct MbArgs {
    pub path: String,
}

#[derive(Subcommand, Debug)]
pub enum GlueCommand {
    /// Start a job run. The run is local and quick: it has ended (SUCCEEDED, FAILED, ...) when this
    /// command returns {"JobRunId": ...}; see its state with get-job-run
    StartJobRun(StartJobRunArgs),
    /// One job run: {"JobRun": {...}} with Glue's fields (a failure is in ErrorMessage). When the run has
    /// error records or a failure gluelab can place (rule, object, line, field), a gluelab-only
    /// "Gluelab" key beside "JobRun" holds them as data; `.JobRun` reads as on AWS
    GetJobRun(JobRunArgs),
    /// Every run of a job, newest first
    GetJobRuns(JobNameArgs),
    /// The job bookmark entry (of the last committed run, or of run --run-id)
    GetJobBookmark(BookmarkArgs),
    /// Reset the job bookmark, or with --run-id rewind it to that run
    ResetJobBookmark(BookmarkArgs),
    /// Create a job that runs the Python script at Command.ScriptLocation
    CreateJob(CreateJobArgs),
    /// One job's definition
    GetJob(JobNameArgs),
    /// The names of every job
    ListJobs,
    /// The catalog's databases
    GetDatabases,
    /// The tables of a catalog database
    GetTables(DatabaseArgs),
    /// One catalog table
    GetTable(TableArgs),
    /// The partitions registered for a table (a crawler or Athena's MSCK REPAIR TABLE registers
    /// them); --expression filters them as the catalog does
    GetPartitions(GetPartitionsArgs),
}

#[derive(Args, Debug)]
pub struct GetPartitionsArgs {
    #[arg(long)]
    pub database_name: String,
    #[arg(long)]
    pub table_name: String,
    /// A predicate over the partition keys (year = '2026' AND month > '06')
    #[arg(long)]
    pub expression: Option<String>,
}

#[derive(Args, Debug)]
pub struct StartJobRunArgs {
    /// The job's name
    #[arg(long)]
    pub job_name: String,
    /// Run arguments replacing the job's defaults: JSON '{"--k": "v"}' or shorthand --k=v,--k2=v2
    #[arg(long, value_name = "JSON", allow_hyphen_values = true)]
    pub arguments: Option<String>,
    /// gluelab only: make the first attempt fail at this point, to see what a failure does
    #[arg(long, value_enum)]
    pub fail_at: Option<FailAt>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailAt {
    BeforeWrite,
    BeforeCommit,
    Timeout,
}

#[derive(Args, Debug)]
pub struct JobRunArgs {
    /// The job's name
    #[arg(long)]
    pub job_name: String,
    /// A run id (jr_...), as start-job-run returned it
    #[arg(long)]
    pub run_id: String,
}

#[derive(Args, Debug)]
pub struct JobNameArgs {
    /// The job's name
    #[arg(long)]
    pub job_name: String,
}

#[derive(Args, Debug)]
pub struct BookmarkArgs {
    /// The job's name
    #[arg(long)]
    pub job_name: String,
    /// A run id (jr_...): read that run's committed entry, or rewind to it
    #[arg(long)]
    pub run_id: Option<String>,
}

#[derive(Args, Debug)]
pub struct CreateJobArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub role: String,
    /// JSON '{"Name": "glueetl", "ScriptLocation": "s3://..."}' or shorthand Name=glueetl,ScriptLocation=s3://...
    #[arg(long, value_name = "JSON")]
    pub command: String,
    /// JSON '{"--k": "v"}' or shorthand --k=v,--k2=v2
    #[arg(long, value_name = "JSON", allow_hyphen_values = true)]
    pub default_arguments: Option<String>,
    /// JSON or shorthand, like --default-arguments
    #[arg(long, value_name = "JSON", allow_hyphen_values = true)]
    pub non_overridable_arguments: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long)]
    pub glue_version: Option<String>,
    #[arg(long)]
    pub max_retries: Option<u32>,
    /// Minutes
    #[arg(long)]
    pub timeout: Option<u32>,
    /// JSON '{"MaxConcurrentRuns": 1}' or shorthand MaxConcurrentRuns=1
    #[arg(long, value_name = "JSON")]
    pub execution_property: Option<String>,
    /// Runs over MaxConcurrentRuns wait (WAITING) instead of being refused
    #[arg(long)]
    pub job_run_queuing_enabled: bool,
}

#[derive(Args, Debug)]
pub struct DatabaseArgs {
    #[arg(long)]
    pub database_name: String,
}

#[derive(Args, Debug)]
pub struct TableArgs {
    #[arg(long)]
    pub database_name: String,
    #[arg(long)]
    pub name: String,
}

#[derive(Subcommand, Debug)]
pub enum AthenaCommand {
    /// Run a query now; the result is kept for get-query-results
    StartQueryExecution(StartQueryArgs),
    /// The rows of a finished query (first row: the column names, as Athena returns them)
    GetQueryResults(QueryIdArgs),
    /// A query's state, timing and context
    GetQueryExecution(QueryIdArgs),
}

#[derive(Args, Debug)]
pub struct StartQueryArgs {
    #[arg(long)]
    pub query_string: String,
    /// Database=NAME (shorthand) or JSON '{"Database": "NAME"}'
    #[arg(long)]
    pub query_execution_context: Option<String>,
    /// Accepted for compatibility (results are kept in the workspace)
    #[arg(long)]
    pub result_configuration: Option<String>,
    /// Accepted for compatibility
    #[arg(long)]
    pub work_group: Option<String>,
}

#[derive(Args, Debug)]
pub struct QueryIdArgs {
    #[arg(long)]
    pub query_execution_id: String,
}

#[derive(Subcommand, Debug)]
pub enum RedshiftDataCommand {
    /// Run one SQL statement on the warehouse; prints {"Id": ...}
    ///
    /// CREATE TABLE, DROP TABLE, INSERT ... VALUES, UPDATE, DELETE, TRUNCATE or SELECT. The
    /// statement has finished (or failed) when this returns: see it with describe-statement, its
    /// rows with get-statement-result. A statement the database rejects FAILS; the call succeeds
    ExecuteStatement(ExecuteStatementArgs),
    /// A statement's status (FINISHED or FAILED), Error, ResultRows and HasResultSet
    DescribeStatement(StatementIdArgs),
    /// The rows of a finished statement that has a result set (a SELECT)
    GetStatementResult(StatementIdArgs),
    /// The statements run so far, newest first
    ListStatements,
}

#[derive(Args, Debug)]
pub struct ExecuteStatementArgs {
    /// One SQL statement
    #[arg(long)]
    pub sql: String,
    /// The database [default: dev] (one warehouse: the name is recorded, not used to pick data)
    #[arg(long)]
    pub database: Option<String>,
    /// A provisioned cluster's identifier (recorded; there is one simulated warehouse)
    #[arg(long)]
    pub cluster_identifier: Option<String>,
    /// A serverless workgroup's name (recorded; there is one simulated warehouse)
    #[arg(long)]
    pub workgroup_name: Option<String>,
    /// Recorded and echoed (there is no authentication)
    #[arg(long)]
    pub db_user: Option<String>,
    /// Recorded and echoed (there is no authentication)
    #[arg(long)]
    pub secret_arn: Option<String>,
    /// Accepted for compatibility
    #[arg(long)]
    pub statement_name: Option<String>,
    /// Accepted for compatibility (statements are always synchronous here)
    #[arg(long)]
    pub with_event: bool,
}

#[derive(Args, Debug)]
pub struct StatementIdArgs {
    /// The statement's Id, as execute-statement returned it
    #[arg(long)]
    pub id: String,
}

#[derive(Subcommand, Debug)]
pub enum ExampleCommand {
    /// The shipped examples
    List,
    /// Replace the (empty) workspace with an example's starting point; --force to replace a non-empty one
    Load(ExampleLoadArgs),
    /// Write the files an example's story uploads (for example the HR monthly exports) to a directory
    Files(ExampleFilesArgs),
    /// Replace the (empty) workspace with a story replayed on its example: the text after a
    /// link's `#story=` (v1,seed,upload:raw-data-1.json,run,...); --force to replace a non-empty one
    Replay(ExampleReplayArgs),
}

#[derive(Args, Debug)]
pub struct ExampleReplayArgs {
    /// The story: v1,<example>,<step>,... (see docs/stories.md)
    pub story: String,
    /// Replace a workspace that is not empty (its jobs, runs, objects and tables are lost)
    #[arg(long)]
    pub force: bool,
}

#[derive(Subcommand, Debug)]
pub enum ExerciseCommand {
    /// The challenges, with their goals
    List,
    /// Replace the (empty) workspace with a challenge's starting point; --force to replace a non-empty one
    Start(ExerciseStartArgs),
    /// A challenge's hints
    Hint {
        /// The challenge (see `gluelab exercise list`)
        id: String,
    },
    /// Whether the workspace meets a challenge's goal: exit 0 when it does, 1 (with what is missing) when not yet
    Check {
        /// The challenge (see `gluelab exercise list`)
        id: String,
    },
    /// Say what the next run will do, run it, and see what you got right
    Predict(ExercisePredictArgs),
}

#[derive(Args, Debug)]
pub struct ExerciseStartArgs {
    /// The challenge (see `gluelab exercise list`)
    pub id: String,
    /// Replace a workspace that is not empty
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct ExercisePredictArgs {
    #[arg(long)]
    pub job_name: String,
    /// OBJECT=read|re-read|skipped, for each object the run will look at (OBJECT: its file name or s3:// URI)
    #[arg(long, value_name = "OBJECT=VERDICT")]
    pub expect: Vec<String>,
    /// How many rows the job's sink will hold after the run
    #[arg(long)]
    pub sink_rows: Option<usize>,
}

#[derive(Args, Debug)]
pub struct ExampleLoadArgs {
    /// seed or hr (see `gluelab example list`)
    pub name: String,
    /// Replace a workspace that is not empty (its jobs, runs, objects and tables are lost)
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct ExampleFilesArgs {
    /// seed or hr
    pub name: String,
    /// Where to write them [default: the current directory]
    #[arg(long, value_name = "DIR")]
    pub to: Option<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Cloudformation,
    Cdk,
}

#[derive(Args, Debug)]
pub struct ExportJobArgs {
    /// The job's name
    #[arg(long)]
    pub job_name: String,
    /// Write only NAME.mark-as-processed.py: the job with a last step that drops every row, what
    /// one runs on Glue to record files as processed (gluelab's mark-as-processed)
    #[arg(long)]
    pub mark_as_processed: bool,
    /// Where to write the files [default: the current directory]
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// cloudformation: NAME.py, NAME.json (CreateJob) and NAME.template.json; cdk: an AWS CDK app
    /// (package.json, app.js, glue/NAME.py, package.sh, README.md) that `node app.js` synthesizes
    #[arg(long, value_enum, default_value_t = ExportFormat::Cloudformation)]
    pub format: ExportFormat,
    /// Where the script will be on S3: Command.ScriptLocation and the template's default [default: the
    /// job's ScriptLocation, else s3://aws-glue-assets-123456789012-us-east-1/scripts/NAME.py]
    #[arg(long, value_name = "S3URI")]
    pub script_location: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum LogsCommand {
    /// The events of a run's log: --log-group-name /aws-glue/jobs/output (what the script
    /// printed, df.show()) or /aws-glue/jobs/error (the driver's log), --log-stream-name RUN_ID
    GetLogEvents(LogEventsArgs),
}

#[derive(Args, Debug)]
pub struct LogEventsArgs {
    #[arg(long)]
    pub log_group_name: String,
    #[arg(long)]
    pub log_stream_name: String,
    /// Accepted for compatibility (events are always oldest first)
    #[arg(long)]
    pub start_from_head: bool,
    #[arg(long)]
    pub limit: Option<usize>,
}

#[derive(Args, Debug)]
pub struct QueryArgs {
    /// SELECT ... (Athena's SQL subset)
    pub sql: String,
    /// The database unqualified table names belong to
    #[arg(long)]
    pub database: Option<String>,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The job's name
    #[arg(long)]
    pub job_name: String,
    /// A run id (jr_...), as start-job-run returned it
    #[arg(long)]
    pub run_id: String,
}

#[derive(Subcommand, Debug)]
pub enum ClockCommand {
    /// The virtual time now
    Show,
    /// Let time pass: 15m, 90s, 2h, 1d, 500ms
    Advance {
        /// A duration: 15m, 90s, 2h, 1d, 500ms
        duration: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ScenarioCommand {
    /// Run a scenario file (see `gluelab scenario run --help` for its format)
    #[command(long_about = crate::scenario::FORMAT_HELP)]
    Run(ScenarioRunArgs),
}

#[derive(Args, Debug)]
pub struct ScenarioRunArgs {
    pub file: PathBuf,
}
