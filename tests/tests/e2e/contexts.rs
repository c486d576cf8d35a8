//! Bookmark states keyed by transformation_ctx, in the built app: the renamed-context example
//! (a renamed ctx reads every file again and orphans the old state, which the bookmark panel
//! names), and gluelab's own "Mark as processed" (a run that reads what is new, writes nothing
//! and commits, so the next run skips it), with the editor's warning before a rename is saved.

use gluelab_tests::e2e::*;

const JOB_PANEL: &str = "section[aria-labelledby='job-title']";
const ORPHANED: &str =
    "Orphaned: 'datasource' (no source uses this transformation_ctx any more; Glue keeps its state, nothing reads it)";

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_renamed_transformation_ctx_reads_both_files_and_orphans_the_old_state() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    browser.open_example("renamed-context").await;
    browser.wait_text("#tour-progress", |t| t == "Step 1 of 5").await;

    // Upload file 1, run, upload file 2: one state, under the seed's ctx, and no orphan.
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 2 of 5").await;
    browser.click("#tour-next").await;
    browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 1)
        .await;
    browser.wait_text("#tour-progress", |t| t == "Step 3 of 5").await;
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 4 of 5").await;
    assert!(browser.texts("#orphaned-states").await.is_empty());

    // The rename: the job now reads under 'devices_source_v2'; the old state is orphaned at once.
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 5 of 5").await;
    let orphaned = browser.wait_text("#orphaned-states", |t| t.contains("Orphaned")).await;
    assert_eq!(orphaned, ORPHANED);

    // Run again: both files are read, file 1 a second time.
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "5 of 5 done").await;
    let runs = browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 2)
        .await;
    assert!(!runs.contains("FAILED"), "{runs}");
    let verdicts = browser.wait_text("#verdicts", |t| t.contains("raw-data-2.json")).await;
    assert!(
        verdicts.contains("raw-data-1.json was read again: run")
            && verdicts.contains("committed it under transformation_ctx 'datasource'"),
        "the rename is why: {verdicts}"
    );
    assert!(verdicts.contains("raw-data-2.json was read"), "{verdicts}");
    assert!(!verdicts.contains("skipped"), "{verdicts}");
    let summary = browser.text("#sink-summary").await;
    assert!(!summary.contains(" 0 duplicates"), "file 1's rows twice: {summary}");
    // The bookmark JSON holds both states; the panel names the one nothing reads.
    let bookmark = browser.prop("#bookmark-json", "textContent").await;
    assert!(bookmark.contains("devices_source_v2"), "{bookmark}");
    assert!(bookmark.contains(r#"\"datasource\""#), "{bookmark}");
    assert_eq!(browser.text("#orphaned-states").await, ORPHANED);
    browser.screenshot_after_spotlight("contexts-01-rerun-as-seen").await;
    browser.scroll_to("#orphaned-states").await;
    browser.screenshot_as_seen("contexts-02-orphaned-as-seen").await;
    browser.screenshot("contexts-02-orphaned").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn mark_as_processed_commits_file_1_without_writing_it() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    // Said plainly next to the button: gluelab's own, and what one runs on Glue instead.
    let label = browser.text("#mark-as-processed").await;
    assert!(label.contains("gluelab only"), "{label}");
    // What one runs on Glue instead is one click away, under the button's row.
    browser.click("#mark-processed-details summary").await;
    let aws = browser.text("#mark-processed-aws").await;
    assert_eq!(
        aws,
        "AWS has no such API: run the job once with a Filter that drops every row, then job.commit()."
    );
    assert_eq!(
        browser.text("#download-mark-script").await,
        "Download devices-data-etl.mark-as-processed.py"
    );

    // File 1 marked as processed: one run, read and committed, nothing in the sink.
    browser.upload_seed_file(1).await;
    browser.click("#mark-as-processed").await;
    let runs = browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 1)
        .await;
    assert!(runs.contains("→ 0"), "rows in → out ends at 0: {runs}");
    let result = browser.wait_text("#mark-processed-result", |t| !t.is_empty()).await;
    assert!(result.contains("(SUCCEEDED) marked 1 file(s) as processed"), "{result}");
    assert!(result.ends_with(", 0 written."), "{result}");
    let verdicts = browser.text("#verdicts").await;
    assert!(verdicts.contains("raw-data-1.json was read"), "{verdicts}");
    assert!(browser.text("#sink-summary").await.starts_with("0 rows"));
    let bookmark = browser.prop("#bookmark-json", "textContent").await;
    assert!(bookmark.contains(r#"\"datasource\""#), "{bookmark}");
    browser.scroll_to("#mark-as-processed").await;
    browser.screenshot_as_seen("contexts-03-marked-as-seen").await;
    browser.screenshot_of(JOB_PANEL, "contexts-03-marked-job-panel").await;

    // The next run skips file 1 and reads only file 2: its rows are all the sink holds.
    browser.upload_seed_file_and_run(2, 2).await;
    let verdicts = browser.wait_text("#verdicts", |t| t.contains("raw-data-2.json")).await;
    assert!(verdicts.contains("raw-data-1.json was skipped"), "{verdicts}");
    assert!(verdicts.contains("raw-data-2.json was read"), "{verdicts}");
    let summary = browser.text("#sink-summary").await;
    assert!(summary.contains(" 0 duplicates"), "{summary}");
    let sink = browser.text("table.sink tbody").await;
    assert!(
        sink.contains("raw-data-2.json") && !sink.contains("raw-data-1.json"),
        "{sink}"
    );
    assert!(
        browser.texts("#mark-processed-result").await.is_empty(),
        "the latest run is an ordinary one"
    );

    // Renaming the bookmarked ctx in the editor warns under the field before saving.
    browser.click("#edit-job").await;
    let field = browser.find("#f-sources-0-transformation-ctx").await;
    field.send_keys("_v2").await.expect("type");
    let warning = browser
        .wait_text("#warn-sources-0-transformation-ctx", |t| !t.is_empty())
        .await;
    assert!(
        warning.contains("renaming 'datasource' to 'datasource_v2' starts a new bookmark state"),
        "{warning}"
    );
    // A warning, not an error: the input is not marked invalid and the job can be saved.
    let invalid = field.attr("aria-invalid").await.expect("attribute");
    assert_eq!(
        invalid.as_deref(),
        Some("false"),
        "a warning does not make the field invalid"
    );
    browser.scroll_to("#f-sources-0-transformation-ctx").await;
    browser.screenshot_as_seen("contexts-04-rename-warning-as-seen").await;
    browser.close().await;
}
