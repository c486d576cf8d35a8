//! The browser-vs-native benchmark's workload, shared by both sides so they run the same core
//! functions on the same bytes: `benches/run_native.rs` (native, `cargo bench`) and
//! `tests/bench_browser.rs` (wasm in headless Chromium). `cargo xtask bench` runs both and
//! prints the ratio. Timing is the caller's: this module only builds inputs and does the work.

use gluelab_core::format::{self, CsvOptions, Format, ReadOptions};
use gluelab_core::model::catalog::{Column, Table};
use gluelab_core::model::job::SourceSpec;
use gluelab_core::model::store::S3Uri;
use gluelab_core::{demo, snapshot, RunRequest, Workspace};

/// The size of the benchmark's CSV object (100 MiB, as in `core/benches/throughput.rs`).
pub const INPUT_BYTES: usize = 100 * 1024 * 1024;

/// The benchmark's CSV size: [`INPUT_BYTES`], or `GLUELAB_BENCH_MIB` MiB natively (a quick
/// trial of the benchmark itself; the browser half always reads [`INPUT_BYTES`]).
pub fn input_bytes() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(mib) = std::env::var("GLUELAB_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        return mib * 1024 * 1024;
    }
    INPUT_BYTES
}

/// The CSV table the benchmark's job reads, next to the demo's JSON one.
pub const CSV_TABLE: &str = "devices_raw_csv";

/// Deterministic device readings as CSV (no header), about `bytes` long: the generator of
/// `core/benches/throughput.rs`, so the figures compare.
pub fn csv_input(bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 100);
    let mut i: u64 = 0;
    while out.len() < bytes {
        let id = format!("{:08x}", i.wrapping_mul(2_654_435_761) & 0xffff_ffff);
        out.extend_from_slice(format!("{id},{},{}\n", 1_609_348_014 + i, !i.is_multiple_of(3)).as_bytes());
        i += 1;
    }
    out
}

/// The same readings as JSON lines (what the demo job's table holds), about `bytes` long.
pub fn json_input(bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 100);
    let mut i: u64 = 0;
    while out.len() < bytes {
        out.extend_from_slice(json_line(i).as_bytes());
        i += 1;
    }
    out
}

/// The first `rows` readings as JSON lines: the rows of [`csv_input`] (pass it
/// [`rows_of`] the CSV), so the JSON-lines ingest reads the same rows as the CSV one.
pub fn json_rows(rows: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows * 68);
    for i in 0..rows as u64 {
        out.extend_from_slice(json_line(i).as_bytes());
    }
    out
}

fn json_line(i: u64) -> String {
    let id = format!("{:08x}", i.wrapping_mul(2_654_435_761) & 0xffff_ffff);
    format!(
        "{{\"device_id\": \"{id}\", \"timestamp\": {}, \"state\": {}}}\n",
        1_609_348_014 + i,
        !i.is_multiple_of(3)
    )
}

/// The rows of a body of lines (every line ends with `\n`).
pub fn rows_of(body: &[u8]) -> usize {
    body.iter().filter(|&&b| b == b'\n').count()
}

/// The rows of `i < rows` whose `state` is true, as the generators make them: what a
/// `GROUP BY state` must count.
pub fn true_states(rows: usize) -> usize {
    rows - rows.div_ceil(3)
}

/// The seed demo with its job reading a CSV table instead, and `body` uploaded into it.
pub fn csv_workspace(body: Vec<u8>) -> Workspace {
    let mut ws = demo::seed_workspace().expect("the demo workspace");
    ws.create_table(csv_table()).expect("a new table");
    ws.edit_job(demo::JOB_NAME, |job| {
        job.plan.sources = vec![SourceSpec::catalog(demo::DATABASE, CSV_TABLE, Some("datasource"))];
    })
    .expect("the demo job");
    ws.put_object(&S3Uri::new(demo::raw_bucket(), "raw-csv/devices.csv"), body)
        .expect("upload");
    ws
}

/// The CSV table: the demo's columns under `raw-csv/` of the demo's raw bucket.
fn csv_table() -> Table {
    let location = format!("s3://{}/raw-csv", demo::raw_bucket());
    let columns = vec![
        Column::new("device_id", "string"),
        Column::new("timestamp", "bigint"),
        Column::new("state", "boolean"),
    ];
    Table::new(demo::DATABASE, CSV_TABLE, &location, Format::Csv, columns)
}

