//! The semantic half of hybrid text → skill mapping: one all-MiniLM-L6-v2 vector per skill
//! (its preferred label), built once and cached in a file keyed by the weights' sha256 and the
//! taxonomy manifest's hash, and the fusion of lexical evidence with cosine similarity.
//!
//! Lexical matching finds the words; the encoder judges whether the sentence, and the text as
//! a whole, are about the skill those words name ("spark plugs" is not about Apache Spark, a
//! passing "medical terminology" is not what a patient-transfer badge certifies). Skills the
//! words do not name but the sentence means are found by a brute-force dot product over the
//! ~14k skill vectors (about 2 ms), for ranking.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::embed::{DIM, Encoder};
use crate::{ConceptIndex, Error, Taxonomy};

/// Bumped when the cached vectors' layout or the texts embedded per concept change.
const VECTORS_FORMAT: u32 = 1;
const MAGIC: &[u8; 8] = b"SPSKVEC\0";
/// Texts per encoder call when building: labels are short, so batches pad little once sorted
/// by length.
const BUILD_BATCH: usize = 64;

/// Which matcher produced a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MappingMode {
    /// Label matching only (the model is not loaded).
    Lexical,
    /// Label matching fused with sentence-embedding similarity.
    Hybrid,
}

impl MappingMode {
    /// Its name, as the CLI reports it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lexical => "lexical",
            Self::Hybrid => "hybrid",
        }
    }
}

/// How loading the semantic layer went.
#[derive(Debug, Clone, Serialize)]
pub struct SemanticReport {
    /// Model folder.
    pub model_dir: PathBuf,
    /// Wall time to load (hash-check and map) the model, in milliseconds.
    pub model_load_ms: f64,
    /// Number of concept vectors.
    pub vectors: usize,
    /// True when the vectors came from the cache file.
    pub vectors_from_cache: bool,
    /// Wall time to load or build the vectors, in milliseconds.
    pub vectors_ms: f64,
    /// The cache file, when one is used.
    pub cache_file: Option<PathBuf>,
    /// Why the cache could not be written, if it could not (the load still succeeded).
    pub cache_error: Option<String>,
}

/// The loaded encoder and the skill vectors.
pub struct Semantic {
    encoder: Encoder,
    /// Row of each concept in `matrix`, by concept index (`u32::MAX`: not embedded).
    rows: Vec<u32>,
    /// The concept of each row.
    concepts: Vec<ConceptIndex>,
    /// Unit vectors, row-major, `concepts.len() × DIM`.
    matrix: Vec<f32>,
    report: SemanticReport,
}

impl std::fmt::Debug for Semantic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Semantic")
            .field("encoder", &self.encoder)
            .field("vectors", &self.concepts.len())
            .finish()
    }
}

/// The concepts that get a vector: those of the skill label index (ESCO skills and knowledge,
/// local concepts), in index order.
fn embedded_concepts(taxonomy: &Taxonomy) -> Vec<ConceptIndex> {
    let mut concepts: Vec<ConceptIndex> = taxonomy
        .data
        .skill_index
        .labels
        .iter()
        .map(|l| l.concept)
        .collect();
    concepts.sort_unstable();
    concepts.dedup();
    concepts
}

/// The text embedded for a concept: its preferred label (labels are what texts name; a
/// description doubles the build time and was not needed to reach the targets).
fn concept_text(taxonomy: &Taxonomy, concept: ConceptIndex) -> &str {
    taxonomy.concept(concept).map_or("", |c| c.label.as_str())
}

fn cache_file_name(weights_sha256: &str, manifest_sha256: &str) -> String {
    format!(
        "skill-vectors-v{VECTORS_FORMAT}-{}-{}.bin",
        &weights_sha256[..16.min(weights_sha256.len())],
        &manifest_sha256[..16.min(manifest_sha256.len())]
    )
}

