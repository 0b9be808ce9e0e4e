//! What the training loops (`train`) need from a network being trained, so that one
//! recipe drives two engines: candle's autograd (the GPU, Metal, and the
//! convolutional network) and the hand-written dense path (`dense_cpu`), which is
//! what a laptop without a GPU runs.

use std::cell::OnceCell;

use candle_core::{Device, Result, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;

use super::arrays::{to_array2, to_tensor};
use super::autoencoder::Autoencoder;
use super::dec::{kl_divergence, soft_assignment};
use super::dense_cpu::{Clustering, DenseCpu};
use super::network::Network;
use super::noise::Noise;

/// A network being trained on a fixed set of rows.
pub trait Learner {
    /// Rows and values per row of the training data.
    fn shape(&self) -> (usize, usize);
    /// A fresh optimiser over the network's weights.
    fn start_pretraining(&mut self, lr: f64) -> Result<()>;
    /// One denoising step on the rows `batch`, masked by `noise` (their row
    /// numbers in the batch drawing the masks); the batch's mean loss.
    fn pretrain_step(&mut self, batch: &[u32], noise: Option<Noise>) -> Result<f32>;
    /// A fresh optimiser over the weights and the cluster centres.
    fn start_refining(&mut self, centres: &Array2<f32>, lr: f64) -> Result<()>;
    /// One IDEC step on `batch`, `p` its rows of the target; the batch's mean loss.
    fn refine_step(&mut self, batch: &[u32], p: ArrayView2<f32>, gamma: f64) -> Result<f32>;
    /// Every row's code (computed once for the same weights).
    fn codes(&self) -> Result<Array2<f32>>;
    /// The centres as refined so far.
    fn centres(&self) -> Array2<f32>;
    /// The trained network.
    fn into_network(self: Box<Self>) -> Result<Network>;
}

/// The learner for `net` on `data`: by hand on the CPU for the dense network,
/// candle otherwise.
pub fn learner<'a>(
    net: Network,
    data: &'a Array2<f32>,
    device: &Device,
) -> Result<Box<dyn Learner + 'a>> {
    match net {
        Network::Dense(ae) if device.is_cpu() => Ok(Box::new(HandLearner::new(ae, data)?)),
        net => Ok(Box::new(CandleLearner::new(net, data, device)?)),
    }
}

/// Student-t soft assignments of `codes` to `centres`, as `dec::soft_assignment`.
pub fn soft_assignments(codes: &Array2<f32>, centres: &Array2<f32>) -> Array2<f32> {
    let mut q = Array2::zeros((codes.nrows(), centres.nrows()));
    q.axis_iter_mut(Axis(0))
        .into_par_iter()
        .zip(codes.axis_iter(Axis(0)))
        .for_each(|(mut row, z)| {
            for (v, c) in row.iter_mut().zip(centres.axis_iter(Axis(0))) {
                let d: f32 = z.iter().zip(c).map(|(a, b)| (a - b) * (a - b)).sum();
                *v = 1.0 / (1.0 + d);
            }
            let total = row.sum();
            row /= total.max(f32::MIN_POSITIVE);
        });
    q
}

/// Every row's code for the weights as they are, kept until a step changes them.
/// The loops ask for them more than once between steps (k-means after
/// pretraining, then refinement's first target; refinement's last target, then
/// the codes saved), and at 100,000 photos encoding every row is 41 GFLOP.
#[derive(Default)]
struct KeptCodes(OnceCell<Array2<f32>>);

impl KeptCodes {
    /// The kept codes, or those of `encode`, kept.
    fn get_or(&self, encode: impl FnOnce() -> Result<Array2<f32>>) -> Result<Array2<f32>> {
        if let Some(codes) = self.0.get() {
            return Ok(codes.clone());
        }
        let codes = encode()?;
        Ok(self.0.get_or_init(|| codes).clone())
    }

    /// Called on every change of the weights.
    fn forget(&mut self) {
        self.0.take();
    }
}

/// The hand-written dense path.
struct HandLearner<'a> {
    net: DenseCpu,
    dims: Vec<usize>,
    data: &'a Array2<f32>,
    centres: Array2<f32>,
    codes: KeptCodes,
}

