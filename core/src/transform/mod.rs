//! Frames (a DynamicFrame's data plus where each row came from) and the transforms on them.
//!
//! Every transform keeps `origins` aligned with the batch's rows, so any sink row can be traced
//! back to its source object and line: that is what lineage and duplicate marks stand on. A
//! transform that drops rows drops their origins; one that makes new rows (`Aggregate`) says in
//! its doc which origin each new row carries.
//!
//! The transforms follow `shared/GLUE-SEMANTICS.md` §7.2. Glue's DynamicFrames are schemaless
//! (each record has its own types, a field may be a *choice* of types); gluelab's frames are
//! Arrow batches with one type per column. Where that changes a transform's meaning, the
//! transform's doc says what is *modelled*.
//!
//! One file per transform or small group: [`fields`] (DropFields, SelectFields, RenameField,
//! SplitFields, DropNullFields), [`mapping`] (ApplyMapping), [`choice`] (ResolveChoice),
//! [`expr`] (Filter, Map), [`lookup`] (Join, ValueMapping), [`aggregate`], [`relationalize`],
//! [`pyspark`] (each transform as the Glue PySpark a user would write), [`step`] (error
//! thresholds and error records) and `pick` (where a column picked in an editor goes).

pub mod aggregate;
pub mod catalogue;
pub mod choice;
pub mod expr;
pub mod fields;
pub mod lookup;
pub mod mapping;
mod pick;
pub mod pyspark;
pub mod relationalize;
pub mod step;
#[cfg(test)]
mod testing;

use std::fmt;
use std::sync::Arc;

use crate::arrow::array::{Array, ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions, UInt32Array};
use crate::arrow::compute::{filter_record_batch, take_record_batch};
use crate::arrow::datatypes::{Field, Schema};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub use aggregate::{Agg, AggFunction, GroupKey};
pub use choice::{ChoiceAction, ChoiceSpec};
pub use expr::DerivedColumn;
pub use lookup::{JoinHow, Unmapped};
pub use step::{apply_step, run_step, threshold_breach, ErrorRecord, Step};

/// Where one row came from: the object (and which write of it) and its line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RowOrigin {
    pub source: String,
    pub version: u64,
    pub line: u64,
}

impl fmt::Display for RowOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, line {}", self.source, self.line)
    }
}

#[derive(Debug, Clone)]
pub struct Frame {
    pub batch: RecordBatch,
    pub origins: Vec<RowOrigin>,
}

impl Frame {
    pub fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// Stacks frames with the same columns (several source files, several sources).
    pub fn concat(frames: Vec<Frame>, schema: Arc<Schema>) -> Result<Frame> {
        let batches: Vec<RecordBatch> = frames.iter().map(|f| f.batch.clone()).collect();
        let batch = crate::arrow::compute::concat_batches(&schema, &batches)?;
        let origins = frames.into_iter().flat_map(|f| f.origins).collect();
        Ok(Frame { batch, origins })
    }

    /// The column called `name`: an exact match first, then one that differs only in case
    /// (Glue's Python transforms default to `case_sensitive=False`).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        column_index(&self.batch.schema(), name)
    }

    /// The rows where `mask` is true (null counts as false), origins with them.
    pub fn filter(&self, mask: &BooleanArray) -> Result<Frame> {
        let origins = self
            .origins
            .iter()
            .zip(mask.iter())
            .filter(|(_, keep)| keep == &Some(true))
            .map(|(o, _)| o.clone())
            .collect();
        Ok(Frame {
            batch: filter_record_batch(&self.batch, mask)?,
            origins,
        })
    }

    /// The rows at `rows`, in that order, origins with them.
    pub fn take(&self, rows: &[u32]) -> Result<Frame> {
        let indices = UInt32Array::from(rows.to_vec());
        Ok(Frame {
            batch: take_record_batch(&self.batch, &indices)?,
            origins: rows.iter().map(|&i| self.origins[i as usize].clone()).collect(),
        })
    }

    /// The same rows (and origins) with new columns; a frame may end up with no columns.
    pub fn with_columns(self, fields: Vec<Field>, columns: Vec<ArrayRef>) -> Result<Frame> {
        let batch = RecordBatch::try_new_with_options(
            Arc::new(Schema::new(fields)),
            columns,
            &RecordBatchOptions::new().with_row_count(Some(self.batch.num_rows())),
        )?;
        Ok(Frame {
            batch,
            origins: self.origins,
        })
    }

    /// Row `row`'s values as `(field, text)` pairs, for error records.
    pub fn row_values(&self, row: usize) -> Vec<(String, String)> {
        let schema = self.batch.schema();
        schema
            .fields()
            .iter()
            .zip(self.batch.columns())
            .map(|(f, c)| (f.name().clone(), cell_text(c.as_ref(), row)))
            .collect()
    }
}

