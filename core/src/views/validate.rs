//! Checking a job definition before it runs, field by field, so an editor can show each
//! problem next to the field that is wrong (`sources[0].path`, `steps[2].predicate`, ...).
//!
//! These are the mistakes that can be seen without data: addresses, tables, types, syntax,
//! arguments. Mistakes that need data (a column the frame does not have) show in the step
//! preview (`Workspace::preview_steps`); [`preview_problems`] turns what a preview found into
//! problems of the same kind, so an editor's list agrees with its previews.

use std::collections::BTreeSet;

use crate::format::types::parse_glue_type;
use crate::i18n::Catalog;
use crate::model::job::{JobDefinition, SinkMode, SinkOutput, SourceInput};
use crate::model::store::S3Uri;
use crate::transform::Transform;
use crate::workspace::Workspace;

/// One problem, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `name`, `sources[0].path`, `steps[2].predicate`, `sinks[0].keys`,
    /// `default_arguments.--job-bookmark-option`, ...
    pub field: String,
    pub message: String,
    pub severity: Severity,
}

/// An error stops a save (the run would fail); a warning is worth knowing (rows may be lost
/// or null) but the job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// What a step preview found, as problems: a step that failed on the sample is an error at that
/// step (the read's failure at the first source), a step's warnings and error records warnings.
pub fn preview_problems(previews: &[super::StepPreview], catalog: &Catalog) -> Vec<Problem> {
    let mut problems = vec![];
    for p in previews {
        let field = match p.step {
            Some(i) => format!("steps[{i}]"),
            None => "sources[0]".to_string(),
        };
        let mut add = |message: String, severity| {
            problems.push(Problem {
                field: field.clone(),
                message,
                severity,
            })
        };
        if let Some(failure) = &p.failure {
            add(format!("{}: {failure}", p.name), Severity::Error);
        }
        for w in &p.warnings {
            add(w.clone(), Severity::Warning);
        }
        if let Some(first) = p.errors.first() {
            add(
                catalog.tf(
                    "{step}: {count} row(s) in the sample could not be processed; first: {first}",
                    &[("step", &p.name), ("count", &p.errors.len()), ("first", first)],
                ),
                Severity::Warning,
            );
        }
    }
    problems
}

/// The draft's field a partition predicate sits in.
fn predicate_field(option: &str) -> &'static str {
    match option {
        "push_down_predicate" => "push_down_predicate",
        _ => "catalog_partition_predicate",
    }
}

