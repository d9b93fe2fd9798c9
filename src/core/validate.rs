//! Validation machinery: walks a `Value`, collects every problem with a
//! zod-style code and path, and yields typed values when all is well.
//!
//! One rule lives in one place: the rules below (E.164, recipient, HTTPS URL,
//! enums, integer ranges) are shared by every method.

use crate::prelude::*;

use super::error::Error;
use super::text::{cat, join, split_at_each, split_once_at};
use super::value::{field, Value};

/// zod's issue codes, so users of zod 3/4 find what they expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueCode {
    InvalidType,
    InvalidValue,
    InvalidFormat,
    TooSmall,
    TooBig,
    UnrecognizedKeys,
    Custom,
}

impl IssueCode {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::InvalidType => "invalid_type",
            IssueCode::InvalidValue => "invalid_value",
            IssueCode::InvalidFormat => "invalid_format",
            IssueCode::TooSmall => "too_small",
            IssueCode::TooBig => "too_big",
            IssueCode::UnrecognizedKeys => "unrecognized_keys",
            IssueCode::Custom => "custom",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

impl From<&str> for PathSegment {
    fn from(key: &str) -> Self {
        PathSegment::Key(key.to_owned())
    }
}

impl From<usize> for PathSegment {
    fn from(index: usize) -> Self {
        PathSegment::Index(index)
    }
}

pub type Path = Vec<PathSegment>;

pub fn child(path: &[PathSegment], segment: impl Into<PathSegment>) -> Path {
    let mut p = path.to_vec();
    p.push(segment.into());
    p
}

/// Renders a path as users write it: `fallback.when[0]`.
pub fn path_text(path: &[PathSegment]) -> String {
    if path.is_empty() {
        return "(root)".to_owned();
    }
    let mut out = String::new();
    for (i, seg) in path.iter().enumerate() {
        match seg {
            PathSegment::Key(k) if i == 0 => out.push_str(k),
            PathSegment::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            PathSegment::Index(n) => out.push_str(&cat!('[', n, ']')),
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub code: IssueCode,
    pub path: Path,
    /// Says what is wrong, without the path (zod style); `Issues::summary`
    /// adds the path.
    pub message: String,
}

/// Every problem found in one call's input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Issues(pub Vec<Issue>);

impl Issues {
    /// A single problem.
    pub fn one(code: IssueCode, path: &[PathSegment], message: impl Into<String>) -> Issues {
        Issues(vec![Issue {
            code,
            path: path.to_vec(),
            message: message.into(),
        }])
    }

    /// One line naming every field at fault, used as the error's message.
    pub fn summary(&self, what: &str) -> String {
        let parts = self.0.iter().map(|i| match i.path.is_empty() {
            true => i.message.clone(),
            false => cat!(path_text(&i.path), ": ", i.message),
        });
        cat!("Invalid ", what, ": ", join(parts, "; "))
    }
}

/// Collects issues while a parser walks its input.
#[derive(Default)]
pub struct Validator {
    issues: Vec<Issue>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn issue(&mut self, code: IssueCode, path: &[PathSegment], message: impl Into<String>) {
        self.issues.push(Issue {
            code,
            path: path.to_vec(),
            message: message.into(),
        });
    }

    pub fn type_error(&mut self, path: &[PathSegment], expected: &str, got: &Value) {
        self.issue(
            IssueCode::InvalidType,
            path,
            cat!("expected ", expected, ", received ", got.kind()),
        );
    }

    /// Checks that `value` is a plain object holding only `allowed` keys.
    pub fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &[PathSegment],
        allowed: &[&str],
    ) -> Option<&'v [(String, Value)]> {
        let Some(entries) = value.as_object() else {
            self.type_error(path, "object", value);
            return None;
        };
        let unknown: Vec<&str> = entries
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !allowed.contains(k))
            .collect();
        if !unknown.is_empty() {
            let quoted = unknown.iter().map(|k| shown(k));
            self.issue(
                IssueCode::UnrecognizedKeys,
                path,
                cat!(
                    "unrecognized key",
                    if unknown.len() > 1 { "s " } else { " " },
                    join(quoted, ", "),
                    " (allowed: ",
                    join(allowed, ", "),
                    ')'
                ),
            );
        }
        Some(entries)
    }

