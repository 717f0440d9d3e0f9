//! Index test support: hand-built verified records, a seeded generator of small Ontario-like
//! corpora, and a brute-force oracle that states the index's semantics independently of it.
//!
//! Records enter as `Verified<CredentialRecord>` through
//! `Verified::assumed_verified_for_tests` (a documented test-only path in `model`): the index
//! tests need thousands of records with chosen skills, regions and dates, which signing and
//! verifying real documents would only slow down and obscure.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use index::{
    ClaimFilter, DemandCell, DemandRequest, RegionAttribution, RegionLevel, SkillGrouping,
    SkillRequirement, SupplyCell, SupplyRequest, distance_km, key_hash,
};
use model::{
    AchievementRef, CheckResult, CredentialKind, CredentialRecord, DemandKind, DemandRecord,
    EarnerRef, Format, IssuerRef, OriginalCredential, RegionRef, RegionSource, SkillClaim,
    SkillMethod, VerificationSummary, Verified,
};

use crate::TestRng;

/// A verification summary as the verifier would write it for an Ed25519 credential.
pub fn summary(issuer: &str) -> VerificationSummary {
    VerificationSummary {
        format: Format::VcDataIntegrity,
        issuer: issuer.to_owned(),
        proofs: Vec::new(),
        checks: vec![model::Check {
            check: model::CheckKind::Signature,
            result: CheckResult::Pass,
            detail: "eddsa-rdfc-2022".to_owned(),
        }],
        verified_at: "2026-06-01T00:00:00Z".to_owned(),
    }
}

/// Wraps a hand-built record for the index (tests only; see the module documentation).
pub fn verified(record: CredentialRecord) -> Verified<CredentialRecord> {
    let summary = summary(&record.issuer.id);
    Verified::assumed_verified_for_tests(record, summary)
}

/// A place of the test geography: an FSA with its census division, economic region, board
/// area and centre.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    /// FSA.
    pub fsa: &'static str,
    /// Census division.
    pub cduid: &'static str,
    /// Economic region.
    pub eruid: &'static str,
    /// Planning board area.
    pub wpb_id: &'static str,
    /// Centre latitude.
    pub latitude: f64,
    /// Centre longitude.
    pub longitude: f64,
}

/// Eight real southern-Ontario FSAs (centres rounded), nested as the census nests them.
pub const PLACES: &[Place] = &[
    Place {
        fsa: "N3T",
        cduid: "3529",
        eruid: "3550",
        wpb_id: "WPB-GE",
        latitude: 43.14,
        longitude: -80.26,
    },
    Place {
        fsa: "N3R",
        cduid: "3529",
        eruid: "3550",
        wpb_id: "WPB-GE",
        latitude: 43.17,
        longitude: -80.24,
    },
    Place {
        fsa: "N2G",
        cduid: "3530",
        eruid: "3550",
        wpb_id: "WPB-WW",
        latitude: 43.45,
        longitude: -80.49,
    },
    Place {
        fsa: "L8P",
        cduid: "3525",
        eruid: "3550",
        wpb_id: "WPB-HA",
        latitude: 43.25,
        longitude: -79.88,
    },
    Place {
        fsa: "M5V",
        cduid: "3520",
        eruid: "3530",
        wpb_id: "WPB-TO",
        latitude: 43.64,
        longitude: -79.40,
    },
    Place {
        fsa: "M4C",
        cduid: "3520",
        eruid: "3530",
        wpb_id: "WPB-TO",
        latitude: 43.69,
        longitude: -79.31,
    },
    Place {
        fsa: "K1A",
        cduid: "3506",
        eruid: "3510",
        wpb_id: "WPB-OT",
        latitude: 45.42,
        longitude: -75.70,
    },
    Place {
        fsa: "P3E",
        cduid: "3553",
        eruid: "3580",
        wpb_id: "WPB-SU",
        latitude: 46.47,
        longitude: -80.99,
    },
];

