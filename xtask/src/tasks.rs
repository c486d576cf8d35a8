//! The tasks themselves: build, serve, test, bench.

use crate::install::{self, Needs};
use crate::run::{cargo, project_root, status, tool, Result, Stages};

/// The browser tests' crate and its test targets.
const TESTS_PACKAGE: &str = "gluelab-tests";

pub fn build() -> Result {
    install::all(Needs {
        web: true,
        browser: false,
    })?;
    trunk_build()?;
    wasm_size()
}

/// The budget for the app's wasm, gzipped (page and job-run worker share the module).
const WASM_GZIP_BUDGET: u64 = 3_000_000;

/// Prints the built wasm's size, raw and gzipped (`gzip -6`, what servers commonly send), and
/// fails when the gzipped size is over the budget.
fn wasm_size() -> Result {
    let dist = project_root().join("dist");
    let wasm = std::fs::read_dir(&dist)
        .map_err(|e| format!("cannot read {}: {e}", dist.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .find(|path| path.to_string_lossy().ends_with("_bg.wasm"))
        .ok_or_else(|| format!("no *_bg.wasm in {}: build the app first", dist.display()))?;
    let raw = std::fs::metadata(&wasm).map_err(|e| e.to_string())?.len();
    let gzipped = std::process::Command::new("gzip")
        .args(["-6", "-c"])
        .arg(&wasm)
        .output()
        .map_err(|e| format!("could not run gzip: {e}"))?
        .stdout
        .len() as u64;
    let mb = |bytes: u64| bytes as f64 / 1e6;
    println!(
        "wasm: {} — {:.2} MB raw, {:.2} MB gzip (budget {:.2} MB)",
        wasm.file_name().unwrap_or_default().to_string_lossy(),
        mb(raw),
        mb(gzipped),
        mb(WASM_GZIP_BUDGET)
    );
    if gzipped > WASM_GZIP_BUDGET {
        return Err(format!(
            "the wasm is {:.2} MB gzipped, over the {:.2} MB budget",
            mb(gzipped),
            mb(WASM_GZIP_BUDGET)
        ));
    }
    Ok(())
}

fn trunk_build() -> Result {
    fetch_wasm_crates()?;
    // `--offline`: trunk uses the installed wasm-bindgen and never tries a download.
    status(tool("trunk").args(["build", "--release", "--offline"]))
}

/// Trunk runs cargo `--offline`, so the wasm target's crates must already be downloaded.
fn fetch_wasm_crates() -> Result {
    status(cargo().args(["fetch", "--target", "wasm32-unknown-unknown"]))
}

pub fn serve(args: &[String]) -> Result {
    let port = match args {
        [] => "8080".to_string(),
        [flag, port] if flag == "--port" => port.clone(),
        _ => return Err("usage: cargo xtask serve [--port N]".into()),
    };
    install::all(Needs {
        web: true,
        browser: false,
    })?;
    fetch_wasm_crates()?;
    println!("\ngluelab will be served at http://127.0.0.1:{port}/ (the seed article's demo workspace is loaded)\n");
    status(tool("trunk").args([
        "serve",
        "--release",
        "--offline",
        "--address",
        "127.0.0.1",
        "--port",
        &port,
    ]))
}

pub fn test() -> Result {
    let mut stages = Stages::default();
    let result = test_stages(&mut stages);
    stages.summary();
    result
}

fn test_stages(stages: &mut Stages) -> Result {
    stages.run("install tools", || {
        install::all(Needs {
            web: true,
            browser: false,
        })
    })?;
    let browser = {
        let mut found = None;
        stages.run("install browser", || {
            found = Some(install::browser()?);
            Ok(())
        })?;
        found.expect("set by the stage")
    };
    stages.run("fmt", || status(cargo().args(["fmt", "--all", "--", "--check"])))?;
    stages.run("clippy", || {
        status(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))
    })?;
    stages.run("native tests", native_tests)?;
    stages.run("real-engine oracle", crate::oracle::run)?;
    stages.run("wasm tests (headless Chromium)", || {
        status(
            cargo()
                .args([
                    "test",
                    "--package",
                    TESTS_PACKAGE,
                    "--target",
                    "wasm32-unknown-unknown",
                    "--test",
                    "browser",
                    // The app's panels mounted alone and driven as a user would.
                    "--test",
                    "browser_components",
                ])
                .env("CHROMEDRIVER", &browser.chromedriver)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
        )
    })?;
    stages.run("build app (trunk)", trunk_build)?;
    stages.run("wasm size budget", wasm_size)?;
    stages.run("end-to-end tests (headless Chromium)", || {
        // The e2e tests are the workspace's only ignored tests. Running them through the same
        // workspace-wide command as the native tests reuses those builds (one feature set).
        let mut cmd = cargo();
        if has_nextest() {
            cmd.args([
                "nextest",
                "run",
                "--workspace",
                "--run-ignored",
                "only",
                "--test-threads",
                "1",
                // The query benchmark is `cargo xtask bench`'s.
                "-E",
                "not binary(bench_query)",
            ]);
        } else {
            cmd.args([
                "test",
                "--workspace",
                "--",
                "--ignored",
                "--test-threads=1",
                "--skip",
                "bench_query",
            ]);
        }
        status(
            cmd.env("GLUELAB_DIST", project_root().join("dist"))
                .env("CHROMEDRIVER", &browser.chromedriver)
                .env("CHROMIUM", &browser.chromium),
        )
    })?;
    Ok(())
}

fn has_nextest() -> bool {
    crate::run::output(cargo().args(["nextest", "--version"])).is_some()
}

fn native_tests() -> Result {
    if has_nextest() {
        status(cargo().args(["nextest", "run", "--workspace", "--no-fail-fast"]))?;
    } else {
        status(cargo().args(["test", "--workspace", "--no-fail-fast"]))?;
    }
    // nextest does not run doctests.
    status(cargo().args(["test", "--workspace", "--doc"]))
}

pub fn bench(args: &[String]) -> Result {
    match args {
        [] => {}
        // Only the side-by-side comparison (natively, in the browser, DuckDB-WASM).
        [flag] if flag == "--compare" => return browser_vs_native(),
        _ => return Err("usage: cargo xtask bench [--compare]".into()),
    }
    status(cargo().args(["bench", "--package", "gluelab-core"]))?;
    // The bookmarked-run benchmark's 1,000,000-object point (core's divan one stops at 100,000).
    status(cargo().args(["bench", "--package", TESTS_PACKAGE, "--bench", "bookmarked_million"]))?;
    browser_vs_native()?;
    query_longest_block()
}

/// The query box's longest main-thread block over a 1.6 M-row sink, in the built app
/// (`tests/tests/bench_query.rs`, a `PerformanceObserver` for long tasks).
fn query_longest_block() -> Result {
    install::all(Needs {
        web: true,
        browser: false,
    })?;
    let browser = install::browser()?;
    trunk_build()?;
    println!("\n==> the query box's longest main-thread block (built app, headless Chromium)");
    status(
        cargo()
            .args([
                "test",
                "--package",
                TESTS_PACKAGE,
                "--test",
                "bench_query",
                "--",
                "--ignored",
                "--nocapture",
            ])
            .env("GLUELAB_DIST", project_root().join("dist"))
            .env("CHROMEDRIVER", &browser.chromedriver)
            .env("CHROMIUM", &browser.chromium),
    )
}

/// The native half's second build: the app's release profile as it ships (`opt-level = "z"`,
/// fat LTO, one codegen unit), defined here so the workspace's profiles stay as they are.
const AS_SHIPPED: [&str; 4] = [
    "--config",
    "profile.bench-z.inherits=\"release\"",
    "--profile",
    "bench-z",
];

/// The same 100 MB CSV workload (`tests/src/bench.rs`, with the same rows as JSON lines and two
/// queries) natively (at opt-level 3 and as shipped, opt-level "z"), in headless Chromium (the
/// release build), and DuckDB-WASM's `eh` and `mvp` bundles on the same bytes in the same
/// Chromium; then every figure side by side with the ratios.
fn browser_vs_native() -> Result {
    install::all(Needs {
        web: true,
        browser: false,
    })?;
    let browser = install::browser()?;
    let modules = crate::bench_peer::node_modules()?;
    let native_bench = || {
        let mut cmd = cargo();
        cmd.args(["bench", "--package", TESTS_PACKAGE, "--bench", "run_native"]);
        cmd
    };
    println!("\n==> browser vs native: native half, [profile.bench] (opt-level 3)");
    let mut out = captured(native_bench().env("GLUELAB_BENCH_BUILD", "o3"))?;
    println!("\n==> browser vs native: native half, as shipped (the release profile, opt-level \"z\")");
    out += &captured(native_bench().args(AS_SHIPPED).env("GLUELAB_BENCH_BUILD", "z"))?;
    println!("\n==> browser vs native: browser half (headless Chromium, release build)");
    out += &captured(
        cargo()
            .args([
                "test",
                "--package",
                TESTS_PACKAGE,
                "--target",
                "wasm32-unknown-unknown",
                "--release",
                "--test",
                "bench_browser",
                "--",
                "--nocapture",
            ])
            .env("CHROMEDRIVER", &browser.chromedriver)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "900"),
    )?;
    println!("\n==> the peer: DuckDB-WASM (eh, mvp) on the same bytes in headless Chromium");
    out += &captured(
        cargo()
            .args(["bench", "--package", TESTS_PACKAGE, "--bench", "peer_browser"])
            .env("GLUELAB_BENCH_PEER_MODULES", &modules)
            .env("CHROMEDRIVER", &browser.chromedriver)
            .env("CHROMIUM", &browser.chromium),
    )?;
    print_comparison(&out)
}

