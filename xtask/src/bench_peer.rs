//! The benchmark's peer, DuckDB-WASM: its npm packages (pinned in `tests/bench/package.json`
//! and its lockfile) installed once with `npm ci` under the target directory
//! (`bench-peer/<hash>/node_modules`, the hash of both files), and served with
//! `tests/bench/peer.html` to headless Chromium by `tests/benches/peer_browser.rs`.
//! Node.js and npm come from Debian when `npm` is missing.

use std::path::PathBuf;
use std::time::Instant;

use crate::oracle::{apt_install, fnv1a, target_dir};
use crate::run::{output, project_root, status, tool, Result};

const PINNED: &str = "tests/bench";

/// The cached `node_modules` folder, installed when missing or when the pins changed.
pub fn node_modules() -> Result<PathBuf> {
    let pinned = project_root().join(PINNED);
    let mut bytes = vec![];
    for file in ["package.json", "package-lock.json"] {
        let path = pinned.join(file);
        bytes.extend(std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?);
    }
    let dir = target_dir().join("bench-peer").join(format!("{:016x}", fnv1a(&bytes)));
    let modules = dir.join("node_modules");
    // npm ci writes node_modules/.package-lock.json last: its presence means a whole install.
    if modules.join(".package-lock.json").is_file() && modules.join("@duckdb/duckdb-wasm/dist").is_dir() {
        return Ok(modules);
    }
    if output(tool("npm").arg("--version")).is_none() {
        apt_install(&["nodejs", "npm"], "npm (to install DuckDB-WASM for the benchmark)")?;
    }
    println!(
        "bench: installing DuckDB-WASM into {} (pinned in {PINNED}; once, ~10 s and ~150 MB)",
        dir.display()
    );
    let start = Instant::now();
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for file in ["package.json", "package-lock.json"] {
        std::fs::copy(pinned.join(file), dir.join(file)).map_err(|e| format!("cannot copy {file}: {e}"))?;
    }
    status(
        tool("npm")
            .args([
                "ci",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--loglevel",
                "error",
            ])
            .current_dir(&dir),
    )?;
    println!("bench: DuckDB-WASM ready in {:.1}s", start.elapsed().as_secs_f64());
    Ok(modules)
}
