//! One run explained: each source object's verdict in words, the run's output log (what
//! `df.show()` printed) and its error, if any.

use gluelab_core::engine::{explain_verdict, verdict_word};
use gluelab_core::model::clock::iso8601;
use gluelab_core::model::lineage::VerdictKind;
use gluelab_core::model::run::LogStream;
use gluelab_core::views::short_run_id;
use leptos::prelude::*;

use crate::i18n::{catalog, t, tf};
use crate::state::use_studio;

mod status_record;

#[component]
pub fn ExplainPanel() -> impl IntoView {
    let studio = use_studio();
    // The selected run, or the latest one.
    let run = move || {
        let job = studio.job_name()?;
        let selected = studio.selected_run.get();
        studio.workspace.with(|ws| match selected {
            Some(id) => ws.run(&id).ok().cloned(),
            None => ws.runs_of(&job).last().cloned(),
        })
    };
    view! {
        <section class="panel" aria-labelledby="explain-title">
            <h2 id="explain-title">{t("What the run did, and why")}</h2>
            {move || match run() {
                None => view! { <p class="empty">{t("Run the job to see what it reads.")}</p> }.into_any(),
                Some(run) => {
                    let output: String = run.log.iter().filter(|e| e.stream == LogStream::Output).map(|e| e.message.clone()).collect();
                    view! {
                        <p class="run-title">
                            <span class="mono" translate="no">{short_run_id(&run.id)}</span>
                            " · " <span class=format!("state {}", run.state.as_str().to_lowercase()) translate="no">{run.state.as_str()}</span>
                            " · " {t("started")} " " <span class="mono" translate="no">{iso8601(run.started_on)}</span>
                            {run.completed_on.map(|_| view! {
                                " · " <span id="run-duration" title=t("ExecutionTime, as get-job-run prints it: seconds on the virtual clock")>
                                    {tf("ran {secs} s", &[("secs", &run.execution_time_secs)])}
                                </span>
                            })}
                        </p>
                        {run.error_message.clone().map(|m| view! { <p class="run-error" id="run-error" translate="no">{m}</p> })}
                        <status_record::StatusRecord run=run.clone()/>
                        <ul class="verdicts" id="verdicts">
                            {run.lineage.files.iter().map(|f| {
                                let kind = f.kind.as_str();
                                view! {
                                    <li class=format!("verdict {}", kind.replace('-', ""))>
                                        <span class="badge">{verdict_word(catalog(), f.kind)}</span>
                                        <span class="explanation">{explain_verdict(catalog(), f)}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {let flow = run.row_flow(crate::i18n::catalog()); (!flow.is_empty()).then(|| view! {
                            <h3>{t("Where the rows went")}</h3>
                            <ol class="row-flow" id="row-flow">
                                {flow.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                            </ol>
                        })}
                        {run.lineage.older_not_itemised.then(|| view! {
                            <p class="hint">{t("Objects older than the bookmark's band were skipped without being listed one by one.")}</p>
                        })}
                        <Show when={let o = output.clone(); move || !o.is_empty()}>
                            <h3>{t("Output log")} " " <span class="mono" translate="no">"(/aws-glue/jobs/output)"</span></h3>
                            <pre class="log" id="output-log" translate="no">{output.clone()}</pre>
                        </Show>
                        <p class="counts">{{
                            let counts: [(&str, &dyn std::fmt::Display); 5] = [
                                ("read", &run.lineage.count(VerdictKind::Read)),
                                ("reread", &run.lineage.count(VerdictKind::ReRead)),
                                ("skipped", &run.lineage.count(VerdictKind::Skipped)),
                                ("deferred", &run.lineage.count(VerdictKind::Deferred)),
                                ("failed", &run.lineage.count(VerdictKind::Failed)),
                            ];
                            match run.lineage.count(VerdictKind::Failed) {
                                0 => tf("{read} read · {reread} re-read · {skipped} skipped · {deferred} deferred", &counts),
                                _ => tf("{read} read · {reread} re-read · {skipped} skipped · {deferred} deferred · {failed} failed", &counts),
                            }
                        }}</p>
                    }.into_any()
                }
            }}
        </section>
    }
}