/// A small multi-parent skill hierarchy: `(id, facet paths)`.
pub const SKILLS: &[(&str, &[&str])] = &[
    (
        "esco:skill/data-analysis",
        &["/esco/S/S1/S1.1/data-analysis"],
    ),
    (
        "esco:skill/statistics",
        &["/esco/S/S1/S1.1/statistics", "/esco/S/S2/statistics"],
    ),
    (
        "esco:skill/visualisation",
        &["/esco/S/S1/S1.2/visualisation"],
    ),
    ("esco:skill/teamwork", &["/esco/T/T1/teamwork"]),
    (
        "esco:skill/leadership",
        &["/esco/T/T1/leadership", "/esco/T/T2/leadership"],
    ),
    (
        "esco:skill/patient-transfer",
        &["/esco/S/S3/patient-transfer"],
    ),
    (
        "esco:skill/health-informatics",
        &[
            "/esco/S/S3/health-informatics",
            "/esco/S/S1/S1.3/health-informatics",
        ],
    ),
    ("local:skill/forestry", &["/local/forestry"]),
    ("onet:2.A.1.a", &[]),
];

const ISSUERS: &[&str] = &[
    "did:web:conestoga.example",
    "did:web:mohawk.example",
    "did:web:laurier.example",
    "https://badges.example/issuer",
];
const WORDS: &[&str] = &[
    "data",
    "fluency",
    "teamwork",
    "patient",
    "transfer",
    "health",
    "informatics",
    "forestry",
    "design",
    "thinking",
    "leadership",
    "analysis",
];

fn pick<'a, T>(rng: &mut TestRng, items: &'a [T]) -> &'a T {
    &items[rng.below(items.len())]
}

fn skill_claim(rng: &mut TestRng, (id, facets): (&str, &[&str])) -> SkillClaim {
    let methods = [
        SkillMethod::Alignment,
        SkillMethod::Text,
        SkillMethod::Crosswalk,
        SkillMethod::Hierarchy,
    ];
    SkillClaim {
        id: id.to_owned(),
        label: id.rsplit('/').next().unwrap_or(id).to_owned(),
        method: *pick(rng, &methods),
        confidence: (rng.below(101) as f32) / 100.0,
        span: None,
        facets: facets.iter().map(|facet| (*facet).to_owned()).collect(),
    }
}

fn region(rng: &mut TestRng) -> Option<RegionRef> {
    match rng.below(10) {
        0 => None,
        1 => Some(RegionRef {
            // Located only down to the economic region, without a point.
            fsa: None,
            cduid: None,
            eruid: Some(pick(rng, PLACES).eruid.to_owned()),
            wpb_id: None,
            latitude: None,
            longitude: None,
            source: RegionSource::Issuer,
        }),
        _ => {
            let place = pick(rng, PLACES);
            Some(RegionRef {
                fsa: Some(place.fsa.to_owned()),
                cduid: Some(place.cduid.to_owned()),
                eruid: Some(place.eruid.to_owned()),
                wpb_id: Some(place.wpb_id.to_owned()),
                latitude: Some(place.latitude),
                longitude: Some(place.longitude),
                source: if rng.below(2) == 0 {
                    RegionSource::Earner
                } else {
                    RegionSource::Issuer
                },
            })
        }
    }
}

