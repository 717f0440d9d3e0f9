//! The hardened client against a hostile web on loopback (`skillproof_tests::net`).
//!
//! Every host name below is pinned with `--resolve`-style pins to 127.0.0.1 at the hostile
//! server's port, or answered by a stub DNS; no test asks real DNS or leaves loopback. A
//! honeypot listener on a port nothing is pinned to counts connections: it must see none.

mod robots_rfc;

use std::sync::Arc;
use std::time::Duration;

use net::{
    BlockingClient, Client, Conditional, FetchOptions, Fetched, NetConfig, NetError, OutcomeKind,
    PolitenessConfig, Purpose, TimeoutPhase, Url, Validators,
};
use skillproof_tests::net::{Honeypot, HostileServer, StubDns, TestPki};

/// Host names served by the plain-HTTP server.
const HTTP_HOSTS: &[&str] = &[
    "site.test",
    "polite.test",
    "robots-404.test",
    "robots-403.test",
    "robots-503.test",
    "robots-429.test",
    "robots-rules.test",
    "robots-delay.test",
    "robots-slow.test",
    "robots-big.test",
    "robots-stall.test",
    "robots-redirect.test",
];

/// Host names served by the HTTPS server; the certificate covers only `secure.test`.
const HTTPS_HOSTS: &[&str] = &["secure.test", "wrong.test"];

struct Web {
    http: HostileServer,
    https: HostileServer,
    honeypot: Honeypot,
    pki: TestPki,
    dns: Arc<StubDns>,
}

impl Web {
    async fn start() -> Web {
        let pki = TestPki::new(&["secure.test"]).expect("test pki");
        let http = HostileServer::start(None).await.expect("http server");
        let https = HostileServer::start(Some(pki.server.clone()))
            .await
            .expect("https server");
        let honeypot = Honeypot::start().await.expect("honeypot");
        let dns = StubDns::default()
            .with("unpinned.test", &[&["127.0.0.1"]])
            .with("private.test", &[&["10.0.0.1"]])
            .with("metadata.test", &[&["169.254.169.254"]])
            .with("mapped.test", &[&["::ffff:127.0.0.1"]])
            .with("nat64.test", &[&["64:ff9b::7f00:1"]])
            .with("sixtofour.test", &[&["2002:7f00:1::"]])
            .with("ula.test", &[&["fd00::1", "::1"]])
            .with("rebind.test", &[&["127.0.0.1"], &["10.0.0.7"], &["::1"]]);
        Web {
            http,
            https,
            honeypot,
            pki,
            dns: Arc::new(dns),
        }
    }

    /// Test configuration: the production guard with pins, the test CA, http allowed,
    /// stub DNS, short deadlines and delays.
    fn config(&self) -> NetConfig {
        let pins = HTTP_HOSTS
            .iter()
            .map(|host| format!("{host}:{}:127.0.0.1", self.http.port()))
            .chain(
                HTTPS_HOSTS
                    .iter()
                    .map(|host| format!("{host}:{}:127.0.0.1", self.https.port())),
            );
        let mut config = NetConfig {
            allow_http: true,
            dns: Some(self.dns.clone()),
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(20),
            politeness: PolitenessConfig {
                min_delay: Duration::from_millis(5),
                backoff_base: Duration::from_millis(10),
                backoff_max: Duration::from_millis(100),
                jitter_seed: Some(9309),
                ..PolitenessConfig::default()
            },
            ..NetConfig::default()
        }
        .with_resolve(pins)
        .expect("pins");
        config.extra_roots_pem.push(self.pki.ca_pem.clone());
        config
    }

    fn client(&self) -> Client {
        Client::new(self.config()).expect("client")
    }

    fn url(&self, host: &str, path: &str) -> Url {
        Url::parse(&format!("http://{host}:{}{path}", self.http.port())).expect("test url")
    }

    fn secure_url(&self, host: &str, path: &str) -> Url {
        Url::parse(&format!("https://{host}:{}{path}", self.https.port())).expect("test url")
    }
}

fn code(result: &Result<Fetched, NetError>) -> &'static str {
    match result {
        Ok(fetched) => fetched.outcome().code(),
        Err(error) => error.code(),
    }
}

fn document() -> FetchOptions {
    FetchOptions::default()
}

fn crawl() -> FetchOptions {
    FetchOptions {
        purpose: Purpose::Crawl,
        ..FetchOptions::default()
    }
}

