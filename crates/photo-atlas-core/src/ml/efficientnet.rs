//! EfficientNet-Lite0 (Tan & Le 2019; the "Lite" variant for mobile: ReLU6, no
//! squeeze-and-excitation, fixed stem and head) in candle, for inference with the
//! ImageNet weights in `models/` (lukemelas EfficientNet-PyTorch key names).
//!
//! The weights were trained in TensorFlow, so convolutions use TF "same" padding
//! (asymmetric for stride 2: the extra row and column go at the bottom and right)
//! and inputs are scaled as (x - 127) / 128.

use candle_core::{D, DType, Device, Module, Result, Tensor};
use candle_nn::{Linear, VarBuilder};

use super::efficientnet_cpu::{Block, CpuNetwork, DenseConv, DepthwiseConv};

/// Side of the square input, in pixels.
pub const INPUT_SIZE: usize = 224;
/// Length of the pooled feature vector.
pub const FEATURE_DIM: usize = 1280;
const BN_EPS: f64 = 1e-3;

/// (repeats, kernel, stride, expansion, input channels, output channels) per stage.
const STAGES: [(usize, usize, usize, usize, usize, usize); 7] = [
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
];

/// A batch norm folded into the convolution before it: per output channel, a scale
/// for the weights and a shift added after (inference only).
fn folded_batch_norm(vb: VarBuilder, channels: usize) -> Result<(Tensor, Tensor)> {
    let gamma = vb.get(channels, "weight")?;
    let beta = vb.get(channels, "bias")?;
    let mean = vb.get(channels, "running_mean")?;
    let var = vb.get(channels, "running_var")?;
    let scale = (gamma / (var + BN_EPS)?.sqrt()?)?;
    let shift = (beta - (mean * &scale)?)?;
    Ok((scale, shift))
}

/// A depthwise convolution (+ its batch norm) done as k x k shifted multiply-adds over
/// whole tensors: candle runs a grouped convolution as one small convolution per
/// channel, which is several times slower on the CPU.
struct Depthwise {
    /// The weight of tap (dy, dx) for every channel, batch norm folded in, (1, C, 1, 1).
    taps: Vec<Tensor>,
    shift: Tensor,
    kernel: usize,
    stride: usize,
}

impl Depthwise {
    fn new(
        vb: VarBuilder,
        bn: Option<VarBuilder>,
        channels: usize,
        kernel: usize,
        stride: usize,
    ) -> Result<Self> {
        let device = vb.device().clone();
        let (scale, shift) = match bn {
            Some(bn) => folded_batch_norm(bn, channels)?,
            None => (
                Tensor::ones(channels, DType::F32, &device)?,
                Tensor::zeros(channels, DType::F32, &device)?,
            ),
        };
        let w = vb
            .get((channels, 1, kernel, kernel), "weight")?
            .broadcast_mul(&scale.reshape((channels, 1, 1, 1))?)?;
        let taps = (0..kernel * kernel)
            .map(|t| {
                w.narrow(2, t / kernel, 1)?
                    .narrow(3, t % kernel, 1)?
                    .reshape((1, channels, 1, 1))
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            taps,
            shift: shift.reshape((1, channels, 1, 1))?,
            kernel,
            stride,
        })
    }

    /// Pads `x` the TensorFlow way, convolves, adds the folded batch-norm shift.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (k, s) = (self.kernel, self.stride);
        let x = same_padding(x, k, s)?;
        let (ho, wo) = ((x.dim(2)? - k) / s + 1, (x.dim(3)? - k) / s + 1);
        let mut out: Option<Tensor> = None;
        for (t, w) in self.taps.iter().enumerate() {
            let term = strided_window(&x, t / k, t % k, ho, wo, s)?.broadcast_mul(w)?;
            out = Some(match out {
                Some(acc) => (acc + term)?,
                None => term,
            });
        }
        out.ok_or_else(|| candle_core::Error::Msg("empty kernel".into()))?
            .broadcast_add(&self.shift)
    }

    fn to_cpu(&self) -> Result<DepthwiseConv> {
        DepthwiseConv::from_tensors(&self.taps, &self.shift, self.kernel, self.stride)
    }
}

