//! Benchmarks (divan): format throughput on a 100 MB input, and what a bookmarked run costs
//! when a few new objects sit among many already-committed ones.
//!
//! `cargo xtask bench` runs them; the figures are recorded in the issue notes as ratios.

use std::sync::Arc;

use divan::counter::BytesCount;
use divan::Bencher;
use gluelab_core::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use gluelab_core::demo;
use gluelab_core::format::{self, CsvOptions, Format, ReadOptions};
use gluelab_core::model::clock::parse_duration;
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};

fn main() {
    divan::main();
}

const INPUT_BYTES: usize = 100 * 1024 * 1024;

fn schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("device_id", DataType::Utf8, true),
        Field::new("timestamp", DataType::Int64, true),
        Field::new("state", DataType::Boolean, true),
    ]))
}

/// Deterministic device readings, about `bytes` long.
fn input(format: Format, bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 100);
    let mut i: u64 = 0;
    while out.len() < bytes {
        let id = format!("{:08x}", i.wrapping_mul(2_654_435_761) & 0xffff_ffff);
        let line = match format {
            Format::Csv => format!("{id},{},{}\n", 1_609_348_014 + i, !i.is_multiple_of(3)),
            _ => format!(
                "{{\"device_id\": \"{id}\", \"timestamp\": {}, \"state\": {}}}\n",
                1_609_348_014 + i,
                !i.is_multiple_of(3)
            ),
        };
        out.extend_from_slice(line.as_bytes());
        i += 1;
    }
    out
}

fn to_parquet(format: Format, body: &[u8]) -> usize {
    let options = ReadOptions {
        format,
        schema: Some(schema()),
        ..ReadOptions::default()
    };
    let read = format::read_object("s3://bench/input", body, &options).expect("valid input");
    format::write_batch(&read.batch, Format::Parquet, &CsvOptions::default())
        .expect("parquet")
        .len()
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn csv_to_arrow_to_parquet_100mb(bencher: Bencher) {
    let body = input(Format::Csv, INPUT_BYTES);
    bencher
        .counter(BytesCount::new(body.len()))
        .bench(|| to_parquet(Format::Csv, &body));
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn json_to_arrow_to_parquet_100mb(bencher: Bencher) {
    let body = input(Format::Json, INPUT_BYTES);
    bencher
        .counter(BytesCount::new(body.len()))
        .bench(|| to_parquet(Format::Json, &body));
}

/// A workspace whose source prefix holds `history` objects already read and committed, long
/// enough ago to be outside the band, plus 10 new ones.
fn bookmarked(history: usize) -> Workspace {
    let mut ws = demo::seed_workspace().expect("demo");
    ws.set_clock_step(10);
    let put = |ws: &mut Workspace, n: usize| {
        let body = format!("{{\"device_id\": \"{n:08x}\", \"timestamp\": {n}, \"state\": true}}\n");
        ws.put_object(
            &S3Uri::new(demo::raw_bucket(), format!("raw-data/part-{n:07}.json")),
            body.into_bytes(),
        )
        .expect("put");
    };
    for n in 0..history {
        put(&mut ws, n);
    }
    ws.start_job_run(RunRequest::new(demo::JOB_NAME)).expect("first run");
    // Keep the sink small so the measured run pays for its source, not for old output.
    ws.delete_prefix(&S3Uri::new(demo::analytics_bucket(), "integrated-data/"))
        .expect("clean sink");
    // A second run once the band has passed leaves a bookmark whose band holds nothing old:
    // the steady state of a job that runs every so often.
    ws.advance_clock(parse_duration("16m").unwrap()).unwrap();
    ws.start_job_run(RunRequest::new(demo::JOB_NAME)).expect("second run");
    for n in history..history + 10 {
        put(&mut ws, n);
    }
    ws
}

#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 5, sample_size = 1)]
fn run_reading_10_new_objects_among(bencher: Bencher, history: usize) {
    let ws = bookmarked(history);
    bencher.with_inputs(|| ws.clone()).bench_local_values(|mut ws| {
        ws.start_job_run(RunRequest::new(demo::JOB_NAME)).expect("run");
        ws
    });
}
