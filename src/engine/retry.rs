//! Retry policy as a pure decision: given what went wrong on an attempt,
//! retry after N milliseconds or stop. The facade only sleeps and re-sends.
//!
//! The rule that matters most: a send or a reaction is repeated only when
//! the service cannot have acted on it (a 429, or a connection that was
//! never made), so a retry never delivers a message twice.

use super::error::ServiceError;
use super::http::Repeat;
use super::text::{cat, find};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    /// The first backoff; each retry doubles it.
    pub base_delay_ms: f64,
    /// No single wait is longer than this. A Retry-After beyond it is not
    /// waited for: the error goes to the caller, with `retryAfter` set.
    pub max_delay_ms: f64,
}

impl RetryPolicy {
    pub const DEFAULT_MAX_RETRIES: u32 = 2;

    pub fn new(max_retries: u32) -> Self {
        RetryPolicy {
            max_retries,
            base_delay_ms: 500.0,
            max_delay_ms: 10_000.0,
        }
    }
}

/// How an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Failure {
    /// The service answered with this status.
    Status {
        status: u16,
        retry_after_secs: Option<f64>,
    },
    /// No connection was made (refused, DNS failure): nothing was sent.
    ConnectFailed,
    /// The connection broke after the request may have been sent.
    ConnectionLost,
    /// The service answered, but the answer's body broke off while it was
    /// read: the request arrived, whatever the runtime's words say (a
    /// proxy's "ECONNREFUSED", say), so it is retried as `ConnectionLost`.
    AnswerBrokeOff,
    /// No answer within the per-attempt timeout.
    TimedOut,
}

