//! A story that travels in a link: a ready example plus the steps taken on it, as text a
//! trainer can read and edit (`v1,seed,upload:raw-data-1.json,run,reset,run`), the way
//! DuckDB-WASM's shell replays its queries from the URL. Links are untrusted: the text is
//! bounded ([`MAX_STORY_BYTES`], [`MAX_STORY_STEPS`]), every step is checked before anything
//! runs, and a replay that fails at a step names it and returns no workspace.
//!
//! Grammar (commas separate steps; colons separate a step's parts; every part is
//! percent-encoded, so a body or a statement may hold any character):
//!
//! ```text
//! v1,<example>,<step>,...
//! upload:<name>[:<body>]   the example's file of that name, or this body
//! run[:<--key>=<value>...][:fail=<before-write|before-commit|timeout>]
//! reset | rewind:<run number> | delete:<s3 prefix>... | wait:<duration> | sql:<statement>
//! ```

use std::collections::BTreeMap;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

use super::examples::{self, TourAction};
use crate::i18n::Catalog;
use crate::limits::{MAX_STORY_BYTES, MAX_STORY_STEPS};
use crate::model::clock::parse_duration;
use crate::model::run::FailurePoint;
use crate::workspace::Workspace;

/// The grammar's version, the story's first part.
const VERSION: &str = "v1";

/// What a part must encode: the separators, `%`, and what a URL fragment does not carry.
const PART: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b',')
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The verbs a step may start with, as an error lists them.
const VERBS: &str = "upload, run, reset, rewind, delete, wait, sql, repair, overlap, rename";

/// An example and the steps to replay on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub example: String,
    pub steps: Vec<TourAction>,
}

/// Why a story was refused. `step` counts from 1, as a trainer would count the steps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoryError {
    #[error("the story is {len} bytes long; at most {MAX_STORY_BYTES} travel in a link")]
    TooLong { len: usize },
    #[error("the story has {count} steps; at most {MAX_STORY_STEPS} are replayed")]
    TooManySteps { count: usize },
    #[error("the story does not start with {VERSION},<example> (it starts with `{start}`)")]
    Version { start: String },
    #[error("{0}")]
    Example(String),
    #[error("the story's example `{example}` is not one gluelab ships (examples: {known})")]
    UnknownExample { example: String, known: String },
    #[error("the {example} tour has {has} steps, not {steps}")]
    TourTooShort { example: String, has: usize, steps: usize },
    #[error("story step {step} (`{text}`): {reason}")]
    Step { step: usize, text: String, reason: String },
}

impl StoryError {
    /// The error in `catalog`'s language, as the app says why a shared link did not open (the
    /// English `Display` is the CLI's). What a step's text got wrong, and the engine's own errors,
    /// stay as written.
    pub fn describe(&self, catalog: &Catalog) -> String {
        match self {
            StoryError::TooLong { len } => catalog.tf(
                "the story is {len} bytes long; at most {max} travel in a link",
                &[("len", len), ("max", &MAX_STORY_BYTES)],
            ),
            StoryError::TooManySteps { count } => catalog.tf(
                "the story has {count} steps; at most {max} are replayed",
                &[("count", count), ("max", &MAX_STORY_STEPS)],
            ),
            StoryError::Version { start } => catalog.tf(
                "the story does not start with {version},<example> (it starts with `{start}`)",
                &[("version", &VERSION), ("start", start)],
            ),
            StoryError::Example(why) => why.clone(),
            StoryError::UnknownExample { example, known } => catalog.tf(
                "the story's example `{example}` is not one gluelab ships (examples: {known})",
                &[("example", example), ("known", known)],
            ),
            StoryError::TourTooShort { example, has, steps } => catalog.tf(
                "the {example} tour has {has} steps, not {steps}",
                &[("example", example), ("has", has), ("steps", steps)],
            ),
            StoryError::Step { step, text, reason } => catalog.tf(
                "story step {step} (`{text}`): {reason}",
                &[("step", step), ("text", text), ("reason", reason)],
            ),
        }
    }
}

/// Every shipped example's tour played to its end (resets, rewinds, deletes, failed runs and
/// all): the workspaces tests check whole-workspace properties on.
#[cfg(test)]
pub(crate) fn every_tour_played() -> Vec<(&'static str, Workspace)> {
    examples::examples()
        .into_iter()
        .map(|example| {
            let steps = examples::tour(example.id).unwrap().len();
            let played = Story::from_tour(example.id, steps).unwrap().replay().unwrap();
            (example.id, played)
        })
        .collect()
}

