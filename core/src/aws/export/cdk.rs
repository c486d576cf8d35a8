//! The CDK export: the job as a small AWS CDK app (JavaScript that runs with plain `node`), built
//! from the CloudFormation template's model ([`super::template`]) rather than a second
//! description of the resources: see [`cdk_app`].

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::model::job::JobDefinition;
use crate::model::store::S3Uri;
use crate::workspace::Workspace;

use super::template::template_value;
use super::{pyspark_script, WAREHOUSE_CONNECTION};

/// The app's `package.json` and `package-lock.json`: pinned to what `npm view` served when the
/// export was written (`@aws-cdk/aws-glue-alpha` 2.192.0-alpha.0 is its newest, built against
/// aws-cdk-lib 2.192.0). `cargo xtask oracle` installs exactly these (cached under target/).
pub const PACKAGE_JSON: &str = include_str!("../../../fixtures/cdk/package.json");
pub const PACKAGE_LOCK: &str = include_str!("../../../fixtures/cdk/package-lock.json");

/// The aws-cdk-lib version [`PACKAGE_JSON`] pins.
pub const AWS_CDK_LIB: &str = "2.192.0";

/// The CDK CLI a user deploys with: the 3.x CLI rejects the cloud assembly aws-cdk-lib 2.192
/// writes, a 2.x CLI (numbered 2.1000 and up since the CLI's own releases) reads it.
pub const CDK_CLI: &str = "aws-cdk@2";

/// The stack the app defines, named after the job (`[A-Za-z][-A-Za-z0-9]*`).
pub fn stack_name(job: &str) -> String {
    let name: String = job
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(120)
        .collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("job-{name}")
    }
}

/// One file of the app: its path inside the app's folder and its bytes.
pub struct AppFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The job as a CDK app, file by file:
/// - `package.json`, `package-lock.json` ([`PACKAGE_JSON`]) and `app.js`: one stack ([`stack_name`]) with the template's
///   parameters (`cdk.CfnParameter`), its buckets (`s3.Bucket`), its role (`iam.Role`, the same
///   least-privilege policy), its Glue database and tables (the template's own resources,
///   `cdk.CfnResource`), a Glue `Connection` for the warehouse when the job reads or writes it
///   over JDBC (URL and secret as parameters), and the job as the Glue L2 construct
///   `PySparkEtlJob` with the script as an asset, the zips in `dist/` as `extraPythonFiles` and
///   the template's `DefaultArguments` (the bookmark option can only be set there). Logical ids
///   are the template's, so the two exports read alike.
/// - `glue/<job>.py`: the script; `package.sh`: the seed article's packaging, one zip per package
///   folder of `src/` into `dist/`, refusing a folder without `__init__.py`; `dist/<name>.zip`:
///   the `--extra-py-files` zips the workspace holds, as they are; `requirements.txt`: the
///   `--additional-python-modules` for a local run.
/// - `README.md`: how to synthesize and deploy, what is not created, and the local-run recipe.
///
/// Fails as [`super::cloudformation_template`] does.
pub fn cdk_app(ws: &Workspace, job: &JobDefinition) -> Result<Vec<AppFile>> {
    let template = template_value(ws, job)?;
    let script_file = format!("glue/{}.py", job.name);
    let mut extra_zips = vec![];
    let mut files = vec![
        AppFile {
            path: "package.json".into(),
            bytes: PACKAGE_JSON.as_bytes().to_vec(),
        },
        AppFile {
            path: "package-lock.json".into(),
            bytes: PACKAGE_LOCK.as_bytes().to_vec(),
        },
    ];
    for uri in extra_py_files(job) {
        let object = S3Uri::parse(&uri)
            .ok()
            .and_then(|u| ws.store.get(&u).ok().map(|o| (u, o)));
        match object {
            Some((u, object)) => {
                let name = u.key.rsplit('/').next().unwrap_or(&u.key).to_string();
                files.push(AppFile {
                    path: format!("dist/{name}"),
                    bytes: object.body.to_vec(),
                });
            }
            None => extra_zips.push(uri),
        }
    }
    let app = App {
        template: &template,
        job,
        script_file: &script_file,
        remote_zips: &extra_zips,
    };
    files.push(AppFile {
        path: "app.js".into(),
        bytes: app.render().into_bytes(),
    });
    files.push(AppFile {
        path: script_file.clone(),
        bytes: pyspark_script(job).into_bytes(),
    });
    files.push(AppFile {
        path: "package.sh".into(),
        bytes: PACKAGE_SH.as_bytes().to_vec(),
    });
    let modules = additional_python_modules(job);
    if !modules.is_empty() {
        files.push(AppFile {
            path: "requirements.txt".into(),
            bytes: (modules.join("\n") + "\n").into_bytes(),
        });
    }
    files.push(AppFile {
        path: "README.md".into(),
        bytes: readme(ws, job, &template, &script_file, &modules).into_bytes(),
    });
    Ok(files)
}