impl Failure {
    /// The error to report for a request that got no answer (`detail`: the
    /// runtime's words), if it is not retried.
    pub fn error(self, detail: &str, timeout_ms: u32) -> ServiceError {
        match self {
            Failure::TimedOut => ServiceError::timeout(u64::from(timeout_ms)),
            Failure::AnswerBrokeOff => ServiceError::body_broke_off(detail),
            _ => ServiceError::network(detail),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    RetryAfterMs(f64),
    Stop,
}

/// `retries_done` counts retries already made (0 after the first attempt);
/// `jitter` is a random number in [0, 1).
pub fn decide(
    policy: &RetryPolicy,
    repeat: Repeat,
    retries_done: u32,
    failure: Failure,
    jitter: f64,
) -> Decision {
    if retries_done >= policy.max_retries {
        return Decision::Stop;
    }
    let retryable = match (repeat, failure) {
        (_, Failure::ConnectFailed) => true,
        (_, Failure::Status { status: 429, .. }) => true,
        (Repeat::Safe, Failure::Status { status, .. }) => matches!(status, 502..=504),
        (Repeat::Safe, Failure::ConnectionLost | Failure::AnswerBrokeOff | Failure::TimedOut) => {
            true
        }
        (Repeat::OnlyIfNotReceived, _) => false,
    };
    if !retryable {
        return Decision::Stop;
    }
    // "Equal jitter": half the exponential step, plus a random half of it,
    // so clients that failed together do not retry together.
    let step =
        (policy.base_delay_ms * (1u64 << retries_done.min(30)) as f64).min(policy.max_delay_ms);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let backoff = step / 2.0 + step / 2.0 * jitter;
    match failure {
        Failure::Status {
            retry_after_secs: Some(secs),
            ..
        } if secs.is_finite() && secs >= 0.0 => {
            let asked = secs * 1000.0;
            if asked > policy.max_delay_ms {
                Decision::Stop
            } else {
                Decision::RetryAfterMs(asked.max(backoff))
            }
        }
        _ => Decision::RetryAfterMs(backoff),
    }
}

/// Reads a failed `fetch` (error name, message, and its `cause` where the
/// runtime gives one) to tell "never connected" from "lost midway". Anything
/// unrecognised counts as lost: for a send, guessing "never connected"
/// wrongly could deliver a message twice.
pub fn classify_fetch_error(name: &str, message: &str, cause_code: &str, cause: &str) -> Failure {
    const NEVER_CONNECTED_CODES: [&str; 7] = [
        "ECONNREFUSED",
        "ENOTFOUND",
        "EAI_AGAIN",
        "EHOSTUNREACH",
        "ENETUNREACH",
        "EADDRNOTAVAIL",
        "UND_ERR_CONNECT_TIMEOUT",
    ];
    // Deno and workerd say it in words rather than codes.
    const NEVER_CONNECTED_WORDS: [&str; 5] = [
        "connection refused",
        "tcp connect error",
        "dns error",
        "failed to lookup address",
        "name or service not known",
    ];
    if name == "TimeoutError" {
        return Failure::TimedOut;
    }
    if NEVER_CONNECTED_CODES.contains(&cause_code) {
        return Failure::ConnectFailed;
    }
    let text = cat!(message, ' ', cause).to_ascii_lowercase();
    if NEVER_CONNECTED_CODES
        .iter()
        .any(|c| find(&text, &c.to_ascii_lowercase()).is_some())
        || NEVER_CONNECTED_WORDS
            .iter()
            .any(|w| find(&text, w).is_some())
    {
        return Failure::ConnectFailed;
    }
    Failure::ConnectionLost
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::error::ErrorCode;

    const P: RetryPolicy = RetryPolicy {
        max_retries: 2,
        base_delay_ms: 500.0,
        max_delay_ms: 10_000.0,
    };

    fn status(status: u16) -> Failure {
        Failure::Status {
            status,
            retry_after_secs: None,
        }
    }

    #[test]
    fn safe_requests_retry_on_network_errors_429_and_gateway_statuses() {
        for f in [
            Failure::ConnectFailed,
            Failure::ConnectionLost,
            Failure::AnswerBrokeOff,
            Failure::TimedOut,
            status(429),
            status(502),
            status(503),
            status(504),
        ] {
            assert!(
                matches!(
                    decide(&P, Repeat::Safe, 0, f, 0.0),
                    Decision::RetryAfterMs(_)
                ),
                "{f:?}"
            );
        }
        for f in [
            status(400),
            status(401),
            status(403),
            status(404),
            status(500),
            status(501),
        ] {
            assert_eq!(decide(&P, Repeat::Safe, 0, f, 0.0), Decision::Stop, "{f:?}");
        }
    }

    #[test]
    fn sends_retry_only_where_the_service_cannot_have_acted() {
        for f in [Failure::ConnectFailed, status(429)] {
            assert!(matches!(
                decide(&P, Repeat::OnlyIfNotReceived, 0, f, 0.0),
                Decision::RetryAfterMs(_)
            ));
        }
        for f in [
            Failure::ConnectionLost,
            Failure::AnswerBrokeOff,
            Failure::TimedOut,
            status(500),
            status(502),
            status(503),
            status(504),
        ] {
            assert_eq!(
                decide(&P, Repeat::OnlyIfNotReceived, 0, f, 0.0),
                Decision::Stop,
                "{f:?}"
            );
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let d = |n, j| {
            decide(
                &RetryPolicy {
                    max_retries: 99,
                    ..P
                },
                Repeat::Safe,
                n,
                status(503),
                j,
            )
        };
        assert_eq!(d(0, 0.0), Decision::RetryAfterMs(250.0));
        assert_eq!(d(0, 1.0), Decision::RetryAfterMs(500.0));
        assert_eq!(d(1, 0.5), Decision::RetryAfterMs(750.0));
        assert_eq!(d(2, 0.0), Decision::RetryAfterMs(1000.0));
        assert_eq!(d(40, 1.0), Decision::RetryAfterMs(10_000.0));
        assert_eq!(d(0, f64::NAN), Decision::RetryAfterMs(375.0));
    }

    #[test]
    fn retry_after_is_honoured_but_never_waited_past_the_cap() {
        let f = |secs| Failure::Status {
            status: 429,
            retry_after_secs: Some(secs),
        };
        assert_eq!(
            decide(&P, Repeat::OnlyIfNotReceived, 0, f(2.0), 0.0),
            Decision::RetryAfterMs(2000.0)
        );
        // A Retry-After shorter than the backoff does not shorten it.
        assert_eq!(
            decide(&P, Repeat::Safe, 1, f(0.0), 1.0),
            Decision::RetryAfterMs(1000.0)
        );
        assert_eq!(decide(&P, Repeat::Safe, 0, f(60.0), 0.0), Decision::Stop);
        // Exactly the cap is still waited for.
        assert_eq!(
            decide(&P, Repeat::Safe, 0, f(10.0), 0.0),
            Decision::RetryAfterMs(10_000.0)
        );
        // A value no header can give is ignored: the backoff decides.
        for nonsense in [f64::INFINITY, f64::NAN, -1.0] {
            assert_eq!(
                decide(&P, Repeat::Safe, 0, f(nonsense), 1.0),
                Decision::RetryAfterMs(500.0),
                "{nonsense}"
            );
        }
    }

    #[test]
    fn an_attempt_with_no_answer_is_reported_as_what_happened() {
        let timed_out = Failure::TimedOut.error("The operation was aborted", 2_500);
        assert_eq!(timed_out.code, ErrorCode::Timeout);
        assert_eq!(
            timed_out.message,
            "The Contiguity API did not answer within 2500 ms"
        );
        for failure in [Failure::ConnectFailed, Failure::ConnectionLost] {
            let e = failure.error("fetch failed (ECONNREFUSED)", 2_500);
            assert_eq!(e.code, ErrorCode::NetworkError, "{failure:?}");
            assert_eq!(
                e.message,
                "Could not reach the Contiguity API: fetch failed (ECONNREFUSED)"
            );
            assert_eq!(e.status, None);
        }
        let broke_off = Failure::AnswerBrokeOff.error("terminated (ECONNREFUSED)", 2_500);
        assert_eq!(broke_off.code, ErrorCode::NetworkError);
        assert_eq!(
            broke_off.message,
            "The Contiguity API's answer broke off: terminated (ECONNREFUSED)"
        );
    }

    #[test]
    fn max_retries_bounds_the_attempts_and_zero_turns_it_off() {
        assert_eq!(
            decide(&P, Repeat::Safe, 2, status(503), 0.0),
            Decision::Stop
        );
        let off = RetryPolicy::new(0);
        assert_eq!(
            decide(&off, Repeat::Safe, 0, Failure::ConnectFailed, 0.0),
            Decision::Stop
        );
    }

    #[test]
    fn classifies_fetch_errors_of_each_runtime() {
        // Node (undici): TypeError "fetch failed" with cause.code.
        assert_eq!(
            classify_fetch_error(
                "TypeError",
                "fetch failed",
                "ECONNREFUSED",
                "connect ECONNREFUSED 127.0.0.1:9"
            ),
            Failure::ConnectFailed
        );
        assert_eq!(
            classify_fetch_error(
                "TypeError",
                "fetch failed",
                "UND_ERR_SOCKET",
                "other side closed"
            ),
            Failure::ConnectionLost
        );
        assert_eq!(
            classify_fetch_error("TypeError", "fetch failed", "ECONNRESET", "read ECONNRESET"),
            Failure::ConnectionLost
        );
        // Deno: words in the message.
        assert_eq!(
            classify_fetch_error(
                "TypeError",
                "error sending request for url (http://127.0.0.1:9/): client error (Connect): tcp connect error: Connection refused (os error 111)",
                "",
                ""
            ),
            Failure::ConnectFailed
        );
        assert_eq!(
            classify_fetch_error(
                "TimeoutError",
                "The operation was aborted due to timeout",
                "",
                ""
            ),
            Failure::TimedOut
        );
        assert_eq!(
            classify_fetch_error("Error", "Network connection lost.", "", ""),
            Failure::ConnectionLost
        );
    }
}