/// Rows dy, dy+s, ... (ho of them) and columns dx, dx+s, ... (wo of them) of x.
fn strided_window(
    x: &Tensor,
    dy: usize,
    dx: usize,
    ho: usize,
    wo: usize,
    s: usize,
) -> Result<Tensor> {
    let pick = |x: Tensor, dim: usize, start: usize, n: usize| -> Result<Tensor> {
        if s == 1 {
            return x.narrow(dim, start, n);
        }
        // Take n * s elements (zero-padding the end if short), view them as (n, s) and
        // keep the first of each group: elements start, start + s, ...
        let take = (n * s).min(x.dim(dim)? - start);
        let x = x
            .narrow(dim, start, take)?
            .pad_with_zeros(dim, 0, n * s - take)?;
        let mut shape = x.dims().to_vec();
        shape[dim] = n;
        shape.insert(dim + 1, s);
        x.reshape(shape)?.narrow(dim + 1, 0, 1)?.squeeze(dim + 1)
    };
    let x = pick(x.clone(), 2, dy, ho)?;
    pick(x, 3, dx, wo)
}

/// A dense convolution (+ its batch norm, folded in) with TensorFlow's "same" padding.
/// (A 1 x 1 convolution as `broadcast_matmul` measured slower than candle's conv2d.)
struct ConvBn {
    weight: Tensor,
    shift: Tensor,
    kernel: usize,
    stride: usize,
}

