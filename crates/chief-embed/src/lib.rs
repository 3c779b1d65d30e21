//! Local sentence embeddings: a sentence-transformers BERT model such as
//! all-MiniLM-L6-v2, run on the CPU through candle, turns a text into a
//! unit-length vector, so that the cosine of two vectors says how close
//! two texts are in meaning. The agent's routing uses it to match a task
//! to a persona when no keyword does (`chief-ai`'s `agent::routing`).
//!
//! The model is a folder in the Hugging Face layout (`config.json`,
//! `model.safetensors`, `tokenizer.json`); nothing is ever downloaded.
//! Loading it reads about 90 MB, so a process loads each folder once
//! ([`Embedder::shared`]).

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// Word pieces kept of each text (all-MiniLM-L6-v2 was trained on 256).
pub const MAX_WORD_PIECES: usize = 256;

/// The files a model folder must hold.
const CONFIG: &str = "config.json";
const WEIGHTS: &str = "model.safetensors";
const TOKENIZER: &str = "tokenizer.json";

/// Why a model folder could not be loaded or a text embedded.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddingError {
    #[error(
        "{} is not a folder: point it at a sentence-transformers model folder (config.json, model.safetensors, tokenizer.json)",
        dir.display()
    )]
    NotAFolder { dir: PathBuf },
    #[error(
        "{} is missing: a sentence-transformers model folder holds config.json, model.safetensors and tokenizer.json (download the model again)",
        path.display()
    )]
    MissingFile { path: PathBuf },
    #[error(
        "{} is not a BERT config ({reason}): use a sentence-transformers BERT model such as all-MiniLM-L6-v2",
        path.display()
    )]
    BadConfig { path: PathBuf, reason: String },
    #[error("cannot read the tokenizer {} ({reason}): download the model again", path.display())]
    BadTokenizer { path: PathBuf, reason: String },
    #[error(
        "cannot load the weights {} ({reason}): download the model again, or check that config.json belongs to them",
        path.display()
    )]
    BadWeights { path: PathBuf, reason: String },
    #[error("embedding failed: {0}")]
    Inference(String),
}

/// A loaded model and its tokenizer.
pub struct Embedder {
    dir: PathBuf,
    model: BertModel,
    tokenizer: Tokenizer,
    /// Vectors of texts embedded through [`Embedder::embed_remembered`].
    remembered: Mutex<HashMap<String, Vec<f32>>>,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").field("dir", &self.dir).finish()
    }
}

impl Embedder {
    /// Loads the model folder `dir`.
    pub fn load(dir: &Path) -> Result<Embedder, EmbeddingError> {
        if !dir.is_dir() {
            return Err(EmbeddingError::NotAFolder { dir: dir.into() });
        }
        let file = |name: &str| {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(EmbeddingError::MissingFile { path })
            }
        };
        let (config_path, weights_path, tokenizer_path) =
            (file(CONFIG)?, file(WEIGHTS)?, file(TOKENIZER)?);

        let bad_config = |reason: String| EmbeddingError::BadConfig {
            path: config_path.clone(),
            reason,
        };
        let text = std::fs::read_to_string(&config_path).map_err(|e| bad_config(e.to_string()))?;
        let config: Config = serde_json::from_str(&text).map_err(|e| bad_config(e.to_string()))?;

