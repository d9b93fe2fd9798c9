//! One HTTP attempt through `fetch`, and the sleeps between attempts.
//!
//! The call has the official SDK's shape, `fetch(url, init)` with a string
//! URL and a plain init object, so users' fetch stubs keep working. Only
//! `method`, `headers`, `body`, `signal` and `redirect` are set: workerd
//! throws on `mode`, `credentials` and `cache`.

use crate::prelude::*;

use super::convert::json_text;
use super::env::get;
use crate::core::http::ApiRequest;
use crate::core::retry::{classify_fetch_error, Failure};
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

/// Aborts an attempt when its time is up. A plain timer, cleared as soon as
/// the attempt ends (on drop): `AbortSignal.timeout` would keep each signal
/// and its timer alive for the whole timeout, so a busy client would hold
/// tens of thousands of them (measured: +93 MB of heap over 90,000 calls).
struct Deadline {
    controller: Option<AbortController>,
    timer: JsValue,
}

impl Deadline {
    fn start(ms: u32) -> Deadline {
        let controller = AbortController::new().ok();
        // `controller.abort` bound to its controller: a JS function, so no
        // Rust closure has to outlive the call.
        let timer = controller
            .as_ref()
            .and_then(|c| {
                get(c, "abort")
                    .dyn_into::<Function>()
                    .ok()
                    .map(|f| f.bind0(c))
            })
            .map_or(JsValue::UNDEFINED, |abort| {
                set_timeout(&abort, f64::from(ms))
            });
        Deadline { controller, timer }
    }

    fn signal(&self) -> Option<AbortSignal> {
        self.controller.as_ref().map(AbortController::signal)
    }

    fn expired(&self) -> bool {
        self.signal().is_some_and(|s| s.aborted())
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if !self.timer.is_undefined() {
            clear_timeout(&self.timer);
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
    /// The caller's `fetch`, else the global one, looked up now so that a
    /// stub installed after import is honoured.
    pub custom_fetch: Option<&'a Function>,
    pub authorization: &'a str,
    pub timeout_ms: u32,
}

impl Transport<'_> {
    pub async fn attempt(&self, url: &str, request: &ApiRequest) -> Attempt {
        let global = js_sys::global();
        let fetch = match self.custom_fetch {
            Some(f) => f.clone(),
            None => match get(&global, "fetch").dyn_into::<Function>() {
                Ok(f) => f,
                Err(_) => {
                    return Attempt::Failed {
                        failure: Failure::ConnectFailed,
                        detail: "this runtime has no global fetch; pass options.fetch".into(),
                    }
                }
            },
        };
        // Covers the whole attempt: connecting, the answer and its body.
        let deadline = Deadline::start(self.timeout_ms);
        let init = self.init(request, deadline.signal().as_ref());

        let pending = match fetch.call2(&global, &JsValue::from_str(url), &init) {
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
        let headers = Object::new();
        let set = |k: &str, v: &str| {
            let _ = Reflect::set(&headers, &k.into(), &v.into());
        };
        if request.body.is_some() {
            set("Content-Type", "application/json");
        }
        set("Authorization", self.authorization);
        set("Accept", "application/json");

        let init = RequestInit::new();
        init.set_method(request.method.as_str());
        init.set_headers(&headers);
        if let Some(body) = request.body.as_ref().and_then(json_text) {
            init.set_body(&body);
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
    let status = match get(response, "status").as_f64() {
        Some(s) if (0.0..=999.0).contains(&s) => s as u16,
        _ if get(response, "ok").as_bool() == Some(true) => 200,
        _ => 0,
    };
    let headers = get(response, "headers");
    let retry_after = get(&headers, "get")
        .dyn_into::<Function>()
        .ok()
        .and_then(|f| f.call1(&headers, &"retry-after".into()).ok())
        .and_then(|v| v.as_string());

    let body = if let Ok(text) = get(response, "text").dyn_into::<Function>() {
        JsFuture::from(Promise::resolve(&text.call0(response)?)).await?
    } else if let Ok(json) = get(response, "json").dyn_into::<Function>() {
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
        (false, false) => format!("{message} ({cause_message})"),
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
