//! Harness for end-to-end tests: serves the built app (`dist/`) on 127.0.0.1, starts
//! ChromeDriver, and opens a headless Chromium session on the page, as a user would.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

/// Chromium flags proven on these machines (TOOLCHAIN.md): as root it needs `--no-sandbox`, and
/// without the networking flags it tries to reach Google and is refused.
const CHROME_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1600,1000",
];

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

/// The built app's directory, from `GLUELAB_DIST` (set by `cargo xtask test`).
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("GLUELAB_DIST")
        .map(PathBuf::from)
        .expect("GLUELAB_DIST is not set: run the end-to-end tests with `cargo xtask test`");
    assert!(
        dir.join("index.html").is_file(),
        "{} has no index.html: build the app first",
        dir.display()
    );
    dir
}

/// Serves the built app and opens it in a fresh browser, as a first visitor: the seed
/// article's workspace, once its job is on screen.
pub async fn open_seed_workbench() -> (StaticServer, BrowserSession) {
    open_seed_workbench_sized(None).await
}

/// [`open_seed_workbench`] in a window of `width` × `height`, sized before the page loads.
pub async fn open_seed_workbench_at(width: u32, height: u32) -> (StaticServer, BrowserSession) {
    open_seed_workbench_sized(Some((width, height))).await
}

