//! The awsglue / PySpark calls the runner models, each adding its step to the linear plan.

use ruff_python_ast::ExprCall;
use ruff_text_size::TextRange;

use super::call::Bound;
use super::interp::{Interp, R};
use super::value::{Builtin, FrameKind, FrameRef, Value};
use crate::format::parquet_codec::ParquetCodec;
use crate::format::{CsvOptions, Format, ParseMode};
use crate::model::bookmark::DEFAULT_MAX_BAND_MS;
use crate::model::clock::Millis;
use crate::model::job::{SinkMode, SinkOutput, SinkSpec, SourceInput, SourceSpec};
use crate::transform::{Mapping, Transform};

/// The tail every Glue transform shares after its own parameters.
const TRANSFORM_TAIL: [&str; 4] = ["transformation_ctx", "info", "stageThreshold", "totalThreshold"];

fn is_empty_str(v: &Value) -> bool {
    matches!(v, Value::Str(s) if s.is_empty())
}

impl Interp<'_> {
    pub fn call_builtin(&mut self, builtin: Builtin, c: &ExprCall) -> R<Value> {
        match builtin {
            Builtin::GetResolvedOptions => self.get_resolved_options(c),
            Builtin::SparkContext => {
                self.bind(c, "SparkContext", &[])?;
                Ok(Value::SparkContext)
            }
            Builtin::GlueContext => {
                let b = self.bind(c, "GlueContext", &["sparkContext"])?;
                match self.required(&b, "sparkContext")? {
                    (Value::SparkContext, _) => Ok(Value::GlueContext),
                    (other, range) => Err(self.error(
                        *range,
                        format!(
                            "TypeError: GlueContext() needs a SparkContext, not {}",
                            other.type_name()
                        ),
                    )),
                }
            }
            Builtin::Job => {
                let b = self.bind(c, "Job", &["glue_context"])?;
                match self.required(&b, "glue_context")? {
                    (Value::GlueContext, _) => Ok(Value::Job),
                    (other, range) => Err(self.error(
                        *range,
                        format!("TypeError: Job() needs a GlueContext, not {}", other.type_name()),
                    )),
                }
            }
            Builtin::Int => {
                let b = self.bind(c, "int", &["x"])?;
                let (value, range) = self.required(&b, "x")?;
                match value {
                    Value::Int(i) => Ok(Value::Int(*i)),
                    Value::Bool(v) => Ok(Value::Int(*v as i64)),
                    Value::Float(f) if f.is_finite() => Ok(Value::Int(f.trunc() as i64)),
                    Value::Str(s) => s.trim().replace('_', "").parse().map(Value::Int).map_err(|_| {
                        self.error(
                            *range,
                            format!("ValueError: invalid literal for int() with base 10: {}", value.repr()),
                        )
                    }),
                    other => Err(self.error(
                        *range,
                        format!(
                            "TypeError: int() argument must be a string or a number, not '{}'",
                            other.type_name()
                        ),
                    )),
                }
            }
            Builtin::Str => {
                let b = self.bind(c, "str", &["object"])?;
                match b.get("object") {
                    None => Ok(Value::Str(if c.arguments.args.is_empty() {
                        String::new()
                    } else {
                        "None".into()
                    })),
                    Some((v @ (Value::Str(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)), _)) => {
                        Ok(Value::Str(v.to_str()))
                    }
                    Some((other, range)) => Err(self.unsupported(*range, format!("str() of a {}", other.type_name()))),
                }
            }
            Builtin::DynamicFrame => Err(self.unsupported(
                c.range,
                "`DynamicFrame(...)` (frames come from create_dynamic_frame or DynamicFrame.fromDF)",
            )),
            transform => Err(self.unsupported(
                c.range,
                format!("calling `{0}(...)` directly (use {0}.apply(...))", transform.name()),
            )),
        }
    }

    pub fn call_method(&mut self, object: Value, name: &'static str, c: &ExprCall) -> R<Value> {
        match (object, name) {
            (Value::Builtin(Builtin::SparkContext), "getOrCreate") => {
                self.bind(c, "getOrCreate", &[])?;
                Ok(Value::SparkContext)
            }
            (Value::Builtin(Builtin::DynamicFrame), "fromDF") => self.dynamic_frame_from_df(c),
            (Value::Builtin(Builtin::Relationalize), "apply") => self.relationalize(c, None),
            (Value::Builtin(Builtin::SelectFromCollection), "apply") => {
                let b = self.bind(c, "SelectFromCollection.apply", &["dfc", "key", "transformation_ctx"])?;
                let (collection, range) = self.required(&b, "dfc")?;
                let collection = collection.clone();
                let range = *range;
                let key = self.required_str(&b, "key")?;
                self.select_from_collection(collection, range, key)
            }
            (Value::Builtin(transform), "apply") => self.transform(transform, c, None),
            (Value::GlueContext, "create_dynamic_frame_from_catalog") => self.read_catalog(c, name),
            (Value::GlueContext, "create_dynamic_frame_from_options") => self.read_options(c, name),
            (Value::GlueContext, "write_dynamic_frame_from_catalog") => self.write_catalog(c, name),
            (Value::GlueContext, "write_dynamic_frame_from_options") => self.write_options(c, name),
            (Value::Reader, "from_catalog") => self.read_catalog(c, "create_dynamic_frame.from_catalog"),
            (Value::Reader, _) => self.read_options(c, "create_dynamic_frame.from_options"),
            (Value::Writer, "from_catalog") => self.write_catalog(c, "write_dynamic_frame.from_catalog"),
            (Value::Writer, _) => self.write_options(c, "write_dynamic_frame.from_options"),
            (Value::Job, "init") => self.job_init(c),
            (Value::Job, _) => {
                self.bind(c, "commit", &[])?;
                if !self.job_initialised {
                    return Err(self.unsupported(c.range, "job.commit() before job.init()"));
                }
                self.plan.commits = true;
                self.committed = true;
                Ok(Value::None)
            }
            (Value::Frame(frame), "toDF") => {
                let b = self.bind(c, "toDF", &["options"])?;
                self.only_default(&b, "options", |v| matches!(v, Value::List(l) if l.is_empty()))?;
                Ok(Value::Frame(FrameRef {
                    kind: FrameKind::DataFrame,
                    ..frame
                }))
            }
            (Value::Frame(frame), "show") => self.show(frame, c),
            (Value::Frame(frame), "relationalize") => {
                let receiver = self.receiver(c);
                self.relationalize(c, Some((frame, receiver)))
            }
            (collection @ Value::Collection { .. }, "select") => {
                let b = self.bind(c, "select", &["key", "transformation_ctx"])?;
                let key = self.required_str(&b, "key")?;
                let range = self.receiver(c);
                self.select_from_collection(collection, range, key)
            }
            (Value::Collection { .. }, _) => Err(self.unsupported(
                c.range,
                "DynamicFrameCollection.keys() (its child tables depend on the data; select each by name, `<root>_<array column>`)",
            )),
            (Value::Frame(frame), method) => {
                let transform = match method {
                    "apply_mapping" => Builtin::ApplyMapping,
                    "filter" => Builtin::Filter,
                    "drop_fields" => Builtin::DropFields,
                    "select_fields" => Builtin::SelectFields,
                    _ => Builtin::RenameField,
                };
                let receiver = self.receiver(c);
                self.transform(transform, c, Some((frame, receiver)))
            }
            (other, name) => Err(self.unsupported(c.range, format!("{}.{name}()", other.type_name()))),
        }
    }

    /// `getResolvedOptions(sys.argv, [...])`: Glue's validation and messages, then the dict.
    fn get_resolved_options(&mut self, c: &ExprCall) -> R<Value> {
        let b = self.bind(c, "getResolvedOptions", &["args", "options"])?;
        match self.required(&b, "args")? {
            (Value::Argv, _) => {}
            (_, range) => {
                return Err(self.unsupported(*range, "getResolvedOptions() on something other than sys.argv"));
            }
        }
        let options = match self.required(&b, "options")? {
            (Value::Str(_), range) => {
                return Err(self.error(
                    *range,
                    "TypeError: getResolvedOptions() options must be a list of names, not a str",
                ))
            }
            _ => self.str_list(&b, "options")?,
        };
        let resolved = crate::model::args::resolve(self.arguments, &options, self.rules)
            .map_err(|e| self.error(b.range, e.to_string()))?;
        for option in &options {
            if !self.plan.required_arguments.contains(option) {
                self.plan.required_arguments.push(option.clone());
            }
        }
        let dict = resolved
            .dict
            .into_iter()
            .map(|(key, value)| (Value::Str(key), value.map_or(Value::None, Value::Str)))
            .collect();
        Ok(Value::Dict(dict))
    }

    fn job_init(&mut self, c: &ExprCall) -> R<Value> {
        let b = self.bind(c, "init", &["job_name", "args"])?;
        let name = self.required_str(&b, "job_name")?;
        match b.get("args") {
            None | Some((Value::Dict(_), _)) => {}
            Some((other, range)) => {
                return Err(self.error(
                    *range,
                    format!(
                        "TypeError: init() argument 'args' must be dict, not {}",
                        other.type_name()
                    ),
                ))
            }
        }
        if let Some(run_job) = self.arguments.get("--JOB_NAME").filter(|j| **j != name) {
            let range = self.required(&b, "job_name")?.1;
            return Err(self.unsupported(
                range,
                format!("job.init('{name}') with a name other than the run's JOB_NAME '{run_job}' (its bookmark)"),
            ));
        }
        self.job_initialised = true;
        Ok(Value::None)
    }

    fn dynamic_frame_from_df(&mut self, c: &ExprCall) -> R<Value> {
        let b = self.bind(c, "fromDF", &["dataframe", "glue_ctx", "name"])?;
        let (frame, range) = self.frame_arg(&b, "dataframe")?;
        if frame.kind != FrameKind::DataFrame {
            return Err(self.error(
                range,
                "TypeError: fromDF() argument 'dataframe' must be a DataFrame, not DynamicFrame",
            ));
        }
        match self.required(&b, "glue_ctx")? {
            (Value::GlueContext, _) => {}
            (other, range) => {
                return Err(self.error(
                    *range,
                    format!(
                        "TypeError: fromDF() argument 'glue_ctx' must be a GlueContext, not {}",
                        other.type_name()
                    ),
                ))
            }
        }
        self.required_str(&b, "name")?;
        Ok(Value::Frame(FrameRef {
            kind: FrameKind::Dynamic,
            ..frame
        }))
    }

    /// `df.show(n=20, truncate=True, vertical=False)` or `dyf.show(num_rows=20)`.
    fn show(&mut self, frame: FrameRef, c: &ExprCall) -> R<Value> {
        let b = match frame.kind {
            FrameKind::DataFrame => self.bind(c, "show", &["n", "truncate", "vertical"])?,
            FrameKind::Dynamic => self.bind(c, "show", &["num_rows"])?,
        };
        self.only_default(&b, "vertical", |v| *v == Value::Bool(false))?;
        let rows = match b.get("n").or(b.get("num_rows")) {
            None => 20,
            Some((Value::Int(n), _)) if *n >= 0 => *n as usize,
            Some((other, range)) => {
                return Err(self.error(
                    *range,
                    format!("TypeError: show() needs a non-negative int, not {}", other.repr()),
                ))
            }
        };
        self.add_transform(Transform::Show { rows }, frame, self.receiver(c), c.range, "show()")?;
        Ok(Value::None)
    }

    /// The `x` of `x.method(...)`, to name it in messages.
    pub fn receiver(&self, c: &ExprCall) -> TextRange {
        match &*c.func {
            ruff_python_ast::Expr::Attribute(a) => ruff_text_size::Ranged::range(&*a.value),
            _ => c.range,
        }
    }

    /// A transform, as `X.apply(frame=..., ...)` (`receiver` None) or as a frame's method.
    fn transform(&mut self, kind: Builtin, c: &ExprCall, receiver: Option<(FrameRef, TextRange)>) -> R<Value> {
        let (func, own): (&'static str, &[&'static str]) = match (kind, receiver.is_some()) {
            (Builtin::ApplyMapping, false) => ("ApplyMapping.apply", &["mappings", "case_sensitive"]),
            (Builtin::ApplyMapping, true) => ("apply_mapping", &["mappings", "case_sensitive"]),
            (Builtin::Filter, false) => ("Filter.apply", &["f"]),
            (Builtin::Filter, true) => ("filter", &["f"]),
            (Builtin::DropFields, false) => ("DropFields.apply", &["paths"]),
            (Builtin::DropFields, true) => ("drop_fields", &["paths"]),
            (Builtin::SelectFields, false) => ("SelectFields.apply", &["paths"]),
            (Builtin::SelectFields, true) => ("select_fields", &["paths"]),
            (Builtin::RenameField, false) => ("RenameField.apply", &["old_name", "new_name"]),
            (Builtin::RenameField, true) => ("rename_field", &["oldName", "newName"]),
            (other, _) => return Err(self.unsupported(c.range, format!("`{}.apply(...)`", other.name()))),
        };
        let mut params = vec![];
        if receiver.is_none() {
            params.push("frame");
        }
        params.extend_from_slice(own);
        params.extend_from_slice(&TRANSFORM_TAIL);
        let b = self.bind(c, func, &params)?;
        let (frame, frame_range) = match receiver {
            Some(r) => r,
            None => self.frame_arg(&b, "frame")?,
        };
        self.only_default(&b, "case_sensitive", |v| *v == Value::Bool(false))?;
        self.opt_str(&b, "transformation_ctx")?;
        let step = match kind {
            Builtin::ApplyMapping => Transform::ApplyMapping {
                mappings: self.mappings(&b)?,
            },
            Builtin::Filter => match self.required(&b, "f")? {
                (Value::Predicate(predicate), _) => Transform::Filter {
                    predicate: predicate.clone(),
                },
                (_, range) => {
                    return Err(self.unsupported(
                        *range,
                        format!("`{}` as a Filter function (write a lambda)", self.text(*range)),
                    ))
                }
            },
            Builtin::DropFields => Transform::DropFields {
                paths: self.str_list(&b, "paths")?,
            },
            Builtin::SelectFields => Transform::SelectFields {
                paths: self.str_list(&b, "paths")?,
            },
            _ => {
                let (old, new) = if receiver.is_some() {
                    ("oldName", "newName")
                } else {
                    ("old_name", "new_name")
                };
                Transform::RenameField {
                    old_name: self.required_str(&b, old)?,
                    new_name: self.required_str(&b, new)?,
                }
            }
        };
        self.add_transform(step, frame, frame_range, c.range, func)
    }

    /// `Relationalize.apply(frame, staging_path, name, options, transformation_ctx, ...)` or
    /// `frame.relationalize(root_table_name, staging_path, options, transformation_ctx, ...)`:
    /// a step whose value is the collection.
    fn relationalize(&mut self, c: &ExprCall, receiver: Option<(FrameRef, TextRange)>) -> R<Value> {
        let (func, name_param) = match receiver {
            Some(_) => ("relationalize", "root_table_name"),
            None => ("Relationalize.apply", "name"),
        };
        let mut params = match receiver {
            Some(_) => vec![name_param, "staging_path", "options"],
            None => vec!["frame", "staging_path", name_param, "options"],
        };
        params.extend_from_slice(&TRANSFORM_TAIL);
        let b = self.bind(c, func, &params)?;
        let (frame, frame_range) = match receiver {
            Some(r) => r,
            None => self.frame_arg(&b, "frame")?,
        };
        let name = match b.get(name_param) {
            Some(_) => self.required_str(&b, name_param)?,
            None if receiver.is_none() => crate::transform::relationalize::default_root(),
            None => self.required_str(&b, name_param)?,
        };
        self.only_default(&b, "options", |v| {
            matches!(v, Value::None) || matches!(v, Value::Dict(d) if d.is_empty())
        })?;
        let ctx = self.opt_str(&b, "transformation_ctx")?.filter(|c| !c.is_empty());
        let step = Transform::Relationalize {
            name: name.clone(),
            transformation_ctx: ctx,
        };
        self.add_transform(step, frame, frame_range, c.range, func)?;
        Ok(Value::Collection {
            root: name,
            version: self.version,
        })
    }

    /// `dfc.select(key)` / `SelectFromCollection.apply(dfc, key)`: the root table goes on as
    /// the job's frame; a child table may only be written.
    fn select_from_collection(&mut self, collection: Value, range: TextRange, key: String) -> R<Value> {
        let Value::Collection { root, version } = collection else {
            return Err(self.error(
                range,
                format!(
                    "TypeError: SelectFromCollection needs a DynamicFrameCollection, not {}",
                    collection.type_name()
                ),
            ));
        };
        if key == root {
            return Ok(Value::Frame(FrameRef::dynamic(version)));
        }
        let child = match self.collection_tables.iter().position(|k| *k == key) {
            Some(at) => at,
            None => {
                self.collection_tables.push(key);
                self.collection_tables.len() - 1
            }
        };
        Ok(Value::Frame(FrameRef {
            child: Some(child),
            ..FrameRef::dynamic(version)
        }))
    }

    fn mappings(&self, b: &Bound) -> R<Vec<Mapping>> {
        let (value, range) = self.required(b, "mappings")?;
        let items = match value {
            Value::Tuple(_) => std::slice::from_ref(value),
            Value::List(items) => items.as_slice(),
            other => {
                return Err(self.error(
                    *range,
                    format!(
                        "TypeError: mappings must be a list of tuples, not {}",
                        other.type_name()
                    ),
                ))
            }
        };
        items
            .iter()
            .map(|item| {
                let parts = match item {
                    Value::Tuple(parts) | Value::List(parts) => parts,
                    other => {
                        return Err(self.error(
                            *range,
                            format!("TypeError: a mapping must be a tuple, not {}", other.type_name()),
                        ))
                    }
                };
                let strings: Option<Vec<&str>> = parts
                    .iter()
                    .map(|p| match p {
                        Value::Str(s) => Some(s.as_str()),
                        _ => None,
                    })
                    .collect();
                match strings.as_deref() {
                    Some([source, source_type, target, target_type]) => {
                        Ok(Mapping::new(source, source_type, target, target_type))
                    }
                    Some(_) => Err(self.unsupported(
                        *range,
                        format!(
                            "the mapping {} ({} items; Glue documents (source, source_type, target, target_type))",
                            item.repr(),
                            parts.len()
                        ),
                    )),
                    None => Err(self.error(
                        *range,
                        format!("TypeError: the mapping {} must hold strings", item.repr()),
                    )),
                }
            })
            .collect()
    }

    fn read_catalog(&mut self, c: &ExprCall, func: &'static str) -> R<Value> {
        let params = [
            "database",
            "table_name",
            "redshift_tmp_dir",
            "transformation_ctx",
            "push_down_predicate",
            "additional_options",
            "catalog_id",
        ];
        let b = self.bind(c, func, &params)?;
        let database = self.required_str(&b, "database")?;
        let table = self.required_str(&b, "table_name")?;
        let ctx = self.opt_str(&b, "transformation_ctx")?;
        let predicate = self.opt_str(&b, "push_down_predicate")?;
        self.opt_str(&b, "redshift_tmp_dir")?;
        self.opt_str(&b, "catalog_id")?;
        let mut spec = SourceSpec::catalog(&database, &table, ctx.as_deref());
        spec.listing.push_down_predicate = predicate.filter(|p| !p.trim().is_empty());
        let options_range = b.get("additional_options").map(|(_, r)| *r);
        for (key, value) in self.opt_dict(&b, "additional_options")? {
            let range = options_range.unwrap_or(b.range);
            self.read_option(&mut spec, &key, &value, range, "additional option")?;
        }
        self.add_source(spec, b.range, func)
    }

    fn read_options(&mut self, c: &ExprCall, func: &'static str) -> R<Value> {
        let params = [
            "connection_type",
            "connection_options",
            "format",
            "format_options",
            "transformation_ctx",
            "push_down_predicate",
        ];
        let b = self.bind(c, func, &params)?;
        self.s3_connection(&b)?;
        let ctx = self.opt_str(&b, "transformation_ctx")?;
        self.only_default(&b, "push_down_predicate", is_empty_str)?;
        let format = self.format(&b, false)?;
        let options_range = b.get("connection_options").map_or(b.range, |(_, r)| *r);
        let mut paths = None;
        let mut spec = SourceSpec {
            input: SourceInput::S3 {
                path: String::new(),
                format,
                csv: CsvOptions::default(),
            },
            transformation_ctx: ctx.filter(|c| !c.is_empty()),
            max_band: DEFAULT_MAX_BAND_MS,
            mode: ParseMode::default(),
            listing: Default::default(),
        };
        for (key, value) in self.opt_dict(&b, "connection_options")? {
            if key == "paths" {
                paths = Some(value);
            } else {
                self.read_option(&mut spec, &key, &value, options_range, "connection option")?;
            }
        }
        let path = match paths {
            Some(Value::List(paths)) => match paths.as_slice() {
                [Value::Str(path)] => path.clone(),
                [] | [_] => {
                    return Err(self.error(options_range, "connection option \"paths\" must be a list of S3 paths"));
                }
                _ => {
                    return Err(self.unsupported(
                        options_range,
                        "several \"paths\" in one source (gluelab reads one S3 prefix per source)",
                    ))
                }
            },
            Some(_) => return Err(self.error(options_range, "connection option \"paths\" must be a list of S3 paths")),
            None => {
                return Err(self.error(
                    options_range,
                    format!("{func}(connection_type=\"s3\") needs connection_options={{\"paths\": [...]}}"),
                ))
            }
        };
        let mut options = self.opt_dict(&b, "format_options")?;
        let options_range = b.get("format_options").map_or(b.range, |(_, r)| *r);
        // Spark's parse mode, which the reader takes with its format options.
        if let Some(at) = options.iter().position(|(k, _)| k == "mode") {
            let (key, value) = options.remove(at);
            self.read_option(&mut spec, &key, &value, options_range, "format option")?;
        }
        let csv = self.format_options(format, &options, options_range, false)?;
        spec.input = SourceInput::S3 { path, format, csv };
        self.add_source(spec, b.range, func)
    }

    /// A source option besides `paths`: `maxBand`, or one that changes nothing gluelab models.
    fn read_option(&self, spec: &mut SourceSpec, key: &str, value: &Value, range: TextRange, kind: &str) -> R<()> {
        match (key, value) {
            ("maxBand", value) => spec.max_band = self.max_band(value, range)?,
            // Spark's `mode` for malformed records (PERMISSIVE, the default; DROPMALFORMED; FAILFAST).
            ("mode", Value::Str(text)) => {
                spec.mode = ParseMode::from_spark(text).ok_or_else(|| {
                    self.error(
                        range,
                        format!("the {kind} \"mode\" must be PERMISSIVE, DROPMALFORMED or FAILFAST, not {text:?}"),
                    )
                })?
            }
            ("recurse", Value::Bool(recurse)) => spec.listing.recurse = *recurse,
            ("catalogPartitionPredicate", _) if matches!(spec.input, SourceInput::S3 { .. }) => {
                return Err(self.unsupported(
                    range,
                    "\"catalogPartitionPredicate\" on an S3 path (it prunes a catalog table's partitions)",
                ));
            }
            ("boundedFiles" | "boundedSize" | "exclusions" | "catalogPartitionPredicate", Value::Str(text)) => {
                spec.listing.set_text(key, text).map_err(|e| self.error(range, e))?;
            }
            ("boundedFiles" | "boundedSize" | "exclusions" | "catalogPartitionPredicate", value) => {
                return Err(self.error(
                    range,
                    format!(
                        "the {kind} \"{key}\" must be a string, as Glue takes it, not {}",
                        value.repr()
                    ),
                ));
            }
            // Grouping changes how many tasks read the files, never which files are read.
            ("groupFiles" | "groupSize", _) => {}
            _ => {
                return Err(self.unsupported(range, format!("the {kind} \"{key}\": {}", value.repr())));
            }
        }
        Ok(())
    }

    fn max_band(&self, value: &Value, range: TextRange) -> R<Millis> {
        let band = match value {
            Value::Int(i) => Some(*i),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        };
        band.filter(|b| *b >= 0).ok_or_else(|| {
            self.error(
                range,
                format!(
                    "maxBand must be a non-negative number of milliseconds, not {}",
                    value.repr()
                ),
            )
        })
    }

    /// `connection_type` must be `"s3"`.
    fn s3_connection(&self, b: &Bound) -> R<()> {
        let connection = self.required_str(b, "connection_type")?;
        if connection.eq_ignore_ascii_case("s3") {
            return Ok(());
        }
        let range = self.required(b, "connection_type")?.1;
        Err(self.unsupported(
            range,
            format!("connection_type=\"{connection}\" (only \"s3\" is modelled)"),
        ))
    }

    fn format(&self, b: &Bound, writer: bool) -> R<Format> {
        let Some(name) = self.opt_str(b, "format")? else {
            return Err(self.error(
                b.range,
                format!(
                    "{}(connection_type=\"s3\") needs a format (\"json\", \"csv\" or \"parquet\")",
                    b.func
                ),
            ));
        };
        match name.to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "parquet" => Ok(Format::Parquet),
            "glueparquet" if writer => Ok(Format::Parquet),
            lower => {
                if let Some((_, framework)) = crate::model::job::UNBOOKMARKED_FORMATS
                    .iter()
                    .find(|(f, _)| *f == lower)
                {
                    let range = self.required(b, "format")?.1;
                    return Err(self.error(
                        range,
                        format!("format=\"{name}\": job bookmarks are not supported for {framework} tables (AWS: data lake framework limitations), and gluelab does not read them"),
                    ));
                }
                let range = self.required(b, "format")?.1;
                Err(self.unsupported(
                    range,
                    format!("format=\"{name}\" (gluelab reads json, csv and parquet)"),
                ))
            }
        }
    }

    /// `format_options` as the reader (or writer) of `format` takes them.
    fn format_options(
        &self,
        format: Format,
        options: &[(String, Value)],
        range: TextRange,
        writer: bool,
    ) -> R<CsvOptions> {
        let mut csv = CsvOptions::default();
        let as_bool = |value: &Value| match value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        };
        let one_char = |value: &Value| match value {
            Value::Str(s) if s.len() == 1 && s.is_ascii() => Some(s.as_bytes()[0]),
            _ => None,
        };
        for (key, value) in options {
            let bad = || self.error(range, format!("format option \"{key}\" cannot be {}", value.repr()));
            match (format, key.as_str()) {
                (Format::Csv, "multiLine" | "multiline") => csv.multi_line = as_bool(value).ok_or_else(bad)?,
                (_, "multiLine" | "multiline") if as_bool(value) == Some(false) => {}
                (Format::Csv, "separator") => csv.separator = one_char(value).ok_or_else(bad)?,
                (Format::Csv, "escaper") => {
                    csv.escape = match value {
                        Value::Str(s) if s.is_empty() => None,
                        _ => Some(one_char(value).ok_or_else(bad)?),
                    }
                }
                (Format::Csv, "quoteChar") => {
                    csv = match value {
                        Value::Int(-1) => csv.with_quote(None),
                        Value::Str(s) => csv.with_glue_quote_char(s).map_err(|_| bad())?,
                        _ => return Err(bad()),
                    }
                }
                (Format::Csv, "withHeader") => csv.with_header = as_bool(value).ok_or_else(bad)?,
                (Format::Csv, "writeHeader") => csv.write_header = as_bool(value).ok_or_else(bad)?,
                (Format::Csv, "skipFirst") => csv.skip_first = as_bool(value).ok_or_else(bad)?,
                (Format::Csv, "encoding" | "charset") if !writer => {
                    csv.encoding = match value {
                        Value::Str(s) => Some(s.clone()),
                        _ => return Err(bad()),
                    }
                }
                (Format::Csv, "optimizePerformance") => {
                    as_bool(value).ok_or_else(bad)?;
                }
                (Format::Parquet, "compression")
                    if writer && matches!(value, Value::Str(s) if ParquetCodec::from_glue(s).is_ok()) => {}
                (Format::Parquet, "useGlueParquetWriter") if writer => {
                    as_bool(value).ok_or_else(bad)?;
                }
                _ => {
                    return Err(
                        self.unsupported(range, format!("the {format} format option \"{key}\": {}", value.repr()))
                    )
                }
            }
        }
        if writer {
            let d = CsvOptions::default();
            if (csv.separator, csv.quote, csv.escape, csv.write_header)
                != (d.separator, d.quote, d.escape, d.write_header)
            {
                return Err(self.unsupported(
                    range,
                    "CSV format_options that change how a sink is written (gluelab writes Glue's default CSV)",
                ));
            }
        }
        Ok(csv)
    }

    fn write_catalog(&mut self, c: &ExprCall, func: &'static str) -> R<Value> {
        let params = [
            "frame",
            "database",
            "table_name",
            "redshift_tmp_dir",
            "transformation_ctx",
            "additional_options",
            "catalog_id",
        ];
        let b = self.bind(c, func, &params)?;
        let frame = self.frame_arg(&b, "frame")?;
        let database = self.required_str(&b, "database")?;
        let table = self.required_str(&b, "table_name")?;
        let ctx = self.opt_str(&b, "transformation_ctx")?;
        self.opt_str(&b, "redshift_tmp_dir")?;
        self.opt_str(&b, "catalog_id")?;
        self.only_default(
            &b,
            "additional_options",
            |v| matches!(v, Value::Dict(d) if d.is_empty()),
        )?;
        let mut sink = SinkSpec::catalog(&database, &table, None);
        sink.transformation_ctx = ctx.filter(|c| !c.is_empty());
        self.add_sink(sink, frame, b.range, func)
    }

    fn write_options(&mut self, c: &ExprCall, func: &'static str) -> R<Value> {
        let params = [
            "frame",
            "connection_type",
            "connection_options",
            "format",
            "format_options",
            "transformation_ctx",
        ];
        let b = self.bind(c, func, &params)?;
        let frame = self.frame_arg(&b, "frame")?;
        self.s3_connection(&b)?;
        let format = self.format(&b, true)?;
        let ctx = self.opt_str(&b, "transformation_ctx")?;
        let options_range = b.get("connection_options").map_or(b.range, |(_, r)| *r);
        let mut path = None;
        for (key, value) in self.opt_dict(&b, "connection_options")? {
            match (key.as_str(), value) {
                ("path", Value::Str(p)) => path = Some(p),
                ("partitionKeys", Value::List(keys)) if keys.is_empty() => {}
                (key, value) => {
                    return Err(self.unsupported(
                        options_range,
                        format!("the connection option \"{key}\": {} in a write", value.repr()),
                    ))
                }
            }
        }
        let Some(path) = path else {
            return Err(self.error(
                options_range,
                format!("{func}(connection_type=\"s3\") needs connection_options={{\"path\": \"s3://...\"}}"),
            ));
        };
        let options = self.opt_dict(&b, "format_options")?;
        let options_range = b.get("format_options").map_or(b.range, |(_, r)| *r);
        self.format_options(format, &options, options_range, true)?;
        let compression = match options.iter().find(|(k, _)| k == "compression") {
            Some((_, Value::Str(s))) if format == Format::Parquet => {
                Some(ParquetCodec::from_glue(s).map_err(|e| self.error(options_range, e.to_string()))?)
            }
            _ => None,
        };
        let sink = SinkSpec {
            output: SinkOutput::S3 { path, format },
            transformation_ctx: ctx.filter(|c| !c.is_empty()),
            mode: SinkMode::Append,
            compression,
            collection_key: None,
        };
        self.add_sink(sink, frame, b.range, func)
    }

    fn add_source(&mut self, spec: SourceSpec, range: TextRange, func: &str) -> R<Value> {
        if !self.job_initialised {
            return Err(self.unsupported(
                range,
                format!(
                    "reading with {func}() before job.init() \
                     (job bookmarks need job.init(args['JOB_NAME'], args) first)"
                ),
            ));
        }
        if self.committed {
            return Err(self.unsupported(range, format!("reading with {func}() after job.commit()")));
        }
        if !self.plan.sources.is_empty() {
            return Err(self.unsupported(
                range,
                format!(
                    "a second source ({func}() here makes a frame unrelated to the first; gluelab's plan reads one)"
                ),
            ));
        }
        self.plan.sources.push(spec);
        Ok(Value::Frame(FrameRef::dynamic(self.version)))
    }

    /// The frame must be the latest one: the plan is a single line of steps.
    fn check_latest(&self, frame: FrameRef, frame_range: TextRange, doing: &str) -> R<()> {
        if frame.version == self.version {
            return Ok(());
        }
        Err(self.unsupported(
            frame_range,
            format!(
                "{doing} `{}`, a frame from before a later transform (a branching plan),",
                self.text(frame_range)
            ),
        ))
    }

    fn add_transform(
        &mut self,
        step: Transform,
        frame: FrameRef,
        frame_range: TextRange,
        range: TextRange,
        func: &str,
    ) -> R<Value> {
        let show = matches!(step, Transform::Show { .. });
        if let Some(child) = frame.child {
            return Err(self.unsupported(
                frame_range,
                format!(
                    "{func} of the child table {} (gluelab's plan transforms the root table; write a child table as it is)",
                    self.collection_tables[child]
                ),
            ));
        }
        if frame.kind == FrameKind::DataFrame && !show {
            return Err(self.error(
                frame_range,
                format!(
                    "TypeError: {func}() needs a DynamicFrame; `{}` is a DataFrame \
                     (convert it with DynamicFrame.fromDF)",
                    self.text(frame_range)
                ),
            ));
        }
        self.check_latest(frame, frame_range, if show { "showing" } else { "transforming" })?;
        if self.committed {
            return Err(self.unsupported(range, format!("{func} after job.commit()")));
        }
        if !show && !self.plan.sinks.is_empty() {
            return Err(self.unsupported(
                range,
                format!("{func} after a write (gluelab's plan writes once, after every transform)"),
            ));
        }
        self.plan.transforms.push(step.into());
        if !show {
            self.version += 1;
        }
        Ok(Value::Frame(FrameRef {
            version: self.version,
            kind: frame.kind,
            child: None,
        }))
    }

    fn add_sink(
        &mut self,
        sink: SinkSpec,
        (frame, frame_range): (FrameRef, TextRange),
        range: TextRange,
        func: &str,
    ) -> R<Value> {
        if frame.kind == FrameKind::DataFrame {
            return Err(self.error(
                frame_range,
                format!(
                    "TypeError: {func}() needs a DynamicFrame; `{}` is a DataFrame \
                     (convert it with DynamicFrame.fromDF)",
                    self.text(frame_range)
                ),
            ));
        }
        // A child table was set aside when its Relationalize ran: later steps do not touch it.
        if frame.child.is_none() {
            self.check_latest(frame, frame_range, "writing")?;
        }
        if self.committed {
            return Err(self.unsupported(range, format!("writing with {func}() after job.commit()")));
        }
        let collection_key = frame.child.map(|at| self.collection_tables[at].clone());
        self.plan.sinks.push(SinkSpec { collection_key, ..sink });
        Ok(Value::Frame(frame))
    }
}
