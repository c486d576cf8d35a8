//! End-to-end checks of look and feel on the *built* app, as a trainer's projector shows it:
//! the workbench fits 1280×720 without sideways scrolling, every control has a name a screen
//! reader can say, and text keeps WCAG AA contrast, in the light and the dark theme.
//! Run by `cargo xtask test` after it builds `dist/`; plain `cargo test` skips it.
#![cfg(not(target_arch = "wasm32"))]

use gluelab_tests::e2e::{dist_dir, BrowserSession, StaticServer};

/// Controls without an accessible name (label, aria-label(ledby), text or title), as HTML.
const UNNAMED_CONTROLS: &str = r#"
const named = (el) => {
  if (el.getAttribute('aria-label')?.trim()) return true;
  const by = el.getAttribute('aria-labelledby');
  if (by && by.split(/\s+/).some(id => document.getElementById(id)?.textContent.trim())) return true;
  if (el.labels && [...el.labels].some(l => l.textContent.trim())) return true;
  if (el.closest('label')?.textContent.trim()) return true;
  if (!['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName) && el.textContent.trim()) return true;
  return !!el.getAttribute('title')?.trim();
};
return [...document.querySelectorAll('button, input, select, textarea, [role=button], [tabindex="0"]')]
  .filter(el => el.type !== 'hidden' && !named(el))
  .map(el => el.outerHTML.slice(0, 160));
"#;

/// Visible text below WCAG AA contrast (4.5:1, or 3:1 for large text) against the background
/// it is painted on (alpha blended up the ancestors), as "ratio: text (selector)".
const LOW_CONTRAST_TEXT: &str = r#"
// Computed colours come as rgb()/rgba() (0-255) or, from color-mix(), as color(srgb r g b / a) (0-1).
const rgba = (s) => {
  const m = (s.match(/-?[\d.]+(e-?\d+)?/g) || ['0', '0', '0', '0']).map(Number);
  const scale = s.startsWith('color(') ? 255 : 1;
  return [m[0] * scale, m[1] * scale, m[2] * scale, m.length > 3 ? m[3] : 1];
};
const over = (top, under) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]); };
const background = (el) => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
};
const luminance = (c) => {
  const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const failures = [];
for (const el of document.querySelectorAll('body *')) {
  if (el.closest('svg, [disabled], .visually-hidden')) continue;
  const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
  if (!own || !el.getClientRects().length) continue;
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
  const bg = background(el);
  const fg = over(rgba(style.color), bg);
  const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
  const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
  const r = ratio(fg, bg);
  if (r < needed) failures.push(`${r.toFixed(2)}: ${own.slice(0, 40)} (${el.tagName.toLowerCase()}.${[...el.classList].join('.')})`);
}
return failures;
"#;

async fn open_at(width: u32, height: u32) -> (StaticServer, BrowserSession) {
    let server = StaticServer::start(&dist_dir());
    let browser = BrowserSession::start().await;
    browser
        .client
        .set_window_size(width, height)
        .await
        .expect("size the window");
    browser.client.goto(&server.url).await.expect("open the app");
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    (server, browser)
}

async fn script<T: serde::de::DeserializeOwned>(browser: &BrowserSession, code: &str) -> T {
    let value = browser.client.execute(code, vec![]).await.expect("execute script");
    serde_json::from_value(value).expect("the script's result")
}

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

async fn toggle_theme(browser: &BrowserSession) -> String {
    browser.click("button[aria-label='Toggle dark theme']").await;
    script(browser, "return document.documentElement.dataset.theme").await
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_workbench_fits_1280_by_720_without_sideways_scrolling_in_both_themes() {
    let (_server, browser) = open_at(1280, 720).await;
    play_to_duplicates(&browser).await;
    for theme in ["light", "dark"] {
        let (inner, scroll): (f64, f64) = script(
            &browser,
            "return [window.innerWidth, document.documentElement.scrollWidth]",
        )
        .await;
        assert!(inner <= 1280.0, "the window is 1280 px wide: {inner}");
        assert!(
            scroll <= inner,
            "{theme}: the page scrolls sideways ({scroll} px of content in {inner} px)"
        );
        // The controls a trainer reaches for are on screen, not cut off at the right.
        for id in ["run-job", "reset-bookmark", "undo", "open-examples"] {
            let (left, right): (f64, f64) = script(
                &browser,
                &format!("const r = document.getElementById('{id}').getBoundingClientRect(); return [r.left, r.right]"),
            )
            .await;
            assert!(
                left >= 0.0 && right <= inner,
                "{theme}: #{id} spans {left}..{right} of {inner}"
            );
        }
        browser.screenshot(&format!("layout-1280x720-{theme}")).await;
        if theme == "light" {
            assert_eq!(toggle_theme(&browser).await, "dark");
        }
    }
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn every_control_is_named_and_text_keeps_aa_contrast_in_both_themes() {
    let (_server, browser) = open_at(1600, 1000).await;
    play_to_duplicates(&browser).await;
    let (mut unnamed, mut low) = (vec![], vec![]);
    for theme in ["light", "dark"] {
        // Each run explained: reads, a skip, then re-reads and duplicates.
        for run_row in [
            "tr.run-row:nth-child(1)",
            "tr.run-row:nth-child(2)",
            "tr.run-row:nth-child(3)",
        ] {
            browser.click(run_row).await;
            let found: Vec<String> = script(&browser, UNNAMED_CONTROLS).await;
            unnamed.extend(found.into_iter().map(|c| format!("{theme}: {c}")));
            let found: Vec<String> = script(&browser, LOW_CONTRAST_TEXT).await;
            low.extend(found.into_iter().map(|t| format!("{theme}, {run_row}: {t}")));
        }
        if theme == "light" {
            assert_eq!(toggle_theme(&browser).await, "dark");
        }
    }
    assert!(unnamed.is_empty(), "controls without a name: {unnamed:#?}");
    assert!(low.is_empty(), "text below WCAG AA contrast: {low:#?}");
    browser.close().await;
}
