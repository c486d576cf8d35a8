//! Transforms that read a second table through [`Lookups`]: `Join` and `ValueMapping`.
//!
//! Both treat that table as a **lookup table**: its keys must be unique, so every output row
//! comes from exactly one input row and keeps that row's origin. A duplicate key is an error
//! naming the table, the key and how many rows share it.

use std::collections::HashMap;

use crate::arrow::array::{new_null_array, Array, ArrayRef, BooleanArray, UInt32Array};
use crate::arrow::compute::kernels::zip::zip;
use crate::arrow::compute::{can_cast_types, cast, take};
use crate::arrow::datatypes::{DataType, Field};
use crate::arrow::row::{RowConverter, SortField};
use serde::{Deserialize, Serialize};

use super::{cell_text, field_list, ErrorRecord, Frame, Lookups, Report};
use crate::error::{Error, Result};
use crate::format::types::glue_type_name;

/// Which rows of the frame a `Join` keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JoinHow {
    /// Rows with a match only (Glue's `Join` is an equality join; inner is [INF] in §7.2).
    #[default]
    Inner,
    /// Every row; the lookup table's columns are null where nothing matched.
    Left,
}

/// What `ValueMapping` does with a value the mapping table does not have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unmapped {
    /// The value stays as it is.
    #[default]
    Keep,
    /// The value becomes null.
    Null,
    /// The row becomes an error record and leaves the frame; set a `stageThreshold` on the step
    /// to fail the run instead (see [`super::step`]).
    Fail,
}

/// `Join`: an equality join of the frame (`keys_left`) with the lookup table `table`
/// (`keys_right`).
///
/// - Output: the frame's columns, then all of the lookup table's (keys too: keeping the key
///   columns of both sides is [INF] in §7.2). A lookup column whose name the frame already has
///   is renamed `.name`, as Glue's `Join` output shows for same-named keys (*modelled* from
///   users' reports; the docs say nothing).
/// - NULL keys never match. Keys of different types are compared after casting the lookup
///   table's key to the frame's key type.
/// - Glue's `Join` is many-to-many; gluelab's joins a lookup table and requires unique keys
///   (see the module doc), so each output row has its frame row's origin.
pub(crate) fn join(
    frame: Frame,
    table: &str,
    keys_left: &[String],
    keys_right: &[String],
    how: JoinHow,
    lookups: &dyn Lookups,
) -> Result<Frame> {
    let fail = |m: String| Error::transform("Join", m);
    if keys_left.is_empty() || keys_left.len() != keys_right.len() {
        return Err(fail(format!(
            "keys_left ({}) and keys_right ({}) must name the same number of keys, at least one",
            keys_left.join(", "),
            keys_right.join(", ")
        )));
    }
    let right = lookups.lookup(table)?;
    let schema = frame.batch.schema();
    let right_schema = right.batch.schema();
    let mut left_keys = vec![];
    let mut right_keys = vec![];
    for (l, r) in keys_left.iter().zip(keys_right) {
        let li = frame
            .column_index(l)
            .ok_or_else(|| fail(format!("key {l} is not in the frame (fields: {})", field_list(&schema))))?;
        let ri = right.column_index(r).ok_or_else(|| {
            fail(format!(
                "key {r} is not in lookup table {table} (fields: {})",
                field_list(&right_schema)
            ))
        })?;
        let lk = frame.batch.column(li).clone();
        let rk = right.batch.column(ri);
        let rk = if rk.data_type() == lk.data_type() {
            rk.clone()
        } else if can_cast_types(rk.data_type(), lk.data_type()) {
            cast(rk, lk.data_type())?
        } else {
            return Err(fail(format!(
                "key {l} is {} but {table}.{r} is {}",
                glue_type_name(lk.data_type()),
                glue_type_name(rk.data_type())
            )));
        };
        left_keys.push(lk);
        right_keys.push(rk);
    }
    let matches = match_rows(&left_keys, &right_keys, |row, count| {
        let key: Vec<String> = keys_right
            .iter()
            .zip(&right_keys)
            .map(|(name, k)| format!("{name}={}", cell_text(k.as_ref(), row)))
            .collect();
        fail(format!(
            "lookup table {table} has {count} rows with key {}; a lookup table needs unique keys",
            key.join(", ")
        ))
    })?;
    let (left_rows, right_rows): (Vec<u32>, Vec<Option<u32>>) = match how {
        JoinHow::Inner => matches
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.map(|j| (i as u32, Some(j))))
            .unzip(),
        JoinHow::Left => matches.iter().enumerate().map(|(i, m)| (i as u32, *m)).unzip(),
    };
    let kept = frame.take(&left_rows)?;
    let right_rows = UInt32Array::from(right_rows);
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    let mut columns = kept.batch.columns().to_vec();
    for (field, column) in right_schema.fields().iter().zip(right.batch.columns()) {
        let name = if fields.iter().any(|f| f.name().eq_ignore_ascii_case(field.name())) {
            format!(".{}", field.name())
        } else {
            field.name().clone()
        };
        fields.push(Field::new(name, field.data_type().clone(), true));
        columns.push(if right.num_rows() == 0 {
            new_null_array(field.data_type(), right_rows.len())
        } else {
            take(column, &right_rows, None)?
        });
    }
    kept.with_columns(fields, columns)
}

