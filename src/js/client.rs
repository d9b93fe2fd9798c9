//! `Client`: the wasm class behind `contiguity.imessage`. Each call parses
//! its params in the core (rejecting at once, before any request), then
//! sends, retrying as the core's policy says.

use super::convert::{decode_body, from_js, success_result};
use super::errors;
use super::transport::{fetch_for_call, sleep, Attempt, Controllers, Headers, Transport};
use crate::core::config::{self, Options};
use crate::core::error::{Error, ServiceError};
use crate::core::http::{authorization, ApiRequest};
use crate::core::imessage::{self, Call};
use crate::core::response::{
    check_success, is_success, parse_failure, unreadable_success, Clock, FAILURE_DEPTH,
    SUCCESS_DEPTH,
};
use crate::core::retry::{decide, Decision, Failure};
use crate::core::text::cat;
use alloc::rc::Rc;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = debug)]
    fn console_debug(line: &str);
}

struct Inner {
    /// Carries `Authorization: Token <key>`; the key is kept nowhere else.
    headers: Headers,
    options: Options,
    fetch: Option<Function>,
    controllers: Controllers,
}

#[wasm_bindgen]
pub struct Client {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Client {
    #[wasm_bindgen(constructor)]
    pub fn new(api_key: JsValue, options: JsValue) -> Result<Client, JsValue> {
        let parsed = config::parse_options(&from_js(&options)).map_err(|e| errors::thrown(&e))?;
        let key = config::api_key(&from_js(&api_key), &super::env::read)
            .map_err(|e| errors::thrown(&e))?;
        Ok(Client {
            inner: Rc::new(Inner {
                headers: Headers::new(&authorization(&key)),
                options: parsed,
                // Checked by parse_options: when given, a function.
                fetch: super::env::get(&options, "fetch")
                    .dyn_into::<Function>()
                    .ok(),
                controllers: Controllers::default(),
            }),
        })
    }

    /// Every `imessage` method, through one export: `api.js` calls
    /// `call(IMessageCall.Send, params)`, `call(IMessageCall.Reply, event,
    /// params)`, and so on. (An export per method cost 2.7 KB of wasm and
    /// 2 KB of glue, measured: each repeats the same argument and result
    /// handling.)
    pub fn call(
        &self,
        method: IMessageCall,
        first: JsValue,
        second: JsValue,
    ) -> Result<Promise, JsValue> {
        let request = imessage::request(method.into(), &from_js(&first), &|| from_js(&second))
            .map_err(|e| errors::thrown(&e))?;
        let inner = Rc::clone(&self.inner);
        Ok(future_to_promise(async move {
            execute(&inner, &request)
                .await
                .map_err(|e| errors::to_js(&Error::Service(e)))
        }))
    }
}

/// `imessage::Call`, as JS names it.
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum IMessageCall {
    Send,
    Reply,
    Typing,
    React,
    Read,
    History,
    Get,
    Availability,
}

impl From<IMessageCall> for Call {
    fn from(call: IMessageCall) -> Call {
        match call {
            IMessageCall::Send => Call::Send,
            IMessageCall::Reply => Call::Reply,
            IMessageCall::Typing => Call::Typing,
            IMessageCall::React => Call::React,
            IMessageCall::Read => Call::Read,
            IMessageCall::History => Call::History,
            IMessageCall::Get => Call::Get,
            IMessageCall::Availability => Call::Availability,
        }
    }
}

/// Sends `request`, retrying as `core::retry` decides, until a result or a
/// final error.
async fn execute(inner: &Inner, request: &ApiRequest) -> Result<JsValue, ServiceError> {
    let options = &inner.options;
    let url = request.url(&options.base_url);
    let transport = Transport {
        fetch: fetch_for_call(inner.fetch.as_ref()).ok_or_else(ServiceError::no_fetch)?,
        headers: &inner.headers,
        timeout_ms: options.timeout_ms,
        controllers: &inner.controllers,
    };
    let mut retries_done = 0;
    loop {
        if options.debug {
            console_debug(&cat!(
                "[contiguity-imessage] ",
                request.method.as_str(),
                ' ',
                url
            ));
        }
        let (failure, error) = match transport.attempt(&url, request).await {
            Attempt::Answered { status, body, .. } if is_success(status) => {
                let (parsed, shape) = decode_body(&body, SUCCESS_DEPTH);
                check_success(status, &shape, request.expect)?;
                return parsed
                    .as_ref()
                    .and_then(success_result)
                    .ok_or_else(|| unreadable_success(status));
            }
            Attempt::Answered {
                status,
                body,
                retry_after,
            } => {
                let clock = Clock {
                    now_ms: js_sys::Date::now(),
                    http_date_ms: &|date| Some(js_sys::Date::parse(date)),
                };
                let (_, shape) = decode_body(&body, FAILURE_DEPTH);
                let error = parse_failure(status, &shape, retry_after.as_deref(), &clock);
                let failure = Failure::Status {
                    status,
                    retry_after_secs: error.retry_after,
                };
                (failure, error)
            }
            Attempt::Failed { failure, detail } => {
                (failure, failure.error(&detail, options.timeout_ms))
            }
        };
        match decide(
            &options.retry,
            request.repeat,
            retries_done,
            failure,
            js_sys::Math::random(),
        ) {
            Decision::Stop => return Err(error),
            Decision::RetryAfterMs(ms) => {
                if options.debug {
                    console_debug(&cat!(
                        "[contiguity-imessage] ",
                        request.method.as_str(),
                        " failed (",
                        error.code.as_str(),
                        "); retrying in ",
                        (ms + 0.5) as u64,
                        " ms"
                    ));
                }
                sleep(ms).await;
                retries_done += 1;
            }
        }
    }
}
