//! Entry point that Trunk builds: mounts the workbench into the page.
//!
//! The same module also runs in the job-run worker (see `gluelab_app::runner`), where there is
//! no window to mount into: there the bootstrap script calls `serveJobRuns` instead.

fn main() {
    if web_sys::window().is_none() {
        return;
    }
    gluelab_app::panic_screen::install();
    gluelab_app::text_decoder::install();
    // The page speaks one language for its life; its catalog is there before the first render.
    wasm_bindgen_futures::spawn_local(async {
        gluelab_app::i18n::load().await;
        leptos::mount::mount_to_body(gluelab_app::App);
    });
}
