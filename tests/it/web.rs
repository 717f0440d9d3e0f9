//! The web application (`web/`, embedded in the server by `crates/server/src/web.rs`): how
//! its files are served, and the pages driven in a real headless Chromium
//! (`web/tests/browser.mjs`, playwright-core over Debian's `/usr/bin/chromium`; `scripts/test`
//! installs both) against a server on loopback. Screenshots of every page are kept in
//! `target/web-screenshots/`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::body::Body;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::server::{call, harness, request};

const CSP_SELF: &str = "default-src 'self'";

#[tokio::test]
async fn the_application_is_served_with_types_caching_and_a_strict_policy() {
    let harness = harness();
    let index = call(&harness.router, request("GET", "/", None, Body::empty())).await;
    assert_eq!(index.status, StatusCode::OK);
    assert_eq!(
        index.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    let policy = index.header("content-security-policy").unwrap_or_default();
    assert!(policy.starts_with(CSP_SELF), "{policy}");
    assert!(
        !policy.contains("unsafe-inline") && !policy.contains("http"),
        "{policy}"
    );
    assert_eq!(index.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(index.header("x-frame-options"), Some("DENY"));
    let html = String::from_utf8_lossy(&index.body).into_owned();
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "no inline code"
    );

    // Every script and stylesheet the page names is served with its type, immutable.
    let assets: Vec<&str> = html
        .split(['"', '\''])
        .filter(|part| part.starts_with("/assets/"))
        .collect();
    assert!(
        assets.iter().any(|path| path.ends_with(".js"))
            && assets.iter().any(|path| path.ends_with(".css")),
        "{assets:?}"
    );
    for path in assets {
        let reply = call(&harness.router, request("GET", path, None, Body::empty())).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let expected = if path.ends_with(".js") {
            "text/javascript; charset=utf-8"
        } else if path.ends_with(".css") {
            "text/css; charset=utf-8"
        } else {
            "image/svg+xml"
        };
        assert_eq!(reply.header("content-type"), Some(expected), "{path}");
        assert_eq!(
            reply.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{path}"
        );
        // Revalidation answers 304 without a body.
        let etag = reply.header("etag").expect("an etag").to_owned();
        let again = call(
            &harness.router,
            axum::http::Request::builder()
                .uri(path)
                .header("if-none-match", &etag)
                .body(Body::empty())
                .expect("a request"),
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.body.is_empty());
    }

    // A client that accepts gzip gets the smaller form of the entry script.
    let entry = html
        .split('"')
        .find(|part| part.starts_with("/assets/index-") && part.ends_with(".js"))
        .expect("the entry script")
        .to_owned();
    let plain = call(&harness.router, request("GET", &entry, None, Body::empty())).await;
    let packed = call(
        &harness.router,
        axum::http::Request::builder()
            .uri(&entry)
            .header("accept-encoding", "br, gzip;q=0.8")
            .body(Body::empty())
            .expect("a request"),
    )
    .await;
    assert_eq!(packed.header("content-encoding"), Some("gzip"));
    assert!(packed.body.len() < plain.body.len());
    assert_eq!(plain.header("content-encoding"), None);

    // What is not a file of the application stays an API error; API paths never fall
    // through to the application.
    for path in [
        "/no-such-page.html",
        "/assets/../index.html",
        "/api/v1/no-such-route",
        "/embed.rs",
    ] {
        let reply = call(&harness.router, request("GET", path, None, Body::empty())).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(reply.code(), "no_such_route", "{path}");
    }
    let posted = call(&harness.router, request("POST", "/", None, Body::empty())).await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
    let head = call(&harness.router, request("HEAD", "/", None, Body::empty())).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
}

fn repo() -> PathBuf {
    skillproof_tests::repo_dir()
}

/// `target/web-screenshots`, beside the test binaries' tmp dir.
fn screenshot_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(&tmp).join("web-screenshots")
}

fn fixture(name: &str) -> String {
    repo()
        .join("tests/fixtures/vectors/harness-generated-digitalbazaar")
        .join(name)
        .display()
        .to_string()
}

