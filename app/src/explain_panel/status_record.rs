//! A run's status record: where a failed run failed (rule, file, line, field) and the rows its
//! transforms could not process (Glue's error records) — what the second seed's users read in
//! their job's web UI. Both come from core as data (`JobRun::error_detail`, `error_records`).

use gluelab_core::model::run::JobRun;
use leptos::prelude::*;

use crate::i18n::{t, tf};

/// How many error records are listed; the rest are counted.
const RECORDS_SHOWN: usize = 50;

#[component]
pub fn StatusRecord(run: JobRun) -> impl IntoView {
    let detail = run.error_detail.clone().filter(|_| run.error_message.is_some());
    let records = run.error_records.clone();
    let studio = crate::state::use_studio();
    let hidden = records.len().saturating_sub(RECORDS_SHOWN);
    view! {
        {detail.map(|d| {
            let facts: Vec<(&'static str, String)> = [
                (t("Rule"), d.rule.clone()),
                (t("File"), d.object.clone()),
                (t("Line"), d.line.map(|l| l.to_string())),
                (t("Field"), d.field.clone()),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect();
            (!facts.is_empty()).then(|| view! {
                <dl class="facts error-detail" id="error-detail" aria-label=t("Where the run failed")>
                    {facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd class="mono" translate="no">{v}</dd> }).collect_view()}
                </dl>
            })
        })}
        {(!records.is_empty()).then(|| view! {
            <h3>{tf("Error records ({count})", &[("count", &records.len())])}</h3>
            <table class="error-records" id="error-records">
                <thead><tr><th>{t("Step")}</th><th>{t("Where")}</th><th>{t("Field")}</th><th>{t("Problem")}</th><th>{t("Row")}</th></tr></thead>
                <tbody>
                    {records.iter().take(RECORDS_SHOWN).map(|r| {
                        let file = studio.workspace.with_untracked(|ws| ws.object_label(&run.job_name, &r.origin.source));
                        let values = r.values.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
                        view! {
                            <tr class:dropped=r.row_dropped>
                                <td translate="no">{r.transform.clone()}</td>
                                <td class="mono" translate="no" title=r.origin.source.clone()>{format!("{file}:{}", r.origin.line)}</td>
                                <td class="mono" translate="no">{r.field.clone().unwrap_or_default()}</td>
                                <td><span translate="no">{r.message.clone()}</span>{r.row_dropped.then(|| t(" (row dropped)"))}</td>
                                <td class="mono row-values" translate="no">{values}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {(hidden > 0).then(|| view! { <p class="hint">{tf("…and {hidden} more.", &[("hidden", &hidden)])}</p> })}
        })}
    }
}
