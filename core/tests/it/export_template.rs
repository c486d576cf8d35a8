//! The exported infrastructure template (`export::cloudformation_template`), deployed back with
//! gluelab's own CloudFormation model into an empty workspace: it must recreate the buckets,
//! databases and tables the job uses (same columns, location and format) and a job that matches
//! the prototyped one where it matters. Every expectation is read from the source workspace.

use std::collections::{BTreeMap, BTreeSet};

use gluelab_core::aws::cfn::{parse_template, DeployRequest};
use gluelab_core::aws::export::{cloudformation_template, job_arguments, pyspark_script, script_location};
use gluelab_core::demo::{self, examples, hr};
use gluelab_core::format::Format;
use gluelab_core::model::catalog::{Column, Table};
use gluelab_core::model::job::{JobDefinition, JobPlan, SinkOutput, SinkSpec, SourceInput, SourceSpec};
use gluelab_core::model::run::RunState;
use gluelab_core::model::store::S3Uri;
use gluelab_core::transform::Transform;
use gluelab_core::{Error, RunRequest, Workspace};
use serde_json::Value;

const STACK: &str = "exported-job";

fn template_of(ws: &Workspace, job: &str) -> String {
    cloudformation_template(ws, ws.job(job).unwrap()).unwrap_or_else(|e| panic!("{job}: {e}"))
}

fn json(template: &str) -> Value {
    serde_json::from_str(template).unwrap_or_else(|e| panic!("not JSON ({e}):\n{template}"))
}

/// `template` deployed into a fresh workspace, as `aws cloudformation deploy` would.
fn deploy(template: &str, overrides: &[(&str, &str)]) -> Workspace {
    let mut ws = Workspace::default();
    let mut request = DeployRequest::new(STACK, template, demo::REGION).capability("CAPABILITY_NAMED_IAM");
    for (k, v) in overrides {
        request = request.parameter(k, v);
    }
    ws.deploy_stack(&request)
        .unwrap_or_else(|e| panic!("the exported template does not deploy: {e}\n{template}"));
    ws
}

