//! The infrastructure template of an exported job: see [`cloudformation_template`].

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::model::catalog::{Column, GlueStorage, Table};
use crate::model::job::{JobDefinition, JobPlan, SinkOutput, SourceInput};
use crate::model::store::S3Uri;
use crate::transform::Transform;
use crate::workspace::Workspace;

use super::{create_job_request, job_arguments, script_location, WAREHOUSE_CONNECTION};

/// Logical ids of the two resources every template has.
const ROLE: &str = "GlueJobRole";
const JOB: &str = "GlueJob";
/// The parameter the job's `Command.ScriptLocation` comes from.
const SCRIPT_LOCATION: &str = "ScriptLocation";

/// CloudFormation's limit on a template's `Description`.
const DESCRIPTION_MAX: usize = 1024;

/// The infrastructure template: everything `job` needs on real AWS, as a CloudFormation
/// template (pretty JSON; CloudFormation reads JSON as well as YAML).
///
/// What it creates, from the workspace and the job:
/// - **Parameters**: one per S3 bucket (`<Bucket>BucketName`, the workspace's name as default:
///   bucket names are global on AWS, so a user passes their own), and `ScriptLocation` (default
///   [`super::script_location`], the address the `CreateJob` request names too).
/// - `AWS::S3::Bucket` for every bucket the job reads or writes: its catalog tables' locations,
///   its S3 paths, its lookup tables', and buckets of the workspace that its arguments
///   (`--TempDir`) or its script location name.
/// - `AWS::Glue::Database` and `AWS::Glue::Table` for the catalog tables its sources, sinks and
///   lookups (`Join`, `ValueMapping`, `ResolveChoice` with `match_catalog`) use: columns,
///   partition keys, `Location` as `Fn::Sub` of the bucket parameter, and the SerDe, input and
///   output formats and `classification` of JSON (OpenX JSON SerDe unless the table names
///   another), CSV (LazySimpleSerDe with `field.delim`, `skip.header.line.count` for a header
///   row; or the table's OpenCSVSerde) and Parquet tables.
/// - `AWS::IAM::Role` `GlueJobRole` for `glue.amazonaws.com`: the `AWSGlueServiceRole` managed
///   policy, plus an inline policy scoped to exactly the template's buckets (list; get on the
///   buckets the job only reads; get, put and delete on those it writes). Its name is the job's
///   role's name when the job has one, so the deployed job's `Role` is the prototyped one.
/// - `AWS::Glue::Job` `GlueJob`: [`super::create_job_request`] (the same arguments as the
///   `CreateJob` file, [`super::job_arguments`]) with `Role` from the role and
///   `Command.ScriptLocation` from the parameter; argument values naming a template bucket
///   (`s3://bucket/...`) follow its parameter.
///
/// What it cannot express is said in the template's `Description` and listed in
/// `Metadata.gluelab.NotCovered`, never dropped silently:
/// - JDBC sources and sinks and warehouse lookup tables: they need the Glue connection
///   [`super::WAREHOUSE_CONNECTION`], a Redshift cluster or workgroup, the network to reach it
///   and the tables themselves.
/// - Buckets that arguments name outside the workspace, and catalog table names that come from
///   arguments without defaults.
///
/// And `Metadata.gluelab.Notes` says what a user should know: S3 paths the script names
/// literally (`from_options`) do not follow the bucket parameters; partitions are not created;
/// objects and the job bookmark's state are not exported (the job starts with an empty
/// bookmark); no worker type or count (Glue's default capacity, as in the `CreateJob` request).
///
/// Only the resource types and intrinsic functions gluelab's own CloudFormation model deploys
/// ([`crate::aws::cfn`]: `Ref`, `Fn::Sub`, `Fn::GetAtt`) are used, so the exported template can be
/// deployed back into a workspace with [`Workspace::deploy_stack`].
///
/// Fails when the job uses a catalog table or lookup table the workspace does not have.
pub fn cloudformation_template(ws: &Workspace, job: &JobDefinition) -> Result<String> {
    let needs = Needs::of(ws, job)?;
    Ok(crate::model::bookmark::pretty_json(&needs.template(job)))
}

/// The same template as a JSON value, for exports built on it (`export/cdk.rs`).
pub(super) fn template_value(ws: &Workspace, job: &JobDefinition) -> Result<Value> {
    let needs = Needs::of(ws, job)?;
    Ok(serde_json::to_value(needs.template(job)).expect("a template is JSON"))
}