    /// A field that must be present and not null.
    pub fn required<'v, T>(
        &mut self,
        entries: &'v [(String, Value)],
        path: &[PathSegment],
        key: &str,
        expected: &str,
        rule: impl FnOnce(&mut Self, &'v Value, &[PathSegment]) -> Option<T>,
    ) -> Option<T> {
        let field_path = child(path, key);
        match field(entries, key) {
            None => {
                self.issue(
                    IssueCode::InvalidType,
                    &field_path,
                    cat!("expected ", expected, ", received undefined"),
                );
                None
            }
            Some(absent @ (Value::Null | Value::Undefined)) => {
                self.type_error(&field_path, expected, absent);
                None
            }
            Some(v) => rule(self, v, &field_path),
        }
    }

    /// A field that may be absent; `null` means absent (the service marks
    /// optional fields nullable). `Some(None)` is "absent", `None` is "invalid".
    pub fn optional<'v, T>(
        &mut self,
        entries: &'v [(String, Value)],
        path: &[PathSegment],
        key: &str,
        rule: impl FnOnce(&mut Self, &'v Value, &[PathSegment]) -> Option<T>,
    ) -> Option<Option<T>> {
        match field(entries, key) {
            None | Some(Value::Null | Value::Undefined) => Some(None),
            Some(v) => rule(self, v, &child(path, key)).map(Some),
        }
    }

    /// Returns the parsed value when no issue was found.
    /// `finish`, as the core's error: `what` names the input in the
    /// message ("send params").
    pub fn finish_as<T>(self, what: &'static str, parsed: Option<T>) -> Result<T, Error> {
        self.finish(parsed)
            .map_err(|issues| Error::Validation { what, issues })
    }

    pub fn finish<T>(self, parsed: Option<T>) -> Result<T, Issues> {
        match parsed {
            Some(value) if self.issues.is_empty() => Ok(value),
            // A parser only yields None after recording why; the fallback
            // keeps that promise even if a future parser forgets.
            _ if self.issues.is_empty() => Err(Issues(vec![Issue {
                code: IssueCode::Custom,
                path: Vec::new(),
                message: "invalid input".into(),
            }])),
            _ => Err(Issues(self.issues)),
        }
    }
}

// ---------------------------------------------------------------------------
// Shared rules. Each takes the value and its path, records any issue, and
// returns the typed value only when valid.

pub fn string<'v>(v: &mut Validator, value: &'v Value, path: &[PathSegment]) -> Option<&'v str> {
    match value {
        Value::String(s) => Some(s),
        other => {
            v.type_error(path, "string", other);
            None
        }
    }
}

pub fn non_empty_string<'v>(
    v: &mut Validator,
    value: &'v Value,
    path: &[PathSegment],
) -> Option<&'v str> {
    let s = string(v, value, path)?;
    if s.is_empty() {
        v.issue(
            IssueCode::TooSmall,
            path,
            "must not be empty (at least 1 character)",
        );
        return None;
    }
    Some(s)
}

pub fn boolean(v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        other => {
            v.type_error(path, "boolean", other);
            None
        }
    }
}

/// E.164: "+" then 2 to 15 digits, the first 1-9.
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// A deliberately plain address check: one "@", a non-empty local part, a
/// dotted domain, no spaces or control characters. The service decides
/// whether the address has iMessage.
pub fn is_email(s: &str) -> bool {
    if s.len() > 254 || has_space_or_control(s) {
        return false;
    }
    let Some((local, domain)) = split_once_at(s, b'@') else {
        return false;
    };
    // Dotted, and no empty label: no leading, trailing or double dot.
    !local.is_empty()
        && local.len() <= 64
        && !domain.bytes().any(|b| b == b'@')
        && domain.bytes().any(|b| b == b'.')
        && !split_at_each(domain, b'.').any(str::is_empty)
}

