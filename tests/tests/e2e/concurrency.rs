//! The concurrent-runs example played with its own buttons: two overlapping runs both read file 1
//! from the same bookmark, the first commit wins, the second fails with a version mismatch and
//! its rows stay in the sink (duplicates); the next run skips file 1, as the first run committed.

use gluelab_tests::e2e::*;

/// "12 rows · 6 duplicates (…)" → (12, 6).
fn rows_and_duplicates(summary: &str) -> (usize, usize) {
    let number = |word: &str| -> usize {
        let before = summary
            .split(word)
            .next()
            .unwrap_or_else(|| panic!("no `{word}` in {summary:?}"));
        before
            .split_whitespace()
            .last()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count before `{word}` in {summary:?}"))
    };
    (number(" rows"), number(" duplicates"))
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn two_overlapping_runs_the_second_commit_fails_with_a_version_mismatch() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    browser.open_example("concurrent-runs").await;
    browser.wait_text("#tour-progress", |t| t == "Step 1 of 5").await;

    // Upload file 1, then start two runs at once.
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 2 of 5").await;
    browser
        .wait_text("table.objects", |t| t.contains("raw-data-1.json"))
        .await;
    browser.click("#tour-next").await;
    let runs = browser.wait_text(".runs tbody", |t| t.contains("FAILED")).await;
    assert_eq!(runs.matches("SUCCEEDED").count(), 1, "{runs}");
    assert_eq!(runs.matches("FAILED").count(), 1, "{runs}");
    let outcome = browser.text("#tour-outcome").await;
    assert!(outcome.contains("SUCCEEDED") && outcome.contains("FAILED"), "{outcome}");

    // The explain panel shows the latest run, the failed one: its error and why it read file 1.
    let error = browser
        .wait_text("#run-error", |t| t.contains("VersionMismatchException"))
        .await;
    assert!(error.contains("GLUE_JOB_BOOKMARK_VERSION_MISMATCH_ERROR"), "{error}");
    let verdicts = browser.text("#verdicts").await;
    assert!(verdicts.contains("raw-data-1.json was read again"), "{verdicts}");
    assert!(verdicts.contains("the two runs overlapped"), "{verdicts}");

    // Both runs wrote file 1's rows: the second copy is flagged as duplicates.
    let summary = browser.text("#sink-summary").await;
    let (rows, duplicates) = rows_and_duplicates(&summary);
    assert!(duplicates > 0 && rows == 2 * duplicates, "every row twice: {summary}");
    let flagged = browser.texts("table.sink tr.sink-row.duplicate").await.len();
    assert_eq!(flagged, duplicates, "{summary}");

    // What the room sees first (a whole-page shot resizes the window and loses the scroll).
    browser
        .screenshot_after_spotlight("concurrency-01-overlap-as-seen")
        .await;

    // Picking the failed run in the runs panel shows the same explanation.
    let rows_shown = browser
        .client
        .find_all(fantoccini::Locator::Css(".runs tbody tr.run-row"))
        .await
        .expect("run rows");
    assert_eq!(rows_shown.len(), 2);
    browser.click_element(&rows_shown[1]).await.expect("pick run 2");
    browser
        .wait_text("#run-error", |t| t.contains("VersionMismatchException"))
        .await;
    assert!(browser.text("#verdicts").await.contains("the two runs overlapped"));
    browser.screenshot("concurrency-01-overlap").await;

    // The bookmark kept the first commit: the next run skips file 1.
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 4 of 5").await;
    let verdicts = browser
        .wait_text("#verdicts", |t| t.contains("raw-data-1.json was skipped"))
        .await;
    assert!(!verdicts.contains("was read"), "{verdicts}");
    let runs = browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 2)
        .await;
    assert_eq!(runs.matches("FAILED").count(), 1, "{runs}");
    let (rows_after, duplicates_after) = rows_and_duplicates(&browser.text("#sink-summary").await);
    assert_eq!(
        (rows_after, duplicates_after),
        (rows, duplicates),
        "nothing new written"
    );

    // File 2 arrives; only it is read.
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 5 of 5").await;
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "5 of 5 done").await;
    let verdicts = browser
        .wait_text("#verdicts", |t| {
            t.contains("raw-data-2.json was read") && t.contains("raw-data-1.json was skipped")
        })
        .await;
    assert!(!verdicts.contains("read again"), "{verdicts}");
    browser
        .screenshot_after_spotlight("concurrency-02-drained-as-seen")
        .await;
    browser.screenshot("concurrency-02-drained").await;
    browser.close().await;
}
