//! Index benchmarks (issue 5, performance.md §7 P7–P10): indexing verified records against raw
//! tantivy indexing of the same documents, a 10-requirement claim match with region and
//! facets against a raw tantivy query of the same shape, regional distinct-earner
//! aggregation against a raw terms aggregation, the province-wide materialisation, and
//! resident memory. Every figure is a ratio to a baseline measured in the same run.
//!
//! ```text
//! cargo bench -p skillproof-benches --bench index -- [--credentials N] [--queries Q] [--quick]
//! ```
//!
//! Records are synthetic and generated here (seeded): 3,000 skills in a four-level hierarchy
//! with skewed popularity, 3–8 skills per credential, 800 issuers, 500 FSAs in 50 census
//! divisions and 11 economic regions, a 30-word description from a 5,000-word vocabulary and a
//! 1.5 KB original per credential. They enter as `Verified<CredentialRecord>` through the
//! test-only `Verified::assumed_verified_for_tests`: this measures indexing, not verification.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use index::{
    ClaimFilter, RegionAttribution, RegionCode, RegionLevel, SkillGrouping, SkillIndex,
    SkillRequirement, SupplyRequest, WriterOptions,
};
use model::{
    AchievementRef, CredentialKind, CredentialRecord, EarnerRef, Format, IssuerRef,
    OriginalCredential, RegionRef, RegionSource, SkillClaim, SkillMethod, VerificationSummary,
    Verified,
};
use skillproof_benches::{Machine, Stats, git_commit, load_average};
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};
use tantivy::collector::Count;
use tantivy::query::Query;
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Index, IndexWriter, TantivyDocument};

const NUM_SKILLS: usize = 3_000;
const NUM_ISSUERS: usize = 800;
const NUM_FSAS: usize = 500;
const NUM_CDS: usize = 50;
const NUM_ERS: usize = 11;
const VOCABULARY: usize = 5_000;
const THREADS: usize = 2;
const MEMORY_BUDGET: usize = 512_000_000;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// Skewed towards 0: the square of a uniform draw.
    fn skewed(&mut self, bound: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u) * bound as f64) as usize
    }
}

fn skill_id(skill: usize) -> String {
    format!("esco:skill/bench-{skill}")
}

/// Every skill sits under group `G(s % 12)` and subgroup `G.(s % 7)`; one in five has a
/// second parent group.
fn skill_facets(skill: usize) -> Vec<String> {
    let (group, sub) = (skill % 12, skill % 7);
    let mut facets = vec![format!("/esco/G{group}/G{group}.{sub}/s{skill}")];
    if skill.is_multiple_of(5) {
        let other = (group + 5) % 12;
        facets.push(format!("/esco/G{other}/G{other}.{sub}/s{skill}"));
    }
    facets
}

struct Place {
    fsa: String,
    cduid: String,
    eruid: String,
    latitude: f64,
    longitude: f64,
}

fn places() -> Vec<Place> {
    let mut rng = Rng(0x00C0_FFEE);
    (0..NUM_FSAS)
        .map(|fsa| {
            let cd = fsa % NUM_CDS;
            let (cd_latitude, cd_longitude) =
                (42.5 + (cd as f64) * 0.09, -83.0 + (cd as f64) * 0.15);
            Place {
                fsa: format!("F{fsa:03}"),
                cduid: format!("35{:02}", cd),
                eruid: format!("35{:02}", 10 + cd % NUM_ERS),
                latitude: cd_latitude + (rng.below(1000) as f64) / 5000.0,
                longitude: cd_longitude + (rng.below(1000) as f64) / 5000.0,
            }
        })
        .collect()
}

fn summary() -> VerificationSummary {
    VerificationSummary {
        format: Format::VcDataIntegrity,
        issuer: "did:web:bench.example".to_owned(),
        proofs: Vec::new(),
        checks: Vec::new(),
        verified_at: "2026-06-01T00:00:00Z".to_owned(),
    }
}

