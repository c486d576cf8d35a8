//! gluelab-app: the workbench in the browser. It renders and drives `gluelab-core`; every
//! decision about data, runs and bookmarks is core's (see ARCHITECTURE.md).

mod bookmark_panel;
mod editor;
mod examples;
mod exercise;
mod explain_panel;
mod first_steps;
pub mod i18n;
mod job_panel;
pub mod panic_screen;
mod persistence;
mod presenter;
pub mod preview_worker;
mod query_box;
mod query_runner;
pub mod query_worker;
mod run_options;
mod runner;
mod runs_panel;
mod s3_browser;
mod share;
mod shortcuts;
mod sink_panel;
mod state;
pub mod text_decoder;
mod timeline;
mod topbar;
mod tour;
pub mod worker;

use gluelab_core::Workspace;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::t;
pub use state::{use_studio, Notice, RunInFlight, SaveStatus, Studio};

/// Public for the component tests (`tests/tests/browser_components.rs`), which mount these
/// panels on their own, with the context they expect (`Studio`, `Tour`, `Overlays`).
pub use self::{
    bookmark_panel::BookmarkPanel, exercise::Exercises, explain_panel::ExplainPanel, job_panel::JobPanel,
    presenter::Preferences, runs_panel::RunsPanel, shortcuts::Overlays, sink_panel::SinkPanel, timeline::Timeline,
    topbar::TopBar, tour::Tour,
};

/// The performance mark set once the workbench first shows the workspace (for measuring).
pub const FIRST_RENDER_MARK: &str = "gluelab-first-render";

#[component]
pub fn App() -> impl IntoView {
    let studio = Studio::new(Workspace::default());
    let tour = tour::Tour::new();
    let overlays = shortcuts::Overlays::new();
    let preferences = presenter::Preferences::load();
    provide_context(studio);
    provide_context(tour);
    provide_context(overlays);
    provide_context(preferences);
    let exercises = exercise::Exercises::new();
    provide_context(exercises);
    studio.persist();
    shortcuts::install(studio, tour, overlays, preferences);
    spawn_local(async move {
        let first_visit = studio.restore().await;
        let shared = share::open_link(studio, tour, exercises);
        if first_visit && !shared {
            tour.offer("seed");
        } else if !shared {
            // A reload keeps the tour where it was.
            tour.resume();
        }
        if let Some(why) = i18n::load_error() {
            studio.notice.set(Some(Notice::Error(why.to_string())));
        }
        studio.ready.set(true);
        // A share link pasted into this tab's address bar changes only the fragment.
        let _listening = window_event_listener(leptos::ev::hashchange, move |_| {
            share::open_link(studio, tour, exercises);
        });
        // Marked on the frame after the panels render: what "ready" costs a first visitor.
        request_animation_frame(|| {
            if let Some(performance) = window().performance() {
                let _ = performance.mark(FIRST_RENDER_MARK);
            }
        });
    });
    // The job-run worker loads while the page settles, so the first run does not wait for it.
    set_timeout(move || runner::warm_up(studio), std::time::Duration::from_millis(300));
    view! {
        <topbar::TopBar/>
        <RejectedWorkspace/>
        <Show when=move || studio.saving_elsewhere.get()>
            <div class="notice info" role="status" id="other-tab">
                <span class="notice-text">
                    {t("Another gluelab tab in this browser owns saving: changes made here are not saved. \
                        Close that tab and reload this one to save here.")}
                </span>
            </div>
        </Show>
        // Pinned under the top bar while the page scrolls: the notice, the tour, the story strip.
        <div class="stage-head" id="stage-head">
            <NoticeBar/>
            <Show when=move || studio.ready.get()>
                <tour::TourPanel/>
                <first_steps::FirstStepsPanel/>
                <exercise::ChallengeBanner/>
                <presenter::StoryStrip/>
            </Show>
        </div>
        <Show
            when=move || studio.ready.get()
            fallback=|| view! { <p class="opening" id="opening">{t("Opening your workspace…")}</p> }
        >
            <main class="layout">
                <div class="column">
                    <s3_browser::S3Browser/>
                    <job_panel::JobPanel/>
                    <runs_panel::RunsPanel/>
                </div>
                <div class="column">
                    <bookmark_panel::BookmarkPanel/>
                    <timeline::Timeline/>
                </div>
                <div class="column wide">
                    <explain_panel::ExplainPanel/>
                    <sink_panel::SinkPanel/>
                </div>
            </main>
        </Show>
        <examples::ExamplesDialog/>
        <shortcuts::ShortcutHelp/>
    }
}

/// The saved workspace that did not load: download it, retry, or start over (only then is the
/// workspace on screen saved over it).
#[component]
fn RejectedWorkspace() -> impl IntoView {
    let studio = use_studio();
    let download = move |_| {
        studio.rejected.with_untracked(|bytes| {
            if let Some(bytes) = bytes {
                let _ = share::download("saved-workspace.gluelab.json", "application/json", bytes);
            }
        })
    };
    move || {
        studio.rejected.with(Option::is_some).then(|| {
            view! {
                <div class="notice error" role="alert" id="rejected-workspace">
                    <span class="notice-text">
                        {t("The workspace saved in this browser did not load. It is kept unchanged: \
                            this page saves nothing over it until you choose.")}
                    </span>
                    <button class="btn secondary" id="download-rejected" on:click=download>{t("Download it")}</button>
                    <button class="btn secondary" id="retry-rejected" on:click=move |_| { let _ = window().location().reload(); }>{t("Retry")}</button>
                    <button class="btn secondary" id="discard-rejected" on:click=move |_| studio.rejected.set(None)
                        title=t("Save the workspace on screen in its place (a copy stays set aside)")>{t("Start over")}</button>
                </div>
            }
        })
    }
}

#[component]
fn NoticeBar() -> impl IntoView {
    let studio = use_studio();
    move || {
        studio.notice.get().map(|notice| {
            let (class, text) = match notice {
                Notice::Info(t) => ("notice info", t),
                Notice::Error(t) => ("notice error", t),
            };
            view! {
                <div class=class role="alert" id="notice">
                    <span class="notice-text">{text}</span>
                    <button class="link" on:click=move |_| studio.notice.set(None) aria-label=t("Dismiss")>"×"</button>
                </div>
            }
        })
    }
}
