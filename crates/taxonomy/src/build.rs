//! Builds the in-memory taxonomy from the checked-in CSV/TSV files of `index-data/`, after
//! checking each file against `MANIFEST.tsv`. Run once; the result is cached in compact form
//! (see `cache.rs`).

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use flate2::read::GzDecoder;
use sha2::{Digest, Sha256};

use crate::concept::{
    Collection, Concept, ConceptIndex, ConceptKind, Edge, EdgeSource, Need, Relation, ReuseLevel,
};
use crate::lexical::{LabelIndex, LabelKind};
use crate::regions::{CensusDivision, EconomicRegion, Fsa, Place, PlanningArea, Point, Regions};
use crate::{Error, FORMAT_VERSION, TaxonomyData};

/// Reads MANIFEST.tsv into path -> sha256.
pub(crate) fn read_manifest(index_data: &Path) -> Result<(String, HashMap<String, String>), Error> {
    let path = index_data.join("MANIFEST.tsv");
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    let mut entries = HashMap::new();
    for line in text.lines().skip(1) {
        let mut fields = line.split('\t');
        if let (Some(file), Some(sha)) = (fields.next(), fields.next()) {
            entries.insert(file.to_owned(), sha.to_owned());
        }
    }
    Ok((text, entries))
}

struct Inputs<'a> {
    root: &'a Path,
    manifest: HashMap<String, String>,
}

impl Inputs<'_> {
    /// The bytes of a listed file, decompressed, after checking its sha256.
    fn read(&self, relative: &str) -> Result<Vec<u8>, Error> {
        let path = self.root.join(relative);
        let bytes = std::fs::read(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let expected = self
            .manifest
            .get(relative)
            .ok_or_else(|| Error::NotInManifest {
                file: relative.to_owned(),
            })?;
        let actual = hex::encode(Sha256::digest(&bytes));
        if &actual != expected {
            return Err(Error::ManifestMismatch {
                file: relative.to_owned(),
                expected: expected.clone(),
                actual,
            });
        }
        if relative.ends_with(".gz") {
            let mut out = Vec::new();
            GzDecoder::new(bytes.as_slice())
                .read_to_end(&mut out)
                .map_err(|source| Error::Io { path, source })?;
            Ok(out)
        } else {
            Ok(bytes)
        }
    }

    /// Rows of a CSV (or TSV) file as maps from trimmed header to value.
    fn rows(&self, relative: &str) -> Result<Vec<HashMap<String, String>>, Error> {
        let bytes = self.read(relative)?;
        let tsv = relative.contains(".tsv");
        let mut builder = csv::ReaderBuilder::new();
        builder.flexible(true);
        if tsv {
            builder.delimiter(b'\t').quoting(false);
        }
        let body = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
        let mut reader = builder.from_reader(body);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| Error::Data {
                file: relative.to_owned(),
                message: e.to_string(),
            })?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| Error::Data {
                file: relative.to_owned(),
                message: e.to_string(),
            })?;
            let row = headers
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect();
            rows.push(row);
        }
        Ok(rows)
    }
}

fn field<'a>(row: &'a HashMap<String, String>, name: &str) -> &'a str {
    row.get(name).map_or("", |v| v.trim())
}

