//! The npm packages the CDK export pins (`core/fixtures/cdk/package.json` and its lockfile),
//! installed once with `npm ci` under the target directory (`cdk-node/<hash>/node_modules`, the
//! hash of both files), so the oracle synthesizes every exported CDK app offline with `node`.
//! Node.js and npm come from Debian when `npm` is missing.

use std::path::PathBuf;
use std::time::Instant;

use crate::oracle::{apt_install, fnv1a, target_dir};
use crate::run::{output, project_root, status, tool, Result};

const PINNED: &str = "core/fixtures/cdk";

/// The cached `node_modules` folder, installed when missing or when the pins changed.
pub fn node_modules() -> Result<PathBuf> {
    let pinned = project_root().join(PINNED);
    let mut bytes = vec![];
    for file in ["package.json", "package-lock.json"] {
        let path = pinned.join(file);
        bytes.extend(std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?);
    }
    let dir = target_dir().join("cdk-node").join(format!("{:016x}", fnv1a(&bytes)));
    let modules = dir.join("node_modules");
    // npm ci writes node_modules/.package-lock.json last: its presence means a whole install.
    if modules.join(".package-lock.json").is_file() && modules.join("aws-cdk-lib").is_dir() {
        return Ok(modules);
    }
    npm()?;
    println!(
        "oracle: installing the CDK export's npm packages into {} (pinned in {PINNED}; once, ~10 s and ~210 MB)",
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
    println!("oracle: npm packages ready in {:.1}s", start.elapsed().as_secs_f64());
    Ok(modules)
}

/// `node` and `npm`, from Debian when missing.
fn npm() -> Result {
    if output(tool("npm").arg("--version")).is_some() && output(tool("node").arg("--version")).is_some() {
        return Ok(());
    }
    apt_install(&["nodejs", "npm"], "Node.js and npm (to synthesize the CDK exports)")
}
