//! The workspace: everything a user has built — store, catalog, jobs, runs, bookmarks and the
//! clock — in one value that the app and the CLI own and drive.
//!
//! **API Boundary.** Its fields are private to core: front ends change it only through the
//! command methods here and in `engine` (each enforces its rules and stamps the clock), and read
//! it through the accessors below and the read models in `views`.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::model::bookmark::{BookmarkEntry, JobBookmark};
use crate::model::catalog::{Catalog, Partition, Table};
use crate::model::clock::{Millis, VirtualClock};
use crate::model::job::JobDefinition;
use crate::model::lineage::{PartLineage, ReadRecord};
use crate::model::run::JobRun;
use crate::model::store::{Object, ObjectStore, S3Uri};

/// Saved and loaded through `snapshot`, whose document type is the saved layout.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Workspace {
    pub(crate) clock: VirtualClock,
    pub(crate) store: ObjectStore,
    pub(crate) catalog: Catalog,
    pub(crate) jobs: BTreeMap<String, JobDefinition>,
    /// Every run, in the order started.
    pub(crate) runs: Vec<JobRun>,
    pub(crate) bookmarks: BTreeMap<String, JobBookmark>,
    /// Every read of an object by a bookmarked source, by job, ctx and object (see `engine`).
    pub(crate) reads: BTreeMap<String, Vec<ReadRecord>>,
    /// Lineage of every part file a run wrote, by `s3://` address.
    pub(crate) parts: BTreeMap<String, PartLineage>,
    /// CloudFormation stacks deployed into this workspace, by name (see `cfn`).
    pub(crate) stacks: BTreeMap<String, crate::model::stack::Stack>,
    /// The simulated JDBC database: JDBC sources and sinks (see `warehouse`).
    pub(crate) warehouse: crate::warehouse::Warehouse,
    pub(crate) run_sequence: u64,
}

/// Where a sink's rows live.
#[derive(Debug, Clone, PartialEq)]
pub enum SinkLocation {
    S3 {
        uri: S3Uri,
        format: crate::format::Format,
        csv: crate::format::CsvOptions,
    },
    Warehouse {
        table: String,
    },
}

/// `CreateJob`'s limits on a job's properties, as Glue states them.
pub const JOB_NAME_MAX_CHARS: usize = 255;
pub const JOB_DESCRIPTION_MAX_CHARS: usize = 2048;
pub const JOB_MAX_RETRIES: u32 = 10;

/// Reads: what front ends may see directly (read-only borrows; derived views are in `views`).
impl Workspace {
    pub fn clock(&self) -> &VirtualClock {
        &self.clock
    }

    pub fn store(&self) -> &ObjectStore {
        &self.store
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Every job, by name.
    pub fn jobs(&self) -> impl Iterator<Item = &JobDefinition> {
        self.jobs.values()
    }

    /// Every run, in the order started.
    pub fn runs(&self) -> &[JobRun] {
        &self.runs
    }

    /// CloudFormation stacks deployed into this workspace, by name.
    pub fn stacks(&self) -> impl Iterator<Item = &crate::model::stack::Stack> {
        self.stacks.values()
    }

    /// A deployed stack by name.
    pub fn stack(&self, name: &str) -> Option<&crate::model::stack::Stack> {
        self.stacks.get(name)
    }

    pub fn warehouse(&self) -> &crate::warehouse::Warehouse {
        &self.warehouse
    }

    /// The lineage of a part file a run wrote, by its `s3://` address.
    pub fn part_lineage(&self, uri: &str) -> Option<&PartLineage> {
        self.parts.get(uri)
    }

    /// Where a sink writes: an S3 folder (a catalog table's location or a path) with its format,
    /// or a warehouse table.
    pub fn sink_location(&self, output: &crate::model::job::SinkOutput) -> Result<SinkLocation> {
        use crate::model::job::SinkOutput;
        Ok(match output {
            SinkOutput::Catalog { database, table } => {
                let t = self.catalog.table(database, table)?;
                SinkLocation::S3 {
                    uri: t.location_uri()?,
                    format: t.format,
                    csv: t.csv_options(),
                }
            }
            SinkOutput::S3 { path, format } => SinkLocation::S3 {
                uri: S3Uri::parse(path)?,
                format: *format,
                csv: crate::format::CsvOptions::default(),
            },
            SinkOutput::Jdbc { table } => SinkLocation::Warehouse { table: table.clone() },
        })
    }

    /// Nothing built yet: no bucket, table, job, run, stack or warehouse table (the clock may
    /// have moved).
    pub fn is_empty(&self) -> bool {
        let mut probe = self.clone();
        probe.clock = VirtualClock::default();
        probe == Workspace::default()
    }
}

/// Commands: every change a front end may make. Each checks its rules before changing anything.
impl Workspace {
    /// "15 minutes pass": the clock moves on by `ms`, never backwards.
    pub fn advance_clock(&mut self, ms: Millis) -> Result<Millis> {
        if ms < 0 {
            return Err(Error::InvalidInput("the clock never goes backwards".into()));
        }
        Ok(self.clock.advance(ms))
    }

