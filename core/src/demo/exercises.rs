//! Graded exercises for workshops. *Predict, then run*: before a run a learner says what it
//! will do to each object and how many rows the sink will then hold; after it, the prediction is
//! graded against the run, with the run's own explanation for each object. *Challenges*: a
//! starting workspace and a goal that is checked on the workspace the learner made, with hints.
//! The app and the CLI (`gluelab exercise`) grade with the same functions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::i18n::Catalog;
use crate::model::bookmark::BookmarkEvent;
use crate::model::job::SinkMode;
use crate::model::lineage::VerdictKind;
use crate::model::store::S3Uri;
use crate::views::BookmarkAction;
use crate::workspace::Workspace;

/// What a learner expects the next run to do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prediction {
    /// Per object (its `s3://` URI): read, re-read or skipped. An object left out is graded as
    /// not predicted.
    pub verdicts: BTreeMap<String, VerdictKind>,
    /// How many rows the job's sink will hold after the run.
    pub sink_rows: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradedObject {
    pub object: String,
    pub predicted: Option<VerdictKind>,
    pub actual: VerdictKind,
    /// Why the run did what it did: the run's own explanation.
    pub explanation: String,
}

impl GradedObject {
    pub fn right(&self) -> bool {
        self.predicted == Some(self.actual)
    }
}

/// A prediction set against what the run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    pub objects: Vec<GradedObject>,
    /// `(predicted, actual)` rows in the sink, when rows were predicted.
    pub sink_rows: Option<(usize, usize)>,
}

impl Grade {
    /// `(right, asked)`: each object is one answer, the sink's rows another.
    pub fn score(&self) -> (usize, usize) {
        let right = self.objects.iter().filter(|o| o.right()).count()
            + usize::from(self.sink_rows.is_some_and(|(p, a)| p == a));
        (right, self.objects.len() + usize::from(self.sink_rows.is_some()))
    }

    /// "3 of 4 right", and a line per answer: ✓ or ✗, what was predicted, what happened, why,
    /// in `catalog`'s language.
    pub fn lines(&self, catalog: &Catalog) -> Vec<String> {
        let (right, asked) = self.score();
        let mut out = vec![catalog.tf("{right} of {asked} right", &[("right", &right), ("asked", &asked)])];
        for o in &self.objects {
            let name = o.object.rsplit('/').next().unwrap_or(&o.object);
            let actual = crate::engine::verdict_word(catalog, o.actual);
            out.push(match (o.right(), o.predicted) {
                (true, _) => catalog.tf(
                    "✓ {name}: {actual} — {why}",
                    &[("name", &name), ("actual", &actual), ("why", &o.explanation)],
                ),
                (false, Some(predicted)) => catalog.tf(
                    "✗ {name}: you said {predicted}, the run {actual} — {why}",
                    &[
                        ("name", &name),
                        ("predicted", &crate::engine::verdict_word(catalog, predicted)),
                        ("actual", &actual),
                        ("why", &o.explanation),
                    ],
                ),
                (false, None) => catalog.tf(
                    "✗ {name}: you said nothing, the run {actual} — {why}",
                    &[("name", &name), ("actual", &actual), ("why", &o.explanation)],
                ),
            });
        }
        if let Some((predicted, actual)) = self.sink_rows {
            out.push(match predicted == actual {
                true => catalog.tf("✓ the sink holds {rows}", &[("rows", &rows(catalog, actual))]),
                false => catalog.tf(
                    "✗ you said the sink would hold {predicted}; it holds {actual} (targets are not tracked: an appending sink keeps every run's rows)",
                    &[("predicted", &rows(catalog, predicted)), ("actual", &actual)],
                ),
            });
        }
        out
    }
}

fn rows(catalog: &Catalog, n: usize) -> String {
    match n {
        1 => catalog.t("1 row").to_string(),
        n => catalog.tf("{n} rows", &[("n", &n)]),
    }
}

impl Workspace {
    /// The objects a prediction for `job`'s next run is asked about: those the run will look at.
    pub fn prediction_sheet(&self, job: &str) -> Result<Vec<String>> {
        let lineage = self.preview_next_run(job, &BookmarkAction::None)?;
        Ok(lineage.files.into_iter().map(|f| f.object).collect())
    }

