//! End-to-end checks of the Japanese page (issue 13, docs/japanese.md), on the *built* app: the
//! language switch in the top bar saves the choice and reloads, the choice survives a reload,
//! an English browser gets English without fetching any catalog, and the whole seed tour,
//! played with its own buttons in the normal and the presenter view, leaves no English on
//! screen outside what the page marks `translate="no"` (data, and what stays as AWS prints it).
//!
//! The tour's texts are Japanese here, so these tests wait on the page's structure and on
//! numbers (the step counter's), never on English words.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use gluelab_tests::e2e::{open_seed_workbench_at, BrowserSession};

/// The seed tour's steps.
const SEED_STEPS: u64 = 14;

/// Latin words a Japanese page shows as they are: names Japanese AWS documentation and the
/// Japanese AWS console write in Latin letters too, and the run states. Compared
/// case-sensitively. Ordinary English words do not belong here: what stays as AWS prints it
/// (API and CLI names, JSON fields, error codes, engine errors) and data are marked
/// `translate="no"` by the page, which the check skips, or, inside a sentence, are told by
/// their shape (`raw-data-1.json`, `jr_18802a55`, `ExecutionTime`: see `dataShaped`). ("S3"
/// needs no entry: the check reads words of two letters or more.)
const ALLOWED: &[&str] = &[
    // The product's own name.
    "gluelab",
    // The service, as the Japanese console and documentation name it: 「AWS Glue」.
    "AWS",
    "Glue",
    // Formats, written so in Japanese documentation: 「JSON ファイル」「CSV」「Parquet 形式」.
    "JSON",
    "CSV",
    "Parquet",
    // Query language and engines, product names: 「SQL クエリ」「Spark」「Amazon Athena」.
    "SQL",
    "Spark",
    "Athena",
    // An S3 object's ETag, a response field the S3 console shows as 「ETag」.
    "ETag",
    // Abbreviations Japanese UIs keep: 「実行 ID」「URL」.
    "ID",
    "URL",
    // Infrastructure-as-code products the editor exports to: 「AWS CloudFormation」「AWS CDK」.
    "CloudFormation",
    "CDK",
    // The job script's language, and the columnar format the query engine reads.
    "Python",
    "Arrow",
    // 「API」, as Japanese AWS documentation writes it.
    "API",
    // Run states stay as AWS prints them (docs/japanese.md): `aws glue get-job-run` and the
    // Japanese console show 「SUCCEEDED」. Inside a translated sentence they cannot be marked.
    "STARTING",
    "RUNNING",
    "STOPPING",
    "STOPPED",
    "SUCCEEDED",
    "FAILED",
    "TIMEOUT",
    "ERROR",
    "WAITING",
];

