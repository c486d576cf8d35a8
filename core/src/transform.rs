//! Frames (a DynamicFrame's data plus where each row came from) and the transforms on them.
//!
//! Every transform keeps `origins` aligned with the batch's rows, so any sink row can be traced
//! back to its source object and line: that is what lineage and duplicate marks stand on.

use std::sync::Arc;

use arrow::array::{new_null_array, Array, ArrayRef, RecordBatch};
use arrow::compute::{cast, filter_record_batch};
use arrow::datatypes::{Field, Schema};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::format::types::parse_glue_type;

/// Where one row came from: the object (and which write of it) and its line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RowOrigin {
    pub source: String,
    pub version: u64,
    pub line: u64,
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
        let batch = arrow::compute::concat_batches(&schema, &batches)?;
        let origins = frames.into_iter().flat_map(|f| f.origins).collect();
        Ok(Frame { batch, origins })
    }
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transform {
    /// Keeps only the mapped fields, cast to their target types.
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
}

impl Transform {
    pub fn name(&self) -> &'static str {
        match self {
            Transform::ApplyMapping { .. } => "ApplyMapping",
            Transform::Filter { .. } => "Filter",
            Transform::DropFields { .. } => "DropFields",
            Transform::SelectFields { .. } => "SelectFields",
            Transform::RenameField { .. } => "RenameField",
            Transform::Show { .. } => "show",
        }
    }
}

/// What applying a transform gave: the new frame and any warnings for the driver log.
#[derive(Debug)]
pub struct Applied {
    pub frame: Frame,
    pub warnings: Vec<String>,
    /// Text for the output log (`show`).
    pub output: Option<String>,
}

