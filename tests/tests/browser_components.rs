//! Component tests: the app's real panels mounted on their own in headless Chromium
//! (wasm-bindgen-test), clicked and typed into as a user would, and checked against what core
//! computes for the same workspace. Run by `cargo xtask test` ("wasm tests (headless Chromium)").
//!
//! Runs are started and finished with core's own functions (`Workspace::start_job_run`), never
//! with `Studio::begin_run`: that hands the run to the Web Worker script, which
//! wasm-bindgen-test does not serve. Each test mounts into its own container and queries only
//! inside it, so a test that fails leaves nothing the next one could find.
#![cfg(target_arch = "wasm32")]

use gluelab_app::{
    BookmarkPanel, Exercises, ExplainPanel, JobPanel, Overlays, Preferences, RunsPanel, SinkPanel, Studio, Timeline,
    TopBar, Tour,
};
use gluelab_core::demo::{self, JOB_NAME as JOB};
use gluelab_core::model::clock::{iso8601, parse_duration};
use gluelab_core::model::lineage::{Reason, RunLineage, VerdictKind};
use gluelab_core::model::run::{FailurePoint, RunState};
use gluelab_core::model::store::S3Uri;
use gluelab_core::transform::{Step, Transform};
use gluelab_core::views::{short_run_id, BookmarkAction};
use gluelab_core::{RunRequest, Workspace};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

// ---------------------------------------------------------------------------------------------
// Workspaces, prepared with core

fn upload(ws: &mut Workspace, n: usize) {
    let (key, body) = demo::raw_files()[n - 1];
    ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.as_bytes().to_vec())
        .unwrap();
}

/// A run of the seed job, start to end, in core; it must succeed.
fn run(ws: &mut Workspace) -> String {
    let id = ws.start_job_run(RunRequest::new(JOB)).unwrap();
    let run = ws.run(&id).unwrap();
    assert_eq!(run.state, RunState::Succeeded, "{:?}", run.error_message);
    id
}

/// The seed article's first two runs: upload file 1, run, upload file 2, run.
fn two_runs() -> (Workspace, String, String) {
    let mut ws = demo::seed_workspace().unwrap();
    upload(&mut ws, 1);
    let run1 = run(&mut ws);
    upload(&mut ws, 2);
    let run2 = run(&mut ws);
    (ws, run1, run2)
}

fn bookmark_json(ws: &Workspace) -> String {
    ws.get_job_bookmark(JOB, None).unwrap().to_cli_json()
}

/// The file names (last path segment) a lineage gives `kind`, in core's order.
fn files(lineage: &RunLineage, kind: VerdictKind) -> Vec<String> {
    lineage
        .files
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.object.rsplit('/').next().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Mounting and driving

/// Panels mounted in a container of their own; dropping it unmounts them and removes it.
struct Page<M> {
    root: HtmlElement,
    _mounted: M,
}

/// Mounts `view` with the context the workbench gives its panels.
fn mount<F, N>(studio: Studio, view: F) -> Page<impl Sized>
where
    F: FnOnce() -> N + 'static,
    N: IntoView + 'static,
{
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_context(studio);
        provide_context(Tour::new());
        provide_context(Overlays::new());
        provide_context(Preferences::load());
        provide_context(Exercises::new());
        view()
    });
    Page {
        root,
        _mounted: mounted,
    }
}

impl<M> Drop for Page<M> {
    fn drop(&mut self) {
        self.root.remove();
    }
}

impl<M> Page<M> {
    fn find(&self, selector: &str) -> Option<Element> {
        self.root.query_selector(selector).unwrap()
    }

    fn get(&self, selector: &str) -> Element {
        self.find(selector)
            .unwrap_or_else(|| panic!("nothing matches {selector} in:\n{}", self.root.inner_html()))
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self.root.query_selector_all(selector).unwrap();
        (0..list.length())
            .map(|i| list.get(i).unwrap().unchecked_into::<Element>())
            .collect()
    }

    fn text(&self, selector: &str) -> String {
        self.get(selector).text_content().unwrap_or_default()
    }

    fn attr(&self, selector: &str, name: &str) -> Option<String> {
        self.get(selector).get_attribute(name)
    }

    fn disabled(&self, selector: &str) -> bool {
        self.get(selector).has_attribute("disabled")
    }

