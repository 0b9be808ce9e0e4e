//! Training loops: the denoising autoencoder's pretraining (masking noise, Adam,
//! mean squared error) and the IDEC refinement (reconstruction + γ·KL(P‖Q), with
//! P recomputed every `update_interval` steps and a stop once fewer than
//! `tolerance` of the labels change). Both check the cancel token every batch,
//! report their loss to a shared `jobs::Progress`, and draw every random number
//! from one seeded generator.

use candle_core::{Result, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_xoshiro::Xoshiro256Plus;

use super::dec::{hard_labels, kl_divergence, soft_assignment, target_distribution};
use super::network::Network;
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
        }
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

fn rows(data: &Tensor, indices: &[u32]) -> Result<Tensor> {
    let idx = Tensor::from_slice(indices, indices.len(), data.device())?;
    data.index_select(&idx, 0)
}

/// Dropout-style masking noise: each input zeroed with probability `p`, the rest scaled up.
fn masked(x: &Tensor, p: f32, rng: &mut Xoshiro256Plus) -> Result<Tensor> {
    if p <= 0.0 {
        return Ok(x.clone());
    }
    let keep = 1.0 / (1.0 - p);
    let mask: Vec<f32> = (0..x.elem_count())
        .map(|_| {
            if rng.gen_bool(f64::from(p)) {
                0.0
            } else {
                keep
            }
        })
        .collect();
    x * Tensor::from_vec(mask, x.shape(), x.device())?
}

/// Pretrains `ae` as a denoising autoencoder on `data` (n, d). Returns the last epoch's loss.
pub fn pretrain(
    ae: &Network,
    data: &Tensor,
    config: &TrainConfig,
    epochs: usize,
    rng: &mut Xoshiro256Plus,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<std::result::Result<f32, Cancelled>> {
    let params = ParamsAdamW {
        lr: config.pretrain_lr,
        weight_decay: 0.0,
        ..ParamsAdamW::default()
    };
    let mut opt = AdamW::new(ae.vars(), params)?;
    progress.start(Stage::Pretraining, epochs);
    let mut last = f32::NAN;
    for epoch in 0..epochs {
        let (mut sum, mut count) = (0.0f32, 0usize);
        for batch in shuffled_batches(data.dim(0)?, config.batch, rng) {
            if cancel.is_cancelled() {
                return Ok(Err(Cancelled));
            }
            let x = rows(data, &batch)?;
            let recon = ae.decode(&ae.encode(&masked(&x, config.masking, rng)?)?)?;
            let loss = (recon - &x)?.sqr()?.mean_all()?;
            opt.backward_step(&loss)?;
            sum += loss.to_scalar::<f32>()? * batch.len() as f32;
            count += batch.len();
        }
        last = sum / count.max(1) as f32;
        progress.record_loss(Stage::Pretraining, epoch, last);
        progress.set_done(epoch + 1);
    }
    Ok(Ok(last))
}

/// The codes of all rows, computed in chunks.
pub fn encode_all(ae: &Network, data: &Tensor) -> Result<Tensor> {
    let n = data.dim(0)?;
    let parts = (0..n)
        .step_by(4096)
        .map(|s| ae.encode(&data.narrow(0, s, 4096.min(n - s))?))
        .collect::<Result<Vec<_>>>()?;
    Tensor::cat(&parts, 0)?.detach().contiguous()
}

/// Where refinement ended.
pub struct Refined {
    pub centres: Tensor,
    /// Soft assignments of every row, (n, k).
    pub q: Tensor,
    pub epochs: usize,
    /// The share of labels that changed at the last target update.
    pub last_change: f64,
}

/// IDEC: refines the encoder and the cluster centres together.
pub fn refine(
    ae: &Network,
    data: &Tensor,
    initial_centres: &Tensor,
    config: &TrainConfig,
    rng: &mut Xoshiro256Plus,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<std::result::Result<Refined, Cancelled>> {
    let n = data.dim(0)?;
    let centres = Var::from_tensor(initial_centres)?;
    let mut vars = ae.vars();
    vars.push(centres.clone());
    let params = ParamsAdamW {
        lr: config.refine_lr,
        weight_decay: 0.0,
        ..ParamsAdamW::default()
    };
    let mut opt = AdamW::new(vars, params)?;
    let per_epoch = n.div_ceil(config.batch.max(1));
    let interval = if config.update_interval == 0 {
        per_epoch
    } else {
        config.update_interval
    };
    let max_steps = config.max_refine_epochs * per_epoch;
    progress.start(Stage::Refining, max_steps);
    let mut q = soft_assignment(&encode_all(ae, data)?, centres.as_tensor())?;
    let mut labels = hard_labels(&q)?.0;
    let mut p = target_distribution(&q)?;
    let (mut step, mut last_change) = (0usize, 1.0f64);
    'outer: while step < max_steps {
        for batch in shuffled_batches(n, config.batch, rng) {
            if cancel.is_cancelled() {
                return Ok(Err(Cancelled));
            }
            if step > 0 && step % interval == 0 {
                q = soft_assignment(&encode_all(ae, data)?, centres.as_tensor())?;
                let now = hard_labels(&q)?.0;
                let changed = now.iter().zip(&labels).filter(|(a, b)| a != b).count();
                last_change = changed as f64 / n.max(1) as f64;
                labels = now;
                p = target_distribution(&q)?;
                if last_change < config.tolerance {
                    break 'outer;
                }
            }
            let x = rows(data, &batch)?;
            let z = ae.encode(&x)?;
            let recon = (ae.decode(&z)? - &x)?.sqr()?.mean_all()?;
            let kl = kl_divergence(
                &rows(&p, &batch)?,
                &soft_assignment(&z, centres.as_tensor())?,
            )?;
            let loss = (&recon + (kl * config.gamma)?)?;
            opt.backward_step(&loss)?;
            if step % interval == 0 {
                progress.record_loss(Stage::Refining, step, loss.to_scalar::<f32>()?);
            }
            step += 1;
            progress.set_done(step);
            if step >= max_steps {
                break 'outer;
            }
        }
    }
    let q = soft_assignment(&encode_all(ae, data)?, centres.as_tensor())?;
    Ok(Ok(Refined {
        centres: centres.as_tensor().detach(),
        q,
        epochs: step.div_ceil(per_epoch.max(1)),
        last_change,
    }))
}
