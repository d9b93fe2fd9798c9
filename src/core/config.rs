//! The client's settings: the API key and `ContiguityOptions`, checked once
//! at construction.

use crate::prelude::*;

use super::error::Error;
use super::retry::RetryPolicy;
use super::text::{cat, find, join, split_at_each, split_once_at};
use super::validate::{
    boolean, has_space_or_control, int_in_range, shown, string, IssueCode, Validator,
};
use super::value::Value;

pub const DEFAULT_BASE_URL: &str = "https://api.contiguity.com";
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
pub const KEY_PREFIX: &str = "contiguity_sk_";
/// Environment variables read, in order, when no key is passed.
pub const KEY_ENV_VARS: [&str; 2] = ["CONTIGUITY_API_KEY", "CONTIGUITY_TOKEN"];

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Scheme and host (and any path prefix), without a trailing slash.
    pub base_url: String,
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
    let key = match argument {
        Value::Null | Value::Undefined => KEY_ENV_VARS
            .iter()
            .find_map(|name| Some((Value::String(env(name)?), KeySource::Env(name)))),
        given => Some((given.clone(), KeySource::Argument)),
    };
    check_api_key(key.as_ref().map(|(value, source)| (value, *source)))
}

fn check_api_key(key: Option<(&Value, KeySource)>) -> Result<String, Error> {
    let mut v = Validator::new();
    let path = ["apiKey".into()];
    let key = match key {
        None => {
            v.issue(
                IssueCode::InvalidType,
                &path,
                cat!(
                    "no API key: pass one to new Contiguity(apiKey) or set ",
                    join(KEY_ENV_VARS, " or "),
                    " in the environment"
                ),
            );
            None
        }
        Some((value, source)) => {
            let from = match source {
                KeySource::Argument => "the key passed to new Contiguity()".to_owned(),
                KeySource::Env(name) => cat!("the key in ", name),
            };
            match value {
                Value::String(s) if s.starts_with(KEY_PREFIX) && s.len() > KEY_PREFIX.len() => {
                    if has_space_or_control(s) {
                        v.issue(
                            IssueCode::InvalidFormat,
                            &path,
                            cat!(from, " contains whitespace (check for a stray newline)"),
                        );
                        None
                    } else {
                        Some(s.clone())
                    }
                }
                Value::String(_) => {
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
                    None
                }
                other => {
                    v.type_error(&path, "string", other);
                    None
                }
            }
        }
    };
    v.finish_as("API key", key)
}

/// Checks `options` (null or undefined: all defaults). `fetch` must be a
/// function: the facade reads one as `Value::Unsupported("function")`.
pub fn parse_options(options: &Value) -> Result<Options, Error> {
    let mut v = Validator::new();
    let parsed = (|| {
        let keys = ["baseUrl", "fetch", "timeoutMs", "maxRetries", "debug"];
        let entries = match options {
            Value::Null | Value::Undefined => &[][..],
            given => v.object(given, &[], &keys)?,
        };
        let base_url = v.optional(entries, &[], "baseUrl", |v, value, p| {
            let s = string(v, value, p)?;
            match normalize_base_url(s) {
                Ok(url) => Some(url),
                Err(why) => {
                    v.issue(IssueCode::InvalidFormat, p, why);
                    None
                }
            }
        });
        let fetch = v.optional(entries, &[], "fetch", |v, value, p| match value {
            Value::Unsupported("function") => Some(()),
            other => {
                v.type_error(p, "function", other);
                None
            }
        });
        let timeout_ms = v.optional(entries, &[], "timeoutMs", |v, value, p| {
            int_in_range(v, value, p, 1, 600_000)
        });
        let max_retries = v.optional(entries, &[], "maxRetries", |v, value, p| {
            int_in_range(v, value, p, 0, 10)
        });
        let debug = v.optional(entries, &[], "debug", boolean);
        fetch?;
        Some(Options {
            base_url: base_url?.unwrap_or_else(|| DEFAULT_BASE_URL.to_owned()),
            timeout_ms: timeout_ms?.map_or(DEFAULT_TIMEOUT_MS, |t| t as u32),
            retry: RetryPolicy::new(
                max_retries?.map_or(RetryPolicy::DEFAULT_MAX_RETRIES, |r| r as u32),
            ),
            debug: debug?.unwrap_or(false),
        })
    })();
    v.finish_as("options", parsed)
}