impl Workspace {
    /// Every problem of `job` that can be seen without running it; empty when it looks runnable.
    pub fn validate_job(&self, job: &JobDefinition, catalog: &Catalog) -> Vec<Problem> {
        let mut problems = vec![];
        let mut problems_later = vec![];
        let mut add = |field: String, message: String| {
            problems.push(Problem {
                field,
                message,
                severity: Severity::Error,
            })
        };
        if job.name.trim().is_empty() {
            add("name".into(), catalog.t("a job needs a name").into());
        }
        let mut known_arguments: BTreeSet<String> = job.plan.required_arguments.iter().cloned().collect();
        for (key, value) in &job.default_arguments {
            let field = format!("default_arguments.{key}");
            if !key.starts_with("--") {
                add(field.clone(), catalog.t("job arguments start with --").into());
            }
            known_arguments.insert(key.trim_start_matches("--").to_string());
            if key == "--job-bookmark-option" {
                if let Err(e) = value.parse::<crate::model::args::BookmarkOption>() {
                    add(field, e.to_string());
                }
            } else if key == "--datalake-formats" {
                let lakes: Vec<&str> = crate::model::job::UNBOOKMARKED_FORMATS
                    .iter()
                    .filter(|(f, _)| value.split(',').any(|v| v.trim() == *f))
                    .map(|(_, name)| *name)
                    .collect();
                if !lakes.is_empty() {
                    problems_later.push(Problem {
                        field,
                        message: catalog.tf(
                            "job bookmarks are not supported for {formats} tables (AWS: data lake framework limitations): reads of them are never bookmarked",
                            &[("formats", &lakes.join(catalog.t(" and ")))],
                        ),
                        severity: Severity::Warning,
                    });
                }
            } else if key == "--extra-py-files" {
                for problem in crate::model::python_modules::check_extra_py_files(&self.store, value) {
                    add(field.clone(), problem.to_string());
                }
            }
        }
        let mut contexts = BTreeSet::new();
        for (i, source) in job.plan.sources.iter().enumerate() {
            let at = |f: &str| format!("sources[{i}].{f}");
            if let Some(ctx) = &source.transformation_ctx {
                if !contexts.insert(ctx.clone()) {
                    add(
                        at("transformation_ctx"),
                        catalog.tf(
                            "another source already uses '{ctx}': their bookmark states would overwrite each other",
                            &[("ctx", ctx)],
                        ),
                    );
                }
            }
            if let Err(e) = crate::model::glob::Exclusions::new(&source.listing.exclusions) {
                add(at("exclusions"), e);
            }
            if source.listing.is_bounded() && source.transformation_ctx.is_none() {
                add(
                    at("bounded"),
                    catalog
                        .t("bounded execution needs a transformation_ctx: without one every run would read the same first objects")
                        .into(),
                );
            }
            match &source.input {
                SourceInput::Catalog { database, table } => match self.catalog.table(database, table) {
                    Ok(t) => {
                        for (option, predicate) in source.listing.partition_predicates() {
                            if let Err(e) = t.partitions_kept(option, predicate) {
                                add(at(predicate_field(option)), e);
                            }
                        }
                    }
                    Err(_) => add(
                        at("table"),
                        catalog.tf(
                            "no catalog table {database}.{table}",
                            &[("database", database), ("table", table)],
                        ),
                    ),
                },
                SourceInput::S3 { path, .. } => {
                    self.check_path(&at("path"), path, &mut add);
                    for (option, _) in source.listing.partition_predicates() {
                        add(
                            at(predicate_field(option)),
                            catalog.tf(
                                "{option} prunes a catalog table's partitions: read the table from the catalog",
                                &[("option", &option)],
                            ),
                        );
                    }
                }
                SourceInput::Jdbc {
                    table, bookmark_keys, ..
                } => match self.warehouse.table(table) {
                    Err(e) => add(at("table"), e.to_string()),
                    Ok(t) => {
                        for key in bookmark_keys {
                            if t.column_index(key).is_none() {
                                add(
                                    at("bookmark_keys"),
                                    catalog.tf(
                                        "\"{key}\" is not a column of {table}",
                                        &[("key", key), ("table", &t.name)],
                                    ),
                                );
                            }
                        }
                        if bookmark_keys.is_empty() && t.primary_key.is_empty() {
                            add(
                                at("bookmark_keys"),
                                catalog.tf(
                                    "{table} has no primary key: name the jobBookmarkKeys",
                                    &[("table", &t.name)],
                                ),
                            );
                        }
                    }
                },
            }
        }
        if job.plan.sources.is_empty() {
            add("sources".into(), catalog.t("a job needs a source").into());
        }
        for (i, step) in job.plan.transforms.iter().enumerate() {
            let at = |f: &str| format!("steps[{i}].{f}");
            match &step.transform {
                Transform::ApplyMapping { mappings } => {
                    if mappings.is_empty() {
                        add(
                            at("mappings"),
                            catalog
                                .t("ApplyMapping keeps only the fields it maps: map at least one")
                                .into(),
                        );
                    }
                    for (m, mapping) in mappings.iter().enumerate() {
                        for (which, name, message) in [
                            (
                                "source",
                                &mapping.source,
                                catalog.t("an empty mapping: name the field it reads"),
                            ),
                            (
                                "target",
                                &mapping.target,
                                catalog.t("an empty mapping: name the column it writes"),
                            ),
                        ] {
                            if name.trim().is_empty() {
                                add(at(&format!("mappings[{m}].{which}")), message.into());
                            }
                        }
                        for (which, t) in [
                            ("source_type", &mapping.source_type),
                            ("target_type", &mapping.target_type),
                        ] {
                            if let Err(e) = parse_glue_type(t) {
                                add(at(&format!("mappings[{m}].{which}")), e.to_string());
                            }
                        }
                    }
                }
                Transform::Filter { predicate } => {
                    if let Err(e) = crate::query::check_expression(predicate) {
                        add(at("predicate"), e.to_string());
                    }
                }
                Transform::Map { columns } => {
                    for (c, column) in columns.iter().enumerate() {
                        if column.name.trim().is_empty() {
                            add(
                                at(&format!("columns[{c}].name")),
                                catalog.t("a derived column needs a name").into(),
                            );
                        }
                        if let Err(e) = crate::query::check_expression(&column.expression) {
                            add(at(&format!("columns[{c}].expression")), e.to_string());
                        }
                    }
                }
                Transform::Aggregate { group_by, aggregates } => {
                    for (g, key) in group_by.iter().enumerate() {
                        if let Err(e) = crate::query::check_expression(&key.expression) {
                            add(at(&format!("group_by[{g}].expression")), e.to_string());
                        }
                    }
                    if aggregates.is_empty() && group_by.is_empty() {
                        add(
                            at("aggregates"),
                            catalog.t("an aggregate needs a group key or an aggregate").into(),
                        );
                    }
                }
                Transform::Join {
                    table,
                    keys_left,
                    keys_right,
                    ..
                } => {
                    self.check_lookup(&at("table"), table, catalog, &mut add);
                    if keys_left.len() != keys_right.len() || keys_left.is_empty() {
                        add(
                            at("keys_right"),
                            catalog.t("a join needs as many keys on each side, at least one").into(),
                        );
                    }
                }
                Transform::ValueMapping { table, .. } => self.check_lookup(&at("table"), table, catalog, &mut add),
                _ => {}
            }
        }
        for (i, sink) in job.plan.sinks.iter().enumerate() {
            let at = |f: &str| format!("sinks[{i}].{f}");
            match &sink.output {
                SinkOutput::Catalog { database, table } => {
                    if self.catalog.table(database, table).is_err() {
                        add(
                            at("table"),
                            catalog.tf(
                                "no catalog table {database}.{table}",
                                &[("database", database), ("table", table)],
                            ),
                        );
                    }
                }
                SinkOutput::S3 { path, .. } => self.check_path(&at("path"), path, &mut add),
                SinkOutput::Jdbc { table } => {
                    if table.trim().is_empty() {
                        add(at("table"), catalog.t("name the warehouse table (schema.table)").into());
                    }
                }
            }
            if let SinkMode::MergeOnKey { keys } = &sink.mode {
                if keys.is_empty() {
                    add(
                        at("keys"),
                        catalog.t("merge on key needs at least one key column").into(),
                    );
                }
            }
        }
        // `${name}` must be an argument the run will have.
        if let Ok(text) = serde_json::to_string(&job.plan) {
            let mut rest = text.as_str();
            while let Some(at) = rest.find("${") {
                let after = &rest[at + 2..];
                let name = after.split('}').next().unwrap_or("");
                if !known_arguments.contains(name) {
                    add(
                        "required_arguments".into(),
                        catalog.tf(
                            "the plan uses ${{{name}}}: declare --{name} as a required or default argument",
                            &[("name", &name)],
                        ),
                    );
                }
                rest = after;
            }
        }
        problems.extend(problems_later);
        problems.extend(self.state_changes(job, catalog));
        problems
    }