/// A bucket of the template.
struct Bucket {
    name: String,
    logical_id: String,
    parameter: String,
    writes: bool,
    /// What the job uses it for ("table db.t", "argument --TempDir").
    reads_for: Vec<String>,
    writes_for: Vec<String>,
}

/// Something the job needs that the template does not create: a short label for the
/// Description and a sentence for the Metadata.
struct Gap {
    label: String,
    detail: String,
}

/// What a job needs, gathered from its plan, arguments and script location.
struct Needs<'a> {
    ws: &'a Workspace,
    buckets: Vec<Bucket>,
    databases: Vec<String>,
    tables: Vec<&'a Table>,
    gaps: Vec<Gap>,
    notes: Vec<String>,
    script_location: String,
}

impl<'a> Needs<'a> {
    fn of(ws: &'a Workspace, job: &JobDefinition) -> Result<Self> {
        let mut needs = Needs {
            ws,
            buckets: vec![],
            databases: vec![],
            tables: vec![],
            gaps: vec![],
            notes: vec![],
            script_location: script_location(job),
        };
        // `${name}` in the plan: what the job's own arguments make of it, as a run would.
        let mut values: BTreeMap<String, String> = job
            .default_arguments
            .iter()
            .chain(&job.non_overridable_arguments)
            .map(|(k, v)| (k.trim_start_matches("--").to_string(), v.clone()))
            .collect();
        values.insert("JOB_NAME".into(), job.name.clone());
        let plan = job.plan.with_arguments(&values).unwrap_or_else(|_| job.plan.clone());
        needs.plan(&plan, &job.plan)?;
        needs.arguments(job);
        needs.script();
        needs.general_notes(job);
        Ok(needs)
    }

    fn plan(&mut self, plan: &JobPlan, raw: &JobPlan) -> Result<()> {
        for (source, raw_source) in plan.sources.iter().zip(&raw.sources) {
            match &source.input {
                SourceInput::Catalog { database, table } => self.table(database, table, false, "source")?,
                SourceInput::S3 { path, .. } => {
                    self.path(path, false, &format!("source path {path}"));
                    if let SourceInput::S3 { path: written, .. } = &raw_source.input {
                        self.script_path(written, "reads");
                    }
                }
                SourceInput::Jdbc { table, .. } => self.gaps.push(Gap {
                    label: format!("warehouse source {table}"),
                    detail: format!(
                        "The job reads the warehouse table {table} over JDBC: it needs the Glue connection \
                         {WAREHOUSE_CONNECTION} (a JDBC connection to a Redshift cluster or workgroup, with the \
                         network to reach it) and the table itself. This template creates neither."
                    ),
                }),
            }
        }
        for step in plan.transforms.iter().filter(|s| s.enabled) {
            match &step.transform {
                Transform::Join { table, .. } | Transform::ValueMapping { table, .. } => {
                    self.lookup(table, step.transform.name())?
                }
                Transform::ResolveChoice {
                    database: Some(database),
                    table_name: Some(table),
                    ..
                } => self.table(database, table, false, "ResolveChoice match_catalog")?,
                _ => {}
            }
        }
        for (sink, raw_sink) in plan.sinks.iter().zip(&raw.sinks) {
            match &sink.output {
                SinkOutput::Catalog { database, table } => self.table(database, table, true, "sink")?,
                SinkOutput::S3 { path, .. } => {
                    self.path(path, true, &format!("sink path {path}"));
                    if let SinkOutput::S3 { path: written, .. } = &raw_sink.output {
                        self.script_path(written, "writes");
                    }
                }
                SinkOutput::Jdbc { table } => self.gaps.push(Gap {
                    label: format!("warehouse sink {table}"),
                    detail: format!(
                        "The job writes the warehouse table {table} over JDBC (from_jdbc_conf, staged in \
                         --TempDir): it needs the Glue connection {WAREHOUSE_CONNECTION} (a JDBC connection to a \
                         Redshift cluster or workgroup, with the network to reach it) and the table itself. This \
                         template creates neither."
                    ),
                }),
            }
        }
        Ok(())
    }

