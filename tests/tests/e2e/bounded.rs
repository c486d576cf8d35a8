//! The bounded-execution example played with its own buttons: each run reads the two oldest
//! files and defers the rest, the explain panel says why, the editor shows the bound, and a run
//! without bookmarks is refused.

use gluelab_tests::e2e::*;

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_bounded_backlog_tour_drains_two_files_a_run() {
    // A projector's size: the spotlight must bring each step's panel on screen.
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    browser.open_example("bounded-backlog").await;
    browser.wait_text("#tour-progress", |t| t == "Step 1 of 6").await;
    // The backlog waits in the bucket before the first step.
    browser
        .wait_text(".s3-browser", |t| (1..=5).all(|d| t.contains(&format!("day-{d}.json"))))
        .await;

    // Run 1: two read, three deferred by the bound, each explained.
    browser.click("#tour-next").await;
    browser
        .wait_text("#tour-outcome", |t| t.contains("SUCCEEDED: read 2 row(s)"))
        .await;
    let verdicts = browser.wait_text("#verdicts", |t| t.contains("day-5.json")).await;
    assert!(verdicts.contains("day-1.json was read"), "{verdicts}");
    assert!(verdicts.contains("day-2.json was read"), "{verdicts}");
    for day in 3..=5 {
        assert!(
            verdicts.contains(&format!(
                "day-{day}.json was deferred: bounded execution (boundedFiles \"2\")"
            )),
            "{verdicts}"
        );
    }
    // What the room sees first (a whole-page shot resizes the window and loses the scroll).
    browser.screenshot_after_spotlight("bounded-01-first-run-as-seen").await;
    browser.screenshot("bounded-01-first-run").await;

    // Runs 2 and 3 take the rest, oldest first, with day 6 arriving in between.
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 3 of 6").await;
    browser
        .wait_text("#verdicts", |t| {
            t.contains("day-3.json was read") && t.contains("day-4.json was read")
        })
        .await;
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 4 of 6").await;
    browser.click("#tour-next").await;
    browser
        .wait_text("#verdicts", |t| {
            t.contains("day-5.json was read") && t.contains("day-6.json was read")
        })
        .await;
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 6 of 6").await;
    let verdicts = browser
        .wait_text("#verdicts", |t| t.contains("day-6.json was skipped"))
        .await;
    assert!(!verdicts.contains("was read"), "{verdicts}");
    browser.screenshot("bounded-02-drained").await;

    // The run without bookmarks is refused, and says why.
    browser.click("#tour-next").await;
    let error = browser
        .wait_text("#run-error", |t| t.contains("needs job bookmarks"))
        .await;
    assert!(error.contains("bounded execution (boundedFiles \"2\")"), "{error}");
    assert!(error.contains("job bookmarks are not enabled"), "{error}");
    browser.screenshot_after_spotlight("bounded-02-refused-as-seen").await;

    // The editor shows the bound where a user sets it.
    browser.click("#edit-job").await;
    assert_eq!(browser.prop("#f-sources-0-bounded-files", "value").await, "2");
    browser.screenshot("bounded-03-editor").await;
    browser.close().await;
}
