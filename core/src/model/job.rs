//! Job definitions: what `CreateJob` stores, plus the plan its script carries out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::format::parquet_codec::ParquetCodec;
use crate::format::{CsvOptions, Format, ParseMode};
use crate::model::bookmark::DEFAULT_MAX_BAND_MS;
use crate::model::clock::Millis;
use crate::transform::Step;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobDefinition {
    pub name: String,
    pub description: String,
    pub role: String,
    pub glue_version: String,
    pub script_location: Option<String>,
    pub default_arguments: BTreeMap<String, String>,
    pub non_overridable_arguments: BTreeMap<String, String>,
    /// `ExecutionProperty.MaxConcurrentRuns`, default 1.
    pub max_concurrent_runs: u32,
    /// `JobRunQueuingEnabled`: a run over MaxConcurrentRuns waits (WAITING) for a running one to
    /// end instead of being refused.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub job_run_queuing_enabled: bool,
    /// Automatic retries after a failed run (0–10); timeouts are never retried.
    pub max_retries: u32,
    /// Minutes, default 2880.
    pub timeout_minutes: u32,
    /// When set, each run interprets the Python script at `script_location` (with the run's
    /// arguments) to get its plan, as Glue runs the script; otherwise `plan` is used as is.
    #[serde(default)]
    pub plan_from_script: bool,
    pub plan: JobPlan,
}

impl JobDefinition {
    pub fn new(name: &str, plan: JobPlan) -> Self {
        Self {
            name: name.into(),
            description: String::new(),
            role: String::new(),
            glue_version: "4.0".into(),
            script_location: None,
            default_arguments: BTreeMap::new(),
            non_overridable_arguments: BTreeMap::new(),
            max_concurrent_runs: 1,
            job_run_queuing_enabled: false,
            max_retries: 0,
            timeout_minutes: 2880,
            plan_from_script: false,
            plan,
        }
    }
}

/// What the job's script does, step by step: read sources, transform, write sinks, commit.
/// The default plan does nothing, not even commit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobPlan {
    /// Names the script asks `getResolvedOptions(sys.argv, [...])` for (without `--`).
    pub required_arguments: Vec<String>,
    pub sources: Vec<SourceSpec>,
    pub transforms: Vec<Step>,
    pub sinks: Vec<SinkSpec>,
    /// Whether the script ends with `job.commit()`. Without it no bookmark is ever saved.
    pub commits: bool,
}

