//! The worked example of transform rules (issue 6): monthly HR exports whose messy values are
//! mapped through rules stored as data, aggregated into monthly employee counts per company and
//! written to the warehouse — the second seed's job, small enough to check by hand (see
//! `core/fixtures/hr/README.md` for the expected numbers).

use std::collections::BTreeMap;

use crate::error::Result;
use crate::format::{CsvOptions, Format, ParseMode};
use crate::model::catalog::{Column, Table};
use crate::model::job::{JobDefinition, JobPlan, SinkMode, SinkSpec, SourceInput, SourceSpec};
use crate::transform::{Agg, AggFunction, DerivedColumn, GroupKey, Mapping, Step, Transform, Unmapped};
use crate::workspace::Workspace;

pub const EMPLOYEES_2024_01: &str = include_str!("../../fixtures/hr/employees-2024-01.csv");
pub const EMPLOYEES_2024_02: &str = include_str!("../../fixtures/hr/employees-2024-02.csv");
pub const COMPANY_MAPPING: &str = include_str!("../../fixtures/hr/company-mapping.csv");
pub const GENDER_MAPPING: &str = include_str!("../../fixtures/hr/gender-mapping.csv");

pub const JOB_NAME: &str = "hr-monthly-employees";
pub const TENANT: &str = "acme-holdings";
pub const UPLOADS_BUCKET: &str = "hr-uploads";
pub const RULES_BUCKET: &str = "hr-rules";
pub const RULES_DATABASE: &str = "hr_rules";
pub const SINK_TABLE: &str = "analytics.monthly_employees";

/// The monthly exports a user uploads, as (file name, body), in story order.
pub fn employee_files() -> [(&'static str, &'static str); 2] {
    [
        ("employees-2024-01.csv", EMPLOYEES_2024_01),
        ("employees-2024-02.csv", EMPLOYEES_2024_02),
    ]
}

/// Buckets, the two rule tables (uploaded), the warehouse table and the job. No exports yet:
/// uploading them is the story's first step.
pub fn hr_workspace() -> Result<Workspace> {
    let mut ws = Workspace::default();
    ws.create_bucket(UPLOADS_BUCKET)?;
    ws.create_bucket(RULES_BUCKET)?;
    ws.catalog.create_database(RULES_DATABASE)?;
    for (name, folder, columns, body) in [
        (
            "company_mapping",
            "company-mapping",
            ["raw_name", "company_code"],
            COMPANY_MAPPING,
        ),
        (
            "gender_mapping",
            "gender-mapping",
            ["raw_value", "gender"],
            GENDER_MAPPING,
        ),
    ] {
        let location = format!("s3://{RULES_BUCKET}/{folder}");
        let columns = columns.iter().map(|c| Column::new(*c, "string")).collect();
        let mut table = Table::new(RULES_DATABASE, name, &location, Format::Csv, columns);
        table.parameters.insert("skip.header.line.count".into(), "1".into());
        ws.catalog.create_table(table)?;
        let uri = crate::model::store::S3Uri::parse(&format!("{location}/{folder}.csv"))?;
        ws.put_object(&uri, body.as_bytes().to_vec())?;
    }
    ws.execute_warehouse_statement(
        "CREATE TABLE analytics.monthly_employees (tenant_id VARCHAR(64), company VARCHAR(32), \
         month VARCHAR(7), employees BIGINT, female_employees BIGINT, PRIMARY KEY (tenant_id, company, month))",
    )?;
    ws.create_job(hr_job())?;
    Ok(ws)
}

/// Read the tenant's uploads (bookmarked), clean and map, aggregate per company and month,
/// upsert into the warehouse on its key.
pub fn hr_job() -> JobDefinition {
    let map = |columns: &[(&str, &str)]| Transform::Map {
        columns: columns
            .iter()
            .map(|(name, expression)| DerivedColumn {
                name: name.to_string(),
                expression: expression.to_string(),
            })
            .collect(),
    };
    let value_mapping = |table: &str, column: &str, from: &str, to: &str, unmapped| Transform::ValueMapping {
        table: format!("{RULES_DATABASE}.{table}"),
        column: column.into(),
        from_column: from.into(),
        to_column: to.into(),
        unmapped,
    };
    let transforms: Vec<Step> = vec![
        Transform::ApplyMapping {
            mappings: vec![
                Mapping::new("employee_id", "string", "employee_id", "string"),
                Mapping::new("company", "string", "company", "string"),
                Mapping::new("gender", "string", "gender", "string"),
                Mapping::new("birth_date", "string", "birth_date", "date"),
                Mapping::new("snapshot_month", "string", "month", "string"),
            ],
        }
        .into(),
        map(&[("company", "trim(company)")]).into(),
        value_mapping("company_mapping", "company", "raw_name", "company_code", Unmapped::Fail).into(),
        value_mapping("gender_mapping", "gender", "raw_value", "gender", Unmapped::Keep).into(),
        map(&[
            ("tenant_id", "'${tenant_id}'"),
            ("is_female", "CASE WHEN gender = 'female' THEN 1 ELSE 0 END"),
        ])
        .into(),
        Transform::Aggregate {
            group_by: ["tenant_id", "company", "month"]
                .map(|c| GroupKey {
                    name: c.into(),
                    expression: c.into(),
                })
                .to_vec(),
            aggregates: vec![
                Agg {
                    name: "employees".into(),
                    function: AggFunction::Count,
                    column: None,
                },
                Agg {
                    name: "female_employees".into(),
                    function: AggFunction::Sum,
                    column: Some("is_female".into()),
                },
            ],
        }
        .into(),
    ];
    let source = SourceSpec {
        input: SourceInput::S3 {
            path: format!("s3://{UPLOADS_BUCKET}/${{tenant_id}}/employees/"),
            format: Format::Csv,
            csv: CsvOptions::default().with_header(true),
        },
        transformation_ctx: Some("employees".into()),
        max_band: crate::model::bookmark::DEFAULT_MAX_BAND_MS,
        mode: ParseMode::FailFast,
        listing: Default::default(),
    };
    let plan = JobPlan {
        required_arguments: ["JOB_NAME", "tenant_id", "job_id"].map(String::from).to_vec(),
        sources: vec![source],
        transforms,
        sinks: vec![SinkSpec::jdbc(
            SINK_TABLE,
            SinkMode::MergeOnKey {
                keys: ["tenant_id", "company", "month"].map(String::from).to_vec(),
            },
        )],
        commits: true,
    };
    let mut job = JobDefinition::new(JOB_NAME, plan);
    job.description = "Monthly employees per company from HR exports, with value-mapping rules".into();
    job.default_arguments = BTreeMap::from(
        [
            ("--job-bookmark-option", "job-bookmark-enable"),
            ("--tenant_id", TENANT),
            ("--job_id", JOB_NAME),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    job
}
