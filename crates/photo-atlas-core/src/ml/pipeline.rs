//! From one feature vector per photo to clusters: normalise, pretrain (or fine-tune
//! a stored) denoising autoencoder, choose k, k-means on the codes, IDEC refinement,
//! and a guard that keeps the k-means partition whenever refinement made the
//! clusters less coherent. The rest of the app only sees `Clustering`.

use std::collections::HashMap;
use std::time::Instant;

use candle_core::{Device, Tensor};
use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use super::arrays::to_tensor;
use super::dense_cpu::training_threads;
use super::kmeans::{KMeansError, choose_k, kmeans_sampled, silhouette};
use super::learner::{learner, soft_assignments};
use super::neighbours::{NEIGHBOURS, PoolStates, STEPS, smooth};
use super::network::{Architecture, Network};
use super::reduce::{Projection, REDUCED_DIM, TENSOR_NAME, unit_rows};
use super::train::{Stage, TrainConfig, labels_of, pretrain, refine};
use crate::jobs::{CancelToken, Progress};

/// Rows used when scoring partitions (silhouette is quadratic in them).
pub(super) const SCORE_ROWS: usize = 2000;

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

    /// The k for the rows of `input`, and (k, silhouette) for each k tried.
    pub fn resolve(
        self,
        input: &Array2<f32>,
        seed: u64,
    ) -> Result<(usize, Vec<(usize, f64)>), KMeansError> {
        let n = input.nrows();
        match self {
            KChoice::Fixed(k) => Ok((k.clamp(1, n), Vec::new())),
            KChoice::Auto { max } => choose_k(input, 2..=max.min(n / 3).max(2), SCORE_ROWS, seed),
        }
    }
}

/// Which layers the autoencoder has for an input of `input_dim` values.
pub fn layer_dims(input_dim: usize, pixels: bool) -> Vec<usize> {
    if pixels {
        vec![input_dim, 500, 500, 2000, 10]
    } else {
        vec![input_dim, 512, 256, 32]
    }
}

