//! The bundled data loads completely, is checked against the MANIFEST, and the compact form
//! reproduces what the CSV build gives.

use taxonomy::{ConceptKind, LoadOptions, Relation, Taxonomy};

use super::support::{cache_dir, index_data, taxonomy};

#[test]
fn every_scheme_is_loaded_with_the_published_counts() {
    let t = taxonomy();
    let count = |prefix: &str, kind: ConceptKind| {
        t.concepts()
            .iter()
            .filter(|c| c.id.starts_with(prefix) && c.kind == kind)
            .count()
    };
    // Counts from each folder's PROVENANCE.md.
    assert_eq!(
        count("esco:skill/", ConceptKind::Skill) + count("esco:skill/", ConceptKind::Knowledge),
        13_896
    );
    assert_eq!(count("esco:occupation/", ConceptKind::Occupation), 3_007);
    assert_eq!(count("isco:", ConceptKind::OccupationGroup), 619);
    assert_eq!(count("onet:occ/", ConceptKind::Occupation), 1_016);
    assert_eq!(count("onet:el/", ConceptKind::Descriptor), 627);
    assert_eq!(count("onet:tech/", ConceptKind::Technology), 8_768);
    assert_eq!(count("noc:", ConceptKind::Occupation), 516);
    assert_eq!(count("oasis:", ConceptKind::Descriptor), 33 + 49 + 44 + 40);
    assert_eq!(count("local:", ConceptKind::Skill), 5);
    // Every ESCO skill has a parent (ESCO is a polyhierarchy; many have several).
    let esco_skills: Vec<_> = t
        .concepts()
        .iter()
        .filter(|c| c.id.starts_with("esco:skill/") && c.kind != ConceptKind::SkillGroup)
        .collect();
    assert!(esco_skills.iter().all(|c| !c.parents.is_empty()));
    assert!(esco_skills.iter().filter(|c| c.parents.len() > 1).count() > 4_000);
}

#[test]
fn crosswalk_edges_are_typed_and_sourced() {
    let t = taxonomy();
    let software = t.resolve_id("noc:21231").expect("NOC 21231");
    let neighbours = t.neighbours(software);
    assert!(neighbours.iter().any(|n| {
        t.concept(n.concept)
            .is_some_and(|c| c.id == "onet:occ/15-1252.00")
            && n.relation == Relation::CloseMatch
            && n.source.as_str() == "noc-onet-dais-2022"
    }));
    // NOC 2016 2173 was split: seen from 2021 the old group is broader.
    assert!(neighbours.iter().any(
        |n| t.concept(n.concept).is_some_and(|c| c.id == "noc2016:2173")
            && n.relation == Relation::BroadMatch
    ));
    // Derived skill-level link: ESCO "Python (computer programming)" <-> O*NET technology "Python".
    let python = t
        .resolve_id("esco:skill/ccd0a1d9-afda-43d9-b901-96344886e14d")
        .expect("python");
    assert!(t.neighbours(python).iter().any(|n| {
        t.concept(n.concept)
            .is_some_and(|c| c.id == "onet:tech/python")
    }));
    // Every local concept links to its nearest ESCO concept with a broadMatch, and sits under it.
    for local in t.concepts().iter().filter(|c| c.id.starts_with("local:")) {
        let index = t.by_id(&local.id).expect("indexed");
        assert!(
            t.neighbours(index)
                .iter()
                .any(|n| n.relation == Relation::BroadMatch),
            "{}",
            local.id
        );
        assert!(!local.parents.is_empty(), "{}", local.id);
    }
}

#[test]
fn facet_paths_follow_every_parent() {
    let t = taxonomy();
    let python = t
        .by_id("esco:skill/ccd0a1d9-afda-43d9-b901-96344886e14d")
        .expect("python");
    let paths = t.facet_paths(python);
    assert!(paths.len() >= 2, "{paths:?}");
    assert!(paths.iter().all(|p| p.starts_with("/esco/") && p.ends_with("ccd0a1d9-afda-43d9-b901-96344886e14d")));
    let noc = t.by_id("noc:21231").expect("noc");
    assert_eq!(t.facet_paths(noc), ["/noc/2/21/212/2123/21231"]);
}

#[test]
fn the_compact_form_is_reused_and_equals_a_fresh_build() {
    let dir = cache_dir().join("roundtrip");
    let _ = std::fs::remove_dir_all(&dir);
    let options = LoadOptions {
        index_data: index_data(),
        cache_dir: Some(dir),
    };
    let built = Taxonomy::load(&options).expect("build");
    assert!(!built.load_report().from_cache);
    let cached = Taxonomy::load(&options).expect("cached");
    assert!(
        cached.load_report().from_cache,
        "{:?}",
        cached.load_report()
    );
    assert_eq!(built.num_concepts(), cached.num_concepts());
    assert_eq!(built.num_edges(), cached.num_edges());
    let text = "Experience with team management, Python and SQL";
    let ids = |t: &Taxonomy| {
        t.extract(text, &Default::default())
            .into_iter()
            .map(|m| m.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&built), ids(&cached));
    eprintln!(
        "taxonomy: {} concepts, {} edges; compact form {} bytes; cached load {:.0} ms (debug build)",
        cached.num_concepts(),
        cached.num_edges(),
        cached.load_report().compact_bytes.unwrap_or(0),
        cached.load_report().elapsed_ms
    );
}

#[test]
fn an_altered_input_file_is_refused() {
    let root = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("altered-index-data");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("esco")).expect("mkdir");
    let manifest = std::fs::read_to_string(index_data().join("MANIFEST.tsv")).expect("manifest");
    std::fs::write(root.join("MANIFEST.tsv"), &manifest).expect("write manifest");
    // Same name, different bytes: the build must refuse it rather than index it.
    std::fs::write(
        root.join("esco/skillGroups_en.csv.gz"),
        b"not the published file",
    )
    .expect("write");
    let error = Taxonomy::load(&LoadOptions {
        index_data: root,
        cache_dir: None,
    })
    .expect_err("refused");
    let message = error.to_string();
    assert!(
        message.contains("skillGroups_en.csv.gz") && message.contains("does not match MANIFEST"),
        "{message}"
    );
}