        let bad_tokenizer = |reason: String| EmbeddingError::BadTokenizer {
            path: tokenizer_path.clone(),
            reason,
        };
        let mut tokenizer =
            Tokenizer::from_file(&tokenizer_path).map_err(|e| bad_tokenizer(e.to_string()))?;
        // The file may pad every text to a fixed length; a batch only needs
        // its longest.
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..PaddingParams::default()
        }));
        let max_length = MAX_WORD_PIECES.min(config.max_position_embeddings);
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length,
                ..TruncationParams::default()
            }))
            .map_err(|e| bad_tokenizer(e.to_string()))?;

        let bad_weights = |reason: String| EmbeddingError::BadWeights {
            path: weights_path.clone(),
            reason,
        };
        let device = Device::Cpu;
        // Read rather than memory-mapped: mapping is unsafe if the file
        // changes underneath, and 90 MB is read in a blink.
        let tensors = candle_core::safetensors::load(&weights_path, &device)
            .map_err(|e| bad_weights(e.to_string()))?;
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &device);
        let model = BertModel::load(vb, &config).map_err(|e| bad_weights(e.to_string()))?;
        Ok(Embedder {
            dir: dir.into(),
            model,
            tokenizer,
            remembered: Mutex::new(HashMap::new()),
        })
    }

    /// The model folder `dir`, loaded once per process: later calls with
    /// the same folder share the first load. A failed load is not kept,
    /// so a folder that is fixed loads on the next call.
    pub fn shared(dir: &Path) -> Result<Arc<Embedder>, EmbeddingError> {
        static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<Embedder>>>> = OnceLock::new();
        let loaded = LOADED.get_or_init(Mutex::default);
        let key = dir.canonicalize().unwrap_or_else(|_| dir.into());
        // Held while loading, so two callers never load the same folder twice.
        let mut loaded = loaded.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = loaded.get(&key) {
            return Ok(e.clone());
        }
        let embedder = Arc::new(Embedder::load(dir)?);
        loaded.insert(key, embedder.clone());
        Ok(embedder)
    }

    /// The model folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// One unit-length vector per text: the mean of the model's output over
    /// the text's word pieces, normalised (the sentence-transformers recipe
    /// for all-MiniLM-L6-v2). Texts past [`MAX_WORD_PIECES`] are cut.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbeddingError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let failed = |e: &dyn std::fmt::Display| EmbeddingError::Inference(e.to_string());
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| failed(&e))?;
        let width = encodings.first().map_or(0, |e| e.get_ids().len());
        let flat = |pick: fn(&tokenizers::Encoding) -> &[u32]| -> Vec<u32> {
            encodings.iter().flat_map(|e| pick(e).to_vec()).collect()
        };
        let device = &self.model.device;
        let shape = (texts.len(), width);
        let ids = Tensor::from_vec(flat(|e| e.get_ids()), shape, device).map_err(|e| failed(&e))?;
        let mask = Tensor::from_vec(flat(|e| e.get_attention_mask()), shape, device)
            .map_err(|e| failed(&e))?;
        let pooled = self.pool(&ids, &mask).map_err(|e| failed(&e))?;
        pooled.to_vec2::<f32>().map_err(|e| failed(&e))
    }

    /// Like [`Embedder::embed`], but keeps each text's vector for the life
    /// of the process: for texts asked about again and again (the
    /// personas' profiles), which are then embedded once.
    pub fn embed_remembered(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbeddingError> {
        let missing: Vec<&str> = {
            let remembered = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
            let mut missing: Vec<&str> = texts
                .iter()
                .copied()
                .filter(|t| !remembered.contains_key(*t))
                .collect();
            missing.dedup();
            missing
        };
        let fresh = self.embed(&missing)?;
        let mut remembered = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
        for (text, vector) in missing.into_iter().zip(fresh) {
            remembered.insert(text.to_string(), vector);
        }
        Ok(texts
            .iter()
            .map(|t| remembered.get(*t).cloned().unwrap_or_default())
            .collect())
    }

    /// How many texts' vectors [`Embedder::embed_remembered`] keeps.
    pub fn remembered_count(&self) -> usize {
        self.remembered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// Mean pooling over the attention mask, then L2 normalisation.
    fn pool(&self, ids: &Tensor, mask: &Tensor) -> candle_core::Result<Tensor> {
        let types = ids.zeros_like()?;
        let hidden = self.model.forward(ids, &types, Some(mask))?;
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?.clamp(1e-9, f64::MAX)?;
        let mean = summed.broadcast_div(&counts)?;
        let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
        mean.broadcast_div(&norm)
    }
}

/// The cosine of two vectors: 1 for the same direction, 0 for unrelated;
/// 0 when either is empty or zero.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    if a.len() != b.len() || na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    dot / (na * nb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_is_one_for_the_same_direction_and_zero_when_unrelated() {
        assert!((cosine(&[1.0, 2.0], &[2.0, 4.0]) - 1.0).abs() < 1e-6);
        assert_eq!(cosine(&[1.0, 0.0], &[0.0, 3.0]), 0.0);
        assert_eq!(cosine(&[], &[]), 0.0);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 1.0]), 0.0);
        assert_eq!(cosine(&[1.0], &[1.0, 1.0]), 0.0);
    }

    #[test]
    fn a_folder_without_weights_says_which_file_is_missing() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join(CONFIG), "{}").expect("config written");
        let err = Embedder::load(dir.path()).unwrap_err();
        assert!(matches!(err, EmbeddingError::MissingFile { .. }), "{err}");
        assert!(err.to_string().contains("model.safetensors"), "{err}");
        let nowhere = dir.path().join("nowhere");
        assert!(matches!(
            Embedder::load(&nowhere),
            Err(EmbeddingError::NotAFolder { .. })
        ));
    }
}