impl Semantic {
    /// Loads the model from `model_dir` and the skill vectors from `cache_dir` (building and
    /// writing them when absent: about a minute per core, once).
    pub fn load(
        taxonomy: &Taxonomy,
        model_dir: &Path,
        cache_dir: Option<&Path>,
    ) -> Result<Self, Error> {
        let started = Instant::now();
        let encoder = Encoder::load(model_dir)?;
        let model_load_ms = started.elapsed().as_secs_f64() * 1000.0;
        let started = Instant::now();
        let concepts = embedded_concepts(taxonomy);
        let file = cache_dir.map(|dir| {
            dir.join(cache_file_name(
                encoder.weights_sha256(),
                &taxonomy.data.manifest_sha256,
            ))
        });
        let cached = file
            .as_deref()
            .and_then(|f| read_vectors(f, &concepts).ok());
        let from_cache = cached.is_some();
        let mut cache_error = None;
        let matrix = match cached {
            Some(matrix) => matrix,
            None => {
                let matrix = build_vectors(taxonomy, &encoder, &concepts)?;
                if let Some(file) = &file
                    && let Err(e) = write_vectors(file, &concepts, &matrix)
                {
                    cache_error = Some(e.to_string());
                }
                matrix
            }
        };
        let mut rows = vec![u32::MAX; taxonomy.num_concepts()];
        for (row, &concept) in concepts.iter().enumerate() {
            if let Some(slot) = rows.get_mut(concept as usize) {
                *slot = u32::try_from(row).unwrap_or(u32::MAX);
            }
        }
        let report = SemanticReport {
            model_dir: model_dir.to_path_buf(),
            model_load_ms,
            vectors: concepts.len(),
            vectors_from_cache: from_cache,
            vectors_ms: started.elapsed().as_secs_f64() * 1000.0,
            cache_file: file,
            cache_error,
        };
        Ok(Self {
            encoder,
            rows,
            concepts,
            matrix,
            report,
        })
    }

    /// How the load went.
    pub fn report(&self) -> &SemanticReport {
        &self.report
    }

    /// The encoder.
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// The unit vector of a concept, when it has one.
    pub fn vector(&self, concept: ConceptIndex) -> Option<&[f32]> {
        let row = *self.rows.get(concept as usize)? as usize;
        self.matrix.get(row * DIM..(row + 1) * DIM)
    }

