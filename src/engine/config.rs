//! The client's settings: the API key and `ContiguityOptions`, checked once
//! at construction.

use crate::prelude::*;

use super::error::Error;
use super::input::{Shape, Value};
use super::retry::RetryPolicy;
use super::text::{cat, join};
use super::validate::{
    has_invisible, shown, validate, Boolean, Custom, Integer, IssueCode, PathSegment, Rule, Text,
    Validator,
};

pub const DEFAULT_BASE_URL: &str = "https://api.contiguity.com";
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
pub const KEY_PREFIX: &str = "contiguity_sk_";
/// Environment variables read, in order, when no key is passed.
pub const KEY_ENV_VARS: [&str; 2] = ["CONTIGUITY_API_KEY", "CONTIGUITY_TOKEN"];

/// What of `options` is read: each key once (a getter is never asked twice).
pub const OPTIONS: Shape = Shape::Strict(&[
    ("baseUrl", Shape::Scalar),
    ("fetch", Shape::Scalar),
    ("timeoutMs", Shape::Scalar),
    ("maxRetries", Shape::Scalar),
    ("debug", Shape::Scalar),
]);

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Scheme and host (and any path prefix), without a trailing slash.
    pub base_url: String,
    /// The caller's `fetch`: which function the reader kept (`Value::Function`).
    pub fetch: Option<usize>,
    pub timeout_ms: u32,
    pub retry: RetryPolicy,
    pub debug: bool,
}

/// Where the key came from, so an error can say what to fix without ever
/// showing the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    Argument,
    Env(&'static str),
}

/// The API key: the argument, or, when it is null or undefined, the first
/// of `KEY_ENV_VARS` that `env` finds set. The error names where the key
/// came from and the rule it breaks, never the key.
pub fn api_key(argument: &Value, env: &dyn Fn(&str) -> Option<String>) -> Result<String, Error> {
    if !argument.is_absent() {
        return check_api_key(Some((argument, KeySource::Argument)));
    }
    match KEY_ENV_VARS
        .iter()
        .find_map(|name| Some((env(name)?, *name)))
    {
        Some((text, name)) => check_api_key(Some((&Value::String(text), KeySource::Env(name)))),
        None => check_api_key(None),
    }
}

/// What construction errors are about, as their message says.
const ARGUMENTS: &str = "new Contiguity() arguments";

fn check_api_key(key: Option<(&Value, KeySource)>) -> Result<String, Error> {
    let path = ["apiKey".into()];
    validate(ARGUMENTS, |v| {
        let Some((value, source)) = key else {
            v.issue(
                IssueCode::InvalidType,
                &path,
                cat!(
                    "no API key was given: pass your secret key (contiguity_sk_…, from the Contiguity console) \
                     to new Contiguity(apiKey), or set ",
                    join(KEY_ENV_VARS, " or "),
                    " where the runtime has an environment (a Worker has none: pass env.CONTIGUITY_API_KEY)"
                ),
            );
            return None;
        };
        let from = match source {
            KeySource::Argument => "the key".to_owned(),
            KeySource::Env(name) => cat!("the key in ", name),
        };
        let s = v.check(value, &path, Text)?;
        if !s.starts_with(KEY_PREFIX) || s.len() == KEY_PREFIX.len() {
            v.issue(
                IssueCode::InvalidFormat,
                &path,
                cat!(
                    from,
                    " is not a Contiguity secret key: keys start with \"",
                    KEY_PREFIX,
                    '"'
                ),
            );
            return None;
        }
        // It goes into an HTTP header, which holds visible ASCII only: a
        // pasted newline or a look-alike letter would fail every request.
        if !s.bytes().all(|b| b.is_ascii_graphic()) {
            v.issue(
                IssueCode::InvalidFormat,
                &path,
                cat!(
                    from,
                    " holds a space, a control character or a non-ASCII character (check for a stray newline)"
                ),
            );
            return None;
        }
        Some(s)
    })
}

/// A base URL as the runtime's URL parser (the one `fetch` uses) split it:
/// the facade parses with `new URL()`, native tests with the `url` crate,
/// which follows the same standard.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UrlParts {
    /// With its colon: "https:".
    pub protocol: String,
    pub username: String,
    pub password: String,
    /// Lower-cased, IPv6 in brackets, IPv4 in dotted decimal.
    pub hostname: String,
    /// Empty for the scheme's default.
    pub port: String,
    pub pathname: String,
}

