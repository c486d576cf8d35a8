//! CSV reader and writer with Glue's format options (`separator`, `quoteChar`, `escaper`,
//! `withHeader`, `writeHeader`, `skipFirst`).
//!
//! Records are split by a small state machine here rather than by arrow's CSV reader, because
//! arrow's errors do not say which line or column was bad, and gluelab must. Quoted fields may
//! hold separators and doubled quotes (`""`). A line break ends the record, even inside quotes,
//! unless `multiLine` is set (Glue's and Spark's default is false): `1,"two` then `lines",2.5`
//! are two records, `1` and `two` (the quote left open), then `lines"` and `2.5`, as Spark
//! reads them. With `multiLine` a quoted line break is part of its field (a CRLF read as `\n`,
//! as Spark does) and a record that spans lines is reported at the line where it starts; a
//! quote never closed is malformed. Blank lines are skipped, as Spark does.
//!
//! Glue's `escaper` escapes the next character everywhere, with the well-known escapes `\n`,
//! `\r`, `\t`, `\0`. Without a header, columns map to the declared schema by position; with a
//! header, by name (exact, then case-insensitive), and declared columns missing from the header
//! are null. `skipFirst` drops the first data line (after the header, when there is one).
//!
//! A record with fewer fields than the file has columns is malformed, naming the first missing
//! column; one with more is malformed too. In PERMISSIVE mode the fields that are there are kept.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::arrow::array::{ArrayRef, RecordBatch};
use crate::arrow::compute::kernels::cast_utils::Parser;
use crate::arrow::datatypes::{DataType, Field, Int64Type, Schema, SchemaRef};

use super::builder::{parse_float, ColumnBuilder};
use super::encode::ColumnWriter;
use super::encoding::not_utf8_message;
use super::json::unsupported;
use super::rows::{malformed_from, strip_bom, OutputSchema, Problem, Rows};
use super::{CsvOptions, Malformed, ReadOptions, ReadOutput};
use crate::error::{Error, Location, Result};
use crate::limits::CSV_MAX_COLUMNS;

/// One record: field texts decoded (quotes and escapes removed) into `buf`.
#[derive(Debug, Default)]
struct Record {
    /// 1-based physical line where the record starts.
    line: u64,
    /// The record's bytes in the object, without its line break (for `_corrupt_record`).
    raw: Range<usize>,
    buf: Vec<u8>,
    /// End offset in `buf` of each field.
    ends: Vec<usize>,
    /// Set when the record could not be split (an unterminated quote).
    error: Option<String>,
}

impl Record {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn end_field(&mut self) {
        self.ends.push(self.buf.len());
    }

    /// The record's fields as text, or `None` when it is not UTF-8 text or holds a NUL byte.
    fn text<'r>(&'r self, body: &[u8]) -> Option<Fields<'r>> {
        if body[self.raw.clone()].contains(&0) {
            return None;
        }
        let text = std::str::from_utf8(&self.buf).ok()?;
        Some(Fields { text, ends: &self.ends })
    }
}

/// Borrowed view of a record's fields.
struct Fields<'r> {
    text: &'r str,
    ends: &'r [usize],
}

impl<'r> Fields<'r> {
    fn get(&self, i: usize) -> &'r str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

/// Which bytes end a run of ordinary bytes, outside and inside quotes.
struct Specials {
    unquoted: [bool; 256],
    quoted: [bool; 256],
}

/// Splits an object into records.
struct RecordReader<'a> {
    data: &'a [u8],
    pos: usize,
    line: u64,
    separator: u8,
    quote: Option<u8>,
    /// `multiLine`: a line break inside quotes is data; else it ends the record (and the field,
    /// its quote left open), as Spark's line-by-line reader does.
    multi_line: bool,
    /// Marks the separator, line breaks and the escaper (which is ignored when it equals the
    /// quote: then doubling the quote is the escape).
    specials: Box<Specials>,
}

impl<'a> RecordReader<'a> {
    fn new(data: &'a [u8], options: &CsvOptions) -> Self {
        let escape = options.escape.filter(|e| Some(*e) != options.quote);
        let mut specials = Box::new(Specials {
            unquoted: [false; 256],
            quoted: [false; 256],
        });
        for b in [Some(options.separator), Some(b'\n'), Some(b'\r'), escape]
            .into_iter()
            .flatten()
        {
            specials.unquoted[b as usize] = true;
        }
        for b in [options.quote, Some(b'\n'), escape].into_iter().flatten() {
            specials.quoted[b as usize] = true;
        }
        Self {
            data,
            pos: 0,
            line: 1,
            separator: options.separator,
            quote: options.quote,
            multi_line: options.multi_line,
            specials,
        }
    }

    /// The byte an escape stands for: Glue's well-known escapes, else the byte itself.
    fn unescape(b: u8) -> u8 {
        match b {
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'0' => 0,
            other => other,
        }
    }

    /// Reads the next non-blank record into `rec`; false at the end of the object.
    /// The next record into `rec`; false at the end. A record wider than Spark's `maxColumns`
    /// ([`CSV_MAX_COLUMNS`]) is malformed, as univocity refuses it.
    fn next(&mut self, rec: &mut Record) -> bool {
        let more = self.next_record(rec);
        if more && rec.error.is_none() && rec.len() > CSV_MAX_COLUMNS {
            rec.error = Some(format!(
                "the record has {} columns, more than {CSV_MAX_COLUMNS} (the limit CSV_MAX_COLUMNS, Spark's maxColumns)",
                rec.len()
            ));
        }
        more
    }

