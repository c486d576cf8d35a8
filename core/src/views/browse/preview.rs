//! A preview of an object's first rows, read the way a job would read it.
//!
//! The format is the catalog table's whose location holds the object (the most specific one),
//! with its schema and CSV options; otherwise the key's extension says it (`.csv`, `.json`,
//! `.jsonl`, `.ndjson`, `.parquet`) and the schema is inferred, with Glue's default options, so
//! what a user sees is what a job with `format="csv"` and no options would read.
//!
//! Only the beginning of a text object is parsed: whole lines, doubled until enough records
//! are found, never more than [`PREVIEW_BYTES_LIMIT`]. The readers run in PERMISSIVE mode, so
//! malformed and ragged lines stay in view, each reported with object, line and field as the
//! readers report them. Parquet keeps its footer at the end, so it is read whole.

use std::fmt;

use crate::arrow::datatypes::SchemaRef;

use crate::error::{Error, Location, Result};
use crate::format::compression::{decompressed, Compression};
use crate::format::encoding::{guess, not_utf8_text, Encoding, TextGuess};
use crate::format::{
    decoded, read_object, CsvOptions, Format, ParseMode, ReadOptions, ReadOutput, CORRUPT_RECORD, FORMAT_BY_NAME,
};
use crate::model::store::S3Uri;
use crate::transform::cell_text;
use crate::workspace::Workspace;

/// The most a preview parses of a text object. A first line longer than this has no preview.
pub const PREVIEW_BYTES_LIMIT: usize = 4 * 1024 * 1024;

/// How much of the beginning is checked for binary content (NUL bytes, bytes that are not UTF-8).
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// Where a preview's format came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FormatOrigin {
    /// The catalog table whose location holds the object.
    Table { database: String, table: String },
    /// The key's extension, lower-cased, without the dot.
    Extension(String),
}

impl fmt::Display for FormatOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatOrigin::Table { database, table } => write!(f, "table {database}.{table}"),
            FormatOrigin::Extension(ext) => write!(f, "the .{ext} extension, with Glue's default options"),
        }
    }
}

/// The first rows of an object, as text. It travels from a preview worker to the page as JSON.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ObjectPreview {
    /// `s3://bucket/key`.
    pub object: String,
    pub format: Format,
    pub origin: FormatOrigin,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The 1-based line where each row's record starts (row number for Parquet).
    pub lines: Vec<u64>,
    /// The malformed records among the rows shown, each an `Error::Data` naming object, line
    /// and field, as a job run logs them.
    pub problems: Vec<Error>,
    /// Whether the object holds more records than the rows shown.
    pub more: bool,
    /// How the file's fields fit the columns of the table it is under, when they do not.
    pub misfit: Option<crate::model::schema_fit::SchemaFit>,
    /// Bytes parsed, and the object's size: fewer means only the beginning was read. For a
    /// compressed object, bytes of its decompressed text (the object's size once all is read).
    pub bytes_read: u64,
    pub size: u64,
    /// How the object is compressed (`.gz`, `.bz2`), decompressed before reading.
    pub compression: Option<Compression>,
}

impl ObjectPreview {
    /// The line over the preview: how many rows, where the format came from, how much was read.
    pub fn summary(&self) -> String {
        let n = self.rows.len();
        let s = if n == 1 { "" } else { "s" };
        let rows = match (n, self.more) {
            (0, false) => "No rows".to_string(),
            (_, true) => format!("First {n} row{s}"),
            (_, false) => format!("All {n} row{s}"),
        };
        let read = if let (Some(c), true) = (self.compression, self.bytes_read < self.size) {
            format!(
                " · {}-compressed: only the first {} of its text read",
                c.name(),
                super::human_size(self.bytes_read)
            )
        } else if let Some(c) = self.compression {
            format!(" · {}-compressed", c.name())
        } else if self.bytes_read < self.size {
            format!(
                " · only the first {} of {} read",
                super::human_size(self.bytes_read),
                super::human_size(self.size)
            )
        } else {
            String::new()
        };
        format!("{rows} · {} from {}{read}", self.format, self.origin)
    }
}

/// How to read an object: the format, its options and (for a table) the declared schema.
struct Reading {
    format: Format,
    csv: CsvOptions,
    schema: Option<SchemaRef>,
    origin: FormatOrigin,
}

