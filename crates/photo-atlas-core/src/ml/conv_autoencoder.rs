//! The DCEC-style convolutional autoencoder for the pixel path on a GPU (Guo et al.
//! 2017): square RGB images (side a multiple of 8), three strided convolutions (32,
//! 64, 128 channels), a 10-value code, and the mirror image with transposed
//! convolutions. It reads and writes the pixel path's flat channels-last rows, so
//! training, storage and search treat it like the dense autoencoder. On the CPU
//! candle's convolution backward pass is slow, so `auto` picks it only on a GPU;
//! `benches/conv_autoencoder.rs` measures how slow.

use std::collections::HashMap;

use candle_core::{DType, Device, Result, Tensor, Var};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

/// Length of the code.
pub const CODE: usize = 10;
/// Prefix of every stored tensor's name (how a stored model is recognised as this one).
pub const NAME_PREFIX: &str = "conv.";

/// A weight of `shape` with Glorot-uniform values over `fan_in + fan_out`.
fn glorot(shape: &[usize], fans: usize, rng: &mut Xoshiro256Plus, device: &Device) -> Result<Var> {
    let limit = (6.0 / fans as f32).sqrt();
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n).map(|_| rng.gen_range(-limit..limit)).collect();
    Var::from_tensor(&Tensor::from_vec(v, shape, device)?)
}

/// A stride-2 convolution (kernel (out, in, k, k)) or transposed convolution
/// (kernel (in, out, k, k); output padding 1, so each doubles the side exactly).
struct Conv {
    w: Var,
    b: Var,
    padding: usize,
    transposed: bool,
}

