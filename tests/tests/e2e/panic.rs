//! End-to-end test of the panic screen (app/src/panic_screen.rs): a real panic in the *built*
//! app, whose release wasm aborts on it, leaves a screen that says what happened, offers the last
//! saved workspace as a download and reloads into it; never a dead page. Run by
//! `cargo xtask test` after it builds `dist/`. Screenshots land in `target/e2e/`.
#![cfg(not(target_arch = "wasm32"))]

use std::time::Duration;

use gluelab_core::snapshot;
use gluelab_tests::e2e::{open_seed_workbench_at, BrowserSession};

/// The workspace saved in IndexedDB as text (persistence.rs's store and key), or null.
const SAVED_WORKSPACE: &str = r#"
    const done = arguments[arguments.length - 1];
    const open = indexedDB.open('gluelab');
    open.onerror = () => done(null);
    open.onsuccess = () => {
        const get = open.result.transaction('snapshots').objectStore('snapshots').get('workspace');
        get.onerror = () => done(null);
        get.onsuccess = () => done(get.result ? new TextDecoder().decode(get.result) : null);
    };
"#;

/// Keeps the Blob behind every object URL the page makes from now on: the page's policy
/// (connect-src 'self') lets no script fetch a `blob:` URL, not even the test's.
const KEEP_OBJECT_URLS: &str = r#"
    window.__blobs = new Map();
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob) => { const url = create(blob); window.__blobs.set(url, blob); return url; };
    return true;
"#;

/// The text of the Blob behind the object URL `arguments[0]`, or null if the page made none.
const OBJECT_URL_TEXT: &str = r#"
    const done = arguments[arguments.length - 1];
    const blob = window.__blobs.get(arguments[0]);
    blob ? blob.text().then(done) : done(null);
"#;

/// Waits until the workspace saved in this browser holds the run `run_id` (a save follows a
/// run's end after a short delay).
async fn wait_saved_with(browser: &BrowserSession, run_id: &str) {
    for _ in 0..100 {
        let saved = browser.client.execute_async(SAVED_WORKSPACE, vec![]).await;
        if saved.ok().and_then(|v| v.as_str().map(|s| s.contains(run_id))) == Some(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the saved workspace never held run {run_id}");
}

/// The full id of the newest run in the runs table.
async fn newest_run_id(browser: &BrowserSession) -> String {
    let cell = browser.find(".runs tbody td.mono").await;
    cell.attr("title").await.expect("attribute").expect("the run's id")
}

/// Panics in the page through the app's export; the call itself fails, as the instance aborts.
async fn debug_panic(browser: &BrowserSession, message: &str) {
    let code = format!(
        "window.wasmBindings.debugPanic({})",
        serde_json::to_string(message).expect("a string")
    );
    let _ = browser.client.execute(&code, vec![]).await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_panic_shows_the_panic_screen_with_the_saved_workspace_to_download_and_a_reload() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    browser.upload_seed_file_and_run(1, 1).await;
    let run_id = newest_run_id(&browser).await;
    browser
        .wait_text("#save-status", |t| t.starts_with("saved in this browser"))
        .await;
    wait_saved_with(&browser, &run_id).await;

    let _: bool = browser.script(KEEP_OBJECT_URLS).await;
    // Markup in the message is shown as text.
    debug_panic(&browser, "<b>not bold</b>").await;
    let screen = browser.find("#panic-screen").await;
    assert!(
        screen.is_displayed().await.expect("displayed"),
        "the panic screen is visible"
    );
    assert_eq!(screen.attr("role").await.unwrap().as_deref(), Some("alertdialog"));
    let text = screen.text().await.expect("text");
    assert!(text.contains("gluelab stopped because of a bug"), "{text}");
    assert!(
        text.contains("kept in this browser and comes back when you reload"),
        "{text}"
    );
    let message = browser.prop("#panic-message", "textContent").await;
    assert!(message.contains("debugPanic: <b>not bold</b>"), "{message}");
    assert!(
        browser.texts("#panic-message *").await.is_empty(),
        "the message is text, not markup"
    );

    // The download: the workspace as last saved, with the run.
    let download = browser.find("#panic-download").await;
    assert_eq!(
        download.attr("download").await.unwrap().as_deref(),
        Some("gluelab-workspace.json")
    );
    let href = download.attr("href").await.unwrap().unwrap_or_default();
    assert!(href.starts_with("blob:"), "{href}");
    let body = browser
        .client
        .execute_async(OBJECT_URL_TEXT, vec![href.clone().into()])
        .await
        .expect("read the download");
    let body = body.as_str().unwrap_or_default().to_owned();
    let workspace = snapshot::load(body.as_bytes()).unwrap_or_else(|e| panic!("a workspace ({e}): {body:.200}"));
    assert!(
        workspace.runs().iter().any(|run| run.id == run_id),
        "the download holds run {run_id}"
    );
    browser.screenshot("panic-01-screen").await;

    // Reload: the saved workspace with its run, and no panic screen.
    browser.click("#panic-reload").await;
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 1)
        .await;
    assert_eq!(newest_run_id(&browser).await, run_id);
    assert!(
        browser.texts("#panic-screen").await.is_empty(),
        "a reload starts a working page"
    );

    // In the dark theme too.
    browser.click("button[aria-label='Toggle dark theme']").await;
    debug_panic(&browser, "a second look, in the dark theme").await;
    browser.find("#panic-download").await;
    browser.screenshot("panic-02-screen-dark").await;
    browser.close().await;
}

/// Previews of users' files are read in the preview worker: a reader that crashes on a file
/// (made to, here, through the app's `debugPanicPreviews`) stops that worker, and the preview
/// says so; the page, its workspace and later previews carry on.
#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_crash_while_previewing_a_file_is_an_error_in_the_preview_not_a_dead_page() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    browser.upload_seed_file(1).await;
    let preview = "button[aria-label='Preview raw-data-1.json']";
    browser.click(preview).await;
    browser
        .wait_text(".object-preview .preview-summary", |t| {
            t.starts_with("All 1 row · json")
        })
        .await;
    browser.click(preview).await;

    // The worker crashes on the next preview asked for.
    let _ = browser
        .client
        .execute("window.wasmBindings.debugPanicPreviews(); return true", vec![])
        .await;
    browser.click(preview).await;
    let error = browser
        .wait_text(".object-preview .preview-error", |t| !t.is_empty())
        .await;
    assert!(
        error.contains("The preview's reader stopped") && error.contains("The page and the workspace are unharmed"),
        "{error}"
    );
    assert!(
        browser.texts("#panic-screen").await.is_empty(),
        "no panic screen: the page lives"
    );
    // The S3 panel alone, in a taller window: at 1280×720 the preview sits below the fold.
    browser.client.set_window_size(1280, 1600).await.expect("resize");
    browser
        .screenshot_of(".s3-browser", "panic-03-preview-worker-stopped")
        .await;
    browser.client.set_window_size(1280, 720).await.expect("resize");

    // The page still works, and the next preview starts a new worker.
    browser.upload_seed_file(2).await;
    browser.click(preview).await;
    browser.click(preview).await;
    browser
        .wait_text(".object-preview .preview-summary", |t| {
            t.starts_with("All 1 row · json")
        })
        .await;
    browser.click("#run-job").await;
    browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 1)
        .await;
    assert!(browser.texts("#panic-screen").await.is_empty());
    browser.close().await;
}