    /// How far the clock moves between two actions (at least 1 ms).
    pub fn set_clock_step(&mut self, step: Millis) {
        self.clock.set_step(step);
    }

    pub fn create_database(&mut self, name: &str) -> Result<()> {
        self.catalog.create_database(name)
    }

    pub fn create_table(&mut self, table: crate::model::catalog::Table) -> Result<()> {
        self.catalog.create_table(table)
    }

    /// `MSCK REPAIR TABLE`: registers the partition folders (`key=value/`) found under the
    /// table's location that the catalog does not hold yet; none is ever removed. Returns the
    /// partitions added.
    pub fn repair_partitions(&mut self, database: &str, table: &str) -> Result<Vec<Partition>> {
        let mut t = self.catalog.table(database, table)?.clone();
        if !t.is_partitioned() {
            return Err(Error::InvalidInput(format!(
                "MSCK REPAIR TABLE: table {database}.{table} has no partition keys"
            )));
        }
        let registered = registered_with(&t, &self.store)?;
        let added = registered
            .iter()
            .filter(|p| !t.partitions.contains(p))
            .cloned()
            .collect();
        t.partitions = registered;
        self.catalog.update_table(t)?;
        Ok(added)
    }

    /// "Make a table from this file": the table a crawler would make of the object at `uri`
    /// (`model::crawl`). When a table already holds the object, that table (`UpdateTable`) gets
    /// the file's columns, format and CSV settings and keeps its name, location and partition
    /// keys; otherwise a new table is created in `database` (default: the first database, else
    /// `default`, made if missing), under a name no table of it has. Returns the table as it now is.
    pub fn make_table_from_object(
        &mut self,
        uri: &S3Uri,
        database: Option<&str>,
    ) -> Result<crate::model::catalog::Table> {
        let made = self.crawl_object(uri, database)?;
        self.add_crawled_table(uri, made)
    }

    /// The table a crawler would make for the object at `uri` (`crawl::table_from_object`), in
    /// the database of the table that holds it, else in [`Workspace::database_for_new_table`].
    /// Reads the object and changes nothing: the page has a preview worker run it.
    pub fn crawl_object(&self, uri: &S3Uri, database: Option<&str>) -> Result<crate::model::catalog::Table> {
        let body = &self.store.get(uri)?.body;
        let database = match self.catalog.table_holding(uri) {
            Some(holder) => holder.database.clone(),
            None => self.database_for_new_table(database),
        };
        crate::model::crawl::table_from_object(&database, uri, body)
    }

    /// Where a new table goes: `database`, else the first database, else `default`.
    pub fn database_for_new_table(&self, database: Option<&str>) -> String {
        match database {
            Some(name) => name.to_string(),
            None => self
                .catalog
                .databases()
                .next()
                .map_or_else(|| "default".to_string(), |d| d.name.clone()),
        }
    }