/// Everything on screen a Japanese reader would read, outside `translate="no"`, that has Latin
/// words not in the allowlist (`arguments[0]`): `[{words, text, path, source}]`, one entry per
/// text node or attribute. Read: the text nodes of `<body>` that are rendered (not under
/// `<script>`/`<style>`, not `hidden`, not in a closed `<dialog>`, not `display: none`, not
/// `visibility: hidden`, not of zero size), the `title`, `aria-label`, `placeholder` and `alt`
/// of rendered elements, and the document's title (the tab's). An `<option>` is read when its
/// `<select>` is rendered (the list opens on a click), an SVG `<title>` (a tooltip) when what it
/// names is. An element the page marks as another language on purpose (`lang="en"`: the switch
/// naming "English" in itself) is not read, as `translate="no"` is not. Data and names inside a
/// translated sentence are told by their shape (see `dataShaped`).
const ENGLISH_ON_SCREEN: &str = r#"
const allowed = new Set(arguments[0]);
// Data and names inside a translated sentence ("raw-data-1.json を削除", "実行 jr_18802a55… が
// コミット") cannot be marked translate="no" (not in an attribute, nor in a sentence core
// formats), so they are told by their shape: an ASCII token (split at spaces and at Japanese
// text) with a digit, one of _ . / : = + @ \ { }, a leading quote or "-", two hyphens, or a
// capital inside a word (ExecutionTime, jobBookmarkKeys) is a name, an address, a file, a key or
// code, never an English word. Punctuation around a token does not count ("show:" is a word),
// nor does one hyphen or an apostrophe inside ("re-read", "job's" are English).
const dataShaped = (token) => {
  token = token.replace(/^[.,;:!?()\[\]<>]+|[.,;:!?()\[\]<>]+$/g, '');
  return /[0-9_./:=+@\\{}$#%&*|~^]/.test(token) || /^['"`-]/.test(token) || /-.*-/.test(token)
    || /[a-z][A-Z]/.test(token);
};
const shapes = new Set();
const englishIn = (text) => (text.match(/[\x21-\x7e]+/g) || []).flatMap(token => {
  if (!/[A-Za-z]{2}/.test(token)) return [];
  if (dataShaped(token)) { shapes.add(token); return []; }
  return (token.match(/[A-Za-z]{2,}/g) || []).filter(w => !allowed.has(w));
});
// Not translated on purpose: marked translate="no" (the nearest translate attribute decides),
// or in an element of a language other than Japanese.
const exempt = (el) => {
  const t = el.closest('[translate]');
  if (t && t.getAttribute('translate').toLowerCase() === 'no') return true;
  const l = el.closest('[lang]');
  return !l || !l.getAttribute('lang').toLowerCase().startsWith('ja');
};
const boxed = (rects) => [...rects].some(r => r.width > 0 && r.height > 0);
// Whether `el` is laid out and visible (its size, its visibility, hidden, closed dialogs).
const rendered = (el) => {
  if (!el || el.closest('[hidden], dialog:not([open]), script, style, template, noscript')) return false;
  const owner = el.closest('select') || (el instanceof SVGTitleElement ? el.parentElement : null);
  if (owner && owner !== el) return rendered(owner);
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || style.visibility === 'collapse') return false;
  if (style.display === 'contents') return rendered(el.parentElement);
  return boxed(el.getClientRects());
};
// A text node is on screen when its element is and its own text takes room (collapsed
// whitespace does not); an option's text is drawn by its select, SVG text by its element.
const textShown = (node) => {
  const el = node.parentElement;
  if (!rendered(el)) return false;
  if (el.closest('select') || el instanceof SVGElement) return true;
  const range = document.createRange();
  range.selectNodeContents(node);
  return boxed(range.getClientRects());
};
// A CSS-ish path a translator can find: up to the nearest id (or panel, by its heading's id),
// with the first two classes, an option's value, and which of its kind an element is among
// its siblings.
const path = (el) => {
  const parts = [];
  for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
    let part = e.tagName.toLowerCase();
    if (e.id) { parts.unshift(part + '#' + e.id); break; }
    const by = e.tagName === 'SECTION' && e.getAttribute('aria-labelledby');
    if (by) { parts.unshift(`${part}[aria-labelledby="${by}"]`); break; }
    const classes = [...e.classList].slice(0, 2);
    if (classes.length) part += '.' + classes.join('.');
    if (e.tagName === 'OPTION') part += `[value="${e.value}"]`;
    else if (e.parentElement && [...e.parentElement.children].filter(c => c.tagName === e.tagName).length > 1)
      part += `:nth-of-type(${[...e.parentElement.children].filter(c => c.tagName === e.tagName).indexOf(e) + 1})`;
    parts.unshift(part);
  }
  return parts.join(' > ');
};
// The text, whitespace collapsed, trimmed to about 80 characters around its first English word.
const excerpt = (text, word) => {
  text = text.replace(/\s+/g, ' ').trim();
  if (text.length <= 80) return text;
  const at = Math.max(0, text.indexOf(word) - 30);
  return (at > 0 ? '…' : '') + text.slice(at, at + 78) + (at + 78 < text.length ? '…' : '');
};
const found = [];
const note = (text, el, source) => {
  const words = [...new Set(englishIn(text))];
  if (words.length) found.push({ words, text: excerpt(text, words[0]), path: path(el), source });
};
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement;
  if (!el || !node.textContent.trim() || exempt(el) || !textShown(node)) continue;
  note(node.textContent, el, 'text');
}
for (const el of [document.body, ...document.body.querySelectorAll('[title], [aria-label], [placeholder], [alt]')]) {
  if (exempt(el) || !rendered(el)) continue;
  for (const attr of ['title', 'aria-label', 'placeholder', 'alt']) {
    const value = el.getAttribute(attr);
    if (value && value.trim()) note(value, el, attr);
  }
}
const title = document.querySelector('head > title');
if (title && !exempt(title)) note(document.title, title, 'the tab title');
return { found, shapes: [...shapes].sort() };
"#;

