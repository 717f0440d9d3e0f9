//! Extractors whose rejections speak the error table.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::auth::{Caller, Role};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// Query parameters of type `T`; a malformed one is 400 `invalid_parameter`.
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts<AppState> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|query| Params(query.0))
            .map_err(|rejection| ApiError::new(ErrorCode::InvalidParameter, rejection.body_text()))
    }
}

/// One path parameter (percent-decoded); a malformed one is 400 `invalid_parameter`.
#[derive(Debug)]
pub struct PathParam(pub String);

impl FromRequestParts<AppState> for PathParam {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|path| PathParam(path.0))
            .map_err(|rejection| ApiError::new(ErrorCode::InvalidParameter, rejection.body_text()))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        // The edge middleware resolved the key; a request that skipped it is anonymous.
        Ok(parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or(Caller::Anonymous))
    }
}

impl Caller {
    /// Allows the call when the caller has one of `roles`: 401 without a key, 403 with a key
    /// of another role.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        match self.role() {
            None => Err(ApiError::new(
                ErrorCode::Unauthenticated,
                "this route needs an API key (`Authorization: Bearer <key>`)",
            )),
            Some(role) if roles.contains(&role) => Ok(()),
            Some(role) => Err(ApiError::new(
                ErrorCode::Forbidden,
                format!("a {} key may not call this route", role.as_str()),
            )),
        }
    }
}

/// A caller whose key has one of `roles`, checked before any other extractor of the
/// handler reads the request (so an anonymous call is 401 whatever its body or query).
macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $roles:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Caller);

        impl FromRequestParts<AppState> for $name {
            type Rejection = ApiError;

            async fn from_request_parts(
                parts: &mut Parts,
                state: &AppState,
            ) -> Result<Self, ApiError> {
                let caller = Caller::from_request_parts(parts, state).await?;
                caller.require(&$roles)?;
                Ok($name(caller))
            }
        }
    };
}

role_extractor!(
    /// An employer or admin key.
    EmployerKey,
    crate::search::SEARCH_ROLES
);
role_extractor!(
    /// Any key.
    AnyKey,
    crate::search::ANY_ROLE
);
role_extractor!(
    /// A planning-board or admin key.
    BoardKey,
    crate::analytics::ANALYTICS_ROLES
);