    fn next_record(&mut self, rec: &mut Record) -> bool {
        let data = self.data;
        // Skip blank lines.
        loop {
            match data.get(self.pos) {
                None => return false,
                Some(b'\n') => self.pos += 1,
                Some(b'\r') if data.get(self.pos + 1) == Some(&b'\n') => self.pos += 2,
                _ => break,
            }
            self.line += 1;
        }
        rec.buf.clear();
        rec.ends.clear();
        rec.error = None;
        rec.line = self.line;
        let start = self.pos;
        #[derive(PartialEq)]
        enum State {
            Start,
            Unquoted,
            Quoted,
            AfterQuote,
        }
        let mut state = State::Start;
        loop {
            if state == State::Quoted {
                let run = data[self.pos..].iter().position(|b| self.specials.quoted[*b as usize]);
                let Some(run) = run else {
                    rec.buf.extend_from_slice(&data[self.pos..]);
                    self.pos = data.len();
                    if self.multi_line {
                        rec.error =
                            Some("unterminated quoted field: the quote opened on this line is never closed".into());
                    }
                    rec.end_field();
                    rec.raw = start..self.pos;
                    return true;
                };
                rec.buf.extend_from_slice(&data[self.pos..self.pos + run]);
                self.pos += run;
                let b = data[self.pos];
                if Some(b) == self.quote {
                    if data.get(self.pos + 1) == Some(&b) {
                        rec.buf.push(b);
                        self.pos += 2;
                    } else {
                        state = State::AfterQuote;
                        self.pos += 1;
                    }
                } else if b == b'\n' {
                    // A CRLF inside quotes is read as `\n`, as Spark's univocity parser reads it.
                    let crlf = self.pos > start && data[self.pos - 1] == b'\r' && rec.buf.last() == Some(&b'\r');
                    if crlf {
                        rec.buf.pop();
                    }
                    if !self.multi_line {
                        // Without multiLine the line break ends the record, quote left open.
                        rec.end_field();
                        rec.raw = start..self.pos - usize::from(crlf);
                        self.pos += 1;
                        self.line += 1;
                        return true;
                    }
                    rec.buf.push(b);
                    self.line += 1;
                    self.pos += 1;
                } else {
                    self.escaped(rec);
                }
                continue;
            }
            let run = data[self.pos..]
                .iter()
                .position(|b| self.specials.unquoted[*b as usize]);
            let run = run.unwrap_or(data.len() - self.pos);
            if run > 0 {
                if state == State::Start && Some(data[self.pos]) == self.quote {
                    state = State::Quoted;
                    self.pos += 1;
                    continue;
                }
                // Text after a closing quote is kept, as lenient CSV readers do.
                rec.buf.extend_from_slice(&data[self.pos..self.pos + run]);
                self.pos += run;
                if state == State::Start {
                    state = State::Unquoted;
                }
            }
            match data.get(self.pos) {
                None => {
                    rec.end_field();
                    rec.raw = start..self.pos;
                    return true;
                }
                Some(b) if *b == self.separator => {
                    rec.end_field();
                    state = State::Start;
                    self.pos += 1;
                }
                Some(b'\n') => {
                    rec.end_field();
                    let end = if self.pos > start && data[self.pos - 1] == b'\r' {
                        self.pos - 1
                    } else {
                        self.pos
                    };
                    rec.raw = start..end;
                    self.pos += 1;
                    self.line += 1;
                    return true;
                }
                Some(b'\r') if data.get(self.pos + 1) == Some(&b'\n') => {
                    rec.end_field();
                    rec.raw = start..self.pos;
                    self.pos += 2;
                    self.line += 1;
                    return true;
                }
                Some(b'\r') => {
                    // A lone carriage return is data.
                    rec.buf.push(b'\r');
                    self.pos += 1;
                    if state == State::Start {
                        state = State::Unquoted;
                    }
                }
                Some(_) => {
                    self.escaped(rec);
                    if state == State::Start {
                        state = State::Unquoted;
                    }
                }
            }
        }
    }

    /// Handles the escape character at `pos`.
    fn escaped(&mut self, rec: &mut Record) {
        match self.data.get(self.pos + 1) {
            Some(next) => {
                if *next == b'\n' {
                    self.line += 1;
                }
                rec.buf.push(Self::unescape(*next));
                self.pos += 2;
            }
            None => {
                rec.buf.push(self.data[self.pos]);
                self.pos += 1;
            }
        }
    }
}

/// Checks that the options can split records unambiguously.
fn check_options(options: &CsvOptions) -> Result<()> {
    let bad = |what: &str, b: u8| {
        Error::InvalidInput(format!(
            "CSV {what} must be one ASCII character other than a line break, got byte {b:#04x}"
        ))
    };
    for (what, b) in [
        ("separator", Some(options.separator)),
        ("quoteChar", options.quote),
        ("escaper", options.escape),
    ] {
        if let Some(b) = b {
            if !b.is_ascii() || b == b'\n' || b == b'\r' {
                return Err(bad(what, b));
            }
        }
    }
    if options.quote == Some(options.separator) || options.escape == Some(options.separator) {
        return Err(Error::InvalidInput(
            "CSV quoteChar and escaper must differ from the separator".into(),
        ));
    }
    Ok(())
}