/// What [`ENGLISH_ON_SCREEN`] saw: the English, and the tokens it took for data by their shape.
#[derive(serde::Deserialize)]
struct Screen {
    found: Vec<Found>,
    shapes: Vec<String>,
}

/// Latin words found on screen, in one text or attribute.
#[derive(serde::Deserialize)]
struct Found {
    words: Vec<String>,
    text: String,
    path: String,
    source: String,
}

/// English left on a Japanese screen, gathered over a whole tour: each text once, with where it
/// was first seen, so one run of the test gives translators the whole list.
#[derive(Default)]
struct EnglishLeft {
    /// (path, source, text) → (words, where first seen).
    seen: BTreeMap<(String, String, String), (Vec<String>, String)>,
    /// Tokens taken for data by their shape, printed for a reviewer to glance over.
    shapes: BTreeSet<String>,
}

impl EnglishLeft {
    /// Reads the screen now; `when` says where in the tour (for the report).
    async fn check(&mut self, browser: &BrowserSession, when: &str) {
        let value = browser
            .client
            .execute(ENGLISH_ON_SCREEN, vec![serde_json::json!(ALLOWED)])
            .await
            .expect("read the screen's text");
        let screen: Screen = serde_json::from_value(value).expect("the screen's English");
        self.shapes.extend(screen.shapes);
        let mut new = 0;
        for f in screen.found {
            let key = (f.path, f.source, f.text);
            if let std::collections::btree_map::Entry::Vacant(entry) = self.seen.entry(key) {
                entry.insert((f.words, when.to_string()));
                new += 1;
            }
        }
        println!("{when}: {new} text(s) with English not seen before");
    }

    /// Fails listing every English word with its text and element.
    fn assert_none(&self) {
        println!(
            "taken for data by their shape: {}",
            self.shapes.iter().cloned().collect::<Vec<_>>().join(" ")
        );
        if self.seen.is_empty() {
            return;
        }
        let mut distinct: Vec<&str> = self
            .seen
            .values()
            .flat_map(|(words, _)| words.iter().map(String::as_str))
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        let lines: Vec<String> = self
            .seen
            .iter()
            .map(|((path, source, text), (words, when))| {
                let source = if source == "text" {
                    String::new()
                } else {
                    format!(" [{source}]")
                };
                format!("  {}: {text:?}{source}\n      at {path} ({when})", words.join(", "))
            })
            .collect();
        panic!(
            "English left on the Japanese screen: {} text(s), {} distinct word(s) ({}).\n\
             Translate them (app/locales/ja.json, core/locales/ja.json), or mark data and what \
             stays as AWS prints it translate=\"no\":\n{}",
            self.seen.len(),
            distinct.len(),
            distinct.join(" "),
            lines.join("\n")
        );
    }
}

