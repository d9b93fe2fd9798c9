//! One HTTP attempt through `fetch`, and the sleeps between attempts.
//!
//! The call has the official SDK's shape, `fetch(url, init)` with a string
//! URL and a plain init object, so users' fetch stubs keep working. Only
//! `method`, `headers`, `body`, `signal` and `redirect` are set: workerd
//! throws on `mode`, `credentials` and `cache`.

use crate::prelude::*;

use super::bindings::{read, Loose};
use super::env::get;
use crate::core::http::ApiRequest;
use crate::core::response::is_success;
use crate::core::retry::{classify_fetch_error, Failure};
use crate::core::text::cat;
use core::cell::RefCell;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestInit, RequestRedirect};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(timer: &JsValue);
}

/// Abort controllers kept for reuse. Creating one costs microseconds in
/// Node (its signal is a transferable object; measured before pooling, when
/// a stubbed send took over 100 µs: about a quarter of it), and a controller whose attempt ended without timing out is
/// as good as new. Each serves a bounded number of attempts, so whatever a
/// runtime's fetch leaves attached to a signal stays bounded too.
#[derive(Default)]
pub struct Controllers {
    spare: RefCell<Vec<Controller>>,
}

const SPARE_CONTROLLERS: usize = 8;
const USES_PER_CONTROLLER: u32 = 64;

struct Controller {
    /// Its signal, read once: each read is a call out of the wasm.
    signal: AbortSignal,
    /// `controller.abort` bound to it: a JS function for `setTimeout`, so
    /// no Rust closure has to outlive the call.
    abort: Function,
    uses: u32,
}

impl Controllers {
    fn take(&self) -> Option<Controller> {
        let reused = self
            .spare
            .try_borrow_mut()
            .ok()
            .and_then(|mut spare| spare.pop());
        reused.or_else(|| {
            let controller = AbortController::new().ok()?;
            let abort = get(&controller, "abort")
                .dyn_into::<Function>()
                .ok()?
                .bind0(&controller);
            Some(Controller {
                signal: controller.signal(),
                abort,
                uses: 0,
            })
        })
    }

    fn give_back(&self, mut used: Controller) {
        used.uses += 1;
        if used.signal.aborted() || used.uses >= USES_PER_CONTROLLER {
            return;
        }
        if let Ok(mut spare) = self.spare.try_borrow_mut() {
            if spare.len() < SPARE_CONTROLLERS {
                spare.push(used);
            }
        }
    }
}

/// Aborts an attempt when its time is up. A plain timer, cleared as soon as
/// the attempt ends (on drop): `AbortSignal.timeout` would keep each signal
/// and its timer alive for the whole timeout, so a busy client would hold
/// tens of thousands of them (measured: +93 MB of heap over 90,000 calls).
struct Deadline<'a> {
    pool: &'a Controllers,
    controller: Option<Controller>,
    timer: JsValue,
}

impl<'a> Deadline<'a> {
    fn start(ms: u32, pool: &'a Controllers) -> Deadline<'a> {
        let controller = pool.take();
        let timer = controller
            .as_ref()
            .map_or(JsValue::UNDEFINED, |c| set_timeout(&c.abort, f64::from(ms)));
        Deadline {
            pool,
            controller,
            timer,
        }
    }

    fn signal(&self) -> Option<&AbortSignal> {
        self.controller.as_ref().map(|c| &c.signal)
    }

    fn expired(&self) -> bool {
        self.signal().is_some_and(|s| s.aborted())
    }
}

impl Drop for Deadline<'_> {
    fn drop(&mut self) {
        if !self.timer.is_undefined() {
            clear_timeout(&self.timer);
        }
        if let Some(controller) = self.controller.take() {
            self.pool.give_back(controller);
        }
    }
}

/// What one attempt produced.
pub enum Attempt {
    Answered {
        status: u16,
        /// The body text, left a JS string: it is only ever read by the
        /// engine's `JSON.parse`.
        body: JsValue,
        retry_after: Option<String>,
    },
    Failed {
        failure: Failure,
        /// The runtime's words, for the error message.
        detail: String,
    },
}

pub struct Transport<'a> {
    /// The caller's `fetch`, else the global one (see `fetch_for_call`).
    pub fetch: Function,
    pub headers: &'a Headers,
    pub timeout_ms: u32,
    pub controllers: &'a Controllers,
}

/// A client's request headers, made once: each call sends a fresh copy
/// (a fetch wrapper may add to it), made without a string crossing over.
pub struct Headers {
    with_body: Object,
    without_body: Object,
}