/// [`cdk_app`] as one zip, for a browser download: every file under `<job>-cdk/`, stored
/// uncompressed (the page carries no compressor), `package.sh` executable, and every entry
/// dated 1980-01-01 so the same job always gives the same bytes.
pub fn cdk_app_zip(ws: &Workspace, job: &JobDefinition) -> Result<Vec<u8>> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    let folder = cdk_app_folder(&job.name);
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    let fail = |e: &dyn std::fmt::Display| Error::InvalidInput(format!("the CDK app could not be zipped: {e}"));
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for file in cdk_app(ws, job)? {
        let mode = if file.path.ends_with(".sh") { 0o755 } else { 0o644 };
        writer
            .start_file(format!("{folder}/{}", file.path), options.unix_permissions(mode))
            .map_err(|e| fail(&e))?;
        writer.write_all(&file.bytes).map_err(|e| fail(&e))?;
    }
    Ok(writer.finish().map_err(|e| fail(&e))?.into_inner())
}

/// The folder [`cdk_app_zip`] puts the app in, and the zip's name without `.zip`.
pub fn cdk_app_folder(job: &str) -> String {
    format!("{}-cdk", stack_name(job))
}

/// The job's `--extra-py-files`, one address each.
fn extra_py_files(job: &JobDefinition) -> Vec<String> {
    list_argument(job, "--extra-py-files", ',')
}

/// The job's `--additional-python-modules`, one `name==version` each.
fn additional_python_modules(job: &JobDefinition) -> Vec<String> {
    list_argument(job, "--additional-python-modules", ',')
}

