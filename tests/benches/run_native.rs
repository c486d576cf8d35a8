//! The native half of the browser-vs-native benchmark (`cargo xtask bench` runs both halves and
//! prints the ratio; the browser half is `tests/bench_browser.rs`). A benchmark, not a test:
//! it prints figures and asserts nothing about time.

use std::time::Instant;

use gluelab_tests::bench::{self, INPUT_BYTES};

fn main() {
    let body = bench::csv_input(INPUT_BYTES);
    let len = body.len();

    let start = Instant::now();
    let parquet = bench::csv_to_parquet(&body);
    println!(
        "{}",
        bench::report_line("native", "csv_to_parquet", len, start.elapsed().as_secs_f64())
    );
    assert!(parquet > 0);

    let mut ws = bench::csv_workspace(body);
    let start = Instant::now();
    let rows = bench::job_run(&mut ws);
    println!(
        "{}",
        bench::report_line("native", "job_run", len, start.elapsed().as_secs_f64())
    );
    println!("gluelab-bench native rows {rows}");

    let start = Instant::now();
    let document = bench::handover_round_trip(&ws);
    println!(
        "{}",
        bench::report_line("native", "handover_round_trip", len, start.elapsed().as_secs_f64())
    );
    println!("gluelab-bench native handover_document_bytes {document}");

    let start = Instant::now();
    let snapshot = bench::snapshot_round_trip(&ws);
    println!(
        "{}",
        bench::report_line("native", "snapshot_round_trip", len, start.elapsed().as_secs_f64())
    );
    println!("gluelab-bench native snapshot_bytes {snapshot}");
}