#[tokio::test]
async fn production_default_refuses_loopback_private_literals_and_http_before_any_lookup() {
    let honeypot = Honeypot::start().await.expect("honeypot");
    let port = honeypot.addr.port();
    let client = Client::new(NetConfig::default()).expect("production client");
    let cases = [
        (format!("https://127.0.0.1:{port}/"), "blocked_address"),
        (format!("https://127.1.2.3:{port}/"), "blocked_address"),
        (format!("https://[::1]:{port}/"), "blocked_address"),
        (
            format!("https://[::ffff:127.0.0.1]:{port}/"),
            "blocked_address",
        ),
        (format!("https://0x7f.1:{port}/"), "blocked_address"),
        (format!("https://2130706433:{port}/"), "blocked_address"),
        (format!("https://localhost:{port}/"), "blocked_address"),
        (format!("https://LocalHost.:{port}/"), "blocked_address"),
        (format!("https://api.localhost:{port}/"), "blocked_address"),
        ("https://10.1.2.3/".to_owned(), "blocked_address"),
        ("https://192.168.0.1/".to_owned(), "blocked_address"),
        (
            "https://169.254.169.254/latest/meta-data/".to_owned(),
            "blocked_address",
        ),
        ("https://[fd00::1]/".to_owned(), "blocked_address"),
        ("https://8.8.8.8/".to_owned(), "blocked_address"),
        (format!("http://127.0.0.1:{port}/"), "blocked_scheme"),
        ("http://example.com/".to_owned(), "blocked_scheme"),
        ("file:///etc/passwd".to_owned(), "blocked_scheme"),
        ("ftp://example.com/".to_owned(), "blocked_scheme"),
        ("https://user:secret@example.com/".to_owned(), "invalid_url"),
    ];
    for (url, expected) in &cases {
        let url = Url::parse(url).expect("case url");
        let result = client.fetch(&url, &document()).await;
        assert_eq!(code(&result), *expected, "{url}: {result:?}");
    }
    assert_eq!(client.counters().fetches.total(), cases.len() as u64);
    assert_eq!(honeypot.connections(), 0, "the honeypot was reached");
    let public = net::evaluate_url(
        "https://example.com/a#frag",
        &net::AddressPolicy::production(),
    );
    assert_eq!(public.verdict, Ok(()));
    assert_eq!(
        public.normalised.map(String::from).as_deref(),
        Some("https://example.com/a")
    );
}

#[tokio::test]
async fn blocked_targets_are_refused_directly_and_at_every_redirect_hop() {
    let web = Web::start().await;
    let client = web.client();
    let hp = web.honeypot.addr.port();
    let site_port = web.http.port();
    let mut cases = vec![
        (format!("http://127.0.0.1:{hp}/"), "blocked_address"),
        (format!("http://[::1]:{hp}/"), "blocked_address"),
        (format!("http://[::ffff:7f00:1]:{hp}/"), "blocked_address"),
        (format!("http://0177.0.0.1:{hp}/"), "blocked_address"),
        (format!("http://localhost:{hp}/"), "blocked_address"),
        (format!("http://unpinned.test:{hp}/"), "blocked_address"),
        (format!("http://private.test:{hp}/"), "blocked_address"),
        (format!("http://metadata.test:{hp}/"), "blocked_address"),
        (format!("http://mapped.test:{hp}/"), "blocked_address"),
        (format!("http://nat64.test:{hp}/"), "blocked_address"),
        (format!("http://sixtofour.test:{hp}/"), "blocked_address"),
        (format!("http://ula.test:{hp}/"), "blocked_address"),
        // A pinned name at a port it is not pinned for.
        (format!("http://site.test:{hp}/"), "blocked_address"),
        (format!("http://nxdomain.test:{hp}/"), "dns_error"),
        ("file:///etc/passwd".to_owned(), "blocked_scheme"),
        (format!("gopher://site.test:{site_port}/"), "blocked_scheme"),
        (
            format!("http://user:pw@site.test:{site_port}/ok"),
            "invalid_url",
        ),
    ];
    if let Some(v6) = web.honeypot.addr_v6 {
        cases.push((format!("http://[::1]:{}/", v6.port()), "blocked_address"));
    }
    for (target, expected) in &cases {
        let direct = client
            .fetch(&Url::parse(target).expect("case url"), &document())
            .await;
        assert_eq!(code(&direct), *expected, "direct {target}: {direct:?}");
        let via = web.url("site.test", &format!("/goto?{target}"));
        let redirected = client.fetch(&via, &document()).await;
        assert_eq!(
            code(&redirected),
            *expected,
            "redirect to {target}: {redirected:?}"
        );
    }
    assert_eq!(web.honeypot.connections(), 0, "the honeypot was reached");
}

