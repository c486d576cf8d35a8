//! End-to-end tests of the S3 browser: the *built* app in headless Chromium, used as a trainer
//! would: choose a prefix in the tree (by keyboard), make a folder, upload through the file
//! picker, watch a large file's progress bar, preview rows, overwrite and delete.
//! Run by `cargo xtask test` after it builds `dist/`; screenshots land in `target/e2e/`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use fantoccini::key::Key;
use fantoccini::Locator;
use gluelab_tests::e2e::{open_seed_workbench, BrowserSession};

const RAW_BUCKET: &str = "devices-raw-data-123456789012-ap-northeast-1";

/// The first and second versions of the small file, and their MD5s (S3's ETag for a
/// single-part upload), computed outside gluelab with `md5sum`.
const FIRST: &str = "id,name,score\n1,ada,90\n2,grace,85\n";
const FIRST_ETAG: &str = "\"215bfa885817ec2ee5f2a8fc1e194247\"";
const SECOND: &str = "id,name,score\n1,ada,95\n2,grace,85\n3,linus,70\n";
const SECOND_ETAG: &str = "\"dae25ad7dc15f504f3ae49d3d6d23a72\"";

/// Large enough to be read in several slices (the app reads 4 MiB at a time).
const LARGE_CSV_BYTES: usize = 24 * 1024 * 1024;

/// This test's files on disk, for the page's file input; removed when dropped.
struct TempFiles(PathBuf);

impl TempFiles {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("gluelab-e2e-s3-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the temp dir");
        Self(dir)
    }

    /// Writes `body` as `name` in the sub-directory `version`, so two versions keep one name.
    fn write(&self, version: &str, name: &str, body: &[u8]) -> PathBuf {
        let dir = self.0.join(version);
        std::fs::create_dir_all(&dir).expect("create a version dir");
        let path = dir.join(name);
        std::fs::write(&path, body).expect("write the file");
        path
    }
}

impl Drop for TempFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `rows` lines of made-up readings, padded to about `bytes`.
fn large_csv(bytes: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(bytes + 64);
    let mut i = 0u64;
    while body.len() < bytes {
        body.extend_from_slice(format!("{i},device-{:04},{}\n", i % 7919, i % 1000).as_bytes());
        i += 1;
    }
    body
}

/// Sends one key to the element that has the focus.
async fn press(browser: &BrowserSession, key: Key) {
    browser
        .client
        .active_element()
        .await
        .expect("a focused element")
        .send_keys(&char::from(key).to_string())
        .await
        .expect("send a key");
}

async fn attr(browser: &BrowserSession, css: &str, name: &str) -> String {
    browser
        .find(css)
        .await
        .attr(name)
        .await
        .expect("read an attribute")
        .unwrap_or_default()
}

