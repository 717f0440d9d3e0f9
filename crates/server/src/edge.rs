//! The edge every request passes, in this order: request id → load shedding (503 when
//! `max_in_flight` requests are being handled) → authentication (401 for an unknown key) →
//! per-caller rate limit (429) → request timeout (503) → the handler. On the way out it adds
//! the request id and snapshot headers, records metrics, and logs internal errors with the
//! request id.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::Caller;
use crate::error::{ApiError, ErrorCode, InternalDetail};
use crate::state::AppState;

/// The response header naming the request, for support and logs.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// The response header naming the index snapshot the answer came from.
pub const SNAPSHOT_HEADER: &str = "x-skillproof-snapshot";

/// Routes that answer even when the server sheds load, so orchestrators can tell "busy" from
/// "dead".
const NEVER_SHED: [&str; 1] = ["/api/v1/health"];

static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(0);

pub(crate) async fn edge(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let request_id = request_id(request.headers());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().clone();

    let mut response = match admit(&state, &mut request, &route).await {
        Ok(permit) => {
            let timeout = state.config().limits.request_timeout;
            let response = match tokio::time::timeout(timeout, next.run(request)).await {
                Ok(response) => response,
                Err(_) => {
                    state.metrics().record_rejection("timeout");
                    ApiError::new(
                        ErrorCode::RequestTimeout,
                        format!("the request took longer than {} ms", timeout.as_millis()),
                    )
                    .retry_after(1)
                    .into_response()
                }
            };
            drop(permit);
            response
        }
        Err(error) => error.into_response(),
    };

    let status = response.status();
    if let Some(InternalDetail(detail)) = response.extensions().get::<InternalDetail>() {
        tracing::error!(request_id = %request_id, %method, route = %route, detail = %detail, "internal error");
    } else {
        tracing::debug!(request_id = %request_id, %method, route = %route, status = status.as_u16(), "request");
    }
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert(REQUEST_ID_HEADER, value);
    }
    if !headers.contains_key(SNAPSHOT_HEADER)
        && let Ok(snapshot) = state.inner.index.snapshot()
        && let Ok(value) = HeaderValue::from_str(snapshot.id().as_str())
    {
        headers.insert(SNAPSHOT_HEADER, value);
    }
    state
        .metrics()
        .record_request(&route, status.as_u16(), started.elapsed().as_secs_f64());
    response
}

/// The in-flight permit, held until the response head is ready.
struct InFlight {
    _permit: Option<tokio::sync::OwnedSemaphorePermit>,
    state: AppState,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.state.metrics().leave();
    }
}

async fn admit(state: &AppState, request: &mut Request, route: &str) -> Result<InFlight, ApiError> {
    let permit = if NEVER_SHED.contains(&route) {
        None
    } else {
        match Arc::clone(&state.inner.in_flight).try_acquire_owned() {
            Ok(permit) => Some(permit),
            Err(_) => {
                state.metrics().record_rejection("concurrency");
                return Err(ApiError::new(
                    ErrorCode::Overloaded,
                    "the server is at its concurrency limit; retry shortly",
                )
                .retry_after(1));
            }
        }
    };
    state.metrics().enter();
    let in_flight = InFlight {
        _permit: permit,
        state: state.clone(),
    };

    let caller = authenticate(state, request.headers())?;
    let rate_key = match &caller {
        Caller::Key(entry) => format!("key:{}", entry.id),
        // Only the socket's peer counts: X-Forwarded-For is client-controlled.
        Caller::Anonymous => request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(
                || "peer:unknown".to_owned(),
                |info| format!("peer:{}", info.0.ip()),
            ),
    };
    if let Err(seconds) = state.take_token(&rate_key) {
        state.metrics().record_rejection("rate");
        return Err(ApiError::new(
            ErrorCode::RateLimited,
            "too many requests for this key; slow down",
        )
        .retry_after(seconds));
    }
    request.extensions_mut().insert(caller);
    Ok(in_flight)
}

fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Caller::Anonymous);
    };
    let presented = value
        .to_str()
        .ok()
        .and_then(|text| text.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidApiKey,
                "send the key as `Authorization: Bearer <key>`",
            )
        })?;
    match state.inner.keys.authenticate(presented) {
        Some(entry) => Ok(Caller::Key(entry.clone())),
        None => Err(ApiError::new(ErrorCode::InvalidApiKey, "unknown API key")),
    }
}

/// The client's request id when it is short and plain, else a new one.
fn request_id(headers: &HeaderMap) -> String {
    let given = headers
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|text| {
            !text.is_empty()
                && text.len() <= 64
                && text
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        });
    match given {
        Some(text) => text.to_owned(),
        None => format!(
            "r{:x}-{:x}",
            std::process::id(),
            REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed)
        ),
    }
}
