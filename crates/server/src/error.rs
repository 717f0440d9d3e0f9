//! The one error table of the HTTP edge: every failure a client can see has a stable
//! snake_case code, one HTTP status and a message meant for people. Internal details (index
//! or I/O failures, panics in the blocking pool) are logged with the request id and never
//! returned: the client gets `internal` and the request id to quote.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Every error code the API returns, with its status. Declaration order is the order of the
/// table in the OpenAPI description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorCode {
    /// A route that needs an API key was called without one.
    Unauthenticated,
    /// The API key is not one the server knows.
    InvalidApiKey,
    /// The key's role may not call this route.
    Forbidden,
    /// No route has this path.
    NoSuchRoute,
    /// The route exists but not with this method.
    MethodNotAllowed,
    /// No skill has this id.
    UnknownSkill,
    /// No region has this code or name.
    UnknownRegion,
    /// No consenting earner with valid credentials has this key in the snapshot.
    UnknownCandidate,
    /// No saved search of this key has this id.
    UnknownSavedSearch,
    /// No issuer report is visible to this key under this id (unknown and not-yours look
    /// alike, so ids cannot be probed).
    UnknownIssuer,
    /// The body is larger than the route accepts.
    PayloadTooLarge,
    /// The body's media type is not one the route reads.
    UnsupportedMediaType,
    /// The body is not well-formed JSON.
    MalformedJson,
    /// The JSON nests deeper than the server reads.
    JsonTooDeep,
    /// Well-formed JSON of the wrong shape (missing fields, wrong types, unknown fields).
    InvalidBody,
    /// A query or path parameter is out of range or malformed.
    InvalidParameter,
    /// The key already has as many saved searches as the server keeps per key.
    TooManySavedSearches,
    /// A consent request named a challenge the server did not issue, or one already used or
    /// expired.
    InvalidChallenge,
    /// A consent request's signed presentation did not verify.
    ConsentNotVerified,
    /// The caller's request rate is over its quota (see `Retry-After`).
    RateLimited,
    /// The server is at its concurrency limit and sheds the request (see `Retry-After`).
    Overloaded,
    /// The request took longer than the server allows.
    RequestTimeout,
    /// The server has no index snapshot to answer from yet.
    NotReady,
    /// Our own fault; details are in the server log under the request id.
    Internal,
}

impl ErrorCode {
    /// Every code, in table order.
    pub const ALL: [ErrorCode; 24] = [
        ErrorCode::Unauthenticated,
        ErrorCode::InvalidApiKey,
        ErrorCode::Forbidden,
        ErrorCode::NoSuchRoute,
        ErrorCode::MethodNotAllowed,
        ErrorCode::UnknownSkill,
        ErrorCode::UnknownRegion,
        ErrorCode::UnknownCandidate,
        ErrorCode::UnknownSavedSearch,
        ErrorCode::UnknownIssuer,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::MalformedJson,
        ErrorCode::JsonTooDeep,
        ErrorCode::InvalidBody,
        ErrorCode::InvalidParameter,
        ErrorCode::TooManySavedSearches,
        ErrorCode::InvalidChallenge,
        ErrorCode::ConsentNotVerified,
        ErrorCode::RateLimited,
        ErrorCode::Overloaded,
        ErrorCode::RequestTimeout,
        ErrorCode::NotReady,
        ErrorCode::Internal,
    ];

    /// The stable code clients match on.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::InvalidApiKey => "invalid_api_key",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NoSuchRoute => "no_such_route",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::UnknownSkill => "unknown_skill",
            ErrorCode::UnknownRegion => "unknown_region",
            ErrorCode::UnknownCandidate => "unknown_candidate",
            ErrorCode::UnknownSavedSearch => "unknown_saved_search",
            ErrorCode::UnknownIssuer => "unknown_issuer",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::JsonTooDeep => "json_too_deep",
            ErrorCode::InvalidBody => "invalid_body",
            ErrorCode::InvalidParameter => "invalid_parameter",
            ErrorCode::TooManySavedSearches => "too_many_saved_searches",
            ErrorCode::InvalidChallenge => "invalid_challenge",
            ErrorCode::ConsentNotVerified => "consent_not_verified",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Overloaded => "overloaded",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::NotReady => "not_ready",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::Unauthenticated | ErrorCode::InvalidApiKey => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NoSuchRoute
            | ErrorCode::UnknownSkill
            | ErrorCode::UnknownRegion
            | ErrorCode::UnknownCandidate
            | ErrorCode::UnknownSavedSearch
            | ErrorCode::UnknownIssuer => StatusCode::NOT_FOUND,
            ErrorCode::TooManySavedSearches => StatusCode::CONFLICT,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::MalformedJson
            | ErrorCode::JsonTooDeep
            | ErrorCode::InvalidParameter
            | ErrorCode::InvalidChallenge => StatusCode::BAD_REQUEST,
            ErrorCode::InvalidBody | ErrorCode::ConsentNotVerified => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Overloaded | ErrorCode::RequestTimeout | ErrorCode::NotReady => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code (see the error table in the API description).
    pub code: &'static str,
    /// What went wrong, for people. Never holds internal details.
    pub message: String,
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    message: String,
    retry_after_seconds: Option<u64>,
    /// Logged with the request id, never sent.
    internal_detail: Option<String>,
}

/// Carried on an error response as an extension, so the request-id middleware can log the
/// internal detail next to the request id.
#[derive(Debug, Clone)]
pub(crate) struct InternalDetail(pub(crate) String);

impl ApiError {
    /// An error with a message for the client.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            retry_after_seconds: None,
            internal_detail: None,
        }
    }

    /// Our own fault: the client sees a fixed message; `detail` goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        ApiError {
            internal_detail: Some(detail.to_string()),
            ..ApiError::new(
                ErrorCode::Internal,
                "internal error; quote the x-request-id header when reporting it",
            )
        }
    }

    /// Adds a `Retry-After` header (seconds).
    pub fn retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after_seconds = Some(seconds.max(1));
        self
    }

    /// The code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
}

impl From<index::Error> for ApiError {
    fn from(error: index::Error) -> ApiError {
        ApiError::internal(format_args!("index: {} ({error})", error.code()))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.as_str(),
            message: self.message,
        };
        let mut response = (self.code.status(), axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after_seconds {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(detail) = self.internal_detail {
            response.extensions_mut().insert(InternalDetail(detail));
        }
        response
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
