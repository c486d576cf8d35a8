//! End-to-end tests: the *built* app in headless Chromium, clicked as a user would.
//! Run by `cargo xtask test` after it builds `dist/`; plain `cargo test` skips them.

use gluelab_tests::e2e::{dist_dir, BrowserSession, StaticServer};

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn uploading_a_seed_file_lists_it_with_size_and_etag() {
    let server = StaticServer::start(&dist_dir());
    let browser = BrowserSession::start().await;
    browser.client.goto(&server.url).await.expect("open the app");

    browser.find("header h1").await;
    assert_eq!(
        browser.texts(".object-row").await.len(),
        0,
        "the demo starts with an empty raw-data prefix"
    );

    browser.find("button.btn").await.click().await.expect("click upload");
    let row = browser.find(".object-row").await.text().await.expect("row text");
    assert!(row.contains("raw-data/raw-data-1.json"), "{row}");
    // Size and ETag (the MD5 of the article's first file, as S3 computes it), computed outside gluelab.
    assert!(row.contains("\"dcb5d4316e5d5a3a7b26bdd56f2aa437\""), "{row}");
    assert!(row.contains("\t66\t") || row.contains(" 66 "), "size 66 bytes: {row}");
    browser.screenshot("foundation-upload").await;
    browser.close().await;
}
