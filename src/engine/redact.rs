//! Secrets out of every text that leaves as an error: the client's API key
//! and webhook secrets, and anything shaped like one, wherever the text came
//! from (a runtime's network error, a custom fetch's exception, a service
//! body echoing the `Authorization` header, the caller's own input).

use crate::prelude::*;

use super::text::find;
use alloc::borrow::Cow;

const REDACTED: &str = "[redacted]";

/// What Contiguity's secrets start with; the rest of such a token goes.
const SECRET_PREFIXES: [&str; 2] = ["contiguity_sk_", "whsec_"];

/// Shorter "secrets" are not searched for: they would blank out ordinary
/// words, and no real key or signing secret is that short.
const MIN_SECRET_LEN: usize = 8;

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// `text` with each of `secrets` and every key-shaped token replaced.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    redacted(text, secrets).into_owned()
}

/// `redact`, borrowing `text` when there is nothing in it to replace (most
/// texts: an error record redacts each of its own, and copying every one
/// was a good part of the record's time).
pub fn redacted<'t>(text: &'t str, secrets: &[&str]) -> Cow<'t, str> {
    let mut out = Cow::Borrowed(text);
    for secret in secrets.iter().filter(|s| s.len() >= MIN_SECRET_LEN) {
        if let Some(replaced) = replace_each(&out, secret, Replace::Needle) {
            out = Cow::Owned(replaced);
        }
    }
    for prefix in SECRET_PREFIXES {
        if let Some(replaced) = replace_each(&out, prefix, Replace::TokenAfter) {
            out = Cow::Owned(replaced);
        }
    }
    out
}

enum Replace {
    /// The needle itself goes.
    Needle,
    /// The needle stays, the token right after it goes.
    TokenAfter,
}

/// `text` with what `replace` says of each `needle` put as `[redacted]`,
/// or `None` when `needle` is not in it (most texts: no copy is made).
/// Copies in runs, never edits in place.
fn replace_each(text: &str, needle: &str, replace: Replace) -> Option<String> {
    let mut at = find(text, needle).filter(|_| !needle.is_empty())?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let needle_end = at + needle.len();
        let (keep_to, skip_to) = match replace {
            Replace::Needle => (at, needle_end),
            Replace::TokenAfter => {
                let after = rest.get(needle_end..).unwrap_or_default();
                let token = after.bytes().take_while(|b| is_token_byte(*b)).count();
                (needle_end, needle_end + token)
            }
        };
        out.push_str(rest.get(..keep_to).unwrap_or_default());
        if skip_to > keep_to {
            out.push_str(REDACTED);
        }
        rest = rest.get(skip_to..).unwrap_or_default();
        match find(rest, needle) {
            Some(next) => at = next,
            None => break,
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Whether `text` holds a secret that `redact` would remove.
pub fn mentions_secret(text: &str, secrets: &[&str]) -> bool {
    redact(text, secrets) != text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_the_given_secrets_and_key_shaped_tokens() {
        let key = "contiguity_sk_live_ABCdef123";
        assert_eq!(
            redact(&format!("Authorization: Token {key}; again {key}."), &[key]),
            "Authorization: Token [redacted]; again [redacted]."
        );
        // Any key or signing secret, even one the client was not given.
        assert_eq!(
            redact(
                "headers {\"authorization\":\"Token contiguity_sk_other-1\"} whsec_abc",
                &[]
            ),
            "headers {\"authorization\":\"Token contiguity_sk_[redacted]\"} whsec_[redacted]"
        );
        // A secret without a known prefix is found as given.
        assert_eq!(
            redact("secret=my-own-signing-secret!", &["my-own-signing-secret"]),
            "secret=[redacted]!"
        );
        // The bare prefixes and short strings stay.
        assert_eq!(
            redact("keys start with \"contiguity_sk_\"", &["short"]),
            "keys start with \"contiguity_sk_\""
        );
        assert_eq!(redact("", &[key]), "");
        // A secret that the replacement itself contains is still replaced once.
        assert_eq!(redact("a redacted b", &["redacted"]), "a [redacted] b");
        assert_eq!(
            redact("é contiguity_sk_x é", &[]),
            "é contiguity_sk_[redacted] é"
        );
    }

    #[test]
    fn says_whether_there_was_anything_to_remove() {
        assert!(mentions_secret("fetch failed: Token contiguity_sk_x", &[]));
        assert!(mentions_secret("abc SECRETSECRET", &["SECRETSECRET"]));
        assert!(!mentions_secret(
            "fetch failed (ECONNREFUSED)",
            &["contiguity_sk_live_x"]
        ));
    }
}
