//! The client behind `contiguity.imessage`, as a handful of synchronous
//! steps that `pkg-template/api.js` strings together:
//!
//! `clientNew` checks the key and options once; `callStart` checks a call's
//! arguments and builds its request (bad input is thrown here, before
//! anything is sent); `callFetch` makes one attempt's `fetch`; then either
//! `callAnswered` (a response and its body text) or `callFailed` (what the
//! attempt threw, or that it timed out) says what comes next: the result,
//! a number of milliseconds to wait before the next attempt, or the final
//! error, thrown.
//!
//! The awaiting, the per-attempt deadline and the waits are done in JS, in
//! the caller's own promise chain. A Workers isolate does not let one
//! request's I/O be resumed from another's: with the futures of
//! wasm-bindgen-futures, every task of every request ran from one shared
//! microtask queue, and concurrent requests through one client could
//! resume each other's work and hang. Here the wasm keeps nothing between
//! steps but plain data: no promise, no timer, no abort controller.
//!
//! Clients and calls are handles (small integers) into tables here: after a
//! trap, `api.js` starts a fresh instance, and a handle of the old one is
//! simply unknown to the new one.

use crate::prelude::*;

use super::boundary::{
    self, callable, copy_of, date_now, date_parse, debug, field, from_record, json_parse,
    math_random, object_of, read, request_init, result_of, Callable, Loose, Url,
};
use super::env;
use super::source::{read_js, JsSource};
use crate::engine::config::{self, Options, UrlParts};
use crate::engine::error::{Error, ServiceError};
use crate::engine::http::{authorization, ApiRequest};
use crate::engine::imessage::{self, Method};
use crate::engine::input::{Body, Shape};
use crate::engine::response::{
    check_success, is_success, oversized_body, parse_failure, unreadable_success, Clock,
    BODY_LIMIT_BYTES, ENVELOPE,
};
use crate::engine::retry::{classify_fetch_error, decide, Decision, Failure};
use crate::engine::text::cat;
use alloc::rc::Rc;
use core::cell::RefCell;
use wasm_bindgen::prelude::*;

struct Client {
    /// Kept only to take it out of any error text.
    key: String,
    /// `Authorization: Token <key>` and the rest, made once; each request
    /// gets a fresh copy (a fetch wrapper may add to it).
    headers_with_body: JsValue,
    headers_without_body: JsValue,
    options: Options,
    fetch: Option<Callable>,
}

struct Call {
    client: Rc<Client>,
    request: ApiRequest,
    url: String,
    fetch: Callable,
    retries_done: u32,
}

/// Values kept between steps, by handle.
struct Handles<T> {
    slots: RefCell<Vec<Option<T>>>,
    free: RefCell<Vec<u32>>,
}

/// wasm32 without the atomics feature runs one thread.
struct SingleThreaded<T>(T);
unsafe impl<T> Sync for SingleThreaded<T> {}

static CLIENTS: SingleThreaded<Handles<Rc<Client>>> = SingleThreaded(Handles::new());
static CALLS: SingleThreaded<Handles<Call>> = SingleThreaded(Handles::new());

impl<T> Handles<T> {
    const fn new() -> Self {
        Handles {
            slots: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
        }
    }

    /// A handle for `value`; `None` only if the tables are busy, which no
    /// JS call can make them (no step calls out while it holds them).
    fn insert(&self, value: T) -> Option<u32> {
        let mut slots = self.slots.try_borrow_mut().ok()?;
        let mut free = self.free.try_borrow_mut().ok()?;
        if let Some(handle) = free.pop() {
            if let Some(slot) = slots.get_mut(handle as usize) {
                *slot = Some(value);
                return Some(handle);
            }
        }
        let handle = u32::try_from(slots.len()).ok()?;
        slots.push(Some(value));
        Some(handle)
    }

    /// Runs `f` on the value behind `handle`, which must not call into JS.
    fn with<R>(&self, handle: u32, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        let mut slots = self.slots.try_borrow_mut().ok()?;
        slots.get_mut(handle as usize)?.as_mut().map(f)
    }