fn generate(num_credentials: usize) -> Vec<Verified<CredentialRecord>> {
    let places = places();
    let mut rng = Rng(0x1DE5_0001);
    let num_earners = (num_credentials / 3).max(1);
    let filler = "x".repeat(1_400);
    (0..num_credentials)
        .map(|n| {
            let issuer = rng.skewed(NUM_ISSUERS);
            let earner = rng.below(num_earners);
            let place = if rng.below(5) == 0 {
                &places[earner % NUM_FSAS]
            } else {
                &places[(issuer * 7) % NUM_FSAS]
            };
            let num_skills = 3 + rng.below(6);
            let skills = (0..num_skills)
                .map(|_| {
                    let skill = rng.skewed(NUM_SKILLS);
                    SkillClaim {
                        id: skill_id(skill),
                        label: format!("skill {skill}"),
                        method: [
                            SkillMethod::Alignment,
                            SkillMethod::Text,
                            SkillMethod::Hierarchy,
                        ][rng.below(3)],
                        confidence: 0.5 + (rng.below(50) as f32) / 100.0,
                        span: None,
                        facets: skill_facets(skill),
                    }
                })
                .collect();
            let words = |rng: &mut Rng, count: usize| -> String {
                (0..count)
                    .map(|_| format!("w{}", rng.skewed(VOCABULARY)))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let id = format!("urn:uuid:bench-{n}");
            let record = CredentialRecord {
                credential_id: id.clone(),
                content_sha256: format!("{:016x}{:016x}", rng.next(), rng.next()),
                source_url: Some(format!("https://issuer{issuer}.example/c/{n}")),
                earner: EarnerRef {
                    key: format!("did:key:bench-earner-{earner}"),
                    findable: earner % 5 < 3,
                    consent_source: None,
                },
                issuer: IssuerRef {
                    id: format!("did:web:issuer{issuer}.example"),
                    name: Some(format!("Issuer {issuer}")),
                    domain: None,
                },
                achievement: AchievementRef {
                    id: Some(format!("did:web:issuer{issuer}.example/a/{}", n % 40)),
                    name: words(&mut rng, 4),
                    description: Some(words(&mut rng, 30)),
                    kind: CredentialKind::ALL[rng.below(CredentialKind::ALL.len())],
                    credit: rng.below(3) == 0,
                },
                skills,
                region: Some(RegionRef {
                    fsa: Some(place.fsa.clone()),
                    cduid: Some(place.cduid.clone()),
                    eruid: Some(place.eruid.clone()),
                    wpb_id: Some(format!("WPB-{}", place.eruid)),
                    latitude: Some(place.latitude),
                    longitude: Some(place.longitude),
                    source: if rng.below(5) == 0 {
                        RegionSource::Earner
                    } else {
                        RegionSource::Issuer
                    },
                }),
                issued_at: Some(1_600_000_000 + rng.below(150_000_000) as i64),
                valid_until: (rng.below(4) == 0)
                    .then(|| 1_700_000_000 + rng.below(150_000_000) as i64),
                format: Format::VcDataIntegrity,
                original: OriginalCredential {
                    media_type: "application/vc+ld+json".to_owned(),
                    content: format!("{{\"id\":\"{id}\",\"filler\":\"{filler}\"}}"),
                },
            };
            Verified::assumed_verified_for_tests(record, summary())
        })
        .collect()
}

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| {
                    line.split_whitespace()
                        .nth(1)
                        .and_then(|kib| kib.parse().ok())
                })
        })
        .unwrap_or(0)
}

fn directory_bytes(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|entry| entry.metadata().ok())
                .map(|meta| meta.len())
                .sum()
        })
        .unwrap_or(0)
}

fn fresh_dir(label: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "skillproof-index-bench-{label}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&path);
    path
}

/// Ours: verified records through the mapping and the single writer, then one commit.
fn index_verified(records: &[Verified<CredentialRecord>], dir: &Path) -> (f64, SkillIndex) {
    let started = Instant::now();
    let index = SkillIndex::open_or_create(dir).expect("index");
    let mut writer = index
        .writer(WriterOptions {
            num_threads: THREADS,
            memory_budget_bytes: MEMORY_BUDGET,
        })
        .expect("writer");
    for record in records {
        writer.upsert_credential(record).expect("upsert");
    }
    writer.commit("bench").expect("commit");
    let rate = records.len() as f64 / started.elapsed().as_secs_f64();
    writer.finish().expect("merges");
    (rate, index)
}