fn list_argument(job: &JobDefinition, key: &str, separator: char) -> Vec<String> {
    job.default_arguments
        .get(key)
        .map(|v| {
            v.split(separator)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

struct App<'a> {
    template: &'a Value,
    job: &'a JobDefinition,
    script_file: &'a str,
    /// `--extra-py-files` zips the workspace does not hold: referenced where they are.
    remote_zips: &'a [String],
}

impl App<'_> {
    fn render(&self) -> String {
        let t = self.template;
        let mut out = vec![
            format!(
                "// {} — an AWS CDK app exported from gluelab (see README.md).",
                self.job.name
            ),
            "// Synthesize offline: CDK_OUTDIR=cdk.out node app.js".into(),
            "'use strict';".into(),
            "const fs = require('fs');".into(),
            "const path = require('path');".into(),
            "const cdk = require('aws-cdk-lib');".into(),
            "const s3 = require('aws-cdk-lib/aws-s3');".into(),
            "const iam = require('aws-cdk-lib/aws-iam');".into(),
            "const glue = require('@aws-cdk/aws-glue-alpha');".into(),
            String::new(),
            "/** The L1 resource under an L2 construct, given the template's logical id. */".into(),
            "function logicalId(construct, id) {".into(),
            "  construct.node.defaultChild.overrideLogicalId(id);".into(),
            "  return construct;".into(),
            "}".into(),
            String::new(),
            "class JobStack extends cdk.Stack {".into(),
            "  constructor(scope, id, props) {".into(),
            "    super(scope, id, props);".into(),
        ];
        let metadata = t["Metadata"].clone();
        out.push(format!("    this.templateOptions.metadata = {};", js(&metadata, 4)));
        let parameters = t["Parameters"].as_object().cloned().unwrap_or_default();
        for (name, p) in &parameters {
            if name == "ScriptLocation" {
                continue; // the script is an asset: `cdk deploy` uploads it
            }
            out.push(format!(
                "    new cdk.CfnParameter(this, {}, {});",
                js(&json!(name), 4),
                js(&lower_keys(p), 4)
            ));
        }
        let resources = t["Resources"].as_object().cloned().unwrap_or_default();
        let of_type = |ty: &str| -> Vec<(String, Value)> {
            resources
                .iter()
                .filter(|(_, r)| r["Type"] == ty)
                .map(|(id, r)| (id.clone(), r["Properties"].clone()))
                .collect()
        };
        out.push(String::new());
        out.push("    // Buckets: names are global, pass your own (the parameters).".into());
        let mut bucket_vars = BTreeMap::new();
        for (id, p) in of_type(crate::aws::cfn::S3_BUCKET) {
            let var = var_name(&id);
            out.push(format!(
                "    const {var} = logicalId(new s3.Bucket(this, {}, {{ bucketName: {} }}), {});",
                js(&json!(id), 4),
                js(&p["BucketName"], 4),
                js(&json!(id), 4)
            ));
            bucket_vars.insert(id, var);
        }
        out.push(String::new());
        out.push("    // The job's role: AWSGlueServiceRole plus exactly the buckets above.".into());
        for (id, p) in of_type(crate::aws::cfn::IAM_ROLE) {
            let mut props = vec![
                "assumedBy: new iam.ServicePrincipal('glue.amazonaws.com')".to_string(),
                "managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSGlueServiceRole')]"
                    .into(),
            ];
            if let Some(name) = p.get("RoleName") {
                props.insert(0, format!("roleName: {}", js(name, 6)));
            }
            if let Some(path) = p.get("Path") {
                props.push(format!("path: {}", js(path, 6)));
            }
            let policies: Vec<String> = p["Policies"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|policy| {
                    format!(
                        "{}: iam.PolicyDocument.fromJson({})",
                        js(&policy["PolicyName"], 8),
                        js(&policy["PolicyDocument"], 8)
                    )
                })
                .collect();
            if !policies.is_empty() {
                props.push(format!(
                    "inlinePolicies: {{\n        {},\n      }}",
                    policies.join(",\n        ")
                ));
            }
            out.push(format!(
                "    const role = logicalId(new iam.Role(this, {}, {{\n      {},\n    }}), {});",
                js(&json!(id), 4),
                props.join(",\n      "),
                js(&json!(id), 4)
            ));
        }
        out.push(String::new());
        out.push("    // The Glue Data Catalog: the CloudFormation export's own resources.".into());
        for ty in [crate::aws::cfn::GLUE_DATABASE, crate::aws::cfn::GLUE_TABLE] {
            for (id, p) in of_type(ty) {
                out.push(format!(
                    "    new cdk.CfnResource(this, {}, {{ type: {}, properties: {} }});",
                    js(&json!(id), 4),
                    js(&json!(ty), 4),
                    js(&p, 4)
                ));
            }
        }
        let job = of_type(crate::aws::cfn::GLUE_JOB)
            .into_iter()
            .next()
            .map(|(_, p)| p)
            .unwrap_or_default();
        let connections: Vec<String> = job["Connections"]["Connections"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect();
        if !connections.is_empty() {
            out.push(String::new());
            out.push(
                "    // The warehouse the job reads or writes over JDBC. A Redshift in a VPC also needs the".into(),
            );
            out.push("    // connection's subnet and security groups (`subnet`, `securityGroups`).".into());
            out.push("    const warehouseUrl = new cdk.CfnParameter(this, 'WarehouseJdbcUrl', { type: 'String', default: 'jdbc:redshift://example.123456789012.us-east-1.redshift.amazonaws.com:5439/dev', description: 'JDBC URL of the Redshift database the job reads or writes' });".into());
            out.push("    const warehouseSecret = new cdk.CfnParameter(this, 'WarehouseSecretId', { type: 'String', default: 'gluelab-warehouse', description: 'Secrets Manager secret with the database user and password' });".into());
        }
        let mut connection_vars = vec![];
        for (i, name) in connections.iter().enumerate() {
            let var = format!("connection{i}");
            let id = if name == WAREHOUSE_CONNECTION {
                "WarehouseConnection".to_string()
            } else {
                format!("Connection{i}")
            };
            out.push(format!(
                "    const {var} = logicalId(new glue.Connection(this, {}, {{\n      type: glue.ConnectionType.JDBC,\n      connectionName: {},\n      properties: {{ JDBC_CONNECTION_URL: warehouseUrl.valueAsString, SECRET_ID: warehouseSecret.valueAsString }},\n    }}), {});",
                js(&json!(id), 4),
                js(&json!(name), 6),
                js(&json!(id), 4),
            ));
            connection_vars.push(var);
        }
        out.push(String::new());
        out.push("    // The job's own modules: one zip per package (package.sh), uploaded as assets.".into());
        out.push("    const dist = path.join(__dirname, 'dist');".into());
        out.push("    const extraPythonFiles = (fs.existsSync(dist) ? fs.readdirSync(dist) : [])".into());
        out.push("      .filter((f) => f.endsWith('.zip'))".into());
        out.push("      .sort()".into());
        out.push("      .map((f) => glue.Code.fromAsset(path.join(dist, f)));".into());
        for (i, uri) in self.remote_zips.iter().enumerate() {
            if let Ok(u) = S3Uri::parse(uri) {
                let bucket = bucket_vars
                    .iter()
                    .find(|(id, _)| bucket_name_default(self.template, id).as_deref() == Some(u.bucket.as_str()))
                    .map(|(_, var)| var.clone())
                    .unwrap_or_else(|| {
                        format!(
                            "s3.Bucket.fromBucketName(this, 'ExtraPyFiles{i}', {})",
                            js(&json!(u.bucket), 4)
                        )
                    });
                out.push(format!(
                    "    extraPythonFiles.push(glue.Code.fromBucket({bucket}, {}));",
                    js(&json!(u.key), 4)
                ));
            }
        }
        out.push(String::new());
        out.push("    // The job, through the Glue L2 construct. Its DefaultArguments are the export's".into());
        out.push("    // (the bookmark option can only be set here); --job-language and --extra-py-files come".into());
        out.push(
            "    // from the construct. It always sets a capacity: G.1X x 10 is Glue's default for a glueetl job."
                .into(),
        );
        let mut arguments = job["DefaultArguments"].as_object().cloned().unwrap_or_default();
        arguments.remove("--job-language");
        arguments.remove("--extra-py-files");
        let mut props = vec![
            format!("jobName: {}", js(&job["Name"], 6)),
            "role".to_string(),
            format!(
                "script: glue.Code.fromAsset(path.join(__dirname, {}))",
                js(&json!(self.script_file), 6)
            ),
            format!("glueVersion: {}", js(&job["GlueVersion"], 6)),
            "workerType: glue.WorkerType.G_1X".into(),
            "numberOfWorkers: 10".into(),
            "extraPythonFiles".into(),
            format!("defaultArguments: {}", js(&Value::Object(arguments), 6)),
        ];
        if let Some(d) = job.get("Description") {
            props.insert(1, format!("description: {}", js(d, 6)));
        }
        if let Some(n) = job["ExecutionProperty"]["MaxConcurrentRuns"].as_u64() {
            props.push(format!("maxConcurrentRuns: {n}"));
        }
        if let Some(n) = job["MaxRetries"].as_u64() {
            props.push(format!("maxRetries: {n}"));
        }
        if let Some(n) = job["Timeout"].as_u64() {
            props.push(format!("timeout: cdk.Duration.minutes({n})"));
        }
        if !connection_vars.is_empty() {
            props.push(format!("connections: [{}]", connection_vars.join(", ")));
        }
        out.push(format!(
            "    const job = logicalId(new glue.PySparkEtlJob(this, 'GlueJob', {{\n      {},\n    }}), 'GlueJob');",
            props.join(",\n      ")
        ));
        if let Some(nonoverridable) = job.get("NonOverridableArguments") {
            out.push(format!(
                "    job.node.defaultChild.addPropertyOverride('NonOverridableArguments', {});",
                js(nonoverridable, 4)
            ));
        }
        out.push(String::new());
        out.push("    new cdk.CfnOutput(this, 'JobName', { description: 'The Glue job', value: job.jobName });".into());
        out.push(
            "    new cdk.CfnOutput(this, 'RoleArn', { description: \"The job's IAM role\", value: role.roleArn });"
                .into(),
        );
        out.push("  }".into());
        out.push("}".into());
        out.push(String::new());
        out.push(
            "// No bootstrap-version rule and no analytics resource: the template holds only the job's resources."
                .into(),
        );
        out.push("const app = new cdk.App({ analyticsReporting: false });".into());
        out.push(format!(
            "new JobStack(app, {}, {{\n  description: {},\n  synthesizer: new cdk.DefaultStackSynthesizer({{ generateBootstrapVersionRule: false }}),\n}});",
            js(&json!(stack_name(&self.job.name)), 0),
            js(&t["Description"], 2)
        ));
        out.push("app.synth();".into());
        out.join("\n") + "\n"
    }
}

/// The workspace bucket a template bucket stands for: its name parameter's default.
fn bucket_name_default(template: &Value, bucket_id: &str) -> Option<String> {
    let parameter = template["Resources"][bucket_id]["Properties"]["BucketName"]["Ref"].as_str()?;
    template["Parameters"][parameter]["Default"].as_str().map(String::from)
}

/// `FooBucket` → `fooBucket`.
fn var_name(id: &str) -> String {
    let mut chars = id.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => "x".into(),
    }
}

/// A CloudFormation parameter's keys as `CfnParameter`'s props (`AllowedPattern` → `allowedPattern`).
fn lower_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (var_name(k), v.clone())).collect()),
        other => other.clone(),
    }
}

