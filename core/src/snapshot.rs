//! Workspace snapshots: the whole state in one versioned, self-describing JSON document.
//!
//! A snapshot is checked completely before anything is returned, so a corrupt, truncated or
//! newer-version file is rejected with a clear error and never half-loaded.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::workspace::Workspace;

/// Names the document's kind, so a stray JSON file is not mistaken for a workspace.
pub const FORMAT: &str = "gluelab-workspace";
/// Bumped whenever the layout changes; older gluelabs refuse newer snapshots.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Envelope<'a> {
    format: &'static str,
    version: u32,
    workspace: &'a Workspace,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

#[derive(Deserialize)]
struct Owned {
    workspace: Workspace,
}

/// Serialises a workspace; the same workspace always gives the same bytes.
pub fn save(workspace: &Workspace) -> Vec<u8> {
    serde_json::to_vec(&Envelope {
        format: FORMAT,
        version: VERSION,
        workspace,
    })
    .expect("a workspace is plain data and always serialises")
}

/// Loads a snapshot, or says why not.
pub fn load(bytes: &[u8]) -> Result<Workspace> {
    let header: Header =
        serde_json::from_slice(bytes).map_err(|e| Error::Snapshot(format!("not a gluelab workspace file: {e}")))?;
    match (header.format.as_deref(), header.version) {
        (Some(FORMAT), Some(VERSION)) => {}
        (Some(FORMAT), Some(v)) if v > VERSION => {
            return Err(Error::Snapshot(format!(
                "this workspace was saved by a newer gluelab (format version {v}; this one reads version {VERSION})"
            )))
        }
        (Some(FORMAT), v) => return Err(Error::Snapshot(format!("unsupported format version {v:?}"))),
        _ => {
            return Err(Error::Snapshot(format!(
                "not a gluelab workspace file (expected \"format\": \"{FORMAT}\")"
            )))
        }
    }
    let owned: Owned =
        serde_json::from_slice(bytes).map_err(|e| Error::Snapshot(format!("damaged workspace file: {e}")))?;
    owned.workspace.check()?;
    Ok(owned.workspace)
}

/// Serde adapter that stores object bodies as base64 text inside the JSON snapshot.
pub(crate) mod bytes {
    use std::sync::Arc;

    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(body: &Arc<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(body.as_slice()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<Vec<u8>>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Arc::new)
            .map_err(|e| serde::de::Error::custom(format!("object body is not valid base64: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{demo, store::S3Uri, RunRequest};

    fn story() -> Workspace {
        let mut ws = demo::seed_workspace().unwrap();
        let (key, body) = demo::raw_files()[0];
        ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.as_bytes().to_vec())
            .unwrap();
        ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
        ws
    }

    #[test]
    fn round_trips_identically() {
        let ws = story();
        let bytes = save(&ws);
        assert_eq!(load(&bytes).unwrap(), ws);
        assert_eq!(save(&load(&bytes).unwrap()), bytes, "byte-identical");
    }

    #[test]
    fn rejects_newer_versions_corruption_and_strangers() {
        let text = String::from_utf8(save(&story())).unwrap();
        let newer = text.replacen("\"version\":1", "\"version\":2", 1);
        assert!(load(newer.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("newer gluelab"));
        let truncated = &text.as_bytes()[..text.len() / 2];
        assert!(load(truncated)
            .unwrap_err()
            .to_string()
            .starts_with("snapshot rejected: not a gluelab workspace file"));
        assert!(load(br#"{"hello": 1}"#)
            .unwrap_err()
            .to_string()
            .contains("expected \"format\""));
        let bad_body = text.replacen("\"body\":\"", "\"body\":\"!!", 1);
        assert!(load(bad_body.as_bytes()).unwrap_err().to_string().contains("base64"));
    }
}
