//! The dense autoencoder trained on the CPU by hand: forward and backward passes
//! as matrix products (ndarray, over `matrixmultiply`'s SIMD kernels), the IDEC
//! gradient in its closed form (the DEC paper's, checked against candle's autograd
//! in the tests), and Adam fused into one pass over each parameter. candle spends
//! most of a small network's step outside the products (a tensor allocated per
//! operation, eight per parameter in its AdamW), and split over threads each
//! product got slower; here a batch is split into one slice per thread, each
//! slice's gradients computed alone and summed, so more cores mean more slices.
//! Same recipe, same initial weights and same results as the candle path, which
//! stays for the GPU and the convolutional network.

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use ndarray::{Array1, Array2, ArrayView2, Axis, Zip, s};
use rayon::prelude::*;

use super::arrays::{product, to_array1, to_array2};
use super::autoencoder::Autoencoder;

/// One fully connected layer, `x · w + b`, `w` as (inputs, outputs).
#[derive(Clone)]
struct Layer {
    w: Array2<f32>,
    b: Array1<f32>,
}

/// Adam's moments for one layer.
#[derive(Clone)]
struct Moments {
    w: (Array2<f32>, Array2<f32>),
    b: (Array1<f32>, Array1<f32>),
}

/// Adam (as candle's AdamW with no weight decay: β 0.9 / 0.999, ε 1e-8).
struct Adam {
    lr: f32,
    t: i32,
    layers: Vec<Moments>,
    centres: Option<(Array2<f32>, Array2<f32>)>,
}

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPS: f32 = 1e-8;

impl Adam {
    fn new(layers: &[Layer], centres: Option<&Array2<f32>>, lr: f64) -> Self {
        let zeros2 = |a: &Array2<f32>| (Array2::zeros(a.dim()), Array2::zeros(a.dim()));
        Self {
            lr: lr as f32,
            t: 0,
            layers: layers
                .iter()
                .map(|l| Moments {
                    w: zeros2(&l.w),
                    b: (Array1::zeros(l.b.len()), Array1::zeros(l.b.len())),
                })
                .collect(),
            centres: centres.map(zeros2),
        }
    }

    /// One update of every parameter from its gradient.
    fn step(&mut self, layers: &mut [Layer], grads: &Gradients, centres: Option<&mut Array2<f32>>) {
        self.t += 1;
        let (c1, c2) = (1.0 - BETA1.powi(self.t), 1.0 - BETA2.powi(self.t));
        let lr = self.lr;
        let update = |p: &mut f32, m: &mut f32, v: &mut f32, g: f32| {
            *m = BETA1 * *m + (1.0 - BETA1) * g;
            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
            *p -= lr * (*m / c1) / ((*v / c2).sqrt() + EPS);
        };
        for ((layer, moments), (gw, gb)) in
            layers.iter_mut().zip(&mut self.layers).zip(&grads.layers)
        {
            Zip::from(&mut layer.w)
                .and(&mut moments.w.0)
                .and(&mut moments.w.1)
                .and(gw)
                .par_for_each(|p, m, v, &g| update(p, m, v, g));
            Zip::from(&mut layer.b)
                .and(&mut moments.b.0)
                .and(&mut moments.b.1)
                .and(gb)
                .for_each(|p, m, v, &g| update(p, m, v, g));
        }
        if let (Some(c), Some((m, v)), Some(g)) = (centres, self.centres.as_mut(), &grads.centres) {
            Zip::from(c)
                .and(m)
                .and(v)
                .and(g)
                .for_each(|p, m, v, &g| update(p, m, v, g));
        }
    }
}

/// Gradients of the loss, summed over a batch slice.
struct Gradients {
    layers: Vec<(Array2<f32>, Array1<f32>)>,
    centres: Option<Array2<f32>>,
    /// The loss summed over the slice's rows (divided by the batch size later).
    loss: f64,
}

impl Gradients {
    fn add(mut self, other: Gradients) -> Gradients {
        for ((w, b), (ow, ob)) in self.layers.iter_mut().zip(other.layers) {
            *w += &ow;
            *b += &ob;
        }
        if let (Some(c), Some(oc)) = (self.centres.as_mut(), other.centres) {
            *c += &oc;
        }
        self.loss += other.loss;
        self
    }
}

/// What the clustering term needs: the batch's targets, its weight γ, the centres.
pub struct Clustering<'a> {
    pub p: ArrayView2<'a, f32>,
    pub gamma: f32,
    pub centres: &'a Array2<f32>,
}

