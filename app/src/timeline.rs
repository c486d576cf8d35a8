//! Runs along the virtual clock against source objects: a mark for each read, skip and
//! re-read, so a reset or a rewind can be *seen*; each object's upload or overwrite on the
//! same clock. Clicking a mark picks its run and object: the sink lights the rows they gave.

use gluelab_core::model::clock::iso8601;
use gluelab_core::model::lineage::VerdictKind;
use gluelab_core::views::ObjectChange;
use leptos::prelude::*;

use crate::i18n::{catalog, t, tf};
use crate::state::use_studio;

// Fixed sizes: the timeline scrolls sideways as runs are added instead of shrinking its text.
const ROW: f64 = 34.0;
const COL: f64 = 84.0;
const LEFT: f64 = 190.0;
/// The widest the labels' column grows for long paths (`year=2026/month=01/orders-1.json`);
/// a longer label keeps its end (the file name), the whole key is in its tooltip.
const LEFT_MAX: f64 = 340.0;
/// A label's character width, and the room around a label (a write's diamond stands at its end).
const CHAR: f64 = 8.5;
const PAD: f64 = 28.0;
/// Room above the marks for each run's number and start time, and the events' labels.
const TOP: f64 = 62.0;
const MARK_WIDTH: f64 = 56.0;

#[component]
pub fn Timeline() -> impl IntoView {
    let studio = use_studio();
    let timeline = move || {
        let job = studio.job_name()?;
        studio.workspace.with(|ws| {
            let t = ws.timeline(&job, catalog()).ok()?;
            // Objects by their path under the job's source, so one name in two folders reads apart.
            let labels: Vec<String> = t.objects.iter().map(|o| ws.object_label(&job, o)).collect();
            Some((t, labels))
        })
    };
    let pick = move |run_id: String, object: String| {
        studio.selected_run.set(Some(run_id));
        studio.selected_object.set(Some(object));
        crate::presenter::spotlight(&["sink-title"]);
    };
    let picked = move |run_id: &str, object: &str| {
        studio.selected_run.with(|r| r.as_deref() == Some(run_id))
            && studio.selected_object.with(|o| o.as_deref() == Some(object))
    };
    view! {
        <section class="panel" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{t("Timeline")}</h2>
            {move || match timeline() {
                Some((tl, labels)) if !tl.runs.is_empty() || !tl.objects.is_empty() => {
                    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
                    let left = (longest as f64 * CHAR + PAD).clamp(LEFT, LEFT_MAX);
                    let fits = ((LEFT_MAX - PAD) / CHAR) as usize;
                    let width = left + COL * tl.runs.len().max(1) as f64 + 20.0;
                    let height = TOP + ROW * tl.objects.len().max(1) as f64 + 10.0;
                    // Between the runs before and after an instant: where an event or a write stands.
                    let column_edge = |at| left + COL * tl.runs_before(at) as f64 - 6.0;
                    view! {
                        <div class="timeline-scroll">
                        <svg class="timeline" id="timeline" viewBox=format!("0 0 {width} {height}") width=width height=height
                            role="img" aria-label=t("Runs against source objects")>
                            {tl.objects.iter().enumerate().map(|(i, o)| {
                                let deleted = tl.deleted.contains(&i);
                                let label = &labels[i];
                                let count = label.chars().count();
                                let name = if count > fits {
                                    format!("…{}", label.chars().skip(count + 1 - fits).collect::<String>())
                                } else {
                                    label.clone()
                                };
                                view! {
                                    <text x="4" y=TOP + ROW * i as f64 + 22.0 class="tl-label" class:tl-deleted=deleted translate="no">
                                        <title>{if deleted { tf("{object} (deleted)", &[("object", o)]) } else { o.clone() }}</title>
                                        {name}
                                    </text>
                                }
                            }).collect_view()}
                            {tl.runs.iter().enumerate().map(|(i, r)| view! {
                                <text x=left + COL * i as f64 + 8.0 y="20" class="tl-run">
                                    <title>{format!("{} {}", r.run_id, r.state.as_str())}</title>
                                    {tf("run {n}", &[("n", &(i + 1))])}
                                </text>
                                <text x=left + COL * i as f64 + 8.0 y="38" class="tl-time" translate="no">{clock_time(r.started_on)}</text>
                            }).collect_view()}
                            // A reset or a rewind: a dashed line between the runs before and after it.
                            {tl.events.iter().map(|(at, label)| {
                                let x = column_edge(*at);
                                view! {
                                    <line x1=x x2=x y1="44" y2=height - 4.0 class="tl-event">
                                        <title>{tf("{event} at {time}", &[("event", label), ("time", &iso8601(*at))])}</title>
                                    </line>
                                    <text x=x + 3.0 y="56" class="tl-event-label">{label.clone()}</text>
                                }
                            }).collect_view()}
                            // Each object's last write: a small diamond where it stands among the runs.
                            {tl.writes.iter().map(|w| {
                                let (x, y) = (column_edge(w.at), TOP + ROW * w.object as f64 + 14.0);
                                let time = iso8601(w.at);
                                let (class, what) = match w.change {
                                    ObjectChange::Uploaded => ("tl-write uploaded", tf("uploaded at {time}", &[("time", &time)])),
                                    ObjectChange::Overwritten => {
                                        ("tl-write overwritten", tf("overwritten at {time}", &[("time", &time)]))
                                    }
                                };
                                view! {
                                    <path d=format!("M {x} {} l 6 6 l -6 6 l -6 -6 z", y - 6.0) class=class>
                                        <title>{what}</title>
                                    </path>
                                }
                            }).collect_view()}
                            {tl.marks.iter().map(|m| {
                                let (x, y) = (left + COL * m.run as f64 + 8.0, TOP + ROW * m.object as f64 + 4.0);
                                let class = format!("mark {}", m.kind.as_str().replace('-', ""));
                                let run_id = tl.runs[m.run].run_id.clone();
                                let object = tl.objects[m.object].clone();
                                let name = labels[m.object].clone();
                                let title = tf(
                                    "run {n}: {verdict} {object}: click to see the rows it wrote",
                                    &[("n", &(m.run + 1)), ("verdict", &gluelab_core::engine::verdict_word(crate::i18n::catalog(), m.kind)), ("object", &name)],
                                );
                                let (r, o) = (run_id.clone(), object.clone());
                                let label = title.clone();
                                let lit = move || picked(&r, &o);
                                view! {
                                    <g class="tl-mark" class:picked=lit role="button" tabindex="0" aria-label=label
                                        data-run=m.run + 1 data-object=name
                                        on:click=move |_| pick(run_id.clone(), object.clone())>
                                        <rect x=x y=y width=MARK_WIDTH height="26" rx="5" class=class><title>{title}</title></rect>
                                        <text x=x + MARK_WIDTH / 2.0 y=y + 18.0 class="mark-text">{symbol(m.kind)}</text>
                                    </g>
                                }
                            }).collect_view()}
                        </svg>
                        </div>
                        <p class="legend">
                            <span class="mark-key read">{t("read")}</span>
                            <span class="mark-key reread">{t("re-read")}</span>
                            <span class="mark-key skipped">{t("skipped")}</span>
                            <span class="mark-key deferred">{t("deferred")}</span>
                            <span class="mark-key failed">{t("failed")}</span>
                            <span class="write-key">"◆ " {t("uploaded / overwritten")}</span>
                            {tl.events.iter().map(|(_, label)| view! { <span class="event">{label.clone()}</span> }).collect_view()}
                        </p>
                    }.into_any()
                }
                _ => view! { <p class="empty">{t("Runs will appear here.")}</p> }.into_any(),
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