impl Story {
    /// The first `steps` steps of example `id`'s guided tour.
    pub fn from_tour(id: &str, steps: usize) -> Result<Story, StoryError> {
        let tour = examples::tour(id).map_err(|e| StoryError::Example(e.to_string()))?;
        if steps > tour.len() {
            return Err(StoryError::TourTooShort {
                example: id.to_string(),
                has: tour.len(),
                steps,
            });
        }
        Ok(Story {
            example: id.to_string(),
            steps: tour.into_iter().take(steps).map(|s| s.action).collect(),
        })
    }

    /// How many of its example's tour steps the story is, when it is exactly the tour's
    /// beginning (a link to a tour step): the tour opens there.
    pub fn tour_step(&self) -> Option<usize> {
        let tour = examples::tour(&self.example).ok()?;
        let prefix = tour.get(..self.steps.len())?;
        prefix
            .iter()
            .zip(&self.steps)
            .all(|(t, s)| &t.action == s)
            .then_some(self.steps.len())
    }

    /// Reads a story's text, checking every step (nothing is run).
    pub fn parse(text: &str) -> Result<Story, StoryError> {
        if text.len() > MAX_STORY_BYTES {
            return Err(StoryError::TooLong { len: text.len() });
        }
        let mut parts = text.split(',');
        let version = parts.next().unwrap_or_default();
        let example = parts.next().map(decode).transpose();
        let (VERSION, Ok(Some(example))) = (version, example) else {
            return Err(StoryError::Version {
                start: text.chars().take(24).collect(),
            });
        };
        let known = examples::examples().into_iter().find(|e| e.id == example);
        if known.is_none() {
            let ids: Vec<&str> = examples::examples().iter().map(|e| e.id).collect();
            return Err(StoryError::UnknownExample {
                example,
                known: ids.join(", "),
            });
        }
        let texts: Vec<&str> = parts.filter(|s| !s.is_empty()).collect();
        if texts.len() > MAX_STORY_STEPS {
            return Err(StoryError::TooManySteps { count: texts.len() });
        }
        let files = example_files(&example);
        let steps = texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                parse_step(text, &files).map_err(|reason| StoryError::Step {
                    step: i + 1,
                    text: shorten(text),
                    reason,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Story { example, steps })
    }

    /// The story as link text; [`Story::parse`] reads it back to an equal story.
    pub fn to_text(&self) -> String {
        let files = example_files(&self.example);
        let mut out = format!("{VERSION},{}", encode(&self.example));
        for step in &self.steps {
            out.push(',');
            out.push_str(&step_text(step, &files));
        }
        out
    }

    /// The example's workspace with every step applied, in order. A step that fails stops the
    /// replay and names the step; no workspace comes back.
    pub fn replay(&self) -> Result<Workspace, StoryError> {
        let example = examples::examples()
            .into_iter()
            .find(|e| e.id == self.example)
            .ok_or_else(|| StoryError::Example(format!("no example {}", self.example)))?;
        let mut ws = examples::load(example.id).map_err(|e| StoryError::Example(e.to_string()))?;
        let files = example_files(example.id);
        for (i, step) in self.steps.iter().enumerate() {
            ws.apply_tour_step(&crate::i18n::Catalog::english(), example.job, step)
                .map_err(|e| StoryError::Step {
                    step: i + 1,
                    text: shorten(&step_text(step, &files)),
                    reason: e.to_string(),
                })?;
        }
        Ok(ws)
    }
}

/// The bodies the example's tour uploads, by name (the first body of each name).
fn example_files(id: &str) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for step in examples::tour(id).unwrap_or_default() {
        if let TourAction::Upload { name, body } = step.action {
            files.entry(name).or_insert(body);
        }
    }
    files
}