/// The `.object-row` whose text holds `key`, waiting for it (and for `check`).
async fn object_row(browser: &BrowserSession, key: &str, check: impl Fn(&str) -> bool) -> String {
    let mut last = vec![];
    for _ in 0..300 {
        last = browser.texts(".object-row").await;
        if let Some(row) = last.iter().find(|r| r.contains(key) && check(r)) {
            return row.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no object row for {key} as expected; rows: {last:?}");
}

/// Saves a picture of the S3 panel alone next to the page screenshots in `target/e2e/`: at
/// 1280×720 the page screenshot (taken from the top) shows the tree but not the table below it,
/// so the window grows for the picture (same width, same layout) and shrinks back.
async fn panel_screenshot(browser: &BrowserSession, name: &str) {
    browser.client.set_window_size(1280, 1600).await.expect("resize");
    browser.screenshot_of(".s3-browser", name).await;
    browser.client.set_window_size(1280, 720).await.expect("resize");
}

/// The page as a screen reader and a projector need it: named controls, AA contrast.
async fn assert_accessible(browser: &BrowserSession, when: &str) {
    let unnamed = browser.unnamed_controls().await;
    assert!(unnamed.is_empty(), "{when}: controls without a name: {unnamed:#?}");
    let low = browser.low_contrast_text().await;
    assert!(low.is_empty(), "{when}: text below WCAG AA contrast: {low:#?}");
}

/// The body cells of the open preview, row by row.
async fn preview_cells(browser: &BrowserSession) -> Vec<Vec<String>> {
    let mut rows = vec![];
    for row in browser
        .client
        .find_all(Locator::Css(".object-preview table.s3-preview tbody tr"))
        .await
        .expect("find_all")
    {
        let mut cells = vec![];
        for cell in row.find_all(Locator::Css("td")).await.expect("cells") {
            cells.push(cell.text().await.expect("cell text"));
        }
        rows.push(cells);
    }
    rows
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn upload_into_a_chosen_prefix_preview_overwrite_and_delete() {
    let (_server, browser) = open_seed_workbench().await;
    browser.client.set_window_size(1280, 720).await.expect("resize");
    let files = TempFiles::new();

    // By default files go to the job's source prefix, chosen in the tree.
    let source = format!("s3://{RAW_BUCKET}/raw-data/");
    browser.wait_text("#upload-target", |t| t == source).await;
    let chosen = "[role=treeitem][aria-selected=true]";
    assert_eq!(attr(&browser, chosen, "title").await, source);
    assert_eq!(attr(&browser, chosen, "aria-level").await, "2");
    let tree = browser.text("#s3-tree").await;
    assert!(
        tree.contains("raw-data") && tree.contains("integrated-data") && tree.contains("TABLE"),
        "both table locations are in the tree, with their role: {tree}"
    );
    browser.screenshot("s3-01-tree").await;

    // Keyboard: from the chosen folder, Left goes to its bucket and Enter chooses it.
    browser
        .find(chosen)
        .await
        .click()
        .await
        .expect("focus the chosen folder");
    press(&browser, Key::Left).await;
    press(&browser, Key::Enter).await;
    let root = format!("s3://{RAW_BUCKET}/");
    browser.wait_text("#upload-target", |t| t == root).await;
    assert_eq!(attr(&browser, chosen, "aria-level").await, "1");
    assert_eq!(
        attr(&browser, chosen, "tabindex").await,
        "0",
        "the chosen row holds the tab stop"
    );

    // A new folder in the bucket becomes the target and shows in the tree before any file.
    browser
        .find("#new-folder-name")
        .await
        .send_keys("uploads/2024")
        .await
        .expect("type a folder name");
    browser.click("#new-folder").await;
    let folder = format!("s3://{RAW_BUCKET}/uploads/2024/");
    browser.wait_text("#upload-target", |t| t == folder).await;
    assert_eq!(attr(&browser, chosen, "aria-level").await, "3");
    assert_eq!(browser.text(&format!("{chosen} .tree-name")).await, "2024");
    browser
        .wait_text(".s3-browser .empty", |t| t.starts_with("No objects yet"))
        .await;

    // A small file through the picker lands in that folder, with its size and ETag.
    let first = files.write("v1", "scores.csv", FIRST.as_bytes());
    browser.choose_file("#file-picker", &first).await;
    let row = object_row(&browser, "uploads/2024/scores.csv", |_| true).await;
    assert!(row.contains(FIRST_ETAG), "{row}");
    assert!(row.contains(" 34 B "), "human-readable size: {row}");
    assert_eq!(attr(&browser, ".object-row td.size", "title").await, "34 bytes");
    let notice = browser.wait_text("#notice", |t| t.contains("Uploaded")).await;
    assert!(notice.contains(&format!("{folder}scores.csv")), "{notice}");
    browser
        .wait_text(&format!("{chosen} .tree-counts"), |t| t == "1 · 34 B")
        .await;

    // A large CSV is read in slices behind a progress bar, then listed.
    let large = files.write("big", "readings.csv", &large_csv(LARGE_CSV_BYTES));
    let large_size = std::fs::metadata(&large).expect("size").len();
    browser.choose_file("#file-picker", &large).await;
    let bar = browser.find("progress.upload-bar").await;
    browser.screenshot("s3-02-large-upload-progress").await;
    assert_eq!(
        bar.attr("max").await.unwrap().as_deref(),
        Some(large_size.to_string().as_str())
    );
    let text = bar.attr("aria-valuetext").await.unwrap().unwrap_or_default();
    assert!(text.contains(" of 25.2 MB · "), "{text}");
    assert!(
        bar.attr("aria-labelledby").await.unwrap().is_some(),
        "the bar is labelled by its file's name"
    );
    browser
        .wait_text(".s3-transfers", |t| t.contains("25.2 of 25.2 MB · stored"))
        .await;
    let row = object_row(&browser, "uploads/2024/readings.csv", |_| true).await;
    assert!(row.contains("25.2 MB"), "{row}");

    // Preview: the first rows as Glue reads a .csv with default options (no header).
    browser.click("button[aria-label='Preview scores.csv']").await;
    browser
        .wait_text(".object-preview .preview-summary", |t| {
            t.starts_with("All 3 rows · csv")
        })
        .await;
    let header = browser.texts(".object-preview table.s3-preview th").await;
    assert_eq!(header, ["line", "col0", "col1", "col2"]);
    assert_eq!(
        preview_cells(&browser).await,
        [
            ["1", "id", "name", "score"],
            ["2", "1", "ada", "90"],
            ["3", "2", "grace", "85"]
        ]
    );
    browser.screenshot("s3-03-preview").await;
    assert_accessible(&browser, "a preview open").await;
    panel_screenshot(&browser, "s3-03-preview-panel").await;

    // The large file's preview reads only its beginning.
    browser.click("button[aria-label='Preview readings.csv']").await;
    let summary = browser
        .wait_text(".object-preview .preview-summary", |t| t.starts_with("First 10 rows"))
        .await;
    assert!(
        summary.contains("only the first") && summary.contains("of 25.2 MB read"),
        "{summary}"
    );
    assert_eq!(preview_cells(&browser).await[0], ["1", "0", "device-0000", "0"]);
    browser.click("button[aria-label='Preview scores.csv']").await;

    // The same name again: S3 overwrites, and the notice names both ETags.
    let second = files.write("v2", "scores.csv", SECOND.as_bytes());
    browser.choose_file("#file-picker", &second).await;
    let row = object_row(&browser, "uploads/2024/scores.csv", |r| r.contains(SECOND_ETAG)).await;
    assert!(row.contains(" 45 B "), "{row}");
    let notice = browser.wait_text("#notice", |t| t.contains("Overwrote")).await;
    assert!(
        notice.contains(FIRST_ETAG) && notice.contains(SECOND_ETAG),
        "old and new ETag: {notice}"
    );
    let cells = preview_cells(&browser).await;
    assert_eq!(cells.len(), 4, "the open preview shows the new content: {cells:?}");
    assert_eq!(cells[1], ["2", "1", "ada", "95"]);
    browser.screenshot("s3-04-overwritten").await;
    panel_screenshot(&browser, "s3-04-overwritten-panel").await;

    // Dark theme, same layout.
    browser.click("button[aria-label='Toggle dark theme']").await;
    browser.screenshot("s3-05-dark").await;
    assert_accessible(&browser, "dark, after an overwrite").await;
    panel_screenshot(&browser, "s3-05-dark-panel").await;

    // Delete: gone from the listing, the other file stays.
    browser.click("button[aria-label='Delete scores.csv']").await;
    browser
        .wait_text("#notice", |t| t.contains(&format!("Deleted {folder}scores.csv")))
        .await;
    for _ in 0..100 {
        if browser.texts(".object-row").await.len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let rows = browser.texts(".object-row").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].contains("readings.csv"), "{rows:?}");
    browser
        .wait_text(&format!("{chosen} .tree-counts"), |t| t == "1 · 25.2 MB")
        .await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_binary_file_previews_as_a_clear_error() {
    let (_server, browser) = open_seed_workbench().await;
    let files = TempFiles::new();
    // A PNG's first bytes under the source table's prefix, which holds JSON lines.
    let png = files.write("png", "picture.json", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01");
    browser.choose_file("#file-picker", &png).await;
    object_row(&browser, "raw-data/picture.json", |_| true).await;
    browser.click("button[aria-label='Preview picture.json']").await;
    let error = browser
        .wait_text(".object-preview .preview-error", |t| !t.is_empty())
        .await;
    assert!(
        error.contains("raw-data/picture.json") && error.contains("binary content, not json text"),
        "{error}"
    );
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_file_with_other_field_names_is_named_in_the_preview_and_the_run() {
    let (_server, browser) = open_seed_workbench().await;
    let files = TempFiles::new();
    // Orders dropped under the seed job's device readings table.
    let orders = files.write(
        "orders",
        "orders.json",
        b"{\"order_id\": 1, \"customer\": \"acme\", \"amount\": 12.5}\n{\"order_id\": 2, \"customer\": \"zenith\", \"amount\": 3}\n",
    );
    browser.choose_file("#file-picker", &orders).await;
    object_row(&browser, "raw-data/orders.json", |_| true).await;
    let notice = browser.wait_text("#notice", |t| t.contains("orders.json")).await;
    assert!(
        notice.contains("Its fields do not fit the table: none of order_id, customer, amount"),
        "the upload says it at once: {notice}"
    );
    browser.click("button[aria-label='Preview orders.json']").await;
    let warning = browser.wait_text("#preview-fit", |t| !t.is_empty()).await;
    assert!(
        warning.contains("none of order_id, customer, amount is a column of devices_data_analystics.devices_raw_data"),
        "{warning}"
    );
    assert!(warning.contains("reads as null"), "{warning}");
    panel_screenshot(&browser, "s3-06-schema-fit").await;
    browser.click("#run-job").await;
    browser.wait_text(".runs tbody", |t| t.contains("SUCCEEDED")).await;
    let verdicts = browser.wait_text("#verdicts", |t| t.contains("orders.json")).await;
    assert!(
        verdicts.contains("Its fields do not fit the table: none of order_id, customer, amount"),
        "the run says it too: {verdicts}"
    );
    let flow = browser.texts("#row-flow li").await;
    assert_eq!(
        flow,
        ["Read 2 rows", "Step 1 show: 2 rows kept", "Wrote 2 rows"],
        "where the rows went"
    );
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_shift_jis_csv_is_named_as_such_and_its_failed_read_is_failed() {
    let (_server, browser) = open_seed_workbench().await;
    browser.click("#open-examples").await;
    browser.click(".example-card[data-example='csv-header']").await;
    browser.wait_text("#job-name", |t| t == "sales-csv-etl").await;
    let files = TempFiles::new();
    // "注文番号,地域,金額" / "1006,東京,12.00" as a Japanese Excel saves CSV: Shift_JIS.
    let sjis = files.write(
        "sjis",
        "sales-sjis.csv",
        b"\x92\x8d\x95\xb6\x94\xd4\x8d\x86,\x92n\x88\xe6,\x8b\xe0\x8az\n1006,\x93\x8c\x8b\x9e,12.00\n",
    );
    browser.choose_file("#file-picker", &sjis).await;
    object_row(&browser, "orders/sales-sjis.csv", |_| true).await;
    browser.click("button[aria-label='Preview sales-sjis.csv']").await;
    let error = browser
        .wait_text(".object-preview .preview-error", |t| !t.is_empty())
        .await;
    assert!(
        error.contains("it looks like Shift_JIS (CP932)") && error.contains("re-save the file as UTF-8"),
        "{error}"
    );
    assert!(
        !error.contains("binary"),
        "text in another encoding is not binary: {error}"
    );
    browser.click("#run-job").await;
    browser.wait_text(".runs tbody", |t| t.contains("FAILED")).await;
    let verdicts = browser.wait_text("#verdicts", |t| t.contains("sales-sjis.csv")).await;
    assert!(
        verdicts.contains("failed") && verdicts.contains("Reading it failed") && verdicts.contains("Shift_JIS"),
        "the file that stopped the run is failed, with the reason: {verdicts}"
    );
    assert_eq!(
        browser.texts("#timeline rect.mark.failed").await.len(),
        1,
        "the timeline marks the failed read"
    );
    browser.screenshot("s3-07-shift-jis-failed").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_shift_jis_csv_reads_after_one_click_sets_its_tables_encoding() {
    let (_server, browser) = open_seed_workbench().await;
    browser.click("#open-examples").await;
    browser.click(".example-card[data-example='csv-header']").await;
    browser.wait_text("#job-name", |t| t == "sales-csv-etl").await;
    let files = TempFiles::new();
    // An export with the table's own header and a Japanese region, "1006,東京,12.00", in Shift_JIS.
    let sjis = files.write(
        "sjis-ascii-header",
        "sales-tokyo.csv",
        b"order_id,region,amount\n1006,\x93\x8c\x8b\x9e,12.00\n",
    );
    browser.choose_file("#file-picker", &sjis).await;
    object_row(&browser, "orders/sales-tokyo.csv", |_| true).await;
    browser.click("button[aria-label='Preview sales-tokyo.csv']").await;
    let button = browser.wait_text("#read-as-encoding", |t| !t.is_empty()).await;
    assert_eq!(button, "Read it as Shift_JIS");
    browser.click("#read-as-encoding").await;
    let notice = browser
        .wait_text("#notice", |t| t.contains("serialization.encoding"))
        .await;
    assert!(
        notice.contains("sales.orders_raw now reads its files as Shift_JIS"),
        "{notice}"
    );
    browser
        .wait_text(".object-preview table.s3-preview tbody", |t| t.contains("東京"))
        .await;
    let cells = preview_cells(&browser).await;
    assert_eq!(
        cells[0][..3],
        ["2", "1006", "東京"],
        "decoded by the browser's TextDecoder: {cells:?}"
    );
    assert!(
        browser.texts("#read-as-encoding").await.is_empty(),
        "the table names its encoding now: no more offer"
    );
    browser.click("#run-job").await;
    browser.wait_text(".runs tbody", |t| t.contains("SUCCEEDED")).await;
    let sink = browser.wait_text("table.sink", |t| t.contains("東京")).await;
    assert!(
        !sink.contains('\u{FFFD}'),
        "no replacement characters in the sink: {sink}"
    );
    browser.screenshot("s3-08-shift-jis-read").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_gzipped_csv_previews_and_runs_like_a_plain_one() {
    use std::io::Write;
    let (_server, browser) = open_seed_workbench().await;
    browser.click("#open-examples").await;
    browser.click(".example-card[data-example='csv-header']").await;
    browser.wait_text("#job-name", |t| t == "sales-csv-etl").await;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"order_id,region,amount\n1007,osaka,8.50\n1008,kyoto,3.25\n")
        .unwrap();
    let files = TempFiles::new();
    let file = files.write("gz", "sales-2024-03.csv.gz", &gz.finish().unwrap());
    browser.choose_file("#file-picker", &file).await;
    object_row(&browser, "orders/sales-2024-03.csv.gz", |_| true).await;
    browser.click("button[aria-label='Preview sales-2024-03.csv.gz']").await;
    let summary = browser
        .wait_text(".object-preview .preview-summary", |t| t.contains("gzip"))
        .await;
    assert!(
        summary.contains("All 2 rows") && summary.contains("gzip-compressed"),
        "{summary}"
    );
    let cells = preview_cells(&browser).await;
    assert!(
        cells.iter().any(|row| row.contains(&"osaka".to_string())),
        "the decompressed rows are shown: {cells:?}"
    );
    browser.screenshot("c18-gzip-preview").await;
    browser.click("#run-job").await;
    browser.wait_text(".runs tbody", |t| t.contains("SUCCEEDED")).await;
    browser
        .wait_text("#verdicts", |t| t.contains("sales-2024-03.csv.gz"))
        .await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn make_a_table_from_a_file_updates_the_table_it_does_not_fit() {
    let (_server, browser) = open_seed_workbench().await;
    let files = TempFiles::new();
    let orders = files.write(
        "orders",
        "orders.json",
        b"{\"order_id\": 1, \"customer\": \"acme\", \"amount\": 12.5}\n{\"order_id\": 2, \"customer\": \"zenith\", \"amount\": 3}\n",
    );
    browser.choose_file("#file-picker", &orders).await;
    object_row(&browser, "raw-data/orders.json", |_| true).await;
    browser.click("button[aria-label='Preview orders.json']").await;
    browser.wait_text("#preview-fit", |t| !t.is_empty()).await;
    assert_eq!(browser.text("#make-table").await, "Update the table from this file");
    browser.click("#make-table").await;
    let notice = browser.wait_text("#notice", |t| t.contains("Table")).await;
    assert!(
        notice.contains("devices_data_analystics.devices_raw_data now reads this file's columns: order_id bigint, customer string, amount double"),
        "{notice}"
    );
    browser
        .wait_text(".object-preview table.s3-preview thead", |t| t.contains("order_id"))
        .await;
    assert_eq!(preview_cells(&browser).await[0], ["1", "1", "acme", "12.5"]);
    assert!(
        browser.texts("#preview-fit").await.is_empty(),
        "the file fits its table now"
    );
    assert!(browser.texts("#make-table").await.is_empty());
    panel_screenshot(&browser, "s3-08-table-from-file").await;
    // Undo takes the table back, as any other change.
    browser.click("#undo").await;
    browser
        .wait_text("#preview-fit", |t| t.contains("none of order_id"))
        .await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn from_an_empty_workbench_to_a_first_run_over_ones_own_file() {
    let (_server, browser) = open_seed_workbench().await;
    browser.click("#open-examples").await;
    browser.click("#start-empty").await;
    browser.wait_text("#s3-title", |t| t == "S3").await;
    // The guide names the next step and where to do it, and counts as the workspace changes.
    let guide = |done: usize, next: &'static str| {
        let browser = &browser;
        async move {
            browser
                .wait_text("#first-steps-progress", |t| t == format!("{done} of 5 done"))
                .await;
            assert_eq!(browser.text("#first-steps-title").await, next);
        }
    };
    guide(0, "Next: Create a bucket").await;
    assert!(browser.text("#first-steps-how").await.contains("New bucket"));
    browser.screenshot("s3-08-first-steps").await;
    let run_title = browser
        .find("#run-job")
        .await
        .attr("title")
        .await
        .expect("title")
        .unwrap_or_default();
    assert!(
        run_title.starts_with("No job yet"),
        "a Run that cannot act says why: {run_title}"
    );
    // So does every other button that needs a job or a past: disabled, with the reason. (Undo
    // can act: it takes the empty start back.)
    for button in ["#edit-job", "#reset-bookmark", "#rewind-bookmark", "#redo"] {
        let element = browser.find(button).await;
        let title = element.attr("title").await.expect("title").unwrap_or_default();
        let disabled = element.attr("disabled").await.expect("disabled");
        assert!(
            disabled.is_some() && (title.contains("No job yet") || title.contains("nothing")),
            "{button} cannot act here, so it is disabled and says why: {title:?}"
        );
    }
    // A bucket, a folder in it, a file in the folder.
    browser
        .find("#new-bucket-name")
        .await
        .send_keys("my-data")
        .await
        .expect("type");
    browser.click("#create-bucket").await;
    browser
        .wait_text("#notice", |t| t.contains("make_bucket: my-data"))
        .await;
    guide(1, "Next: Drop a file into it").await;
    browser
        .find("#new-folder-name")
        .await
        .send_keys("orders")
        .await
        .expect("type");
    browser.click("#new-folder").await;
    browser
        .wait_text("#upload-target", |t| t == "s3://my-data/orders/")
        .await;
    let files = TempFiles::new();
    // 250 orders: more than the query box puts on the page.
    let body: String = (1..=250)
        .map(|i| format!("{{\"order_id\": {i}, \"customer\": \"c{i}\", \"amount\": {i}.5}}\n"))
        .collect();
    let orders = files.write("own", "2024-01.json", body.as_bytes());
    browser.choose_file("#file-picker", &orders).await;
    object_row(&browser, "orders/2024-01.json", |_| true).await;
    guide(2, "Next: Make a table from the file").await;
    // Its table, as a crawler would make it, then a job over the table.
    browser.click("button[aria-label='Preview 2024-01.json']").await;
    browser
        .wait_text("#make-table", |t| t == "Make a table from this file")
        .await;
    browser.click("#make-table").await;
    let notice = browser.wait_text("#notice", |t| t.contains("Table")).await;
    assert!(
        notice.contains(
            "Table default.orders made, reading this file's columns: order_id bigint, customer string, amount double"
        ),
        "{notice}"
    );
    guide(3, "Next: Create a job over the table").await;
    browser.click("#new-job-over-table").await;
    let notice = browser.wait_text("#notice", |t| t.contains("Job")).await;
    assert!(notice.contains("Job orders-etl reads default.orders"), "{notice}");
    browser.wait_text("#job-name", |t| t == "orders-etl").await;
    let rewind = browser.find("#rewind-bookmark").await;
    let title = rewind.attr("title").await.expect("title").unwrap_or_default();
    assert!(title.contains("no finished run to rewind to yet"), "{title}");
    // The first run reads the file; the query box asks the job's own output table.
    guide(4, "Next: Run the job").await;
    browser.click("#run-job").await;
    browser.wait_text(".runs tbody", |t| t.contains("SUCCEEDED")).await;
    assert_eq!(browser.texts("#row-flow li").await, ["Read 250 rows", "Wrote 250 rows"]);
    guide(5, "Your first run is done").await;
    // Ctrl+Enter in the box runs it; the page shows the head, the count says the whole.
    browser.click("#sql").await;
    browser
        .find("#sql")
        .await
        .send_keys(&format!("{}{}", Key::Control, Key::Enter))
        .await
        .expect("Ctrl+Enter");
    browser
        .wait_text("#query-count", |t| t == "250 rows · rows 1–200 shown")
        .await;
    assert_eq!(browser.texts(".query-result tbody tr").await.len(), 200);
    assert_eq!(browser.text("#query-csv").await, "Download CSV");
    browser.screenshot("s3-09-from-empty").await;
    // A reload keeps the guide; × closes it.
    browser.client.refresh().await.expect("reload");
    guide(5, "Your first run is done").await;
    browser.click("#first-steps-close").await;
    assert!(browser.client.find(Locator::Css("#first-steps")).await.is_err());
    browser.close().await;
}
