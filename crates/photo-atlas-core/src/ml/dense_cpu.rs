//! The dense autoencoder trained on the CPU by hand: forward and backward passes
//! as matrix products (the `gemm` crate) into buffers kept from step to step, the
//! IDEC gradient in its closed form (the DEC paper's, checked against candle's
//! autograd in the tests), and Adam over one flat parameter vector
//! (`super::adam`). candle spends most of a small network's step outside the
//! products (a tensor allocated per operation, eight per parameter in its AdamW),
//! and split over threads each product got slower; here a batch is split into one
//! slice per physical core, each slice's gradients computed alone and summed, so
//! more cores mean more slices. Same recipe and initial weights as the candle path,
//! which stays for the GPU and the convolutional network.

use std::collections::HashMap;
use std::ops::Range;

use candle_core::{Device, Tensor};
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis, s};
use rayon::prelude::*;

use super::adam::Adam;
use super::arrays::{product_into, to_array1, to_array2};
use super::autoencoder::Autoencoder;
use super::elementwise::{fill_rows, relu, relu_gradient, sum_rows};
use super::noise::Noise;

/// Where one fully connected layer, `x · w + b` (`w` as (inputs, outputs)), lies
/// in the flat parameter vector: its weights row-major, then its bias.
#[derive(Clone, Copy, Debug)]
struct Slot {
    at: usize,
    inputs: usize,
    outputs: usize,
}

impl Slot {
    fn weights(self) -> Range<usize> {
        self.at..self.at + self.inputs * self.outputs
    }

    fn bias(self) -> Range<usize> {
        let start = self.weights().end;
        start..start + self.outputs
    }

    fn end(self) -> usize {
        self.bias().end
    }

    fn w(self, params: &[f32]) -> ArrayView2<'_, f32> {
        matrix(&params[self.weights()], self.inputs, self.outputs)
    }
}

/// The values of a view made by `matrix_mut`, in order.
fn contiguous<'a>(view: &'a mut ArrayViewMut2<f32>) -> &'a mut [f32] {
    view.as_slice_mut().expect("buffers are row-major")
}

fn matrix(data: &[f32], rows: usize, cols: usize) -> ArrayView2<'_, f32> {
    ArrayView2::from_shape((rows, cols), &data[..rows * cols]).expect("a buffer of the right size")
}

fn matrix_mut(data: &mut Vec<f32>, rows: usize, cols: usize) -> ArrayViewMut2<'_, f32> {
    if data.len() < rows * cols {
        data.resize(rows * cols, 0.0);
    }
    ArrayViewMut2::from_shape((rows, cols), &mut data[..rows * cols])
        .expect("a buffer of the right size")
}

/// What the clustering term needs: the batch's targets, its weight γ, the centres.
pub struct Clustering<'a> {
    pub p: ArrayView2<'a, f32>,
    pub gamma: f32,
    pub centres: &'a Array2<f32>,
}

/// The layers and their parameters (the encoder's layers, then the decoder's).
struct Net {
    dims: Vec<usize>,
    slots: Vec<Slot>,
    params: Vec<f32>,
}

/// One thread's buffers for its slice of a batch, kept between steps.
#[derive(Default)]
struct Workspace {
    /// Each layer's output, row-major.
    outputs: Vec<Vec<f32>>,
    /// The slice's rows as fed in, when they are masked.
    input: Vec<f32>,
    /// The gradient flowing back, and the next one being made.
    grad: Vec<f32>,
    back: Vec<f32>,
    /// The gradient of every parameter, laid out as the parameters.
    params: Vec<f32>,
    /// The gradient of the centres (row-major).
    centres: Vec<f32>,
    /// The loss summed over the slice's rows (divided by the batch size later).
    loss: f64,
}

/// The dense autoencoder's weights, trained by hand.
pub struct DenseCpu {
    net: Net,
    work: Vec<Workspace>,
    adam: Option<Adam>,
    centres_adam: Option<Adam>,
}

impl DenseCpu {
    /// The weights of `ae` (its initial or stored ones).
    pub fn from_autoencoder(ae: &Autoencoder) -> candle_core::Result<Self> {
        let named = ae.named_tensors();
        let dims = ae.dims().to_vec();
        let depth = dims.len() - 1;
        let (mut slots, mut params) = (Vec::with_capacity(2 * depth), Vec::new());
        for side in ["encoder", "decoder"] {
            for i in 0..depth {
                let get = |what: &str| {
                    named.get(&format!("{side}.{i}.{what}")).ok_or_else(|| {
                        candle_core::Error::Msg(format!("no {side}.{i}.{what} in the autoencoder"))
                    })
                };
                let w = to_array2(get("weight")?)?;
                let slot = Slot {
                    at: params.len(),
                    inputs: w.nrows(),
                    outputs: w.ncols(),
                };
                params.extend(w.iter());
                params.extend(to_array1(get("bias")?)?.iter());
                debug_assert_eq!(params.len(), slot.end());
                slots.push(slot);
            }
        }
        Ok(Self {
            net: Net {
                dims,
                slots,
                params,
            },
            work: Vec::new(),
            adam: None,
            centres_adam: None,
        })
    }