    /// Grades `prediction` against run `run_id` of `job` and the sink as it is now; the run's
    /// explanations in `catalog`'s language.
    pub fn grade_prediction(
        &self,
        catalog: &Catalog,
        job: &str,
        run_id: &str,
        prediction: &Prediction,
    ) -> Result<Grade> {
        let run = self.run(run_id)?;
        if run.job_name != job {
            return Err(Error::InvalidInput(format!("run {run_id} is not a run of {job}")));
        }
        let objects = run
            .lineage
            .files
            .iter()
            .map(|f| GradedObject {
                object: f.object.clone(),
                predicted: prediction.verdicts.get(&f.object).copied(),
                actual: f.kind,
                explanation: crate::engine::explain_verdict(catalog, f),
            })
            .collect();
        let sink_rows = match prediction.sink_rows {
            Some(predicted) => Some((predicted, self.job_sink_rows(job)?.1.len())),
            None => None,
        };
        Ok(Grade { objects, sink_rows })
    }
}

/// A challenge: a starting point and a goal core checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub id: &'static str,
    pub title: &'static str,
    /// The goal, as the learner reads it.
    pub goal: &'static str,
    pub hints: &'static [&'static str],
}

impl Challenge {
    /// What a learner reads of it (title, goal, hints), for a catalog to translate.
    pub fn texts(&self) -> impl Iterator<Item = &'static str> {
        [self.title, self.goal].into_iter().chain(self.hints.iter().copied())
    }
}

/// Whether a workspace meets a challenge's goal, and what is still missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeCheck {
    pub met: bool,
    pub says: String,
}

pub fn challenges() -> Vec<Challenge> {
    vec![
        Challenge {
            id: "third-file-only",
            title: "Read only the third file",
            goal: "Make a run of devices-data-etl read raw-data-3.json and skip raw-data-1.json and raw-data-2.json.",
            hints: &[
                "A run with the bookmark enabled commits the files it read: the next run skips them.",
                "raw-data-3.json is not in the bucket yet: upload it when the other two are behind the bookmark.",
            ],
        },
        Challenge {
            id: "fix-the-script",
            title: "Fix the script",
            goal: "The second run of this job reads raw-data-1.json again. Change the job so that a run skips raw-data-1.json because an earlier run committed it.",
            hints: &[
                "Bookmarks track a source only when it has a transformation_ctx.",
                "Nothing is saved without job.commit() at the end of the script.",
            ],
        },
        Challenge {
            id: "rewind-no-duplicates",
            title: "Rewind without duplicates",
            goal: "Rewind the bookmark to run 1 and run again, so that the sink ends with no duplicate rows.",
            hints: &[
                "After a rewind to run 1, the next run reads raw-data-2.json again.",
                "Targets are not tracked: an appending sink gets those rows twice. An overwriting sink replaces what is there.",
            ],
        },
    ]
}

fn unknown(id: &str) -> Error {
    let ids: Vec<&str> = challenges().iter().map(|c| c.id).collect();
    Error::EntityNotFound(format!("no challenge {id} (challenges: {})", ids.join(", ")))
}

pub fn challenge(id: &str) -> Result<Challenge> {
    challenges().into_iter().find(|c| c.id == id).ok_or_else(|| unknown(id))
}

fn upload(ws: &mut Workspace, key: &str, body: &str) -> Result<()> {
    ws.put_object(&S3Uri::new(super::raw_bucket(), key), body.as_bytes().to_vec())?;
    Ok(())
}

/// The third raw file of the first challenge, as (key, body): the seed files' shape.
pub fn third_raw_file() -> (&'static str, &'static str) {
    (
        "raw-data/raw-data-3.json",
        "{\"device_id\": \"5b2a91c0\", \"timestamp\": 1609401600, \"state\": false}\n",
    )
}

/// The workspace a challenge starts from.
pub fn challenge_workspace(id: &str) -> Result<Workspace> {
    let [(first, body1), (second, body2)] = super::raw_files();
    let mut ws = super::seed_workspace()?;
    match id {
        "third-file-only" => {
            upload(&mut ws, first, body1)?;
            upload(&mut ws, second, body2)?;
        }
        "fix-the-script" => {
            let mut job = ws.job(super::JOB_NAME)?.clone();
            for source in &mut job.plan.sources {
                source.transformation_ctx = None;
            }
            ws.update_job(job)?;
            upload(&mut ws, first, body1)?;
            ws.start_job_run(crate::RunRequest::new(super::JOB_NAME))?;
            ws.start_job_run(crate::RunRequest::new(super::JOB_NAME))?;
        }
        "rewind-no-duplicates" => {
            upload(&mut ws, first, body1)?;
            ws.start_job_run(crate::RunRequest::new(super::JOB_NAME))?;
            upload(&mut ws, second, body2)?;
            ws.start_job_run(crate::RunRequest::new(super::JOB_NAME))?;
        }
        other => return Err(unknown(other)),
    }
    Ok(ws)
}

