//! gluelab-app: the workbench in the browser. It renders and drives `gluelab-core`; every
//! decision about data, runs and bookmarks is core's (see ARCHITECTURE.md).

mod bookmark_panel;
mod editor;
mod explain_panel;
mod job_panel;
mod runner;
mod runs_panel;
mod s3_browser;
mod sink_panel;
mod state;
mod timeline;
mod topbar;
pub mod worker;

use leptos::prelude::*;

pub use state::{use_studio, Notice, RunInFlight, Studio};

#[component]
pub fn App() -> impl IntoView {
    let studio = Studio::restore();
    studio.persist();
    provide_context(studio);
    // The job-run worker loads while the page settles, so the first run does not wait for it.
    set_timeout(move || runner::warm_up(studio), std::time::Duration::from_millis(300));
    view! {
        <topbar::TopBar/>
        <NoticeBar/>
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
                <div class=class role="alert">
                    <span class="notice-text">{text}</span>
                    <button class="link" on:click=move |_| studio.notice.set(None) aria-label="Dismiss">"×"</button>
                </div>
            }
        })
    }
}
