//! Every request is bounded: body size, JSON depth, per-key rate, concurrency (shed, never
//! queued), request time, and, on a real socket, the time to send headers.

use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use super::{call, get, harness_with, post_json, request};

/// A body that sends nothing until told to: a request stuck in its handler, holding its
/// slot, until the sender sends or is dropped.
fn stalled_body() -> (Body, http_body_util::channel::Sender<axum::body::Bytes>) {
    let (sender, channel) =
        http_body_util::channel::Channel::<axum::body::Bytes, std::convert::Infallible>::new(1);
    (Body::new(channel), sender)
}

/// Waits (bounded) until `condition` holds.
async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen within 5 s");
}

#[tokio::test]
async fn an_oversized_body_is_413_before_it_is_read_whole() {
    let limits = server::Limits {
        max_verify_body_bytes: 1024,
        max_json_body_bytes: 512,
        ..server::Limits::default()
    };
    let harness = harness_with(limits);
    for (path, size, expected) in [
        ("/api/v1/verify", 1024, StatusCode::OK),
        ("/api/v1/verify", 1025, StatusCode::PAYLOAD_TOO_LARGE),
        ("/api/v1/verify", 10 << 20, StatusCode::PAYLOAD_TOO_LARGE),
    ] {
        let reply = call(
            &harness.router,
            request("POST", path, None, Body::from(vec![b' '; size])),
        )
        .await;
        assert_eq!(reply.status, expected, "{path} with {size} bytes");
    }
    let padded = format!(
        r#"{{"challenge": "{}", "presentation": {{}}}}"#,
        "x".repeat(600)
    );
    let reply = call(
        &harness.router,
        post_json("/api/v1/consent/withdraw", None, &padded),
    )
    .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.code(), "payload_too_large");
    assert_eq!(harness.state.metrics().rejections("body_size"), 3);
}

