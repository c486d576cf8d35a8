//! Readers and writers for the object formats Glue jobs read and write: JSON lines, CSV, Parquet.
//!
//! Everything here works on bytes already in memory and Apache Arrow record batches, so it runs
//! the same in the browser (wasm) and the CLI. The point of these readers, beyond getting rows,
//! is to explain bad data the way a Glue user needs it explained: every problem names the
//! object, the 1-based line and the field, and the Spark parse modes (`PERMISSIVE`,
//! `DROPMALFORMED`, `FAILFAST`) behave as they do in a Glue job.
//!
//! # Basic usage
//!
//! ```
//! use std::sync::Arc;
//! use gluelab_core::arrow::datatypes::{DataType, Field, Schema};
//! use gluelab_core::format::{read_object, Format, ParseMode, ReadOptions};
//!
//! let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, true)]));
//! let options = ReadOptions::default()
//!     .with_format(Format::Json)
//!     .with_schema(schema)
//!     .with_mode(ParseMode::Permissive);
//! let out = read_object("s3://bucket/in/a.json", b"{\"id\":1}\n{\"id\":\"x\"}\n", &options).unwrap();
//! assert_eq!(out.batch.num_rows(), 2);
//! assert_eq!(out.malformed[0].line, 2);
//! // The bad record's raw text is kept in the extra `_corrupt_record` column.
//! assert_eq!(out.batch.schema().field(1).name(), "_corrupt_record");
//! ```
//!
//! Modules: [`types`] maps Glue type names to Arrow; `json`, `csv` and `parquet` hold one reader
//! and writer each; `builder`, `encode` and `rows` are what the text formats share.

mod builder;
pub mod charset;
pub mod compression;
mod csv;
mod encode;
pub mod encoding;
#[cfg(test)]
mod fixtures;
mod json;
mod parquet;
pub mod parquet_codec;
mod rows;
pub mod types;

use crate::arrow::array::RecordBatch;
use crate::arrow::datatypes::SchemaRef;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

pub use types::{glue_type_name, parse_glue_type};

/// Name of the column that holds the raw text of malformed records in PERMISSIVE mode
/// (Spark's default `columnNameOfCorruptRecord`).
pub const CORRUPT_RECORD: &str = "_corrupt_record";

/// An object format gluelab can read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JSON lines: one JSON object per line (the default, as for most Glue tutorials).
    #[default]
    Json,
    /// Comma (or other) separated values.
    Csv,
    /// Apache Parquet.
    Parquet,
}

impl Format {
    /// The format of a part file a run wrote, by its name's suffix (JSON parts have none).
    /// The format a file's name tells, and its extension (lower-cased): `.csv`; `.json`,
    /// `.jsonl`, `.ndjson`; `.parquet`; any of them followed by `.gz` or `.bz2` (compressed,
    /// see [`compression`]). `None` for any other name ([`FORMAT_BY_NAME`] says so).
    pub fn of_file_name(name: &str) -> Option<(Format, String)> {
        let name = compression::Compression::of_file_name(name).map_or(name, |(_, stem)| stem);
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        let format = match ext.as_str() {
            "csv" => Format::Csv,
            "json" | "jsonl" | "ndjson" => Format::Json,
            "parquet" => Format::Parquet,
            _ => return None,
        };
        Some((format, ext))
    }

    pub fn of_part_file(name: &str) -> Format {
        if name.ends_with(".parquet") {
            Format::Parquet
        } else if name.ends_with(".csv") {
            Format::Csv
        } else {
            Format::Json
        }
    }

    /// The format named by a Glue `format` option or a catalog table's serialization library,
    /// so a table created by a crawler or by hand reads the same way as in Glue.
    pub fn from_glue(serialization_library_or_name: &str) -> Option<Format> {
        let name = serialization_library_or_name.trim();
        let known = [
            ("json", Format::Json),
            ("csv", Format::Csv),
            ("parquet", Format::Parquet),
            ("org.apache.hive.hcatalog.data.JsonSerDe", Format::Json),
            ("org.openx.data.jsonserde.JsonSerDe", Format::Json),
            ("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", Format::Csv),
            ("org.apache.hadoop.hive.serde2.OpenCSVSerde", Format::Csv),
            (
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                Format::Parquet,
            ),
        ];
        known
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, f)| *f)
    }

    /// The lower-case name Glue uses in `format="..."`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a reader does with a malformed record: Spark's `mode` option, which Glue passes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ParseMode {
    /// Keep the record: good fields kept, bad ones null, raw text in `_corrupt_record` (Spark's default).
    #[default]
    #[serde(rename = "PERMISSIVE")]
    Permissive,
    /// Drop the record.
    #[serde(rename = "DROPMALFORMED")]
    DropMalformed,
    /// Stop the read with an error at the first malformed record.
    #[serde(rename = "FAILFAST")]
    FailFast,
}

