//! A hostile web on loopback for the hardened client's tests: one raw HTTP/1.1 server
//! (optionally TLS with a test CA made by rcgen) whose paths misbehave on purpose, a
//! honeypot listener that counts connections, and a stub DNS that never asks real DNS.
//!
//! The server speaks raw HTTP over tokio sockets rather than through a framework so that
//! it can lie: wrong `Content-Length`, endless or dripping bodies, gzip bombs generated as
//! they are read, too many headers. Every response closes the connection.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use anyhow::Context as _;
use flate2::{Compress, Compression, FlushCompress};
use net::{HostLookup, LookupFuture};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Longest request head the server reads.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Requests logged at most (tests make far fewer).
const MAX_LOGGED: usize = 10_000;

/// A CA and a server certificate for a list of names, made fresh per test run.
pub struct TestPki {
    /// The CA certificate (PEM), to pass as `--ca-cert`.
    pub ca_pem: Vec<u8>,
    /// Server configuration presenting a certificate for the names.
    pub server: Arc<rustls::ServerConfig>,
}

impl TestPki {
    /// A CA named "skillproof test CA" and a leaf for `names`.
    pub fn new(names: &[&str]) -> anyhow::Result<TestPki> {
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "skillproof test CA");
        ca_params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate()?)?;
        let leaf_key = rcgen::KeyPair::generate()?;
        let leaf_params =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())?;
        let leaf = leaf_params.signed_by(&leaf_key, &ca)?;
        let key = rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der())
            .map_err(|e| anyhow::anyhow!("leaf key: {e}"))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone(), ca.der().clone()], key)?;
        Ok(TestPki {
            ca_pem: ca.pem().into_bytes(),
            server: Arc::new(server),
        })
    }
}

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Logged {
    /// `Host` header without the port.
    pub host: String,
    /// Path and query.
    pub target: String,
    /// Request headers, names lowercased.
    pub headers: HashMap<String, String>,
    /// When the head was read.
    pub arrived: Instant,
    /// When the response was finished (or abandoned).
    pub finished: Option<Instant>,
}

#[derive(Default)]
struct Shared {
    log: Mutex<Vec<Logged>>,
    /// Requests in progress per host, and the most ever seen at once.
    active: Mutex<HashMap<String, (usize, usize)>>,
}

/// The hostile server. Dropping it stops accepting.
pub struct HostileServer {
    /// Where it listens (127.0.0.1, port chosen by the OS).
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HostileServer {
    /// Starts plain HTTP (`tls: None`) or HTTPS.
    pub async fn start(tls: Option<Arc<rustls::ServerConfig>>) -> anyhow::Result<HostileServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
        let state = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = state.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    match acceptor {
                        None => serve(stream, state).await,
                        Some(acceptor) => {
                            if let Ok(Ok(stream)) = tokio::time::timeout(
                                Duration::from_secs(5),
                                acceptor.accept(stream),
                            )
                            .await
                            {
                                serve(stream, state).await;
                            }
                        }
                    }
                });
            }
        });
        Ok(HostileServer { addr, shared, task })
    }

    /// The port, for pins and URLs.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Everything logged so far.
    pub fn log(&self) -> Vec<Logged> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Requests to `host` whose target starts with `prefix`.
    pub fn count(&self, host: &str, prefix: &str) -> usize {
        self.log()
            .iter()
            .filter(|l| l.host == host && l.target.starts_with(prefix))
            .count()
    }

    /// The most requests to `host` ever in progress at once.
    pub fn max_concurrent(&self, host: &str) -> usize {
        let active = self
            .shared
            .active
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        active.get(host).map_or(0, |(_, max)| *max)
    }
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, shared: Arc<Shared>) {
    let Some(request) = read_head(&mut stream).await else {
        return;
    };
    let index = {
        let mut log = shared.log.lock().unwrap_or_else(PoisonError::into_inner);
        if log.len() >= MAX_LOGGED {
            return;
        }
        log.push(request.clone());
        log.len() - 1
    };
    {
        let mut active = shared.active.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = active.entry(request.host.clone()).or_default();
        entry.0 += 1;
        entry.1 = entry.1.max(entry.0);
    }
    let _ = respond(&mut stream, &request).await;
    let _ = stream.shutdown().await;
    {
        let mut active = shared.active.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = active.get_mut(&request.host) {
            entry.0 = entry.0.saturating_sub(1);
        }
    }
    let mut log = shared.log.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(logged) = log.get_mut(index) {
        logged.finished = Some(Instant::now());
    }
}