/// A random credential of earner `earner` (0-based) with id `id`.
pub fn random_credential(
    rng: &mut TestRng,
    id: &str,
    earner: usize,
    findable: bool,
) -> CredentialRecord {
    let issuer = pick(rng, ISSUERS).to_string();
    let num_skills = rng.below(4);
    let mut skills: Vec<SkillClaim> = (0..num_skills)
        .map(|_| {
            let chosen = *pick(rng, SKILLS);
            skill_claim(rng, chosen)
        })
        .collect();
    if rng.below(8) == 0 && !skills.is_empty() {
        // The mapper repeating a skill: the index keeps one claim.
        let repeated = skill_claim(
            rng,
            *SKILLS
                .iter()
                .find(|(id, _)| *id == skills[0].id)
                .unwrap_or(&SKILLS[0]),
        );
        skills.push(repeated);
    }
    let name: Vec<&str> = (0..3).map(|_| *pick(rng, WORDS)).collect();
    let description: Vec<&str> = (0..8).map(|_| *pick(rng, WORDS)).collect();
    let issued_at = (rng.below(6) != 0).then(|| 1_700_000_000 + rng.below(60_000_000) as i64);
    let valid_until = (rng.below(3) == 0).then(|| 1_720_000_000 + rng.below(60_000_000) as i64);
    CredentialRecord {
        credential_id: id.to_owned(),
        content_sha256: format!("{:064x}", rng.next_u64()),
        source_url: Some(format!("https://wallet.example/{id}")),
        earner: EarnerRef {
            key: format!("did:key:earner{earner}"),
            findable,
            consent_source: findable.then(|| format!("https://wallet.example/vp/{earner}")),
        },
        issuer: IssuerRef {
            id: issuer.clone(),
            name: Some(format!("Issuer {issuer}")),
            domain: issuer.strip_prefix("did:web:").map(str::to_owned),
        },
        achievement: AchievementRef {
            id: (rng.below(4) != 0).then(|| format!("{issuer}/achievements/{}", rng.below(5))),
            name: name.join(" "),
            description: (rng.below(5) != 0).then(|| description.join(" ")),
            kind: *pick(rng, CredentialKind::ALL),
            credit: rng.below(2) == 0,
        },
        skills,
        region: region(rng),
        issued_at,
        valid_until,
        format: Format::VcDataIntegrity,
        original: OriginalCredential {
            media_type: "application/vc+ld+json".to_owned(),
            content: format!("{{\"id\":\"{id}\"}}"),
        },
    }
}

/// A random demand record.
pub fn random_demand(rng: &mut TestRng, id: &str) -> DemandRecord {
    let num_skills = 1 + rng.below(3);
    DemandRecord {
        demand_id: id.to_owned(),
        kind: if rng.below(4) == 0 {
            DemandKind::Requirement
        } else {
            DemandKind::Posting
        },
        source_url: None,
        employer: Some("Employer".to_owned()),
        title: "Analyst".to_owned(),
        noc: Some("21211".to_owned()),
        skills: (0..num_skills)
            .map(|_| {
                let chosen = *pick(rng, SKILLS);
                skill_claim(rng, chosen)
            })
            .collect(),
        region: region(rng).map(|mut region| {
            region.source = RegionSource::JobLocation;
            region
        }),
        month: format!("2026-{:02}", 1 + rng.below(4)),
        vacancies: 1 + rng.below(5) as u32,
    }
}

/// A random claim filter over the test geography and issuers.
pub fn random_filter(rng: &mut TestRng) -> ClaimFilter {
    let mut filter = ClaimFilter {
        findable_only: rng.below(2) == 0,
        ..ClaimFilter::default()
    };
    if rng.below(4) == 0 {
        filter.issuers = vec![pick(rng, ISSUERS).to_string()];
    }
    if rng.below(4) == 0 {
        filter.kinds = vec![
            *pick(rng, CredentialKind::ALL),
            *pick(rng, CredentialKind::ALL),
        ];
    }
    if rng.below(5) == 0 {
        filter.credit = Some(rng.below(2) == 0);
    }
    if rng.below(3) == 0 {
        let place = pick(rng, PLACES);
        let code = |level: RegionLevel| match level {
            RegionLevel::Fsa => place.fsa.to_owned(),
            RegionLevel::CensusDivision => place.cduid.to_owned(),
            RegionLevel::EconomicRegion => place.eruid.to_owned(),
            RegionLevel::PlanningArea => place.wpb_id.to_owned(),
            RegionLevel::Province => "35".to_owned(),
        };
        let level = *pick(rng, &RegionLevel::ALL);
        filter.regions = vec![index::RegionCode {
            level,
            code: code(level),
        }];
    }
    if rng.below(4) == 0 {
        let place = pick(rng, PLACES);
        filter.within = Some(index::GeoRadius {
            latitude: place.latitude,
            longitude: place.longitude,
            radius_km: [0.0, 5.0, 40.0, 120.0, 800.0][rng.below(5)],
        });
    }
    if rng.below(4) == 0 {
        filter.issued_since = Some(1_700_000_000 + rng.below(60_000_000) as i64);
    }
    if rng.below(4) == 0 {
        filter.valid_at = Some(1_700_000_000 + rng.below(90_000_000) as i64);
    }
    filter
}