impl ParseMode {
    /// Parses Spark's spelling (`PERMISSIVE`, `DROPMALFORMED`, `FAILFAST`), case-insensitive as Spark is.
    pub fn from_spark(mode: &str) -> Option<ParseMode> {
        match mode.trim().to_ascii_uppercase().as_str() {
            "PERMISSIVE" => Some(ParseMode::Permissive),
            "DROPMALFORMED" => Some(ParseMode::DropMalformed),
            "FAILFAST" => Some(ParseMode::FailFast),
            _ => None,
        }
    }

    /// Spark's spelling, for display and for job scripts.
    pub fn as_spark(self) -> &'static str {
        match self {
            ParseMode::Permissive => "PERMISSIVE",
            ParseMode::DropMalformed => "DROPMALFORMED",
            ParseMode::FailFast => "FAILFAST",
        }
    }
}

impl FromStr for ParseMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ParseMode::from_spark(s).ok_or_else(|| {
            Error::InvalidInput(format!(
                "unknown parse mode \"{s}\": expected PERMISSIVE, DROPMALFORMED or FAILFAST"
            ))
        })
    }
}

impl fmt::Display for ParseMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_spark())
    }
}

/// Glue's CSV `format_options`, with Glue's defaults (see `GLUE-SEMANTICS.md` §7.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvOptions {
    /// `separator`: defaults to `,`.
    pub separator: u8,
    /// `quoteChar`: defaults to `"`; `None` disables quoting (Glue's `"-1"`).
    pub quote: Option<u8>,
    /// `escaper`: defaults to none. Escapes the next character; `\n`, `\r`, `\t`, `\0` are decoded.
    pub escape: Option<u8>,
    /// `withHeader` (reader): defaults to false, so the first line is data unless told otherwise.
    pub with_header: bool,
    /// `writeHeader` (writer): defaults to true.
    pub write_header: bool,
    /// `skipFirst`: defaults to false; drops the first data line.
    pub skip_first: bool,
    /// `encoding` (Spark's; a table's `serialization.encoding`): the text's character
    /// encoding, decoded to UTF-8 before reading (see [`charset`]). `None`: UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// `multiLine` (reader): defaults to false, as in Glue and Spark, so a record ends at every
    /// line break, even inside quotes (`1,"two` then `lines",2.5`: two records, see `csv.rs`).
    /// True reads a quoted line break as part of its field. Options saved before gluelab had
    /// the switch always read quoted line breaks so, and still do (their serde default is true).
    #[serde(default = "saved_multi_line")]
    pub multi_line: bool,
}

/// `multiLine` of CSV options saved before the switch existed: they read as multi-line.
fn saved_multi_line() -> bool {
    true
}

impl Default for CsvOptions {
    fn default() -> Self {
        Self {
            separator: b',',
            quote: Some(b'"'),
            escape: None,
            with_header: false,
            write_header: true,
            skip_first: false,
            encoding: None,
            multi_line: false,
        }
    }
}

impl CsvOptions {
    /// Sets `separator` (defaults to `,`).
    pub fn with_separator(self, separator: u8) -> Self {
        Self { separator, ..self }
    }

    /// Sets `quoteChar` (defaults to `Some(b'"')`; `None` disables quoting).
    pub fn with_quote(self, quote: Option<u8>) -> Self {
        Self { quote, ..self }
    }

    /// Sets `quoteChar` from Glue's string form, where `"-1"` disables quoting.
    pub fn with_glue_quote_char(self, quote_char: &str) -> Result<Self> {
        match quote_char.as_bytes() {
            b"-1" => Ok(self.with_quote(None)),
            [b] if b.is_ascii() => Ok(self.with_quote(Some(*b))),
            _ => Err(Error::InvalidInput(format!(
                "quoteChar must be one ASCII character or \"-1\", got \"{quote_char}\""
            ))),
        }
    }

