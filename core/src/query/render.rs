//! Result rows as text: the cells Athena's console shows, and a box table for the CLI.

use crate::arrow::array::RecordBatch;
use crate::arrow::datatypes::DataType;
use crate::arrow::util::display::{ArrayFormatter, FormatOptions};

/// Cells as Athena's console prints them: NULL as an empty cell, timestamps with a space and
/// milliseconds (`2024-01-31 12:00:00.000`), everything else in Arrow's display form. A column
/// type Arrow cannot print shows as `<type>` in every cell rather than failing the whole result.
pub(crate) fn rows_as_strings(batch: &RecordBatch) -> Vec<Vec<String>> {
    let options = FormatOptions::new()
        .with_null("")
        .with_timestamp_format(Some("%Y-%m-%d %H:%M:%S%.3f"))
        .with_timestamp_tz_format(Some("%Y-%m-%d %H:%M:%S%.3f %Z"));
    let formatters: Vec<_> = batch
        .columns()
        .iter()
        .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).map_err(|_| format!("<{}>", c.data_type())))
        .collect();
    let cell = |f: &Result<ArrayFormatter, String>, row| match f {
        Ok(f) => f.value(row).to_string(),
        Err(placeholder) => placeholder.clone(),
    };
    (0..batch.num_rows())
        .map(|row| formatters.iter().map(|f| cell(f, row)).collect())
        .collect()
}

/// A box table; numbers are right-aligned, line breaks in cells shown as `\n` so rows stay one
/// line each. There is no footer: callers add a row count if they want one.
pub(crate) fn ascii_table(columns: &[String], types: &[DataType], rows: &[Vec<String>]) -> String {
    let clean = |s: &str| s.replace('\r', "\\r").replace('\n', "\\n");
    let header: Vec<String> = columns.iter().map(|c| clean(c)).collect();
    let body: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| clean(c)).collect()).collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            body.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let rule = widths.iter().map(|w| "-".repeat(w + 2)).collect::<Vec<_>>().join("+");
    let rule = format!("+{rule}+\n");
    let line = |cells: &[String], right: &dyn Fn(usize) -> bool| {
        let cells = cells.iter().enumerate().map(|(i, c)| {
            let pad = " ".repeat(widths[i] - c.chars().count());
            if right(i) {
                format!(" {pad}{c} ")
            } else {
                format!(" {c}{pad} ")
            }
        });
        format!("|{}|\n", cells.collect::<Vec<_>>().join("|"))
    };
    let numeric = |i: usize| types.get(i).is_some_and(|t| t.is_numeric());
    let mut out = rule.clone();
    out.push_str(&line(&header, &|_| false));
    out.push_str(&rule);
    for row in &body {
        out.push_str(&line(row, &numeric));
    }
    if !body.is_empty() {
        out.push_str(&rule);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use crate::arrow::array::{ArrayRef, StringArray, TimestampMillisecondArray};
    use crate::arrow::datatypes::{Field, Schema, TimeUnit};

    #[test]
    fn nulls_are_empty_and_timestamps_look_like_athena() {
        let schema = Schema::new(vec![
            Field::new("s", DataType::Utf8, true),
            Field::new("t", DataType::Timestamp(TimeUnit::Millisecond, None), true),
        ]);
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec![None, Some("x")])),
            Arc::new(TimestampMillisecondArray::from(vec![Some(1_700_000_000_123), None])),
        ];
        let batch = RecordBatch::try_new(Arc::new(schema), columns).unwrap();
        let rows = rows_as_strings(&batch);
        assert_eq!(rows, [vec!["", "2023-11-14 22:13:20.123"], vec!["x", ""]]);
    }

    #[test]
    fn box_table_aligns_numbers_right() {
        let columns = vec!["device_id".to_string(), "n".to_string()];
        let types = vec![DataType::Utf8, DataType::Int64];
        let rows = vec![
            vec!["d1".to_string(), "2".to_string()],
            vec!["d2\nx".to_string(), "10".to_string()],
        ];
        let expected = "\
+-----------+----+
| device_id | n  |
+-----------+----+
| d1        |  2 |
| d2\\nx     | 10 |
+-----------+----+
";
        assert_eq!(ascii_table(&columns, &types, &rows), expected);
    }

    #[test]
    fn empty_result_is_just_the_header() {
        let table = ascii_table(&["a".to_string()], &[DataType::Utf8], &[]);
        assert_eq!(table, "+---+\n| a |\n+---+\n");
    }
}