/// The comparison's columns: the side's name in the figures, and its heading.
const SIDES: [(&str, &str); 5] = [
    ("native-o3", "native o3"),
    ("native-z", "native z"),
    ("browser", "gluelab wasm"),
    ("duckdb-eh", "duckdb eh"),
    ("duckdb-mvp", "duckdb mvp"),
];

/// The workloads in the order they are printed.
const WORKLOADS: [&str; 8] = [
    "csv_ingest",
    "json_ingest",
    "query_count",
    "query_group_by",
    "csv_to_parquet",
    "job_run",
    "handover_round_trip",
    "snapshot_round_trip",
];

fn print_comparison(out: &str) -> Result {
    let figures: Vec<Vec<(String, f64)>> = SIDES.iter().map(|(side, _)| bench_figures(out, side)).collect();
    let get = |side: usize, name: &str| figures[side].iter().find(|(n, _)| n == name).map(|f| f.1);
    let cell = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"));
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => format!("{:.2}", a / b),
        _ => "-".to_string(),
    };
    println!(
        "\nthe same bytes natively, in headless Chromium, and DuckDB-WASM in the same Chromium (MB/s of the input;"
    );
    println!("queries: MB/s of the CSV whose rows they read; higher is better; `-`: not measured on that side):");
    print!("  {:<20}", "workload");
    for (_, heading) in SIDES {
        print!(" {heading:>12}");
    }
    println!(
        " {:>9} {:>9} {:>9} {:>9} {:>9}",
        "z/o3", "wasm/z", "wasm/o3", "wasm/eh", "wasm/mvp"
    );
    for name in WORKLOADS {
        let row: Vec<Option<f64>> = (0..SIDES.len()).map(|side| get(side, name)).collect();
        if row.iter().all(Option::is_none) {
            continue;
        }
        print!("  {name:<20}");
        for value in &row {
            print!(" {:>12}", cell(*value));
        }
        println!(
            " {:>9} {:>9} {:>9} {:>9} {:>9}",
            ratio(row[1], row[0]),
            ratio(row[2], row[1]),
            ratio(row[2], row[0]),
            ratio(row[2], row[3]),
            ratio(row[2], row[4])
        );
    }
    for line in out.lines().filter(|l| l.contains("gluelab-bench-note")) {
        println!("  {}", line.trim());
    }
    println!(
        "  (a DuckDB-WASM workload `failed` above needs an extension the bundle does not build in: DuckDB-WASM \
         fetches it from extensions.duckdb.org, and the page reaches only 127.0.0.1)"
    );
    if figures.iter().any(Vec::is_empty) {
        return Err("a side of the browser-vs-native benchmark printed no figures".into());
    }
    Ok(())
}

/// Runs a command, echoing and returning its standard output and error.
fn captured(cmd: &mut std::process::Command) -> Result<String> {
    let shown = format!("{cmd:?}");
    println!("$ {shown}");
    let out = cmd.output().map_err(|e| format!("could not start {shown}: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    print!("{text}");
    if out.status.success() {
        Ok(text)
    } else {
        Err(format!("{shown} failed ({})", out.status))
    }
}

/// `(name, MB/s)` from the lines `gluelab-bench <side> <name> <bytes> <seconds>`.
fn bench_figures(output: &str, side: &str) -> Vec<(String, f64)> {
    output
        .lines()
        .filter_map(|line| {
            let rest = &line[line.find("gluelab-bench ")? + "gluelab-bench ".len()..];
            let mut words = rest.split_whitespace();
            if words.next()? != side {
                return None;
            }
            let name = words.next()?.to_string();
            let bytes: f64 = words.next()?.parse().ok()?;
            let seconds: f64 = words.next()?.parse().ok()?;
            Some((name, bytes / 1e6 / seconds))
        })
        .collect()
}