    /// Sets `escaper` (defaults to none).
    pub fn with_escape(self, escape: Option<u8>) -> Self {
        Self { escape, ..self }
    }

    /// Sets `withHeader` (defaults to false).
    pub fn with_header(self, with_header: bool) -> Self {
        Self { with_header, ..self }
    }

    /// Sets `writeHeader` (defaults to true).
    pub fn with_write_header(self, write_header: bool) -> Self {
        Self { write_header, ..self }
    }

    /// Sets `skipFirst` (defaults to false).
    pub fn with_skip_first(self, skip_first: bool) -> Self {
        Self { skip_first, ..self }
    }

    /// Sets `multiLine` (defaults to false: every line break ends a record).
    pub fn with_multi_line(self, multi_line: bool) -> Self {
        Self { multi_line, ..self }
    }
}

/// Everything a read needs besides the bytes, built with consuming `with_*` setters.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Defaults to JSON lines.
    pub format: Format,
    /// Used when `format` is CSV.
    pub csv: CsvOptions,
    /// Defaults to PERMISSIVE.
    pub mode: ParseMode,
    /// The declared (catalog) schema; `None` infers one from the object (see [`infer_schema`]).
    pub schema: Option<SchemaRef>,
    /// Reads a `_corrupt_record` field of well-formed records as ordinary data, as Athena's SerDe
    /// does when it reads what a job wrote. By default the column is Spark's: filled only for
    /// malformed records.
    pub corrupt_record_as_data: bool,
}

impl ReadOptions {
    /// Sets the format (defaults to JSON).
    pub fn with_format(self, format: Format) -> Self {
        Self { format, ..self }
    }

    /// Sets the CSV options (default: Glue's defaults).
    pub fn with_csv(self, csv: CsvOptions) -> Self {
        Self { csv, ..self }
    }

    /// Sets the parse mode (defaults to PERMISSIVE).
    pub fn with_mode(self, mode: ParseMode) -> Self {
        Self { mode, ..self }
    }

    /// Declares the schema (default: inferred from the object).
    pub fn with_schema(self, schema: SchemaRef) -> Self {
        Self {
            schema: Some(schema),
            ..self
        }
    }
}

/// A record the reader could not take as it is: what the UI lists under "malformed records".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Malformed {
    /// 1-based line of the object where the record starts.
    pub line: u64,
    /// The first bad field, when the problem is in a field.
    pub field: Option<String>,
    /// What is wrong, e.g. `expected bigint, found string "abc"`.
    pub message: String,
    /// The record's text (binary bytes shown as U+FFFD).
    pub raw: String,
}

/// The result of reading one object.
#[derive(Debug, Clone)]
pub struct ReadOutput {
    /// The rows. With a declared schema its columns are the declared ones (made nullable, since
    /// any file can hold a null), plus `_corrupt_record` in PERMISSIVE mode when, and only when,
    /// some record was malformed: a clean file reads back with exactly the declared columns.
    pub batch: RecordBatch,
    /// For each row of `batch`, the 1-based line where its record starts (row number for Parquet),
    /// so a row shown in the UI can be traced to the object's text.
    pub lines: Vec<u64>,
    /// Every malformed record found, in all modes (FAILFAST stops at the first, as an error).
    pub malformed: Vec<Malformed>,
}

/// What [`Format::of_file_name`] reads, for the message when a name tells nothing.
pub const FORMAT_BY_NAME: &str =
    "only names ending in .csv, .json, .jsonl, .ndjson or .parquet (or one of these then .gz or .bz2) tell the format";

/// `text` decoded from the CSV `encoding` option, when there is one.
pub fn decoded<'a>(
    object: &str,
    text: std::borrow::Cow<'a, [u8]>,
    options: &ReadOptions,
) -> Result<std::borrow::Cow<'a, [u8]>> {
    use std::borrow::Cow;
    match (&options.csv.encoding, options.format) {
        (Some(label), Format::Csv) => Ok(match text {
            Cow::Borrowed(b) => charset::decode(object, b, label)?,
            Cow::Owned(b) => Cow::Owned(charset::decode(object, &b, label)?.into_owned()),
        }),
        _ => Ok(text),
    }
}

