//! The query server (layer L4): `/api/v1` over one index snapshot, for employers, planning
//! boards, institutions and anyone verifying a credential.
//!
//! The design decision: **every request crosses one edge** ([`edge`]) that bounds it before
//! any work: load shedding, API-key authentication, a per-caller rate limit and a request
//! timeout, with bodies read within size and JSON-depth limits by the extractors of [`body`].
//! Every failure leaves through one error table ([`ErrorCode`]) as `{"code", "message"}`.
//! CPU-bound work (verification, lookups over the taxonomy, index aggregates) runs on the
//! blocking pool behind a permit, so the async runtime never blocks. The server makes no
//! outbound calls (ARCHITECTURE.md, invariant 5) and never writes the index: withdrawals of
//! consent are recorded in the data dir for the one writer.
//!
//! [`app`] builds the router without a socket (tests drive it with `oneshot`); [`serve`] runs
//! it on a listener with a header-read timeout and graceful shutdown.

#![warn(missing_docs)]

pub mod analytics;
pub mod auth;
pub mod body;
pub mod edge;
mod error;
mod extract;
pub mod metrics;
pub mod routes;
pub mod saved;
pub mod search;
mod state;
pub mod surfaced;
mod web;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderName, HeaderValue, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tower::ServiceExt as _;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use auth::{Caller, KeyEntry, KeyStore, KeysError, Role};
pub use error::{ApiError, ApiResult, ErrorBody, ErrorCode};
pub use state::{AppState, Limits, ServerConfig};

/// Errors of starting the server (serving itself answers failures as responses).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The keys file is missing parts or unreadable.
    #[error(transparent)]
    Keys(#[from] KeysError),
    /// The index cannot be opened.
    #[error("index: {0}")]
    Index(#[from] index::Error),
    /// The taxonomy cannot be loaded.
    #[error("taxonomy: {0}")]
    Taxonomy(#[from] taxonomy::Error),
    /// Binding or accepting on the listener failed.
    #[error("listener: {0}")]
    Io(#[from] std::io::Error),
    /// The configuration is inconsistent.
    #[error("configuration: {0}")]
    Config(String),
}

impl Error {
    /// The stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Keys(_) => "server_keys",
            Error::Index(_) => "server_index",
            Error::Taxonomy(_) => "server_taxonomy",
            Error::Io(_) => "server_io",
            Error::Config(_) => "server_config",
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "skillproof API",
        description = "A search engine over verified skills. Every error body is `{\"code\", \"message\"}`; the codes are listed in the error table below.",
        license(name = "Apache-2.0"),
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "public", description = "No key needed: verification and lookups."),
        (name = "consent", description = "Earners withdraw consent with a presentation they sign."),
        (name = "employers", description = "Employer keys: candidate search from a job, candidate evidence, programs, saved searches, shortlist export."),
        (name = "analytics", description = "Planning-board keys: supply, demand and gap per skill and region, trends, CSV, GeoJSON; cells of 1-4 earners suppressed and marked."),
        (name = "institutions", description = "Institution keys: their own issuers' reports and the demand for their skills."),
        (name = "operations", description = "Health, readiness, metrics, reload."),
    ),
    modifiers(&Conventions),
)]
struct ApiDoc;

/// Adds the API-key scheme and the error table to the document.
struct Conventions;

impl utoipa::Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "api_key",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
        let mut table = String::from("\n\n| code | status |\n|---|---|\n");
        for code in ErrorCode::ALL {
            table.push_str(&format!(
                "| `{}` | {} |\n",
                code.as_str(),
                code.status().as_u16()
            ));
        }
        if let Some(description) = openapi.info.description.as_mut() {
            description.push_str(&table);
        }
    }
}

fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let router = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(routes::health))
        .routes(routes!(routes::ready))
        .routes(routes!(routes::metrics))
        .routes(routes!(routes::reload))
        .routes(routes!(routes::verify))
        .routes(routes!(routes::skills))
        .routes(routes!(routes::skill))
        .routes(routes!(routes::regions))
        .routes(routes!(routes::region))
        .routes(routes!(routes::region_geojson))
        .routes(routes!(routes::issuer_report))
        .routes(routes!(routes::consent_challenge))
        .routes(routes!(routes::consent_withdraw));
    let router = search::register(router);
    let router = analytics::register(router);
    saved::register(router).split_for_parts()
}

/// The path of the OpenAPI document itself (served, but not described in it).
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// The OpenAPI document generated from the handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().1
}

/// The OpenAPI document as pretty JSON (what `crates/server/openapi.json` must hold).
pub fn openapi_text() -> String {
    let mut text = openapi()
        .to_pretty_json()
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"));
    text.push('\n');
    text
}

/// The router with every route, limit and header; no socket.
pub fn app(state: AppState) -> Router {
    let (router, _) = routes();
    let router = router
        .route(OPENAPI_PATH, axum::routing::get(routes::openapi_json))
        .method_not_allowed_fallback(routes::method_not_allowed);
    web::mount(router)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            edge::edge,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state)
}

/// Opens what a data dir holds: the index in `DATA_DIR/index` (read only: another process
/// writes it) and the keys in `DATA_DIR/keys.json`.
pub fn open_state(
    data_dir: &Path,
    taxonomy: Arc<taxonomy::Taxonomy>,
    config: ServerConfig,
) -> Result<AppState, Error> {
    let index_dir = data_dir.join("index");
    if !index_dir.join("meta.json").is_file() {
        return Err(Error::Config(format!(
            "{} holds no index; crawl or index into this data dir first",
            index_dir.display()
        )));
    }
    let index = index::SkillIndex::open(&index_dir)?;
    let keys = KeyStore::load(&data_dir.join("keys.json"))?;
    Ok(AppState::new(index, taxonomy, keys, config))
}

/// Serves `state` on `listener` until `shutdown` completes, then lets requests in flight
/// finish. Connections that do not send their headers within the header-read timeout are
/// closed (slowloris); the index is polled for new commits at the configured interval.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> Result<(), Error> {
    let router = app(state.clone());
    let header_timeout = state.config().limits.header_read_timeout;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let reloader = state.config().reload_interval.map(|interval| {
        let state = state.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if let Err(error) = state.reload().await {
                    tracing::warn!(code = error.code().as_str(), "index reload failed");
                }
            }
        })
    });
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    // EMFILE and friends: wait instead of spinning; the loop survives.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = router.clone().map_request(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                request
            },
        );
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout);
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let watched = graceful.watch(connection);
        let metrics_state = state.clone();
        tokio::spawn(async move {
            if let Err(error) = watched.await {
                if error.is_timeout() {
                    metrics_state.metrics().record_rejection("header_timeout");
                }
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if let Some(task) = reloader {
        task.abort();
    }
    graceful.shutdown().await;
    Ok(())
}

/// Completes on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