    /// The `k` concepts most similar to a unit vector, best first, with their cosine.
    pub fn nearest(&self, query: &[f32], k: usize) -> Vec<(ConceptIndex, f32)> {
        if query.len() != DIM || k == 0 {
            return Vec::new();
        }
        let mut scored: Vec<(ConceptIndex, f32)> = self
            .matrix
            .chunks_exact(DIM)
            .zip(&self.concepts)
            .map(|(row, &c)| (c, crate::embed::cosine(row, query)))
            .collect();
        let k = k.min(scored.len());
        if k < scored.len() {
            scored.select_nth_unstable_by(k, |a, b| b.1.total_cmp(&a.1));
            scored.truncate(k);
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }
}

fn build_vectors(
    taxonomy: &Taxonomy,
    encoder: &Encoder,
    concepts: &[ConceptIndex],
) -> Result<Vec<f32>, Error> {
    // Sorted by length so each batch pads little; written back in concept order.
    let mut order: Vec<usize> = (0..concepts.len()).collect();
    order.sort_by_key(|&i| concept_text(taxonomy, concepts[i]).len());
    let mut matrix = vec![0.0f32; concepts.len() * DIM];
    for chunk in order.chunks(BUILD_BATCH) {
        let texts: Vec<&str> = chunk
            .iter()
            .map(|&i| concept_text(taxonomy, concepts[i]))
            .collect();
        let vectors = encoder.encode(&texts)?;
        for (&i, vector) in chunk.iter().zip(vectors) {
            matrix[i * DIM..(i + 1) * DIM].copy_from_slice(&vector);
        }
    }
    Ok(matrix)
}

/// Layout: magic, format, count, dim (u32 LE), concept indexes (u32 LE), vectors (f32 LE),
/// then the sha256 of everything before it, so a torn or altered file is rebuilt.
fn write_vectors(file: &Path, concepts: &[ConceptIndex], matrix: &[f32]) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut bytes = Vec::with_capacity(24 + concepts.len() * 4 + matrix.len() * 4 + 32);
    bytes.extend_from_slice(MAGIC);
    for n in [VECTORS_FORMAT, concepts.len() as u32, DIM as u32] {
        bytes.extend_from_slice(&n.to_le_bytes());
    }
    for c in concepts {
        bytes.extend_from_slice(&c.to_le_bytes());
    }
    for x in matrix {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    let digest = Sha256::digest(&bytes);
    bytes.extend_from_slice(&digest);
    let tmp = file.with_extension(format!("tmp.{}", std::process::id()));
    let mut out = std::fs::File::create(&tmp)?;
    out.write_all(&bytes)?;
    out.sync_all()?;
    std::fs::rename(&tmp, file)
}

fn read_vectors(file: &Path, concepts: &[ConceptIndex]) -> std::io::Result<Vec<f32>> {
    let invalid =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let expected_len = 20 + concepts.len() * 4 + concepts.len() * DIM * 4 + 32;
    let mut bytes = Vec::with_capacity(expected_len);
    std::fs::File::open(file)?
        .take(expected_len as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() != expected_len {
        return Err(invalid("size"));
    }
    let (body, digest) = bytes.split_at(expected_len - 32);
    if Sha256::digest(body).as_slice() != digest || &body[..8] != MAGIC {
        return Err(invalid("checksum"));
    }
    let u32_at =
        |at: usize| u32::from_le_bytes([body[at], body[at + 1], body[at + 2], body[at + 3]]);
    if u32_at(8) != VECTORS_FORMAT
        || u32_at(12) as usize != concepts.len()
        || u32_at(16) as usize != DIM
    {
        return Err(invalid("header"));
    }
    let ids = 20;
    if (0..concepts.len()).any(|i| u32_at(ids + i * 4) != concepts[i]) {
        return Err(invalid("concepts"));
    }
    let start = ids + concepts.len() * 4;
    Ok(body[start..]
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

/// Evidence the encoder adds to a match: cosine of the skill to the sentence it was found in,
/// and to the whole text.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SemanticEvidence {
    /// Cosine of the skill's vector to the sentence (list item) holding the span.
    pub sentence: f32,
    /// Cosine of the skill's vector to the whole text (mean of its sentence vectors).
    pub text: f32,
    /// Confidence from the label match alone (0 when found by similarity alone).
    pub lexical_confidence: f32,
    /// Ranking score from the label match alone (0 when found by similarity alone).
    pub lexical_score: f32,
}

/// Unit mean of unit vectors (the text's direction), or `None` for none.
pub(crate) fn mean_direction(vectors: &[Vec<f32>]) -> Option<Vec<f32>> {
    let first = vectors.first()?;
    let mut sum = vec![0.0f32; first.len()];
    for v in vectors {
        for (s, x) in sum.iter_mut().zip(v) {
            *s += x;
        }
    }
    let norm = sum.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    Some(sum.into_iter().map(|x| x / norm).collect())
}

/// Per-concept cosines for a text's sentences, reused across the hits of one text.
pub(crate) struct TextVectors {
    pub(crate) sentences: Vec<Vec<f32>>,
    pub(crate) text: Vec<f32>,
}

impl Semantic {
    /// Embeds the sentences of a text (at most `MAX_SENTENCES`; the rest stay lexical).
    pub(crate) fn text_vectors(&self, sentences: &[&str]) -> Result<TextVectors, Error> {
        let mut vectors = Vec::with_capacity(sentences.len());
        // Similar lengths per call: job ads mix one-word items with long sentences.
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        order.sort_by_key(|&i| sentences[i].len());
        let mut out: HashMap<usize, Vec<f32>> = HashMap::new();
        for chunk in order.chunks(16) {
            let texts: Vec<&str> = chunk.iter().map(|&i| sentences[i]).collect();
            for (&i, v) in chunk.iter().zip(self.encoder.encode(&texts)?) {
                out.insert(i, v);
            }
        }
        for i in 0..sentences.len() {
            vectors.push(out.remove(&i).unwrap_or_else(|| vec![0.0; DIM]));
        }
        let text = mean_direction(&vectors).unwrap_or_else(|| vec![0.0; DIM]);
        Ok(TextVectors {
            sentences: vectors,
            text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("skillproof-vectors-{}-{name}", std::process::id()))
    }

    #[test]
    fn vectors_round_trip_and_damage_is_detected() {
        let concepts: Vec<ConceptIndex> = vec![3, 7, 11];
        let matrix: Vec<f32> = (0..concepts.len() * DIM).map(|i| i as f32 * 0.25).collect();
        let file = scratch("round-trip");
        write_vectors(&file, &concepts, &matrix).expect("written");
        assert_eq!(read_vectors(&file, &concepts).expect("read"), matrix);
        // Other concepts (a changed taxonomy) do not read the file.
        assert!(read_vectors(&file, &[3, 7, 12]).is_err());
        assert!(read_vectors(&file, &[3, 7]).is_err());
        // A flipped byte or a torn file is refused.
        let mut bytes = std::fs::read(&file).expect("bytes");
        let at = bytes.len() / 2;
        bytes[at] ^= 1;
        std::fs::write(&file, &bytes).expect("write");
        assert!(read_vectors(&file, &concepts).is_err());
        bytes[at] ^= 1;
        std::fs::write(&file, &bytes[..bytes.len() - 1]).expect("write");
        assert!(read_vectors(&file, &concepts).is_err());
        let _ = std::fs::remove_file(&file);
    }

    #[test]
    fn mean_direction_is_unit_length() {
        let a = vec![1.0, 0.0, 0.0];
        let b = vec![0.0, 1.0, 0.0];
        let mean = mean_direction(&[a, b]).expect("mean");
        let norm: f32 = mean.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-6);
        assert!((mean[0] - mean[1]).abs() < 1e-6);
        assert!(mean_direction(&[]).is_none());
    }
}