/// For each left row, the lookup row with equal keys (None when a key is null or unmatched).
/// `duplicate(row, count)` makes the error for the first lookup key held by several rows.
fn match_rows(
    left: &[ArrayRef],
    right: &[ArrayRef],
    duplicate: impl Fn(usize, usize) -> Error,
) -> Result<Vec<Option<u32>>> {
    let converter = RowConverter::new(left.iter().map(|k| SortField::new(k.data_type().clone())).collect())?;
    let has_null = |keys: &[ArrayRef], row: usize| keys.iter().any(|k| k.is_null(row));
    let right_rows = converter.convert_columns(right)?;
    let mut index: HashMap<_, (u32, usize)> = HashMap::new();
    for (j, row) in right_rows.iter().enumerate() {
        if !has_null(right, j) {
            index.entry(row).or_insert((j as u32, 0)).1 += 1;
        }
    }
    if let Some((j, count)) = index.values().filter(|(_, n)| *n > 1).min() {
        return Err(duplicate(*j as usize, *count));
    }
    let left_rows = converter.convert_columns(left)?;
    Ok(left_rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            if has_null(left, i) {
                None
            } else {
                index.get(&row).map(|(j, _)| *j)
            }
        })
        .collect())
}

/// The columns a `ValueMapping` names.
pub(crate) struct ValueMappingRule<'a> {
    pub table: &'a str,
    pub column: &'a str,
    pub from_column: &'a str,
    pub to_column: &'a str,
    pub unmapped: Unmapped,
}