fn split_lines(value: &str) -> Vec<String> {
    value
        .split(['\n', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// ESCO URI -> prefixed id (`http://data.europa.eu/esco/skill/x` -> `esco:skill/x`;
/// `…/isco/C2654` -> `isco:2654`).
pub fn esco_uri_to_id(uri: &str) -> Option<String> {
    let rest = uri
        .trim()
        .trim_end_matches('/')
        .strip_prefix("http://data.europa.eu/esco/")
        .or_else(|| {
            uri.trim()
                .trim_end_matches('/')
                .strip_prefix("https://data.europa.eu/esco/")
        })?;
    if let Some(code) = rest.strip_prefix("isco/C") {
        return Some(format!("isco:{code}"));
    }
    Some(format!("esco:{rest}"))
}

/// Slug for ids built from names (`Microsoft Excel` -> `microsoft-excel`).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '+' {
            out.push_str("plus");
        } else if c == '#' {
            out.push_str("sharp");
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Left-pads NOC codes that lost their leading zeros.
pub fn pad_noc(code: &str) -> String {
    let digits = code.trim().split('.').next().unwrap_or("");
    format!("{digits:0>5}")
}

#[derive(Default)]
struct Builder {
    concepts: Vec<Concept>,
    by_id: HashMap<String, ConceptIndex>,
    edges: Vec<Edge>,
    occupation_skills: HashMap<ConceptIndex, Vec<(ConceptIndex, Need)>>,
    warnings: Vec<String>,
}

impl Builder {
    fn add(&mut self, id: String, kind: ConceptKind, label: &str) -> ConceptIndex {
        if let Some(&existing) = self.by_id.get(&id) {
            return existing;
        }
        let index = ConceptIndex::try_from(self.concepts.len()).unwrap_or(ConceptIndex::MAX);
        self.by_id.insert(id.clone(), index);
        self.concepts.push(Concept {
            id,
            kind,
            label: label.trim().to_owned(),
            alt_labels: Vec::new(),
            hidden_labels: Vec::new(),
            description: String::new(),
            code: None,
            parents: Vec::new(),
            reuse_level: None,
            collections: Vec::new(),
        });
        index
    }

    fn get(&self, id: &str) -> Option<ConceptIndex> {
        self.by_id.get(id).copied()
    }

    fn concept(&mut self, index: ConceptIndex) -> &mut Concept {
        &mut self.concepts[index as usize]
    }

    fn add_parent(&mut self, child: ConceptIndex, parent: ConceptIndex) {
        if child != parent && !self.concepts[child as usize].parents.contains(&parent) {
            self.concepts[child as usize].parents.push(parent);
        }
    }

    fn edge(
        &mut self,
        from: ConceptIndex,
        to: ConceptIndex,
        relation: Relation,
        source: EdgeSource,
        confidence: f32,
    ) {
        if from != to {
            self.edges.push(Edge {
                from,
                to,
                relation,
                source,
                confidence,
            });
        }
    }

    fn need(&mut self, occupation: ConceptIndex, skill: ConceptIndex, need: Need) {
        let list = self.occupation_skills.entry(occupation).or_default();
        match list.iter_mut().find(|(s, _)| *s == skill) {
            Some(entry) if need == Need::Essential => entry.1 = Need::Essential,
            Some(_) => {}
            None => list.push((skill, need)),
        }
    }
}

/// Builds everything from `index-data/`.
pub(crate) fn build(index_data: &Path) -> Result<TaxonomyData, Error> {
    let (manifest_text, manifest) = read_manifest(index_data)?;
    let inputs = Inputs {
        root: index_data,
        manifest,
    };
    let mut b = Builder::default();
    esco(&inputs, &mut b)?;
    onet(&inputs, &mut b)?;
    noc(&inputs, &mut b)?;
    oasis(&inputs, &mut b)?;
    local(&inputs, &mut b)?;
    name_links(&mut b);
    let regions = regions(&inputs)?;

    let mut edges_by_concept = vec![Vec::new(); b.concepts.len()];
    for (i, edge) in b.edges.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        edges_by_concept[edge.from as usize].push(i);
        edges_by_concept[edge.to as usize].push(i);
    }
    let mut essential_count: HashMap<ConceptIndex, u32> = HashMap::new();
    for (occupation, skills) in &b.occupation_skills {
        if b.concepts[*occupation as usize].id.starts_with("esco:") {
            for (skill, need) in skills {
                if *need == Need::Essential {
                    *essential_count.entry(*skill).or_default() += 1;
                }
            }
        }
    }
    let skill_index = label_index(&b.concepts, |c| {
        matches!(c.kind, ConceptKind::Skill | ConceptKind::Knowledge)
            && (c.id.starts_with("esco:") || c.id.starts_with("local:"))
    });
    let occupation_index = label_index(&b.concepts, |c| c.kind == ConceptKind::Occupation);
    let other_index = label_index(&b.concepts, |c| {
        matches!(
            c.kind,
            ConceptKind::Descriptor
                | ConceptKind::Technology
                | ConceptKind::SkillGroup
                | ConceptKind::OccupationGroup
        )
    });
    let mut label_exact: HashMap<String, Vec<ConceptIndex>> = HashMap::new();
    for (i, concept) in b.concepts.iter().enumerate() {
        for label in concept.labels() {
            let key = crate::text::normalise_label(label);
            if key.is_empty() {
                continue;
            }
            let list = label_exact.entry(key).or_default();
            let i = ConceptIndex::try_from(i).unwrap_or(ConceptIndex::MAX);
            if !list.contains(&i) {
                list.push(i);
            }
        }
    }
    let mut code_index: HashMap<String, ConceptIndex> = HashMap::new();
    for (i, concept) in b.concepts.iter().enumerate() {
        if concept.id.starts_with("esco:occupation/")
            && let Some(code) = &concept.code
        {
            code_index.insert(
                code.clone(),
                ConceptIndex::try_from(i).unwrap_or(ConceptIndex::MAX),
            );
        }
    }
    Ok(TaxonomyData {
        format: FORMAT_VERSION,
        manifest_sha256: hex::encode(Sha256::digest(manifest_text.as_bytes())),
        concepts: b.concepts,
        by_id: b.by_id,
        edges: b.edges,
        edges_by_concept,
        occupation_skills: b.occupation_skills,
        essential_count,
        skill_index,
        occupation_index,
        other_index,
        label_exact,
        code_index,
        regions,
        warnings: b.warnings,
    })
}

fn label_index(concepts: &[Concept], keep: impl Fn(&Concept) -> bool) -> LabelIndex {
    let rows = concepts
        .iter()
        .enumerate()
        .filter(|(_, c)| keep(c))
        .flat_map(|(i, c)| {
            let i = ConceptIndex::try_from(i).unwrap_or(ConceptIndex::MAX);
            std::iter::once((i, LabelKind::Preferred, 0u32, c.label.as_str()))
                .chain(c.alt_labels.iter().enumerate().map(move |(n, l)| {
                    (
                        i,
                        LabelKind::Alternative,
                        u32::try_from(n + 1).unwrap_or(u32::MAX),
                        l.as_str(),
                    )
                }))
                .chain(
                    c.hidden_labels
                        .iter()
                        .map(move |l| (i, LabelKind::Hidden, 0, l.as_str())),
                )
        });
    LabelIndex::build(rows)
}

fn reuse_level(value: &str) -> Option<ReuseLevel> {
    match value {
        "transversal" => Some(ReuseLevel::Transversal),
        "cross-sector" => Some(ReuseLevel::CrossSector),
        "sector-specific" => Some(ReuseLevel::SectorSpecific),
        "occupation-specific" => Some(ReuseLevel::OccupationSpecific),
        _ => None,
    }
}

fn esco(inputs: &Inputs<'_>, b: &mut Builder) -> Result<(), Error> {
    for row in inputs.rows("esco/skillGroups_en.csv.gz")? {
        let Some(id) = esco_uri_to_id(field(&row, "conceptUri")) else {
            continue;
        };
        let i = b.add(id, ConceptKind::SkillGroup, field(&row, "preferredLabel"));
        let c = b.concept(i);
        c.alt_labels = split_lines(field(&row, "altLabels"));
        c.description = field(&row, "description").to_owned();
        let code = field(&row, "code");
        if !code.is_empty() {
            c.code = Some(code.to_owned());
        }
    }
    for row in inputs.rows("esco/skills_en.csv.gz")? {
        let Some(id) = esco_uri_to_id(field(&row, "conceptUri")) else {
            continue;
        };
        let kind = if field(&row, "skillType") == "knowledge" {
            ConceptKind::Knowledge
        } else {
            ConceptKind::Skill
        };
        let i = b.add(id, kind, field(&row, "preferredLabel"));
        let c = b.concept(i);
        let pref_key = c.label.to_lowercase();
        c.alt_labels = split_lines(field(&row, "altLabels"))
            .into_iter()
            .filter(|alt| alt.to_lowercase() != pref_key)
            .collect();
        c.hidden_labels = split_lines(field(&row, "hiddenLabels"));
        c.description = field(&row, "description").to_owned();
        c.reuse_level = reuse_level(field(&row, "reuseLevel"));
    }
    for row in inputs.rows("esco/ISCOGroups_en.csv.gz")? {
        let code = field(&row, "code");
        let i = b.add(
            format!("isco:{code}"),
            ConceptKind::OccupationGroup,
            field(&row, "preferredLabel"),
        );
        let c = b.concept(i);
        c.code = Some(code.to_owned());
        c.description = field(&row, "description").to_owned();
    }
    for row in inputs.rows("esco/occupations_en.csv.gz")? {
        let Some(id) = esco_uri_to_id(field(&row, "conceptUri")) else {
            continue;
        };
        let i = b.add(id, ConceptKind::Occupation, field(&row, "preferredLabel"));
        let pref_key = b.concepts[i as usize].label.to_lowercase();
        let c = b.concept(i);
        c.alt_labels = split_lines(field(&row, "altLabels"))
            .into_iter()
            .filter(|alt| alt.to_lowercase() != pref_key)
            .collect();
        c.hidden_labels = split_lines(field(&row, "hiddenLabels"));
        c.description = field(&row, "description").to_owned();
        c.code = Some(field(&row, "code").to_owned());
        if let Some(parent) = b.get(&format!("isco:{}", field(&row, "iscoGroup"))) {
            b.add_parent(i, parent);
        }
    }
    for file in [
        "esco/broaderRelationsSkillPillar.csv.gz",
        "esco/broaderRelationsOccPillar.csv.gz",
    ] {
        for row in inputs.rows(file)? {
            let child = esco_uri_to_id(field(&row, "conceptUri")).and_then(|id| b.get(&id));
            let parent = esco_uri_to_id(field(&row, "broaderUri")).and_then(|id| b.get(&id));
            match (child, parent) {
                (Some(child), Some(parent)) => b.add_parent(child, parent),
                _ => b.warnings.push(format!(
                    "{file}: unknown concept in {:?}",
                    field(&row, "conceptUri")
                )),
            }
        }
    }
    for row in inputs.rows("esco/occupationSkillRelations.csv.gz")? {
        let occupation = esco_uri_to_id(field(&row, "occupationUri")).and_then(|id| b.get(&id));
        let skill = esco_uri_to_id(field(&row, "skillUri")).and_then(|id| b.get(&id));
        if let (Some(occupation), Some(skill)) = (occupation, skill) {
            let need = if field(&row, "relationType") == "essential" {
                Need::Essential
            } else {
                Need::Optional
            };
            b.need(occupation, skill, need);
        }
    }
    for row in inputs.rows("esco/skillSkillRelations.csv.gz")? {
        let from = esco_uri_to_id(field(&row, "originalSkillUri")).and_then(|id| b.get(&id));
        let to = esco_uri_to_id(field(&row, "relatedSkillUri")).and_then(|id| b.get(&id));
        if let (Some(from), Some(to)) = (from, to) {
            let confidence = if field(&row, "relationType") == "essential" {
                0.5
            } else {
                0.3
            };
            b.edge(
                from,
                to,
                Relation::RelatedMatch,
                EdgeSource::EscoSkillRelations,
                confidence,
            );
        }
    }
    for (file, collection) in [
        (
            "esco/digitalSkillsCollection_en.csv.gz",
            Collection::Digital,
        ),
        ("esco/greenSkillsCollection_en.csv.gz", Collection::Green),
        (
            "esco/transversalSkillsCollection_en.csv.gz",
            Collection::Transversal,
        ),
        (
            "esco/languageSkillsCollection_en.csv.gz",
            Collection::Language,
        ),
        (
            "esco/digCompSkillsCollection_en.csv.gz",
            Collection::DigComp,
        ),
        (
            "esco/researchSkillsCollection_en.csv.gz",
            Collection::Research,
        ),
        (
            "esco/researchOccupationsCollection_en.csv.gz",
            Collection::Research,
        ),
    ] {
        for row in inputs.rows(file)? {
            if let Some(i) = esco_uri_to_id(field(&row, "conceptUri")).and_then(|id| b.get(&id)) {
                let c = b.concept(i);
                if !c.collections.contains(&collection) {
                    c.collections.push(collection);
                }
            }
        }
    }
    Ok(())
}

fn element_parent(id: &str) -> Option<&str> {
    id.rsplit_once('.').map(|(parent, _)| parent)
}

fn onet(inputs: &Inputs<'_>, b: &mut Builder) -> Result<(), Error> {
    for row in inputs.rows("onet/content_model_reference.tsv.gz")? {
        let element = field(&row, "Element ID");
        let i = b.add(
            format!("onet:el/{element}"),
            ConceptKind::Descriptor,
            field(&row, "Element Name"),
        );
        b.concept(i).description = field(&row, "Description").to_owned();
        b.concept(i).code = Some(element.to_owned());
    }
    let elements: Vec<(ConceptIndex, String)> = b
        .concepts
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            c.id.strip_prefix("onet:el/")
                .map(|e| (i as ConceptIndex, e.to_owned()))
        })
        .collect();
    for (i, element) in elements {
        if let Some(parent) = element_parent(&element).and_then(|p| b.get(&format!("onet:el/{p}")))
        {
            b.add_parent(i, parent);
        }
    }
    for row in inputs.rows("onet/occupation_data.tsv.gz")? {
        let code = field(&row, "O*NET-SOC Code");
        let i = b.add(
            format!("onet:occ/{code}"),
            ConceptKind::Occupation,
            field(&row, "Title"),
        );
        b.concept(i).description = field(&row, "Description").to_owned();
        b.concept(i).code = Some(code.to_owned());
    }
    for row in inputs.rows("onet/alternate_titles.tsv.gz")? {
        if let Some(i) = b.get(&format!("onet:occ/{}", field(&row, "O*NET-SOC Code"))) {
            let title = field(&row, "Alternate Title").to_owned();
            let c = b.concept(i);
            if !title.is_empty() && !c.alt_labels.contains(&title) && title != c.label {
                c.alt_labels.push(title);
            }
        }
    }
    for file in ["onet/skills.tsv.gz", "onet/knowledge.tsv.gz"] {
        for row in inputs.rows(file)? {
            if field(&row, "Scale ID") != "IM" || field(&row, "Recommend Suppress") == "Y" {
                continue;
            }
            let value: f32 = field(&row, "Data Value").parse().unwrap_or(0.0);
            let occupation = b.get(&format!("onet:occ/{}", field(&row, "O*NET-SOC Code")));
            let element = b.get(&format!("onet:el/{}", field(&row, "Element ID")));
            if let (Some(occupation), Some(element)) = (occupation, element) {
                // O*NET importance 1-5: >= 3.5 is "core" in O*NET's own summaries.
                if value >= 3.5 {
                    b.need(occupation, element, Need::Essential);
                } else if value >= 3.0 {
                    b.need(occupation, element, Need::Optional);
                }
            }
        }
    }
    let mut commodities: HashMap<String, String> = HashMap::new();
    for row in inputs.rows("onet/unspsc_reference.tsv.gz")? {
        commodities.insert(
            field(&row, "Commodity Code").to_owned(),
            field(&row, "Commodity Title").to_owned(),
        );
    }
    for row in inputs.rows("onet/technology_skills.tsv.gz")? {
        let name = field(&row, "Example");
        let commodity_code = field(&row, "Commodity Code");
        if name.is_empty() {
            continue;
        }
        let tech = b.add(
            format!("onet:tech/{}", slug(name)),
            ConceptKind::Technology,
            name,
        );
        let title = commodities
            .get(commodity_code)
            .cloned()
            .unwrap_or_else(|| field(&row, "Commodity Title").to_owned());
        let commodity = b.add(
            format!("unspsc:{commodity_code}"),
            ConceptKind::Commodity,
            &title,
        );
        b.concept(commodity).code = Some(commodity_code.to_owned());
        b.add_parent(tech, commodity);
        if let Some(occupation) = b.get(&format!("onet:occ/{}", field(&row, "O*NET-SOC Code"))) {
            let need = if field(&row, "In Demand") == "Y" {
                Need::Essential
            } else {
                Need::Optional
            };
            b.need(occupation, tech, need);
        }
    }
    // Nesta used O*NET-SOC 2010 codes; a quarter no longer exist in 29.2 (e.g. 15-1132.00
    // "software developers, applications"). Re-point those by the 2010 title (a 2019 title or
    // alternate title), else to the 2019 parent detailed code, each with lower confidence.
    let mut by_title: HashMap<String, Vec<ConceptIndex>> = HashMap::new();
    for (i, c) in b.concepts.iter().enumerate() {
        if c.id.starts_with("onet:occ/") {
            for label in c.labels() {
                let list = by_title
                    .entry(crate::text::normalise_label(label))
                    .or_default();
                if !list.contains(&(i as ConceptIndex)) {
                    list.push(i as ConceptIndex);
                }
            }
        }
    }
    let mut curated: HashMap<String, Vec<ConceptIndex>> = HashMap::new();
    for row in inputs.rows("local/onet_soc_2010_2019_updates.csv")? {
        if let Some(target) = b.get(&format!("onet:occ/{}", field(&row, "onet_2019"))) {
            curated
                .entry(field(&row, "onet_2010").to_owned())
                .or_default()
                .push(target);
        }
    }
    let (mut updated, mut dropped) = (0, 0);
    for row in inputs.rows("onet/crosswalk_esco_onet_nesta_nov2020.csv.gz")? {
        let Some(esco) = esco_uri_to_id(field(&row, "concept_uri")).and_then(|id| b.get(&id))
        else {
            dropped += 1;
            continue;
        };
        let confidence = match field(&row, "confidence") {
            "2.0" => 0.9,
            "1.0" => 0.7,
            _ => 0.4,
        };
        let code = field(&row, "onet_code");
        let targets: Vec<(ConceptIndex, f32)> =
            if let Some(onet) = b.get(&format!("onet:occ/{code}")) {
                vec![(onet, confidence)]
            } else {
                let by_table = curated.get(code).map(|list| {
                    list.iter()
                        .map(|&o| (o, confidence * 0.9))
                        .collect::<Vec<_>>()
                });
                let by_name = by_title
                    .get(&crate::text::normalise_label(field(
                        &row,
                        "onet_occupation",
                    )))
                    .filter(|list| list.len() <= 2)
                    .map(|list| {
                        list.iter()
                            .map(|&o| (o, confidence * 0.9))
                            .collect::<Vec<_>>()
                    });
                let parent = code
                    .get(..7)
                    .and_then(|p| b.get(&format!("onet:occ/{p}.00")))
                    .map(|o| vec![(o, confidence * 0.7)]);
                match by_table.or(by_name).or(parent) {
                    Some(found) => {
                        updated += 1;
                        found
                    }
                    None => {
                        dropped += 1;
                        Vec::new()
                    }
                }
            };
        for (onet, confidence) in targets {
            b.edge(
                esco,
                onet,
                Relation::CloseMatch,
                EdgeSource::EscoOnetNesta2020,
                confidence,
            );
        }
    }
    b.warnings.push(format!(
        "nesta crosswalk: {updated} rows re-pointed from retired O*NET-SOC 2010 codes, {dropped} rows dropped (no 2019 equivalent found)"
    ));
    Ok(())
}

