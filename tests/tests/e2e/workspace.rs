//! End-to-end tests of the workspace-level features: examples and their guided tours, share
//! links, import, IndexedDB persistence across a reload, keyboard shortcuts. The *built* app in
//! headless Chromium; run by `cargo xtask test` after it builds `dist/`. Screenshots land in
//! `target/e2e/`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::Locator;
use gluelab_core::{demo, snapshot};
use gluelab_tests::e2e::{open_seed_workbench, BrowserSession};

/// Presses one key as a user would (WebDriver key actions, to whatever has the focus).
async fn press(browser: &BrowserSession, key: char) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    browser.client.perform_actions(keys).await.expect("press a key");
}

/// Waits until the workspace on screen is saved in IndexedDB.
async fn wait_saved(browser: &BrowserSession) -> String {
    browser
        .wait_text("#save-status", |t| t.starts_with("saved in this browser"))
        .await
}

async fn value(browser: &BrowserSession, css: &str) -> String {
    browser
        .find(css)
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

async fn count(browser: &BrowserSession, css: &str) -> usize {
    browser
        .client
        .find_all(Locator::Css(css))
        .await
        .expect("find_all")
        .len()
}

/// Asserts that `css` matches nothing, now and a moment later (the UI settles).
async fn assert_absent(browser: &BrowserSession, css: &str) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count(browser, css).await, 0, "`{css}` should not be on the page");
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_first_visit_offers_the_seed_tour_and_the_csv_tour_plays_to_the_end() {
    let (_server, browser) = open_seed_workbench().await;
    // A first visit: the seed example with its tour offered, and how long the page took.
    browser.wait_text("#tour-progress", |t| t == "Step 1 of 14").await;
    assert_eq!(browser.text("#tour-step-title").await, "Upload file 1");
    let first_render = browser
        .client
        .execute(
            "const m = performance.getEntriesByName('gluelab-first-render'); return m.length ? m[0].startTime : null",
            vec![],
        )
        .await
        .expect("execute script");
    let first_render = first_render.as_f64().expect("the app marks its first render");
    eprintln!("first interactive render of the demo workspace: {first_render:.0} ms after navigation start");
    browser.screenshot("ws-01-first-visit").await;

    // The example picker: titles and summaries; the CSV example replaces the workspace.
    browser.click("#open-examples").await;
    let dialog = browser.text("#examples-dialog").await;
    assert!(
        dialog.contains("A CSV job with a header row") && dialog.contains("skip.header.line.count = 1"),
        "{dialog}"
    );
    // Every ready example core ships, one card each.
    let examples = demo::examples::examples().len();
    assert_eq!(
        count(&browser, ".example-card[data-example]").await,
        examples,
        "{dialog}"
    );
    // Below the examples, the workshop's challenges (tests/tests/e2e/exercise.rs plays one).
    assert_eq!(count(&browser, ".example-card[data-challenge]").await, 3, "{dialog}");
    browser.screenshot("ws-02-examples").await;
    browser.click(".example-card[data-example='csv-header']").await;
    browser.wait_text("#job-name", |t| t == "sales-csv-etl").await;
    // The query box follows the example: its own sink table, not the seed's.
    let mut sql = String::new();
    for _ in 0..50 {
        sql = value(&browser, "#sql").await;
        if sql.contains("sales") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sql, r#"SELECT * FROM "sales"."orders""#);
    assert_absent(&browser, "#examples-dialog").await;
    browser.wait_text("#tour-progress", |t| t == "Step 1 of 4").await;
    assert_eq!(browser.text("#tour-step-title").await, "Upload January");

    // Step 1: the upload lands in the table's location.
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 2 of 4").await;
    let outcome = browser.text("#tour-outcome").await;
    assert!(
        outcome.contains("uploaded s3://sales-raw/orders/sales-2024-01.csv"),
        "{outcome}"
    );
    browser
        .wait_text(".object-row", |t| t.contains("sales-2024-01.csv"))
        .await;

    // Step 2: the run (in the job-run worker, like every run) reads three rows, not the header.
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 3 of 4").await;
    browser
        .wait_text("#tour-outcome", |t| t.contains("SUCCEEDED: read 3 row(s)"))
        .await;
    browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 1)
        .await;

    // Back undoes the run; doing it again gives the same run.
    browser.click("#tour-back").await;
    browser.wait_text("#tour-progress", |t| t == "Step 2 of 4").await;
    browser
        .wait_text("section[aria-labelledby='runs-title']", |t| t.contains("No runs yet"))
        .await;
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 3 of 4").await;
    browser
        .wait_text("#tour-outcome", |t| t.contains("SUCCEEDED: read 3 row(s)"))
        .await;

    // Steps 3 and 4: only February is read.
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 4 of 4").await;
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "4 of 4 done").await;
    assert_eq!(browser.text("#tour-step-title").await, "Tour complete");
    browser
        .wait_text("#tour-outcome", |t| t.contains("SUCCEEDED: read 2 row(s)"))
        .await;
    assert!(browser
        .find("#tour-next")
        .await
        .attr("disabled")
        .await
        .unwrap()
        .is_some());

    // The bookmark's history: newest first, the commit's changed fields highlighted.
    let versions = browser.texts("#bookmark-versions li").await;
    assert!(versions.len() >= 4, "{versions:?}");
    assert!(versions[0].contains("committed by run"), "{versions:?}");
    let changed = browser.texts("#bookmark-fields tr.changed").await;
    assert!(changed.iter().any(|r| r.starts_with("Version")), "{changed:?}");
    assert!(
        changed.iter().any(|r| r.starts_with("PreviousRunId")),
        "the second commit names the first run: {changed:?}"
    );
    assert!(changed.iter().all(|r| r.contains('→')), "{changed:?}");
    browser.screenshot("ws-03-csv-tour-done").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_share_link_opens_the_workspace_and_a_tampered_one_is_refused() {
    let (server, browser) = open_seed_workbench().await;
    browser.upload_seed_file(1).await;
    browser.click("#share-workspace").await;
    let link = value(&browser, "#share-link").await;
    assert!(link.starts_with(&format!("{}#w=", server.url)), "{link}");
    browser.screenshot("ws-04-share-link").await;

    // Someone else's workspace, then the link: the shared workspace, undoably.
    browser.choose("select[aria-label='Load a workspace']", "empty").await;
    browser
        .wait_text("section[aria-labelledby='job-title']", |t| t.contains("No job"))
        .await;
    wait_saved(&browser).await;
    browser.client.goto("about:blank").await.unwrap();
    browser.client.goto(&link).await.unwrap();
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    browser
        .wait_text(".object-row", |t| t.contains("raw-data-1.json"))
        .await;
    let notice = browser.text("#notice").await;
    assert!(notice.contains("Opened the workspace from the link"), "{notice}");
    let url = browser.client.current_url().await.unwrap();
    assert!(!url.as_str().contains("#w="), "the fragment is cleared: {url}");
    browser.click("#undo").await;
    browser
        .wait_text("section[aria-labelledby='job-title']", |t| t.contains("No job"))
        .await;
    browser.click("#redo").await;
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    wait_saved(&browser).await;

    // A damaged link: a clear error, and the workspace stays.
    let tampered = &link[..link.len() - 12];
    browser.client.goto("about:blank").await.unwrap();
    browser.client.goto(tampered).await.unwrap();
    let notice = browser.wait_text("#notice", |t| t.contains("was not opened")).await;
    assert!(notice.contains("damaged or was not made by gluelab"), "{notice}");
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    browser
        .wait_text(".object-row", |t| t.contains("raw-data-1.json"))
        .await;
    browser.screenshot("ws-05-tampered-link").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_imported_file_replaces_the_workspace_and_survives_a_reload() {
    let (_server, browser) = open_seed_workbench().await;
    wait_saved(&browser).await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    let bytes = snapshot::save(&demo::examples::load("csv-header").unwrap());
    let good = dir.join("csv-header.gluelab.json");
    std::fs::write(&good, &bytes).unwrap();
    let damaged = dir.join("damaged.gluelab.json");
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
    let good = good.canonicalize().unwrap();
    let damaged = damaged.canonicalize().unwrap();

    browser.choose_file("#import-file", &good).await;
    browser.wait_text("#job-name", |t| t == "sales-csv-etl").await;
    let notice = browser.text("#notice").await;
    assert!(notice.contains("Imported csv-header.gluelab.json"), "{notice}");

    // A damaged file: its error, and nothing replaced.
    browser.choose_file("#import-file", &damaged).await;
    let notice = browser.wait_text("#notice", |t| t.contains("was not imported")).await;
    assert!(notice.contains("damaged.gluelab.json"), "{notice}");
    assert_eq!(browser.text("#job-name").await, "sales-csv-etl");

    // A reload opens what was saved in IndexedDB, with its size, and offers no tour.
    let saved = wait_saved(&browser).await;
    assert!(saved.ends_with(" KB") || saved.ends_with(" MB"), "{saved}");
    browser.client.refresh().await.unwrap();
    browser.wait_text("#job-name", |t| t == "sales-csv-etl").await;
    wait_saved(&browser).await;
    assert_absent(&browser, "#tour").await;
    browser.screenshot("ws-06-after-reload").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn shortcuts_run_the_job_but_not_while_typing() {
    let (_server, browser) = open_seed_workbench().await;
    browser.upload_seed_file(1).await;
    assert_eq!(
        browser
            .find("#undo")
            .await
            .attr("aria-keyshortcuts")
            .await
            .unwrap()
            .as_deref(),
        Some("Z Control+Z")
    );

    // r runs the job.
    browser.click("#clock-now").await;
    press(&browser, 'r').await;
    browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 1)
        .await;

    // Typing r in the SQL box types it and runs nothing.
    let before = value(&browser, "#sql").await;
    browser.click("#sql").await;
    press(&browser, 'r').await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let after = value(&browser, "#sql").await;
    assert_eq!(after.matches('r').count(), before.matches('r').count() + 1, "{after}");
    assert_eq!(browser.text(".runs tbody").await.matches("SUCCEEDED").count(), 1);

    // ? shows the help, Escape closes it; z undoes the run.
    browser.click("#clock-now").await;
    press(&browser, '?').await;
    let help = browser.text("#shortcut-help").await;
    assert!(help.contains("Run the job") && help.contains("Undo"), "{help}");
    browser.screenshot("ws-07-shortcut-help").await;
    press(&browser, '\u{e00c}').await;
    assert_absent(&browser, "#shortcut-help").await;
    press(&browser, 'z').await;
    browser
        .wait_text("section[aria-labelledby='runs-title']", |t| t.contains("No runs yet"))
        .await;
    browser.close().await;
}

/// The bytes stored under `key` in the app's IndexedDB (`None` when there are none).
async fn stored(browser: &BrowserSession, key: &str) -> Option<Vec<u8>> {
    browser
        .script(&format!(
            "return new Promise((ok, fail) => {{ const open = indexedDB.open('gluelab', 1); \
             open.onerror = () => fail(open.error); open.onsuccess = () => {{ \
             const get = open.result.transaction('snapshots').objectStore('snapshots').get('{key}'); \
             get.onerror = () => fail(get.error); \
             get.onsuccess = () => {{ open.result.close(); ok(get.result ? Array.from(get.result) : null); }}; }}; }})"
        ))
        .await
}

/// Stores `bytes` under `key` in the app's IndexedDB, as a damaged save would have left them.
async fn plant(browser: &BrowserSession, key: &str, bytes: &[u8]) {
    let _: bool = browser
        .script(&format!(
            "return new Promise((ok, fail) => {{ const open = indexedDB.open('gluelab', 1); \
             open.onerror = () => fail(open.error); open.onsuccess = () => {{ \
             const tx = open.result.transaction('snapshots', 'readwrite'); \
             tx.objectStore('snapshots').put(new Uint8Array({bytes:?}), '{key}'); \
             tx.oncomplete = () => {{ open.result.close(); ok(true); }}; tx.onerror = () => fail(tx.error); }}; }})"
        ))
        .await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_saved_workspace_that_does_not_load_is_kept_offered_and_never_saved_over() {
    let (_server, browser) = open_seed_workbench().await;
    wait_saved(&browser).await;
    // A save from a newer gluelab (or a damaged one).
    let damaged = br#"{"format":"gluelab-workspace","version":999}"#.to_vec();
    plant(&browser, "workspace", &damaged).await;
    browser.client.refresh().await.unwrap();
    let message = browser
        .wait_text("#rejected-workspace", |t| t.contains("did not load"))
        .await;
    assert!(message.contains("saves nothing over it"), "{message}");
    let notice = browser.text("#notice").await;
    assert!(notice.contains("was not loaded"), "{notice}");
    browser.find("#download-rejected").await;
    browser.find("#retry-rejected").await;
    browser.screenshot("ws-07-rejected-saved-workspace").await;

    // Working on the demo meanwhile saves nothing over the stored bytes.
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    browser.upload_seed_file(1).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(stored(&browser, "workspace").await.as_deref(), Some(damaged.as_slice()));
    let status = browser.text("#save-status").await;
    assert!(status.contains("not saved"), "{status}");

    // Download offers exactly those bytes; Retry loads them again (still refused, still kept).
    browser.click("#download-rejected").await;
    browser.click("#retry-rejected").await;
    browser
        .wait_text("#rejected-workspace", |t| t.contains("did not load"))
        .await;
    assert_eq!(stored(&browser, "workspace").await.as_deref(), Some(damaged.as_slice()));

    // Start over: the workspace on screen is saved in its place, and a reload opens it.
    browser.click("#discard-rejected").await;
    assert_absent(&browser, "#rejected-workspace").await;
    wait_saved(&browser).await;
    assert_ne!(stored(&browser, "workspace").await.as_deref(), Some(damaged.as_slice()));
    browser.client.refresh().await.unwrap();
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    assert_absent(&browser, "#rejected-workspace").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_second_tab_says_the_first_owns_saving_and_never_saves_over_it() {
    let (server, browser) = open_seed_workbench().await;
    wait_saved(&browser).await;
    let first = browser.client.window().await.unwrap();
    let second = browser.client.new_window(true).await.unwrap().handle;
    browser.client.switch_to_window(second.clone()).await.unwrap();
    browser.client.goto(&server.url).await.unwrap();
    let told = browser.wait_text("#other-tab", |t| t.contains("owns saving")).await;
    assert!(told.contains("not saved"), "{told}");
    let status = browser.text("#save-status").await;
    assert!(status.contains("another gluelab tab owns saving"), "{status}");
    browser.screenshot("ws-08-second-tab").await;

    // An edit in the second tab saves nothing.
    let saved_by_first = stored(&browser, "workspace").await.expect("the first tab saved");
    browser.upload_seed_file(2).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(stored(&browser, "workspace").await, Some(saved_by_first.clone()));

    // The first tab goes on saving, and is not told anything.
    browser.client.switch_to_window(first).await.unwrap();
    assert_absent(&browser, "#other-tab").await;
    browser.upload_seed_file(1).await;
    wait_saved(&browser).await;
    let now = stored(&browser, "workspace").await.expect("saved");
    assert_ne!(now, saved_by_first);
    let ws = snapshot::load(&now).expect("the first tab's save loads");
    let keys: Vec<String> = ws.store().buckets().flat_map(|b| b.objects().keys().cloned()).collect();
    assert!(keys.iter().any(|k| k.ends_with("raw-data-1.json")), "{keys:?}");
    assert!(!keys.iter().any(|k| k.ends_with("raw-data-2.json")), "{keys:?}");
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_change_made_just_before_the_page_hides_is_saved() {
    let (_server, browser) = open_seed_workbench().await;
    wait_saved(&browser).await;
    // Timers stop, as they do on a page being closed: only the flush on `pagehide` can save.
    browser
        .script::<Option<bool>>("window.setTimeout = () => 0; return null")
        .await;
    browser.click("#pass-15m").await;
    let after = browser.text("#clock-now").await;
    browser.wait_text("#save-status", |t| t.starts_with("saving")).await;
    browser
        .script::<Option<bool>>("window.dispatchEvent(new Event('pagehide')); return null")
        .await;
    wait_saved(&browser).await;
    browser.client.refresh().await.unwrap();
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    browser.wait_text("#clock-now", |t| t == after).await;
    browser.close().await;
}