impl Headers {
    pub fn new(authorization: &str) -> Headers {
        let make = |content_type: bool| {
            let headers = Object::new();
            let set = |k: &str, v: &str| {
                let _ = Reflect::set(&headers, &k.into(), &v.into());
            };
            if content_type {
                set("Content-Type", "application/json");
            }
            set("Authorization", authorization);
            set("Accept", "application/json");
            headers
        };
        Headers {
            with_body: make(true),
            without_body: make(false),
        }
    }

    fn fresh(&self, with_body: bool) -> Object {
        let template = if with_body {
            &self.with_body
        } else {
            &self.without_body
        };
        Object::assign(&Object::new(), template)
    }
}

/// The `fetch` a call uses: the caller's, else the global one, looked up at
/// each call so that a stub installed after import is honoured. `None`
/// when there is neither.
pub fn fetch_for_call(custom: Option<&Function>) -> Option<Function> {
    custom.cloned().or_else(|| {
        read(&js_sys::global(), Loose::fetch)
            .dyn_into::<Function>()
            .ok()
    })
}

impl Transport<'_> {
    pub async fn attempt(&self, url: &str, request: &ApiRequest) -> Attempt {
        // Covers the whole attempt: connecting, the answer and its body.
        let deadline = Deadline::start(self.timeout_ms, self.controllers);
        let init = self.init(request, deadline.signal());

        let global = js_sys::global();
        let pending = match self.fetch.call2(&global, &JsValue::from_str(url), &init) {
            Ok(p) => p,
            Err(e) => return failed(&e, &deadline),
        };
        let response = match JsFuture::from(Promise::resolve(&pending)).await {
            Ok(r) => r,
            Err(e) => return failed(&e, &deadline),
        };
        match read_response(&response).await {
            Ok(answer) => answer,
            Err(e) => failed(&e, &deadline),
        }
    }

    fn init(&self, request: &ApiRequest, signal: Option<&AbortSignal>) -> RequestInit {
        let init = RequestInit::new();
        init.set_method(request.method.as_str());
        init.set_headers(&self.headers.fresh(request.body.is_some()));
        if let Some(body) = &request.body {
            init.set_body(&JsValue::from_str(body));
        }
        init.set_signal(signal);
        // The API does not redirect; following one could carry the key elsewhere.
        init.set_redirect(RequestRedirect::Manual);
        init
    }
}

/// Reads status, Retry-After and body text. Duck-typed, so a stub that
/// returns `{ ok, status, json() }` works as well as a real `Response`.
async fn read_response(response: &JsValue) -> Result<Attempt, JsValue> {
    let status = match read(response, Loose::status).as_f64() {
        Some(s) if (0.0..=999.0).contains(&s) => s as u16,
        _ if read(response, Loose::ok).as_bool() == Some(true) => 200,
        _ => 0,
    };
    // Only a failure's wait matters (the retry policy reads it): a success
    // skips the header lookup, four calls out of the wasm.
    let retry_after = if is_success(status) {
        None
    } else {
        let headers = read(response, Loose::headers);
        read(&headers, Loose::get)
            .dyn_into::<Function>()
            .ok()
            .and_then(|get| get.call1(&headers, &"retry-after".into()).ok())
            .and_then(|v| v.as_string())
    };

    let body = if let Ok(text) = read(response, Loose::text).dyn_into::<Function>() {
        JsFuture::from(Promise::resolve(&text.call0(response)?)).await?
    } else if let Ok(json) = read(response, Loose::json).dyn_into::<Function>() {
        let value = JsFuture::from(Promise::resolve(&json.call0(response)?)).await?;
        js_sys::JSON::stringify(&value).map_or(JsValue::UNDEFINED, JsValue::from)
    } else {
        JsValue::UNDEFINED
    };
    Ok(Attempt::Answered {
        status,
        body,
        retry_after,
    })
}

fn failed(error: &JsValue, deadline: &Deadline) -> Attempt {
    let name = get(error, "name").as_string().unwrap_or_default();
    let message = get(error, "message")
        .as_string()
        .or_else(|| error.as_string())
        .unwrap_or_default();
    let cause = get(error, "cause");
    let cause_code = get(&cause, "code").as_string().unwrap_or_default();
    let cause_message = get(&cause, "message").as_string().unwrap_or_default();
    let failure = if deadline.expired() {
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
    Attempt::Failed { failure, detail }
}

pub async fn sleep(ms: f64) {
    let promise = Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}
