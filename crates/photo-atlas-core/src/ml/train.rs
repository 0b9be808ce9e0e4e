//! Training loops: the denoising autoencoder's pretraining (masking noise, Adam,
//! mean squared error) and the IDEC refinement (reconstruction + γ·KL(P‖Q), with
//! P recomputed every `update_interval` steps and a stop once fewer than
//! `tolerance` of the labels change). Both check the cancel token every batch,
//! report their loss to a shared `jobs::Progress`, and draw every random number
//! from one seeded generator.

use candle_core::{Device, Result};
use ndarray::{Array2, Axis};
use rand::RngCore;
use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256Plus;

use super::arrays::{to_array2, to_tensor};
use super::dec::{hard_labels, target_distribution};
use super::learner::{Learner, soft_assignments};
use super::noise::Noise;
use crate::jobs::{CancelToken, Progress};

/// Knobs of both training stages.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    pub batch: usize,
    pub pretrain_epochs: usize,
    pub pretrain_lr: f64,
    /// Share of the input zeroed by the denoising corruption.
    pub masking: f32,
    pub refine_lr: f64,
    /// γ, the weight of the clustering loss against reconstruction (IDEC: 0.1).
    pub gamma: f64,
    /// Refinement steps between recomputations of the target P (0 = one epoch).
    pub update_interval: usize,
    /// Stop refining when fewer than this share of labels change between targets.
    pub tolerance: f64,
    pub max_refine_epochs: usize,
    /// Start refinement from k-means on the (smoothed) input features, carried into
    /// code space as each cluster's mean code, instead of from k-means on the codes.
    /// Measured (NMI of the final clusters): intel-scenes 0.738 vs 0.736, flowers
    /// 0.283 vs 0.242; Fashion-MNIST pixels 0.618 vs 0.588.
    pub init_from_features: bool,
    /// An epoch is a pass over at most this many photos (a fresh shuffle each time):
    /// past it, training costs the same whatever the library's size.
    pub epoch_rows: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            batch: 256,
            pretrain_epochs: 60,
            pretrain_lr: 1e-3,
            masking: 0.2,
            refine_lr: 1e-3,
            gamma: 0.1,
            update_interval: 0,
            tolerance: 0.001,
            max_refine_epochs: 30,
            init_from_features: true,
            epoch_rows: 10_000,
        }
    }
}

impl TrainConfig {
    /// Batches in one epoch over `n` photos (over `epoch_rows` of them at most).
    pub fn steps_per_epoch(&self, n: usize) -> usize {
        n.min(self.epoch_rows.max(1)).div_ceil(self.batch.max(1))
    }
}

/// What a running clustering job is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Stage {
    Features = 0,
    Pretraining = 1,
    ChoosingK = 2,
    Refining = 3,
    Saving = 4,
    /// Quick groups are stored (and shown) before the autoencoder learns.
    QuickGroups = 5,
}

impl crate::jobs::Stage for Stage {
    fn code(self) -> u8 {
        self as u8
    }

    fn from_code(code: u8) -> Self {
        match code {
            1 => Stage::Pretraining,
            2 => Stage::ChoosingK,
            3 => Stage::Refining,
            4 => Stage::Saving,
            5 => Stage::QuickGroups,
            _ => Stage::Features,
        }
    }
}

impl Stage {
    pub fn describe(self) -> &'static str {
        match self {
            Stage::Features => "Reading photos",
            Stage::Pretraining => "Learning your photos",
            Stage::ChoosingK => "Choosing the number of groups",
            Stage::Refining => "Refining the groups",
            Stage::Saving => "Saving",
            Stage::QuickGroups => "Making quick groups",
        }
    }
}

/// Training stopped because the user asked.
#[derive(Debug)]
pub struct Cancelled;

fn shuffled_batches(n: usize, batch: usize, rng: &mut Xoshiro256Plus) -> Vec<Vec<u32>> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.shuffle(rng);
    order.chunks(batch.max(1)).map(<[u32]>::to_vec).collect()
}