impl Workspace {
    /// The first `rows` rows of the object at `uri` (see the module docs for how it is read).
    /// A missing object is S3's `NoSuchKey`; binary content, an unknown format or a broken
    /// Parquet file is an error that says so, never a panic.
    pub fn preview_object(&self, uri: &S3Uri, rows: usize) -> Result<ObjectPreview> {
        let object = self.store.get(uri)?;
        let name = uri.to_string();
        let reading = self.reading_for(uri)?;
        let options = ReadOptions {
            format: reading.format,
            csv: reading.csv.clone(),
            mode: ParseMode::Permissive,
            schema: reading.schema.clone(),
            corrupt_record_as_data: false,
        };
        // A compressed object is previewed from its decompressed beginning (one byte more than
        // a preview parses tells whether there is more).
        let sample = (reading.format != Format::Parquet).then_some(PREVIEW_BYTES_LIMIT + 1);
        let text = decoded(&name, decompressed(&name, &object.body, sample)?, &options)?;
        let body = text.as_ref();
        let (output, bytes_read) = match reading.format {
            Format::Parquet => (read_object(&name, body, &options)?, body.len()),
            Format::Json | Format::Csv => {
                check_text(&name, reading.format, body)?;
                read_beginning(&name, body, &options, rows)?
            }
        };
        let compression = Compression::of_file_name(&uri.key).map(|(c, _)| c);
        // Compressed text beyond the sample was never inflated: it may hold more.
        let cut = bytes_read < body.len() || (compression.is_some() && body.len() > PREVIEW_BYTES_LIMIT);
        let complete = match reading.format {
            // A quoted CSV field can hold line breaks, so the last record of a cut sample may
            // be missing its end; a JSON line is whole at every line break.
            Format::Csv if cut => output.batch.num_rows().saturating_sub(1),
            _ => output.batch.num_rows(),
        };
        let shown = rows.min(complete);
        let Shown {
            columns,
            rows,
            lines,
            problems,
        } = Shown::of(&name, &output, shown);
        let misfit = match &reading.origin {
            FormatOrigin::Table { .. } => self.misfit(uri, &object.body),
            FormatOrigin::Extension(_) => None,
        };
        Ok(ObjectPreview {
            misfit,
            object: name,
            format: reading.format,
            origin: reading.origin,
            columns,
            rows,
            lines,
            problems,
            more: output.batch.num_rows() > shown || cut,
            bytes_read: match compression {
                // The object's bytes were all read when its whole text was.
                Some(_) if !cut => object.size(),
                _ => bytes_read as u64,
            },
            size: object.size(),
            compression,
        })
    }

    /// What a preview of `uri` reads, and nothing else: the object as it is and the catalog
    /// table that holds it (with its database). The page sends this to a preview worker instead
    /// of the whole workspace; its [`Workspace::preview_object`] equals this one's.
    pub fn preview_workspace(&self, uri: &S3Uri) -> Result<Workspace> {
        self.store.get(uri)?;
        let mut part = Workspace {
            clock: self.clock.clone(),
            store: self.store.subset(|u| u == uri),
            ..Workspace::default()
        };
        if let Some(table) = self.catalog.table_holding(uri) {
            part.catalog.create_database(&table.database)?;
            part.catalog.create_table(table.clone())?;
        }
        Ok(part)
    }

    /// The encoding the object at `uri` most likely is in, when a fix is one click away: its
    /// beginning is not UTF-8 but looks like text in a named encoding, and it is under a CSV
    /// table that does not set one yet ([`Workspace::set_table_encoding`] takes its
    /// `option_name`). A guess from byte structure (see `format::encoding`), not a detection.
    pub fn suggested_encoding(&self, uri: &S3Uri) -> Option<Encoding> {
        let table = self.catalog.table_holding(uri)?;
        if table.format != Format::Csv || table.csv_options().encoding.is_some() {
            return None;
        }
        let object = self.store.get(uri).ok()?;
        let text = decompressed(&uri.to_string(), &object.body, Some(BINARY_SNIFF_BYTES)).ok()?;
        let head = &text[..text.len().min(BINARY_SNIFF_BYTES)];
        // As `check_text` sees it: a character cut by the window's end is not a sign.
        let not_utf8 = std::str::from_utf8(head).is_err_and(|e| e.error_len().is_some());
        if !not_utf8 && !head.contains(&0) {
            return None;
        }
        match guess(head) {
            TextGuess::Encoding(encoding) => Some(encoding),
            TextGuess::Binary => None,
        }
    }

