//! End-to-end test of the job editor: the *built* app in headless Chromium at 1280×720.
//! Run by `cargo xtask test` after it builds `dist/`; plain `cargo test` skips it.
//! Screenshots land in `target/e2e/editor-*.png`.
#![cfg(not(target_arch = "wasm32"))]

use fantoccini::Locator;
use gluelab_tests::e2e::{open_seed_workbench_at, BrowserSession};

/// WebDriver's key code for Escape.
const ESCAPE: &str = "\u{e00c}";

/// Types into the input `css` (appending to what it holds).
async fn type_into(browser: &BrowserSession, css: &str, text: &str) {
    browser
        .find(css)
        .await
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into `{css}`: {e}"));
}

/// Scrolls the editor so the element `id` is in view (screenshots keep the dialog's scroll).
async fn scroll_to(browser: &BrowserSession, id: &str) {
    let script = format!("document.getElementById('{id}').scrollIntoView({{block: 'center'}})");
    browser.client.execute(&script, vec![]).await.expect("scroll");
}

/// Adds a step of `kind` from the editor's menu.
async fn add_step(browser: &BrowserSession, kind: &str) {
    // The dialog's footer stays at its bottom: bring the button clear of it first.
    scroll_to(browser, "add-step").await;
    browser.choose("#add-step-kind", kind).await;
    browser.click("#add-step").await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_filter_and_a_map_edited_previewed_saved_and_run() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    // The article's two files, so the preview and the run have rows.
    browser.upload_seed_file(1).await;
    browser.upload_seed_file(2).await;

    browser.click("#edit-job").await;
    browser
        .wait_text("#editor-title", |t| t.contains("devices-data-etl"))
        .await;
    browser.screenshot("editor-00-open").await;
    // The dark theme, for people to check its contrast.
    let theme = |name: &str| format!("document.documentElement.dataset.theme = '{name}'");
    browser
        .client
        .execute(&theme("dark"), vec![])
        .await
        .expect("dark theme");
    browser.screenshot("editor-00-open-dark").await;
    browser
        .client
        .execute(&theme("light"), vec![])
        .await
        .expect("light theme");

    // The seed job's step 1 is show(); the Filter becomes step 2, with a syntax error first.
    add_step(&browser, "Filter").await;
    type_into(&browser, "#f-steps-1-predicate", "device_id =").await;
    let error = browser
        .wait_text("#err-steps-1-predicate", |t| t.contains("SYNTAX_ERROR"))
        .await;
    assert!(!error.is_empty());
    let described = browser
        .find("#f-steps-1-predicate")
        .await
        .attr("aria-describedby")
        .await
        .expect("attribute")
        .unwrap_or_default();
    assert!(described.contains("err-steps-1-predicate"), "{described}");
    browser
        .wait_text("#editor-problems summary", |t| t.contains("problem"))
        .await;
    browser.screenshot("editor-01-syntax-error").await;

    // Fixed: the message goes.
    type_into(&browser, "#f-steps-1-predicate", " 'e36b7dfa'").await;
    browser
        .wait_text("#editor-problems summary", |t| t.starts_with("No problems"))
        .await;
    assert!(browser
        .client
        .find(Locator::Css("#err-steps-1-predicate"))
        .await
        .is_err());

    // A Map step, and the preview after it: one row, with the derived column.
    add_step(&browser, "Map").await;
    type_into(&browser, "#f-steps-2-columns-0-name", "device").await;
    type_into(&browser, "#f-steps-2-columns-0-expression", "upper(device_id)").await;
    browser.click("#preview-step-2-toggle").await;
    let preview = browser
        .wait_text("#preview-step-2", |t| t.contains("E36B7DFA") && !t.contains("Updating"))
        .await;
    assert!(preview.contains("1 row(s)"), "{preview}");
    assert!(!preview.contains("3ff9c44a"), "{preview}");
    scroll_to(&browser, "preview-step-2").await;
    browser.screenshot("editor-02-preview").await;

    // A rule the data cannot satisfy fails clearly in its own card; removed again.
    add_step(&browser, "RenameField").await;
    type_into(&browser, "#f-steps-3-old-name", "nope").await;
    type_into(&browser, "#f-steps-3-new-name", "x").await;
    let failure = browser
        .wait_text("#preview-step-3", |t| t.contains("fails on the data"))
        .await;
    assert!(failure.contains("nope"), "{failure}");
    scroll_to(&browser, "preview-step-3").await;
    browser.screenshot("editor-03-step-fails").await;
    // The footer agrees with the preview: the step that fails on the data is a problem, and
    // Save refuses while it is there.
    browser
        .wait_text("#editor-problems summary", |t| t == "1 problem")
        .await;
    browser.click("#editor-save").await;
    browser
        .wait_text("#editor-status", |t| t.starts_with("Not saved"))
        .await;
    browser.click("#step-3-remove").await;
    browser
        .wait_text("#editor-problems summary", |t| t.starts_with("No problems"))
        .await;

    // The script shows the rules as PySpark.
    let script = browser.text("#script-view").await;
    assert!(
        script.contains(".filter(\"device_id = 'e36b7dfa'\")") && script.contains("upper(device_id)"),
        "{script}"
    );

    browser.click("#editor-save").await;
    browser.wait_text("#editor-status", |t| t.starts_with("Saved")).await;

    // The workbench's shortcuts do not act behind the editor ("r" would run the job).
    let press_r =
        "document.getElementById('editor-save').dispatchEvent(new KeyboardEvent('keydown', {key: 'r', bubbles: true}))";
    browser.client.execute(press_r, vec![]).await.expect("press r");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let runs = browser.text("section[aria-labelledby='runs-title']").await;
    assert!(!runs.contains("RUNNING") && !runs.contains("SUCCEEDED"), "{runs}");

    // Escape closes the dialog and gives focus back to "Edit job".
    browser
        .client
        .active_element()
        .await
        .expect("focused element")
        .send_keys(ESCAPE)
        .await
        .expect("press Escape");
    for _ in 0..50 {
        if browser.client.find(Locator::Css("#editor-title")).await.is_err() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(browser.client.find(Locator::Css("#editor-title")).await.is_err());

    // The run writes only the filtered row, with the derived column.
    browser.click("#run-job").await;
    browser.wait_text(".runs tbody", |t| t.contains("SUCCEEDED")).await;
    let sink = browser.wait_text("table.sink", |t| t.contains("E36B7DFA")).await;
    assert!(!sink.contains("3ff9c44a"), "{sink}");
    browser.wait_text("#sink-summary", |t| t.starts_with("1 rows")).await;
    // The runs table shows the rows stage by stage: 2 read, the Filter leaves 1, 1 written.
    let chain = browser.text("tr.run-row td.run-rows").await;
    let counts: Vec<&str> = chain.split(" → ").collect();
    assert!(
        counts.len() >= 4 && counts[0] == "2" && counts.last() == Some(&"1") && counts.contains(&"1"),
        "{chain}"
    );
    browser.screenshot("editor-04-after-run").await;
    browser.close().await;
}

/// Captures the page's downloads instead of saving them: the Blob behind each object URL an
/// anchor with `download` is clicked for, as `window.__downloads` (name and blob).
const CAPTURE_DOWNLOADS: &str = r#"
    window.__downloads = [];
    const blobs = new Map();
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob) => { const url = create(blob); blobs.set(url, blob); return url; };
    HTMLAnchorElement.prototype.click = function () {
        if (this.download) window.__downloads.push({ name: this.download, blob: blobs.get(this.href) });
    };