/// Checks `ws` against challenge `id`'s goal; what it says in `catalog`'s language.
pub fn check_challenge(catalog: &Catalog, ws: &Workspace, id: &str) -> Result<ChallengeCheck> {
    challenge(id)?;
    let job = super::JOB_NAME;
    let name = |object: &str| object.rsplit('/').next().unwrap_or(object).to_string();
    let kinds = |run: &crate::model::run::JobRun| -> BTreeMap<String, VerdictKind> {
        run.lineage.files.iter().map(|f| (name(&f.object), f.kind)).collect()
    };
    let read = |k: &VerdictKind| matches!(k, VerdictKind::Read | VerdictKind::ReRead);
    let check = match id {
        "third-file-only" => {
            let hit = ws.runs_of(job).find(|run| {
                let k = kinds(run);
                k.get("raw-data-3.json").is_some_and(read)
                    && ["raw-data-1.json", "raw-data-2.json"]
                        .iter()
                        .all(|f| k.get(*f) == Some(&VerdictKind::Skipped))
            });
            match hit {
                Some(run) => met(catalog.tf(
                    "{run} read raw-data-3.json and skipped the two files an earlier run had committed.",
                    &[("run", &ws.run_label(catalog, job, &run.id))],
                )),
                None => not_yet(catalog.t(
                    "Not yet: no run has yet read raw-data-3.json while skipping raw-data-1.json and raw-data-2.json.",
                )),
            }
        }
        "fix-the-script" => {
            let plan = &ws.job(job)?.plan;
            let tracked = plan.sources.iter().all(|s| s.transformation_ctx.is_some()) && plan.commits;
            let mut seen_read = false;
            let mut skipped_after_read = None;
            for run in ws.runs_of(job) {
                match kinds(run).get("raw-data-1.json") {
                    Some(VerdictKind::Skipped) if seen_read => {
                        skipped_after_read = Some(run.id.clone());
                        break;
                    }
                    Some(k) if read(k) => seen_read = true,
                    _ => {}
                }
            }
            match (tracked, skipped_after_read) {
                (true, Some(run)) => met(catalog.tf(
                    "{run} skipped raw-data-1.json: the source has a transformation_ctx and the script commits.",
                    &[("run", &ws.run_label(catalog, job, &run))],
                )),
                (false, _) => not_yet(catalog.t(
                    "Not yet: the job's source still has no transformation_ctx (or the script does not commit), so no run can skip a file.",
                )),
                (true, None) => not_yet(catalog.t(
                    "Not yet: the job is fixed: now run it until a run skips raw-data-1.json.",
                )),
            }
        }
        "rewind-no-duplicates" => {
            let first = ws.runs_of(job).next().map(|r| r.id.clone());
            let rewound_at = ws
                .bookmark(job)?
                .history
                .iter()
                .rev()
                .find_map(|(event, _)| match event {
                    BookmarkEvent::Rewound { to_run_id, at } if Some(to_run_id) == first.as_ref() => Some(*at),
                    _ => None,
                });
            let ran_after = rewound_at.is_some_and(|at| ws.runs_of(job).any(|r| r.started_on > at));
            let duplicates = ws
                .job_sink_rows(job)?
                .1
                .iter()
                .filter(|r| r.duplicate_of.is_some())
                .count();
            let overwrites = ws.job(job)?.plan.sinks.iter().all(|s| s.mode == SinkMode::Overwrite);
            match (ran_after, duplicates) {
                (true, 0) if overwrites => met(catalog.t(
                    "the run after the rewind left no duplicates: the overwriting sink replaced what was there (and with it the rows of raw-data-1.json, which that run did not read).",
                ).to_string()),
                (true, 0) => met(catalog.t("the run after the rewind left no duplicates.").to_string()),
                (false, _) => not_yet(catalog.t("Not yet: rewind the bookmark to run 1, then run the job.")),
                (true, n) => not_yet(&catalog.tf(
                    "Not yet: the sink holds {n} duplicate row(s): the run after the rewind appended raw-data-2.json's rows again.",
                    &[("n", &n)],
                )),
            }
        }
        other => return Err(unknown(other)),
    };
    Ok(check)
}

fn met(says: String) -> ChallengeCheck {
    ChallengeCheck { met: true, says }
}