/// 0–4 random requirements: exact skills, facet prefixes, and a skill nobody holds.
pub fn random_requirements(rng: &mut TestRng) -> Vec<SkillRequirement> {
    const PREFIXES: &[&str] = &[
        "/esco",
        "/esco/S",
        "/esco/S/S1",
        "/esco/S/S1/S1.1",
        "/esco/T/T1",
        "/esco/S/S3",
        "/local",
        "/esco/X",
    ];
    (0..rng.below(5))
        .map(|_| match rng.below(5) {
            0 | 1 => SkillRequirement::Skill(pick(rng, SKILLS).0.to_owned()),
            2 => SkillRequirement::Skill("esco:skill/nobody".to_owned()),
            _ => SkillRequirement::Within(pick(rng, PREFIXES).to_string()),
        })
        .collect()
}

/// The committed state the index must show: credentials and demand by id.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Credentials by id.
    pub credentials: BTreeMap<String, CredentialRecord>,
    /// Demand records by id.
    pub demands: BTreeMap<String, DemandRecord>,
}

/// A claim as the oracle sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct OracleClaim<'a> {
    /// Its credential.
    pub record: &'a CredentialRecord,
    /// The skill (after merging repeats).
    pub skill: SkillClaim,
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/')
        .filter(|segment| !segment.is_empty())
        .collect()
}

/// Whether a facet path lies within a prefix (segment-wise).
pub fn within(path: &str, prefix: &str) -> bool {
    let (path, prefix) = (segments(path), segments(prefix));
    path.len() >= prefix.len() && path[..prefix.len()] == prefix[..]
}

/// A record's claims: one per distinct skill id, keeping the strongest method (then the
/// highest confidence) and the union of facet paths.
pub fn distinct_skills(skills: &[SkillClaim]) -> Vec<SkillClaim> {
    let mut by_id: BTreeMap<&str, SkillClaim> = BTreeMap::new();
    for skill in skills {
        match by_id.get_mut(skill.id.as_str()) {
            None => {
                by_id.insert(&skill.id, skill.clone());
            }
            Some(kept) => {
                let facets: Vec<String> =
                    kept.facets.iter().chain(&skill.facets).cloned().collect();
                if (skill.method, Reverse(skill.confidence.to_bits()))
                    < (kept.method, Reverse(kept.confidence.to_bits()))
                {
                    *kept = skill.clone();
                }
                kept.facets = facets;
            }
        }
    }
    by_id
        .into_values()
        .map(|mut skill| {
            skill.facets.sort();
            skill.facets.dedup();
            skill
        })
        .collect()
}

/// The bits of the requirements a skill satisfies.
pub fn requirement_mask(skill: &SkillClaim, requirements: &[SkillRequirement]) -> u64 {
    let mut mask = 0;
    for (bit, requirement) in requirements.iter().enumerate() {
        let matched = match requirement {
            SkillRequirement::Skill(id) => skill.id == *id,
            SkillRequirement::Within(prefix) => {
                skill.facets.iter().any(|facet| within(facet, prefix))
            }
        };
        if matched {
            mask |= 1 << bit;
        }
    }
    mask
}

fn located(region: Option<&RegionRef>) -> bool {
    region.is_some_and(|region| {
        [&region.fsa, &region.cduid, &region.eruid, &region.wpb_id]
            .iter()
            .any(|code| code.as_deref().is_some_and(|code| !code.trim().is_empty()))
    })
}

/// A region's code at a level.
pub fn region_code(region: Option<&RegionRef>, level: RegionLevel) -> Option<String> {
    if level == RegionLevel::Province {
        return located(region).then(|| "35".to_owned());
    }
    let region = region?;
    let code = match level {
        RegionLevel::Fsa => &region.fsa,
        RegionLevel::CensusDivision => &region.cduid,
        RegionLevel::EconomicRegion => &region.eruid,
        RegionLevel::PlanningArea => &region.wpb_id,
        RegionLevel::Province => return None,
    };
    code.clone().filter(|code| !code.trim().is_empty())
}

