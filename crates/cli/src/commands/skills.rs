//! `skillproof skills …`: look up concepts, map a credential, normalise a job requirement, and
//! extract skills from text in bulk. The taxonomy is loaded once per process from its compact
//! cached form (built from `index-data/` on first use).

use std::io::{BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use serde_json::{Value, json};
use taxonomy::{ExtractOptions, LoadOptions, SearchScope, Taxonomy};

use super::Status;

/// Arguments of `skillproof skills`.
#[derive(Debug, Args)]
pub(crate) struct SkillsArgs {
    /// The index-data folder (taxonomies, crosswalks, regions) [default: ./index-data, else the
    /// one beside the source tree].
    #[arg(long, global = true, env = "SKILLPROOF_INDEX_DATA")]
    index_data: Option<PathBuf>,
    /// Where to keep the compact taxonomy [default: var/cache next to index-data].
    #[arg(long, global = true, env = "SKILLPROOF_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: SkillsCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scope {
    Skills,
    Occupations,
    All,
}

#[derive(Debug, Subcommand)]
enum SkillsCommand {
    /// A concept by id (any scheme: esco:…, ESCO URI, NOC code, O*NET code or element, …) or by
    /// words: labels, parents, crosswalk neighbours. Exit 1 when nothing matches.
    Lookup {
        /// An identifier or words.
        query: String,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// How many matches for a word query.
        #[arg(long, default_value_t = 5)]
        limit: usize,
        /// What a word query searches.
        #[arg(long, value_enum, default_value = "all")]
        scope: Scope,
    },
    /// Map a credential (JSON: OB 3.0, VC, CLR 2.0, OB 2.0, or a presentation) to skills with
    /// evidence. Exit 1 when no skill was mapped.
    Map {
        /// The credential file (`-` for stdin).
        file: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Minimum confidence of text matches.
        #[arg(long, default_value_t = ExtractOptions::DEFAULT_MIN_CONFIDENCE)]
        min_confidence: f32,
    },
    /// Normalise a job requirement (JSON) or a job ad (text) into a JobSpec. Exit 2 when the
    /// requirement is malformed (the message names the field).
    Job {
        /// The file (`-` for stdin).
        file: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Batch text -> skills: JSON Lines `{"id", "text"}` on stdin, one
    /// `{"id", "skills": [{"id", "label", "confidence", "span"}]}` per line on stdout, best first.
    Extract {
        /// Output format (JSON Lines).
        #[arg(long, value_enum, default_value = "jsonl")]
        format: LinesFormat,
        /// At most this many skills per text.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Minimum confidence (0 returns the full ranking up to --limit).
        #[arg(long, default_value_t = 0.0)]
        min_confidence: f32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LinesFormat {
    Jsonl,
}

fn default_index_data() -> PathBuf {
    let local = PathBuf::from("index-data");
    if local.join("MANIFEST.tsv").is_file() {
        return local;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../index-data")
}

fn load(args: &SkillsArgs) -> anyhow::Result<Taxonomy> {
    let index_data = args.index_data.clone().unwrap_or_else(default_index_data);
    if !index_data.join("MANIFEST.tsv").is_file() {
        bail!(
            "{}: no MANIFEST.tsv (pass --index-data DIR)",
            index_data.display()
        );
    }
    let cache_dir = args
        .cache_dir
        .clone()
        .unwrap_or_else(|| index_data.join("..").join("var").join("cache"));
    let taxonomy = Taxonomy::load(&LoadOptions {
        index_data,
        cache_dir: Some(cache_dir),
    })
    .context("loading the taxonomy")?;
    if let Some(problem) = &taxonomy.load_report().cache_error {
        eprintln!(
            "skillproof: warning: taxonomy cache not written ({problem})?; the next start will rebuild it"
        );
    }
    Ok(taxonomy)
}

/// The taxonomy with the sentence-embedding model attached when it is installed (hybrid text
/// mapping); without it, lexical with a warning. The mode is always said on stderr.
fn load_for_mapping(args: &SkillsArgs) -> anyhow::Result<Taxonomy> {
    let mut taxonomy = load(args)?;
    let index_data = taxonomy.index_data().to_path_buf();
    // The skill vectors take minutes to build: they stay beside the model, whatever
    // --cache-dir says, so every cache dir (tests use their own) shares one build.
    let cache_dir = index_data.join("..").join("var").join("cache");
    let model_dir = taxonomy::embed::default_model_dir(&index_data);
    match taxonomy.attach_semantic(&model_dir, Some(&cache_dir)) {
        Ok(report) => {
            if let Some(problem) = &report.cache_error {
                eprintln!("skillproof: warning: skill vectors not cached ({problem})");
            }
        }
        Err(error) => eprintln!(
            "skillproof: warning: sentence-embedding model unavailable [{}]: {error}; text mapping falls back to lexical",
            error.code()
        ),
    }
    eprintln!(
        "skillproof: text mapping mode: {}",
        taxonomy.mapping_mode().as_str()
    );
    Ok(taxonomy)
}

fn read_input(file: &Path) -> anyhow::Result<String> {
    if file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading stdin")?;
        return Ok(text);
    }
    std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))
}

fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

pub(crate) fn run(args: SkillsArgs) -> anyhow::Result<Status> {
    match &args.command {
        SkillsCommand::Lookup {
            query,
            format,
            limit,
            scope,
        } => {
            let taxonomy = load(&args)?;
            lookup(&taxonomy, query, *format, *limit, *scope)
        }
        SkillsCommand::Map {
            file,
            format,
            min_confidence,
        } => {
            let text = read_input(file)?;
            let document: Value = serde_json::from_str(&text).with_context(|| {
                format!(
                    "{}: not JSON (map takes a decoded credential document)",
                    file.display()
                )
            })?;
            let taxonomy = load_for_mapping(&args)?;
            let options = ExtractOptions {
                min_confidence: *min_confidence,
                ..ExtractOptions::default()
            };
            let mapped = taxonomy.map_credential_with(&document, &options);
            match format {
                Format::Json => print_json(&mapped)?,
                Format::Text => {
                    let mut out = std::io::stdout().lock();
                    for skill in &mapped.skills {
                        let first = skill.evidence.first();
                        let detail = first
                            .and_then(|e| {
                                e.span
                                    .as_ref()
                                    .map(|s| format!("\"{}\"", s.text))
                                    .or_else(|| {
                                        e.via
                                            .as_ref()
                                            .map(|v| format!("via {} {}", v.relation, v.from))
                                    })
                                    .or_else(|| e.resolved_by.clone())
                            })
                            .unwrap_or_default();
                        writeln!(
                            out,
                            "{:<10} {:.2}  {:<48} {}  {}",
                            format!("{:?}", skill.method).to_lowercase(),
                            skill.confidence,
                            skill.id,
                            skill.label,
                            detail
                        )?;
                    }
                    for alignment in &mapped.alignments {
                        if !matches!(
                            alignment.outcome,
                            taxonomy::AlignmentOutcome::Resolved { .. }
                        ) {
                            writeln!(
                                out,
                                "alignment  {}: {}",
                                alignment.field,
                                serde_json::to_string(&alignment.outcome)?
                            )?;
                        }
                    }
                    for phrase in &mapped.unmapped {
                        writeln!(out, "unmapped   {}: {:?}", phrase.field, phrase.text)?;
                    }
                }
            }
            Ok(if mapped.skills.is_empty() {
                Status::CheckFailed
            } else {
                Status::Success
            })
        }
        SkillsCommand::Job { file, format } => {
            let text = read_input(file)?;
            let request =
                jobspec::parse_request(&text).with_context(|| format!("{}", file.display()))?;
            let taxonomy = load_for_mapping(&args)?;
            let spec = jobspec::JobSpec::normalise(
                &request,
                &taxonomy,
                &jobspec::NormaliseOptions::default(),
            );
            match format {
                Format::Json => print_json(&spec)?,
                Format::Text => {
                    let mut out = std::io::stdout().lock();
                    if let Some(title) = &spec.title {
                        writeln!(out, "title       {title}")?;
                    }
                    if let Some(occupation) = &spec.occupation {
                        writeln!(
                            out,
                            "occupation  {} {} ({:.2})",
                            occupation.id, occupation.label, occupation.confidence
                        )?;
                    }
                    if let Some(location) = &spec.location {
                        writeln!(
                            out,
                            "location    {} {} ({:?}){}",
                            location.region.code,
                            location.region.name,
                            location.region.level,
                            location
                                .radius_km
                                .map(|r| format!(" within {r} km"))
                                .unwrap_or_default()
                        )?;
                    }
                    for (name, list) in [
                        ("required", &spec.required),
                        ("preferred", &spec.preferred),
                        ("excluded", &spec.excluded),
                    ] {
                        for skill in list {
                            let evidence = skill
                                .span
                                .as_ref()
                                .map(|s| format!("\"{}\"", s.text))
                                .or_else(|| skill.input.clone())
                                .unwrap_or_default();
                            writeln!(
                                out,
                                "{name:<11} {:.2} {:<48} {}  [{:?}] {}",
                                skill.confidence, skill.id, skill.label, skill.source, evidence
                            )?;
                        }
                    }
                    for item in &spec.unresolved {
                        writeln!(
                            out,
                            "unresolved  {}: {:?} ({})",
                            item.field, item.input, item.reason
                        )?;
                    }
                }
            }
            Ok(Status::Success)
        }
        SkillsCommand::Extract {
            format: LinesFormat::Jsonl,
            limit,
            min_confidence,
        } => {
            let taxonomy = load_for_mapping(&args)?;
            extract_lines(&taxonomy, *limit, *min_confidence)
        }
    }
}

fn lookup(
    taxonomy: &Taxonomy,
    query: &str,
    format: Format,
    limit: usize,
    scope: Scope,
) -> anyhow::Result<Status> {
    let describe = |index: taxonomy::ConceptIndex, score: Option<(f32, f32, String)>| -> Value {
        let Some(concept) = taxonomy.concept(index) else {
            return Value::Null;
        };
        let parents: Vec<Value> = concept
            .parents
            .iter()
            .filter_map(|&p| taxonomy.concept(p))
            .map(|p| json!({"id": p.id, "label": p.label}))
            .collect();
        let mut neighbours: Vec<Value> = taxonomy
            .neighbours(index)
            .into_iter()
            .filter_map(|n| {
                let c = taxonomy.concept(n.concept)?;
                Some(json!({"id": c.id, "label": c.label, "relation": n.relation.as_str(), "source": n.source.as_str(), "confidence": n.confidence}))
            })
            .collect();
        neighbours.truncate(50);
        let mut value = json!({
            "id": concept.id,
            "kind": concept.kind,
            "label": concept.label,
            "alt_labels": concept.alt_labels,
            "description": concept.description,
            "code": concept.code,
            "parents": parents,
            "facets": taxonomy.facet_paths(index),
            "crosswalk": neighbours,
        });
        if let Some((score, confidence, matched)) = score {
            value["score"] = json!(score);
            value["confidence"] = json!(confidence);
            value["matched_label"] = json!(matched);
        }
        value
    };
    let results: Vec<Value> = match taxonomy.resolve_id(query) {
        Some(index) => vec![describe(index, None)],
        None => {
            let scope = match scope {
                Scope::Skills => SearchScope::Skills,
                Scope::Occupations => SearchScope::Occupations,
                Scope::All => SearchScope::All,
            };
            taxonomy
                .search_text(query, scope, limit)
                .into_iter()
                .map(|hit| {
                    describe(
                        hit.concept,
                        Some((hit.score, hit.confidence, hit.matched_label)),
                    )
                })
                .collect()
        }
    };
    match format {
        Format::Json => print_json(&json!({"query": query, "results": results}))?,
        Format::Text => {
            let mut out = std::io::stdout().lock();
            for result in &results {
                writeln!(
                    out,
                    "{}  {}  [{}]",
                    result["id"].as_str().unwrap_or(""),
                    result["label"].as_str().unwrap_or(""),
                    result["kind"].as_str().unwrap_or("")
                )?;
                if let Some(confidence) = result.get("confidence") {
                    writeln!(
                        out,
                        "  matched      {} ({confidence})",
                        result["matched_label"]
                    )?;
                }
                let alts: Vec<&str> = result["alt_labels"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .take(8)
                    .collect();
                if !alts.is_empty() {
                    writeln!(out, "  also         {}", alts.join("; "))?;
                }
                for parent in result["parents"].as_array().into_iter().flatten() {
                    writeln!(
                        out,
                        "  parent       {}  {}",
                        parent["id"].as_str().unwrap_or(""),
                        parent["label"].as_str().unwrap_or("")
                    )?;
                }
                for n in result["crosswalk"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .take(12)
                {
                    writeln!(
                        out,
                        "  {:<12} {}  {}  ({}, {})",
                        n["relation"].as_str().unwrap_or(""),
                        n["id"].as_str().unwrap_or(""),
                        n["label"].as_str().unwrap_or(""),
                        n["source"].as_str().unwrap_or(""),
                        n["confidence"]
                    )?;
                }
            }
        }
    }
    Ok(if results.is_empty() {
        Status::CheckFailed
    } else {
        Status::Success
    })
}

#[derive(Serialize)]
struct ExtractedSkill<'a> {
    id: &'a str,
    label: &'a str,
    confidence: f32,
    span: &'a taxonomy::Span,
}

fn extract_lines(taxonomy: &Taxonomy, limit: usize, min_confidence: f32) -> anyhow::Result<Status> {
    let options = ExtractOptions {
        limit,
        min_confidence,
        typo_tolerance: false,
    };
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut malformed = 0usize;
    for (number, line) in stdin.lines().enumerate() {
        let line = line.context("reading stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Result<Value, _> = serde_json::from_str(&line);
        let (id, text) = match &parsed {
            Ok(value) => (
                value.get("id").cloned().unwrap_or(Value::Null),
                value.get("text").and_then(Value::as_str),
            ),
            Err(_) => (Value::Null, None),
        };
        let Some(text) = text else {
            malformed += 1;
            let message = match parsed {
                Err(error) => format!("line {}: not JSON: {error}", number + 1),
                Ok(_) => format!(
                    "line {}: expected an object with a string \"text\"",
                    number + 1
                ),
            };
            serde_json::to_writer(
                &mut out,
                &json!({"id": id, "skills": [], "error": {"code": "invalid_line", "message": message}}),
            )?;
            writeln!(out)?;
            continue;
        };
        let matches = taxonomy.extract(text, &options);
        let skills: Vec<ExtractedSkill<'_>> = matches
            .iter()
            .map(|m| ExtractedSkill {
                id: &m.id,
                label: &m.label,
                confidence: m.confidence,
                span: &m.span,
            })
            .collect();
        serde_json::to_writer(&mut out, &json!({"id": id, "skills": skills}))?;
        writeln!(out)?;
    }
    out.flush()?;
    if malformed > 0 {
        bail!(
            "{malformed} input line(s) were not {{\"id\", \"text\"}} objects (reported in the output)"
        );
    }
    Ok(Status::Success)
}
