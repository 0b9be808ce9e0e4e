//! What the training loops (`train`) need from a network being trained, so that one
//! recipe drives two engines: candle's autograd (the GPU, Metal, and the
//! convolutional network) and the hand-written dense path (`dense_cpu`), which is
//! what a laptop without a GPU runs.

use candle_core::{Device, Result, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use ndarray::{Array2, ArrayView2, Axis};

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
    /// Every row's code.
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
    for (mut row, z) in q.axis_iter_mut(Axis(0)).zip(codes.axis_iter(Axis(0))) {
        for (v, c) in row.iter_mut().zip(centres.axis_iter(Axis(0))) {
            let d: f32 = z.iter().zip(c).map(|(a, b)| (a - b) * (a - b)).sum();
            *v = 1.0 / (1.0 + d);
        }
        let total = row.sum();
        row /= total.max(f32::MIN_POSITIVE);
    }
    q
}

/// The hand-written dense path.
struct HandLearner<'a> {
    net: DenseCpu,
    dims: Vec<usize>,
    data: &'a Array2<f32>,
    centres: Array2<f32>,
}

impl<'a> HandLearner<'a> {
    fn new(ae: Autoencoder, data: &'a Array2<f32>) -> Result<Self> {
        Ok(Self {
            net: DenseCpu::from_autoencoder(&ae)?,
            dims: ae.dims().to_vec(),
            data,
            centres: Array2::zeros((0, 0)),
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
        Ok(self.net.step(x.view(), noise.as_ref(), None, None))
    }

    fn start_refining(&mut self, centres: &Array2<f32>, lr: f64) -> Result<()> {
        self.centres = centres.clone();
        self.net.start_optimiser(lr, Some(centres));
        Ok(())
    }

    fn refine_step(&mut self, batch: &[u32], p: ArrayView2<f32>, gamma: f64) -> Result<f32> {
        let x = self.batch_rows(batch);
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
        Ok(self.net.encode(self.data.view()))
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
}

impl CandleLearner {
    fn new(net: Network, data: &Array2<f32>, device: &Device) -> Result<Self> {
        Ok(Self {
            net,
            data: to_tensor(data, device)?,
            opt: None,
            centres: None,
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
        to_array2(&encode_all(&self.net, &self.data)?)
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
