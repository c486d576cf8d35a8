//! The page's Content-Security-Policy (index.html): the built app works under it, a whole
//! story (load, upload, run in the worker, preview, export, share link) reports no violation,
//! and it is enforced (a connection elsewhere is refused and reported).
#![cfg(not(target_arch = "wasm32"))]

use gluelab_tests::e2e::{dist_dir, BrowserSession, StaticServer};

/// Records every violation the page reports, from before its first script runs.
const RECORD_VIOLATIONS: &str = r#"
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
  `${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));
"#;

async fn violations(browser: &BrowserSession) -> Vec<String> {
    browser.script("return window.__cspViolations").await
}

/// Console lines about the policy, from the page and its worker.
async fn csp_console(browser: &BrowserSession) -> Vec<String> {
    browser
        .browser_log()
        .await
        .into_iter()
        .filter(|line| line.contains("Content Security Policy") || line.contains("Content-Security-Policy"))
        .collect()
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_app_runs_under_its_content_security_policy_without_a_violation() {
    let server = StaticServer::start(&dist_dir());
    let browser = BrowserSession::start().await;
    browser.before_every_page(RECORD_VIOLATIONS).await;
    browser.client.goto(&server.url).await.expect("open the app");
    browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
    let policy: String = browser
        .script("return document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
        .await;
    assert!(
        policy.contains("default-src 'none'")
            && policy.contains("'wasm-unsafe-eval'")
            && policy.contains("worker-src blob:"),
        "{policy}"
    );
    let inline: usize = browser
        .script("return document.querySelectorAll('script:not([src])').length")
        .await;
    assert_eq!(inline, 0, "no inline script: the policy allows none");

    // A story that touches every part: upload, a run in the worker, a preview, export, share.
    browser.upload_seed_file_and_run(1, 1).await;
    browser.click("button[aria-label='Preview raw-data-1.json']").await;
    browser
        .wait_text(".object-preview .preview-summary", |t| t.contains(" row"))
        .await;
    browser.click("#export-workspace").await;
    browser.click("#share-workspace").await;
    browser.find("#share-link").await;
    browser.upload_seed_file_and_run(2, 2).await;
    assert_eq!(violations(&browser).await, Vec::<String>::new());
    assert_eq!(csp_console(&browser).await, Vec::<String>::new());
    browser.screenshot("csp-01-story-without-violations").await;

    // The policy is in force: a connection to another origin is refused and reported.
    let refused: bool = browser
        .script("return fetch('http://127.0.0.1:9/elsewhere').then(() => false, () => true)")
        .await;
    assert!(refused);
    let reported = violations(&browser).await;
    assert!(
        reported.len() == 1 && reported[0].starts_with("connect-src blocked http://127.0.0.1:9/elsewhere"),
        "{reported:?}"
    );
    browser.close().await;
}
