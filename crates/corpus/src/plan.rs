//! The plan: every fact of the ecosystem decided before anything is signed. Issuers and
//! their programs come from the catalogue; earners are placed by population and choose
//! mostly nearby issuers; each credential gets a format, dates, a subject, a status entry
//! and possibly a defect; and from the defects follow the expected outcomes and the skills
//! each earner verifiably holds.

use std::collections::{BTreeMap, BTreeSet};

use model::{CredentialKind, Outcome};
use taxonomy::Taxonomy;
use time::{Duration, OffsetDateTime};

use crate::catalogue::{self, IssuerEntry};
use crate::config::CorpusConfig;
use crate::population::{FsaPopulation, distance_km, fsa_populations};
use crate::rng::{Rng, Table, hex, uuid};
use crate::types::*;
use crate::{Error, demand, requirements};

/// Bits per Bitstring Status List (the spec's herd-privacy minimum).
pub(crate) const STATUS_LIST_BITS: u32 = 131_072;

/// Everything decided about the ecosystem: the ground truth, without signatures.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The configuration it was made from.
    pub config: CorpusConfig,
    /// Demo issuers.
    pub issuers: Vec<Issuer>,
    /// Their achievements.
    pub achievements: Vec<Achievement>,
    /// Earners.
    pub earners: Vec<Earner>,
    /// Credentials, grouped by earner.
    pub credentials: Vec<CredentialPlan>,
    /// Opt-in presentations.
    pub presentations: Vec<PresentationPlan>,
    /// Demo employers.
    pub employers: Vec<Employer>,
    /// Job postings.
    pub postings: Vec<Posting>,
    /// Job requirements with graded relevance.
    pub requirements: Vec<Requirement>,
    /// The population model earners were drawn from.
    pub population: Vec<FsaPopulation>,
}

impl Plan {
    /// The FSA where a credential's supply counts: the earner's own (published in their
    /// presentation) when they are findable in `state`, else the issuer's campus.
    pub fn supply_fsa(&self, credential: usize, state: SiteState) -> Option<&str> {
        let credential = self.credentials.get(credential)?;
        let earner = self.earners.get(credential.earner)?;
        if earner.findable(state) {
            Some(&earner.fsa)
        } else {
            self.issuers
                .get(credential.issuer)
                .map(|issuer| issuer.fsa.as_str())
        }
    }

    /// The seed URLs a crawler starts from: every host's root page.
    pub fn seed_urls(&self) -> Vec<String> {
        let mut hosts: BTreeSet<String> = self
            .issuers
            .iter()
            .map(|issuer| issuer.host.clone())
            .collect();
        hosts.insert(self.config.host("wallet"));
        hosts.insert(self.config.host("hub"));
        hosts.extend(self.employers.iter().map(|employer| employer.host.clone()));
        hosts
            .into_iter()
            .map(|host| format!("{}/", self.config.origin(&host)))
            .collect()
    }
}

/// Formats in the order of the platform weight tables.
const DI_FORMATS: [CredentialFormat; 6] = [
    CredentialFormat::Ob3Rdfc,
    CredentialFormat::Ob3Jcs,
    CredentialFormat::Ob3Ed25519Signature2020,
    CredentialFormat::VcJwt,
    CredentialFormat::BakedPng,
    CredentialFormat::BakedSvg,
];

fn platform_weights(platform: Platform) -> [f64; 6] {
    match platform {
        Platform::Rdfc => [62.0, 10.0, 6.0, 8.0, 8.0, 6.0],
        Platform::Jcs => [12.0, 60.0, 0.0, 12.0, 8.0, 8.0],
        Platform::Jwt => [18.0, 18.0, 0.0, 48.0, 8.0, 8.0],
        Platform::Legacy => [30.0, 6.0, 44.0, 6.0, 8.0, 6.0],
    }
}

/// Credentials per earner, 1 to 10 (mean 4.1).
const CREDENTIAL_COUNT_WEIGHTS: [f64; 10] =
    [12.0, 16.0, 17.0, 16.0, 13.0, 10.0, 7.0, 5.0, 3.0, 1.0];

