//! Error records and Glue's per-transform error thresholds.
//!
//! Almost every Glue transform takes `stageThreshold` and `totalThreshold`: *"the number of
//! errors … at which the process should error out (0 = never)"* (GLUE-SEMANTICS §7.2). Errors
//! are *error records*: rows the transform could not process, which Glue keeps apart from the
//! frame and returns from `errorsAsDynamicFrame()`.
//!
//! What is *modelled*:
//! - A run fails when a step's own error records **reach** `stage_threshold`, or when the
//!   errors of this and all earlier steps reach `total_threshold` (the docs: "the number of
//!   errors at which the process should error out", so 1 fails on the first). `None` and `Some(0)`
//!   both mean never.
//! - Which rows are error records is gluelab's choice where the docs are silent: a value a cast
//!   cannot convert (ApplyMapping, ResolveChoice `cast:`/`match_catalog`) **stays in the frame
//!   as null**, as Spark's cast does, and is reported as an error record with
//!   [`ErrorRecord::row_dropped`] false; a row a `Map` expression fails on, or a `ValueMapping`
//!   row with `unmapped: fail`, **leaves the frame** as Glue's error records do.

use serde::{Deserialize, Serialize};

use super::{apply, Applied, Frame, Lookups, RowOrigin, Transform};
use crate::error::{Error, Result};

/// One row a transform could not process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorRecord {
    /// The transform's name (`ApplyMapping`, ...).
    pub transform: String,
    /// Where the row came from (object and line).
    pub origin: RowOrigin,
    /// The field the problem is in, when there is one.
    pub field: Option<String>,
    pub message: String,
    /// The row as the transform received it: `(field, value as text)`, `null` for nulls.
    pub values: Vec<(String, String)>,
    /// Whether the row left the frame (true) or stayed in it with the field null (false).
    pub row_dropped: bool,
}

impl ErrorRecord {
    /// An error record for row `row` of `frame` (the transform's input).
    pub fn new(
        transform: &str,
        frame: &Frame,
        row: usize,
        field: Option<&str>,
        message: impl Into<String>,
        row_dropped: bool,
    ) -> Self {
        ErrorRecord {
            transform: transform.into(),
            origin: frame.origins[row].clone(),
            field: field.map(str::to_string),
            message: message.into(),
            values: frame.row_values(row),
            row_dropped,
        }
    }
}

