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

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
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
                // Closed first: a panic would leave chromedriver and Chromium running.
                browser.close().await;
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
/// `/data/devices.csv` and `/data/devices.jsonl`, on an ephemeral loopback port: a thread per
/// connection, one request each (`Connection: close`), so the page's many module requests never
/// wait behind an idle keep-alive connection.
struct Server {
    url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(page: PathBuf, modules: PathBuf, csv: Vec<u8>, json: Vec<u8>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("an address").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let served = Arc::clone(&log);
        let files = Arc::new((page, modules, csv, json));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (files, served) = (Arc::clone(&files), Arc::clone(&served));
                std::thread::spawn(move || {
                    let _ = serve(stream, &files, &served);
                });
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}/"),
            log,
        }
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().expect("the log").clone()
    }
}

/// Answers one GET on `stream` and closes it.
fn serve(
    stream: TcpStream,
    (page, modules, csv, json): &(PathBuf, PathBuf, Vec<u8>, Vec<u8>),
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // The headers, up to the blank line (a GET has no body).
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut words = request_line.split_whitespace();
    let method = words.next().unwrap_or("").to_string();
    let path = words.next().unwrap_or("/").split('?').next().unwrap_or("/").to_string();
    let file = |path: &Path| std::fs::read(path).ok();
    let body: Option<std::borrow::Cow<[u8]>> = match path.as_str() {
        _ if path.contains("..") => None,
        "/data/devices.csv" => Some(csv.as_slice().into()),
        "/data/devices.jsonl" => Some(json.as_slice().into()),
        _ => match path.strip_prefix("/node_modules/") {
            Some(rest) => file(&modules.join(rest)).map(Into::into),
            None => file(&page.join(path.trim_start_matches('/'))).map(Into::into),
        },
    };
    let (status, body) = match body {
        Some(body) => ("200 OK", body),
        None => ("404 Not Found", b"not found".as_slice().into()),
    };
    log.lock()
        .expect("the log")
        .push(format!("{method} {path} {}", &status[..3]));
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        content_type(&path),
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
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