/// Share of choices made without regard to distance (online programs).
const ONLINE_SHARE: f64 = 0.1;
/// Distance (km) at which an issuer's pull halves.
const PULL_KM: f64 = 60.0;
/// Share of an Open Badges 2.0 issuer's credentials that are OB 2.0, and of those, signed.
const OB2_SHARE: f64 = 0.25;
const OB2_SIGNED_SHARE: f64 = 0.4;
/// Chance that an earner with two or more programs from a CLR issuer gets one CLR for them.
const CLR_SHARE: f64 = 0.6;
/// Share of older credentials (issued over two years ago) without a status entry.
const NO_STATUS_SHARE: f64 = 0.3;
/// Most credentials one presentation carries.
const MAX_PRESENTED: usize = 6;

const DAY: i64 = 86_400;
const YEAR: i64 = 365 * DAY;

pub(crate) fn make(config: &CorpusConfig, taxonomy: &Taxonomy) -> Result<Plan, Error> {
    config.validate()?;
    let entries = catalogue::issuers()?;
    let (issuers, achievements) = issuers(config, taxonomy, &entries)?;
    let population = fsa_populations(taxonomy)?;
    let mut earners = earners(config, &population);
    let picks = picks(config, &issuers, &achievements, &earners, &population);
    let mut credentials = credentials(config, &issuers, &achievements, &earners, picks);
    assign_defects(config, &issuers, &mut credentials);
    for credential in &mut credentials {
        credential.outcome = Defect::outcome(credential.defect, SiteState::Current);
        credential.initial_outcome = Defect::outcome(credential.defect, SiteState::Initial);
    }
    for credential in &credentials {
        earners[credential.earner]
            .credentials
            .push(credential.index);
    }
    let presentations = presentations(config, &mut earners, &credentials);
    for earner in &mut earners {
        earner.skills = held_skills(earner, &credentials, SiteState::Current);
        earner.skills_initial = held_skills(earner, &credentials, SiteState::Initial);
    }
    let (employers, postings) = demand::postings(config, taxonomy, &population)?;
    let requirements = requirements::build(config, taxonomy, &achievements, &earners)?;
    Ok(Plan {
        config: config.clone(),
        issuers,
        achievements,
        earners,
        credentials,
        presentations,
        employers,
        postings,
        requirements,
        population,
    })
}