/// Reads the header (when `with_header`) and skips the first data line (when `skip_first`).
/// Returns the header names (`colN` for an empty cell); a header that is not text is an error
/// in every mode, since no column could be matched.
fn start(
    object: &str,
    reader: &mut RecordReader<'_>,
    rec: &mut Record,
    options: &CsvOptions,
) -> Result<Option<Vec<String>>> {
    let mut header = None;
    if options.with_header && reader.next(rec) {
        if let Some(error) = &rec.error {
            return Err(Error::data(
                Location::object(object).at_line(rec.line),
                format!("header line: {error}"),
            ));
        }
        let fields = rec.text(reader.data).ok_or_else(|| {
            Error::data(
                Location::object(object).at_line(rec.line),
                format!("header line: {}", not_utf8_message(&reader.data[rec.raw.clone()])),
            )
        })?;
        // An empty header cell is named as Glue names columns without a header.
        let name = |i: usize| match fields.get(i) {
            "" => format!("col{i}"),
            text => text.to_string(),
        };
        header = Some((0..rec.len()).map(name).collect());
    }
    if options.skip_first {
        reader.next(rec);
    }
    Ok(header)
}

/// Reads CSV into `declared` (see the module docs for the rules).
pub(crate) fn read(object: &str, body: &[u8], options: &ReadOptions, declared: &Schema) -> Result<ReadOutput> {
    check_options(&options.csv)?;
    let body = strip_bom(body);
    let schema = OutputSchema::new(declared, options);
    let capacity = super::reserve_rows(body, schema.data.len());
    let mut builders = Vec::with_capacity(schema.data.len());
    for field in schema.data_fields() {
        let builder = ColumnBuilder::new(field.data_type(), capacity).ok_or_else(|| unsupported(object, field))?;
        builders.push(builder);
    }
    let names: Vec<&str> = schema.data_fields().map(|f| f.name().as_str()).collect();
    let mut reader = RecordReader::new(body, &options.csv);
    let mut rec = Record::default();
    let header = start(object, &mut reader, &mut rec, &options.csv)?;

    // For each column of the file, the builder it feeds (if any) and its name for messages.
    let (targets, file_names): (Vec<Option<usize>>, Vec<String>) = match &header {
        Some(header) if header.iter().map(String::as_str).ne(names.iter().copied()) => {
            let mut exact = HashMap::new();
            let mut lower = HashMap::new();
            for (i, name) in names.iter().enumerate() {
                exact.entry(*name).or_insert(i);
                lower.entry(name.to_lowercase()).or_insert(i);
            }
            let mut used = vec![false; names.len()];
            let targets = header
                .iter()
                .map(|h| {
                    let i = exact
                        .get(h.as_str())
                        .or_else(|| lower.get(&h.to_lowercase()))
                        .copied()?;
                    (!std::mem::replace(&mut used[i], true)).then_some(i)
                })
                .collect();
            (targets, header.clone())
        }
        _ => (
            (0..names.len()).map(Some).collect(),
            names.iter().map(|n| n.to_string()).collect(),
        ),
    };
    let width = targets.len();
    // Declared columns the file does not have: null on every row.
    let unfed: Vec<usize> = (0..builders.len()).filter(|i| !targets.contains(&Some(*i))).collect();

    let mut rows = Rows::new(object, options.mode, builders.len(), body.len());
    let mut problems: Vec<Problem> = Vec::new();
    while reader.next(&mut rec) {
        rows.check_record(rec.line, rec.raw.len())?;
        let raw = || String::from_utf8_lossy(&body[rec.raw.clone()]).into_owned();
        let fields = match (&rec.error, rec.text(body)) {
            (None, Some(fields)) => fields,
            (error, fields) => {
                builders.iter_mut().for_each(ColumnBuilder::append_null);
                let message = match (error, fields) {
                    (_, None) => not_utf8_message(&body[rec.raw.clone()]),
                    (Some(e), _) => e.clone(),
                    (None, Some(_)) => unreachable!(),
                };
                rows.bad(Malformed {
                    line: rec.line,
                    field: None,
                    message,
                    raw: raw(),
                })?;
                continue;
            }
        };
        problems.clear();
        let found = rec.len();
        if found != width {
            let missing = (found < width).then(|| file_names[found].clone());
            problems.push((missing, format!("expected {width} fields, found {found}")));
        }
        for (i, target) in targets.iter().enumerate() {
            let Some(b) = target else { continue };
            let builder = &mut builders[*b];
            if i >= found {
                builder.append_null();
                continue;
            }
            if let Err(message) = builder.append_text(fields.get(i)) {
                builder.append_null();
                problems.push((Some(file_names[i].clone()), message));
            }
        }
        for i in &unfed {
            builders[*i].append_null();
        }
        if problems.is_empty() {
            rows.good(rec.line)?;
        } else {
            rows.bad(malformed_from(rec.line, raw(), &problems))?;
        }
    }
    let columns = builders
        .iter_mut()
        .map(ColumnBuilder::finish)
        .collect::<Result<Vec<ArrayRef>>>()?;
    rows.finish(&schema, columns)
}

