//! End-to-end checks of look and feel on the *built* app, as a trainer's projector shows it:
//! the workbench fits 1280×720 without sideways scrolling, every control has a name a screen
//! reader can say, and text keeps WCAG AA contrast, in the light and the dark theme.
//! Run by `cargo xtask test` after it builds `dist/`; plain `cargo test` skips it.
#![cfg(not(target_arch = "wasm32"))]

use gluelab_tests::e2e::{open_seed_workbench_at, BrowserSession};

/// The seed story up to a reset and a third run: duplicates, badges and history on screen.
async fn play_to_duplicates(browser: &BrowserSession) {
    browser.upload_seed_file_and_run(1, 1).await;
    browser.upload_seed_file_and_run(2, 2).await;
    browser.click("#reset-bookmark").await;
    browser.click("#run-job").await;
    browser
        .wait_text("#sink-summary", |t| t.starts_with("4 rows · 2 duplicates"))
        .await;
}

/// Shows the page in `theme` ("light" or "dark") through the top bar's toggle, as a user would.
async fn show_theme(browser: &BrowserSession, theme: &str) {
    let current = || browser.script::<String>("return document.documentElement.dataset.theme");
    if current().await != theme {
        browser.click("button[aria-label='Toggle dark theme']").await;
    }
    assert_eq!(current().await, theme, "the toggle shows the {theme} theme");
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_workbench_fits_1280_and_1600_wide_without_sideways_scrolling_in_both_themes() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    play_to_duplicates(&browser).await;
    for (width, height) in [(1280, 720), (1600, 1000)] {
        browser
            .client
            .set_window_size(width, height)
            .await
            .expect("size the window");
        for theme in ["light", "dark"] {
            show_theme(&browser, theme).await;
            let (inner, scroll): (f64, f64) = browser
                .script("return [window.innerWidth, document.documentElement.scrollWidth]")
                .await;
            assert!(inner <= width as f64, "the window is {width} px wide: {inner}");
            assert!(
                scroll <= inner,
                "{width}, {theme}: the page scrolls sideways ({scroll} px of content in {inner} px)"
            );
            // No panel hides part of its content behind a sideways scrollbar.
            let scrolling: Vec<String> = browser
                .script(
                    "return [...document.querySelectorAll('.panel')].filter(p => p.scrollWidth > p.clientWidth + 1)
                       .map(p => `${p.getAttribute('aria-labelledby')}: ${p.scrollWidth} px in ${p.clientWidth}`)",
                )
                .await;
            assert!(
                scrolling.is_empty(),
                "{width}, {theme}: panels scroll sideways: {scrolling:?}"
            );
            // The controls a trainer reaches for are on screen, not cut off at the right.
            for id in ["run-job", "reset-bookmark", "undo", "open-examples"] {
                let (left, right): (f64, f64) = browser
                    .script(&format!(
                        "const r = document.getElementById('{id}').getBoundingClientRect(); return [r.left, r.right]"
                    ))
                    .await;
                assert!(
                    left >= 0.0 && right <= inner,
                    "{width}, {theme}: #{id} spans {left}..{right} of {inner}"
                );
            }
            browser.screenshot(&format!("layout-{width}x{height}-{theme}")).await;
        }
    }
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn every_control_is_named_and_text_keeps_aa_contrast_in_both_themes() {
    let (_server, browser) = open_seed_workbench_at(1600, 1000).await;
    play_to_duplicates(&browser).await;
    let (mut unnamed, mut low) = (vec![], vec![]);
    for theme in ["light", "dark"] {
        show_theme(&browser, theme).await;
        // Each run explained: reads, a skip, then re-reads and duplicates.
        for run_row in [
            "tr.run-row:nth-child(1)",
            "tr.run-row:nth-child(2)",
            "tr.run-row:nth-child(3)",
        ] {
            browser.click(run_row).await;
            let found = browser.unnamed_controls().await;
            unnamed.extend(found.into_iter().map(|c| format!("{theme}: {c}")));
            let found = browser.low_contrast_text().await;
            low.extend(found.into_iter().map(|t| format!("{theme}, {run_row}: {t}")));
        }
    }
    assert!(unnamed.is_empty(), "controls without a name: {unnamed:#?}");
    assert!(low.is_empty(), "text below WCAG AA contrast: {low:#?}");
    browser.close().await;
}