    /// What saving `job` over the saved job of its name does to its bookmark states, as
    /// warnings before the user saves: a renamed `transformation_ctx` starts a new state and
    /// orphans the old one; a path, table or format changed under the same ctx starts a new
    /// state (modelled). Either way the next run reads everything the source holds again.
    fn state_changes(&self, job: &JobDefinition, catalog: &Catalog) -> Vec<Problem> {
        let (Some(saved), Some(bookmark)) = (self.jobs.get(&job.name), self.bookmarks.get(&job.name)) else {
            return vec![];
        };
        let states = &bookmark.current.states;
        let mut problems = vec![];
        for (i, (before, after)) in saved.plan.sources.iter().zip(&job.plan.sources).enumerate() {
            let Some(old_ctx) = before.transformation_ctx.as_deref().filter(|c| states.contains_key(*c)) else {
                continue;
            };
            let reused = job
                .plan
                .sources
                .iter()
                .any(|s| s.transformation_ctx.as_deref() == Some(old_ctx));
            let (field, message) = match after.transformation_ctx.as_deref() {
                Some(new_ctx) if new_ctx != old_ctx && !reused => (
                    "transformation_ctx",
                    catalog.tf(
                        "renaming '{old_ctx}' to '{new_ctx}' starts a new bookmark state: the next run reads everything this source holds again, and '{old_ctx}''s state stays in the bookmark, orphaned",
                        &[("old_ctx", &old_ctx), ("new_ctx", &new_ctx)],
                    ),
                ),
                None if !reused => (
                    "transformation_ctx",
                    catalog.tf(
                        "without a transformation_ctx this source is never bookmarked, and '{old_ctx}''s state stays in the bookmark, orphaned",
                        &[("old_ctx", &old_ctx)],
                    ),
                ),
                Some(same) if same == old_ctx && before.input.identity() != after.input.identity() => (
                    "transformation_ctx",
                    catalog.tf(
                        "'{same}' has a saved state for {before}; reading {after} starts a new state (modelled: AWS says changing a source's properties invalidates its state), so the next run reads everything",
                        &[
                            ("same", &same),
                            ("before", &before.input.identity()),
                            ("after", &after.input.identity()),
                        ],
                    ),
                ),
                _ => continue,
            };
            problems.push(Problem {
                field: format!("sources[{i}].{field}"),
                message,
                severity: Severity::Warning,
            });
        }
        problems
    }

