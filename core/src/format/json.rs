//! JSON lines reader and writer: one JSON object per physical line, as Glue and Spark write them.
//!
//! The reader scans each line with a small hand-written JSON scanner instead of building a
//! `serde_json::Value`: values stay borrowed slices of the object (numbers keep their exact text,
//! so `decimal(38,10)` loses nothing), keys are matched to declared columns without allocating,
//! and syntax errors can say at which column of which line they are.
//!
//! Conversion rules with a declared schema (strict on purpose, so the UI can show why):
//! - a number goes into `bigint`/`int`/`smallint`/`tinyint` only if it is an integer in range,
//!   and into `double`/`float`/`decimal` always;
//! - `true`/`false` go into `boolean`; strings go into `date`, `timestamp`, `decimal` and
//!   `binary` (base64) when they parse; `"NaN"`, `"Infinity"`, `"-Infinity"` go into floats;
//! - a `string` column takes any value: non-strings are kept as their JSON text, as Spark does;
//! - objects and arrays go into `struct`/`map`/`array` columns (decoded by arrow's JSON decoder);
//! - anything else is malformed for that field (`expected bigint, found string "abc"`).
//!
//! Missing fields are null, extra fields are ignored, and field names match declared columns
//! exactly first, then case-insensitively (Glue catalog names are lower case; the Hive and
//! OpenX JSON SerDes match them to keys case-insensitively). If a key repeats, the first wins.

use std::collections::HashMap;
use std::sync::Arc;

use crate::arrow::array::{ArrayRef, RecordBatch};
use crate::arrow::datatypes::{DataType, Field, Schema, SchemaRef};

use super::builder::ColumnBuilder;
use super::encode::ColumnWriter;
use super::encoding::not_utf8_message;
use super::rows::{as_text, lines, malformed_from, OutputSchema, Problem, Rows};
use super::{Malformed, ReadOptions, ReadOutput};
use crate::error::{Error, Location, Result};
use crate::limits::JSON_MAX_COLUMNS;

pub(crate) mod scan;

use scan::{scan_object, JsonKind, JsonValue};

/// Maps JSON keys to column indexes: exact name first, then case-insensitively.
struct FieldIndex {
    exact: HashMap<String, usize>,
    lower: HashMap<String, usize>,
}

impl FieldIndex {
    fn new<'f>(names: impl Iterator<Item = &'f str>) -> Self {
        let mut exact = HashMap::new();
        let mut lower = HashMap::new();
        for (i, name) in names.enumerate() {
            exact.entry(name.to_string()).or_insert(i);
            lower.entry(name.to_lowercase()).or_insert(i);
        }
        Self { exact, lower }
    }

    fn get(&self, key: &str) -> Option<usize> {
        if let Some(i) = self.exact.get(key) {
            return Some(*i);
        }
        if key.chars().any(char::is_uppercase) {
            self.lower.get(&key.to_lowercase()).copied()
        } else {
            self.lower.get(key).copied()
        }
    }
}