    /// Puts a table [`Workspace::crawl_object`] made into the catalog, parsing nothing: over
    /// the table that holds `uri` it updates that table's format, columns and SerDe; otherwise
    /// it is created (with its database when missing) under a free name (`name_2`, ...).
    pub fn add_crawled_table(
        &mut self,
        uri: &S3Uri,
        made: crate::model::catalog::Table,
    ) -> Result<crate::model::catalog::Table> {
        self.store.get(uri)?;
        if let Some(holder) = self.catalog.table_holding(uri).cloned() {
            let mut table = holder;
            table.partitions = registered_with(&table, &self.store)?;
            table.format = made.format;
            table.columns = made.columns;
            table.serde_library = made.serde_library;
            table.serde_parameters = made.serde_parameters;
            table.parameters.remove("skip.header.line.count");
            table.parameters.extend(made.parameters);
            self.catalog.update_table(table.clone())?;
            return Ok(table);
        }
        let mut table = made;
        // A crawler registers the partitions it finds.
        table.partitions = table.discover_partitions(&self.store)?;
        let database = table.database.clone();
        if self.catalog.database(&database).is_err() {
            self.catalog.create_database(&database)?;
        }
        let taken = |name: &str| self.catalog.table(&database, name).is_ok();
        if taken(&table.name) {
            let base = table.name.clone();
            let free = (2..).map(|n| format!("{base}_{n}")).find(|n| !taken(n));
            table.name = free.expect("an unbounded range has a free name");
        }
        self.catalog.create_table(table.clone())?;
        Ok(table)
    }

    /// Sets the `serialization.encoding` SerDe parameter of the CSV table whose location holds
    /// `uri` (Spark's `encoding` read option), so its text is decoded from `label` (for
    /// example the [`Workspace::suggested_encoding`]'s `option_name`). An unknown label is
    /// refused when read, naming it. Returns the updated table.
    pub fn set_table_encoding(&mut self, uri: &S3Uri, label: &str) -> Result<crate::model::catalog::Table> {
        let label = label.trim();
        let mut table = self.catalog.table_holding(uri).cloned().ok_or_else(|| {
            Error::InvalidInput(format!(
                "{uri} is under no catalog table, so no table's encoding can be set"
            ))
        })?;
        if table.format != crate::format::Format::Csv {
            return Err(Error::InvalidInput(format!(
                "table {}.{} is {}: only CSV tables take an encoding (serialization.encoding); JSON is read as UTF-8",
                table.database, table.name, table.format
            )));
        }
        if label.is_empty() {
            table.serde_parameters.remove("serialization.encoding");
        } else {
            table
                .serde_parameters
                .insert("serialization.encoding".to_string(), label.to_string());
        }
        self.catalog.update_table(table.clone())?;
        Ok(table)
    }

    /// "New job over this table": a job that reads the catalog table `database.table` with a
    /// bookmark (`transformation_ctx` = the table's name, `job-bookmark-enable`) and appends
    /// to a new JSON table `<table>_out` beside it (`s3://<bucket>/<table>_out/`), with the
    /// same columns: the seed article's shape, for a person's own data. Names are made free
    /// (`orders-etl-2`, `orders_out_2`). Returns the job.
    pub fn create_job_over_table(&mut self, database: &str, table: &str) -> Result<JobDefinition> {
        use crate::model::catalog::Table;
        use crate::model::job::{JobPlan, SinkSpec, SourceSpec};
        let source = self.catalog.table(database, table)?.clone();
        let free = |taken: &dyn Fn(&str) -> bool, base: String, separator: char| {
            std::iter::once(base.clone())
                .chain((2..).map(|n| format!("{base}{separator}{n}")))
                .find(|n| !taken(n))
                .expect("an unbounded range has a free name")
        };
        let out = free(
            &|n| self.catalog.table(database, n).is_ok(),
            format!("{table}_out"),
            '_',
        );
        let job_name = free(
            &|n| self.jobs.contains_key(n),
            format!("{}-etl", table.replace('_', "-")),
            '-',
        );
        let bucket = source.location_uri()?.bucket;
        let mut output = Table::new(
            database,
            &out,
            &format!("s3://{bucket}/{out}/"),
            crate::format::Format::Json,
            source.columns.clone(),
        );
        output.parameters.insert("classification".into(), "json".into());
        let plan = JobPlan {
            required_arguments: vec!["JOB_NAME".into()],
            sources: vec![SourceSpec::catalog(database, table, Some(table))],
            transforms: vec![],
            sinks: vec![SinkSpec::catalog(database, &out, Some(&out))],
            commits: true,
        };
        let mut job = JobDefinition::new(&job_name, plan);
        job.default_arguments
            .insert("--job-bookmark-option".into(), "job-bookmark-enable".into());
        check_job_limits(&job)?;
        self.catalog.create_table(output)?;
        self.create_job(job.clone())?;
        Ok(job)
    }

