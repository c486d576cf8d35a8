//! End-to-end tests: the *built* app in headless Chromium, clicked as a trainer would.
//! Run by `cargo xtask test` after it builds `dist/`; plain `cargo test` skips them.
//! Screenshots of each step land in `target/e2e/`.
#![cfg(not(target_arch = "wasm32"))]

use gluelab_tests::e2e::{dist_dir, open_seed_workbench, BrowserSession, StaticServer};

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn uploading_a_seed_file_lists_it_with_size_and_etag() {
    let (_server, browser) = open_seed_workbench().await;
    assert_eq!(
        browser.texts(".object-row").await.len(),
        0,
        "the demo starts with an empty raw-data prefix"
    );
    browser.click("button.upload-seed").await;
    let row = browser.find(".object-row").await.text().await.expect("row text");
    assert!(row.contains("raw-data/raw-data-1.json"), "{row}");
    // Size and ETag (the MD5 of the article's first file, as S3 computes it), computed outside gluelab.
    assert!(row.contains("\"dcb5d4316e5d5a3a7b26bdd56f2aa437\""), "{row}");
    assert!(row.contains(" 66 ") || row.contains("\t66\t"), "size 66 bytes: {row}");
    browser.screenshot("01-upload").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_seed_articles_story_reset_then_rewind() {
    let (server, browser) = open_seed_workbench().await;

    // Two files, two runs: the sink has both rows, the bookmark reads like the article's.
    browser.upload_seed_file_and_run(1, 1).await;
    browser.upload_seed_file_and_run(2, 2).await;
    browser
        .wait_text("#sink-summary", |t| t.starts_with("2 rows · 0 duplicates"))
        .await;
    let json = browser.text("#bookmark-json").await;
    assert!(
        json.contains("\"Version\": 4,") && json.contains("\"Run\": 3,") && json.contains("PreviousRunId"),
        "{json}"
    );
    assert!(
        json.contains("HadoopDataSourceJobBookmarkState") && json.contains("INCLUDE_LIST"),
        "{json}"
    );
    let preview = browser.text("#reset-preview").await;
    assert!(
        preview.contains("re-reads raw-data-1.json, raw-data-2.json"),
        "{preview}"
    );
    browser.screenshot("02-two-runs").await;

    // Reset: the bookmark is empty, the next run reads both again, every row twice.
    browser.click("#reset-bookmark").await;
    browser
        .wait_text("#bookmark-json", |t| t.contains("\"JobBookmark\": \"\""))
        .await;
    browser.click("#run-job").await;
    browser
        .wait_text("#sink-summary", |t| t.starts_with("4 rows · 2 duplicates"))
        .await;
    let verdicts = browser.text("#verdicts").await;
    assert_eq!(
        verdicts.matches("RE-READ").count() + verdicts.matches("re-read").count(),
        2,
        "{verdicts}"
    );
    assert!(verdicts.contains("the bookmark was reset"), "{verdicts}");
    assert_eq!(browser.texts(".sink-row.duplicate").await.len(), 2);
    browser.screenshot("03-after-reset").await;

    // A clean start, two runs, then rewind to run 1: file 2 is re-read and lands twice.
    browser.choose("select[aria-label='Load a workspace']", "demo").await;
    browser
        .wait_text("section[aria-labelledby='runs-title']", |t| t.contains("No runs yet"))
        .await;
    browser.upload_seed_file_and_run(1, 1).await;
    browser.upload_seed_file_and_run(2, 2).await;
    let rewind_preview = browser.text("#rewind-preview").await;
    assert!(
        rewind_preview.contains("re-reads raw-data-2.json") && rewind_preview.contains("skips raw-data-1.json"),
        "{rewind_preview}"
    );
    browser.click("#rewind-bookmark").await;
    browser.wait_text("#bookmark-json", |t| t.contains("\"Run\": 2,")).await;
    browser.click("#run-job").await;
    browser
        .wait_text("#sink-summary", |t| t.starts_with("3 rows · 1 duplicates"))
        .await;
    let verdicts = browser.text("#verdicts").await;
    assert!(verdicts.contains("rewound to run"), "{verdicts}");
    let output = browser.text("#output-log").await;
    assert!(
        output.contains("| e36b7dfa|1609375822| true|") && !output.contains("3ff9c44a"),
        "{output}"
    );
    browser.click("#run-query").await;
    browser.wait_text("#query-count", |t| t == "3 rows").await;
    browser.screenshot("04-after-rewind").await;

    // Everything happened in the page: nothing was fetched from anywhere but the app's server.
    let origin = server.url.trim_end_matches('/').to_string();
    let origins = browser.resource_origins().await;
    assert!(
        origins.iter().all(|o| *o == origin),
        "requests left the page: {origins:?}"
    );
    browser.close().await;
}

/// A few MB of device readings as JSON lines (the demo job's table format), written to a temp
/// file for the page's file input.
fn generated_readings(name: &str, bytes: usize) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("gluelab-e2e-{}-{name}", std::process::id()));
    std::fs::write(&path, gluelab_tests::bench::json_input(bytes)).expect("write the generated file");
    path
}

