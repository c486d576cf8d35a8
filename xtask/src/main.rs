//! gluelab's project automation, in the cargo-xtask pattern (https://github.com/matklad/cargo-xtask/).
//!
//! `cargo xtask` is an alias in `.cargo/config.toml`. The README's two commands live here:
//! `cargo xtask serve` and `cargo xtask test`. Both install what a new machine lacks, so a
//! fresh clone with only a Rust toolchain needs nothing else. No dependencies, on purpose:
//! this crate must compile in seconds.

mod bench_peer;
mod cdk_node;
mod install;
mod oracle;
mod run;
mod tasks;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask <task> [options]

Tasks:
  install           install what is missing: the wasm32 target, trunk, wasm-bindgen-cli
                    (pinned to Cargo.lock), Chromium and ChromeDriver (Debian packages)
  build             build the web app into dist/ (trunk, release, offline)
  serve [--port N]  build and serve the app on http://127.0.0.1:N/ (default 8080)
  test              everything CI runs: fmt, clippy, native tests, the real-engine oracle,
                    browser tests (wasm-bindgen-test in headless Chromium) and end-to-end tests
                    of the built app
  oracle            gluelab against the real engines: exported templates through cfn-lint, job
                    arguments through AWS's own getResolvedOptions, an exported script on Apache
                    Spark (a pinned Python venv, cached under the target directory; Java from apt),
                    every CDK export synthesized with node (npm packages cached the same way)
  bench [--compare] benchmarks: format throughput, bookmarked runs (divan, native), the query
                    box's longest block, and the same 100 MB CSV (ingest, JSON lines, queries,
                    job run) natively at opt-level 3 and z, in headless Chromium, and in
                    DuckDB-WASM (npm, eh and mvp bundles) in the same Chromium, as ratios;
                    `--compare` runs only that comparison
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("install") => install::all(install::Needs::everything()),
        Some("build") => tasks::build(),
        Some("serve") => tasks::serve(&args[1..]),
        Some("test") => tasks::test(),
        Some("oracle") => oracle::run(),
        Some("bench") => tasks::bench(&args[1..]),
        None | Some("help" | "--help" | "-h") => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