    fn click(&self, selector: &str) {
        self.get(selector).unchecked_into::<HtmlElement>().click();
    }

    /// Types `value` into a text input (one `input` event, as after a paste).
    fn type_text(&self, selector: &str, value: &str) {
        let input: HtmlInputElement = self.get(selector).dyn_into().unwrap();
        input.set_value(value);
        dispatch(&input, "input");
    }

    /// Picks the option whose value is `value` in a `<select>`.
    fn choose(&self, selector: &str, value: &str) {
        let select: HtmlSelectElement = self.get(selector).dyn_into().unwrap();
        select.set_value(value);
        assert_eq!(select.value(), value, "{selector} has no option {value}");
        dispatch(&select, "change");
    }
}

fn dispatch(target: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

fn cells(row: &Element) -> Vec<String> {
    let list = row.query_selector_all("td").unwrap();
    (0..list.length())
        .map(|i| list.get(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

fn classes(element: &Element) -> Vec<String> {
    element
        .get_attribute("class")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// One turn of the event loop: Leptos's effects (microtasks) and timers due now have run.
async fn tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Lets the page catch up with a change: a few turns of the event loop.
async fn settle() {
    for _ in 0..4 {
        tick().await;
    }
}

/// The comma-separated names after `label` in a preview sentence, up to `;` or its end:
/// "Then the next run re-reads a.json, b.json; reads no new files; skips nothing." gives
/// `[a.json, b.json]` after "run re-reads ", `[]` after "; reads " and after "; skips ".
fn listed(sentence: &str, label: &str) -> Vec<String> {
    let rest = sentence
        .split_once(label)
        .unwrap_or_else(|| panic!("no {label:?} in {sentence:?}"))
        .1;
    let clause = rest.split(';').next().unwrap().trim().trim_end_matches('.');
    if clause == "nothing" || clause == "no new files" {
        return vec![];
    }
    clause
        .trim_start_matches("new ")
        .split(", ")
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Tests

#[wasm_bindgen_test]
async fn bookmark_panel_prints_cores_bookmark_and_reset_previews_then_clears_it() {
    let (ws, _run1, run2) = two_runs();
    let studio = Studio::new(ws.clone());
    let page = mount(studio, || view! { <BookmarkPanel/> });
    settle().await;

    // Exactly what `aws glue get-job-bookmark` prints, from core.
    assert_eq!(page.text("#bookmark-json"), bookmark_json(&ws));
    assert!(
        page.text("#bookmark-json").contains(&run2),
        "the entry names the last run"
    );
    // One history entry per version core keeps.
    let history = ws.bookmark(JOB).unwrap().history.len();
    assert_eq!(page.all("#bookmark-versions li").len(), history);

    // Before clicking: what the next run would re-read after a reset, as core previews it.
    let preview = ws.preview_next_run(JOB, &BookmarkAction::Reset).unwrap();
    let reread = files(&preview, VerdictKind::ReRead);
    assert_eq!(reread.len(), 2, "core: a reset makes the next run re-read both files");
    let sentence = page.text("#reset-preview");
    assert_eq!(listed(&sentence, "run re-reads "), reread, "{sentence}");
    assert_eq!(
        listed(&sentence, "; reads "),
        files(&preview, VerdictKind::Read),
        "{sentence}"
    );
    assert_eq!(
        listed(&sentence, "; skips "),
        files(&preview, VerdictKind::Skipped),
        "{sentence}"
    );

    page.click("#reset-bookmark");
    settle().await;

    let mut reset = ws.clone();
    reset.reset_job_bookmark(JOB, None).unwrap();
    let json = page.text("#bookmark-json");
    assert_eq!(json, bookmark_json(&reset));
    assert_ne!(json, bookmark_json(&ws));
    assert!(!json.contains(&run2), "no RunId after a reset: {json}");
    assert_eq!(studio.workspace.with_untracked(bookmark_json), bookmark_json(&reset));
    assert_eq!(page.all("#bookmark-versions li").len(), history + 1);
    let newest = page.text("#bookmark-versions li:first-child .version-event");
    assert!(newest.starts_with("reset"), "{newest}");
    // The preview still lists what a run now re-reads: both files, as core says.
    let after = reset.preview_next_run(JOB, &BookmarkAction::Reset).unwrap();
    assert_eq!(
        listed(&page.text("#reset-preview"), "run re-reads "),
        files(&after, VerdictKind::ReRead)
    );
}

#[wasm_bindgen_test]
async fn sink_panel_flags_the_rows_a_run_after_a_reset_writes_again() {
    let (ws, _run1, _run2) = two_runs();
    let studio = Studio::new(ws.clone());
    let page = mount(studio, || view! { <BookmarkPanel/><SinkPanel/> });
    settle().await;

    let (_, before) = ws.job_sink_rows(JOB).unwrap();
    assert_eq!(page.all("tr.sink-row").len(), before.len());
    assert!(page.all("tr.sink-row.duplicate").is_empty());
    assert!(page
        .text("#sink-summary")
        .starts_with(&format!("{} rows · 0 duplicates", before.len())));

    // The user resets the bookmark; the run then goes through core, as the worker would run it.
    page.click("#reset-bookmark");
    settle().await;
    let run3 = studio.act(|ws| ws.start_job_run(RunRequest::new(JOB))).unwrap();
    settle().await;

    // The same story told to core alone.
    let mut expected = ws.clone();
    expected.reset_job_bookmark(JOB, None).unwrap();
    let expected_run3 = run(&mut expected);
    assert_eq!(run3, expected_run3);
    let (_, rows) = expected.job_sink_rows(JOB).unwrap();
    let duplicates = rows.iter().filter(|r| r.duplicate_of.is_some()).count();
    assert!(duplicates > 0, "core: the re-read rows are in the sink twice");

    assert!(
        page.text("#sink-summary")
            .starts_with(&format!("{} rows · {duplicates} duplicates", rows.len())),
        "{}",
        page.text("#sink-summary")
    );
    let shown = page.all("tr.sink-row");
    assert_eq!(shown.len(), rows.len());
    assert_eq!(page.all("tr.sink-row.duplicate").len(), duplicates);
    assert_eq!(page.all("tr.sink-row .badge.dup").len(), duplicates);
    let run_ids: Vec<String> = expected.runs_of(JOB).map(|r| r.id.clone()).collect();
    for (tr, row) in shown.iter().zip(&rows) {
        let class = classes(tr);
        assert_eq!(
            class.contains(&"duplicate".to_string()),
            row.duplicate_of.is_some(),
            "{class:?}"
        );
        let writer = row.written_by.clone().unwrap();
        // Coloured by the run that wrote it: its slot among the job's runs.
        let slot = run_ids.iter().position(|id| *id == writer).unwrap() % 6;
        assert!(
            class.contains(&format!("run-{slot}")),
            "{class:?} for a row of {writer}"
        );
        let texts = cells(tr);
        let n = row.values.len();
        assert_eq!(texts[..n], row.values[..]);
        assert_eq!(texts[n], short_run_id(&writer));
        let origin = row.origin.as_ref().unwrap();
        let file = origin.source.rsplit('/').next().unwrap();
        assert_eq!(texts[n + 1], format!("{file}:{}", origin.line));
        if row.duplicate_of.is_some() {
            assert_eq!(
                writer, run3,
                "the duplicates are the rows the run after the reset wrote"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn explain_panel_names_the_file_read_again_after_a_rewind_and_the_run_rewound_to() {
    let (ws, run1, run2) = two_runs();
    let studio = Studio::new(ws.clone());
    let page = mount(studio, || view! { <BookmarkPanel/><ExplainPanel/> });
    settle().await;

    // The latest run is explained until another is picked: run 2 read file 2 and skipped file 1.
    let latest = ws.run(&run2).unwrap();
    assert!(page.text(".run-title").contains(&short_run_id(&run2)));
    let shown: Vec<String> = page
        .all("#verdicts .explanation")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    let expected: Vec<String> = latest.lineage.files.iter().map(|f| f.explanation.clone()).collect();
    assert_eq!(shown, expected);

    // Picking a run to rewind to previews what the next run would do, as core says.
    page.choose("#rewind-target", &run2);
    settle().await;
    let to_run2 = ws
        .preview_next_run(JOB, &BookmarkAction::RewindTo(run2.clone()))
        .unwrap();
    assert_eq!(
        listed(&page.text("#rewind-preview"), "run re-reads "),
        files(&to_run2, VerdictKind::ReRead)
    );
    page.choose("#rewind-target", &run1);
    settle().await;
    let to_run1 = ws
        .preview_next_run(JOB, &BookmarkAction::RewindTo(run1.clone()))
        .unwrap();
    let reread = files(&to_run1, VerdictKind::ReRead);
    assert_eq!(reread, ["raw-data-2.json"], "core: rewinding to run 1 re-reads file 2");
    assert_eq!(listed(&page.text("#rewind-preview"), "run re-reads "), reread);
    assert_eq!(
        listed(&page.text("#rewind-preview"), "; skips "),
        files(&to_run1, VerdictKind::Skipped)
    );

    page.click("#rewind-bookmark");
    settle().await;
    let mut rewound = ws.clone();
    rewound.reset_job_bookmark(JOB, Some(&run1)).unwrap();
    assert_eq!(page.text("#bookmark-json"), bookmark_json(&rewound));

    let run3 = studio.act(|ws| ws.start_job_run(RunRequest::new(JOB))).unwrap();
    settle().await;

    let files_of_run3 = studio
        .workspace
        .with_untracked(|ws| ws.run(&run3).unwrap().lineage.files.clone());
    let again = files_of_run3.iter().find(|f| f.kind == VerdictKind::ReRead).unwrap();
    assert_eq!(
        again.reason,
        Reason::AfterRewind {
            to_run_id: run1.clone(),
            run_id: run2.clone()
        }
    );
    assert!(page.text(".run-title").contains(&short_run_id(&run3)));
    let seconds = studio
        .workspace
        .with_untracked(|ws| ws.run(&run3).unwrap().execution_time_secs);
    assert_eq!(page.text("#run-duration"), format!("ran {seconds} s"));
    let item = page.get("#verdicts li.verdict.reread");
    assert_eq!(
        item.query_selector(".badge").unwrap().unwrap().text_content().unwrap(),
        "re-read"
    );
    let words = item
        .query_selector(".explanation")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(words, again.explanation);
    assert!(words.contains("raw-data-2.json"), "names the file: {words}");
    // Core's plain words shorten a run id to its first 11 characters.
    let rewound_to: String = run1.chars().take(11).collect();
    assert!(
        words.contains(&rewound_to),
        "names the run rewound to ({run1}): {words}"
    );
    assert!(words.contains("rewound"), "{words}");
    assert_eq!(page.all("#verdicts li").len(), files_of_run3.len());
}

#[wasm_bindgen_test]
async fn timeline_draws_one_mark_per_core_mark_with_its_kind() {
    let (ws, _run1, _run2) = two_runs();
    let studio = Studio::new(ws.clone());
    let page = mount(studio, || view! { <Timeline/> });
    settle().await;

    let check = |ws: &Workspace| {
        let timeline = ws.timeline(JOB, &gluelab_core::i18n::Catalog::english()).unwrap();
        let marks = page.all("svg#timeline rect");
        assert_eq!(marks.len(), timeline.marks.len());
        for (rect, mark) in marks.iter().zip(&timeline.marks) {
            let kind = mark.kind.as_str();
            assert_eq!(classes(rect), ["mark".to_string(), kind.replace('-', "")]);
            let title = rect.text_content().unwrap();
            assert!(title.contains(kind), "{title}");
            // The room reads "run 2: read raw-data-1.json", not a run id.
            let object = timeline.objects[mark.object].rsplit('/').next().unwrap();
            assert!(title.contains(object), "{title}");
            assert!(title.starts_with(&format!("run {}:", mark.run + 1)), "{title}");
        }
        // A row label per object, a column label per run ("run 1", its id in the tooltip).
        let labels: Vec<String> = page
            .all("svg#timeline text.tl-label")
            .iter()
            .map(|t| t.text_content().unwrap())
            .collect();
        assert_eq!(labels.len(), timeline.objects.len());
        let runs: Vec<String> = page
            .all("svg#timeline text.tl-run")
            .iter()
            .map(|t| t.text_content().unwrap())
            .collect();
        assert_eq!(runs.len(), timeline.runs.len());
        for (i, (label, run)) in runs.iter().zip(&timeline.runs).enumerate() {
            assert!(label.starts_with(&format!("{} ", run.run_id)), "{label}");
            assert!(label.ends_with(&format!("run {}", i + 1)), "{label}");
        }
        // Each row is labelled by its file name, with the whole key in its tooltip.
        for (label, object) in labels.iter().zip(&timeline.objects) {
            let name = object.rsplit('/').next().unwrap();
            assert_eq!(label, &format!("{object}{name}"));
        }
        let events: Vec<String> = page
            .all(".legend .event")
            .iter()
            .map(|e| e.text_content().unwrap())
            .collect();
        let expected: Vec<String> = timeline.events.iter().map(|(_, label)| label.clone()).collect();
        assert_eq!(events, expected);
        timeline
    };
    let before = check(&ws);
    assert!(before.events.is_empty());

    // A reset, then a run: a third column whose marks are all re-reads, and the reset in the legend.
    studio.act(|ws| ws.reset_job_bookmark(JOB, None)).unwrap();
    studio.act(|ws| ws.start_job_run(RunRequest::new(JOB))).unwrap();
    settle().await;
    let after = studio.workspace.with_untracked(check);
    assert_eq!(after.runs.len(), before.runs.len() + 1);
    assert!(after.marks.len() > before.marks.len());
    assert!(after
        .marks
        .iter()
        .filter(|m| m.run == before.runs.len())
        .all(|m| m.kind == VerdictKind::ReRead));
    assert!(!page.all("svg#timeline rect.mark.reread").is_empty());
    assert_eq!(after.events.len(), 1);
    // The reset is drawn as a line between the columns of the runs before and after it.
    let line = page.all("svg#timeline line.tl-event");
    assert_eq!(line.len(), 1);
    let x = |e: &Element| e.get_attribute("x1").unwrap().parse::<f64>().unwrap();
    let column = |run: usize| {
        let rect = page
            .all("svg#timeline rect.mark")
            .into_iter()
            .zip(&after.marks)
            .find(|(_, m)| m.run == run)
            .unwrap()
            .0;
        x_of(&rect)
    };
    let before_reset = after.runs_before(after.events[0].0);
    assert_eq!(before_reset, before.runs.len());
    assert!(
        column(before_reset - 1) < x(&line[0]) && x(&line[0]) < column(before_reset),
        "the reset line stands between run {before_reset} and the run after it"
    );
}

fn x_of(element: &Element) -> f64 {
    element.get_attribute("x").unwrap().parse().unwrap()
}

#[wasm_bindgen_test]
async fn runs_panel_lists_each_run_and_a_click_explains_it() {
    // Run 2 fails after writing, before job.commit(): run 3 reads file 2 again.
    let mut ws = demo::seed_workspace().unwrap();
    upload(&mut ws, 1);
    let run1 = run(&mut ws);
    upload(&mut ws, 2);
    let failed = ws
        .start_job_run(RunRequest::new(JOB).fail_at(FailurePoint::BeforeCommit))
        .unwrap();
    assert_eq!(ws.run(&failed).unwrap().state, RunState::Failed);
    let run3 = run(&mut ws);

    let studio = Studio::new(ws.clone());
    let page = mount(studio, || view! { <RunsPanel/><ExplainPanel/> });
    settle().await;

    let runs: Vec<_> = ws.runs_of(JOB).cloned().collect();
    let rows = page.all("tr.run-row");
    assert_eq!(rows.len(), runs.len());
    assert!(runs.iter().any(|r| r.id == run1) && runs.iter().any(|r| r.id == run3));
    for (i, (tr, r)) in rows.iter().zip(&runs).enumerate() {
        let texts = cells(tr);
        assert_eq!(texts[0], (i + 1).to_string());
        assert_eq!(texts[1], short_run_id(&r.id));
        assert_eq!(
            tr.query_selector("td[title]").unwrap().unwrap().get_attribute("title"),
            Some(r.id.clone())
        );
        assert_eq!(texts[2], r.state.as_str());
        assert_eq!(texts[3], r.lineage.count(VerdictKind::Read).to_string());
        assert_eq!(texts[4], r.lineage.count(VerdictKind::ReRead).to_string());
        assert_eq!(texts[5], r.lineage.count(VerdictKind::Skipped).to_string());
        assert_eq!(texts[6], r.row_chain());
        // Hovering the rows says where they went, step by step.
        assert_eq!(
            tr.query_selector("td.run-rows")
                .unwrap()
                .unwrap()
                .get_attribute("title"),
            Some(r.row_flow(&gluelab_core::i18n::Catalog::english()).join("\n"))
        );
        assert_eq!(texts[7], r.error_records.len().to_string());
    }

    // Nothing picked: the explanation is the latest run's, without an error.
    assert!(page.text(".run-title").contains(&short_run_id(&run3)));
    assert!(page.find("#run-error").is_none());

    // Clicking the failed run selects it and explains it: its state, its error, its verdicts.
    let position = runs.iter().position(|r| r.id == failed).unwrap();
    page.click(&format!("tr.run-row:nth-child({})", position + 1));
    settle().await;
    assert_eq!(studio.selected_run.get_untracked(), Some(failed.clone()));
    let rows = page.all("tr.run-row");
    assert!(classes(&rows[position]).contains(&"selected".to_string()));
    assert_eq!(
        rows.iter()
            .filter(|r| classes(r).contains(&"selected".to_string()))
            .count(),
        1
    );
    let failed_run = ws.run(&failed).unwrap();
    let title = page.text(".run-title");
    assert!(
        title.contains(&short_run_id(&failed)) && title.contains(failed_run.state.as_str()),
        "{title}"
    );
    assert_eq!(
        Some(page.text("#run-error")),
        failed_run.error_message.clone(),
        "the run's ErrorMessage, from core"
    );
    let shown: Vec<String> = page
        .all("#verdicts .explanation")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    let expected: Vec<String> = failed_run.lineage.files.iter().map(|f| f.explanation.clone()).collect();
    assert_eq!(shown, expected);
}

#[wasm_bindgen_test]
async fn job_editor_shows_cores_filter_error_next_to_the_field_until_it_is_fixed() {
    let ws = demo::seed_workspace().unwrap();
    let studio = Studio::new(ws.clone());
    let page = mount(studio, || view! { <JobPanel/> });
    settle().await;
    assert_eq!(page.text("#job-name"), JOB);

    page.click("#edit-job");
    settle().await;
    assert!(
        page.get("dialog.editor-dialog").has_attribute("open"),
        "the editor opens"
    );
    let i = ws.job(JOB).unwrap().plan.transforms.len();
    page.choose("#add-step-kind", "Filter");
    page.click("#add-step");
    settle().await;
    assert_eq!(page.all("#steps > li").len(), i + 1);

    let field = format!("steps[{i}].predicate");
    let input = format!("#f-steps-{i}-predicate");
    let error_id = format!("err-steps-{i}-predicate");
    // Core's verdict on the job with this predicate in the new step.
    let core_says = |predicate: &str| {
        let mut job = ws.job(JOB).unwrap().clone();
        job.plan.transforms.push(Step::new(Transform::Filter {
            predicate: predicate.into(),
        }));
        let problems = ws.validate_job(&job, &gluelab_core::i18n::Catalog::english());
        let here: Vec<String> = problems
            .iter()
            .filter(|p| p.field == field)
            .map(|p| p.message.clone())
            .collect();
        (problems.len(), here.join("; "))
    };

    page.type_text(&input, "state = ");
    settle().await;
    let (count, message) = core_says("state = ");
    assert!(!message.is_empty(), "core rejects an incomplete predicate");
    assert_eq!(page.attr(&input, "aria-invalid").as_deref(), Some("true"));
    let described = page.attr(&input, "aria-describedby").unwrap();
    assert!(described.split_whitespace().any(|id| id == error_id), "{described}");
    // What a screen reader reads with the field: the elements it is described by.
    let read_out: Vec<String> = described
        .split_whitespace()
        .filter_map(|id| page.find(&format!("#{id}")))
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(read_out, [message.as_str()]);
    assert_eq!(page.text(&format!("#{error_id}")), message);
    let summary = page.text("#editor-problems summary");
    assert!(summary.starts_with(&count.to_string()), "{summary} (core: {count})");

    page.type_text(&input, "state = true");
    settle().await;
    let (count, message) = core_says("state = true");
    assert_eq!((count, message.as_str()), (0, ""), "core accepts the fixed predicate");
    assert!(page.find(&format!("#{error_id}")).is_none(), "the message is gone");
    assert_eq!(page.attr(&input, "aria-invalid").as_deref(), Some("false"));
    assert!(page.text("#editor-problems summary").starts_with("No problems"));

    // Saved, the job in the workspace has the step.
    page.click("#editor-save");
    settle().await;
    let saved = studio
        .workspace
        .with_untracked(|ws| ws.job(JOB).unwrap().plan.transforms.clone());
    assert_eq!(saved.len(), i + 1);
    assert_eq!(
        saved[i].transform,
        Transform::Filter {
            predicate: "state = true".into()
        }
    );
    assert!(
        page.text("#editor-status").contains("Saved"),
        "{}",
        page.text("#editor-status")
    );
}

/// A zip of `files` (stored), as `zip -r` writes one.
fn zip_of(files: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for name in files {
        writer.start_file(*name, options).unwrap();
        writer.write_all(b"VALUE = 1\n").unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[wasm_bindgen_test]
async fn job_editor_lists_an_extra_py_files_zip_that_breaks_a_packaging_rule() {
    let mut ws = demo::seed_workspace().unwrap();
    let bucket = demo::raw_bucket();
    ws.put_object(
        &S3Uri::new(&bucket, "packages/deep.zip"),
        zip_of(&["src/services/__init__.py", "src/services/agg.py"]),
    )
    .unwrap();
    ws.put_object(
        &S3Uri::new(&bucket, "packages/models.zip"),
        zip_of(&["models/employee.py"]),
    )
    .unwrap();
    let value = format!("s3://{bucket}/packages/deep.zip,s3://{bucket}/packages/models.zip");
    ws.edit_job(JOB, |job| {
        job.default_arguments.insert("--extra-py-files".into(), value.clone());
    })
    .unwrap();
    let studio = Studio::new(ws.clone());
    let page = mount(studio, || view! { <JobPanel/> });
    settle().await;
    page.click("#edit-job");
    settle().await;

    let listed: Vec<String> = page
        .all("#editor-problems li")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    let core_says: Vec<String> = ws
        .validate_job(ws.job(JOB).unwrap(), &gluelab_core::i18n::Catalog::english())
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect();
    assert_eq!(listed, core_says);
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed[0].starts_with("default_arguments.--extra-py-files"),
        "{listed:?}"
    );
    assert!(
        listed[0].contains("deep.zip") && listed[0].contains("package folder at the zip's root"),
        "{listed:?}"
    );
    assert!(
        listed[1].contains("models.zip") && listed[1].contains("__init__.py in the package"),
        "{listed:?}"
    );
}

#[wasm_bindgen_test]
async fn undo_and_redo_in_the_top_bar_restore_the_clock_and_the_bookmark() {
    let (ws, _run1, _run2) = two_runs();
    let studio = Studio::new(ws.clone());
    let page = mount(studio, || view! { <TopBar/><BookmarkPanel/> });
    settle().await;

    let start = iso8601(ws.clock().now());
    let mut later = ws.clone();
    later.advance_clock(parse_duration("15m").unwrap()).unwrap();
    let later_clock = iso8601(later.clock().now());
    assert_ne!(start, later_clock);
    let mut reset = later.clone();
    reset.reset_job_bookmark(JOB, None).unwrap();
    let (original_json, reset_json) = (bookmark_json(&ws), bookmark_json(&reset));
    assert_ne!(original_json, reset_json);

    assert_eq!(page.text("#clock-now"), start);
    assert!(page.disabled("#undo") && page.disabled("#redo"), "nothing to undo yet");

    page.click("#pass-15m");
    settle().await;
    assert_eq!(page.text("#clock-now"), later_clock);
    assert!(!page.disabled("#undo"));
    page.click("#reset-bookmark");
    settle().await;
    assert_eq!(page.text("#bookmark-json"), reset_json);

    page.click("#undo");
    settle().await;
    assert_eq!(
        page.text("#bookmark-json"),
        original_json,
        "undo brings the bookmark back"
    );
    assert_eq!(page.text("#clock-now"), later_clock);
    page.click("#undo");
    settle().await;
    assert_eq!(page.text("#clock-now"), start, "undo turns the clock back");
    assert!(page.disabled("#undo") && !page.disabled("#redo"));

    page.click("#redo");
    settle().await;
    assert_eq!(page.text("#clock-now"), later_clock);
    assert_eq!(page.text("#bookmark-json"), original_json);
    page.click("#redo");
    settle().await;
    assert_eq!(page.text("#bookmark-json"), reset_json);
    assert!(page.disabled("#redo") && !page.disabled("#undo"));
}

#[wasm_bindgen_test]
async fn an_empty_workspace_shows_empty_states_until_one_with_runs_is_loaded() {
    let studio = Studio::new(Workspace::default());
    let page = mount(studio, || {
        view! {
            <JobPanel/><RunsPanel/><BookmarkPanel/><Timeline/><ExplainPanel/><SinkPanel/>
        }
    });
    settle().await;

    let empty = |panel: &str| {
        page.find(&format!("section[aria-labelledby='{panel}'] .empty"))
            .and_then(|e| e.text_content())
    };
    assert_eq!(
        empty("job-title").as_deref(),
        Some("No job yet: drop a file into a bucket, make a table from it in its preview, then a job over it; or load an example.")
    );
    assert_eq!(empty("runs-title").as_deref(), Some("No runs yet."));
    assert_eq!(empty("timeline-title").as_deref(), Some("Runs will appear here."));
    assert_eq!(
        empty("explain-title").as_deref(),
        Some("Run the job to see what it reads.")
    );
    assert_eq!(
        empty("bookmark-title").as_deref(),
        Some("No versions yet: the first run makes one.")
    );
    assert!(page.disabled("#edit-job"));
    assert!(page.disabled("#rewind-bookmark"));
    assert_eq!(page.text("#bookmark-json"), "");
    assert!(page.find("svg#timeline").is_none() && page.all("tr.run-row").is_empty());
    assert!(page.text("#sink-summary").starts_with("0 rows · 0 duplicates"));

    // Loading a workspace with runs (one undo step) replaces every empty state with core's data.
    let (ws, _run1, run2) = two_runs();
    studio.replace(ws.clone());
    settle().await;
    for panel in [
        "job-title",
        "runs-title",
        "timeline-title",
        "explain-title",
        "bookmark-title",
    ] {
        assert_eq!(empty(panel), None, "{panel} is no longer empty");
    }
    assert_eq!(page.text("#job-name"), JOB);
    assert_eq!(page.all("tr.run-row").len(), ws.runs_of(JOB).count());
    assert_eq!(
        page.all("svg#timeline rect").len(),
        ws.timeline(JOB, &gluelab_core::i18n::Catalog::english())
            .unwrap()
            .marks
            .len()
    );
    assert!(page.text(".run-title").contains(&short_run_id(&run2)));
    assert_eq!(page.text("#bookmark-json"), bookmark_json(&ws));
    assert!(!page.disabled("#edit-job") && !page.disabled("#rewind-bookmark"));
    let (_, rows) = ws.job_sink_rows(JOB).unwrap();
    assert_eq!(page.all("tr.sink-row").len(), rows.len());
    assert!(!rows.is_empty());
}

#[wasm_bindgen_test]
async fn sink_panel_lists_each_sink_of_a_relationalize_job_on_its_tab_and_badges_new_keys() {
    let id = "relationalize-keys";
    let mut ws = demo::examples::load(id).unwrap();
    let job = ws.jobs().next().unwrap().name.clone();
    for step in demo::examples::tour(id).unwrap() {
        ws.apply_tour_step(&gluelab_core::i18n::Catalog::english(), &job, &step.action)
            .unwrap();
    }
    let studio = Studio::new(ws.clone());
    let page = mount(studio, || view! { <SinkPanel/> });
    settle().await;

    for (index, tab) in ["#sink-tab-0", "#sink-tab-1"].into_iter().enumerate() {
        page.click(tab);
        settle().await;
        assert_eq!(page.attr(tab, "aria-pressed").as_deref(), Some("true"));
        let (_, rows) = ws.job_sink_rows_at(&job, index).unwrap();
        let duplicates = rows.iter().filter(|r| r.duplicate_of.is_some()).count();
        let new_keys = rows.iter().filter(|r| r.under_new_key).count();
        assert!(new_keys > 0, "core: the re-read rows are under new keys");
        assert!(
            page.text("#sink-summary").starts_with(&format!(
                "{} rows · {duplicates} duplicates, {new_keys} of them under new keys",
                rows.len()
            )),
            "{}",
            page.text("#sink-summary")
        );
        assert_eq!(page.all("tr.sink-row").len(), rows.len());
        assert_eq!(page.all("tr.sink-row .badge.dup.new-key").len(), new_keys);
    }
    assert!(page.text("#sink-tab-1").ends_with("(collection table orders_items)"));
}