#[tokio::test]
async fn dns_rebinding_every_connection_is_checked_again() {
    let web = Web::start().await;
    let client = web.client();
    let url =
        Url::parse(&format!("http://rebind.test:{}/", web.honeypot.addr.port())).expect("url");
    let before = web.dns.lookups();
    for _ in 0..3 {
        let result = client.fetch(&url, &document()).await;
        assert_eq!(code(&result), "blocked_address", "{result:?}");
    }
    assert_eq!(web.dns.lookups() - before, 3, "each fetch asks DNS again");
    assert_eq!(web.honeypot.connections(), 0);
}

#[tokio::test]
async fn redirects_chains_loops_and_downgrades() {
    let web = Web::start().await;
    let client = web.client();
    let site = web.http.port();
    let secure = web.https.port();
    let cases = [
        (web.url("site.test", "/chain/5"), "fetched"),
        (web.url("site.test", "/chain/6"), "redirect_limit"),
        (web.url("site.test", "/loop"), "redirect_limit"),
        (
            web.secure_url(
                "secure.test",
                &format!("/goto?https://secure.test:{secure}/ok"),
            ),
            "fetched",
        ),
        (
            web.secure_url("secure.test", &format!("/goto?http://site.test:{site}/ok")),
            "blocked_scheme",
        ),
        (
            web.url(
                "site.test",
                &format!("/goto?https://secure.test:{secure}/ok"),
            ),
            "fetched",
        ),
    ];
    for (url, expected) in &cases {
        let result = client.fetch(url, &document()).await;
        assert_eq!(code(&result), *expected, "{url}: {result:?}");
    }
    assert_eq!(
        web.http.count("site.test", "/ok"),
        0,
        "the downgraded target was never requested"
    );
    let final_url = client
        .fetch(&web.url("site.test", "/chain/2"), &document())
        .await
        .expect("chain")
        .final_url;
    assert_eq!(final_url.path(), "/chain/0");
}

#[tokio::test]
async fn tls_uses_the_extra_anchor_and_never_skips_verification() {
    let web = Web::start().await;
    let fetched = web
        .client()
        .fetch(&web.secure_url("secure.test", "/ok"), &document())
        .await
        .expect("https fetch");
    assert_eq!((fetched.status, &fetched.body[..]), (200, &b"hello"[..]));

    let wrong_name = web
        .client()
        .fetch(&web.secure_url("wrong.test", "/ok"), &document())
        .await;
    assert_eq!(code(&wrong_name), "tls_error", "{wrong_name:?}");

    let mut without_ca = web.config();
    without_ca.extra_roots_pem.clear();
    let untrusted = Client::new(without_ca)
        .expect("client")
        .fetch(&web.secure_url("secure.test", "/ok"), &document())
        .await;
    assert_eq!(code(&untrusted), "tls_error", "{untrusted:?}");

    let mut garbage = web.config();
    garbage.extra_roots_pem = vec![b"not a certificate".to_vec()];
    assert_eq!(
        Client::new(garbage).map(|_| ()).map_err(|e| e.code()),
        Err("invalid_config")
    );
}

