//! End-to-end tests: the *built* app in headless Chromium, clicked as a trainer would.
//! Run by `cargo xtask test` after it builds `dist/`; plain `cargo test` skips them.
//! Screenshots of each step land in `target/e2e/`.

use gluelab_tests::e2e::{dist_dir, BrowserSession, StaticServer};

async fn open() -> (StaticServer, BrowserSession) {
    let server = StaticServer::start(&dist_dir());
    let browser = BrowserSession::start().await;
    browser.client.goto(&server.url).await.expect("open the app");
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    (server, browser)
}

async fn upload_and_run(browser: &BrowserSession, file: usize, runs_after: usize) {
    let buttons = browser
        .client
        .find_all(fantoccini::Locator::Css("button.upload-seed"))
        .await
        .unwrap();
    buttons[file - 1].click().await.unwrap();
    browser.click("#run-job").await;
    browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == runs_after)
        .await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn uploading_a_seed_file_lists_it_with_size_and_etag() {
    let (_server, browser) = open().await;
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
    let (server, browser) = open().await;

    // Two files, two runs: the sink has both rows, the bookmark reads like the article's.
    upload_and_run(&browser, 1, 1).await;
    upload_and_run(&browser, 2, 2).await;
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
    upload_and_run(&browser, 1, 1).await;
    upload_and_run(&browser, 2, 2).await;
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