/// Whether a credential passes a filter ([`ClaimFilter`]'s documented semantics); the
/// distance when the filter has a centre.
pub fn passes(record: &CredentialRecord, filter: &ClaimFilter) -> Option<Option<f64>> {
    if filter.findable_only && !record.earner.findable {
        return None;
    }
    if !filter.issuers.is_empty() && !filter.issuers.contains(&record.issuer.id) {
        return None;
    }
    if !filter.kinds.is_empty() && !filter.kinds.contains(&record.achievement.kind) {
        return None;
    }
    if filter
        .credit
        .is_some_and(|credit| credit != record.achievement.credit)
    {
        return None;
    }
    if !filter.regions.is_empty()
        && !filter.regions.iter().any(|code| {
            region_code(record.region.as_ref(), code.level).as_deref() == Some(code.code.as_str())
        })
    {
        return None;
    }
    if let Some(since) = filter.issued_since
        && record.issued_at.is_none_or(|issued| issued < since)
    {
        return None;
    }
    if let Some(at) = filter.valid_at
        && (record.issued_at.is_some_and(|issued| issued > at)
            || record.valid_until.is_some_and(|until| until <= at))
    {
        return None;
    }
    match &filter.within {
        None => Some(None),
        Some(radius) => {
            let region = record.region.as_ref()?;
            let distance = distance_km(
                radius.latitude,
                radius.longitude,
                region.latitude?,
                region.longitude?,
            );
            (distance <= radius.radius_km).then_some(Some(distance))
        }
    }
}

impl Model {
    /// Every claim matching requirements (all claims when none) and a filter.
    pub fn claims(
        &self,
        requirements: &[SkillRequirement],
        filter: &ClaimFilter,
    ) -> Vec<(OracleClaim<'_>, u64)> {
        let mut out = Vec::new();
        for record in self.credentials.values() {
            if passes(record, filter).is_none() {
                continue;
            }
            for skill in distinct_skills(&record.skills) {
                let mask = requirement_mask(&skill, requirements);
                if requirements.is_empty() || mask != 0 {
                    out.push((OracleClaim { record, skill }, mask));
                }
            }
        }
        out
    }

    /// Row keys of a skill under a grouping.
    fn row_keys(
        skill: &SkillClaim,
        grouping: SkillGrouping,
        requirements: &[SkillRequirement],
    ) -> BTreeSet<String> {
        match grouping {
            SkillGrouping::Skill => BTreeSet::from([skill.id.clone()]),
            SkillGrouping::Requirement => {
                let mask = requirement_mask(skill, requirements);
                (0..requirements.len())
                    .filter(|bit| mask & (1 << bit) != 0)
                    .map(|bit| requirements[bit].text().to_owned())
                    .collect()
            }
            SkillGrouping::FacetDepth(depth) => skill
                .facets
                .iter()
                .filter_map(|facet| {
                    let parts = segments(facet);
                    (parts.len() >= depth).then(|| format!("/{}", parts[..depth].join("/")))
                })
                .collect(),
        }
    }

    /// The supply aggregate by brute force.
    pub fn supply(&self, request: &SupplyRequest) -> Vec<SupplyCell> {
        let claims = self.claims(&request.skills, &request.filter);
        let mut every: BTreeMap<(String, Option<String>), BTreeSet<String>> = BTreeMap::new();
        type Preference = (bool, bool, i64, Reverse<u64>);
        let mut home: BTreeMap<(String, String), (Preference, Option<String>)> = BTreeMap::new();
        for (claim, _) in &claims {
            let record = claim.record;
            let region = region_code(record.region.as_ref(), request.level);
            for row in Self::row_keys(&claim.skill, request.grouping, &request.skills) {
                match request.attribution {
                    RegionAttribution::EveryRegion => {
                        every
                            .entry((row, region.clone()))
                            .or_default()
                            .insert(record.earner.key.clone());
                    }
                    RegionAttribution::HomeRegion => {
                        let preference = (
                            located(record.region.as_ref()),
                            record
                                .region
                                .as_ref()
                                .is_some_and(|region| region.source == RegionSource::Earner),
                            record.issued_at.unwrap_or(i64::MIN),
                            Reverse(key_hash(&record.credential_id)),
                        );
                        let candidate = (preference, region.clone());
                        let entry = home
                            .entry((row, record.earner.key.clone()))
                            .or_insert(candidate.clone());
                        if candidate.0 > entry.0 {
                            *entry = candidate;
                        }
                    }
                }
            }
        }
        let mut counts: BTreeMap<(String, Option<String>), u64> = BTreeMap::new();
        for (cell, earners) in every {
            counts.insert(cell, earners.len() as u64);
        }
        for ((row, _), (_, region)) in home {
            *counts.entry((row, region)).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|((skill, region), earners)| SupplyCell {
                skill,
                region,
                earners,
            })
            .collect()
    }