/// Polls `code` (a script returning a boolean) until it is true; the page may be reloading
/// meanwhile, when a script cannot run. Returns whether it came true within `seconds`.
async fn eventually(browser: &BrowserSession, code: &str, seconds: u64) -> bool {
    for _ in 0..seconds * 10 {
        if let Ok(value) = browser.client.execute(code, vec![]).await {
            if value.as_bool() == Some(true) {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// The page has rendered its workspace (after the catalogs, which load before the first render).
const WORKSPACE_SHOWN: &str = "return document.getElementById('job-name')?.textContent.trim() === 'devices-data-etl'
    && !!document.getElementById('lang-switch')";

/// [`WORKSPACE_SHOWN`], with `<html lang>` being `lang`.
fn shown_in(lang: &str) -> String {
    format!(
        "{WORKSPACE_SHOWN} && document.documentElement.lang === {}",
        serde_json::json!(lang)
    )
}

/// `<html lang>`, the switch's text and its `lang`, and the saved choice.
async fn language_state(browser: &BrowserSession) -> (String, String, String, Option<String>) {
    browser
        .script(
            "const s = document.getElementById('lang-switch');
             return [document.documentElement.lang, s.textContent.trim(), s.lang, localStorage.getItem('gluelab.lang')]",
        )
        .await
}

/// Clicks the language switch and waits for the reloaded page to speak `lang` ("ja"/"en"), or
/// fails with what it shows (the notice says why a catalog did not load).
async fn switch_language(browser: &BrowserSession, lang: &str) {
    browser.click("#lang-switch").await;
    if !eventually(browser, &shown_in(lang), 30).await {
        let state: String = browser
            .script(
                "return 'lang=' + document.documentElement.lang + ', notice: '
                 + (document.getElementById('notice')?.innerText ?? 'none')",
            )
            .await;
        panic!("the page did not come back in {lang:?} after the switch: {state}");
    }
}

/// The numbers in the tour's step counter ("Step 3 of 14", "ステップ 3/14", "14 / 14 完了").
async fn tour_numbers(browser: &BrowserSession) -> (String, Vec<u64>) {
    let text = browser.text("#tour-progress").await;
    let numbers = text
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    (text, numbers)
}

async fn turn_presenter_view_on(browser: &BrowserSession) {
    let state = || browser.script::<String>("return document.documentElement.dataset.present ?? ''");
    if state().await != "on" {
        browser.click("#present").await;
    }
    assert_eq!(state().await, "on", "the presenter view is on");
}

/// Plays the seed tour with its own "Do it" button, checking the screen at the start and after
/// each step, with a screenshot of each (`ja-{mode}-step-NN`).
async fn play_the_seed_tour_in_japanese(browser: &BrowserSession, mode: &str, english: &mut EnglishLeft) {
    let (text, numbers) = tour_numbers(browser).await;
    assert_eq!(
        numbers,
        [1, SEED_STEPS],
        "{mode}: the tour starts at its first step: {text:?}"
    );
    // The spotlight scrolls smoothly; let the page come to rest before reading it.
    tokio::time::sleep(Duration::from_millis(800)).await;
    english.check(browser, &format!("{mode}, opened")).await;
    browser.screenshot_as_seen(&format!("ja-{mode}-step-00")).await;
    for step in 1..=SEED_STEPS {
        let (before, _) = tour_numbers(browser).await;
        browser.click("#tour-next").await;
        // The counter moves on as the step is taken (a run's step when the run starts): to the
        // next step, or, after the last, to a "done" text with the same numbers.
        let want = if step == SEED_STEPS {
            vec![SEED_STEPS, SEED_STEPS]
        } else {
            vec![step + 1, SEED_STEPS]
        };
        let mut last = (String::new(), vec![]);
        for _ in 0..300 {
            last = tour_numbers(browser).await;
            if last.0 != before && last.1 == want {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            last.0 != before && last.1 == want,
            "{mode}, step {step}: the tour did not move on from {before:?}: {:?}",
            last.0
        );
        // A run's step is over when "Back" can be pressed again (it is disabled while a run is
        // in flight, and stays enabled once the tour is done, unlike "Do it").
        assert!(
            eventually(
                browser,
                "const b = document.getElementById('tour-back'); return !!b && !b.disabled",
                60
            )
            .await,
            "{mode}, step {step}: the step's run did not finish within 60 s: {:?}",
            browser.text("#tour").await
        );
        tokio::time::sleep(Duration::from_millis(800)).await;
        english.check(browser, &format!("{mode}, after step {step}")).await;
        browser.screenshot_as_seen(&format!("ja-{mode}-step-{step:02}")).await;
    }
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_whole_seed_tour_in_japanese_leaves_no_english_on_screen() {
    let mut english = EnglishLeft::default();
    for mode in ["normal", "present"] {
        let (_server, browser) = open_seed_workbench_at(1280, 720).await;
        switch_language(&browser, "ja").await;
        if mode == "present" {
            turn_presenter_view_on(&browser).await;
        }
        play_the_seed_tour_in_japanese(&browser, mode, &mut english).await;
        browser.close().await;
    }
    english.assert_none();
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_language_choice_survives_a_reload_and_switches_back() {
    let (_server, browser) = open_seed_workbench_at(1280, 720).await;
    let (lang, switch, switch_lang, _) = language_state(&browser).await;
    assert_eq!(
        (lang.as_str(), switch.as_str(), switch_lang.as_str()),
        ("en", "日本語", "ja")
    );

    switch_language(&browser, "ja").await;
    browser.client.refresh().await.expect("reload the page");
    assert!(
        eventually(&browser, WORKSPACE_SHOWN, 30).await,
        "the page did not show its workspace again after the reload"
    );
    // The catalogs load before the first render: once the workspace shows, the language is set.
    let (lang, switch, switch_lang, saved) = language_state(&browser).await;
    assert_eq!(
        (lang.as_str(), switch.as_str(), switch_lang.as_str(), saved.as_deref()),
        ("ja", "English", "en", Some("\"ja\"")),
        "after a reload the page still speaks Japanese, and the switch offers English"
    );
    let notice: bool = browser.script("return !!document.getElementById('notice')").await;
    assert!(!notice, "no notice: the catalogs loaded");
    // What fetching the two catalogs costs a Japanese reader's first render (compare with
    // workspace.rs's English figure).
    let first_render: Option<f64> = browser
        .script(
            "const m = performance.getEntriesByName('gluelab-first-render'); return m.length ? m[0].startTime : null",
        )
        .await;
    let first_render = first_render.expect("the app marks its first render");
    eprintln!("first interactive render in Japanese (a reload): {first_render:.0} ms after navigation start");
    browser.screenshot_as_seen("ja-reloaded").await;

    switch_language(&browser, "en").await;
    let (lang, switch, switch_lang, saved) = language_state(&browser).await;
    assert_eq!(
        (lang.as_str(), switch.as_str(), switch_lang.as_str(), saved.as_deref()),
        ("en", "日本語", "ja", Some("\"en\"")),
        "back in English, the switch offers 日本語"
    );
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn english_stays_the_default_for_an_english_browser() {
    let (server, browser) = open_seed_workbench_at(1280, 720).await;
    let navigator: String = browser.script("return navigator.language").await;
    assert!(
        navigator.starts_with("en"),
        "this test needs an English browser; Chromium says {navigator:?}"
    );
    let (lang, switch, switch_lang, saved) = language_state(&browser).await;
    assert_eq!(
        (lang.as_str(), switch.as_str(), switch_lang.as_str(), saved.as_deref()),
        ("en", "日本語", "ja", None),
        "a fresh profile gets English, with the switch offering 日本語"
    );
    let fetched: Vec<String> = browser
        .script("return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('locales/'))")
        .await;
    assert!(fetched.is_empty(), "an English page fetches no catalog: {fetched:?}");
    let served: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.contains("locales/"))
        .collect();
    assert!(served.is_empty(), "the server was asked for a catalog: {served:?}");
    browser.close().await;
}
