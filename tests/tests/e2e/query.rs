//! End-to-end tests of the query box: queries run in the query worker, page through a result,
//! can be cancelled, fail clearly when too large, and are remembered across a reload. The
//! *built* app in headless Chromium; run by `cargo xtask test`. Screenshots in `target/e2e/`.
#![cfg(not(target_arch = "wasm32"))]

use gluelab_tests::e2e::{open_seed_workbench, BrowserSession};

const SINK: &str = r#""devices_data_analystics"."devices_integrated_data""#;

/// Readings as JSON lines (the demo job's table format), uploaded through the file picker,
/// then one run, so the sink holds every generated line.
async fn fill_the_sink(browser: &BrowserSession, name: &str, bytes: usize) {
    let path = std::env::temp_dir().join(format!("gluelab-e2e-{}-{name}", std::process::id()));
    std::fs::write(&path, gluelab_tests::bench::json_input(bytes)).expect("write the generated file");
    browser.choose_file("#file-picker", &path).await;
    browser.wait_text("table.objects", |t| t.contains(name)).await;
    browser.click("#run-job").await;
    browser
        .wait_text(".runs tbody", |t| t.contains("SUCCEEDED") && !t.contains("RUNNING"))
        .await;
    let _ = std::fs::remove_file(path);
}

async fn first_cells(browser: &BrowserSession) -> Vec<String> {
    browser.texts(".query-result tbody tr:first-child td").await
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_query_runs_in_the_worker_pages_through_its_result_cancels_and_is_remembered() {
    let (_server, browser) = open_seed_workbench().await;
    fill_the_sink(&browser, "readings.json", 4 * 1024 * 1024).await;

    // The whole count, the first page, the time it took.
    let ordered = format!("SELECT device_id, timestamp FROM {SINK} ORDER BY timestamp");
    browser.run_query(&ordered).await;
    let count = browser
        .wait_text("#query-count", |t| t.contains("rows 1–200 shown"))
        .await;
    let total: usize = count.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(total > 50_000, "{count}");
    assert!(browser.text("#query-elapsed").await.starts_with("in "));
    assert_eq!(browser.texts(".query-result tbody tr").await.len(), 200);
    assert_eq!(first_cells(&browser).await[1], "1609348014");
    // Paging asks the worker for the next 200 rows; the page holds one page only.
    browser.click("#query-next").await;
    browser
        .wait_text("#query-count", |t| t.contains("rows 201–400 shown"))
        .await;
    assert_eq!(first_cells(&browser).await[1], "1609348214");
    assert_eq!(browser.texts(".query-result tbody tr").await.len(), 200);
    browser.screenshot("q12-query-page-2").await;
    browser.click("#query-prev").await;
    browser
        .wait_text("#query-count", |t| t.contains("rows 1–200 shown"))
        .await;
    assert_eq!(first_cells(&browser).await[1], "1609348014");

    // A result too large to hold fails with the limit named, while it is built.
    browser
        .run_query(&format!("SELECT lpad(device_id, 1000000, 'x') AS wide FROM {SINK}"))
        .await;
    let error = browser.wait_text("#query-error", |t| !t.is_empty()).await;
    assert!(
        error.contains("EXCEEDED_LOCAL_MEMORY_LIMIT") && error.contains("larger than 256 MiB"),
        "{error}"
    );
    assert!(browser.text("#query-elapsed").await.starts_with("Failed after "));

    // A slow query can be cancelled while it runs; the next query gets a fresh worker.
    // Cancel is pressed on the next tick after Run, as a quick user would: the worker is
    // still reading the sink then (WebDriver's own round trips are slower than this query).
    let slow = format!("SELECT count(DISTINCT lpad(device_id, 3000, state)) FROM {SINK}");
    let code = format!(
        "const box = document.querySelector('#sql'); box.value = {}; box.dispatchEvent(new Event('input'));
         document.querySelector('#run-query').click();
         await new Promise(r => setTimeout(r, 0));
         const running = document.querySelector('#query-running')?.textContent ?? '';
         document.querySelector('#cancel-query').click();
         return running;",
        serde_json::to_string(&slow).unwrap()
    );
    let running: String = browser.script(&format!("return (async () => {{ {code} }})()")).await;
    assert!(running.starts_with("Running…"), "{running:?}");
    let cancelled = browser.wait_text("#query-cancelled", |t| !t.is_empty()).await;
    assert!(cancelled.starts_with("Cancelled after "), "{cancelled}");
    assert!(browser.texts(".query-result").await.is_empty());
    browser.run_query(&format!("SELECT count(*) FROM {SINK}")).await;
    browser.wait_text("#query-count", |t| t == "1 rows").await;
    assert_eq!(first_cells(&browser).await, [total.to_string()]);

    // The history survives a reload; a click puts a query back in the box.
    browser.client.refresh().await.expect("reload");
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    let history = browser.texts("#query-history li").await;
    assert_eq!(history.len(), 4, "{history:?}");
    browser.click("details.query-history summary").await;
    let history = browser.texts("#query-history li").await;
    assert_eq!(history[0], format!("SELECT count(*) FROM {SINK}"));
    assert_eq!(history[3], ordered);
    browser.click("#query-history li:last-child button").await;
    let sql: String = browser.script("return document.querySelector('#sql').value").await;
    assert_eq!(sql, ordered);
    browser.screenshot("q12-query-history").await;
    browser.close().await;
}

async fn count_rows(browser: &BrowserSession) -> usize {
    browser.run_query(&format!("SELECT count(*) AS n FROM {SINK}")).await;
    browser.wait_text("#query-count", |t| t == "1 rows").await;
    let cells = first_cells(browser).await;
    cells[0].parse().unwrap_or_else(|_| panic!("a count: {cells:?}"))
}

/// The worker gets the workspace a run returned as it came (not serialised again on the page);
/// any other change since is shipped afresh, so a query never reads a stale sink.
#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_query_reads_the_sink_as_it_is_after_each_run_and_after_undo() {
    let (_server, browser) = open_seed_workbench().await;
    fill_the_sink(&browser, "first.json", 64 * 1024).await;
    let first = count_rows(&browser).await;
    assert!(first > 900, "{first}");
    fill_the_sink(&browser, "second.json", 32 * 1024).await;
    let both = count_rows(&browser).await;
    assert!(both > first + 400, "{first} then {both}");
    // Undo takes the second run back: the worker is sent the workspace without its rows.
    browser.click("#undo").await;
    assert_eq!(count_rows(&browser).await, first);
    browser.close().await;
}