fn column_index(schema: &Schema, name: &str) -> Option<usize> {
    let fields = schema.fields();
    fields
        .iter()
        .position(|f| f.name() == name)
        .or_else(|| fields.iter().position(|f| f.name().eq_ignore_ascii_case(name)))
}

/// One ApplyMapping tuple: `(source_path, source_type, target_path, target_type)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub source: String,
    pub source_type: String,
    pub target: String,
    pub target_type: String,
}

impl Mapping {
    pub fn new(source: &str, source_type: &str, target: &str, target_type: &str) -> Self {
        Self {
            source: source.into(),
            source_type: source_type.into(),
            target: target.into(),
            target_type: target_type.into(),
        }
    }
}

/// A step of the job's script.
///
/// Serialised in workspace snapshots: variants and fields are only ever added (with serde
/// defaults), never renamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transform {
    /// Keeps only the mapped fields, cast to their target types. See [`mapping`].
    ApplyMapping {
        mappings: Vec<Mapping>,
    },
    /// Keeps rows where a SQL-style predicate holds, e.g. `state = true AND timestamp > 1609348014`.
    Filter {
        predicate: String,
    },
    DropFields {
        paths: Vec<String>,
    },
    SelectFields {
        paths: Vec<String>,
    },
    RenameField {
        old_name: String,
        new_name: String,
    },
    /// `df.show(n)`: prints the first rows to the run's output log; the data is unchanged.
    Show {
        rows: usize,
    },
    /// Resolves choice columns: exactly one of `specs` (per path) or `choice` (every choice
    /// column). `database`/`table_name` go with `choice: match_catalog`. See [`choice`].
    ResolveChoice {
        #[serde(default)]
        specs: Vec<ChoiceSpec>,
        #[serde(default)]
        choice: Option<ChoiceAction>,
        #[serde(default)]
        database: Option<String>,
        #[serde(default)]
        table_name: Option<String>,
    },
    /// Derived columns from SQL expressions, evaluated in order. See [`expr`].
    Map {
        columns: Vec<DerivedColumn>,
    },
    /// Drops columns that are null in every row. See [`fields::drop_null_fields`].
    DropNullFields,
    /// Keeps `paths` (Glue's `name1` frame); the rest (`name2`) is discarded with a warning.
    SplitFields {
        paths: Vec<String>,
        #[serde(default)]
        name1: Option<String>,
        #[serde(default)]
        name2: Option<String>,
    },
    /// An equality join with a lookup table whose keys are unique. See [`lookup`].
    Join {
        table: String,
        keys_left: Vec<String>,
        keys_right: Vec<String>,
        #[serde(default)]
        how: JoinHow,
    },
    /// Replaces the values of `column` through a mapping table (`from_column` → `to_column`).
    ValueMapping {
        table: String,
        column: String,
        from_column: String,
        to_column: String,
        #[serde(default)]
        unmapped: Unmapped,
    },
    /// Groups rows by key expressions and computes aggregates. See [`aggregate`].
    Aggregate {
        #[serde(default)]
        group_by: Vec<GroupKey>,
        aggregates: Vec<Agg>,
    },
    /// Flattens structs into `a.b` columns; arrays become keys into child tables, which sinks
    /// write by name. See [`relationalize`].
    Relationalize {
        #[serde(default = "relationalize::default_root")]
        name: String,
        /// With bookmarks enabled, its keys continue across runs (see [`relationalize`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transformation_ctx: Option<String>,
    },
}

