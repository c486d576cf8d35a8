//! CloudFormation deploys: the seed article's own template becomes the workspace the demo
//! builds by hand; anything gluelab does not model is refused and nothing changes.

use gluelab_core::aws::cfn::{ChangeAction, DeployError, DeployOutcome, DeployRequest, IAM_ROLE};
use gluelab_core::demo::{self, seed};
use gluelab_core::format::Format;
use gluelab_core::model::run::RunState;
use gluelab_core::model::store::S3Uri;
use gluelab_core::snapshot;
use gluelab_core::{RunRequest, Workspace};

const STACK: &str = "devices-data-analytics-stack";

fn seed_request() -> DeployRequest {
    DeployRequest::new(STACK, seed::TEMPLATE_YAML, demo::REGION).capability("CAPABILITY_NAMED_IAM")
}

fn deployed() -> Workspace {
    let mut ws = Workspace::default();
    let report = ws.deploy_stack(&seed_request()).unwrap();
    assert_eq!(report.outcome, DeployOutcome::Created);
    ws
}

/// Deploys `template` into a copy of `ws`, expects an error, and checks nothing changed.
fn refused(ws: &Workspace, request: DeployRequest) -> DeployError {
    let mut copy = ws.clone();
    let before = snapshot::save(&copy);
    let e = copy.deploy_stack(&request).unwrap_err();
    assert_eq!(snapshot::save(&copy), before, "a refused deploy changes nothing: {e}");
    e
}

/// Named `cfn::...` so that `cargo test -p gluelab-core cfn` selects them.
mod cfn {
    use super::*;

    #[test]
    fn the_articles_template_deploys_its_buckets_catalog_and_job() {
        let ws = deployed();
        let buckets: Vec<_> = ws.store().buckets().map(|b| b.name.clone()).collect();
        assert_eq!(buckets, [demo::analytics_bucket(), demo::raw_bucket()]);

        let raw = ws.catalog().table(demo::DATABASE, demo::SOURCE_TABLE).unwrap();
        assert_eq!(raw.location, format!("s3://{}/raw-data", demo::raw_bucket()));
        assert_eq!(raw.format, Format::Json);
        assert_eq!(
            raw.columns
                .iter()
                .map(|c| (c.name.as_str(), c.glue_type.as_str()))
                .collect::<Vec<_>>(),
            [("device_id", "string"), ("timestamp", "bigint"), ("state", "boolean")]
        );
        assert_eq!(raw.serde_parameters["paths"], "device_id, timestamp, state");
        assert_eq!(raw.parameters["has_encrypted_data"], "false");
        assert_eq!(raw.parameters["EXTERNAL"], "true");
        assert_eq!(
            raw.serde_library.as_deref(),
            Some("org.apache.hive.hcatalog.data.JsonSerDe")
        );
        let sink = ws.catalog().table(demo::DATABASE, demo::SINK_TABLE).unwrap();
        assert_eq!(
            sink.location,
            format!("s3://{}/integrated-data", demo::analytics_bucket())
        );

        let job = ws.job(demo::JOB_NAME).unwrap();
        let expected = demo::devices_job();
        assert!(job.plan_from_script);
        assert!(
            job.plan.sources.is_empty() && job.plan.sinks.is_empty(),
            "the script supplies the plan"
        );
        assert_eq!(job.script_location, expected.script_location);
        assert_eq!(job.default_arguments, expected.default_arguments);
        assert_eq!(job.glue_version, "2.0");
        assert_eq!(
            (job.max_concurrent_runs, job.max_retries, job.timeout_minutes),
            (1, 0, 2880)
        );
        assert!(
            job.role
                .starts_with("devices-data-analytics-stack-ExecuteDevicesDataETL"),
            "{}",
            job.role
        );

        // IAM is kept as data, every intrinsic resolved.
        let stack = &ws.stack(STACK).unwrap();
        assert_eq!(stack.status, "CREATE_COMPLETE");
        let role = &stack.resources["ExecuteDevicesDataETLGlueJobRole"];
        assert_eq!(role.resource_type, IAM_ROLE);
        assert_eq!(role.physical_id, job.role);
        let statements = &role.properties["Policies"][0]["PolicyDocument"]["Statement"];
        assert_eq!(
            statements[1]["Resource"][3],
            format!(
                "arn:aws:glue:ap-northeast-1:123456789012:table/{}/{}",
                demo::DATABASE,
                demo::SINK_TABLE
            )
        );
        assert_eq!(stack.resources["DevicesRawDataBucket"].physical_id, demo::raw_bucket());
    }

    #[test]
    fn redeploying_the_same_template_changes_nothing() {
        let mut ws = deployed();
        let before = snapshot::save(&ws);
        let report = ws.deploy_stack(&seed_request()).unwrap();
        assert_eq!(report.outcome, DeployOutcome::NoChanges);
        assert!(report.changes.is_empty());
        assert_eq!(snapshot::save(&ws), before);
    }