/// Baseline: the same documents, already built, added to a raw tantivy writer.
fn index_raw(documents: &[Vec<TantivyDocument>], dir: &Path) -> f64 {
    std::fs::create_dir_all(dir).expect("dir");
    let started = Instant::now();
    let index = Index::create_in_dir(dir, index::raw::schema()).expect("raw index");
    let mut writer: IndexWriter<TantivyDocument> = index
        .writer_with_num_threads(THREADS, MEMORY_BUDGET)
        .expect("raw writer");
    for credential in documents {
        for document in credential {
            writer.add_document(document.clone()).expect("add");
        }
    }
    writer.commit().expect("commit");
    let rate = documents.len() as f64 / started.elapsed().as_secs_f64();
    writer.wait_merging_threads().expect("merges");
    rate
}

fn percentile(samples: &mut [f64], fraction: f64) -> f64 {
    samples.sort_by(f64::total_cmp);
    if samples.is_empty() {
        return 0.0;
    }
    let rank = ((samples.len() as f64 - 1.0) * fraction).round() as usize;
    samples[rank]
}

struct Latencies {
    subject: Vec<f64>,
    baseline: Vec<f64>,
}

impl Latencies {
    fn report(&mut self, name: &str) -> String {
        let (s50, s99) = (
            percentile(&mut self.subject, 0.5),
            percentile(&mut self.subject, 0.99),
        );
        let (b50, b99) = (
            percentile(&mut self.baseline, 0.5),
            percentile(&mut self.baseline, 0.99),
        );
        format!(
            "| {name} | {s50:.2} / {s99:.2} ms | {b50:.2} / {b99:.2} ms | {:.2}× / {:.2}× |",
            s50 / b50.max(1e-9),
            s99 / b99.max(1e-9)
        )
    }
}

fn timed(operation: impl FnOnce()) -> f64 {
    let started = Instant::now();
    operation();
    started.elapsed().as_secs_f64() * 1000.0
}

fn terms_aggregation(fields: &[(&str, &str, usize)]) -> AggregationCollector {
    let mut request = serde_json::Map::new();
    for (name, field, size) in fields {
        request.insert(
            (*name).to_owned(),
            serde_json::json!({"terms": {"field": field, "size": size}}),
        );
    }
    let aggregations: Aggregations =
        serde_json::from_value(serde_json::Value::Object(request)).expect("aggregation request");
    AggregationCollector::from_aggs(
        aggregations,
        AggContextParams::new(
            AggregationLimitsGuard::default(),
            TokenizerManager::default(),
        ),
    )
}