/// Reads JSON lines into `declared` (see the module docs for the rules).
pub(crate) fn read(object: &str, body: &[u8], options: &ReadOptions, declared: &Schema) -> Result<ReadOutput> {
    let schema = OutputSchema::new(declared, options);
    let capacity = super::reserve_rows(body, schema.data.len());
    let mut builders = Vec::with_capacity(schema.data.len());
    for field in schema.data_fields() {
        let builder = ColumnBuilder::new(field.data_type(), capacity).ok_or_else(|| unsupported(object, field))?;
        builders.push(builder);
    }
    let index = FieldIndex::new(schema.data_fields().map(|f| f.name().as_str()));
    let mut rows = Rows::new(object, options.mode, builders.len(), body.len());
    let mut slots: Vec<Option<JsonValue<'_>>> = vec![None; builders.len()];
    let mut problems: Vec<Problem> = Vec::new();
    let (mut key_buf, mut scratch) = (String::new(), String::new());
    for (number, bytes) in lines(body) {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        rows.check_record(number, bytes.len())?;
        let Some(line) = as_text(bytes) else {
            builders.iter_mut().for_each(ColumnBuilder::append_null);
            let raw = String::from_utf8_lossy(bytes).into_owned();
            rows.bad(Malformed {
                line: number,
                field: None,
                message: not_utf8_message(bytes),
                raw,
            })?;
            continue;
        };
        slots.iter_mut().for_each(|s| *s = None);
        let scanned = scan_object(line, &mut key_buf, |key, value| {
            if let Some(i) = index.get(key) {
                slots[i].get_or_insert(value);
            }
        });
        if let Err(message) = scanned {
            builders.iter_mut().for_each(ColumnBuilder::append_null);
            rows.bad(Malformed {
                line: number,
                field: None,
                message,
                raw: line.to_string(),
            })?;
            continue;
        }
        problems.clear();
        for (i, (builder, slot)) in builders.iter_mut().zip(&slots).enumerate() {
            match slot {
                Some(value) => {
                    if let Err(message) = builder.append_json(value, &mut scratch) {
                        builder.append_null();
                        problems.push((Some(schema.fields[schema.data[i]].name().clone()), message));
                    }
                }
                None => builder.append_null(),
            }
        }
        if problems.is_empty() {
            rows.good(number)?;
        } else {
            rows.bad(malformed_from(number, line.to_string(), &problems))?;
        }
    }
    let columns = builders
        .iter_mut()
        .map(ColumnBuilder::finish)
        .collect::<Result<Vec<ArrayRef>>>()?;
    rows.finish(&schema, columns)
}

/// The error for a declared type the text readers cannot build.
pub(crate) fn unsupported(object: &str, field: &Field) -> Error {
    Error::data(
        Location::object(object).with_field(field.name()),
        format!(
            "cannot read a column of type {} from text",
            super::types::glue_type_name(field.data_type())
        ),
    )
}

/// Merged JSON kinds seen for one key while inferring: the lattice is
/// null < boolean | bigint < double, and anything mixed (or nested) is string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Null,
    Bool,
    Int,
    Float,
    Text,
}

impl Seen {
    fn of(value: &JsonValue<'_>) -> Seen {
        match value.kind {
            JsonKind::Null => Seen::Null,
            JsonKind::Bool(_) => Seen::Bool,
            // Integers too large for bigint are read as double.
            JsonKind::Number { int: true } if value.text.parse::<i64>().is_ok() => Seen::Int,
            JsonKind::Number { .. } => Seen::Float,
            JsonKind::String { .. } | JsonKind::Object | JsonKind::Array => Seen::Text,
        }
    }

    fn merge(self, other: Seen) -> Seen {
        match (self, other) {
            (a, b) if a == b => a,
            (Seen::Null, x) | (x, Seen::Null) => x,
            (Seen::Int, Seen::Float) | (Seen::Float, Seen::Int) => Seen::Float,
            _ => Seen::Text,
        }
    }

    fn data_type(self) -> DataType {
        match self {
            Seen::Bool => DataType::Boolean,
            Seen::Int => DataType::Int64,
            Seen::Float => DataType::Float64,
            Seen::Null | Seen::Text => DataType::Utf8,
        }
    }
}

