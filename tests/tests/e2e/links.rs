//! Lessons that travel: a story link replays its steps on an example (at the tour's step when it
//! is the tour's beginning), the tour and challenge banners' links make them, and a
//! hand-edited story that does not read is refused by its step, the workspace kept.

use gluelab_tests::e2e::*;

const SEED_AFTER_RESET: &str = "#story=v1,seed,upload:raw-data-1.json,run,upload:raw-data-2.json,run,reset,run";

/// A fresh browser opening `fragment` on the served app, waiting for the notice it gives.
async fn open_link(fragment: &str) -> (StaticServer, BrowserSession) {
    let server = StaticServer::start(&dist_dir());
    let browser = BrowserSession::start().await;
    browser.client.set_window_size(1280, 720).await.unwrap();
    browser.client.goto(&format!("{}{fragment}", server.url)).await.unwrap();
    browser.wait_text("#notice", |t| t.contains("link")).await;
    (server, browser)
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_story_link_replays_its_steps_and_opens_the_tour_at_the_next_one() {
    let (_server, browser) = open_link(SEED_AFTER_RESET).await;
    let notice = browser.text("#notice").await;
    assert!(
        notice.contains("6 step(s) replayed on the seed example, the tour at step 7 of 14"),
        "{notice}"
    );
    browser.wait_text("#tour-progress", |t| t == "Step 7 of 14").await;
    assert_eq!(browser.text("#tour-step-title").await, "Clean up");
    // The room sees what the six steps did: three runs, and every row of the sink twice.
    browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 3)
        .await;
    let summary = browser.text("#sink-summary").await;
    assert!(
        summary.contains("duplicates") && !summary.contains("· 0 duplicates"),
        "the reset's run wrote every row again: {summary}"
    );
    assert!(!browser.texts("tr.sink-row.duplicate").await.is_empty());
    let url = browser.client.current_url().await.unwrap();
    assert!(!url.as_str().contains("#story="), "the fragment is cleared: {url}");
    browser.screenshot("links-01-story-at-step-7").await;

    // The tour goes on from the replayed step, with its own buttons.
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 8 of 14").await;
    browser
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 3)
        .await;
    // Undo returns to the workspace before the link (one step for the clean-up, one for the link).
    browser.click("#undo").await;
    browser.click("#undo").await;
    browser
        .wait_text("section[aria-labelledby='runs-title']", |t| t.contains("No runs yet."))
        .await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_step_link_opens_another_browser_at_the_same_tour_step() {
    let (server, browser) = open_seed_workbench_at(1280, 720).await;
    browser.wait_text("#tour-progress", |t| t == "Step 1 of 14").await;
    browser.click("#tour-next").await;
    browser.wait_text("#tour-progress", |t| t == "Step 2 of 14").await;
    browser.click("#tour-next").await;
    browser.wait_text("#tour-outcome", |t| t.contains("SUCCEEDED")).await;
    browser.click("#share-step").await;
    let link = browser.prop("#share-link", "value").await;
    assert_eq!(link, format!("{}#story=v1,seed,upload:raw-data-1.json,run", server.url));
    browser.screenshot("links-02-step-link").await;
    browser.close().await;

    let other = BrowserSession::start().await;
    other.client.set_window_size(1280, 720).await.unwrap();
    other.client.goto(&link).await.unwrap();
    other.wait_text("#tour-progress", |t| t == "Step 3 of 14").await;
    assert_eq!(other.text("#tour-step-title").await, "Upload file 2");
    other
        .wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == 1)
        .await;
    other.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_hand_edited_story_that_does_not_read_names_its_step_and_keeps_the_workspace() {
    let (server, browser) = open_link("#story=v1,seed,upload:raw-data-1.json,rewnd:1").await;
    let notice = browser.text("#notice").await;
    assert!(
        notice.contains("The link's story was not opened: story step 2 (`rewnd:1`): unknown step `rewnd`"),
        "{notice}"
    );
    assert!(notice.contains("Your workspace is unchanged"), "{notice}");
    // The first visit's seed workspace, untouched: no object uploaded, no run.
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    assert!(browser.texts(".object-row").await.is_empty());
    // A step that reads but fails in the replay is named too.
    browser
        .client
        .goto(&format!("{}#story=v1,seed,rewind:2", server.url))
        .await
        .unwrap();
    browser
        .wait_text("#notice", |t| t.contains("the job has no run 2 yet"))
        .await;
    browser.screenshot("links-03-damaged-story").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_challenge_link_starts_the_challenge_and_the_banner_makes_one() {
    let server = StaticServer::start(&dist_dir());
    let browser = BrowserSession::start().await;
    browser.client.set_window_size(1280, 720).await.unwrap();
    browser
        .client
        .goto(&format!("{}#challenge=third-file-only", server.url))
        .await
        .unwrap();
    let goal = browser.wait_text("#challenge-goal", |t| !t.is_empty()).await;
    assert!(goal.contains("raw-data-3.json"), "{goal}");
    browser.click("#share-challenge").await;
    assert_eq!(
        browser.prop("#share-link", "value").await,
        format!("{}#challenge=third-file-only", server.url)
    );
    browser.screenshot("links-04-challenge-link").await;
    browser.close().await;
}
