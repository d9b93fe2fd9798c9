//! Validation: a [`Validator`] walks a read [`Value`], collects every
//! problem with a zod-style code and path, and yields typed values when all
//! is well. [`Rule`]s are the checks a field can have; the shared ones
//! (E.164, recipient, https URL, enums, integer ranges, lists) live here,
//! each in one place.

use crate::prelude::*;

use super::error::Error;
use super::input::{field, Kind, Shape, Value};
use super::text::{cat, join, split_at_each, split_once_at, Piece};

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
    pub const ALL: [IssueCode; 7] = [
        IssueCode::InvalidType,
        IssueCode::InvalidValue,
        IssueCode::InvalidFormat,
        IssueCode::TooSmall,
        IssueCode::TooBig,
        IssueCode::UnrecognizedKeys,
        IssueCode::Custom,
    ];

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
    push_path(&mut out, path);
    out
}

fn push_path(out: &mut String, path: &[PathSegment]) {
    for (i, seg) in path.iter().enumerate() {
        match seg {
            PathSegment::Key(k) if i == 0 => out.push_str(k),
            PathSegment::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            PathSegment::Index(n) => {
                out.push('[');
                n.push_to(out);
                out.push(']');
            }
        }
    }
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
    /// Written into one string (a string per part and path was half its
    /// time).
    pub fn summary(&self, what: &str) -> String {
        let mut out = String::with_capacity(128);
        out.push_str("Invalid ");
        out.push_str(what);
        out.push_str(": ");
        for (n, issue) in self.0.iter().enumerate() {
            if n > 0 {
                out.push_str("; ");
            }
            if !issue.path.is_empty() {
                push_path(&mut out, &issue.path);
                out.push_str(": ");
            }
            out.push_str(&issue.message);
        }
        out
    }
}

/// Runs `parse` with a fresh validator: its value when it found no issue,
/// else every issue it recorded, as the error for `what` ("send params").
pub fn validate<T>(
    what: &'static str,
    parse: impl FnOnce(&mut Validator) -> Option<T>,
) -> Result<T, Error> {
    let mut v = Validator::default();
    let parsed = parse(&mut v);
    match parsed {
        Some(value) if v.issues.is_empty() => Ok(value),
        // A parser only yields None after recording why; this keeps that
        // promise even if a future parser forgets.
        _ if v.issues.is_empty() => Err(Error::Validation {
            what,
            issues: Issues::one(IssueCode::Custom, &[], "invalid input"),
        }),
        _ => Err(Error::Validation {
            what,
            issues: Issues(v.issues),
        }),
    }
}

/// A field that may be left out: given (and valid), absent, or invalid.
#[derive(Debug, Clone, PartialEq)]
pub enum Optional<T> {
    Given(T),
    Absent,
    Invalid,
}

impl<T> Optional<T> {
    /// The value, or `default` when absent; `None` when invalid.
    pub fn or(self, default: T) -> Option<T> {
        match self {
            Optional::Given(value) => Some(value),
            Optional::Absent => Some(default),
            Optional::Invalid => None,
        }
    }

    /// `Some` of the field (itself optional) unless it was invalid.
    pub fn valid(self) -> Option<Option<T>> {
        match self {
            Optional::Given(value) => Some(Some(value)),
            Optional::Absent => Some(None),
            Optional::Invalid => None,
        }
    }
}

/// The checked fields of an object, and where the object is.
pub struct Fields<'v> {
    entries: &'v [(String, Value)],
    path: Path,
}

impl<'v> Fields<'v> {
    pub fn get(&self, key: &str) -> Option<&'v Value> {
        field(self.entries, key)
    }

    pub fn path_of(&self, key: &str) -> Path {
        child(&self.path, key)
    }
}

/// What a field can be checked against.
pub trait Rule {
    type Out;
    /// What the value must be, as "expected …, received undefined" says.
    fn expects(&self) -> &'static str;
    /// The typed value, or `None` after recording why not.
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<Self::Out>;
}