/// Checks a base URL and drops any trailing slash. It must be `https`, so a
/// key is never sent in clear text, except to this machine (a local sandbox).
pub fn normalize_base_url(url: &str) -> Result<String, String> {
    let (scheme, rest) = find(url, "://")
        .and_then(|i| Some((url.get(..i)?, url.get(i + 3..)?)))
        .ok_or_else(|| {
            cat!(
                shown(url),
                " is not an absolute URL (expected https://host)"
            )
        })?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(cat!(shown(url), " must use https://"));
    }
    if has_space_or_control(url) {
        return Err(cat!(shown(url), " contains whitespace"));
    }
    if rest.bytes().any(|b| b == b'?' || b == b'#') {
        return Err(cat!(shown(url), " must not have a query or fragment"));
    }
    let (authority, path) = split_once_at(rest, b'/').unwrap_or((rest, ""));
    if authority.bytes().any(|b| b == b'@') {
        return Err("the base URL must not contain credentials".to_owned());
    }
    let host = host_of(authority);
    if host.is_empty() {
        return Err(cat!(shown(url), " has no host"));
    }
    if scheme == "http" && !is_loopback(host) {
        return Err(cat!(
            shown(url),
            " must use https:// (plain http is only allowed for localhost, 127.0.0.0/8 and [::1])"
        ));
    }
    match path.trim_end_matches('/') {
        "" => Ok(cat!(scheme, "://", authority)),
        path => Ok(cat!(scheme, "://", authority, '/', path)),
    }
}

/// The host part of `host:port` or `[v6]:port`.
fn host_of(authority: &str) -> &str {
    let (host, end) = match authority.strip_prefix('[') {
        Some(v6) => (v6, b']'),
        None => (authority, b':'),
    };
    split_once_at(host, end).map_or(host, |(host, _)| host)
}

fn is_loopback(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") || host == "::1" {
        return true;
    }
    let octets: Vec<&str> = split_at_each(&host, b'.').collect();
    octets.len() == 4
        && octets.first() == Some(&"127")
        && octets.iter().all(|o| o.parse::<u8>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(json: &str) -> Result<Options, Error> {
        parse_options(&Value::from_json(json).unwrap())
    }

    #[test]
    fn defaults() {
        let o = parse_options(&Value::Undefined).unwrap();
        assert_eq!(o.base_url, "https://api.contiguity.com");
        assert_eq!(o.timeout_ms, 30_000);
        assert_eq!(o.retry.max_retries, 2);
        assert!(!o.debug);
        assert_eq!(options("{}").unwrap(), o);
        assert_eq!(parse_options(&Value::Null).unwrap(), o);
    }

    #[test]
    fn all_options() {
        let o = options(
            r#"{"baseUrl":"http://127.0.0.1:8787/","timeoutMs":500,"maxRetries":0,"debug":true}"#,
        )
        .unwrap();
        assert_eq!(o.base_url, "http://127.0.0.1:8787");
        assert_eq!((o.timeout_ms, o.retry.max_retries, o.debug), (500, 0, true));
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
            .map(|i| crate::core::validate::path_text(&i.path))
            .collect();
        assert_eq!(
            paths,
            ["(root)", "baseUrl", "timeoutMs", "maxRetries", "debug"]
        );
    }

    #[test]
    fn fetch_must_be_a_function() {
        let value = Value::Object(vec![("fetch".into(), Value::String("x".into()))]);
        assert!(parse_options(&value).is_err());
        let value = Value::Object(vec![("fetch".into(), Value::Unsupported("symbol"))]);
        assert!(parse_options(&value).is_err());
        let value = Value::Object(vec![("fetch".into(), Value::Unsupported("function"))]);
        assert!(parse_options(&value).is_ok());
    }

    #[test]
    fn base_url_rules() {
        for (input, expected) in [
            ("https://api.contiguity.com", "https://api.contiguity.com"),
            (
                "https://proxy.example.com/contiguity/",
                "https://proxy.example.com/contiguity",
            ),
            ("HTTP://localhost:3000", "http://localhost:3000"),
            ("http://127.0.0.9:1", "http://127.0.0.9:1"),
            ("http://[::1]:8080", "http://[::1]:8080"),
        ] {
            assert_eq!(
                normalize_base_url(input).as_deref(),
                Ok(expected),
                "{input}"
            );
        }
        for bad in [
            "api.contiguity.com",
            "http://api.contiguity.com",
            "http://127.0.0.1.example.com",
            "http://10.0.0.1",
            "ftp://x",
            "https://",
            "https://user:pass@api.contiguity.com",
            "https://api.contiguity.com?x=1",
            "https://api contiguity.com",
        ] {
            assert!(normalize_base_url(bad).is_err(), "{bad}");
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
            (Value::Number(42.0), KeySource::Argument),
        ] {
            let e = check_api_key(Some((&value, source))).unwrap_err();
            assert!(!e.message().contains("SECRET"), "{}", e.message());
            assert!(
                e.message().starts_with("Invalid API key: apiKey: "),
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
        // None set: the message names every variable read.
        let e = api_key(&Value::Undefined, &env(&[])).unwrap_err();
        assert_eq!(
            e.message(),
            "Invalid API key: apiKey: no API key: pass one to new Contiguity(apiKey) or set \
             CONTIGUITY_API_KEY or CONTIGUITY_TOKEN in the environment"
        );
    }
}