    /// The trained weights as named tensors (as `Autoencoder::named_tensors` names them).
    pub fn named_tensors(&self, device: &Device) -> candle_core::Result<HashMap<String, Tensor>> {
        let depth = self.net.depth();
        let mut out = HashMap::new();
        for (index, slot) in self.net.slots.iter().enumerate() {
            let side = if index < depth { "encoder" } else { "decoder" };
            let i = index % depth;
            let w = self.net.params[slot.weights()].to_vec();
            out.insert(
                format!("{side}.{i}.weight"),
                Tensor::from_vec(w, (slot.inputs, slot.outputs), device)?,
            );
            out.insert(
                format!("{side}.{i}.bias"),
                Tensor::from_vec(self.net.params[slot.bias()].to_vec(), slot.outputs, device)?,
            );
        }
        Ok(out)
    }

    /// A fresh optimiser (each training stage starts its own, as the candle path does).
    pub fn start_optimiser(&mut self, lr: f64, centres: Option<&Array2<f32>>) {
        self.adam = Some(Adam::new(self.net.params.len(), lr));
        self.centres_adam = centres.map(|c| Adam::new(c.len(), lr));
    }

    /// The codes of `x`'s rows, in parallel blocks.
    pub fn encode(&self, x: ArrayView2<f32>) -> Array2<f32> {
        let net = &self.net;
        let depth = net.depth();
        let mut out = Array2::zeros((x.nrows(), net.dims[depth]));
        out.axis_chunks_iter_mut(Axis(0), 1024)
            .into_par_iter()
            .zip(x.axis_chunks_iter(Axis(0), 1024).into_par_iter())
            .for_each(|(mut o, xb)| {
                let mut work = Workspace::default();
                net.forward(&mut work, xb, depth);
                o.assign(&matrix(&work.outputs[depth - 1], xb.nrows(), o.ncols()));
            });
        out
    }

    /// One Adam step on a batch `x` (masked by `noise` on the way in, when there is
    /// noise, and reconstructed); returns its mean loss (reconstruction, plus γ·KL
    /// with `clustering`). `centres` are updated with the clustering term.
    pub fn step(
        &mut self,
        x: ArrayView2<f32>,
        noise: Option<&Noise>,
        clustering: Option<&Clustering>,
        centres: Option<&mut Array2<f32>>,
    ) -> f32 {
        let rows = x.nrows();
        if rows == 0 {
            return f32::NAN;
        }
        let per = rows.div_ceil(slices()).max(MIN_SLICE_ROWS);
        let starts: Vec<usize> = (0..rows).step_by(per).collect();
        if self.work.len() < starts.len() {
            self.work.resize_with(starts.len(), Workspace::default);
        }
        let net = &self.net;
        let used = &mut self.work[..starts.len()];
        used.par_iter_mut().zip(&starts).for_each(|(work, &start)| {
            let end = (start + per).min(rows);
            let part = Part {
                x: x.slice(s![start..end, ..]),
                noise,
                rows,
                offset: start,
            };
            net.gradients(work, &part, clustering);
        });
        let loss: f64 = used.iter().map(|w| w.loss).sum();
        let (first, rest) = used.split_first_mut().expect("one slice at least");
        if let Some(adam) = self.adam.as_mut() {
            let others: Vec<&[f32]> = rest.iter().map(|w| &w.params[..]).collect();
            adam.step(&mut self.net.params, &mut first.params, &others);
        }
        if let (Some(adam), Some(c), Some(_)) = (self.centres_adam.as_mut(), centres, clustering) {
            let others: Vec<&[f32]> = rest.iter().map(|w| &w.centres[..]).collect();
            let c = c.as_slice_mut().expect("centres in standard layout");
            adam.step(c, &mut first.centres, &others);
        }
        (loss / rows as f64) as f32
    }
}

/// Fewer rows than this in a slice cost more in per-slice work (packing the
/// weights, a gradient buffer to sum) than a thread more saves.
const MIN_SLICE_ROWS: usize = 32;

