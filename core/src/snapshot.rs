//! Workspace snapshots: the whole state in one versioned, self-describing JSON document.
//!
//! A snapshot is checked completely before anything is returned, so a corrupt, truncated or
//! newer-version file is rejected with a clear error and never half-loaded.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::bookmark::JobBookmark;
use crate::model::catalog::Catalog;
use crate::model::clock::VirtualClock;
use crate::model::job::JobDefinition;
use crate::model::lineage::{PartLineage, ReadRecord};
use crate::model::run::JobRun;
use crate::model::stack::Stack;
use crate::model::store::ObjectStore;
use crate::warehouse::Warehouse;
use crate::workspace::Workspace;

/// Names the document's kind, so a stray JSON file is not mistaken for a workspace.
pub const FORMAT: &str = "gluelab-workspace";
/// Bumped whenever the layout changes; older gluelabs refuse newer snapshots.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Envelope<'a> {
    format: &'static str,
    version: u32,
    workspace: Document<'a>,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

#[derive(Deserialize)]
struct Owned {
    workspace: Document<'static>,
}

/// The saved layout of a workspace (version 1), kept apart from the live `Workspace` so the
/// model's fields can change without changing the files and links people have: a change of
/// layout bumps [`VERSION`] and adds a step from the old layout here.
#[derive(Serialize, Deserialize)]
struct Document<'a> {
    clock: Cow<'a, VirtualClock>,
    store: Cow<'a, ObjectStore>,
    catalog: Cow<'a, Catalog>,
    jobs: Cow<'a, BTreeMap<String, JobDefinition>>,
    runs: Cow<'a, [JobRun]>,
    bookmarks: Cow<'a, BTreeMap<String, JobBookmark>>,
    reads: Cow<'a, BTreeMap<String, Vec<ReadRecord>>>,
    parts: Cow<'a, BTreeMap<String, PartLineage>>,
    #[serde(default, skip_serializing_if = "no_stacks")]
    stacks: Cow<'a, BTreeMap<String, Stack>>,
    #[serde(default, skip_serializing_if = "Warehouse::is_empty")]
    warehouse: Cow<'a, Warehouse>,
    run_sequence: u64,
}

fn no_stacks(stacks: &BTreeMap<String, Stack>) -> bool {
    stacks.is_empty()
}

impl<'a> Document<'a> {
    fn of(ws: &'a Workspace) -> Self {
        Self {
            clock: Cow::Borrowed(&ws.clock),
            store: Cow::Borrowed(&ws.store),
            catalog: Cow::Borrowed(&ws.catalog),
            jobs: Cow::Borrowed(&ws.jobs),
            runs: Cow::Borrowed(&ws.runs),
            bookmarks: Cow::Borrowed(&ws.bookmarks),
            reads: Cow::Borrowed(&ws.reads),
            parts: Cow::Borrowed(&ws.parts),
            stacks: Cow::Borrowed(&ws.stacks),
            warehouse: Cow::Borrowed(&ws.warehouse),
            run_sequence: ws.run_sequence,
        }
    }

    fn into_workspace(self) -> Workspace {
        Workspace {
            clock: self.clock.into_owned(),
            store: self.store.into_owned(),
            catalog: self.catalog.into_owned(),
            jobs: self.jobs.into_owned(),
            runs: self.runs.into_owned(),
            bookmarks: self.bookmarks.into_owned(),
            reads: self.reads.into_owned(),
            parts: self.parts.into_owned(),
            stacks: self.stacks.into_owned(),
            warehouse: self.warehouse.into_owned(),
            run_sequence: self.run_sequence,
        }
    }
}

