//! Bodies read within bounds: size first (413), then JSON depth (400 `json_too_deep`, before
//! any deserialisation), then shape (400 `malformed_json` / 422 `invalid_body`). Rejections
//! use the error table, never axum's plain-text ones.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// A JSON body of type `T`, read within the JSON limits.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

/// The raw bytes of a body, read within the verify limit (credentials, JWTs, baked badges).
#[derive(Debug)]
pub struct RawBody(pub Bytes);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let limits = &state.inner.config.limits;
        let content_type = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        let is_json = content_type
            .split(';')
            .next()
            .map(str::trim)
            .is_some_and(|media| media == "application/json" || media.ends_with("+json"));
        if !is_json {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "send the body as application/json",
            ));
        }
        let bytes = read_limited(request.into_body(), limits.max_json_body_bytes, state).await?;
        parse_json(&bytes, limits.max_json_depth, state).map(JsonBody)
    }
}

impl FromRequest<AppState> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let limits = &state.inner.config.limits;
        let bytes = read_limited(request.into_body(), limits.max_verify_body_bytes, state).await?;
        // JSON is bounded in depth before anything parses it, as on every JSON route.
        let looks_like_json = bytes
            .iter()
            .find(|byte| !byte.is_ascii_whitespace())
            .is_some_and(|byte| *byte == b'{' || *byte == b'[');
        if looks_like_json && let Some(depth) = exceeds_depth(&bytes, limits.max_json_depth) {
            return Err(too_deep(state, limits.max_json_depth, depth));
        }
        Ok(RawBody(bytes))
    }
}

/// Reads at most `limit` bytes; a longer body (declared or streamed) is 413.
pub(crate) async fn read_limited(
    body: Body,
    limit: usize,
    state: &AppState,
) -> Result<Bytes, ApiError> {
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(bytes),
        Err(error) => {
            let too_large = std::error::Error::source(&error)
                .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
            if too_large {
                state.metrics().record_rejection("body_size");
                Err(ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    format!("the body is larger than {limit} bytes"),
                ))
            } else {
                Err(ApiError::new(
                    ErrorCode::InvalidBody,
                    format!("the body could not be read: {error}"),
                ))
            }
        }
    }
}

/// Parses JSON after checking its nesting depth.
pub(crate) fn parse_json<T: DeserializeOwned>(
    bytes: &[u8],
    max_depth: usize,
    state: &AppState,
) -> Result<T, ApiError> {
    if let Some(depth) = exceeds_depth(bytes, max_depth) {
        return Err(too_deep(state, max_depth, depth));
    }
    serde_json::from_slice(bytes).map_err(|error| {
        use serde_json::error::Category;
        match error.classify() {
            Category::Data => ApiError::new(ErrorCode::InvalidBody, error.to_string()),
            Category::Io | Category::Syntax | Category::Eof => {
                ApiError::new(ErrorCode::MalformedJson, error.to_string())
            }
        }
    })
}

fn too_deep(state: &AppState, max_depth: usize, depth: usize) -> ApiError {
    state.metrics().record_rejection("json_depth");
    ApiError::new(
        ErrorCode::JsonTooDeep,
        format!("the JSON nests deeper than {max_depth} levels (at least {depth})"),
    )
}

/// The depth reached when it passes `max_depth`, found by one scan that skips strings;
/// `None` when the text stays within it. Malformed text is left to the parser.
pub fn exceeds_depth(bytes: &[u8], max_depth: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in bytes {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return Some(depth);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}