/// Checks `options` (null or undefined: all defaults). `parse_url` is the
/// runtime's URL parser; `None` when it refuses the text.
pub fn parse_options(
    options: &Value,
    parse_url: &dyn Fn(&str) -> Option<UrlParts>,
) -> Result<Options, Error> {
    validate(ARGUMENTS, |v| {
        let empty = Value::Object(Vec::new());
        let given = if options.is_absent() { &empty } else { options };
        let fields = v.object(given, &[], &OPTIONS)?;
        let base_url = v.optional(
            &fields,
            "baseUrl",
            Custom(
                "string",
                |v: &mut Validator, value: &Value, p: &[PathSegment]| {
                    let s = Text.check(v, value, p)?;
                    match base_url(&s, parse_url) {
                        Ok(url) => Some(url),
                        Err(why) => {
                            v.issue(IssueCode::InvalidFormat, p, why);
                            None
                        }
                    }
                },
            ),
        );
        let fetch = v.optional(
            &fields,
            "fetch",
            Custom(
                "function",
                |v: &mut Validator, value: &Value, p: &[PathSegment]| match value {
                    Value::Function(index) => Some(*index),
                    other => {
                        v.type_error(p, "function", other);
                        None
                    }
                },
            ),
        );
        let timeout_ms = v.optional(
            &fields,
            "timeoutMs",
            Integer {
                min: 1,
                max: 600_000,
            },
        );
        let max_retries = v.optional(&fields, "maxRetries", Integer { min: 0, max: 10 });
        let debug = v.optional(&fields, "debug", Boolean);
        Some(Options {
            base_url: base_url.or(DEFAULT_BASE_URL.to_owned())?,
            fetch: fetch.valid()?,
            timeout_ms: timeout_ms.or(i64::from(DEFAULT_TIMEOUT_MS))? as u32,
            retry: RetryPolicy::new(
                max_retries.or(i64::from(RetryPolicy::DEFAULT_MAX_RETRIES))? as u32
            ),
            debug: debug.or(false)?,
        })
    })
}

/// Checks a base URL and returns it normalised, without a trailing slash.
/// It must be `https`, so a key is never sent in clear text, except to this
/// machine (a local sandbox): `localhost`, 127.0.0.0/8 or [::1], decided on
/// the host as `fetch` will read it, never on the text.
pub fn base_url(url: &str, parse_url: &dyn Fn(&str) -> Option<UrlParts>) -> Result<String, String> {
    // Shown in messages with any user:password@ masked: a URL with
    // credentials in it may be a secret in itself.
    let quoted = shown(&mask_credentials(url));
    if has_invisible(url) {
        return Err(cat!(
            quoted,
            " contains whitespace or an invisible character"
        ));
    }
    // The URL parser reads a backslash as a slash, which no one means in a
    // base URL: `http://evil.com\.localhost` would go to evil.com.
    if url.bytes().any(|b| b == b'\\') {
        return Err(cat!(quoted, " contains a backslash"));
    }
    let parts = parse_url(url)
        .ok_or_else(|| cat!(quoted, " is not an absolute URL (expected https://host)"))?;
    let secure = match parts.protocol.as_str() {
        "https:" => true,
        "http:" => false,
        _ => return Err(cat!(quoted, " must use https://")),
    };
    if !parts.username.is_empty() || !parts.password.is_empty() {
        return Err("the base URL must not contain credentials".to_owned());
    }
    // On the text: a URL parser starts a query only at a "?" and a
    // fragment only at a "#", and the text also shows the empty ones
    // (`https://host?`) that the parsed parts leave out.
    if url.bytes().any(|b| b == b'?' || b == b'#') {
        return Err(cat!(quoted, " must not have a query or fragment"));
    }
    if parts.hostname.is_empty() {
        return Err(cat!(quoted, " has no host"));
    }
    if !secure && !is_loopback(&parts.hostname) {
        return Err(cat!(
            quoted,
            " must use https:// (plain http is only allowed for localhost, 127.0.0.0/8 and [::1])"
        ));
    }
    let mut normalized = cat!(parts.protocol, "//", parts.hostname);
    if !parts.port.is_empty() {
        normalized.push(':');
        normalized.push_str(&parts.port);
    }
    let mut path = parts.pathname.as_str();
    while let Some(shorter) = path.strip_suffix('/') {
        path = shorter;
    }
    normalized.push_str(path);
    Ok(normalized)
}

