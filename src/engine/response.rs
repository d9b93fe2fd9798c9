//! Checks what the service answered (status, body, Retry-After): a success
//! must be the envelope the method's result is made from (the facade makes
//! the result), a failure becomes a `ServiceError`. Never panics, whatever
//! the bytes.

use crate::prelude::*;

use super::error::{ErrorCode, ServiceError};
use super::input::{Body, Kind, Shape, Value};
use super::num;
use super::text::cat;

/// The most of a response body that is read; a longer one is an
/// `invalid_response`, however it is compressed. The largest real answer,
/// a history of 200 messages with their tracking, is far below it.
pub const BODY_LIMIT_BYTES: usize = 8 << 20;

/// What of an answer's JSON the checks read: the envelope's `id` and
/// `object`, `data`'s kind and the few places a failure's message can be.
pub const ENVELOPE: Shape = Shape::Open(&[
    ("id", Shape::Scalar),
    ("object", Shape::Scalar),
    ("message", Shape::Scalar),
    ("error", Shape::Open(&[("message", Shape::Scalar)])),
    ("agreement_url", Shape::Scalar),
    (
        "data",
        Shape::Open(&[
            ("error", Shape::Scalar),
            ("message", Shape::Scalar),
            ("agreement_url", Shape::Scalar),
        ]),
    ),
]);

/// What of a 2xx answer's JSON is read first: all `check_success` needs
/// to pass it (`data`'s kind, not its fields). Only a body that fails the
/// check is read again with `ENVELOPE`, for the error's request id.
pub const SUCCESS: Shape = Shape::Open(&[("object", Shape::Scalar), ("data", Shape::Kind)]);

/// Whether a status is a success (2xx); anything else goes to `parse_failure`.
pub fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Checks a success: the body must be the service's envelope, an object
/// whose `data` is an object, whatever fields it holds (a field the service
/// adds or a test double leaves out is not the client's business), and not
/// an error envelope. The body may be read with `SUCCESS` or `ENVELOPE`.
pub fn check_success(status: u16, body: &Body) -> Result<(), ServiceError> {
    let invalid = |why: &str, request_id: Option<String>| invalid_response(status, why, request_id);
    let Body::Json(envelope) = body else {
        return Err(invalid(not_json(body), None));
    };
    let request_id = envelope
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if envelope.as_object().is_none() {
        return Err(invalid(not_json(body), None));
    }
    if envelope.get("object").and_then(Value::as_str) == Some("error") {
        return Err(invalid("an error envelope", request_id));
    }
    if envelope.get("data").map(Value::kind) != Some(Kind::Object) {
        return Err(invalid(
            "a body that is not its response envelope (no `data` object)",
            request_id,
        ));
    }
    Ok(())
}

/// A success the facade could not turn into a result, though it passed
/// `check_success` (its data could not be copied).
pub fn unreadable_success(status: u16) -> ServiceError {
    invalid_response(status, "an envelope that could not be read", None)
}

/// An answer whose body was longer than `BODY_LIMIT_BYTES`.
pub fn oversized_body(status: u16) -> ServiceError {
    invalid_response(
        status,
        &cat!(
            "a body of more than ",
            BODY_LIMIT_BYTES,
            " bytes (not read further)"
        ),
        None,
    )
}

fn invalid_response(status: u16, why: &str, request_id: Option<String>) -> ServiceError {
    let mut e = ServiceError::new(
        ErrorCode::InvalidResponse,
        Some(status),
        answered(status, Some(why)),
    );
    e.request_id = request_id;
    e
}

