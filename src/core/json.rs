//! JSON text written by the core, byte for byte as `JSON.stringify` writes
//! it, for what leaves the wasm as text: request bodies and error records.
//!
//! One string crossing the boundary costs less than building the same
//! object in JS property by property (each key and value a separate UTF-8
//! decode, measured), and the engine's `JSON.parse` on the far side is fast.

use crate::prelude::*;

use super::num;
use super::text::Piece;
use super::value::Value;

/// `value` as JSON text, or `None` if it holds a number with a fraction:
/// printing one exactly needs float formatting (kilobytes of wasm) and
/// nothing this crate writes has one (bodies hold strings and booleans,
/// records hold indices, statuses and whole seconds).
pub fn write(value: &Value) -> Option<String> {
    let mut out = String::new();
    push_value(&mut out, value)?;
    Some(out)
}

fn push_value(out: &mut String, value: &Value) -> Option<()> {
    match value {
        // What `JSON.stringify` writes for these inside an array; the core
        // never puts them in what it writes.
        Value::Null | Value::Undefined | Value::Unsupported(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if !n.is_finite() => out.push_str("null"),
        Value::Number(n) if num::is_integer(*n) => (*n as i64).push_to(out),
        Value::Number(_) => return None,
        Value::String(s) => push_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_string(out, key);
                out.push(':');
                push_value(out, item)?;
            }
            out.push('}');
        }
    }
    Some(())
}

/// A JSON string literal: `"`, `\` and control characters escaped, the
/// rest (`/`, non-ASCII, U+2028) left as is, as `JSON.stringify` does.
pub fn push_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                for shift in [4, 0] {
                    let digit = HEX.get(((c as u32 >> shift) & 0xf) as usize);
                    out.push(char::from(digit.copied().unwrap_or(b'0')));
                }
            }
            c => out.push(c),
        }
    }
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
    fn keeps_key_order_and_writes_whole_numbers() {
        let value = Value::from_json(r#"{"z":[1,-2,true,null],"a":{"b":"c"},"n":0}"#).unwrap();
        assert_eq!(
            write(&value).unwrap(),
            r#"{"z":[1,-2,true,null],"a":{"b":"c"},"n":0}"#
        );
        assert_eq!(write(&Value::Number(f64::NAN)).unwrap(), "null");
        assert_eq!(write(&Value::Number(1.5)), None);
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-1_000_000i64..1_000_000).prop_map(|n| Value::Number(n as f64)),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((any::<String>(), inner), 0..4).prop_map(Value::Object),
            ]
        })
    }

    proptest! {
        /// serde_json writes JSON exactly as `JSON.stringify` does for these
        /// values (same escapes, lowercase hex, no extra whitespace).
        #[test]
        fn matches_serde_json(value in json_value()) {
            prop_assert_eq!(write(&value).unwrap(), value.to_json());
        }
    }
}