/// Pretrains a denoising autoencoder. Returns the last epoch's loss.
pub fn pretrain(
    learner: &mut dyn Learner,
    config: &TrainConfig,
    epochs: usize,
    rng: &mut Xoshiro256Plus,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<std::result::Result<f32, Cancelled>> {
    learner.start_pretraining(config.pretrain_lr)?;
    let (n, _) = learner.shape();
    progress.start(Stage::Pretraining, epochs);
    let mut last = f32::NAN;
    for epoch in 0..epochs {
        let (mut sum, mut count) = (0.0f32, 0usize);
        for batch in shuffled_batches(n, config.batch, rng)
            .into_iter()
            .take(config.steps_per_epoch(n))
        {
            if cancel.is_cancelled() {
                return Ok(Err(Cancelled));
            }
            let noise = Noise::new(config.masking, rng.next_u64());
            sum += learner.pretrain_step(&batch, noise)? * batch.len() as f32;
            count += batch.len();
        }
        last = sum / count.max(1) as f32;
        progress.record_loss(Stage::Pretraining, epoch, last);
        progress.set_done(epoch + 1);
    }
    Ok(Ok(last))
}

/// Where refinement ended.
pub struct Refined {
    pub centres: Array2<f32>,
    /// Soft assignments of every row, (n, k).
    pub q: Array2<f32>,
    pub epochs: usize,
    /// The share of labels that changed at the last target update.
    pub last_change: f64,
}

/// Hard labels (and their probability) of soft assignments.
pub fn labels_of(q: &Array2<f32>) -> Result<(Vec<usize>, Vec<f32>)> {
    hard_labels(&to_tensor(q, &Device::Cpu)?)
}

fn target_of(q: &Array2<f32>) -> Result<Array2<f32>> {
    to_array2(&target_distribution(&to_tensor(q, &Device::Cpu)?)?)
}

/// IDEC: refines the encoder and the cluster centres together.
pub fn refine(
    learner: &mut dyn Learner,
    initial_centres: &Array2<f32>,
    config: &TrainConfig,
    rng: &mut Xoshiro256Plus,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<std::result::Result<Refined, Cancelled>> {
    let (n, _) = learner.shape();
    learner.start_refining(initial_centres, config.refine_lr)?;
    let per_epoch = config.steps_per_epoch(n);
    let interval = if config.update_interval == 0 {
        per_epoch
    } else {
        config.update_interval
    };
    let max_steps = config.max_refine_epochs * per_epoch;
    progress.start(Stage::Refining, max_steps);
    let soft =
        |l: &dyn Learner| Ok::<_, candle_core::Error>(soft_assignments(&l.codes()?, &l.centres()));
    let mut q = soft(learner)?;
    let mut labels = labels_of(&q)?.0;
    let mut p = target_of(&q)?;
    let (mut step, mut last_change) = (0usize, 1.0f64);
    'outer: while step < max_steps {
        for batch in shuffled_batches(n, config.batch, rng) {
            if cancel.is_cancelled() {
                return Ok(Err(Cancelled));
            }
            if step > 0 && step % interval == 0 {
                q = soft(learner)?;
                let now = labels_of(&q)?.0;
                let changed = now.iter().zip(&labels).filter(|(a, b)| a != b).count();
                last_change = changed as f64 / n.max(1) as f64;
                labels = now;
                p = target_of(&q)?;
                if last_change < config.tolerance {
                    break 'outer;
                }
            }
            let rows: Vec<usize> = batch.iter().map(|&i| i as usize).collect();
            let loss =
                learner.refine_step(&batch, p.select(Axis(0), &rows).view(), config.gamma)?;
            if step % interval == 0 {
                progress.record_loss(Stage::Refining, step, loss);
            }
            step += 1;
            progress.set_done(step);
            if step >= max_steps {
                break 'outer;
            }
        }
    }
    let q = soft(learner)?;
    Ok(Ok(Refined {
        centres: learner.centres(),
        q,
        epochs: step.div_ceil(per_epoch.max(1)),
        last_change,
    }))
}
