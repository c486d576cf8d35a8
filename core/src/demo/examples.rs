//! Ready examples and their guided tours: each a workspace plus the steps a trainer clicks
//! through in front of a room ("upload file 1", "run", "reset", "run again"...), with what to
//! say at each step. The steps are data and run through [`Workspace::apply_tour_step`], so the
//! browser and the CLI tell the same story the same way.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::format::{Format, ParseMode};
use crate::i18n::Catalog;
use crate::model::catalog::{Column, Table};
use crate::model::clock::parse_duration;
use crate::model::job::{KeySortOrder, SinkMode, SinkSpec, SourceInput, SourceSpec};
use crate::model::run::FailurePoint;
use crate::model::store::S3Uri;
use crate::transform::Transform;
use crate::workspace::Workspace;
use crate::RunRequest;

/// One ready example, as the example picker lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// The job the tour drives.
    pub job: &'static str,
}

/// What one tour step does.
#[derive(Debug, Clone, PartialEq)]
pub enum TourAction {
    /// Upload (or overwrite) a file into the job's source prefix.
    Upload { name: String, body: String },
    /// Start a run with these arguments (replacing the job's defaults key by key).
    Run {
        arguments: BTreeMap<String, String>,
        fail_at: Option<FailurePoint>,
    },
    /// `ResetJobBookmark` without a run id.
    Reset,
    /// `ResetJobBookmark --run-id` of the job's `run`-th run (1-based, in start order).
    RewindTo { run: usize },
    /// Delete every object under these `s3://` prefixes (the article's clean-up).
    DeletePrefixes { prefixes: Vec<String> },
    /// Let time pass on the virtual clock (`15m`).
    Advance { duration: String },
    /// A SQL statement against the warehouse.
    Statement { sql: String },
    /// `MSCK REPAIR TABLE` on the table the job's first source reads.
    RepairPartitions,
    /// The job's first source gets this `transformation_ctx` (as a user editing the script would).
    RenameContext { to: String },
    /// Two runs of the job at once: both start, then each finishes, in start order (what a
    /// schedule and a manual start, or MaxConcurrentRuns > 1, lead to).
    OverlappingRuns,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TourStep {
    pub title: String,
    /// What the trainer says (and the room should then see).
    pub say: String,
    pub action: TourAction,
}

fn step(title: &str, say: &str, action: TourAction) -> TourStep {
    TourStep {
        title: title.into(),
        say: say.into(),
        action,
    }
}

fn upload(name: &str, body: &str) -> TourAction {
    TourAction::Upload {
        name: name.into(),
        body: body.into(),
    }
}

fn run() -> TourAction {
    run_with(&[])
}

fn run_with(arguments: &[(&str, &str)]) -> TourAction {
    TourAction::Run {
        arguments: arguments.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        fail_at: None,
    }
}

pub fn examples() -> Vec<Example> {
    vec![
        Example {
            id: "seed",
            title: "Reset and rewind (the seed article)",
            summary: "Two JSON files, two runs; a reset reads everything again and the target gets every row twice; a rewind to run 1 re-reads file 2.",
            job: super::JOB_NAME,
        },
        Example {
            id: "csv-header",
            title: "A CSV job with a header row",
            summary: "A catalog table over CSV with skip.header.line.count = 1: the header is not a row, and each new file is read once.",
            job: CSV_JOB,
        },
        Example {
            id: "modified-file",
            title: "A modified file is read again in full",
            summary: "Bookmarks track whole files by modification time: overwrite a file and every line of it reaches the target again.",
            job: super::JOB_NAME,
        },
        Example {
            id: "failed-run",
            title: "A failed run does not move the bookmark",
            summary: "A run fails after writing but before job.commit(): its output stays, its bookmark is not saved, and the next run writes the same rows again.",
            job: super::JOB_NAME,
        },
        Example {
            id: "pause-from-to",
            title: "Pause with --job-bookmark-from / --job-bookmark-to",
            summary: "Replay exactly what runs after 'from' up to 'to' processed, without moving the bookmark.",
            job: super::JOB_NAME,
        },
        Example {
            id: "bounded-backlog",
            title: "Bounded execution drains a backlog",
            summary: "boundedFiles \"2\": each run reads the two oldest new files and leaves the rest for later runs; without bookmarks the job is refused.",
            job: super::JOB_NAME,
        },
        Example {
            id: "partitioned-orders",
            title: "Partitions: pruned, tracked, registered",
            summary: "A table partitioned by year and month: push_down_predicate prunes 2025 before listing, a late file in an old partition is read, and a new partition is not read until MSCK REPAIR TABLE registers it.",
            job: super::partitioned::JOB_NAME,
        },
        Example {
            id: "relationalize-keys",
            title: "Relationalize: duplicates under new keys",
            summary: "Orders with nested items, split by Relationalize into a root table and a child table joined on generated keys that continue across runs: a file read again is written again under new keys, duplicates no key can find.",
            job: super::relationalized::JOB_NAME,
        },
        Example {
            id: "concurrent-runs",
            title: "Two runs at once: the second commit fails",
            summary: "MaxConcurrentRuns 2: two overlapping runs read the same bookmark, both write, the first commit wins, the second fails with a version mismatch, and the target holds its rows twice.",
            job: super::JOB_NAME,
        },
        Example {
            id: "renamed-context",
            title: "A renamed transformation_ctx reads everything again",
            summary: "Bookmark states are keyed by transformation_ctx: rename it and the next run reads every file again (duplicates in the target), while the old state stays in the bookmark, orphaned.",
            job: super::JOB_NAME,
        },
        Example {
            id: "jdbc-keys",
            title: "JDBC bookmarks track keys, not rows",
            summary: "A warehouse table read with jobBookmarkKeys: new keys are read once, an updated row is missed, a key that does not grow is missed for good.",
            job: JDBC_JOB,
        },
        Example {
            id: "hr-rules",
            title: "Transform rules: HR exports to monthly counts",
            summary: "Value-mapping rules stored as data, an aggregate per company and month, upserted into the warehouse (the second seed's job).",
            job: super::hr::JOB_NAME,
        },
    ]
}

/// The example's workspace, before its tour's first step.
pub fn load(id: &str) -> Result<Workspace> {
    match id {
        "seed" | "modified-file" | "failed-run" | "pause-from-to" | "renamed-context" => super::seed_workspace(),
        "csv-header" => csv_workspace(),
        "bounded-backlog" => backlog_workspace(),
        "concurrent-runs" => concurrent_workspace(),
        "jdbc-keys" => jdbc_workspace(),
        "partitioned-orders" => super::partitioned::partitioned_workspace(),
        "relationalize-keys" => super::relationalized::relationalized_workspace(),
        "hr-rules" => super::hr::hr_workspace(),
        other => Err(unknown(other)),
    }
}

fn unknown(id: &str) -> Error {
    let ids: Vec<&str> = examples().iter().map(|e| e.id).collect();
    Error::EntityNotFound(format!("no example {id} (examples: {})", ids.join(", ")))
}

/// The example's guided tour.
pub fn tour(id: &str) -> Result<Vec<TourStep>> {
    let [(_, file1), (_, file2)] = super::raw_files();
    let seed_sink = format!("s3://{}/integrated-data/", super::analytics_bucket());
    let seed_raw = format!("s3://{}/raw-data/", super::raw_bucket());
    Ok(match id {
        "seed" => vec![
            step("Upload file 1", "raw-data-1.json lands in the raw bucket with an ETag and a LastModified time.", upload("raw-data-1.json", file1)),
            step("Run the job", "The bookmark is enabled: file 1 is read, its rows are written, and job.commit() saves the bookmark.", run()),
            step("Upload file 2", "A second file arrives.", upload("raw-data-2.json", file2)),
            step("Run again", "Only file 2 is read: file 1 is skipped because run 1 committed it.", run()),
            step("Reset the bookmark", "ResetJobBookmark forgets everything the job processed. Targets are not tracked…", TourAction::Reset),
            step("Run after the reset", "…so both files are read again and every row is now in the target twice.", run()),
            step("Clean up", "The article empties both folders and resets again, to try a rewind from scratch.", TourAction::DeletePrefixes { prefixes: vec![seed_raw, seed_sink] }),
            step("Reset", "A clean bookmark.", TourAction::Reset),
            step("Upload file 1", "Same story again.", upload("raw-data-1.json", file1)),
            step("Run", "Run 4 reads file 1.", run()),
            step("Upload file 2", "", upload("raw-data-2.json", file2)),
            step("Run", "Run 5 reads file 2.", run()),
            step("Rewind to run 4", "ResetJobBookmark --run-id restores the state run 4 committed: file 2 was processed after it.", TourAction::RewindTo { run: 4 }),
            step("Run after the rewind", "File 2 is read again; the appending sink now holds its rows twice (GLUE-SEMANTICS §5.4: the article saw otherwise).", run()),
        ],
        "csv-header" => vec![
            step("Upload January", "A CSV export with a header row.", upload("sales-2024-01.csv", CSV_JANUARY)),
            step("Run", "The header is not a row: the table's SerDe skips one line.", run()),
            step("Upload February", "", upload("sales-2024-02.csv", CSV_FEBRUARY)),
            step("Run again", "Only February is read.", run()),
        ],
        "modified-file" => vec![
            step("Upload file 1", "", upload("raw-data-1.json", file1)),
            step("Run", "File 1 is read and committed.", run()),
            step("Let 20 minutes pass", "Past the bookmark's 15-minute band.", TourAction::Advance { duration: "20m".into() }),
            step("Overwrite file 1 with one more line", "Same key, new content: a new LastModified.", upload("raw-data-1.json", &format!("{file1}{}", file2))),
            step("Run again", "Bookmarks track whole files: file 1 is read again in full, so its old lines are written a second time.", run()),
        ],
        "failed-run" => vec![
            step("Upload file 1", "", upload("raw-data-1.json", file1)),
            step("Run, failing before job.commit()", "The rows are written, then the run fails: the bookmark is not saved.", TourAction::Run { arguments: BTreeMap::new(), fail_at: Some(FailurePoint::BeforeCommit) }),
            step("Run again", "File 1 is read again (nothing was committed) and its rows reach the target a second time.", run()),
        ],
        "pause-from-to" => vec![
            step("Upload file 1", "", upload("raw-data-1.json", file1)),
            step("Run 1", "", run()),
            step("Upload file 2", "", upload("raw-data-2.json", file2)),
            step("Run 2", "", run()),
            step("Upload file 3", "", upload("raw-data-3.json", file2)),
            step("Run 3", "", run()),
            step(
                "Replay run 2's input",
                "job-bookmark-pause with --job-bookmark-from run 1 and --job-bookmark-to run 2 reads what run 2 processed (file 2) and nothing after; the bookmark does not move.",
                TourAction::Run { arguments: BTreeMap::from([("--job-bookmark-option".into(), "job-bookmark-pause".into()), ("--job-bookmark-from".into(), "{run 1}".into()), ("--job-bookmark-to".into(), "{run 2}".into())]), fail_at: None },
            ),
        ],
        "bounded-backlog" => vec![
            step("Run with boundedFiles \"2\"", "Five days of files wait in the raw bucket. The source sets boundedFiles \"2\": the run reads the two oldest and defers the other three.", run()),
            step("Run again", "The next two: the bookmark's saved edge is the newest file run 1 read, so the three left over are still ahead of it (modelled).", run()),
            step("A new file arrives", "Day 6 lands while day 5 still waits.", upload(BACKLOG_FILES[5].0, BACKLOG_FILES[5].1)),
            step("Run again", "Day 5 and day 6: the backlog is drained, oldest first.", run()),
            step("Run again", "Nothing new: every file is skipped, and the sink holds each row once.", run()),
            step("Run without bookmarks", "job-bookmark-disable would read the same first two files every run, so bounded execution is refused.", run_with(&[("--job-bookmark-option", "job-bookmark-disable")])),
        ],
        "partitioned-orders" => partitioned_tour(),
        "relationalize-keys" => relationalized_tour(),
        "renamed-context" => vec![
            step("Upload file 1", "", upload("raw-data-1.json", file1)),
            step("Run", "File 1 is read and committed under the source's transformation_ctx.", run()),
            step("Upload file 2", "", upload("raw-data-2.json", file2)),
            step(
                "Rename the transformation_ctx",
                "A tidy-up in the script: the source's transformation_ctx becomes 'devices_source_v2'. Nothing warns on Glue; gluelab's editor warns before saving.",
                TourAction::RenameContext { to: "devices_source_v2".into() },
            ),
            step(
                "Run again",
                "The new name has no state: both files are read, file 1 a second time, so the target holds its rows twice. The old state is still in the bookmark JSON, orphaned.",
                run(),
            ),
        ],
        "concurrent-runs" => vec![
            step("Upload file 1", "", upload("raw-data-1.json", file1)),
            step(
                "Start two runs at once",
                "MaxConcurrentRuns is 2. Both runs read the bookmark before either commits, so both read file 1 and both write its rows. The first commit saves the bookmark; the second finds it changed and fails with a version mismatch (Glue's GLUE_JOB_BOOKMARK_VERSION_MISMATCH_ERROR).",
                TourAction::OverlappingRuns,
            ),
            step("Run again", "The bookmark kept the first commit: file 1 is skipped. The sink still holds its rows twice: the failed run's output stays, as a failed run's always does.", run()),
            step("Upload file 2", "", upload("raw-data-2.json", file2)),
            step("Run again", "Only file 2 is read.", run()),
        ],
        "jdbc-keys" => vec![
            step("Insert three employees", "", TourAction::Statement { sql: "INSERT INTO hr.employees VALUES (1, 'Ana', 'ops', 100), (2, 'Bo', 'dev', 200), (3, 'Cy', 'dev', 300)".into() }),
            step("Run", "Every row is read; the bookmark keeps the last key, empno 3.", run()),
            step("Insert two, update one", "Rows 4 and 5 are new; Ana's salary changes.", TourAction::Statement { sql: "INSERT INTO hr.employees VALUES (4, 'Di', 'ops', 400), (5, 'Ed', 'ops', 500)".into() }),
            step("Update Ana", "", TourAction::Statement { sql: "UPDATE hr.employees SET salary = 150 WHERE empno = 1".into() }),
            step("Run again", "Only keys above 3 are read: the update never reaches the target.", run()),
            step("Insert a smaller key", "empno 0 was inserted after the bookmark passed it.", TourAction::Statement { sql: "INSERT INTO hr.employees VALUES (0, 'Zed', 'ops', 50)".into() }),
            step("Run again", "Key 0 is not beyond the last key (5): it is missed for good, and the log says the key is not monotonic.", run()),
        ],
        "hr-rules" => {
            let [(jan_name, jan), (feb_name, feb)] = super::hr::employee_files();
            vec![
                step("Upload January's export", "Messy company names and gender values, in two languages.", upload(jan_name, jan)),
                step("Run", "Rules map the values; Initech is not in the company rules and becomes an error record; monthly counts are upserted into the warehouse.", run()),
                step("Upload February's export", "", upload(feb_name, feb)),
                step("Run", "Only February is read; two new rows in analytics.monthly_employees.", run()),
                step("Reset and run", "Both months are read again, but the upsert on (tenant, company, month) keeps the table clean.", TourAction::Reset),
                step("Run after the reset", "", run()),
            ]
        }
        other => return Err(unknown(other)),
    })
}

/// The Relationalize example's tour (`demo::relationalized`).
fn relationalized_tour() -> Vec<TourStep> {
    use super::relationalized::{ORDERS_1, ORDERS_1_AMENDED, ORDERS_2};
    vec![
        step("Upload orders-1.json", "Two orders, each with a list of items.", upload(ORDERS_1.0, ORDERS_1.1)),
        step(
            "Run",
            "Relationalize splits each order's items into orders_items: order 1001 gets key 1, order 1002 key 2, and each item row carries its order's key as id. The bookmark keeps the last key under the step's transformation_ctx (modelled).",
            run(),
        ),
        step("Upload orders-2.json", "", upload(ORDERS_2.0, ORDERS_2.1)),
        step("Run again", "Only orders-2.json is read, and its keys continue at 3: Relationalize is bookmark-aware.", run()),
        step("Let 20 minutes pass", "Past the bookmark's 15-minute band.", TourAction::Advance { duration: "20m".into() }),
        step(
            "Overwrite orders-1.json with one more order",
            "Order 1004 is appended to the file: same key, new LastModified.",
            upload(ORDERS_1.0, ORDERS_1_AMENDED),
        ),
        step(
            "Run again",
            "The whole file is read again: orders 1001 and 1002 and their items are written a second time under new keys (4 and 5). No key matches the first copies, and a join from orders_flat brings both; only their lineage shows they are duplicates.",
            run(),
        ),
    ]
}

/// The partitioned example's tour (`demo::partitioned`).
fn partitioned_tour() -> Vec<TourStep> {
    use super::partitioned::{FEBRUARY, LATE_JANUARY};
    vec![
        step(
            "Run with push_down_predicate",
            "The source reads lake.orders with push_down_predicate \"year = '2026'\": December 2025's partition is pruned before anything is listed, January is read, and every row gets its year and month as columns.",
            run(),
        ),
        step(
            "A late file lands in January",
            "orders-2.json arrives in year=2026/month=01/, a partition run 1 already read.",
            upload(LATE_JANUARY.0, LATE_JANUARY.1),
        ),
        step(
            "Run again",
            "Bookmarks track files, not partitions: the late file is read, orders-1.json is skipped as already read, and 2025 is still pruned.",
            run(),
        ),
        step(
            "February arrives",
            "A new folder, year=2026/month=02/. Nobody has told the catalog.",
            upload(FEBRUARY.0, FEBRUARY.1),
        ),
        step(
            "Run again",
            "February is not read: a catalog read lists only the partitions the catalog holds. The bookmark moves on all the same.",
            run(),
        ),
        step(
            "MSCK REPAIR TABLE",
            "Registers year=2026/month=02/ (a crawler would too).",
            TourAction::RepairPartitions,
        ),
        step(
            "Run again",
            "February is read now: its file is still inside the bookmark's 15-minute band. Registered later than that, it would be older than the bookmark's low edge and missed for good (modelled).",
            run(),
        ),
    ]
}

impl Workspace {
    /// Carries out one tour step for `job`; returns a one-line outcome to show, in `catalog`'s
    /// language.
    pub fn apply_tour_step(&mut self, catalog: &Catalog, job: &str, action: &TourAction) -> Result<String> {
        match action {
            TourAction::Upload { name, body } => {
                let uri = self.upload_to_source(job, name, body.as_bytes().to_vec())?;
                Ok(catalog.tf("uploaded {uri}", &[("uri", &uri)]))
            }
            TourAction::Run { .. } => {
                let id = self.start_job_run(self.tour_run_request(job, action)?)?;
                self.run_outcome(catalog, &id)
            }
            TourAction::Reset => {
                self.reset_job_bookmark(job, None)?;
                Ok(catalog.t("job bookmark reset").to_string())
            }
            TourAction::RewindTo { run } => {
                let id = self.tour_value(job, &format!("{{run {run}}}"))?;
                self.reset_job_bookmark(job, Some(&id))?;
                Ok(catalog.tf(
                    "job bookmark rewound to run {run}",
                    &[("run", &crate::views::short_run_id(&id))],
                ))
            }
            TourAction::DeletePrefixes { prefixes } => {
                let mut deleted = 0;
                for prefix in prefixes {
                    deleted += self.store.delete_prefix(&S3Uri::parse(prefix)?)?.len();
                }
                Ok(catalog.tf("deleted {deleted} object(s)", &[("deleted", &deleted)]))
            }
            TourAction::Advance { duration } => {
                let ms = parse_duration(duration)
                    .ok_or_else(|| Error::InvalidInput(format!("{duration} is not a duration (15m, 90s, 2h)")))?;
                self.clock.advance(ms);
                Ok(catalog.tf("{duration} passed", &[("duration", duration)]))
            }
            TourAction::Statement { sql } => Ok(self.execute_warehouse_statement(sql)?.to_string()),
            TourAction::RenameContext { to } => {
                let mut from = None;
                self.edit_job(job, |j| {
                    if let Some(source) = j.plan.sources.first_mut() {
                        from = source.transformation_ctx.replace(to.clone());
                    }
                })?;
                Ok(catalog.tf(
                    "transformation_ctx '{from}' renamed to '{to}'",
                    &[("from", &from.unwrap_or_default()), ("to", to)],
                ))
            }
            TourAction::OverlappingRuns => {
                let first = self.begin_job_run(RunRequest::new(job))?;
                let second = match self.begin_job_run(RunRequest::new(job)) {
                    Ok(id) => id,
                    Err(e) => {
                        self.finish_job_run(&first)?;
                        return Ok(catalog.tf(
                            "{first}; the second run was refused: {error}",
                            &[("first", &self.run_outcome(catalog, &first)?), ("error", &e)],
                        ));
                    }
                };
                let queued = self.run(&second)?.state == crate::model::run::RunState::Waiting;
                self.finish_job_run(&first)?;
                // A queued run started when the first ended.
                self.finish_job_run(&second)?;
                let first = self.run_outcome(catalog, &first)?;
                let second = self.run_outcome(catalog, &second)?;
                Ok(match queued {
                    true => catalog.tf(
                        "{first}; the second run waited in the queue, then {second}",
                        &[("first", &first), ("second", &second)],
                    ),
                    false => catalog.tf("{first}; {second}", &[("first", &first), ("second", &second)]),
                })
            }
            TourAction::RepairPartitions => {
                let source = self.job(job)?.plan.sources.first().map(|s| s.input.clone());
                let Some(SourceInput::Catalog { database, table }) = source else {
                    return Err(Error::InvalidInput(format!("job {job} does not read a catalog table")));
                };
                let added = self.repair_partitions(&database, &table)?;
                let t = self.catalog.table(&database, &table)?;
                let names: Vec<String> = added.iter().map(|p| t.partition_name(p)).collect();
                Ok(match names.as_slice() {
                    [] => catalog.tf(
                        "MSCK REPAIR TABLE {database}.{table}: no partition to add",
                        &[("database", &database), ("table", &table)],
                    ),
                    _ => catalog.tf(
                        "MSCK REPAIR TABLE {database}.{table}: added {partitions}",
                        &[
                            ("database", &database),
                            ("table", &table),
                            ("partitions", &names.join(", ")),
                        ],
                    ),
                })
            }
        }
    }