/// The dense autoencoder's weights, trained by hand.
pub struct DenseCpu {
    dims: Vec<usize>,
    /// The encoder's layers, then the decoder's.
    layers: Vec<Layer>,
    adam: Option<Adam>,
}

impl DenseCpu {
    /// The weights of `ae` (its initial or stored ones).
    pub fn from_autoencoder(ae: &Autoencoder) -> candle_core::Result<Self> {
        let named = ae.named_tensors();
        let depth = ae.dims().len() - 1;
        let mut layers = Vec::with_capacity(2 * depth);
        for side in ["encoder", "decoder"] {
            for i in 0..depth {
                let get = |what: &str| {
                    named.get(&format!("{side}.{i}.{what}")).ok_or_else(|| {
                        candle_core::Error::Msg(format!("no {side}.{i}.{what} in the autoencoder"))
                    })
                };
                layers.push(Layer {
                    w: to_array2(get("weight")?)?,
                    b: to_array1(get("bias")?)?,
                });
            }
        }
        Ok(Self {
            dims: ae.dims().to_vec(),
            layers,
            adam: None,
        })
    }

    /// The trained weights as named tensors (as `Autoencoder::named_tensors` names them).
    pub fn named_tensors(&self, device: &Device) -> candle_core::Result<HashMap<String, Tensor>> {
        let depth = self.dims.len() - 1;
        let mut out = HashMap::new();
        for (index, layer) in self.layers.iter().enumerate() {
            let side = if index < depth { "encoder" } else { "decoder" };
            let i = index % depth;
            let w: Vec<f32> = layer.w.iter().copied().collect();
            out.insert(
                format!("{side}.{i}.weight"),
                Tensor::from_vec(w, layer.w.dim(), device)?,
            );
            out.insert(
                format!("{side}.{i}.bias"),
                Tensor::from_vec(layer.b.to_vec(), layer.b.len(), device)?,
            );
        }
        Ok(out)
    }

    /// A fresh optimiser (each training stage starts its own, as the candle path does).
    pub fn start_optimiser(&mut self, lr: f64, centres: Option<&Array2<f32>>) {
        self.adam = Some(Adam::new(&self.layers, centres, lr));
    }

    fn depth(&self) -> usize {
        self.dims.len() - 1
    }

    /// ReLU after every layer but each side's last.
    fn has_relu(&self, index: usize) -> bool {
        let depth = self.depth();
        index % depth != depth - 1
    }

    /// The codes of `x`'s rows, in parallel blocks.
    pub fn encode(&self, x: ArrayView2<f32>) -> Array2<f32> {
        let code = self.dims[self.depth()];
        let mut out = Array2::zeros((x.nrows(), code));
        out.axis_chunks_iter_mut(Axis(0), 1024)
            .into_par_iter()
            .zip(x.axis_chunks_iter(Axis(0), 1024).into_par_iter())
            .for_each(|(mut o, xb)| {
                let mut h = xb.to_owned();
                for (i, layer) in self.layers[..self.depth()].iter().enumerate() {
                    h = self.forward_layer(i, layer, &h);
                }
                o.assign(&h);
            });
        out
    }

    fn forward_layer(&self, index: usize, layer: &Layer, x: &Array2<f32>) -> Array2<f32> {
        let mut z = product(x.view(), layer.w.view()) + &layer.b;
        if self.has_relu(index) {
            z.mapv_inplace(|v| v.max(0.0));
        }
        z
    }

    /// Gradients of one slice of a batch: `input` the (masked) rows fed in,
    /// `target` what the output should be, `rows` the batch size (the mean's
    /// divisor). With `clustering`, IDEC's γ·KL(P‖Q) is added on the codes.
    fn slice_gradients(
        &self,
        input: ArrayView2<f32>,
        target: ArrayView2<f32>,
        rows: usize,
        clustering: Option<&Clustering>,
        offset: usize,
    ) -> Gradients {
        let depth = self.depth();
        let mut acts = vec![input.to_owned()];
        for (i, layer) in self.layers.iter().enumerate() {
            let next = self.forward_layer(i, layer, &acts[i]);
            acts.push(next);
        }
        let out = &acts[2 * depth];
        let scale = 2.0 / (rows * target.ncols()) as f32;
        let diff = out - &target;
        let mut loss = f64::from(diff.iter().map(|d| d * d).sum::<f32>()) / target.ncols() as f64;
        let mut grad = diff * scale;
        let mut layers = vec![(Array2::zeros((0, 0)), Array1::zeros(0)); 2 * depth];
        let mut centres_grad = None;
        for index in (0..2 * depth).rev() {
            if self.has_relu(index) {
                Zip::from(&mut grad)
                    .and(&acts[index + 1])
                    .for_each(|g, &a| {
                        if a <= 0.0 {
                            *g = 0.0;
                        }
                    });
            }
            if index == depth - 1
                && let Some(c) = clustering
            {
                let (g_codes, g_centres, kl) = kl_gradients(&acts[depth], c, rows, offset);
                grad += &g_codes;
                centres_grad = Some(g_centres);
                loss += f64::from(c.gamma) * kl;
            }
            let layer = &self.layers[index];
            let gw = product(acts[index].t(), grad.view());
            let gb = grad.sum_axis(Axis(0));
            if index > 0 {
                grad = product(grad.view(), layer.w.t());
            }
            layers[index] = (gw, gb);
        }
        Gradients {
            layers,
            centres: centres_grad,
            loss,
        }
    }

