//! The workspace: everything a user has built — store, catalog, jobs, runs, bookmarks and the
//! clock — in one value that the app and the CLI own and drive.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::bookmark::{BookmarkEntry, JobBookmark};
use crate::catalog::Catalog;
use crate::clock::{Millis, VirtualClock};
use crate::error::{Error, Result};
use crate::job::JobDefinition;
use crate::lineage::{PartLineage, ReadRecord};
use crate::run::JobRun;
use crate::store::{Object, ObjectStore, S3Uri};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Workspace {
    pub clock: VirtualClock,
    pub store: ObjectStore,
    pub catalog: Catalog,
    pub jobs: BTreeMap<String, JobDefinition>,
    /// Every run, in the order started.
    pub runs: Vec<JobRun>,
    pub bookmarks: BTreeMap<String, JobBookmark>,
    /// Every read of an object by a bookmarked source, by job, ctx and object (see `engine`).
    pub reads: BTreeMap<String, Vec<ReadRecord>>,
    /// Lineage of every part file a run wrote, by `s3://` address.
    pub parts: BTreeMap<String, PartLineage>,
    /// CloudFormation stacks deployed into this workspace, by name (see `cfn`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stacks: BTreeMap<String, crate::cfn::Stack>,
    /// The simulated JDBC database: JDBC sources and sinks (see `warehouse`).
    #[serde(default, skip_serializing_if = "crate::warehouse::Warehouse::is_empty")]
    pub warehouse: crate::warehouse::Warehouse,
    pub(crate) run_sequence: u64,
}

impl Workspace {
    pub fn create_bucket(&mut self, name: &str) -> Result<()> {
        let now = self.clock.tick();
        self.store.create_bucket(name, now)
    }

    /// Uploads (or overwrites) an object at the next instant of the clock.
    pub fn put_object(&mut self, uri: &S3Uri, body: Vec<u8>) -> Result<&Object> {
        let now = self.clock.tick();
        self.store.put(uri, body, now)
    }

    /// Completes a multipart upload that was initiated `initiated_ago` ms before now. S3 gives
    /// the object the *initiation* time as LastModified, so a long upload that started before a
    /// bookmarked run's band can land behind it: the one way a late arrival still happens on
    /// today's strongly consistent S3 (GLUE-SEMANTICS §1.3, [INF, verify]).
    pub fn put_object_multipart(&mut self, uri: &S3Uri, body: Vec<u8>, initiated_ago: Millis) -> Result<&Object> {
        let now = self.clock.tick();
        if initiated_ago < 0 {
            return Err(Error::InvalidInput(
                "a multipart upload cannot start in the future".into(),
            ));
        }
        self.store.put_multipart(uri, body, now - initiated_ago)
    }

    /// Runs a SQL statement against the warehouse (`CREATE TABLE`, `INSERT`, `UPDATE`, ...), at
    /// the next instant of the virtual clock.
    pub fn execute_warehouse_statement(&mut self, sql: &str) -> Result<crate::warehouse::StatementOutcome> {
        let mut warehouse = self.warehouse.clone();
        let now = self.clock.tick();
        let outcome = warehouse.execute(sql, now)?;
        self.warehouse = warehouse;
        Ok(outcome)
    }

    pub fn create_job(&mut self, job: JobDefinition) -> Result<()> {
        if self.jobs.contains_key(&job.name) {
            return Err(Error::AlreadyExists(format!("Job {} already exists.", job.name)));
        }
        self.bookmarks.insert(job.name.clone(), JobBookmark::new(&job.name));
        self.jobs.insert(job.name.clone(), job);
        Ok(())
    }

    pub fn job(&self, name: &str) -> Result<&JobDefinition> {
        self.jobs
            .get(name)
            .ok_or_else(|| Error::EntityNotFound(format!("Job {name} not found")))
    }

    pub fn run(&self, run_id: &str) -> Result<&JobRun> {
        self.runs
            .iter()
            .find(|r| r.id == run_id)
            .ok_or_else(|| Error::EntityNotFound(format!("Job run {run_id} not found")))
    }

    /// `GetJobRun`: a run of this job. A run id of another job is not found, as on Glue.
    pub fn job_run(&self, job_name: &str, run_id: &str) -> Result<&JobRun> {
        self.job(job_name)?;
        self.runs
            .iter()
            .find(|r| r.id == run_id && r.job_name == job_name)
            .ok_or_else(|| Error::EntityNotFound(format!("Job Run {run_id} not found")))
    }

    pub fn runs_of<'a>(&'a self, job_name: &'a str) -> impl Iterator<Item = &'a JobRun> + 'a {
        self.runs.iter().filter(move |r| r.job_name == job_name)
    }

    pub fn bookmark(&self, job_name: &str) -> Result<&JobBookmark> {
        self.job(job_name)?;
        Ok(&self.bookmarks[job_name])
    }

    /// `get-job-bookmark --job-name N [--run-id R]`.
    pub fn get_job_bookmark(&self, job_name: &str, run_id: Option<&str>) -> Result<&BookmarkEntry> {
        self.bookmark(job_name)?.get(run_id)
    }

    /// `reset-job-bookmark --job-name N [--run-id R]`: reset, or rewind to run R.
    pub fn reset_job_bookmark(&mut self, job_name: &str, run_id: Option<&str>) -> Result<BookmarkEntry> {
        self.job(job_name)?;
        let now = self.clock.tick();
        let bookmark = self.bookmarks.get_mut(job_name).expect("every job has a bookmark");
        Ok(match run_id {
            None => bookmark.reset(now).clone(),
            Some(id) => bookmark.rewind(id, now)?.clone(),
        })
    }

    /// Consistency checks for a workspace that came from outside (a file, a share link): every
    /// job has its bookmark, every run its job, every object an ETag that matches its bytes.
    pub(crate) fn check(&self) -> Result<()> {
        self.check_structure()?;
        for bucket in self.store.buckets() {
            for object in bucket.objects().values() {
                if !crate::store::etag_matches(&object.etag, &object.body) {
                    return Err(Error::Snapshot(format!(
                        "s3://{}/{} does not match its ETag (edited by hand?)",
                        bucket.name, object.key
                    )));
                }
            }
        }
        Ok(())
    }

    /// [`Workspace::check`] without hashing the bodies again: for a workspace that never left
    /// the page (a hand-over from the run worker).
    pub(crate) fn check_structure(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Snapshot(m));
        for name in self.jobs.keys() {
            if !self.bookmarks.contains_key(name) {
                return bad(format!("job {name} has no bookmark"));
            }
        }
        if let Some(run) = self.runs.iter().find(|r| !self.jobs.contains_key(&r.job_name)) {
            return bad(format!("run {} belongs to unknown job {}", run.id, run.job_name));
        }
        for bucket in self.store.buckets() {
            if !bucket.is_consistent() {
                return bad(format!("bucket {} has an inconsistent time index", bucket.name));
            }
        }
        for db in self.catalog.databases() {
            for table in db.tables.values() {
                table.schema().map_err(|e| Error::Snapshot(e.to_string()))?;
            }
        }
        Ok(())
    }
}
