//! Reading what other tools write, through the built `gluelab`: gzip and bzip2 objects (read by
//! their extension, as Glue does), with a decompression bomb refused by name; Parquet in every
//! codec, and a sink's `compression`.

use std::io::Write;
use std::path::PathBuf;

use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};

use crate::common::*;
use gluelab_core::format::parquet_codec::ParquetCodec;
use gluelab_core::format::{read_object, write_batch_with, CsvOptions, Format, ReadOptions};
use gluelab_core::model::job::SinkOutput;
use gluelab_core::model::store::S3Uri;
use gluelab_core::{snapshot, Workspace};

/// A workspace with table `default.orders` over `s3://my-data/orders/` (crawled from a plain
/// CSV) and the job `orders-etl` over it, as a front end would have saved it.
fn orders_workspace(gl: &Gluelab) {
    let mut ws = Workspace::default();
    ws.create_bucket("my-data").unwrap();
    let first = S3Uri::new("my-data", "orders/2024-01.csv");
    ws.put_object(&first, b"order_id,customer,amount\n1,acme,12.5\n".to_vec())
        .unwrap();
    ws.make_table_from_object(&first, None).unwrap();
    ws.create_job_over_table("default", "orders").unwrap();
    std::fs::create_dir_all(gl.workspace()).unwrap();
    std::fs::write(gl.workspace().join("workspace.json"), snapshot::save(&ws)).unwrap();
}

fn local_file(gl: &Gluelab, name: &str, bytes: &[u8]) -> String {
    let path: PathBuf = gl.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text).unwrap();
    e.finish().unwrap()
}

fn bzip2(text: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    e.write_all(text).unwrap();
    e.finish().unwrap()
}

fn run_state(gl: &Gluelab) -> serde_json::Value {
    let id = gl.json(&["glue", "start-job-run", "--job-name", "orders-etl"])["JobRunId"]
        .as_str()
        .unwrap()
        .to_string();
    gl.json(&["glue", "get-job-run", "--job-name", "orders-etl", "--run-id", &id])["JobRun"].clone()
}

#[test]
fn gzip_and_bzip2_csv_objects_are_read_by_their_extension() {
    let gl = Gluelab::new();
    orders_workspace(&gl);
    let feb = local_file(&gl, "2024-02.csv.gz", &gzip(b"order_id,customer,amount\n2,zenith,3\n"));
    let mar = local_file(&gl, "2024-03.csv.bz2", &bzip2(b"order_id,customer,amount\n3,acme,1\n"));
    gl.ok(&["s3", "cp", &feb, "s3://my-data/orders/"]);
    gl.ok(&["s3", "cp", &mar, "s3://my-data/orders/"]);
    let run = run_state(&gl);
    assert_eq!(run["JobRunState"], "SUCCEEDED", "{run}");
    let out = gl.ok(&[
        "query",
        r#"SELECT order_id, customer FROM "default"."orders" ORDER BY order_id"#,
    ]);
    for row in ["1 | acme", "2 | zenith", "3 | acme", "(3 rows)"] {
        assert!(out.contains(row), "{out}");
    }
}

#[test]
fn a_gzip_bomb_fails_the_run_naming_the_object_and_the_limit() {
    let gl = Gluelab::new();
    orders_workspace(&gl);
    // 257 members of 1 MiB of text each: more than MAX_DECOMPRESSED_BYTES (256 MiB).
    let member = gzip(&b"9,x,1\n".repeat(1024 * 1024 / 6 + 1));
    let bomb: Vec<u8> = member.iter().copied().cycle().take(member.len() * 257).collect();
    let file = local_file(&gl, "bomb.csv.gz", &bomb);
    gl.ok(&["s3", "cp", &file, "s3://my-data/orders/"]);
    let run = run_state(&gl);
    assert_eq!(run["JobRunState"], "FAILED", "{run}");
    let message = run["ErrorMessage"].as_str().unwrap_or_default();
    assert!(
        message.contains("s3://my-data/orders/bomb.csv.gz") && message.contains("MAX_DECOMPRESSED_BYTES"),
        "{message}"
    );
}

/// Parquet in `codec`, written by the parquet crate's own writer (as another tool would).
fn parquet_file(first: i64, codec: ParquetCodec) -> Vec<u8> {
    use std::sync::Arc;
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, true),
        Field::new("name", DataType::Utf8, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![first])),
        Arc::new(StringArray::from(vec![format!("row {first}")])),
    ];
    let batch = RecordBatch::try_new(schema, columns).unwrap();
    write_batch_with(&batch, Format::Parquet, &CsvOptions::default(), codec).unwrap()
}