/// A template value as a JavaScript expression: intrinsic functions become `cdk.Fn` calls, so CDK
/// writes them back as they were; everything else is a literal (JSON is JavaScript).
fn js(value: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if map.len() == 1 => {
            let (key, arg) = map.iter().next().expect("one entry");
            match (key.as_str(), arg) {
                ("Ref", Value::String(name)) => format!("cdk.Fn.ref({})", json!(name)),
                ("Fn::Sub", Value::String(text)) => format!("cdk.Fn.sub({})", json!(text)),
                ("Fn::GetAtt", Value::Array(parts)) if parts.len() == 2 => {
                    format!("cdk.Fn.getAtt({}, {}).toString()", parts[0], parts[1])
                }
                _ => object(map, indent, &pad),
            }
        }
        Value::Object(map) => object(map, indent, &pad),
        Value::Array(items) if items.is_empty() => "[]".into(),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(|v| format!("{pad}  {}", js(v, indent + 2))).collect();
            format!("[\n{},\n{pad}]", inner.join(",\n"))
        }
        scalar => scalar.to_string(),
    }
}

fn object(map: &serde_json::Map<String, Value>, indent: usize, pad: &str) -> String {
    if map.is_empty() {
        return "{}".into();
    }
    let inner: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{pad}  {}: {}", json!(k), js(v, indent + 2)))
        .collect();
    format!("{{\n{},\n{pad}}}", inner.join(",\n"))
}