impl Transform {
    /// The transform's Glue name, used in messages and error records.
    pub fn name(&self) -> &'static str {
        match self {
            Transform::ApplyMapping { .. } => "ApplyMapping",
            Transform::Filter { .. } => "Filter",
            Transform::DropFields { .. } => "DropFields",
            Transform::SelectFields { .. } => "SelectFields",
            Transform::RenameField { .. } => "RenameField",
            Transform::Show { .. } => "show",
            Transform::ResolveChoice { .. } => "ResolveChoice",
            Transform::Map { .. } => "Map",
            Transform::DropNullFields => "DropNullFields",
            Transform::SplitFields { .. } => "SplitFields",
            Transform::Join { .. } => "Join",
            Transform::ValueMapping { .. } => "ValueMapping",
            Transform::Aggregate { .. } => "Aggregate",
            Transform::Relationalize { .. } => "Relationalize",
        }
    }

    /// The Glue PySpark a user would write for this step, applied to the frame `frame_var`.
    /// See [`pyspark`] for the conventions.
    pub fn to_pyspark(&self, frame_var: &str) -> String {
        pyspark::render(self, frame_var)
    }
}

/// What a transform reads besides its frame: a second frame (`Join`, `ValueMapping`,
/// `ResolveChoice` with `match_catalog`), and where Relationalize's keys continue.
///
/// `table` is passed exactly as the transform names it; catalog tables are written
/// `database.table`. The engine reads the whole table; its origins are not carried into the
/// result (a joined row keeps the origin of its left row).
pub trait Lookups {
    fn lookup(&self, table: &str) -> Result<Frame>;

    /// The last key a Relationalize step under `ctx` generated in an earlier run, which its
    /// keys continue after (the job's bookmark holds it); 0 outside a bookmarked run.
    fn last_generated_key(&self, _ctx: &str) -> u64 {
        0
    }
}

/// No lookup tables: every lookup is an `EntityNotFoundException` saying so.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoLookups;

impl Lookups for NoLookups {
    fn lookup(&self, table: &str) -> Result<Frame> {
        Err(Error::EntityNotFound(format!(
            "lookup table {table}: this job run has no lookup tables to read"
        )))
    }
}

/// What applying a transform gave: the new frame and any warnings for the driver log.
#[derive(Debug)]
pub struct Applied {
    pub frame: Frame,
    pub warnings: Vec<String>,
    /// Text for the output log (`show`).
    pub output: Option<String>,
    /// Rows the transform could not process (Glue's `errorsAsDynamicFrame()`), in row order.
    pub errors: Vec<ErrorRecord>,
    /// Relationalize's child tables (the rest of its DynamicFrameCollection); empty otherwise.
    pub children: relationalize::ChildTables,
}

/// What a transform reports besides its frame; shared by the transform modules.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub warnings: Vec<String>,
    pub errors: Vec<ErrorRecord>,
    pub output: Option<String>,
}

impl Report {
    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }
}