    /// A catalog table the job uses, with its database and its location's bucket.
    fn table(&mut self, database: &str, table: &str, writes: bool, what: &str) -> Result<()> {
        if database.contains("${") || table.contains("${") {
            self.gaps.push(Gap {
                label: format!("table {database}.{table}"),
                detail: format!(
                    "The job's {what} table {database}.{table} is named by a job argument without a default: \
                     it is not created here."
                ),
            });
            return Ok(());
        }
        let ws = self.ws;
        let t = ws.catalog.table(database, table).map_err(|_| {
            Error::EntityNotFound(format!(
                "the job's {what} is the catalog table {database}.{table}, which the workspace does not have: \
                 create it (or change the job) before exporting its template"
            ))
        })?;
        if !self.databases.iter().any(|d| d == database) {
            self.databases.push(database.into());
        }
        if !self.tables.iter().any(|x| x.database == database && x.name == table) {
            self.tables.push(t);
            if !t.partition_keys.is_empty() {
                let keys: Vec<&str> = t.partition_keys.iter().map(|c| c.name.as_str()).collect();
                self.notes.push(format!(
                    "Table {database}.{table} is partitioned by ({}): its partitions are not created here. \
                     Register them after loading data (a crawler, MSCK REPAIR TABLE or partition projection).",
                    keys.join(", ")
                ));
            }
        }
        let use_ = format!("table {database}.{table}");
        self.path(&t.location, writes, &use_);
        Ok(())
    }

    /// A lookup table: a catalog table (`database.table`, or `default`), or a warehouse table.
    fn lookup(&mut self, name: &str, transform: &str) -> Result<()> {
        let (database, table) = name.split_once('.').unwrap_or(("default", name));
        if self.ws.catalog.table(database, table).is_ok() {
            return self.table(database, table, false, &format!("{transform} lookup"));
        }
        if self.ws.warehouse.table(name).is_ok() {
            self.gaps.push(Gap {
                label: format!("lookup table {name}"),
                detail: format!(
                    "The job's {transform} looks values up in {name}, a warehouse table in gluelab; the script \
                     reads it with from_catalog(database=\"{database}\", table_name=\"{table}\"), which on AWS \
                     needs a catalog table over a JDBC connection. This template creates neither."
                ),
            });
            return Ok(());
        }
        Err(Error::EntityNotFound(format!(
            "the job's {transform} looks values up in {name}, which is neither a catalog table nor a warehouse \
             table of the workspace: create it (or change the job) before exporting its template"
        )))
    }

    /// An `s3://bucket/...` address the job reads or writes.
    fn path(&mut self, uri: &str, writes: bool, what: &str) {
        let Ok(uri) = S3Uri::parse(uri) else {
            self.gaps.push(Gap {
                label: format!("location {uri}"),
                detail: format!("The job's {what} {uri} is not an s3:// address: no bucket is created for it."),
            });
            return;
        };
        if uri.bucket.contains("${") {
            self.gaps.push(Gap {
                label: format!("bucket {}", uri.bucket),
                detail: format!(
                    "The job's {what} s3://{}/ names its bucket with a job argument that has no default: no \
                     bucket is created for it, and the role has no access to it.",
                    uri.bucket
                ),
            });
            return;
        }
        self.bucket(&uri.bucket, writes, what);
    }

    fn bucket(&mut self, name: &str, writes: bool, what: &str) {
        let at = match self.buckets.iter().position(|b| b.name == name) {
            Some(at) => at,
            None => {
                let logical_id = unique(
                    &format!("{}Bucket", camel(name)),
                    self.buckets.iter().map(|b| &b.logical_id),
                );
                self.buckets.push(Bucket {
                    name: name.into(),
                    parameter: format!("{logical_id}Name"),
                    logical_id,
                    writes: false,
                    reads_for: vec![],
                    writes_for: vec![],
                });
                self.buckets.len() - 1
            }
        };
        let bucket = &mut self.buckets[at];
        bucket.writes |= writes;
        let uses = if writes {
            &mut bucket.writes_for
        } else {
            &mut bucket.reads_for
        };
        if !uses.iter().any(|u| u == what) {
            uses.push(what.into());
        }
    }

    /// A path written literally in the exported script (`from_options`).
    fn script_path(&mut self, path: &str, verb: &str) {
        let Some(bucket) = S3Uri::parse(path)
            .ok()
            .and_then(|u| self.buckets.iter().find(|b| b.name == u.bucket))
        else {
            return;
        };
        self.notes.push(format!(
            "The script {verb} {path} by its address (from_options): overriding the parameter {} does not change \
             it; edit the script to match.",
            bucket.parameter
        ));
    }

