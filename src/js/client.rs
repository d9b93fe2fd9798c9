//! The client behind `contiguity.imessage`, as a handful of synchronous
//! steps that `pkg-template/api.js` strings together:
//!
//! `clientNew` checks the key and options once; `callStart` checks a call's
//! arguments and builds its request (bad input is refused here, before
//! anything is sent); `callFetch` makes one attempt's `fetch`; then either
//! `callAnswered` (a response, its body as `api.js` read and parsed it) or
//! `callFailed` (what the attempt threw, or that it timed out) says what
//! comes next: the result, a number of milliseconds to wait before the
//! next attempt, or the final error, thrown.
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
    self, callable, date_now, date_parse, debug, fetch_with, field, from_record, math_random,
    result_of, Callable, Url,
};
use super::env;
use super::source::{read_js, JsSource};
use crate::engine::config::{self, Options, UrlParts};
use crate::engine::error::{Error, ServiceError};
use crate::engine::http::{authorization, ApiRequest, Method as HttpMethod};
use crate::engine::imessage::{self, Method};
use crate::engine::input::{Body, Shape};
use crate::engine::redact::redact;
use crate::engine::response::{
    check_success, is_success, oversized_body, parse_failure, unreadable_success, Clock,
    BODY_LIMIT_BYTES, ENVELOPE, SUCCESS,
};
use crate::engine::retry::{classify_fetch_error, decide, Decision, Failure};
use crate::engine::text::cat;
use alloc::rc::Rc;
use core::cell::{RefCell, RefMut};
use wasm_bindgen::prelude::*;

struct Client {
    /// Kept only to take it out of any error text.
    key: String,
    /// `Token <key>`, for the `Authorization` header, as a JS string made
    /// once (a string decoded out of the wasm for every attempt costs more
    /// than it should); the headers object is made afresh for each
    /// attempt (`fetch_with`).
    authorization: JsValue,
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

/// A table found borrowed on entry: no step calls into JS while it holds
/// one (so no caller's code can reach a table mid-step), which leaves one
/// way for it to happen: a step that trapped half-way, whose borrow was
/// never released. Nothing in this instance can be trusted then; trapping
/// again has `api.js` replace it.
fn poisoned() -> ! {
    core::arch::wasm32::unreachable()
}

fn borrowed<T>(cell: &RefCell<T>) -> RefMut<'_, T> {
    cell.try_borrow_mut().unwrap_or_else(|_| poisoned())
}

impl<T> Handles<T> {
    const fn new() -> Self {
        Handles {
            slots: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
        }
    }