/// Infers a schema from every line: the union of top-level keys in first-seen order, typed
/// `bigint`, `double`, `boolean` or `string`. Nested objects and arrays are inferred as `string`
/// and read as their JSON text (gluelab does not infer nested types); keys only ever null are
/// `string`, as in Spark. Lines that are not JSON objects are skipped here (the read reports them).
/// More than [`JSON_MAX_COLUMNS`] keys fail, naming the line that brought the one too many.
pub(crate) fn infer(object: &str, body: &[u8]) -> Result<SchemaRef> {
    let mut names: Vec<String> = Vec::new();
    let mut seen: Vec<Seen> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut key_buf = String::new();
    let mut found: Vec<(usize, Seen)> = Vec::new();
    let mut new_keys: Vec<(String, Seen)> = Vec::new();
    for (number, bytes) in lines(body) {
        let Some(line) = as_text(bytes) else { continue };
        if line.trim().is_empty() {
            continue;
        }
        found.clear();
        new_keys.clear();
        let scanned = scan_object(line, &mut key_buf, |key, value| match index.get(key) {
            Some(i) => found.push((*i, Seen::of(&value))),
            None => new_keys.push((key.to_string(), Seen::of(&value))),
        });
        if scanned.is_err() {
            continue;
        }
        for (i, kind) in found.drain(..) {
            seen[i] = seen[i].merge(kind);
        }
        for (key, kind) in new_keys.drain(..) {
            match index.get(&key) {
                Some(i) => seen[*i] = seen[*i].merge(kind),
                None if names.len() == JSON_MAX_COLUMNS => {
                    return Err(Error::data(
                        Location::object(object).at_line(number),
                        format!(
                            "the records have more than {JSON_MAX_COLUMNS} different keys (the limit JSON_MAX_COLUMNS); \
                             declare the table's columns instead of inferring them"
                        ),
                    ));
                }
                None => {
                    index.insert(key.clone(), names.len());
                    names.push(key);
                    seen.push(kind);
                }
            }
        }
    }
    let fields: Vec<Field> = names
        .into_iter()
        .zip(seen)
        .map(|(name, kind)| Field::new(name, kind.data_type(), true))
        .collect();
    Ok(Arc::new(Schema::new(fields)))
}