#[tokio::test]
async fn body_caps_count_decompressed_bytes_and_stop_early() {
    let web = Web::start().await;
    let mut config = web.config();
    config.max_body_bytes = 1 << 20;
    let client = Client::new(config).expect("client");
    let cap = 1u64 << 20;
    struct Case {
        path: &'static str,
        max_bytes: Option<u64>,
        expected: &'static str,
    }
    let cases = [
        // 1 GiB of zeros, about 1 MB on the wire.
        Case {
            path: "/gzip-bomb?1024",
            max_bytes: None,
            expected: "too_large",
        },
        Case {
            path: "/endless",
            max_bytes: None,
            expected: "too_large",
        },
        Case {
            path: "/big-declared",
            max_bytes: None,
            expected: "too_large",
        },
        Case {
            path: "/ok",
            max_bytes: Some(3),
            expected: "too_large",
        },
        Case {
            path: "/ok",
            max_bytes: Some(5),
            expected: "fetched",
        },
        Case {
            path: "/lying-long",
            max_bytes: None,
            expected: "fetched",
        },
        Case {
            path: "/lying-short",
            max_bytes: None,
            expected: "protocol_error",
        },
        Case {
            path: "/many-headers",
            max_bytes: None,
            expected: "protocol_error",
        },
    ];
    for case in &cases {
        let options = FetchOptions {
            max_bytes: case.max_bytes,
            ..document()
        };
        let result = client
            .fetch(&web.url("site.test", case.path), &options)
            .await;
        assert_eq!(code(&result), case.expected, "{}: {result:?}", case.path);
        match (&result, case.path) {
            (
                Err(NetError::TooLarge {
                    bytes_read, limit, ..
                }),
                "/gzip-bomb?1024" | "/endless",
            ) => {
                assert_eq!(*limit, cap);
                assert!(
                    *bytes_read > cap && *bytes_read <= cap + (256 << 10),
                    "{}: read {bytes_read}",
                    case.path
                );
                eprintln!(
                    "net figure: {} stopped after {bytes_read} bytes, cap {cap}",
                    case.path
                );
            }
            (Err(NetError::TooLarge { bytes_read, .. }), "/big-declared") => {
                assert_eq!(*bytes_read, 0)
            }
            (Ok(fetched), "/lying-long") => assert_eq!(fetched.body.len(), 10),
            _ => {}
        }
    }
}