impl<'a> HandLearner<'a> {
    fn new(ae: Autoencoder, data: &'a Array2<f32>) -> Result<Self> {
        Ok(Self {
            net: DenseCpu::from_autoencoder(&ae)?,
            dims: ae.dims().to_vec(),
            data,
            centres: Array2::zeros((0, 0)),
            codes: KeptCodes::default(),
        })
    }

    fn batch_rows(&self, batch: &[u32]) -> Array2<f32> {
        let rows: Vec<usize> = batch.iter().map(|&i| i as usize).collect();
        self.data.select(Axis(0), &rows)
    }
}

impl Learner for HandLearner<'_> {
    fn shape(&self) -> (usize, usize) {
        self.data.dim()
    }

    fn start_pretraining(&mut self, lr: f64) -> Result<()> {
        self.net.start_optimiser(lr, None);
        Ok(())
    }

    fn pretrain_step(&mut self, batch: &[u32], noise: Option<Noise>) -> Result<f32> {
        let x = self.batch_rows(batch);
        self.codes.forget();
        Ok(self.net.step(x.view(), noise.as_ref(), None, None))
    }

    fn start_refining(&mut self, centres: &Array2<f32>, lr: f64) -> Result<()> {
        self.centres = centres.clone();
        self.net.start_optimiser(lr, Some(centres));
        Ok(())
    }

    fn refine_step(&mut self, batch: &[u32], p: ArrayView2<f32>, gamma: f64) -> Result<f32> {
        let x = self.batch_rows(batch);
        self.codes.forget();
        let before = self.centres.clone();
        let clustering = Clustering {
            p: p.view(),
            gamma: gamma as f32,
            centres: &before,
        };
        Ok(self
            .net
            .step(x.view(), None, Some(&clustering), Some(&mut self.centres)))
    }

    fn codes(&self) -> Result<Array2<f32>> {
        self.codes.get_or(|| Ok(self.net.encode(self.data.view())))
    }

    fn centres(&self) -> Array2<f32> {
        self.centres.clone()
    }

    fn into_network(self: Box<Self>) -> Result<Network> {
        let tensors = self.net.named_tensors(&Device::Cpu)?;
        Autoencoder::from_tensors(&self.dims, &tensors)?
            .map(Network::Dense)
            .ok_or_else(|| candle_core::Error::Msg("the trained layers lost their sizes".into()))
    }
}

/// candle's autograd and AdamW.
struct CandleLearner {
    net: Network,
    data: Tensor,
    opt: Option<AdamW>,
    centres: Option<Var>,
    codes: KeptCodes,
}

impl CandleLearner {
    fn new(net: Network, data: &Array2<f32>, device: &Device) -> Result<Self> {
        Ok(Self {
            net,
            data: to_tensor(data, device)?,
            opt: None,
            centres: None,
            codes: KeptCodes::default(),
        })
    }

    fn rows(&self, batch: &[u32]) -> Result<Tensor> {
        let idx = Tensor::from_slice(batch, batch.len(), self.data.device())?;
        self.data.index_select(&idx, 0)
    }

    fn adam(vars: Vec<Var>, lr: f64) -> Result<AdamW> {
        let params = ParamsAdamW {
            lr,
            weight_decay: 0.0,
            ..ParamsAdamW::default()
        };
        AdamW::new(vars, params)
    }

    fn centres_var(&self) -> Result<&Var> {
        self.centres
            .as_ref()
            .ok_or_else(|| candle_core::Error::Msg("refining before the centres were set".into()))
    }

    fn optimise(&mut self, loss: &Tensor) -> Result<f32> {
        self.codes.forget();
        if let Some(opt) = self.opt.as_mut() {
            opt.backward_step(loss)?;
        }
        loss.to_scalar::<f32>()
    }
}

impl Learner for CandleLearner {
    fn shape(&self) -> (usize, usize) {
        self.data.dims2().unwrap_or((0, 0))
    }

    fn start_pretraining(&mut self, lr: f64) -> Result<()> {
        self.opt = Some(Self::adam(self.net.vars(), lr)?);
        Ok(())
    }

    fn pretrain_step(&mut self, batch: &[u32], noise: Option<Noise>) -> Result<f32> {
        let x = self.rows(batch)?;
        let input = match noise {
            Some(noise) => {
                let factors = noise.factors(batch.len(), x.elem_count() / batch.len().max(1));
                (&x * Tensor::from_vec(factors, x.shape(), x.device())?)?
            }
            None => x.clone(),
        };
        let recon = self.net.decode(&self.net.encode(&input)?)?;
        let loss = (recon - &x)?.sqr()?.mean_all()?;
        self.optimise(&loss)
    }