    /// Buckets the job's arguments name (`--TempDir`, `--extra-py-files`, ...).
    fn arguments(&mut self, job: &JobDefinition) {
        let arguments: BTreeMap<String, String> = job_arguments(job)
            .into_iter()
            .chain(job.non_overridable_arguments.clone())
            .collect();
        for (key, value) in &arguments {
            let Some(uri) = value.strip_prefix("s3://").and_then(|_| S3Uri::parse(value).ok()) else {
                continue;
            };
            let writes = matches!(
                key.as_str(),
                "--TempDir" | "--RedshiftTempDir" | "--spark-event-logs-path"
            );
            let what = format!("argument {key}");
            let known = self.buckets.iter().any(|b| b.name == uri.bucket);
            if known || self.ws.store.bucket(&uri.bucket).is_ok() {
                self.bucket(&uri.bucket, writes, &what);
            } else if uri.bucket.starts_with("aws-glue-") {
                let own = if uri.bucket == super::assets_bucket() {
                    " (written with Fn::Sub as aws-glue-assets-<account id>-<region>, the deploying account's own)"
                } else {
                    ""
                };
                self.notes.push(format!(
                    "The argument {key} is {value}, in a Glue assets bucket{own}: the AWSGlueServiceRole policy lets \
                     the job use aws-glue-* buckets, and Glue Studio creates one per account and region; this \
                     template does not create it."
                ));
            } else {
                self.gaps.push(Gap {
                    label: format!("bucket {}", uri.bucket),
                    detail: format!(
                        "The argument {key} is {value}, in the bucket {} that the workspace does not have: it is \
                         not created here, and the role has no access to it.",
                        uri.bucket
                    ),
                });
            }
        }
    }

    /// The script's bucket: a template bucket (read), or where the script must be uploaded.
    fn script(&mut self) {
        let location = self.script_location.clone();
        let Ok(uri) = S3Uri::parse(&location) else {
            return;
        };
        let known = self.buckets.iter().any(|b| b.name == uri.bucket);
        if known || self.ws.store.bucket(&uri.bucket).is_ok() {
            self.bucket(&uri.bucket, false, "the job's script");
            let parameter = &self
                .buckets
                .iter()
                .find(|b| b.name == uri.bucket)
                .expect("just added")
                .parameter;
            self.notes.push(format!(
                "The default ScriptLocation {location} lies in the bucket of the parameter {parameter}: when you \
                 override {parameter}, override ScriptLocation too."
            ));
        } else if uri.bucket.starts_with("aws-glue-") {
            self.notes.push(format!(
                "The default ScriptLocation {location} is in a Glue assets bucket of gluelab's simulated account \
                 ({}): pass your own (ScriptLocation=s3://aws-glue-assets-<account>-<region>/scripts/...). \
                 AWSGlueServiceRole lets the job read aws-glue-* buckets.",
                crate::model::account::ACCOUNT_ID
            ));
        } else {
            self.notes.push(format!(
                "The default ScriptLocation {location} is in a bucket this template does not create or grant: give \
                 the role s3:GetObject on it, or upload the script to one of the template's buckets."
            ));
        }
    }

    fn general_notes(&mut self, job: &JobDefinition) {
        self.notes.extend([
            format!(
                "Upload the exported script ({}.py) to ScriptLocation before the first run.",
                job.name
            ),
            "Objects are not exported: upload the job's data to its buckets yourself.".to_string(),
            "The job bookmark's state is not exported: on AWS the job starts with an empty bookmark, so its first \
             run reads every object already in its sources."
                .to_string(),
            "No WorkerType or NumberOfWorkers (gluelab does not model capacity), as in the CreateJob request: Glue \
             gives the job its default capacity. Add them to GlueJob's properties if you need to."
                .to_string(),
        ]);
    }

    // -----------------------------------------------------------------------------------------
    // Writing