fn noc(inputs: &Inputs<'_>, b: &mut Builder) -> Result<(), Error> {
    for row in inputs.rows("noc/noc2021_unit_groups.csv")? {
        let code = pad_noc(field(&row, "noc_code"));
        let broad = field(&row, "broad_category_code").to_owned();
        let major = field(&row, "major_group_code").to_owned();
        let sub_major = field(&row, "sub_major_group_code").to_owned();
        let minor = field(&row, "minor_group_code").to_owned();
        let chain = [
            (
                broad.clone(),
                field(&row, "broad_category_title").to_owned(),
            ),
            (major.clone(), field(&row, "major_group_title").to_owned()),
            (
                sub_major.clone(),
                format!("NOC sub-major group {sub_major}"),
            ),
            (minor.clone(), field(&row, "minor_group_title").to_owned()),
        ];
        let mut parent: Option<ConceptIndex> = None;
        for (group_code, title) in chain {
            if group_code.is_empty() {
                continue;
            }
            let group = b.add(
                format!("noc:{group_code}"),
                ConceptKind::OccupationGroup,
                &title,
            );
            b.concept(group).code = Some(group_code);
            if let Some(parent) = parent {
                b.add_parent(group, parent);
            }
            parent = Some(group);
        }
        let unit = b.add(
            format!("noc:{code}"),
            ConceptKind::Occupation,
            field(&row, "title"),
        );
        b.concept(unit).description = field(&row, "description").to_owned();
        b.concept(unit).code = Some(format!("TEER {}", field(&row, "teer")));
        if let Some(parent) = parent {
            b.add_parent(unit, parent);
        }
    }
    for row in inputs.rows("noc/noc2021_onet26_crosswalk.csv")? {
        let noc = b.get(&format!("noc:{}", pad_noc(field(&row, "noc"))));
        let onet = b.get(&format!("onet:occ/{}", field(&row, "onet")));
        if let (Some(noc), Some(onet)) = (noc, onet) {
            b.edge(
                noc,
                onet,
                Relation::CloseMatch,
                EdgeSource::NocOnetDais,
                0.7,
            );
        }
    }
    for row in inputs.rows("noc/noc2021_noc2016_concordance.csv")? {
        let old_code = format!("{:0>4}", field(&row, "NOC2016"));
        let old = b.add(
            format!("noc2016:{old_code}"),
            ConceptKind::Occupation,
            field(&row, "NOC2016_Title"),
        );
        b.concept(old).code = Some(old_code);
        let Some(new) = b.get(&format!("noc:{}", pad_noc(field(&row, "NOC2021")))) else {
            continue;
        };
        let change = field(&row, "Change_type");
        let (relation, confidence) = if change.contains("Split off") || change.contains("Breakdown")
        {
            (Relation::NarrowMatch, 0.8)
        } else if change.contains("Merger") || change.contains("Take-over") {
            (Relation::BroadMatch, 0.8)
        } else if change.contains("Transfer") {
            (Relation::CloseMatch, 0.7)
        } else {
            (Relation::ExactMatch, 1.0)
        };
        b.edge(
            old,
            new,
            relation,
            EdgeSource::NocConcordance2016,
            confidence,
        );
    }
    Ok(())
}