/// Applies one transform. Failures of the rule itself (an unknown column, a cast Arrow cannot
/// do, a lookup table with duplicate keys) are errors; rows the rule cannot process are
/// [`Applied::errors`]. Thresholds on those are [`apply_step`]'s business.
pub fn apply(transform: &Transform, frame: Frame, lookups: &dyn Lookups) -> Result<Applied> {
    let mut report = Report::default();
    let r = &mut report;
    let mut children = relationalize::ChildTables::default();
    let frame = match transform {
        Transform::ApplyMapping { mappings } => mapping::apply_mapping(frame, mappings, r)?,
        Transform::Filter { predicate } => expr::filter(frame, predicate)?,
        Transform::DropFields { paths } => fields::drop_fields(frame, paths)?,
        Transform::SelectFields { paths } => fields::select_fields(frame, paths, "SelectFields", r)?,
        Transform::RenameField { old_name, new_name } => fields::rename_field(frame, old_name, new_name)?,
        Transform::Show { rows } => {
            r.output = Some(show(&frame.batch, *rows));
            frame
        }
        Transform::ResolveChoice {
            specs,
            choice,
            database,
            table_name,
        } => {
            let catalog = database.as_deref().zip(table_name.as_deref());
            choice::resolve_choice(frame, specs, choice.as_ref(), catalog, lookups, r)?
        }
        Transform::Map { columns } => expr::map(frame, columns, r)?,
        Transform::DropNullFields => fields::drop_null_fields(frame, r)?,
        Transform::SplitFields { paths, name1, name2 } => {
            fields::split_fields(frame, paths, name1.as_deref(), name2.as_deref(), r)?
        }
        Transform::Join {
            table,
            keys_left,
            keys_right,
            how,
        } => lookup::join(frame, table, keys_left, keys_right, *how, lookups)?,
        Transform::ValueMapping {
            table,
            column,
            from_column,
            to_column,
            unmapped,
        } => {
            let rule = lookup::ValueMappingRule {
                table,
                column,
                from_column,
                to_column,
                unmapped: *unmapped,
            };
            lookup::value_mapping(frame, rule, lookups, r)?
        }
        Transform::Aggregate { group_by, aggregates } => aggregate::aggregate(frame, group_by, aggregates)?,
        Transform::Relationalize {
            name,
            transformation_ctx,
        } => {
            let last = transformation_ctx
                .as_deref()
                .map_or(0, |c| lookups.last_generated_key(c));
            let (root, tables) = relationalize::relationalize(frame, name, last + 1, r)?;
            children = tables;
            root
        }
    };
    Ok(Applied {
        frame,
        warnings: report.warnings,
        output: report.output,
        errors: report.errors,
        children,
    })
}