/// `scheme://user:password@rest` shown as `scheme://…@rest`. The URL
/// parser finds credentials right after `scheme:` and the slashes or
/// backslashes that follow it, if any (`https:user:pw@host`,
/// `https:\\user@host`), so the mask starts there too; in a text with no
/// colon before any `@` (`user@host:443`: that colon is the port's), at
/// its start.
fn mask_credentials(url: &str) -> String {
    let after_scheme = url
        .bytes()
        .take_while(|&b| b != b'@')
        .position(|b| b == b':')
        .map_or(0, |colon| colon + 1);
    let slashes = url
        .get(after_scheme..)
        .unwrap_or_default()
        .bytes()
        .take_while(|b| matches!(b, b'/' | b'\\'))
        .count();
    let start = after_scheme + slashes;
    let rest = url.get(start..).unwrap_or_default();
    let authority_end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#' | b'\\'))
        .unwrap_or(rest.len());
    match rest
        .get(..authority_end)
        .and_then(|a| a.bytes().rposition(|b| b == b'@'))
    {
        Some(at) => cat!(
            url.get(..start).unwrap_or_default(),
            "…",
            rest.get(at..).unwrap_or_default()
        ),
        None => url.to_owned(),
    }
}

/// Loopback hosts as a URL parser writes them. Exactly `localhost`: other
/// names under `.localhost` are resolved by whatever DNS the runtime uses.
fn is_loopback(hostname: &str) -> bool {
    if hostname == "localhost" || hostname == "[::1]" {
        return true;
    }
    // The parser has already written any IPv4 form ("127.1", "0x7f.1") as
    // four decimal octets.
    let octets: Vec<&str> = super::text::split_at_each(hostname, b'.').collect();
    octets.len() == 4
        && octets.first() == Some(&"127")
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.len() <= 3 && o.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
#[path = "../../tests/support/whatwg.rs"]
mod whatwg;

#[cfg(test)]
mod tests {
    use super::whatwg::whatwg;
    use super::*;
    use crate::engine::input::{read, Budget};

    fn options(json: &str) -> Result<Options, Error> {
        let raw = Value::from_json(json).unwrap();
        parse_options(&read(&raw, &OPTIONS, &mut Budget::per_call()), &whatwg)
    }

    #[test]
    fn defaults() {
        let o = parse_options(&Value::Undefined, &whatwg).unwrap();
        assert_eq!(o.base_url, "https://api.contiguity.com");
        assert_eq!(o.timeout_ms, 30_000);
        assert_eq!(o.retry.max_retries, 2);
        assert_eq!(o.fetch, None);
        assert!(!o.debug);
        assert_eq!(options("{}").unwrap(), o);
        assert_eq!(parse_options(&Value::Null, &whatwg).unwrap(), o);
    }

    #[test]
    fn all_options() {
        let o = options(
            r#"{"baseUrl":"http://127.0.0.1:8787/","timeoutMs":500,"maxRetries":0,"debug":true}"#,
        )
        .unwrap();
        assert_eq!(o.base_url, "http://127.0.0.1:8787");
        assert_eq!((o.timeout_ms, o.retry.max_retries, o.debug), (500, 0, true));
        let o = options(r#"{"timeoutMs":600000,"maxRetries":10}"#).unwrap();
        assert_eq!((o.timeout_ms, o.retry.max_retries), (600_000, 10));
    }

    #[test]
    fn bad_options_are_all_reported() {
        let Err(Error::Validation { issues, .. }) = options(
            r#"{"baseUrl":"http://api.example.com","timeoutMs":-1,"maxRetries":"2","debug":1,"retries":3}"#,
        ) else {
            panic!("expected a validation error")
        };
        let paths: Vec<String> = issues
            .0
            .iter()
            .map(|i| crate::engine::validate::path_text(&i.path))
            .collect();
        assert_eq!(
            paths,
            ["(root)", "baseUrl", "timeoutMs", "maxRetries", "debug"]
        );
        for bad in [
            r#"{"timeoutMs":0}"#,
            r#"{"timeoutMs":600001}"#,
            r#"{"maxRetries":11}"#,
            r#"{"maxRetries":-1}"#,
        ] {
            assert!(options(bad).is_err(), "{bad}");
        }
        assert!(options("[]").is_err());
        assert!(options(r#""https://x""#).is_err());
    }

    #[test]
    fn fetch_must_be_a_function_and_is_kept_by_index() {
        let with =
            |value: Value| parse_options(&Value::Object(vec![("fetch".into(), value)]), &whatwg);
        assert!(with(Value::String("x".into())).is_err());
        assert!(with(Value::Other("symbol")).is_err());
        assert_eq!(with(Value::Function(3)).unwrap().fetch, Some(3));
        assert_eq!(with(Value::Null).unwrap().fetch, None);
    }

    #[test]
    fn base_url_rules() {
        for (input, expected) in [
            ("https://api.contiguity.com", "https://api.contiguity.com"),
            ("https://api.contiguity.com/", "https://api.contiguity.com"),
            (
                "https://API.Contiguity.com:443",
                "https://api.contiguity.com",
            ),
            (
                "https://proxy.example.com/contiguity/",
                "https://proxy.example.com/contiguity",
            ),
            ("HTTP://localhost:3000", "http://localhost:3000"),
            ("http://127.0.0.9:1", "http://127.0.0.9:1"),
            ("http://127.1:8080", "http://127.0.0.1:8080"),
            ("http://[::1]:8080", "http://[::1]:8080"),
            ("http://[0:0:0:0:0:0:0:1]/", "http://[::1]"),
        ] {
            assert_eq!(base_url(input, &whatwg).as_deref(), Ok(expected), "{input}");
        }
        for bad in [
            "api.contiguity.com",
            "http://api.contiguity.com",
            "http://127.0.0.1.example.com",
            "http://10.0.0.1",
            "http://evil.com\\.localhost",
            "http://evil.localhost",
            "http://localhost.evil.com",
            "http://[::1]evil.com",
            "http://0x7f.evil.com",
            "ftp://x",
            "https://",
            "https://user:pass@api.contiguity.com",
            "https://api.contiguity.com?x=1",
            "https://api.contiguity.com?",
            "https://api.contiguity.com#",
            "https://api contiguity.com",
            "https://api.contiguity.com\n",
            "https://api.contiguity\u{200B}.com",
            "file:///etc/passwd",
            "",
        ] {
            assert!(base_url(bad, &whatwg).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn base_url_errors_say_what_is_wrong() {
        for (url, why) in [
            (
                "https://api contiguity.com",
                r#""https://api contiguity.com" contains whitespace or an invisible character"#,
            ),
            (
                "http://evil.com\\.localhost",
                r#""http://evil.com\\.localhost" contains a backslash"#,
            ),
            (
                "api.contiguity.com",
                r#""api.contiguity.com" is not an absolute URL (expected https://host)"#,
            ),
            ("ftp://x", r#""ftp://x" must use https://"#),
            (
                "https://api.contiguity.com?",
                r#""https://api.contiguity.com?" must not have a query or fragment"#,
            ),
            (
                "http://10.0.0.1",
                r#""http://10.0.0.1" must use https:// (plain http is only allowed for localhost, 127.0.0.0/8 and [::1])"#,
            ),
        ] {
            assert_eq!(base_url(url, &whatwg), Err(why.to_owned()), "{url}");
        }
        // The standard's parser never gives an https: URL without a host;
        // a runtime's parser that did would still be refused.
        let hostless = |_: &str| {
            Some(UrlParts {
                protocol: "https:".into(),
                pathname: "/x".into(),
                ..UrlParts::default()
            })
        };
        assert_eq!(
            base_url("https:/x", &hostless),
            Err(r#""https:/x" has no host"#.to_owned())
        );
    }

    #[test]
    fn credentials_are_refused_whichever_half_is_given() {
        for url in [
            "https://user@api.contiguity.com",
            "https://:pass@api.contiguity.com",
            "https://user:pass@api.contiguity.com",
        ] {
            assert_eq!(
                base_url(url, &whatwg),
                Err("the base URL must not contain credentials".to_owned()),
                "{url}"
            );
        }
    }

    #[test]
    fn messages_show_the_url_with_its_credentials_masked() {
        for (url, shown) in [
            ("ftp://user:SECRET@x/p", "ftp://…@x/p"),
            ("ftp://a@b@x", "ftp://…@x"),
            // An "@" after the authority is not a credential.
            ("ftp://x/a@b", "ftp://x/a@b"),
            ("ftp://x?a@b", "ftp://x?a@b"),
            ("ftp://x", "ftp://x"),
            // The forms without "//" that the parser also reads as
            // credentials, and a text without a scheme.
            ("https:user:SECRET@x", "https:…@x"),
            ("https:/user:SECRET@x ", "https:/…@x "),
            ("https:\\\\user:SECRET@x", "https:\\\\…@x"),
            ("ftp:user:SECRET@x", "ftp:…@x"),
            ("user@x", "…@x"),
            ("SECRET@x:443", "…@x:443"),
            ("no scheme user:SECRET@x", "no scheme user:…@x"),
        ] {
            assert_eq!(mask_credentials(url), shown, "{url}");
        }
        assert_eq!(
            base_url("ftp://user:SECRET@x", &whatwg),
            Err(r#""ftp://…@x" must use https://"#.to_owned())
        );
    }

    #[test]
    fn only_four_decimal_octets_under_127_are_loopback() {
        for host in [
            "localhost",
            "[::1]",
            "127.0.0.1",
            "127.255.255.255",
            "127.1.2.3",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        // Hosts a URL parser writes as domains, not as IPv4 addresses.
        for host in [
            "127.a.b.c",
            "127.1234.0.x",
            "127..0.x",
            "127.0.0",
            "127.0.0.1.x",
            "128.0.0.1",
            "localhost.",
            "",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
        for url in ["http://127.a.b.c", "http://127.1234.0.x"] {
            assert!(base_url(url, &whatwg).is_err(), "{url}");
        }
    }

    #[test]
    fn base_url_errors_never_echo_credentials() {
        for url in [
            "https://user:SECRET@host/?x",
            "http://user:SECRET@example.com",
            "ftp://SECRET@x",
            "https://SECRET:@host\\x",
        ] {
            let why = base_url(url, &whatwg).unwrap_err();
            assert!(!why.contains("SECRET"), "{url}: {why}");
        }
    }

    #[test]
    fn api_key_rules_never_echo_the_key() {
        let good = Value::String("contiguity_sk_live_123".into());
        assert_eq!(
            check_api_key(Some((&good, KeySource::Argument))).unwrap(),
            "contiguity_sk_live_123"
        );
        let secret = "sk_live_SECRET_VALUE";
        for (value, source) in [
            (Value::String(secret.into()), KeySource::Argument),
            (
                Value::String(format!("contiguity_sk_{secret}\n")),
                KeySource::Env("CONTIGUITY_API_KEY"),
            ),
            (Value::String("contiguity_sk_".into()), KeySource::Argument),
            (
                Value::String("contiguity_sk_SECRET_é".into()),
                KeySource::Argument,
            ),
            (
                Value::String("contiguity_sk_SECRET\u{200B}".into()),
                KeySource::Argument,
            ),
            (Value::Number(42.0), KeySource::Argument),
        ] {
            let e = check_api_key(Some((&value, source))).unwrap_err();
            assert!(!e.message().contains("SECRET"), "{}", e.message());
            assert!(
                e.message()
                    .starts_with("Invalid new Contiguity() arguments: apiKey: "),
                "{}",
                e.message()
            );
        }
        let e = check_api_key(Some((
            &Value::String("contiguity_sk_x y".into()),
            KeySource::Env("CONTIGUITY_TOKEN"),
        )))
        .unwrap_err();
        assert!(e.message().contains("CONTIGUITY_TOKEN"));
    }

    #[test]
    fn the_key_is_the_argument_else_the_first_variable_set() {
        let env = |set: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                set.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let both = env(&[
            ("CONTIGUITY_TOKEN", "contiguity_sk_token"),
            ("CONTIGUITY_API_KEY", "contiguity_sk_api_key"),
        ]);
        let argument = Value::String("contiguity_sk_argument".into());
        assert_eq!(api_key(&argument, &both).unwrap(), "contiguity_sk_argument");
        assert_eq!(
            api_key(&Value::Undefined, &both).unwrap(),
            "contiguity_sk_api_key"
        );
        assert_eq!(
            api_key(&Value::Null, &both).unwrap(),
            "contiguity_sk_api_key"
        );
        let token = env(&[("CONTIGUITY_TOKEN", "contiguity_sk_token")]);
        assert_eq!(
            api_key(&Value::Undefined, &token).unwrap(),
            "contiguity_sk_token"
        );
        // A bad key in the environment is named by its variable.
        let bad = env(&[("CONTIGUITY_TOKEN", "sk_live_SECRET")]);
        let e = api_key(&Value::Undefined, &bad).unwrap_err();
        assert!(e.message().contains("CONTIGUITY_TOKEN") && !e.message().contains("SECRET"));
        // None set: the message names every variable read, and what a Worker does.
        let e = api_key(&Value::Undefined, &env(&[])).unwrap_err();
        let message = e.message();
        assert!(
            message.starts_with("Invalid new Contiguity() arguments: apiKey: no API key was given"),
            "{message}"
        );
        assert!(
            message.contains("CONTIGUITY_API_KEY or CONTIGUITY_TOKEN"),
            "{message}"
        );
        assert!(message.contains("env.CONTIGUITY_API_KEY"), "{message}");
    }
}
