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

#[wasm_bindgen_test]
fn the_browsers_text_decoder_decodes_a_tables_encoding_as_core_names_it() {
    use gluelab_app::text_decoder::decode;
    let sjis = b"\x83\x66\x83\x6f\x83\x43\x83\x58,\x8f\xf3\x91\xf4\n";
    assert_eq!(decode("shift_jis", sjis).as_deref(), Some("デバイス,状琢\n"));
    assert_eq!(
        decode("euc-jp", b"\xa5\xc7\xa5\xd0\xa5\xa4\xa5\xb9").as_deref(),
        Some("デバイス")
    );
    assert_eq!(decode("windows-1252", b"caf\xe9").as_deref(), Some("café"));
    // Malformed bytes are replaced, as Spark keeps such rows; an unknown label is None.
    assert_eq!(decode("shift_jis", b"a\x81").as_deref(), Some("a\u{FFFD}"));
    assert_eq!(decode("klingon", b"x"), None);
}

#[wasm_bindgen_test]
fn core_without_its_encoding_tables_decodes_with_the_installed_browser_decoder() {
    use gluelab_core::format::charset;
    gluelab_app::text_decoder::install();
    let sjis = b"\x83\x66\x83\x6f\x83\x43\x83\x58,\x8f\xf3\x91\xf4\n";
    // Java's name, mapped to WHATWG's before the browser sees it.
    let text = charset::decode("s3://b/k.csv", sjis, "CP932").unwrap();
    assert_eq!(std::str::from_utf8(&text).unwrap(), "デバイス,状琢\n");
    let m = charset::decode("s3://b/k.csv", b"x", "klingon")
        .unwrap_err()
        .to_string();
    assert!(
        m.contains("s3://b/k.csv") && m.contains("unknown encoding \"klingon\""),
        "{m}"
    );
}