fn field_list(schema: &Schema) -> String {
    schema
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error for a column a rule names that the frame does not have.
fn no_such_column(transform: &str, what: &str, name: &str, schema: &Schema) -> Error {
    Error::transform(
        transform,
        format!("{what} {name} is not in the frame (fields: {})", field_list(schema)),
    )
}

/// Renders rows as Spark's `DataFrame.show()` does: right-aligned cells, `+---+` rules.
pub fn show(batch: &RecordBatch, n: usize) -> String {
    let schema = batch.schema();
    let shown = batch.num_rows().min(n);
    let mut cells: Vec<Vec<String>> = vec![schema.fields().iter().map(|f| f.name().clone()).collect()];
    for row in 0..shown {
        cells.push(
            batch
                .columns()
                .iter()
                .map(|c| truncated(cell_text(c.as_ref(), row)))
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..schema.fields().len())
        .map(|c| cells.iter().map(|r| r[c].chars().count()).max().unwrap_or(0).max(3))
        .collect();
    let rule = format!(
        "+{}+",
        widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("+")
    );
    let line = |r: &Vec<String>| {
        format!(
            "|{}|",
            r.iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:>w$}"))
                .collect::<Vec<_>>()
                .join("|")
        )
    };
    let mut out = vec![rule.clone(), line(&cells[0]), rule.clone()];
    out.extend(cells[1..].iter().map(line));
    out.push(rule);
    if batch.num_rows() > shown {
        out.push(format!("only showing top {shown} rows"));
    }
    out.join("\n") + "\n"
}

/// Spark's `show()` (`truncate=True`) cuts a value longer than 20 characters to its first 17 and
/// `...`; it also keeps `{c:>w$}` below `format!`'s width limit for any input.
fn truncated(text: String) -> String {
    let max = crate::limits::SHOW_CELL_CHARS;
    if text.chars().count() <= max {
        return text;
    }
    text.chars().take(max - 3).chain("...".chars()).collect()
}

/// A cell as text: Spark prints `null` for nulls.
pub fn cell_text(column: &dyn Array, row: usize) -> String {
    if column.is_null(row) {
        return "null".into();
    }
    crate::arrow::util::display::ArrayFormatter::try_new(column, &Default::default())
        .map(|f| f.value(row).to_string())
        .unwrap_or_else(|_| "?".into())
}

#[cfg(test)]
mod tests {
    use super::testing::{devices, lines};
    use super::*;

    fn apply(t: &Transform, frame: Frame) -> Result<Applied> {
        super::apply(t, frame, &NoLookups)
    }

    #[test]
    fn show_prints_like_spark() {
        let out = show(&devices().batch, 20);
        let expected = "\
+---------+----------+-----+
|device_id| timestamp|state|
+---------+----------+-----+
| e36b7dfa|1609375822| true|
| 3ff9c44a|1609348014|false|
+---------+----------+-----+
";
        assert_eq!(out, expected);
    }

    #[test]
    fn show_truncates_long_values_as_spark_does() {
        use crate::arrow::array::StringArray;
        let long = "x".repeat(200_000);
        let batch = RecordBatch::try_from_iter([(
            "_corrupt_record",
            Arc::new(StringArray::from(vec![long.as_str(), "short"])) as ArrayRef,
        )])
        .unwrap();
        let out = show(&batch, 20);
        assert!(out.contains("|xxxxxxxxxxxxxxxxx...|"), "{out}");
        assert!(out.contains("|               short|"), "{out}");
    }

    #[test]
    fn field_transforms_keep_origins_aligned() {
        let f = apply(
            &Transform::DropFields {
                paths: vec!["state".into()],
            },
            devices(),
        )
        .unwrap()
        .frame;
        assert_eq!(field_list(&f.batch.schema()), "device_id, timestamp");
        assert_eq!(lines(&f), [1, 2]);
        let f = apply(
            &Transform::SelectFields {
                paths: vec!["state".into()],
            },
            f,
        )
        .unwrap();
        assert_eq!(f.frame.batch.num_columns(), 0);
        assert_eq!(lines(&f.frame), [1, 2]);
        assert_eq!(f.warnings.len(), 1);
        let e = apply(
            &Transform::RenameField {
                old_name: "nope".into(),
                new_name: "x".into(),
            },
            devices(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("fields: device_id, timestamp, state"), "{e}");
    }

    #[test]
    fn no_lookups_says_there_are_none() {
        let t = Transform::Join {
            table: "db.types".into(),
            keys_left: vec!["device_id".into()],
            keys_right: vec!["id".into()],
            how: JoinHow::Inner,
        };
        let e = apply(&t, devices()).unwrap_err();
        assert!(e.to_string().contains("lookup table db.types"), "{e}");
    }

    #[test]
    fn transforms_keep_their_serialised_form() {
        // Snapshots hold `Transform` values: the existing variants' JSON must not change.
        let t = Transform::RenameField {
            old_name: "a".into(),
            new_name: "b".into(),
        };
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"RenameField":{"old_name":"a","new_name":"b"}}"#
        );
        let all = vec![
            Transform::DropNullFields,
            Transform::ResolveChoice {
                specs: vec![ChoiceSpec::new("age", "cast:int").unwrap()],
                choice: None,
                database: None,
                table_name: None,
            },
            Transform::Relationalize {
                name: "root".into(),
                transformation_ctx: Some("relationalize".into()),
            },
        ];
        let json = serde_json::to_string(&all).unwrap();
        assert!(json.contains(r#""action":"cast:int""#), "{json}");
        let back: Vec<Transform> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, all);
        let sparse: Transform = serde_json::from_str(r#"{"Relationalize":{}}"#).unwrap();
        assert_eq!(
            sparse,
            Transform::Relationalize {
                name: "roottable".into(),
                transformation_ctx: None,
            }
        );
    }
}
