//! `ApplyMapping`: renames, casts and selects fields in one go (GLUE-SEMANTICS §7.2).
//!
//! - Only the mapped fields are kept, in mapping order.
//! - The source type names what the data is declared to be. If it does not match the data,
//!   Glue gives a **silently empty** target column (a documented pitfall); gluelab does the same
//!   and says so in a warning.
//! - A source field that is not in the frame gives an empty target column and a warning
//!   (DynamicFrames have no fixed schema, so Glue does not fail either).
//! - Values the cast cannot convert become null (Spark's cast; [INF] in §7.2) and each one is an
//!   [`ErrorRecord`](super::ErrorRecord) that keeps its row, so thresholds can be tried (*modelled*).
//! - A cast no value could ever pass (e.g. `boolean` to `date`) is an error of the rule.
//! - Only top-level names: a dotted path is looked up as a column literally named so.

use crate::arrow::array::{new_null_array, Array, ArrayRef};
use crate::arrow::compute::{can_cast_types, cast};
use crate::arrow::datatypes::{DataType, Field};

use super::{ErrorRecord, Frame, Mapping, Report};
use crate::error::{Error, Result};
use crate::format::types::{glue_type_name, parse_glue_type};

pub(crate) fn apply_mapping(frame: Frame, mappings: &[Mapping], r: &mut Report) -> Result<Frame> {
    let schema = frame.batch.schema();
    let rows = frame.batch.num_rows();
    let mut fields = vec![];
    let mut columns: Vec<ArrayRef> = vec![];
    for m in mappings {
        let declared = parse_glue_type(&m.source_type)
            .map_err(|e| Error::transform("ApplyMapping", format!("mapping of {}: source type: {e}", m.source)))?;
        let target = parse_glue_type(&m.target_type)
            .map_err(|e| Error::transform("ApplyMapping", format!("mapping of {}: target type: {e}", m.source)))?;
        let column = match frame.column_index(&m.source) {
            None => {
                r.warn(format!(
                    "ApplyMapping: source field {} is not in the frame; {} is empty",
                    m.source, m.target
                ));
                new_null_array(&target, rows)
            }
            Some(i) if schema.field(i).data_type() != &declared => {
                // Glue's documented pitfall: a declared source type that does not match the data
                // gives a silently empty column. We keep the behaviour and say so.
                r.warn(format!(
                    "ApplyMapping: {} is declared {} but the data is {}; on Glue the target column {} comes out empty",
                    m.source,
                    m.source_type,
                    glue_type_name(schema.field(i).data_type()),
                    m.target
                ));
                new_null_array(&target, rows)
            }
            Some(i) => {
                let name = schema.field(i).name();
                checked_cast("ApplyMapping", &frame, name, frame.batch.column(i), &target, r)?
            }
        };
        fields.push(Field::new(&m.target, target, true));
        columns.push(column);
    }
    frame.with_columns(fields, columns)
}

/// Casts `column` (the values of field `name` of `frame`) to `target`. A value that does not
/// convert becomes null and an error record that keeps its row; a cast Arrow cannot do at all
/// is an error of the rule.
pub(crate) fn checked_cast(
    transform: &str,
    frame: &Frame,
    name: &str,
    column: &ArrayRef,
    target: &DataType,
    r: &mut Report,
) -> Result<ArrayRef> {
    let from = column.data_type();
    if from == target {
        return Ok(column.clone());
    }
    if !can_cast_types(from, target) {
        return Err(Error::transform(
            transform,
            format!(
                "cannot cast {name} from {} to {}",
                glue_type_name(from),
                glue_type_name(target)
            ),
        ));
    }
    let out = cast(column, target)?;
    if out.null_count() > column.null_count() {
        for row in (0..column.len()).filter(|&i| column.is_valid(i) && out.is_null(i)) {
            let value = super::cell_text(column.as_ref(), row);
            let message = format!(
                "cannot cast {} {value:?} to {}",
                glue_type_name(from),
                glue_type_name(target)
            );
            r.errors
                .push(ErrorRecord::new(transform, frame, row, Some(name), message, false));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{column, devices, frame, lines, names, strings};
    use super::super::{apply, NoLookups, Transform};
    use super::*;

    fn mapping(mappings: Vec<Mapping>, f: Frame) -> Result<super::super::Applied> {
        apply(&Transform::ApplyMapping { mappings }, f, &NoLookups)
    }

    #[test]
    fn keeps_only_mapped_fields_and_casts() {
        let applied = mapping(
            vec![
                Mapping::new("timestamp", "bigint", "ts", "string"),
                Mapping::new("device_id", "string", "id", "string"),
            ],
            devices(),
        )
        .unwrap();
        assert_eq!(names(&applied.frame), ["ts", "id"]);
        assert_eq!(column(&applied.frame, "ts"), ["1609375822", "1609348014"]);
        assert_eq!(lines(&applied.frame), [1, 2]);
        assert!(applied.warnings.is_empty());
        assert!(applied.errors.is_empty());
    }

    #[test]
    fn a_wrong_source_type_gives_an_empty_column_and_says_so() {
        let applied = mapping(vec![Mapping::new("timestamp", "string", "ts", "string")], devices()).unwrap();
        assert_eq!(applied.frame.batch.column(0).null_count(), 2);
        assert!(
            applied.warnings[0].contains("comes out empty"),
            "{:?}",
            applied.warnings
        );
    }

    #[test]
    fn a_missing_source_field_gives_an_empty_column_and_names_it() {
        let applied = mapping(vec![Mapping::new("nope", "string", "n", "string")], devices()).unwrap();
        assert_eq!(column(&applied.frame, "n"), ["null", "null"]);
        assert_eq!(lines(&applied.frame), [1, 2]);
        assert!(applied.warnings[0].contains("source field nope is not in the frame"));
    }

    #[test]
    fn values_that_do_not_convert_are_null_and_error_records() {
        let f = frame(vec![("age", strings(&[Some("31"), Some("thirty"), None]))]);
        let applied = mapping(vec![Mapping::new("age", "string", "age", "int")], f).unwrap();
        assert_eq!(column(&applied.frame, "age"), ["31", "null", "null"]);
        assert_eq!(lines(&applied.frame), [1, 2, 3]);
        assert_eq!(applied.errors.len(), 1, "a null is not an error");
        let e = &applied.errors[0];
        assert_eq!((e.origin.line, e.field.as_deref()), (2, Some("age")));
        assert_eq!(e.message, "cannot cast string \"thirty\" to int");
    }

    #[test]
    fn a_cast_that_cannot_work_is_an_error() {
        let e = mapping(vec![Mapping::new("state", "boolean", "s", "date")], devices()).unwrap_err();
        assert_eq!(e.to_string(), "ApplyMapping: cannot cast state from boolean to date");
        let e = mapping(vec![Mapping::new("state", "boolean", "s", "nonsense")], devices()).unwrap_err();
        assert!(e.to_string().contains("target type"), "{e}");
    }
}