    /// `s3 rm`: deletes an object; whether there was one (S3 answers the same either way).
    pub fn delete_object(&mut self, uri: &S3Uri) -> Result<bool> {
        self.store.delete(uri)
    }

    /// `s3 rm --recursive`: deletes every object under a prefix; their keys.
    pub fn delete_prefix(&mut self, uri: &S3Uri) -> Result<Vec<String>> {
        self.store.delete_prefix(uri)
    }

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

    /// `CreateJob`: a new job with an empty bookmark.
    pub fn create_job(&mut self, job: JobDefinition) -> Result<()> {
        check_job_limits(&job)?;
        if self.jobs.contains_key(&job.name) {
            return Err(Error::AlreadyExists(format!("Job {} already exists.", job.name)));
        }
        self.bookmarks.insert(job.name.clone(), JobBookmark::new(&job.name));
        self.jobs.insert(job.name.clone(), job);
        Ok(())
    }

    /// `UpdateJob`: replaces a job's definition; its runs and bookmark stay (as on Glue).
    pub fn update_job(&mut self, job: JobDefinition) -> Result<()> {
        check_job_limits(&job)?;
        let slot = self
            .jobs
            .get_mut(&job.name)
            .ok_or_else(|| Error::EntityNotFound(format!("Job {} not found", job.name)))?;
        *slot = job;
        Ok(())
    }

    /// Changes a job in place (`UpdateJob` of the changed copy); its name is kept.
    pub fn edit_job(&mut self, name: &str, change: impl FnOnce(&mut JobDefinition)) -> Result<()> {
        let mut job = self.job(name)?.clone();
        change(&mut job);
        job.name = name.to_string();
        self.update_job(job)
    }

