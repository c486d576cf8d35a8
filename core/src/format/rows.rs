//! What the text readers share once values are in builders: which line each row came from,
//! which rows were malformed, and what the parse mode does with them.
//!
//! Every record becomes a row in the column builders, a malformed one with nulls where it is bad,
//! so that no builder ever has to take a value back. The mode is applied once at the end:
//! PERMISSIVE adds `_corrupt_record`, DROPMALFORMED filters the rows out, FAILFAST never gets
//! here because [`Rows::bad`] returns the error at the first bad record.

use std::sync::Arc;

use crate::arrow::array::{ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions, StringBuilder};
use crate::arrow::compute::filter_record_batch;
use crate::arrow::datatypes::{DataType, Field, Metadata, Schema, SchemaRef};

use super::{Malformed, ParseMode, ReadOutput, CORRUPT_RECORD};
use crate::error::{Error, Location, Result};
use crate::limits::{READ_MAX_CELLS_PER_BYTE, READ_RESERVE_CELLS, RECORD_MAX_BYTES};

/// The declared schema split into the fields a reader fills and the `_corrupt_record` slot.
pub(crate) struct OutputSchema {
    /// Declared fields, all made nullable: a file can always hold a null or a bad value.
    pub fields: Vec<Arc<Field>>,
    /// Indexes into `fields` that the reader fills from the data (all but `_corrupt_record`).
    pub data: Vec<usize>,
    /// Where a declared `_corrupt_record` Utf8 column sits, if the schema has one.
    pub corrupt: Option<usize>,
    metadata: Metadata,
}

impl OutputSchema {
    pub fn new(declared: &Schema, options: &super::ReadOptions) -> Self {
        let fields: Vec<Arc<Field>> = declared
            .fields()
            .iter()
            .map(|f| Arc::new(f.as_ref().clone().with_nullable(true)))
            .collect();
        let corrupt = fields
            .iter()
            .position(|f| f.name() == CORRUPT_RECORD && f.data_type() == &DataType::Utf8)
            .filter(|_| !options.corrupt_record_as_data);
        let data = (0..fields.len()).filter(|i| Some(*i) != corrupt).collect();
        Self {
            fields,
            data,
            corrupt,
            metadata: declared.metadata().clone(),
        }
    }

    /// The data fields in reading order.
    pub fn data_fields(&self) -> impl Iterator<Item = &Arc<Field>> {
        self.data.iter().map(|i| &self.fields[*i])
    }
}

/// Row bookkeeping for one object.
pub(crate) struct Rows<'o> {
    object: &'o str,
    mode: ParseMode,
    /// Columns each row fills, and the most rows that keeps within [`READ_MAX_CELLS_PER_BYTE`].
    columns: usize,
    max_rows: usize,
    lines: Vec<u64>,
    malformed: Vec<Malformed>,
    /// Row index of each entry of `malformed`, in the same order.
    bad_rows: Vec<usize>,
}

impl<'o> Rows<'o> {
    /// Rows of `columns` columns read from an object of `body_len` bytes.
    pub fn new(object: &'o str, mode: ParseMode, columns: usize, body_len: usize) -> Self {
        let cells = body_len
            .saturating_mul(READ_MAX_CELLS_PER_BYTE)
            .saturating_add(READ_RESERVE_CELLS);
        Self {
            object,
            mode,
            columns,
            max_rows: cells / columns.max(1),
            lines: Vec::new(),
            malformed: Vec::new(),
            bad_rows: Vec::new(),
        }
    }

    /// Refuses a record longer than [`RECORD_MAX_BYTES`], before it is read into the columns.
    pub fn check_record(&self, line: u64, bytes: usize) -> Result<()> {
        if bytes <= RECORD_MAX_BYTES {
            return Ok(());
        }
        let mib = |b: usize| b as f64 / (1024.0 * 1024.0);
        Err(Error::data(
            Location::object(self.object).at_line(line),
            format!(
                "the record is {:.0} MiB long, more than {:.0} MiB (the limit RECORD_MAX_BYTES): \
                 is a quote left open, or a whole document on one line?",
                mib(bytes),
                mib(RECORD_MAX_BYTES)
            ),
        ))
    }

    /// Refuses the row that would take the read past its cells ([`READ_MAX_CELLS_PER_BYTE`]).
    fn check_cells(&self, line: u64) -> Result<()> {
        if self.lines.len() < self.max_rows {
            return Ok(());
        }
        Err(Error::data(
            Location::object(self.object).at_line(line),
            format!(
                "{} rows of {} columns would hold more than {} cells for an object of this size \
                 (the limit READ_MAX_CELLS_PER_BYTE): the schema has far more columns than the records fill; \
                 declare only the columns you read",
                self.lines.len() + 1,
                self.columns,
                self.max_rows.saturating_mul(self.columns.max(1)),
            ),
        ))
    }

    /// Records a clean row read from `line`.
    pub fn good(&mut self, line: u64) -> Result<()> {
        self.check_cells(line)?;
        self.lines.push(line);
        Ok(())
    }

