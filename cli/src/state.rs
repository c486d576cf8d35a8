//! The workspace directory: a lock file, a pointer file (`current`) naming the current
//! generation, and that generation's directory (`gen-<n>/`) holding the core snapshot
//! (`workspace.json`) and the CLI's own state (`cli-state.json`: Athena query executions,
//! Redshift Data API statements).
//!
//! Every command takes the lock (shared to read, exclusive to change), so two commands never
//! write one workspace at once; a second one is refused at once with a clear message. A save
//! writes a whole new generation (fsync'd), then replaces the pointer in one rename: a crash at
//! any moment leaves the workspace as it was before or after the command, never a mix. What an
//! interrupted save leaves behind (a generation the pointer does not name, temporary files) is
//! removed by the next command that changes the workspace.

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
/// Names the current generation's directory (its one line is `gen-<n>`).
pub const POINTER_FILE: &str = "current";
const GENERATION_PREFIX: &str = "gen-";

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
    /// The generation loaded (`None` before the first save).
    generation: Option<u64>,
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
        let generation = current_generation(dir).map_err(|e| io("cannot read the workspace pointer in", e))?;
        if exclusive {
            remove_leftovers(dir, generation).map_err(|e| io("cannot clean up an interrupted save in", e))?;
        }
        // Before the first save there is no generation; a directory written before generations
        // existed keeps its files at the top level.
        let files = generation.map_or_else(|| dir.to_path_buf(), |g| dir.join(generation_name(g)));
        let (workspace, saved_workspace) = match fs::read(files.join(WORKSPACE_FILE)) {
            Ok(bytes) => {
                let ws = snapshot::load(&bytes).map_err(|e| {
                    CliError::general(format!(
                        "gluelab: cannot load {}: {e}",
                        files.join(WORKSPACE_FILE).display()
                    ))
                })?;
                (ws, bytes)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Workspace::default(), vec![]),
            Err(e) => return Err(io("cannot read the workspace in", e)),
        };
        let (state, saved_state) = match fs::read(files.join(STATE_FILE)) {
            Ok(bytes) => {
                let state: CliState = serde_json::from_slice(&bytes)
                    .ok()
                    .filter(|s: &CliState| s.format == STATE_FORMAT && s.version == STATE_VERSION)
                    .ok_or_else(|| {
                        CliError::general(format!(
                            "gluelab: cannot load {}: not a gluelab CLI state file of version {STATE_VERSION}",
                            files.join(STATE_FILE).display()
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
            generation,
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
        if ws_changed || state_changed {
            let next = self.generation.map_or(1, |g| g + 1);
            save_generation(&self.dir, self.generation, next, &ws_bytes, &state_bytes)
                .map_err(|e| CliError::general(format!("gluelab: cannot save the workspace: {e}")))?;
            self.generation = Some(next);
            self.saved_workspace = ws_bytes;
            self.saved_state = state_bytes;
        }
        self.workspace = workspace;
        self.state = state;
        Ok(())
    }
}

fn generation_name(generation: u64) -> String {
    format!("{GENERATION_PREFIX}{generation}")
}

/// The generation the pointer names (`None` when there is no pointer yet).
fn current_generation(dir: &Path) -> std::io::Result<Option<u64>> {
    let text = match fs::read_to_string(dir.join(POINTER_FILE)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    text.trim()
        .strip_prefix(GENERATION_PREFIX)
        .and_then(|n| n.parse().ok())
        .map(Some)
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{POINTER_FILE} holds {:?}, not a generation like \"gen-1\"",
                    text.trim()
                ),
            )
        })
}

/// Writes generation `next` (both files, even when only one changed), makes it current with
/// one rename of the pointer, then removes the generation it replaced. Only an exclusive
/// session calls it, so nothing else reads or writes the directory meanwhile.
fn save_generation(
    dir: &Path,
    previous: Option<u64>,
    next: u64,
    workspace: &[u8],
    state: &[u8],
) -> std::io::Result<()> {
    let gen_dir = dir.join(generation_name(next));
    if gen_dir.exists() {
        fs::remove_dir_all(&gen_dir)?;
    }
    fs::create_dir(&gen_dir)?;
    write_synced(&gen_dir.join(WORKSPACE_FILE), workspace)?;
    write_synced(&gen_dir.join(STATE_FILE), state)?;
    sync_dir(&gen_dir);
    write_atomic(
        &dir.join(POINTER_FILE),
        format!("{}\n", generation_name(next)).as_bytes(),
    )?;
    // The save is done; what follows only tidies up (and is redone by the next command if it
    // is interrupted).
    match previous {
        Some(g) => {
            let _ = fs::remove_dir_all(dir.join(generation_name(g)));
        }
        None => {
            let _ = fs::remove_file(dir.join(WORKSPACE_FILE));
            let _ = fs::remove_file(dir.join(STATE_FILE));
        }
    }
    Ok(())
}

/// Removes what an interrupted save left: generations other than `current` and temporary files.
fn remove_leftovers(dir: &Path, current: Option<u64>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let stale_generation = name
            .strip_prefix(GENERATION_PREFIX)
            .and_then(|n| n.parse::<u64>().ok())
            .is_some_and(|g| Some(g) != current);
        if stale_generation {
            fs::remove_dir_all(entry.path())?;
        } else if name.starts_with('.') && name.contains(".tmp.") {
            fs::remove_file(entry.path())?;
        }
    }
    if current.is_some() {
        // A save that made its generation current but was interrupted before it removed the
        // files of the layout before generations.
        for legacy in [WORKSPACE_FILE, STATE_FILE] {
            match fs::remove_file(dir.join(legacy)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes renames and new entries in `dir` durable; not every platform can open a directory.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, and renames it over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = path.with_file_name(format!(".{name}.tmp.{}", std::process::id()));
    let result = (|| {
        write_synced(&tmp, bytes)?;
        fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent() {
            sync_dir(dir);
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