fn issuers(
    config: &CorpusConfig,
    taxonomy: &Taxonomy,
    entries: &[IssuerEntry],
) -> Result<(Vec<Issuer>, Vec<Achievement>), Error> {
    let mut issuers = Vec::new();
    let mut achievements = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let fsa = taxonomy.regions().fsa(&entry.fsa).ok_or_else(|| {
            Error::Catalogue(format!(
                "{}: FSA {} is not an Ontario FSA",
                entry.slug, entry.fsa
            ))
        })?;
        let identity = match entry.identity.as_str() {
            "did:web" => IssuerIdentity::DidWeb,
            "https" => IssuerIdentity::HttpsProfile,
            other => {
                return Err(Error::Catalogue(format!(
                    "{}: identity {other:?} is neither did:web nor https",
                    entry.slug
                )));
            }
        };
        let platform = match entry.platform.as_str() {
            "rdfc" => Platform::Rdfc,
            "jcs" => Platform::Jcs,
            "jwt" => Platform::Jwt,
            "legacy" => Platform::Legacy,
            other => {
                return Err(Error::Catalogue(format!(
                    "{}: unknown platform {other:?}",
                    entry.slug
                )));
            }
        };
        let host = config.host(&entry.slug);
        let origin = config.origin(&host);
        let (id, controller_document_url) = match identity {
            IssuerIdentity::DidWeb => (
                config.did_web(&host),
                format!("{origin}/.well-known/did.json"),
            ),
            IssuerIdentity::HttpsProfile => {
                (format!("{origin}/issuer"), format!("{origin}/issuer"))
            }
        };
        let mut description = format!(
            "Demo issuer modelled on {}{}",
            entry.institution,
            entry
                .pilot
                .as_ref()
                .map(|pilot| format!(" and its {pilot}"))
                .unwrap_or_default()
        );
        if let Some(partner) = &entry.partner {
            description.push_str(&format!(" (with the {partner})"));
        }
        description.push_str(
            ". Synthetic keys, learners and credentials for the skillproof demo; not affiliated with or endorsed by the institution.",
        );
        let mut achievement_indexes = Vec::new();
        for item in &entry.achievements {
            let mut skills = Vec::new();
            for (ids, declared) in [
                (&item.aligned, Declaration::Alignment),
                (&item.text, Declaration::Text),
            ] {
                for id in ids {
                    let concept = taxonomy
                        .by_id(id)
                        .and_then(|concept| taxonomy.concept(concept))
                        .ok_or_else(|| Error::UnknownConcept {
                            id: id.clone(),
                            context: format!("{}/{}", entry.slug, item.key),
                        })?;
                    skills.push(IntendedSkill {
                        id: id.clone(),
                        label: concept.label.clone(),
                        declared,
                    });
                }
            }
            let kind = match item.achievement_type.as_str() {
                "MicroCredential" => CredentialKind::MicroCredential,
                "Badge" => CredentialKind::Badge,
                "Certificate" => CredentialKind::Certificate,
                "Course" => CredentialKind::Course,
                other => {
                    return Err(Error::Catalogue(format!(
                        "{}/{}: achievementType {other:?} is not one the corpus issues",
                        entry.slug, item.key
                    )));
                }
            };
            let text_labels: Vec<&str> = skills
                .iter()
                .filter(|skill| skill.declared == Declaration::Text)
                .map(|skill| skill.label.as_str())
                .collect();
            let criteria = if text_labels.is_empty() {
                item.criteria.clone()
            } else {
                format!(
                    "{} Assessed outcomes: {}.",
                    item.criteria,
                    text_labels.join("; ")
                )
            };
            achievement_indexes.push(achievements.len());
            achievements.push(Achievement {
                index: achievements.len(),
                issuer: index,
                key: item.key.clone(),
                id: format!("{origin}/achievements/{}", item.key),
                name: item.name.clone(),
                achievement_type: item.achievement_type.clone(),
                kind,
                credits: item.credits,
                hours: item.hours,
                description: item.description.clone(),
                criteria,
                skills,
            });
        }
        issuers.push(Issuer {
            index,
            slug: entry.slug.clone(),
            name: format!("{} (demo issuer)", entry.institution),
            institution: entry.institution.clone(),
            partner: entry.partner.clone(),
            pilot: entry.pilot.clone(),
            description,
            assertion_method: format!("{id}#key-1"),
            authentication_method: format!("{id}#key-2"),
            controller_document_url,
            host,
            origin,
            id,
            identity,
            platform,
            city: entry.city.clone(),
            fsa: fsa.code.clone(),
            cduid: fsa.cduid.clone(),
            eruid: fsa.eruid.clone(),
            wpb_id: fsa.wpb_id.clone(),
            capacity: entry.capacity,
            clr: entry.clr,
            ob2: entry.ob2,
            achievements: achievement_indexes,
        });
    }
    Ok((issuers, achievements))
}

fn earners(config: &CorpusConfig, population: &[FsaPopulation]) -> Vec<Earner> {
    let table = Table::new(&population.iter().map(|fsa| fsa.people).collect::<Vec<_>>());
    (0..config.earners)
        .map(|index| {
            let mut rng = Rng::keyed(config.seed, "earner", index as u64);
            let home = &population[table.draw(&mut rng)];
            let identity = if rng.chance(config.did_share) {
                let key = crate::keys::earner_key(config.seed, index);
                EarnerIdentity::Did(verify::did_key(&key).0)
            } else {
                EarnerIdentity::HashedEmail
            };
            Earner {
                index,
                handle: hex(&Rng::keyed(config.seed, "handle", index as u64).bytes32()[..6]),
                identity,
                fsa: home.fsa.clone(),
                cduid: home.cduid.clone(),
                eruid: home.eruid.clone(),
                wpb_id: home.wpb_id.clone(),
                credentials: Vec::new(),
                presentation: None,
                skills: Vec::new(),
                skills_initial: Vec::new(),
                withdrew: false,
            }
        })
        .collect()
}