fn parse_step(text: &str, files: &BTreeMap<String, String>) -> Result<TourAction, String> {
    let parts = text.split(':').map(decode).collect::<Result<Vec<_>, _>>()?;
    let (verb, args) = parts.split_first().ok_or("an empty step")?;
    let one = |what: &str| match args {
        [arg] => Ok(arg.clone()),
        _ => Err(format!("{verb} takes one part, {what}")),
    };
    Ok(match verb.as_str() {
        "upload" => match args {
            [name] => {
                let body = files.get(name).ok_or_else(|| {
                    let names: Vec<&str> = files.keys().map(String::as_str).collect();
                    format!(
                        "the example has no file {name} (its files: {}); give the body as upload:{name}:<body>",
                        names.join(", ")
                    )
                })?;
                TourAction::Upload {
                    name: name.clone(),
                    body: body.clone(),
                }
            }
            [name, body] => TourAction::Upload {
                name: name.clone(),
                body: body.clone(),
            },
            _ => return Err("upload takes a file name and, optionally, its body".into()),
        },
        "run" => {
            let mut arguments = BTreeMap::new();
            let mut fail_at = None;
            for arg in args {
                let (key, value) = arg
                    .split_once('=')
                    .ok_or_else(|| format!("`{arg}` is not --key=value or fail=<point>"))?;
                if key == "fail" {
                    fail_at = Some(FailurePoint::from_name(value).ok_or_else(|| {
                        let names: Vec<&str> = FailurePoint::ALL.iter().map(|p| p.name()).collect();
                        format!("fail={value}: the points are {}", names.join(", "))
                    })?);
                } else if key.starts_with("--") && key.len() > 2 {
                    arguments.insert(key.to_string(), value.to_string());
                } else {
                    return Err(format!("`{key}` is not a job argument (they start with --)"));
                }
            }
            TourAction::Run { arguments, fail_at }
        }
        "reset" if args.is_empty() => TourAction::Reset,
        "reset" => return Err("reset takes no parts".into()),
        "rewind" => {
            let run = one("a run number")?;
            let run = run
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("`{run}` is not a run number (1, 2, ...)"))?;
            TourAction::RewindTo { run }
        }
        "delete" if !args.is_empty() => {
            if let Some(bad) = args.iter().find(|p| !p.starts_with("s3://")) {
                return Err(format!("`{bad}` is not an s3:// prefix"));
            }
            TourAction::DeletePrefixes {
                prefixes: args.to_vec(),
            }
        }
        "delete" => return Err("delete takes one or more s3:// prefixes".into()),
        "wait" => {
            let duration = one("a duration")?;
            if parse_duration(&duration).is_none() {
                return Err(format!("`{duration}` is not a duration (15m, 90s, 2h)"));
            }
            TourAction::Advance { duration }
        }
        "sql" => TourAction::Statement {
            sql: one("a statement")?,
        },
        "repair" if args.is_empty() => TourAction::RepairPartitions,
        "repair" => return Err("repair takes no parts".into()),
        "overlap" if args.is_empty() => TourAction::OverlappingRuns,
        "overlap" => return Err("overlap takes no parts".into()),
        "rename" => {
            let to = one("a transformation_ctx")?;
            if to.trim().is_empty() {
                return Err("rename takes a transformation_ctx that is not empty".into());
            }
            TourAction::RenameContext { to }
        }
        other => return Err(format!("unknown step `{other}` (steps: {VERBS})")),
    })
}

fn step_text(step: &TourAction, files: &BTreeMap<String, String>) -> String {
    let mut parts = vec![];
    match step {
        TourAction::Upload { name, body } => {
            parts.extend(["upload".to_string(), name.clone()]);
            if files.get(name) != Some(body) {
                parts.push(body.clone());
            }
        }
        TourAction::Run { arguments, fail_at } => {
            parts.push("run".into());
            parts.extend(arguments.iter().map(|(k, v)| format!("{k}={v}")));
            parts.extend(fail_at.map(|p| format!("fail={}", p.name())));
        }
        TourAction::Reset => parts.push("reset".into()),
        TourAction::RewindTo { run } => parts.extend(["rewind".into(), run.to_string()]),
        TourAction::DeletePrefixes { prefixes } => {
            parts.push("delete".into());
            parts.extend(prefixes.iter().cloned());
        }
        TourAction::Advance { duration } => parts.extend(["wait".into(), duration.clone()]),
        TourAction::Statement { sql } => parts.extend(["sql".into(), sql.clone()]),
        TourAction::RepairPartitions => parts.push("repair".into()),
        TourAction::OverlappingRuns => parts.push("overlap".into()),
        TourAction::RenameContext { to } => parts.extend(["rename".into(), to.clone()]),
    }
    parts.iter().map(|p| encode(p)).collect::<Vec<_>>().join(":")
}

fn encode(part: &str) -> String {
    utf8_percent_encode(part, PART).to_string()
}

/// A part, percent-decoded; the error names bytes that are not UTF-8.
fn decode(part: &str) -> Result<String, String> {
    percent_decode_str(part)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| format!("`{}` is not UTF-8 once decoded", shorten(part)))
}

