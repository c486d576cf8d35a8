//! Installs what a new machine lacks. Everything comes from package registries by name
//! (rustup, crates.io, Debian): never a download of prebuilt binaries, which this network refuses.

use std::path::{Path, PathBuf};

use crate::run::{cargo, output, project_root, status, tool, Result};

/// Trunk 0.22 needs a newer rustc than the machines have; 0.21 is proven (TOOLCHAIN.md).
const TRUNK_VERSION: &str = "~0.21";
const TRUNK_MINOR: &str = "trunk 0.21.";

#[derive(Clone, Copy)]
pub struct Needs {
    /// wasm32 target, trunk and wasm-bindgen-cli.
    pub web: bool,
    /// Chromium and ChromeDriver.
    pub browser: bool,
}

impl Needs {
    pub fn everything() -> Self {
        Self {
            web: true,
            browser: true,
        }
    }
}

pub fn all(needs: Needs) -> Result {
    if needs.web {
        wasm_target()?;
        wasm_bindgen_cli()?;
        trunk()?;
    }
    if needs.browser {
        browser()?;
    }
    Ok(())
}

fn wasm_target() -> Result {
    let installed = output(tool("rustup").args(["target", "list", "--installed"]))
        .ok_or("rustup is not available: install the wasm32-unknown-unknown target for your toolchain by hand")?;
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    status(tool("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(project_root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = ")) {
                return Ok(version.trim_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

fn wasm_bindgen_cli() -> Result {
    let want = locked_wasm_bindgen_version()?;
    let have = output(tool("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner = output(tool("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    if have.trim() == format!("wasm-bindgen {want}") && runner.contains(&want) {
        return Ok(());
    }
    // No `--locked`: the CLI's own lock file pins a webpki-roots the registry here does not serve.
    status(cargo().args([
        "install",
        "wasm-bindgen-cli",
        "--force",
        "--version",
        &format!("={want}"),
    ]))
}

fn trunk() -> Result {
    let have = output(tool("trunk").arg("--version")).unwrap_or_default();
    if have.starts_with(TRUNK_MINOR) {
        return Ok(());
    }
    status(cargo().args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))
}

pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

/// Finds Chromium and ChromeDriver, installing Debian's packages when we can, and a Japanese
/// font (the Japanese UI's e2e test and screenshots need real glyphs, not boxes).
pub fn browser() -> Result<Browser> {
    let found = chromium_and_driver()?;
    japanese_font()?;
    Ok(found)
}

fn can_apt() -> bool {
    let is_root = output(tool("id").arg("-u")).map(|u| u.trim() == "0").unwrap_or(false);
    is_root && Path::new("/usr/bin/apt-get").exists()
}

/// Debian's Noto CJK when fontconfig knows no Japanese font.
fn japanese_font() -> Result {
    let has_japanese = output(tool("fc-list").arg(":lang=ja")).is_some_and(|fonts| !fonts.trim().is_empty());
    if has_japanese {
        return Ok(());
    }
    if !can_apt() {
        return Err(
            "A Japanese font is needed for the Japanese UI's browser tests. Install one, e.g. \
                    `sudo apt-get install fonts-noto-cjk` on Debian."
                .into(),
        );
    }
    status(tool("apt-get").arg("update"))?;
    status(tool("apt-get").args(["install", "-y", "--no-install-recommends", "fonts-noto-cjk"]))
}

fn chromium_and_driver() -> Result<Browser> {
    if let Some(found) = find_browser() {
        return Ok(found);
    }
    if !can_apt() {
        return Err(
            "Chromium and ChromeDriver are needed for the browser tests. Install them, e.g. \
             `sudo apt-get install chromium chromium-driver` on Debian, or put `chromium` and \
             `chromedriver` (same major version) on PATH."
                .into(),
        );
    }
    status(tool("apt-get").arg("update"))?;
    status(tool("apt-get").args([
        "install",
        "-y",
        "--no-install-recommends",
        "chromium",
        "chromium-driver",
    ]))?;
    find_browser().ok_or_else(|| "apt-get installed chromium but chromium/chromedriver are still not found".into())
}

fn find_browser() -> Option<Browser> {
    let chromium = which("chromium")
        .or_else(|| which("chromium-browser"))
        .or_else(|| which("google-chrome"))?;
    let chromedriver = which("chromedriver")?;
    Some(Browser { chromium, chromedriver })
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}