/// Slices a batch is split into: one a thread of the pool, but no more than the
/// machine's physical cores. Two hardware threads of one core share its
/// multiply-add units, so a second slice there adds its per-slice work and saves
/// nothing (here, 2 cores: a step took 4.0 ms in 2 slices, 5.7-6.0 ms in 8).
/// `PHOTO_ATLAS_SLICES` sets the count instead, for measuring.
fn slices() -> usize {
    static CHOSEN: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();
    let chosen = CHOSEN.get_or_init(|| {
        let set = std::env::var("PHOTO_ATLAS_SLICES").ok();
        set.and_then(|v| v.parse().ok())
    });
    chosen.unwrap_or_else(training_threads).max(1)
}

/// Threads worth training on: the pool's, but no more than the machine's
/// physical cores (hardware threads not counted).
pub(super) fn training_threads() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let cores = *CORES.get_or_init(num_cpus::get_physical);
    cores.min(rayon::current_num_threads())
}

/// One thread's slice of a batch: `x` its rows, what the output should be, fed
/// in masked by `noise` when there is noise; `rows` the batch size (the mean's
/// divisor), `offset` where the slice starts in the batch (its rows of P, and
/// the row numbers its masks are drawn for).
struct Part<'a> {
    x: ArrayView2<'a, f32>,
    noise: Option<&'a Noise>,
    rows: usize,
    offset: usize,
}

impl Net {
    fn depth(&self) -> usize {
        self.dims.len() - 1
    }

    /// ReLU after every layer but each side's last.
    fn has_relu(&self, index: usize) -> bool {
        let depth = self.depth();
        index % depth != depth - 1
    }

    /// The first `layers` layers on `x`, their outputs left in `work.outputs`.
    fn forward(&self, work: &mut Workspace, x: ArrayView2<f32>, layers: usize) {
        let n = x.nrows();
        work.outputs
            .resize_with(work.outputs.len().max(layers), Vec::new);
        for (i, slot) in self.slots[..layers].iter().enumerate() {
            let (before, after) = work.outputs.split_at_mut(i);
            let x = match before.last() {
                Some(prev) => matrix(prev, n, self.slots[i - 1].outputs),
                None => x.view(),
            };
            let mut out = matrix_mut(&mut after[0], n, slot.outputs);
            fill_rows(contiguous(&mut out), &self.params[slot.bias()]);
            product_into(x, slot.w(&self.params), out.view_mut(), true);
            if self.has_relu(i) {
                relu(contiguous(&mut out));
            }
        }
    }

    /// The gradients of one slice of a batch, left in `work`. With `clustering`,
    /// IDEC's γ·KL(P‖Q) is added on the codes.
    fn gradients(&self, work: &mut Workspace, part: &Part, clustering: Option<&Clustering>) {
        let n = part.x.nrows();
        let mut masked = std::mem::take(&mut work.input);
        let input = match part.noise {
            Some(noise) => {
                let mut rows = matrix_mut(&mut masked, n, part.x.ncols());
                rows.assign(&part.x);
                for (i, row) in rows.rows_mut().into_iter().enumerate() {
                    noise.apply(row.into_slice().expect("rows in order"), part.offset + i);
                }
                matrix(&masked, n, part.x.ncols())
            }
            None => part.x.view(),
        };
        self.gradients_of(work, input, part, clustering);
        work.input = masked;
    }

    /// `gradients`, on `input` (the slice's rows as fed in).
    fn gradients_of(
        &self,
        work: &mut Workspace,
        input: ArrayView2<f32>,
        part: &Part,
        clustering: Option<&Clustering>,
    ) {
        let depth = self.depth();
        let n = input.nrows();
        self.forward(work, input, 2 * depth);
        work.params.resize(self.params.len(), 0.0);
        let width = part.x.ncols();
        let scale = 2.0 / (part.rows * width) as f32;
        let mut squares = 0.0f32;
        {
            let out = matrix(&work.outputs[2 * depth - 1], n, width);
            let mut grad = matrix_mut(&mut work.grad, n, width);
            ndarray::Zip::from(&mut grad)
                .and(&out)
                .and(&part.x)
                .for_each(|g, &o, &t| {
                    let d = o - t;
                    squares += d * d;
                    *g = d * scale;
                });
        }
        work.loss = f64::from(squares) / width as f64;
        for index in (0..2 * depth).rev() {
            let slot = self.slots[index];
            let mut grad = matrix_mut(&mut work.grad, n, slot.outputs);
            if self.has_relu(index) {
                relu_gradient(
                    contiguous(&mut grad),
                    &work.outputs[index][..n * slot.outputs],
                );
            }
            if index == depth - 1
                && let Some(c) = clustering
            {
                let codes = matrix(&work.outputs[index], n, slot.outputs);
                work.centres.resize(c.centres.len(), 0.0);
                let kl = kl_gradients(codes, c, part, grad.view_mut(), &mut work.centres);
                work.loss += f64::from(c.gamma) * kl;
            }
            let input = match index {
                0 => input.view(),
                _ => matrix(&work.outputs[index - 1], n, slot.inputs),
            };
            let (gw, gb) =
                work.params[slot.at..slot.end()].split_at_mut(slot.inputs * slot.outputs);
            let gw = ArrayViewMut2::from_shape((slot.inputs, slot.outputs), gw).expect("weights");
            product_into(input.t(), grad.view(), gw, false);
            sum_rows(gb, contiguous(&mut grad));
            if index > 0 {
                let back = matrix_mut(&mut work.back, n, slot.inputs);
                product_into(grad.view(), slot.w(&self.params).t(), back, false);
                std::mem::swap(&mut work.grad, &mut work.back);
            }
        }
    }
}

