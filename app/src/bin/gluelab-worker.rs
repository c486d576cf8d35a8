//! The job-run Web Worker that Trunk builds next to the app (see `gluelab_app::worker`).

fn main() {
    console_error_panic_hook::set_once();
    gluelab_app::worker::serve();
}
