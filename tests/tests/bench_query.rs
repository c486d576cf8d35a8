//! The query box's benchmark (issue 12): the page's longest main-thread block while a query
//! reads a 1.6 M-row sink, measured with a `PerformanceObserver` for `longtask` entries (tasks of
//! 50 ms or more) in the *built* app. A benchmark, not a test: it prints figures and asserts
//! nothing about time. `cargo xtask bench` runs it; by hand:
//! `GLUELAB_DIST=$PWD/dist cargo test -p gluelab-tests --test bench_query -- --ignored --nocapture`
//! (point `GLUELAB_DIST` at an older build to measure "before").
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use gluelab_tests::e2e::{open_seed_workbench, BrowserSession};

/// The sink's rows: every generated line lands in the demo job's sink.
const SINK_ROWS: usize = 1_600_000;
/// Bytes of a generated JSON line (`{"device_id": "…", "timestamp": …, "state": …}`).
const LINE_BYTES: usize = 67;

const OBSERVE: &str = "
window.__gluelabLongest = 0;
window.__gluelabTasks = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) {
    window.__gluelabLongest = Math.max(window.__gluelabLongest, e.duration);
    window.__gluelabTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
  }
}).observe({ type: 'longtask', buffered: false });
return true;";

/// Polls `css` for up to `limit` until `check` holds.
async fn wait_long(browser: &BrowserSession, css: &str, limit: Duration, check: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        if let Ok(element) = browser.client.find(fantoccini::Locator::Css(css)).await {
            let text = element.text().await.unwrap_or_default();
            if check(&text) {
                return text;
            }
        }
        assert!(start.elapsed() < limit, "`{css}` did not show in {limit:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
#[ignore = "a benchmark: `cargo xtask bench` runs it on the built app"]
async fn bench_query_longest_main_thread_block() {
    let (_server, browser) = open_seed_workbench().await;
    let path = std::env::temp_dir().join(format!("gluelab-bench-{}-readings.json", std::process::id()));
    std::fs::write(&path, gluelab_tests::bench::json_input(SINK_ROWS * LINE_BYTES)).expect("write the input");
    browser.choose_file("#file-picker", &path).await;
    wait_long(&browser, "table.objects", Duration::from_secs(300), |t| {
        t.contains("readings.json")
    })
    .await;
    browser.click("#run-job").await;
    wait_long(&browser, ".runs tbody", Duration::from_secs(900), |t| {
        t.contains("SUCCEEDED") && !t.contains("RUNNING")
    })
    .await;
    let _ = std::fs::remove_file(&path);
    tokio::time::sleep(Duration::from_secs(2)).await;

    // The first query ships the workspace to a fresh query worker; the second finds it there.
    measure(&browser, "query-longtask", None, |t| !t.is_empty()).await;
    let sql = "SELECT count(*) FROM \"devices_data_analystics\".\"devices_integrated_data\"";
    measure(&browser, "second-query-longtask", Some(sql), |t| t == "1 rows").await;
    browser.close().await;
}

/// Runs `sql` (or the query already in the box) and prints the longest main-thread block until `done` holds of
/// the result's count (or its error), with every long task's start after the click.
async fn measure(browser: &BrowserSession, label: &str, sql: Option<&str>, done: impl Fn(&str) -> bool) {
    let _: bool = browser.script(OBSERVE).await;
    let clicked: f64 = browser.script("return performance.now()").await;
    let start = Instant::now();
    match sql {
        Some(sql) => browser.run_query(sql).await,
        None => browser.click("#run-query").await,
    }
    let count = wait_long(browser, "#query-count, #query-error", Duration::from_secs(900), |t| {
        done(t) || t.contains("Exception")
    })
    .await;
    let seconds = start.elapsed().as_secs_f64();
    // Let the observer's last entries arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let longest: f64 = browser.script("return window.__gluelabLongest").await;
    let tasks: Vec<(f64, f64)> = browser.script("return window.__gluelabTasks").await;
    let tasks: Vec<(f64, f64)> = tasks.iter().map(|(at, ms)| ((at - clicked).round(), *ms)).collect();
    println!("gluelab-bench {label} result {count:?}");
    println!("gluelab-bench {label} longest_main_thread_block_ms {longest:.0}");
    println!("gluelab-bench {label} query_seconds {seconds:.1}");
    println!("gluelab-bench {label} long_tasks_ms_after_click_and_length {tasks:?}");
}