/// Runs the browser script against `base` and returns its JSON report.
fn run_browser(base: &str, keys: &[(&str, &str)], input: &Value) -> Value {
    let repo = repo();
    assert!(
        Path::new("/usr/bin/chromium").is_file(),
        "the browser tests need Debian's chromium (scripts/test installs it: apt-get install chromium)"
    );
    assert!(
        repo.join("web/node_modules/playwright-core").is_dir(),
        "the browser tests need web/node_modules (scripts/test runs `npm ci --prefix web`)"
    );
    let dir = skillproof_tests::index::TempDir::new("web-browser");
    let input_path = dir.path().join("input.json");
    std::fs::write(&input_path, input.to_string()).expect("writing the test input");
    let mut command = std::process::Command::new("node");
    command
        .arg(repo.join("web/tests/browser.mjs"))
        .arg(base)
        .args(keys.iter().map(|(role, key)| format!("{role}={key}")))
        .env("SKILLPROOF_WEB_TEST", &input_path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("running node");
    // Bounded: the script's own waits time out long before this.
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
    loop {
        match child.try_wait().expect("waiting for node") {
            Some(_) => break,
            None if std::time::Instant::now() > deadline => {
                let _ = child.kill();
                panic!("the browser test did not finish within 300 s");
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    let output = child.wait_with_output().expect("node's output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "browser.mjs failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("not JSON ({error}): {stdout}"))
}

fn page<'a>(report: &'a Value, name: &str) -> &'a Value {
    let page = &report["pages"][name];
    assert_eq!(page["ok"], json!(true), "{name}: {}", page["error"]);
    page
}

#[test]
fn the_pages_work_in_a_real_browser() {
    let harness = harness();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(server::serve(listener, harness.state.clone(), async {
        let _ = stopped.await;
    }));

    let shots = screenshot_dir();
    let input = json!({
        "screenshots": shots,
        "verify": {
            "tampered": fixture("ob3-didkey-eddsa-rdfc-2022.tampered-achievement-name.json"),
            "valid": fixture("ob3-didkey-eddsa-rdfc-2022.valid.json"),
        },
    });
    let keys = [
        ("admin", harness.keys.admin.as_str()),
        ("employer", harness.keys.employer.as_str()),
        ("board", harness.keys.board.as_str()),
        ("institution", harness.keys.institution.as_str()),
    ];
    let report = run_browser(&base, &keys, &input);
    let _ = stop.send(());
    runtime
        .block_on(server)
        .expect("the server task")
        .expect("the server stops cleanly");
    println!(
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );

    // The page itself is served under the strict policy, and nothing broke it.
    let verify = page(&report, "verify");
    let policy = verify["headers"]["content-security-policy"]
        .as_str()
        .unwrap_or_default();
    assert!(policy.starts_with(CSP_SELF), "{policy}");
    assert_eq!(
        report["csp_violations"],
        json!([]),
        "the policy blocked something"
    );
    assert_eq!(
        report["page_errors"],
        json!([]),
        "uncaught errors in the pages"
    );

    // A tampered credential is shown as failed, with the signature check failing and
    // explained; the untouched original is shown as verified.
    let tampered = &verify["tampered"];
    assert_eq!(tampered["outcome"], "invalid_signature", "{tampered}");
    assert_eq!(tampered["badge"], "Not verified");
    let checks = tampered["checks"].as_array().expect("checks");
    let signature = checks
        .iter()
        .find(|check| check["name"] == "signature")
        .expect("a signature check");
    assert_eq!(signature["result"], "Failed", "{signature}");
    assert!(
        signature["question"]
            .as_str()
            .unwrap_or_default()
            .contains("signature"),
        "{signature}"
    );
    assert!(
        tampered["explanation"]
            .as_str()
            .unwrap_or_default()
            .contains("altered"),
        "{tampered}"
    );
    let valid = &verify["valid"];
    assert_eq!(valid["outcome"], "verified", "{valid}");
    assert_eq!(valid["badge"], "Verified");
    assert!(
        valid["checks"]
            .as_array()
            .is_some_and(|checks| checks.iter().all(|check| check["result"] != "Failed")),
        "{valid}"
    );
    assert!(
        verify["garbage"]["outcome"] == "malformed",
        "{}",
        verify["garbage"]
    );
    for which in ["tampered", "valid"] {
        let path = verify[which]["screenshot"].as_str().expect("a screenshot");
        assert!(Path::new(path).is_file(), "{path}");
    }
}