    fn check_path(&self, field: &str, path: &str, add: &mut impl FnMut(String, String)) {
        let expanded_free = !path.contains("${");
        match S3Uri::parse(path) {
            Err(e) => add(field.into(), e.to_string()),
            Ok(uri) if expanded_free && self.store.bucket(&uri.bucket).is_err() => {
                add(field.into(), format!("NoSuchBucket: {}", uri.bucket))
            }
            Ok(_) => {}
        }
    }

    fn check_lookup(&self, field: &str, table: &str, catalog: &Catalog, add: &mut impl FnMut(String, String)) {
        let (database, name) = table.split_once('.').unwrap_or(("", table));
        if self.catalog.table(database, name).is_err() && self.warehouse.table(table).is_err() {
            add(
                field.into(),
                catalog.tf(
                    "{table} is neither a catalog table (database.table) nor a warehouse table (schema.table)",
                    &[("table", &table)],
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    #[test]
    fn the_shipped_jobs_are_valid() {
        let ws = demo::seed_workspace().unwrap();
        assert_eq!(
            ws.validate_job(ws.job(demo::JOB_NAME).unwrap(), &Catalog::english()),
            []
        );
        let ws = demo::hr::hr_workspace().unwrap();
        assert_eq!(
            ws.validate_job(ws.job(demo::hr::JOB_NAME).unwrap(), &Catalog::english()),
            []
        );
    }

    #[test]
    fn each_problem_names_its_field() {
        let ws = demo::hr::hr_workspace().unwrap();
        let mut job = ws.job(demo::hr::JOB_NAME).unwrap().clone();
        job.default_arguments
            .insert("--job-bookmark-option".into(), "on".into());
        job.default_arguments.remove("--tenant_id");
        job.plan.required_arguments.retain(|a| a != "tenant_id");
        job.plan.transforms[0].transform = Transform::ApplyMapping {
            mappings: vec![crate::transform::Mapping::new("a", "strng", "a", "string")],
        };
        job.plan.transforms[1].transform = Transform::Filter {
            predicate: "amount >".into(),
        };
        if let Transform::ValueMapping { table, .. } = &mut job.plan.transforms[2].transform {
            *table = "hr_rules.nope".into();
        }
        let problems = ws.validate_job(&job, &Catalog::english());
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "default_arguments.--job-bookmark-option",
                "steps[0].mappings[0].source_type",
                "steps[1].predicate",
                "steps[2].table",
                "required_arguments",
                "required_arguments",
            ],
            "{problems:#?}"
        );
        assert!(
            problems[2].message.contains("SYNTAX_ERROR: line 1:"),
            "{}",
            problems[2].message
        );
        assert!(problems[4].message.contains("${tenant_id}"));
    }

    /// Glue keys a source's state by its transformation_ctx (GLUE-SEMANTICS.md §9.7).
    #[test]
    fn renaming_a_bookmarked_context_or_changing_its_source_warns_before_saving() {
        let mut ws = demo::seed_workspace().unwrap();
        let (key, body) = demo::raw_files()[0];
        ws.put_object(&crate::model::store::S3Uri::new(demo::raw_bucket(), key), body.into())
            .unwrap();
        ws.start_job_run(crate::RunRequest::new(demo::JOB_NAME)).unwrap();
        let saved = ws.job(demo::JOB_NAME).unwrap().clone();
        let ctx = saved.plan.sources[0].transformation_ctx.clone().unwrap();
        let warnings = |job: &JobDefinition| -> Vec<String> {
            ws.validate_job(job, &Catalog::english())
                .into_iter()
                .filter(|p| p.severity == Severity::Warning && p.field == "sources[0].transformation_ctx")
                .map(|p| p.message)
                .collect()
        };
        assert!(warnings(&saved).is_empty(), "an unchanged job has no warning");
        let mut renamed = saved.clone();
        renamed.plan.sources[0].transformation_ctx = Some("renamed".into());
        let w = warnings(&renamed);
        assert!(
            w[0].starts_with(&format!("renaming '{ctx}' to 'renamed' starts a new bookmark state")),
            "{w:?}"
        );
        let mut moved = saved.clone();
        moved.plan.sources[0].input = SourceInput::S3 {
            path: "s3://elsewhere/p/".into(),
            format: crate::format::Format::Json,
            csv: Default::default(),
        };
        let w = warnings(&moved);
        assert!(
            w[0].contains("reading json at s3://elsewhere/p/ starts a new state (modelled"),
            "{w:?}"
        );
    }

    #[test]
    fn listing_problems_name_their_fields() {
        let ws = demo::seed_workspace().unwrap();
        let mut job = ws.job(demo::JOB_NAME).unwrap().clone();
        job.plan.sources[0].transformation_ctx = None;
        job.plan.sources[0].listing.bounded_files = Some(2);
        job.plan.sources[0].listing.exclusions = vec!["{a,{b}}".into()];
        let problems = ws.validate_job(&job, &Catalog::english());
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["sources[0].exclusions", "sources[0].bounded"], "{problems:#?}");
        assert!(problems[0].message.contains("groups cannot nest"));
    }

    #[test]
    fn an_empty_mapping_row_is_a_problem() {
        let ws = demo::seed_workspace().unwrap();
        let mut job = ws.job(demo::JOB_NAME).unwrap().clone();
        job.plan.transforms = vec![Transform::ApplyMapping {
            mappings: vec![crate::transform::Mapping::new("", "string", "", "string")],
        }
        .into()];
        let fields: Vec<String> = ws
            .validate_job(&job, &Catalog::english())
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["steps[0].mappings[0].source", "steps[0].mappings[0].target"]);
    }

