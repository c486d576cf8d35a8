//! Entry point that Trunk builds: mounts the workbench into the page.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(gluelab_app::App);
}