    fn template(&self, job: &JobDefinition) -> Node {
        let mut parameters = vec![];
        for b in &self.buckets {
            let mut uses = vec![];
            if !b.reads_for.is_empty() {
                uses.push(format!("read for {}", b.reads_for.join(", ")));
            }
            if !b.writes_for.is_empty() {
                uses.push(format!("written for {}", b.writes_for.join(", ")));
            }
            parameters.push((
                b.parameter.clone(),
                Node::Value(json!({
                    "Type": "String",
                    "Default": b.name,
                    "Description": format!(
                        "Name of the S3 bucket {} in gluelab ({}). Bucket names are global: pass your own.",
                        b.name,
                        uses.join("; ")
                    ),
                    "AllowedPattern": "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
                })),
            ));
        }
        parameters.push((
            SCRIPT_LOCATION.into(),
            Node::Value(json!({
                "Type": "String",
                "Default": self.script_location,
                "Description": format!(
                    "s3:// address of the job's script ({}.py, exported with this template). Upload it there \
                     before the first run; the role must be able to read it.",
                    job.name
                ),
                "AllowedPattern": "^s3://.+",
            })),
        ));

        let mut resources = vec![];
        for b in &self.buckets {
            resources.push(resource(
                &b.logical_id,
                crate::aws::cfn::S3_BUCKET,
                json!({"BucketName": {"Ref": b.parameter}}),
            ));
        }
        let database_ids = self.database_ids();
        for database in &self.databases {
            resources.push(resource(
                &database_ids[database],
                crate::aws::cfn::GLUE_DATABASE,
                json!({
                    "CatalogId": {"Ref": "AWS::AccountId"},
                    "DatabaseInput": {"Name": database},
                }),
            ));
        }
        let mut table_ids: Vec<String> = vec![];
        for t in &self.tables {
            let id = unique(
                &format!("{}{}Table", camel(&t.database), camel(&t.name)),
                table_ids.iter(),
            );
            table_ids.push(id.clone());
            let properties = self.table_properties(t, &database_ids[&t.database]);
            resources.push(resource(&id, crate::aws::cfn::GLUE_TABLE, properties));
        }
        resources.push(resource(ROLE, crate::aws::cfn::IAM_ROLE, self.role_properties(job)));
        resources.push(resource(JOB, crate::aws::cfn::GLUE_JOB, self.job_properties(job)));

        let outputs = json!({
            "JobName": {"Description": "The Glue job", "Value": {"Ref": JOB}},
            "RoleArn": {"Description": "The job's IAM role", "Value": {"Fn::GetAtt": [ROLE, "Arn"]}},
            "ScriptLocation": {"Description": "Where the job's script must be", "Value": {"Ref": SCRIPT_LOCATION}},
        });
        let metadata = json!({
            "gluelab": {
                "Job": job.name,
                "NotCovered": self.gaps.iter().map(|g| g.detail.as_str()).collect::<Vec<_>>(),
                "Notes": self.notes,
            }
        });
        Node::Map(vec![
            ("AWSTemplateFormatVersion".into(), Node::Value(json!("2010-09-09"))),
            ("Description".into(), Node::Value(json!(self.description(job)))),
            ("Metadata".into(), Node::Value(metadata)),
            ("Parameters".into(), Node::Map(parameters)),
            ("Resources".into(), Node::Map(resources)),
            ("Outputs".into(), Node::Value(outputs)),
        ])
    }

    fn description(&self, job: &JobDefinition) -> String {
        let mut text = format!(
            "AWS Glue job {} exported from gluelab: {} S3 bucket(s), {} Glue database(s) with {} table(s), an IAM \
             role and the job.",
            job.name,
            self.buckets.len(),
            self.databases.len(),
            self.tables.len()
        );
        if !self.gaps.is_empty() {
            let labels: Vec<&str> = self.gaps.iter().map(|g| g.label.as_str()).collect();
            text.push_str(&format!(
                " Not created here (see Metadata.gluelab.NotCovered): {}.",
                labels.join("; ")
            ));
        }
        if text.len() > DESCRIPTION_MAX {
            let mut end = DESCRIPTION_MAX - "...".len();
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            text.push_str("...");
        }
        text
    }

    fn database_ids(&self) -> BTreeMap<String, String> {
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        for database in &self.databases {
            let id = unique(&format!("{}Database", camel(database)), ids.values());
            ids.insert(database.clone(), id);
        }
        ids
    }

