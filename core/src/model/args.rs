//! Job arguments, resolved and validated as `awsglue.utils.getResolvedOptions` does.
//!
//! Messages are argparse's and the wrapper's own (GLUE-SEMANTICS.md §3, `awsglue/utils.py`),
//! so a user sees in gluelab what their driver log would say on Glue.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// `--job-bookmark-option`: absent means disable, as on Glue. Snapshots store the variant's
/// name (`"Enable"`); arguments and output use Glue's value ([`BookmarkOption::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookmarkOption {
    Enable,
    Disable,
    Pause,
}

impl BookmarkOption {
    /// In the order Glue's "choose from" lists them.
    pub const ALL: [BookmarkOption; 3] = [BookmarkOption::Enable, BookmarkOption::Pause, BookmarkOption::Disable];

    pub const fn as_str(self) -> &'static str {
        match self {
            BookmarkOption::Enable => "job-bookmark-enable",
            BookmarkOption::Disable => "job-bookmark-disable",
            BookmarkOption::Pause => "job-bookmark-pause",
        }
    }
}

impl fmt::Display for BookmarkOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for BookmarkOption {
    type Err = Error;

    /// argparse's message for a value not among the choices.
    fn from_str(value: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == value).ok_or_else(|| {
            let choices = Self::ALL.map(|o| format!("'{o}'")).join(", ");
            Error::Arguments(format!(
                "argument --job-bookmark-option: invalid choice: '{value}' (choose from {choices})"
            ))
        })
    }
}

/// What the bookmark arguments of one run resolve to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedOptions {
    pub bookmark: BookmarkOption,
    /// `--job-bookmark-from` and `--job-bookmark-to`, both or neither, with pause only.
    pub from_to: Option<(String, String)>,
    /// Every argument without its leading `--`, as `args['NAME']` reads them.
    pub values: BTreeMap<String, String>,
}

/// Arguments a job run ends up with: the job's defaults, replaced key by key by the run's own
/// (StartJobRun: "they replace the default arguments"), non-overridable ones winning, plus
/// what Glue passes itself.
pub fn merge(
    defaults: &BTreeMap<String, String>,
    run_arguments: &BTreeMap<String, String>,
    non_overridable: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let mut merged = defaults.clone();
    merged.extend(run_arguments.iter().map(|(k, v)| (k.clone(), v.clone())));
    merged.extend(non_overridable.iter().map(|(k, v)| (k.clone(), v.clone())));
    merged
}

/// Resolves the arguments as the script's `getResolvedOptions(sys.argv, required)` would.
/// The error text is what the driver prints before the run fails.
pub fn resolve(arguments: &BTreeMap<String, String>, required: &[String]) -> Result<ResolvedOptions> {
    for key in arguments.keys() {
        if !key.starts_with("--") {
            return invalid(format!(
                "argument {key}: job arguments must start with '--' (Glue passes them to the script as --name value)"
            ));
        }
    }
    let get = |name: &str| arguments.get(&format!("--{name}")).cloned();
    let missing: Vec<String> = required
        .iter()
        .filter(|r| get(r).is_none())
        .map(|r| format!("--{r}"))
        .collect();
    if !missing.is_empty() {
        return invalid(format!(
            "error: the following arguments are required: {}",
            missing.join(", ")
        ));
    }
    let option = get("job-bookmark-option").or_else(|| get("continuation-option").map(|legacy| legacy_option(&legacy)));
    let bookmark = match option {
        None => BookmarkOption::Disable,
        Some(option) => option.parse()?,
    };
    let from_to = match (get("job-bookmark-from"), get("job-bookmark-to"), bookmark) {
        (Some(from), Some(to), BookmarkOption::Pause) => Some((from, to)),
        (Some(_), Some(_), _) => return invalid("Invalid option(s)--job-bookmark-from --job-bookmark-to".into()),
        (Some(_), None, BookmarkOption::Pause) => {
            return invalid("Missing option or value for --job-bookmark-to".into())
        }
        (None, Some(_), BookmarkOption::Pause) => {
            return invalid("Missing option or value for --job-bookmark-from".into())
        }
        // A lone from/to with enable or disable is accepted and ignored (modelled).
        _ => None,
    };
    let values = arguments
        .iter()
        .map(|(k, v)| (k.trim_start_matches("--").to_string(), v.clone()))
        .collect();
    Ok(ResolvedOptions {
        bookmark,
        from_to,
        values,
    })
}

/// Why text is not a map of job arguments, in [`parse_argument_pairs`]'s grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgumentTextError {
    /// It starts with `{` but is not JSON (serde_json's reason).
    InvalidJson(String),
    /// A value of the JSON object is not a string (the value as JSON).
    NotAString { key: String, value: String },
    /// A shorthand pair without `=`.
    NoEquals { pair: String },
}

impl std::fmt::Display for ArgumentTextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InvalidJson(reason) => write!(f, "the arguments are not a JSON object: {reason}"),
            Self::NotAString { key, value } => write!(f, "argument {key}: the value {value} is not a string"),
            Self::NoEquals { pair } => write!(f, "argument {pair:?}: expected --name=value"),
        }
    }
}

