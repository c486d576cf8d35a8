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
    trunk_build()
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
                ])
                .env("CHROMEDRIVER", &browser.chromedriver)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
        )
    })?;
    stages.run("build app (trunk)", trunk_build)?;
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
            ]);
        } else {
            cmd.args(["test", "--workspace", "--", "--ignored", "--test-threads=1"]);
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

pub fn bench() -> Result {
    status(cargo().args(["bench", "--package", "gluelab-core"]))
}