impl JobPlan {
    /// The root names of the plan's enabled Relationalize steps: each a table of its collection
    /// (the job's frame), and the prefix of its child tables (`<root>_<array column>`).
    pub fn relationalize_roots(&self) -> Vec<&str> {
        self.transforms
            .iter()
            .filter(|s| s.enabled)
            .filter_map(|s| match &s.transform {
                crate::transform::Transform::Relationalize { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Every `transformation_ctx` the plan's bookmark can hold a state for: its sources' and its
    /// Relationalize steps'.
    pub fn contexts(&self) -> Vec<&str> {
        let steps = self.transforms.iter().filter_map(|s| match &s.transform {
            crate::transform::Transform::Relationalize { transformation_ctx, .. } => transformation_ctx.as_deref(),
            _ => None,
        });
        self.sources
            .iter()
            .filter_map(|s| s.transformation_ctx.as_deref())
            .chain(steps)
            .collect()
    }

    /// AWS's own answer to "mark these files as processed" (there is no API for it): the same
    /// job with a last step that drops every row, so a run reads, writes nothing and commits.
    pub fn marking_as_processed(&self) -> JobPlan {
        let mut plan = self.clone();
        plan.transforms.push(
            crate::transform::Transform::Filter {
                predicate: "false".into(),
            }
            .into(),
        );
        plan
    }

    /// The plan with every `${name}` in its text (paths, tables, predicates, expressions)
    /// replaced by the run's argument `--name`, as a script uses `args['name']`. A placeholder
    /// without an argument is an error naming it; `$${` writes a literal `${`.
    pub fn with_arguments(&self, values: &BTreeMap<String, String>) -> Result<JobPlan, String> {
        let mut tree = serde_json::to_value(self).map_err(|e| e.to_string())?;
        substitute(&mut tree, values)?;
        serde_json::from_value(tree).map_err(|e| e.to_string())
    }
}

fn substitute(value: &mut serde_json::Value, values: &BTreeMap<String, String>) -> Result<(), String> {
    match value {
        serde_json::Value::String(text) if text.contains("${") => *text = expand(text, values)?,
        serde_json::Value::Array(items) => items.iter_mut().try_for_each(|v| substitute(v, values))?,
        serde_json::Value::Object(map) => map.values_mut().try_for_each(|v| substitute(v, values))?,
        _ => {}
    }
    Ok(())
}

fn expand(text: &str, values: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        if rest[..at].ends_with('$') {
            out.push_str(&rest[..at - 1]);
            out.push_str("${");
            rest = &rest[at + 2..];
            continue;
        }
        out.push_str(&rest[..at]);
        let end = rest[at..]
            .find('}')
            .ok_or_else(|| format!("\"{text}\": ${{ without a closing }}"))?;
        let name = &rest[at + 2..at + end];
        let value = values.get(name).ok_or_else(|| {
            format!("\"{text}\" uses ${{{name}}}, but the run has no argument --{name}: pass it, or declare it as a required argument")
        })?;
        out.push_str(value);
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SourceInput {
    /// `create_dynamic_frame.from_catalog(database, table_name)`.
    Catalog { database: String, table: String },
    /// `create_dynamic_frame.from_options("s3", {"paths": [path]}, format)`.
    S3 {
        path: String,
        format: Format,
        csv: CsvOptions,
    },
    /// `from_options("redshift", {"dbtable": table, "jobBookmarkKeys": [...],
    /// "jobBookmarkKeysSortOrder": "asc"})`: a warehouse table, bookmarked by key. Without keys
    /// the table's primary key is used, as Glue does.
    Jdbc {
        table: String,
        bookmark_keys: Vec<String>,
        sort_order: KeySortOrder,
    },
}

impl SourceInput {
    /// What the source reads, in words a state can be compared by: the table, or the path and
    /// format (CSV options are how, not what).
    pub fn identity(&self) -> String {
        match self {
            SourceInput::Catalog { database, table } => format!("table {database}.{table}"),
            SourceInput::S3 { path, format, .. } => format!("{} at {path}", format.name()),
            SourceInput::Jdbc { table, .. } => format!("warehouse table {table}"),
        }
    }
}

/// Why gluelab does not take a job of this `Command.Name`: the kinds of Glue job that are
/// never bookmarked (GLUE-SEMANTICS.md §1.4). `None` for `glueetl`, the Spark ETL job.
pub fn unbookmarked_command(name: &str) -> Option<String> {
    let why = match name {
        "glueetl" => return None,
        "pythonshell" => {
            "a Python shell job cannot use job bookmarks (AWS: \"You can't use job bookmarks with Python shell jobs\")"
        }
        "gluestreaming" => "a streaming job keeps its progress in Spark checkpoints, not job bookmarks",
        "glueray" => "a Ray job has no job bookmarks",
        other => {
            return Some(format!(
                "Command.Name {other:?} is not a Glue job type (glueetl, gluestreaming, pythonshell, glueray)"
            ))
        }
    };
    Some(format!(
        "Command.Name {name:?}: {why}; gluelab runs Spark ETL jobs (glueetl), the ones bookmarks apply to"
    ))
}

/// The table formats whose tables job bookmarks never track (AWS: "Job bookmarks are not
/// supported" for Hudi, Delta Lake and Iceberg, the data lake framework limitations).
pub const UNBOOKMARKED_FORMATS: [(&str, &str); 3] = [
    ("hudi", "Apache Hudi"),
    ("delta", "Delta Lake"),
    ("iceberg", "Apache Iceberg"),
];

/// `jobBookmarkKeysSortOrder`: whether keys grow (`asc`, the default) or shrink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum KeySortOrder {
    #[default]
    Asc,
    Desc,
}

impl KeySortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            KeySortOrder::Asc => "asc",
            KeySortOrder::Desc => "desc",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "asc" => Some(KeySortOrder::Asc),
            "desc" => Some(KeySortOrder::Desc),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceSpec {
    pub input: SourceInput,
    /// The bookmark key. `None` (or empty in the script) means the source is never bookmarked.
    pub transformation_ctx: Option<String>,
    /// `maxBand` in milliseconds.
    pub max_band: Millis,
    pub mode: ParseMode,
    /// Which listed objects an S3 or catalog source considers, and how many one run takes.
    #[serde(default, skip_serializing_if = "Listing::is_default")]
    pub listing: Listing,
}

/// Glue's S3 listing options: `exclusions`, `recurse`, and bounded execution (`boundedFiles`,
/// `boundedSize`), from a script's connection or additional options or a catalog table's
/// parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// `boundedFiles`: a run reads at most this many of the objects it would read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounded_files: Option<u64>,
    /// `boundedSize`: a run reads objects up to this many bytes (always at least one object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounded_size: Option<u64>,
    /// `exclusions`: globs (Java's syntax) an object's `s3://` path must not match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<String>,
    /// `recurse`: an S3 path source also reads objects in subfolders (a catalog source always
    /// reads its whole location).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recurse: bool,
    /// `push_down_predicate`: SQL over a partitioned catalog table's partition keys; partitions
    /// it does not keep are never listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push_down_predicate: Option<String>,
    /// `catalogPartitionPredicate` (an additional option): the same, evaluated by the catalog
    /// (`GetPartitions`' expression) before the partitions reach the job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_partition_predicate: Option<String>,
}

impl Listing {
    pub fn is_default(&self) -> bool {
        *self == Listing::default()
    }

    /// Whether a run reads only part of its backlog.
    pub fn is_bounded(&self) -> bool {
        self.bounded_files.is_some() || self.bounded_size.is_some()
    }

    /// These settings with each one `options` sets replacing it (a script's additional options
    /// over a catalog table's parameters).
    pub fn overridden_by(self, options: &Listing) -> Listing {
        Listing {
            bounded_files: options.bounded_files.or(self.bounded_files),
            bounded_size: options.bounded_size.or(self.bounded_size),
            exclusions: if options.exclusions.is_empty() {
                self.exclusions
            } else {
                options.exclusions.clone()
            },
            recurse: options.recurse || self.recurse,
            push_down_predicate: options.push_down_predicate.clone().or(self.push_down_predicate),
            catalog_partition_predicate: options
                .catalog_partition_predicate
                .clone()
                .or(self.catalog_partition_predicate),
        }
    }

    /// The partition predicates set, by the name a script gives each.
    pub fn partition_predicates(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("push_down_predicate", self.push_down_predicate.as_deref()),
            ("catalogPartitionPredicate", self.catalog_partition_predicate.as_deref()),
        ]
        .into_iter()
        .filter_map(|(option, predicate)| Some((option, predicate?)))
    }

    /// Sets `boundedFiles`, `boundedSize`, `exclusions` or `catalogPartitionPredicate` from its text, as Glue takes them
    /// (strings: `"500"`, `"[\"**.tmp\"]"`); `Ok(false)` for any other key.
    pub fn set_text(&mut self, key: &str, text: &str) -> Result<bool, String> {
        let count = |what: &str| {
            text.trim().parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                format!("{key} must be a positive whole number of {what}, as a string (\"500\"), not {text:?}")
            })
        };
        match key {
            "boundedFiles" => self.bounded_files = Some(count("files")?),
            "boundedSize" => self.bounded_size = Some(count("bytes")?),
            "catalogPartitionPredicate" => {
                self.catalog_partition_predicate = Some(text.to_string()).filter(|t| !t.trim().is_empty());
            }
            "exclusions" => {
                let globs: Vec<String> = serde_json::from_str(text).map_err(|e| {
                    format!("exclusions must be a JSON list of globs in a string, such as \"[\\\"**.tmp\\\"]\", not {text:?} ({e})")
                })?;
                crate::model::glob::Exclusions::new(&globs).map_err(|e| format!("exclusions: {e}"))?;
                self.exclusions = globs;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The options a script passes for these settings, as `"key": value` pairs (strings, as
    /// Glue takes them); `push_down_predicate` is an argument of its own.
    pub fn script_options(&self) -> Vec<(&'static str, String)> {
        let mut options = vec![];
        if let Some(n) = self.bounded_files {
            options.push(("boundedFiles", n.to_string()));
        }
        if let Some(n) = self.bounded_size {
            options.push(("boundedSize", n.to_string()));
        }
        if !self.exclusions.is_empty() {
            options.push((
                "exclusions",
                serde_json::to_string(&self.exclusions).expect("strings serialise"),
            ));
        }
        if let Some(predicate) = &self.catalog_partition_predicate {
            options.push(("catalogPartitionPredicate", predicate.clone()));
        }
        options
    }
}

impl SourceSpec {
    /// A warehouse table read with key bookmarks.
    pub fn jdbc(
        table: &str,
        bookmark_keys: &[&str],
        sort_order: KeySortOrder,
        transformation_ctx: Option<&str>,
    ) -> Self {
        Self {
            input: SourceInput::Jdbc {
                table: table.into(),
                bookmark_keys: bookmark_keys.iter().map(|k| k.to_string()).collect(),
                sort_order,
            },
            transformation_ctx: transformation_ctx.filter(|c| !c.is_empty()).map(str::to_string),
            max_band: DEFAULT_MAX_BAND_MS,
            mode: ParseMode::default(),
            listing: Listing::default(),
        }
    }

    pub fn catalog(database: &str, table: &str, transformation_ctx: Option<&str>) -> Self {
        Self {
            input: SourceInput::Catalog {
                database: database.into(),
                table: table.into(),
            },
            transformation_ctx: transformation_ctx.filter(|c| !c.is_empty()).map(str::to_string),
            max_band: DEFAULT_MAX_BAND_MS,
            mode: ParseMode::default(),
            listing: Listing::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SinkOutput {
    Catalog {
        database: String,
        table: String,
    },
    S3 {
        path: String,
        format: Format,
    },
    /// `write_dynamic_frame.from_jdbc_conf(..., connection_options={"dbtable": table})`: a
    /// warehouse table, created from the frame's columns when missing.
    Jdbc {
        table: String,
    },
}

/// How a sink treats what is already there. Glue's S3 writer appends; the other modes show
/// why some real pipelines do not duplicate after a reset (they are not Glue's default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SinkMode {
    /// New part files next to the old ones: Glue's `write_dynamic_frame` behaviour.
    Append,
    /// Everything under the path is replaced (Spark `mode("overwrite")`, or `purge_s3_path` first).
    Overwrite,
    /// Rows whose key matches an existing row replace it (an upsert, as a MERGE or a JDBC upsert does).
    MergeOnKey { keys: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SinkSpec {
    pub output: SinkOutput,
    /// Accepted, as on Glue, and never used for bookmarks: targets are not tracked.
    pub transformation_ctx: Option<String>,
    pub mode: SinkMode,
    /// The Parquet writer's codec (Glue's `compression` option); unset: the catalog table's
    /// `parquet.compression`, else snappy, Glue's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<ParquetCodec>,
    /// Which table of a Relationalize step's collection the sink writes
    /// (`dfc.select("orders_items")`); unset: the job's frame (the root table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection_key: Option<String>,
}

impl SinkSpec {
    pub fn jdbc(table: &str, mode: SinkMode) -> Self {
        Self {
            output: SinkOutput::Jdbc { table: table.into() },
            transformation_ctx: None,
            mode,
            compression: None,
            collection_key: None,
        }
    }

    pub fn catalog(database: &str, table: &str, transformation_ctx: Option<&str>) -> Self {
        Self {
            output: SinkOutput::Catalog {
                database: database.into(),
                table: table.into(),
            },
            transformation_ctx: transformation_ctx.map(str::to_string),
            mode: SinkMode::Append,
            compression: None,
            collection_key: None,
        }
    }

    /// The sink writing the table `key` of a Relationalize collection.
    pub fn of_collection_key(self, key: &str) -> Self {
        Self {
            collection_key: Some(key.into()),
            ..self
        }
    }
}

impl SourceInput {
    /// The kinds a job editor offers: `catalog`, `s3`, `jdbc`.
    pub const KINDS: [&'static str; 3] = ["catalog", "s3", "jdbc"];

    pub fn kind(&self) -> &'static str {
        match self {
            SourceInput::Catalog { .. } => "catalog",
            SourceInput::S3 { .. } => "s3",
            SourceInput::Jdbc { .. } => "jdbc",
        }
    }

    /// An empty input of `kind` (a catalog table for an unknown kind).
    pub fn blank(kind: &str) -> SourceInput {
        match kind {
            "s3" => SourceInput::S3 {
                path: "s3://".into(),
                format: Format::Json,
                csv: CsvOptions::default(),
            },
            "jdbc" => SourceInput::Jdbc {
                table: String::new(),
                bookmark_keys: vec![],
                sort_order: KeySortOrder::Asc,
            },
            _ => SourceInput::Catalog {
                database: String::new(),
                table: String::new(),
            },
        }
    }

    /// `db.table`, the S3 path, or `JDBC schema.table`.
    pub fn label(&self) -> String {
        match self {
            SourceInput::Catalog { database, table } => format!("{database}.{table}"),
            SourceInput::S3 { path, .. } => path.clone(),
            SourceInput::Jdbc { table, .. } => format!("JDBC {table}"),
        }
    }
}

impl SinkOutput {
    /// The kinds a job editor offers: `catalog`, `s3`, `jdbc`.
    pub const KINDS: [&'static str; 3] = ["catalog", "s3", "jdbc"];

    pub fn kind(&self) -> &'static str {
        match self {
            SinkOutput::Catalog { .. } => "catalog",
            SinkOutput::S3 { .. } => "s3",
            SinkOutput::Jdbc { .. } => "jdbc",
        }
    }

    /// An empty output of `kind` (a catalog table for an unknown kind).
    pub fn blank(kind: &str) -> SinkOutput {
        match kind {
            "s3" => SinkOutput::S3 {
                path: "s3://".into(),
                format: Format::Json,
            },
            "jdbc" => SinkOutput::Jdbc { table: String::new() },
            _ => SinkOutput::Catalog {
                database: String::new(),
                table: String::new(),
            },
        }
    }

    /// `db.table`, the S3 path, or `JDBC schema.table`.
    pub fn label(&self) -> String {
        match self {
            SinkOutput::Catalog { database, table } => format!("{database}.{table}"),
            SinkOutput::S3 { path, .. } => path.clone(),
            SinkOutput::Jdbc { table } => format!("JDBC {table}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_fill_placeholders_and_a_missing_one_is_named() {
        let values = BTreeMap::from([("tenant_id".to_string(), "acme".to_string())]);
        assert_eq!(
            expand("s3://raw/${tenant_id}/hr/", &values).unwrap(),
            "s3://raw/acme/hr/"
        );
        assert_eq!(
            expand("cost $${x} for ${tenant_id}", &values).unwrap(),
            "cost ${x} for acme"
        );
        let e = expand("s3://raw/${job_id}/", &values).unwrap_err();
        assert!(e.contains("the run has no argument --job_id"), "{e}");
        assert!(expand("${tenant_id", &values).is_err());
    }
}