    /// A handle for `value`; `None` only when 2^32 are in use.
    fn insert(&self, value: T) -> Option<u32> {
        let mut slots = borrowed(&self.slots);
        let mut free = borrowed(&self.free);
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

    /// Runs `f` on the value behind `handle`; `f` must not call into JS.
    fn with<R>(&self, handle: u32, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        borrowed(&self.slots)
            .get_mut(handle as usize)?
            .as_mut()
            .map(f)
    }

    fn remove(&self, handle: u32) -> Option<T> {
        let value = borrowed(&self.slots).get_mut(handle as usize)?.take()?;
        borrowed(&self.free).push(handle);
        Some(value)
    }
}

/// A trap inside a step, as a bug there would cause: with both tables
/// borrowed, which leaves this instance unusable. For tests only (the
/// crate's `trap-test` feature): `api.js` must recover from it.
#[cfg(feature = "trap-test")]
pub fn trap_inside_a_step() {
    let _clients = borrowed(&CLIENTS.0.slots);
    let _calls = borrowed(&CALLS.0.slots);
    core::arch::wasm32::unreachable()
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

/// The record for a handle that names nothing: a client used after its
/// instance was replaced, which `api.js` never does.
const UNKNOWN_HANDLE: &str =
    "{\"name\":\"Error\",\"message\":\"contiguity-imessage: unknown client or call\"}";

fn unknown_handle() -> JsValue {
    JsValue::from_str(UNKNOWN_HANDLE)
}

fn unknown_record() -> String {
    UNKNOWN_HANDLE.into()
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
        // `try_borrow`: `borrow` can panic, and its panic message keeps
        // core's formatting in the module (nothing else holds `kept` now).
        .and_then(|index| kept.try_borrow().ok()?.get(index).cloned())
        .and_then(callable);
    let client = Client {
        authorization: JsValue::from_str(&authorization(&key)),
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

/// What `callStart` returns for a call it refuses; the reason is then
/// taken with `callRefusal`.
const REFUSED: u32 = u32::MAX;

/// The record of the last refused `callStart`, until `callRefusal` takes it.
/// Returned this way rather than thrown: a throw, and the array a
/// `Result` export returns its parts in, were a good part of a refused
/// call's time in the glue (BENCHMARKS.md, "Refusals returned, not thrown").
static REFUSAL: SingleThreaded<RefCell<Option<String>>> = SingleThreaded(RefCell::new(None));

/// Checks one call's arguments and builds its request: a call handle, or
/// `REFUSED` (nothing is sent), the reason kept for `callRefusal`.
/// `method` is its index in `Method::ALL`.
#[wasm_bindgen(js_name = callStart)]
pub fn call_start(client: u32, method: u32, first: JsValue, second: JsValue) -> u32 {
    let Some(client) = client_of(client) else {
        return refused(unknown_record());
    };
    let Some(method) = Method::numbered(method) else {
        return refused(unknown_record());
    };
    let kept = RefCell::new(Vec::new());
    let request = imessage::request(
        method,
        &JsSource::new(first, &kept),
        &JsSource::new(second, &kept),
    );
    begin(client, request)
}

/// `send(params)` for params whose keys are all among `to`, `message` and
/// `from`, whose values `api.js` read itself (`sendFields`): up to three,
/// `order` saying whose each is (`imessage::send::fields_read_first`).
/// They are read and checked here as the same params given to `callStart`,
/// without the crossings out of the wasm that reading the object itself
/// takes (its class, its keys, each value): between two requests those
/// were most of a send's own time (BENCHMARKS.md, "A send's fields read by
/// api.js").
#[wasm_bindgen(js_name = callStartFields)]
pub fn call_start_fields(
    client: u32,
    order: u32,
    first: JsValue,
    second: JsValue,
    third: JsValue,
) -> u32 {
    let Some(client) = client_of(client) else {
        return refused(unknown_record());
    };
    let kept = RefCell::new(Vec::new());
    let (first, second, third) = (
        JsSource::new(first, &kept),
        JsSource::new(second, &kept),
        JsSource::new(third, &kept),
    );
    let params = imessage::send::fields_read_first(order, [&first, &second, &third]);
    begin(client, imessage::send::request(&params))
}

/// The client behind a handle, if it names one.
fn client_of(client: u32) -> Option<Rc<Client>> {
    CLIENTS.0.with(client, |c| Rc::clone(c))
}

/// `REFUSED`, the record kept for `callRefusal`.
fn refused(record: String) -> u32 {
    *borrowed(&REFUSAL.0) = Some(record);
    REFUSED
}

/// The record of why the last `callStart` refused its call.
#[wasm_bindgen(js_name = callRefusal)]
pub fn call_refusal() -> JsValue {
    match borrowed(&REFUSAL.0).take() {
        Some(record) => JsValue::from_str(&record),
        None => unknown_handle(),
    }
}

/// A call of `client` for `request` (or its refusal, the record redacted),
/// in the table: its fetch (the client's, else the global one now) and its
/// URL. Not inlined: both ways of starting a call share it.
#[inline(never)]
fn begin(client: Rc<Client>, request: Result<ApiRequest, Error>) -> u32 {
    let secrets = [client.key.as_str()];
    let request = match request {
        Ok(request) => request,
        Err(error) => return refused(error.record(&secrets)),
    };
    let Some(fetch) = client.fetch.clone().or_else(boundary::global_fetch) else {
        return refused(Error::Service(ServiceError::no_fetch()).record(&secrets));
    };
    let url = request.url(&client.options.base_url);
    let call = Call {
        client,
        request,
        url,
        fetch,
        retries_done: 0,
    };
    CALLS
        .0
        .insert(call)
        .unwrap_or_else(|| refused(unknown_record()))
}

#[wasm_bindgen(js_name = callFree)]
pub fn call_free(call: u32) {
    CALLS.0.remove(call);
}

/// One attempt: `fetch(url, init)` with `signal`, returning whatever that
/// returned (a promise, normally). What it throws at once is thrown on;
/// `api.js` hands it to `callFailed`.
#[wasm_bindgen(js_name = callFetch)]
pub fn call_fetch(call: u32, signal: JsValue) -> Result<JsValue, JsValue> {
    // What the request needs is copied out first, and the table let go:
    // the fetch runs a caller's code (which may call back into the
    // package, or throw).
    let (client, fetch, url, method, body) = CALLS
        .0
        .with(call, |c| {
            (
                Rc::clone(&c.client),
                c.fetch.clone(),
                c.url.clone(),
                c.request.method,
                c.request.body.clone(),
            )
        })
        .ok_or_else(unknown_handle)?;
    if client.options.debug {
        // Redacted as an error's texts are: a key or secret may have been
        // passed where an id or a recipient goes, and so be in the URL.
        let line = cat!("[contiguity-imessage] ", method.as_str(), ' ', url);
        debug(&redact(&line, &[client.key.as_str()]));
    }
    // One call out of the wasm makes the init and calls fetch with it (the
    // strings are decoded by the glue on the way): each crossing costs a
    // request over a real connection several times its time in a tight
    // loop (BENCHMARKS.md, "Fewer crossings").
    fetch_with(
        &fetch,
        &url,
        method == HttpMethod::Post,
        &client.authorization,
        body.as_deref(),
        &signal,
    )
}

/// The status a response says, read the way a stub may give it: its
/// `status` as `api.js` read it (NaN when there was none), else `ok: true`
/// as 200.
fn status_of(response: &JsValue, status: f64) -> u16 {
    if (0.0..=999.0).contains(&status) {
        status as u16
    } else if field(response, "ok").as_bool() == Some(true) {
        200
    } else {
        0
    }
}

fn retry_after_of(response: &JsValue) -> Option<String> {
    let headers = field(response, "headers");
    let get = callable(field(&headers, "get"))?;
    get.call1(&headers, &JsValue::from_str("retry-after"))
        .ok()?
        .as_string()
}

// What `api.js` made of a body before `callAnswered` (its numbers are the
// same): parsed with the engine's `JSON.parse` (fast, and no parser in the
// wasm), no text at all, text that is not JSON, or more than `bodyLimit()`.
const BODY_PARSED: u32 = 0;
const BODY_NO_TEXT: u32 = 1;
const BODY_NOT_JSON: u32 = 2;
const BODY_OVER_LIMIT: u32 = 3;

/// The parsed body, or what the body is instead.
fn parse_body(kind: u32, text: &JsValue, parsed: JsValue) -> Result<JsValue, Body> {
    match kind {
        BODY_PARSED => Ok(parsed),
        BODY_NOT_JSON => Err(match text.as_string() {
            Some(t) if t.trim().is_empty() => Body::Empty,
            _ => Body::NotJson,
        }),
        BODY_NO_TEXT => Err(Body::Empty),
        // No other number is sent; were one, the body is not read.
        _ => Err(Body::Empty),
    }
}

/// What the checks read of a parsed body, with `shape`.
fn body_of(parsed: &Result<JsValue, Body>, shape: &Shape) -> Body {
    match parsed {
        Ok(value) => Body::Json(read_js(value, shape, &RefCell::new(Vec::new()))),
        Err(Body::Empty) => Body::Empty,
        Err(_) => Body::NotJson,
    }
}

/// The final error as a JS error, every text in it redacted; `cause`, when
/// given, becomes its `cause`, or a redacted stand-in if it mentions a
/// secret.
fn final_error(error: ServiceError, client: &Client, cause: Option<&JsValue>) -> JsValue {
    let secrets = [client.key.as_str()];
    let record = Error::Service(error).record(&secrets);
    let (cause, stand_in) = match cause {
        Some(cause) if super::errors::may_reveal_secret(cause, &secrets) => (
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

/// An attempt was answered: `response`, its `status` as `api.js` read it
/// (NaN when not a number), its body `text` (a string, or undefined when it
/// had none) and `parsed`, what `kind` says of the body (`BODY_`, above;
/// over the limit when it was longer than `bodyLimit()` and was not read to
/// its end). The result, a wait in ms, or the final error, thrown. `api.js`
/// reads the status and parses the body itself: asked from here, that was
/// four more crossings out of the wasm.
#[wasm_bindgen(js_name = callAnswered)]
pub fn call_answered(
    call: u32,
    response: JsValue,
    status: f64,
    text: JsValue,
    parsed: JsValue,
    kind: u32,
) -> Result<JsValue, JsValue> {
    let client = CALLS
        .0
        .with(call, |c| Rc::clone(&c.client))
        .ok_or_else(unknown_handle)?;
    let status = status_of(&response, status);
    if kind == BODY_OVER_LIMIT {
        return Err(final_error(oversized_body(status), &client, None));
    }
    let parsed = parse_body(kind, &text, parsed);
    if is_success(status) {
        // The little a success needs first; the whole envelope only for
        // the error of one that fails.
        if check_success(status, &body_of(&parsed, &SUCCESS)).is_err() {
            let error = check_success(status, &body_of(&parsed, &ENVELOPE))
                .err()
                .unwrap_or_else(|| unreadable_success(status));
            return Err(final_error(error, &client, None));
        }
        return parsed
            .ok()
            .and_then(|envelope| result_of(&envelope).ok())
            .ok_or_else(|| final_error(unreadable_success(status), &client, None));
    }
    let retry_after = retry_after_of(&response);
    let body = body_of(&parsed, &ENVELOPE);
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

// How an attempt failed, as `api.js` says it (the same numbers there): the
// deadline passed, or the body of an answer could not be read; 0 (any
// other number), `fetch` threw or rejected.
const FAILED_BY_DEADLINE: u32 = 1;
const FAILED_IN_BODY: u32 = 2;

/// An attempt got no answer it could read: `error` is what `fetch` (or
/// reading the body) threw, `how` which of the three (above). A wait in ms,
/// or the final error (with `error` as its cause), thrown.
#[wasm_bindgen(js_name = callFailed)]
pub fn call_failed(call: u32, error: JsValue, how: u32) -> Result<JsValue, JsValue> {
    let timeout_ms = CALLS
        .0
        .with(call, |c| c.client.options.timeout_ms)
        .ok_or_else(unknown_handle)?;
    let timed_out = how == FAILED_BY_DEADLINE;
    let text = |value: &JsValue, key| field(value, key).as_string().unwrap_or_default();
    let name = text(&error, "name");
    let message = field(&error, "message")
        .as_string()
        .or_else(|| error.as_string())
        .unwrap_or_default();
    let cause = field(&error, "cause");
    let cause_code = text(&cause, "code");
    let cause_message = text(&cause, "message");
    let failure = match how {
        FAILED_BY_DEADLINE => Failure::TimedOut,
        FAILED_IN_BODY => Failure::AnswerBrokeOff,
        _ => classify_fetch_error(&name, &message, &cause_code, &cause_message),
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
