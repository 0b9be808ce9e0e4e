//! EfficientNet-Lite0 inference on the CPU, channels-last and fused.
//!
//! Why it exists: run as candle tensor ops, the network spent under 4 % of its time in
//! matrix multiplication and the rest in separate passes over memory (one per batch-norm
//! shift, clamp, padding and depthwise tap), reaching about 9 images/s on 2 cores. Here
//! each image is a plain channels-last buffer: a 1 x 1 convolution is one matrix
//! product (the `gemm` crate, candle's own, with its shift and residual written into
//! the output first; for these tall, narrow products it packs far less than
//! matrixmultiply did: 96 -> 116 images/s here), the depthwise convolution runs over whole channel rows with its
//! shift and ReLU6 fused, and images of a batch go to the cores in parallel.
//! The weights are the same folded tensors the candle network uses; a test checks the
//! two agree.

use candle_core::{Result, Tensor};
use rayon::prelude::*;

/// An image's activations, row-major (height, width, channels).
struct Activation {
    data: Vec<f32>,
    height: usize,
    width: usize,
    channels: usize,
}

/// Output size and leading padding of TensorFlow's "same" padding along one axis.
fn same_geometry(size: usize, kernel: usize, stride: usize) -> (usize, usize) {
    let out = size.div_ceil(stride);
    let total = ((out - 1) * stride + kernel).saturating_sub(size);
    (out, total / 2)
}

fn relu6_in_place(values: &mut [f32]) {
    for v in values {
        *v = v.clamp(0.0, 6.0);
    }
}

/// A k x k dense convolution as a matrix (k·k·cin, cout), batch norm folded in.
pub(super) struct DenseConv {
    /// Rows ordered (dy, dx, input channel); columns are output channels.
    weight: Vec<f32>,
    shift: Vec<f32>,
    cin: usize,
    cout: usize,
    kernel: usize,
    stride: usize,
}

impl DenseConv {
    /// From a folded candle weight (cout, cin, k, k) and shift (any shape, cout values).
    pub(super) fn from_tensors(weight: &Tensor, shift: &Tensor, stride: usize) -> Result<Self> {
        let (cout, cin, kernel, _) = weight.dims4()?;
        let weight = weight.permute((2, 3, 1, 0))?.contiguous()?.flatten_all()?;
        Ok(Self {
            weight: weight.to_vec1()?,
            shift: shift.flatten_all()?.to_vec1()?,
            cin,
            cout,
            kernel,
            stride,
        })
    }

    /// Convolves `x`; `residual` (same shape as the output) is added when given.
    fn forward(
        &self,
        x: &Activation,
        residual: Option<&Activation>,
        relu6: bool,
    ) -> Result<Activation> {
        if x.channels != self.cin {
            candle_core::bail!("a convolution for {} channels got {}", self.cin, x.channels);
        }
        let (height, top) = same_geometry(x.height, self.kernel, self.stride);
        let (width, left) = same_geometry(x.width, self.kernel, self.stride);
        let rows = height * width;
        let mut out = Vec::with_capacity(rows * self.cout);
        match residual {
            Some(r) => out.extend(
                r.data
                    .chunks_exact(self.cout)
                    .flat_map(|row| row.iter().zip(&self.shift).map(|(a, b)| a + b)),
            ),
            None => (0..rows).for_each(|_| out.extend_from_slice(&self.shift)),
        }
        let patches;
        let lhs: &[f32] = if self.kernel == 1 && self.stride == 1 {
            &x.data
        } else {
            patches = self.patches(x, (height, top), (width, left));
            &patches
        };
        let depth = self.kernel * self.kernel * self.cin;
        multiply_accumulate(lhs, &self.weight, &mut out, (rows, depth, self.cout))?;
        if relu6 {
            relu6_in_place(&mut out);
        }
        Ok(Activation {
            data: out,
            height,
            width,
            channels: self.cout,
        })
    }