/// The seed article's packaging: one zip per package folder of `src/`, the folder at the zip's
/// root, and a folder without `__init__.py` refused (the two rules Glue's import needs).
const PACKAGE_SH: &str = r#"#!/bin/bash
# One zip per package: src/<package>/ becomes dist/<package>.zip with the package folder at the
# zip's root (not one folder deeper) and its __init__.py, the two rules Glue's import needs.
# app.js adds every dist/*.zip to the job's extraPythonFiles (--extra-py-files).
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC_DIR="$SCRIPT_DIR/src"
DIST_DIR="$SCRIPT_DIR/dist"
[ -d "$SRC_DIR" ] || { echo "package.sh: no $SRC_DIR (put each package folder there)" >&2; exit 1; }
mkdir -p "$DIST_DIR"
for dir in "$SRC_DIR"/*/; do
    name="$(basename "$dir")"
    [ "$name" = "__pycache__" ] && continue
    if [ ! -f "$dir/__init__.py" ]; then
        echo "package.sh: src/$name has no __init__.py: Glue cannot import it as a package" >&2
        exit 1
    fi
    rm -f "$DIST_DIR/$name.zip"
    (cd "$SRC_DIR" && zip -qr "$DIST_DIR/$name.zip" "$name" -x '*/__pycache__/*')
    echo "package.sh: wrote dist/$name.zip"
done
"#;

fn readme(ws: &Workspace, job: &JobDefinition, template: &Value, script_file: &str, modules: &[String]) -> String {
    let stack = stack_name(&job.name);
    let overrides: Vec<String> = template["Parameters"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, _)| name.as_str() != "ScriptLocation")
        .map(|(name, p)| format!("{stack}:{name}={}", p["Default"].as_str().unwrap_or_default()))
        .collect();
    let not_covered: Vec<String> = template["Metadata"]["gluelab"]["NotCovered"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|g| format!("- {g}"))
        .collect();
    let arguments: Vec<String> = job
        .default_arguments
        .iter()
        .filter(|(k, _)| {
            !k.starts_with("--job-")
                && !k.starts_with("--extra-")
                && *k != "--additional-python-modules"
                && *k != "--TempDir"
        })
        .map(|(k, v)| format!("  {k} {}", shell(v)))
        .collect();
    let glue4 = job.glue_version.starts_with('4') || job.glue_version.starts_with('3');
    let (image, home) = if glue4 {
        ("amazon/aws-glue-libs:glue_libs_4.0.0_image_01", "/home/glue_user")
    } else {
        ("public.ecr.aws/glue/aws-glue-libs:5", "/home/hadoop")
    };
    let sources = local_copies(ws, job);
    let mut text = format!(
        "# {name} — an AWS CDK app exported from gluelab\n\n\
         `app.js` defines the stack `{stack}`: the job's S3 buckets, its Glue database and tables, its IAM role \
         (AWSGlueServiceRole plus exactly those buckets), {connection}and the job as the Glue L2 construct \
         `PySparkEtlJob` with its script (`{script_file}`) and its default arguments, bookmark option included. \
         It is the same stack as gluelab's CloudFormation export (`gluelab export-job --format cloudformation`).\n\n\
         ## Deploy\n\n\
         ```sh\n\
         npm ci                         # the versions package-lock.json pins\n\
         ./package.sh                   # only if you keep your own modules in src/<package>/\n\
         CDK_OUTDIR=cdk.out node app.js # synthesize offline: cdk.out/{stack}.template.json\n\
         npx {CDK_CLI} bootstrap        # once per account and region (the assets bucket)\n\
         npx {CDK_CLI} deploy {stack} --app cdk.out --parameters {overrides}\n\
         aws glue start-job-run --job-name {name}\n\
         ```\n\n\
         Bucket names are global: pass your own in `--parameters`. `cdk deploy` uploads the script and the \
         zips in `dist/` as assets. (The 3.x CDK CLI does not read the cloud assembly aws-cdk-lib {lib} writes; \
         use a 2.x CLI.) The job starts with an empty bookmark: objects and bookmark state are not exported.\n",
        name = job.name,
        connection = if template_has_connection(template) {
            "a Glue JDBC connection for the warehouse (parameters `WarehouseJdbcUrl`, `WarehouseSecretId`), "
        } else {
            ""
        },
        overrides = overrides.join(" "),
        lib = AWS_CDK_LIB,
    );
    if !not_covered.is_empty() {
        text.push_str("\n## Not created here\n\n");
        text.push_str(&not_covered.join("\n"));
        text.push('\n');
    }
    text.push_str(
        "\n## Python modules\n\n\
         Glue imports an `--extra-py-files` zip only when each package folder is at the zip's root (not one \
         folder deeper) and holds an `__init__.py`. `package.sh` builds one such zip per folder of `src/`; \
         gluelab checks the zips a job names when it runs. `--additional-python-modules` are installed by Glue \
         from PyPI; locally, `requirements.txt` lists them.\n",
    );
    text.push_str(&format!(
        "\n## Run it locally\n\n\
         AWS's Glue image runs the script with `spark-submit` ({image}). Copy the job's inputs next to it, point \
         the script at the local copies and run:\n\n\
         ```sh\n{copies}\
         sed{seds} {script_file} > local.py\n\
         docker run -it --rm -v \"$PWD\":{home}/workspace/ -e DISABLE_SSL=true --name glue_spark_submit \\\n  \
         {image} \\\n  \
         /bin/bash -c '{pip}spark-submit {home}/workspace/local.py --JOB_NAME local-develop{args}'\n\
         ```\n\n\
         What does not work there: job bookmarks exist only in the Glue job system (locally `job.commit()` saves \
         nothing and every run reads every input again); `from_catalog` reads need the Glue Data Catalog of an \
         AWS account (mount `~/.aws` and set `AWS_PROFILE`, or read the local copies with `from_options`); JDBC \
         sources and sinks need the connection and the network to the database.\n",
        copies = sources,
        seds = bucket_seds(template, home),
        pip = if modules.is_empty() {
            String::new()
        } else {
            format!("pip3 install -r {home}/workspace/requirements.txt && ")
        },
        args = if arguments.is_empty() {
            String::new()
        } else {
            format!(" {}", arguments.iter().map(|a| a.trim()).collect::<Vec<_>>().join(" "))
        },
    ));
    text
}

fn template_has_connection(template: &Value) -> bool {
    template["Resources"]["GlueJob"]["Properties"]["Connections"].is_object()
}

/// `-e 's#s3://bucket/#file://<home>/workspace/data/bucket/#g'` for every template bucket.
fn bucket_seds(template: &Value, home: &str) -> String {
    template["Resources"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, r)| r["Type"] == crate::aws::cfn::S3_BUCKET)
        .filter_map(|(id, _)| bucket_name_default(template, id))
        .map(|b| format!(" -e 's#s3://{b}/#file://{home}/workspace/data/{b}/#g'"))
        .collect()
}

/// `gluelab s3 cp` lines that copy the objects under the job's S3 source paths into `data/`.
fn local_copies(ws: &Workspace, job: &JobDefinition) -> String {
    const MAX: usize = 20;
    let values: BTreeMap<String, String> = job
        .default_arguments
        .iter()
        .map(|(k, v)| (k.trim_start_matches("--").to_string(), v.clone()))
        .chain([("JOB_NAME".to_string(), job.name.clone())])
        .collect();
    let plan = job.plan.with_arguments(&values).unwrap_or_else(|_| job.plan.clone());
    let mut prefixes = vec![];
    for source in &plan.sources {
        match &source.input {
            crate::model::job::SourceInput::S3 { path, .. } => prefixes.push(path.clone()),
            crate::model::job::SourceInput::Catalog { database, table } => {
                if let Ok(t) = ws.catalog.table(database, table) {
                    prefixes.push(t.location.clone());
                }
            }
            crate::model::job::SourceInput::Jdbc { .. } => {}
        }
    }
    let mut lines = vec![];
    let mut more = 0;
    for prefix in prefixes {
        let Ok(uri) = S3Uri::parse(&prefix) else { continue };
        for object in ws.store.list(&uri).unwrap_or_default() {
            if lines.len() < MAX {
                lines.push(format!(
                    "gluelab s3 cp s3://{b}/{k} data/{b}/{k}\n",
                    b = uri.bucket,
                    k = object.key
                ));
            } else {
                more += 1;
            }
        }
    }
    if more > 0 {
        lines.push(format!("# ... and {more} more objects the same way\n"));
    }
    lines.concat()
}

/// `text` quoted for a POSIX shell when it needs it.
fn shell(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,".contains(c))
    {
        text.into()
    } else {
        format!(
            "\"{}\"",
            text.replace('\\', "\\\\").replace('"', "\\\"").replace('$', "\\$")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intrinsics_become_cdk_fn_calls_and_the_rest_stays_literal() {
        assert_eq!(js(&json!({"Ref": "A"}), 0), "cdk.Fn.ref(\"A\")");
        assert_eq!(js(&json!({"Fn::Sub": "s3://${B}/x"}), 0), "cdk.Fn.sub(\"s3://${B}/x\")");
        assert_eq!(
            js(&json!({"Fn::GetAtt": ["R", "Arn"]}), 0),
            "cdk.Fn.getAtt(\"R\", \"Arn\").toString()"
        );
        assert_eq!(
            js(&json!({"a": [1, "x"]}), 0),
            "{\n  \"a\": [\n    1,\n    \"x\",\n  ],\n}"
        );
        assert_eq!(shell("acme-holdings"), "acme-holdings");
        assert_eq!(shell("a b$"), "\"a b\\$\"");
    }

    #[test]
    fn the_zip_holds_the_apps_files_under_one_folder_and_is_the_same_every_time() {
        let ws = crate::demo::hr::hr_workspace().unwrap();
        let job = ws.job("hr-monthly-employees").unwrap();
        let files = cdk_app(&ws, job).unwrap();
        let bytes = cdk_app_zip(&ws, job).unwrap();
        assert_eq!(bytes, cdk_app_zip(&ws, job).unwrap(), "deterministic");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), files.len());
        for file in &files {
            let mut entry = archive
                .by_name(&format!("hr-monthly-employees-cdk/{}", file.path))
                .unwrap_or_else(|_| panic!("{} is in the zip", file.path));
            let mut body = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut body).unwrap();
            assert_eq!(body, file.bytes, "{}", file.path);
            let executable = entry.unix_mode().unwrap() & 0o111 != 0;
            assert_eq!(executable, file.path.ends_with(".sh"), "{}", file.path);
        }
    }

    #[test]
    fn the_hr_app_pins_its_packages_and_builds_the_job_through_the_l2_construct() {
        let ws = crate::demo::hr::hr_workspace().unwrap();
        let job = ws.job("hr-monthly-employees").unwrap();
        let files = cdk_app(&ws, job).unwrap();
        let file = |p: &str| {
            String::from_utf8(
                files
                    .iter()
                    .find(|f| f.path == p)
                    .unwrap_or_else(|| panic!("{p}"))
                    .bytes
                    .clone(),
            )
            .unwrap()
        };
        let package: Value = serde_json::from_str(&file("package.json")).unwrap();
        assert_eq!(package["dependencies"]["@aws-cdk/aws-glue-alpha"], "2.192.0-alpha.0");
        assert_eq!(package["dependencies"]["aws-cdk-lib"], AWS_CDK_LIB);
        let lock: Value = serde_json::from_str(&file("package-lock.json")).unwrap();
        assert_eq!(lock["packages"]["node_modules/aws-cdk-lib"]["version"], AWS_CDK_LIB);
        let app = file("app.js");
        assert!(app.contains("new glue.PySparkEtlJob(this, 'GlueJob'"), "{app}");
        assert!(
            app.contains("\"--job-bookmark-option\": \"job-bookmark-enable\""),
            "{app}"
        );
        assert!(app.contains("connectionName: \"gluelab-warehouse\""), "{app}");
        assert!(app.contains("connections: [connection0]"), "{app}");
        assert!(!app.contains("\"--job-language\""), "the construct sets it: {app}");
        assert_eq!(file("glue/hr-monthly-employees.py"), pyspark_script(job));
        let readme = file("README.md");
        assert!(
            readme.contains("spark-submit /home/glue_user/workspace/local.py --JOB_NAME local-develop"),
            "{readme}"
        );
        assert!(
            readme.contains("job bookmarks exist only in the Glue job system"),
            "{readme}"
        );
    }
}