pub fn apply(transform: &Transform, frame: Frame) -> Result<Applied> {
    let mut warnings = vec![];
    let mut output = None;
    let frame = match transform {
        Transform::ApplyMapping { mappings } => apply_mapping(frame, mappings, &mut warnings)?,
        Transform::Filter { predicate } => {
            let mask = crate::query::predicate_mask(&frame.batch, predicate)
                .map_err(|e| Error::transform("Filter", e.to_string()))?;
            let origins = frame
                .origins
                .iter()
                .zip(mask.iter())
                .filter(|(_, keep)| keep == &Some(true))
                .map(|(o, _)| o.clone())
                .collect();
            Frame {
                batch: filter_record_batch(&frame.batch, &mask)?,
                origins,
            }
        }
        Transform::DropFields { paths } => {
            let keep: Vec<usize> = (0..frame.batch.num_columns())
                .filter(|&i| {
                    !paths
                        .iter()
                        .any(|p| p.eq_ignore_ascii_case(frame.batch.schema().field(i).name()))
                })
                .collect();
            project(frame, &keep)?
        }
        Transform::SelectFields { paths } => {
            let schema = frame.batch.schema();
            let mut keep = vec![];
            for p in paths {
                match schema.fields().iter().position(|f| f.name().eq_ignore_ascii_case(p)) {
                    Some(i) => keep.push(i),
                    None => warnings.push(format!(
                        "SelectFields: field {p} is not in the frame; nothing selected for it"
                    )),
                }
            }
            project(frame, &keep)?
        }
        Transform::RenameField { old_name, new_name } => {
            let schema = frame.batch.schema();
            let index = schema
                .fields()
                .iter()
                .position(|f| f.name() == old_name)
                .ok_or_else(|| {
                    Error::transform(
                        "RenameField",
                        format!("field {old_name} is not in the frame (fields: {})", field_list(&schema)),
                    )
                })?;
            let fields: Vec<Field> = schema
                .fields()
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    if i == index {
                        f.as_ref().clone().with_name(new_name)
                    } else {
                        f.as_ref().clone()
                    }
                })
                .collect();
            Frame {
                batch: RecordBatch::try_new(Arc::new(Schema::new(fields)), frame.batch.columns().to_vec())?,
                ..frame
            }
        }
        Transform::Show { rows } => {
            output = Some(show(&frame.batch, *rows));
            frame
        }
    };
    Ok(Applied {
        frame,
        warnings,
        output,
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

fn project(frame: Frame, keep: &[usize]) -> Result<Frame> {
    Ok(Frame {
        batch: frame.batch.project(keep)?,
        origins: frame.origins,
    })
}

fn apply_mapping(frame: Frame, mappings: &[Mapping], warnings: &mut Vec<String>) -> Result<Frame> {
    let schema = frame.batch.schema();
    let rows = frame.batch.num_rows();
    let mut fields = vec![];
    let mut columns: Vec<ArrayRef> = vec![];
    for m in mappings {
        let declared = parse_glue_type(&m.source_type)
            .map_err(|e| Error::transform("ApplyMapping", format!("mapping of {}: source type: {e}", m.source)))?;
        let target = parse_glue_type(&m.target_type)
            .map_err(|e| Error::transform("ApplyMapping", format!("mapping of {}: target type: {e}", m.source)))?;
        let column = match schema
            .fields()
            .iter()
            .position(|f| f.name().eq_ignore_ascii_case(&m.source))
        {
            None => {
                warnings.push(format!(
                    "ApplyMapping: source field {} is not in the frame; {} is empty",
                    m.source, m.target
                ));
                new_null_array(&target, rows)
            }
            Some(i) if schema.field(i).data_type() != &declared => {
                // Glue's documented pitfall: a declared source type that does not match the data
                // gives a silently empty column. We keep the behaviour and say so.
                warnings.push(format!(
                    "ApplyMapping: {} is declared {} but the data is {}; on Glue the target column {} comes out empty",
                    m.source,
                    m.source_type,
                    crate::format::types::glue_type_name(schema.field(i).data_type()),
                    m.target
                ));
                new_null_array(&target, rows)
            }
            Some(i) => cast(frame.batch.column(i), &target)?,
        };
        fields.push(Field::new(&m.target, target, true));
        columns.push(column);
    }
    let batch = RecordBatch::try_new_with_options(
        Arc::new(Schema::new(fields)),
        columns,
        &arrow::array::RecordBatchOptions::new().with_row_count(Some(rows)),
    )?;
    Ok(Frame {
        batch,
        origins: frame.origins,
    })
}

/// Renders rows as Spark's `DataFrame.show()` does: right-aligned cells, `+---+` rules.
pub fn show(batch: &RecordBatch, n: usize) -> String {
    let schema = batch.schema();
    let shown = batch.num_rows().min(n);
    let mut cells: Vec<Vec<String>> = vec![schema.fields().iter().map(|f| f.name().clone()).collect()];
    for row in 0..shown {
        cells.push(batch.columns().iter().map(|c| cell_text(c.as_ref(), row)).collect());
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

/// A cell as text: Spark prints `null` for nulls.
pub fn cell_text(column: &dyn Array, row: usize) -> String {
    if column.is_null(row) {
        return "null".into();
    }
    arrow::util::display::ArrayFormatter::try_new(column, &Default::default())
        .map(|f| f.value(row).to_string())
        .unwrap_or_else(|_| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{BooleanArray, Int64Array, StringArray};

    fn devices() -> Frame {
        let schema = Arc::new(Schema::new(vec![
            Field::new("device_id", arrow::datatypes::DataType::Utf8, true),
            Field::new("timestamp", arrow::datatypes::DataType::Int64, true),
            Field::new("state", arrow::datatypes::DataType::Boolean, true),
        ]));
        let batch = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(StringArray::from(vec!["e36b7dfa", "3ff9c44a"])),
                Arc::new(Int64Array::from(vec![1609375822, 1609348014])),
                Arc::new(BooleanArray::from(vec![true, false])),
            ],
        )
        .unwrap();
        let origins = (1..=2)
            .map(|line| RowOrigin {
                source: "s3://b/k".into(),
                version: 1,
                line,
            })
            .collect();
        Frame { batch, origins }
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
    fn apply_mapping_keeps_only_mapped_fields_and_casts() {
        let t = Transform::ApplyMapping {
            mappings: vec![
                Mapping::new("timestamp", "bigint", "ts", "string"),
                Mapping::new("device_id", "string", "id", "string"),
            ],
        };
        let applied = apply(&t, devices()).unwrap();
        let b = &applied.frame.batch;
        assert_eq!(field_list(&b.schema()), "ts, id");
        assert_eq!(cell_text(b.column(0).as_ref(), 0), "1609375822");
        assert!(applied.warnings.is_empty());
    }

    #[test]
    fn apply_mapping_with_a_wrong_source_type_gives_an_empty_column_and_says_so() {
        let t = Transform::ApplyMapping {
            mappings: vec![Mapping::new("timestamp", "string", "ts", "string")],
        };
        let applied = apply(&t, devices()).unwrap();
        assert_eq!(applied.frame.batch.column(0).null_count(), 2);
        assert!(
            applied.warnings[0].contains("comes out empty"),
            "{:?}",
            applied.warnings
        );
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
        let f = apply(
            &Transform::SelectFields {
                paths: vec!["state".into()],
            },
            f,
        )
        .unwrap();
        assert_eq!(f.frame.batch.num_columns(), 0);
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
}
