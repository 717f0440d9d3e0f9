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

use corpus::{CorpusConfig, SiteState};
use model::{DemandKind, DemandRecord, RegionRef, RegionSource, SkillClaim, SkillMethod};
use server::auth::generate_key;
use server::{AppState, KeyStore, Role, ServerConfig};
use skillproof_tests::index::TempDir;
use skillproof_tests::plan_index;
use time::OffsetDateTime;

use crate::server::{call, harness, request, taxonomy};

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

/// The corpus's `now` (2026-06-01T00:00:00Z), as the rank tests use it.
const CORPUS_NOW: i64 = 1_780_272_000;

/// A small demo data set served like a deployment: a corpus plan's verified credentials
/// indexed in RAM, the bundled taxonomy and demand, and one key of each role.
struct DataSet {
    state: AppState,
    keys: Vec<(&'static str, String)>,
    /// The issuer with the most credentials (the institution key is bound to it).
    issuer: String,
    /// The skills most consenting earners hold, most first: (id, label).
    skills: Vec<(String, String)>,
    /// The skill the map shows: (id, label).
    map_skill: (String, String),
    _data_dir: TempDir,
}

fn data_set() -> DataSet {
    let taxonomy = taxonomy();
    let now = OffsetDateTime::from_unix_timestamp(CORPUS_NOW).expect("a valid instant");
    let config = CorpusConfig {
        earners: 1_200,
        postings: 1_500,
        ..CorpusConfig::demo(2026, now)
    };
    let plan = corpus::plan(&config, &taxonomy).expect("the corpus plans");
    let built = plan_index::build(&plan, &taxonomy, SiteState::Current).expect("the plan indexes");
    // Demand: the plan's job postings, as the crawler records them (skills, work location,
    // month, vacancies).
    let mut writer = built
        .index
        .writer(index::WriterOptions::default())
        .expect("a writer");
    for posting in &plan.postings {
        writer
            .upsert_demand(&DemandRecord {
                demand_id: posting.url.clone(),
                kind: DemandKind::Posting,
                source_url: Some(posting.url.clone()),
                employer: None,
                title: posting.title.clone(),
                noc: Some(posting.noc.clone()),
                skills: posting
                    .skills
                    .iter()
                    .map(|skill| SkillClaim {
                        id: skill.id.clone(),
                        label: skill.label.clone(),
                        method: SkillMethod::Text,
                        confidence: 1.0,
                        span: None,
                        facets: Vec::new(),
                    })
                    .collect(),
                region: Some(RegionRef {
                    fsa: Some(posting.fsa.clone()),
                    cduid: Some(posting.cduid.clone()),
                    eruid: Some(posting.eruid.clone()),
                    wpb_id: Some(posting.wpb_id.clone()),
                    latitude: None,
                    longitude: None,
                    source: RegionSource::JobLocation,
                }),
                month: posting.month.clone(),
                vacancies: posting.vacancies,
            })
            .expect("a demand record");
    }
    writer.commit("web demand").expect("a commit");

    let mut issuers: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut holders: std::collections::BTreeMap<(&str, &str), std::collections::BTreeSet<&str>> =
        Default::default();
    for record in built.records.values() {
        *issuers.entry(record.issuer.id.as_str()).or_default() += 1;
        if record.earner.findable {
            for skill in &record.skills {
                holders
                    .entry((skill.id.as_str(), skill.label.as_str()))
                    .or_default()
                    .insert(record.earner.key.as_str());
            }
        }
    }
    let issuer = issuers
        .iter()
        .max_by_key(|(id, count)| (**count, std::cmp::Reverse(**id)))
        .map(|(id, _)| (*id).to_owned())
        .expect("an issuer");
    // The map shows the skill the postings ask for most (in vacancies) among those at least
    // 20 people hold: supply, demand and gap all have figures.
    let mut vacancies: std::collections::BTreeMap<&str, u64> = Default::default();
    for posting in &plan.postings {
        for skill in &posting.skills {
            *vacancies.entry(skill.id.as_str()).or_default() += u64::from(posting.vacancies);
        }
    }
    let map_skill = holders
        .iter()
        .filter(|(_, earners)| earners.len() >= 20)
        .max_by_key(|((id, _), _)| {
            (
                vacancies.get(id).copied().unwrap_or(0),
                std::cmp::Reverse(*id),
            )
        })
        .map(|((id, label), _)| ((*id).to_owned(), (*label).to_owned()))
        .expect("a skill for the map");
    let mut skills: Vec<((&str, &str), usize)> = holders
        .iter()
        .map(|(skill, earners)| (*skill, earners.len()))
        .collect();
    skills.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let skills = skills
        .into_iter()
        .take(3)
        .map(|((id, label), _)| (id.to_owned(), label.to_owned()))
        .collect();

    let key = |id: &str, role: Role, issuers: Vec<String>| {
        generate_key(id, role, issuers).expect("a key")
    };
    let (admin, admin_entry) = key("ops", Role::Admin, vec![]);
    let (employer, employer_entry) = key("acme-hr", Role::Employer, vec![]);
    let (board, board_entry) = key("grand-erie", Role::Board, vec![]);
    let (institution, institution_entry) = key("college", Role::Institution, vec![issuer.clone()]);
    let store = KeyStore::from_entries(vec![
        admin_entry,
        employer_entry,
        board_entry,
        institution_entry,
    ])
    .expect("valid keys");
    let data_dir = TempDir::new("web");
    let mut server_config = ServerConfig::new(data_dir.path());
    server_config.reload_interval = None;
    // SKILLPROOF_WEB_DIR=web/dist serves the files from disk: edit, `npm run build`, rerun
    // without relinking the server.
    server_config.web_dir = std::env::var_os("SKILLPROOF_WEB_DIR").map(PathBuf::from);
    let state = AppState::new(built.index, taxonomy, store, server_config);
    DataSet {
        state,
        keys: vec![
            ("admin", admin),
            ("employer", employer),
            ("board", board),
            ("institution", institution),
        ],
        issuer,
        skills,
        map_skill,
        _data_dir: data_dir,
    }
}

#[test]
fn the_pages_work_in_a_real_browser() {
    let started = std::time::Instant::now();
    let data = data_set();
    println!(
        "web data set: built in {:.1?}, skills {:?}, map {:?}",
        started.elapsed(),
        data.skills,
        data.map_skill
    );
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
    let server = runtime.spawn(server::serve(listener, data.state.clone(), async {
        let _ = stopped.await;
    }));

    let shots = screenshot_dir();
    let input = json!({
        "screenshots": shots,
        "search": {"skills": data.skills.iter().map(|(id, label)| json!({"id": id, "label": label})).collect::<Vec<_>>()},
        "map": {"skill": data.map_skill.0, "label": data.map_skill.1},
        "institution": {"issuer": data.issuer},
        "verify": {
            "tampered": fixture("ob3-didkey-eddsa-rdfc-2022.tampered-achievement-name.json"),
            "valid": fixture("ob3-didkey-eddsa-rdfc-2022.valid.json"),
            // A baked badge: a JWT credential inside a PNG, whose key (offline) is not
            // shown to be the issuer's.
            "baked": repo()
                .join("tests/fixtures/vectors/1edtech-validator/inspector-vc/src/test/resources/ob30/simple-jwt.png")
                .display()
                .to_string(),
        },
    });
    let keys: Vec<(&str, &str)> = data
        .keys
        .iter()
        .map(|(role, key)| (*role, key.as_str()))
        .collect();
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
    // The baked PNG is opened, its JWT read, and the failing step named.
    let baked = &verify["baked"];
    assert_eq!(baked["outcome"], "unbound_key", "{baked}");
    assert_eq!(baked["badge"], "Not verified");
    assert!(
        baked["packaging"]
            .as_str()
            .is_some_and(|text| text.contains("packaged as png") && text.contains("vc jwt")),
        "{baked}"
    );
    assert!(
        baked["checks"].as_array().is_some_and(|checks| checks
            .iter()
            .any(|check| check["name"] == "key binding" && check["result"] == "Failed")),
        "{baked}"
    );
    for which in ["tampered", "valid"] {
        let path = verify[which]["screenshot"].as_str().expect("a screenshot");
        assert!(Path::new(path).is_file(), "{path}");
    }

    // Accessibility: axe-core's WCAG 2.1 A/AA rules on every page, after it has content.
    for name in ["verify", "search", "map", "institution"] {
        let audit = &report["accessibility"][name];
        assert!(
            audit["rules_passed"].as_u64().unwrap_or(0) >= 10,
            "{name}: the audit ran: {audit}"
        );
        let serious: Vec<&Value> = audit["violations"]
            .as_array()
            .expect("violations")
            .iter()
            .filter(|violation| {
                violation["impact"] == "serious" || violation["impact"] == "critical"
            })
            .collect();
        assert!(serious.is_empty(), "{name}: {serious:?}");
    }
    search_assertions(&report, &data);
    map_assertions(&report);
    institution_assertions(&report, &data);
    for name in [
        "verify-tampered",
        "search-results",
        "search-proof",
        "search-mobile",
        "map-census-divisions",
        "map-board-areas",
        "institution",
    ] {
        let path = shots.join(format!("{name}.png"));
        assert!(path.is_file(), "no screenshot {}", path.display());
    }
    println!(
        "web performance: first contentful paint {} ms, search form ready {} ms, submit to results {} ms, JavaScript transferred {} bytes",
        report["pages"]["search"]["paint"]["first_contentful_paint_ms"],
        report["pages"]["search"]["paint"]["search_form_ready_ms"],
        report["pages"]["search"]["submit_to_results_ms"],
        report["javascript_total"]
    );
}

/// Search → results → evidence → proof chain → shortlist export → next page.
fn search_assertions(report: &Value, data: &DataSet) {
    let search = page(report, "search");
    // The skills were chosen through autocomplete and kept as must / should chips.
    let chips: Vec<&str> = search["chips"]
        .as_array()
        .expect("chips")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(chips.len(), 2, "{chips:?}");
    assert!(
        chips[0].starts_with("must") && chips[0].contains(&data.skills[0].1),
        "{chips:?}"
    );
    assert!(
        chips[1].starts_with("should") && chips[1].contains(&data.skills[1].1),
        "{chips:?}"
    );
    // What the server understood is shown for editing, the same two skills.
    assert_eq!(
        search["spec_chips"].as_array().map(Vec::len),
        Some(2),
        "{search}"
    );
    assert_eq!(search["error"], Value::Null, "{search}");
    let hits = search["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 10, "a full first page: {search}");
    for hit in hits {
        assert!(
            hit["chart"] == json!(true),
            "a held/missing chart per candidate: {hit}"
        );
        assert!(hit["evidence_skills"].as_u64().unwrap_or(0) >= 1, "{hit}");
        assert!(
            hit["earner"]
                .as_str()
                .is_some_and(|earner| earner.starts_with("did:")),
            "{hit}"
        );
    }
    assert!(
        search["facets"].as_u64().unwrap_or(0) > 0,
        "facets with counts"
    );
    // Evidence: issuer, credential, method, confidence, dates.
    let rows = search["evidence_rows"].as_array().expect("evidence rows");
    assert!(!rows.is_empty(), "{search}");
    for row in rows {
        let cells = row.as_array().expect("cells");
        assert_eq!(cells.len(), 6, "{row}");
        assert!(
            cells[3].as_str().is_some_and(|text| text.ends_with('%')),
            "{row}"
        );
    }
    // The badge opens the proof chain: each credential's checks, none failed.
    let proof = &search["proof"];
    assert!(proof["credentials"].as_u64().unwrap_or(0) >= 1, "{proof}");
    assert!(proof["checks"].as_u64().unwrap_or(0) >= 1, "{proof}");
    assert_eq!(proof["failed"], 0, "{proof}");
    assert!(
        proof["text"]
            .as_str()
            .unwrap_or_default()
            .contains("passed verification"),
        "{proof}"
    );
    // The export names exactly the shortlisted candidates.
    let export = &search["export"];
    let text = export["text"].as_str().unwrap_or_default();
    assert!(
        export["name"]
            .as_str()
            .is_some_and(|name| name.ends_with(".csv")),
        "{export}"
    );
    let shortlisted = search["shortlisted"].as_array().expect("shortlisted");
    assert_eq!(shortlisted.len(), 2);
    for earner in shortlisted {
        assert!(
            text.contains(earner.as_str().unwrap_or("?")),
            "{earner} in {text}"
        );
    }
    assert_eq!(search["second_page_first_rank"], "#11", "{search}");
    // Programs teaching the skills the page's candidates lack, with their graduates.
    let programs = search["programs"].as_array().expect("programs");
    assert!(!programs.is_empty(), "{search}");
    assert!(
        programs.iter().all(|program| program
            .as_str()
            .is_some_and(|text| text.contains("verified graduates"))),
        "{programs:?}"
    );
    // A saved search run again on the same snapshot finds nothing new.
    let run = search["saved_run"].as_str().unwrap_or_default();
    assert!(
        run.starts_with("Browser test search")
            && run.contains("0 new, 0 changed, 0 gone, 0 revoked"),
        "{run}"
    );
}

/// Every polygon drawn, a legend, suppressed cells hatched, drill-down, table, trend, CSV.
fn map_assertions(report: &Value) {
    let map = page(report, "map");
    for (level, polygons) in [("cd", 49), ("er", 11), ("board", 26)] {
        let drawn = &map[level];
        assert_eq!(drawn["features"], polygons, "{level}: {drawn}");
        assert_eq!(
            drawn["paths"], polygons,
            "{level}: every polygon drawn: {drawn}"
        );
        assert_eq!(drawn["measure"], "gap", "{level}: {drawn}");
        assert_eq!(
            drawn["pattern"], true,
            "{level}: the hatch pattern: {drawn}"
        );
        assert_eq!(
            drawn["hatched"], drawn["suppressed"],
            "{level}: hatched = suppressed"
        );
        let legend = drawn["legend"].as_array().expect("legend");
        assert!(legend.len() >= 3, "{level}: {drawn}");
        assert!(
            legend.iter().any(|item| item
                .as_str()
                .is_some_and(|text| text.contains("1–4 people"))),
            "{drawn}"
        );
        assert!(
            drawn["table_rows"].as_u64().unwrap_or(0) > 0,
            "{level}: {drawn}"
        );
    }
    // Census divisions: small cells exist in a data set this size, and are hatched.
    assert!(
        map["cd"]["suppressed"].as_u64().unwrap_or(0) > 0,
        "{}",
        map["cd"]
    );
    assert!(
        map["cd"]["trend_months"].as_u64().unwrap_or(0) >= 2,
        "a monthly trend: {}",
        map["cd"]
    );
    assert!(
        map["tooltip"].as_str().is_some_and(|text| !text.is_empty()),
        "{map}"
    );
    assert_eq!(map["sorted"], "descending", "{map}");
    assert!(
        map["drill"]
            .as_str()
            .is_some_and(|text| text.contains("Verified holders")),
        "{map}"
    );
    let csv = map["csv"].as_array().expect("csv lines");
    assert!(
        csv[0]
            .as_str()
            .is_some_and(|header| header.starts_with("snapshot_id,skill,level,region")),
        "{csv:?}"
    );
    assert!(csv.len() >= 2, "{csv:?}");
}

/// The dashboard of the key's own issuer loads; another issuer's is refused in words.
fn institution_assertions(report: &Value, data: &DataSet) {
    let institution = page(report, "institution");
    assert_eq!(
        institution["error"],
        Value::Null,
        "{institution} ({})",
        data.issuer
    );
    assert!(
        institution["skills_rows"].as_u64().unwrap_or(0) > 0,
        "{institution}"
    );
    assert!(
        institution["region_rows"].as_u64().unwrap_or(0) > 0,
        "{institution}"
    );
    assert_eq!(institution["demand"], true, "{institution}");
    assert!(
        institution["achievements"].as_u64().unwrap_or(0) >= 1,
        "{institution}"
    );
    assert_eq!(
        institution["quality"], "shown",
        "the data-quality report: {institution}"
    );
    assert_eq!(institution["unavailable"], json!([]), "{institution}");
    assert!(
        institution["other_issuer"]
            .as_str()
            .is_some_and(|text| text.contains("unknown_issuer")),
        "{institution}"
    );
}

/// Every file under `dir`, by its path relative to `dir` (with `/`).
fn files_under(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut found = std::collections::BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).expect("a readable folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .expect("inside the folder")
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                found.insert(relative, std::fs::read(&path).expect("a readable file"));
            }
        }
    }
    found
}