/// Writes JSON lines as Spark and Glue do: one compact object per line, fields in schema
/// order, null fields left out, every line ending in `\n`.
pub(crate) fn write(batch: &RecordBatch) -> Result<Vec<u8>> {
    let schema = batch.schema();
    let columns = ColumnWriter::prepare(batch)?;
    let encoder_options = crate::arrow::json::writer::EncoderOptions::default();
    let mut writers = ColumnWriter::for_columns(&schema, &columns, &encoder_options)?;
    // `"name":` for each column, escaped once.
    let keys: Vec<Vec<u8>> = schema
        .fields()
        .iter()
        .map(|f| {
            let mut key = serde_json::to_vec(f.name()).expect("a string always serializes");
            key.push(b':');
            key
        })
        .collect();
    let mut out = Vec::with_capacity(batch.num_rows() * (16 + 16 * keys.len()));
    for row in 0..batch.num_rows() {
        out.push(b'{');
        let mut first = true;
        for (writer, key) in writers.iter_mut().zip(&keys) {
            if writer.is_null(row) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(key);
            writer.write_json(row, &mut out);
        }
        out.extend_from_slice(b"}\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::{read_object, write_batch, CsvOptions, Format, ParseMode, ReadOptions};
    use super::*;
    use crate::arrow::array::{Array, AsArray, Int64Array, StringArray};
    use crate::arrow::datatypes::{Float64Type, Int32Type, Int64Type};

    const OBJ: &str = "s3://bucket/in/data.json";

    fn schema(fields: &[(&str, DataType)]) -> SchemaRef {
        Arc::new(Schema::new(
            fields
                .iter()
                .map(|(n, t)| Field::new(*n, t.clone(), true))
                .collect::<Vec<_>>(),
        ))
    }

    fn options(s: &SchemaRef, mode: ParseMode) -> ReadOptions {
        ReadOptions::default()
            .with_format(Format::Json)
            .with_schema(s.clone())
            .with_mode(mode)
    }

    fn id_name() -> SchemaRef {
        schema(&[("id", DataType::Int64), ("name", DataType::Utf8)])
    }

    #[test]
    fn test_json_wider_than_max_columns_fails_naming_the_line() {
        let keys = |from: usize, n: usize| {
            (from..from + n)
                .map(|i| format!("\"k{i}\":1"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let body = format!("{{{}}}\n{{\"k0\":2}}\n{{{}}}\n", keys(0, 20_000), keys(20_000, 481));
        let e = infer(OBJ, body.as_bytes()).unwrap_err().to_string();
        assert!(
            e.contains("s3://bucket/in/data.json, line 3") && e.contains("JSON_MAX_COLUMNS"),
            "{e}"
        );
        let at_limit = format!("{{{}}}\n{{{}}}\n", keys(0, 20_000), keys(20_000, 480));
        assert_eq!(
            infer(OBJ, at_limit.as_bytes()).unwrap().fields().len(),
            JSON_MAX_COLUMNS
        );
    }

    #[test]
    fn test_json_rows_of_a_wide_schema_stop_at_the_cells_limit() {
        // One line brings 10,000 keys; 200,000 short lines after it would each cost 10,000 cells
        // (2 billion in all, from 2.6 MB): the read stops at READ_MAX_CELLS_PER_BYTE instead.
        let wide = (0..10_000).map(|i| format!("\"k{i}\":1")).collect::<Vec<_>>().join(",");
        let body = format!("{{{wide}}}\n{}", "{}\n".repeat(200_000));
        let e = read_object(OBJ, body.as_bytes(), &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("READ_MAX_CELLS_PER_BYTE") && e.contains("of 10000 columns"),
            "{e}"
        );
        let line: u64 = e
            .split("line ")
            .nth(1)
            .unwrap()
            .split(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let limit = (body.len() * crate::limits::READ_MAX_CELLS_PER_BYTE + crate::limits::READ_RESERVE_CELLS) / 10_000;
        assert_eq!(line as usize, limit + 1, "{e}");
        // A few short lines under the same schema are read.
        let ok = format!("{{{wide}}}\n{}", "{}\n".repeat(100));
        assert_eq!(
            read_object(OBJ, ok.as_bytes(), &ReadOptions::default())
                .unwrap()
                .batch
                .num_rows(),
            101
        );
    }

    #[test]
    fn test_json_record_longer_than_the_limit_fails_in_every_mode() {
        let long = format!(
            "{{\"id\":1}}\n{{\"name\":\"{}\"}}\n",
            "x".repeat(crate::limits::RECORD_MAX_BYTES)
        );
        for mode in [ParseMode::Permissive, ParseMode::DropMalformed, ParseMode::FailFast] {
            let e = read_object(OBJ, long.as_bytes(), &options(&id_name(), mode))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("line 2") && e.contains("64 MiB long") && e.contains("RECORD_MAX_BYTES"),
                "{e}"
            );
        }
    }

    #[test]
    fn test_json_reads_declared_types() {
        let body = br#"{"id": 1, "name": "a", "extra": [1, {"x": 2}]}
{"name": "b\n\u00e9\ud83d\ude00", "id": -2}
{"id": null}
"#;
        let out = read_object(OBJ, body, &options(&id_name(), ParseMode::FailFast)).unwrap();
        assert_eq!(out.batch.schema(), id_name());
        let ids = out.batch.column(0).as_primitive::<Int64Type>();
        assert_eq!((ids.value(0), ids.value(1), ids.is_null(2)), (1, -2, true));
        let names = out.batch.column(1).as_string::<i32>();
        assert_eq!(names.value(1), "b\né😀");
        assert!(names.is_null(2));
        assert_eq!(out.lines, vec![1, 2, 3]);
        assert!(out.malformed.is_empty());
    }

    #[test]
    fn test_json_blank_lines_bom_crlf_and_line_numbers() {
        let body = b"\xEF\xBB\xBF{\"id\":1}\r\n\r\n   \n{\"id\":2}\r\n";
        let out = read_object(OBJ, body, &options(&id_name(), ParseMode::FailFast)).unwrap();
        assert_eq!(out.batch.num_rows(), 2);
        assert_eq!(out.lines, vec![1, 4]);
    }

    #[test]
    fn test_json_empty_object_keeps_schema() {
        for body in [&b""[..], b"\n\n", b"\xEF\xBB\xBF"] {
            let out = read_object(OBJ, body, &options(&id_name(), ParseMode::Permissive)).unwrap();
            assert_eq!(out.batch.num_rows(), 0);
            assert_eq!(out.batch.schema(), id_name());
        }
    }

    #[test]
    fn test_json_type_mismatch_permissive_keeps_good_fields() {
        let body = b"{\"id\":1,\"name\":\"a\"}\n{\"id\":\"abc\",\"name\":\"b\"}\n";
        let out = read_object(OBJ, body, &options(&id_name(), ParseMode::Permissive)).unwrap();
        let b = &out.batch;
        assert_eq!(b.num_columns(), 3);
        assert_eq!(b.schema().field(2).name(), "_corrupt_record");
        assert!(b.column(0).is_null(1));
        assert_eq!(b.column(1).as_string::<i32>().value(1), "b");
        let corrupt = b.column(2).as_string::<i32>();
        assert!(corrupt.is_null(0));
        assert_eq!(corrupt.value(1), "{\"id\":\"abc\",\"name\":\"b\"}");
        assert_eq!(out.malformed.len(), 1);
        let m = &out.malformed[0];
        assert_eq!((m.line, m.field.as_deref()), (2, Some("id")));
        assert_eq!(m.message, "expected bigint, found string \"abc\"");
    }

    #[test]
    fn test_json_drop_malformed_and_fail_fast() {
        let body = b"{\"id\":1}\n{\"id\":1.5}\n{\"id\":3}\n";
        let out = read_object(OBJ, body, &options(&id_name(), ParseMode::DropMalformed)).unwrap();
        assert_eq!(out.batch.schema(), id_name());
        assert_eq!(out.batch.column(0).as_primitive::<Int64Type>().values(), &[1, 3]);
        assert_eq!(out.lines, vec![1, 3]);
        assert_eq!(out.malformed[0].message, "expected bigint, found number 1.5");

        let err = read_object(OBJ, body, &options(&id_name(), ParseMode::FailFast)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "s3://bucket/in/data.json, line 2, field \"id\": expected bigint, found number 1.5"
        );
        assert!(matches!(
            err,
            Error::Data {
                location: Location { line: Some(2), .. },
                ..
            }
        ));
    }

    #[test]
    fn test_json_syntax_errors_and_non_objects() {
        let body = b"{\"id\":1\n[1,2]\n{\"id\":2} x\n{\"id\":01}\n{\"name\":\"a\\q\"}\n";
        let out = read_object(OBJ, body, &options(&id_name(), ParseMode::Permissive)).unwrap();
        assert_eq!(out.batch.num_rows(), 5);
        let messages: Vec<&str> = out.malformed.iter().map(|m| m.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "invalid JSON at column 8: unexpected end of line: is a record split over several lines?",
                "expected a JSON object, found an array",
                "invalid JSON at column 10: unexpected text after the JSON object",
                "invalid JSON at column 7: invalid number",
                "invalid JSON at column 12: invalid escape",
            ]
        );
        assert!(out.malformed.iter().all(|m| m.field.is_none()));
        assert_eq!(
            out.malformed.iter().map(|m| m.line).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5]
        );
        // Syntax errors leave every field null.
        assert_eq!(out.batch.column(0).null_count(), 5);
    }

    #[test]
    fn test_json_lines_of_mixed_pieces_and_multibyte_text_never_panic() {
        // Pieces a scanner must cut between: structure, escapes, and characters of 2-4 bytes.
        const PIECES: [&str; 16] = [
            "{", "}", "\"id\"", ":", "1", "-2.5e", "\"デ", "é", "😀", "\\", "\\u00", "tru", "[", ",", "\"", " ",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let mut line = String::new();
            for _ in 0..8 {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                line.push_str(PIECES[(seed >> 60) as usize]);
            }
            line.push('\n');
            for mode in [ParseMode::Permissive, ParseMode::FailFast] {
                let _ = read_object(OBJ, line.as_bytes(), &options(&id_name(), mode));
            }
            let _ = infer(OBJ, line.as_bytes());
            // Cut anywhere, even inside a character, as a sample's window may cut it.
            let cut = (seed as usize) % line.len();
            let _ = crate::format::encoding::guess(&line.as_bytes()[..cut]);
        }
    }

    #[test]
    fn test_json_binary_junk_is_malformed() {
        let body = b"{\"id\":1}\n\x00\x01\x02PK\x03\x04\n\xff\xfe{\"id\":2}\n{\"id\":4}\n";
        let out = read_object(OBJ, body, &options(&id_name(), ParseMode::DropMalformed)).unwrap();
        assert_eq!(out.batch.column(0).as_primitive::<Int64Type>().values(), &[1, 4]);
        assert_eq!(out.malformed.len(), 2);
        assert_eq!(out.malformed[0].message, "not UTF-8 text: is this a binary file?");
        assert_eq!((out.malformed[0].line, out.malformed[1].line), (2, 3));
        let err = read_object(OBJ, body, &options(&id_name(), ParseMode::FailFast)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "s3://bucket/in/data.json, line 2: not UTF-8 text: is this a binary file?"
        );
    }

    #[test]
    fn test_json_strict_conversions() {
        let s = schema(&[
            ("i", DataType::Int32),
            ("b", DataType::Boolean),
            ("d", DataType::Float64),
            ("s", DataType::Utf8),
        ]);
        let body = br#"{"i": 3000000000, "b": 1, "d": "x", "s": {"k": [1, 2]}}
{"i": 7, "b": true, "d": 2, "s": 12.50}
{"d": "NaN", "s": true}
"#;
        let out = read_object(OBJ, body, &options(&s, ParseMode::Permissive)).unwrap();
        let m = &out.malformed;
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].field.as_deref(), Some("i"));
        assert_eq!(
            m[0].message,
            "expected int, found number 3000000000 (out of range); field \"b\": expected boolean, found number 1; \
             field \"d\": expected double, found string \"x\""
        );
        let b = &out.batch;
        assert_eq!(b.column(3).as_string::<i32>().value(0), "{\"k\": [1, 2]}");
        assert_eq!(b.column(3).as_string::<i32>().value(1), "12.50");
        assert_eq!(b.column(3).as_string::<i32>().value(2), "true");
        assert_eq!(b.column(0).as_primitive::<Int32Type>().value(1), 7);
        assert_eq!(b.column(2).as_primitive::<Float64Type>().value(1), 2.0);
        assert!(b.column(2).as_primitive::<Float64Type>().value(2).is_nan());
    }

    #[test]
    fn test_json_numbers_in_strings_are_not_numbers() {
        let s = schema(&[("id", DataType::Int64), ("ok", DataType::Boolean)]);
        let out = read_object(
            OBJ,
            b"{\"id\":\"42\",\"ok\":\"true\"}\n",
            &options(&s, ParseMode::Permissive),
        )
        .unwrap();
        assert_eq!(
            out.malformed[0].message,
            "expected bigint, found string \"42\"; field \"ok\": expected boolean, found string \"true\""
        );
        assert_eq!(out.batch.column(0).null_count(), 1);
    }

    #[test]
    fn test_json_field_names_case_insensitive_and_first_duplicate_wins() {
        let s = schema(&[("userid", DataType::Int64)]);
        let out = read_object(
            OBJ,
            b"{\"UserId\": 5, \"userId\": 6}\n",
            &options(&s, ParseMode::FailFast),
        )
        .unwrap();
        assert_eq!(out.batch.column(0).as_primitive::<Int64Type>().value(0), 5);
    }

    #[test]
    fn test_json_declared_corrupt_record_column_is_filled() {
        let s = schema(&[("id", DataType::Int64), ("_corrupt_record", DataType::Utf8)]);
        let out = read_object(OBJ, b"{\"id\":1}\nnot json\n", &options(&s, ParseMode::Permissive)).unwrap();
        assert_eq!(out.batch.num_columns(), 2);
        let c = out.batch.column(1).as_string::<i32>();
        assert!(c.is_null(0));
        assert_eq!(c.value(1), "not json");
    }

    #[test]
    fn test_json_infer_schema_union_in_first_seen_order() {
        let body = br#"{"b": 1, "a": "x"}
{"c": true, "b": 2.5, "n": null, "o": {"z": 1}}
oops
{"a": 3, "L": [1], "MixedCase": 1}
"#;
        let opts = ReadOptions::default().with_format(Format::Json);
        let s = super::super::infer_schema(OBJ, body, &opts).unwrap();
        let got: Vec<(String, DataType)> = s
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("b".into(), DataType::Float64),
                ("a".into(), DataType::Utf8),
                ("c".into(), DataType::Boolean),
                ("n".into(), DataType::Utf8),
                ("o".into(), DataType::Utf8),
                ("L".into(), DataType::Utf8),
                ("MixedCase".into(), DataType::Int64),
            ]
        );
        // Reading without a schema infers it; the nested object is kept as its JSON text.
        let out = read_object(OBJ, body, &opts).unwrap();
        assert_eq!(out.batch.num_rows(), 4);
        assert_eq!(out.batch.column(4).as_string::<i32>().value(1), "{\"z\": 1}");
        assert_eq!(out.malformed.len(), 1);
        assert_eq!(out.malformed[0].line, 3);
    }

    #[test]
    fn test_json_nested_declared_types() {
        let s = Arc::new(Schema::new(vec![
            Field::new(
                "tags",
                super::super::types::parse_glue_type("array<int>").unwrap(),
                true,
            ),
            Field::new(
                "p",
                super::super::types::parse_glue_type("struct<x:double,y:string>").unwrap(),
                true,
            ),
        ]));
        let body = b"{\"tags\":[1,2],\"p\":{\"x\":1.5,\"y\":\"a\"}}\n{\"tags\":\"no\"}\n{}\n";
        let out = read_object(OBJ, body, &options(&s, ParseMode::Permissive)).unwrap();
        assert_eq!(out.batch.num_rows(), 3);
        let tags = out.batch.column(0).as_list::<i32>();
        assert_eq!(tags.value(0).as_primitive::<Int32Type>().values(), &[1, 2]);
        assert!(tags.is_null(1) && tags.is_null(2));
        assert_eq!(out.malformed.len(), 1);
        assert!(out.malformed[0]
            .message
            .starts_with("expected array<int>, found string \"no\""));
    }

    #[test]
    fn test_json_write_is_compact_and_omits_nulls() {
        let s = id_name();
        let batch = RecordBatch::try_new(
            s,
            vec![
                Arc::new(Int64Array::from(vec![Some(1), None])),
                Arc::new(StringArray::from(vec![None, Some("x\"y")])),
            ],
        )
        .unwrap();
        let out = write_batch(&batch, Format::Json, &CsvOptions::default()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "{\"id\":1}\n{\"name\":\"x\\\"y\"}\n");
    }

    #[test]
    fn test_json_round_trip() {
        let batch = super::super::fixtures::all_types_batch();
        let body = write_batch(&batch, Format::Json, &CsvOptions::default()).unwrap();
        let out = read_object(OBJ, &body, &options(&batch.schema(), ParseMode::FailFast)).unwrap();
        assert_eq!(out.batch, batch, "{}", String::from_utf8_lossy(&body));
    }

    #[test]
    fn test_json_round_trip_nested() {
        let s = Arc::new(Schema::new(vec![Field::new(
            "m",
            super::super::types::parse_glue_type("map<string,array<bigint>>").unwrap(),
            true,
        )]));
        let body = b"{\"m\":{\"a\":[1,2],\"b\":[]}}\n{}\n";
        let first = read_object(OBJ, body, &options(&s, ParseMode::FailFast)).unwrap();
        let written = write_batch(&first.batch, Format::Json, &CsvOptions::default()).unwrap();
        assert_eq!(written, body);
        let second = read_object(OBJ, &written, &options(&s, ParseMode::FailFast)).unwrap();
        assert_eq!(first.batch, second.batch);
    }

    #[test]
    fn test_json_unescape() {
        let mut out = String::new();
        scan::unescape_into(r#"a\"b\\c\/\b\f\n\r\t\u0041\ud83d\ude00"#, &mut out).unwrap();
        assert_eq!(out, "a\"b\\c/\u{8}\u{c}\n\r\tA😀");
        assert!(scan::unescape_into(r"\ud83d", &mut String::new()).is_err());
    }
}
