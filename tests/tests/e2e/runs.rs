//! End-to-end test of a run's own arguments in the *built* app: a typed argument with an error
//! is refused next to its field, and a paused run between two earlier runs (chosen in lists,
//! not typed) reads again only what they read, leaving the bookmark as it was.
//! Run by `cargo xtask test` after it builds `dist/`; plain `cargo test` skips it.
#![cfg(not(target_arch = "wasm32"))]

use gluelab_tests::e2e::open_seed_workbench;

const JOB_PANEL: &str = "section[aria-labelledby='job-title']";

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_paused_run_from_run_1_to_run_2_reads_file_2_again_and_commits_nothing() {
    let (_server, browser) = open_seed_workbench().await;
    browser.upload_seed_file_and_run(1, 1).await;
    browser.upload_seed_file_and_run(2, 2).await;
    let bookmark = browser.text("#bookmark-json").await;

    // A typed argument without its leading -- is refused under the field; no run starts.
    let field = browser.find("#run-arguments").await;
    field.send_keys("tenant=acme").await.expect("type");
    browser.click("#run-job").await;
    let error = browser.wait_text("#run-arguments-error", |t| !t.is_empty()).await;
    assert!(error.contains("\"tenant\"") && error.contains("--name"), "{error}");
    assert_eq!(
        field.attr("aria-invalid").await.expect("attribute").as_deref(),
        Some("true")
    );
    assert_eq!(
        browser.text(".runs tbody").await.matches("SUCCEEDED").count(),
        2,
        "the refused run did not start"
    );
    browser.screenshot_of(JOB_PANEL, "runs-01-argument-error").await;

    // Pause from run 1 to run 2, chosen from the job's runs (newest first), plus a parameter.
    browser.choose("#run-option", "job-bookmark-pause").await;
    let from = browser.find("#run-from").await;
    let to = browser.find("#run-to").await;
    let labels = browser.texts("#run-from option").await;
    assert!(
        labels[1].starts_with("run 2") && labels[2].starts_with("run 1"),
        "{labels:?}"
    );
    from.select_by_index(2).await.expect("choose run 1");
    to.select_by_index(1).await.expect("choose run 2");
    field.clear().await.expect("clear");
    field.send_keys("--note=replay").await.expect("type");
    browser.screenshot_of(JOB_PANEL, "runs-02-pause-range").await;
    browser.click("#run-job").await;
    browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 3)
        .await;
    assert_eq!(browser.text("#run-arguments-error").await, "");

    // Only what run 2 read is read again; pause commits nothing.
    let verdicts = browser.texts("#verdicts li").await;
    let about = |file: &str| {
        verdicts
            .iter()
            .find(|v| v.contains(file))
            .unwrap_or_else(|| panic!("no verdict for {file}: {verdicts:?}"))
            .clone()
    };
    assert!(!about("raw-data-2.json").contains("skipped"), "{verdicts:?}");
    assert!(about("raw-data-1.json").contains("skipped"), "{verdicts:?}");
    assert_eq!(
        browser.text("#bookmark-json").await,
        bookmark,
        "a paused run leaves the bookmark as it was"
    );
    browser.screenshot("runs-03-paused-replay").await;
    browser.close().await;
}
