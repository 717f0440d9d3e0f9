//! Sentence embeddings with all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) on the CPU:
//! candle's BERT, the model's own WordPiece tokenizer, attention-masked mean pooling and L2
//! normalisation, truncation at 256 tokens — the sentence-transformers recipe, which this
//! reproduces to the published reference vector (tests in `tests/it/taxonomy/semantic.rs`).
//!
//! The files are not in git: `tools/taxonomy/setup` fetches them into `var/models/`. The loader
//! checks their sha256 against `model/all-MiniLM-L6-v2.sha256` (compiled in) and refuses other
//! bytes, so a cached vector file keyed by the weights' hash can be trusted.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use sha2::{Digest, Sha256};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use crate::Error;

/// The model's name, as reported.
pub const MODEL_NAME: &str = "all-MiniLM-L6-v2";
/// Dimension of the vectors.
pub const DIM: usize = 384;
/// Tokens per text, special tokens included (the model's `max_seq_length`).
pub const MAX_TOKENS: usize = 256;

const CHECKSUMS: &str = include_str!("../model/all-MiniLM-L6-v2.sha256");

/// The expected sha256 of a model file, from the committed checksum file.
fn expected_sha256(file: &str) -> Option<&'static str> {
    CHECKSUMS.lines().find_map(|line| {
        let (hash, name) = line.split_once(char::is_whitespace)?;
        (name.trim() == file).then_some(hash)
    })
}

/// The conventional place of the model files beside a repository's `index-data/`
/// (`<index-data>/../var/models/all-MiniLM-L6-v2`), where `tools/taxonomy/setup` puts them.
pub fn default_model_dir(index_data: &Path) -> PathBuf {
    index_data
        .join("..")
        .join("var")
        .join("models")
        .join(MODEL_NAME)
}

/// A loaded sentence encoder. Cheap to share (`&self` everywhere; `Send + Sync`).
pub struct Encoder {
    model: BertModel,
    tokenizer: Tokenizer,
    weights_sha256: String,
    dir: PathBuf,
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("model", &MODEL_NAME)
            .field("dir", &self.dir)
            .field("weights_sha256", &self.weights_sha256)
            .finish()
    }
}

fn model_error(path: &Path, message: impl std::fmt::Display) -> Error {
    Error::Model {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

fn read_checked(dir: &Path, file: &str) -> Result<(Vec<u8>, String), Error> {
    let path = dir.join(file);
    let bytes = std::fs::read(&path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::ModelMissing { path: path.clone() },
        _ => Error::Io {
            path: path.clone(),
            source,
        },
    })?;
    let actual = hex::encode(Sha256::digest(&bytes));
    match expected_sha256(file) {
        Some(expected) if expected == actual => Ok((bytes, actual)),
        Some(expected) => Err(Error::ModelMismatch {
            path,
            expected: expected.to_owned(),
            actual,
        }),
        None => Err(model_error(&path, "no expected sha256 for this file")),
    }
}

impl Encoder {
    /// Loads the model from a folder holding `model.safetensors`, `tokenizer.json` and
    /// `config.json` with the expected hashes.
    pub fn load(dir: &Path) -> Result<Self, Error> {
        let (config, _) = read_checked(dir, "config.json")?;
        let config: Config = serde_json::from_slice(&config)
            .map_err(|e| model_error(&dir.join("config.json"), e))?;
        let (tokenizer, _) = read_checked(dir, "tokenizer.json")?;
        let mut tokenizer = Tokenizer::from_bytes(&tokenizer)
            .map_err(|e| model_error(&dir.join("tokenizer.json"), e))?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..TruncationParams::default()
            }))
            .map_err(|e| model_error(&dir.join("tokenizer.json"), e))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..PaddingParams::default()
        }));
        let (weights, weights_sha256) = read_checked(dir, "model.safetensors")?;
        let weights_path = dir.join("model.safetensors");
        let builder = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu)
            .map_err(|e| model_error(&weights_path, e))?;
        let model = BertModel::load(builder, &config).map_err(|e| model_error(&weights_path, e))?;
        Ok(Self {
            model,
            tokenizer,
            weights_sha256,
            dir: dir.to_path_buf(),
        })
    }

    /// sha256 of the weights (the key of cached vectors).
    pub fn weights_sha256(&self) -> &str {
        &self.weights_sha256
    }

    /// The folder the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Unit-length embeddings of the texts, in order. Texts of similar length batch best (the
    /// batch is padded to its longest text); an empty slice gives an empty result.
    pub fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, Error> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| Error::Embed(e.to_string()))?;
        let len = encodings.iter().map(|e| e.len()).max().unwrap_or(0);
        let mut ids: Vec<u32> = Vec::with_capacity(texts.len() * len);
        let mut mask: Vec<u32> = Vec::with_capacity(texts.len() * len);
        for encoding in &encodings {
            ids.extend(encoding.get_ids());
            mask.extend(encoding.get_attention_mask());
            // Padding is BatchLongest, but be robust to a tokenizer that did not pad.
            for _ in encoding.len()..len {
                ids.push(0);
                mask.push(0);
            }
        }
        self.forward(ids, mask, texts.len(), len)
            .map_err(|e| Error::Embed(e.to_string()))
    }

    fn forward(
        &self,
        ids: Vec<u32>,
        mask: Vec<u32>,
        rows: usize,
        len: usize,
    ) -> candle_core::Result<Vec<Vec<f32>>> {
        let device = &Device::Cpu;
        let input_ids = Tensor::from_vec(ids, (rows, len), device)?;
        let token_types = input_ids.zeros_like()?;
        let attention = Tensor::from_vec(mask, (rows, len), device)?;
        let hidden = self
            .model
            .forward(&input_ids, &token_types, Some(&attention))?;
        // Mean over the real tokens only, then unit length.
        let weights = attention.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&weights)?.sum(1)?;
        let counts = weights.sum(1)?.clamp(1e-9, f64::MAX)?;
        let mean = summed.broadcast_div(&counts)?;
        let norms = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
        mean.broadcast_div(&norms)?.to_vec2::<f32>()
    }
}

/// Cosine of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
