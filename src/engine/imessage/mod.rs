//! The iMessage methods, one module each: its params and their shape, its
//! rules, its body and its request. `content` holds what `send` and `reply`
//! share (message, attachments, fallback, fast_track).
//!
//! Bodies list their fields in the order the official SDK sends them, so
//! our JSON is byte-for-byte the same as theirs.

pub mod availability;
pub mod content;
pub mod get;
pub mod history;
pub mod react;
pub mod read;
pub mod reply;
pub mod send;
pub mod typing;

use super::error::Error;
use super::http::ApiRequest;
use super::input::{read, Budget, Shape, Source, Value};

/// The documented methods, by the names JavaScript calls them. Each takes
/// its arguments in the documented order: `reply(event, params)`,
/// `react(action, params)`, `get(id, opts)`, the others `(params)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Send,
    Reply,
    Typing,
    React,
    Read,
    History,
    Get,
    Availability,
}

impl Method {
    pub const ALL: [Method; 8] = [
        Method::Send,
        Method::Reply,
        Method::Typing,
        Method::React,
        Method::Read,
        Method::History,
        Method::Get,
        Method::Availability,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Method::Send => "send",
            Method::Reply => "reply",
            Method::Typing => "typing",
            Method::React => "react",
            Method::Read => "read",
            Method::History => "history",
            Method::Get => "get",
            Method::Availability => "availability",
        }
    }

    /// The method at `index` of `ALL`: how `api.js` names one (a number
    /// crosses into the wasm for free, a string is copied in).
    pub fn numbered(index: u32) -> Option<Method> {
        Method::ALL.get(usize::try_from(index).ok()?).copied()
    }

    /// What of each argument is read; `None` for a method with one.
    fn shapes(self) -> (&'static Shape, Option<&'static Shape>) {
        match self {
            Method::Send => (&send::PARAMS, None),
            Method::Reply => (&reply::EVENT, Some(&reply::PARAMS)),
            Method::Typing => (&typing::PARAMS, None),
            Method::React => (&react::ACTION, Some(&react::PARAMS)),
            Method::Read => (&read::PARAMS, None),
            Method::History => (&history::PARAMS, None),
            Method::Get => (&get::ID, Some(&get::OPTIONS)),
            Method::Availability => (&availability::PARAMS, None),
        }
    }
}

/// The request a call makes, or why its arguments are refused: each
/// argument is read with the method's shapes, within one budget, then
/// checked by the method's rules.
pub fn request<S: Source>(method: Method, first: &S, second: &S) -> Result<ApiRequest, Error> {
    let mut budget = Budget::per_call();
    let (first_shape, second_shape) = method.shapes();
    let first = read(first, first_shape, &mut budget);
    let second = match second_shape {
        Some(shape) => read(second, shape, &mut budget),
        None => Value::Undefined,
    };
    match method {
        Method::Send => send::request(&first),
        Method::Reply => reply::parse(&first, &second).map(|p| p.request()),
        Method::Typing => typing::parse(&first).map(|p| p.request()),
        Method::React => react::parse(&first, &second).map(|p| p.request()),
        Method::Read => read::parse(&first).map(|p| p.request()),
        Method::History => history::parse(&first).map(|p| p.request()),
        Method::Get => get::parse(&first, &second).map(|p| p.request()),
        Method::Availability => availability::parse(&first).map(|p| p.request()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_numbered_in_the_order_of_all() {
        // pkg-template/api.js numbers its methods in this order.
        let names: Vec<&str> = (0..8)
            .filter_map(Method::numbered)
            .map(Method::name)
            .collect();
        assert_eq!(
            names,
            [
                "send",
                "reply",
                "typing",
                "react",
                "read",
                "history",
                "get",
                "availability"
            ]
        );
        assert_eq!(Method::numbered(8), None);
        assert_eq!(Method::numbered(u32::MAX), None);
    }
}
