//! The `encoding` read option of CSV (Spark's `encoding`/`charset`; a catalog table's
//! `serialization.encoding` SerDe parameter, as LazySimpleSerDe and OpenCSVSerde take it):
//! text in Shift_JIS, EUC-JP, windows-1252, ... decoded to UTF-8 before the reader sees it.
//!
//! Decoded with `encoding_rs` (the WHATWG Encoding Standard), behind the core feature
//! `encodings`. Its CJK tables are about 0.13 MB of gzipped wasm, which the browser bundle has
//! no room for; a build without them decodes with the platform's decoder when its front end
//! installs one ([`install_platform_decoder`]: the browser's `TextDecoder` implements the same
//! standard), and otherwise says it decodes UTF-8 only.
//! As in Spark, bytes that are not valid in the encoding become U+FFFD and the row is kept.
//! *Modelled*: WHATWG's `Shift_JIS` is Windows-31J (CP932, a superset of Java's `Shift_JIS`),
//! and its `ISO-8859-1` is windows-1252 (Java's maps 0x80–0x9F to C1 controls).

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::error::{Error, Location, Result};

/// A platform's decoder: `body` decoded from the WHATWG `label` to text, malformed sequences
/// replaced with U+FFFD; `None` when the platform does not know the label.
pub type PlatformDecoder = fn(label: &str, body: &[u8]) -> Option<String>;

static PLATFORM_DECODER: OnceLock<PlatformDecoder> = OnceLock::new();

/// Installs the decoder a build without the `encodings` feature uses (once per process; a
/// second call is ignored). A build with the feature decodes with `encoding_rs` regardless.
pub fn install_platform_decoder(decoder: PlatformDecoder) {
    let _ = PLATFORM_DECODER.set(decoder);
}

/// Java's and AWS's names that WHATWG's label list lacks, to the WHATWG label.
const JAVA_NAMES: [(&str, &str); 6] = [
    ("cp932", "shift_jis"),
    ("ms932", "shift_jis"),
    ("windows-31j", "shift_jis"),
    ("cp1252", "windows-1252"),
    ("eucjp", "euc-jp"),
    ("utf8", "utf-8"),
];

/// Whether `label` means UTF-8, which needs no decoding.
fn is_utf8(label: &str) -> bool {
    matches!(
        label.trim().to_ascii_lowercase().as_str(),
        "utf-8" | "utf8" | "unicode-1-1-utf-8"
    )
}

fn whatwg_label(label: &str) -> String {
    let lower = label.trim().to_ascii_lowercase();
    JAVA_NAMES
        .iter()
        .find(|(java, _)| *java == lower)
        .map_or(lower, |(_, whatwg)| whatwg.to_string())
}

/// `body` decoded from `label` to UTF-8 (as it is when `label` is UTF-8).
pub fn decode<'a>(object: &str, body: &'a [u8], label: &str) -> Result<Cow<'a, [u8]>> {
    if is_utf8(label) {
        return Ok(Cow::Borrowed(body));
    }
    decode_with(object, body, label)
}

#[cfg(feature = "encodings")]
fn decode_with<'a>(object: &str, body: &'a [u8], label: &str) -> Result<Cow<'a, [u8]>> {
    let encoding = encoding_rs::Encoding::for_label(whatwg_label(label).as_bytes())
        .ok_or_else(|| Error::data(Location::object(object), unknown(label)))?;
    let (text, _, _) = encoding.decode(body);
    Ok(match text {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    })
}

#[cfg(not(feature = "encodings"))]
fn decode_with<'a>(object: &str, body: &'a [u8], label: &str) -> Result<Cow<'a, [u8]>> {
    let Some(decoder) = PLATFORM_DECODER.get() else {
        return Err(Error::data(
            Location::object(object),
            format!(
                "the table's encoding is {label}, but this build of gluelab decodes UTF-8 only (it leaves the encoding tables out): read it with the gluelab CLI, or re-save the file as UTF-8"
            ),
        ));
    };
    decoder(&whatwg_label(label), body)
        .map(|text| Cow::Owned(text.into_bytes()))
        .ok_or_else(|| Error::data(Location::object(object), unknown(label)))
}

fn unknown(label: &str) -> String {
    format!("unknown encoding \"{label}\": expected a name such as Shift_JIS, CP932, EUC-JP, ISO-8859-1, windows-1252 or UTF-16LE")
}

#[cfg(all(test, feature = "encodings"))]
mod tests {
    use super::*;

    #[test]
    fn japanese_and_latin_text_decodes_by_java_and_whatwg_names() {
        let sjis = b"\x83\x66\x83\x6f\x83\x43\x83\x58,\x8f\xf3\x91\xf4\n";
        for label in ["Shift_JIS", "CP932", "windows-31j", "MS932", "sjis"] {
            let text = String::from_utf8(decode("o", sjis, label).unwrap().into_owned()).unwrap();
            assert!(
                text.starts_with("デバイス,") && !text.contains('\u{FFFD}'),
                "{label}: {text}"
            );
        }
        let euc = b"\xa5\xc7\xa5\xd0\xa5\xa4\xa5\xb9\n";
        assert_eq!(&*decode("o", euc, "EUC-JP").unwrap(), "デバイス\n".as_bytes());
        assert_eq!(&*decode("o", b"caf\xe9\n", "ISO-8859-1").unwrap(), "café\n".as_bytes());
        assert!(matches!(decode("o", b"x", "UTF-8").unwrap(), Cow::Borrowed(_)));
        let m = decode("s3://b/k.csv", b"x", "klingon").unwrap_err().to_string();
        assert!(
            m.contains("s3://b/k.csv") && m.contains("unknown encoding \"klingon\""),
            "{m}"
        );
    }
}
