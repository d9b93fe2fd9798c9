//! `Client`: the wasm class behind `contiguity.imessage`. Each call parses
//! its params in the core (rejecting at once, before any request), then
//! sends, retrying as the core's policy says.

use super::convert::{decode_body, from_js, success_result};
use super::errors;
use super::transport::{sleep, Attempt, Controllers, Headers, Transport};
use crate::core::config::{self, KeySource, Options, KEY_ENV_VARS};
use crate::core::error::{Error, ErrorCode, ServiceError};
use crate::core::http::ApiRequest;
use crate::core::imessage;
use crate::core::response::{check_success, parse_failure, Clock};
use crate::core::retry::{decide, Decision, Failure};
use crate::core::text::cat;
use crate::core::value::Value;
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
        let fetch = super::env::get(&options, "fetch");
        let fetch_is_function = fetch.is_function();
        let options = config::parse_options(&from_js(&options), fetch_is_function)
            .map_err(|e| errors::thrown(&e))?;

        let key = if api_key.is_undefined() || api_key.is_null() {
            KEY_ENV_VARS.iter().find_map(|name| {
                super::env::read(name).map(|k| (Value::String(k), KeySource::Env(name)))
            })
        } else {
            Some((from_js(&api_key), KeySource::Argument))
        };
        let key = config::check_api_key(key.as_ref().map(|(v, s)| (v, *s)))
            .map_err(|e| errors::thrown(&e))?;

        Ok(Client {
            inner: Rc::new(Inner {
                headers: Headers::new(&cat!("Token ", key)),
                options,
                fetch: fetch.dyn_into::<Function>().ok(),
                controllers: Controllers::default(),
            }),
        })
    }

    /// Every `imessage` method, through one export: `api.js` calls
    /// `call(IMessageCall.Send, params)`, `call(IMessageCall.Reply, event,
    /// params)`, and so on. (An export per method cost 3 KB of wasm and
    /// 2 KB of glue, measured: each repeats the same argument and result
    /// handling.)
    pub fn call(
        &self,
        method: IMessageCall,
        first: JsValue,
        second: JsValue,
    ) -> Result<Promise, JsValue> {
        let params = from_js(&first);
        let second = || from_js(&second);
        let request = match method {
            IMessageCall::Send => imessage::parse_send(&params).map(|p| p.request()),
            IMessageCall::Reply => imessage::parse_reply(&params, &second()).map(|p| p.request()),
            IMessageCall::Typing => imessage::parse_typing(&params).map(|p| p.request()),
            IMessageCall::React => imessage::parse_react(&params, &second()).map(|p| p.request()),
            IMessageCall::Read => imessage::parse_read(&params).map(|p| p.request()),
            IMessageCall::History => imessage::parse_history(&params).map(|p| p.request()),
            IMessageCall::Get => imessage::parse_get(&params, &second()).map(|p| p.request()),
            IMessageCall::Availability => {
                imessage::parse_availability(&params).map(|p| p.request())
            }
        };
        self.run(request)
    }
}

/// The method `Client::call` runs, with its arguments in the documented
/// order (`reply(event, params)`, `react(action, params)`, `get(id, opts)`).
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

impl Client {
    /// Bad input is thrown at once (`api.js` turns it into the rejected
    /// `ValidationError`); a valid request runs as a promise.
    fn run(&self, request: Result<ApiRequest, Error>) -> Result<Promise, JsValue> {
        let request = request.map_err(|e| errors::thrown(&e))?;
        let inner = Rc::clone(&self.inner);
        Ok(future_to_promise(async move {
            execute(&inner, &request)
                .await
                .map_err(|e| errors::to_js(&Error::Service(e)))
        }))
    }
}

/// Sends `request`, retrying as `core::retry` decides, until a result or a
/// final error.
async fn execute(inner: &Inner, request: &ApiRequest) -> Result<JsValue, ServiceError> {
    let options = &inner.options;
    let url = request.url(&options.base_url);
    let transport = Transport {
        custom_fetch: inner.fetch.as_ref(),
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
            Attempt::Answered { status, body, .. } if (200..300).contains(&status) => {
                // The envelope and its data's fields are all the check reads.
                let (parsed, shape) = decode_body(&body, 2);
                check_success(status, &shape, request.expect)?;
                // Checked above: the body parsed, to an envelope with `data`.
                return parsed.as_ref().and_then(success_result).ok_or_else(|| {
                    ServiceError::new(
                        ErrorCode::InvalidResponse,
                        Some(status),
                        "The Contiguity API answered with an envelope that could not be read",
                    )
                });
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
                // The messages it reads are at most two levels down.
                let (_, shape) = decode_body(&body, 3);
                let error = parse_failure(status, &shape, retry_after.as_deref(), &clock);
                let failure = Failure::Status {
                    status,
                    retry_after_secs: error.retry_after,
                };
                (failure, error)
            }
            Attempt::Failed { failure, detail } => {
                let error = match failure {
                    Failure::TimedOut => ServiceError::timeout(u64::from(options.timeout_ms)),
                    _ => ServiceError::network(&detail),
                };
                (failure, error)
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
