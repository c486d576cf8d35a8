//! Field transforms: `DropFields`, `SelectFields`, `RenameField`, `SplitFields` and
//! `DropNullFields` (GLUE-SEMANTICS §7.2). None of them touches rows, so origins stay as they are.
//!
//! Paths are top-level names, matched case-insensitively; a dotted path names a column
//! literally called so (what [`super::relationalize`] produces).

use std::sync::Arc;

use crate::arrow::array::{Array, ArrayRef, ListArray, StructArray};
use crate::arrow::datatypes::{DataType, Field, FieldRef, Fields};

use super::{field_list, no_such_column, Frame, Report};
use crate::error::Result;

pub(crate) fn drop_fields(frame: Frame, paths: &[String]) -> Result<Frame> {
    let schema = frame.batch.schema();
    let keep: Vec<usize> = (0..schema.fields().len())
        .filter(|&i| !paths.iter().any(|p| p.eq_ignore_ascii_case(schema.field(i).name())))
        .collect();
    project(frame, &keep)
}

/// Keeps `paths` in the given order; a path the frame lacks is a warning (`transform` names the
/// caller: SelectFields or SplitFields).
pub(crate) fn select_fields(frame: Frame, paths: &[String], transform: &str, r: &mut Report) -> Result<Frame> {
    let mut keep = vec![];
    for p in paths {
        match frame.column_index(p) {
            Some(i) => keep.push(i),
            None => r.warn(format!(
                "{transform}: field {p} is not in the frame; nothing selected for it"
            )),
        }
    }
    project(frame, &keep)
}

pub(crate) fn rename_field(frame: Frame, old_name: &str, new_name: &str) -> Result<Frame> {
    let schema = frame.batch.schema();
    let index = schema
        .fields()
        .iter()
        .position(|f| f.name() == old_name)
        .ok_or_else(|| no_such_column("RenameField", "field", old_name, &schema))?;
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let f = f.as_ref().clone();
            if i == index {
                f.with_name(new_name)
            } else {
                f
            }
        })
        .collect();
    let columns = frame.batch.columns().to_vec();
    frame.with_columns(fields, columns)
}

/// `SplitFields.apply(frame, paths, name1, name2)` returns two frames: `name1` with `paths`,
/// `name2` with the rest. gluelab's pipeline is linear, so the step continues with `name1` and
/// the `name2` frame is discarded; a warning names its fields.
pub(crate) fn split_fields(
    frame: Frame,
    paths: &[String],
    name1: Option<&str>,
    name2: Option<&str>,
    r: &mut Report,
) -> Result<Frame> {
    let selected = select_fields(frame.clone(), paths, "SplitFields", r)?;
    let kept = selected.batch.schema();
    let rest: Vec<&str> = frame
        .batch
        .schema_ref()
        .fields()
        .iter()
        .filter(|f| kept.fields().iter().all(|k| k.name() != f.name()))
        .map(|f| f.name().as_str())
        .collect();
    if !rest.is_empty() {
        r.warn(format!(
            "SplitFields: continuing with frame {} ({}); frame {} ({}) is discarded: gluelab's jobs are one linear pipeline",
            name1.unwrap_or("frame1"),
            field_list(&kept),
            name2.unwrap_or("frame2"),
            rest.join(", ")
        ));
    }
    Ok(selected)
}

/// Drops every field that is null in every row, as Glue's `DropNullFields` drops fields whose
/// inferred type is `NullType` (null or missing in every record).
///
/// - An empty string is a value, not a null: a column of `""` is kept (the awsglue transform
///   looks at types only; the "empty string" and `"null"`-string options belong to Glue
///   Studio's visual Drop Null Fields node, which gluelab does not model).
/// - It recurses into structs and into lists of structs (not maps), dropping all-null struct
///   fields, and drops a struct left with no fields.
/// - *Modelled:* a frame with no rows keeps its columns (Glue would infer an empty schema).
pub(crate) fn drop_null_fields(frame: Frame, r: &mut Report) -> Result<Frame> {
    if frame.num_rows() == 0 {
        return Ok(frame);
    }
    let schema = frame.batch.schema();
    let mut fields = vec![];
    let mut columns = vec![];
    let mut dropped = vec![];
    for (field, column) in schema.fields().iter().zip(frame.batch.columns()) {
        match prune(field, column, field.name(), &mut dropped) {
            Some((f, c)) => {
                fields.push(f.as_ref().clone());
                columns.push(c);
            }
            None => dropped.push(field.name().clone()),
        }
    }
    if !dropped.is_empty() {
        dropped.sort();
        r.warn(format!(
            "DropNullFields: dropped {} (null in every row)",
            dropped.join(", ")
        ));
    }
    frame.with_columns(fields, columns)
}

