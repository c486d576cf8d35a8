//! Drives the built `gluelab` binary in a temporary workspace, from the seed fixtures folder.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub const STACK: &str = "devices-data-analytics-stack";
pub const JOB: &str = "devices-data-etl";
pub const RAW: &str = "s3://devices-raw-data-123456789012-ap-northeast-1";
pub const ANALYTICS: &str = "s3://devices-data-analytics-123456789012-ap-northeast-1";
pub const TABLE_SQL: &str = r#"SELECT * FROM "devices_data_analystics"."devices_integrated_data""#;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/fixtures/seed")
}

pub struct Gluelab {
    pub dir: tempfile::TempDir,
}

/// What a command did.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Ran {
    fn from(o: Output) -> Self {
        Ran {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Gluelab {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Writes `body` to a local file named after `name` (`/` flattened to `_`) in the test's
    /// folder; its path, for `s3 cp` or `--template-file`.
    pub fn write_local(&self, name: &str, body: &str) -> String {
        let path = self.dir.path().join(name.replace('/', "_"));
        std::fs::write(&path, body).unwrap();
        path.to_str().unwrap().to_string()
    }

    pub fn workspace(&self) -> PathBuf {
        self.dir.path().join("ws")
    }

    /// The directory of the current generation (`current` names it), where the saved files are.
    pub fn generation(&self) -> PathBuf {
        let pointer = std::fs::read_to_string(self.workspace().join("current")).unwrap_or_default();
        self.workspace().join(pointer.trim())
    }

    /// The saved snapshot's bytes (`None` before anything was saved).
    pub fn snapshot(&self) -> Option<Vec<u8>> {
        std::fs::read(self.generation().join("workspace.json")).ok()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_gluelab"));
        c.arg("--workspace")
            .arg(self.workspace())
            .args(args)
            .current_dir(fixtures())
            .env_remove("GLUELAB_WORKSPACE")
            .env_remove("AWS_DEFAULT_REGION")
            .env("AWS_REGION", "ap-northeast-1");
        c
    }

    pub fn run(&self, args: &[&str]) -> Ran {
        self.command(args).output().unwrap().into()
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let ran = self.run(args);
        assert_eq!(
            ran.code, 0,
            "gluelab {args:?} failed:\nstdout: {}\nstderr: {}",
            ran.stdout, ran.stderr
        );
        ran.stdout
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("gluelab {args:?} printed no JSON ({e}):\n{out}"))
    }

    /// Runs a command that must fail with `code` and leave the workspace byte for byte as it
    /// was; returns its stderr.
    pub fn fails(&self, code: i32, args: &[&str]) -> String {
        let before = self.snapshot();
        let ran = self.run(args);
        assert_eq!(
            ran.code, code,
            "gluelab {args:?}: expected exit {code}\nstdout: {}\nstderr: {}",
            ran.stdout, ran.stderr
        );
        assert_eq!(self.snapshot(), before, "gluelab {args:?} changed the workspace");
        ran.stderr
    }

    pub fn deploy(&self) -> String {
        let mut args = deploy_args("template.yaml", STACK).to_vec();
        args.push("--no-fail-on-empty-changeset");
        self.ok(&args)
    }

    pub fn upload_script(&self) {
        let dest = format!("{ANALYTICS}/glue-job-script/devices-data-etl.py");
        self.ok(&["s3", "cp", "devices-data-etl.py", &dest]);
    }

    pub fn upload(&self, n: usize) -> String {
        let file = format!("raw-data-{n}.json");
        self.ok(&["s3", "cp", &file, &format!("{RAW}/raw-data/{file}")])
    }

    /// Starts a run (which has ended when the command returns) and returns its id.
    pub fn start_run(&self) -> String {
        let v = self.json(&["glue", "start-job-run", "--job-name", JOB]);
        v["JobRunId"].as_str().unwrap().to_string()
    }

    pub fn bookmark(&self) -> Value {
        self.json(&["glue", "get-job-bookmark", "--job-name", JOB])
    }

    /// The rows the article's Athena query returns.
    pub fn query_rows(&self) -> Vec<Vec<String>> {
        let v = self.json(&["--output", "json", "query", TABLE_SQL]);
        v["Rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap_or("").to_string())
                    .collect()
            })
            .collect()
    }

    /// A deployed stack with the article's script uploaded.
    pub fn ready() -> Self {
        let gl = Self::new();
        gl.deploy();
        gl.upload_script();
        gl
    }
}

/// The `JobBookmark` string of a `get-job-bookmark`/`reset-job-bookmark` response, parsed.
pub fn inner(entry: &Value) -> Value {
    let text = entry["JobBookmarkEntry"]["JobBookmark"].as_str().unwrap();
    serde_json::from_str(text).unwrap()
}

/// `cloudformation deploy` of `template` as `stack`, with the article's IAM capability.
pub fn deploy_args<'a>(template: &'a str, stack: &'a str) -> [&'a str; 8] {
    [
        "cloudformation",
        "deploy",
        "--template-file",
        template,
        "--stack-name",
        stack,
        "--capabilities",
        "CAPABILITY_NAMED_IAM",
    ]
}