/// Collects issues while a parser walks its input.
#[derive(Default)]
pub struct Validator {
    issues: Vec<Issue>,
}

/// How many unknown keys an issue names before it says "and N more".
const UNKNOWN_KEYS_NAMED: usize = 10;

impl Validator {
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
            cat!("expected ", expected, ", received ", got.kind_name()),
        );
    }

    /// Checks that `value` is an object; for a `Strict` shape, that it holds
    /// only the keys the shape lists (the others are reported by name).
    pub fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &[PathSegment],
        shape: &Shape,
    ) -> Option<Fields<'v>> {
        let entries = match value {
            Value::Object(entries) => entries,
            Value::TooLarge {
                kind: Kind::Object,
                size,
            } => {
                self.issue(
                    IssueCode::TooBig,
                    path,
                    cat!(
                        "expected an object of at most ",
                        super::input::MAX_KEYS,
                        " keys, received one of ",
                        *size
                    ),
                );
                return None;
            }
            other => {
                self.type_error(path, "object", other);
                return None;
            }
        };
        if let Shape::Strict(_) = shape {
            let unknown: Vec<&str> = entries
                .iter()
                .map(|(k, _)| k.as_str())
                .filter(|k| !shape.keys().any(|allowed| allowed == *k))
                .collect();
            if !unknown.is_empty() {
                let mut named = join(
                    unknown.iter().take(UNKNOWN_KEYS_NAMED).map(|k| shown(k)),
                    ", ",
                );
                if unknown.len() > UNKNOWN_KEYS_NAMED {
                    named.push_str(&cat!(" and ", unknown.len() - UNKNOWN_KEYS_NAMED, " more"));
                }
                self.issue(
                    IssueCode::UnrecognizedKeys,
                    path,
                    cat!(
                        "unrecognized key",
                        if unknown.len() > 1 { "s " } else { " " },
                        named,
                        " (allowed: ",
                        join(shape.keys(), ", "),
                        ')'
                    ),
                );
            }
        }
        Some(Fields {
            entries,
            path: path.to_vec(),
        })
    }

    /// A value checked against `rule` where it stands (an argument).
    pub fn check<R: Rule>(
        &mut self,
        value: &Value,
        path: &[PathSegment],
        rule: R,
    ) -> Option<R::Out> {
        if value.is_absent() {
            self.type_error(path, rule.expects(), value);
            return None;
        }
        rule.check(self, value, path)
    }

    /// A field that must be present and not null.
    pub fn required<R: Rule>(&mut self, fields: &Fields, key: &str, rule: R) -> Option<R::Out> {
        let value = fields.get(key).unwrap_or(&Value::Undefined);
        self.check(value, &fields.path_of(key), rule)
    }

    /// A field that may be absent (`undefined` or `null`: the service marks
    /// its optional fields nullable).
    pub fn optional<R: Rule>(&mut self, fields: &Fields, key: &str, rule: R) -> Optional<R::Out> {
        match fields.get(key) {
            None => Optional::Absent,
            Some(value) if value.is_absent() => Optional::Absent,
            Some(value) => match rule.check(self, value, &fields.path_of(key)) {
                Some(out) => Optional::Given(out),
                None => Optional::Invalid,
            },
        }
    }
}

// ---------------------------------------------------------------------------
// The shared rules.

/// Any string, empty or not.
pub struct Text;

impl Rule for Text {
    type Out = String;
    fn expects(&self) -> &'static str {
        "string"
    }
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::IllFormedString { .. } => {
                v.issue(
                    IssueCode::InvalidFormat,
                    path,
                    "contains a lone surrogate (text cut inside a character), which cannot be sent",
                );
                None
            }
            Value::TooLarge {
                kind: Kind::String,
                size,
            } => {
                v.issue(
                    IssueCode::TooBig,
                    path,
                    cat!(
                        "is ",
                        *size,
                        " characters long, more than one call reads (",
                        super::input::Budget::per_call().text_units,
                        ')'
                    ),
                );
                None
            }
            other => {
                v.type_error(path, "string", other);
                None
            }
        }
    }
}