/// An object's bytes as the readers take them: decompressed by its name (`.gz`, `.bz2`, see
/// [`compression`]), then, for CSV with an `encoding`, decoded to UTF-8 ([`charset`]). With `sample`, only the beginning, cut after its last whole line within
/// that many bytes (a Parquet file is never sampled: its footer is at its end).
pub fn object_text<'a>(
    object: &str,
    body: &'a [u8],
    options: &ReadOptions,
    sample: Option<usize>,
) -> Result<std::borrow::Cow<'a, [u8]>> {
    let sample = sample.filter(|_| options.format != Format::Parquet);
    let text = compression::decompressed(object, body, sample.map(|n| n.saturating_add(1)))?;
    let text = decoded(object, text, options)?;
    Ok(match (sample, text) {
        (None, text) => text,
        (Some(n), std::borrow::Cow::Borrowed(b)) => std::borrow::Cow::Borrowed(head_lines(b, n)),
        (Some(n), std::borrow::Cow::Owned(b)) => std::borrow::Cow::Owned(head_lines(&b, n).to_vec()),
    })
}

/// The beginning of a text body, cut after its last line break within `limit` bytes: the whole
/// body when it fits, so a sample never ends in half a record.
pub fn head_lines(body: &[u8], limit: usize) -> &[u8] {
    if body.len() <= limit {
        return body;
    }
    let head = &body[..limit];
    match head.iter().rposition(|&b| b == b'\n') {
        Some(at) => &head[..=at],
        None => head,
    }
}

/// How many rows each column's builder reserves before reading: a guess from the body's size,
/// bounded so that all the columns together reserve at most [`crate::limits::READ_RESERVE_CELLS`]
/// cells (a wide file would otherwise reserve its size times its width); builders grow as rows
/// are actually read.
pub(crate) fn reserve_rows(body: &[u8], columns: usize) -> usize {
    (body.len() / 64).min(crate::limits::READ_RESERVE_CELLS / columns.max(1))
}

/// Reads one object. `object` is its `s3://bucket/key`, used only in messages.
///
/// A UTF-8 byte order mark and CRLF line ends are accepted, and an empty object is 0 rows with
/// the schema kept. Data problems are `Error::Data` naming object, line and field.
pub fn read_object(object: &str, body: &[u8], options: &ReadOptions) -> Result<ReadOutput> {
    let schema = match (&options.schema, options.format) {
        (Some(schema), _) => schema.clone(),
        (None, Format::Parquet) => return parquet::read(object, body, None),
        (None, _) => infer_schema(object, body, options)?,
    };
    match options.format {
        Format::Json => json::read(object, body, options, &schema),
        Format::Csv => csv::read(object, body, options, &schema),
        Format::Parquet => parquet::read(object, body, Some(&schema)),
    }
}

/// Infers a schema from the object when none is declared, as a Glue crawler or Spark would.
///
/// JSON: the union of top-level keys in first-seen order, typed bigint/double/boolean/string;
/// nested objects and arrays are inferred as `string` and read as their JSON text. CSV: header
/// names or `col0, col1, ...`; a column is bigint, double or boolean if every non-empty value
/// parses as one, else string. Parquet: the file's own schema.
pub fn infer_schema(object: &str, body: &[u8], options: &ReadOptions) -> Result<SchemaRef> {
    match options.format {
        Format::Json => json::infer(object, body),
        Format::Csv => csv::infer(object, body, &options.csv),
        Format::Parquet => parquet::infer(object, body),
    }
}

/// Writes a batch as one object body, the way Glue writes a part file: JSON lines (compact,
/// nulls left out), CSV (header by default, see [`CsvOptions`]) or snappy Parquet.
/// What is written reads back equal with [`read_object`] given the batch's schema (for CSV
/// with a value holding a line break, with `multiLine`, as Spark needs it).
pub fn write_batch(batch: &RecordBatch, format: Format, csv: &CsvOptions) -> Result<Vec<u8>> {
    write_batch_with(batch, format, csv, parquet_codec::ParquetCodec::Snappy)
}

