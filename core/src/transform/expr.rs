//! Transforms driven by SQL expressions: `Filter` and `Map`.
//!
//! Glue's `Filter` and `Map` take Python functions. gluelab takes the SQL expression language
//! of [`crate::query`] instead (the script runner translates simple lambdas into it), so a step
//! stays plain data that the browser can show and edit.

use crate::arrow::array::{Array, BooleanArray};
use crate::arrow::datatypes::Field;
use serde::{Deserialize, Serialize};

use super::{ErrorRecord, Frame, Report};
use crate::error::{Error, Result};

/// One column `Map` derives: `name` gets the value of `expression` (e.g. `upper(name)`,
/// `price * quantity`), replacing a column of that name or added at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivedColumn {
    pub name: String,
    pub expression: String,
}

impl DerivedColumn {
    pub fn new(name: &str, expression: &str) -> Self {
        DerivedColumn {
            name: name.into(),
            expression: expression.into(),
        }
    }
}

/// Keeps the rows where `predicate` is true; false and unknown (NULL) rows are dropped, as
/// Glue's wrapper drops a record whose function raises `KeyError`/`TypeError`/`ValueError`.
pub(crate) fn filter(frame: Frame, predicate: &str) -> Result<Frame> {
    let mask =
        crate::query::predicate_mask(&frame.batch, predicate).map_err(|e| Error::transform("Filter", e.to_string()))?;
    frame.filter(&mask)
}

/// `Map`: derives `columns` in order, so a later expression may use an earlier column.
///
/// Glue's `Map.apply(frame, f)` turns a record on which `f` raises into an error record that
/// leaves the frame. gluelab does the same per row: an expression that fails on some rows (an
/// invalid cast, a division by zero, whatever the expression language reports) drops those rows
/// as [`ErrorRecord`]s and keeps the others. An expression that cannot work on any row (a
/// syntax error, an unknown column or function) is an error of the rule.
pub(crate) fn map(mut frame: Frame, columns: &[DerivedColumn], r: &mut Report) -> Result<Frame> {
    for derived in columns {
        let fail = |e: Error| Error::transform("Map", format!("{} = {}: {e}", derived.name, derived.expression));
        // The empty batch checks names, functions and types without looking at a value.
        crate::query::evaluate_expression(&frame.batch.slice(0, 0), &derived.expression).map_err(fail)?;
        let values = match crate::query::evaluate_expression(&frame.batch, &derived.expression) {
            Ok(values) => values,
            Err(whole) => {
                let mut keep = Vec::with_capacity(frame.num_rows());
                let mut failed = 0;
                for row in 0..frame.num_rows() {
                    match crate::query::evaluate_expression(&frame.batch.slice(row, 1), &derived.expression) {
                        Ok(_) => keep.push(true),
                        Err(e) => {
                            failed += 1;
                            keep.push(false);
                            let message = format!("{} = {}: {e}", derived.name, derived.expression);
                            r.errors
                                .push(ErrorRecord::new("Map", &frame, row, Some(&derived.name), message, true));
                        }
                    }
                }
                if failed == 0 {
                    // Fails on the whole frame but on no single row: not a row's fault.
                    return Err(fail(whole));
                }
                frame = frame.filter(&BooleanArray::from(keep))?;
                crate::query::evaluate_expression(&frame.batch, &derived.expression).map_err(fail)?
            }
        };
        let schema = frame.batch.schema();
        let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
        let mut arrays = frame.batch.columns().to_vec();
        let field = Field::new(&derived.name, values.data_type().clone(), true);
        match frame.column_index(&derived.name) {
            Some(i) => {
                fields[i] = field;
                arrays[i] = values;
            }
            None => {
                fields.push(field);
                arrays.push(values);
            }
        }
        frame = frame.with_columns(fields, arrays)?;
    }
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{column, devices, frame, ints, lines, names};
    use super::super::{apply, NoLookups, Transform};
    use super::*;

    #[test]
    fn filter_keeps_matching_rows_and_their_origins() {
        let t = Transform::Filter {
            predicate: "timestamp > 1609348014".into(),
        };
        let applied = apply(&t, devices(), &NoLookups).unwrap();
        assert_eq!(lines(&applied.frame), [1]);
        assert_eq!(column(&applied.frame, "device_id"), ["e36b7dfa"]);
    }

    #[test]
    fn map_derives_and_replaces_columns_in_order() {
        let t = Transform::Map {
            columns: vec![
                DerivedColumn::new("minutes", "timestamp / 60"),
                DerivedColumn::new("hours", "minutes / 60"),
                DerivedColumn::new("TIMESTAMP", "timestamp + 1"),
            ],
        };
        let applied = apply(&t, devices(), &NoLookups).unwrap();
        let f = &applied.frame;
        assert_eq!(names(f), ["device_id", "TIMESTAMP", "state", "minutes", "hours"]);
        assert_eq!(column(f, "minutes"), ["26822930", "26822466"]);
        assert_eq!(column(f, "hours"), ["447048", "447041"]);
        assert_eq!(column(f, "timestamp"), ["1609375823", "1609348015"]);
        assert_eq!(lines(f), [1, 2]);
    }

    #[test]
    fn map_with_an_unknown_column_is_an_error_of_the_rule() {
        let t = Transform::Map {
            columns: vec![DerivedColumn::new("x", "nope + 1")],
        };
        let e = apply(&t, devices(), &NoLookups).unwrap_err();
        assert!(e.to_string().starts_with("Map: x = nope + 1: "), "{e}");
    }

    #[test]
    fn map_drops_the_rows_an_expression_fails_on_as_error_records() {
        // Integer division by zero fails in the row that has the zero only.
        let f = frame(vec![("a", ints(&[Some(6), Some(0), Some(3)]))]);
        let t = Transform::Map {
            columns: vec![DerivedColumn::new("q", "6 / a")],
        };
        let applied = apply(&t, f, &NoLookups).unwrap();
        assert_eq!(lines(&applied.frame), [1, 3]);
        assert_eq!(column(&applied.frame, "q"), ["1", "2"]);
        assert_eq!(applied.errors.len(), 1);
        let e = &applied.errors[0];
        assert_eq!((e.origin.line, e.row_dropped), (2, true));
        assert_eq!(e.values, [("a".to_string(), "0".to_string())]);
        assert!(e.message.contains("Division by zero"), "{}", e.message);
    }
}
