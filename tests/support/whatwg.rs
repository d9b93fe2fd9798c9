//! The standard URL parser, as `new URL()` is in a JS runtime (the `url`
//! crate follows the same WHATWG standard), split the way the facade hands
//! a base URL to `engine::config::base_url`. Shared by the engine's unit
//! tests and the integration tests.

use super::UrlParts;

pub fn whatwg(text: &str) -> Option<UrlParts> {
    let url = url::Url::parse(text).ok()?;
    Some(UrlParts {
        protocol: format!("{}:", url.scheme()),
        username: url.username().to_owned(),
        password: url.password().unwrap_or("").to_owned(),
        hostname: url.host_str().unwrap_or("").to_owned(),
        port: url.port().map(|p| p.to_string()).unwrap_or_default(),
        pathname: url.path().to_owned(),
    })
}