    /// The demand aggregate by brute force.
    pub fn demand_totals(&self, request: &DemandRequest) -> Vec<DemandCell> {
        let grouping = request.grouping.unwrap_or(SkillGrouping::Skill);
        let level = request.level.unwrap_or(RegionLevel::Province);
        let mut cells: BTreeMap<(String, Option<String>, String), BTreeMap<String, u64>> =
            BTreeMap::new();
        for demand in self.demands.values() {
            if !request.kinds.is_empty() && !request.kinds.contains(&demand.kind) {
                continue;
            }
            if !request.regions.is_empty()
                && !request.regions.iter().any(|code| {
                    region_code(demand.region.as_ref(), code.level).as_deref()
                        == Some(code.code.as_str())
                })
            {
                continue;
            }
            if let Some((first, last)) = &request.months
                && !(first.as_str() <= demand.month.as_str()
                    && demand.month.as_str() <= last.as_str())
            {
                continue;
            }
            let region = region_code(demand.region.as_ref(), level);
            for skill in distinct_skills(&demand.skills) {
                if !request.skills.is_empty() && requirement_mask(&skill, &request.skills) == 0 {
                    continue;
                }
                for row in Self::row_keys(&skill, grouping, &request.skills) {
                    cells
                        .entry((row, region.clone(), demand.month.clone()))
                        .or_default()
                        .insert(demand.demand_id.clone(), u64::from(demand.vacancies));
                }
            }
        }
        cells
            .into_iter()
            .map(|((skill, region, month), demands)| DemandCell {
                skill,
                region,
                month,
                postings: demands.len() as u64,
                vacancies: demands.values().sum(),
            })
            .collect()
    }

    /// Facet counts by brute force: distinct earners per value, most first, then by value.
    pub fn facet_counts(
        &self,
        requirements: &[SkillRequirement],
        filter: &ClaimFilter,
        level: RegionLevel,
    ) -> [Vec<(String, u64)>; 4] {
        let mut maps: [HashMap<String, BTreeSet<&str>>; 4] = Default::default();
        for (claim, _) in self.claims(requirements, filter) {
            let earner = claim.record.earner.key.as_str();
            maps[0]
                .entry(claim.skill.id.clone())
                .or_default()
                .insert(earner);
            if let Some(region) = region_code(claim.record.region.as_ref(), level) {
                maps[1].entry(region).or_default().insert(earner);
            }
            maps[2]
                .entry(claim.record.issuer.id.clone())
                .or_default()
                .insert(earner);
            maps[3]
                .entry(claim.record.achievement.kind.code().to_owned())
                .or_default()
                .insert(earner);
        }
        maps.map(|map| {
            let mut counts: Vec<(String, u64)> = map
                .into_iter()
                .map(|(value, earners)| (value, earners.len() as u64))
                .collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            counts
        })
    }
}

/// A fresh directory under the system temp dir, removed on drop.
#[derive(Debug)]
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    /// A new empty directory whose name starts with `skillproof-index-<label>`.
    pub fn new(label: &str) -> TempDir {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.subsec_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!(
            "skillproof-index-{label}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("creating a temp dir");
        TempDir(path)
    }

    /// Its path.
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The credential ids the crash writer's index holds after batch `batch` of `size`: every
/// `crash-b-i` of batches `1..=batch`, less `crash-b-0` of every batch but the last.
pub fn crash_writer_ids(batch: u64, size: u64) -> Vec<String> {
    let mut ids: Vec<String> = (1..=batch)
        .flat_map(|b| {
            (0..size)
                .filter(move |item| b == batch || *item != 0)
                .map(move |item| format!("crash-{b}-{item}"))
        })
        .collect();
    ids.sort();
    ids
}
