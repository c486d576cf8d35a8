//! The presenter view, for a room on a projector: larger text, a one-row top bar, and a pinned
//! story strip (this run's verdicts, the bookmark's last change, the sink's rows and
//! duplicates). Also the page's own preferences (presenter view, theme), kept in this
//! browser's localStorage so a reload keeps them, and the spotlight that brings the panels a
//! tour step changed into view.

use gloo_storage::{LocalStorage, Storage};
use gluelab_core::model::bookmark::BookmarkEvent;
use gluelab_core::model::lineage::VerdictKind;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use crate::i18n::{t, tf};
use crate::state::use_studio;

const PREFERENCES_KEY: &str = "gluelab.preferences";

/// How the page looks (view state, saved in localStorage, not with the workspace).
#[derive(Clone, Copy)]
pub struct Preferences {
    pub present: RwSignal<bool>,
    pub dark: RwSignal<bool>,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    present: bool,
    dark: bool,
}

pub fn use_preferences() -> Preferences {
    expect_context::<Preferences>()
}

impl Preferences {
    /// The saved preferences, or: not presenting, and the theme the system prefers.
    pub fn load() -> Self {
        let saved = LocalStorage::get::<Saved>(PREFERENCES_KEY).unwrap_or_else(|_| Saved {
            present: false,
            dark: prefers_dark(),
        });
        let preferences = Self {
            present: RwSignal::new(saved.present),
            dark: RwSignal::new(saved.dark),
        };
        Effect::new(move |_| {
            let saved = Saved {
                present: preferences.present.get(),
                dark: preferences.dark.get(),
            };
            let root = document().document_element().expect("a root element");
            let _ = root.set_attribute("data-theme", if saved.dark { "dark" } else { "light" });
            let _ = root.set_attribute("data-present", if saved.present { "on" } else { "off" });
            // A browser that refuses storage (private mode, quota) still shows the choice.
            let _ = LocalStorage::set(PREFERENCES_KEY, &saved);
        });
        preferences
    }

    pub fn toggle_present(&self) {
        self.present.update(|p| *p = !*p);
    }
}

fn prefers_dark() -> bool {
    matches_media("(prefers-color-scheme: dark)")
}

fn matches_media(query: &str) -> bool {
    window()
        .match_media(query)
        .ok()
        .flatten()
        .is_some_and(|query| query.matches())
}

/// Smooth, so the room follows where the page went; at once for those who asked for less motion.
pub fn scroll_behavior() -> web_sys::ScrollBehavior {
    if matches_media("(prefers-reduced-motion: reduce)") {
        web_sys::ScrollBehavior::Auto
    } else {
        web_sys::ScrollBehavior::Smooth
    }
}

/// The panels (by their heading's id) that show what a change did. The first is scrolled
/// into view; all are outlined for a moment.
pub fn spotlight(headings: &'static [&'static str]) {
    // On the next frame: the change has rendered by then.
    request_animation_frame(move || {
        let mut first = true;
        for id in headings {
            let Some(panel) = document()
                .get_element_by_id(id)
                .and_then(|heading| heading.closest("section").ok().flatten())
            else {
                continue;
            };
            let classes = panel.class_list();
            let _ = classes.remove_1("spotlight");
            // Reading the layout restarts the outline's animation for a panel lit just before.
            if let Some(element) = panel.dyn_ref::<web_sys::HtmlElement>() {
                let _ = element.offset_width();
            }
            let _ = classes.add_1("spotlight");
            if std::mem::take(&mut first) {
                scroll_below_pinned(&panel);
            }
        }
    });
}

/// Scrolls so `panel`'s top sits just under whatever is pinned to the top of the page.
fn scroll_below_pinned(panel: &web_sys::Element) {
    let pinned = document()
        .get_element_by_id("stage-head")
        .filter(|head| {
            window()
                .get_computed_style(head)
                .ok()
                .flatten()
                .and_then(|style| style.get_property_value("position").ok())
                .is_some_and(|position| position == "sticky")
        })
        .map_or(0.0, |head| head.get_bounding_client_rect().bottom());
    let top = panel.get_bounding_client_rect().top() + window().scroll_y().unwrap_or(0.0);
    let options = web_sys::ScrollToOptions::new();
    options.set_top((top - pinned - 8.0).max(0.0));
    options.set_behavior(scroll_behavior());
    window().scroll_to_with_scroll_to_options(&options);
}