/// Whether `s` holds whitespace or a control character (never allowed in a
/// key, an address or a URL: a pasted newline is the usual culprit).
pub fn has_space_or_control(s: &str) -> bool {
    s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// User input quoted for a message, cut to 40 characters, quotes and
/// backslashes escaped, control characters replaced. (Not `{:?}`, whose
/// Unicode tables would grow the wasm.)
pub fn shown(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(44) + 2);
    out.push('"');
    for (i, c) in s.chars().enumerate() {
        if i == 40 {
            out.push('…');
            break;
        }
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn e164(v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<String> {
    let s = string(v, value, path)?;
    if !is_e164(s) {
        v.issue(
            IssueCode::InvalidFormat,
            path,
            cat!(
                shown(s),
                " is not an E.164 phone number (\"+\" then 2 to 15 digits, e.g. \"+15551234567\")"
            ),
        );
        return None;
    }
    Some(s.to_owned())
}

/// An iMessage recipient: an E.164 number or an (iCloud) email address.
pub fn recipient(v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<String> {
    let s = string(v, value, path)?;
    if !is_e164(s) && !is_email(s) {
        v.issue(
            IssueCode::InvalidFormat,
            path,
            cat!(
                shown(s),
                " is neither an E.164 phone number (e.g. \"+15551234567\") nor an email address"
            ),
        );
        return None;
    }
    Some(s.to_owned())
}

/// An absolute `https://` URL with a host and no whitespace.
pub fn is_https_url(s: &str) -> bool {
    let Some(scheme) = s.get(..8) else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("https://") {
        return false;
    }
    // Found by byte position: `split`/`rsplit` link a reverse searcher and
    // its panic path (a kilobyte of wasm) for this one check.
    let rest = s.get(8..).unwrap_or("").as_bytes();
    let authority_end = rest
        .iter()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or_default();
    let host_start = authority
        .iter()
        .rposition(|&b| b == b'@')
        .map_or(0, |at| at + 1);
    let host = authority.get(host_start..).unwrap_or_default();
    !host.is_empty() && !host.starts_with(b":") && !has_space_or_control(s)
}

pub fn https_url(v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<String> {
    let s = string(v, value, path)?;
    if !is_https_url(s) {
        v.issue(
            IssueCode::InvalidFormat,
            path,
            cat!(shown(s), " is not an absolute https:// URL"),
        );
        return None;
    }
    Some(s.to_owned())
}

/// One of a fixed set of strings, mapped to its typed value.
pub fn one_of<T: Copy>(
    v: &mut Validator,
    value: &Value,
    path: &[PathSegment],
    choices: &[(&str, T)],
) -> Option<T> {
    let s = string(v, value, path)?;
    if let Some((_, t)) = choices.iter().find(|(name, _)| *name == s) {
        return Some(*t);
    }
    let options = choices.iter().map(|(a, _)| cat!('"', a, '"'));
    v.issue(
        IssueCode::InvalidValue,
        path,
        cat!(
            "expected one of ",
            join(options, " | "),
            ", received ",
            shown(s)
        ),
    );
    None
}

/// An integer in `min..=max`. "20", 2.5 and NaN are type errors, as in zod.
pub fn int_in_range(
    v: &mut Validator,
    value: &Value,
    path: &[PathSegment],
    min: i64,
    max: i64,
) -> Option<i64> {
    let n = match value {
        // Beyond 2^63 every f64 is whole (and out of any range here).
        Value::Number(n) if super::num::is_integer(*n) || (n.is_finite() && n.abs() >= 9.2e18) => {
            *n
        }
        Value::Number(n) if n.is_finite() => {
            v.issue(
                IssueCode::InvalidType,
                path,
                // The value is not printed: Rust's float formatting would
                // add kilobytes to the wasm for this one message.
                "expected an integer, received a number with a fractional part",
            );
            return None;
        }
        other => {
            v.type_error(path, "integer", other);
            return None;
        }
    };
    // Printed only when exact: beyond i64, `as` would saturate.
    let received = match super::num::is_integer(n) {
        true => cat!(", received ", n as i64),
        false => String::new(),
    };
    if n < min as f64 {
        v.issue(
            IssueCode::TooSmall,
            path,
            cat!("must be at least ", min, received),
        );
        return None;
    }
    if n > max as f64 {
        v.issue(
            IssueCode::TooBig,
            path,
            cat!("must be at most ", max, received),
        );
        return None;
    }
    Some(n as i64)
}

/// An array of at most `max` items, each checked by `item`. Returns the items
/// only when every one is valid, after reporting every invalid one.
pub fn array_of<'v, T>(
    v: &mut Validator,
    value: &'v Value,
    path: &[PathSegment],
    max: usize,
    mut item: impl FnMut(&mut Validator, &'v Value, &[PathSegment]) -> Option<T>,
) -> Option<Vec<T>> {
    let Value::Array(items) = value else {
        v.type_error(path, "array", value);
        return None;
    };
    let mut ok = true;
    if items.len() > max {
        v.issue(
            IssueCode::TooBig,
            path,
            cat!("must hold at most ", max, " items, received ", items.len()),
        );
        ok = false;
    }
    let mut out = Vec::with_capacity(items.len().min(max));
    for (i, it) in items.iter().enumerate() {
        match item(v, it, &child(path, i)) {
            Some(t) => out.push(t),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164_rule() {
        for good in ["+15551234567", "+44", "+123456789012345"] {
            assert!(is_e164(good), "{good}");
        }
        for bad in [
            "15551234567",
            "+0123",
            "+1234567890123456",
            "+1 555 123",
            "+1-555",
            "+",
            "+9",
            "",
            "++15551234567",
            "+1555123456７",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }

    #[test]
    fn email_rule() {
        for good in ["user@icloud.com", "a.b+c@me.co.uk"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "user",
            "@icloud.com",
            "user@",
            "user@localhost",
            "us er@icloud.com",
            "a@b@c.com",
            "user@.com",
            "user@com.",
            "user@a..com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn https_url_rule() {
        for good in [
            "https://example.com/a.png",
            "HTTPS://EXAMPLE.COM",
            "https://cdn.example.com:8443/x?y=1#z",
            "https://user:pass@example.com/a.png",
            "https://example.com?q=a@b",
            "https://é.example/ü.png",
        ] {
            assert!(is_https_url(good), "{good}");
        }
        for bad in [
            "http://example.com/a.png",
            "https://",
            "https:///path",
            "example.com/a.png",
            "/relative.png",
            "https://exa mple.com/a.png",
            "ftp://example.com",
            "https://:443/x",
            "https://user@/x",
            "https://user@:443",
            "https://?q",
            "https://#f",
            "",
        ] {
            assert!(!is_https_url(bad), "{bad}");
        }
    }

    #[test]
    fn int_range_rule_rejects_strings_fractions_nan_and_bounds() {
        let cases = [
            (Value::Number(0.0), Some(IssueCode::TooSmall)),
            (Value::Number(201.0), Some(IssueCode::TooBig)),
            (Value::Number(2.5), Some(IssueCode::InvalidType)),
            (Value::String("20".into()), Some(IssueCode::InvalidType)),
            (Value::Number(f64::NAN), Some(IssueCode::InvalidType)),
            (Value::Number(f64::INFINITY), Some(IssueCode::InvalidType)),
            (Value::Number(1e19), Some(IssueCode::TooBig)),
            (Value::Number(-1e300), Some(IssueCode::TooSmall)),
            (Value::Number(1.0), None),
            (Value::Number(200.0), None),
        ];
        for (value, expected) in cases {
            let mut v = Validator::new();
            let got = int_in_range(&mut v, &value, &["limit".into()], 1, 200);
            let issues = v.finish(got).err();
            assert_eq!(issues.map(|i| i.0[0].code), expected, "{value:?}");
        }
    }

    #[test]
    fn shown_quotes_escapes_and_cuts() {
        assert_eq!(shown("sms"), r#""sms""#);
        assert_eq!(shown("a\"b\\c\nd"), "\"a\\\"b\\\\c\u{FFFD}d\"");
        let long = "x".repeat(50);
        assert_eq!(shown(&long), format!("\"{}…\"", "x".repeat(40)));
    }

    #[test]
    fn paths_render_like_js() {
        let p = vec![
            PathSegment::from("fallback"),
            "when".into(),
            PathSegment::Index(0),
        ];
        assert_eq!(path_text(&p), "fallback.when[0]");
    }

    #[test]
    fn object_reports_unknown_keys_and_type() {
        let mut v = Validator::new();
        let value = Value::from_json(r#"{"to":"+15551234567","fastTrack":true}"#).unwrap();
        assert!(v.object(&value, &[], &["to", "fast_track"]).is_some());
        let issues = v.finish(Some(())).unwrap_err();
        assert_eq!(issues.0[0].code, IssueCode::UnrecognizedKeys);
        assert!(issues.0[0].message.contains("\"fastTrack\""));

        let mut v = Validator::new();
        assert!(v.object(&Value::String("x".into()), &[], &["to"]).is_none());
        let issues = v.finish(None::<()>).unwrap_err();
        assert_eq!(issues.0[0].message, "expected object, received string");
    }
}