/// [`write_batch`], with Parquet pages compressed by `codec` (a sink's `compression` option).
pub fn write_batch_with(
    batch: &RecordBatch,
    format: Format,
    csv: &CsvOptions,
    codec: parquet_codec::ParquetCodec,
) -> Result<Vec<u8>> {
    match format {
        Format::Json => json::write(batch),
        Format::Csv => csv::write(batch, csv),
        Format::Parquet => parquet::write(batch, codec),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arrow::datatypes::Schema;
    use std::sync::Arc;

    #[test]
    fn test_format_from_glue() {
        assert_eq!(Format::from_glue("JSON"), Some(Format::Json));
        assert_eq!(Format::from_glue("csv"), Some(Format::Csv));
        assert_eq!(Format::from_glue("parquet"), Some(Format::Parquet));
        assert_eq!(
            Format::from_glue("org.openx.data.jsonserde.JsonSerDe"),
            Some(Format::Json)
        );
        assert_eq!(
            Format::from_glue("org.apache.hive.hcatalog.data.JsonSerDe"),
            Some(Format::Json)
        );
        assert_eq!(
            Format::from_glue("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::from_glue("org.apache.hadoop.hive.serde2.OpenCSVSerde"),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::from_glue("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"),
            Some(Format::Parquet)
        );
        assert_eq!(Format::from_glue("orc"), None);
        assert_eq!(serde_json::to_string(&Format::Parquet).unwrap(), "\"parquet\"");
        assert_eq!(serde_json::from_str::<Format>("\"csv\"").unwrap(), Format::Csv);
    }

    #[test]
    fn test_csv_options_saved_without_multi_line_read_quoted_line_breaks_as_before() {
        let saved =
            r#"{"separator":44,"quote":34,"escape":null,"with_header":false,"write_header":true,"skip_first":false}"#;
        let old: CsvOptions = serde_json::from_str(saved).unwrap();
        assert!(old.multi_line);
        assert_eq!(old, CsvOptions::default().with_multi_line(true));
        let new = serde_json::to_string(&CsvOptions::default()).unwrap();
        assert!(new.contains("\"multi_line\":false"), "{new}");
        assert_eq!(serde_json::from_str::<CsvOptions>(&new).unwrap(), CsvOptions::default());
    }

    #[test]
    fn test_parse_mode_from_spark() {
        assert_eq!(ParseMode::default(), ParseMode::Permissive);
        assert_eq!(ParseMode::from_spark("dropMalformed"), Some(ParseMode::DropMalformed));
        assert_eq!("FAILFAST".parse::<ParseMode>().unwrap(), ParseMode::FailFast);
        assert_eq!(" permissive ".parse::<ParseMode>().unwrap(), ParseMode::Permissive);
        assert!("lenient".parse::<ParseMode>().is_err());
        assert_eq!(
            serde_json::to_string(&ParseMode::DropMalformed).unwrap(),
            "\"DROPMALFORMED\""
        );
        assert_eq!(ParseMode::FailFast.to_string(), "FAILFAST");
    }

    #[test]
    fn test_options_defaults_are_glue_defaults() {
        let csv = CsvOptions::default();
        assert_eq!((csv.separator, csv.quote, csv.escape), (b',', Some(b'"'), None));
        assert!(!csv.with_header && csv.write_header && !csv.skip_first && !csv.multi_line);
        let read = ReadOptions::default();
        assert_eq!((read.format, read.mode), (Format::Json, ParseMode::Permissive));
        assert!(read.schema.is_none());
    }

    #[test]
    fn test_clean_files_have_exactly_the_declared_schema_in_every_format() {
        let schema: SchemaRef = Arc::new(Schema::new(vec![
            crate::arrow::datatypes::Field::new("id", crate::arrow::datatypes::DataType::Int64, true),
            crate::arrow::datatypes::Field::new("s", crate::arrow::datatypes::DataType::Utf8, true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(crate::arrow::array::Int64Array::from(vec![1, 2])),
                Arc::new(crate::arrow::array::StringArray::from(vec!["a", "b"])),
            ],
        )
        .unwrap();
        let csv = CsvOptions::default().with_header(true);
        for format in [Format::Json, Format::Csv, Format::Parquet] {
            let body = write_batch(&batch, format, &csv).unwrap();
            for mode in [ParseMode::Permissive, ParseMode::DropMalformed, ParseMode::FailFast] {
                let options = ReadOptions::default()
                    .with_format(format)
                    .with_csv(csv.clone())
                    .with_mode(mode)
                    .with_schema(schema.clone());
                let out = read_object("s3://b/k", &body, &options).unwrap();
                assert_eq!(out.batch, batch, "{format} {mode}");
                assert!(out.malformed.is_empty());
            }
        }
    }
}
