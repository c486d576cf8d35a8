//! Runs along the virtual clock against source objects: a mark for each read, skip and
//! re-read, so a reset or a rewind can be *seen*.

use gluelab_core::model::clock::iso8601;
use gluelab_core::model::lineage::VerdictKind;
use gluelab_core::views::short_run_id;
use leptos::prelude::*;

use crate::state::use_studio;

const ROW: f64 = 28.0;
const COL: f64 = 64.0;
const LEFT: f64 = 150.0;
/// Room above the marks for each run's number and start time, and the events' labels.
const TOP: f64 = 48.0;

#[component]
pub fn Timeline() -> impl IntoView {
    let studio = use_studio();
    let timeline = move || {
        let job = studio.job_name()?;
        studio.workspace.with(|ws| ws.timeline(&job).ok())
    };
    view! {
        <section class="panel" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"Timeline"</h2>
            {move || match timeline() {
                Some(t) if !t.runs.is_empty() => {
                    let width = LEFT + COL * t.runs.len() as f64 + 20.0;
                    let height = TOP + ROW * t.objects.len().max(1) as f64 + 10.0;
                    view! {
                        <svg class="timeline" id="timeline" viewBox=format!("0 0 {width} {height}") width=width height=height
                            role="img" aria-label="Runs against source objects">
                            {t.objects.iter().enumerate().map(|(i, o)| view! {
                                <text x="4" y=TOP + ROW * i as f64 + 18.0 class="tl-label">
                                    {o.rsplit('/').next().unwrap_or(o).to_string()}
                                </text>
                            }).collect_view()}
                            {t.runs.iter().enumerate().map(|(i, r)| view! {
                                <text x=LEFT + COL * i as f64 + 8.0 y="16" class="tl-label">
                                    <title>{format!("{} {}", r.run_id, r.state.as_str())}</title>
                                    {format!("run {}", i + 1)}
                                </text>
                                <text x=LEFT + COL * i as f64 + 8.0 y="30" class="tl-time">{clock_time(r.started_on)}</text>
                            }).collect_view()}
                            // A reset or a rewind: a dashed line between the runs before and after it.
                            {t.events.iter().map(|(at, label)| {
                                let x = LEFT + COL * t.runs_before(*at) as f64 - 6.0;
                                view! {
                                    <line x1=x x2=x y1="36" y2=height - 4.0 class="tl-event">
                                        <title>{format!("{label} at {}", iso8601(*at))}</title>
                                    </line>
                                    <text x=x + 3.0 y="44" class="tl-event-label">{label.clone()}</text>
                                }
                            }).collect_view()}
                            {t.marks.iter().map(|m| {
                                let (x, y) = (LEFT + COL * m.run as f64 + 8.0, TOP + ROW * m.object as f64 + 4.0);
                                let class = format!("mark {}", m.kind.as_str().replace('-', ""));
                                let title = format!("run {}: {} {}", m.run + 1, m.kind.as_str(), short_run_id(&t.runs[m.run].run_id));
                                view! {
                                    <rect x=x y=y width="44" height="20" rx="4" class=class><title>{title}</title></rect>
                                    <text x=x + 22.0 y=y + 14.0 class="mark-text">{symbol(m.kind)}</text>
                                }
                            }).collect_view()}
                        </svg>
                        <p class="legend">
                            <span class="mark-key read">"read"</span>
                            <span class="mark-key reread">"re-read"</span>
                            <span class="mark-key skipped">"skipped"</span>
                            <span class="mark-key deferred">"deferred"</span>
                            <span class="mark-key failed">"failed"</span>
                            {t.events.iter().map(|(_, label)| view! { <span class="event">{label.clone()}</span> }).collect_view()}
                        </p>
                    }.into_any()
                }
                _ => view! { <p class="empty">"Runs will appear here."</p> }.into_any(),
            }}
        </section>
    }
}

/// `HH:MM:SS` of an instant on the virtual clock: runs of one story share the day.
fn clock_time(at: gluelab_core::model::clock::Millis) -> String {
    iso8601(at).get(11..19).unwrap_or_default().to_string()
}

fn symbol(kind: VerdictKind) -> &'static str {
    match kind {
        VerdictKind::Read => "R",
        VerdictKind::ReRead => "R²",
        VerdictKind::Skipped => "–",
        VerdictKind::Deferred => "…",
        VerdictKind::Failed => "✗",
    }
}