    #[test]
    fn a_changed_job_is_updated_in_place_and_keeps_its_bookmark() {
        let mut ws = deployed();
        let template = seed::TEMPLATE_YAML.replace("MaxRetries: 0", "MaxRetries: 2");
        let report = ws
            .deploy_stack(&DeployRequest::new(STACK, &template, demo::REGION).capability("CAPABILITY_IAM"))
            .unwrap();
        assert_eq!(report.outcome, DeployOutcome::Updated);
        assert_eq!(report.changes.len(), 1);
        assert_eq!(report.changes[0].action, ChangeAction::Modify);
        assert_eq!(ws.job(demo::JOB_NAME).unwrap().max_retries, 2);
        assert!(ws.bookmark(demo::JOB_NAME).is_ok());
        assert_eq!(ws.stack(STACK).unwrap().status, "UPDATE_COMPLETE");

        let moved = template.replace("/raw-data\n", "/raw-data-v2\n");
        let e = refused(
            &ws,
            DeployRequest::new(STACK, &moved, demo::REGION).capability("CAPABILITY_IAM"),
        );
        assert!(
            e.to_string()
                .contains("cannot update AWS::Glue::Table DevicesRawDataGlueTable"),
            "{e}"
        );
    }

    #[test]
    fn unknown_resource_types_and_intrinsics_are_refused() {
        let ws = Workspace::default();
        let lambda = format!(
            "{}\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: x\n",
            seed::TEMPLATE_YAML.trim_end()
        );
        let e = refused(
            &ws,
            DeployRequest::new(STACK, &lambda, demo::REGION).capability("CAPABILITY_IAM"),
        );
        assert_eq!(e.code(), "ValidationError");
        assert!(
            e.to_string().starts_with(
                "ValidationError: Template format error: Unrecognized resource types: [AWS::Lambda::Function]"
            ),
            "{e}"
        );

        let conditional =
            "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !If [c, a, b]\n";
        let e = refused(&ws, DeployRequest::new(STACK, conditional, demo::REGION));
        assert!(
            e.to_string()
                .contains("Fn::If (at Resources.B.Properties.BucketName) is not supported"),
            "{e}"
        );

        let tag = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Frobnicate x\n";
        assert!(refused(&ws, DeployRequest::new(STACK, tag, demo::REGION))
            .to_string()
            .contains("unknown tag !Frobnicate"));

        let dangling = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref Nope\n";
        assert!(refused(&ws, DeployRequest::new(STACK, dangling, demo::REGION))
            .to_string()
            .contains("Unresolved resource dependencies [Nope]"));

        let cycle = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref B\n  \
                     B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${A}-b'\n";
        assert!(refused(&ws, DeployRequest::new(STACK, cycle, demo::REGION))
            .to_string()
            .contains("Circular dependency between resources: [A, B]"));

        let section = "Conditions:\n  C: !Equals [a, a]\nResources:\n  B:\n    Type: AWS::S3::Bucket\n";
        assert!(refused(&ws, DeployRequest::new(STACK, section, demo::REGION))
            .to_string()
            .contains("the Conditions section is not supported"));
    }

    #[test]
    fn iam_needs_its_capability() {
        let ws = Workspace::default();
        let e = refused(&ws, DeployRequest::new(STACK, seed::TEMPLATE_YAML, demo::REGION));
        assert_eq!(
            e.to_string(),
            "InsufficientCapabilitiesException: Requires capabilities : [CAPABILITY_IAM]"
        );
        let named = seed::TEMPLATE_YAML.replace(
            "    Type: AWS::IAM::Role\n    Properties:\n",
            "    Type: AWS::IAM::Role\n    Properties:\n      RoleName: etl-role\n",
        );
        let e = refused(
            &ws,
            DeployRequest::new(STACK, &named, demo::REGION).capability("CAPABILITY_IAM"),
        );
        assert!(e.to_string().ends_with("[CAPABILITY_NAMED_IAM]"), "{e}");
    }