/// A trained model as it is stored: autoencoder weights and centres, as safetensors.
#[derive(Debug, Clone)]
pub struct TrainedWeights {
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
    /// k-means on the autoencoder's codes before refinement.
    pub ae_kmeans: Vec<usize>,
    /// The partition refinement started from (k-means on the smoothed input, or
    /// `ae_kmeans`), and what refinement alone gave.
    pub start: Vec<usize>,
    pub refined: Vec<usize>,
    /// False when the guard kept `start` because refinement scored worse.
    pub kept_refinement: bool,
    /// Silhouettes (on the final codes) of `start` and of `refined`.
    pub silhouettes: (f64, f64),
    /// Effective numbers of clusters (exp of the entropy of their sizes) of `start`
    /// and of `refined`: a drop means refinement merged clusters.
    pub effective_clusters: (f64, f64),
    pub fine_tuned: bool,
    pub model: TrainedWeights,
    pub seconds: Vec<(&'static str, f64)>,
}

/// The mean square of an input value after `prepare`: the range of the IDEC paper's
/// MNIST pixels, where its γ = 0.1 balances reconstruction against clustering.
/// (At 1.0, reconstruction outweighs KL tenfold and refinement barely moves:
/// intel-scenes NMI 0.708 against 0.723 at 0.1, same γ, before smoothing.)
pub const INPUT_MEAN_SQUARE: f32 = 0.1;

/// Rows scaled to unit length, then so that a value's mean square is
/// `INPUT_MEAN_SQUARE`: cosine geometry at the scale IDEC was tuned for.
pub fn prepare(features: &Array2<f32>) -> Array2<f32> {
    let scale = (features.ncols() as f32 * INPUT_MEAN_SQUARE).sqrt();
    super::metrics::l2_normalised(features) * scale
}

/// What the autoencoder learns from, the projection that made it, and what
/// photos added later are smoothed over.
pub struct LearningInput {
    pub input: Array2<f32>,
    pub projection: Option<Projection>,
    pub pool: Option<PoolStates>,
    /// Seconds it took.
    pub seconds: f64,
}

/// Network features reduced to `REDUCED_DIM` directions, smoothed over their
/// neighbours and scaled by `prepare`; pixels only scaled. Network-feature
/// neighbours are found among the reduced vectors (intel-scenes, k-means on them:
/// see the note in `reduce`); pixel-space neighbours of photos are mostly photos of
/// the same colours (intel-scenes pixels, k-means NMI 0.089 smoothed against 0.128
/// not), so pixels are not smoothed. Both start refinement from k-means on this
/// input (Fashion-MNIST pixels: final NMI 0.618, against 0.588 when started from
/// k-means on the codes as the DEC papers do).
pub fn learning_input(features: &Array2<f32>, pixels: bool, seed: u64) -> LearningInput {
    let clock = Instant::now();
    let (input, projection, pool) = if pixels {
        (prepare(features), None, None)
    } else {
        let projection = Projection::fit(features, REDUCED_DIM, seed);
        let unit = unit_rows(features, projection.as_ref());
        let (smoothed, pool) = smooth(&unit, NEIGHBOURS, STEPS);
        (prepare(&smoothed), projection, Some(pool))
    };
    LearningInput {
        input,
        projection,
        pool,
        seconds: clock.elapsed().as_secs_f64(),
    }
}

/// Everything a run needs besides the features.
pub struct ClusterJob<'a> {
    pub k: KChoice,
    pub seed: u64,
    pub pixels: bool,
    /// Dense for network features; dense or convolutional for pixels.
    pub architecture: Architecture,
    pub config: TrainConfig,
    /// A model trained on this library before: fine-tuned instead of starting over.
    pub previous: Option<&'a TrainedWeights>,
    pub device: &'a Device,
    pub cancel: &'a CancelToken,
    pub progress: &'a Progress,
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
    cluster_input(learning_input(features, job.pixels, job.seed), job)
}

/// Clusters from an input `learning_input` made (with `job.pixels` and `job.seed`),
/// for a caller that needed it first too (quick groups); `Ok(None)` when cancelled.
pub fn cluster_input(
    prepared: LearningInput,
    job: &ClusterJob,
) -> Result<Option<Clustering>, ClusterError> {
    // On a thread of the pool, so that a training step's parallel parts are
    // shared out by work stealing rather than by waking a sleeping thread from
    // outside the pool, two or three times a step. A pool of no more threads
    // than cores: training splits its batches one slice a core, and idle workers
    // on the cores' other hardware threads took time from it (here, 4 threads on
    // 2 cores: pretraining 11.7 s against 9.6 s).
    let threads = training_threads();
    if threads < rayon::current_num_threads() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|_| "learning".into())
            .build();
        if let Ok(pool) = pool {
            return pool.install(|| learn_from(prepared, job));
        }
    }
    rayon::scope(|_| learn_from(prepared, job))
}