fn oasis(inputs: &Inputs<'_>, b: &mut Builder) -> Result<(), Error> {
    // (file, domain slug, name used in the descriptor map, rating threshold for "needed")
    let matrices = [
        ("oasis/skills_oasis_2023_v1.0-1.csv", "skills", "skills", 3),
        (
            "oasis/abilities_oasis_2023_v1.0.csv",
            "abilities",
            "abilities",
            3,
        ),
        (
            "oasis/knowledges_oasis_2023_v1.0.csv",
            "knowledge",
            "knowledge",
            2,
        ),
        (
            "oasis/workactivities_oasis_2023_v1.0.csv",
            "work-activities",
            "work_activities",
            3,
        ),
    ];
    let mut by_domain_name: HashMap<(String, String), ConceptIndex> = HashMap::new();
    for (file, domain, map_domain, threshold) in matrices {
        let rows = inputs.rows(file)?;
        let Some(first) = rows.first() else { continue };
        let mut descriptors: Vec<String> = first
            .keys()
            .filter(|k| !k.starts_with("OaSIS"))
            .cloned()
            .collect();
        descriptors.sort();
        for name in &descriptors {
            let i = b.add(
                format!("oasis:{domain}/{}", slug(name)),
                ConceptKind::Descriptor,
                name,
            );
            by_domain_name.insert((map_domain.to_owned(), name.to_lowercase()), i);
        }
        for row in &rows {
            let code = field(row, "OaSIS Code - Final");
            let Some(noc) = b.get(&format!("noc:{}", pad_noc(code))) else {
                continue;
            };
            for name in &descriptors {
                let rating: u32 = field(row, name).parse().unwrap_or(0);
                if rating >= threshold
                    && let Some(&descriptor) =
                        by_domain_name.get(&(map_domain.to_owned(), name.to_lowercase()))
                {
                    b.need(noc, descriptor, Need::Essential);
                }
            }
        }
    }
    for row in inputs.rows("oasis/oasis_descriptor_to_onet_element.csv")? {
        let key = (
            field(&row, "oasis_domain").to_owned(),
            field(&row, "oasis_descriptor").trim().to_lowercase(),
        );
        let descriptor = by_domain_name.get(&key).copied();
        let element = b.get(&format!("onet:el/{}", field(&row, "onet_element_id")));
        let (relation, confidence) = match field(&row, "match") {
            "exact_name_same_domain" => (Relation::ExactMatch, 1.0),
            "exact_name_other_domain" => (Relation::CloseMatch, 0.8),
            "fuzzy_name_review" => (Relation::RelatedMatch, 0.4),
            _ => continue,
        };
        match (descriptor, element) {
            (Some(descriptor), Some(element)) => {
                b.edge(
                    descriptor,
                    element,
                    relation,
                    EdgeSource::OasisOnetNameDerived,
                    confidence,
                );
            }
            _ => b.warnings.push(format!(
                "oasis map: unresolved row {:?}",
                field(&row, "oasis_descriptor")
            )),
        }
    }
    Ok(())
}