#[tokio::test]
async fn json_deeper_than_the_limit_is_refused_before_parsing() {
    let harness = harness_with(server::Limits::default());
    // The envelope object is one level, so the whole body is one deeper than `inner`.
    for (inner, refused) in [(1, false), (63, false), (64, true), (100_000, true)] {
        let nested = format!("{}{}", "[".repeat(inner), "]".repeat(inner));
        let body = format!(r#"{{"challenge": "c", "presentation": {nested}}}"#);
        let reply = call(
            &harness.router,
            post_json("/api/v1/consent/withdraw", None, &body),
        )
        .await;
        assert_eq!(
            reply.code() == "json_too_deep",
            refused,
            "inner depth {inner}: {}",
            reply.code()
        );
        let reply = call(
            &harness.router,
            request("POST", "/api/v1/verify", None, Body::from(nested.clone())),
        )
        .await;
        assert_eq!(
            reply.code() == "json_too_deep",
            inner > 64,
            "verify, depth {inner}"
        );
    }
    // Brackets inside strings do not count.
    let in_string = format!(
        r#"{{"challenge": "{}", "presentation": {{}}}}"#,
        "[".repeat(1000)
    );
    let reply = call(
        &harness.router,
        post_json("/api/v1/consent/withdraw", None, &in_string),
    )
    .await;
    assert_eq!(reply.code(), "invalid_challenge");
    for (text, limit, too_deep) in [
        (r#"{"a": [[["\"]]]]]"]]]}"#, 3, true),
        (r#"{"a": ["\"[[[["]}"#, 2, false),
        (r#"{"a": ["\\", [[1]]]}"#, 3, true),
        ("[[]]", 2, false),
        ("[[[]]]", 2, true),
    ] {
        assert_eq!(
            server::body::exceeds_depth(text.as_bytes(), limit).is_some(),
            too_deep,
            "{text} at limit {limit}"
        );
    }
}

#[tokio::test]
async fn a_burst_over_the_quota_is_429_with_retry_after() {
    let limits = server::Limits {
        rate_per_second: 0.01,
        rate_burst: 3,
        ..server::Limits::default()
    };
    let harness = harness_with(limits);
    let employer = Some(harness.keys.employer.as_str());
    for attempt in 0..3 {
        let reply = call(&harness.router, get("/api/v1/health", employer)).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "attempt {attempt} within the burst"
        );
    }
    let reply = call(&harness.router, get("/api/v1/health", employer)).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.code(), "rate_limited");
    let retry_after: u64 = reply
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .expect("a Retry-After in seconds");
    assert!(
        (1..=100).contains(&retry_after),
        "retry after {retry_after} s"
    );
    // The quota is per key: another key still gets through, and a forged
    // X-Forwarded-For does not give an anonymous caller a fresh quota.
    let board = Some(harness.keys.board.as_str());
    assert_eq!(
        call(&harness.router, get("/api/v1/health", board))
            .await
            .status,
        StatusCode::OK
    );
    for _ in 0..3 {
        call(&harness.router, get("/api/v1/health", None)).await;
    }
    let mut forged = get("/api/v1/health", None);
    forged.headers_mut().insert(
        "x-forwarded-for",
        "203.0.113.9".parse().expect("a header value"),
    );
    assert_eq!(
        call(&harness.router, forged).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(harness.state.metrics().rejections("rate"), 2);
}

#[tokio::test]
async fn requests_over_the_concurrency_limit_are_shed_with_503() {
    let limits = server::Limits {
        max_in_flight: 1,
        ..server::Limits::default()
    };
    let harness = harness_with(limits);
    let (body, sender) = stalled_body();
    let router = harness.router.clone();
    let stuck =
        tokio::spawn(
            async move { call(&router, request("POST", "/api/v1/verify", None, body)).await },
        );
    let metrics_state = harness.state.clone();
    eventually("the first request holding its slot", || {
        metrics_state.metrics().in_flight() == 1
    })
    .await;
    let reply = call(&harness.router, get("/api/v1/skills?q=teamwork", None)).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.code(), "overloaded");
    assert_eq!(reply.header("retry-after"), Some("1"));
    // Liveness still answers under load.
    assert_eq!(
        call(&harness.router, get("/api/v1/health", None))
            .await
            .status,
        StatusCode::OK
    );
    let mut sender = sender;
    sender
        .send_data(axum::body::Bytes::from_static(b"{}"))
        .await
        .expect("the handler is still reading");
    drop(sender);
    let first = stuck.await.expect("the first request finishes");
    assert_eq!(
        first.status,
        StatusCode::OK,
        "the admitted request completes"
    );
    // The slot is free again.
    assert_eq!(
        call(&harness.router, get("/api/v1/skills?q=teamwork", None))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(harness.state.metrics().rejections("concurrency"), 1);
}

#[tokio::test]
async fn a_request_slower_than_the_timeout_is_503() {
    let limits = server::Limits {
        request_timeout: Duration::from_millis(200),
        ..server::Limits::default()
    };
    let harness = harness_with(limits);
    let (body, sender) = stalled_body();
    let reply = call(
        &harness.router,
        request("POST", "/api/v1/verify", None, body),
    )
    .await;
    drop(sender);
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.code(), "request_timeout");
    assert_eq!(harness.state.metrics().rejections("timeout"), 1);
    assert_eq!(
        harness.state.metrics().in_flight(),
        0,
        "the slot is given back"
    );
}

#[tokio::test]
async fn a_client_slow_to_send_headers_is_disconnected() {
    let limits = server::Limits {
        header_read_timeout: Duration::from_millis(300),
        ..server::Limits::default()
    };
    let harness = harness_with(limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(listener, harness.state.clone(), async {
        let _ = stopped.await;
    }));

    // A slowloris: half a request line, then nothing.
    let mut slow = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    slow.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("writes");
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the server closed the slow connection");
    assert!(
        !String::from_utf8_lossy(&buffer).contains("200 OK"),
        "the slow request was not served"
    );

    // A normal client on the same server is served.
    let mut normal = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    normal
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("writes");
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), normal.read_to_end(&mut response))
        .await
        .expect("answered in time")
        .expect("reads");
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.contains("x-request-id"), "{response}");

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("graceful shutdown completes")
        .expect("the server task")
        .expect("serve returns Ok");
    assert_eq!(harness.state.metrics().rejections("header_timeout"), 1);
}