    /// im2col: one row of k·k·cin input values per output pixel (zeros outside).
    fn patches(&self, x: &Activation, rows: (usize, usize), cols: (usize, usize)) -> Vec<f32> {
        let (k, s, cin) = (self.kernel, self.stride, self.cin);
        let mut out = vec![0.0; rows.0 * cols.0 * k * k * cin];
        for (pixel, patch) in out.chunks_exact_mut(k * k * cin).enumerate() {
            let (oy, ox) = (pixel / cols.0, pixel % cols.0);
            for dy in 0..k {
                let Some(iy) = (oy * s + dy).checked_sub(rows.1).filter(|&y| y < x.height) else {
                    continue;
                };
                for dx in 0..k {
                    let Some(ix) = (ox * s + dx).checked_sub(cols.1).filter(|&v| v < x.width)
                    else {
                        continue;
                    };
                    let src = &x.data[(iy * x.width + ix) * cin..][..cin];
                    patch[(dy * k + dx) * cin..][..cin].copy_from_slice(src);
                }
            }
        }
        out
    }
}

/// out (m, n) += lhs (m, k) · rhs (k, n), all row-major, on the calling thread.
fn multiply_accumulate(
    lhs: &[f32],
    rhs: &[f32],
    out: &mut [f32],
    (m, k, n): (usize, usize, usize),
) -> Result<()> {
    if lhs.len() != m * k || rhs.len() != k * n || out.len() != m * n {
        candle_core::bail!("convolution shapes do not fit: ({m}, {k}) x ({k}, {n})");
    }
    // SAFETY: the three slices hold exactly (m, k), (k, n) and (m, n) values
    // (checked above), row-major, so every index gemm forms from these strides
    // is inside them; `out` is borrowed mutably and aliases neither input.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            1,
            n as isize,
            true,
            lhs.as_ptr(),
            1,
            k as isize,
            rhs.as_ptr(),
            1,
            n as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
    Ok(())
}

/// A depthwise k x k convolution with its folded batch norm and ReLU6.
pub(super) struct DepthwiseConv {
    /// Tap (dy, dx) of every channel at `(dy * k + dx) * channels + c`.
    taps: Vec<f32>,
    shift: Vec<f32>,
    channels: usize,
    kernel: usize,
    stride: usize,
}

impl DepthwiseConv {
    /// From the candle network's per-tap weights ((1, C, 1, 1) each, k·k of them, row-major).
    pub(super) fn from_tensors(
        taps: &[Tensor],
        shift: &Tensor,
        kernel: usize,
        stride: usize,
    ) -> Result<Self> {
        let shift: Vec<f32> = shift.flatten_all()?.to_vec1()?;
        let mut all = Vec::with_capacity(taps.len() * shift.len());
        for tap in taps {
            all.extend(tap.flatten_all()?.to_vec1::<f32>()?);
        }
        Ok(Self {
            taps: all,
            channels: shift.len(),
            shift,
            kernel,
            stride,
        })
    }

    fn forward(&self, x: &Activation) -> Result<Activation> {
        let (k, s, c) = (self.kernel, self.stride, self.channels);
        if x.channels != c || x.data.len() != x.height * x.width * c {
            candle_core::bail!(
                "a depthwise convolution for {c} channels got {}",
                x.channels
            );
        }
        let (height, top) = same_geometry(x.height, k, s);
        let (width, left) = same_geometry(x.width, k, s);
        let mut out = vec![0.0; height * width * c];
        let multiply_add = pick_multiply_add();
        for (pixel, acc) in out.chunks_exact_mut(c).enumerate() {
            let (oy, ox) = (pixel / width, pixel % width);
            acc.copy_from_slice(&self.shift);
            for dy in 0..k {
                let Some(iy) = (oy * s + dy).checked_sub(top).filter(|&y| y < x.height) else {
                    continue;
                };
                for dx in 0..k {
                    let Some(ix) = (ox * s + dx).checked_sub(left).filter(|&v| v < x.width) else {
                        continue;
                    };
                    let input = &x.data[(iy * x.width + ix) * c..][..c];
                    let weight = &self.taps[(dy * k + dx) * c..][..c];
                    multiply_add(acc, input, weight);
                }
            }
            relu6_in_place(acc);
        }
        Ok(Activation {
            data: out,
            height,
            width,
            channels: c,
        })
    }
}