    /// Creates the job, or updates it if one of that name exists (the editor's Save).
    pub fn save_job(&mut self, job: JobDefinition) -> Result<()> {
        if self.jobs.contains_key(&job.name) {
            self.update_job(job)
        } else {
            self.create_job(job)
        }
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

    /// The last attempt of a run: the run itself, or the last of the retries it earned.
    pub fn final_attempt(&self, run_id: &str) -> Result<&JobRun> {
        let mut last = self.run(run_id)?;
        while let Some(retry) = self
            .runs
            .iter()
            .find(|r| r.previous_run_id.as_deref() == Some(last.id.as_str()))
        {
            last = retry;
        }
        Ok(last)
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
                if !crate::model::store::etag_matches(&object.etag, &object.body) {
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
        use crate::limits::{SNAPSHOT_MAX_COUNTER, SNAPSHOT_MAX_STEP_MS, SNAPSHOT_MAX_TIME_MS};
        let bad = |m: String| Err(Error::Snapshot(m));
        let (now, step) = (self.clock.now(), self.clock.step());
        if !(0..=SNAPSHOT_MAX_TIME_MS).contains(&now) {
            return bad(format!(
                "the clock's time {now} ms is outside 1970..9999 (the limit SNAPSHOT_MAX_TIME_MS)"
            ));
        }
        if !(1..=SNAPSHOT_MAX_STEP_MS).contains(&step) {
            return bad(format!(
                "the clock's step {step} ms is outside 1 ms..1 day (the limit SNAPSHOT_MAX_STEP_MS)"
            ));
        }
        if self.run_sequence > SNAPSHOT_MAX_COUNTER || (self.run_sequence as usize) < self.runs.len() {
            return bad(format!(
                "the run sequence {} does not count the {} runs (or is past SNAPSHOT_MAX_COUNTER)",
                self.run_sequence,
                self.runs.len()
            ));
        }
        for (name, job) in &self.jobs {
            if &job.name != name {
                return bad(format!("job {name} is saved under the name {}", job.name));
            }
            check_job_limits(job).map_err(|e| Error::Snapshot(format!("job {name}: {e}")))?;
            if !self.bookmarks.contains_key(name) {
                return bad(format!("job {name} has no bookmark"));
            }
        }
        for (name, bookmark) in &self.bookmarks {
            if !self.jobs.contains_key(name) {
                return bad(format!("bookmark {name} belongs to no job"));
            }
            let entries = std::iter::once(&bookmark.current)
                .chain(bookmark.history.iter().map(|(_, e)| e))
                .chain(bookmark.committed_by_run.values());
            for entry in entries {
                if &entry.job_name != name {
                    return bad(format!("bookmark {name} holds an entry of job {}", entry.job_name));
                }
                if entry.version.max(entry.run).max(entry.attempt) > SNAPSHOT_MAX_COUNTER {
                    return bad(format!(
                        "bookmark {name}'s counters (version {}, run {}, attempt {}) are past SNAPSHOT_MAX_COUNTER",
                        entry.version, entry.run, entry.attempt
                    ));
                }
            }
            if let Some(id) = bookmark
                .committed_by_run
                .keys()
                .find(|id| !self.runs.iter().any(|r| &r.id == *id))
            {
                return bad(format!(
                    "bookmark {name} was committed by run {id}, which is not in the workspace"
                ));
            }
        }
        for run in &self.runs {
            let times = [Some(run.started_on), Some(run.last_modified_on), run.completed_on];
            if times.iter().flatten().any(|t| !(0..=SNAPSHOT_MAX_TIME_MS).contains(t)) {
                return bad(format!(
                    "run {} has a time outside 1970..9999 (SNAPSHOT_MAX_TIME_MS)",
                    run.id
                ));
            }
            if let Some(previous) = &run.previous_run_id {
                if !self.runs.iter().any(|r| &r.id == previous) {
                    return bad(format!(
                        "run {} retries run {previous}, which is not in the workspace",
                        run.id
                    ));
                }
            }
        }
        if let Some(run) = self.runs.iter().find(|r| !self.jobs.contains_key(&r.job_name)) {
            return bad(format!("run {} belongs to unknown job {}", run.id, run.job_name));
        }
        self.check_names()?;
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
        self.check_references()
    }

    /// Every map key equals the name inside its value: lookups go by the key, everything shown
    /// (and every later write) by the name, so a mismatch would split one entry in two.
    fn check_names(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Snapshot(m));
        for bucket in self.store.buckets() {
            // The store's keys are private: a bucket saved under another key is not found by its name.
            if !self.store.bucket(&bucket.name).is_ok_and(|b| std::ptr::eq(b, bucket)) {
                return bad(format!("bucket {} is saved under another name", bucket.name));
            }
            if let Some((key, object)) = bucket.objects().iter().find(|(key, o)| &o.key != *key) {
                return bad(format!(
                    "object s3://{}/{key} holds the key {}",
                    bucket.name, object.key
                ));
            }
        }
        for db in self.catalog.databases() {
            if !self.catalog.database(&db.name).is_ok_and(|d| std::ptr::eq(d, db)) {
                return bad(format!("database {} is saved under another name", db.name));
            }
            if let Some((key, table)) = db
                .tables
                .iter()
                .find(|(key, t)| &t.name != *key || t.database != db.name)
            {
                return bad(format!(
                    "table {}.{key} is saved as {}.{}",
                    db.name, table.database, table.name
                ));
            }
        }
        if let Some((key, stack)) = self.stacks.iter().find(|(key, s)| &s.name != *key) {
            return bad(format!("stack {key} is saved under the name {}", stack.name));
        }
        Ok(())
    }

    /// Every run a run's lineage, the read history, the part files' lineage, a bookmark's
    /// history or a warehouse row names is in the workspace, and of the job it is said to be of.
    /// Objects need not be: S3 deletes leave lineage behind (as a real run's history outlives its
    /// input).
    fn check_references(&self) -> Result<()> {
        let runs = RunIndex::new(&self.runs)?;
        for run in &self.runs {
            self.check_run_lineage(run, &runs)?;
        }
        for (key, records) in &self.reads {
            for read in records {
                check_read(key, read, &runs)?;
            }
        }
        for (uri, part) in &self.parts {
            runs.of_job(&part.run_id, &part.job_name, || format!("the lineage of part {uri}"))?;
        }
        for (name, bookmark) in &self.bookmarks {
            for (event, _) in &bookmark.history {
                if let Some(id) = event.run_id() {
                    runs.of_job(id, name, || format!("bookmark {name}'s history"))?;
                }
            }
        }
        for table in self.warehouse.tables.values() {
            for row in table.rows() {
                if let Some(id) = &row.written_by {
                    runs.named(id, || format!("row {} of warehouse table {}", row.id, table.name))?;
                }
            }
        }
        Ok(())
    }

    /// The runs a run's verdicts name exist, and each part it wrote has its lineage, from it.
    fn check_run_lineage(&self, run: &JobRun, runs: &RunIndex) -> Result<()> {
        for file in &run.lineage.files {
            for id in file.reason.run_ids() {
                runs.of_job(id, &run.job_name, || {
                    format!("run {}'s verdict on {}", run.id, file.object)
                })?;
            }
        }
        // A JDBC sink lists its table (`jdbc:...`), which has no part lineage.
        for uri in run.lineage.written.iter().filter(|w| w.starts_with("s3://")) {
            if self.parts.get(uri).is_none_or(|p| p.run_id != run.id) {
                return Err(Error::Snapshot(format!(
                    "run {} wrote part {uri}, whose lineage is missing or names another run",
                    run.id
                )));
            }
        }
        Ok(())
    }
}

/// A workspace's runs by id, for checking the references to them.
struct RunIndex<'a>(BTreeMap<&'a str, &'a JobRun>);

impl<'a> RunIndex<'a> {
    /// Refuses two runs with one id: every reference to it would be ambiguous.
    fn new(runs: &'a [JobRun]) -> Result<Self> {
        let mut by_id = BTreeMap::new();
        for run in runs {
            if by_id.insert(run.id.as_str(), run).is_some() {
                return Err(Error::Snapshot(format!("run id {} is used by two runs", run.id)));
            }
        }
        Ok(Self(by_id))
    }