    fn remove(&self, handle: u32) -> Option<T> {
        let value = self
            .slots
            .try_borrow_mut()
            .ok()?
            .get_mut(handle as usize)?
            .take()?;
        if let Ok(mut free) = self.free.try_borrow_mut() {
            free.push(handle);
        }
        Some(value)
    }
}

fn parse_base_url(text: &str) -> Option<UrlParts> {
    let url: JsValue = Url::new(text).ok()?.into();
    let part = |name| field(&url, name).as_string().unwrap_or_default();
    Some(UrlParts {
        protocol: part("protocol"),
        username: part("username"),
        password: part("password"),
        hostname: part("hostname"),
        port: part("port"),
        pathname: part("pathname"),
    })
}

/// What an export throws for bad input: the record, a string, which
/// `api.js` turns into the error (made there, its stack shows the caller's
/// line rather than wasm frames).
fn thrown(error: &Error, secrets: &[&str]) -> JsValue {
    JsValue::from_str(&error.record(secrets))
}

/// A handle that names nothing: a client used after its instance was
/// replaced, which `api.js` never does.
fn unknown_handle() -> JsValue {
    JsValue::from_str(
        "{\"name\":\"Error\",\"message\":\"contiguity-imessage: unknown client or call\"}",
    )
}

/// `new Contiguity(apiKey, options)`: a client handle, or every problem
/// with the arguments, thrown.
#[wasm_bindgen(js_name = clientNew)]
pub fn client_new(api_key: JsValue, options: JsValue) -> Result<u32, JsValue> {
    let kept = RefCell::new(Vec::new());
    let options =
        config::parse_options(&read_js(&options, &config::OPTIONS, &kept), &parse_base_url);
    let given = api_key.as_string();
    let secrets: Vec<&str> = given.as_deref().into_iter().collect();
    let key = config::api_key(&read_js(&api_key, &Shape::Scalar, &kept), &env::read);
    let (options, key) = match (options, key) {
        (Ok(options), Ok(key)) => (options, key),
        (Err(a), Err(b)) => return Err(thrown(&a.merged_with(b), &secrets)),
        (Err(e), _) | (_, Err(e)) => return Err(thrown(&e, &secrets)),
    };
    let fetch = options
        .fetch
        .and_then(|index| kept.borrow().get(index).cloned())
        .and_then(callable);
    let token = authorization(&key);
    let client = Client {
        headers_with_body: object_of(&[
            ("Content-Type", "application/json"),
            ("Authorization", &token),
            ("Accept", "application/json"),
        ]),
        headers_without_body: object_of(&[
            ("Authorization", &token),
            ("Accept", "application/json"),
        ]),
        key,
        options,
        fetch,
    };
    CLIENTS.0.insert(Rc::new(client)).ok_or_else(unknown_handle)
}

/// Each attempt's deadline, in milliseconds (`options.timeoutMs`).
#[wasm_bindgen(js_name = clientTimeoutMs)]
pub fn client_timeout_ms(client: u32) -> u32 {
    CLIENTS
        .0
        .with(client, |c| c.options.timeout_ms)
        .unwrap_or(config::DEFAULT_TIMEOUT_MS)
}

#[wasm_bindgen(js_name = clientFree)]
pub fn client_free(client: u32) {
    CLIENTS.0.remove(client);
}

/// The most of a response body `api.js` reads before it gives up.
#[wasm_bindgen(js_name = bodyLimit)]
pub fn body_limit() -> u32 {
    BODY_LIMIT_BYTES as u32
}