    /// The table whose location holds `uri` (the longest location wins), else the extension.
    fn reading_for(&self, uri: &S3Uri) -> Result<Reading> {
        let holder = self.catalog.table_holding(uri);
        if let Some(table) = holder {
            return Ok(Reading {
                format: table.format,
                csv: table.csv_options(),
                schema: Some(table.schema()?),
                origin: FormatOrigin::Table {
                    database: table.database.clone(),
                    table: table.name.clone(),
                },
            });
        }
        let name = uri.key.rsplit('/').next().unwrap_or_default();
        let Some((format, ext)) = Format::of_file_name(name) else {
            return Err(Error::InvalidInput(format!(
                "{uri}: no preview: it is under no catalog table, and {FORMAT_BY_NAME}"
            )));
        };
        Ok(Reading {
            format,
            csv: CsvOptions::default(),
            schema: None,
            origin: FormatOrigin::Extension(ext),
        })
    }
}

/// Refuses an object whose beginning is binary: a text reader would report every line as
/// malformed, which hides the real problem (a Parquet or image file under a text format).
fn check_text(object: &str, format: Format, body: &[u8]) -> Result<()> {
    let head = &body[..body.len().min(BINARY_SNIFF_BYTES)];
    // A character cut by the sniff window's end is not a sign of binary data.
    let not_utf8 = std::str::from_utf8(head).is_err_and(|e| e.error_len().is_some());
    if head.contains(&0) || not_utf8 {
        let message = match guess(head) {
            TextGuess::Encoding(encoding) => format!("{format} text, but {}", not_utf8_text(encoding)),
            TextGuess::Binary => format!(
                "binary content, not {format} text: no preview (is this file in the right place, with the right name?)"
            ),
        };
        return Err(Error::data(Location::object(object), message));
    }
    Ok(())
}

/// Reads whole lines from the start until `rows` + 1 records are in (one more than shown tells
/// whether there are more), the object ends, or [`PREVIEW_BYTES_LIMIT`] is reached. Returns the
/// output and how many bytes were parsed.
fn read_beginning(object: &str, body: &[u8], options: &ReadOptions, rows: usize) -> Result<(ReadOutput, usize)> {
    let wanted = rows + 1;
    let preamble = usize::from(options.csv.with_header) + usize::from(options.csv.skip_first);
    let mut lines = wanted + preamble + 1;
    let mut last_len = None;
    loop {
        let sample = whole_lines(body, lines, PREVIEW_BYTES_LIMIT).ok_or_else(|| {
            Error::data(
                Location::object(object).at_line(1),
                format!(
                    "the first line is longer than {} MB: no preview",
                    PREVIEW_BYTES_LIMIT / (1024 * 1024)
                ),
            )
        })?;
        let output = read_object(object, sample, options)?;
        let grew = last_len != Some(sample.len());
        if output.batch.num_rows() >= wanted || sample.len() == body.len() || !grew {
            return Ok((output, sample.len()));
        }
        last_len = Some(sample.len());
        lines = lines.saturating_mul(2);
    }
}

/// The first `lines` lines of `body` with their line breaks, or as many whole lines as fit in
/// `limit` bytes. `None` when not even the first line fits.
fn whole_lines(body: &[u8], lines: usize, limit: usize) -> Option<&[u8]> {
    let window = &body[..body.len().min(limit)];
    let mut seen = 0;
    for (i, byte) in window.iter().enumerate() {
        if *byte == b'\n' {
            seen += 1;
            if seen == lines {
                return Some(&body[..=i]);
            }
        }
    }
    if body.len() <= limit {
        return Some(body);
    }
    window.iter().rposition(|b| *b == b'\n').map(|end| &body[..=end])
}

/// The rows a preview shows, as text, with the problems among them.
struct Shown {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    lines: Vec<u64>,
    problems: Vec<Error>,
}