/// A failure status: the service's message from whichever of its shapes the
/// body has (`data.error`, top-level `message`, or none at all).
pub fn parse_failure(
    status: u16,
    body: &Body,
    retry_after: Option<&str>,
    clock: &Clock,
) -> ServiceError {
    let code = ErrorCode::for_status(status);
    let mut error = ServiceError::new(code, Some(status), String::new());

    if let Some(json) = body.json().filter(|v| v.as_object().is_some()) {
        let data = json.get("data");
        let message = text(data.and_then(|d| d.get("error")))
            .or_else(|| text(data.and_then(|d| d.get("message"))))
            .or_else(|| text(json.get("message")))
            .or_else(|| text(json.get("error")))
            .or_else(|| text(json.get("error").and_then(|e| e.get("message"))));
        error.message = match message {
            Some(m) => m.to_owned(),
            None => answered(status, None),
        };
        error.request_id = text(json.get("id")).map(str::to_owned);
        error.agreement_url = text(data.and_then(|d| d.get("agreement_url")))
            .or_else(|| text(json.get("agreement_url")))
            .map(str::to_owned);
    } else {
        // A proxy's HTML page or an empty body: say so, without echoing it.
        error.message = answered(status, Some(not_json(body)));
    }
    error.retry_after = retry_after.and_then(|h| parse_retry_after(h, clock));
    error
}

/// "The Contiguity API answered HTTP 502 Bad Gateway with ...": the status,
/// its reason where known, and what came with it.
fn answered(status: u16, with: Option<&str>) -> String {
    let mut message = cat!("The Contiguity API answered HTTP ", status);
    let reason = reason(status);
    if !reason.is_empty() {
        message.push(' ');
        message.push_str(reason);
    }
    if let Some(with) = with {
        message.push_str(" with ");
        message.push_str(with);
    }
    message
}

/// What a body that is not the JSON object expected is, for a message
/// (never its content, which may be a proxy's page).
fn not_json(body: &Body) -> &'static str {
    match body {
        Body::Empty => "an empty body",
        Body::NotJson => "a body that is not JSON",
        Body::Json(_) => "JSON that is not an object",
    }
}

/// A non-empty string, or nothing.
fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        300..=399 => "(redirect, not followed)",
        _ => "",
    }
}

/// The time, and a reader of HTTP dates: the facade reads dates with the
/// engine's `Date.parse`, native tests with the httpdate crate, so the wasm
/// carries no date parser of its own.
pub struct Clock<'a> {
    pub now_ms: f64,
    /// Milliseconds since the epoch of an HTTP date, or `None`.
    pub http_date_ms: &'a dyn Fn(&str) -> Option<f64>,
}

/// Where a `Retry-After` is capped, so that it stays a whole number a JS
/// caller can use (2^53 - 1, the largest integer a double holds exactly).
pub const MAX_RETRY_AFTER_SECS: f64 = 9_007_199_254_740_991.0;