/// `ValueMapping`: replaces each value of `column` by the `to_column` of the mapping table's
/// row whose `from_column` equals it (compared as text, so a bigint `7` matches a string `"7"`).
///
/// Not a Glue transform: it is what a job does with value-mapping items kept in a table (the
/// seed's DynamoDB items), written as a join in PySpark (see [`super::pyspark`]).
///
/// - Nulls stay null and are not "unmapped".
/// - The result has `to_column`'s type; with `unmapped: keep` and a `to_column` of another type
///   than `column`, both are turned into strings so kept and mapped values can share a column.
/// - Unmapped values are reported in one warning: each distinct value with its row count.
pub(crate) fn value_mapping(
    frame: Frame,
    rule: ValueMappingRule<'_>,
    lookups: &dyn Lookups,
    r: &mut Report,
) -> Result<Frame> {
    let fail = |m: String| Error::transform("ValueMapping", m);
    let ValueMappingRule {
        table,
        column: name,
        from_column,
        to_column,
        unmapped,
    } = rule;
    let schema = frame.batch.schema();
    let index = frame.column_index(name).ok_or_else(|| {
        fail(format!(
            "column {name} is not in the frame (fields: {})",
            field_list(&schema)
        ))
    })?;
    let name = schema.field(index).name().clone();
    let mapping = lookups.lookup(table)?;
    let mapping_schema = mapping.batch.schema();
    let find = |c: &str| {
        mapping.column_index(c).ok_or_else(|| {
            fail(format!(
                "column {c} is not in mapping table {table} (fields: {})",
                field_list(&mapping_schema)
            ))
        })
    };
    let from = mapping.batch.column(find(from_column)?);
    let to = mapping.batch.column(find(to_column)?);

    let mut lookup: HashMap<String, (u32, usize)> = HashMap::new();
    for j in (0..from.len()).filter(|&j| from.is_valid(j)) {
        lookup.entry(cell_text(from.as_ref(), j)).or_insert((j as u32, 0)).1 += 1;
    }
    if let Some((j, count)) = lookup.values().filter(|(_, n)| *n > 1).min() {
        let key = cell_text(from.as_ref(), *j as usize);
        return Err(fail(format!(
            "mapping table {table} has {count} rows with {from_column}={key}; a lookup table needs unique keys"
        )));
    }

    let values = frame.batch.column(index);
    let mut indices: Vec<Option<u32>> = Vec::with_capacity(values.len());
    let mut missing: Vec<(String, usize)> = vec![];
    let mut bad_rows = vec![];
    for row in 0..values.len() {
        if values.is_null(row) {
            indices.push(None);
            continue;
        }
        let text = cell_text(values.as_ref(), row);
        match lookup.get(&text) {
            Some((j, _)) => indices.push(Some(*j)),
            None => {
                indices.push(None);
                bad_rows.push(row);
                match missing.iter_mut().find(|(v, _)| *v == text) {
                    Some((_, n)) => *n += 1,
                    None => missing.push((text, 1)),
                }
            }
        }
    }
    let mapped = take(to, &UInt32Array::from(indices.clone()), None)?;
    let result = match unmapped {
        Unmapped::Keep if !bad_rows.is_empty() => {
            let (mapped, original) = if mapped.data_type() == values.data_type() {
                (mapped, values.clone())
            } else {
                (cast(&mapped, &DataType::Utf8)?, cast(values, &DataType::Utf8)?)
            };
            let is_mapped: BooleanArray = indices.iter().map(|i| Some(i.is_some())).collect();
            zip(&is_mapped, &mapped, &original)?
        }
        _ => mapped,
    };

    if !missing.is_empty() {
        missing.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let listed: Vec<String> = missing
            .iter()
            .take(10)
            .map(|(v, n)| format!("{v:?} ({n} row{})", if *n == 1 { "" } else { "s" }))
            .collect();
        let more = if missing.len() > 10 {
            format!(" and {} more", missing.len() - 10)
        } else {
            String::new()
        };
        let outcome = match unmapped {
            Unmapped::Keep => "kept as they are",
            Unmapped::Null => "set to null",
            Unmapped::Fail => "their rows are error records",
        };
        r.warn(format!(
            "ValueMapping: {} value{} of {name} {} not in {table}.{from_column}: {}{more}; {outcome}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            if missing.len() == 1 { "is" } else { "are" },
            listed.join(", ")
        ));
    }

    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    let mut columns = frame.batch.columns().to_vec();
    fields[index] = Field::new(&name, result.data_type().clone(), true);
    columns[index] = result;
    if unmapped != Unmapped::Fail || bad_rows.is_empty() {
        return frame.with_columns(fields, columns);
    }
    for &row in &bad_rows {
        let message = format!(
            "value {} is not in mapping table {table}",
            cell_text(values.as_ref(), row)
        );
        r.errors.push(ErrorRecord::new(
            "ValueMapping",
            &frame,
            row,
            Some(&name),
            message,
            true,
        ));
    }
    let keep: BooleanArray = (0..values.len())
        .map(|i| Some(values.is_null(i) || indices[i].is_some()))
        .collect();
    frame.with_columns(fields, columns)?.filter(&keep)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{column, frame, ints, lines, names, strings, MemLookups};
    use super::super::{apply, Applied, Transform};
    use super::*;

    fn readings() -> Frame {
        frame(vec![
            (
                "device_id",
                strings(&[Some("d1"), Some("d2"), Some("d9"), None, Some("d1")]),
            ),
            ("type", ints(&[Some(1), Some(2), Some(7), Some(1), Some(7)])),
        ])
    }

    fn lookups() -> MemLookups {
        MemLookups::default()
            .with(
                "db.devices",
                vec![
                    ("device_id", strings(&[Some("d2"), Some("d1")])),
                    ("site", strings(&[Some("osaka"), Some("tokyo")])),
                ],
            )
            .with(
                "db.types",
                vec![
                    ("code", strings(&[Some("1"), Some("2")])),
                    ("label", strings(&[Some("thermo"), Some("door")])),
                ],
            )
            .with(
                "db.dupes",
                vec![
                    ("device_id", strings(&[Some("d1"), Some("d2"), Some("d1")])),
                    ("site", strings(&[Some("a"), Some("b"), Some("c")])),
                ],
            )
    }

    fn join(how: JoinHow, table: &str, right_key: &str) -> Result<Applied> {
        let t = Transform::Join {
            table: table.into(),
            keys_left: vec!["device_id".into()],
            keys_right: vec![right_key.into()],
            how,
        };
        apply(&t, readings(), &lookups())
    }

    fn map_types(unmapped: Unmapped) -> Result<Applied> {
        let t = Transform::ValueMapping {
            table: "db.types".into(),
            column: "type".into(),
            from_column: "code".into(),
            to_column: "label".into(),
            unmapped,
        };
        apply(&t, readings(), &lookups())
    }

    #[test]
    fn an_inner_join_keeps_matched_rows_with_their_origins() {
        let applied = join(JoinHow::Inner, "db.devices", "device_id").unwrap();
        let f = &applied.frame;
        assert_eq!(names(f), ["device_id", "type", ".device_id", "site"]);
        assert_eq!(lines(f), [1, 2, 5]);
        assert_eq!(column(f, "site"), ["tokyo", "osaka", "tokyo"]);
    }

    #[test]
    fn a_left_join_keeps_every_row() {
        let applied = join(JoinHow::Left, "db.devices", "device_id").unwrap();
        assert_eq!(lines(&applied.frame), [1, 2, 3, 4, 5]);
        assert_eq!(
            column(&applied.frame, "site"),
            ["tokyo", "osaka", "null", "null", "tokyo"]
        );
    }

    #[test]
    fn join_errors_name_the_problem() {
        let e = join(JoinHow::Inner, "db.dupes", "device_id").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Join: lookup table db.dupes has 2 rows with key device_id=d1; a lookup table needs unique keys"
        );
        let e = join(JoinHow::Inner, "db.devices", "id").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Join: key id is not in lookup table db.devices (fields: device_id, site)"
        );
        let e = join(JoinHow::Inner, "db.nope", "id").unwrap_err();
        assert!(e.to_string().contains("db.nope"), "{e}");
    }

    #[test]
    fn value_mapping_keeps_unmapped_values_and_reports_them() {
        let applied = map_types(Unmapped::Keep).unwrap();
        assert_eq!(column(&applied.frame, "type"), ["thermo", "door", "7", "thermo", "7"]);
        assert_eq!(lines(&applied.frame), [1, 2, 3, 4, 5]);
        assert_eq!(
            applied.warnings,
            ["ValueMapping: 1 value of type is not in db.types.code: \"7\" (2 rows); kept as they are"]
        );
    }

    #[test]
    fn value_mapping_can_null_or_fail_unmapped_values() {
        let applied = map_types(Unmapped::Null).unwrap();
        assert_eq!(
            column(&applied.frame, "type"),
            ["thermo", "door", "null", "thermo", "null"]
        );
        let applied = map_types(Unmapped::Fail).unwrap();
        assert_eq!(lines(&applied.frame), [1, 2, 4]);
        assert_eq!(column(&applied.frame, "type"), ["thermo", "door", "thermo"]);
        let lines_in_error: Vec<u64> = applied.errors.iter().map(|e| e.origin.line).collect();
        assert_eq!(lines_in_error, [3, 5]);
        assert!(applied.errors.iter().all(|e| e.row_dropped));
        assert_eq!(applied.errors[0].message, "value 7 is not in mapping table db.types");
    }

    #[test]
    fn value_mapping_errors_name_the_table_and_column() {
        let lookup_step = |table: &str, column: &str, from: &str| Transform::ValueMapping {
            table: table.into(),
            column: column.into(),
            from_column: from.into(),
            to_column: "site".into(),
            unmapped: Unmapped::Keep,
        };
        let e = apply(
            &lookup_step("db.dupes", "device_id", "device_id"),
            readings(),
            &lookups(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "ValueMapping: mapping table db.dupes has 2 rows with device_id=d1; a lookup table needs unique keys"
        );
        let e = apply(
            &lookup_step("db.devices", "device", "device_id"),
            readings(),
            &lookups(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "ValueMapping: column device is not in the frame (fields: device_id, type)"
        );
        let e = apply(&lookup_step("db.devices", "device_id", "code"), readings(), &lookups()).unwrap_err();
        assert!(
            e.to_string().contains("column code is not in mapping table db.devices"),
            "{e}"
        );
    }
}
