//! The browser half of the browser-vs-native benchmark: the same workload as
//! `benches/run_native.rs` (see `gluelab_tests::bench`), in headless Chromium, built as the app
//! ships (`--release`: `opt-level = "z"`). A benchmark, not a test: it prints figures and asserts
//! nothing about time. Not part of `cargo xtask test`; `cargo xtask bench` runs it:
//! `cargo test -p gluelab-tests --target wasm32-unknown-unknown --release --test bench_browser -- --nocapture`
#![cfg(target_arch = "wasm32")]

use gluelab_tests::bench::{self, INPUT_BYTES};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn seconds_since(start: f64) -> f64 {
    (js_sys::Date::now() - start) / 1000.0
}

fn report(name: &str, bytes: usize, start: f64) {
    console_log!("{}", bench::report_line("browser", name, bytes, seconds_since(start)));
}

#[wasm_bindgen_test]
fn csv_run_of_100_mb_in_the_browser() {
    let body = bench::csv_input(INPUT_BYTES);
    let len = body.len();
    let rows = bench::rows_of(&body);
    console_log!("gluelab-bench browser csv_rows {rows}");

    let start = js_sys::Date::now();
    assert_eq!(bench::csv_ingest(&body), rows);
    report("csv_ingest", len, start);

    let start = js_sys::Date::now();
    let parquet = bench::csv_to_parquet(&body);
    report("csv_to_parquet", len, start);
    assert!(parquet > 0);

    // The same rows as JSON lines, dropped before the workspace takes the CSV.
    let json = bench::json_rows(rows);
    console_log!("gluelab-bench browser json_bytes {}", json.len());
    let start = js_sys::Date::now();
    assert_eq!(bench::json_ingest(&json), rows);
    report("json_ingest", json.len(), start);
    drop(json);

    let mut ws = bench::csv_workspace(body);
    let start = js_sys::Date::now();
    let read = bench::job_run(&mut ws);
    report("job_run", len, start);
    assert_eq!(read as usize, rows);
    console_log!("gluelab-bench browser rows {read}");

    // Queries over the sink the run wrote; MB/s of the CSV's bytes, so the sides compare.
    let start = js_sys::Date::now();
    assert_eq!(bench::query_count(&ws), rows);
    report("query_count", len, start);
    let start = js_sys::Date::now();
    assert_eq!(bench::query_group_by(&ws), bench::true_states(rows));
    report("query_group_by", len, start);

    // What the app's run worker pays to get the workspace and give it back.
    let start = js_sys::Date::now();
    let document = bench::handover_round_trip(&ws);
    report("handover_round_trip", len, start);
    console_log!("gluelab-bench browser handover_document_bytes {document}");

    // The JSON snapshot round trip is measured natively only: with base64 bodies it is several
    // times the data, more than a wasm32 heap holding the workspace can comfortably take.
}
