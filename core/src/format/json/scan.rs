//! The JSON scanner the readers share: one line's values as borrowed slices of its text, with
//! nesting bounded, and the decoding of a string's backslash escapes.

/// The kind of one JSON value found by the scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonKind {
    Null,
    Bool(bool),
    /// `int` is true when the number has no fraction and no exponent.
    Number {
        int: bool,
    },
    /// `escaped` is true when the text holds backslash escapes that must be decoded.
    String {
        escaped: bool,
    },
    Object,
    Array,
}

/// One JSON value as a slice of its line: for strings the text between the quotes (still
/// escaped), for everything else the exact source text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JsonValue<'a> {
    pub kind: JsonKind,
    pub text: &'a str,
}

/// How deep objects and arrays may nest before a line is rejected (keeps recursion bounded).
const MAX_DEPTH: usize = crate::limits::JSON_MAX_DEPTH;

/// A JSON scanner over one line; `pos` is a byte offset.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    /// A syntax error message that names the 1-based character column.
    fn error(&self, what: &str) -> String {
        let column = self.text[..self.pos.min(self.text.len())].chars().count() + 1;
        format!("invalid JSON at column {column}: {what}")
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\r' | b'\n') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), String> {
        self.skip_ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    fn value(&mut self, depth: usize) -> Result<JsonValue<'a>, String> {
        self.skip_ws();
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'"') => {
                let (text, escaped) = self.string()?;
                return Ok(JsonValue {
                    kind: JsonKind::String { escaped },
                    text,
                });
            }
            Some(b'{') => {
                self.container(depth, b'}')?;
                JsonKind::Object
            }
            Some(b'[') => {
                self.container(depth, b']')?;
                JsonKind::Array
            }
            Some(b'-' | b'0'..=b'9') => JsonKind::Number { int: self.number()? },
            Some(b't') => self.literal("true", JsonKind::Bool(true))?,
            Some(b'f') => self.literal("false", JsonKind::Bool(false))?,
            Some(b'n') => self.literal("null", JsonKind::Null)?,
            Some(_) => return Err(self.error("expected a JSON value")),
            None => return Err(self.error("unexpected end of line")),
        };
        Ok(JsonValue {
            kind,
            text: &self.text[start..self.pos],
        })
    }

    fn literal(&mut self, word: &str, kind: JsonKind) -> Result<JsonKind, String> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    /// Scans a string starting at its opening quote; returns the text between the quotes.
    fn string(&mut self) -> Result<(&'a str, bool), String> {
        let bytes = self.text.as_bytes();
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            match bytes.get(self.pos) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    match bytes.get(self.pos + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 2,
                        Some(b'u') => {
                            let hex = bytes.get(self.pos + 2..self.pos + 6);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                self.pos += 1;
                                return Err(self.error("invalid \\u escape"));
                            }
                            self.pos += 6;
                        }
                        _ => {
                            self.pos += 1;
                            return Err(self.error("invalid escape"));
                        }
                    }
                }
                Some(b) if *b < 0x20 => return Err(self.error("control character in string")),
                Some(_) => self.pos += 1,
            }
        }
        let text = &self.text[start..self.pos];
        self.pos += 1;
        Ok((text, escaped))
    }

    /// Scans a number; returns whether it is an integer.
    fn number(&mut self) -> Result<bool, String> {
        let bytes = self.text.as_bytes();
        let digits = |pos: &mut usize| {
            let start = *pos;
            while bytes.get(*pos).is_some_and(u8::is_ascii_digit) {
                *pos += 1;
            }
            *pos - start
        };
        let mut pos = self.pos;
        if bytes[pos] == b'-' {
            pos += 1;
        }
        let int_start = pos;
        let int_digits = digits(&mut pos);
        if int_digits == 0 || (int_digits > 1 && bytes[int_start] == b'0') {
            self.pos = int_start;
            return Err(self.error("invalid number"));
        }
        let mut int = true;
        if bytes.get(pos) == Some(&b'.') {
            pos += 1;
            int = false;
            if digits(&mut pos) == 0 {
                self.pos = pos;
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = bytes.get(pos) {
            pos += 1;
            int = false;
            if let Some(b'+' | b'-') = bytes.get(pos) {
                pos += 1;
            }
            if digits(&mut pos) == 0 {
                self.pos = pos;
                return Err(self.error("invalid number"));
            }
        }
        self.pos = pos;
        Ok(int)
    }

    /// Scans (and validates) a nested object or array starting at its opening bracket.
    fn container(&mut self, depth: usize, close: u8) -> Result<(), String> {
        if depth >= MAX_DEPTH {
            return Err(self.error(&format!(
                "nested too deeply (more than {MAX_DEPTH} levels, the limit JSON_MAX_DEPTH)"
            )));
        }
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(());
        }
        loop {
            if close == b'}' {
                self.skip_ws();
                if self.peek() != Some(b'"') {
                    return Err(self.error("expected a quoted field name"));
                }
                self.string()?;
                self.expect(b':', "expected ':'")?;
            }
            self.value(depth + 1)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(());
                }
                _ if close == b'}' => return Err(self.error("expected ',' or '}'")),
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }
}

