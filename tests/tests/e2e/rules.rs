//! End-to-end test of transform rules and status records (issue 6): the HR worked example,
//! opened in the *built* app from a share link, run, and its status record read on the page.
//! Run by `cargo xtask test` after it builds `dist/`; plain `cargo test` skips it.
#![cfg(not(target_arch = "wasm32"))]

use gluelab_core::demo::hr;
use gluelab_core::snapshot;
use gluelab_tests::e2e::{dist_dir, BrowserSession, StaticServer};

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_hr_example_runs_its_rules_and_shows_the_unmapped_row_as_an_error_record() {
    // January's export uploaded; the link carries the whole workspace.
    let mut ws = hr::hr_workspace().unwrap();
    let (name, body) = hr::employee_files()[0];
    ws.upload_to_source(hr::JOB_NAME, name, body.as_bytes().to_vec())
        .unwrap();
    let code = snapshot::to_share_code(&ws).unwrap();

    let server = StaticServer::start(&dist_dir());
    let browser = BrowserSession::start().await;
    browser
        .client
        .set_window_size(1440, 900)
        .await
        .expect("resize the window");
    browser
        .client
        .goto(&format!("{}#w={code}", server.url))
        .await
        .expect("open the app");
    browser.wait_text("#job-name", |t| t == hr::JOB_NAME).await;
    browser.click("#run-job").await;
    browser.wait_text(".runs tbody", |t| t.contains("SUCCEEDED")).await;

    // The run history counts the error record; the explain panel lists it, by file and line.
    let runs = browser.text(".runs tbody").await;
    assert!(runs.contains("SUCCEEDED"), "{runs}");
    let records = browser.wait_text("#error-records", |t| t.contains("Initech")).await;
    assert!(records.contains("ValueMapping"), "{records}");
    assert!(records.contains("employees-2024-01.csv:7"), "{records}");
    assert!(records.contains("row dropped"), "{records}");

    // The warehouse sink holds the hand-computed counts (core/fixtures/hr/README.md).
    let sink = browser.wait_text("table.sink", |t| t.contains("ACME")).await;
    assert!(sink.contains("ACME") && sink.contains("GLOBEX"), "{sink}");
    browser.screenshot("rules-01-hr-run").await;
    browser.close().await;
}