/// Serialises a workspace; the same workspace always gives the same bytes.
pub fn save(workspace: &Workspace) -> Vec<u8> {
    serde_json::to_vec(&Envelope {
        format: FORMAT,
        version: VERSION,
        workspace: Document::of(workspace),
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
    let mut workspace = parse(bytes)?;
    // Hand-overs between threads are always this version's; only saved files need the step.
    register_partitions_of_older_tables(bytes, &mut workspace)?;
    workspace.check()?;
    stop_runs_left_running(&mut workspace);
    Ok(workspace)
}

/// Why a run that was saved RUNNING is STOPPED once loaded.
pub const LEFT_RUNNING: &str = "The workspace was saved while this run was running; no worker carries a run on \
     after a load, so it was stopped: nothing it read was committed (modelled on BatchStopJobRun)";

/// A file or link saved mid-run has no worker to finish the run: it is stopped as Glue stops a
/// run (state STOPPED, nothing committed, its bookmark untouched), with the reason, rather than
/// left RUNNING for ever. (A hand-over between threads keeps it running: its worker goes on.)
fn stop_runs_left_running(workspace: &mut Workspace) {
    use crate::model::run::{LogStream, RunState};
    let now = workspace.clock.now();
    for run in workspace.runs.iter_mut().filter(|r| r.state.is_active()) {
        run.state = RunState::Stopped;
        run.completed_on = Some(now.max(run.started_on));
        run.last_modified_on = now.max(run.last_modified_on);
        run.error_message = Some(LEFT_RUNNING.to_string());
        run.log(now, LogStream::Error, format!("INFO {LEFT_RUNNING}"));
    }
}

fn parse(bytes: &[u8]) -> Result<Workspace> {
    let owned: Owned =
        serde_json::from_slice(bytes).map_err(|e| Error::Snapshot(format!("damaged workspace file: {e}")))?;
    Ok(owned.workspace.into_workspace())
}

/// Which partitioned tables a snapshot saved without their `partitions` (saved before gluelab
/// registered partitions, when a catalog read took every partition folder).
#[derive(Deserialize)]
struct PartitionProbe {
    workspace: ProbeWorkspace,
}

#[derive(Deserialize)]
struct ProbeWorkspace {
    catalog: ProbeCatalog,
}

#[derive(Deserialize)]
struct ProbeCatalog {
    databases: BTreeMap<String, ProbeDatabase>,
}

#[derive(Deserialize)]
struct ProbeDatabase {
    tables: BTreeMap<String, ProbeTable>,
}

#[derive(Deserialize)]
struct ProbeTable {
    partition_keys: Vec<serde::de::IgnoredAny>,
    partitions: Option<serde::de::IgnoredAny>,
}

/// Such a table gets the partitions in its store registered, so it reads what it read before.
fn register_partitions_of_older_tables(bytes: &[u8], workspace: &mut Workspace) -> Result<()> {
    let probe: PartitionProbe =
        serde_json::from_slice(bytes).map_err(|e| Error::Snapshot(format!("damaged workspace file: {e}")))?;
    for (database, db) in probe.workspace.catalog.databases {
        for (table, t) in db.tables {
            if !t.partition_keys.is_empty() && t.partitions.is_none() {
                workspace.repair_partitions(&database, &table)?;
            }
        }
    }
    Ok(())
}

/// The most characters a share link's code may have: chat tools and address bars cut longer
/// links, and a bigger workspace belongs in an exported file.
pub const SHARE_CODE_LIMIT: usize = 48 * 1024;
/// The most bytes a share code may expand to, so a crafted link cannot exhaust memory.
const SHARE_EXPANDED_LIMIT: usize = 32 * 1024 * 1024;

/// A workspace as the code of a share link (`#w=<code>`): the snapshot, Snappy-compressed and
/// base64url-encoded. Too large a workspace is an error saying to export a file instead.
pub fn to_share_code(workspace: &Workspace) -> Result<String> {
    use base64::Engine as _;
    let compressed = snap::raw::Encoder::new()
        .compress_vec(&save(workspace))
        .map_err(|e| Error::Snapshot(e.to_string()))?;
    let code = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed);
    if code.len() > SHARE_CODE_LIMIT {
        return Err(Error::InvalidInput(format!(
            "this workspace needs a {} KB link; share links hold up to {} KB: export it as a file instead",
            code.len() / 1024,
            SHARE_CODE_LIMIT / 1024
        )));
    }
    Ok(code)
}

/// The workspace a share code holds. The code is untrusted input: every layer is checked
/// (encoding, compression, size, then everything [`load`] checks) and nothing is half-loaded.
pub fn from_share_code(code: &str) -> Result<Workspace> {
    use base64::Engine as _;
    let bad = |why: String| Error::Snapshot(format!("this share link is damaged or was not made by gluelab ({why})"));
    let code = code.trim();
    if code.len() > SHARE_CODE_LIMIT {
        return Err(bad(format!("{} characters, more than a share link holds", code.len())));
    }
    let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(code.as_bytes())
        .map_err(|e| bad(format!("not base64url: {e}")))?;
    let expanded = snap::raw::decompress_len(&compressed).map_err(|e| bad(e.to_string()))?;
    if expanded > SHARE_EXPANDED_LIMIT {
        return Err(bad(format!("it claims to expand to {expanded} bytes")));
    }
    let bytes = snap::raw::Decoder::new()
        .decompress_vec(&compressed)
        .map_err(|e| bad(e.to_string()))?;
    load(&bytes)
}

/// A workspace split for a hand-over between threads of one page (the app's run worker): the
/// document without object bodies, and the bodies themselves, to move as transferable buffers
/// with no base64 and no JSON around them.
pub fn save_handover(workspace: &Workspace) -> (Vec<u8>, Vec<Arc<Vec<u8>>>) {
    crate::model::store::body_serde::SIDE_TABLE.with(|t| *t.borrow_mut() = Some(vec![]));
    let document = save(workspace);
    let bodies = crate::model::store::body_serde::SIDE_TABLE
        .with(|t| t.borrow_mut().take())
        .unwrap_or_default();
    (document, bodies)
}

/// Loads what [`save_handover`] split. The bodies come from the same page, so their ETags are
/// not hashed again (what costs most for a big workspace); everything else is checked as
/// [`load`] does.
pub fn load_handover(document: &[u8], bodies: Vec<Vec<u8>>) -> Result<Workspace> {
    let bodies = bodies.into_iter().map(|b| Some(Arc::new(b))).collect();
    crate::model::store::body_serde::SIDE_BODIES.with(|t| *t.borrow_mut() = Some(bodies));
    let loaded = parse(document);
    crate::model::store::body_serde::SIDE_BODIES.with(|t| t.borrow_mut().take());
    let workspace = loaded?;
    workspace.check_structure()?;
    Ok(workspace)
}

/// `workspace` after a trip to a worker and back ([`save_handover`], then [`load_handover`]).
#[cfg(test)]
pub(crate) fn handed_over(workspace: &Workspace) -> Workspace {
    let (document, bodies) = save_handover(workspace);
    load_handover(&document, bodies.iter().map(|b| b.as_ref().clone()).collect()).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{demo, model::store::S3Uri, RunRequest};

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

    #[test]
    fn share_codes_round_trip_and_tampered_ones_are_refused_whole() {
        let ws = story();
        let code = to_share_code(&ws).unwrap();
        assert!(code.len() < SHARE_CODE_LIMIT, "{} characters", code.len());
        assert_eq!(from_share_code(&code).unwrap(), ws);
        let refused = |code: &str| from_share_code(code).unwrap_err().to_string();
        assert!(refused("not a code!").contains("not base64url"));
        let mut flipped = code.clone().into_bytes();
        let middle = flipped.len() / 2;
        flipped[middle] = if flipped[middle] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        assert!(
            refused(&flipped).starts_with("snapshot rejected:"),
            "{}",
            refused(&flipped)
        );
        assert!(refused(&code[..code.len() / 2]).starts_with("snapshot rejected:"));
        // Valid compression of something that is not a workspace.
        use base64::Engine as _;
        let stranger = snap::raw::Encoder::new().compress_vec(br#"{"hello":1}"#).unwrap();
        let stranger = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(stranger);
        assert!(refused(&stranger).contains("expected \"format\""));
    }

    #[test]
    fn a_hand_over_moves_bodies_beside_the_document_and_back() {
        let ws = story();
        let (document, bodies) = save_handover(&ws);
        assert_eq!(
            bodies.len(),
            ws.store.buckets().map(|b| b.objects().len()).sum::<usize>()
        );
        assert!(document.len() < save(&ws).len());
        let bodies: Vec<Vec<u8>> = bodies.iter().map(|b| b.as_ref().clone()).collect();
        assert_eq!(load_handover(&document, bodies.clone()).unwrap(), ws);
        // The side tables are per call: a normal save afterwards is base64 again.
        assert_eq!(load(&save(&ws)).unwrap(), ws);
        let e = load_handover(&document, bodies[..1].to_vec()).unwrap_err().to_string();
        assert!(e.contains("missing from the hand-over"), "{e}");
    }

    /// A snapshot edited by hand, one invariant at a time: each is refused whole with its reason.
    #[test]
    fn tampered_snapshots_are_refused_with_the_invariant_they_break() {
        let saved: serde_json::Value = serde_json::from_slice(&save(&story())).unwrap();
        let refused = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut doc = saved.clone();
            edit(&mut doc["workspace"]);
            load(&serde_json::to_vec(&doc).unwrap()).unwrap_err().to_string()
        };
        let job = demo::JOB_NAME;
        type Edit = Box<dyn Fn(&mut serde_json::Value)>;
        let cases: Vec<(&str, Edit)> = vec![
            (
                "SNAPSHOT_MAX_TIME_MS",
                Box::new(|w| w["clock"]["now"] = i64::MAX.into()),
            ),
            (
                "SNAPSHOT_MAX_TIME_MS",
                Box::new(|w| w["clock"]["now"] = i64::MIN.into()),
            ),
            (
                "SNAPSHOT_MAX_STEP_MS",
                Box::new(|w| w["clock"]["step"] = i64::MAX.into()),
            ),
            (
                "SNAPSHOT_MAX_COUNTER",
                Box::new(|w| w["run_sequence"] = u64::MAX.into()),
            ),
            ("does not count", Box::new(|w| w["run_sequence"] = 0.into())),
            (
                "SNAPSHOT_MAX_COUNTER",
                Box::new(move |w| w["bookmarks"][job]["current"]["version"] = u64::MAX.into()),
            ),
            (
                "holds an entry of job",
                Box::new(move |w| w["bookmarks"][job]["current"]["job_name"] = "other".into()),
            ),
            (
                "saved under the name",
                Box::new(move |w| w["jobs"][job]["name"] = "other".into()),
            ),
            (
                "MaxRetries",
                Box::new(move |w| w["jobs"][job]["max_retries"] = u32::MAX.into()),
            ),
            (
                "SNAPSHOT_MAX_TIME_MS",
                Box::new(|w| w["runs"][0]["started_on"] = i64::MIN.into()),
            ),
            (
                "which is not in the workspace",
                Box::new(|w| w["runs"][0]["previous_run_id"] = "jr_gone".into()),
            ),
            (
                "belongs to no job",
                Box::new(|w| {
                    let bookmark = w["bookmarks"][demo::JOB_NAME].clone();
                    w["bookmarks"]["ghost"] = bookmark;
                }),
            ),
        ];
        for (reason, edit) in cases {
            let e = refused(edit.as_ref());
            assert!(
                e.starts_with("snapshot rejected:") && e.contains(reason),
                "{reason}: {e}"
            );
        }
    }

    /// Two runs (the second skips the first's file, naming the run that committed it) and a
    /// warehouse row: every kind of reference between runs, reads, parts and rows is present.
    fn two_run_story() -> Workspace {
        let mut ws = story();
        let (key, body) = demo::raw_files()[1];
        ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.as_bytes().to_vec())
            .unwrap();
        ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
        ws.execute_warehouse_statement("CREATE TABLE public.t (a int)").unwrap();
        ws.execute_warehouse_statement("INSERT INTO public.t VALUES (1)")
            .unwrap();
        ws
    }

    /// The references between a snapshot's parts, broken one at a time: each is refused whole.
    #[test]
    fn snapshots_whose_references_do_not_resolve_are_refused() {
        let saved: serde_json::Value = serde_json::from_slice(&save(&two_run_story())).unwrap();
        let w = &saved["workspace"];
        let bucket = demo::raw_bucket();
        let object = w["store"]["buckets"][&bucket]["objects"]
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap()
            .clone();
        let read_key = w["reads"].as_object().unwrap().keys().next().unwrap().clone();
        let part = w["parts"].as_object().unwrap().keys().next().unwrap().clone();
        let skipped = w["runs"][1]["lineage"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .position(|f| f["reason"].get("CommittedBy").is_some())
            .expect("the second run skips the first's file");
        let job = demo::JOB_NAME;
        type Edit = Box<dyn Fn(&mut serde_json::Value)>;
        let cases: Vec<(&str, Edit)> = vec![
            (
                "is saved under another name",
                Box::new(move |w| w["store"]["buckets"][&bucket]["name"] = "other".into()),
            ),
            (
                "holds the key",
                Box::new({
                    let (bucket, object) = (demo::raw_bucket(), object.clone());
                    move |w| w["store"]["buckets"][&bucket]["objects"][&object]["key"] = "k".into()
                }),
            ),
            (
                "is saved as",
                Box::new(|w| {
                    let db = &mut w["catalog"]["databases"][demo::DATABASE]["tables"];
                    db[demo::SOURCE_TABLE]["name"] = "other".into();
                }),
            ),
            (
                "is used by two runs",
                Box::new(|w| {
                    let first = w["runs"][0].clone();
                    w["runs"].as_array_mut().unwrap().push(first);
                    w["run_sequence"] = 9.into();
                }),
            ),
            (
                "verdict on",
                Box::new(move |w| {
                    w["runs"][1]["lineage"]["files"][skipped]["reason"] =
                        serde_json::json!({"CommittedBy": {"run_id": "jr_gone"}});
                }),
            ),
            (
                "whose lineage is missing",
                Box::new({
                    let part = part.clone();
                    move |w| {
                        w["parts"].as_object_mut().unwrap().remove(&part);
                    }
                }),
            ),
            (
                "is filed under another job, ctx or object",
                Box::new({
                    let key = read_key.clone();
                    move |w| w["reads"][&key][0]["object"] = "s3://elsewhere/k.json".into()
                }),
            ),
            (
                "names run jr_gone, which is not in the workspace",
                Box::new(move |w| w["reads"][&read_key][0]["run_id"] = "jr_gone".into()),
            ),
            (
                "bookmark devices-data-etl's history names run jr_gone",
                Box::new(move |w| {
                    w["bookmarks"][job]["history"][0][0] =
                        serde_json::json!({"Committed": {"run_id": "jr_gone", "at": 0}});
                }),
            ),
            (
                "of warehouse table",
                Box::new(|w| {
                    let rows = &mut w["warehouse"]["tables"]["public.t"]["rows"];
                    rows[0]["written_by"] = "jr_gone".into();
                }),
            ),
        ];
        for (reason, edit) in cases {
            let mut doc = saved.clone();
            edit(&mut doc["workspace"]);
            let e = load(&serde_json::to_vec(&doc).unwrap()).unwrap_err().to_string();
            assert!(
                e.starts_with("snapshot rejected:") && e.contains(reason),
                "{reason}: {e}"
            );
        }
        assert_eq!(load(&save(&two_run_story())).unwrap(), two_run_story());
    }

    /// The checks refuse only broken snapshots: every shipped tour, played to its end (resets,
    /// rewinds, deletes, failed runs and all), saves and loads back equal.
    #[test]
    fn every_tour_played_to_its_end_saves_and_loads() {
        for (id, played) in crate::demo::story::every_tour_played() {
            let loaded = load(&save(&played)).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(loaded, played, "{id}");
        }
    }

    #[test]
    fn a_run_saved_running_is_stopped_with_its_reason_on_load() {
        let mut ws = story();
        let (key, body) = demo::raw_files()[1];
        ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.as_bytes().to_vec())
            .unwrap();
        let bookmark_before = ws.bookmarks[demo::JOB_NAME].clone();
        let run_id = ws.begin_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
        let loaded = load(&save(&ws)).unwrap();
        let run = loaded.runs.iter().find(|r| r.id == run_id).unwrap();
        assert_eq!(run.state, crate::model::run::RunState::Stopped);
        assert_eq!(run.error_message.as_deref(), Some(LEFT_RUNNING));
        assert_eq!(loaded.bookmarks[demo::JOB_NAME], bookmark_before, "nothing committed");
        // A hand-over keeps it running: the worker finishes it.
        let (document, bodies) = save_handover(&ws);
        let bodies = bodies.iter().map(|b| b.as_ref().clone()).collect();
        let handed = load_handover(&document, bodies).unwrap();
        assert!(handed.runs.iter().find(|r| r.id == run_id).unwrap().state.is_active());
    }

    #[test]
    fn a_workspace_too_big_for_a_link_says_to_export_it() {
        let mut ws = story();
        let noise: Vec<u8> = (0..200_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        ws.put_object(&S3Uri::new(demo::raw_bucket(), "raw-data/noise.bin"), noise)
            .unwrap();
        let e = to_share_code(&ws).unwrap_err().to_string();
        assert!(e.contains("export it as a file instead"), "{e}");
    }
}