    /// The run `id`, which what `by` names refers to.
    fn named(&self, id: &str, by: impl FnOnce() -> String) -> Result<&'a JobRun> {
        self.0
            .get(id)
            .copied()
            .ok_or_else(|| Error::Snapshot(format!("{} names run {id}, which is not in the workspace", by())))
    }

    /// The run `id`, which must be a run of `job`.
    fn of_job(&self, id: &str, job: &str, by: impl Fn() -> String) -> Result<&'a JobRun> {
        let run = self.named(id, &by)?;
        if run.job_name != job {
            return Err(Error::Snapshot(format!(
                "{} names run {id} of job {job}, but it is a run of job {}",
                by(),
                run.job_name
            )));
        }
        Ok(run)
    }
}

/// A read record is filed under its own job, ctx and object, by a run of that job.
fn check_read(key: &str, read: &ReadRecord, runs: &RunIndex) -> Result<()> {
    let by = || {
        format!(
            "the read of {} by job {} (transformation_ctx {})",
            read.object, read.job_name, read.transformation_ctx
        )
    };
    if read.key() != key {
        return Err(Error::Snapshot(format!(
            "{} is filed under another job, ctx or object",
            by()
        )));
    }
    runs.of_job(&read.run_id, &read.job_name, by)?;
    Ok(())
}

