//! From one feature vector per photo to clusters: normalise, pretrain (or fine-tune
//! a stored) denoising autoencoder, choose k, k-means on the codes, IDEC refinement,
//! and a guard that keeps the k-means partition whenever refinement made the
//! clusters less coherent. The rest of the app only sees `Clustering`.

use std::collections::HashMap;
use std::time::Instant;

use candle_core::{DType, Device, Tensor};
use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use super::autoencoder::Autoencoder;
use super::dec::{hard_labels, soft_assignment};
use super::kmeans::{KMeansError, choose_k, kmeans, silhouette};
use super::train::{Stage, TrainConfig, TrainProgress, encode_all, pretrain, refine};
use crate::jobs::CancelToken;

/// Rows used when scoring partitions (silhouette is quadratic in them).
const SCORE_ROWS: usize = 2000;

/// How many clusters to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KChoice {
    /// Chosen by silhouette over `2..=max`.
    Auto {
        max: usize,
    },
    Fixed(usize),
}

impl KChoice {
    pub const AUTO: KChoice = KChoice::Auto { max: 20 };
}

/// Which layers the autoencoder has for an input of `input_dim` values.
pub fn layer_dims(input_dim: usize, pixels: bool) -> Vec<usize> {
    if pixels {
        vec![input_dim, 500, 500, 2000, 10]
    } else {
        let h: Vec<usize> = std::env::var("PA_DIMS")
            .unwrap_or("512,256,32".into())
            .split(',')
            .filter_map(|d| d.parse().ok())
            .collect();
        std::iter::once(input_dim).chain(h).collect()
    }
}