/// The catalog tables a job uses, read from its plan: sources, sinks and lookup tables.
fn tables_used<'a>(ws: &'a Workspace, job: &JobDefinition) -> Vec<&'a Table> {
    let mut names = vec![];
    for s in &job.plan.sources {
        if let SourceInput::Catalog { database, table } = &s.input {
            names.push((database.clone(), table.clone()));
        }
    }
    for s in &job.plan.sinks {
        if let SinkOutput::Catalog { database, table } = &s.output {
            names.push((database.clone(), table.clone()));
        }
    }
    for step in &job.plan.transforms {
        if let Transform::ValueMapping { table, .. } | Transform::Join { table, .. } = &step.transform {
            if let Some((d, t)) = table.split_once('.') {
                if ws.catalog().table(d, t).is_ok() {
                    names.push((d.into(), t.into()));
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    names
        .into_iter()
        .filter(|n| seen.insert(n.clone()))
        .map(|(d, t)| ws.catalog().table(&d, &t).unwrap())
        .collect()
}

fn bucket_of(uri: &str) -> String {
    S3Uri::parse(uri).unwrap().bucket
}

/// The buckets a job reads or writes: its tables' locations, its S3 paths (with its default
/// arguments filled in), and workspace buckets its arguments and script location name.
fn buckets_used(ws: &Workspace, job: &JobDefinition) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = tables_used(ws, job).iter().map(|t| bucket_of(&t.location)).collect();
    let values = job
        .default_arguments
        .iter()
        .map(|(k, v)| (k.trim_start_matches("--").to_string(), v.clone()))
        .collect();
    let plan = job.plan.with_arguments(&values).unwrap();
    for s in &plan.sources {
        if let SourceInput::S3 { path, .. } = &s.input {
            out.insert(bucket_of(path));
        }
    }
    for s in &plan.sinks {
        if let SinkOutput::S3 { path, .. } = &s.output {
            out.insert(bucket_of(path));
        }
    }
    for uri in job.default_arguments.values().chain([&script_location(job)]) {
        if uri.starts_with("s3://") && ws.store().bucket(&bucket_of(uri)).is_ok() {
            out.insert(bucket_of(uri));
        }
    }
    out
}

fn column_pairs(columns: &[Column]) -> Vec<(&str, &str)> {
    columns
        .iter()
        .map(|c| (c.name.as_str(), c.glue_type.as_str()))
        .collect()
}

/// `deployed` holds what `source` has for `job` (with the bucket names renamed by `renamed`).
fn assert_recreated(source: &Workspace, job: &JobDefinition, deployed: &Workspace, renamed: &BTreeMap<String, String>) {
    let rename = |bucket: &str| renamed.get(bucket).cloned().unwrap_or_else(|| bucket.to_string());
    let expected: BTreeSet<String> = buckets_used(source, job).iter().map(|b| rename(b)).collect();
    let got: BTreeSet<String> = deployed.store().buckets().map(|b| b.name.clone()).collect();
    assert_eq!(got, expected, "{}: buckets", job.name);

    let tables = tables_used(source, job);
    let databases: BTreeSet<&str> = tables.iter().map(|t| t.database.as_str()).collect();
    let got: BTreeSet<&str> = deployed.catalog().databases().map(|d| d.name.as_str()).collect();
    assert_eq!(got, databases, "{}: databases", job.name);
    let table_count: usize = deployed.catalog().databases().map(|d| d.tables.len()).sum();
    assert_eq!(table_count, tables.len(), "{}: tables", job.name);
    for t in tables {
        let at = format!("{}: table {}.{}", job.name, t.database, t.name);
        let d = deployed
            .catalog()
            .table(&t.database, &t.name)
            .unwrap_or_else(|e| panic!("{at}: {e}"));
        let uri = S3Uri::parse(&t.location).unwrap();
        assert_eq!(
            d.location,
            S3Uri::new(rename(&uri.bucket), &uri.key).to_string(),
            "{at}"
        );
        assert_eq!(d.format, t.format, "{at}");
        assert_eq!(column_pairs(&d.columns), column_pairs(&t.columns), "{at}");
        assert_eq!(column_pairs(&d.partition_keys), column_pairs(&t.partition_keys), "{at}");
        assert_eq!(d.csv_options(), t.csv_options(), "{at}: read the same way");
        for (k, v) in &t.parameters {
            assert_eq!(d.parameters.get(k), Some(v), "{at}: parameter {k}");
        }
        assert_eq!(
            d.parameters.get("classification").map(String::as_str),
            Some(t.format.name()),
            "{at}"
        );
        if let Some(library) = &t.serde_library {
            assert_eq!(d.serde_library.as_ref(), Some(library), "{at}");
        }
        assert_eq!(
            d.serde_library.as_deref().and_then(Format::from_glue),
            Some(t.format),
            "{at}: a SerDe of its format"
        );
    }

    let d = deployed.job(&job.name).unwrap();
    let at = format!("job {}", job.name);
    assert!(d.plan_from_script, "{at}: runs the script at its ScriptLocation");
    for (k, v) in &job.default_arguments {
        let expected = match S3Uri::parse(v) {
            Ok(uri) if v.starts_with("s3://") => S3Uri::new(rename(&uri.bucket), &uri.key).to_string(),
            _ => v.clone(),
        };
        assert_eq!(d.default_arguments.get(k), Some(&expected), "{at}: argument {k}");
    }
    for (k, v) in &d.default_arguments {
        if !job.default_arguments.contains_key(k) {
            match k.as_str() {
                "--job-language" => assert_eq!(v, "python", "{at}"),
                "--TempDir" => assert!(v.starts_with("s3://aws-glue-assets-"), "{at}: {v}"),
                other => panic!("{at}: unexpected argument {other} {v}"),
            }
        }
    }
    assert_eq!(
        d.default_arguments.get("--job-bookmark-option"),
        job.default_arguments.get("--job-bookmark-option"),
        "{at}: bookmark option"
    );
    assert_eq!(d.non_overridable_arguments, job.non_overridable_arguments, "{at}");
    assert_eq!(d.glue_version, job.glue_version, "{at}");
    assert_eq!(d.max_retries, job.max_retries, "{at}");
    assert_eq!(d.timeout_minutes, job.timeout_minutes, "{at}");
    assert_eq!(d.max_concurrent_runs, job.max_concurrent_runs, "{at}");
    assert_eq!(d.description, job.description, "{at}");
    if job.role.is_empty() {
        assert!(d.role.starts_with("arn:aws:iam::"), "{at}: {}", d.role);
    } else {
        assert_eq!(d.role, job.role, "{at}: the prototyped role");
    }
}

/// The exported script location, deployed with the template's defaults.
fn assert_default_script_location(job: &JobDefinition, deployed: &Workspace) {
    assert_eq!(
        deployed.job(&job.name).unwrap().script_location.as_deref(),
        Some(script_location(job).as_str()),
        "job {}",
        job.name
    );
}

/// Named `export_template::...` so that `cargo test -p gluelab-core export_template` selects them.
mod export_template {
    use super::*;

    #[test]
    fn the_seed_jobs_template_recreates_its_buckets_tables_and_job() {
        let source = demo::seed_workspace().unwrap();
        let job = source.job(demo::JOB_NAME).unwrap();
        let deployed = deploy(&template_of(&source, demo::JOB_NAME), &[]);
        assert_recreated(&source, job, &deployed, &BTreeMap::new());
        assert_default_script_location(job, &deployed);
        // The seed job's script location and arguments are its own, not a convention.
        assert_eq!(
            deployed.job(demo::JOB_NAME).unwrap().script_location,
            job.script_location
        );
        assert_eq!(deployed.jobs().count(), 1);
    }

    #[test]
    fn the_hr_jobs_template_recreates_its_rules_tables_and_job() {
        let source = hr::hr_workspace().unwrap();
        let job = source.job(hr::JOB_NAME).unwrap();
        let deployed = deploy(&template_of(&source, hr::JOB_NAME), &[]);
        assert_recreated(&source, job, &deployed, &BTreeMap::new());
        assert_default_script_location(job, &deployed);
        // The CSV rules tables keep their header row.
        let rules = deployed.catalog().table(hr::RULES_DATABASE, "company_mapping").unwrap();
        assert!(rules.csv_options().with_header);
        assert_eq!(
            rules.serde_library.as_deref(),
            Some("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe")
        );
    }

    /// Every shipped example's job, the same way (CSV with a header and a SerDe, JDBC only...).
    #[test]
    fn every_examples_job_deploys_back_from_its_template() {
        let mut done = BTreeSet::new();
        for example in examples::examples() {
            if !done.insert(example.job) {
                continue;
            }
            let source = examples::load(example.id).unwrap();
            for job in source.jobs() {
                let deployed = deploy(&template_of(&source, &job.name), &[]);
                assert_recreated(&source, job, &deployed, &BTreeMap::new());
                assert_default_script_location(job, &deployed);
            }
        }
    }

    /// A job of each format, with a non-default separator and a partitioned Parquet sink.
    #[test]
    fn csv_options_and_parquet_tables_survive_the_round_trip() {
        let mut source = Workspace::default();
        source.create_bucket("landing").unwrap();
        source.create_bucket("lake").unwrap();
        source.create_database("shop").unwrap();
        let columns = vec![Column::new("id", "bigint"), Column::new("total", "decimal(10,2)")];
        let mut raw = Table::new(
            "shop",
            "orders_raw",
            "s3://landing/orders/",
            Format::Csv,
            columns.clone(),
        );
        raw.serde_parameters.insert("field.delim".into(), ";".into());
        raw.parameters.insert("skip.header.line.count".into(), "1".into());
        source.create_table(raw).unwrap();
        let mut lake = Table::new("shop", "orders", "s3://lake/orders", Format::Parquet, columns);
        lake.partition_keys = vec![Column::new("day", "string")];
        source.create_table(lake).unwrap();
        let mut job = JobDefinition::new(
            "orders-to-lake",
            JobPlan {
                required_arguments: vec!["JOB_NAME".into()],
                sources: vec![SourceSpec::catalog("shop", "orders_raw", Some("orders"))],
                transforms: vec![],
                sinks: vec![SinkSpec::catalog("shop", "orders", Some("lake"))],
                commits: true,
            },
        );
        job.default_arguments
            .insert("--job-bookmark-option".into(), "job-bookmark-enable".into());
        job.non_overridable_arguments
            .insert("--enable-metrics".into(), "true".into());
        job.max_retries = 2;
        job.timeout_minutes = 60;
        source.create_job(job.clone()).unwrap();

        let template = template_of(&source, &job.name);
        let deployed = deploy(&template, &[]);
        assert_recreated(&source, &job, &deployed, &BTreeMap::new());
        let raw = deployed.catalog().table("shop", "orders_raw").unwrap();
        assert_eq!(raw.csv_options().separator, b';');
        let lake = deployed.catalog().table("shop", "orders").unwrap();
        assert_eq!(
            lake.serde_library.as_deref(),
            Some("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")
        );
        let t = json(&template);
        let sd = &t["Resources"]["ShopOrdersTable"]["Properties"]["TableInput"]["StorageDescriptor"];
        assert_eq!(
            sd["InputFormat"],
            "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
        );
        assert_eq!(
            sd["OutputFormat"],
            "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
        );
        let sd = &t["Resources"]["ShopOrdersRawTable"]["Properties"]["TableInput"]["StorageDescriptor"];
        assert_eq!(sd["InputFormat"], "org.apache.hadoop.mapred.TextInputFormat");
        assert_eq!(
            sd["OutputFormat"],
            "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
        );
        let notes = t["Metadata"]["gluelab"]["Notes"].to_string();
        assert!(notes.contains("shop.orders is partitioned by (day)"), "{notes}");
    }

    #[test]
    fn parameters_rename_the_buckets_and_move_the_script() {
        let source = demo::seed_workspace().unwrap();
        let job = source.job(demo::JOB_NAME).unwrap();
        let template = template_of(&source, demo::JOB_NAME);
        // The parameter whose default is each workspace bucket.
        let parameters = json(&template)["Parameters"].as_object().unwrap().clone();
        let parameter_of = |bucket: &str| {
            parameters
                .iter()
                .find(|(_, p)| p["Default"] == bucket)
                .map(|(name, _)| name.clone())
                .unwrap_or_else(|| panic!("no parameter for bucket {bucket}"))
        };
        let renamed: BTreeMap<String, String> = source
            .store()
            .buckets()
            .map(|b| (b.name.clone(), format!("acme-{}", &b.name[..20])))
            .collect();
        let names: Vec<(String, String)> = renamed
            .iter()
            .map(|(old, new)| (parameter_of(old), new.clone()))
            .collect();
        let mut overrides: Vec<(&str, &str)> = names.iter().map(|(p, v)| (p.as_str(), v.as_str())).collect();
        overrides.push(("ScriptLocation", "s3://acme-scripts/etl/devices.py"));
        let deployed = deploy(&template, &overrides);
        for old in renamed.keys() {
            assert!(deployed.store().bucket(old).is_err(), "{old} was renamed");
        }
        assert_recreated(&source, job, &deployed, &renamed);
        assert_eq!(
            deployed.job(demo::JOB_NAME).unwrap().script_location.as_deref(),
            Some("s3://acme-scripts/etl/devices.py")
        );
        // The role's inline policy follows the new names too.
        let stack = &deployed.stack(STACK).unwrap();
        let policy = stack.resources["GlueJobRole"].properties["Policies"].to_string();
        for (old, new) in &renamed {
            assert!(policy.contains(&format!("arn:aws:s3:::{new}/*")), "{policy}");
            assert!(!policy.contains(old.as_str()), "{policy}");
        }
    }

    #[test]
    fn the_template_is_json_with_exactly_the_expected_resources() {
        let source = demo::seed_workspace().unwrap();
        let template = template_of(&source, demo::JOB_NAME);
        let t = json(&template);
        assert_eq!(t["AWSTemplateFormatVersion"], "2010-09-09");
        let ids: Vec<(&str, &str)> = t["Resources"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(id, r)| (id.as_str(), r["Type"].as_str().unwrap()))
            .collect();
        // One bucket per workspace bucket, the database, both tables, the role and the job.
        let expected: BTreeSet<(&str, &str)> = [
            ("DevicesRawData123456789012ApNortheast1Bucket", "AWS::S3::Bucket"),
            ("DevicesDataAnalytics123456789012ApNortheast1Bucket", "AWS::S3::Bucket"),
            ("DevicesDataAnalysticsDatabase", "AWS::Glue::Database"),
            ("DevicesDataAnalysticsDevicesRawDataTable", "AWS::Glue::Table"),
            ("DevicesDataAnalysticsDevicesIntegratedDataTable", "AWS::Glue::Table"),
            ("GlueJobRole", "AWS::IAM::Role"),
            ("GlueJob", "AWS::Glue::Job"),
        ]
        .into_iter()
        .collect();
        assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), expected);
        assert_eq!(ids.len(), expected.len());
        let parameters: BTreeSet<&str> = t["Parameters"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            parameters,
            BTreeSet::from([
                "DevicesRawData123456789012ApNortheast1BucketName",
                "DevicesDataAnalytics123456789012ApNortheast1BucketName",
                "ScriptLocation",
            ])
        );
        // gluelab's own reader takes it, and only uses what it models.
        let parsed = parse_template(&template).unwrap();
        assert_eq!(parsed.resources.len(), expected.len());
        assert!(parsed.description.unwrap().contains(demo::JOB_NAME));

        let job = &t["Resources"]["GlueJob"]["Properties"];
        assert_eq!(job["Command"]["Name"], "glueetl");
        assert_eq!(job["Command"]["PythonVersion"], "3");
        assert_eq!(
            job["Command"]["ScriptLocation"],
            serde_json::json!({"Ref": "ScriptLocation"})
        );
        assert_eq!(job["Role"], serde_json::json!({"Fn::GetAtt": ["GlueJobRole", "Arn"]}));
        assert_eq!(job["GlueVersion"], source.job(demo::JOB_NAME).unwrap().glue_version);
        assert_eq!(
            job["DefaultArguments"]["--TempDir"],
            serde_json::json!({"Fn::Sub": "s3://${DevicesDataAnalytics123456789012ApNortheast1BucketName}/glue-job-temp-dir"})
        );
        let role = &t["Resources"]["GlueJobRole"]["Properties"];
        assert_eq!(
            role["ManagedPolicyArns"][0],
            serde_json::json!({"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSGlueServiceRole"})
        );
        assert_eq!(
            role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"][0],
            "glue.amazonaws.com"
        );
    }

    #[test]
    fn the_hr_template_lists_exactly_its_resources_and_what_it_cannot_create() {
        let source = hr::hr_workspace().unwrap();
        let t = json(&template_of(&source, hr::JOB_NAME));
        let ids: Vec<&str> = t["Resources"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            ids.iter().copied().collect::<BTreeSet<_>>(),
            BTreeSet::from([
                "HrUploadsBucket",
                "HrRulesBucket",
                "HrRulesDatabase",
                "HrRulesCompanyMappingTable",
                "HrRulesGenderMappingTable",
                "GlueJobRole",
                "GlueJob",
            ])
        );
        let description = t["Description"].as_str().unwrap();
        assert!(description.len() <= 1024);
        assert!(
            description.contains(&format!("warehouse sink {}", hr::SINK_TABLE)),
            "{description}"
        );
        let gaps = t["Metadata"]["gluelab"]["NotCovered"].to_string();
        assert!(gaps.contains("gluelab-warehouse"), "{gaps}");
        let notes = t["Metadata"]["gluelab"]["Notes"].to_string();
        assert!(notes.contains("s3://hr-uploads/${tenant_id}/employees/"), "{notes}");
        assert!(notes.contains("bookmark"), "{notes}");
        // The job keeps its connection, and gets the TempDir its Redshift write needs.
        let job = &t["Resources"]["GlueJob"]["Properties"];
        assert_eq!(job["Connections"]["Connections"][0], "gluelab-warehouse");
        let hr_job = source.job(hr::JOB_NAME).unwrap();
        let mut expected = serde_json::json!(job_arguments(hr_job));
        // The Redshift staging dir is the deploying account's own assets bucket, not gluelab's.
        expected["--TempDir"] =
            serde_json::json!({"Fn::Sub": "s3://aws-glue-assets-${AWS::AccountId}-${AWS::Region}/temporary/"});
        assert_eq!(job["DefaultArguments"], expected);
        // Read-only buckets: get only; nothing is written to S3.
        let statements = t["Resources"]["GlueJobRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .clone();
        let actions: Vec<String> = statements.iter().map(|s| s["Action"].to_string()).collect();
        assert!(actions.iter().all(|a| !a.contains("s3:PutObject")), "{actions:?}");
    }

    #[test]
    fn the_inline_policy_covers_exactly_the_jobs_buckets() {
        let source = demo::seed_workspace().unwrap();
        let job = source.job(demo::JOB_NAME).unwrap();
        let deployed = deploy(&template_of(&source, demo::JOB_NAME), &[]);
        let role = &deployed.stack(STACK).unwrap().resources["GlueJobRole"].properties;
        assert_eq!(
            role["ManagedPolicyArns"][0],
            "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"
        );
        let statements = role["Policies"][0]["PolicyDocument"]["Statement"].as_array().unwrap();
        let resources_with = |action: &str| -> BTreeSet<String> {
            statements
                .iter()
                .filter(|s| s["Action"].as_array().unwrap().iter().any(|a| a == action))
                .flat_map(|s| s["Resource"].as_array().unwrap().iter())
                .map(|r| r.as_str().unwrap().to_string())
                .collect()
        };
        let buckets = buckets_used(&source, job);
        let arns = |suffix: &str| -> BTreeSet<String> {
            buckets.iter().map(|b| format!("arn:aws:s3:::{b}{suffix}")).collect()
        };
        assert_eq!(resources_with("s3:ListBucket"), arns(""));
        assert_eq!(resources_with("s3:GetObject"), arns("/*"));
        // Written: the sink table's bucket (which also holds --TempDir and the script).
        let sink = source.catalog().table(demo::DATABASE, demo::SINK_TABLE).unwrap();
        assert_eq!(
            resources_with("s3:PutObject"),
            BTreeSet::from([format!("arn:aws:s3:::{}/*", bucket_of(&sink.location))])
        );
    }

    #[test]
    fn a_jdbc_job_says_what_the_template_cannot_create() {
        let source = examples::load("jdbc-keys").unwrap();
        let job = source.jobs().next().unwrap();
        let template = template_of(&source, &job.name);
        let t = json(&template);
        let description = t["Description"].as_str().unwrap();
        assert!(description.contains("warehouse source hr.employees"), "{description}");
        assert!(
            description.contains("warehouse sink analytics.employees"),
            "{description}"
        );
        let gaps = t["Metadata"]["gluelab"]["NotCovered"].as_array().unwrap();
        assert_eq!(gaps.len(), 2, "{gaps:?}");
        assert!(gaps.iter().all(|g| g.as_str().unwrap().contains("gluelab-warehouse")));
        // No bucket: a role without an inline policy, and the job.
        let ids: Vec<&str> = t["Resources"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            ids.into_iter().collect::<BTreeSet<_>>(),
            BTreeSet::from(["GlueJobRole", "GlueJob"])
        );
        assert!(t["Resources"]["GlueJobRole"]["Properties"].get("Policies").is_none());
        let deployed = deploy(&template, &[]);
        assert_recreated(&source, job, &deployed, &BTreeMap::new());
    }

    #[test]
    fn a_job_whose_table_is_missing_is_not_exported() {
        let mut source = demo::seed_workspace().unwrap();
        let mut job = source.job(demo::JOB_NAME).unwrap().clone();
        job.plan.sinks = vec![SinkSpec::catalog(demo::DATABASE, "nowhere", None)];
        source.save_job(job.clone()).unwrap();
        let e = cloudformation_template(&source, &job).unwrap_err();
        assert!(matches!(e, Error::EntityNotFound(_)), "{e}");
        assert!(e.to_string().contains("devices_data_analystics.nowhere"), "{e}");
    }

    /// The whole way to "AWS": template deployed, exported script uploaded to ScriptLocation,
    /// data uploaded; the job runs its script and does what the prototype did.
    #[test]
    fn the_deployed_seed_job_runs_its_exported_script_like_the_prototype() {
        let mut prototype = demo::seed_workspace().unwrap();
        let job = prototype.job(demo::JOB_NAME).unwrap().clone();
        let mut deployed = deploy(&template_of(&prototype, demo::JOB_NAME), &[]);
        let script = S3Uri::parse(&script_location(&job)).unwrap();
        deployed.put_object(&script, pyspark_script(&job).into_bytes()).unwrap();
        let sql = format!(
            "SELECT device_id, timestamp, state FROM {}.{} ORDER BY timestamp, device_id",
            demo::DATABASE,
            demo::SINK_TABLE
        );
        let mut results = vec![];
        for ws in [&mut prototype, &mut deployed] {
            let mut reads = vec![];
            for (key, body) in demo::raw_files() {
                ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.as_bytes().to_vec())
                    .unwrap();
                for _ in 0..2 {
                    let id = ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
                    let run = ws.run(&id).unwrap();
                    assert_eq!(run.state, RunState::Succeeded, "{:?}", run.error_message);
                    reads.push(run.rows_read);
                }
            }
            results.push((reads, ws.query(&sql, None).unwrap().rows_as_strings()));
        }
        assert_eq!(results[1], results[0]);
        // The bookmark works on the deployed job: a second run reads nothing new.
        assert_eq!(results[0].0[1], 0);
        assert!(!results[0].1.is_empty());
    }
}