/// The committed `web/dist` (what the server embeds) is exactly what the sources build to,
/// so an edit of `web/src` without `npm run build` fails here rather than shipping stale.
#[test]
fn the_committed_build_is_the_build_of_the_sources() {
    let web = repo().join("web");
    let vite = web.join("node_modules/vite/bin/vite.js");
    assert!(
        vite.is_file(),
        "needs web/node_modules (scripts/test runs `npm ci --prefix web`)"
    );
    let out = TempDir::new("web-build");
    let built = std::process::Command::new("node")
        .arg(&vite)
        .args(["build", "--emptyOutDir", "--logLevel", "error", "--outDir"])
        .arg(out.path())
        .current_dir(&web)
        .output()
        .expect("running vite");
    assert!(
        built.status.success(),
        "vite build failed: {}",
        String::from_utf8_lossy(&built.stderr)
    );
    let fresh = files_under(out.path());
    let mut committed = files_under(&web.join("dist"));
    assert!(committed.remove("embed.rs").is_some(), "web/dist/embed.rs");
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>(),
        "web/dist is stale: run `npm run build --prefix web` and commit web/dist and web/dist-gzip"
    );
    for (path, bytes) in &fresh {
        assert!(
            committed.get(path) == Some(bytes),
            "web/dist/{path} is stale: run `npm run build --prefix web`"
        );
    }
    // Every file is embedded, with a gzip form for the text ones.
    let embed = String::from_utf8(std::fs::read(web.join("dist/embed.rs")).expect("embed.rs"))
        .expect("UTF-8");
    for path in fresh.keys() {
        assert!(
            embed.contains(&format!("path: \"{path}\"")),
            "{path} is not in embed.rs"
        );
        if path.ends_with(".js") {
            assert!(
                web.join("dist-gzip").join(format!("{path}.gz")).is_file(),
                "{path} has no gzip form"
            );
        }
    }
}