async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Logged> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .ok()?
            .ok()?;
        if n == 0 || head.len() + n > MAX_HEAD_BYTES {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let target = lines.next()?.split(' ').nth(1)?.to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let host = headers.get("host").map(|h| {
        h.rsplit_once(':')
            .map_or(h.as_str(), |(name, _)| name)
            .to_owned()
    })?;
    Some(Logged {
        host,
        target,
        headers,
        arrived: Instant::now(),
        finished: None,
    })
}

fn head(status: &str, headers: &[(&str, String)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

async fn full<S: AsyncWrite + Unpin>(
    stream: &mut S,
    status: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut all = headers.to_vec();
    all.push(("Content-Length", body.len().to_string()));
    stream.write_all(&head(status, &all)).await?;
    stream.write_all(body).await?;
    stream.flush().await
}

/// The robots.txt each test host serves, by the host's first label.
fn robots_for(host: &str) -> Option<(&'static str, Vec<u8>)> {
    let label = host.split('.').next().unwrap_or("");
    Some(match label {
        "robots-404" => ("404 Not Found", Vec::new()),
        "robots-403" => ("403 Forbidden", Vec::new()),
        "robots-503" => ("503 Service Unavailable", Vec::new()),
        "robots-429" => ("429 Too Many Requests", Vec::new()),
        "robots-rules" => (
            "200 OK",
            b"# rules for tests\nUser-agent: *\nDisallow: /\n\nUser-agent: SkillProof/1.0\nDisallow: /private\nAllow: /private/ok\nDisallow: /*.pdf$\n"
                .to_vec(),
        ),
        "robots-delay" => ("200 OK", b"User-agent: *\nCrawl-delay: 1\nDisallow: /private\n".to_vec()),
        "robots-slow" => ("200 OK", b"User-agent: *\nCrawl-delay: 3600\n".to_vec()),
        "robots-big" => {
            // 10 MB: a rule in the first 500 KiB, padding, then a rule that must be ignored.
            let mut body = b"User-agent: *\nDisallow: /private\n".to_vec();
            let padding = b"# padding padding padding padding padding padding padding padding\n";
            while body.len() < 10_000_000 {
                body.extend_from_slice(padding);
            }
            body.extend_from_slice(b"Disallow: /\n");
            ("200 OK", body)
        }
        "robots-redirect" => ("302 Found", Vec::new()),
        _ => return None,
    })
}

async fn respond<S: AsyncWrite + Unpin>(stream: &mut S, request: &Logged) -> std::io::Result<()> {
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    let text = |s: &str| vec![("Content-Type", s.to_owned())];
    match path {
        "/robots.txt" => match robots_for(&request.host) {
            Some((status, _)) if status.starts_with("302") => {
                stream
                    .write_all(&head(
                        status,
                        &[
                            ("Location", "/robots.txt".to_owned()),
                            ("Content-Length", "0".into()),
                        ],
                    ))
                    .await
            }
            Some((status, body)) => full(stream, status, &text("text/plain"), &body).await,
            None if request.host.starts_with("robots-stall") => {
                tokio::time::sleep(Duration::from_secs(10)).await;
                Ok(())
            }
            None => full(stream, "404 Not Found", &[], b"").await,
        },
        "/ok" | "/page" | "/public" | "/private/ok" | "/private/x" | "/doc.pdf" => {
            full(stream, "200 OK", &text("text/plain"), b"hello").await
        }
        "/slow" => {
            tokio::time::sleep(Duration::from_millis(150)).await;
            full(stream, "200 OK", &text("text/plain"), b"slow hello").await
        }
        "/etag" => {
            if request.headers.get("if-none-match").map(String::as_str) == Some("\"v1\"") {
                stream
                    .write_all(&head("304 Not Modified", &[("ETag", "\"v1\"".into())]))
                    .await
            } else {
                let headers = vec![
                    ("Content-Type", "application/json".to_owned()),
                    ("ETag", "\"v1\"".to_owned()),
                    ("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT".to_owned()),
                ];
                full(stream, "200 OK", &headers, b"{\"v\":1}").await
            }
        }
        "/goto" => {
            // The query is the redirect target, verbatim.
            stream
                .write_all(&head(
                    "302 Found",
                    &[
                        ("Location", query.to_owned()),
                        ("Content-Length", "0".into()),
                    ],
                ))
                .await
        }
        "/loop" => {
            stream
                .write_all(&head(
                    "301 Moved Permanently",
                    &[("Location", "/loop".into()), ("Content-Length", "0".into())],
                ))
                .await
        }
        _ if path.starts_with("/chain/") => {
            let n: u32 = path["/chain/".len()..].parse().unwrap_or(0);
            if n == 0 {
                full(stream, "200 OK", &text("text/plain"), b"end of chain").await
            } else {
                let next = format!("/chain/{}", n - 1);
                stream
                    .write_all(&head(
                        "307 Temporary Redirect",
                        &[("Location", next), ("Content-Length", "0".into())],
                    ))
                    .await
            }
        }
        _ if path.starts_with("/status/") => {
            let code = &path["/status/".len()..];
            let mut headers = Vec::new();
            if let Some(seconds) = query.strip_prefix("retry-after=") {
                headers.push(("Retry-After", seconds.to_owned()));
            }
            full(stream, &format!("{code} Status"), &headers, b"status body").await
        }
        "/gzip-bomb" => gzip_bomb(stream, query.parse().unwrap_or(1024)).await,
        "/endless" => {
            stream
                .write_all(&head("200 OK", &text("application/octet-stream")))
                .await?;
            let chunk = vec![b'x'; 64 * 1024];
            // Bounded by the client hanging up; the cap keeps a runaway test finite.
            for _ in 0..(16 * 1024) {
                stream.write_all(&chunk).await?;
            }
            Ok(())
        }
        "/big-declared" => {
            stream
                .write_all(&head(
                    "200 OK",
                    &[("Content-Length", (100u64 << 20).to_string())],
                ))
                .await?;
            stream.write_all(b"only a little").await
        }
        "/lying-long" => {
            // Declares 10 bytes, sends 1000: the client must read 10.
            stream
                .write_all(&head("200 OK", &[("Content-Length", "10".into())]))
                .await?;
            stream.write_all(&[b'y'; 1000]).await
        }
        "/lying-short" => {
            // Declares 1000 bytes, sends 10 and closes: a truncated body.
            stream
                .write_all(&head("200 OK", &[("Content-Length", "1000".into())]))
                .await?;
            stream.write_all(&[b'z'; 10]).await
        }
        "/stall" => {
            stream
                .write_all(&head("200 OK", &[("Content-Length", "100".into())]))
                .await?;
            stream.write_all(b"a").await?;
            stream.flush().await?;
            tokio::time::sleep(Duration::from_secs(10)).await;
            Ok(())
        }
        "/drip" => {
            stream
                .write_all(&head("200 OK", &[("Content-Length", "100000".into())]))
                .await?;
            for _ in 0..100_000 {
                stream.write_all(b"d").await?;
                stream.flush().await?;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok(())
        }
        "/many-headers" => {
            let headers: Vec<(&str, String)> =
                (0..200).map(|i| ("X-Filler", i.to_string())).collect();
            full(stream, "200 OK", &headers, b"").await
        }
        _ => full(stream, "404 Not Found", &[], b"").await,
    }
}

/// One MiB of zeros as raw deflate ending in a full flush: the bytes do not depend on
/// what came before, so a bomb is this block repeated (compressed once, served cheaply).
fn deflated_zero_mib() -> &'static [u8] {
    static BLOCK: OnceLock<Vec<u8>> = OnceLock::new();
    BLOCK.get_or_init(|| {
        let mut compress = Compress::new(Compression::fast(), false);
        let mut out = Vec::with_capacity(64 * 1024);
        let zeros = vec![0u8; 1 << 20];
        let mut consumed = 0;
        // Bounded: each round consumes input or drains pending flush output.
        for _ in 0..10_000 {
            out.reserve(64 * 1024);
            let before = compress.total_in();
            if compress
                .compress_vec(&zeros[consumed..], &mut out, FlushCompress::Full)
                .is_err()
            {
                break;
            }
            consumed += usize::try_from(compress.total_in() - before).unwrap_or(0);
            // Spare room after the call means the flush completed.
            if consumed == zeros.len() && out.len() < out.capacity() {
                break;
            }
        }
        out
    })
}

/// Streams a gzip of `mib` MiB of zeros.
async fn gzip_bomb<S: AsyncWrite + Unpin>(stream: &mut S, mib: usize) -> std::io::Result<()> {
    stream
        .write_all(&head(
            "200 OK",
            &[
                ("Content-Type", "application/json".into()),
                ("Content-Encoding", "gzip".into()),
            ],
        ))
        .await?;
    stream
        .write_all(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
        .await?;
    let block = deflated_zero_mib();
    for _ in 0..mib {
        stream.write_all(block).await?;
    }
    // Final empty block and a trailer with a wrong CRC: a client that read this far has
    // already failed the test, and a decode error says so.
    stream
        .write_all(&[0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0])
        .await
}

/// A listener that must never be reached: it counts connections and closes them.
pub struct Honeypot {
    /// The IPv4 loopback address it listens on.
    pub addr: SocketAddr,
    /// The IPv6 loopback address, when this machine has one.
    pub addr_v6: Option<SocketAddr>,
    connections: Arc<AtomicUsize>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Honeypot {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Honeypot {
    /// Listens on 127.0.0.1 and, if possible, [::1].
    pub async fn start() -> anyhow::Result<Honeypot> {
        let connections = Arc::new(AtomicUsize::new(0));
        let v4 = TcpListener::bind("127.0.0.1:0")
            .await
            .context("honeypot bind")?;
        let addr = v4.local_addr()?;
        let v6 = TcpListener::bind(("::1", addr.port())).await.ok();
        let addr_v6 = v6.as_ref().and_then(|l| l.local_addr().ok());
        let mut tasks = vec![tokio::spawn(count_connections(v4, connections.clone()))];
        if let Some(v6) = v6 {
            tasks.push(tokio::spawn(count_connections(v6, connections.clone())));
        }
        Ok(Honeypot {
            addr,
            addr_v6,
            connections,
            tasks,
        })
    }

    /// Connections accepted so far (tests assert zero).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn count_connections(listener: TcpListener, connections: Arc<AtomicUsize>) {
    while let Ok((stream, _)) = listener.accept().await {
        connections.fetch_add(1, Ordering::SeqCst);
        drop::<TcpStream>(stream);
    }
}

/// Answers of one name: the next to give out, and the scripted list.
type Script = (usize, Vec<Vec<IpAddr>>);

/// DNS answers from a table; unknown names fail. Each name may list several answers,
/// given out in turn (the last one repeats), to script DNS rebinding.
#[derive(Default)]
pub struct StubDns {
    answers: Mutex<HashMap<String, Script>>,
    lookups: AtomicUsize,
}

impl StubDns {
    /// A stub answering `name` with each of `answers` in turn.
    pub fn with(self, name: &str, answers: &[&[&str]]) -> StubDns {
        let parsed = answers
            .iter()
            .map(|answer| answer.iter().filter_map(|ip| ip.parse().ok()).collect())
            .collect();
        self.answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.to_owned(), (0, parsed));
        self
    }

    /// Lookups answered or refused so far.
    pub fn lookups(&self) -> usize {
        self.lookups.load(Ordering::SeqCst)
    }
}

impl HostLookup for StubDns {
    fn lookup(&self, host: &str) -> LookupFuture {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        let answer = answers.get_mut(host).and_then(|(next, list)| {
            let answer = list.get((*next).min(list.len().saturating_sub(1))).cloned();
            *next += 1;
            answer
        });
        let host = host.to_owned();
        Box::pin(async move {
            answer.ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("stub dns: no answer for {host}"),
                )
            })
        })
    }
}