    #[test]
    fn a_failed_resource_rolls_the_whole_stack_back() {
        let mut ws = Workspace::default();
        ws.create_bucket(&demo::analytics_bucket()).unwrap();
        let e = refused(&ws, seed_request());
        match &e {
            DeployError::ResourceFailed { logical_id, reason, .. } => {
                assert_eq!(logical_id, "DevicesDataAnalyticsBucket");
                assert!(reason.starts_with("BucketAlreadyOwnedByYou"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        // The raw bucket, created before the failure in the copy, is not in the workspace.
        assert!(ws.store().bucket(&demo::raw_bucket()).is_err());

        let no_command = "Resources:\n  J:\n    Type: AWS::Glue::Job\n    Properties:\n      Role: r\n";
        let e = refused(
            &Workspace::default(),
            DeployRequest::new(STACK, no_command, demo::REGION),
        );
        assert_eq!(
            e.to_string(),
            "Properties validation failed for resource J with message: #: required key [Command] not found"
        );
    }

    #[test]
    fn json_templates_and_long_forms_resolve_too() {
        let template = r#"{
          "Parameters": {"Env": {"Type": "String", "Default": "dev"}},
          "Resources": {
            "Data": {"Type": "AWS::S3::Bucket",
                     "Properties": {"BucketName":
                       {"Fn::Join": ["-", ["data", {"Ref": "Env"}, {"Ref": "AWS::Region"}]]}}},
            "Db": {"Type": "AWS::Glue::Database", "Properties": {"CatalogId": {"Ref": "AWS::AccountId"},
                   "DatabaseInput": {"Name": "sales"}}},
            "Orders": {"Type": "AWS::Glue::Table", "Properties": {
              "CatalogId": {"Ref": "AWS::AccountId"}, "DatabaseName": {"Ref": "Db"},
              "TableInput": {"Name": "orders", "Parameters": {"classification": "csv", "skip.header.line.count": "1"},
                "PartitionKeys": [{"Name": "day", "Type": "string"}],
                "StorageDescriptor": {"Location": {"Fn::Sub": "s3://${Data}/orders/"},
                  "Columns": [{"Name": "id", "Type": "int"}]}}}},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
            "Job": {"Type": "AWS::Glue::Job", "Properties": {"Name": "orders-etl",
              "Role": {"Fn::GetAtt": ["Role", "Arn"]},
              "Command": {"Name": "glueetl", "ScriptLocation": {"Fn::Sub": "s3://${Data}/etl.py"}},
              "ExecutionProperty": {"MaxConcurrentRuns": 3}, "Timeout": 60}}
          },
          "Outputs": {"BucketArn": {"Value": {"Fn::GetAtt": ["Data", "Arn"]}}}
        }"#;
        let mut ws = Workspace::default();
        let request = DeployRequest::new("sales", template, "eu-west-1")
            .capability("CAPABILITY_IAM")
            .parameter("Env", "prod");
        let report = ws.deploy_stack(&request).unwrap();
        assert_eq!(report.changes.len(), 5);
        assert!(ws.store().bucket("data-prod-eu-west-1").is_ok());
        let orders = ws.catalog().table("sales", "orders").unwrap();
        assert_eq!(orders.format, Format::Csv);
        assert_eq!(orders.location, "s3://data-prod-eu-west-1/orders/");
        assert_eq!(orders.partition_keys[0].name, "day");
        assert!(orders.csv_options().with_header);
        let job = ws.job("orders-etl").unwrap();
        assert!(
            job.role.starts_with("arn:aws:iam::123456789012:role/sales-Role-"),
            "{}",
            job.role
        );
        assert_eq!((job.max_concurrent_runs, job.timeout_minutes), (3, 60));
        assert_eq!(
            ws.stack("sales").unwrap().outputs["BucketArn"],
            "arn:aws:s3:::data-prod-eu-west-1"
        );
        assert_eq!(ws.stack("sales").unwrap().parameters["Env"], "prod");

        let e = refused(
            &Workspace::default(),
            DeployRequest::new("sales", template, "eu-west-1")
                .capability("CAPABILITY_IAM")
                .parameter("Nope", "x"),
        );
        assert_eq!(
            e.to_string(),
            "ValidationError: Parameters: [Nope] do not exist in the template"
        );
    }

    #[test]
    fn stack_names_follow_cloudformations_rule() {
        let e = refused(
            &Workspace::default(),
            DeployRequest::new("1bad_name", seed::TEMPLATE_YAML, demo::REGION),
        );
        assert!(e.to_string().contains("failed to satisfy constraint"), "{e}");
    }

    #[test]
    fn the_deployed_stack_runs_the_articles_script_and_snapshots() {
        let mut ws = deployed();
        let script = S3Uri::parse(ws.job(demo::JOB_NAME).unwrap().script_location.as_deref().unwrap()).unwrap();
        ws.put_object(&script, seed::SCRIPT_PY.as_bytes().to_vec()).unwrap();
        let mut runs = vec![];
        for (key, body) in demo::raw_files() {
            ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.as_bytes().to_vec())
                .unwrap();
            let id = ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
            let run = ws.run(&id).unwrap();
            assert_eq!(run.state, RunState::Succeeded, "{:?}", run.error_message);
            runs.push(id);
        }
        let entry = ws.get_job_bookmark(demo::JOB_NAME, None).unwrap();
        assert_eq!((entry.version, entry.run, entry.attempt), (4, 3, 0));
        assert_eq!(entry.previous_run_id.as_deref(), Some(runs[0].as_str()));
        let sql = r#"SELECT * FROM "devices_data_analystics"."devices_integrated_data""#;
        assert_eq!(ws.query(sql, None).unwrap().batch.num_rows(), 2);

        let bytes = snapshot::save(&ws);
        let loaded = snapshot::load(&bytes).unwrap();
        assert_eq!(loaded, ws, "stacks survive a snapshot");
        assert_eq!(snapshot::save(&loaded), bytes);
    }
}
