//! How a file's own fields line up with the columns of the catalog table it sits under, said
//! plainly. A run reads such a file without complaint (a JSON key that is no column is dropped,
//! a column with no key is null, a CSV header the table does not skip is a row), so this is the
//! only place a person learns why every value came out null.
//!
//! Modelled on how gluelab's readers map fields (JSON keys and CSV header names by name, case
//! not minding; a headerless CSV by position), which is how Glue's JSON and OpenCSV SerDes read.

use crate::format::{infer_schema, object_text, Format, ReadOptions};
use crate::i18n::Catalog;
use crate::model::catalog::Table;

/// At most this much of a file is looked at: a fit is about names, which the first lines show.
const SAMPLE_BYTES: usize = 16 * 1024;

/// A file's fields against its table's columns.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchemaFit {
    /// `database.table`.
    pub table: String,
    pub columns: Vec<String>,
    /// The file's own names: JSON keys, or the CSV header (the first record, for a headerless
    /// table).
    pub fields: Vec<String>,
    /// Columns found among the fields.
    pub matching: Vec<String>,
    /// A headerless CSV table whose file starts with a line of its column names.
    pub header_read_as_row: bool,
}

impl SchemaFit {
    /// The fit of `body` (the object `object`) to `table`; `None` when there is nothing to say a
    /// fit about (Parquet, an empty or unreadable beginning: the read says what is wrong).
    pub fn of(table: &Table, object: &str, body: &[u8]) -> Option<SchemaFit> {
        if !matches!(table.format, Format::Json | Format::Csv) || table.columns.is_empty() {
            return None;
        }
        let csv = table.csv_options();
        let options = ReadOptions::default().with_format(table.format).with_csv(csv.clone());
        let sample = object_text(object, body, &options, Some(SAMPLE_BYTES)).ok()?;
        let sample = sample.as_ref();
        let columns: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        let (fields, header_read_as_row) = if table.format == Format::Csv && !csv.with_header {
            // Read by position: names only matter when the first line is the header itself.
            let first = infer_schema(object, sample, &options.with_csv(csv.with_header(true))).ok()?;
            let first: Vec<String> = first.fields().iter().map(|f| f.name().clone()).collect();
            let named = first.iter().filter(|f| contains(&columns, f)).count();
            if named * 2 < columns.len().max(1) {
                return None;
            }
            (first, true)
        } else {
            let schema = infer_schema(object, sample, &options).ok()?;
            (schema.fields().iter().map(|f| f.name().clone()).collect(), false)
        };
        if fields.is_empty() {
            return None;
        }
        let matching = columns.iter().filter(|c| contains(&fields, c)).cloned().collect();
        Some(SchemaFit {
            table: format!("{}.{}", table.database, table.name),
            columns,
            fields,
            matching,
            header_read_as_row,
        })
    }

    /// What a person should know, in `catalog`'s language, or `None` when every column is in
    /// the file.
    pub fn warning(&self, catalog: &Catalog) -> Option<String> {
        let fields = self.fields.join(", ");
        if self.header_read_as_row {
            return Some(catalog.tf(
                "the first line looks like a header ({fields}), but table {table} skips no header line: it is read as a row (set skip.header.line.count to 1)",
                &[("fields", &fields), ("table", &self.table)],
            ));
        }
        let missing: Vec<&str> = self
            .columns
            .iter()
            .filter(|c| !self.matching.contains(c))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            return None;
        }
        if self.matching.is_empty() {
            return Some(catalog.tf(
                "none of {fields} is a column of {table}: every column ({columns}) reads as null",
                &[
                    ("fields", &fields),
                    ("table", &self.table),
                    ("columns", &self.columns.join(", ")),
                ],
            ));
        }
        let extra: Vec<&str> = self
            .fields
            .iter()
            .filter(|f| !contains(&self.columns, f))
            .map(String::as_str)
            .collect();
        let args: [(&str, &dyn std::fmt::Display); 6] = [
            ("matching", &self.matching.len()),
            ("columns", &self.columns.len()),
            ("table", &self.table),
            ("missing", &missing.join(", ")),
            ("count", &extra.len()),
            ("extra", &extra.join(", ")),
        ];
        Some(match extra.len() {
            0 => catalog.tf(
                "{matching} of {columns} columns of {table} are in the file; {missing} read as null",
                &args,
            ),
            1 => catalog.tf(
                "{matching} of {columns} columns of {table} are in the file; {missing} read as null; 1 field not read: {extra}",
                &args,
            ),
            _ => catalog.tf(
                "{matching} of {columns} columns of {table} are in the file; {missing} read as null; {count} fields not read: {extra}",
                &args,
            ),
        })
    }
}

fn contains(names: &[String], name: &str) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog::Column;

    fn table(format: Format, columns: &[&str]) -> Table {
        let columns = columns.iter().map(|c| Column::new(*c, "string")).collect();
        Table::new("db", "devices", "s3://raw/data/", format, columns)
    }

    fn warning(table: &Table, body: &str) -> Option<String> {
        SchemaFit::of(table, "s3://raw/data/x", body.as_bytes())
            .and_then(|f| f.warning(&crate::i18n::Catalog::english()))
    }

    #[test]
    fn json_with_other_names_says_every_column_is_null() {
        let t = table(Format::Json, &["device_id", "timestamp", "state"]);
        let w = warning(
            &t,
            "{\"order_id\": 1, \"customer\": \"a\"}\n{\"order_id\": 2, \"amount\": 3}\n",
        );
        assert_eq!(
            w.as_deref(),
            Some("none of order_id, customer, amount is a column of db.devices: every column (device_id, timestamp, state) reads as null")
        );
    }

    #[test]
    fn json_with_some_names_counts_them_and_names_the_rest() {
        let t = table(Format::Json, &["device_id", "timestamp", "state"]);
        let w = warning(&t, "{\"Device_ID\": 1, \"state\": \"on\", \"stat\": 1}\n").unwrap();
        assert_eq!(
            w,
            "2 of 3 columns of db.devices are in the file; timestamp read as null; 1 field not read: stat"
        );
        assert_eq!(
            warning(&t, "{\"device_id\": 1, \"timestamp\": 2, \"state\": 3, \"x\": 4}\n"),
            None
        );
    }

    #[test]
    fn a_header_the_table_does_not_skip_is_named() {
        let t = table(Format::Csv, &["id", "name", "amount"]);
        let w = warning(&t, "id,name,amount\n1,a,3\n").unwrap();
        assert!(w.contains("looks like a header (id, name, amount)"), "{w}");
        assert!(w.contains("set skip.header.line.count to 1"), "{w}");
        // A headerless file is read by position: nothing to say.
        assert_eq!(warning(&t, "1,a,3\n2,b,4\n"), None);
    }

    #[test]
    fn a_csv_header_the_table_skips_is_matched_by_name() {
        let mut t = table(Format::Csv, &["id", "name"]);
        t.parameters.insert("skip.header.line.count".into(), "1".into());
        assert_eq!(warning(&t, "id,name\n1,a\n"), None);
        let w = warning(&t, "order,customer\n1,a\n").unwrap();
        assert!(
            w.starts_with("none of order, customer is a column of db.devices"),
            "{w}"
        );
    }

    #[test]
    fn binary_or_empty_files_leave_it_to_the_read() {
        let t = table(Format::Json, &["a"]);
        assert_eq!(SchemaFit::of(&t, "x", b""), None);
        assert_eq!(SchemaFit::of(&t, "x", &[0x89, b'P', b'N', b'G', 0, 0, 0xff]), None);
    }
}