    fn table_properties(&self, t: &Table, database_id: &str) -> Value {
        let GlueStorage {
            input_format,
            output_format,
            serde_library,
            serde_parameters,
            parameters,
        } = t.glue_storage();
        let mut serde_info = json!({"SerializationLibrary": serde_library});
        if !serde_parameters.is_empty() {
            serde_info["Parameters"] = json!(serde_parameters);
        }
        let mut input = json!({
            "Name": t.name,
            "TableType": "EXTERNAL_TABLE",
            "Parameters": parameters,
            "StorageDescriptor": {
                "Columns": columns(&t.columns),
                "Location": self.with_buckets(&t.location),
                "InputFormat": input_format,
                "OutputFormat": output_format,
                "SerdeInfo": serde_info,
            },
        });
        if !t.partition_keys.is_empty() {
            input["PartitionKeys"] = columns(&t.partition_keys);
        }
        json!({
            "CatalogId": {"Ref": "AWS::AccountId"},
            "DatabaseName": {"Ref": database_id},
            "TableInput": input,
        })
    }

    fn role_properties(&self, job: &JobDefinition) -> Value {
        let (name, path) = role_name(job);
        let mut properties = json!({
            "RoleName": name,
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Service": ["glue.amazonaws.com"]},
                    "Action": ["sts:AssumeRole"],
                }],
            },
            "ManagedPolicyArns": [
                {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSGlueServiceRole"}
            ],
        });
        if path != "/" {
            properties["Path"] = json!(path);
        }
        let arn = |b: &Bucket, objects: bool| {
            let tail = if objects { "/*" } else { "" };
            json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:s3:::${{{}}}{tail}", b.parameter)})
        };
        let mut statements = vec![];
        if !self.buckets.is_empty() {
            statements.push(json!({
                "Sid": "ListTheJobsBuckets",
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": self.buckets.iter().map(|b| arn(b, false)).collect::<Vec<_>>(),
            }));
        }
        let read_only: Vec<Value> = self
            .buckets
            .iter()
            .filter(|b| !b.writes)
            .map(|b| arn(b, true))
            .collect();
        if !read_only.is_empty() {
            statements.push(json!({
                "Sid": "ReadTheJobsInputs",
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": read_only,
            }));
        }
        let written: Vec<Value> = self.buckets.iter().filter(|b| b.writes).map(|b| arn(b, true)).collect();
        if !written.is_empty() {
            statements.push(json!({
                "Sid": "ReadAndWriteTheJobsOutputs",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                "Resource": written,
            }));
        }
        if !statements.is_empty() {
            properties["Policies"] = json!([{
                "PolicyName": format!("{}-s3-access", iam_name(&job.name, 100)),
                "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
            }]);
        }
        properties
    }

    fn job_properties(&self, job: &JobDefinition) -> Value {
        let mut properties = create_job_request(job, &self.script_location);
        properties["Role"] = json!({"Fn::GetAtt": [ROLE, "Arn"]});
        properties["Command"]["ScriptLocation"] = json!({"Ref": SCRIPT_LOCATION});
        for key in ["DefaultArguments", "NonOverridableArguments"] {
            if let Some(Value::Object(arguments)) = properties.get_mut(key) {
                for value in arguments.values_mut() {
                    if let Value::String(text) = value {
                        *value = self.with_buckets(text);
                    }
                }
            }
        }
        properties
    }

    /// `text` with every `s3://<bucket>` of a template bucket written as its parameter: the
    /// text itself when it names none, else an `Fn::Sub` (a literal `${` kept as `${!`).
    fn with_buckets(&self, text: &str) -> Value {
        let escape = |s: &str| s.replace("${", "${!");
        let mut out = String::new();
        let mut replaced = false;
        let mut rest = text;
        while let Some(at) = rest.find("s3://") {
            out.push_str(&escape(&rest[..at + "s3://".len()]));
            let after = &rest[at + "s3://".len()..];
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
                .unwrap_or(after.len());
            let name = &after[..end];
            match self.buckets.iter().find(|b| b.name == name) {
                Some(b) => {
                    out.push_str(&format!("${{{}}}", b.parameter));
                    replaced = true;
                }
                // gluelab's assets bucket names its simulated account: on AWS, the deploying
                // account's own, in the stack's region.
                None if name == super::assets_bucket() => {
                    out.push_str("aws-glue-assets-${AWS::AccountId}-${AWS::Region}");
                    replaced = true;
                }
                None => out.push_str(&escape(name)),
            }
            rest = &after[end..];
        }
        out.push_str(&escape(rest));
        if replaced {
            json!({ "Fn::Sub": out })
        } else {
            Value::String(text.into())
        }
    }
}