fn local(inputs: &Inputs<'_>, b: &mut Builder) -> Result<(), Error> {
    for row in inputs.rows("local/local_skills.csv")? {
        let id = field(&row, "id").to_owned();
        let i = b.add(id.clone(), ConceptKind::Skill, field(&row, "pref_label"));
        b.concept(i).alt_labels = split_lines(field(&row, "alt_labels"));
        b.concept(i).description = field(&row, "description").to_owned();
        for (column, relation, confidence) in [
            ("broad_match", Relation::BroadMatch, 0.9),
            ("related_match", Relation::RelatedMatch, 0.6),
        ] {
            for target in split_lines(field(&row, column)) {
                let Some(target_index) = b.get(&target) else {
                    return Err(Error::Data {
                        file: "local/local_skills.csv".into(),
                        message: format!("{id}: unknown {column} target {target}"),
                    });
                };
                b.edge(
                    i,
                    target_index,
                    relation,
                    EdgeSource::LocalCurated,
                    confidence,
                );
                if relation == Relation::BroadMatch {
                    b.add_parent(i, target_index);
                }
            }
        }
    }
    Ok(())
}

/// Derived skill-level links ESCO <-> O*NET by equal normalised names (there is no official
/// skill-level crosswalk). Exact on the preferred label, close on an alternative label.
fn name_links(b: &mut Builder) {
    let mut esco_labels: HashMap<String, Vec<(ConceptIndex, bool)>> = HashMap::new();
    for (i, c) in b.concepts.iter().enumerate() {
        if !(c.id.starts_with("esco:skill/")
            && matches!(c.kind, ConceptKind::Skill | ConceptKind::Knowledge))
        {
            continue;
        }
        let i = i as ConceptIndex;
        esco_labels
            .entry(strip_qualifier(&c.label))
            .or_default()
            .push((i, true));
        for alt in &c.alt_labels {
            esco_labels
                .entry(strip_qualifier(alt))
                .or_default()
                .push((i, false));
        }
    }
    let mut links = Vec::new();
    for (i, c) in b.concepts.iter().enumerate() {
        let eligible = c.kind == ConceptKind::Technology
            || (c.kind == ConceptKind::Descriptor
                && (c.id.starts_with("onet:el/2.") || c.id.starts_with("oasis:")));
        if !eligible {
            continue;
        }
        let key = strip_qualifier(&c.label);
        let Some(targets) = esco_labels.get(&key) else {
            continue;
        };
        let mut seen = HashSet::new();
        let targets: Vec<&(ConceptIndex, bool)> =
            targets.iter().filter(|(t, _)| seen.insert(*t)).collect();
        let ambiguous = targets.len() > 1;
        for &&(target, preferred) in &targets {
            let (relation, confidence) = match (preferred, ambiguous) {
                (true, false) => (Relation::ExactMatch, 0.85),
                (false, false) => (Relation::CloseMatch, 0.7),
                _ => (Relation::CloseMatch, 0.5),
            };
            links.push((i as ConceptIndex, target, relation, confidence));
        }
    }
    for (from, to, relation, confidence) in links {
        b.edge(
            from,
            to,
            relation,
            EdgeSource::EscoOnetNameDerived,
            confidence,
        );
    }
}