/// One job run, start to end, as the app's worker does it: `begin_job_run` then
/// `finish_job_run`. Returns the rows read.
pub fn job_run(ws: &mut Workspace) -> u64 {
    let id = ws
        .begin_job_run(RunRequest::new(demo::JOB_NAME))
        .expect("the run starts");
    ws.finish_job_run(&id).expect("the run ends");
    let run = ws.run(&id).expect("the run");
    assert_eq!(run.state.as_str(), "SUCCEEDED", "{:?}", run.error_message);
    run.rows_read
}

/// The declared types of the benchmark's columns, as a reader's options: what DuckDB-WASM's
/// `read_csv` / `read_json` get as `columns` in the peer's page (`tests/bench/peer.js`).
fn declared(format: Format) -> ReadOptions {
    ReadOptions {
        format,
        schema: Some(csv_table().schema().expect("a valid schema")),
        ..ReadOptions::default()
    }
}

/// CSV ingest: the body through gluelab's CSV reader into one Arrow batch, with the declared
/// column types. Returns the rows read.
pub fn csv_ingest(body: &[u8]) -> usize {
    let read = format::read_object("s3://bench/input.csv", body, &declared(Format::Csv)).expect("valid input");
    read.batch.num_rows()
}

/// JSON-lines ingest: the body through gluelab's JSON-lines reader into one Arrow batch, with
/// the declared column types. Returns the rows read.
pub fn json_ingest(body: &[u8]) -> usize {
    let read = format::read_object("s3://bench/input.json", body, &declared(Format::Json)).expect("valid input");
    read.batch.num_rows()
}

/// CSV → Arrow → Parquet, the format pipeline of `core/benches/throughput.rs`. Returns the
/// Parquet size.
pub fn csv_to_parquet(body: &[u8]) -> usize {
    let read = format::read_object("s3://bench/input.csv", body, &declared(Format::Csv)).expect("valid input");
    format::write_batch(&read.batch, Format::Parquet, &CsvOptions::default())
        .expect("parquet")
        .len()
}

/// The count query over the sink the job run wrote (gluelab's query engine, as the query box
/// runs it: `Workspace::query`, reading the sink's Parquet objects). Returns the count.
pub fn query_count(ws: &Workspace) -> usize {
    let sql = format!("SELECT count(*) FROM \"{}\"", demo::SINK_TABLE);
    let result = ws.query(&sql, Some(demo::DATABASE)).expect("the count query");
    result.rows_as_strings()[0][0].parse().expect("a count")
}

/// The group-by query over the sink: rows per `state`. Returns the rows whose state is true.
pub fn query_group_by(ws: &Workspace) -> usize {
    let sql = format!(
        "SELECT state, count(*) AS n FROM \"{}\" GROUP BY state ORDER BY state",
        demo::SINK_TABLE
    );
    let result = ws.query(&sql, Some(demo::DATABASE)).expect("the group-by query");
    let rows = result.rows_as_strings();
    assert_eq!(rows.len(), 2, "{rows:?}");
    rows.iter()
        .find(|row| row[0] == "true")
        .map(|row| row[1].parse().expect("a count"))
        .expect("a true group")
}

/// The workspace's snapshot (what the app would hand a worker with `snapshot::save`).
pub fn snapshot_round_trip(ws: &Workspace) -> usize {
    let bytes = snapshot::save(ws);
    let back = snapshot::load(&bytes).expect("loads");
    assert_eq!(back.runs().len(), ws.runs().len());
    bytes.len()
}

/// The workspace through the run worker's hand-over and back (`snapshot::save_handover` /
/// `load_handover`, bodies copied as the page's transfer copies them). Returns the document's
/// size (the bodies travel beside it).
pub fn handover_round_trip(ws: &Workspace) -> usize {
    let (document, bodies) = snapshot::save_handover(ws);
    let bodies: Vec<Vec<u8>> = bodies.iter().map(|b| b.as_ref().clone()).collect();
    let back = snapshot::load_handover(&document, bodies).expect("loads");
    assert_eq!(back.runs().len(), ws.runs().len());
    document.len()
}

/// One measured figure, printed the same way on both sides so `cargo xtask bench` can pair them:
/// `gluelab-bench <side> <name> <bytes> <seconds>`.
pub fn report_line(side: &str, name: &str, bytes: usize, seconds: f64) -> String {
    format!(
        "gluelab-bench {side} {name} {bytes} {seconds:.4}   ({:.1} MB/s)",
        bytes as f64 / 1e6 / seconds
    )
}
