//! The workspace directory: the core snapshot (`workspace.json`), the CLI's own state
//! (`cli-state.json`: Athena query executions, Redshift Data API statements) and a lock file.
//!
//! Every command takes the lock (shared to read, exclusive to change), so two commands never
//! write one workspace at once; a second one is refused at once with a clear message. Files
//! are replaced atomically (temporary file, fsync, rename), so a crash or a failed command
//! never leaves a half-written workspace.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use gluelab_core::model::clock::Millis;
use gluelab_core::{snapshot, Workspace};
use serde::{Deserialize, Serialize};

use crate::output::CliError;

pub const WORKSPACE_FILE: &str = "workspace.json";
pub const STATE_FILE: &str = "cli-state.json";
pub const LOCK_FILE: &str = "lock";

const STATE_FORMAT: &str = "gluelab-cli-state";
const STATE_VERSION: u32 = 1;

/// What the CLI keeps beside the core workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CliState {
    pub format: String,
    pub version: u32,
    pub query_executions: Vec<QueryExecution>,
    /// Redshift Data API statements, oldest first (absent in files written before they existed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<Statement>,
}

impl Default for CliState {
    fn default() -> Self {
        Self {
            format: STATE_FORMAT.into(),
            version: STATE_VERSION,
            query_executions: vec![],
            statements: vec![],
        }
    }
}

impl CliState {
    pub fn is_empty(&self) -> bool {
        self.query_executions.is_empty() && self.statements.is_empty()
    }
}

/// One Redshift Data API statement, with its outcome and (for a SELECT) its result as it was
/// when it ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub id: String,
    pub sql: String,
    pub database: String,
    pub cluster_identifier: Option<String>,
    pub workgroup_name: Option<String>,
    pub db_user: Option<String>,
    pub secret_arn: Option<String>,
    pub created: Millis,
    pub updated: Millis,
    /// `FINISHED` or `FAILED`.
    pub status: String,
    pub error: Option<String>,
    pub has_result_set: bool,
    /// Rows returned (SELECT) or affected (INSERT, UPDATE, DELETE); -1 when it failed.
    pub result_rows: i64,
    /// The result's columns (a SELECT's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<StatementColumn>,
    /// Cells as the Data API returns them (`{"stringValue": ...}`, `{"isNull": true}`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<Vec<serde_json::Value>>,
}

/// One Athena query, with its result as it was when it ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryExecution {
    pub id: String,
    pub query: String,
    pub database: Option<String>,
    pub submitted: Millis,
    /// `SUCCEEDED` or `FAILED`.
    pub state: String,
    pub reason: Option<String>,
    pub columns: Vec<ResultColumn>,
    /// Cells as Athena returns them; `None` is SQL NULL.
    pub rows: Vec<Vec<Option<String>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementColumn {
    pub name: String,
    /// Redshift's type name: `int8`, `varchar`, `float8`, `bool`, `numeric`, ...
    pub type_name: String,
    pub precision: i64,
    pub scale: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultColumn {
    pub name: String,
    /// Athena's type name: varchar, bigint, boolean, double, ...
    pub athena_type: String,
    pub precision: i64,
    pub scale: i64,
}

/// An open workspace directory, locked for as long as this lives.
pub struct Session {
    dir: PathBuf,
    _lock: File,
    exclusive: bool,
    pub workspace: Workspace,
    pub state: CliState,
    saved_workspace: Vec<u8>,
    saved_state: Vec<u8>,
}

impl Session {
    /// Opens (creating when missing) the workspace directory and takes its lock.
    pub fn open(dir: &Path, exclusive: bool) -> Result<Self, CliError> {
        let io = |what: &str, e: std::io::Error| CliError::general(format!("gluelab: {what} {}: {e}", dir.display()));
        fs::create_dir_all(dir).map_err(|e| io("cannot create the workspace directory", e))?;
        let lock_path = dir.join(LOCK_FILE);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io("cannot open the lock file in", e))?;
        let locked = if exclusive {
            lock.try_lock()
        } else {
            lock.try_lock_shared()
        };
        match locked {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(CliError::general(format!(
                    "gluelab: the workspace {} is in use by another gluelab command (it holds {}); try again when \
                     that command has finished",
                    dir.display(),
                    lock_path.display()
                )))
            }
            Err(TryLockError::Error(e)) => return Err(io("cannot lock the workspace", e)),
        }
        let (workspace, saved_workspace) = match fs::read(dir.join(WORKSPACE_FILE)) {
            Ok(bytes) => {
                let ws = snapshot::load(&bytes).map_err(|e| {
                    CliError::general(format!(
                        "gluelab: cannot load {}: {e}",
                        dir.join(WORKSPACE_FILE).display()
                    ))
                })?;
                (ws, bytes)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Workspace::default(), vec![]),
            Err(e) => return Err(io("cannot read the workspace in", e)),
        };
        let (state, saved_state) = match fs::read(dir.join(STATE_FILE)) {
            Ok(bytes) => {
                let state: CliState = serde_json::from_slice(&bytes)
                    .ok()
                    .filter(|s: &CliState| s.format == STATE_FORMAT && s.version == STATE_VERSION)
                    .ok_or_else(|| {
                        CliError::general(format!(
                            "gluelab: cannot load {}: not a gluelab CLI state file of version {STATE_VERSION}",
                            dir.join(STATE_FILE).display()
                        ))
                    })?;
                (state, bytes)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (CliState::default(), vec![]),
            Err(e) => return Err(io("cannot read the CLI state in", e)),
        };
        Ok(Self {
            dir: dir.to_path_buf(),
            _lock: lock,
            exclusive,
            workspace,
            state,
            saved_workspace,
            saved_state,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Makes `workspace` and `state` current, writing whichever changed.
    pub fn commit(&mut self, workspace: Workspace, state: CliState) -> Result<(), CliError> {
        let ws_bytes = snapshot::save(&workspace);
        let state_bytes = serde_json::to_vec(&state).expect("the CLI state is plain data");
        let ws_changed = ws_bytes != self.saved_workspace && workspace != self.workspace;
        let state_changed = state_bytes != self.saved_state && state != self.state;
        if (ws_changed || state_changed) && !self.exclusive {
            return Err(CliError::general(
                "gluelab: internal error: a read-only command changed the workspace (nothing was saved)",
            ));
        }
        if ws_changed {
            write_atomic(&self.dir.join(WORKSPACE_FILE), &ws_bytes)
                .map_err(|e| CliError::general(format!("gluelab: cannot save the workspace: {e}")))?;
            self.saved_workspace = ws_bytes;
        }
        if state_changed {
            write_atomic(&self.dir.join(STATE_FILE), &state_bytes)
                .map_err(|e| CliError::general(format!("gluelab: cannot save the CLI state: {e}")))?;
            self.saved_state = state_bytes;
        }
        self.workspace = workspace;
        self.state = state;
        Ok(())
    }
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, and renames it over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(".{name}.tmp.{}", std::process::id()));
    let result = (|| {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent() {
            // Makes the rename itself durable; not every platform can open a directory.
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
