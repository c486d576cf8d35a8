//! The Relationalize example played with its own buttons at a projector's size: orders with
//! nested items split into a root table and a child table, keys that continue across
//! bookmarked runs, and a file read again written again under new keys. The sink panel lists
//! each sink on its own tab and badges the duplicates no key can find; the bookmark holds the
//! Relationalize step's state. Then the editor's Relationalize and collection-table fields.

use std::time::Duration;

use gluelab_tests::e2e::*;

const NEW_KEY_TITLE: &str = "The same source line written again under a new generated key: no key can find this copy. Click to see the first row.";

/// The titles of the "new key" badges in the listed sink.
async fn new_key_titles(browser: &BrowserSession) -> Vec<String> {
    browser
        .script("return [...document.querySelectorAll('tr.sink-row .badge.dup.new-key')].map(b => b.title)")
        .await
}

/// Sets the text input `css` to `value` as typed text.
async fn type_value(browser: &BrowserSession, css: &str, value: &str) {
    let code = format!(
        "const f = document.querySelector({}); f.value = {}; f.dispatchEvent(new Event('input')); return true",
        serde_json::to_string(css).expect("a string"),
        serde_json::to_string(value).expect("a string")
    );
    let _: bool = browser.script(&code).await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_file_read_again_is_written_again_under_new_keys_in_both_tables() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    browser.open_example("relationalize-keys").await;
    browser.wait_text("#job-name", |t| t == "orders-flatten").await;
    browser.at_tour_step(1, 7).await;

    // Upload orders-1.json and run: keys 1 and 2.
    browser.click("#tour-next").await;
    browser.at_tour_step(2, 7).await;
    browser.click("#tour-next").await;
    browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 1)
        .await;
    browser.at_tour_step(3, 7).await;
    // Two sinks: one tab each, the first chosen.
    let tabs = browser.texts(".sink-tabs .sink-tab").await;
    assert_eq!(
        tabs,
        ["shop.orders_flat", "shop.orders_items (collection table orders_items)"],
        "{tabs:?}"
    );
    assert_eq!(
        browser
            .find("#sink-tab-0")
            .await
            .attr("aria-pressed")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    browser
        .wait_text("#sink-summary", |t| t.starts_with("2 rows · 0 duplicates"))
        .await;

    // Upload orders-2.json and run: only it is read, its key continues at 3.
    browser.click("#tour-next").await;
    browser.at_tour_step(4, 7).await;
    browser.click("#tour-next").await;
    browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 2)
        .await;
    browser.at_tour_step(5, 7).await;

    // 20 minutes pass, orders-1.json is overwritten with one more order, and the run reads it
    // all again: orders 1001 and 1002 are written again under keys 4 and 5.
    browser.click("#tour-next").await;
    browser.at_tour_step(6, 7).await;
    browser.click("#tour-next").await;
    browser.at_tour_step(7, 7).await;
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "7 of 7 done").await;
    let runs = browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 3)
        .await;
    assert!(!runs.contains("FAILED"), "{runs}");
    let verdicts = browser.wait_text("#verdicts", |t| t.contains("orders-1.json")).await;
    assert!(verdicts.contains("orders-1.json was read again"), "{verdicts}");

    // orders_flat: 6 rows, the 2 re-read orders badged as duplicates under new keys.
    let summary = browser.wait_text("#sink-summary", |t| t.starts_with("6 rows")).await;
    assert!(
        summary.starts_with("6 rows · 2 duplicates, 2 of them under new keys"),
        "{summary}"
    );
    assert_eq!(browser.texts("table.sink tr.sink-row").await.len(), 6);
    let badges = browser.texts("tr.sink-row .badge.dup.new-key").await;
    assert_eq!(badges.len(), 2, "{badges:?}");
    assert!(
        badges.iter().all(|b| b.to_lowercase() == "duplicate · new key ↑"),
        "{badges:?}"
    );
    assert!(
        new_key_titles(&browser).await.iter().all(|t| t == NEW_KEY_TITLE),
        "{:?}",
        new_key_titles(&browser).await
    );
    // The rows name their source by its path under the table's folder, and line.
    let sink = browser.text("table.sink tbody").await;
    assert!(
        sink.contains("orders-1.json:1") && sink.contains("orders-2.json:1"),
        "{sink}"
    );
    browser
        .screenshot_after_spotlight("relationalize-01-done-as-seen")
        .await;
    browser.scroll_to("#sink-title").await;
    browser.screenshot_as_seen("relationalize-02-orders-flat-as-seen").await;

    // orders_items: 8 rows, the 3 items of the re-read orders under new keys.
    browser.click("#sink-tab-1").await;
    let summary = browser.wait_text("#sink-summary", |t| t.starts_with("8 rows")).await;
    assert!(
        summary.starts_with("8 rows · 3 duplicates, 3 of them under new keys"),
        "{summary}"
    );
    assert_eq!(
        browser
            .find("#sink-tab-1")
            .await
            .attr("aria-pressed")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    let header = browser.text("table.sink thead").await;
    assert!(header.contains("items.val.sku"), "{header}");
    assert_eq!(browser.texts("table.sink tr.sink-row").await.len(), 8);
    assert_eq!(new_key_titles(&browser).await.len(), 3);
    browser.scroll_to("#sink-title").await;
    browser
        .screenshot_as_seen("relationalize-03-orders-items-as-seen")
        .await;
    // The presenter's strip, were it on, counts the tab the panel lists; back to the root table.
    browser.click("#sink-tab-0").await;
    browser.wait_text("#sink-summary", |t| t.starts_with("6 rows")).await;

    // The bookmark keeps the Relationalize step's last key under its transformation_ctx.
    let bookmark = browser.prop("#bookmark-json", "textContent").await;
    assert!(bookmark.contains("RelationalizeJobBookmarkState"), "{bookmark}");
    assert!(bookmark.contains(r#"\"lastGeneratedKey\":\"6\""#), "{bookmark}");
    browser.scroll_to("#bookmark-json").await;
    browser.screenshot_as_seen("relationalize-04-bookmark-as-seen").await;
    assert!(browser.unnamed_controls().await.is_empty());
    let low = browser.low_contrast_text().await;
    assert!(low.is_empty(), "{low:?}");
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_editor_round_trips_the_relationalize_ctx_and_a_sinks_collection_table() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    browser.open_example("relationalize-keys").await;
    browser.wait_text("#job-name", |t| t == "orders-flatten").await;
    browser.click("#edit-job").await;
    browser
        .wait_text("#editor-title", |t| t.contains("orders-flatten"))
        .await;
    // As the example defines them.
    assert_eq!(
        browser.prop("#f-steps-0-transformation-ctx", "value").await,
        "relationalize"
    );
    assert_eq!(browser.prop("#f-sinks-0-collection-key", "value").await, "");
    assert_eq!(browser.prop("#f-sinks-1-collection-key", "value").await, "orders_items");
    // The choices are the tables the source's array column makes.
    let hint = browser.text("#f-sinks-1-collection-key-hint").await;
    assert!(hint.contains("Relationalize makes orders_items"), "{hint}");

    // A new ctx, and sink 1 writing the root table: saved, the script says both.
    type_value(&browser, "#f-steps-0-transformation-ctx", "relationalize_v2").await;
    browser.choose("#f-sinks-1-collection-key", "").await;
    browser.wait_text("#editor-dirty", |t| !t.is_empty()).await;
    browser.click("#editor-save").await;
    browser.wait_text("#editor-status", |t| t.starts_with("Saved")).await;
    let script = browser.prop("#script-view", "textContent").await;
    assert!(
        script.contains(r#"name="orders", transformation_ctx="relationalize_v2")"#),
        "{script}"
    );
    assert!(
        script.contains(r#"from_catalog(frame=df, database="shop", table_name="orders_items""#),
        "{script}"
    );
    browser.scroll_to("#f-steps-0-transformation-ctx").await;
    browser.screenshot_as_seen("relationalize-05-editor-ctx").await;

    // And back to the child table.
    browser.choose("#f-sinks-1-collection-key", "orders_items").await;
    browser.click("#editor-save").await;
    let script = browser
        .wait_text("#script-view", |t| t.contains("dfc.select(\"orders_items\")"))
        .await;
    assert!(
        script.contains(r#"from_catalog(frame=dfc.select("orders_items"), database="shop", table_name="orders_items""#),
        "{script}"
    );
    browser.scroll_to("#f-sinks-1-collection-key").await;
    browser.screenshot_as_seen("relationalize-06-editor-collection").await;

    // The saved job, not the draft: after a reload the editor opens on what was saved.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    browser
        .wait_text("#save-status", |t| t.starts_with("saved in this browser"))
        .await;
    browser.client.refresh().await.unwrap();
    browser.wait_text("#job-name", |t| t == "orders-flatten").await;
    browser.click("#edit-job").await;
    assert_eq!(
        browser.prop("#f-steps-0-transformation-ctx", "value").await,
        "relationalize_v2"
    );
    assert_eq!(browser.prop("#f-sinks-1-collection-key", "value").await, "orders_items");
    browser.close().await;
}