/// Infers a schema: header names (or `col0`, `col1`, ... as Glue names them), and for each
/// column `bigint` if every non-empty value is an integer, else `double` if every one is a
/// number, else `boolean` if every one is true/false, else `string`. Dates and timestamps are
/// left as `string`. The width is the header's, or the first record's without a header.
pub(crate) fn infer(object: &str, body: &[u8], options: &CsvOptions) -> Result<SchemaRef> {
    check_options(options)?;
    let body = strip_bom(body);
    let mut reader = RecordReader::new(body, options);
    let mut rec = Record::default();
    let header = start(object, &mut reader, &mut rec, options)?;
    /// What every non-empty value of a column seen so far could be.
    #[derive(Clone, Copy)]
    struct Could {
        int: bool,
        float: bool,
        boolean: bool,
        any: bool,
    }
    let mut names = header.clone();
    let mut could: Vec<Could> = Vec::new();
    let all = Could {
        int: true,
        float: true,
        boolean: true,
        any: false,
    };
    if let Some(names) = &names {
        could = vec![all; names.len()];
    }
    while reader.next(&mut rec) {
        if rec.error.is_some() {
            continue;
        }
        let Some(fields) = rec.text(body) else { continue };
        if names.is_none() {
            names = Some(Vec::new());
            could = vec![all; rec.len()];
        }
        for (i, c) in could.iter_mut().enumerate().take(rec.len()) {
            let text = fields.get(i);
            if text.is_empty() {
                continue;
            }
            c.any = true;
            c.int = c.int && Int64Type::parse(text).is_some();
            c.float = c.float && parse_float(text).is_some();
            c.boolean = c.boolean && (text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false"));
        }
    }
    let names = names.unwrap_or_default();
    let fields: Vec<Field> = could
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let name = names.get(i).cloned().unwrap_or_else(|| format!("col{i}"));
            let data_type = match c {
                Could { any: false, .. } => DataType::Utf8,
                Could { int: true, .. } => DataType::Int64,
                Could { float: true, .. } => DataType::Float64,
                Could { boolean: true, .. } => DataType::Boolean,
                _ => DataType::Utf8,
            };
            Field::new(name, data_type, true)
        })
        .collect();
    Ok(Arc::new(Schema::new(fields)))
}

/// Writes CSV: a header line when `write_header`, then one line per row ending in `\n`. Nulls
/// are empty cells and empty strings are `""`, so the reader can tell them apart. Cells holding
/// the separator, the quote, the escaper or a line break are quoted (quotes doubled); with
/// quoting disabled they are escaped with the escaper, and without one that is an error.
pub(crate) fn write(batch: &RecordBatch, options: &CsvOptions) -> Result<Vec<u8>> {
    check_options(options)?;
    let schema = batch.schema();
    let columns = ColumnWriter::prepare(batch)?;
    let encoder_options = crate::arrow::json::writer::EncoderOptions::default();
    let mut writers = ColumnWriter::for_columns(&schema, &columns, &encoder_options)?;
    let mut out = Vec::with_capacity(batch.num_rows() * 8 * writers.len().max(1));
    let mut cell = Vec::new();
    let put = |out: &mut Vec<u8>, cell: &[u8], row: Option<usize>, column: &str| -> Result<()> {
        write_cell(out, cell, options).map_err(|why| {
            let at = row
                .map(|r| format!("row {}", r + 1))
                .unwrap_or_else(|| "the header".into());
            Error::InvalidInput(format!("cannot write CSV: {at}, column \"{column}\": {why}"))
        })
    };
    if options.write_header {
        for (i, field) in schema.fields().iter().enumerate() {
            if i > 0 {
                out.push(options.separator);
            }
            put(&mut out, field.name().as_bytes(), None, field.name())?;
        }
        out.push(b'\n');
    }
    for row in 0..batch.num_rows() {
        for (i, writer) in writers.iter_mut().enumerate() {
            if i > 0 {
                out.push(options.separator);
            }
            if writer.is_null(row) {
                continue;
            }
            cell.clear();
            writer.write_text(row, &mut cell);
            if cell.is_empty() {
                // An empty string or binary: `""` keeps it apart from null.
                if let Some(q) = options.quote {
                    out.extend_from_slice(&[q, q]);
                }
                continue;
            }
            put(&mut out, &cell, Some(row), schema.field(i).name())?;
        }
        out.push(b'\n');
    }
    Ok(out)
}

