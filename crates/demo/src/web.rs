//! The demo web: a corpus [`Site`] served over HTTPS on one loopback listener, the many host
//! names told apart by `Host` (the crawler reaches them through `--resolve`-style pins), with
//! a certificate from a CA made for this run only. Keep-alive HTTP/1.1 through hyper, ETags
//! and conditional GET, so the crawler meets the same web a real issuer would serve.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use corpus::Site;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG, HOST, IF_NONE_MATCH};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use sha2::{Digest as _, Sha256};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::Error;

/// A CA made for one run and a server configuration presenting a certificate for the hosts.
pub(crate) struct Pki {
    /// The CA certificate (PEM): the crawler's only extra trust anchor.
    pub(crate) ca_pem: Vec<u8>,
    pub(crate) server: Arc<rustls::ServerConfig>,
}

impl Pki {
    pub(crate) fn new(hosts: &[String]) -> Result<Pki, Error> {
        let tls = |error: &dyn std::fmt::Display| Error::Tls(error.to_string());
        let mut ca_params =
            rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|e| tls(&e))?;
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(
            rcgen::DnType::CommonName,
            "skillproof demo CA (this run only)",
        );
        ca_params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let ca_key = rcgen::KeyPair::generate().map_err(|e| tls(&e))?;
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).map_err(|e| tls(&e))?;
        let leaf_key = rcgen::KeyPair::generate().map_err(|e| tls(&e))?;
        let leaf = rcgen::CertificateParams::new(hosts.to_vec())
            .and_then(|params| params.signed_by(&leaf_key, &ca))
            .map_err(|e| tls(&e))?;
        let key = rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der())
            .map_err(|e| tls(&e))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| tls(&e))?
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone(), ca.der().clone()], key)
            .map_err(|e| tls(&e))?;
        Ok(Pki {
            ca_pem: ca.pem().into_bytes(),
            server: Arc::new(server),
        })
    }
}

/// The serving task; dropping it stops accepting (connections in flight end with it).
pub(crate) struct DemoWeb {
    task: JoinHandle<()>,
}

impl Drop for DemoWeb {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl DemoWeb {
    /// Serves `site` on `listener` until dropped.
    pub(crate) fn start(
        listener: TcpListener,
        tls: Arc<rustls::ServerConfig>,
        site: Site,
    ) -> DemoWeb {
        let site = Arc::new(site);
        let acceptor = tokio_rustls::TlsAcceptor::from(tls);
        let task = tokio::spawn(async move {
            loop {
                let stream = match listener.accept().await {
                    Ok((stream, _)) => stream,
                    // Out of descriptors and the like: pause rather than spin or stop.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let site = site.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(Ok(stream)) =
                        tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream))
                            .await
                    else {
                        return;
                    };
                    let service = hyper::service::service_fn(move |request| {
                        let site = site.clone();
                        async move { Ok::<_, Infallible>(answer(&site, &request)) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(10))
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        DemoWeb { task }
    }
}

fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    if let Ok(value) = "text/plain; charset=utf-8".parse() {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}

/// The site's answer to one request: its resource (200 with an ETag, 304 when the client
/// holds that ETag, 410 for what was taken down), else 404.
fn answer(site: &Site, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "GET only\n");
    }
    let host = request
        .headers()
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| request.uri().host())
        .unwrap_or_default();
    let host = host
        .rsplit_once(':')
        .map_or(host, |(name, _)| name)
        .to_ascii_lowercase();
    let Some(resource) = site.lookup(&host, request.uri().path()) else {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    };
    let status = StatusCode::from_u16(resource.status).unwrap_or(StatusCode::OK);
    let tag = (status == StatusCode::OK).then(|| etag(&resource.body));
    let held = request
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok());
    let mut response = if tag.is_some() && held == tag.as_deref() {
        let mut response = Response::new(Full::new(Bytes::new()));
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response
    } else {
        let body = Bytes::copy_from_slice(&resource.body);
        let length = body.len();
        let mut response = Response::new(Full::new(if request.method() == Method::HEAD {
            Bytes::new()
        } else {
            body
        }));
        *response.status_mut() = status;
        if let Ok(value) = resource.content_type.parse() {
            response.headers_mut().insert(CONTENT_TYPE, value);
        }
        if request.method() == Method::HEAD {
            response.headers_mut().insert(CONTENT_LENGTH, length.into());
        }
        response
    };
    if let Some(tag) = tag
        && let Ok(value) = tag.parse()
    {
        response.headers_mut().insert(ETAG, value);
    }
    response
}