/// Scans one line holding one JSON object and calls `on_field(key, value)` for each top-level
/// field in order. Keys with escapes are decoded into `key_buf`; others are passed borrowed.
/// Returns the syntax error, or `expected a JSON object, found ...` for any other top-level value.
pub(crate) fn scan_object<'a>(
    line: &'a str,
    key_buf: &mut String,
    mut on_field: impl FnMut(&str, JsonValue<'a>),
) -> Result<(), String> {
    let mut s = Scanner { text: line, pos: 0 };
    s.skip_ws();
    if s.peek() != Some(b'{') {
        let found = s.value(0).map(|v| match v.kind {
            JsonKind::Array => "an array",
            JsonKind::String { .. } => "a string",
            JsonKind::Number { .. } => "a number",
            JsonKind::Bool(_) => "a boolean",
            _ => "null",
        })?;
        return Err(format!("expected a JSON object, found {found}"));
    }
    s.pos += 1;
    s.skip_ws();
    if s.peek() == Some(b'}') {
        s.pos += 1;
    } else {
        loop {
            s.skip_ws();
            if s.peek() != Some(b'"') {
                return Err(s.error("expected a quoted field name"));
            }
            let (key, escaped) = s.string()?;
            s.expect(b':', "expected ':'")?;
            let value = s.value(1)?;
            if escaped {
                key_buf.clear();
                unescape_into(key, key_buf)?;
                on_field(key_buf, value);
            } else {
                on_field(key, value);
            }
            s.skip_ws();
            match s.peek() {
                Some(b',') => s.pos += 1,
                Some(b'}') => {
                    s.pos += 1;
                    break;
                }
                None => return Err(s.error("unexpected end of line: is a record split over several lines?")),
                _ => return Err(s.error("expected ',' or '}'")),
            }
        }
    }
    s.skip_ws();
    if s.pos != line.len() {
        return Err(s.error("unexpected text after the JSON object"));
    }
    Ok(())
}

/// Decodes the escapes of a JSON string body (already checked by the scanner) into `out`.
pub(crate) fn unescape_into(text: &str, out: &mut String) -> Result<(), String> {
    let mut rest = text;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let esc = rest.as_bytes().get(i + 1).copied();
        rest = rest.get(i + 2..).unwrap_or("");
        let c = match esc {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let hex = |s: &str| s.get(..4).and_then(|h| u32::from_str_radix(h, 16).ok());
                let first = hex(rest).ok_or("invalid \\u escape")?;
                rest = &rest[4..];
                let code = if (0xD800..0xDC00).contains(&first) {
                    let low = rest
                        .strip_prefix("\\u")
                        .and_then(hex)
                        .filter(|l| (0xDC00..0xE000).contains(l));
                    let low = low.ok_or("invalid \\u escape: lone surrogate")?;
                    rest = &rest[6..];
                    0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    first
                };
                char::from_u32(code).ok_or("invalid \\u escape: lone surrogate")?
            }
            _ => return Err("invalid escape".into()),
        };
        out.push(c);
    }
    out.push_str(rest);
    Ok(())
}
