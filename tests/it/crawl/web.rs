//! The crawler's test web: a corpus `Site` served over HTTPS on loopback (one listener, many
//! host names told apart by `Host`), with ETags and conditional GET, per-host robots.txt
//! overrides, per-URL overrides (a 410 that was not there before), and a hostile host whose
//! pages misbehave on purpose. Every request is logged.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use corpus::{Resource, Site};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The host whose pages are hostile.
pub(crate) const HOSTILE_HOST: &str = "hostile.demo.skillproof.test";

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) host: String,
    pub(crate) path: String,
    pub(crate) conditional: bool,
    pub(crate) status: u16,
}

#[derive(Default)]
struct State {
    site: Mutex<Site>,
    robots: Mutex<HashMap<String, String>>,
    overrides: Mutex<HashMap<(String, String), Resource>>,
    log: Mutex<Vec<Request>>,
    honeypot_port: u16,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The server. Dropping it stops accepting.
pub(crate) struct DemoWeb {
    pub(crate) addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Drop for DemoWeb {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl DemoWeb {
    /// Serves `site` (empty until [`DemoWeb::set_site`]) on `listener` with `tls`.
    pub(crate) fn start(
        listener: TcpListener,
        tls: Arc<rustls::ServerConfig>,
        honeypot_port: u16,
    ) -> anyhow::Result<DemoWeb> {
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            honeypot_port,
            ..State::default()
        });
        let shared = state.clone();
        let acceptor = tokio_rustls::TlsAcceptor::from(tls);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = shared.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    if let Ok(Ok(mut stream)) =
                        tokio::time::timeout(Duration::from_secs(5), acceptor.accept(stream)).await
                    {
                        serve(&mut stream, &state).await;
                        let _ = stream.shutdown().await;
                    }
                });
            }
        });
        Ok(DemoWeb { addr, state, task })
    }

    pub(crate) fn set_site(&self, site: Site) {
        *lock(&self.state.site) = site;
    }

    /// Answers `url` with `status` (and an empty text body) from now on.
    pub(crate) fn set_status(&self, url: &str, status: u16) {
        let parsed = net::Url::parse(url).expect("override url");
        let resource = Resource {
            status,
            content_type: "text/plain".to_owned(),
            body: Arc::from(&b"gone\n"[..]),
        };
        lock(&self.state.overrides).insert(
            (
                parsed.host_str().unwrap_or_default().to_owned(),
                parsed.path().to_owned(),
            ),
            resource,
        );
    }

    pub(crate) fn requests(&self) -> Vec<Request> {
        lock(&self.state.log).clone()
    }

    pub(crate) fn clear_log(&self) {
        lock(&self.state.log).clear();
    }
}

fn etag(body: &[u8]) -> String {
    format!("\"{}\"", &format!("{:x}", Sha256::digest(body))[..20])
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S, state: &State) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 2048];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        let Ok(Ok(read)) =
            tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await
        else {
            return;
        };
        if read == 0 || head.len() + read > 16 * 1024 {
            return;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let target = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .unwrap_or("/")
        .to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let host = headers
        .get("host")
        .map(|host| {
            host.rsplit_once(':')
                .map_or(host.as_str(), |(name, _)| name)
        })
        .unwrap_or_default()
        .to_ascii_lowercase();
    let path = target.split('?').next().unwrap_or("/").to_owned();
    let if_none_match = headers.get("if-none-match").cloned();
    let mut log = Request {
        host: host.clone(),
        path: path.clone(),
        conditional: if_none_match.is_some(),
        status: 0,
    };
    let status = if host == HOSTILE_HOST {
        hostile(stream, &path, state.honeypot_port).await
    } else {
        let robots = lock(&state.robots).get(&host).cloned();
        let overridden = lock(&state.overrides)
            .get(&(host.clone(), path.clone()))
            .cloned();
        let resource = match (path.as_str(), robots, overridden) {
            (_, _, Some(resource)) => Some(resource),
            ("/robots.txt", Some(robots), _) => Some(Resource {
                status: 200,
                content_type: "text/plain".to_owned(),
                body: Arc::from(robots.into_bytes()),
            }),
            _ => lock(&state.site).lookup(&host, &path).cloned(),
        };
        match resource {
            None => respond(stream, 404, "text/plain", &[], b"not found\n").await,
            Some(resource) if resource.status == 200 => {
                let tag = etag(&resource.body);
                if if_none_match.as_deref() == Some(tag.as_str()) {
                    respond(stream, 304, "", &[("ETag", tag)], b"").await
                } else {
                    respond(
                        stream,
                        200,
                        &resource.content_type,
                        &[("ETag", tag)],
                        &resource.body,
                    )
                    .await
                }
            }
            Some(resource) => {
                respond(
                    stream,
                    resource.status,
                    &resource.content_type,
                    &[],
                    &resource.body,
                )
                .await
            }
        }
    };
    log.status = status;
    lock(&state.log).push(log);
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        410 => "Gone",
        _ => "Whatever",
    }
}