/// Job arguments as text, in the AWS CLI's two forms of a map of strings (`--arguments`,
/// `--default-arguments`): a JSON object of strings (`{"--k": "v"}`) or the shorthand
/// `--k=v,--k2=v2` (split at commas, then at each pair's first `=`). The pairs come in the order
/// given; which of two equal keys counts is the caller's rule.
pub fn parse_argument_pairs(text: &str) -> std::result::Result<Vec<(String, String)>, ArgumentTextError> {
    let text = text.trim();
    if text.starts_with('{') {
        // Text that starts with `{` and parses is an object.
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|e| ArgumentTextError::InvalidJson(e.to_string()))?;
        return object
            .into_iter()
            .map(|(key, value)| match value {
                serde_json::Value::String(value) => Ok((key, value)),
                other => Err(ArgumentTextError::NotAString {
                    key,
                    value: other.to_string(),
                }),
            })
            .collect();
    }
    text.split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => Ok((key.trim().to_string(), value.trim().to_string())),
            None => Err(ArgumentTextError::NoEquals {
                pair: pair.trim().to_string(),
            }),
        })
        .collect()
}

/// Run arguments typed by a person in the workbench, in [`parse_argument_pairs`]'s grammar, held
/// to what a Glue script can receive: every name is `--name`, and given once.
pub fn parse_argument_text(text: &str) -> Result<BTreeMap<String, String>> {
    let pairs = parse_argument_pairs(text).map_err(|e| Error::Arguments(e.to_string()))?;
    let mut parsed = BTreeMap::new();
    for (key, value) in pairs {
        if !key.starts_with("--") || key.len() < 3 {
            return invalid(format!(
                "argument {key:?}: job arguments are named --name (Glue passes them to the script as --name value)"
            ));
        }
        if parsed.contains_key(&key) {
            return invalid(format!("argument {key}: given twice"));
        }
        parsed.insert(key, value);
    }
    Ok(parsed)
}

/// A run's arguments as the workbench composes them: the typed text
/// ([`parse_argument_text`]), the chosen `--job-bookmark-option`, and for a paused run the
/// chosen `--job-bookmark-from`/`--job-bookmark-to` (ignored with any other option, as a list
/// the user no longer sees should not count). An argument both typed and chosen is an error:
/// which one would win is not obvious.
pub fn compose_run_arguments(
    typed: &str,
    option: Option<BookmarkOption>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<BTreeMap<String, String>> {
    let mut arguments = parse_argument_text(typed)?;
    let paused = option == Some(BookmarkOption::Pause);
    let chosen = [
        ("--job-bookmark-option", option.map(BookmarkOption::as_str)),
        ("--job-bookmark-from", from.filter(|_| paused)),
        ("--job-bookmark-to", to.filter(|_| paused)),
    ];
    for (key, value) in chosen {
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            continue;
        };
        if arguments.contains_key(key) {
            return invalid(format!("argument {key}: chosen above, so leave it out here"));
        }
        arguments.insert(key.to_string(), value.to_string());
    }
    Ok(arguments)
}

fn invalid<T>(message: String) -> Result<T> {
    Err(Error::Arguments(message))
}

