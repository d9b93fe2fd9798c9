//! What a call sends, described without any transport: method, path and
//! query, body, and whether repeating it could duplicate a message.

use crate::prelude::*;

use super::text::cat;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// How safe a request is to send again after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Reads, typing indicators, read receipts: repeating changes nothing.
    Safe,
    /// Sends and reactions: repeat only when the service cannot have acted
    /// (429, or the connection was never made), so nothing goes out twice.
    OnlyIfNotReceived,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    pub method: Method,
    /// Path from the API root, already percent-encoded: `/send/imessage`.
    pub path: String,
    /// Query string without `?`, empty when none.
    pub query: String,
    /// The JSON text of the body (an object, keys in wire order), written
    /// as `JSON.stringify` writes it; `None` for GET.
    pub body: Option<String>,
    pub repeat: Repeat,
}

/// The `Authorization` header's value for an API key.
pub fn authorization(key: &str) -> String {
    cat!("Token ", key)
}

impl ApiRequest {
    /// A POST of a JSON body.
    pub fn post(path: &str, body: String, repeat: Repeat) -> ApiRequest {
        ApiRequest {
            method: Method::Post,
            path: path.to_owned(),
            query: String::new(),
            body: Some(body),
            repeat,
        }
    }

    /// A GET, which is always safe to repeat; the service reads `tracking`
    /// as a string, and only "true" is ever sent.
    pub fn get(path: String, tracking: bool) -> ApiRequest {
        ApiRequest {
            method: Method::Get,
            path,
            query: if tracking {
                "tracking=true".into()
            } else {
                String::new()
            },
            body: None,
            repeat: Repeat::Safe,
        }
    }

    /// The absolute URL, given a base already normalised by `config`.
    pub fn url(&self, base: &str) -> String {
        let mut url = String::with_capacity(base.len() + self.path.len() + self.query.len() + 1);
        url.push_str(base);
        url.push_str(&self.path);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        url
    }
}

/// Characters JavaScript's `encodeURIComponent` leaves alone are
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )`; everything else is escaped.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Percent-encodes one path segment exactly as `encodeURIComponent` does.
pub fn encode_component(s: &str) -> String {
    // Collected piece by piece: `to_string` would bring in `core::fmt`.
    utf8_percent_encode(s, URI_COMPONENT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_encode_uri_component() {
        // Expected values are what `encodeURIComponent` returns in JS.
        let cases = [
            ("+15551234567", "%2B15551234567"),
            ("a/b", "a%2Fb"),
            ("user@icloud.com", "user%40icloud.com"),
            ("A-Z_a.z!~*'()", "A-Z_a.z!~*'()"),
            ("sp ace?#&=%", "sp%20ace%3F%23%26%3D%25"),
            ("é😀", "%C3%A9%F0%9F%98%80"),
        ];
        for (input, expected) in cases {
            assert_eq!(encode_component(input), expected, "{input}");
        }
    }

    #[test]
    fn the_key_goes_in_a_token_header() {
        assert_eq!(
            authorization("contiguity_sk_live_123"),
            "Token contiguity_sk_live_123"
        );
    }

    #[test]
    fn methods_are_named_as_fetch_takes_them() {
        assert_eq!(Method::Get.as_str(), "GET");
        assert_eq!(Method::Post.as_str(), "POST");
    }

    #[test]
    fn url_joins_base_path_and_query() {
        let req = ApiRequest {
            method: Method::Get,
            path: "/conversations/history/message/m1".into(),
            query: "tracking=true".into(),
            body: None,
            repeat: Repeat::Safe,
        };
        assert_eq!(
            req.url("https://api.contiguity.com"),
            "https://api.contiguity.com/conversations/history/message/m1?tracking=true"
        );
    }
}