/// A string of at least one character.
pub struct NonEmpty;

impl Rule for NonEmpty {
    type Out = String;
    fn expects(&self) -> &'static str {
        "string"
    }
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<String> {
        let s = Text.check(v, value, path)?;
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
}

pub struct Boolean;

impl Rule for Boolean {
    type Out = bool;
    fn expects(&self) -> &'static str {
        "boolean"
    }
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                v.type_error(path, "boolean", other);
                None
            }
        }
    }
}

/// A string in a format, checked by `test`; `should_be` follows the quoted
/// value in the message when it fails. Each format rule below is a type of
/// its own that calls this, so that every test is inlined where it is used:
/// one shared rule holding a function pointer made the wasm grow
/// (BENCHMARKS.md, "Size work").
fn formatted(
    v: &mut Validator,
    value: &Value,
    path: &[PathSegment],
    test: impl Fn(&str) -> bool,
    should_be: &str,
) -> Option<String> {
    let s = Text.check(v, value, path)?;
    if !test(&s) {
        v.issue(IssueCode::InvalidFormat, path, cat!(shown(&s), should_be));
        return None;
    }
    Some(s)
}

/// A phone number in E.164: "+" then 2 to 15 digits, the first 1-9.
pub struct E164;

impl Rule for E164 {
    type Out = String;
    fn expects(&self) -> &'static str {
        "string"
    }
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<String> {
        formatted(
            v,
            value,
            path,
            is_e164,
            " is not an E.164 phone number (\"+\" then 2 to 15 digits, e.g. \"+15551234567\")",
        )
    }
}

/// An iMessage recipient: an E.164 number or an (iCloud) email address.
pub struct Recipient;

impl Rule for Recipient {
    type Out = String;
    fn expects(&self) -> &'static str {
        "string"
    }
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<String> {
        formatted(
            v,
            value,
            path,
            |s| is_e164(s) || is_email(s),
            " is neither an E.164 phone number (e.g. \"+15551234567\") nor an email address",
        )
    }
}

/// An absolute `https://` URL with a host.
pub struct HttpsUrl;

impl Rule for HttpsUrl {
    type Out = String;
    fn expects(&self) -> &'static str {
        "string"
    }
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<String> {
        formatted(
            v,
            value,
            path,
            is_https_url,
            " is not an absolute https:// URL",
        )
    }
}