/// Which achievements each earner earned, in order.
fn picks(
    config: &CorpusConfig,
    issuers: &[Issuer],
    achievements: &[Achievement],
    earners: &[Earner],
    population: &[FsaPopulation],
) -> Vec<Vec<usize>> {
    let point_of: BTreeMap<&str, taxonomy::Point> = population
        .iter()
        .map(|fsa| (fsa.fsa.as_str(), fsa.point))
        .collect();
    let online: Vec<f64> = issuers
        .iter()
        .map(|issuer| f64::from(issuer.capacity))
        .collect();
    earners
        .iter()
        .map(|earner| {
            let mut rng = Rng::keyed(config.seed, "picks", earner.index as u64);
            let home = point_of
                .get(earner.fsa.as_str())
                .copied()
                .unwrap_or(taxonomy::Point {
                    lat: 43.7,
                    lon: -79.4,
                });
            let nearby: Vec<f64> = issuers
                .iter()
                .map(|issuer| {
                    let campus = point_of.get(issuer.fsa.as_str()).copied().unwrap_or(home);
                    let ratio = distance_km(home, campus) / PULL_KM;
                    f64::from(issuer.capacity) / (1.0 + ratio * ratio)
                })
                .collect();
            let wanted = 1 + rng.weighted(&CREDENTIAL_COUNT_WEIGHTS);
            let mut chosen: Vec<usize> = Vec::new();
            let mut attempts = 0;
            while chosen.len() < wanted && attempts < 40 {
                attempts += 1;
                let weights = if rng.chance(ONLINE_SHARE) {
                    &online
                } else {
                    &nearby
                };
                let issuer = &issuers[rng.weighted(weights)];
                let open: Vec<usize> = issuer
                    .achievements
                    .iter()
                    .copied()
                    .filter(|achievement| !chosen.contains(achievement))
                    .collect();
                if !open.is_empty() {
                    chosen.push(open[rng.below(open.len())]);
                }
            }
            debug_assert!(chosen.iter().all(|&a| a < achievements.len()));
            chosen
        })
        .collect()
}