    fn start_refining(&mut self, centres: &Array2<f32>, lr: f64) -> Result<()> {
        let var = Var::from_tensor(&to_tensor(centres, self.data.device())?)?;
        let mut vars = self.net.vars();
        vars.push(var.clone());
        self.centres = Some(var);
        self.opt = Some(Self::adam(vars, lr)?);
        Ok(())
    }

    fn refine_step(&mut self, batch: &[u32], p: ArrayView2<f32>, gamma: f64) -> Result<f32> {
        let x = self.rows(batch)?;
        let z = self.net.encode(&x)?;
        let recon = (self.net.decode(&z)? - &x)?.sqr()?.mean_all()?;
        let q = soft_assignment(&z, self.centres_var()?.as_tensor())?;
        let p = to_tensor(&p.to_owned(), x.device())?;
        let loss = (&recon + (kl_divergence(&p, &q)? * gamma)?)?;
        self.optimise(&loss)
    }

    fn codes(&self) -> Result<Array2<f32>> {
        self.codes
            .get_or(|| to_array2(&encode_all(&self.net, &self.data)?))
    }

    fn centres(&self) -> Array2<f32> {
        self.centres
            .as_ref()
            .and_then(|c| to_array2(c.as_tensor()).ok())
            .unwrap_or_else(|| Array2::zeros((0, 0)))
    }

    fn into_network(self: Box<Self>) -> Result<Network> {
        Ok(self.net)
    }
}

/// The codes of all rows, computed in chunks (candle).
pub fn encode_all(ae: &Network, data: &Tensor) -> Result<Tensor> {
    let n = data.dim(0)?;
    let parts = (0..n)
        .step_by(4096)
        .map(|s| ae.encode(&data.narrow(0, s, 4096.min(n - s))?))
        .collect::<Result<Vec<_>>>()?;
    Tensor::cat(&parts, 0)?.detach().contiguous()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_now(learner: Box<dyn Learner + '_>, data: &Array2<f32>) -> Array2<f32> {
        let net = learner.into_network().expect("network");
        to_array2(&encode_all(&net, &to_tensor(data, &Device::Cpu).expect("t")).expect("z"))
            .expect("codes")
    }

    fn largest_difference(a: &Array2<f32>, b: &Array2<f32>) -> f32 {
        (a - b).iter().fold(0f32, |m, v| m.max(v.abs()))
    }

    /// The codes kept between steps are those of the weights as they are: the same
    /// when asked twice, new after a pretraining or a refining step.
    #[test]
    fn codes_are_those_of_the_weights_after_every_step() {
        let data = Array2::from_shape_fn((40, 6), |(i, j)| ((i * 5 + j * 3) % 7) as f32 * 0.2);
        let batch: Vec<u32> = (0..40).collect();
        for hand in [true, false] {
            let ae = Autoencoder::new(&[6, 5, 2], 1, &Device::Cpu).expect("ae");
            let mut learner: Box<dyn Learner> = if hand {
                Box::new(HandLearner::new(ae, &data).expect("hand"))
            } else {
                Box::new(CandleLearner::new(Network::Dense(ae), &data, &Device::Cpu).expect("c"))
            };
            let first = learner.codes().expect("codes");
            assert_eq!(learner.codes().expect("again"), first);
            learner.start_pretraining(0.05).expect("start");
            learner.pretrain_step(&batch, None).expect("step");
            let pretrained = learner.codes().expect("codes");
            assert!(
                largest_difference(&pretrained, &first) > 1e-4,
                "hand {hand}"
            );
            let centres = pretrained.slice(ndarray::s![..3, ..]).to_owned();
            learner.start_refining(&centres, 0.05).expect("start");
            let p = Array2::from_elem((40, 3), 1.0 / 3.0);
            learner.refine_step(&batch, p.view(), 0.1).expect("step");
            let refined = learner.codes().expect("codes");
            assert!(
                largest_difference(&refined, &pretrained) > 1e-4,
                "hand {hand}"
            );
            let now = codes_now(learner, &data);
            assert!(largest_difference(&refined, &now) < 1e-5, "hand {hand}");
        }
    }
}