#[test]
fn parquet_in_zstd_brotli_gzip_and_lz4_is_read_and_a_sink_writes_its_compression() {
    let gl = Gluelab::new();
    let mut ws = Workspace::default();
    ws.create_bucket("my-data").unwrap();
    let first = S3Uri::new("my-data", "devices/snappy.parquet");
    ws.put_object(&first, parquet_file(0, ParquetCodec::Snappy)).unwrap();
    ws.make_table_from_object(&first, None).unwrap();
    let job = ws.create_job_over_table("default", "devices").unwrap();
    ws.edit_job(&job.name, |j| {
        j.plan.sinks[0].output = SinkOutput::S3 {
            path: "s3://my-data/out/".into(),
            format: Format::Parquet,
        };
        j.plan.sinks[0].compression = Some(ParquetCodec::Zstd);
    })
    .unwrap();
    std::fs::create_dir_all(gl.workspace()).unwrap();
    std::fs::write(gl.workspace().join("workspace.json"), snapshot::save(&ws)).unwrap();
    for (i, codec) in [
        ParquetCodec::Zstd,
        ParquetCodec::Brotli,
        ParquetCodec::Gzip,
        ParquetCodec::Lz4,
    ]
    .into_iter()
    .enumerate()
    {
        let file = local_file(&gl, &format!("{codec}.parquet"), &parquet_file(i as i64 + 1, codec));
        gl.ok(&["s3", "cp", &file, "s3://my-data/devices/"]);
    }
    let id = gl.json(&["glue", "start-job-run", "--job-name", &job.name])["JobRunId"]
        .as_str()
        .unwrap()
        .to_string();
    let run = gl.json(&["glue", "get-job-run", "--job-name", &job.name, "--run-id", &id])["JobRun"].clone();
    assert_eq!(run["JobRunState"], "SUCCEEDED", "{run}");
    let listed = gl.ok(&["s3", "ls", "s3://my-data/out/"]);
    let part = listed.split_whitespace().last().unwrap().to_string();
    let local = gl.dir.path().join("part.parquet");
    gl.ok(&["s3", "cp", &format!("s3://my-data/out/{part}"), local.to_str().unwrap()]);
    let body = std::fs::read(&local).unwrap();
    // The part file reads back (its pages in zstd) with all five rows.
    let options = ReadOptions::default().with_format(Format::Parquet);
    let out = read_object("s3://my-data/out/part", &body, &options).unwrap();
    assert_eq!(out.batch.num_rows(), 5);
    assert!(body.windows(4).filter(|w| w == b"PAR1").count() >= 2);
}

/// A workspace with table `default.employees` (its SerDe's `serialization.encoding` set to
/// `encoding`) and a job over it; the Shift_JIS export uploaded with `s3 cp`. The job's name.
fn hr_export(gl: &Gluelab, encoding: Option<&str>) -> String {
    use gluelab_core::model::catalog::{Column, Table};
    let mut ws = Workspace::default();
    ws.create_bucket("hr-exports").unwrap();
    ws.create_database("default").unwrap();
    let columns = vec![Column::new("id", "bigint"), Column::new("氏名", "string")];
    let mut table = Table::new(
        "default",
        "employees",
        "s3://hr-exports/employees/",
        Format::Csv,
        columns,
    );
    table.parameters.insert("skip.header.line.count".into(), "1".into());
    if let Some(e) = encoding {
        table.serde_parameters.insert("serialization.encoding".into(), e.into());
    }
    ws.create_table(table).unwrap();
    let job = ws.create_job_over_table("default", "employees").unwrap();
    std::fs::create_dir_all(gl.workspace()).unwrap();
    std::fs::write(gl.workspace().join("workspace.json"), snapshot::save(&ws)).unwrap();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("id,氏名\n1,山田太郎\n2,佐藤花子\n");
    let file = local_file(gl, "2024-01.csv", &sjis);
    gl.ok(&["s3", "cp", &file, "s3://hr-exports/employees/"]);
    job.name
}

#[test]
fn a_shift_jis_csv_reads_when_the_table_names_its_encoding() {
    let query = r#"SELECT "氏名" FROM "default"."employees" ORDER BY id"#;
    let plain = Gluelab::new();
    hr_export(&plain, None);
    let unreadable = plain.run(&["query", query]);
    assert!(!unreadable.stdout.contains("山田太郎"), "{}", unreadable.stdout);

    let gl = Gluelab::new();
    let job = hr_export(&gl, Some("Shift_JIS"));
    let out = gl.ok(&["query", query]);
    assert!(out.contains("山田太郎") && out.contains("佐藤花子"), "{out}");
    let id = gl.json(&["glue", "start-job-run", "--job-name", &job])["JobRunId"]
        .as_str()
        .unwrap()
        .to_string();
    let run = gl.json(&["glue", "get-job-run", "--job-name", &job, "--run-id", &id])["JobRun"].clone();
    assert_eq!(run["JobRunState"], "SUCCEEDED", "{run}");
    let out = gl.ok(&["query", r#"SELECT "氏名" FROM "default"."employees_out" WHERE id = 2"#]);
    assert!(out.contains("佐藤花子"), "{out}");
}