/// `Retry-After` as seconds to wait: either delay-seconds or an HTTP date.
pub fn parse_retry_after(header: &str, clock: &Clock) -> Option<f64> {
    let header = header.trim_ascii();
    if !header.is_empty() && header.bytes().all(|b| b.is_ascii_digit()) {
        // Any number of digits: a wait too long to hold in an integer is
        // still a wait (far too long to make), never "no wait". Summed as
        // f64: f64's parser would bring its tables into the wasm.
        let secs = header
            .bytes()
            .fold(0.0, |n, digit| n * 10.0 + f64::from(digit - b'0'));
        return Some(secs.min(MAX_RETRY_AFTER_SECS));
    }
    // HTTP dates start with the day's name; this keeps "-1" or "1.5e3"
    // away from a lenient date reader.
    if !header.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let at_ms = (clock.http_date_ms)(header).filter(|ms| ms.is_finite())?;
    Some(num::ceil(((at_ms - clock.now_ms) / 1000.0).max(0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_MS: f64 = 1_785_698_220_563.0;

    fn http_date_ms(s: &str) -> Option<f64> {
        let at = httpdate::parse_http_date(s).ok()?;
        Some(at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as f64)
    }

    fn body(text: &str) -> Body {
        Body::from_text(text, &ENVELOPE)
    }

    const CLOCK: Clock = Clock {
        now_ms: NOW_MS,
        http_date_ms: &http_date_ms,
    };

    #[test]
    fn a_success_envelope_passes_whatever_data_holds() {
        for text in [
            r#"{"id":"req_1","timestamp":1785698220563,"api_version":"v2026.8.2","object":"response","data":{"message_id":"imsg_1","extra":{"new":true}},"unknown_top":1}"#,
            // What users' test doubles answer.
            r#"{"id":"req_test","object":"response","data":{}}"#,
            r#"{"data":{"message_id":5}}"#,
        ] {
            assert_eq!(check_success(200, &body(text)), Ok(()), "{text}");
            let first_read = Body::from_text(text, &SUCCESS);
            assert_eq!(check_success(200, &first_read), Ok(()), "{text}");
        }
    }

    #[test]
    fn a_2xx_that_is_not_the_envelope_is_invalid_response() {
        for (text, fragment) in [
            ("", "an empty body"),
            ("  \n", "an empty body"),
            ("<html>ok</html>", "not JSON"),
            ("[1,2]", "JSON that is not an object"),
            ("\"text\"", "JSON that is not an object"),
            ("{}", "no `data` object"),
            (r#"{"data":"x"}"#, "no `data` object"),
            (r#"{"data":null}"#, "no `data` object"),
            (r#"{"data":[]}"#, "no `data` object"),
            (
                r#"{"id":"err_1","object":"error","data":{"error":"x"}}"#,
                "an error envelope",
            ),
        ] {
            let e = check_success(200, &body(text)).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidResponse, "{text}");
            assert_eq!(e.status, Some(200));
            assert!(e.message.contains(fragment), "{text}: {}", e.message);
            // The first, smaller read of a 2xx refuses the same bodies.
            let first_read = check_success(200, &Body::from_text(text, &SUCCESS)).unwrap_err();
            assert_eq!(first_read.message, e.message, "{text}");
        }
        let e = check_success(201, &body(r#"{"id":"req_2"}"#)).unwrap_err();
        assert_eq!(e.request_id.as_deref(), Some("req_2"));
        assert_eq!(e.status, Some(201));
        assert_eq!(
            oversized_body(200).message,
            "The Contiguity API answered HTTP 200 with a body of more than 8388608 bytes (not read further)"
        );
    }

    #[test]
    fn successes_are_2xx_only() {
        for status in [200, 201, 204, 299] {
            assert!(is_success(status), "{status}");
        }
        for status in [0, 100, 199, 300, 301, 400, 429, 500, 999] {
            assert!(!is_success(status), "{status}");
        }
    }

    #[test]
    fn error_envelope() {
        let text = r#"{"id":"err_abc","timestamp":1,"api_version":"v","object":"error","data":{"error":"Invalid 'to'","status":400}}"#;
        let e = parse_failure(400, &body(text), None, &CLOCK);
        assert_eq!(e.code, ErrorCode::BadRequest);
        assert_eq!(e.status, Some(400));
        assert_eq!(e.message, "Invalid 'to'");
        assert_eq!(e.request_id.as_deref(), Some("err_abc"));
        assert_eq!(e.agreement_url, None);
    }

    #[test]
    fn agreement_url_from_a_403() {
        let text = r#"{"id":"err_f","object":"error","data":{"error":"Fast Track requires an agreement","status":403,"agreement_url":"https://contiguity.com/a"}}"#;
        let e = parse_failure(403, &body(text), None, &CLOCK);
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert_eq!(e.agreement_url.as_deref(), Some("https://contiguity.com/a"));
    }

    #[test]
    fn top_level_message_shape() {
        let e = parse_failure(
            401,
            &body(r#"{"message":"Bad token","status":401}"#),
            None,
            &CLOCK,
        );
        assert_eq!(e.code, ErrorCode::Unauthorized);
        assert_eq!(e.message, "Bad token");
        assert_eq!(e.request_id, None);
    }

    #[test]
    fn non_json_and_empty_bodies_still_give_a_useful_message() {
        let e = parse_failure(
            502,
            &body("<html><body>Bad gateway</body></html>"),
            None,
            &CLOCK,
        );
        assert_eq!(e.code, ErrorCode::ServerError);
        assert_eq!(
            e.message,
            "The Contiguity API answered HTTP 502 Bad Gateway with a body that is not JSON"
        );
        let e = parse_failure(503, &body(""), None, &CLOCK);
        assert!(e.message.ends_with("with an empty body"));
        let e = parse_failure(404, &body("{}"), None, &CLOCK);
        assert_eq!(e.code, ErrorCode::NotFound);
        assert_eq!(e.message, "The Contiguity API answered HTTP 404 Not Found");
        // A status without a known reason: no stray space.
        let e = parse_failure(599, &body("{}"), None, &CLOCK);
        assert_eq!(e.message, "The Contiguity API answered HTTP 599");
        let e = parse_failure(599, &body("[1]"), None, &CLOCK);
        assert_eq!(
            e.message,
            "The Contiguity API answered HTTP 599 with JSON that is not an object"
        );
    }

    #[test]
    fn a_failure_without_a_message_names_the_status_and_its_reason() {
        for (status, reason) in [
            (400, " Bad Request"),
            (401, " Unauthorized"),
            (403, " Forbidden"),
            (404, " Not Found"),
            (405, " Method Not Allowed"),
            (408, " Request Timeout"),
            (409, " Conflict"),
            (413, " Payload Too Large"),
            (422, " Unprocessable Entity"),
            (429, " Too Many Requests"),
            (500, " Internal Server Error"),
            (502, " Bad Gateway"),
            (503, " Service Unavailable"),
            (504, " Gateway Timeout"),
            (300, " (redirect, not followed)"),
            (302, " (redirect, not followed)"),
            (399, " (redirect, not followed)"),
            (299, ""),
            (418, ""),
            (501, ""),
        ] {
            assert_eq!(
                parse_failure(status, &body(r#"{"data":{}}"#), None, &CLOCK).message,
                format!("The Contiguity API answered HTTP {status}{reason}")
            );
        }
    }

    #[test]
    fn codes_for_statuses() {
        let cases = [
            (400, "bad_request"),
            (401, "unauthorized"),
            (403, "forbidden"),
            (404, "not_found"),
            (422, "bad_request"),
            (429, "rate_limited"),
            (500, "server_error"),
            (504, "server_error"),
            (302, "invalid_response"),
        ];
        for (status, code) in cases {
            assert_eq!(ErrorCode::for_status(status).as_str(), code, "{status}");
        }
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        assert_eq!(parse_retry_after("7", &CLOCK), Some(7.0));
        assert_eq!(parse_retry_after(" 0 ", &CLOCK), Some(0.0));
        // NOW_MS is 2026-08-02T19:17:00.563Z; 30.437 s later, rounded up.
        assert_eq!(
            parse_retry_after("Sun, 02 Aug 2026 19:17:31 GMT", &CLOCK),
            Some(31.0)
        );
        assert_eq!(
            parse_retry_after("Sun, 02 Aug 2026 19:00:00 GMT", &CLOCK),
            Some(0.0)
        );
        // A wait too long to make is still a wait, never "none".
        assert_eq!(
            parse_retry_after("99999999999", &CLOCK),
            Some(99_999_999_999.0)
        );
        assert_eq!(
            parse_retry_after("4294967296", &CLOCK),
            Some(4_294_967_296.0)
        );
        assert_eq!(
            parse_retry_after(&"9".repeat(400), &CLOCK),
            Some(MAX_RETRY_AFTER_SECS)
        );
        for junk in ["", "-1", "soon", "1.5e3", "Sun, 99 Aug 2026", "+5", "0x10"] {
            assert_eq!(parse_retry_after(junk, &CLOCK), None, "{junk}");
        }
        let e = parse_failure(429, &body("{}"), Some("3"), &CLOCK);
        assert_eq!((e.code, e.retry_after), (ErrorCode::RateLimited, Some(3.0)));
    }
}