fn credentials(
    config: &CorpusConfig,
    issuers: &[Issuer],
    achievements: &[Achievement],
    earners: &[Earner],
    picks: Vec<Vec<usize>>,
) -> Vec<CredentialPlan> {
    let now = config.now;
    let mut status_counters = vec![0u32; issuers.len()];
    let mut out: Vec<CredentialPlan> = Vec::new();
    for (earner, chosen) in earners.iter().zip(picks) {
        let mut rng = Rng::keyed(config.seed, "credentials", earner.index as u64);
        // Group a CLR issuer's programs into one transcript, in place of the first of them.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut bundled: BTreeSet<usize> = BTreeSet::new();
        for &achievement in &chosen {
            if bundled.contains(&achievement) {
                continue;
            }
            let issuer = &issuers[achievements[achievement].issuer];
            let siblings: Vec<usize> = chosen
                .iter()
                .copied()
                .filter(|&other| achievements[other].issuer == issuer.index)
                .collect();
            if issuer.clr && siblings.len() >= 2 && rng.chance(CLR_SHARE) {
                bundled.extend(siblings.iter().copied());
                groups.push(siblings);
            } else {
                groups.push(vec![achievement]);
            }
        }
        for group in groups {
            let index = out.len();
            let first = &achievements[group[0]];
            let issuer = &issuers[first.issuer];
            let format = if group.len() > 1 {
                CredentialFormat::Clr
            } else if issuer.ob2 && rng.chance(OB2_SHARE) {
                if rng.chance(OB2_SIGNED_SHARE) {
                    CredentialFormat::Ob2Signed
                } else {
                    CredentialFormat::Ob2Hosted
                }
            } else {
                DI_FORMATS[rng.weighted(&platform_weights(issuer.platform))]
            };
            let age = rng.between(DAY, 3 * YEAR);
            let issued = truncate_to_minute(now - Duration::seconds(age));
            let lasts = match first.kind {
                CredentialKind::Badge if rng.chance(0.5) => Some(4 * YEAR),
                CredentialKind::MicroCredential if rng.chance(0.3) => Some(5 * YEAR),
                _ => None,
            };
            let valid_until = lasts.map(|seconds| issued + Duration::seconds(seconds));
            let is_ob2 = matches!(
                format,
                CredentialFormat::Ob2Hosted | CredentialFormat::Ob2Signed
            );
            let subject = match (&earner.identity, is_ob2) {
                (EarnerIdentity::Did(did), false) => Subject::Did(did.clone()),
                _ => hashed_subject(config, issuer, earner),
            };
            let old = age > 2 * YEAR;
            let status = if is_ob2 || (old && rng.chance(NO_STATUS_SHARE)) {
                None
            } else {
                let counter = status_counters[issuer.index];
                status_counters[issuer.index] += 1;
                let list = counter / STATUS_LIST_BITS + 1;
                // An odd multiplier permutes 0..2^17: entries are scattered, not sequential.
                let position = (counter % STATUS_LIST_BITS)
                    .wrapping_mul(40_503)
                    .wrapping_add(17)
                    % STATUS_LIST_BITS;
                Some((
                    format!("{}/status/revocation/{list}", issuer.origin),
                    position,
                ))
            };
            let uuid = uuid(config.seed, "credential", index as u64);
            let (id, url) = match format {
                CredentialFormat::Ob2Hosted => {
                    let url = format!("{}/ob2/assertions/{uuid}.json", issuer.origin);
                    (url.clone(), url)
                }
                CredentialFormat::Ob2Signed => (
                    format!("urn:uuid:{uuid}"),
                    format!("{}/ob2/signed/{uuid}.jwt", issuer.origin),
                ),
                CredentialFormat::Clr => (
                    format!("urn:uuid:{uuid}"),
                    format!("{}/clr/{uuid}.json", issuer.origin),
                ),
                other => (
                    format!("urn:uuid:{uuid}"),
                    format!("{}/credentials/{uuid}.{}", issuer.origin, other.extension()),
                ),
            };
            let nested_ids = if format == CredentialFormat::Clr {
                (0..group.len())
                    .map(|member| {
                        format!(
                            "urn:uuid:{}",
                            crate::rng::uuid(config.seed, "nested", (index * 16 + member) as u64)
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let issuer_id = if is_ob2 {
                format!("{}/ob2/issuer.json", issuer.origin)
            } else {
                issuer.id.clone()
            };
            let mut skills: Vec<IntendedSkill> = group
                .iter()
                .flat_map(|&a| achievements[a].skills.iter().cloned())
                .collect();
            skills.sort_by(|a, b| a.id.cmp(&b.id).then(a.declared.cmp(&b.declared)));
            skills.dedup_by(|a, b| a.id == b.id);
            out.push(CredentialPlan {
                index,
                id,
                issuer: issuer.index,
                issuer_id,
                earner: earner.index,
                achievements: group,
                nested_ids,
                format,
                media_type: format.media_type(),
                url,
                defect: None,
                outcome: Outcome::Verified,
                initial_outcome: Outcome::Verified,
                skills,
                issued,
                valid_until,
                subject,
                status,
            });
        }
    }
    out
}

fn truncate_to_minute(instant: OffsetDateTime) -> OffsetDateTime {
    let seconds = instant.unix_timestamp();
    OffsetDateTime::from_unix_timestamp(seconds - seconds.rem_euclid(60)).unwrap_or(instant)
}

/// A salted hash of the earner's e-mail address, salted differently at each issuer. The
/// address lives only inside this function.
fn hashed_subject(config: &CorpusConfig, issuer: &Issuer, earner: &Earner) -> Subject {
    let mut rng = Rng::keyed(
        config.seed,
        &format!("salt/{}", issuer.slug),
        earner.index as u64,
    );
    let salt = hex(&rng.bytes32()[..8]);
    let address = format!("learner{:07}@mail.{}", earner.index, config.domain_suffix);
    Subject::IdentityHash {
        identity_hash: verify::identity_hash(&address, &salt),
        salt,
    }
}

fn eligible(defect: Defect, credential: &CredentialPlan) -> bool {
    let hosted = credential.format == CredentialFormat::Ob2Hosted;
    let ob2 = hosted || credential.format == CredentialFormat::Ob2Signed;
    match defect {
        Defect::Revoked | Defect::RevokedLater => credential.status.is_some() || ob2,
        Defect::Expired => true,
        Defect::Tampered | Defect::Malformed => !hosted,
        Defect::UnpublishedKey | Defect::UnlistedKey => !ob2,
    }
}

fn assign_defects(config: &CorpusConfig, issuers: &[Issuer], credentials: &mut [CredentialPlan]) {
    let rates = config.negatives;
    let table = [
        (Defect::Revoked, rates.revoked),
        (Defect::RevokedLater, rates.revoked_later),
        (Defect::Expired, rates.expired),
        (Defect::Tampered, rates.tampered),
        (Defect::UnpublishedKey, rates.unpublished_key),
        (Defect::UnlistedKey, rates.unlisted_key),
        (Defect::Malformed, rates.malformed),
    ];
    for credential in credentials.iter_mut() {
        let mut rng = Rng::keyed(config.seed, "defect", credential.index as u64);
        let mut draw = rng.unit();
        for (defect, rate) in table {
            if draw < rate {
                if eligible(defect, credential) {
                    credential.defect = Some(defect);
                }
                break;
            }
            draw -= rate;
        }
    }
    // Every kind of negative at least once, so that small corpora still test them all.
    if credentials.len() >= 50 {
        for (position, (defect, rate)) in table.into_iter().enumerate() {
            if rate <= 0.0 || credentials.iter().any(|c| c.defect == Some(defect)) {
                continue;
            }
            let candidates: Vec<usize> = credentials
                .iter()
                .filter(|c| c.defect.is_none() && eligible(defect, c))
                .map(|c| c.index)
                .collect();
            if !candidates.is_empty() {
                let mut rng = Rng::keyed(config.seed, "forced-defect", position as u64);
                let chosen = candidates[rng.below(candidates.len())];
                credentials[chosen].defect = Some(defect);
            }
        }
    }
    // An expired credential must have ended before `now`, long enough ago to stay expired.
    let now = config.now;
    for credential in credentials.iter_mut() {
        if credential.defect == Some(Defect::Expired) {
            let mut rng = Rng::keyed(config.seed, "expired", credential.index as u64);
            let issued =
                truncate_to_minute(now - Duration::seconds(rng.between(400 * DAY, 3 * YEAR)));
            credential.issued = issued;
            credential.valid_until = Some(issued + Duration::seconds(YEAR));
        }
    }
    let _ = issuers;
}

fn presentations(
    config: &CorpusConfig,
    earners: &mut [Earner],
    credentials: &[CredentialPlan],
) -> Vec<PresentationPlan> {
    let wallet = config.host("wallet");
    let origin = config.origin(&wallet);
    let mut out: Vec<PresentationPlan> = Vec::new();
    for earner in earners.iter_mut() {
        if !matches!(earner.identity, EarnerIdentity::Did(_)) {
            continue;
        }
        let mut rng = Rng::keyed(config.seed, "presentation", earner.index as u64);
        if !rng.chance(config.presentation_share) {
            continue;
        }
        let members: Vec<usize> = earner
            .credentials
            .iter()
            .copied()
            .filter(|&c| {
                credentials[c].defect.is_none() && credentials[c].format.is_json_data_integrity()
            })
            .take(MAX_PRESENTED)
            .collect();
        if members.is_empty() {
            continue;
        }
        let page_url = format!("{origin}/earners/{}/", earner.handle);
        let index = out.len();
        earner.presentation = Some(index);
        earner.withdrew = rng.chance(config.withdraw_share);
        out.push(PresentationPlan {
            index,
            earner: earner.index,
            id: format!(
                "urn:uuid:{}",
                uuid(config.seed, "presentation", earner.index as u64)
            ),
            url: format!("{page_url}presentation.json"),
            domain: page_url.clone(),
            page_url,
            fsa: earner.fsa.clone(),
            credentials: members,
            withdrawn: earner.withdrew,
            outcome: Outcome::Verified,
        });
    }
    if out.len() >= 10 && !out.iter().any(|p| p.withdrawn) && config.withdraw_share > 0.0 {
        let mut rng = Rng::keyed(config.seed, "forced-withdrawal", 0);
        let chosen = rng.below(out.len());
        out[chosen].withdrawn = true;
        earners[out[chosen].earner].withdrew = true;
    }
    out
}

fn held_skills(earner: &Earner, credentials: &[CredentialPlan], state: SiteState) -> Vec<String> {
    let held: BTreeSet<String> = earner
        .credentials
        .iter()
        .map(|&c| &credentials[c])
        .filter(|credential| credential.outcome_in(state) == Outcome::Verified)
        .flat_map(|credential| credential.skills.iter().map(|skill| skill.id.clone()))
        .collect();
    held.into_iter().collect()
}
