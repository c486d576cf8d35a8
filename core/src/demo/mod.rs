//! The embedded default workspace: the seed article's buckets, tables, job and raw files.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::format::Format;
use crate::model::catalog::{Column, Table};
use crate::model::job::{JobDefinition, JobPlan, SinkSpec, SourceSpec};
use crate::transform::Transform;
use crate::workspace::Workspace;

pub mod examples;
pub mod exercises;
pub mod hr;
pub mod partitioned;
pub mod relationalized;
pub mod story;

/// The seed article's files, verbatim (see `core/fixtures/seed/README.md`).
pub mod seed {
    pub const TEMPLATE_YAML: &str = include_str!("../../fixtures/seed/template.yaml");
    pub const SCRIPT_PY: &str = include_str!("../../fixtures/seed/devices-data-etl.py");
    pub const RAW_DATA_1: &str = include_str!("../../fixtures/seed/raw-data-1.json");
    pub const RAW_DATA_2: &str = include_str!("../../fixtures/seed/raw-data-2.json");
}

/// Account and region the demo resolves `${AWS::AccountId}-${AWS::Region}` with.
pub use crate::model::account::ACCOUNT_ID;
pub const REGION: &str = "ap-northeast-1";
pub const DATABASE: &str = "devices_data_analystics";
pub const SOURCE_TABLE: &str = "devices_raw_data";
pub const SINK_TABLE: &str = "devices_integrated_data";
pub const JOB_NAME: &str = "devices-data-etl";

pub fn raw_bucket() -> String {
    format!("devices-raw-data-{ACCOUNT_ID}-{REGION}")
}

pub fn analytics_bucket() -> String {
    format!("devices-data-analytics-{ACCOUNT_ID}-{REGION}")
}

/// The two raw files a trainer uploads, as (key, body).
pub fn raw_files() -> [(&'static str, &'static str); 2] {
    [
        ("raw-data/raw-data-1.json", seed::RAW_DATA_1),
        ("raw-data/raw-data-2.json", seed::RAW_DATA_2),
    ]
}

/// The seed article's stack, deployed: buckets, database, both tables and the job. No raw
/// files yet: uploading them is the first step of the story.
pub fn seed_workspace() -> Result<Workspace> {
    let mut ws = Workspace::default();
    ws.create_bucket(&raw_bucket())?;
    ws.create_bucket(&analytics_bucket())?;
    ws.catalog.create_database(DATABASE)?;
    let columns = || {
        vec![
            Column::new("device_id", "string"),
            Column::new("timestamp", "bigint"),
            Column::new("state", "boolean"),
        ]
    };
    for (name, location) in [
        (SOURCE_TABLE, format!("s3://{}/raw-data", raw_bucket())),
        (SINK_TABLE, format!("s3://{}/integrated-data", analytics_bucket())),
    ] {
        let mut table = Table::new(DATABASE, name, &location, Format::Json, columns());
        table.serde_library = Some("org.apache.hive.hcatalog.data.JsonSerDe".into());
        ws.catalog.create_table(table)?;
    }
    ws.create_job(devices_job())?;
    Ok(ws)
}

/// `devices-data-etl` as the article's template and script define it: read the raw table with
/// `transformation_ctx='datasource'`, `df.show()`, write to the integrated table, `job.commit()`.
pub fn devices_job() -> JobDefinition {
    let plan = JobPlan {
        required_arguments: [
            "JOB_NAME",
            "GLUE_DATABASE_NAME",
            "SRC_GLUE_TABLE_NAME",
            "DEST_GLUE_TABLE_NAME",
        ]
        .map(String::from)
        .to_vec(),
        sources: vec![SourceSpec::catalog(DATABASE, SOURCE_TABLE, Some("datasource"))],
        transforms: vec![Transform::Show { rows: 20 }.into()],
        sinks: vec![SinkSpec::catalog(DATABASE, SINK_TABLE, Some("datasink"))],
        commits: true,
    };
    let mut job = JobDefinition::new(JOB_NAME, plan);
    job.glue_version = "2.0".into();
    job.role = format!("arn:aws:iam::{ACCOUNT_ID}:role/ExecuteDevicesDataETLGlueJobRole");
    job.script_location = Some(format!(
        "s3://{}/glue-job-script/devices-data-etl.py",
        analytics_bucket()
    ));
    job.default_arguments = BTreeMap::from(
        [
            ("--job-language", "python".to_string()),
            ("--job-bookmark-option", "job-bookmark-enable".to_string()),
            ("--TempDir", format!("s3://{}/glue-job-temp-dir", analytics_bucket())),
            ("--GLUE_DATABASE_NAME", DATABASE.to_string()),
            ("--SRC_GLUE_TABLE_NAME", SOURCE_TABLE.to_string()),
            ("--DEST_GLUE_TABLE_NAME", SINK_TABLE.to_string()),
        ]
        .map(|(k, v)| (k.to_string(), v)),
    );
    job
}

/// A job of one source and one sink that commits, with job bookmarks enabled: the shape most
/// ready examples share.
pub(crate) fn bookmarked_job(
    name: &str,
    source: SourceSpec,
    transforms: Vec<crate::transform::Step>,
    sink: SinkSpec,
) -> JobDefinition {
    let plan = JobPlan {
        required_arguments: vec!["JOB_NAME".into()],
        sources: vec![source],
        transforms,
        sinks: vec![sink],
        commits: true,
    };
    let mut job = JobDefinition::new(name, plan);
    job.default_arguments
        .insert("--job-bookmark-option".into(), "job-bookmark-enable".into());
    job
}
