//! Parquet reader and writer on the `parquet` crate's Arrow support.
//!
//! Parquet is typed and columnar, so there are no malformed records: a body that is not Parquet,
//! a codec this build lacks (see `parquet_codec`), or a column whose type
//! cannot be cast to the declared one is an `Error::Data` naming the object (and the column), in
//! every parse mode, as Spark fails the whole read. `lines` holds 1-based row numbers.
//!
//! The body is handed to the decoder through `PushBuffers`, the IO-free input the parquet crate
//! provides for push decoding: gluelab-core does no IO and must run in the browser.

use std::sync::Arc;

use crate::arrow::array::{new_null_array, ArrayRef, RecordBatch, RecordBatchOptions};
use crate::arrow::buffer::Buffer;
use crate::arrow::compute::{cast_with_options, concat_batches, CastOptions};
use crate::arrow::datatypes::{Schema, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::push_decoder::PushBuffers;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

use super::parquet_codec::{explain_disabled, ParquetCodec};
use super::rows::{as_text, OutputSchema};
use super::types::glue_type_name;
use super::ReadOutput;
use crate::error::{Error, Location, Result};

/// The 4 bytes every Parquet file starts and ends with.
const MAGIC: &[u8; 4] = b"PAR1";

/// Opens the body, or says why it is not Parquet.
fn open(object: &str, body: &[u8]) -> Result<ParquetRecordBatchReaderBuilder<PushBuffers>> {
    let fail = |message: String| Error::data(Location::object(object), message);
    if body.len() < 12 || !body.starts_with(MAGIC) || !body.ends_with(MAGIC) {
        let hint = match as_text(&body[..body.len().min(256)]) {
            Some(_) => " (it looks like text: is the format right?)",
            None => "",
        };
        return Err(fail(format!(
            "not a Parquet file: it does not start and end with \"PAR1\"{hint}"
        )));
    }
    let len = body.len() as u64;
    let mut buffers = PushBuffers::new(len);
    buffers
        .push_range(0..len, Buffer::from(body).into())
        .map_err(|e| fail(e.to_string()))?;
    ParquetRecordBatchReaderBuilder::try_new(buffers).map_err(|e| fail(format!("cannot read the Parquet footer: {e}")))
}

/// The schema stored in the file (Arrow's own if the writer embedded it).
pub(crate) fn infer(object: &str, body: &[u8]) -> Result<SchemaRef> {
    if body.is_empty() {
        return Ok(Arc::new(Schema::empty()));
    }
    Ok(open(object, body)?.schema().clone())
}

/// Reads every row. With a declared schema, columns are matched by name (exact, then
/// case-insensitive) and cast to the declared types; declared columns the file lacks are null.
/// Without one, the file's schema is returned as is. An empty body is 0 rows.
pub(crate) fn read(object: &str, body: &[u8], declared: Option<&Schema>) -> Result<ReadOutput> {
    let fail = |message: String| Error::data(Location::object(object), message);
    let file = if body.is_empty() {
        RecordBatch::new_empty(Arc::new(Schema::empty()))
    } else {
        let builder = open(object, body)?;
        let rows = builder.metadata().file_metadata().num_rows().max(1) as usize;
        let schema = builder.schema().clone();
        let reader = builder.with_batch_size(rows).build().map_err(|e| fail(e.to_string()))?;
        let batches = reader.collect::<Result<Vec<_>, _>>().map_err(|e| {
            let e = e.to_string();
            fail(explain_disabled(&e).unwrap_or_else(|| format!("cannot decode: {e}")))
        })?;
        concat_batches(&schema, &batches)?
    };
    let rows = file.num_rows();
    let batch = match declared {
        None => file,
        Some(declared) => {
            // Parquet has no malformed records: a `_corrupt_record` column is data.
            let as_data = crate::format::ReadOptions {
                corrupt_record_as_data: true,
                ..Default::default()
            };
            let out = OutputSchema::new(declared, &as_data);
            let options = CastOptions {
                safe: false,
                ..Default::default()
            };
            let file_schema = file.schema();
            let mut columns: Vec<ArrayRef> = Vec::with_capacity(out.fields.len());
            for field in &out.fields {
                let found = file_schema.index_of(field.name()).ok().or_else(|| {
                    file_schema
                        .fields()
                        .iter()
                        .position(|f| f.name().eq_ignore_ascii_case(field.name()))
                });
                let column = match found {
                    None => new_null_array(field.data_type(), rows),
                    Some(i) if file.column(i).data_type() == field.data_type() => file.column(i).clone(),
                    Some(i) => cast_with_options(file.column(i), field.data_type(), &options).map_err(|e| {
                        Error::data(
                            Location::object(object).with_field(field.name()),
                            format!(
                                "cannot read {} as declared {}: {e}",
                                glue_type_name(file.column(i).data_type()),
                                glue_type_name(field.data_type())
                            ),
                        )
                    })?,
                };
                columns.push(column);
            }
            let schema = Arc::new(Schema::new_with_metadata(
                out.fields.clone(),
                declared.metadata().clone(),
            ));
            let options = RecordBatchOptions::new().with_row_count(Some(rows));
            RecordBatch::try_new_with_options(schema, columns, &options)?
        }
    };
    Ok(ReadOutput {
        batch,
        lines: (1..=rows as u64).collect(),
        malformed: Vec::new(),
    })
}

/// Writes one Parquet file with `codec` (snappy is Glue's default).
pub(crate) fn write(batch: &RecordBatch, codec: ParquetCodec) -> Result<Vec<u8>> {
    let props = WriterProperties::builder().set_compression(codec.to_parquet()?).build();
    let mut writer = ArrowWriter::try_new(Vec::new(), batch.schema(), Some(props))?;
    writer.write(batch)?;
    Ok(writer.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::super::{read_object, write_batch, CsvOptions, Format, ParseMode, ReadOptions};
    use super::*;
    use crate::arrow::array::{Array, AsArray, Int32Array, StringArray};
    use crate::arrow::datatypes::{DataType, Field, Int64Type};

    const OBJ: &str = "s3://bucket/in/part-0000.parquet";

    fn parquet() -> ReadOptions {
        ReadOptions::default().with_format(Format::Parquet)
    }

    #[test]
    fn test_parquet_round_trip_all_types() {
        let batch = super::super::fixtures::all_types_batch();
        let body = write_batch(&batch, Format::Parquet, &CsvOptions::default()).unwrap();
        assert!(body.starts_with(b"PAR1"));
        let out = read_object(OBJ, &body, &parquet()).unwrap();
        assert_eq!(out.batch, batch);
        assert_eq!(out.lines, vec![1, 2, 3]);
        let declared = read_object(OBJ, &body, &parquet().with_schema(batch.schema())).unwrap();
        assert_eq!(declared.batch, batch);
    }

    #[test]
    fn test_parquet_round_trip_nested() {
        let s = Arc::new(Schema::new(vec![Field::new(
            "p",
            super::super::types::parse_glue_type("struct<a:array<int>,m:map<string,double>>").unwrap(),
            true,
        )]));
        let json = b"{\"p\":{\"a\":[1,null,3],\"m\":{\"x\":1.5}}}\n{}\n";
        let opts = ReadOptions::default()
            .with_schema(s.clone())
            .with_mode(ParseMode::FailFast);
        let batch = read_object(OBJ, json, &opts).unwrap().batch;
        let body = write_batch(&batch, Format::Parquet, &CsvOptions::default()).unwrap();
        assert_eq!(read_object(OBJ, &body, &parquet()).unwrap().batch, batch);
    }

    #[test]
    fn test_parquet_declared_schema_casts_matches_names_and_fills_missing() {
        let file = RecordBatch::try_new(
            Arc::new(Schema::new(vec![
                Field::new("ID", DataType::Int32, false),
                Field::new("name", DataType::Utf8, true),
            ])),
            vec![
                Arc::new(Int32Array::from(vec![1, 2])),
                Arc::new(StringArray::from(vec![Some("a"), None])),
            ],
        )
        .unwrap();
        let body = write(&file, ParquetCodec::Snappy).unwrap();
        let declared = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, true),
            Field::new("missing", DataType::Utf8, true),
        ]));
        let out = read_object(OBJ, &body, &parquet().with_schema(declared.clone())).unwrap();
        assert_eq!(out.batch.schema(), declared);
        assert_eq!(out.batch.column(0).as_primitive::<Int64Type>().values(), &[1, 2]);
        assert_eq!(out.batch.column(1).null_count(), 2);

        let bad = Arc::new(Schema::new(vec![Field::new("name", DataType::Int64, true)]));
        let err = read_object(OBJ, &body, &parquet().with_schema(bad)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("s3://bucket/in/part-0000.parquet, field \"name\": cannot read string as declared bigint"),
            "{err}"
        );
    }

    #[test]
    fn test_parquet_not_parquet_names_the_object() {
        for body in [&b"{\"id\":1}\n"[..], b"PAR1", b"\x00\x01\x02\x03garbage garbage PAR1"] {
            let err = read_object(OBJ, body, &parquet()).unwrap_err();
            assert!(matches!(&err, Error::Data { location, .. } if location.object == OBJ && location.line.is_none()));
            assert!(err.to_string().contains("not a Parquet file"), "{err}");
        }
        let err = read_object(OBJ, b"{\"id\":1}\n", &parquet()).unwrap_err();
        assert!(err.to_string().ends_with("(it looks like text: is the format right?)"));
        // Right magic, broken footer.
        let err = read_object(OBJ, b"PAR1\x00\x00\x00\x00\x00\x00\x00\x00PAR1", &parquet()).unwrap_err();
        assert!(err.to_string().contains("cannot read the Parquet footer"), "{err}");
    }

    #[test]
    fn test_parquet_empty_object_is_zero_rows() {
        let declared = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, true)]));
        let out = read_object(OBJ, b"", &parquet().with_schema(declared.clone())).unwrap();
        assert_eq!((out.batch.num_rows(), out.batch.schema()), (0, declared));
        assert_eq!(read_object(OBJ, b"", &parquet()).unwrap().batch.num_columns(), 0);
    }
}