impl ConvBn {
    fn new(
        vb: &VarBuilder,
        names: (&str, &str),
        cin: usize,
        cout: usize,
        k: usize,
        stride: usize,
    ) -> Result<Self> {
        let (scale, shift) = folded_batch_norm(vb.pp(names.1), cout)?;
        let w = vb
            .pp(names.0)
            .get((cout, cin, k, k), "weight")?
            .broadcast_mul(&scale.reshape((cout, 1, 1, 1))?)?;
        let weight = w;
        Ok(Self {
            weight,
            shift: shift.reshape((1, cout, 1, 1))?,
            kernel: k,
            stride,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let y = same_padding(x, self.kernel, self.stride)?.conv2d(
            &self.weight,
            0,
            self.stride,
            1,
            1,
        )?;
        y.broadcast_add(&self.shift)
    }

    fn to_cpu(&self) -> Result<DenseConv> {
        DenseConv::from_tensors(&self.weight, &self.shift, self.stride)
    }
}

/// Pads height and width as TensorFlow's "same" does.
fn same_padding(x: &Tensor, kernel: usize, stride: usize) -> Result<Tensor> {
    let pad = |size: usize| {
        let out = size.div_ceil(stride);
        ((out - 1) * stride + kernel).saturating_sub(size)
    };
    let (h, w) = (x.dim(2)?, x.dim(3)?);
    let (ph, pw) = (pad(h), pad(w));
    if ph == 0 && pw == 0 {
        return Ok(x.clone());
    }
    x.pad_with_zeros(2, ph / 2, ph - ph / 2)?
        .pad_with_zeros(3, pw / 2, pw - pw / 2)
}

fn relu6(x: &Tensor) -> Result<Tensor> {
    x.clamp(0f32, 6f32)
}

/// Inverted residual block: expand (1x1), depthwise (k x k), project (1x1).
struct MbConv {
    expand: Option<ConvBn>,
    depthwise: Depthwise,
    project: ConvBn,
    residual: bool,
}

impl MbConv {
    fn new(
        vb: VarBuilder,
        k: usize,
        stride: usize,
        expansion: usize,
        cin: usize,
        cout: usize,
    ) -> Result<Self> {
        let mid = cin * expansion;
        let expand = (expansion != 1)
            .then(|| ConvBn::new(&vb, ("_expand_conv", "_bn0"), cin, mid, 1, 1))
            .transpose()?;
        Ok(Self {
            expand,
            depthwise: Depthwise::new(
                vb.pp("_depthwise_conv"),
                Some(vb.pp("_bn1")),
                mid,
                k,
                stride,
            )?,
            project: ConvBn::new(&vb, ("_project_conv", "_bn2"), mid, cout, 1, 1)?,
            residual: stride == 1 && cin == cout,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let h = match &self.expand {
            Some(e) => relu6(&e.forward(x)?)?,
            None => x.clone(),
        };
        let h = relu6(&self.depthwise.forward(&h)?)?;
        let h = self.project.forward(&h)?;
        if self.residual { h + x } else { Ok(h) }
    }

    fn to_cpu(&self) -> Result<Block> {
        Ok(Block {
            expand: self.expand.as_ref().map(ConvBn::to_cpu).transpose()?,
            depthwise: self.depthwise.to_cpu()?,
            project: self.project.to_cpu()?,
            residual: self.residual,
        })
    }
}

/// The network, with its ImageNet classifier.
pub struct EfficientNetLite0 {
    stem: ConvBn,
    blocks: Vec<MbConv>,
    head: ConvBn,
    classifier: Linear,
    /// The same weights, channels-last, for the fast CPU path (CPU devices only).
    cpu: Option<CpuNetwork>,
}

impl EfficientNetLite0 {
    pub fn new(vb: VarBuilder) -> Result<Self> {
        let stem = ConvBn::new(&vb, ("_conv_stem", "_bn0"), 3, 32, 3, 2)?;
        let mut blocks = Vec::new();
        for (repeats, k, stride, expansion, cin, cout) in STAGES {
            for r in 0..repeats {
                let (cin, stride) = if r == 0 { (cin, stride) } else { (cout, 1) };
                blocks.push(MbConv::new(
                    vb.pp(format!("_blocks.{}", blocks.len())),
                    k,
                    stride,
                    expansion,
                    cin,
                    cout,
                )?);
            }
        }
        let head = ConvBn::new(&vb, ("_conv_head", "_bn1"), 320, FEATURE_DIM, 1, 1)?;
        let classifier = candle_nn::linear(FEATURE_DIM, 1000, vb.pp("_fc"))?;
        let mut net = Self {
            stem,
            blocks,
            head,
            classifier,
            cpu: None,
        };
        if vb.device().is_cpu() {
            net.cpu = Some(net.to_cpu()?);
        }
        Ok(net)
    }

    fn to_cpu(&self) -> Result<CpuNetwork> {
        Ok(CpuNetwork {
            stem: self.stem.to_cpu()?,
            blocks: self
                .blocks
                .iter()
                .map(MbConv::to_cpu)
                .collect::<Result<_>>()?,
            head: self.head.to_cpu()?,
        })
    }

    /// Loads the weights shipped in `models/` (compiled into the binary).
    pub fn load_shipped(device: &Device) -> Result<Self> {
        let bytes = include_bytes!("../../../../models/efficientnet-lite0.safetensors");
        Self::new(VarBuilder::from_buffered_safetensors(
            bytes.to_vec(),
            DType::F32,
            device,
        )?)
    }

    /// Global-average-pooled features, (batch, 1280), from images (batch, 3, 224, 224)
    /// already scaled by [`to_input`]. On the CPU this runs the fused channels-last
    /// implementation, elsewhere candle's tensor ops.
    pub fn features(&self, images: &Tensor) -> Result<Tensor> {
        match &self.cpu {
            Some(cpu) if images.device().is_cpu() => cpu.features(images),
            _ => self.tensor_features(images),
        }
    }

    /// [`Self::features`] by candle tensor ops, on any device.
    fn tensor_features(&self, images: &Tensor) -> Result<Tensor> {
        let mut x = relu6(&self.stem.forward(images)?)?;
        for block in &self.blocks {
            x = block.forward(&x)?;
        }
        relu6(&self.head.forward(&x)?)?.mean((2, 3))
    }

    /// ImageNet class logits, (batch, 1000), from pooled features.
    pub fn classify(&self, features: &Tensor) -> Result<Tensor> {
        self.classifier.forward(features)
    }
}

/// An RGB image as the network's input: 224 x 224 (shorter side fitted, centre cropped),
/// channels first, scaled as (x - 127) / 128. Shape (3, 224, 224).
pub fn to_input(img: &image::RgbImage, device: &Device) -> Result<Tensor> {
    Tensor::from_vec(input_values(img), (3, INPUT_SIZE, INPUT_SIZE), device)
}

/// The values of [`to_input`], channels first, computed on the CPU (so that many
/// images can be prepared in parallel and sent to a GPU as one batch).
pub fn input_values(img: &image::RgbImage) -> Vec<f32> {
    let size = INPUT_SIZE as u32;
    let fitted = image::DynamicImage::ImageRgb8(img.clone())
        .resize_to_fill(size, size, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let plane = INPUT_SIZE * INPUT_SIZE;
    let mut data = vec![0f32; 3 * plane];
    for (i, pixel) in fitted.into_raw().chunks_exact(3).enumerate() {
        for (c, &v) in pixel.iter().enumerate() {
            data[c * plane + i] = (f32::from(v) - 127.0) / 128.0;
        }
    }
    data
}

/// Indices of the `k` largest values of a 1-d tensor, largest first.
pub fn top_k(scores: &Tensor, k: usize) -> Result<Vec<usize>> {
    let v: Vec<f32> = scores.flatten_all()?.to_vec1()?;
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[b].total_cmp(&v[a]));
    order.truncate(k);
    Ok(order)
}

/// ImageNet class names, by index.
pub fn imagenet_classes() -> Vec<&'static str> {
    include_str!("../../../../assets/imagenet-classes.txt")
        .lines()
        .collect()
}

/// Softmax over the last dimension.
pub fn softmax(logits: &Tensor) -> Result<Tensor> {
    candle_nn::ops::softmax(logits, D::Minus1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fused_cpu_path_equals_candles_tensor_ops() {
        let device = Device::Cpu;
        let net = EfficientNetLite0::load_shipped(&device).expect("weights");
        let images: Vec<Tensor> = (0..3u32)
            .map(|i| {
                let img = image::RgbImage::from_fn(240 + i * 30, 200, |x, y| {
                    image::Rgb([(x * (i + 1)) as u8, (y * 3) as u8, (x ^ y) as u8])
                });
                to_input(&img, &device).expect("input")
            })
            .collect();
        let batch = Tensor::stack(&images, 0).expect("batch");
        let fused = net.features(&batch).expect("fused");
        let reference = net.tensor_features(&batch).expect("tensor ops");
        assert_eq!(fused.dims(), &[3, FEATURE_DIM]);
        let diff: f32 = (fused - &reference)
            .and_then(|d| d.abs())
            .and_then(|d| d.max_all())
            .and_then(|d| d.to_scalar())
            .expect("diff");
        let scale: f32 = reference
            .abs()
            .and_then(|r| r.max_all())
            .and_then(|r| r.to_scalar())
            .expect("max");
        assert!(scale > 0.1, "features should not all vanish: {scale}");
        assert!(
            diff < 1e-3 * scale.max(1.0),
            "max difference {diff} (largest value {scale})"
        );
    }

    #[test]
    fn depthwise_by_taps_equals_candles_grouped_convolution() {
        let device = Device::Cpu;
        for (k, stride, size) in [(3, 1, 9), (3, 2, 10), (5, 2, 11), (5, 1, 8)] {
            let channels = 6;
            let w = Tensor::randn(0f32, 1.0, (channels, 1, k, k), &device).expect("weights");
            let x = Tensor::randn(0f32, 1.0, (2, channels, size, size), &device).expect("input");
            let vb = VarBuilder::from_tensors(
                [("weight".to_string(), w.clone())].into(),
                DType::F32,
                &device,
            );
            let ours = Depthwise::new(vb, None, channels, k, stride)
                .and_then(|d| d.forward(&x))
                .expect("ours");
            let padded = same_padding(&x, k, stride).expect("pad");
            let reference = padded.conv2d(&w, 0, stride, 1, channels).expect("candle");
            assert_eq!(ours.dims(), reference.dims(), "k {k} stride {stride}");
            let diff: f32 = (ours - reference)
                .and_then(|d| d.abs())
                .and_then(|d| d.max_all())
                .and_then(|d| d.to_scalar())
                .expect("diff");
            assert!(diff < 1e-4, "k {k} stride {stride}: max difference {diff}");
        }
    }
}
