//! The job's runs, newest last: state, files read/skipped/re-read, rows. Click to inspect.

use gluelab_core::lineage::VerdictKind;
use gluelab_core::views::short_run_id;
use leptos::prelude::*;

use crate::state::use_studio;

#[derive(Clone, PartialEq)]
struct RunRow {
    id: String,
    number: usize,
    state: &'static str,
    read: usize,
    reread: usize,
    skipped: usize,
    rows_read: u64,
    rows_written: u64,
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
                    rows_read: r.rows_read,
                    rows_written: r.rows_written,
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="panel" aria-labelledby="runs-title">
            <h2 id="runs-title">"Runs"</h2>
            <Show when=move || !rows().is_empty() fallback=|| view! { <p class="empty">"No runs yet."</p> }>
                <table class="runs">
                    <thead>
                        <tr><th>"#"</th><th>"Run id"</th><th>"State"</th><th>"read"</th><th>"re-read"</th><th>"skipped"</th><th>"rows in → out"</th></tr>
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
                                        <td class="mono" title=row.id.clone()>{short_run_id(&row.id)}</td>
                                        <td><span class=format!("state {}", row.state.to_lowercase())>{row.state}</span></td>
                                        <td>{row.read}</td>
                                        <td>{row.reread}</td>
                                        <td>{row.skipped}</td>
                                        <td>{format!("{} → {}", row.rows_read, row.rows_written)}</td>
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