#[tokio::test]
async fn deadlines_end_in_timed_out() {
    let web = Web::start().await;
    let cases = [
        (
            "/stall",
            Duration::from_millis(300),
            Duration::from_secs(20),
            TimeoutPhase::Read,
        ),
        (
            "/drip",
            Duration::from_secs(5),
            Duration::from_millis(400),
            TimeoutPhase::Total,
        ),
    ];
    for (path, read, total, phase) in cases {
        let mut config = web.config();
        config.read_timeout = read;
        config.total_timeout = total;
        let result = Client::new(config)
            .expect("client")
            .fetch(&web.url("site.test", path), &document())
            .await;
        match &result {
            Err(NetError::TimedOut { phase: got, .. }) => assert_eq!(*got, phase, "{path}"),
            other => panic!("{path}: expected a timeout, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn throttling_statuses_feed_politeness() {
    let web = Web::start().await;
    let client = web.client();
    let cases = [
        ("/status/429?retry-after=3", 429, Some(3)),
        ("/status/503?retry-after=2", 503, Some(2)),
        ("/status/500", 500, None),
        ("/status/404", 404, None),
    ];
    for (path, status, retry_after) in cases {
        let fetched = client
            .fetch(&web.url("site.test", path), &document())
            .await
            .expect(path);
        assert_eq!(
            (fetched.status, fetched.outcome()),
            (status, OutcomeKind::HttpStatus),
            "{path}"
        );
        assert_eq!(
            fetched.retry_after,
            retry_after.map(Duration::from_secs),
            "{path}"
        );
    }
    // Crawl fetches: the host is paused for at least Retry-After.
    let throttled = client
        .fetch(
            &web.url("polite.test", "/status/429?retry-after=3"),
            &crawl(),
        )
        .await
        .expect("429");
    assert_eq!(throttled.status, 429);
    let ready = client
        .scheduler()
        .ready_at("polite.test")
        .expect("host paused");
    assert!(
        ready >= tokio::time::Instant::now() + Duration::from_secs(1),
        "Retry-After not honoured"
    );
}

#[tokio::test]
async fn robots_txt_variants() {
    let web = Web::start().await;
    let mut config = web.config();
    config.read_timeout = Duration::from_millis(500);
    let client = Client::new(config).expect("client");
    let cases = [
        ("robots-404.test", "/page", "fetched"),
        ("robots-403.test", "/page", "fetched"),
        ("robots-503.test", "/page", "robots_disallowed"),
        ("robots-429.test", "/page", "robots_disallowed"),
        ("robots-stall.test", "/page", "robots_disallowed"),
        ("robots-redirect.test", "/page", "robots_disallowed"),
        ("robots-rules.test", "/private/x", "robots_disallowed"),
        ("robots-rules.test", "/private/ok", "fetched"),
        ("robots-rules.test", "/public", "fetched"),
        ("robots-rules.test", "/doc.pdf", "robots_disallowed"),
        ("robots-big.test", "/private/x", "robots_disallowed"),
        ("robots-big.test", "/public", "fetched"),
        ("robots-delay.test", "/page", "fetched"),
        ("robots-delay.test", "/private/x", "robots_disallowed"),
        ("robots-slow.test", "/page", "robots_disallowed"),
    ];
    for (host, path, expected) in cases {
        let result = client.fetch(&web.url(host, path), &crawl()).await;
        assert_eq!(code(&result), expected, "{host}{path}: {result:?}");
        if expected == "robots_disallowed" {
            assert_eq!(web.http.count(host, path), 0, "{host}{path} was requested");
        }
    }
    let mut hosts: Vec<&str> = cases.iter().map(|(host, _, _)| *host).collect();
    hosts.dedup();
    for host in &hosts {
        let expected = if *host == "robots-redirect.test" {
            6
        } else {
            1
        };
        assert_eq!(
            web.http.count(host, "/robots.txt"),
            expected,
            "robots.txt fetches for {host}"
        );
    }
    assert_eq!(client.counters().robots_fetches.total(), hosts.len() as u64);
    assert_eq!(client.counters().fetches.total(), cases.len() as u64);
    let delayed = client
        .scheduler()
        .ready_at("robots-delay.test")
        .expect("crawl-delay applies");
    assert!(delayed > tokio::time::Instant::now() + Duration::from_millis(200));
    // Verification documents are not crawling: robots.txt does not apply.
    let document_fetch = client
        .fetch(&web.url("robots-503.test", "/page"), &document())
        .await;
    assert_eq!(code(&document_fetch), "fetched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn politeness_one_request_per_host_and_a_minimum_gap() {
    let web = Web::start().await;
    let mut config = web.config();
    config.politeness.min_delay = Duration::from_millis(200);
    let client = Client::new(config).expect("client");
    let fetches: Vec<_> = (0..3)
        .map(|_| {
            let client = client.clone();
            let url = web.url("polite.test", "/slow");
            tokio::spawn(async move { client.fetch(&url, &crawl()).await })
        })
        .collect();
    for fetch in fetches {
        let result = fetch.await.expect("task");
        assert_eq!(code(&result), "fetched", "{result:?}");
    }
    assert_eq!(web.http.max_concurrent("polite.test"), 1);
    let mut arrivals: Vec<_> = web
        .http
        .log()
        .iter()
        .filter(|l| l.host == "polite.test")
        .map(|l| l.arrived)
        .collect();
    arrivals.sort();
    assert_eq!(arrivals.len(), 4, "robots.txt and three pages");
    for pair in arrivals.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(200),
            "gap {:?}",
            pair[1] - pair[0]
        );
    }
}

#[tokio::test]
async fn conditional_get_round_trip() {
    let web = Web::start().await;
    let client = web.client();
    let url = web.url("site.test", "/etag");
    let remembered = FetchOptions {
        conditional: Conditional::Remembered,
        ..document()
    };

    let first = client.fetch(&url, &remembered).await.expect("first fetch");
    assert_eq!(
        (first.outcome(), first.validators.etag.as_deref()),
        (OutcomeKind::Fetched, Some("\"v1\""))
    );
    assert_eq!(client.validators(&url), Some(first.validators.clone()));

    let second = client.fetch(&url, &remembered).await.expect("second fetch");
    assert_eq!(
        (second.outcome(), second.body.len()),
        (OutcomeKind::NotModified, 0)
    );
    assert!(second.is_not_modified());
    assert_eq!(second.validators.etag.as_deref(), Some("\"v1\""));

    // Validators persisted by the crawler and handed to a fresh client.
    let fresh = web.client();
    let restored = FetchOptions {
        conditional: Conditional::With(first.validators.clone()),
        ..document()
    };
    assert_eq!(code(&fresh.fetch(&url, &restored).await), "not_modified");
    fresh.remember_validators(
        &url,
        Validators {
            etag: Some("\"v1\"".into()),
            last_modified: None,
        },
    );
    assert_eq!(code(&fresh.fetch(&url, &remembered).await), "not_modified");
    assert_eq!(code(&fresh.fetch(&url, &document()).await), "fetched");

    let sent: Vec<bool> = web
        .http
        .log()
        .iter()
        .filter(|l| l.target == "/etag")
        .map(|l| l.headers.contains_key("if-none-match"))
        .collect();
    assert_eq!(sent, [false, true, true, true, false]);
}

#[tokio::test]
async fn counters_partition_every_fetch() {
    let web = Web::start().await;
    let client = web.client();
    let cases = [
        (web.url("site.test", "/ok"), OutcomeKind::Fetched),
        (web.url("site.test", "/ok"), OutcomeKind::Fetched),
        (web.url("site.test", "/status/404"), OutcomeKind::HttpStatus),
        (web.url("site.test", "/loop"), OutcomeKind::RedirectLimit),
        (web.url("site.test", "/lying-short"), OutcomeKind::Protocol),
        (web.url("unpinned.test", "/"), OutcomeKind::BlockedAddress),
        (
            Url::parse("ftp://site.test/").expect("url"),
            OutcomeKind::BlockedScheme,
        ),
        (web.url("nxdomain.test", "/"), OutcomeKind::Dns),
        (
            web.url("robots-503.test", "/page"),
            OutcomeKind::RobotsDisallowed,
        ),
    ];
    for (url, expected) in &cases {
        let options = if url.host_str() == Some("robots-503.test") {
            crawl()
        } else {
            document()
        };
        let result = client.fetch(url, &options).await;
        assert_eq!(code(&result), expected.code(), "{url}");
    }
    let counters = client.counters();
    for kind in OutcomeKind::ALL {
        let expected = cases.iter().filter(|(_, k)| *k == kind).count() as u64;
        assert_eq!(counters.fetches.get(kind), expected, "{kind}");
    }
    assert_eq!(counters.fetches.total(), cases.len() as u64);
    assert_eq!(counters.robots_fetches.get(OutcomeKind::HttpStatus), 1);
}

#[test]
fn blocking_client_serves_synchronous_callers() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let web = runtime.block_on(Web::start());
    let client = BlockingClient::new(web.config()).expect("blocking client");
    let fetched = client
        .fetch(&web.secure_url("secure.test", "/ok"), &document())
        .expect("fetch");
    assert_eq!(&fetched.body[..], b"hello");
    // Several synchronous callers at once (the CLI verifies in parallel).
    let url = web.url("unpinned.test", "/");
    let codes: Vec<&str> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| code(&client.fetch(&url, &document()))))
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("worker"))
            .collect()
    });
    assert_eq!(codes, ["blocked_address"; 4]);
    assert_eq!(client.counters().fetches.total(), 5);
    drop(client);
    drop(web);
}