/// A step's text as an error quotes it: its first 40 characters.
fn shorten(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_tour_travels_as_text_and_comes_back_equal() {
        for example in examples::examples() {
            let steps = examples::tour(example.id).unwrap().len();
            let story = Story::from_tour(example.id, steps).unwrap();
            let text = story.to_text();
            assert_eq!(Story::parse(&text).unwrap(), story, "{}: {text}", example.id);
        }
    }

    #[test]
    fn the_seed_story_is_short_and_readable() {
        let story = Story::from_tour("seed", 6).unwrap();
        assert_eq!(
            story.to_text(),
            "v1,seed,upload:raw-data-1.json,run,upload:raw-data-2.json,run,reset,run"
        );
    }

    #[test]
    fn a_replayed_tour_prefix_equals_the_tour_played_step_by_step() {
        let mut played = examples::load("seed").unwrap();
        let tour = examples::tour("seed").unwrap();
        for step in &tour[..6] {
            played
                .apply_tour_step(&crate::i18n::Catalog::english(), crate::demo::JOB_NAME, &step.action)
                .unwrap();
        }
        let replayed = Story::from_tour("seed", 6).unwrap().replay().unwrap();
        assert_eq!(crate::snapshot::save(&replayed), crate::snapshot::save(&played));
    }

    #[test]
    fn a_story_knows_when_it_is_a_tour_step() {
        assert_eq!(Story::from_tour("seed", 4).unwrap().tour_step(), Some(4));
        assert_eq!(Story::parse("v1,seed").unwrap().tour_step(), Some(0));
        assert_eq!(
            Story::parse("v1,seed,upload:raw-data-1.json,reset")
                .unwrap()
                .tour_step(),
            None
        );
        let tour_len = examples::tour("csv-header").unwrap().len();
        let mut longer = Story::from_tour("csv-header", tour_len).unwrap();
        longer.steps.push(TourAction::Reset);
        assert_eq!(longer.tour_step(), None);
    }

    #[test]
    fn a_hand_written_story_with_its_own_body_arguments_and_statement_replays() {
        let text = "v1,seed,upload:raw-data-1.json,run:--job-bookmark-option=job-bookmark-disable,\
                    upload:extra.json:%7B%22device_id%22%3A%22x%22%7D%0A,wait:20m,run:fail=before-commit";
        let story = Story::parse(text).unwrap();
        assert_eq!(story.steps.len(), 5);
        assert_eq!(
            story.steps[2],
            TourAction::Upload {
                name: "extra.json".into(),
                body: "{\"device_id\":\"x\"}\n".into()
            }
        );
        let ws = story.replay().unwrap();
        assert_eq!(ws.runs_of(crate::demo::JOB_NAME).count(), 2);
        assert_eq!(Story::parse(&story.to_text()).unwrap(), story);
    }

    #[test]
    fn a_bad_step_is_named_by_its_number_and_text() {
        let err = Story::parse("v1,seed,run,rewnd:1").unwrap_err();
        assert_eq!(
            err.to_string(),
            "story step 2 (`rewnd:1`): unknown step `rewnd` (steps: upload, run, reset, rewind, delete, wait, sql, repair, overlap, rename)"
        );
        let err = Story::parse("v1,seed,upload:nope.json").unwrap_err().to_string();
        assert!(
            err.starts_with("story step 1 (`upload:nope.json`): the example has no file nope.json"),
            "{err}"
        );
        assert!(matches!(Story::parse("v2,seed"), Err(StoryError::Version { .. })));
        assert!(matches!(
            Story::parse("v1,nowhere"),
            Err(StoryError::UnknownExample { .. })
        ));
        assert!(matches!(
            Story::parse("v1,seed,wait:soon"),
            Err(StoryError::Step { step: 1, .. })
        ));
        assert!(matches!(
            Story::parse("v1,seed,run:%FF"),
            Err(StoryError::Step { step: 1, .. })
        ));
    }

    #[test]
    fn a_step_that_fails_in_the_replay_names_itself() {
        let err = Story::parse("v1,seed,upload:raw-data-1.json,run,rewind:3")
            .unwrap()
            .replay()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "story step 3 (`rewind:3`): InvalidInputException: the job has no run 3 yet"
        );
    }

    #[test]
    fn stories_past_the_limits_are_refused_before_any_step_is_read() {
        let long = format!("v1,seed,upload:a.json:{}", "a".repeat(MAX_STORY_BYTES));
        assert!(matches!(Story::parse(&long), Err(StoryError::TooLong { .. })));
        let many = format!("v1,seed{}", ",reset".repeat(MAX_STORY_STEPS + 1));
        assert_eq!(
            Story::parse(&many),
            Err(StoryError::TooManySteps {
                count: MAX_STORY_STEPS + 1
            })
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Any text, and any edit of a real story, is a story or a typed error.
        #[test]
        fn parse_never_panics(text in ".{0,200}", cut in 0usize..80, junk in "[,:%a-z0-9=]{0,12}") {
            let _ = Story::parse(&text);
            let real = Story::from_tour("pause-from-to", 7).unwrap().to_text();
            let at = real.char_indices().map(|(i, _)| i).nth(cut).unwrap_or(real.len());
            let _ = Story::parse(&format!("{}{junk}{}", &real[..at], &real[at..]));
        }
    }
}
