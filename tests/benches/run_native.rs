//! The native half of the browser-vs-native benchmark (`cargo xtask bench` runs both halves, and
//! DuckDB-WASM's page, and prints the ratios; the browser half is `tests/bench_browser.rs`). A
//! benchmark, not a test: it prints figures and asserts nothing about time. `cargo xtask bench`
//! runs it twice: under `[profile.bench]` (opt-level 3) and as the app ships (the release
//! profile, opt-level "z"), `GLUELAB_BENCH_BUILD` naming which in the figures' side.

use std::time::Instant;

use gluelab_tests::bench;

fn main() {
    let side = match std::env::var("GLUELAB_BENCH_BUILD") {
        Ok(build) if !build.is_empty() => format!("native-{build}"),
        _ => "native".to_string(),
    };
    let side = side.as_str();
    let report = |name: &str, bytes: usize, start: Instant| {
        println!(
            "{}",
            bench::report_line(side, name, bytes, start.elapsed().as_secs_f64())
        );
    };
    let body = bench::csv_input(bench::input_bytes());
    let len = body.len();
    let rows = bench::rows_of(&body);
    println!("gluelab-bench {side} csv_rows {rows}");

    let start = Instant::now();
    assert_eq!(bench::csv_ingest(&body), rows);
    report("csv_ingest", len, start);

    let start = Instant::now();
    let parquet = bench::csv_to_parquet(&body);
    report("csv_to_parquet", len, start);
    assert!(parquet > 0);

    // The same rows as JSON lines (about 2.7 times the bytes).
    let json = bench::json_rows(rows);
    println!("gluelab-bench {side} json_bytes {}", json.len());
    let start = Instant::now();
    assert_eq!(bench::json_ingest(&json), rows);
    report("json_ingest", json.len(), start);
    drop(json);

    let mut ws = bench::csv_workspace(body);
    let start = Instant::now();
    let read = bench::job_run(&mut ws);
    report("job_run", len, start);
    assert_eq!(read as usize, rows);

    // Queries over the sink the run wrote; MB/s of the CSV's bytes, so the sides compare.
    let start = Instant::now();
    assert_eq!(bench::query_count(&ws), rows);
    report("query_count", len, start);
    let start = Instant::now();
    assert_eq!(bench::query_group_by(&ws), bench::true_states(rows));
    report("query_group_by", len, start);

    let start = Instant::now();
    let document = bench::handover_round_trip(&ws);
    report("handover_round_trip", len, start);
    println!("gluelab-bench {side} handover_document_bytes {document}");

    let start = Instant::now();
    let snapshot = bench::snapshot_round_trip(&ws);
    report("snapshot_round_trip", len, start);
    println!("gluelab-bench {side} snapshot_bytes {snapshot}");
}