/// Uploads a file through the page's file picker, as a user choosing it would, and waits for
/// it to be listed.
async fn upload_file(browser: &BrowserSession, path: &std::path::Path) {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a file name")
        .to_string();
    browser.choose_file("#file-picker", path).await;
    browser.wait_text("table.objects", |t| t.contains(&name)).await;
}

const LARGE_FILE_BYTES: usize = 4 * 1024 * 1024;

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_large_run_goes_to_the_worker_with_a_progress_bar_and_succeeds() {
    let (server, browser) = open_seed_workbench().await;
    let file = generated_readings("readings.json", LARGE_FILE_BYTES);
    upload_file(&browser, &file).await;
    let bookmark_before = browser.text("#bookmark-json").await;
    browser.click("#run-job").await;
    // RUNNING at once, with an accessible progress bar and Stop, while the worker works.
    let bar = browser.find("[role=progressbar]").await;
    let value = bar.attr("aria-valuenow").await.expect("attribute").unwrap_or_default();
    assert!(value.parse::<u32>().is_ok_and(|v| v <= 100), "aria-valuenow {value:?}");
    browser.find("#stop-run").await;
    browser.screenshot("05-large-run-in-progress").await;
    let runs = browser.wait_text(".runs tbody", |t| !t.contains("RUNNING")).await;
    let notice = browser.texts("[role=alert]").await;
    assert!(runs.contains("SUCCEEDED"), "{runs} ({notice:?})");
    let summary = browser.text("#sink-summary").await;
    let rows: usize = summary.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(rows > 50_000, "every generated line lands in the sink: {summary}");
    assert!(
        browser.texts("[role=progressbar]").await.is_empty(),
        "the bar goes when the run ends"
    );
    assert_ne!(
        browser.text("#bookmark-json").await,
        bookmark_before,
        "the run committed"
    );
    browser.screenshot("06-large-run-succeeded").await;
    let origin = server.url.trim_end_matches('/').to_string();
    let origins = browser.resource_origins().await;
    assert!(
        origins.iter().all(|o| *o == origin),
        "requests left the page: {origins:?}"
    );
    // The server saw the page and its worker load the app's own files, and nothing else: the
    // 4 MB upload and the run's data never went over the network.
    let dist = dist_dir();
    for request in server.requests() {
        let path = request
            .strip_prefix("GET /")
            .unwrap_or_else(|| panic!("not a GET: {request}"));
        let file = if path.is_empty() {
            "index.html"
        } else {
            path.split('?').next().unwrap_or(path)
        };
        assert!(
            dist.join(file).is_file(),
            "a request for something the app does not ship: {request}"
        );
    }
    let _ = std::fs::remove_file(file);
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn stopping_a_running_run_leaves_it_stopped_and_the_bookmark_unchanged() {
    let (_server, browser) = open_seed_workbench().await;
    // A committed run first, so the bookmark has something to keep.
    browser.upload_seed_file_and_run(1, 1).await;
    let bookmark_before = browser.text("#bookmark-json").await;
    let file = generated_readings("stopped.json", LARGE_FILE_BYTES);
    upload_file(&browser, &file).await;
    browser.click("#run-job").await;
    browser.click("#stop-run").await;
    browser
        .wait_text(".runs tbody", |t| t.contains("STOPPED") && !t.contains("RUNNING"))
        .await;
    assert_eq!(
        browser.text(".runs tbody").await.matches("SUCCEEDED").count(),
        1,
        "the stopped run did not finish after all"
    );
    assert_eq!(
        browser.text("#bookmark-json").await,
        bookmark_before,
        "a stopped run saves no bookmark"
    );
    assert!(browser.texts("[role=progressbar]").await.is_empty());
    browser.screenshot("07-run-stopped").await;
    // A fresh worker takes the next run: the file the stopped run did not commit is read now.
    browser.click("#run-job").await;
    browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 2)
        .await;
    assert_ne!(
        browser.text("#bookmark-json").await,
        bookmark_before,
        "the next run committed"
    );
    let _ = std::fs::remove_file(file);
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_worker_that_cannot_load_stops_the_run_with_a_notice_instead_of_hanging() {
    // The page loads its glue script once; the worker's own import of it is refused.
    let server = StaticServer::start_refusing_repeats(&dist_dir(), ".js");
    let browser = BrowserSession::start().await;
    browser.client.goto(&server.url).await.expect("open the app");
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    let bookmark_before = browser.text("#bookmark-json").await;
    browser.upload_seed_file(1).await;
    browser.click("#run-job").await;
    let notice = browser.wait_text("#notice", |t| t.contains("worker failed")).await;
    assert!(notice.contains("did not load"), "{notice}");
    browser
        .wait_text(".runs tbody", |t| t.contains("STOPPED") && !t.contains("RUNNING"))
        .await;
    assert_eq!(
        browser.text("#bookmark-json").await,
        bookmark_before,
        "a run that never ran saves no bookmark"
    );
    assert!(
        server.requests().iter().filter(|r| r.ends_with(".js")).count() >= 2,
        "the worker asked for the glue script again: {:?}",
        server.requests()
    );
    browser.screenshot("08-worker-did-not-load").await;
    browser.close().await;
}