async fn open_seed_workbench_sized(size: Option<(u32, u32)>) -> (StaticServer, BrowserSession) {
    let server = StaticServer::start(&dist_dir());
    let browser = BrowserSession::start().await;
    if let Some((width, height)) = size {
        browser
            .client
            .set_window_size(width, height)
            .await
            .expect("size the window");
    }
    browser.client.goto(&server.url).await.expect("open the app");
    // Waits for the workspace, or says what the page shows and what it loaded.
    for _ in 0..150 {
        if browser.client.find(Locator::Css("#job-name")).await.is_ok() {
            browser.wait_text("#job-name", |t| t == "devices-data-etl").await;
            return (server, browser);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let state: String = browser
        .script(
            "return document.body.innerText.slice(0, 200) + ' | loaded: ' + \
             JSON.stringify(performance.getEntriesByType('resource').map(e => e.name))",
        )
        .await;
    panic!("the app did not show its workspace within 15 s: {state}");
}

/// Serves a directory over HTTP on an ephemeral loopback port, on a background thread.
pub struct StaticServer {
    pub url: String,
    server: Arc<tiny_http::Server>,
    /// Every request served, as "METHOD /path", in order: what the page (and its worker) asked of
    /// the network, beyond what the page's own Resource Timing shows.
    log: Arc<Mutex<Vec<String>>>,
}

impl StaticServer {
    pub fn start(root: &Path) -> Self {
        Self::serving(root, None)
    }

    /// A server that answers a second request for a file whose path ends with `suffix` with
    /// 404: the page loads, and whatever fetches the file again later (the job-run worker's
    /// import of the glue script) fails as it would on a flaky network.
    pub fn start_refusing_repeats(root: &Path, suffix: &str) -> Self {
        Self::serving(root, Some(suffix.to_string()))
    }

    fn serving(root: &Path, refuse_repeats_of: Option<String>) -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let (root, worker) = (root.to_path_buf(), Arc::clone(&server));
        let log = Arc::new(Mutex::new(Vec::new()));
        let served = Arc::clone(&log);
        thread::spawn(move || {
            for request in worker.incoming_requests() {
                let line = format!("{} {}", request.method(), request.url());
                let repeated = {
                    let mut log = served.lock().expect("the log");
                    let repeated = log.contains(&line);
                    log.push(line);
                    repeated
                };
                let refused = repeated && refuse_repeats_of.as_ref().is_some_and(|s| request.url().ends_with(s));
                let path = request
                    .url()
                    .split('?')
                    .next()
                    .unwrap_or("/")
                    .trim_start_matches('/')
                    .to_string();
                let file = if path.is_empty() {
                    root.join("index.html")
                } else {
                    root.join(&path)
                };
                let response = match std::fs::read(&file) {
                    Ok(body) if !path.contains("..") && !refused => tiny_http::Response::from_data(body)
                        .with_header(content_type(&file).parse::<tiny_http::Header>().expect("valid header")),
                    _ => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
                };
                let _ = request.respond(response);
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}/"),
            server,
            log,
        }
    }

    /// The requests served so far ("METHOD /path").
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().expect("the log").clone()
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "Content-Type: text/html; charset=utf-8",
        Some("js") => "Content-Type: text/javascript",
        Some("wasm") => "Content-Type: application/wasm",
        Some("css") => "Content-Type: text/css",
        Some("svg") => "Content-Type: image/svg+xml",
        _ => "Content-Type: application/octet-stream",
    }
}

/// A ChromeDriver process and a headless Chromium session driven through it.
pub struct BrowserSession {
    pub client: Client,
    driver: Child,
}

impl BrowserSession {
    pub async fn start() -> Self {
        let chromedriver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {chromedriver}: {e} (run `cargo xtask test`, which installs it)"));
        let mut caps = serde_json::Map::new();
        let mut options = serde_json::Map::new();
        options.insert("args".into(), serde_json::json!(CHROME_ARGS));
        // The console (CSP violations, in the page and its worker) for `browser_log`.
        caps.insert("goog:loggingPrefs".into(), serde_json::json!({ "browser": "ALL" }));
        if let Ok(binary) = std::env::var("CHROMIUM") {
            options.insert("binary".into(), binary.into());
        }
        caps.insert("goog:chromeOptions".into(), options.into());
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..50 {
            match ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return Self { client, driver },
                Err(e) => last_error = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("could not open a Chromium session through {chromedriver}: {last_error:?}");
    }

    /// Runs `source` in every document this session opens, before the page's own scripts
    /// (chromedriver's DevTools bridge: `Page.addScriptToEvaluateOnNewDocument`).
    pub async fn before_every_page(&self, source: &str) {
        let body = serde_json::json!({
            "cmd": "Page.addScriptToEvaluateOnNewDocument",
            "params": { "source": source },
        });
        self.client
            .issue_cmd(Chromedriver {
                path: "goog/cdp/execute",
                body,
            })
            .await
            .expect("add a script to every new document");
    }

    /// The browser's console messages since the last call (chromedriver's log endpoint), as
    /// "LEVEL message".
    pub async fn browser_log(&self) -> Vec<String> {
        let body = serde_json::json!({ "type": "browser" });
        let entries = self
            .client
            .issue_cmd(Chromedriver { path: "se/log", body })
            .await
            .expect("read the browser log");
        entries
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                format!(
                    "{} {}",
                    e["level"].as_str().unwrap_or("?"),
                    e["message"].as_str().unwrap_or("")
                )
            })
            .collect()
    }

    /// Waits for an element to appear (the wasm app renders after load).
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element matches `{css}`: {e}"))
    }

    /// Text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("element text")
    }

    /// Puts `sql` in the query box as typed text and runs it with the button.
    pub async fn run_query(&self, sql: &str) {
        let code = format!(
            "const box = document.querySelector('#sql'); box.value = {}; box.dispatchEvent(new Event('input')); return true",
            serde_json::to_string(sql).expect("a string")
        );
        let _: bool = self.script(&code).await;
        self.click("#run-query").await;
    }

    /// A DOM property of `css`: `value` of a field, or `textContent` where the exact text
    /// matters (WebDriver's visible text drops a `<pre>`'s blank lines).
    pub async fn prop(&self, css: &str, name: &str) -> String {
        self.find(css)
            .await
            .prop(name)
            .await
            .expect("property")
            .unwrap_or_default()
    }

    /// Waits until the text of `css` satisfies `check` (the UI updates after a click), and
    /// returns it; fails with the last text seen.
    pub async fn wait_text(&self, css: &str, check: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        // Up to 30 s: the first paint compiles ~10 MB of wasm, slow on a busy 2-core machine.
        for _ in 0..300 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                last = element.text().await.unwrap_or_default();
                if check(&last) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("`{css}` never showed the expected text; last seen: {last:?}");
    }

    /// Clicks what `css` names. The page re-renders as a run reports progress, so an element
    /// found may be replaced before the click lands (a stale reference): it is found again, as a
    /// person's second try would, a few times at most.
    pub async fn click(&self, css: &str) {
        let mut tries = 0;
        loop {
            let element = self.find(css).await;
            match self.click_element(&element).await {
                Ok(()) => return,
                Err(e) if tries < 5 && e.to_string().contains("stale element") => tries += 1,
                Err(e) => panic!("click `{css}`: {e}"),
            }
        }
    }

    /// Clicks `element` after scrolling it to the middle of the window, as a person scrolls to
    /// what they want to press: the pinned stage head (tour, notices) grows as notices arrive and
    /// can cover what sits just under it, where WebDriver would otherwise click.
    pub async fn click_element(
        &self,
        element: &fantoccini::elements::Element,
    ) -> Result<(), fantoccini::error::CmdError> {
        let arg = serde_json::to_value(element).expect("an element is JSON");
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})",
                vec![arg],
            )
            .await?;
        element.click().await
    }

    /// Chooses an option of a `<select>` by value, firing its change event.
    pub async fn choose(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choose {value} in `{css}`: {e}"));
    }

    /// Origins of every resource the page loaded (scripts, wasm, fetches), from the
    /// Resource Timing API.
    pub async fn resource_origins(&self) -> Vec<String> {
        let value = self
            .client
            .execute(
                "return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)",
                vec![],
            )
            .await
            .expect("execute script");
        serde_json::from_value(value).expect("a list of origins")
    }

    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut texts = vec![];
        for element in self.client.find_all(Locator::Css(css)).await.expect("find_all") {
            texts.push(element.text().await.expect("element text"));
        }
        texts
    }

    /// Saves a screenshot under `target/e2e/` for people to look at.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e");
        std::fs::create_dir_all(&dir).expect("create target/e2e");
        let file = dir.join(format!("{name}.png"));
        let _ = self.client.execute("window.scrollTo(0, 0)", vec![]).await;
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(&file, png).expect("write screenshot");
        file
    }

    /// Opens the Examples dialog and loads the ready example `id` (its tour starts at step 1).
    pub async fn open_example(&self, id: &str) {
        self.click("#open-examples").await;
        self.click(&format!(".example-card[data-example='{id}']")).await;
    }

    /// [`BrowserSession::screenshot_as_seen`] once a tour step's spotlight, which scrolls
    /// smoothly, has brought its panel to rest.
    pub async fn screenshot_after_spotlight(&self, name: &str) -> PathBuf {
        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
        self.screenshot_as_seen(name).await
    }

    /// A screenshot of the viewport as the user sees it now, scrolled wherever the page is.
    pub async fn screenshot_as_seen(&self, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e");
        std::fs::create_dir_all(&dir).expect("create target/e2e");
        let file = dir.join(format!("{name}.png"));
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(&file, png).expect("write screenshot");
        file
    }

    /// Clicks the seed's "Upload raw-data-N.json" button (`file` = N) and waits for the object
    /// to be listed.
    pub async fn upload_seed_file(&self, file: usize) {
        let buttons = self
            .client
            .find_all(Locator::Css("button.upload-seed"))
            .await
            .expect("the seed's upload buttons");
        self.click_element(&buttons[file - 1]).await.expect("upload");
        let name = format!("raw-data-{file}.json");
        self.wait_text("table.objects", |t| t.contains(&name)).await;
    }

    /// [`Self::upload_seed_file`], then Run, and waits until the runs table shows `runs_after`
    /// SUCCEEDED runs.
    pub async fn upload_seed_file_and_run(&self, file: usize, runs_after: usize) {
        self.upload_seed_file(file).await;
        self.click("#run-job").await;
        self.wait_text(".runs tbody", |t| t.matches("SUCCEEDED").count() == runs_after)
            .await;
    }

    /// Chooses `path` in the file input `css`, as a user picking it in the dialog would.
    pub async fn choose_file(&self, css: &str, path: &Path) {
        self.find(css)
            .await
            .send_keys(path.to_str().expect("a UTF-8 path"))
            .await
            .unwrap_or_else(|e| panic!("choose {} in `{css}`: {e}", path.display()));
    }

    /// Controls on the page without an accessible name, as HTML (empty when all are named).
    pub async fn unnamed_controls(&self) -> Vec<String> {
        self.script(UNNAMED_CONTROLS).await
    }

    /// Visible text under WCAG AA contrast, as "ratio: text (element)" (empty when all pass).
    pub async fn low_contrast_text(&self) -> Vec<String> {
        self.script(LOW_CONTRAST_TEXT).await
    }

    /// Scrolls `css` to the middle of the window, as a person would to read it, and lets the
    /// page settle.
    pub async fn scroll_to(&self, css: &str) {
        let code = format!(
            "document.querySelector({}).scrollIntoView({{block: 'center', behavior: 'instant'}}); return true",
            serde_json::to_string(css).expect("a string")
        );
        let _: bool = self.script(&code).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }

    /// Waits for the tour to stand at `step` of `of`.
    pub async fn at_tour_step(&self, step: usize, of: usize) {
        let want = format!("Step {step} of {of}");
        self.wait_text("#tour-progress", |t| t == want).await;
    }

    /// Runs `code` in the page and returns its result.
    pub async fn script<T: serde::de::DeserializeOwned>(&self, code: &str) -> T {
        let value = self.client.execute(code, vec![]).await.expect("execute script");
        serde_json::from_value(value).expect("the script's result")
    }

    /// Saves a screenshot of one element (a panel further down the page) under `target/e2e/`.
    pub async fn screenshot_of(&self, css: &str, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e");
        std::fs::create_dir_all(&dir).expect("create target/e2e");
        let file = dir.join(format!("{name}.png"));
        let png = self.find(css).await.screenshot().await.expect("element screenshot");
        std::fs::write(&file, png).expect("write screenshot");
        file
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A chromedriver endpoint beyond WebDriver's own, in the session, POSTed `body`.
#[derive(Debug)]
struct Chromedriver {
    path: &'static str,
    body: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Chromedriver {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/{}", session_id.unwrap_or_default(), self.path))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}