async fn respond<S: AsyncWrite + Unpin>(
    stream: &mut S,
    status: u16,
    content_type: &str,
    extra: &[(&str, String)],
    body: &[u8],
) -> u16 {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nConnection: close\r\n",
        reason(status)
    );
    if !content_type.is_empty() {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if status != 304 {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body).await;
    let _ = stream.flush().await;
    status
}

/// The hostile host's pages. The root links every trap.
pub(crate) const HOSTILE_PAGES: &[&str] = &[
    "/huge",
    "/deep.json",
    "/loop/a",
    "/slow",
    "/to-private",
    "/to-honeypot",
    "/trap/0",
    "/private-area/credential.json",
    "/not-json.json",
];

async fn hostile<S: AsyncWrite + Unpin>(stream: &mut S, path: &str, honeypot_port: u16) -> u16 {
    let html = "text/html; charset=utf-8";
    match path {
        "/robots.txt" => {
            respond(
                stream,
                200,
                "text/plain",
                &[],
                b"User-agent: skillproof\nDisallow: /private-area/\n",
            )
            .await
        }
        "/" => {
            let links: String = HOSTILE_PAGES
                .iter()
                .map(|page| format!("<a href=\"{page}\">x</a>\n"))
                .collect();
            let page = format!("<!doctype html><html><body>{links}</body></html>");
            respond(stream, 200, html, &[], page.as_bytes()).await
        }
        // Over the test client's 1 MiB cap, sent without a Content-Length.
        "/huge" => {
            let head = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            let chunk = vec![b'a'; 64 * 1024];
            for _ in 0..40 {
                if stream.write_all(&chunk).await.is_err() {
                    break;
                }
            }
            200
        }
        "/deep.json" => {
            let body = "[".repeat(5_000);
            respond(stream, 200, "application/vc+ld+json", &[], body.as_bytes()).await
        }
        "/not-json.json" => {
            respond(
                stream,
                200,
                "application/json",
                &[],
                b"{\"unclosed\": [1, 2",
            )
            .await
        }
        "/loop/a" => respond(stream, 302, "", &[("Location", "/loop/b".to_owned())], b"").await,
        "/loop/b" => respond(stream, 302, "", &[("Location", "/loop/a".to_owned())], b"").await,
        // One byte every 300 ms: the total deadline ends it.
        "/slow" => {
            let head = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            for _ in 0..1000 {
                if stream.write_all(b"a").await.is_err() || stream.flush().await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            200
        }
        "/to-private" => {
            respond(
                stream,
                302,
                "",
                &[("Location", "https://10.1.2.3/credential.json".to_owned())],
                b"",
            )
            .await
        }
        "/to-honeypot" => {
            let location = format!("https://rebind.demo.skillproof.test:{honeypot_port}/");
            respond(stream, 302, "", &[("Location", location)], b"").await
        }
        "/private-area/credential.json" => {
            respond(stream, 200, "application/vc+ld+json", &[], b"{}").await
        }
        _ if path.starts_with("/trap/") => {
            // A calendar: every page links the next, forever.
            let number: u64 = path["/trap/".len()..].parse().unwrap_or(0);
            let page = format!(
                "<!doctype html><html><body><a href=\"/trap/{}\">next</a></body></html>",
                number + 1
            );
            respond(stream, 200, html, &[], page.as_bytes()).await
        }
        _ => respond(stream, 404, "text/plain", &[], b"not found\n").await,
    }
}
