//! Running commands and timing stages.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (xtask lives one level below it).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"));
    home.join("bin")
}

/// PATH with cargo's bin directory first, so tools installed a moment ago are found.
pub fn path_with_cargo_bin() -> std::ffi::OsString {
    let mut paths = vec![cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(paths).expect("PATH entries are valid")
}

pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(project_root()).env("PATH", path_with_cargo_bin());
    cmd
}

pub fn tool(name: &str) -> Command {
    let mut cmd = Command::new(name);
    cmd.current_dir(project_root()).env("PATH", path_with_cargo_bin());
    cmd
}

/// Runs a command, streaming its output; fails with the command line when it fails.
pub fn status(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    println!("$ {shown}");
    let status = cmd.status().map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// Runs a command for its standard output; `None` when it cannot start or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Times named stages and prints a summary, so CI logs say where the minutes went.
#[derive(Default)]
pub struct Stages {
    done: Vec<(String, f64, bool)>,
}

impl Stages {
    pub fn run(&mut self, name: &str, stage: impl FnOnce() -> Result) -> Result {
        println!("\n==> {name}");
        let start = Instant::now();
        let result = stage();
        let secs = start.elapsed().as_secs_f64();
        println!(
            "<== {name}: {} in {secs:.1}s",
            if result.is_ok() { "ok" } else { "FAILED" }
        );
        self.done.push((name.to_string(), secs, result.is_ok()));
        result.map_err(|e| format!("stage `{name}` failed: {e}"))
    }

    pub fn summary(&self) {
        println!("\nstage times:");
        for (name, secs, ok) in &self.done {
            println!("  {:<28} {:>8.1}s  {}", name, secs, if *ok { "ok" } else { "FAILED" });
        }
        let total: f64 = self.done.iter().map(|d| d.1).sum();
        println!("  {:<28} {:>8.1}s", "total", total);
    }
}
