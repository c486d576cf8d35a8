//! `cargo xtask oracle`: gluelab compared with the real engines (issue 14).
//!
//! A Python virtual environment with pinned versions of Apache Spark (`pyspark`), AWS's own
//! `awsglue` package and `cfn-lint` (`tests/oracle/requirements.txt`) is created once under the
//! target directory (`oracle-venv`) and re-created only when that file changes (a hash marker).
//! Java comes from Debian when `java` is missing; the CDK export's npm packages are installed by
//! `cdk_node.rs`, cached the same way. Then the CLI is built and the pytest suite in
//! `tests/oracle/` drives it as a user would and compares what it does with the real engines.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::run::{cargo, output, project_root, status, tool, Result};

/// Where the pinned requirements and the tests live.
const ORACLE_DIR: &str = "tests/oracle";

/// Where in the venv Glue 6.0's awsglue is installed (`AWSGLUE6_PATH` for the suite).
const GLUE6_DIR: &str = "awsglue6";

/// The venv's marker: the requirements' hash it was built from.
const MARKER: &str = "gluelab-requirements.hash";

/// The kinds of comparison the suite counts, in the order the summary prints them.
const KINDS: [(&str, &str); 9] = [
    ("scripts", "scripts"),
    ("expressions", "expressions"),
    ("readers", "files read"),
    ("queries", "queries"),
    ("globs", "exclusion globs"),
    ("arguments", "argument lists"),
    ("arguments-glue6", "argument lists (Glue 6.0)"),
    ("templates", "templates"),
    ("cdk", "CDK apps"),
];

pub fn run() -> Result {
    let venv = venv()?;
    java()?;
    let node_modules = crate::cdk_node::node_modules()?;
    let target = target_dir();
    let work = target.join("oracle");
    // A fresh scratch folder each run: workspaces, exported files, the summary.
    if work.exists() {
        std::fs::remove_dir_all(&work).map_err(|e| format!("cannot clear {}: {e}", work.display()))?;
    }
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    status(cargo().args(["build", "--package", "gluelab-cli"]))?;
    // A copy, taken at once: a target directory shared with another checkout may get that
    // checkout's `gluelab` while the suite runs.
    let exe = format!("gluelab{}", std::env::consts::EXE_SUFFIX);
    let cli = work.join(&exe);
    std::fs::copy(target.join("debug").join(&exe), &cli).map_err(|e| format!("cannot copy the built {exe}: {e}"))?;
    let summary = work.join("summary.json");
    let python = venv_python(&venv);
    let pytest = status(
        tool(&python.to_string_lossy())
            .args(["-m", "pytest", ORACLE_DIR, "-q", "-p", "no:cacheprovider", "-rfE"])
            .env("GLUELAB_BIN", &cli)
            .env("GLUELAB_CDK_NODE_MODULES", &node_modules)
            .env("ORACLE_WORK", &work)
            .env("ORACLE_SUMMARY", &summary)
            .env("AWSGLUE6_PATH", venv.join(GLUE6_DIR))
            .env("SPARK_LOCAL_IP", "127.0.0.1")
            .env("PYSPARK_PYTHON", &python)
            .env("PYSPARK_DRIVER_PYTHON", &python)
            .env("PYTHONDONTWRITEBYTECODE", "1"),
    );
    // The summary is printed whether or not the tests passed: it says what was compared.
    print_summary(&summary);
    pytest
}