impl std::fmt::Display for ErrorRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(field) = &self.field {
            write!(f, ", field {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A transform as a job runs it: with Glue's error thresholds, and switchable off.
/// Reads back a bare `Transform` too: plans saved before steps existed hold those.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StepForm")]
pub struct Step {
    pub transform: Transform,
    /// Glue's `stageThreshold`: more error records than this in this step fail the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_threshold: Option<u64>,
    /// Glue's `totalThreshold`: more error records than this up to and including this step
    /// fail the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_threshold: Option<u64>,
    /// A disabled step passes its frame through untouched.
    #[serde(default = "enabled")]
    pub enabled: bool,
}

fn enabled() -> bool {
    true
}

/// The two shapes a step is stored in.
#[derive(Deserialize)]
#[serde(untagged)]
enum StepForm {
    Step {
        transform: Transform,
        #[serde(default)]
        stage_threshold: Option<u64>,
        #[serde(default)]
        total_threshold: Option<u64>,
        #[serde(default = "enabled")]
        enabled: bool,
    },
    Bare(Transform),
}

impl From<StepForm> for Step {
    fn from(form: StepForm) -> Self {
        match form {
            StepForm::Step {
                transform,
                stage_threshold,
                total_threshold,
                enabled,
            } => Step {
                transform,
                stage_threshold,
                total_threshold,
                enabled,
            },
            StepForm::Bare(transform) => Step::new(transform),
        }
    }
}

impl Step {
    /// An enabled step with no thresholds (Glue's defaults, `0` = never).
    pub fn new(transform: Transform) -> Self {
        Step {
            transform,
            stage_threshold: None,
            total_threshold: None,
            enabled: true,
        }
    }

    pub fn with_stage_threshold(self, threshold: u64) -> Self {
        Step {
            stage_threshold: Some(threshold),
            ..self
        }
    }

    pub fn with_total_threshold(self, threshold: u64) -> Self {
        Step {
            total_threshold: Some(threshold),
            ..self
        }
    }
}

impl From<Transform> for Step {
    fn from(transform: Transform) -> Self {
        Step::new(transform)
    }
}

/// Applies `step` to `frame`, then checks its thresholds (see [`threshold_breach`]).
/// `errors_so_far` is the number of error records of the steps before it in this run (for
/// `total_threshold`); add this step's `errors.len()` to it for the next one.
pub fn apply_step(step: &Step, frame: Frame, lookups: &dyn Lookups, errors_so_far: u64) -> Result<Applied> {
    let applied = run_step(step, frame, lookups)?;
    match threshold_breach(step, &applied.errors, errors_so_far) {
        Some(e) => Err(e),
        None => Ok(applied),
    }
}

/// Applies `step` (a disabled one passes the frame through) without judging its error records.
pub fn run_step(step: &Step, frame: Frame, lookups: &dyn Lookups) -> Result<Applied> {
    if !step.enabled {
        return Ok(Applied {
            frame,
            warnings: vec![],
            output: None,
            errors: vec![],
            children: Default::default(),
        });
    }
    apply(&step.transform, frame, lookups)
}

/// The error a step's error records raise when they reach its `stage_threshold`, or with the
/// earlier steps' `errors_so_far` its `total_threshold`; `None` while under both.
pub fn threshold_breach(step: &Step, errors: &[ErrorRecord], errors_so_far: u64) -> Option<Error> {
    let own = errors.len() as u64;
    let check = |count: u64, threshold: Option<u64>, which: &str| match threshold {
        Some(limit) if limit > 0 && count >= limit => Some(Error::transform(
            step.transform.name(),
            format!("{count} error record(s) reached {which} {limit}; first: {}", errors[0]),
        )),
        _ => None,
    };
    check(own, step.stage_threshold, "stageThreshold").or_else(|| {
        (own > 0)
            .then(|| check(errors_so_far + own, step.total_threshold, "totalThreshold"))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{frame, lines, strings};
    use super::super::{Mapping, NoLookups};
    use super::*;

    fn ages() -> Frame {
        frame(vec![(
            "age",
            strings(&[Some("31"), Some("x"), Some("40"), Some("old"), Some("n/a")]),
        )])
    }

    fn cast_age() -> Step {
        Step::new(Transform::ApplyMapping {
            mappings: vec![Mapping::new("age", "string", "age", "int")],
        })
    }

    #[test]
    fn under_the_stage_threshold_the_step_succeeds_with_its_error_records() {
        let applied = apply_step(&cast_age().with_stage_threshold(4), ages(), &NoLookups, 0).unwrap();
        assert_eq!(applied.errors.len(), 3);
        assert_eq!(lines(&applied.frame), [1, 2, 3, 4, 5]);
        let first = &applied.errors[0];
        assert_eq!(first.origin.line, 2);
        assert_eq!(first.values, [("age".to_string(), "x".to_string())]);
        assert!(!first.row_dropped);
    }

    #[test]
    fn over_the_stage_threshold_the_step_fails_naming_the_first_error() {
        let e = apply_step(&cast_age().with_stage_threshold(3), ages(), &NoLookups, 0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ApplyMapping: 3 error record(s) reached stageThreshold 3; first: s3://b/k, line 2, field age: \
             cannot cast string \"x\" to int"
        );
    }

    #[test]
    fn the_total_threshold_counts_earlier_steps() {
        let step = cast_age().with_total_threshold(5);
        assert!(apply_step(&step, ages(), &NoLookups, 1).is_ok());
        let e = apply_step(&step, ages(), &NoLookups, 2).unwrap_err();
        assert!(
            e.to_string().contains("5 error record(s) reached totalThreshold 5"),
            "{e}"
        );
        // Zero means never, as in Glue.
        assert!(apply_step(&cast_age().with_stage_threshold(0), ages(), &NoLookups, 0).is_ok());
    }

    #[test]
    fn a_disabled_step_passes_the_frame_through() {
        let step = Step {
            enabled: false,
            ..cast_age()
        };
        let applied = apply_step(&step, ages(), &NoLookups, 0).unwrap();
        assert_eq!(
            applied.frame.batch.column(0).data_type(),
            &crate::arrow::datatypes::DataType::Utf8
        );
        let json = serde_json::to_string(&Step::new(Transform::DropNullFields)).unwrap();
        assert_eq!(json, r#"{"transform":"DropNullFields","enabled":true}"#);
        let back: Step = serde_json::from_str(r#"{"transform":"DropNullFields"}"#).unwrap();
        assert!(back.enabled);
    }
}