fn main() {
    let arguments: Vec<String> = std::env::args().collect();
    let quick = arguments.iter().any(|argument| argument == "--quick");
    let value_of = |flag: &str| -> Option<usize> {
        arguments
            .iter()
            .position(|argument| argument == flag)
            .and_then(|at| arguments.get(at + 1))
            .and_then(|text| text.parse().ok())
    };
    let num_credentials = value_of("--credentials").unwrap_or(if quick { 20_000 } else { 200_000 });
    let num_queries = value_of("--queries").unwrap_or(if quick { 60 } else { 300 });

    let machine = Machine::describe();
    println!("# index bench");
    println!("machine: {machine:?}");
    println!(
        "commit: {}",
        git_commit(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .unwrap_or(Path::new("."))
        )
    );
    println!("load before: {}", load_average());
    println!("credentials: {num_credentials}, queries: {num_queries}, indexing threads: {THREADS}");

    let started = Instant::now();
    let records = generate(num_credentials);
    let documents: Vec<Vec<TantivyDocument>> = records
        .iter()
        .map(|record| index::raw::credential_documents(record).expect("documents"))
        .collect();
    let num_documents: usize = documents.iter().map(Vec::len).sum();
    println!(
        "generated {num_credentials} records ({num_documents} documents) in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Indexing, interleaved: raw, ours, ours, raw.
    let mut raw_rates = Vec::new();
    let mut our_rates = Vec::new();
    let mut kept = None;
    for round in 0..2 {
        let raw_dir = fresh_dir("raw");
        let our_dir = fresh_dir("ours");
        let mut run_raw = || {
            raw_rates.push(index_raw(&documents, &raw_dir));
            let _ = std::fs::remove_dir_all(&raw_dir);
        };
        if round == 0 {
            run_raw();
        }
        let (rate, index) = index_verified(&records, &our_dir);
        our_rates.push(rate);
        if round == 1 {
            run_raw();
        }
        if let Some((_, old_dir)) = kept.replace((index, our_dir)) {
            let _ = std::fs::remove_dir_all(old_dir);
        }
    }
    let (index, our_dir) = kept.expect("an index was built");
    let ratios: Vec<f64> = our_rates
        .iter()
        .zip(&raw_rates)
        .map(|(ours, raw)| ours / raw)
        .collect();
    println!();
    println!(
        "| indexing (credentials/s to commit, {THREADS} threads) | ours | raw tantivy, same documents | ratio |"
    );
    println!("|---|---|---|---|");
    println!(
        "| per round | {:?} | {:?} | {:?} |",
        our_rates
            .iter()
            .map(|rate| rate.round())
            .collect::<Vec<_>>(),
        raw_rates
            .iter()
            .map(|rate| rate.round())
            .collect::<Vec<_>>(),
        ratios
            .iter()
            .map(|ratio| (ratio * 100.0).round() / 100.0)
            .collect::<Vec<_>>()
    );
    println!(
        "| median | {:.0} | {:.0} | {:.2} |",
        Stats::of(&our_rates).median,
        Stats::of(&raw_rates).median,
        Stats::of(&ratios).median
    );

    drop(records);
    drop(documents);
    let snapshot = index.reload().expect("snapshot");
    let rss_kib = resident_kib();
    println!();
    println!(
        "index: {} docs, {} segments, {:.0} MB on disk; resident memory with the snapshot open: {:.0} MB",
        snapshot.searcher().num_docs(),
        snapshot.searcher().segment_readers().len(),
        directory_bytes(&our_dir) as f64 / 1e6,
        rss_kib as f64 / 1024.0
    );

    // Queries: the same random requests through our primitives and as raw tantivy queries.
    let places = places();
    let mut rng = Rng(0x0051_7EA5);
    let mut matches = Latencies {
        subject: Vec::new(),
        baseline: Vec::new(),
    };
    let mut regional = Latencies {
        subject: Vec::new(),
        baseline: Vec::new(),
    };
    let mut num_hits = Vec::new();
    let searcher = snapshot.searcher().clone();
    for query_number in 0..num_queries {
        let mut requirements: Vec<SkillRequirement> = (0..7)
            .map(|_| SkillRequirement::Skill(skill_id(rng.skewed(NUM_SKILLS))))
            .collect();
        for _ in 0..3 {
            let (group, sub) = (rng.below(12), rng.below(7));
            requirements.push(SkillRequirement::Within(format!(
                "/esco/G{group}/G{group}.{sub}"
            )));
        }
        let place = &places[rng.below(NUM_FSAS)];
        let filter = ClaimFilter {
            findable_only: true,
            regions: vec![RegionCode {
                level: RegionLevel::EconomicRegion,
                code: place.eruid.clone(),
            }],
            ..ClaimFilter::default()
        };
        let raw_query: Box<dyn Query> =
            index::raw::claim_query(&requirements, &filter).expect("query");
        let mut run_ours = || {
            matches.subject.push(timed(|| {
                let found = snapshot
                    .match_claims(&requirements, &filter)
                    .expect("match");
                num_hits.push(found.hits.len());
                black_box(found);
                black_box(
                    snapshot
                        .facet_counts(&requirements, &filter, RegionLevel::CensusDivision)
                        .expect("facets"),
                );
            }));
        };
        let mut run_raw = || {
            matches.baseline.push(timed(|| {
                // Built per query, as ours builds its facet request per query.
                let facets = terms_aggregation(&[
                    ("skills", "skill", 20),
                    ("issuers", "issuer", 10),
                    ("kinds", "kind", 8),
                ]);
                black_box(
                    searcher
                        .search(raw_query.as_ref(), &(Count, facets))
                        .expect("raw"),
                );
            }));
        };
        if query_number % 2 == 0 {
            run_raw();
            run_ours();
        } else {
            run_ours();
            run_raw();
        }

        // Regional supply: one economic region, distinct earners per skill group × CD.
        let supply = SupplyRequest {
            skills: Vec::new(),
            grouping: SkillGrouping::FacetDepth(3),
            level: RegionLevel::CensusDivision,
            attribution: RegionAttribution::HomeRegion,
            filter: ClaimFilter {
                regions: vec![RegionCode {
                    level: RegionLevel::EconomicRegion,
                    code: place.eruid.clone(),
                }],
                ..ClaimFilter::default()
            },
        };
        let raw_supply_query = index::raw::claim_query(&[], &supply.filter).expect("query");
        let skills_by_cd = terms_aggregation(&[("cds", "cduid", 50), ("skills", "skill", 50)]);
        let mut run_ours = || {
            regional.subject.push(timed(|| {
                drop(black_box(snapshot.supply(&supply).expect("supply")))
            }))
        };
        let mut run_raw = || {
            regional.baseline.push(timed(|| {
                drop(black_box(
                    searcher
                        .search(raw_supply_query.as_ref(), &skills_by_cd)
                        .expect("raw"),
                ))
            }))
        };
        if query_number % 2 == 0 {
            run_raw();
            run_ours();
        } else {
            run_ours();
            run_raw();
        }
    }
    num_hits.sort_unstable();
    println!();
    println!("| query (p50 / p99) | ours | raw tantivy, same shape | ratio p50 / p99 |");
    println!("|---|---|---|---|");
    println!(
        "{}",
        matches.report(&format!(
            "claim match: 10 requirements (7 skills, 3 facet prefixes), findable, one ER; + facet counts (median {} claims)",
            num_hits.get(num_hits.len() / 2).copied().unwrap_or(0)
        ))
    );
    println!(
        "{}",
        regional.report(
            "regional supply: one ER, distinct earners per skill group (depth 3) × CD, home region"
        )
    );

    // Province-wide materialisation: every claim, distinct earners per skill × CD.
    let province = SupplyRequest {
        skills: Vec::new(),
        grouping: SkillGrouping::Skill,
        level: RegionLevel::CensusDivision,
        attribution: RegionAttribution::HomeRegion,
        filter: ClaimFilter::default(),
    };
    let raw_province_query = index::raw::claim_query(&[], &ClaimFilter::default()).expect("query");
    let province_terms = terms_aggregation(&[("cds", "cduid", 50), ("skills", "skill", 50)]);
    let mut province_ours = Vec::new();
    let mut province_raw = Vec::new();
    let mut num_cells = 0;
    for round in 0..3 {
        let mut run_ours = || {
            province_ours.push(timed(|| {
                num_cells = black_box(snapshot.supply(&province).expect("supply")).len()
            }));
        };
        let mut run_raw = || {
            province_raw.push(timed(|| {
                drop(black_box(
                    searcher
                        .search(raw_province_query.as_ref(), &province_terms)
                        .expect("raw"),
                ))
            }))
        };
        if round % 2 == 0 {
            run_raw();
            run_ours();
        } else {
            run_ours();
            run_raw();
        }
    }
    println!(
        "| province materialisation: all claims, distinct earners per skill × CD ({num_cells} cells), median of 3 | {:.0} ms | {:.0} ms (terms CD × skill, doc counts) | {:.2}× |",
        Stats::of(&province_ours).median,
        Stats::of(&province_raw).median,
        Stats::of(&province_ours).median / Stats::of(&province_raw).median.max(1e-9)
    );
    println!();
    println!(
        "resident memory at the end: {:.0} MB",
        resident_kib() as f64 / 1024.0
    );
    println!("load after: {}", load_average());
    drop(snapshot);
    drop(index);
    let _ = std::fs::remove_dir_all(our_dir);
}