/// The project's target directory: `CARGO_TARGET_DIR` when set, else `<root>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                project_root().join(dir)
            }
        }
        _ => project_root().join("target"),
    }
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// The cached venv, created when missing or when the requirements changed.
fn venv() -> Result<PathBuf> {
    let requirements = project_root().join(ORACLE_DIR).join("requirements.txt");
    let glue6 = project_root().join(ORACLE_DIR).join("requirements-glue6.txt");
    let mut text = vec![];
    for file in [&requirements, &glue6] {
        text.extend(std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?);
    }
    let hash = format!("{:016x}", fnv1a(&text));
    let venv = target_dir().join("oracle-venv");
    let marker = venv.join(MARKER);
    let python = venv_python(&venv);
    if python.exists() && std::fs::read_to_string(&marker).is_ok_and(|m| m.trim() == hash) {
        return Ok(venv);
    }
    println!(
        "oracle: creating the Python environment {} (pinned in {}; once, ~1-2 minutes and ~550 MB)",
        venv.display(),
        requirements.display()
    );
    let start = Instant::now();
    if venv.exists() {
        std::fs::remove_dir_all(&venv).map_err(|e| format!("cannot remove {}: {e}", venv.display()))?;
    }
    let system_python = system_python()?;
    status(tool(&system_python).args(["-m", "venv"]).arg(&venv))?;
    status(
        tool(&python.to_string_lossy())
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
    )?;
    // Glue 6.0's awsglue declares Python 3.13: apart, for its getResolvedOptions alone.
    status(
        tool(&python.to_string_lossy())
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--ignore-requires-python",
                "--target",
            ])
            .arg(venv.join(GLUE6_DIR))
            .arg("-r")
            .arg(&glue6),
    )?;
    std::fs::write(&marker, format!("{hash}\n")).map_err(|e| format!("cannot write {}: {e}", marker.display()))?;
    println!(
        "oracle: Python environment ready in {:.1}s",
        start.elapsed().as_secs_f64()
    );
    Ok(venv)
}

/// A Python 3 that can make virtual environments, from Debian when there is none.
fn system_python() -> Result<String> {
    let can_venv = |python: &str| output(tool(python).args(["-m", "venv", "--help"])).is_some();
    for python in ["python3", "python"] {
        if can_venv(python) {
            return Ok(python.to_string());
        }
    }
    apt_install(&["python3", "python3-venv", "python3-pip"], "Python 3 with venv")?;
    if can_venv("python3") {
        Ok("python3".into())
    } else {
        Err("apt-get installed python3-venv but `python3 -m venv` still fails".into())
    }
}

/// Java for Spark: Debian's OpenJDK 17 when `java` is missing.
fn java() -> Result {
    if tool("java").arg("-version").output().is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    apt_install(&["openjdk-17-jre-headless"], "Java (for Apache Spark)")
}

pub fn apt_install(packages: &[&str], what: &str) -> Result {
    let is_root = output(tool("id").arg("-u")).map(|u| u.trim() == "0").unwrap_or(false);
    if !(is_root && Path::new("/usr/bin/apt-get").exists()) {
        return Err(format!(
            "{what} is needed for the oracle tests: install it, e.g. `sudo apt-get install {}` on Debian",
            packages.join(" ")
        ));
    }
    status(tool("apt-get").arg("update"))?;
    status(
        tool("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// FNV-1a, 64 bits: enough to notice that the requirements changed (xtask has no dependencies).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Prints the suite's counts: `{"scripts": {"compared": N, "agreed": M}, ...}`.
fn print_summary(path: &Path) {
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("oracle: no summary ({} was not written)", path.display());
        return;
    };
    let parts: Vec<String> = KINDS
        .iter()
        .map(|(key, label)| {
            let count = |field| count_in(&text, key, field).map_or("?".to_string(), |n| n.to_string());
            format!("{label} {}/{} agreed", count("agreed"), count("compared"))
        })
        .collect();
    println!("oracle summary: {}", parts.join(", "));
}

/// `text`'s `"key": {... "field": N ...}`, read without a JSON library (the file is ours).
fn count_in(text: &str, key: &str, field: &str) -> Option<u64> {
    let object = &text[text.find(&format!("\"{key}\""))?..];
    let object = &object[..object.find('}')?];
    let value = &object[object.find(&format!("\"{field}\""))? + field.len() + 2..];
    let value = value.trim_start().strip_prefix(':')?.trim_start();
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_are_read_from_the_suites_json() {
        let text = r#"{"scripts": {"compared": 2, "agreed": 1}, "arguments": {"agreed": 290, "compared": 300}}"#;
        assert_eq!(count_in(text, "scripts", "compared"), Some(2));
        assert_eq!(count_in(text, "scripts", "agreed"), Some(1));
        assert_eq!(count_in(text, "arguments", "compared"), Some(300));
        assert_eq!(count_in(text, "templates", "compared"), None);
    }
}