/// Checks one call's arguments and builds its request: a call handle, or
/// the reason it cannot be made, thrown (nothing is sent).
#[wasm_bindgen(js_name = callStart)]
pub fn call_start(
    client: u32,
    method: &str,
    first: JsValue,
    second: JsValue,
) -> Result<u32, JsValue> {
    let client = CLIENTS
        .0
        .with(client, |c| Rc::clone(c))
        .ok_or_else(unknown_handle)?;
    let secrets = [client.key.as_str()];
    let method = Method::named(method).ok_or_else(unknown_handle)?;
    let kept = RefCell::new(Vec::new());
    let request = imessage::request(
        method,
        &JsSource::new(first, &kept),
        &JsSource::new(second, &kept),
    )
    .map_err(|e| thrown(&e, &secrets))?;
    let fetch = client
        .fetch
        .clone()
        .or_else(boundary::global_fetch)
        .ok_or_else(|| thrown(&Error::Service(ServiceError::no_fetch()), &secrets))?;
    let url = request.url(&client.options.base_url);
    let call = Call {
        client,
        request,
        url,
        fetch,
        retries_done: 0,
    };
    CALLS.0.insert(call).ok_or_else(unknown_handle)
}

#[wasm_bindgen(js_name = callFree)]
pub fn call_free(call: u32) {
    CALLS.0.remove(call);
}

/// One attempt: `fetch(url, init)` with `signal`, returning whatever that
/// returned (a promise, normally). What it throws at once is thrown on.
#[wasm_bindgen(js_name = callFetch)]
pub fn call_fetch(call: u32, signal: JsValue) -> Result<JsValue, JsValue> {
    // Everything is made before the call: a caller's fetch could call back
    // into the package, which must then find nothing borrowed.
    let (fetch, url, init) = CALLS
        .0
        .with(call, |c| {
            let request = &c.request;
            let client = &c.client;
            if client.options.debug {
                debug(&cat!(
                    "[contiguity-imessage] ",
                    request.method.as_str(),
                    ' ',
                    c.url
                ));
            }
            let headers = copy_of(if request.body.is_some() {
                &client.headers_with_body
            } else {
                &client.headers_without_body
            });
            let init = request_init(
                request.method.as_str(),
                &headers,
                request.body.as_deref(),
                &signal,
            );
            (c.fetch.clone(), JsValue::from_str(&c.url), init)
        })
        .ok_or_else(unknown_handle)?;
    fetch.call2(&boundary::global_this(), &url, &init)
}

/// The status a response says, read the way a stub may give it: `status`,
/// else `ok: true` as 200.
fn status_of(response: &JsValue) -> u16 {
    match read(response, Loose::status).as_f64() {
        Some(s) if (0.0..=999.0).contains(&s) => s as u16,
        _ if field(response, "ok").as_bool() == Some(true) => 200,
        _ => 0,
    }
}

fn retry_after_of(response: &JsValue) -> Option<String> {
    let headers = field(response, "headers");
    let get = callable(field(&headers, "get"))?;
    get.call1(&headers, &JsValue::from_str("retry-after"))
        .ok()?
        .as_string()
}

/// A body's text parsed by the engine's `JSON.parse` (fast, and no parser
/// in the wasm): the parsed value, and what the checks read of it.
fn decode(text: &JsValue, shape: &Shape) -> (Option<JsValue>, Body) {
    if !text.is_string() {
        return (None, Body::Empty);
    }
    match json_parse(text) {
        Ok(parsed) => {
            let kept = RefCell::new(Vec::new());
            let read = read_js(&parsed, shape, &kept);
            (Some(parsed), Body::Json(read))
        }
        Err(_) if text.as_string().is_some_and(|t| t.trim().is_empty()) => (None, Body::Empty),
        Err(_) => (None, Body::NotJson),
    }
}

/// The final error as a JS error, every text in it redacted; `cause`, when
/// given, becomes its `cause`, or a redacted stand-in if it mentions a
/// secret.
fn final_error(error: ServiceError, client: &Client, cause: Option<&JsValue>) -> JsValue {
    let secrets = [client.key.as_str()];
    let record = Error::Service(error).record(&secrets);
    let (cause, stand_in) = match cause {
        Some(cause) if super::errors::mentions_secret_anywhere(cause, &secrets) => (
            cause.clone(),
            Some(super::errors::stand_in_record(cause, &secrets)),
        ),
        Some(cause) => (cause.clone(), None),
        None => (JsValue::UNDEFINED, None),
    };
    from_record(&record, &cause, stand_in).unwrap_or_else(|e| e)
}