    /// The run a `Run` step starts, with `{run N}` arguments resolved. The workbench hands it
    /// to its job-run worker; [`Workspace::apply_tour_step`] runs it at once.
    pub fn tour_run_request(&self, job: &str, action: &TourAction) -> Result<RunRequest> {
        let TourAction::Run { arguments, fail_at } = action else {
            return Err(Error::InvalidInput("this tour step does not run the job".into()));
        };
        let mut request = RunRequest::new(job);
        request.fail_at = *fail_at;
        for (key, value) in arguments {
            request.arguments.insert(key.clone(), self.tour_value(job, value)?);
        }
        Ok(request)
    }

    /// A finished run in one line, as a tour step reports it, in `catalog`'s language (the state
    /// stays as AWS prints it).
    pub fn run_outcome(&self, catalog: &Catalog, run_id: &str) -> Result<String> {
        let run = self.run(run_id)?;
        Ok(catalog.tf(
            "run {run} {state}: read {rows} row(s), wrote {written}",
            &[
                ("run", &crate::views::short_run_id(run_id)),
                ("state", &run.state.as_str()),
                ("rows", &run.rows_read),
                ("written", &run.rows_written),
            ],
        ))
    }

    /// `{run N}` in a tour argument is the job's N-th run id.
    fn tour_value(&self, job: &str, value: &str) -> Result<String> {
        let Some(number) = value.strip_prefix("{run ").and_then(|v| v.strip_suffix('}')) else {
            return Ok(value.to_string());
        };
        let n: usize = number
            .parse()
            .map_err(|_| Error::InvalidInput(format!("{value} is not a run reference")))?;
        self.runs_of(job)
            .filter(|r| r.attempt == 0)
            .nth(n.saturating_sub(1))
            .map(|r| r.id.clone())
            .ok_or_else(|| Error::InvalidInput(format!("the job has no run {n} yet")))
    }
}

/// Six days of device readings, one file a day: five wait as the backlog, the sixth arrives
/// during the tour.
const BACKLOG_FILES: [(&str, &str); 6] = [
    (
        "day-1.json",
        "{\"device_id\": \"d1\", \"timestamp\": 1700000000, \"state\": true}\n",
    ),
    (
        "day-2.json",
        "{\"device_id\": \"d2\", \"timestamp\": 1700086400, \"state\": false}\n",
    ),
    (
        "day-3.json",
        "{\"device_id\": \"d1\", \"timestamp\": 1700172800, \"state\": false}\n",
    ),
    (
        "day-4.json",
        "{\"device_id\": \"d3\", \"timestamp\": 1700259200, \"state\": true}\n",
    ),
    (
        "day-5.json",
        "{\"device_id\": \"d2\", \"timestamp\": 1700345600, \"state\": true}\n",
    ),
    (
        "day-6.json",
        "{\"device_id\": \"d3\", \"timestamp\": 1700432000, \"state\": false}\n",
    ),
];

/// The seed stack with a backlog of five files (an hour apart, so "oldest first" is the day
/// order) and the job's source bounded to two files a run.
fn backlog_workspace() -> Result<Workspace> {
    let mut ws = super::seed_workspace()?;
    ws.edit_job(super::JOB_NAME, |job| {
        job.plan.sources[0].listing.bounded_files = Some(2)
    })?;
    for (name, body) in &BACKLOG_FILES[..5] {
        ws.upload_to_source(super::JOB_NAME, name, body.as_bytes().to_vec())?;
        ws.clock.advance(60 * 60_000);
    }
    Ok(ws)
}

/// The seed stack with its job allowed two runs at once.
fn concurrent_workspace() -> Result<Workspace> {
    let mut ws = super::seed_workspace()?;
    ws.edit_job(super::JOB_NAME, |job| job.max_concurrent_runs = 2)?;
    Ok(ws)
}

const CSV_JOB: &str = "sales-csv-etl";
const CSV_JANUARY: &str = "order_id,region,amount\n1001,north,25.50\n1002,south,10.00\n1003,north,7.25\n";
const CSV_FEBRUARY: &str = "order_id,region,amount\n1004,east,12.00\n1005,south,30.75\n";

fn csv_workspace() -> Result<Workspace> {
    let mut ws = Workspace::default();
    ws.create_bucket("sales-raw")?;
    ws.create_bucket("sales-curated")?;
    ws.catalog.create_database("sales")?;
    let columns = vec![
        Column::new("order_id", "bigint"),
        Column::new("region", "string"),
        Column::new("amount", "decimal(10,2)"),
    ];
    let mut raw = Table::new(
        "sales",
        "orders_raw",
        "s3://sales-raw/orders",
        Format::Csv,
        columns.clone(),
    );
    raw.parameters.insert("skip.header.line.count".into(), "1".into());
    raw.serde_library = Some("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe".into());
    raw.serde_parameters.insert("field.delim".into(), ",".into());
    ws.catalog.create_table(raw)?;
    ws.catalog.create_table(Table::new(
        "sales",
        "orders",
        "s3://sales-curated/orders",
        Format::Json,
        columns,
    ))?;
    let mut source = SourceSpec::catalog("sales", "orders_raw", Some("orders_raw"));
    source.mode = ParseMode::FailFast;
    let filter = Transform::Filter {
        predicate: "amount > 0".into(),
    };
    let sink = SinkSpec::catalog("sales", "orders", Some("orders"));
    ws.create_job(super::bookmarked_job(CSV_JOB, source, vec![filter.into()], sink))?;
    Ok(ws)
}

const JDBC_JOB: &str = "employees-to-warehouse";

fn jdbc_workspace() -> Result<Workspace> {
    let mut ws = Workspace::default();
    ws.execute_warehouse_statement(
        "CREATE TABLE hr.employees (empno INT PRIMARY KEY, name VARCHAR(40), dept VARCHAR(10), salary INT)",
    )?;
    let source = SourceSpec::jdbc("hr.employees", &["empno"], KeySortOrder::Asc, Some("employees"));
    let sink = SinkSpec::jdbc("analytics.employees", SinkMode::Append);
    let job = super::bookmarked_job(JDBC_JOB, source, vec![], sink);
    ws.create_job(job)?;
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lineage::{Reason, VerdictKind};

    fn play(id: &str) -> Workspace {
        let example = examples().into_iter().find(|e| e.id == id).unwrap();
        let mut ws = load(id).unwrap();
        for step in tour(id).unwrap() {
            ws.apply_tour_step(&crate::i18n::Catalog::english(), example.job, &step.action)
                .unwrap_or_else(|e| panic!("{id}: {}: {e}", step.title));
        }
        ws
    }

    fn last_run(ws: &Workspace, job: &str) -> crate::model::run::JobRun {
        ws.runs_of(job).last().unwrap().clone()
    }

    #[test]
    fn every_tour_plays_to_its_end() {
        for example in examples() {
            play(example.id);
        }
        assert!(load("nope").is_err());
    }

    /// The workbench runs a tour's `Run` steps in two halves (begin here, finish in its worker):
    /// every tour played that way ends where `apply_tour_step` ends, with `{run N}` resolved.
    #[test]
    fn run_steps_begun_and_finished_apart_end_as_applied_steps_do() {
        for example in examples() {
            let mut ws = load(example.id).unwrap();
            for step in tour(example.id).unwrap() {
                if matches!(step.action, TourAction::Run { .. }) {
                    let request = ws.tour_run_request(example.job, &step.action).unwrap();
                    let id = ws.begin_job_run(request).unwrap();
                    ws.finish_job_run(&id).unwrap();
                    assert!(ws
                        .run_outcome(&crate::i18n::Catalog::english(), &id)
                        .unwrap()
                        .starts_with("run "));
                } else {
                    assert!(ws.tour_run_request(example.job, &step.action).is_err());
                    ws.apply_tour_step(&crate::i18n::Catalog::english(), example.job, &step.action)
                        .unwrap();
                }
            }
            let played = play(example.id);
            let bookmark = |ws: &Workspace| ws.get_job_bookmark(example.job, None).unwrap().to_cli_json();
            assert_eq!(bookmark(&ws), bookmark(&played), "{}", example.id);
            assert_eq!(
                ws.job_sink_rows(example.job).ok(),
                played.job_sink_rows(example.job).ok(),
                "{}",
                example.id
            );
        }
    }

    #[test]
    fn the_seed_tour_ends_with_file_2_twice_in_the_sink() {
        let ws = play("seed");
        let last = last_run(&ws, super::super::JOB_NAME);
        let file2 = last
            .lineage
            .files
            .iter()
            .find(|f| f.object.ends_with("raw-data-2.json"))
            .unwrap();
        assert!(matches!(file2.reason, Reason::AfterRewind { .. }));
        let (_, rows) = ws.job_sink_rows(super::super::JOB_NAME).unwrap();
        assert_eq!(rows.iter().filter(|r| r.duplicate_of.is_some()).count(), 1);
    }

    #[test]
    fn the_csv_tour_skips_headers_and_reads_each_file_once() {
        let ws = play("csv-header");
        let result = ws
            .query("SELECT count(*), sum(amount) FROM sales.orders", None)
            .unwrap();
        assert_eq!(result.rows_as_strings(), [["5", "85.50"]]);
    }

    #[test]
    fn the_modified_file_tour_re_reads_the_file_in_full() {
        let ws = play("modified-file");
        let last = last_run(&ws, super::super::JOB_NAME);
        assert_eq!(last.lineage.files[0].kind, VerdictKind::ReRead);
        assert!(matches!(last.lineage.files[0].reason, Reason::ModifiedSince { .. }));
    }

    #[test]
    fn the_pause_tour_replays_only_file_2() {
        let ws = play("pause-from-to");
        let last = last_run(&ws, super::super::JOB_NAME);
        let read: Vec<&str> = last
            .lineage
            .files
            .iter()
            .filter(|f| f.kind != VerdictKind::Skipped)
            .map(|f| f.object.rsplit('/').next().unwrap())
            .collect();
        assert_eq!(read, ["raw-data-2.json"]);
    }

    #[test]
    fn the_jdbc_tour_misses_the_update_and_the_small_key() {
        let ws = play("jdbc-keys");
        let last = last_run(&ws, JDBC_JOB);
        assert!(last
            .lineage
            .files
            .iter()
            .any(|f| matches!(f.reason, Reason::KeyNotAfterBookmark { .. })));
        let result = ws
            .query("SELECT salary FROM analytics.employees WHERE empno = 1", None)
            .unwrap();
        assert_eq!(result.rows_as_strings(), [["100"]]);
    }

    /// Bounded execution (docs.aws.amazon.com/glue/latest/dg/bounded-execution.html): each run
    /// takes at most two of the files it would read, later runs take the rest; every row
    /// reaches the sink once; without bookmarks the run is refused.
    #[test]
    fn the_bounded_tour_drains_the_backlog_two_files_a_run() {
        let ws = play("bounded-backlog");
        let runs: Vec<_> = ws.runs_of(super::super::JOB_NAME).collect();
        let read = |run: &crate::model::run::JobRun| {
            let mut names: Vec<String> = run
                .lineage
                .files
                .iter()
                .filter(|f| f.kind == VerdictKind::Read)
                .map(|f| f.object.rsplit('/').next().unwrap().to_string())
                .collect();
            names.sort();
            names
        };
        assert_eq!(read(runs[0]), ["day-1.json", "day-2.json"]);
        assert_eq!(
            runs[0].lineage.count(VerdictKind::Deferred),
            3,
            "three left for later runs"
        );
        assert_eq!(read(runs[1]), ["day-3.json", "day-4.json"]);
        assert_eq!(read(runs[2]), ["day-5.json", "day-6.json"]);
        assert!(read(runs[3]).is_empty());
        assert_eq!(runs[4].state, crate::model::run::RunState::Failed);
        let (_, rows) = ws.job_sink_rows(super::super::JOB_NAME).unwrap();
        assert_eq!(rows.len(), 6);
        assert!(rows.iter().all(|r| r.duplicate_of.is_none()));
    }

    /// `(file, verdict)` of every object a run considered, by its path under the table.
    fn partition_verdicts(run: &crate::model::run::JobRun) -> Vec<(String, VerdictKind)> {
        let under = |o: &str| o.trim_start_matches("s3://sales-lake/orders/").to_string();
        run.lineage.files.iter().map(|f| (under(&f.object), f.kind)).collect()
    }

    #[test]
    fn the_tour_prunes_tracks_late_files_and_waits_for_registration() {
        use super::super::partitioned::{partitioned_workspace, JOB_NAME, PREDICATE};
        let mut ws = partitioned_workspace().unwrap();
        let mut runs = vec![];
        for step in tour("partitioned-orders").unwrap() {
            ws.apply_tour_step(&crate::i18n::Catalog::english(), JOB_NAME, &step.action)
                .unwrap();
            if matches!(step.action, TourAction::Run { .. }) {
                runs.push(ws.runs_of(JOB_NAME).last().unwrap().clone());
            }
        }
        let dec = "year=2025/month=12/orders-1.json".to_string();
        let jan = "year=2026/month=01/orders-1.json".to_string();
        let late = "year=2026/month=01/orders-2.json".to_string();
        let feb = "year=2026/month=02/orders-1.json".to_string();
        use VerdictKind::{Read, Skipped};
        assert_eq!(
            partition_verdicts(&runs[0]),
            [(dec.clone(), Skipped), (jan.clone(), Read)]
        );
        assert!(matches!(
            &runs[0].lineage.files[0].reason,
            Reason::PartitionPruned { partition, option, predicate }
                if partition == "year=2025/month=12/" && option == "push_down_predicate" && predicate == PREDICATE
        ));
        assert_eq!(
            partition_verdicts(&runs[1]),
            [(dec.clone(), Skipped), (jan.clone(), Skipped), (late.clone(), Read)]
        );
        assert!(matches!(runs[1].lineage.files[1].reason, Reason::CommittedBy { .. }));
        assert_eq!(partition_verdicts(&runs[2])[3], (feb.clone(), Skipped));
        assert_eq!(
            runs[2].lineage.files[3].reason,
            Reason::NotARegisteredPartition {
                folder: Some("year=2026/month=02/".into())
            }
        );
        assert_eq!(partition_verdicts(&runs[3])[3], (feb, Read));
        assert_eq!(runs.iter().map(|r| r.rows_read).collect::<Vec<_>>(), [2, 1, 0, 2]);
        // Every row carries its partition; nothing from 2025 and nothing twice.
        let result = ws
            .query(
                "SELECT year, month, count(*) FROM lake.orders_2026 GROUP BY year, month ORDER BY month",
                None,
            )
            .unwrap();
        assert_eq!(result.rows_as_strings(), [["2026", "01", "3"], ["2026", "02", "2"]]);
    }

    /// Relationalize plus bookmarks (GLUE-SEMANTICS.md §9.10): keys continue across runs, so a
    /// file read again gives its child rows new keys (aws-glue-flatten-nested-json issue 12).
    #[test]
    fn the_relationalize_tour_writes_reread_orders_under_new_keys() {
        use super::super::relationalized::{relationalized_workspace, ITEMS_TABLE, JOB_NAME, ROOT_TABLE};
        let mut ws = relationalized_workspace().unwrap();
        for step in tour("relationalize-keys").unwrap() {
            ws.apply_tour_step(&crate::i18n::Catalog::english(), JOB_NAME, &step.action)
                .unwrap();
        }
        let runs: Vec<_> = ws.runs_of(JOB_NAME).collect();
        assert!(runs.iter().all(|r| r.state == crate::model::run::RunState::Succeeded));
        let rows = |table: &str, order: &str| {
            ws.query(&format!("SELECT * FROM shop.{table} ORDER BY {order}"), None)
                .unwrap()
                .rows_as_strings()
        };
        assert_eq!(
            rows(ROOT_TABLE, "items"),
            [
                ["1001", "ana", "1"],
                ["1002", "bo", "2"],
                ["1003", "cy", "3"],
                ["1001", "ana", "4"],
                ["1002", "bo", "5"],
                ["1004", "di", "6"],
            ]
        );
        let items = rows(ITEMS_TABLE, "id, index");
        let ids: Vec<&str> = items.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(ids, ["1", "1", "2", "3", "4", "4", "5", "6"]);
        assert_eq!(
            items[4][2..],
            ["tea", "2"],
            "order 1001's first item again, under key 4"
        );

        // The sink view marks the re-read rows as duplicates although their keys differ.
        let (_, root_rows) = ws.job_sink_rows(JOB_NAME).unwrap();
        let again: Vec<_> = root_rows.iter().filter(|r| r.duplicate_of.is_some()).collect();
        assert_eq!(again.len(), 2);
        assert!(again.iter().all(|r| r.under_new_key));
        let (_, item_rows) = ws.job_sink_rows_at(JOB_NAME, 1).unwrap();
        let dupes = item_rows
            .iter()
            .filter(|r| r.duplicate_of.is_some() && r.under_new_key)
            .count();
        assert_eq!(dupes, 3, "the three items of orders 1001 and 1002");

        let bookmark = ws.bookmark(JOB_NAME).unwrap().current.to_cli_json();
        assert!(
            bookmark.contains(r#"\"relationalize\":{\"jsonClass\":\"RelationalizeJobBookmarkState\",\"RUN\":\"3\",\"lastGeneratedKey\":\"6\"}"#),
            "{bookmark}"
        );
    }

    /// Overlapping runs (GLUE-SEMANTICS.md §9.5: MaxConcurrentRuns > 1 with bookmarks gives
    /// GLUE_JOB_BOOKMARK_VERSION_MISMATCH_ERROR): both read the same state, the first commit
    /// wins, the second fails after writing, and its rows stay as duplicates.
    #[test]
    fn overlapping_runs_duplicate_rows_and_the_second_commit_fails() {
        let ws = play("concurrent-runs");
        let runs: Vec<_> = ws.runs_of(super::super::JOB_NAME).collect();
        assert_eq!(runs[0].state, crate::model::run::RunState::Succeeded);
        assert_eq!(runs[1].state, crate::model::run::RunState::Failed);
        assert!(runs[1]
            .error_message
            .as_deref()
            .unwrap()
            .starts_with("VersionMismatchException"));
        assert_eq!(
            (runs[0].rows_written, runs[1].rows_written),
            (runs[0].rows_read, runs[0].rows_read)
        );
        // The second read the state from before the first's commit, and says so.
        assert_eq!(runs[1].lineage.files[0].kind, VerdictKind::ReRead);
        assert_eq!(
            runs[1].lineage.files[0].reason,
            Reason::CommittedAfterStateRead {
                run_id: runs[0].id.clone()
            }
        );
        assert_eq!(runs[2].lineage.files[0].kind, VerdictKind::Skipped);
        assert!(matches!(&runs[2].lineage.files[0].reason, Reason::CommittedBy { run_id } if *run_id == runs[0].id));
        let (_, rows) = ws.job_sink_rows(super::super::JOB_NAME).unwrap();
        let duplicates = rows.iter().filter(|r| r.duplicate_of.is_some()).count();
        assert_eq!(duplicates as u64, runs[0].rows_written);
        // With MaxConcurrentRuns 1 the second run is refused instead.
        let mut single = load("seed").unwrap();
        single
            .put_object(
                &S3Uri::new(super::super::raw_bucket(), "raw-data/raw-data-1.json"),
                super::super::raw_files()[0].1.into(),
            )
            .unwrap();
        let outcome = single
            .apply_tour_step(
                &crate::i18n::Catalog::english(),
                super::super::JOB_NAME,
                &TourAction::OverlappingRuns,
            )
            .unwrap();
        assert!(outcome.contains("ConcurrentRunsExceededException"), "{outcome}");
    }

    /// Glue keys a source's state by its transformation_ctx (GLUE-SEMANTICS.md §9.7).
    #[test]
    fn a_renamed_context_reads_everything_again_and_orphans_its_state() {
        let ws = play("renamed-context");
        let runs: Vec<_> = ws.runs_of(super::super::JOB_NAME).collect();
        let last = runs.last().unwrap();
        assert!(last.lineage.files.iter().all(|f| f.kind != VerdictKind::Skipped));
        let old = load("seed").unwrap().job(super::super::JOB_NAME).unwrap().plan.sources[0]
            .transformation_ctx
            .clone()
            .unwrap();
        assert_eq!(ws.orphaned_states(super::super::JOB_NAME), [old]);
        let (_, rows) = ws.job_sink_rows(super::super::JOB_NAME).unwrap();
        assert!(rows.iter().any(|r| r.duplicate_of.is_some()), "file 1's rows twice");
    }
}