/// The presenter view's pinned strip: what the room should be looking at, whatever the page's
/// scroll. Each cell names the panel with the details.
#[component]
pub fn StoryStrip() -> impl IntoView {
    let studio = use_studio();
    let preferences = use_preferences();
    let run = move || {
        let job = studio.job_name()?;
        let selected = studio.selected_run.get();
        studio.workspace.with(|ws| {
            let run = match selected {
                Some(id) => ws.run(&id).ok()?,
                None => ws.runs_of(&job).last()?,
            };
            let verdicts: Vec<(VerdictKind, String)> = run
                .lineage
                .files
                .iter()
                .map(|f| (f.kind, ws.object_label(&job, &f.object)))
                .collect();
            Some((
                ws.run_label(crate::i18n::catalog(), &job, &run.id),
                run.state.as_str(),
                verdicts,
            ))
        })
    };
    let bookmark = move || {
        let job = studio.job_name()?;
        studio.workspace.with(|ws| {
            let newest = ws.bookmark_versions(&job).into_iter().next()?;
            let what = match &newest.event {
                BookmarkEvent::RunStarted { run_id, .. } => tf(
                    "{run} started",
                    &[("run", &ws.run_label(crate::i18n::catalog(), &job, run_id))],
                ),
                BookmarkEvent::Committed { run_id, .. } => tf(
                    "committed by {run}",
                    &[("run", &ws.run_label(crate::i18n::catalog(), &job, run_id))],
                ),
                BookmarkEvent::RunFailed { run_id, .. } => tf(
                    "{run} failed: not committed",
                    &[("run", &ws.run_label(crate::i18n::catalog(), &job, run_id))],
                ),
                BookmarkEvent::Reset { .. } => t("reset").to_string(),
                BookmarkEvent::Rewound { to_run_id, .. } => tf(
                    "rewound to {run}",
                    &[("run", &ws.run_label(crate::i18n::catalog(), &job, to_run_id))],
                ),
            };
            Some(tf(
                "v{version} · {what}",
                &[("version", &newest.version), ("what", &what)],
            ))
        })
    };
    let sink = move || {
        let job = studio.job_name()?;
        let chosen = studio.selected_sink.get();
        studio.workspace.with(|ws| {
            let index = crate::sink_panel::chosen_sink(ws, &job, chosen);
            crate::sink_panel::sink_counts(ws, &job, index)
        })
    };
    view! {
        <Show when=move || preferences.present.get() && studio.job_name().is_some()>
            <div class="story" id="story-strip" aria-label=t("What the room should see")>
                <div class="story-cell" id="story-run">
                    <span class="story-label">{t("Run")}</span>
                    {move || match run() {
                        None => view! { <span class="story-empty">{t("no run yet")}</span> }.into_any(),
                        Some((label, state, verdicts)) => view! {
                            <span class="story-value">{label} " · " <span class=format!("state {}", state.to_lowercase()) translate="no">{state}</span></span>
                            <span class="story-verdicts">
                                {verdicts.into_iter().map(|(kind, name)| {
                                    let class = format!("verdict-chip {}", kind.as_str().replace('-', ""));
                                    view! {
                                    <span class=class>
                                        <span class="badge">{gluelab_core::engine::verdict_word(crate::i18n::catalog(), kind)}</span> " " <span translate="no">{name}</span>
                                    </span>
                                }}).collect_view()}
                            </span>
                        }.into_any(),
                    }}
                </div>
                <div class="story-cell" id="story-bookmark">
                    <span class="story-label">{t("Bookmark")}</span>
                    <span class="story-value">{move || bookmark().unwrap_or_else(|| t("no version yet").to_string())}</span>
                </div>
                <div class="story-cell" id="story-sink">
                    <span class="story-label">{t("Sink")}</span>
                    <span class="story-value">{move || match sink() {
                        Some((rows, 0)) => tf("{rows} rows", &[("rows", &rows)]),
                        Some((rows, 1)) => tf("{rows} rows · 1 duplicate", &[("rows", &rows)]),
                        Some((rows, duplicates)) => tf(
                            "{rows} rows · {duplicates} duplicates",
                            &[("rows", &rows), ("duplicates", &duplicates)],
                        ),
                        None => t("see the Sink panel").to_string(),
                    }}</span>
                </div>
            </div>
        </Show>
    }
}
