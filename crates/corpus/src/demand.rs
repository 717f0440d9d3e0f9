//! Demand: schema.org `JobPosting` pages from demo employers. The occupation mix follows the
//! COPS 2024–2033 projected openings (national, by NOC unit group); the regional mix follows
//! population (jobs where people are, for lack of regional openings); each posting names,
//! under their preferred labels, skills the taxonomy derives for its NOC (NOC → O*NET → ESCO
//! occupations → essential skills); dates spread over the last 12 months.

use std::collections::BTreeMap;

use taxonomy::{ConceptKind, Taxonomy};
use time::{Duration, OffsetDateTime};

use crate::Error;
use crate::catalogue::cops;
use crate::config::CorpusConfig;
use crate::population::FsaPopulation;
use crate::rng::{Rng, Table};
use crate::types::{Employer, Posting, SkillRef};

/// A NOC the generator can write postings for.
struct Occupation {
    noc: String,
    title: String,
    openings: f64,
    skills: Vec<SkillRef>,
}

/// Least share of the reached ESCO occupations that must list a skill as essential.
const MIN_SKILL_SHARE: f32 = 0.5;
/// Skills drawn from the top of the NOC's list.
const SKILL_POOL: usize = 12;

const SECTORS: [(char, &str, &str); 10] = [
    ('0', "Leadership Group", "leadership"),
    ('1', "Business Services", "business"),
    ('2', "Technical Solutions", "tech"),
    ('3', "Health Network", "health"),
    ('4', "Community Services", "community"),
    ('5', "Arts and Recreation", "arts"),
    ('6', "Retail and Hospitality", "retail"),
    ('7', "Trades and Transport", "trades"),
    ('8', "Natural Resources", "resources"),
    ('9', "Manufacturing", "manufacturing"),
];

fn occupations(taxonomy: &Taxonomy) -> Result<Vec<Occupation>, Error> {
    let mut out = Vec::new();
    for row in cops()? {
        if row.openings <= 0.0 {
            continue;
        }
        let Some(concept) = taxonomy.by_id(&format!("noc:{}", row.noc)) else {
            continue;
        };
        let Some(expansion) = taxonomy.expand_occupation(concept, MIN_SKILL_SHARE) else {
            continue;
        };
        let skills: Vec<SkillRef> = expansion
            .skills
            .iter()
            .filter(|skill| {
                taxonomy
                    .concept(skill.concept)
                    .is_some_and(|c| matches!(c.kind, ConceptKind::Skill | ConceptKind::Knowledge))
            })
            .take(SKILL_POOL)
            .map(|skill| SkillRef {
                id: skill.id.clone(),
                label: skill.label.clone(),
            })
            .collect();
        if skills.len() < 3 {
            continue;
        }
        // A job title people write: the closest ESCO occupation's label, else the NOC's.
        let title = expansion
            .reached
            .iter()
            .find(|(id, _)| id.starts_with("esco:occupation/"))
            .and_then(|(id, _)| taxonomy.by_id(id))
            .and_then(|index| taxonomy.concept(index))
            .map(|concept| concept.label.clone())
            .unwrap_or_else(|| row.title.clone());
        let _ = &row.future_conditions;
        out.push(Occupation {
            noc: row.noc,
            title: capitalise(&title),
            openings: row.openings,
            skills,
        });
    }
    if out.is_empty() {
        return Err(Error::Data(
            "no NOC unit group reaches ESCO skills through the crosswalks".to_owned(),
        ));
    }
    Ok(out)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(crate) fn postings(
    config: &CorpusConfig,
    taxonomy: &Taxonomy,
    population: &[FsaPopulation],
) -> Result<(Vec<Employer>, Vec<Posting>), Error> {
    if config.postings == 0 {
        return Ok((Vec::new(), Vec::new()));
    }
    let occupations = occupations(taxonomy)?;
    let by_openings = Table::new(&occupations.iter().map(|o| o.openings).collect::<Vec<_>>());
    let by_people = Table::new(&population.iter().map(|fsa| fsa.people).collect::<Vec<_>>());
    let mut employers: Vec<Employer> = Vec::new();
    let mut employer_of: BTreeMap<(String, char), usize> = BTreeMap::new();
    let mut postings = Vec::with_capacity(config.postings);
    for index in 0..config.postings {
        let mut rng = Rng::keyed(config.seed, "posting", index as u64);
        let occupation = &occupations[by_openings.draw(&mut rng)];
        let place = &population[by_people.draw(&mut rng)];
        let category = occupation.noc.chars().next().unwrap_or('0');
        let employer = *employer_of
            .entry((place.eruid.clone(), category))
            .or_insert_with(|| {
                let region = taxonomy
                    .regions()
                    .economic_region(&place.eruid)
                    .map(|er| {
                        er.name
                            .split("--")
                            .next()
                            .unwrap_or(&er.name)
                            .trim()
                            .to_owned()
                    })
                    .unwrap_or_else(|| place.eruid.clone());
                let (_, sector, sector_slug) = SECTORS
                    .iter()
                    .find(|(digit, _, _)| *digit == category)
                    .copied()
                    .unwrap_or(SECTORS[0]);
                let region_slug: String = region
                    .to_ascii_lowercase()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect::<String>()
                    .split('-')
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join("-");
                employers.push(Employer {
                    index: employers.len(),
                    name: format!("{region} {sector} (demo employer)"),
                    host: config.host(&format!("jobs-{region_slug}-{sector_slug}")),
                    eruid: place.eruid.clone(),
                    noc_category: category,
                });
                employers.len() - 1
            });
        let wanted = 4 + rng.below(5).min(occupation.skills.len().saturating_sub(4));
        let mut pool: Vec<&SkillRef> = occupation.skills.iter().collect();
        let mut skills = Vec::new();
        while skills.len() < wanted && !pool.is_empty() {
            let skill = pool.remove(rng.below(pool.len()));
            skills.push(skill.clone());
        }
        let days = rng.between(1, 365);
        let date_posted = day(config.now - Duration::days(days));
        let vacancies = if rng.chance(0.8) {
            1
        } else {
            2 + rng.below(4) as u32
        };
        let host = &employers[employer].host;
        let url = format!("{}/jobs/{:06}.html", config.origin(host), index + 1);
        let place_name = taxonomy
            .regions()
            .fsa(&place.fsa)
            .map(|fsa| {
                fsa.place
                    .split(" (")
                    .next()
                    .unwrap_or(&fsa.place)
                    .trim()
                    .to_owned()
            })
            .unwrap_or_else(|| place.fsa.clone());
        postings.push(Posting {
            index,
            place: place_name,
            url,
            employer,
            title: occupation.title.clone(),
            noc: occupation.noc.clone(),
            skills,
            fsa: place.fsa.clone(),
            cduid: place.cduid.clone(),
            eruid: place.eruid.clone(),
            wpb_id: place.wpb_id.clone(),
            month: format!(
                "{:04}-{:02}",
                date_posted.year(),
                u8::from(date_posted.month())
            ),
            date_posted,
            vacancies,
        });
    }
    Ok((employers, postings))
}

fn day(instant: OffsetDateTime) -> OffsetDateTime {
    let seconds = instant.unix_timestamp();
    OffsetDateTime::from_unix_timestamp(seconds - seconds.rem_euclid(86_400)).unwrap_or(instant)
}