    /// One Adam step on a batch; returns its mean loss (reconstruction, plus γ·KL
    /// with `clustering`). `centres` are updated with the clustering term.
    pub fn step(
        &mut self,
        input: ArrayView2<f32>,
        target: ArrayView2<f32>,
        clustering: Option<&Clustering>,
        centres: Option<&mut Array2<f32>>,
    ) -> f32 {
        let rows = input.nrows();
        let threads = rayon::current_num_threads().max(1);
        let per = rows.div_ceil(threads).max(32);
        let starts: Vec<usize> = (0..rows).step_by(per).collect();
        let grads = starts
            .par_iter()
            .map(|&start| {
                let end = (start + per).min(rows);
                self.slice_gradients(
                    input.slice(s![start..end, ..]),
                    target.slice(s![start..end, ..]),
                    rows,
                    clustering,
                    start,
                )
            })
            .reduce_with(Gradients::add);
        let Some(grads) = grads else {
            return f32::NAN;
        };
        if let Some(adam) = self.adam.as_mut() {
            adam.step(&mut self.layers, &grads, centres);
        }
        (grads.loss / rows as f64) as f32
    }
}

/// The gradients of the clustering term γ·KL(P‖Q), the mean over the `rows` of a
/// batch, with respect to a slice's codes `z` and the centres (the DEC paper's
/// closed form), and the slice's KL summed over its rows. `offset`: where the
/// slice starts in the batch (its rows of P).
fn kl_gradients(
    z: &Array2<f32>,
    c: &Clustering,
    rows: usize,
    offset: usize,
) -> (Array2<f32>, Array2<f32>, f64) {
    let (n, k) = (z.nrows(), c.centres.nrows());
    let mut gz = Array2::zeros(z.dim());
    let mut gc = Array2::zeros(c.centres.dim());
    let mut kl = 0.0f64;
    let scale = 2.0 * c.gamma / rows as f32;
    let mut kernel = vec![0f32; k];
    for i in 0..n {
        let zi = z.row(i);
        for (j, kj) in kernel.iter_mut().enumerate() {
            let d: f32 = zi
                .iter()
                .zip(c.centres.row(j))
                .map(|(a, b)| (a - b) * (a - b))
                .sum();
            *kj = 1.0 / (1.0 + d);
        }
        let total: f32 = kernel.iter().sum();
        for (j, &kj) in kernel.iter().enumerate() {
            let q = kj / total;
            let p = c.p[[offset + i, j]];
            if p > 0.0 {
                kl += f64::from(p) * (f64::from(p.max(1e-12)).ln() - f64::from(q.max(1e-12)).ln());
            }
            let w = scale * kj * (p - q);
            for (((g, &a), &b), gcv) in gz
                .row_mut(i)
                .iter_mut()
                .zip(zi)
                .zip(c.centres.row(j))
                .zip(gc.row_mut(j).iter_mut())
            {
                *g += w * (a - b);
                *gcv -= w * (a - b);
            }
        }
    }
    (gz, gc, kl)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::dec::{kl_divergence, soft_assignment, target_distribution};
    use candle_core::Var;

    fn random(shape: (usize, usize), seed: u64) -> Array2<f32> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256Plus::seed_from_u64(seed);
        Array2::from_shape_fn(shape, |_| rng.gen_range(-1.0f32..1.0))
    }

    fn tensor(a: &Array2<f32>) -> Tensor {
        crate::ml::arrays::to_tensor(a, &Device::Cpu).expect("tensor")
    }

    /// The hand gradients equal candle's autograd of the same loss, for the
    /// reconstruction alone and with the clustering term.
    #[test]
    fn gradients_match_candle_autograd() {
        let dims = [6, 5, 3];
        let ae = Autoencoder::new(&dims, 3, &Device::Cpu).expect("ae");
        let hand = DenseCpu::from_autoencoder(&ae).expect("hand");
        let x = random((7, 6), 1);
        let centres = random((4, 3), 2);
        let x_t = tensor(&x);
        let centres_var = Var::from_tensor(&tensor(&centres)).expect("var");
        let q = soft_assignment(&ae.encode(&x_t).expect("z"), centres_var.as_tensor()).expect("q");
        let p_t = target_distribution(&q).expect("p");
        let p = to_array2(&p_t).expect("p");
        for with_kl in [false, true] {
            let z = ae.encode(&x_t).expect("z");
            let recon = (ae.decode(&z).expect("out") - &x_t)
                .and_then(|d| d.sqr())
                .and_then(|d| d.mean_all())
                .expect("mse");
            let loss = if with_kl {
                let kl = kl_divergence(
                    &p_t,
                    &soft_assignment(&z, centres_var.as_tensor()).expect("q"),
                )
                .expect("kl");
                (recon + (kl * 0.1).expect("γ")).expect("sum")
            } else {
                recon
            };
            let autograd = loss.backward().expect("backward");
            let clustering = Clustering {
                p: p.view(),
                gamma: 0.1,
                centres: &centres,
            };
            // Two slices, as two threads would split the batch.
            let grads = hand
                .slice_gradients(
                    x.slice(s![..3, ..]),
                    x.slice(s![..3, ..]),
                    7,
                    with_kl.then_some(&clustering),
                    0,
                )
                .add(hand.slice_gradients(
                    x.slice(s![3.., ..]),
                    x.slice(s![3.., ..]),
                    7,
                    with_kl.then_some(&clustering),
                    3,
                ));
            let expected_loss: f32 = loss.to_scalar().expect("loss");
            assert!(((grads.loss / 7.0) as f32 - expected_loss).abs() < 1e-5);
            let named = ae.named_tensors();
            for (index, (gw, gb)) in grads.layers.iter().enumerate() {
                let (side, i) = if index < 2 {
                    ("encoder", index)
                } else {
                    ("decoder", index - 2)
                };
                let w = named[&format!("{side}.{i}.weight")].clone();
                let b = named[&format!("{side}.{i}.bias")].clone();
                let want_w = to_array2(autograd.get(&w).expect("grad w")).expect("w");
                let want_b = to_array1(autograd.get(&b).expect("grad b")).expect("b");
                let worst = (&want_w - gw)
                    .iter()
                    .chain((&want_b - gb).iter())
                    .fold(0f32, |m, v| m.max(v.abs()));
                assert!(worst < 1e-5, "{side}.{i}, kl {with_kl}: off by {worst}");
            }
            if with_kl {
                let want =
                    to_array2(autograd.get(centres_var.as_tensor()).expect("grad c")).expect("c");
                let got = grads.centres.as_ref().expect("centre gradients");
                let worst = (&want - got).iter().fold(0f32, |m, v| m.max(v.abs()));
                assert!(worst < 1e-5, "centres off by {worst}");
            }
        }
    }

    #[test]
    fn training_steps_lower_the_loss_and_round_trip_the_weights() {
        let ae = Autoencoder::new(&[8, 6, 2], 1, &Device::Cpu).expect("ae");
        let mut hand = DenseCpu::from_autoencoder(&ae).expect("hand");
        let back = Autoencoder::from_tensors(
            &[8, 6, 2],
            &hand.named_tensors(&Device::Cpu).expect("named"),
        )
        .expect("load")
        .expect("fits");
        let x = random((64, 8), 5);
        let codes = |a: &Autoencoder| to_array2(&a.encode(&tensor(&x)).expect("z")).expect("z");
        assert_eq!(codes(&back), codes(&ae));
        let worst = (&hand.encode(x.view()) - &codes(&ae))
            .iter()
            .fold(0f32, |m, v| m.max(v.abs()));
        assert!(worst < 1e-5, "{worst}");
        hand.start_optimiser(1e-2, None);
        let first = hand.step(x.view(), x.view(), None, None);
        let mut last = first;
        for _ in 0..200 {
            last = hand.step(x.view(), x.view(), None, None);
        }
        assert!(last < 0.5 * first, "{first} -> {last}");
    }
}