fn learn_from(
    prepared: LearningInput,
    job: &ClusterJob,
) -> Result<Option<Clustering>, ClusterError> {
    let LearningInput {
        input,
        projection,
        pool,
        seconds: input_seconds,
    } = prepared;
    let n = input.nrows();
    if n < 3 {
        return Err(ClusterError::TooFew(n));
    }
    let mut seconds = vec![("input", input_seconds)];
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, seconds: &mut Vec<(&'static str, f64)>| {
        seconds.push((name, clock.elapsed().as_secs_f64()));
        clock = Instant::now();
    };
    let mut rng = Xoshiro256Plus::seed_from_u64(job.seed);
    let dims = layer_dims(input.ncols(), job.pixels);
    let (ae, fine_tuned) = start_from(&dims, job)?;
    let epochs = if fine_tuned {
        (job.config.pretrain_epochs / 4).max(1)
    } else {
        job.config.pretrain_epochs
    };
    let mut learner = learner(ae, &input, job.device)?;
    let trained = pretrain(
        learner.as_mut(),
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
    let codes = learner.codes()?;
    job.progress.start(Stage::ChoosingK, 1);
    let (k, k_scores) = job.k.resolve(&input, job.seed)?;
    let on_codes = kmeans_sampled(&codes, k, job.seed)?;
    let (start, centres) = if job.config.init_from_features {
        let on_input = kmeans_sampled(&input, k, job.seed)?;
        let centres = kmeans_centres(&codes, &on_input.labels, k);
        (on_input, centres)
    } else {
        (on_codes.clone(), on_codes.centroids.clone())
    };
    lap("kmeans", &mut seconds);
    let Ok(refined) = refine(
        learner.as_mut(),
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
    let (refined_labels, refined_conf) = labels_of(&refined.q)?;
    let final_codes = learner.codes()?;
    let ae = learner.into_network()?;
    let guard = Guard::judge(&final_codes, &start.labels, &refined_labels, k, job.seed);
    let (silhouettes, kept_refinement) = (guard.silhouettes, guard.keeps_refinement());
    let effective_clusters = guard.effective_clusters;
    let (centres, q) = if kept_refinement {
        (refined.centres, refined.q)
    } else {
        // The guard: k-means' centres on the refined codes give its soft assignments.
        let centres = kmeans_centres(&final_codes, &start.labels, k);
        let q = soft_assignments(&final_codes, &centres);
        (centres, q)
    };
    let (labels, confidence) = if kept_refinement {
        (refined_labels.clone(), refined_conf)
    } else {
        let own = q
            .axis_iter(Axis(0))
            .zip(&start.labels)
            .map(|(row, &l)| row[l])
            .collect();
        (start.labels.clone(), own)
    };
    let model = save_model(
        &ae,
        &to_tensor(&centres, &Device::Cpu)?,
        projection.as_ref(),
        pool.as_ref(),
    )?;
    lap("score", &mut seconds);
    Ok(Some(Clustering {
        k,
        k_scores,
        labels,
        confidence,
        soft: q,
        codes: final_codes,
        ae_kmeans: on_codes.labels,
        start: start.labels,
        refined: refined_labels,
        kept_refinement,
        silhouettes,
        effective_clusters,
        fine_tuned,
        model,
        seconds,
    }))
}

/// Whether refinement made the clusters better than the k-means it started from,
/// judged without labels on the same (final) codes: it must not merge clusters
/// (the effective number of clusters, exp of the entropy of their sizes, may not
/// drop by more than a fifth: the failure measured with plain DEC) and must not
/// lower the silhouette.
struct Guard {
    silhouettes: (f64, f64),
    effective_clusters: (f64, f64),
}

impl Guard {
    fn judge(codes: &Array2<f32>, start: &[usize], refined: &[usize], k: usize, seed: u64) -> Self {
        Self {
            silhouettes: (
                silhouette(codes, start, SCORE_ROWS, seed),
                silhouette(codes, refined, SCORE_ROWS, seed),
            ),
            effective_clusters: (effective_clusters(start, k), effective_clusters(refined, k)),
        }
    }

    fn keeps_refinement(&self) -> bool {
        self.silhouettes.1 >= self.silhouettes.0
            && self.effective_clusters.1 >= 0.8 * self.effective_clusters.0
    }
}

/// exp(entropy of the cluster sizes): k for equal clusters, 1 when all are in one.
pub fn effective_clusters(labels: &[usize], k: usize) -> f64 {
    let mut sizes = vec![0usize; k.max(1)];
    for &l in labels {
        if let Some(s) = sizes.get_mut(l) {
            *s += 1;
        }
    }
    let n = labels.len().max(1) as f64;
    let entropy: f64 = sizes
        .iter()
        .filter(|&&s| s > 0)
        .map(|&s| {
            let p = s as f64 / n;
            -p * p.ln()
        })
        .sum();
    entropy.exp()
}

/// The mean code of each cluster.
pub(super) fn kmeans_centres(codes: &Array2<f32>, labels: &[usize], k: usize) -> Array2<f32> {
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
    sums
}

/// A fresh autoencoder, or the stored one when it is of the same kind and its layers
/// fit (then `true`).
fn start_from(dims: &[usize], job: &ClusterJob) -> Result<(Network, bool), ClusterError> {
    let fresh = Network::new(job.architecture, dims, job.seed, job.device)?;
    if let Some(previous) = job.previous.filter(|p| p.dims == fresh.dims()) {
        let tensors = candle_core::safetensors::load_buffer(&previous.safetensors, job.device)?;
        if let Some(net) = Network::from_tensors(&previous.dims, &tensors)?
            .filter(|n| n.architecture() == job.architecture)
        {
            return Ok((net, true));
        }
    }
    Ok((fresh, false))
}

pub(super) fn save_model(
    ae: &Network,
    centres: &Tensor,
    projection: Option<&Projection>,
    pool: Option<&PoolStates>,
) -> Result<TrainedWeights, ClusterError> {
    let mut tensors: HashMap<String, Tensor> = ae.named_tensors();
    tensors.insert("centres".into(), centres.clone());
    if let Some(p) = projection {
        tensors.insert(TENSOR_NAME.into(), p.to_tensor()?);
    }
    if let Some(pool) = pool {
        tensors.extend(pool.to_tensors()?);
    }
    let cpu: Vec<(String, Tensor)> = tensors
        .into_iter()
        .map(|(k, t)| Ok((k, t.to_device(&Device::Cpu)?)))
        .collect::<candle_core::Result<_>>()?;
    let bytes =
        safetensors::tensor::serialize(cpu, None).map_err(|e| ClusterError::Save(e.to_string()))?;
    Ok(TrainedWeights {
        dims: ae.dims(),
        safetensors: bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    /// `k` groups of `per` non-negative 64-d vectors (like pooled network features).
    fn groups(k: usize, per: usize, seed: u64) -> (Array2<f32>, Vec<usize>) {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let mut data = Array2::zeros((k * per, 64));
        let mut truth = Vec::new();
        for (i, mut row) in data.axis_iter_mut(Axis(0)).enumerate() {
            let g = i / per;
            truth.push(g);
            for (d, x) in row.iter_mut().enumerate() {
                let base = if d % k == g { 1.0 } else { 0.2 };
                *x = base + rng.gen_range(0.0..0.6);
            }
        }
        (data, truth)
    }

    fn job<'a>(k: KChoice, cancel: &'a CancelToken, progress: &'a Progress) -> ClusterJob<'a> {
        ClusterJob {
            k,
            seed: 4,
            pixels: false,
            architecture: Architecture::Dense,
            config: TrainConfig {
                pretrain_epochs: 15,
                max_refine_epochs: 10,
                ..TrainConfig::default()
            },
            previous: None,
            device: &Device::Cpu,
            cancel,
            progress,
        }
    }

    #[test]
    fn finds_the_groups_chooses_k_and_repeats_itself() {
        let (data, truth) = groups(3, 40, 9);
        let (cancel, progress) = (CancelToken::new(), Progress::default());
        let first = cluster(&data, &job(KChoice::Auto { max: 6 }, &cancel, &progress))
            .expect("cluster")
            .expect("not cancelled");
        assert_eq!(first.k, 3, "{:?}", first.k_scores);
        assert!(super::super::metrics::accuracy(&truth, &first.labels) > 0.95);
        assert_eq!(first.codes.dim(), (120, 32));
        assert_eq!(first.soft.dim(), (120, 3));
        assert!(first.confidence.iter().all(|&c| (0.0..=1.0).contains(&c)));
        let again = cluster(&data, &job(KChoice::Auto { max: 6 }, &cancel, &progress))
            .expect("cluster")
            .expect("not cancelled");
        assert_eq!(first.labels, again.labels, "same seed, same clusters");
        assert!(!progress.losses::<Stage>().is_empty());
        // The stored model is picked up and fine-tuned.
        let mut tuned_job = job(KChoice::Fixed(3), &cancel, &progress);
        tuned_job.previous = Some(&first.model);
        let tuned = cluster(&data, &tuned_job).expect("cluster").expect("ran");
        assert!(tuned.fine_tuned);
        assert!(super::super::metrics::accuracy(&truth, &tuned.labels) > 0.95);
    }

    /// `per` 16 x 16 RGB images (flat, channels last) in each of 3 colours, with noise.
    fn coloured_images(per: usize) -> (Array2<f32>, Vec<usize>) {
        let mut rng = Xoshiro256Plus::seed_from_u64(2);
        let mut data = Array2::zeros((3 * per, 16 * 16 * 3));
        for (i, mut row) in data.axis_iter_mut(Axis(0)).enumerate() {
            for (v, x) in row.iter_mut().enumerate() {
                let lit = v % 3 == i / per;
                *x = if lit { 0.7 } else { 0.1 } + rng.gen_range(0.0..0.3);
            }
        }
        (data, (0..3 * per).map(|i| i / per).collect())
    }

    #[test]
    fn the_convolutional_network_groups_pixels_and_is_fine_tuned_as_itself() {
        let (data, truth) = coloured_images(20);
        let (cancel, progress) = (CancelToken::new(), Progress::default());
        let mut conv_job = job(KChoice::Fixed(3), &cancel, &progress);
        conv_job.pixels = true;
        conv_job.architecture = Architecture::Conv;
        conv_job.config.pretrain_epochs = 8;
        let first = cluster(&data, &conv_job).expect("cluster").expect("ran");
        assert!(super::super::metrics::accuracy(&truth, &first.labels) > 0.95);
        assert_eq!(first.model.dims, vec![16 * 16 * 3, 10]);
        assert_eq!(first.codes.dim(), (60, 10));
        conv_job.previous = Some(&first.model);
        let tuned = cluster(&data, &conv_job).expect("cluster").expect("ran");
        assert!(
            tuned.fine_tuned,
            "the stored convolutional model is fine-tuned"
        );
        // A dense network is not started from convolutional weights.
        let mut dense_job = job(KChoice::Fixed(3), &cancel, &progress);
        dense_job.pixels = true;
        dense_job.previous = Some(&first.model);
        let dense = cluster(&data, &dense_job).expect("cluster").expect("ran");
        assert!(!dense.fine_tuned);
        assert_eq!(dense.model.dims, layer_dims(16 * 16 * 3, true));
    }

    #[test]
    fn cancelling_stops_without_a_result_and_tiny_sets_are_refused() {
        let (data, _) = groups(2, 10, 1);
        let (cancel, progress) = (CancelToken::new(), Progress::default());
        cancel.cancel();
        let outcome = cluster(&data, &job(KChoice::Fixed(2), &cancel, &progress)).expect("runs");
        assert!(outcome.is_none());
        let two = data.slice(ndarray::s![0..2, ..]).to_owned();
        let err = cluster(
            &two,
            &job(KChoice::Fixed(2), &CancelToken::new(), &progress),
        );
        assert!(matches!(err, Err(ClusterError::TooFew(2))));
    }

    #[test]
    fn effective_clusters_counts_balanced_groups_and_sees_merges() {
        assert!((effective_clusters(&[0, 1, 2, 0, 1, 2], 3) - 3.0).abs() < 1e-9);
        assert!((effective_clusters(&[0, 0, 0, 0], 3) - 1.0).abs() < 1e-9);
        let merged = effective_clusters(&[0, 0, 0, 0, 0, 1], 3);
        assert!(merged < 0.8 * 3.0);
    }
}