impl Conv {
    fn new(
        inputs: usize,
        outputs: usize,
        k: usize,
        transposed: bool,
        rng: &mut Xoshiro256Plus,
        device: &Device,
    ) -> Result<Self> {
        let shape = if transposed {
            [inputs, outputs, k, k]
        } else {
            [outputs, inputs, k, k]
        };
        Ok(Self {
            w: glorot(&shape, (inputs + outputs) * k * k, rng, device)?,
            b: Var::zeros(outputs, DType::F32, device)?,
            padding: k / 2,
            transposed,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let y = if self.transposed {
            x.conv_transpose2d(self.w.as_tensor(), self.padding, 1, 2, 1)?
        } else {
            x.conv2d(self.w.as_tensor(), self.padding, 2, 1, 1)?
        };
        y.broadcast_add(&self.b.as_tensor().reshape((1, (), 1, 1))?)
    }
}

/// Encoder: conv 5x5/32, conv 5x5/64, conv 3x3/128, dense to 10. Decoder: mirrored.
pub struct ConvAutoencoder {
    side: usize,
    encoder: Vec<Conv>,
    to_code: (Var, Var),
    from_code: (Var, Var),
    decoder: Vec<Conv>,
}

impl ConvAutoencoder {
    /// A fresh network for `side` x `side` images (`side` a positive multiple of 8).
    pub fn new(side: usize, seed: u64, device: &Device) -> Result<Self> {
        if side == 0 || !side.is_multiple_of(8) {
            candle_core::bail!(
                "the convolutional autoencoder needs a side divisible by 8, not {side}"
            );
        }
        let flat = 128 * (side / 8) * (side / 8);
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let encoder = vec![
            Conv::new(3, 32, 5, false, &mut rng, device)?,
            Conv::new(32, 64, 5, false, &mut rng, device)?,
            Conv::new(64, 128, 3, false, &mut rng, device)?,
        ];
        let to_code = (
            glorot(&[flat, CODE], flat + CODE, &mut rng, device)?,
            Var::zeros(CODE, DType::F32, device)?,
        );
        let from_code = (
            glorot(&[CODE, flat], flat + CODE, &mut rng, device)?,
            Var::zeros(flat, DType::F32, device)?,
        );
        let decoder = vec![
            Conv::new(128, 64, 3, true, &mut rng, device)?,
            Conv::new(64, 32, 5, true, &mut rng, device)?,
            Conv::new(32, 3, 5, true, &mut rng, device)?,
        ];
        Ok(Self {
            side,
            encoder,
            to_code,
            from_code,
            decoder,
        })
    }

    /// Side of the images it takes.
    pub fn side(&self) -> usize {
        self.side
    }

    /// Values per image: side x side x 3.
    pub fn input_dim(&self) -> usize {
        self.side * self.side * 3
    }

    /// Flat channels-last rows (n, side·side·3), as the pixel path stores them, to codes.
    pub fn encode(&self, rows: &Tensor) -> Result<Tensor> {
        let n = rows.dim(0)?;
        let images = rows
            .reshape((n, self.side, self.side, 3))?
            .permute((0, 3, 1, 2))?
            .contiguous()?;
        self.encode_images(&images)
    }

    /// Codes back to flat channels-last rows.
    pub fn decode(&self, z: &Tensor) -> Result<Tensor> {
        let n = z.dim(0)?;
        self.decode_images(z)?
            .permute((0, 2, 3, 1))?
            .contiguous()?
            .reshape((n, self.input_dim()))
    }

    /// Images (n, 3, side, side) to codes (n, 10).
    pub fn encode_images(&self, x: &Tensor) -> Result<Tensor> {
        let mut h = x.clone();
        for layer in &self.encoder {
            h = layer.forward(&h)?.relu()?;
        }
        h.flatten_from(1)?
            .matmul(self.to_code.0.as_tensor())?
            .broadcast_add(self.to_code.1.as_tensor())
    }

    /// Codes (n, 10) back to images (n, 3, side, side).
    pub fn decode_images(&self, z: &Tensor) -> Result<Tensor> {
        let (n, inner) = (z.dim(0)?, self.side / 8);
        let mut h = z
            .matmul(self.from_code.0.as_tensor())?
            .broadcast_add(self.from_code.1.as_tensor())?
            .relu()?
            .reshape((n, 128, inner, inner))?;
        for (i, layer) in self.decoder.iter().enumerate() {
            h = layer.forward(&h)?;
            if i + 1 < self.decoder.len() {
                h = h.relu()?;
            }
        }
        Ok(h)
    }

    pub fn vars(&self) -> Vec<Var> {
        self.encoder
            .iter()
            .chain(&self.decoder)
            .flat_map(|l| [l.w.clone(), l.b.clone()])
            .chain([self.to_code.0.clone(), self.to_code.1.clone()])
            .chain([self.from_code.0.clone(), self.from_code.1.clone()])
            .collect()
    }

    /// Every weight by a stable name, all starting with [`NAME_PREFIX`].
    pub fn named_tensors(&self) -> HashMap<String, Tensor> {
        let mut out = HashMap::new();
        for (side, layers) in [("encoder", &self.encoder), ("decoder", &self.decoder)] {
            for (i, l) in layers.iter().enumerate() {
                out.insert(format!("conv.{side}.{i}.weight"), l.w.as_tensor().clone());
                out.insert(format!("conv.{side}.{i}.bias"), l.b.as_tensor().clone());
            }
        }
        for (name, (w, b)) in [("to_code", &self.to_code), ("from_code", &self.from_code)] {
            out.insert(format!("conv.{name}.weight"), w.as_tensor().clone());
            out.insert(format!("conv.{name}.bias"), b.as_tensor().clone());
        }
        out
    }

    /// The network stored by [`Self::named_tensors`] for `side` x `side` images, or
    /// `None` when a tensor is missing or has another shape.
    pub fn from_tensors(side: usize, tensors: &HashMap<String, Tensor>) -> Result<Option<Self>> {
        let fresh = Self::new(side, 0, &Device::Cpu)?;
        let mut stored = fresh.named_tensors();
        for (name, tensor) in stored.iter_mut() {
            match tensors.get(name) {
                Some(t) if t.dims() == tensor.dims() => *tensor = t.clone(),
                _ => return Ok(None),
            }
        }
        let var = |name: &str| Var::from_tensor(&stored[name]);
        let conv = |name: String, template: &Conv| -> Result<Conv> {
            Ok(Conv {
                w: var(&format!("{name}.weight"))?,
                b: var(&format!("{name}.bias"))?,
                padding: template.padding,
                transposed: template.transposed,
            })
        };
        let layers = |part: &str, templates: &[Conv]| -> Result<Vec<Conv>> {
            templates
                .iter()
                .enumerate()
                .map(|(i, t)| conv(format!("conv.{part}.{i}"), t))
                .collect()
        };
        Ok(Some(Self {
            side,
            encoder: layers("encoder", &fresh.encoder)?,
            to_code: (var("conv.to_code.weight")?, var("conv.to_code.bias")?),
            from_code: (var("conv.from_code.weight")?, var("conv.from_code.bias")?),
            decoder: layers("decoder", &fresh.decoder)?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_nn::{AdamW, Optimizer, ParamsAdamW};

    #[test]
    fn shapes_and_a_few_steps_lower_the_reconstruction_error() {
        let device = Device::Cpu;
        const SIDE: usize = 64;
        let ae = ConvAutoencoder::new(SIDE, 1, &device).expect("net");
        let x = (Tensor::arange(0f32, (4 * 3 * SIDE * SIDE) as f32, &device)
            .expect("x")
            .reshape((4, SIDE * SIDE * 3))
            .expect("shape")
            * 1e-5)
            .expect("scale")
            .sin()
            .expect("sin");
        let z = ae.encode(&x).expect("encode");
        assert_eq!(z.dims(), &[4, CODE]);
        assert_eq!(ae.decode(&z).expect("decode").dims(), &[4, SIDE * SIDE * 3]);
        let loss = |ae: &ConvAutoencoder| -> Tensor {
            let recon = ae.decode(&ae.encode(&x).expect("encode")).expect("decode");
            (recon - &x)
                .and_then(|d| d.sqr())
                .and_then(|d| d.mean_all())
                .expect("loss")
        };
        let first: f32 = loss(&ae).to_scalar().expect("scalar");
        let mut opt = AdamW::new(
            ae.vars(),
            ParamsAdamW {
                lr: 1e-3,
                weight_decay: 0.0,
                ..Default::default()
            },
        )
        .expect("adam");
        // Measured: 0.077 -> 0.009 in 30 steps (Adam oscillates on 4 images).
        for _ in 0..30 {
            opt.backward_step(&loss(&ae)).expect("step");
        }
        let last: f32 = loss(&ae).to_scalar().expect("scalar");
        assert!(last < first / 2.0, "{first} -> {last}");
        let back = ConvAutoencoder::from_tensors(SIDE, &ae.named_tensors())
            .expect("load")
            .expect("shapes match");
        let codes = |a: &ConvAutoencoder| -> Vec<Vec<f32>> {
            a.encode(&x).and_then(|t| t.to_vec2()).expect("codes")
        };
        assert_eq!(codes(&back), codes(&ae));
        assert!(
            ConvAutoencoder::from_tensors(32, &ae.named_tensors())
                .expect("load")
                .is_none(),
            "weights for 64 px images do not fit 32 px ones"
        );
    }
}