/// Decides what follows a failed attempt: wait `ms` and try again, or stop
/// with `error`.
fn next(
    call: u32,
    failure: Failure,
    error: ServiceError,
    cause: Option<&JsValue>,
) -> Result<JsValue, JsValue> {
    let (client, repeat, retries_done) = CALLS
        .0
        .with(call, |c| {
            (Rc::clone(&c.client), c.request.repeat, c.retries_done)
        })
        .ok_or_else(unknown_handle)?;
    match decide(
        &client.options.retry,
        repeat,
        retries_done,
        failure,
        math_random(),
    ) {
        Decision::Stop => Err(final_error(error, &client, cause)),
        Decision::RetryAfterMs(ms) => {
            CALLS.0.with(call, |c| c.retries_done += 1);
            if client.options.debug {
                let method = CALLS
                    .0
                    .with(call, |c| c.request.method.as_str())
                    .unwrap_or("");
                debug(&cat!(
                    "[contiguity-imessage] ",
                    method,
                    " failed (",
                    error.code.as_str(),
                    "); retrying in ",
                    (ms + 0.5) as u64,
                    " ms"
                ));
            }
            Ok(JsValue::from_f64(ms))
        }
    }
}

/// An attempt was answered: `response` and its body `text` (a string, or
/// undefined when it had none); `over_limit` when the body was longer than
/// `bodyLimit()` and was not read to its end. The result, a wait in ms, or
/// the final error, thrown.
#[wasm_bindgen(js_name = callAnswered)]
pub fn call_answered(
    call: u32,
    response: JsValue,
    text: JsValue,
    over_limit: bool,
) -> Result<JsValue, JsValue> {
    let client = CALLS
        .0
        .with(call, |c| Rc::clone(&c.client))
        .ok_or_else(unknown_handle)?;
    let status = status_of(&response);
    if over_limit {
        return Err(final_error(oversized_body(status), &client, None));
    }
    if is_success(status) {
        let (parsed, body) = decode(&text, &ENVELOPE);
        if let Err(error) = check_success(status, &body) {
            return Err(final_error(error, &client, None));
        }
        return parsed
            .and_then(|envelope| result_of(&envelope).ok())
            .ok_or_else(|| final_error(unreadable_success(status), &client, None));
    }
    let retry_after = retry_after_of(&response);
    let (_, body) = decode(&text, &ENVELOPE);
    let clock = Clock {
        now_ms: date_now(),
        http_date_ms: &|date| Some(date_parse(date)),
    };
    let error = parse_failure(status, &body, retry_after.as_deref(), &clock);
    let failure = Failure::Status {
        status,
        retry_after_secs: error.retry_after,
    };
    next(call, failure, error, None)
}

/// An attempt got no answer: `error` is what `fetch` (or reading the body)
/// threw, `timed_out` whether the deadline passed first. A wait in ms, or
/// the final error (with `error` as its cause), thrown.
#[wasm_bindgen(js_name = callFailed)]
pub fn call_failed(call: u32, error: JsValue, timed_out: bool) -> Result<JsValue, JsValue> {
    let timeout_ms = CALLS
        .0
        .with(call, |c| c.client.options.timeout_ms)
        .ok_or_else(unknown_handle)?;
    let text = |value: &JsValue, key| field(value, key).as_string().unwrap_or_default();
    let name = text(&error, "name");
    let message = field(&error, "message")
        .as_string()
        .or_else(|| error.as_string())
        .unwrap_or_default();
    let cause = field(&error, "cause");
    let cause_code = text(&cause, "code");
    let cause_message = text(&cause, "message");
    let failure = if timed_out {
        Failure::TimedOut
    } else {
        classify_fetch_error(&name, &message, &cause_code, &cause_message)
    };
    let detail = match (message.is_empty(), cause_message.is_empty()) {
        (false, false) => cat!(message, " (", cause_message, ')'),
        (false, true) => message,
        (true, false) => cause_message,
        (true, true) => "fetch failed".into(),
    };
    let service_error = failure.error(&detail, timeout_ms);
    let cause = (!timed_out && !error.is_undefined()).then_some(&error);
    next(call, failure, service_error, cause)
}