fn not_yet(says: &str) -> ChallengeCheck {
    ChallengeCheck {
        met: false,
        says: says.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use crate::RunRequest;

    fn run(ws: &mut Workspace) -> String {
        ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap()
    }

    #[test]
    fn a_prediction_is_graded_per_object_and_for_the_sink() {
        let mut ws = demo::seed_workspace().unwrap();
        let [(first, body), _] = demo::raw_files();
        upload(&mut ws, first, body).unwrap();
        run(&mut ws);
        ws.reset_job_bookmark(demo::JOB_NAME, None).unwrap();
        let sheet = ws.prediction_sheet(demo::JOB_NAME).unwrap();
        assert_eq!(sheet.len(), 1);
        // A learner who forgets that a reset re-reads, and that the target keeps its rows.
        let wrong = Prediction {
            verdicts: BTreeMap::from([(sheet[0].clone(), VerdictKind::Skipped)]),
            sink_rows: Some(1),
        };
        let id = run(&mut ws);
        let grade = ws
            .grade_prediction(&Catalog::english(), demo::JOB_NAME, &id, &wrong)
            .unwrap();
        assert_eq!(grade.score(), (0, 2));
        let lines = grade.lines(&Catalog::english());
        assert!(
            lines[1].starts_with("✗ raw-data-1.json: you said skipped, the run re-read"),
            "{lines:?}"
        );
        assert!(lines[2].contains("it holds 2"), "{lines:?}");
        let right = Prediction {
            verdicts: BTreeMap::from([(sheet[0].clone(), VerdictKind::ReRead)]),
            sink_rows: Some(2),
        };
        assert_eq!(
            ws.grade_prediction(&Catalog::english(), demo::JOB_NAME, &id, &right)
                .unwrap()
                .score(),
            (2, 2)
        );
    }

    #[test]
    fn the_third_file_challenge_is_met_by_committing_two_files_first() {
        let mut ws = challenge_workspace("third-file-only").unwrap();
        assert!(
            !check_challenge(&Catalog::english(), &ws, "third-file-only")
                .unwrap()
                .met
        );
        // Uploading the third file at once: the run reads all three.
        let mut hasty = ws.clone();
        let (third, body) = third_raw_file();
        upload(&mut hasty, third, body).unwrap();
        run(&mut hasty);
        assert!(
            !check_challenge(&Catalog::english(), &hasty, "third-file-only")
                .unwrap()
                .met
        );
        // Run, then upload, then run.
        run(&mut ws);
        upload(&mut ws, third, body).unwrap();
        run(&mut ws);
        let check = check_challenge(&Catalog::english(), &ws, "third-file-only").unwrap();
        assert!(check.met, "{check:?}");
        assert!(check.says.starts_with("run 2 read raw-data-3.json"), "{}", check.says);
    }

    #[test]
    fn the_script_challenge_needs_a_ctx_and_a_run_that_skips() {
        let mut ws = challenge_workspace("fix-the-script").unwrap();
        let check = check_challenge(&Catalog::english(), &ws, "fix-the-script").unwrap();
        assert!(!check.met && check.says.contains("transformation_ctx"), "{check:?}");
        let mut job = ws.job(demo::JOB_NAME).unwrap().clone();
        job.plan.sources[0].transformation_ctx = Some("datasource0".into());
        ws.update_job(job).unwrap();
        assert!(check_challenge(&Catalog::english(), &ws, "fix-the-script")
            .unwrap()
            .says
            .contains("now run it"));
        run(&mut ws); // reads file 1 (no state yet) and commits
        run(&mut ws); // skips it
        let check = check_challenge(&Catalog::english(), &ws, "fix-the-script").unwrap();
        assert!(check.met, "{check:?}");
    }

    #[test]
    fn a_rewind_with_an_appending_sink_duplicates_and_an_overwriting_one_does_not() {
        let start = challenge_workspace("rewind-no-duplicates").unwrap();
        let first = start.runs_of(demo::JOB_NAME).next().unwrap().id.clone();
        let mut appending = start.clone();
        appending.reset_job_bookmark(demo::JOB_NAME, Some(&first)).unwrap();
        run(&mut appending);
        let check = check_challenge(&Catalog::english(), &appending, "rewind-no-duplicates").unwrap();
        assert!(!check.met && check.says.contains("duplicate"), "{check:?}");

        let mut overwriting = start.clone();
        let mut job = overwriting.job(demo::JOB_NAME).unwrap().clone();
        for sink in &mut job.plan.sinks {
            sink.mode = SinkMode::Overwrite;
        }
        overwriting.update_job(job).unwrap();
        overwriting.reset_job_bookmark(demo::JOB_NAME, Some(&first)).unwrap();
        run(&mut overwriting);
        let check = check_challenge(&Catalog::english(), &overwriting, "rewind-no-duplicates").unwrap();
        assert!(check.met, "{check:?}");
        assert!(check.says.contains("overwriting sink"), "{}", check.says);
    }

    #[test]
    fn unknown_challenges_name_the_ones_there_are() {
        let e = challenge_workspace("nope").unwrap_err().to_string();
        assert!(e.contains("third-file-only"), "{e}");
    }
}