#[test]
fn invalid_configurations_are_refused() {
    let cases: Vec<(&str, NetConfig)> = vec![
        (
            "empty user agent",
            NetConfig {
                user_agent: String::new(),
                ..NetConfig::default()
            },
        ),
        (
            "zero total timeout",
            NetConfig {
                total_timeout: Duration::ZERO,
                ..NetConfig::default()
            },
        ),
        ("robots cap below RFC 9309 minimum", {
            let mut config = NetConfig::default();
            config.robots.max_bytes = 1000;
            config
        }),
        (
            "redirect limit too high",
            NetConfig {
                max_redirects: 50,
                ..NetConfig::default()
            },
        ),
    ];
    for (why, config) in cases {
        assert_eq!(
            Client::new(config).map(|_| ()).map_err(|e| e.code()),
            Err("invalid_config"),
            "{why}"
        );
    }
    for bad_pin in [
        "a.test:443:10.0.0.1",
        "localhost:80",
        "a.test:99999:127.0.0.1",
    ] {
        assert!(
            NetConfig::default().with_resolve([bad_pin]).is_err(),
            "{bad_pin}"
        );
    }
}

#[tokio::test]
async fn robots_state_expires_and_redirect_hops_obey_robots() {
    let web = Web::start().await;
    let mut config = web.config();
    config.robots.unreachable_ttl = Duration::from_millis(50);
    let client = Client::new(config).expect("client");
    // RFC 9309 §2.3.1.4: unreachable means "disallow" only for a while, then ask again.
    for _ in 0..2 {
        let result = client
            .fetch(&web.url("robots-503.test", "/page"), &crawl())
            .await;
        assert_eq!(code(&result), "robots_disallowed");
        tokio::time::sleep(Duration::from_millis(120)).await;
    }
    assert_eq!(web.http.count("robots-503.test", "/robots.txt"), 2);
    // A crawl redirect to a path the target's robots.txt disallows is not followed.
    let target = format!("http://robots-rules.test:{}/private/x", web.http.port());
    let result = client
        .fetch(&web.url("site.test", &format!("/goto?{target}")), &crawl())
        .await;
    assert_eq!(code(&result), "robots_disallowed", "{result:?}");
    assert_eq!(web.http.count("robots-rules.test", "/private/x"), 0);
}
