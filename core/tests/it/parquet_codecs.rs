//! Parquet from other tools: "Glue reads Parquet whatever codec wrote it" (Spark's Parquet
//! reader takes every codec of the format; the codecs a writer offers are those of Glue's
//! `compression` format option, GLUE-SEMANTICS.md §7.1 `write_dynamic_frame` format_options,
//! and Spark's `spark.sql.parquet.compression.codec`, default snappy). Files are written here
//! with the parquet crate's own writer in each codec, read by a run, and a sink's
//! `compression` picks the codec its part files are written with.
#![cfg(all(
    feature = "parquet-gzip",
    feature = "parquet-lz4",
    feature = "parquet-zstd",
    feature = "parquet-brotli"
))]

use std::sync::Arc;

use gluelab_core::arrow::array::{Int64Array, RecordBatch, StringArray};
use gluelab_core::arrow::datatypes::{DataType, Field, Schema};
use gluelab_core::format::parquet_codec::ParquetCodec;
use gluelab_core::format::{write_batch_with, CsvOptions, Format};
use gluelab_core::model::job::SinkOutput;
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};
use parquet::file::reader::{FileReader, SerializedFileReader};

fn batch(first: i64) -> RecordBatch {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, true),
        Field::new("name", DataType::Utf8, true),
    ]));
    RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Int64Array::from(vec![first, first + 1])),
            Arc::new(StringArray::from(vec!["デバイス", "café"])),
        ],
    )
    .unwrap()
}

fn codec_of(body: &[u8]) -> String {
    let reader = SerializedFileReader::new(bytes::Bytes::copy_from_slice(body)).unwrap();
    format!("{:?}", reader.metadata().row_group(0).column(0).compression())
}

#[test]
fn a_run_reads_parquet_in_every_codec_and_a_sink_writes_the_codec_it_is_told() {
    let mut ws = Workspace::default();
    ws.create_bucket("my-data").unwrap();
    for (i, codec) in ParquetCodec::ALL.into_iter().enumerate() {
        let body = write_batch_with(&batch(10 * i as i64), Format::Parquet, &CsvOptions::default(), codec).unwrap();
        let uri = S3Uri::new("my-data", format!("devices/{codec}.parquet"));
        ws.put_object(&uri, body).unwrap();
        if i == 0 {
            ws.make_table_from_object(&uri, None).unwrap();
        }
    }
    let job = ws.create_job_over_table("default", "devices").unwrap();
    ws.edit_job(&job.name, |j| {
        let sink = &mut j.plan.sinks[0];
        sink.output = SinkOutput::S3 {
            path: "s3://my-data/out/".into(),
            format: Format::Parquet,
        };
        sink.compression = Some(ParquetCodec::from_glue("GZIP").unwrap());
    })
    .unwrap();
    let id = ws.start_job_run(RunRequest::new(&job.name)).unwrap();
    let run = ws.run(&id).unwrap();
    assert_eq!(run.rows_read, 12, "{:?}", run.error_message);
    let parts = ws.store().list(&S3Uri::new("my-data", "out/")).unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(codec_of(&parts[0].body), "GZIP(GzipLevel(6))");
    let rows = ws
        .query(r#"SELECT name FROM "default"."devices" WHERE id = 51"#, None)
        .unwrap();
    assert_eq!(rows.rows_as_strings(), [["café"]]);
}

#[test]
fn an_unknown_codec_is_refused_by_name() {
    let err = ParquetCodec::from_glue("lzo").unwrap_err().to_string();
    assert!(err.contains("unknown Parquet compression \"lzo\""), "{err}");
}