fn legacy_option(value: &str) -> String {
    match value {
        "continuation-enabled" => "job-bookmark-enable",
        "continuation-readonly" => "job-bookmark-pause",
        "continuation-ignore" => "job-bookmark-disable",
        other => other,
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn typed_arguments_are_json_or_shorthand_and_errors_name_the_argument() {
        let expected = args(&[("--tenant_id", "acme"), ("--job-bookmark-option", "job-bookmark-pause")]);
        assert_eq!(
            parse_argument_text(" --tenant_id=acme, --job-bookmark-option=job-bookmark-pause ,").unwrap(),
            expected
        );
        assert_eq!(
            parse_argument_text(r#"{"--tenant_id": "acme", "--job-bookmark-option": "job-bookmark-pause"}"#).unwrap(),
            expected
        );
        assert_eq!(parse_argument_text("  ").unwrap(), BTreeMap::new());
        assert_eq!(parse_argument_text("--expr=a=b").unwrap(), args(&[("--expr", "a=b")]));
        let error = |text| parse_argument_text(text).unwrap_err().to_string();
        assert!(error("--tenant_id").contains("\"--tenant_id\": expected --name=value"));
        assert!(error("tenant_id=acme").contains("\"tenant_id\": job arguments are named --name"));
        assert!(error("--a=1,--a=2").contains("--a: given twice"));
        assert!(error(r#"{"--a": 1}"#).contains("--a: the value 1 is not a string"));
        assert!(error("{").contains("not a JSON object"));
    }

    #[test]
    fn argument_pairs_keep_their_order_and_repeats_for_the_caller_to_judge() {
        let pairs = parse_argument_pairs("--b=2,--a=1,--b=3").unwrap();
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["--b", "--a", "--b"]);
        assert_eq!(
            parse_argument_pairs("--a=1,[1]"),
            Err(ArgumentTextError::NoEquals { pair: "[1]".into() })
        );
        assert_eq!(
            parse_argument_pairs("{]"),
            Err(ArgumentTextError::InvalidJson(
                "key must be a string at line 1 column 2".into()
            ))
        );
        assert_eq!(
            parse_argument_pairs("{\"a\": [1]}").unwrap_err(),
            ArgumentTextError::NotAString {
                key: "a".into(),
                value: "[1]".into()
            }
        );
    }

    #[test]
    fn chosen_arguments_join_the_typed_ones_and_from_to_count_only_when_paused() {
        let paused =
            compose_run_arguments("--note=x", Some(BookmarkOption::Pause), Some("jr_1"), Some("jr_2")).unwrap();
        assert_eq!(
            paused,
            args(&[
                ("--note", "x"),
                ("--job-bookmark-option", "job-bookmark-pause"),
                ("--job-bookmark-from", "jr_1"),
                ("--job-bookmark-to", "jr_2")
            ])
        );
        let enabled = compose_run_arguments("", Some(BookmarkOption::Enable), Some("jr_1"), None).unwrap();
        assert_eq!(enabled, args(&[("--job-bookmark-option", "job-bookmark-enable")]));
        assert_eq!(compose_run_arguments("", None, None, None).unwrap(), BTreeMap::new());
        let twice = compose_run_arguments(
            "--job-bookmark-option=job-bookmark-enable",
            Some(BookmarkOption::Pause),
            None,
            None,
        );
        assert!(twice
            .unwrap_err()
            .to_string()
            .contains("--job-bookmark-option: chosen above"));
        assert!(compose_run_arguments("oops", None, None, None).is_err());
    }

    #[test]
    fn bookmark_option_round_trips_through_glue_values_and_names_the_choices() {
        for option in BookmarkOption::ALL {
            assert_eq!(option.as_str().parse::<BookmarkOption>().unwrap(), option);
            assert_eq!(option.to_string(), option.as_str());
        }
        assert_eq!(
            "job-bookmark-on".parse::<BookmarkOption>().unwrap_err().to_string(),
            "argument --job-bookmark-option: invalid choice: 'job-bookmark-on' (choose from \
             'job-bookmark-enable', 'job-bookmark-pause', 'job-bookmark-disable')"
        );
        // Snapshots hold the variant's name: runs saved before keep loading.
        assert_eq!(serde_json::to_string(&BookmarkOption::Pause).unwrap(), "\"Pause\"");
        assert_eq!(
            serde_json::from_str::<BookmarkOption>("\"Enable\"").unwrap(),
            BookmarkOption::Enable
        );
    }

    #[test]
    fn absent_option_means_disable() {
        assert_eq!(resolve(&args(&[]), &[]).unwrap().bookmark, BookmarkOption::Disable);
    }

    #[test]
    fn run_arguments_replace_defaults() {
        let merged = merge(
            &args(&[("--job-bookmark-option", "job-bookmark-enable"), ("--x", "1")]),
            &args(&[("--job-bookmark-option", "job-bookmark-pause")]),
            &BTreeMap::new(),
        );
        assert_eq!(
            merged,
            args(&[("--job-bookmark-option", "job-bookmark-pause"), ("--x", "1")])
        );
    }

    #[test]
    fn glue_messages_for_bad_arguments() {
        let message = |a: &BTreeMap<String, String>, required: &[String]| resolve(a, required).unwrap_err().to_string();
        let e = message(&args(&[("--job-bookmark-option", "job-bookmark-on")]), &[]);
        assert!(
            e.starts_with("argument --job-bookmark-option: invalid choice: 'job-bookmark-on'"),
            "{e}"
        );
        let e = message(&args(&[]), &["JOB_NAME".into(), "SRC".into()]);
        assert_eq!(e, "error: the following arguments are required: --JOB_NAME, --SRC");
        let pause_from = args(&[
            ("--job-bookmark-option", "job-bookmark-pause"),
            ("--job-bookmark-from", "jr_a"),
        ]);
        assert_eq!(
            message(&pause_from, &[]),
            "Missing option or value for --job-bookmark-to"
        );
        let enable_both = args(&[
            ("--job-bookmark-option", "job-bookmark-enable"),
            ("--job-bookmark-from", "jr_a"),
            ("--job-bookmark-to", "jr_b"),
        ]);
        assert_eq!(
            message(&enable_both, &[]),
            "Invalid option(s)--job-bookmark-from --job-bookmark-to"
        );
    }

    #[test]
    fn pause_with_from_and_to() {
        let a = args(&[
            ("--job-bookmark-option", "job-bookmark-pause"),
            ("--job-bookmark-from", "jr_a"),
            ("--job-bookmark-to", "jr_b"),
        ]);
        let r = resolve(&a, &[]).unwrap();
        assert_eq!(
            (r.bookmark, r.from_to),
            (BookmarkOption::Pause, Some(("jr_a".into(), "jr_b".into())))
        );
        assert_eq!(r.values["job-bookmark-from"], "jr_a");
    }

    #[test]
    fn legacy_continuation_option_maps() {
        let a = args(&[("--continuation-option", "continuation-readonly")]);
        assert_eq!(resolve(&a, &[]).unwrap().bookmark, BookmarkOption::Pause);
    }
}