fn columns(columns: &[Column]) -> Value {
    Value::Array(
        columns
            .iter()
            .map(|c| json!({"Name": c.name, "Type": c.glue_type}))
            .collect(),
    )
}

/// The role's name and path: the job's role's when it has one (an ARN or a name), else
/// `<job>-glue-job-role`.
fn role_name(job: &JobDefinition) -> (String, String) {
    let role = job.role.trim();
    if let Some((_, rest)) = role.split_once(":role/") {
        return match rest.rsplit_once('/') {
            Some((path, name)) if !name.is_empty() => (name.into(), format!("/{path}/")),
            _ => (rest.trim_end_matches('/').into(), "/".into()),
        };
    }
    if !role.is_empty() && !role.contains([':', '/']) {
        return (role.into(), "/".into());
    }
    (
        format!("{}-glue-job-role", iam_name(&job.name, 64 - "-glue-job-role".len())),
        "/".into(),
    )
}

/// `text` as an IAM name (`[\w+=,.@-]`), at most `max` characters.
fn iam_name(text: &str, max: usize) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(max)
        .collect()
}

/// `devices-raw_data.x` → `DevicesRawDataX`: a logical id's part (alphanumeric only).
fn camel(text: &str) -> String {
    let mut out = String::new();
    for part in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() {
        out.push('X');
    }
    out
}

/// `id`, or `id2`, `id3`... when taken.
fn unique<'s>(id: &str, taken: impl Iterator<Item = &'s String> + Clone) -> String {
    let mut candidate = id.to_string();
    let mut n = 2;
    while taken.clone().any(|t| *t == candidate) {
        candidate = format!("{id}{n}");
        n += 1;
    }
    candidate
}

/// A resource as `(logical id, {"Type", "Properties"})`.
fn resource(logical_id: &str, resource_type: &str, properties: Value) -> (String, Node) {
    (
        logical_id.into(),
        Node::Map(vec![
            ("Type".into(), Node::Value(json!(resource_type))),
            ("Properties".into(), Node::Value(properties)),
        ]),
    )
}

/// JSON whose top-level sections and resources keep the order they were written in
/// (`serde_json::Map` sorts its keys).
enum Node {
    Map(Vec<(String, Node)>),
    Value(Value),
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Node::Value(v) => v.serialize(serializer),
            Node::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_logical_ids_and_iam_names() {
        assert_eq!(
            camel("devices-raw-data-123456789012-ap-northeast-1"),
            "DevicesRawData123456789012ApNortheast1"
        );
        assert_eq!(camel("hr_rules"), "HrRules");
        assert_eq!(camel("--"), "X");
        let taken = ["ABucket".to_string(), "ABucket2".to_string()];
        assert_eq!(unique("ABucket", taken.iter()), "ABucket3");
        assert_eq!(iam_name("my job/x", 64), "my-job-x");
    }

    #[test]
    fn the_role_keeps_the_jobs_role_name_and_path() {
        let mut job = JobDefinition::new(
            "j",
            JobPlan {
                commits: true,
                ..JobPlan::default()
            },
        );
        job.role = "arn:aws:iam::123456789012:role/service-role/MyRole".into();
        assert_eq!(role_name(&job), ("MyRole".into(), "/service-role/".into()));
        job.role = "arn:aws:iam::123456789012:role/MyRole".into();
        assert_eq!(role_name(&job), ("MyRole".into(), "/".into()));
        job.role = "MyRole".into();
        assert_eq!(role_name(&job), ("MyRole".into(), "/".into()));
        job.role = String::new();
        assert_eq!(role_name(&job), ("j-glue-job-role".into(), "/".into()));
    }

    #[test]
    fn bucket_addresses_become_parameters_and_literal_placeholders_stay() {
        let ws = Workspace::default();
        let mut needs = Needs {
            ws: &ws,
            buckets: vec![],
            databases: vec![],
            tables: vec![],
            gaps: vec![],
            notes: vec![],
            script_location: String::new(),
        };
        needs.bucket("raw", false, "x");
        assert_eq!(
            needs.with_buckets("s3://raw/${tenant}/a, s3://other/b, s3://raw"),
            json!({"Fn::Sub": "s3://${RawBucketName}/${!tenant}/a, s3://other/b, s3://${RawBucketName}"})
        );
        assert_eq!(needs.with_buckets("s3://rawer/x"), json!("s3://rawer/x"));
    }
}
