//! A catalog table made from one file, as a Glue crawler would make it: the format from the
//! name, the columns from the data (Glue types), a CSV header found by Glue's rule, and Hive
//! partition folders (`key=value/`) as partition keys.
//!
//! Modelled on the crawler's documented classifiers (JSON, and CSV whose header must differ
//! from the data rows: some column parses as other than `string`), not checked against one.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::format::compression::Compression;
use crate::format::types::glue_type_name;
use crate::format::{infer_schema, object_text, CsvOptions, Format, ReadOptions, FORMAT_BY_NAME};
use crate::model::catalog::{Column, Table};
use crate::model::store::S3Uri;

/// At most this much of the file is looked at, cut at a line break: a crawler samples too.
const SAMPLE_BYTES: usize = 1024 * 1024;

/// The table a crawler would make in `database` for the object `uri` holding `body`.
pub fn table_from_object(database: &str, uri: &S3Uri, body: &[u8]) -> Result<Table> {
    let file = uri.key.rsplit('/').next().unwrap_or_default();
    let Some((format, _)) = Format::of_file_name(file) else {
        return Err(Error::InvalidInput(format!(
            "{uri}: no table from this file: {FORMAT_BY_NAME}"
        )));
    };
    let (location, partition_keys, name) = location_of(uri)?;
    let object = uri.to_string();
    // A Parquet file's schema is at its end: it is read whole.
    let sample = object_text(
        &object,
        body,
        &ReadOptions::default().with_format(format),
        Some(SAMPLE_BYTES),
    )?;
    let sample = sample.as_ref();
    let (columns, header) = match format {
        Format::Csv => csv_columns(&object, sample)?,
        _ => {
            let options = ReadOptions::default().with_format(format);
            (columns_of(infer_schema(&object, sample, &options)?.as_ref()), false)
        }
    };
    if columns.is_empty() {
        return Err(Error::data(
            crate::error::Location::object(&object),
            "no columns found: the file is empty or holds no records",
        ));
    }
    let mut table = Table::new(database, &name, &location, format, columns);
    table.partition_keys = partition_keys.into_iter().map(|k| Column::new(k, "string")).collect();
    table
        .parameters
        .insert("classification".into(), format.name().to_string());
    if let Some((compression, _)) = Compression::of_file_name(file) {
        // As the crawler records it (and Athena reads it).
        table
            .parameters
            .insert("compressionType".into(), compression.name().to_string());
    }
    if format == Format::Csv {
        table.serde_library = Some("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe".into());
        table.serde_parameters.insert("field.delim".into(), ",".into());
        if header {
            table.parameters.insert("skip.header.line.count".into(), "1".into());
        }
    }
    Ok(table)
}

/// The table's location (the folder above any `key=value/` folders), the partition keys, and
/// the table's name (that folder's, or the bucket's, as a crawler names tables).
fn location_of(uri: &S3Uri) -> Result<(String, Vec<String>, String)> {
    let mut folders: Vec<&str> = uri.key.split('/').collect();
    folders.pop(); // the file
    let mut keys = vec![];
    while let Some((key, _)) = folders.last().and_then(|f| f.split_once('=')) {
        keys.insert(0, key.to_string());
        folders.pop();
    }
    let name = folders.last().copied().unwrap_or(&uri.bucket);
    let location = match folders.is_empty() {
        true => format!("s3://{}/", uri.bucket),
        false => format!("s3://{}/{}/", uri.bucket, folders.join("/")),
    };
    Ok((location, keys, table_name(name)))
}

/// Lower case, and `_` for anything but letters, digits and `_`, as the crawler names tables.
fn table_name(folder: &str) -> String {
    let name: String = folder
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        "table".into()
    } else {
        name
    }
}

/// Glue's CSV rule: the first line is a header when, read as one, its cells are all text and
/// unique while some column of the rows below parses as other than `string`.
fn csv_columns(object: &str, sample: &[u8]) -> Result<(Vec<Column>, bool)> {
    let with_header = ReadOptions::default()
        .with_format(Format::Csv)
        .with_csv(CsvOptions::default().with_header(true));
    let headed = infer_schema(object, sample, &with_header)?;
    let names: Vec<&String> = headed.fields().iter().map(|f| f.name()).collect();
    let unique = names.iter().collect::<std::collections::BTreeSet<_>>().len() == names.len();
    let textual = names.iter().all(|n| n.parse::<f64>().is_err() && !n.is_empty());
    let typed_below = headed
        .fields()
        .iter()
        .any(|f| glue_type_name(f.data_type()) != "string");
    if unique && textual && typed_below {
        return Ok((columns_of(&headed), true));
    }
    let plain = ReadOptions::default().with_format(Format::Csv);
    Ok((columns_of(infer_schema(object, sample, &plain)?.as_ref()), false))
}

