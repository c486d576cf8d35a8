//! What bytes that are not UTF-8 most likely are: text in another encoding, named, or binary.
//! gluelab reads UTF-8 only, so the point is a message a person can act on ("re-save it as
//! UTF-8") instead of "binary" for a spreadsheet saved in Shift_JIS.
//!
//! A guess from byte structure, not a decoder: Japanese text in Shift_JIS uses lead bytes
//! 0x81–0x9F that EUC-JP never has, and EUC-JP keeps both bytes of a character in 0xA1–0xFE;
//! UTF-16 shows a byte order mark or a NUL beside every ASCII character;
//! anything else without control bytes reads as Windows-1252. (A full detector such as
//! `chardetng` brings `encoding_rs`'s tables into the browser bundle, which has no room for them.)

/// What non-UTF-8 bytes look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextGuess {
    /// Control bytes or NULs: not text in any encoding gluelab names.
    Binary,
    /// Text, most likely in this encoding.
    Encoding(Encoding),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Encoding {
    /// Either byte order (Windows' "Unicode" text).
    Utf16,
    ShiftJis,
    EucJp,
    Windows1252,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf16 => "UTF-16",
            Encoding::ShiftJis => "Shift_JIS (CP932)",
            Encoding::EucJp => "EUC-JP",
            Encoding::Windows1252 => "Windows-1252 (Latin-1)",
        }
    }

    /// The name the `encoding` option (and `serialization.encoding`) takes.
    pub fn option_name(self) -> &'static str {
        match self {
            Encoding::Utf16 => "UTF-16",
            Encoding::ShiftJis => "Shift_JIS",
            Encoding::EucJp => "EUC-JP",
            Encoding::Windows1252 => "windows-1252",
        }
    }

    /// The `iconv` name, for the fix's command line.
    fn iconv(self) -> &'static str {
        match self {
            Encoding::Utf16 => "UTF-16",
            Encoding::ShiftJis => "CP932",
            Encoding::EucJp => "EUC-JP",
            Encoding::Windows1252 => "WINDOWS-1252",
        }
    }
}

/// Guesses what `bytes` are, given they are not UTF-8. A multi-byte character cut at the end
/// (a sample's window) does not count against an encoding.
pub fn guess(bytes: &[u8]) -> TextGuess {
    if looks_utf16(bytes) {
        return TextGuess::Encoding(Encoding::Utf16);
    }
    let controls = bytes
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F)
        .count();
    if bytes.contains(&0) || controls * 100 > bytes.len() {
        return TextGuess::Binary;
    }
    if fits_euc_jp(bytes) {
        TextGuess::Encoding(Encoding::EucJp)
    } else if fits_shift_jis(bytes) {
        TextGuess::Encoding(Encoding::ShiftJis)
    } else {
        TextGuess::Encoding(Encoding::Windows1252)
    }
}

/// The reader's message for a line or file that is not UTF-8.
pub fn not_utf8_message(bytes: &[u8]) -> String {
    match guess(bytes) {
        TextGuess::Binary => NOT_TEXT.to_string(),
        TextGuess::Encoding(encoding) => not_utf8_text(encoding),
    }
}

/// What to say of text in `encoding`: what it looks like and how to fix it.
pub fn not_utf8_text(encoding: Encoding) -> String {
    format!(
        "not UTF-8 text: it looks like {}; re-save the file as UTF-8 (iconv -f {} -t UTF-8), or set the table's encoding to {}",
        encoding.name(),
        encoding.iconv(),
        encoding.option_name()
    )
}

/// The message for bytes that are not text at all.
pub(crate) const NOT_TEXT: &str = "not UTF-8 text: is this a binary file?";

/// A byte order mark, or ASCII text with a NUL beside every character.
fn looks_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let nul_at = |parity: usize| bytes.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let pairs = bytes.len() / 2;
    pairs >= 2 && (nul_at(0) * 10 >= pairs * 9 || nul_at(1) * 10 >= pairs * 9)
}

fn fits_shift_jis(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let double = matches!(b, 0x81..=0x9F | 0xE0..=0xFC);
        if double {
            match bytes.get(i + 1) {
                None => return true,
                Some(0x40..=0x7E | 0x80..=0xFC) => i += 2,
                Some(_) => return false,
            }
        } else if b < 0x80 || (0xA1..=0xDF).contains(&b) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

fn fits_euc_jp(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (width, trail): (usize, fn(u8) -> bool) = match b {
            0x00..=0x7F => (1, |_| true),
            0x8E => (2, |t| (0xA1..=0xDF).contains(&t)),
            0x8F => (3, |t| (0xA1..=0xFE).contains(&t)),
            0xA1..=0xFE => (2, |t| (0xA1..=0xFE).contains(&t)),
            _ => return false,
        };
        let end = (i + width).min(bytes.len());
        if !bytes[i + 1..end].iter().all(|&t| trail(t)) {
            return false;
        }
        i += width;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    // "デバイス,状態" and "café" in each encoding, written out by hand from the code tables.
    const SHIFT_JIS: &[u8] = b"\x83\x66\x83\x6f\x83\x43\x83\x58,\x8f\xf3\x91\xf4\n";
    const EUC_JP: &[u8] = b"\xa5\xc7\xa5\xd0\xa5\xa4\xa5\xb9,\xbe\xf5\xc2\xf6\n";
    const LATIN_1: &[u8] = b"caf\xe9,na\xefve\n";

    #[test]
    fn japanese_and_latin_text_is_named() {
        assert_eq!(guess(SHIFT_JIS), TextGuess::Encoding(Encoding::ShiftJis));
        assert_eq!(guess(EUC_JP), TextGuess::Encoding(Encoding::EucJp));
        assert_eq!(guess(LATIN_1), TextGuess::Encoding(Encoding::Windows1252));
        // Cut in the middle of a character, as a sample's window may be.
        assert_eq!(guess(&SHIFT_JIS[..3]), TextGuess::Encoding(Encoding::ShiftJis));
        // "id,name" as Windows saves "Unicode" text, with and without its byte order mark.
        assert_eq!(guess(b"\xff\xfei\0d\0,\0n\0"), TextGuess::Encoding(Encoding::Utf16));
        assert_eq!(guess(b"i\0d\0,\0n\0a\0m\0e\0"), TextGuess::Encoding(Encoding::Utf16));
    }

    #[test]
    fn binary_is_binary() {
        assert_eq!(guess(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), TextGuess::Binary);
        let controls: Vec<u8> = (0..200u8).map(|i| if i % 10 == 0 { 0x01 } else { 0xE9 }).collect();
        assert_eq!(guess(&controls), TextGuess::Binary);
    }

    #[test]
    fn the_message_says_how_to_fix_it() {
        let m = not_utf8_message(SHIFT_JIS);
        assert!(
            m.contains("looks like Shift_JIS (CP932)") && m.contains("iconv -f CP932 -t UTF-8"),
            "{m}"
        );
        assert_eq!(not_utf8_message(b"\0\x01"), NOT_TEXT);
    }
}
