//! Release builds for the browser drop the wasm `name` section (function names for stack
//! traces: about 3 MB raw and 0.5 MB gzip of the module). wasm-ld's `--strip-all` removes it and,
//! unlike `--strip-debug`, really does; custom sections such as the one wasm-bindgen reads are
//! kept (lld drops only `name` and `.debug_*`). Trunk cannot pass wasm-bindgen's
//! `--remove-name-section`, hence the link argument. `--strip-all` also drops the
//! `target_features` section, so wasm-bindgen warns that it cannot detect the module's features
//! and uses its defaults for this target, which the browser and e2e tests run.

fn main() {
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    let release = std::env::var("PROFILE").is_ok_and(|profile| profile == "release");
    if wasm && release {
        println!("cargo:rustc-link-arg-bins=--strip-all");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