/// A field without its all-null parts, or None when all of it is null.
fn prune(field: &FieldRef, column: &ArrayRef, path: &str, dropped: &mut Vec<String>) -> Option<(FieldRef, ArrayRef)> {
    if column.logical_null_count() == column.len() {
        return None;
    }
    match column.data_type() {
        DataType::Struct(_) => {
            let s = column.as_any().downcast_ref::<StructArray>()?;
            let (sub_fields, sub_columns, nulls) = s.clone().into_parts();
            let mut kept_fields = vec![];
            let mut kept_columns = vec![];
            for (f, c) in sub_fields.iter().zip(sub_columns) {
                let sub_path = format!("{path}.{}", f.name());
                // A child is null where its parent struct is.
                let effective = match &nulls {
                    Some(n) => with_parent_nulls(&c, n),
                    None => c.clone(),
                };
                match prune(f, &effective, &sub_path, dropped) {
                    Some((f, _)) if f.data_type() == c.data_type() => {
                        kept_fields.push(f);
                        kept_columns.push(c);
                    }
                    Some((f, pruned)) => {
                        kept_fields.push(f);
                        kept_columns.push(pruned);
                    }
                    None => dropped.push(sub_path),
                }
            }
            if kept_fields.is_empty() {
                return None;
            }
            let fields = Fields::from(kept_fields);
            let array = StructArray::try_new(fields.clone(), kept_columns, nulls).ok()?;
            let new_field = Arc::new(field.as_ref().clone().with_data_type(DataType::Struct(fields)));
            Some((new_field, Arc::new(array)))
        }
        DataType::List(_) => {
            let list = column.as_any().downcast_ref::<ListArray>()?;
            let values = list.values();
            if !matches!(values.data_type(), DataType::Struct(_)) {
                return Some((field.clone(), column.clone()));
            }
            let (item_field, offsets, values, nulls) = list.clone().into_parts();
            let (item, values) = prune(&item_field, &values, &format!("{path}[]"), dropped)?;
            let array = ListArray::try_new(item.clone(), offsets, values, nulls).ok()?;
            let new_field = Arc::new(field.as_ref().clone().with_data_type(DataType::List(item)));
            Some((new_field, Arc::new(array)))
        }
        _ => Some((field.clone(), column.clone())),
    }
}

/// `column` with nulls wherever the parent struct is null.
fn with_parent_nulls(column: &ArrayRef, parent: &crate::arrow::buffer::NullBuffer) -> ArrayRef {
    let nulls = crate::arrow::buffer::NullBuffer::union(column.logical_nulls().as_ref(), Some(parent));
    let data = column.to_data().into_builder().nulls(nulls).build();
    match data {
        Ok(d) => crate::arrow::array::make_array(d),
        Err(_) => column.clone(),
    }
}

fn project(frame: Frame, keep: &[usize]) -> Result<Frame> {
    Ok(Frame {
        batch: frame.batch.project(keep)?,
        origins: frame.origins,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::arrow::array::{Int64Array, StringArray};
    use crate::arrow::buffer::NullBuffer;

    use super::super::testing::{column, devices, frame, ints, lines, names, strings};
    use super::super::{apply, NoLookups, Transform};
    use super::*;

    #[test]
    fn split_fields_continues_with_the_selected_frame_and_names_the_rest() {
        let t = Transform::SplitFields {
            paths: vec!["STATE".into(), "device_id".into()],
            name1: Some("on".into()),
            name2: Some("rest".into()),
        };
        let applied = apply(&t, devices(), &NoLookups).unwrap();
        assert_eq!(names(&applied.frame), ["state", "device_id"]);
        assert_eq!(lines(&applied.frame), [1, 2]);
        assert_eq!(
            applied.warnings,
            [
                "SplitFields: continuing with frame on (state, device_id); frame rest (timestamp) is discarded: \
              gluelab's jobs are one linear pipeline"
            ]
        );
    }

    #[test]
    fn drop_null_fields_drops_all_null_columns_but_not_empty_strings() {
        let f = frame(vec![
            ("id", ints(&[Some(1), Some(2), Some(3)])),
            ("nothing", strings(&[None, None, None])),
            ("empty", strings(&[Some(""), Some(""), Some("")])),
            ("some", ints(&[None, Some(5), None])),
        ]);
        let applied = apply(&Transform::DropNullFields, f, &NoLookups).unwrap();
        assert_eq!(names(&applied.frame), ["id", "empty", "some"]);
        assert_eq!(lines(&applied.frame), [1, 2, 3]);
        assert_eq!(
            applied.warnings,
            ["DropNullFields: dropped nothing (null in every row)"]
        );
    }

    #[test]
    fn drop_null_fields_recurses_into_structs() {
        let inner = Fields::from(vec![
            Field::new("a", DataType::Int64, true),
            Field::new("b", DataType::Utf8, true),
        ]);
        let s = StructArray::try_new(
            inner,
            vec![
                Arc::new(Int64Array::from(vec![Some(1), Some(9)])),
                // "x" sits under a null parent: the field is null in every record.
                Arc::new(StringArray::from(vec![None, Some("x")])),
            ],
            Some(NullBuffer::from(vec![true, false])),
        )
        .unwrap();
        let f = frame(vec![("s", Arc::new(s)), ("id", ints(&[Some(1), Some(2)]))]);
        let applied = apply(&Transform::DropNullFields, f, &NoLookups).unwrap();
        assert_eq!(column(&applied.frame, "s"), ["{a: 1}", "null"]);
        assert_eq!(applied.warnings, ["DropNullFields: dropped s.b (null in every row)"]);
    }
}