/// Adds the gradients of the clustering term γ·KL(P‖Q), the mean over the batch's
/// rows, with respect to a slice's codes `z` (to `gz`) and the centres (written
/// to `gc`, row-major), the DEC paper's closed form; returns the slice's KL
/// summed over its rows.
fn kl_gradients(
    z: ArrayView2<f32>,
    c: &Clustering,
    part: &Part,
    mut gz: ArrayViewMut2<f32>,
    gc: &mut [f32],
) -> f64 {
    let (n, k) = (z.nrows(), c.centres.nrows());
    let d = z.ncols();
    gc.fill(0.0);
    let mut kl = 0.0f64;
    let scale = 2.0 * c.gamma / part.rows as f32;
    let mut kernel = vec![0f32; k];
    for i in 0..n {
        let zi = z.row(i);
        for (j, kj) in kernel.iter_mut().enumerate() {
            let dist: f32 = zi
                .iter()
                .zip(c.centres.row(j))
                .map(|(a, b)| (a - b) * (a - b))
                .sum();
            *kj = 1.0 / (1.0 + dist);
        }
        let total: f32 = kernel.iter().sum();
        let mut gzi = gz.row_mut(i);
        for (j, &kj) in kernel.iter().enumerate() {
            let q = kj / total;
            let p = c.p[[part.offset + i, j]];
            if p > 0.0 {
                kl += f64::from(p) * (f64::from(p.max(1e-12)).ln() - f64::from(q.max(1e-12)).ln());
            }
            let w = scale * kj * (p - q);
            for (((g, &a), &b), gcv) in gzi
                .iter_mut()
                .zip(zi)
                .zip(c.centres.row(j))
                .zip(gc[j * d..(j + 1) * d].iter_mut())
            {
                *g += w * (a - b);
                *gcv -= w * (a - b);
            }
        }
    }
    kl
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
            let slice = |range: std::ops::Range<usize>| {
                let mut work = Workspace::default();
                let part = Part {
                    x: x.slice(s![range.clone(), ..]),
                    noise: None,
                    rows: 7,
                    offset: range.start,
                };
                hand.net
                    .gradients(&mut work, &part, with_kl.then_some(&clustering));
                work
            };
            let (a, b) = (slice(0..3), slice(3..7));
            let sum: Vec<f32> = a.params.iter().zip(&b.params).map(|(p, q)| p + q).collect();
            let expected_loss: f32 = loss.to_scalar().expect("loss");
            assert!((((a.loss + b.loss) / 7.0) as f32 - expected_loss).abs() < 1e-5);
            let named = ae.named_tensors();
            for (index, slot) in hand.net.slots.iter().enumerate() {
                let (side, i) = if index < 2 {
                    ("encoder", index)
                } else {
                    ("decoder", index - 2)
                };
                let w = named[&format!("{side}.{i}.weight")].clone();
                let b = named[&format!("{side}.{i}.bias")].clone();
                let want_w = to_array2(autograd.get(&w).expect("grad w")).expect("w");
                let want_b = to_array1(autograd.get(&b).expect("grad b")).expect("b");
                let want = want_w.iter().chain(want_b.iter());
                let got = sum[slot.weights()].iter().chain(&sum[slot.bias()]);
                let worst = want.zip(got).fold(0f32, |m, (p, q)| m.max((p - q).abs()));
                assert!(worst < 1e-5, "{side}.{i}, kl {with_kl}: off by {worst}");
            }
            if with_kl {
                let want =
                    to_array2(autograd.get(centres_var.as_tensor()).expect("grad c")).expect("c");
                let got = a.centres.iter().zip(&b.centres).map(|(p, q)| p + q);
                let worst = want
                    .iter()
                    .zip(got)
                    .fold(0f32, |m, (p, q)| m.max((p - q).abs()));
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
        let first = hand.step(x.view(), None, None, None);
        let mut last = first;
        for _ in 0..200 {
            last = hand.step(x.view(), None, None, None);
        }
        assert!(last < 0.5 * first, "{first} -> {last}");
    }
}
