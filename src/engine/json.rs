//! JSON text written by the engine, byte for byte as `JSON.stringify`
//! writes it, for what leaves the wasm as text: request bodies and error
//! records.
//!
//! One string crossing the boundary costs less than building the same
//! object in JS property by property (each key and value a separate UTF-8
//! decode), and the engine's `JSON.parse` on the far side is fast.

use crate::prelude::*;

use super::text::Piece;

/// A JSON object written field by field, in the order given; absent
/// (`None`) fields are left out, never written as `null`.
pub struct ObjectWriter {
    out: String,
}

impl Default for ObjectWriter {
    fn default() -> Self {
        // Room for a small object from the start: growing a few bytes at a
        // time reallocates at each doubling.
        let mut out = String::with_capacity(128);
        out.push('{');
        ObjectWriter { out }
    }
}

impl ObjectWriter {
    fn key(&mut self, key: &str) {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        push_string(&mut self.out, key);
        self.out.push(':');
    }

    pub fn string(mut self, key: &str, value: Option<&str>) -> Self {
        if let Some(value) = value {
            self.key(key);
            push_string(&mut self.out, value);
        }
        self
    }

    pub fn strings<S: AsRef<str>>(mut self, key: &str, values: Option<&[S]>) -> Self {
        if let Some(values) = values {
            self.key(key);
            self.out.push('[');
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                push_string(&mut self.out, value.as_ref());
            }
            self.out.push(']');
        }
        self
    }

    pub fn boolean(mut self, key: &str, value: Option<bool>) -> Self {
        if let Some(value) = value {
            self.key(key);
            self.out.push_str(if value { "true" } else { "false" });
        }
        self
    }

    pub fn integer(mut self, key: &str, value: Option<i64>) -> Self {
        if let Some(value) = value {
            self.key(key);
            value.push_to(&mut self.out);
        }
        self
    }

    /// A value already written as JSON: a nested object or array, or a
    /// string literal as `JSON.stringify` wrote it.
    pub fn raw(mut self, key: &str, json: Option<&str>) -> Self {
        if let Some(json) = json {
            self.key(key);
            self.out.push_str(json);
        }
        self
    }

    /// A value `write` puts straight into the object's text, as JSON.
    pub fn with(mut self, key: &str, write: impl FnOnce(&mut String)) -> Self {
        self.key(key);
        write(&mut self.out);
        self
    }

    pub fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

/// A JSON array of values already written as JSON.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}

/// `s` as a JSON string literal.
pub fn string(s: &str) -> String {
    let mut out = String::new();
    push_string(&mut out, s);
    out
}

/// A JSON string literal: `"`, `\` and control characters escaped, the
/// rest (`/`, non-ASCII, U+2028) left as is, as `JSON.stringify` does. Runs
/// that need no escape are copied whole rather than a character at a time.
pub fn push_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    let mut run_start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // Escaped bytes are ASCII, so these are char boundaries.
        out.push_str(s.get(run_start..i).unwrap_or_default());
        run_start = i + 1;
        if escape.is_empty() {
            out.push_str("\\u00");
            for shift in [4, 0] {
                let digit = HEX.get(usize::from((b >> shift) & 0xf));
                out.push(char::from(digit.copied().unwrap_or(b'0')));
            }
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(s.get(run_start..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_as_json_stringify_does() {
        let mut out = String::new();
        push_string(
            &mut out,
            "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}/é\u{2028}\u{7f}",
        );
        assert_eq!(
            out,
            r#""a\"b\\c\n\r\t\b\f\u0001\u001f/é"#.to_owned() + "\u{2028}\u{7f}\""
        );
    }

    #[test]
    fn objects_keep_their_order_and_leave_out_absent_fields() {
        let nested = ObjectWriter::default().string("k", Some("v")).finish();
        let list = array([string("a"), "1".into()]);
        let json = ObjectWriter::default()
            .string("z", Some("1"))
            .string("absent", None)
            .strings("list", Some(&["a", "b"]))
            .strings::<&str>("none", None)
            .boolean("yes", Some(true))
            .boolean("no", Some(false))
            .raw("nested", Some(&nested))
            .raw("missing", None)
            .integer("n", Some(-42))
            .integer("none", None)
            .raw("mixed", Some(&list))
            .finish();
        assert_eq!(
            json,
            r#"{"z":"1","list":["a","b"],"yes":true,"no":false,"nested":{"k":"v"},"n":-42,"mixed":["a",1]}"#
        );
        assert_eq!(array(Vec::new()), "[]");
        assert_eq!(ObjectWriter::default().finish(), "{}");
    }

    proptest! {
        /// serde_json escapes strings exactly as `JSON.stringify` does (same
        /// escapes, lowercase hex), so it is the reference here.
        #[test]
        fn strings_match_serde_json(s in any::<String>(), key in any::<String>()) {
            let mut out = String::new();
            push_string(&mut out, &s);
            prop_assert_eq!(&out, &serde_json::to_string(&s).unwrap());
            let object = ObjectWriter::default().string(&key, Some(&s)).finish();
            let expected = serde_json::to_string(&serde_json::json!({ key: s })).unwrap();
            prop_assert_eq!(object, expected);
        }
    }
}