/// One of a fixed set of strings, mapped to its typed value: the same table
/// gives the wire name back (`wire_name`).
pub struct OneOf<T: 'static>(pub &'static [(&'static str, T)]);

impl<T: Copy> Rule for OneOf<T> {
    type Out = T;
    fn expects(&self) -> &'static str {
        "string"
    }
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<T> {
        let s = Text.check(v, value, path)?;
        if let Some((_, t)) = self.0.iter().find(|(name, _)| *name == s) {
            return Some(*t);
        }
        v.issue(
            IssueCode::InvalidValue,
            path,
            cat!(
                "expected one of ",
                join(self.0.iter().map(|(name, _)| cat!('"', name, '"')), " | "),
                ", received ",
                shown(&s)
            ),
        );
        None
    }
}

/// The wire name of an enum value, from the table that parses it.
pub fn wire_name<T: PartialEq + Copy>(table: &[(&'static str, T)], value: T) -> &'static str {
    table
        .iter()
        .find(|(_, v)| *v == value)
        .map_or("", |(n, _)| n)
}

/// An integer in `min..=max`. "20", 2.5 and NaN are type errors, as in zod.
pub struct Integer {
    pub min: i64,
    pub max: i64,
}

impl Rule for Integer {
    type Out = i64;
    fn expects(&self) -> &'static str {
        "integer"
    }
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<i64> {
        let n = match value {
            // Beyond 2^63 every f64 is whole (and out of any range here).
            Value::Number(n)
                if super::num::is_integer(*n) || (n.is_finite() && n.abs() >= 9.2e18) =>
            {
                *n
            }
            Value::Number(n) if n.is_finite() => {
                v.issue(
                    IssueCode::InvalidType,
                    path,
                    // The value is not printed: float formatting would bring
                    // core::fmt into the wasm for this one message.
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
        if n < self.min as f64 {
            v.issue(
                IssueCode::TooSmall,
                path,
                cat!("must be at least ", self.min, received),
            );
            return None;
        }
        if n > self.max as f64 {
            v.issue(
                IssueCode::TooBig,
                path,
                cat!("must be at most ", self.max, received),
            );
            return None;
        }
        Some(n as i64)
    }
}

/// An array of at most `max` items, each checked by `item`; every invalid
/// item is reported. A longer array is refused as too big without looking
/// at its items (the reader has only measured it).
pub struct ListOf<R> {
    pub max: usize,
    pub item: R,
}

impl<R: Rule> Rule for ListOf<R> {
    type Out = Vec<R::Out>;
    fn expects(&self) -> &'static str {
        "array"
    }
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<Self::Out> {
        let size = match value {
            Value::Array(items) if items.len() <= self.max => None,
            Value::Array(items) => Some(items.len()),
            Value::TooLarge {
                kind: Kind::Array,
                size,
            } => Some(*size),
            other => {
                v.type_error(path, "array", other);
                return None;
            }
        };
        if let Some(size) = size {
            v.issue(
                IssueCode::TooBig,
                path,
                cat!("must hold at most ", self.max, " items, received ", size),
            );
            return None;
        }
        let Value::Array(items) = value else {
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match self.item.check(v, item, &child(path, i)) {
                Some(t) => out.push(t),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

/// A one-off rule: what it expects, and its check.
pub struct Custom<F>(pub &'static str, pub F);

impl<T, F: Fn(&mut Validator, &Value, &[PathSegment]) -> Option<T>> Rule for Custom<F> {
    type Out = T;
    fn expects(&self) -> &'static str {
        self.0
    }
    fn check(&self, v: &mut Validator, value: &Value, path: &[PathSegment]) -> Option<T> {
        (self.1)(v, value, path)
    }
}

// ---------------------------------------------------------------------------
// The formats behind the rules.

/// E.164: "+" then 2 to 15 digits, the first 1-9.
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// The longest address SMTP allows.
pub const MAX_EMAIL_LEN: usize = 254;

/// A deliberately plain address check: one "@", a non-empty local part, a
/// dotted domain, nothing invisible. The service decides whether the
/// address has iMessage.
pub fn is_email(s: &str) -> bool {
    if s.len() > MAX_EMAIL_LEN || has_invisible(s) {
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

/// Whether `s` holds whitespace, a control character or an invisible
/// format character (zero-width space, bidi overrides, a BOM...): never
/// right in an address, a key or a URL, and the usual sign of a bad paste
/// or of an address made to look like another.
pub fn has_invisible(s: &str) -> bool {
    s.chars().any(|c| {
        if c.is_ascii() {
            // ASCII's whitespace and controls are all at or below the space,
            // but DEL; none of it is a format character. Asked first: in a
            // V8 profile of a refused send with ten attachment URLs, the
            // general tests below were most of the checking.
            c <= ' ' || c == '\x7f'
        } else {
            c.is_whitespace() || c.is_control() || is_format_char(c)
        }
    })
}

/// Unicode's format characters (general category Cf).
fn is_format_char(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
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
            c if c.is_control() || is_format_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An absolute `https://` URL with a host and nothing invisible.
pub fn is_https_url(s: &str) -> bool {
    let Some(scheme) = s.get(..8) else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("https://") {
        return false;
    }
    // Found by byte position: `split`/`rsplit` link a reverse searcher and
    // its panic path into the wasm for this one check.
    let rest = s.get(8..).unwrap_or("").as_bytes();
    let authority_end = rest
        .iter()
        .position(|b| matches!(b, b'/' | b'?' | b'#' | b'\\'))
        .unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or_default();
    let host_start = authority
        .iter()
        .rposition(|&b| b == b'@')
        .map_or(0, |at| at + 1);
    let host = authority.get(host_start..).unwrap_or_default();
    !host.is_empty() && !host.starts_with(b":") && !has_invisible(s)
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
        let longest = format!(
            "{}@{}.com",
            "a".repeat(64),
            "b".repeat(MAX_EMAIL_LEN - 64 - 5)
        );
        assert_eq!(longest.len(), MAX_EMAIL_LEN);
        assert!(is_email(&longest));
        let too_long = format!(
            "{}@{}.com",
            "a".repeat(64),
            "b".repeat(MAX_EMAIL_LEN - 64 - 4)
        );
        assert!(!is_email(&too_long), "{} characters", too_long.len());
        assert!(!is_email(&format!("{}@x.com", "a".repeat(65))));
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
            "user\u{200B}@icloud.com",
            "user@icloud\u{202E}.com",
            "\u{FEFF}user@icloud.com",
            "user@icloud.com\u{E0041}",
        ] {
            assert!(!is_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn ascii_is_judged_invisible_as_the_general_rule_judges_it() {
        for byte in 0u8..0x80 {
            let c = char::from(byte);
            let general = c.is_whitespace() || c.is_control() || is_format_char(c);
            let mut text = String::from("https://example.com/a");
            text.push(c);
            assert_eq!(has_invisible(&text), general, "{byte:#04x}");
        }
        for text in ["a\u{00A0}b", "a\u{200B}b", "a\u{0085}b", "a\u{E0041}b"] {
            assert!(has_invisible(text), "{text:?}");
        }
        assert!(!has_invisible("https://example.com/caf\u{00E9}"));
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
            "https://\\evil.com",
            "https://example.com/\u{200B}a.png",
            "",
        ] {
            assert!(!is_https_url(bad), "{bad:?}");
        }
    }

    fn checked<R: Rule>(rule: R, value: Value) -> Result<R::Out, Vec<IssueCode>> {
        let mut v = Validator::default();
        let out = v.check(&value, &["x".into()], rule);
        match out {
            Some(out) if v.issues.is_empty() => Ok(out),
            _ => Err(v.issues.iter().map(|i| i.code).collect()),
        }
    }

    #[test]
    fn integer_rule_rejects_strings_fractions_nan_and_bounds() {
        let limit = || Integer { min: 1, max: 200 };
        let cases = [
            (Value::Number(0.0), Err(vec![IssueCode::TooSmall])),
            (Value::Number(201.0), Err(vec![IssueCode::TooBig])),
            (Value::Number(2.5), Err(vec![IssueCode::InvalidType])),
            (
                Value::String("20".into()),
                Err(vec![IssueCode::InvalidType]),
            ),
            (Value::Number(f64::NAN), Err(vec![IssueCode::InvalidType])),
            (
                Value::Number(f64::INFINITY),
                Err(vec![IssueCode::InvalidType]),
            ),
            (Value::Number(1e19), Err(vec![IssueCode::TooBig])),
            (Value::Number(-1e300), Err(vec![IssueCode::TooSmall])),
            (Value::Number(1.0), Ok(1)),
            (Value::Number(200.0), Ok(200)),
        ];
        for (value, expected) in cases {
            assert_eq!(checked(limit(), value.clone()), expected, "{value:?}");
        }
    }

    #[test]
    fn integer_messages_say_what_was_received() {
        let limit = || Integer { min: 1, max: 200 };
        for (value, message) in [
            (
                Value::Number(2.5),
                "expected an integer, received a number with a fractional part",
            ),
            (Value::Number(f64::NAN), "expected integer, received NaN"),
            (
                Value::Number(f64::INFINITY),
                "expected integer, received Infinity",
            ),
            (
                Value::String("20".into()),
                "expected integer, received string",
            ),
            (Value::Number(0.0), "must be at least 1, received 0"),
            (Value::Number(201.0), "must be at most 200, received 201"),
            // Beyond i64 the value is not printed: `as` would saturate.
            (Value::Number(1e19), "must be at most 200"),
            (Value::Number(-1e300), "must be at least 1"),
        ] {
            assert_eq!(message_of(limit(), value.clone()), message, "{value:?}");
        }
    }

    #[test]
    fn list_rule_takes_exactly_max_and_refuses_more_unread() {
        let url = || Value::String("https://example.com/a.png".into());
        let list = |n| {
            ListOf {
                max: 10,
                item: HttpsUrl,
            }
            .check(
                &mut Validator::default(),
                &Value::Array(vec![url(); n]),
                &[],
            )
        };
        assert_eq!(list(10).map(|l| l.len()), Some(10));
        assert_eq!(list(0).map(|l| l.len()), Some(0));
        assert_eq!(
            checked(
                ListOf {
                    max: 10,
                    item: HttpsUrl
                },
                Value::Array(vec![url(); 11])
            ),
            Err(vec![IssueCode::TooBig])
        );
        // A measured, unread list: one issue, whatever its items were.
        assert_eq!(
            checked(
                ListOf {
                    max: 10,
                    item: HttpsUrl
                },
                Value::TooLarge {
                    kind: Kind::Array,
                    size: 1_000_000
                }
            ),
            Err(vec![IssueCode::TooBig])
        );
        // Every bad item is reported.
        assert_eq!(
            checked(
                ListOf {
                    max: 10,
                    item: HttpsUrl
                },
                Value::Array(vec![Value::Null, url(), Value::String("http://x".into())])
            ),
            Err(vec![IssueCode::InvalidType, IssueCode::InvalidFormat])
        );
    }

    #[test]
    fn text_rules_refuse_lone_surrogates_and_unread_text() {
        let ill = Value::IllFormedString {
            lossy: "a\u{FFFD}".into(),
            json: "\"a\\ud83d\"".into(),
        };
        assert_eq!(checked(Text, ill), Err(vec![IssueCode::InvalidFormat]));
        assert_eq!(
            checked(
                NonEmpty,
                Value::TooLarge {
                    kind: Kind::String,
                    size: 9 << 20
                }
            ),
            Err(vec![IssueCode::TooBig])
        );
        assert_eq!(
            checked(NonEmpty, Value::String(String::new())),
            Err(vec![IssueCode::TooSmall])
        );
        assert_eq!(
            checked(NonEmpty, Value::Undefined),
            Err(vec![IssueCode::InvalidType])
        );
    }

    #[test]
    fn a_parser_that_fails_without_saying_why_still_gives_an_issue() {
        assert_eq!(
            validate("x", |_| None::<()>),
            Err(Error::Validation {
                what: "x",
                issues: Issues::one(IssueCode::Custom, &[], "invalid input"),
            })
        );
        // Issues recorded beside a value still fail the whole input.
        let err = validate("x", |v| {
            v.issue(IssueCode::TooBig, &["a".into()], "too big");
            Some(1)
        });
        assert_eq!(
            err.map_err(|e| e.message()),
            Err("Invalid x: a: too big".to_owned())
        );
    }

    #[test]
    fn optional_tells_absent_from_invalid() {
        let shape = Shape::Strict(&[("b", Shape::Scalar)]);
        let fields_of = |json: &str| Value::from_json(json).unwrap();
        for (json, expected) in [
            (r#"{}"#, Optional::Absent),
            (r#"{"b":null}"#, Optional::Absent),
            (r#"{"b":true}"#, Optional::Given(true)),
            (r#"{"b":1}"#, Optional::Invalid),
        ] {
            let value = fields_of(json);
            let mut v = Validator::default();
            let fields = v.object(&value, &[], &shape).unwrap();
            assert_eq!(v.optional(&fields, "b", Boolean), expected, "{json}");
        }
        assert_eq!(Optional::Absent.or(5), Some(5));
        assert_eq!(Optional::Given(1).or(5), Some(1));
        assert_eq!(Optional::<i32>::Invalid.or(5), None);
        assert_eq!(Optional::<i32>::Absent.valid(), Some(None));
        assert_eq!(Optional::<i32>::Invalid.valid(), None);
    }

    /// The message of the one issue `rule` finds in `value`.
    fn message_of<R: Rule>(rule: R, value: Value) -> String {
        let mut v = Validator::default();
        assert!(v.check(&value, &["x".into()], rule).is_none(), "{value:?}");
        assert_eq!(v.issues.len(), 1, "{:?}", v.issues);
        v.issues.remove(0).message
    }

    #[test]
    fn a_missing_value_is_named_by_what_each_rule_expects() {
        for (message, expected) in [
            (message_of(Text, Value::Undefined), "string"),
            (message_of(NonEmpty, Value::Undefined), "string"),
            (message_of(Boolean, Value::Undefined), "boolean"),
            (message_of(E164, Value::Undefined), "string"),
            (message_of(Recipient, Value::Undefined), "string"),
            (message_of(HttpsUrl, Value::Undefined), "string"),
            (message_of(OneOf(&[("a", 1)]), Value::Undefined), "string"),
            (
                message_of(Integer { min: 1, max: 2 }, Value::Undefined),
                "integer",
            ),
            (
                message_of(ListOf { max: 1, item: Text }, Value::Undefined),
                "array",
            ),
        ] {
            assert_eq!(message, format!("expected {expected}, received undefined"));
        }
        assert_eq!(
            message_of(Boolean, Value::Null),
            "expected boolean, received null"
        );
    }

    #[test]
    fn shown_quotes_escapes_and_cuts() {
        assert_eq!(shown("sms"), r#""sms""#);
        assert_eq!(
            shown("a\"b\\c\nd\u{202E}"),
            "\"a\\\"b\\\\c\u{FFFD}d\u{FFFD}\""
        );
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
        assert_eq!(path_text(&[]), "(root)");
    }

    #[test]
    fn object_reports_unknown_keys_and_type() {
        let shape = Shape::Strict(&[("to", Shape::Scalar), ("fast_track", Shape::Scalar)]);
        let value = Value::from_json(r#"{"to":"+15551234567","fastTrack":true}"#).unwrap();
        let err = validate("x", |v| v.object(&value, &[], &shape).map(|_| ())).unwrap_err();
        let Error::Validation { issues, .. } = err else {
            panic!()
        };
        assert_eq!(issues.0[0].code, IssueCode::UnrecognizedKeys);
        assert_eq!(
            issues.0[0].message,
            "unrecognized key \"fastTrack\" (allowed: to, fast_track)"
        );

        let unknown =
            |n: usize| Value::Object((0..n).map(|i| (format!("k{i}"), Value::Null)).collect());
        let err = validate("x", |v| v.object(&unknown(10), &[], &shape).map(|_| ())).unwrap_err();
        assert_eq!(
            err.message(),
            "Invalid x: unrecognized keys \"k0\", \"k1\", \"k2\", \"k3\", \"k4\", \"k5\", \"k6\", \"k7\", \"k8\", \"k9\" (allowed: to, fast_track)"
        );
        let many = unknown(13);
        let err = validate("x", |v| v.object(&many, &[], &shape).map(|_| ())).unwrap_err();
        assert!(
            err.message().contains("\"k9\" and 3 more (allowed"),
            "{}",
            err.message()
        );

        let err = validate("x", |v| {
            v.object(&Value::String("x".into()), &[], &shape)
                .map(|_| ())
        })
        .unwrap_err();
        assert_eq!(err.message(), "Invalid x: expected object, received string");

        let big = Value::TooLarge {
            kind: Kind::Object,
            size: 9999,
        };
        let err = validate("x", |v| v.object(&big, &[], &shape).map(|_| ())).unwrap_err();
        assert!(err.message().contains("9999"), "{}", err.message());

        // An Open shape does not police keys.
        let open = Shape::Open(&[("to", Shape::Scalar)]);
        assert!(validate("x", |v| v.object(&value, &[], &open).map(|_| ())).is_ok());
    }
}