/// acc += a * b, elementwise (the compiler vectorises this loop).
fn multiply_add(acc: &mut [f32], a: &[f32], b: &[f32]) {
    for ((acc, a), b) in acc.iter_mut().zip(a).zip(b) {
        *acc += a * b;
    }
}

/// The widest `multiply_add` this CPU runs. A release build targets the x86-64
/// baseline (SSE2, four floats a step) so that it runs everywhere; the depthwise
/// convolutions are a quarter of the network's time, and with AVX2, detected at
/// run time, the same loop takes eight floats a step (network alone: 88 -> 96
/// images/s here). Each element's arithmetic is unchanged, so are the results.
fn pick_multiply_add() -> fn(&mut [f32], &[f32], &[f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        return multiply_add_avx2;
    }
    multiply_add
}

#[cfg(target_arch = "x86_64")]
fn multiply_add_avx2(acc: &mut [f32], a: &[f32], b: &[f32]) {
    #[target_feature(enable = "avx2")]
    unsafe fn wide(acc: &mut [f32], a: &[f32], b: &[f32]) {
        multiply_add(acc, a, b);
    }
    // SAFETY: `pick_multiply_add` hands this out only after detecting AVX2 on the
    // running CPU; the function itself only reads and writes the slices.
    unsafe { wide(acc, a, b) }
}

/// An inverted residual block: expand, depthwise, project (+ input when shapes match).
pub(super) struct Block {
    pub(super) expand: Option<DenseConv>,
    pub(super) depthwise: DepthwiseConv,
    pub(super) project: DenseConv,
    pub(super) residual: bool,
}

impl Block {
    fn forward(&self, x: Activation) -> Result<Activation> {
        let expanded = self
            .expand
            .as_ref()
            .map(|e| e.forward(&x, None, true))
            .transpose()?;
        let h = self.depthwise.forward(expanded.as_ref().unwrap_or(&x))?;
        drop(expanded);
        let residual = self.residual.then_some(&x);
        self.project.forward(&h, residual, false)
    }
}

/// The whole network up to the pooled features.
pub(super) struct CpuNetwork {
    pub(super) stem: DenseConv,
    pub(super) blocks: Vec<Block>,
    pub(super) head: DenseConv,
}

impl CpuNetwork {
    /// Pooled features (batch, features) of images (batch, 3, H, W), one image per core.
    pub(super) fn features(&self, images: &Tensor) -> Result<Tensor> {
        let (batch, channels, height, width) = images.dims4()?;
        let nhwc: Vec<f32> = images
            .permute((0, 2, 3, 1))?
            .contiguous()?
            .flatten_all()?
            .to_vec1()?;
        let per_image = channels * height * width;
        let pooled: Vec<f32> = nhwc
            .par_chunks_exact(per_image)
            .map(|pixels| {
                self.image_features(Activation {
                    data: pixels.to_vec(),
                    height,
                    width,
                    channels,
                })
            })
            .collect::<Result<Vec<_>>>()?
            .concat();
        Tensor::from_vec(pooled, (batch, self.head.cout), images.device())
    }

    fn image_features(&self, image: Activation) -> Result<Vec<f32>> {
        let mut x = self.stem.forward(&image, None, true)?;
        for block in &self.blocks {
            x = block.forward(x)?;
        }
        let x = self.head.forward(&x, None, true)?;
        let mut pooled = vec![0.0f32; x.channels];
        for row in x.data.chunks_exact(x.channels) {
            pooled.iter_mut().zip(row).for_each(|(p, v)| *p += v);
        }
        let n = (x.height * x.width) as f32;
        pooled.iter_mut().for_each(|p| *p /= n);
        Ok(pooled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_widest_multiply_add_gives_exactly_the_baselines_values() {
        let a: Vec<f32> = (0..37).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..37).map(|i| (i as f32 * 1.3).cos() * 3.0).collect();
        let mut plain: Vec<f32> = (0..37).map(|i| i as f32 * 0.01).collect();
        let mut widest = plain.clone();
        multiply_add(&mut plain, &a, &b);
        pick_multiply_add()(&mut widest, &a, &b);
        assert_eq!(plain, widest);
    }
}