    #[test]
    fn what_a_preview_finds_is_a_problem_too() {
        let mut ws = demo::seed_workspace().unwrap();
        let (key, body) = demo::raw_files()[0];
        ws.put_object(
            &crate::model::store::S3Uri::new(demo::raw_bucket(), key),
            body.as_bytes().to_vec(),
        )
        .unwrap();
        let mut job = ws.job(demo::JOB_NAME).unwrap().clone();
        job.plan.transforms = vec![
            Transform::SelectFields {
                paths: vec!["device_id".into(), "stat".into()],
            }
            .into(),
            Transform::Filter {
                predicate: "nope = 1".into(),
            }
            .into(),
        ];
        assert_eq!(
            ws.validate_job(&job, &Catalog::english()),
            [],
            "nothing to see without data"
        );
        let previews = ws.preview_draft_steps(&job, 5).unwrap();
        let problems = preview_problems(&previews, &Catalog::english());
        let seen: Vec<(&str, Severity)> = problems.iter().map(|p| (p.field.as_str(), p.severity)).collect();
        assert_eq!(
            seen,
            [("steps[0]", Severity::Warning), ("steps[1]", Severity::Error)],
            "{problems:#?}"
        );
        assert!(
            problems[0].message.contains("field stat is not in the frame"),
            "{}",
            problems[0].message
        );
        assert!(problems[1].message.starts_with("Filter: "), "{}", problems[1].message);
        assert!(problems[1].message.contains("nope"), "{}", problems[1].message);
    }
}
