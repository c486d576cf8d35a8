//! gluelab-app: the workbench in the browser. It renders and drives `gluelab-core`; every
//! decision about data, runs and bookmarks is core's (see ARCHITECTURE.md).

mod s3_browser;

use gluelab_core::{demo, Workspace};
use leptos::prelude::*;

pub use s3_browser::S3Browser;

/// The workspace being shown, shared through context; components read and update it.
#[derive(Clone, Copy)]
pub struct WorkspaceState(pub RwSignal<Workspace>);

pub fn use_workspace() -> RwSignal<Workspace> {
    expect_context::<WorkspaceState>().0
}

#[component]
pub fn App() -> impl IntoView {
    let workspace = demo::seed_workspace().expect("the embedded demo workspace is valid");
    provide_context(WorkspaceState(RwSignal::new(workspace)));
    view! {
        <header class="topbar">
            <h1>"gluelab"</h1>
            <p class="tagline">"AWS Glue job bookmarks, in your browser"</p>
        </header>
        <main class="layout">
            <S3Browser/>
        </main>
    }
}