impl Shown {
    /// The first `shown` rows of `output`. The `_corrupt_record` column is left out when none
    /// of them is malformed: it would be a column of nulls.
    fn of(object: &str, output: &ReadOutput, shown: usize) -> Self {
        let last_line = shown.checked_sub(1).and_then(|i| output.lines.get(i)).copied();
        let problems: Vec<Error> = output
            .malformed
            .iter()
            .filter(|m| last_line.is_some_and(|last| m.line <= last))
            .map(|m| {
                let mut location = Location::object(object).at_line(m.line);
                if let Some(field) = &m.field {
                    location = location.with_field(field);
                }
                Error::data(location, &m.message)
            })
            .collect();
        let schema = output.batch.schema();
        let keep: Vec<usize> = (0..schema.fields().len())
            .filter(|&c| !problems.is_empty() || schema.field(c).name() != CORRUPT_RECORD)
            .collect();
        Self {
            columns: keep.iter().map(|&c| schema.field(c).name().clone()).collect(),
            rows: (0..shown)
                .map(|r| {
                    keep.iter()
                        .map(|&c| cell_text(output.batch.column(c).as_ref(), r))
                        .collect()
                })
                .collect(),
            lines: output.lines[..shown].to_vec(),
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use crate::format::write_batch;
    use crate::model::catalog::{Column, Table};

    /// Every object of every tour played to its end (sinks, part files, CSV, Parquet, under a
    /// table or not): the part a preview worker gets previews (and crawls) it exactly as the
    /// whole workspace does, after the hand-over and the JSON trip back.
    #[test]
    fn the_preview_workspace_previews_every_object_as_the_whole_one_does() {
        let mut previewed = 0;
        for (_, ws) in demo::story::every_tour_played() {
            for bucket in ws.store.buckets() {
                for key in bucket.objects().keys() {
                    let uri = S3Uri::new(&bucket.name, key);
                    let part = crate::snapshot::handed_over(&ws.preview_workspace(&uri).unwrap());
                    let sent = part.preview_object(&uri, 10);
                    let back: Result<ObjectPreview> =
                        serde_json::from_str(&serde_json::to_string(&sent).unwrap()).unwrap();
                    assert_eq!(back, ws.preview_object(&uri, 10), "{uri}");
                    assert_eq!(part.suggested_encoding(&uri), ws.suggested_encoding(&uri), "{uri}");
                    // "Make a table from this file" crawls in the worker too, told the database.
                    let database = ws.database_for_new_table(None);
                    let crawled = part.crawl_object(&uri, Some(&database)).map_err(|e| e.to_string());
                    assert_eq!(crawled, ws.crawl_object(&uri, None).map_err(|e| e.to_string()), "{uri}");
                    previewed += 1;
                }
            }
        }
        assert!(previewed >= 20, "{previewed}");
        let missing = S3Uri::new(demo::raw_bucket(), "no/such.json");
        assert!(matches!(
            demo::seed_workspace().unwrap().preview_workspace(&missing),
            Err(Error::NoSuchKey { .. })
        ));
    }

    fn workspace_with(key: &str, body: &[u8]) -> (Workspace, S3Uri) {
        let mut ws = demo::seed_workspace().unwrap();
        let uri = S3Uri::new(demo::raw_bucket(), key);
        ws.put_object(&uri, body.to_vec()).unwrap();
        (ws, uri)
    }

    #[test]
    fn a_csv_by_its_extension_reads_with_glue_defaults_and_only_its_beginning() {
        let mut body = String::new();
        for i in 0..200_000 {
            body.push_str(&format!("{i},name {i},{}\n", i % 2 == 0));
        }
        let (ws, uri) = workspace_with("uploads/big.csv", body.as_bytes());
        let p = ws.preview_object(&uri, 3).unwrap();
        assert_eq!(
            (p.format, p.origin.clone()),
            (Format::Csv, FormatOrigin::Extension("csv".into()))
        );
        assert_eq!(p.columns, ["col0", "col1", "col2"], "no header by default, as in Glue");
        assert_eq!(
            p.rows,
            [
                ["0", "name 0", "true"],
                ["1", "name 1", "false"],
                ["2", "name 2", "true"]
            ]
        );
        assert_eq!(p.lines, [1, 2, 3]);
        assert!(p.more && p.problems.is_empty());
        assert!(p.bytes_read < 200, "read {} of {} bytes", p.bytes_read, p.size);
        assert_eq!(p.size, body.len() as u64);
        assert_eq!(
            p.summary(),
            format!(
                "First 3 rows · csv from the .csv extension, with Glue's default options · only the first {} B of 4.7 MB read",
                p.bytes_read
            )
        );
    }

    #[test]
    fn a_table_location_gives_format_schema_and_header_option() {
        let mut ws = demo::seed_workspace().unwrap();
        let mut table = Table::new(
            demo::DATABASE,
            "sales",
            &format!("s3://{}/sales", demo::raw_bucket()),
            Format::Csv,
            vec![Column::new("id", "bigint"), Column::new("amount", "double")],
        );
        table.parameters.insert("skip.header.line.count".into(), "1".into());
        ws.catalog.create_table(table).unwrap();
        // A nested table: the most specific location is the one that reads the object.
        let nested = Table::new(
            demo::DATABASE,
            "eu_sales",
            &format!("s3://{}/sales/eu/", demo::raw_bucket()),
            Format::Json,
            vec![Column::new("id", "bigint")],
        );
        ws.catalog.create_table(nested).unwrap();
        let uri = S3Uri::new(demo::raw_bucket(), "sales/2024.txt");
        ws.put_object(&uri, b"id,amount\n1,2.5\n2,x\n".to_vec()).unwrap();
        let p = ws.preview_object(&uri, 10).unwrap();
        assert_eq!(
            p.origin,
            FormatOrigin::Table {
                database: demo::DATABASE.into(),
                table: "sales".into()
            }
        );
        assert_eq!(p.columns, ["id", "amount", CORRUPT_RECORD]);
        assert_eq!(p.rows[0], ["1", "2.5", "null"]);
        assert_eq!(p.rows[1], ["2", "null", "2,x"]);
        assert_eq!(p.lines, [2, 3], "the header is line 1");
        assert_eq!(p.problems.len(), 1);
        let problem = p.problems[0].to_string();
        assert!(
            problem.starts_with(&format!("{uri}, line 3, field \"amount\": ")),
            "{problem}"
        );
        assert!(!p.more);
        assert_eq!(
            p.summary(),
            format!("All 2 rows · csv from table {}.sales", demo::DATABASE)
        );
        let eu = S3Uri::new(demo::raw_bucket(), "sales/eu/a");
        ws.put_object(&eu, b"{\"id\":7}\n".to_vec()).unwrap();
        let p = ws.preview_object(&eu, 10).unwrap();
        assert_eq!((p.format, p.rows.clone()), (Format::Json, vec![vec!["7".to_string()]]));
    }

    #[test]
    fn ragged_and_malformed_lines_name_their_line_and_only_shown_rows_count() {
        let body = "a,b,c\n1,2\n4,5,6\n7,8,9,10\n11,12,13\n\"unclosed,14\n";
        let (ws, uri) = workspace_with("x/ragged.csv", body.as_bytes());
        let p = ws.preview_object(&uri, 4).unwrap();
        assert_eq!(p.rows.len(), 4);
        let problems: Vec<String> = p.problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains(", line 2, field \"col2\": expected 3 fields, found 2"),
            "{problems:?}"
        );
        assert!(
            problems[1].contains(", line 4: expected 3 fields, found 4"),
            "{problems:?}"
        );
        assert!(p.more);
        let p = ws.preview_object(&uri, 10).unwrap();
        assert_eq!(p.problems.len(), 3, "the unterminated quote at the end is one too");
        assert!(!p.more);
        let (ws, uri) = workspace_with("x/bad.jsonl", b"{\"id\":1}\n\n{\"id\":\n{\"id\":3}\n");
        let p = ws.preview_object(&uri, 5).unwrap();
        assert_eq!((p.lines.clone(), p.problems.len()), (vec![1, 3, 4], 1));
        assert!(p.problems[0].to_string().contains(", line 3: "), "{}", p.problems[0]);
    }

    #[test]
    fn multi_line_csv_records_are_found_by_reading_further() {
        let mut body = String::new();
        for i in 0..50 {
            body.push_str(&format!("{i},\"first\nsecond\nthird\"\n"));
        }
        // By its extension, with Glue's default multiLine False: every line is a record.
        let (mut ws, uri) = workspace_with("x/multi.csv", body.as_bytes());
        let p = ws.preview_object(&uri, 5).unwrap();
        assert_eq!(p.rows[0][..2], ["0", "first"]);
        assert_eq!(p.lines, [1, 2, 3, 4, 5]);
        // Under a table whose `multiLine` parameter is true, the records span lines.
        let mut table = Table::new(
            demo::DATABASE,
            "multi",
            &format!("s3://{}/x/", demo::raw_bucket()),
            Format::Csv,
            vec![Column::new("id", "bigint"), Column::new("text", "string")],
        );
        table.parameters.insert("multiLine".into(), "true".into());
        ws.catalog.create_table(table).unwrap();
        let p = ws.preview_object(&uri, 5).unwrap();
        assert_eq!(p.rows.len(), 5);
        assert_eq!(p.rows[4], ["4", "first\nsecond\nthird"]);
        assert_eq!(p.lines, [1, 4, 7, 10, 13]);
        assert!(p.problems.is_empty(), "{:?}", p.problems);
    }

    #[test]
    fn binary_and_unknown_formats_are_clear_errors() {
        let (ws, uri) = workspace_with("x/image.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        let e = ws.preview_object(&uri, 5).unwrap_err();
        assert!(matches!(e, Error::Data { .. }));
        assert!(e.to_string().contains("binary content, not csv text"), "{e}");
        // "デバイス,状態" in Shift_JIS: text, named, with its fix.
        let (ws, uri) = workspace_with("x/devices.csv", b"\x83\x66\x83\x6f\x83\x43\x83\x58,\x8f\xf3\x91\xf4\n");
        let e = ws.preview_object(&uri, 5).unwrap_err().to_string();
        assert!(
            e.contains("csv text, but not UTF-8 text: it looks like Shift_JIS (CP932)"),
            "{e}"
        );
        assert!(!e.contains("binary"), "{e}");
        let (ws, uri) = workspace_with("x/notes.txt", b"hello");
        let e = ws.preview_object(&uri, 5).unwrap_err();
        assert!(e.to_string().contains("only names ending in .csv"), "{e}");
        let (ws, uri) = workspace_with("x/fake.parquet", b"a,b\n");
        let e = ws.preview_object(&uri, 5).unwrap_err();
        assert!(e.to_string().contains("not a Parquet file"), "{e}");
        let e = ws
            .preview_object(&S3Uri::new(demo::raw_bucket(), "nope.csv"), 5)
            .unwrap_err();
        assert!(matches!(e, Error::NoSuchKey { .. }));
        // The seed table holds JSON: a Parquet file put there is binary to it.
        let (ws, uri) = workspace_with("raw-data/p.json", b"PAR1\0\0PAR1");
        assert!(ws.preview_object(&uri, 5).unwrap_err().to_string().contains("binary"));
    }

    #[test]
    fn a_first_line_beyond_the_limit_is_refused_and_a_long_tail_is_not_read() {
        let body = vec![b'x'; PREVIEW_BYTES_LIMIT + 10];
        let (ws, uri) = workspace_with("x/one-line.csv", &body);
        let e = ws.preview_object(&uri, 5).unwrap_err();
        assert!(
            e.to_string().contains("line 1: the first line is longer than 4 MB"),
            "{e}"
        );
        assert_eq!(whole_lines(b"a\nb\nc", 2, 100), Some(&b"a\nb\n"[..]));
        assert_eq!(whole_lines(b"a\nb\nc", 9, 100), Some(&b"a\nb\nc"[..]));
        assert_eq!(whole_lines(b"aa\nbb\ncc", 9, 7), Some(&b"aa\nbb\n"[..]));
        assert_eq!(whole_lines(b"aaaa", 1, 2), None);
    }

    #[test]
    fn parquet_is_read_whole_and_an_empty_object_keeps_the_table_columns() {
        use crate::arrow::array::{Int64Array, RecordBatch, StringArray};
        use crate::arrow::datatypes::{DataType, Field, Schema};
        use std::sync::Arc;
        let schema = Arc::new(Schema::new(vec![
            Field::new("n", DataType::Int64, true),
            Field::new("s", DataType::Utf8, true),
        ]));
        let batch = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(Int64Array::from(vec![1, 2, 3])),
                Arc::new(StringArray::from(vec!["a", "b", "c"])),
            ],
        )
        .unwrap();
        let parquet = write_batch(&batch, Format::Parquet, &CsvOptions::default()).unwrap();
        let (ws, uri) = workspace_with("x/part-0.snappy.parquet", &parquet);
        let p = ws.preview_object(&uri, 2).unwrap();
        assert_eq!(p.columns, ["n", "s"]);
        assert_eq!(p.rows, [["1", "a"], ["2", "b"]]);
        assert_eq!((p.lines.clone(), p.more, p.bytes_read), (vec![1, 2], true, p.size));
        let (ws, uri) = workspace_with("raw-data/empty.json", b"");
        let p = ws.preview_object(&uri, 5).unwrap();
        assert_eq!(p.columns, ["device_id", "timestamp", "state"]);
        assert!(p.rows.is_empty() && !p.more);
        assert!(p.summary().starts_with("No rows · json from table "), "{}", p.summary());
    }
}
