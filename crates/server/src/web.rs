//! The web application (`web/`), served at `/` from the files built into `web/dist` and
//! embedded in the binary (`web/dist/embed.rs`, written by `npm run build`), so the server
//! needs no Node and no files at run time. A configured `web_dir` holding an `index.html`
//! (a `web/dist` being worked on) is served instead, read from disk on each request.
//!
//! Every file is answered with its content type, a strict Content-Security-Policy (only this
//! origin: scripts, styles, images, fetches), an ETag, and caching by kind: the hashed files
//! under `assets/` are immutable for a year, everything else is revalidated. Embedded files
//! carry a gzip form, sent when the client accepts it. Anything that is not a file of the
//! application (and every `/api/` path) is the API's `no_such_route`.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::routes;
use crate::state::AppState;

/// One embedded file: path below `dist/`, its bytes, and their gzip form.
struct Asset {
    path: &'static str,
    body: &'static [u8],
    gzip: &'static [u8],
    etag: &'static str,
}

/// The files of `web/dist`.
const ASSETS: &[Asset] = include!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../web/dist/embed.rs"
));

/// Only this origin; no inline script or style, no framing, no plugins.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Answers the application's files for any path no API route took.
pub(crate) fn mount(router: Router<AppState>) -> Router<AppState> {
    router.fallback(serve)
}

async fn serve(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path();
    if (method != Method::GET && method != Method::HEAD) || path.starts_with("/api/") {
        return routes::no_such_route().await.into_response();
    }
    let relative = match path.trim_start_matches('/') {
        "" => "index.html",
        other => other,
    };
    let found = match state
        .config()
        .web_dir
        .as_deref()
        .filter(|dir| dir.join("index.html").is_file())
    {
        Some(dir) => from_disk(dir, relative).await,
        None => embedded(relative, &headers),
    };
    match found {
        Some(mut response) => {
            if method == Method::HEAD {
                *response.body_mut() = axum::body::Body::empty();
            }
            response
        }
        None => routes::no_such_route().await.into_response(),
    }
}

fn embedded(relative: &str, request: &HeaderMap) -> Option<Response> {
    let asset = ASSETS.iter().find(|asset| asset.path == relative)?;
    let etag = format!("\"{}\"", asset.etag);
    let matches = request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    if matches {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        decorate(&mut response, relative, &etag);
        return Some(response);
    }
    let gzip = !asset.gzip.is_empty() && accepts_gzip(request);
    let mut response = if gzip {
        asset.gzip.into_response()
    } else {
        asset.body.into_response()
    };
    if gzip {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    decorate(&mut response, relative, &etag);
    Some(response)
}

async fn from_disk(dir: &Path, relative: &str) -> Option<Response> {
    let mut path = PathBuf::from(dir);
    for part in relative.split('/') {
        let plain = !part.is_empty()
            && !part.starts_with('.')
            && part
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_'));
        if !plain {
            return None;
        }
        path.push(part);
    }
    let body = tokio::fs::read(&path).await.ok()?;
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..12]));
    let mut response = body.into_response();
    decorate(&mut response, relative, &etag);
    Some(response)
}

fn accepts_gzip(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|param| {
                param
                    .trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case("gzip") && !refused
        })
}

fn decorate(response: &mut Response, relative: &str, etag: &str) {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(relative)),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if relative.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        axum::http::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
}

/// The content type of a file of the application, by its extension.
pub(crate) fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, extension)| extension);
    match extension {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "geojson" => "application/geo+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
