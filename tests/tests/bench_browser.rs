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

#[wasm_bindgen_test]
fn csv_run_of_100_mb_in_the_browser() {
    let body = bench::csv_input(INPUT_BYTES);
    let len = body.len();

    let start = js_sys::Date::now();
    let parquet = bench::csv_to_parquet(&body);
    console_log!(
        "{}",
        bench::report_line("browser", "csv_to_parquet", len, seconds_since(start))
    );
    assert!(parquet > 0);

    let mut ws = bench::csv_workspace(body);
    let start = js_sys::Date::now();
    let rows = bench::job_run(&mut ws);
    console_log!(
        "{}",
        bench::report_line("browser", "job_run", len, seconds_since(start))
    );
    console_log!("gluelab-bench browser rows {rows}");

    // What the app's run worker pays to get the workspace and give it back.
    let start = js_sys::Date::now();
    let document = bench::handover_round_trip(&ws);
    console_log!(
        "{}",
        bench::report_line("browser", "handover_round_trip", len, seconds_since(start))
    );
    console_log!("gluelab-bench browser handover_document_bytes {document}");

    // The JSON snapshot round trip is measured natively only: with base64 bodies it is several
    // times the data, more than a wasm32 heap holding the workspace can comfortably take.
}