/// A trained model as it is stored: autoencoder weights and centres, as safetensors.
#[derive(Debug, Clone)]
pub struct StoredModel {
    pub dims: Vec<usize>,
    pub safetensors: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("the network failed: {0}")]
    Candle(#[from] candle_core::Error),
    #[error(transparent)]
    KMeans(#[from] KMeansError),
    #[error("could not save the model: {0}")]
    Save(String),
    #[error("there are too few photos to group ({0}); at least 3 are needed")]
    TooFew(usize),
}

/// Everything one run produced.
#[derive(Debug, Clone)]
pub struct Clustering {
    pub k: usize,
    /// (k, silhouette) for each k tried when k was chosen automatically.
    pub k_scores: Vec<(usize, f64)>,
    /// The final cluster of each photo, and how sure the model is of it.
    pub labels: Vec<usize>,
    pub confidence: Vec<f32>,
    /// Soft assignments (n, k) and latent codes (n, code dimension).
    pub soft: Array2<f32>,
    pub codes: Array2<f32>,
    /// k-means on the codes before refinement, and what refinement alone gave.
    pub ae_kmeans: Vec<usize>,
    pub refined: Vec<usize>,
    /// False when the guard kept `ae_kmeans` because refinement scored worse.
    pub kept_refinement: bool,
    /// Silhouettes (on the input features) of `ae_kmeans` and of `refined`.
    pub silhouettes: (f64, f64),
    pub fine_tuned: bool,
    pub model: StoredModel,
    pub seconds: Vec<(&'static str, f64)>,
}

/// Rows scaled to unit length then by √d: cosine geometry, values of order one.
pub fn prepare(features: &Array2<f32>) -> Array2<f32> {
    let scale = (features.ncols() as f32).sqrt();
    super::metrics::l2_normalised(features) * scale
}

fn to_tensor(a: &Array2<f32>, device: &Device) -> candle_core::Result<Tensor> {
    let flat: Vec<f32> = a.iter().copied().collect();
    Tensor::from_vec(flat, a.dim(), device)
}

fn to_array(t: &Tensor) -> candle_core::Result<Array2<f32>> {
    let (r, c) = t.dims2()?;
    let flat: Vec<f32> = t.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?;
    Array2::from_shape_vec((r, c), flat).map_err(|e| candle_core::Error::Msg(e.to_string()))
}

/// Everything a run needs besides the features.
pub struct ClusterJob<'a> {
    pub k: KChoice,
    pub seed: u64,
    pub pixels: bool,
    pub config: TrainConfig,
    /// A model trained on this library before: fine-tuned instead of starting over.
    pub previous: Option<&'a StoredModel>,
    pub device: &'a Device,
    pub cancel: &'a CancelToken,
    pub progress: &'a TrainProgress,
}

/// Clusters `features` (one row per photo); `Ok(None)` when cancelled.
pub fn cluster(
    features: &Array2<f32>,
    job: &ClusterJob,
) -> Result<Option<Clustering>, ClusterError> {
    let n = features.nrows();
    if n < 3 {
        return Err(ClusterError::TooFew(n));
    }
    let mut seconds = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, seconds: &mut Vec<(&'static str, f64)>| {
        seconds.push((name, clock.elapsed().as_secs_f64()));
        clock = Instant::now();
    };
    let mut rng = Xoshiro256Plus::seed_from_u64(job.seed);
    let input = prepare(features);
    let data = to_tensor(&input, job.device)?;
    let dims = layer_dims(features.ncols(), job.pixels);
    let (ae, fine_tuned) = start_from(&dims, job)?;
    let epochs = if fine_tuned {
        (job.config.pretrain_epochs / 4).max(1)
    } else {
        job.config.pretrain_epochs
    };
    let trained = pretrain(
        &ae,
        &data,
        &job.config,
        epochs,
        &mut rng,
        job.cancel,
        job.progress,
    )?;
    if trained.is_err() {
        return Ok(None);
    }
    lap("pretrain", &mut seconds);
    let codes = to_array(&encode_all(&ae, &data)?)?;
    job.progress.start(Stage::ChoosingK, 1);
    let (k, k_scores) = match job.k {
        KChoice::Fixed(k) => (k.clamp(1, n), Vec::new()),
        KChoice::Auto { max } => choose_k(&codes, 2..=max.min(n / 3).max(2), SCORE_ROWS, job.seed)?,
    };
    let start = kmeans(&codes, k, job.seed)?;
    let (start, centres) = if job.config.init_from_features {
        let on_input = kmeans(&input, k, job.seed)?;
        let centres = kmeans_centres(&codes, &on_input.labels, k, job.device)?;
        (on_input, centres)
    } else {
        let centres = to_tensor(&start.centroids, job.device)?;
        (start, centres)
    };
    lap("kmeans", &mut seconds);
    let Ok(refined) = refine(
        &ae,
        &data,
        &centres,
        &job.config,
        &mut rng,
        job.cancel,
        job.progress,
    )?
    else {
        return Ok(None);
    };
    lap("refine", &mut seconds);
    job.progress.start(Stage::Saving, 1);
    let (refined_labels, refined_conf) = hard_labels(&refined.q)?;
    let silhouettes = (
        silhouette(&input, &start.labels, SCORE_ROWS, job.seed),
        silhouette(&input, &refined_labels, SCORE_ROWS, job.seed),
    );
    let kept_refinement = silhouettes.1 >= silhouettes.0;
    let (centres, q) = if kept_refinement {
        (refined.centres, refined.q)
    } else {
        // The guard: k-means' centres on the refined codes give its soft assignments.
        let codes_now = encode_all(&ae, &data)?;
        let centres = kmeans_centres(&to_array(&codes_now)?, &start.labels, k, job.device)?;
        let q = soft_assignment(&codes_now, &centres)?;
        (centres, q)
    };
    let (labels, confidence) = if kept_refinement {
        (refined_labels.clone(), refined_conf)
    } else {
        let soft = to_array(&q)?;
        let own = soft
            .axis_iter(Axis(0))
            .zip(&start.labels)
            .map(|(row, &l)| row[l])
            .collect();
        (start.labels.clone(), own)
    };
    let model = save_model(&ae, &centres)?;
    lap("score", &mut seconds);
    Ok(Some(Clustering {
        k,
        k_scores,
        labels,
        confidence,
        soft: to_array(&q)?,
        codes: to_array(&encode_all(&ae, &data)?)?,
        ae_kmeans: start.labels,
        refined: refined_labels,
        kept_refinement,
        silhouettes,
        fine_tuned,
        model,
        seconds,
    }))
}

/// The mean code of each cluster.
fn kmeans_centres(
    codes: &Array2<f32>,
    labels: &[usize],
    k: usize,
    device: &Device,
) -> candle_core::Result<Tensor> {
    let mut sums = Array2::<f32>::zeros((k, codes.ncols()));
    let mut counts = vec![0f32; k];
    for (row, &l) in codes.axis_iter(Axis(0)).zip(labels) {
        let mut s = sums.row_mut(l);
        s += &row;
        counts[l] += 1.0;
    }
    for (mut s, c) in sums.axis_iter_mut(Axis(0)).zip(counts) {
        s /= c.max(1.0);
    }
    to_tensor(&sums, device)
}

/// A fresh autoencoder, or the stored one when its layers fit (then `true`).
fn start_from(dims: &[usize], job: &ClusterJob) -> Result<(Autoencoder, bool), ClusterError> {
    if let Some(previous) = job.previous.filter(|p| p.dims == dims) {
        let tensors = candle_core::safetensors::load_buffer(&previous.safetensors, job.device)?;
        if let Some(ae) = Autoencoder::from_tensors(dims, &tensors)? {
            return Ok((ae, true));
        }
    }
    Ok((Autoencoder::new(dims, job.seed, job.device)?, false))
}

fn save_model(ae: &Autoencoder, centres: &Tensor) -> Result<StoredModel, ClusterError> {
    let mut tensors: HashMap<String, Tensor> = ae.named_tensors();
    tensors.insert("centres".into(), centres.clone());
    let cpu: Vec<(String, Tensor)> = tensors
        .into_iter()
        .map(|(k, t)| Ok((k, t.to_device(&Device::Cpu)?)))
        .collect::<candle_core::Result<_>>()?;
    let bytes =
        safetensors::tensor::serialize(cpu, None).map_err(|e| ClusterError::Save(e.to_string()))?;
    Ok(StoredModel {
        dims: ae.dims().to_vec(),
        safetensors: bytes,
    })
}
