//! The DCEC-style convolutional autoencoder for the pixel path on a GPU (Guo et al.
//! 2017): 64 x 64 x 3 images, three strided convolutions (32, 64, 128 channels), a
//! 10-value code, and the mirror image with transposed convolutions. On the CPU
//! candle's convolution backward pass is slow, so the CPU clusters with the dense
//! autoencoder; `benches/conv_autoencoder.rs` measures how slow.

use candle_core::{DType, Device, Result, Tensor, Var};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

/// Side of the square images the network takes.
pub const SIDE: usize = 64;
const CODE: usize = 10;
const FLAT: usize = 128 * 8 * 8;

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
    encoder: Vec<Conv>,
    to_code: (Var, Var),
    from_code: (Var, Var),
    decoder: Vec<Conv>,
}

impl ConvAutoencoder {
    pub fn new(seed: u64, device: &Device) -> Result<Self> {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let encoder = vec![
            Conv::new(3, 32, 5, false, &mut rng, device)?,
            Conv::new(32, 64, 5, false, &mut rng, device)?,
            Conv::new(64, 128, 3, false, &mut rng, device)?,
        ];
        let to_code = (
            glorot(&[FLAT, CODE], FLAT + CODE, &mut rng, device)?,
            Var::zeros(CODE, DType::F32, device)?,
        );
        let from_code = (
            glorot(&[CODE, FLAT], FLAT + CODE, &mut rng, device)?,
            Var::zeros(FLAT, DType::F32, device)?,
        );
        let decoder = vec![
            Conv::new(128, 64, 3, true, &mut rng, device)?,
            Conv::new(64, 32, 5, true, &mut rng, device)?,
            Conv::new(32, 3, 5, true, &mut rng, device)?,
        ];
        Ok(Self {
            encoder,
            to_code,
            from_code,
            decoder,
        })
    }

    /// Images (n, 3, 64, 64) to codes (n, 10).
    pub fn encode(&self, x: &Tensor) -> Result<Tensor> {
        let mut h = x.clone();
        for layer in &self.encoder {
            h = layer.forward(&h)?.relu()?;
        }
        h.flatten_from(1)?
            .matmul(self.to_code.0.as_tensor())?
            .broadcast_add(self.to_code.1.as_tensor())
    }

    /// Codes (n, 10) back to images (n, 3, 64, 64).
    pub fn decode(&self, z: &Tensor) -> Result<Tensor> {
        let n = z.dim(0)?;
        let mut h = z
            .matmul(self.from_code.0.as_tensor())?
            .broadcast_add(self.from_code.1.as_tensor())?
            .relu()?
            .reshape((n, 128, 8, 8))?;
        for (i, layer) in self.decoder.iter().enumerate() {
            h = layer.forward(&h)?;
            if i + 1 < self.decoder.len() {
                h = h.relu()?;
            }
        }
        // Transposed convolutions with padding k/2 give 2n - 1; pad back to 2n.
        let side = h.dim(3)?;
        h.pad_with_zeros(2, 0, SIDE - side)?
            .pad_with_zeros(3, 0, SIDE - side)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_nn::{AdamW, Optimizer, ParamsAdamW};

    #[test]
    fn shapes_and_a_few_steps_lower_the_reconstruction_error() {
        let device = Device::Cpu;
        let ae = ConvAutoencoder::new(1, &device).expect("net");
        let x = (Tensor::arange(0f32, (4 * 3 * SIDE * SIDE) as f32, &device)
            .expect("x")
            .reshape((4, 3, SIDE, SIDE))
            .expect("shape")
            * 1e-5)
            .expect("scale")
            .sin()
            .expect("sin");
        let z = ae.encode(&x).expect("encode");
        assert_eq!(z.dims(), &[4, CODE]);
        assert_eq!(ae.decode(&z).expect("decode").dims(), &[4, 3, SIDE, SIDE]);
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
    }
}
