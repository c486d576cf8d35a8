//! Browser tests: gluelab-core and gluelab-app components running inside headless Chromium
//! (wasm-bindgen-test). Run by `cargo xtask test`.
#![cfg(target_arch = "wasm32")]

use gluelab_core::{demo, model::store::S3Uri};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn core_stores_objects_with_md5_etags_inside_the_browser() {
    let mut ws = demo::seed_workspace().unwrap();
    let uri = S3Uri::new(demo::raw_bucket(), "raw-data/raw-data-1.json");
    let object = ws.put_object(&uri, demo::seed::RAW_DATA_1.as_bytes().to_vec()).unwrap();
    assert_eq!(object.etag, "\"dcb5d4316e5d5a3a7b26bdd56f2aa437\"");
    assert_eq!(object.size(), 66);
}
