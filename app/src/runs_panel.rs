//! The job's runs, newest last: state, files read/skipped/re-read, rows. Click to inspect.

use gluelab_core::engine::{ProgressStage, RunProgress};
use gluelab_core::model::lineage::VerdictKind;
use gluelab_core::views::browse::progress_text;
use gluelab_core::views::short_run_id;
use leptos::prelude::*;

use crate::i18n::{catalog, t, tf};
use crate::state::{use_studio, RunInFlight};

#[derive(Clone, PartialEq)]
struct RunRow {
    id: String,
    number: usize,
    state: &'static str,
    read: usize,
    reread: usize,
    skipped: usize,
    /// Rows read, after each step, written (`JobRun::row_chain`): `2 → 1 → 1`.
    chain: String,
    /// Where the rows went, step by step (`JobRun::row_flow`), shown on hover.
    flow: String,
    error_records: usize,
}

#[component]
pub fn RunsPanel() -> impl IntoView {
    let studio = use_studio();
    let rows = move || {
        let Some(job) = studio.job_name() else { return vec![] };
        studio.workspace.with(|ws| {
            ws.runs_of(&job)
                .enumerate()
                .map(|(i, r)| RunRow {
                    id: r.id.clone(),
                    number: i + 1,
                    state: r.state.as_str(),
                    read: r.lineage.count(VerdictKind::Read),
                    reread: r.lineage.count(VerdictKind::ReRead),
                    skipped: r.lineage.count(VerdictKind::Skipped),
                    chain: r.row_chain(),
                    flow: r.row_flow(crate::i18n::catalog()).join("\n"),
                    error_records: r.error_records.len(),
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="panel" aria-labelledby="runs-title">
            <h2 id="runs-title">{t("Runs")}</h2>
            <RunProgressBar/>
            <Show when=move || !rows().is_empty() fallback=|| view! { <p class="empty">{t("No runs yet.")}</p> }>
                <table class="runs">
                    <thead>
                        <tr>
                            <th>"#"</th>
                            <th>{t("Run id")}</th>
                            <th>{t("State")}</th>
                            <th>{t("read")}</th>
                            <th>{t("re-read")}</th>
                            <th>{t("skipped")}</th>
                            <th title=t("rows read → after each step → written")>{t("rows in → out")}</th>
                            <th title=t("error records")>{t("errors")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=rows key=|r| (r.id.clone(), r.state) let:row>
                            {
                                let id = row.id.clone();
                                let selected = {
                                    let id = id.clone();
                                    move || studio.selected_run.get().as_deref() == Some(id.as_str())
                                };
                                view! {
                                    <tr class="run-row" class:selected=selected tabindex="0"
                                        on:click=move |_| studio.selected_run.set(Some(id.clone()))>
                                        <td>{row.number}</td>
                                        <td class="mono" translate="no" title=row.id.clone()>{short_run_id(&row.id)}</td>
                                        <td><span class=format!("state {}", row.state.to_lowercase()) translate="no">{row.state}</span></td>
                                        <td>{row.read}</td>
                                        <td>{row.reread}</td>
                                        <td>{row.skipped}</td>
                                        <td class="run-rows" title=row.flow.clone()>{row.chain.clone()}</td>
                                        <td class:warn-text=row.error_records != 0>{row.error_records}</td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

/// The run in flight: a progress bar (from the worker's reports) and Stop.
///
/// The bar is built once per run and only its width and texts follow the reports: a Stop button
/// rebuilt on every report would swallow a click that lands between two of them.
#[component]
fn RunProgressBar() -> impl IntoView {
    let studio = use_studio();
    let shown = Memo::new(move |_| {
        studio.in_flight.with(|run| {
            run.as_ref().map(|run| {
                let (percent, label) = describe(run);
                (percent, format!("{} RUNNING · ", short_run_id(&run.run_id)), label)
            })
        })
    });
    let percent = move || shown.with(|s| s.as_ref().map_or(0, |s| s.0));
    view! {
        <Show when=move || shown.with(Option::is_some)>
            <div class="run-progress">
                <div class="progress" id="run-progress" role="progressbar" aria-label=t("Job run progress")
                    aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || percent().to_string()
                    aria-valuetext=move || shown.with(|s| s.as_ref().map(|s| s.2.clone()).unwrap_or_default())>
                    <div class="progress-fill" style:width=move || format!("{}%", percent())></div>
                </div>
                <span class="hint progress-label" id="run-progress-label">
                    <span translate="no">{move || shown.with(|s| s.as_ref().map(|s| s.1.clone()).unwrap_or_default())}</span>
                    {move || shown.with(|s| s.as_ref().map(|s| s.2.clone()).unwrap_or_default())}
                </span>
                <button class="btn danger" id="stop-run" title=t("BatchStopJobRun: stop the run; nothing it did is kept")
                    on:click=move |_| crate::runner::stop(studio)>
                    "■ " {t("Stop run")}
                </button>
            </div>
        </Show>
    }
}

/// How far the run is, in percent, and what it is doing. Reading weighs most: it is where the
/// bytes are.
fn describe(run: &RunInFlight) -> (u32, String) {
    let Some(p) = run.progress else {
        return (0, run.phase.unwrap_or(t("starting")).to_string());
    };
    let part = |done: u64, total: u64| if total == 0 { 1.0 } else { done as f64 / total as f64 };
    let (from, to, within) = match p.stage {
        ProgressStage::Selecting => (0.0, 5.0, 0.0),
        ProgressStage::Reading => (5.0, 70.0, part(p.bytes_done, p.bytes_total)),
        ProgressStage::Transforming => (70.0, 75.0, 0.0),
        ProgressStage::Writing => (75.0, 95.0, 0.0),
        ProgressStage::Committing => (95.0, 100.0, 0.0),
    };
    let percent = (from + (to - from) * within).round() as u32;
    (percent, stage_label(&p))
}

fn stage_label(p: &RunProgress) -> String {
    let stage = match p.stage {
        ProgressStage::Selecting => t("selecting objects"),
        ProgressStage::Reading => t("reading"),
        ProgressStage::Transforming => t("transforming"),
        ProgressStage::Writing => t("writing the sink"),
        ProgressStage::Committing => "job.commit()",
    };
    tf(
        "{stage}: {done} of {total} objects, {bytes}",
        &[
            ("stage", &stage),
            ("done", &p.objects_done),
            ("total", &p.objects_total),
            ("bytes", &progress_text(catalog(), p.bytes_done, p.bytes_total)),
        ],
    )
}