fn columns_of(schema: &crate::arrow::datatypes::Schema) -> Vec<Column> {
    let mut seen = BTreeMap::new();
    schema
        .fields()
        .iter()
        .filter(|f| seen.insert(f.name().to_lowercase(), ()).is_none())
        .map(|f| Column::new(f.name().as_str(), glue_type_name(f.data_type())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(t: &Table) -> Vec<(String, String)> {
        t.columns
            .iter()
            .map(|c| (c.name.clone(), c.glue_type.clone()))
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn json_lines_give_their_keys_and_types_under_the_files_folder() {
        let uri = S3Uri::parse("s3://shop/raw/orders/2024-01.json").unwrap();
        let body = b"{\"order_id\": 1, \"customer\": \"acme\", \"amount\": 12.5}\n{\"order_id\": 2, \"paid\": true}\n";
        let t = table_from_object("shop", &uri, body).unwrap();
        assert_eq!(
            (t.name.as_str(), t.location.as_str()),
            ("orders", "s3://shop/raw/orders/")
        );
        assert_eq!(t.format, Format::Json);
        assert_eq!(
            columns(&t),
            pairs(&[
                ("order_id", "bigint"),
                ("customer", "string"),
                ("amount", "double"),
                ("paid", "boolean")
            ])
        );
        assert_eq!(t.parameters["classification"], "json");
    }

    #[test]
    fn a_csv_header_is_found_by_glues_rule() {
        let uri = S3Uri::parse("s3://shop/sales/jan.csv").unwrap();
        let t = table_from_object("shop", &uri, b"id,region,amount\n1,north,2.5\n2,south,3\n").unwrap();
        assert_eq!(
            columns(&t),
            pairs(&[("id", "bigint"), ("region", "string"), ("amount", "double")])
        );
        assert_eq!(t.parameters["skip.header.line.count"], "1");
        assert!(t.csv_options().with_header);
        // Every column text: the first line is not different enough to be a header.
        let t = table_from_object("shop", &uri, b"name,city\nann,oslo\nbo,rome\n").unwrap();
        assert_eq!(columns(&t), pairs(&[("col0", "string"), ("col1", "string")]));
        assert!(!t.parameters.contains_key("skip.header.line.count"));
        // A first line of numbers is data.
        let t = table_from_object("shop", &uri, b"1,2\n3,4\n").unwrap();
        assert_eq!(columns(&t), pairs(&[("col0", "bigint"), ("col1", "bigint")]));
    }

    #[test]
    fn partition_folders_become_partition_keys() {
        let uri = S3Uri::parse("s3://logs/events/year=2024/month=01/part-0.json").unwrap();
        let t = table_from_object("logs", &uri, b"{\"id\": 1}\n").unwrap();
        assert_eq!((t.name.as_str(), t.location.as_str()), ("events", "s3://logs/events/"));
        let keys: Vec<&str> = t.partition_keys.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(keys, ["year", "month"]);
        let top = table_from_object(
            "logs",
            &S3Uri::parse("s3://my-logs.2024/a.json").unwrap(),
            b"{\"id\": 1}\n",
        )
        .unwrap();
        assert_eq!(
            (top.name.as_str(), top.location.as_str()),
            ("my_logs_2024", "s3://my-logs.2024/")
        );
    }

    #[test]
    fn files_it_cannot_make_a_table_of_say_why() {
        let uri = S3Uri::parse("s3://b/notes.txt").unwrap();
        assert!(table_from_object("d", &uri, b"hi")
            .unwrap_err()
            .to_string()
            .contains("only names ending in .csv"));
        let uri = S3Uri::parse("s3://b/x/empty.json").unwrap();
        assert!(table_from_object("d", &uri, b"")
            .unwrap_err()
            .to_string()
            .contains("no columns found"));
    }
}