/// Appends one non-empty cell, quoting or escaping it when needed.
fn write_cell(out: &mut Vec<u8>, cell: &[u8], options: &CsvOptions) -> Result<(), &'static str> {
    let escape = options.escape.filter(|e| Some(*e) != options.quote);
    let special =
        |b: u8| b == options.separator || b == b'\n' || b == b'\r' || Some(b) == options.quote || Some(b) == escape;
    if !cell.iter().any(|b| special(*b)) {
        out.extend_from_slice(cell);
        return Ok(());
    }
    match (options.quote, escape) {
        (Some(q), _) => {
            out.push(q);
            for b in cell {
                if *b == q {
                    out.push(q);
                } else if Some(*b) == escape {
                    out.push(*b);
                }
                out.push(*b);
            }
            out.push(q);
        }
        (None, Some(e)) => {
            for b in cell {
                match *b {
                    b'\n' => out.extend_from_slice(&[e, b'n']),
                    b'\r' => out.extend_from_slice(&[e, b'r']),
                    b if special(b) => out.extend_from_slice(&[e, b]),
                    b => out.push(b),
                }
            }
        }
        (None, None) => return Err("the value holds the separator or a line break, and quoteChar is disabled"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{infer_schema, read_object, write_batch, Format, ParseMode};
    use super::*;
    use crate::arrow::array::{Array, AsArray, Int64Array, StringArray};
    use crate::arrow::datatypes::{Float64Type, Int32Type};
    use crate::format::encoding::NOT_TEXT;

    const OBJ: &str = "s3://bucket/in/data.csv";

    fn schema(fields: &[(&str, DataType)]) -> SchemaRef {
        Arc::new(Schema::new(
            fields
                .iter()
                .map(|(n, t)| Field::new(*n, t.clone(), true))
                .collect::<Vec<_>>(),
        ))
    }

    fn abc() -> SchemaRef {
        schema(&[("a", DataType::Int64), ("b", DataType::Utf8), ("c", DataType::Float64)])
    }

    fn read(body: &[u8], s: &SchemaRef, mode: ParseMode, csv: CsvOptions) -> Result<ReadOutput> {
        let options = ReadOptions::default()
            .with_format(Format::Csv)
            .with_schema(s.clone())
            .with_mode(mode);
        read_object(OBJ, body, &options.with_csv(csv))
    }

    fn strings(out: &ReadOutput, column: usize) -> Vec<Option<String>> {
        out.batch
            .column(column)
            .as_string::<i32>()
            .iter()
            .map(|s| s.map(str::to_string))
            .collect()
    }

    /// All records of `body` as field lists, with their start lines.
    fn split(body: &[u8], options: &CsvOptions) -> Vec<(u64, Vec<String>)> {
        let mut reader = RecordReader::new(body, options);
        let mut rec = Record::default();
        let mut out = Vec::new();
        while reader.next(&mut rec) {
            let f = rec.text(body).unwrap();
            out.push((rec.line, (0..rec.len()).map(|i| f.get(i).to_string()).collect()));
        }
        out
    }

    #[test]
    fn test_csv_records_quotes_newlines_and_line_numbers() {
        let body = b"1,\"x, \"\"y\"\"\",2\r\n\r\n2,\"multi\nline\",3\n3,,\n";
        let multi = CsvOptions::default().with_multi_line(true);
        let got = split(body, &multi);
        assert_eq!(
            got,
            vec![
                (1, vec!["1".into(), "x, \"y\"".into(), "2".into()]),
                (3, vec!["2".into(), "multi\nline".into(), "3".into()]),
                (5, vec!["3".into(), "".into(), "".into()]),
            ]
        );
        let out = read(body, &abc(), ParseMode::FailFast, multi).unwrap();
        assert_eq!(out.lines, vec![1, 3, 5]);
        assert_eq!(
            strings(&out, 1),
            vec![Some("x, \"y\"".into()), Some("multi\nline".into()), None]
        );
        assert!(out.batch.column(2).is_null(2));
    }

    #[test]
    fn test_csv_separator_escape_and_disabled_quote() {
        let options = CsvOptions::default()
            .with_separator(b'|')
            .with_quote(None)
            .with_escape(Some(b'\\'));
        let got = split(b"a\\|b|\"q\"|t\\tab\\\\\n", &options);
        assert_eq!(got, vec![(1, vec!["a|b".into(), "\"q\"".into(), "t\tab\\".into()])]);
        let options = CsvOptions::default().with_glue_quote_char("'").unwrap();
        assert_eq!(split(b"'a,b',c\n", &options), vec![(1, vec!["a,b".into(), "c".into()])]);
        assert_eq!(CsvOptions::default().with_glue_quote_char("-1").unwrap().quote, None);
        assert!(CsvOptions::default().with_glue_quote_char("ab").is_err());
    }

    #[test]
    fn test_csv_ragged_rows_name_line_and_field() {
        let body = b"1,a,1.5\n2,b\n3,c,2.5,extra\n4,d,3.5\n";
        let out = read(body, &abc(), ParseMode::Permissive, CsvOptions::default()).unwrap();
        assert_eq!(out.batch.num_rows(), 4);
        let m = &out.malformed;
        assert_eq!(m.len(), 2);
        assert_eq!(
            (m[0].line, m[0].field.as_deref(), m[0].message.as_str()),
            (2, Some("c"), "expected 3 fields, found 2")
        );
        assert_eq!(
            (m[1].line, m[1].field.as_deref(), m[1].message.as_str()),
            (3, None, "expected 3 fields, found 4")
        );
        assert_eq!(m[1].raw, "3,c,2.5,extra");
        // Permissive keeps the fields that are there.
        assert_eq!(
            strings(&out, 1),
            vec![Some("a".into()), Some("b".into()), Some("c".into()), Some("d".into())]
        );
        let corrupt = out.batch.column(3).as_string::<i32>();
        assert_eq!(corrupt.value(1), "2,b");

        let out = read(body, &abc(), ParseMode::DropMalformed, CsvOptions::default()).unwrap();
        assert_eq!(out.lines, vec![1, 4]);
        assert_eq!(out.batch.num_columns(), 3);
        let err = read(body, &abc(), ParseMode::FailFast, CsvOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "s3://bucket/in/data.csv, line 2, field \"c\": expected 3 fields, found 2"
        );
    }

    #[test]
    fn test_csv_type_errors_and_binary_junk() {
        let body = b"x,a,1\n\x00\x01\x02,\xff\n5,e,zz\n";
        let out = read(body, &abc(), ParseMode::Permissive, CsvOptions::default()).unwrap();
        let m = &out.malformed;
        assert_eq!(m.len(), 3);
        assert_eq!((m[0].line, m[0].field.as_deref()), (1, Some("a")));
        assert_eq!(m[0].message, "expected bigint, found \"x\"");
        assert_eq!(
            (m[1].line, m[1].field.as_deref(), m[1].message.as_str()),
            (2, None, NOT_TEXT)
        );
        assert_eq!(m[2].message, "expected double, found \"zz\"");
        assert_eq!(strings(&out, 1), vec![Some("a".into()), None, Some("e".into())]);
        let err = read(body, &abc(), ParseMode::FailFast, CsvOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "s3://bucket/in/data.csv, line 1, field \"a\": expected bigint, found \"x\""
        );
    }

    #[test]
    fn test_csv_multiline_record_is_reported_where_it_starts() {
        let body = b"1,a,1\r\n2,\"two\r\nlines\"\r\n3,c,3\r\n";
        let multi = CsvOptions::default().with_multi_line(true);
        let out = read(body, &abc(), ParseMode::Permissive, multi).unwrap();
        assert_eq!(out.lines, vec![1, 2, 4]);
        let m = &out.malformed[0];
        assert_eq!((m.line, m.field.as_deref()), (2, Some("c")));
        assert_eq!(m.raw, "2,\"two\r\nlines\"");
        // Spark's univocity reads a CRLF inside quotes as `\n`.
        assert_eq!(strings(&out, 1)[1].as_deref(), Some("two\nlines"));
    }

    #[test]
    fn test_csv_binary_header_is_an_error_in_every_mode() {
        let csv = CsvOptions::default().with_header(true);
        for mode in [ParseMode::Permissive, ParseMode::DropMalformed] {
            let err = read(b"\x00\x01\x02PK\n1\n", &abc(), mode, csv.clone()).unwrap_err();
            assert_eq!(err.to_string(), format!("{OBJ}, line 1: header line: {NOT_TEXT}"));
            // A UTF-16 byte order mark is text in another encoding, and said so.
            let err = read(b"\xff\xfe\x00a\n1\n", &abc(), mode, csv.clone()).unwrap_err();
            assert!(
                err.to_string()
                    .contains("header line: not UTF-8 text: it looks like UTF-16"),
                "{err}"
            );
        }
    }

    #[test]
    fn test_csv_in_shift_jis_is_named_with_its_fix() {
        // "デバイス,状態" then "a1,オン" in Shift_JIS.
        let header = b"\x83\x66\x83\x6f\x83\x43\x83\x58,\x8f\xf3\x91\xf4\n";
        let row = b"a1,\x83\x49\x83\x93\n";
        let body = [&header[..], &row[..]].concat();
        let csv = CsvOptions::default().with_header(true);
        let err = read(&body, &abc(), ParseMode::Permissive, csv).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "{OBJ}, line 1: header line: not UTF-8 text: it looks like Shift_JIS (CP932)"
            )),
            "{err}"
        );
        let out = read(row, &abc(), ParseMode::Permissive, CsvOptions::default()).unwrap();
        assert!(
            out.malformed[0].message.contains("re-save the file as UTF-8"),
            "{:?}",
            out.malformed
        );
    }

    #[test]
    fn test_csv_wider_than_max_columns_is_malformed_and_reserves_what_it_reads() {
        let wide = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
        let body = format!("{}\n1,2,3\n", wide(100_000));
        let e = read(body.as_bytes(), &abc(), ParseMode::FailFast, CsvOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1") && e.contains("CSV_MAX_COLUMNS"), "{e}");
        let out = read(body.as_bytes(), &abc(), ParseMode::DropMalformed, CsvOptions::default()).unwrap();
        assert_eq!(out.batch.num_rows(), 1);
        let header = CsvOptions::default().with_header(true);
        let e = read(body.as_bytes(), &abc(), ParseMode::Permissive, header)
            .unwrap_err()
            .to_string();
        assert!(e.contains("header line") && e.contains("CSV_MAX_COLUMNS"), "{e}");
        // 20,480 columns are read; the builders reserve a bounded number of cells.
        let at_limit = format!("{}\n", wide(CSV_MAX_COLUMNS));
        let schema = infer("s3://b/k", at_limit.as_bytes(), &CsvOptions::default()).unwrap();
        assert_eq!(schema.fields().len(), CSV_MAX_COLUMNS);
        assert!(super::super::reserve_rows(at_limit.as_bytes(), CSV_MAX_COLUMNS) * CSV_MAX_COLUMNS <= 1 << 20);
    }

    #[test]
    fn test_csv_a_quote_left_open_past_the_record_limit_fails_the_read() {
        let body = format!(
            "1,a,1\n2,\"open,2\n{}",
            "3,c,3\n".repeat(crate::limits::RECORD_MAX_BYTES / 6 + 1)
        );
        let multi = CsvOptions::default().with_multi_line(true);
        let e = read(body.as_bytes(), &abc(), ParseMode::Permissive, multi)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2") && e.contains("RECORD_MAX_BYTES") && e.contains("quote left open"),
            "{e}"
        );
    }

    #[test]
    fn test_csv_a_declared_schema_wider_than_the_file_stops_at_the_cells_limit() {
        let fields: Vec<Field> = (0..5_000)
            .map(|i| Field::new(format!("c{i}"), DataType::Utf8, true))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let body = "x\n".repeat(50_000);
        let e = read(body.as_bytes(), &schema, ParseMode::Permissive, CsvOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("READ_MAX_CELLS_PER_BYTE"), "{e}");
    }

    #[test]
    fn test_csv_unterminated_quote() {
        let body = b"1,a,1\n2,\"open,2\n3,c,3\n";
        let multi = CsvOptions::default().with_multi_line(true);
        let out = read(body, &abc(), ParseMode::DropMalformed, multi).unwrap();
        assert_eq!(out.lines, vec![1]);
        assert_eq!(out.malformed[0].line, 2);
        assert!(out.malformed[0].message.starts_with("unterminated quoted field"));
        // Without multiLine the open quote ends at its line: `2,"open,2` is 2 fields.
        let out = read(body, &abc(), ParseMode::DropMalformed, CsvOptions::default()).unwrap();
        assert_eq!(out.lines, vec![1, 3]);
        assert_eq!(
            (out.malformed[0].line, out.malformed[0].message.as_str()),
            (2, "expected 3 fields, found 2")
        );
        // A quote open at the end of the object is its last field's text.
        let out = read(b"1,bob,\"3", &abc(), ParseMode::FailFast, CsvOptions::default()).unwrap();
        assert_eq!(out.batch.num_rows(), 1);
    }

    #[test]
    fn test_csv_without_multi_line_a_quoted_line_break_ends_the_record_as_in_spark() {
        // Spark 3.5 without multiLine: [1, "two", null] and [null, "2.5", null], both malformed
        // (their `_corrupt_record` is the line), then [2, "bob", 3.0].
        for body in [
            &b"1,\"two\nlines\",2.5\n2,bob,3\n"[..],
            b"1,\"two\r\nlines\",2.5\r\n2,bob,3\r\n",
        ] {
            assert_eq!(
                split(body, &CsvOptions::default()),
                vec![
                    (1, vec!["1".into(), "two".into()]),
                    (2, vec!["lines\"".into(), "2.5".into()]),
                    (3, vec!["2".into(), "bob".into(), "3".into()]),
                ]
            );
            let out = read(body, &abc(), ParseMode::Permissive, CsvOptions::default()).unwrap();
            assert_eq!(out.lines, vec![1, 2, 3]);
            assert_eq!(
                strings(&out, 1),
                vec![Some("two".into()), Some("2.5".into()), Some("bob".into())]
            );
            assert_eq!(
                strings(&out, 3),
                vec![Some("1,\"two".into()), Some("lines\",2.5".into()), None]
            );
            let out = read(body, &abc(), ParseMode::DropMalformed, CsvOptions::default()).unwrap();
            assert_eq!(out.lines, vec![3]);
            let err = read(body, &abc(), ParseMode::FailFast, CsvOptions::default()).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("{OBJ}, line 1, field \"c\": expected 3 fields, found 2")
            );
        }
        // With it, the field holds the line break.
        let multi = CsvOptions::default().with_multi_line(true);
        let got = split(b"1,\"two\nlines\",2.5\n", &multi);
        assert_eq!(got, vec![(1, vec!["1".into(), "two\nlines".into(), "2.5".into()])]);
    }

    #[test]
    fn test_csv_header_maps_by_name_case_insensitive() {
        let body = b"\xEF\xBB\xBFC,unused,A\r\n1.5,zz,7\r\n";
        let csv = CsvOptions::default().with_header(true);
        let out = read(body, &abc(), ParseMode::FailFast, csv.clone()).unwrap();
        assert_eq!(out.batch.num_rows(), 1);
        assert_eq!(out.lines, vec![2]);
        assert_eq!(
            out.batch
                .column(0)
                .as_primitive::<crate::arrow::datatypes::Int64Type>()
                .value(0),
            7
        );
        assert!(out.batch.column(1).is_null(0));
        assert_eq!(out.batch.column(2).as_primitive::<Float64Type>().value(0), 1.5);
        // Too few fields names the first missing column of the file.
        let err = read(b"C,unused,A\n1.5\n", &abc(), ParseMode::FailFast, csv).unwrap_err();
        assert_eq!(
            err.to_string(),
            "s3://bucket/in/data.csv, line 2, field \"unused\": expected 3 fields, found 1"
        );
    }

    #[test]
    fn test_csv_skip_first_and_empty_objects() {
        let s = schema(&[("n", DataType::Int32)]);
        let out = read(
            b"title\n1\n2\n",
            &s,
            ParseMode::FailFast,
            CsvOptions::default().with_skip_first(true),
        )
        .unwrap();
        assert_eq!(out.batch.column(0).as_primitive::<Int32Type>().values(), &[1, 2]);
        assert_eq!(out.lines, vec![2, 3]);
        let both = CsvOptions::default().with_header(true).with_skip_first(true);
        let out = read(b"n\nskipped\n3\n", &s, ParseMode::FailFast, both).unwrap();
        assert_eq!(out.lines, vec![3]);
        for body in [&b""[..], b"\n\r\n", b"n\n"] {
            let out = read(
                body,
                &abc(),
                ParseMode::FailFast,
                CsvOptions::default().with_header(true),
            )
            .unwrap();
            assert_eq!(out.batch.num_rows(), 0);
            assert_eq!(out.batch.schema(), abc());
        }
    }

    #[test]
    fn test_csv_infer_schema() {
        let options = ReadOptions::default().with_format(Format::Csv);
        let body = b"1,1.5,true,x,\n2,3,FALSE,4,\n,,,,\n";
        let s = infer_schema(OBJ, body, &options).unwrap();
        let got: Vec<(&str, &DataType)> = s.fields().iter().map(|f| (f.name().as_str(), f.data_type())).collect();
        assert_eq!(
            got,
            vec![
                ("col0", &DataType::Int64),
                ("col1", &DataType::Float64),
                ("col2", &DataType::Boolean),
                ("col3", &DataType::Utf8),
                ("col4", &DataType::Utf8),
            ]
        );
        let with_header = options.clone().with_csv(CsvOptions::default().with_header(true));
        let s = infer_schema(OBJ, b"id,,name\n1,2,x\n", &with_header).unwrap();
        let names: Vec<&str> = s.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, vec!["id", "col1", "name"]);
        let out = read_object(OBJ, b"id,,name\n1,2,x\n3,4,y\n", &with_header).unwrap();
        let int = |c: usize| {
            out.batch
                .column(c)
                .as_primitive::<crate::arrow::datatypes::Int64Type>()
                .values()
                .to_vec()
        };
        assert_eq!((int(0), int(1)), (vec![1, 3], vec![2, 4]));
        assert_eq!(strings(&out, 2), vec![Some("x".into()), Some("y".into())]);
    }

    #[test]
    fn test_csv_write_quotes_nulls_and_header() {
        let s = schema(&[("id", DataType::Int64), ("s", DataType::Utf8)]);
        let batch = RecordBatch::try_new(
            s,
            vec![
                Arc::new(Int64Array::from(vec![Some(1), None, Some(3)])),
                Arc::new(StringArray::from(vec![Some("a,b \"q\""), Some(""), None])),
            ],
        )
        .unwrap();
        let out = write_batch(&batch, Format::Csv, &CsvOptions::default()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,s\n1,\"a,b \"\"q\"\"\"\n,\"\"\n3,\n"
        );
        let no_quote = CsvOptions::default().with_quote(None).with_write_header(false);
        let err = write_batch(&batch, Format::Csv, &no_quote).unwrap_err();
        assert_eq!(
            err.to_string(),
            "InvalidInputException: cannot write CSV: row 1, column \"s\": the value holds the separator or a line \
             break, and quoteChar is disabled"
        );
        let escaped = no_quote.with_escape(Some(b'\\'));
        let out = write_batch(&batch, Format::Csv, &escaped).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "1,a\\,b \"q\"\n,\n3,\n");
    }

    #[test]
    fn test_csv_round_trip() {
        let batch = super::super::fixtures::all_types_batch();
        for csv in [
            CsvOptions::default().with_header(true),
            CsvOptions::default()
                .with_write_header(false)
                .with_separator(b'\t')
                .with_escape(Some(b'\\')),
            CsvOptions::default()
                .with_write_header(false)
                .with_separator(b';')
                .with_quote(Some(b'\'')),
        ] {
            // The batch has a value with a line break: written quoted, read back with multiLine
            // (as Spark needs it too).
            let csv = csv.with_multi_line(true);
            let body = write_batch(&batch, Format::Csv, &csv).unwrap();
            let out = read(&body, &batch.schema(), ParseMode::FailFast, csv).unwrap();
            assert_eq!(
                out.batch,
                without_empty_text(&batch),
                "{}",
                String::from_utf8_lossy(&body)
            );
        }
    }

    /// `batch` as CSV brings it back: an empty string or binary is written `""` and read as
    /// null, as Spark does both.
    fn without_empty_text(batch: &RecordBatch) -> RecordBatch {
        use crate::arrow::array::{BinaryArray, StringArray};
        let columns = batch
            .columns()
            .iter()
            .map(|c| -> ArrayRef {
                if let Some(s) = c.as_string_opt::<i32>() {
                    Arc::new(s.iter().map(|v| v.filter(|v| !v.is_empty())).collect::<StringArray>())
                } else if let Some(b) = c.as_binary_opt::<i32>() {
                    Arc::new(b.iter().map(|v| v.filter(|v| !v.is_empty())).collect::<BinaryArray>())
                } else {
                    c.clone()
                }
            })
            .collect();
        RecordBatch::try_new(batch.schema(), columns).unwrap()
    }

    #[test]
    fn test_csv_round_trip_nested_as_json_text() {
        let s = Arc::new(Schema::new(vec![
            Field::new(
                "tags",
                super::super::types::parse_glue_type("array<string>").unwrap(),
                true,
            ),
            Field::new("n", DataType::Int32, true),
        ]));
        let body = b"\"[\"\"a\"\",\"\"b,c\"\"]\",1\n,2\n";
        let first = read(body, &s, ParseMode::FailFast, CsvOptions::default()).unwrap();
        assert_eq!(first.batch.column(0).as_list::<i32>().value(0).len(), 2);
        let csv = CsvOptions::default().with_write_header(false);
        let written = write_batch(&first.batch, Format::Csv, &csv).unwrap();
        assert_eq!(written, body);
    }
}