"#;

/// The last captured download: its file name, MIME type and bytes.
const LAST_DOWNLOAD: &str = r#"
    const done = arguments[arguments.length - 1];
    const d = window.__downloads[window.__downloads.length - 1];
    if (!d) { done(null); return; }
    d.blob.arrayBuffer().then((buffer) => done({ name: d.name, type: d.blob.type, bytes: Array.from(new Uint8Array(buffer)) }));
"#;

#[derive(serde::Deserialize)]
struct Download {
    name: String,
    #[serde(rename = "type")]
    mime: String,
    bytes: Vec<u8>,
}

/// The value an input holds now.
async fn value_of(browser: &BrowserSession, css: &str) -> String {
    browser.prop(css, "value").await
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn columns_are_picked_from_the_preview_and_the_script_marks_the_step_being_edited() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    browser.upload_seed_file(1).await;
    browser.click("#edit-job").await;
    browser
        .wait_text("#editor-title", |t| t.contains("devices-data-etl"))
        .await;
    // Step 2 (after the seed's show()) is an ApplyMapping: its picker offers the columns the
    // preview read, with their Glue types, before any preview is switched on.
    add_step(&browser, "ApplyMapping").await;
    let picker = browser
        .wait_text("#step-1-columns", |t| {
            t.contains("device_id") && t.contains("timestamp")
        })
        .await;
    assert!(picker.contains("state"), "{picker}");
    browser.click("#step-1-columns button[title^='device_id:']").await;
    browser
        .wait_text("#editor-problems summary", |t| t.starts_with("No problems"))
        .await;
    assert_eq!(value_of(&browser, "#f-steps-1-mappings-0-source").await, "device_id");
    assert_eq!(value_of(&browser, "#f-steps-1-mappings-0-source-type").await, "string");
    assert_eq!(value_of(&browser, "#f-steps-1-mappings-0-target").await, "device_id");
    // A second column adds a row typed as the preview read it.
    let chip = browser.find("#step-1-columns button[title^='timestamp:']").await;
    let chip_text = chip.text().await.expect("chip text");
    browser.click("#step-1-columns button[title^='timestamp:']").await;
    let source_type = value_of(&browser, "#f-steps-1-mappings-1-source-type").await;
    assert_eq!(value_of(&browser, "#f-steps-1-mappings-1-source").await, "timestamp");
    assert!(
        chip_text.ends_with(&source_type) && !source_type.is_empty(),
        "{chip_text} / {source_type}"
    );

    // The script pane marks the line of the step whose card holds the focus.
    let marked = browser
        .wait_text("#script-view .script-line.editing", |t| t.contains("ApplyMapping"))
        .await;
    assert!(
        marked.contains("(\"device_id\", \"string\", \"device_id\", \"string\")"),
        "{marked}"
    );
    assert_eq!(browser.texts("#script-view .script-line.editing").await.len(), 1);
    scroll_to(&browser, "step-1").await;
    browser.screenshot("editor-06-picker-and-script-line").await;
    browser.click("#f-steps-0-rows").await;
    browser
        .wait_text("#script-view .script-line.editing", |t| t.contains(".show("))
        .await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_editor_downloads_the_job_as_a_cdk_app_that_holds_its_script() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    browser.click("#edit-job").await;
    browser
        .wait_text("#editor-title", |t| t.contains("devices-data-etl"))
        .await;
    browser
        .client
        .execute(CAPTURE_DOWNLOADS, vec![])
        .await
        .expect("capture downloads");
    scroll_to(&browser, "download-cdk").await;
    browser.screenshot_as_seen("editor-05-cdk-download").await;
    browser.click("#download-cdk").await;
    let got = browser
        .client
        .execute_async(LAST_DOWNLOAD, vec![])
        .await
        .expect("read the download");
    let got: Download = serde_json::from_value(got).expect("one download");
    assert_eq!(got.name, "devices-data-etl-cdk.zip");
    assert_eq!(got.mime, "application/zip");

    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(got.bytes)).expect("a zip");
    let mut file = |path: &str| {
        let mut entry = zip
            .by_name(&format!("devices-data-etl-cdk/{path}"))
            .unwrap_or_else(|_| panic!("{path} is in the zip"));
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).expect("utf-8");
        text
    };
    // The script is the one the editor shows; the app builds the job through the Glue L2
    // construct with its bookmark option, on the pinned aws-cdk-lib.
    let shown = browser.prop("#script-view", "textContent").await;
    assert_eq!(file("glue/devices-data-etl.py").trim_end(), shown.trim_end());
    let app = file("app.js");
    assert!(app.contains("PySparkEtlJob"), "{app}");
    assert!(app.contains("--job-bookmark-option"), "{app}");
    assert!(file("package.json").contains("\"aws-cdk-lib\": \"2.192.0\""));
    assert!(file("README.md").contains("node app.js"));
    assert!(file("package.sh").starts_with("#!"));
    browser.close().await;
}