/// Normalised label without a trailing parenthesised qualifier
/// ("Python (computer programming)" -> "python").
fn strip_qualifier(label: &str) -> String {
    let base = match label.find(" (") {
        Some(at) if label.ends_with(')') => &label[..at],
        _ => label,
    };
    crate::text::normalise_label(base)
}

fn point(row: &HashMap<String, String>, lat: &str, lon: &str) -> Point {
    Point {
        lat: field(row, lat).parse().unwrap_or(0.0),
        lon: field(row, lon).parse().unwrap_or(0.0),
    }
}

fn codes(value: &str) -> Vec<String> {
    value.split_whitespace().map(str::to_owned).collect()
}

fn regions(inputs: &Inputs<'_>) -> Result<Regions, Error> {
    let mut regions = Regions::default();
    for row in inputs.rows("geo/ontario_fsa_to_cd.csv")? {
        let code = field(&row, "fsa").to_ascii_uppercase();
        let approximate = field(&row, "match") != "inside" || code.as_bytes().get(1) == Some(&b'0');
        regions.fsas.push(Fsa {
            place: field(&row, "place_name").to_owned(),
            point: point(&row, "lat", "lon"),
            cduid: field(&row, "cduid").to_owned(),
            eruid: field(&row, "eruid").to_owned(),
            wpb_id: field(&row, "wpb_id").to_owned(),
            approximate,
            code,
        });
    }
    regions.fsas.sort_by(|a, b| a.code.cmp(&b.code));
    for row in inputs.rows("geo/ontario_census_divisions.csv")? {
        regions.census_divisions.push(CensusDivision {
            cduid: field(&row, "cduid").to_owned(),
            name: field(&row, "cd_name").to_owned(),
            cd_type: field(&row, "cd_type").to_owned(),
            eruid: field(&row, "eruid").to_owned(),
            wpb_id: field(&row, "wpb_id").to_owned(),
            centroid: point(&row, "centroid_lat", "centroid_lon"),
            label_point: point(&row, "label_lat", "label_lon"),
        });
    }
    regions
        .census_divisions
        .sort_by(|a, b| a.cduid.cmp(&b.cduid));
    for row in inputs.rows("geo/ontario_economic_regions.csv")? {
        regions.economic_regions.push(EconomicRegion {
            eruid: field(&row, "eruid").to_owned(),
            name: field(&row, "er_name").to_owned(),
            cduids: codes(field(&row, "cduids")),
            centroid: point(&row, "centroid_lat", "centroid_lon"),
            label_point: point(&row, "label_lat", "label_lon"),
        });
    }
    regions
        .economic_regions
        .sort_by(|a, b| a.eruid.cmp(&b.eruid));
    for row in inputs.rows("geo/ontario_workforce_planning_areas.csv")? {
        regions.planning_areas.push(PlanningArea {
            wpb_id: field(&row, "wpb_id").to_owned(),
            board_name: field(&row, "board_name").to_owned(),
            area_description: field(&row, "area_description").to_owned(),
            cduids: codes(field(&row, "cduids")),
            eruids: codes(field(&row, "eruids")),
            partial_cd_notes: field(&row, "partial_cd_notes").to_owned(),
            centroid: point(&row, "centroid_lat", "centroid_lon"),
            label_point: point(&row, "label_lat", "label_lon"),
        });
    }
    regions
        .planning_areas
        .sort_by(|a, b| a.wpb_id.cmp(&b.wpb_id));
    for row in inputs.rows("geo/ontario_places_geonames.csv")? {
        regions.places.push(Place {
            name: field(&row, "name").to_owned(),
            point: point(&row, "lat", "lon"),
            cduid: field(&row, "cduid").to_owned(),
            population: field(&row, "population_geonames").parse().unwrap_or(0),
        });
    }
    regions.places.sort_by(|a, b| {
        b.population
            .cmp(&a.population)
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(regions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_normalise() {
        assert_eq!(
            esco_uri_to_id("http://data.europa.eu/esco/skill/abc").as_deref(),
            Some("esco:skill/abc")
        );
        assert_eq!(
            esco_uri_to_id("https://data.europa.eu/esco/isco/C2654/").as_deref(),
            Some("isco:2654")
        );
        assert_eq!(esco_uri_to_id("https://example.org/esco/skill/abc"), None);
        assert_eq!(pad_noc("10"), "00010");
        assert_eq!(pad_noc("21231.00"), "21231");
        assert_eq!(slug("C++ / Microsoft Excel"), "cplusplus-microsoft-excel");
        assert_eq!(
            strip_qualifier("Python (computer programming)"),
            strip_qualifier("python")
        );
    }
}
