//! The peer in the benchmark: DuckDB-WASM (npm `@duckdb/duckdb-wasm`, pinned in
//! `tests/bench/package-lock.json`) in headless Chromium, on the exact bytes of gluelab's
//! benchmark (`gluelab_tests::bench`'s generators: the 100 MiB CSV and the same rows as JSON
//! lines), once with its `eh` bundle and once with `mvp`. Prints
//! `gluelab-bench duckdb-<bundle> <name> <bytes> <seconds>` lines, as the other halves do, and
//! `gluelab-bench-note` lines (rows, version, the offline Parquet write). A benchmark, not a
//! test: `cargo xtask bench` installs the npm packages (once, under `target/bench-peer`) and runs
//! it with `GLUELAB_BENCH_PEER_MODULES` naming their `node_modules`, `CHROMEDRIVER` and
//! `CHROMIUM`.
//!
//! The page (`tests/bench/peer.html`, `peer.js`), the npm packages and the inputs are served on
//! 127.0.0.1 by a small server here (module scripts need a JavaScript MIME type); the page can
//! reach nothing else, so what DuckDB-WASM would fetch from the network fails as it would offline.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gluelab_tests::bench;
use gluelab_tests::e2e::BrowserSession;

const BUNDLES: [&str; 2] = ["eh", "mvp"];

fn main() {
    let modules = std::env::var_os("GLUELAB_BENCH_PEER_MODULES")
        .map(PathBuf::from)
        .expect("GLUELAB_BENCH_PEER_MODULES is not set: run this benchmark with `cargo xtask bench`");
    assert!(
        modules.join("@duckdb/duckdb-wasm/dist").is_dir(),
        "{} has no @duckdb/duckdb-wasm",
        modules.display()
    );
    let csv = bench::csv_input(bench::input_bytes());
    let rows = bench::rows_of(&csv);
    let json = bench::json_rows(rows);
    println!(
        "gluelab-bench-note duckdb csv {} bytes, json {} bytes, {rows} rows",
        csv.len(),
        json.len()
    );
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench");
    let server = Server::start(page, modules, csv, json);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let browser = BrowserSession::start().await;
        for bundle in BUNDLES {
            // A fresh page for each bundle, so one's memory is not the other's.
            browser
                .client
                .goto(&format!("{}peer.html", server.url))
                .await
                .expect("open the page");
            wait_for(&browser, "return window.peerReady === true", Duration::from_secs(60)).await;
            let _: bool = browser
                .script(&format!(
                    "window.__peer = null; runPeer('{bundle}').then(r => window.__peer = r, \
                     e => window.__peer = {{ error: String(e && e.stack || e) }}); return true"
                ))
                .await;
            wait_for(&browser, "return window.__peer !== null", Duration::from_secs(1200)).await;
            let result: serde_json::Value = browser.script("return window.__peer").await;
            if let Some(error) = result.get("error") {
                panic!("DuckDB-WASM ({bundle}) failed: {error}");
            }
            let side = format!("duckdb-{bundle}");
            println!(
                "gluelab-bench-note {side} version {}",
                result["version"].as_str().unwrap_or("?")
            );
            for figure in result["figures"].as_array().into_iter().flatten() {
                let name = figure[0].as_str().unwrap_or("?");
                let bytes = figure[1].as_u64().unwrap_or(0) as usize;
                let seconds = figure[2].as_f64().unwrap_or(f64::NAN);
                println!("{}", bench::report_line(&side, name, bytes, seconds));
            }
            for note in result["notes"].as_array().into_iter().flatten() {
                println!(
                    "gluelab-bench-note {side} {} {}",
                    note[0].as_str().unwrap_or("?"),
                    note[1].as_str().unwrap_or("?")
                );
            }
            let counted = |name: &str| {
                result["notes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|n| n[0] == name)
                    .and_then(|n| n[1].as_str()?.parse::<usize>().ok())
            };
            assert_eq!(counted("csv_rows"), Some(rows), "{side}: the CSV table's rows");
            if counted("json_rows").is_some() {
                assert_eq!(counted("json_rows"), Some(rows), "{side}: the JSON table's rows");
            }
            // What the page and DuckDB's worker logged: a fetch that could not leave the machine.
            for line in browser.browser_log().await {
                println!("gluelab-bench-note {side} console {}", line.replace('\n', " "));
            }
        }
        browser.close().await;
    });
    let outside: Vec<String> = server.requests().into_iter().filter(|r| r.ends_with(" 404")).collect();
    println!("gluelab-bench-note duckdb requests not found: {outside:?}");
}

/// Polls `script` (returning a boolean) until it is true.
async fn wait_for(browser: &BrowserSession, script: &str, limit: Duration) {
    let start = Instant::now();
    loop {
        if browser.script::<bool>(script).await {
            return;
        }
        assert!(start.elapsed() < limit, "`{script}` was not true within {limit:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The page's folder at `/`, the npm packages at `/node_modules/`, the inputs at
/// `/data/devices.csv` and `/data/devices.jsonl`, on an ephemeral loopback port.
struct Server {
    url: String,
    server: Arc<tiny_http::Server>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(page: PathBuf, modules: PathBuf, csv: Vec<u8>, json: Vec<u8>) -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (worker, served) = (Arc::clone(&server), Arc::clone(&log));
        let (csv, json) = (Arc::new(csv), Arc::new(json));
        std::thread::spawn(move || {
            for request in worker.incoming_requests() {
                let path = request.url().split('?').next().unwrap_or("/").to_string();
                let body = match path.as_str() {
                    _ if path.contains("..") => None,
                    "/data/devices.csv" => Some(csv.as_ref().clone()),
                    "/data/devices.jsonl" => Some(json.as_ref().clone()),
                    _ => match path.strip_prefix("/node_modules/") {
                        Some(rest) => std::fs::read(modules.join(rest)).ok(),
                        None => std::fs::read(page.join(path.trim_start_matches('/'))).ok(),
                    },
                };
                let status = if body.is_some() { 200 } else { 404 };
                served
                    .lock()
                    .expect("the log")
                    .push(format!("{} {path} {status}", request.method()));
                let response = match body {
                    Some(body) => tiny_http::Response::from_data(body).with_header(
                        format!("Content-Type: {}", content_type(&path))
                            .parse::<tiny_http::Header>()
                            .expect("a header"),
                    ),
                    None => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
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

    fn requests(&self) -> Vec<String> {
        self.log.lock().expect("the log").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("json" | "map") => "application/json",
        _ => "application/octet-stream",
    }
}
