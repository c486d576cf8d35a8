//! One run explained: each source object's verdict in words, the run's output log (what
//! `df.show()` printed) and its error, if any.

use gluelab_core::model::clock::iso8601;
use gluelab_core::model::lineage::VerdictKind;
use gluelab_core::model::run::LogStream;
use gluelab_core::views::short_run_id;
use leptos::prelude::*;

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
            <h2 id="explain-title">"What the run did, and why"</h2>
            {move || match run() {
                None => view! { <p class="empty">"Run the job to see what it reads."</p> }.into_any(),
                Some(run) => {
                    let output: String = run.log.iter().filter(|e| e.stream == LogStream::Output).map(|e| e.message.clone()).collect();
                    view! {
                        <p class="run-title">
                            <span class="mono">{short_run_id(&run.id)}</span>
                            " · " <span class=format!("state {}", run.state.as_str().to_lowercase())>{run.state.as_str()}</span>
                            " · started " <span class="mono">{iso8601(run.started_on)}</span>
                            {run.completed_on.map(|_| view! {
                                " · " <span id="run-duration" title="ExecutionTime, as get-job-run prints it: seconds on the virtual clock">
                                    {format!("ran {} s", run.execution_time_secs)}
                                </span>
                            })}
                        </p>
                        {run.error_message.clone().map(|m| view! { <p class="run-error" id="run-error">{m}</p> })}
                        <status_record::StatusRecord run=run.clone()/>
                        <ul class="verdicts" id="verdicts">
                            {run.lineage.files.iter().map(|f| {
                                let kind = f.kind.as_str();
                                view! {
                                    <li class=format!("verdict {}", kind.replace('-', ""))>
                                        <span class="badge">{kind}</span>
                                        <span class="explanation">{f.explanation.clone()}</span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {let flow = run.row_flow(); (!flow.is_empty()).then(|| view! {
                            <h3>"Where the rows went"</h3>
                            <ol class="row-flow" id="row-flow">
                                {flow.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                            </ol>
                        })}
                        {run.lineage.older_not_itemised.then(|| view! {
                            <p class="hint">"Objects older than the bookmark's band were skipped without being listed one by one."</p>
                        })}
                        <Show when={let o = output.clone(); move || !o.is_empty()}>
                            <h3>"Output log (/aws-glue/jobs/output)"</h3>
                            <pre class="log" id="output-log">{output.clone()}</pre>
                        </Show>
                        <p class="counts">{format!(
                            "{} read · {} re-read · {} skipped · {} deferred{}",
                            run.lineage.count(VerdictKind::Read),
                            run.lineage.count(VerdictKind::ReRead),
                            run.lineage.count(VerdictKind::Skipped),
                            run.lineage.count(VerdictKind::Deferred),
                            match run.lineage.count(VerdictKind::Failed) {
                                0 => String::new(),
                                n => format!(" · {n} failed"),
                            },
                        )}</p>
                    }.into_any()
                }
            }}
        </section>
    }
}
