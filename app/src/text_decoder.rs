//! The browser's own `TextDecoder` as core's decoder for a table's `encoding`
//! (`gluelab_core::format::charset`): the page leaves `encoding_rs`'s tables out of its
//! bundle, and every browser already carries the same WHATWG Encoding Standard.

use gluelab_core::format::charset;
use web_sys::TextDecoder;

/// Installs the decoder in this thread's copy of core: the page and each worker call it once.
pub fn install() {
    charset::install_platform_decoder(decode);
}

/// `body` decoded from `label`, malformed sequences as U+FFFD (as Spark keeps such rows);
/// `None` when the browser does not know the label.
pub fn decode(label: &str, body: &[u8]) -> Option<String> {
    let decoder = TextDecoder::new_with_label(label).ok()?;
    decoder.decode_with_buffer_source(&js_sys::Uint8Array::from(body)).ok()
}