    /// Records a malformed row (already appended, with nulls where it is bad).
    /// In FAILFAST this is the error that stops the read.
    pub fn bad(&mut self, malformed: Malformed) -> Result<()> {
        self.check_cells(malformed.line)?;
        if self.mode == ParseMode::FailFast {
            let mut location = Location::object(self.object).at_line(malformed.line);
            if let Some(field) = malformed.field {
                location = location.with_field(field);
            }
            return Err(Error::data(location, malformed.message));
        }
        self.bad_rows.push(self.lines.len());
        self.lines.push(malformed.line);
        self.malformed.push(malformed);
        Ok(())
    }

    /// Assembles the batch from the finished data columns (in `schema.data` order) and applies the mode.
    pub fn finish(self, schema: &OutputSchema, data_columns: Vec<ArrayRef>) -> Result<ReadOutput> {
        let rows = self.lines.len();
        let mut fields = schema.fields.clone();
        let mut columns: Vec<Option<ArrayRef>> = vec![None; fields.len()];
        for (i, column) in schema.data.iter().zip(data_columns) {
            columns[*i] = Some(column);
        }
        let corrupt_column = || -> ArrayRef {
            let mut raw = StringBuilder::with_capacity(rows, 0);
            let mut bad = self.bad_rows.iter().zip(&self.malformed).peekable();
            for row in 0..rows {
                match bad.peek() {
                    Some((r, m)) if **r == row => {
                        raw.append_value(&m.raw);
                        bad.next();
                    }
                    _ => raw.append_null(),
                }
            }
            Arc::new(raw.finish())
        };
        // Spark adds the column only when it is in the schema; gluelab adds it when there is
        // something to show, so a clean file reads back with exactly the declared columns.
        if let Some(i) = schema.corrupt {
            columns[i] = Some(corrupt_column());
        } else if self.mode == ParseMode::Permissive
            && !self.malformed.is_empty()
            && !fields.iter().any(|f| f.name() == CORRUPT_RECORD)
        {
            fields.push(Arc::new(Field::new(CORRUPT_RECORD, DataType::Utf8, true)));
            columns.push(Some(corrupt_column()));
        }
        let out_schema: SchemaRef = Arc::new(Schema::new_with_metadata(fields, schema.metadata.clone()));
        let columns: Vec<ArrayRef> = columns
            .into_iter()
            .map(|c| c.expect("every column is filled"))
            .collect();
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        let mut batch = RecordBatch::try_new_with_options(out_schema, columns, &options)?;
        let mut lines = self.lines;
        if self.mode == ParseMode::DropMalformed && !self.bad_rows.is_empty() {
            let mut keep = vec![true; rows];
            for r in &self.bad_rows {
                keep[*r] = false;
            }
            batch = filter_record_batch(&batch, &BooleanArray::from(keep.clone()))?;
            let mut k = keep.iter();
            lines.retain(|_| *k.next().unwrap_or(&true));
        }
        Ok(ReadOutput {
            batch,
            lines,
            malformed: self.malformed,
        })
    }
}

/// A problem found in one field of a record: the field's name (if any) and the message.
pub(crate) type Problem = (Option<String>, String);

/// One `Malformed` for a record with problems: it names the first problem's field, and the
/// message lists the others so nothing is hidden.
pub(crate) fn malformed_from(line: u64, raw: String, problems: &[Problem]) -> Malformed {
    let (field, first) = &problems[0];
    let mut message = first.clone();
    for (other_field, other) in &problems[1..] {
        match other_field {
            Some(f) => message.push_str(&format!("; field \"{f}\": {other}")),
            None => message.push_str(&format!("; {other}")),
        }
    }
    Malformed {
        line,
        field: field.clone(),
        message,
        raw,
    }
}

/// Splits an object into physical lines: 1-based numbers, a leading UTF-8 BOM dropped, and the
/// `\r` of a CRLF ending removed. A final empty line after the last `\n` is not reported.
pub(crate) fn lines(body: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let body = strip_bom(body);
    let mut rest = Some(body);
    let mut number = 0u64;
    std::iter::from_fn(move || {
        let text = rest?;
        number += 1;
        let line = match text.iter().position(|b| *b == b'\n') {
            Some(end) => {
                rest = Some(&text[end + 1..]);
                &text[..end]
            }
            None => {
                rest = None;
                if text.is_empty() {
                    return None;
                }
                text
            }
        };
        Some((number, line.strip_suffix(b"\r").unwrap_or(line)))
    })
}

/// The body without a leading UTF-8 byte order mark (Windows tools write one).
pub(crate) fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// `bytes` as text, or `None` when they are not UTF-8 or hold a NUL byte (binary junk).
pub(crate) fn as_text(bytes: &[u8]) -> Option<&str> {
    if bytes.contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_rows_lines_bom_crlf_and_last_newline() {
        let got: Vec<(u64, &[u8])> = lines(b"\xEF\xBB\xBFa\r\nb\n\nc\n").collect();
        assert_eq!(got, vec![(1, &b"a"[..]), (2, &b"b"[..]), (3, &b""[..]), (4, &b"c"[..])]);
        assert_eq!(lines(b"").count(), 0);
        assert_eq!(lines(b"x").collect::<Vec<_>>(), vec![(1, &b"x"[..])]);
    }

    #[test]
    fn test_rows_binary_detection() {
        assert_eq!(as_text(b"caf\xC3\xA9"), Some("café"));
        assert_eq!(as_text(b"a\0b"), None);
        assert_eq!(as_text(b"\xFF\xFE"), None);
    }
}