/// The limits `CreateJob` and `UpdateJob` enforce on a job's own properties.
fn check_job_limits(job: &JobDefinition) -> Result<()> {
    let invalid = |m: String| Err(Error::InvalidInput(m));
    let name_chars = job.name.chars().count();
    if job.name.is_empty() || name_chars > JOB_NAME_MAX_CHARS {
        return invalid(format!(
            "1 validation error detected: Value '{}' at 'name' failed to satisfy constraint: Member must have length \
             between 1 and {JOB_NAME_MAX_CHARS}",
            job.name
        ));
    }
    // Glue's name pattern allows tabs but no other control character.
    if job.name.chars().any(|c| c.is_control() && c != '\t') {
        return invalid(
            "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must \
             satisfy regular expression pattern: [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*"
                .into(),
        );
    }
    if job.description.chars().count() > JOB_DESCRIPTION_MAX_CHARS {
        return invalid(format!(
            "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have \
             length less than or equal to {JOB_DESCRIPTION_MAX_CHARS}"
        ));
    }
    if job.max_retries > JOB_MAX_RETRIES {
        return invalid(format!("MaxRetries must be {JOB_MAX_RETRIES} or less"));
    }
    if job.timeout_minutes == 0 {
        return invalid("Timeout must be at least 1 minute".into());
    }
    if job.max_concurrent_runs == 0 {
        return invalid("MaxConcurrentRuns must be at least 1".into());
    }
    Ok(())
}

/// A table's registered partitions plus the ones found in the store now, in value order (what a
/// crawler's re-run and `MSCK REPAIR TABLE` leave registered).
fn registered_with(table: &Table, store: &crate::model::store::ObjectStore) -> Result<Vec<Partition>> {
    let mut partitions = table.partitions.clone();
    for found in table.discover_partitions(store)? {
        if !partitions.iter().any(|p| p.values == found.values) {
            partitions.push(found);
        }
    }
    partitions.sort_by(|a, b| a.values.cmp(&b.values));
    Ok(partitions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::job::JobPlan;

    #[test]
    fn create_job_enforces_create_jobs_limits() {
        let mut ws = Workspace::default();
        let mut job = JobDefinition::new("j", JobPlan::default());
        job.max_retries = 11;
        let e = ws.create_job(job.clone()).unwrap_err().to_string();
        assert!(e.contains("MaxRetries must be 10 or less"), "{e}");
        job.max_retries = 10;
        job.name = "x".repeat(256);
        assert!(ws.create_job(job.clone()).is_err());
        job.name = "line\nbreak".into();
        assert!(ws.create_job(job.clone()).is_err());
        job.name = "tab\tallowed".into();
        ws.create_job(job.clone()).unwrap();
        job.name = "j".into();
        ws.create_job(job).unwrap();
        assert!(!ws.is_empty());
    }

    #[test]
    fn update_job_needs_the_job_and_keeps_its_bookmark() {
        let mut ws = Workspace::default();
        let job = JobDefinition::new("j", JobPlan::default());
        assert!(matches!(ws.update_job(job.clone()), Err(Error::EntityNotFound(_))));
        ws.save_job(job.clone()).unwrap();
        let mut changed = job;
        changed.description = "now with a description".into();
        ws.save_job(changed.clone()).unwrap();
        assert_eq!(ws.job("j").unwrap(), &changed);
        assert!(ws.bookmark("j").is_ok());
    }

    #[test]
    fn the_clock_never_goes_backwards() {
        let mut ws = Workspace::default();
        assert!(ws.advance_clock(-1).is_err());
        let before = ws.clock().now();
        assert_eq!(ws.advance_clock(60_000).unwrap(), before + 60_000);
        assert!(ws.is_empty(), "a moved clock alone builds nothing");
    }
}
