//! The dense autoencoder of the DEC papers (d-500-500-2000-10 for pixels, a smaller
//! stack for backbone features): ReLU between layers, a linear bottleneck and a
//! linear output. Weights are candle `Var`s initialised from a seeded generator
//! (candle's CPU generator cannot be seeded), so training is reproducible, and
//! they round-trip through safetensors bytes for the catalog.

use std::collections::HashMap;

use candle_core::{DType, Device, Result, Tensor, Var};
use rand::Rng;
use rand_xoshiro::Xoshiro256Plus;

/// One fully connected layer, `x · w + b` with `w` stored as (inputs, outputs).
struct Dense {
    w: Var,
    b: Var,
}

impl Dense {
    /// Glorot-uniform weights, zero bias.
    fn new(
        inputs: usize,
        outputs: usize,
        rng: &mut Xoshiro256Plus,
        device: &Device,
    ) -> Result<Self> {
        let limit = (6.0 / (inputs + outputs) as f32).sqrt();
        let w: Vec<f32> = (0..inputs * outputs)
            .map(|_| rng.gen_range(-limit..limit))
            .collect();
        Ok(Self {
            w: Var::from_tensor(&Tensor::from_vec(w, (inputs, outputs), device)?)?,
            b: Var::zeros(outputs, DType::F32, device)?,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        x.matmul(self.w.as_tensor())?
            .broadcast_add(self.b.as_tensor())
    }
}

/// An encoder (input → code) and a mirrored decoder (code → input).
pub struct Autoencoder {
    dims: Vec<usize>,
    encoder: Vec<Dense>,
    decoder: Vec<Dense>,
}

impl Autoencoder {
    /// `dims` runs from the input to the code, e.g. `[1280, 512, 128, 32]`.
    pub fn new(dims: &[usize], seed: u64, device: &Device) -> Result<Self> {
        use rand::SeedableRng;
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let encoder = dims
            .windows(2)
            .map(|w| Dense::new(w[0], w[1], &mut rng, device))
            .collect::<Result<_>>()?;
        let decoder = dims
            .windows(2)
            .rev()
            .map(|w| Dense::new(w[1], w[0], &mut rng, device))
            .collect::<Result<_>>()?;
        Ok(Self {
            dims: dims.to_vec(),
            encoder,
            decoder,
        })
    }

    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    pub fn code_dim(&self) -> usize {
        self.dims.last().copied().unwrap_or(0)
    }

    pub fn encode(&self, x: &Tensor) -> Result<Tensor> {
        stack_forward(&self.encoder, x)
    }

    pub fn decode(&self, z: &Tensor) -> Result<Tensor> {
        stack_forward(&self.decoder, z)
    }

    /// Every trainable tensor, for the optimiser.
    pub fn vars(&self) -> Vec<Var> {
        self.encoder
            .iter()
            .chain(&self.decoder)
            .flat_map(|l| [l.w.clone(), l.b.clone()])
            .collect()
    }

    /// Named tensors, as stored in safetensors.
    pub fn named_tensors(&self) -> HashMap<String, Tensor> {
        let mut out = HashMap::new();
        for (side, layers) in [("encoder", &self.encoder), ("decoder", &self.decoder)] {
            for (i, l) in layers.iter().enumerate() {
                out.insert(format!("{side}.{i}.weight"), l.w.as_tensor().clone());
                out.insert(format!("{side}.{i}.bias"), l.b.as_tensor().clone());
            }
        }
        out
    }

    /// Rebuilds an autoencoder from `named_tensors`; `None` if the shapes differ from `dims`.
    pub fn from_tensors(dims: &[usize], tensors: &HashMap<String, Tensor>) -> Result<Option<Self>> {
        let layer = |name: String, inputs: usize, outputs: usize| -> Result<Option<Dense>> {
            let (Some(w), Some(b)) = (
                tensors.get(&format!("{name}.weight")),
                tensors.get(&format!("{name}.bias")),
            ) else {
                return Ok(None);
            };
            if w.dims() != [inputs, outputs] || b.dims() != [outputs] {
                return Ok(None);
            }
            Ok(Some(Dense {
                w: Var::from_tensor(w)?,
                b: Var::from_tensor(b)?,
            }))
        };
        let mut encoder = Vec::new();
        for (i, w) in dims.windows(2).enumerate() {
            let Some(l) = layer(format!("encoder.{i}"), w[0], w[1])? else {
                return Ok(None);
            };
            encoder.push(l);
        }
        let mut decoder = Vec::new();
        for (i, w) in dims.windows(2).rev().enumerate() {
            let Some(l) = layer(format!("decoder.{i}"), w[1], w[0])? else {
                return Ok(None);
            };
            decoder.push(l);
        }
        Ok(Some(Self {
            dims: dims.to_vec(),
            encoder,
            decoder,
        }))
    }
}

/// Layers with ReLU between them and none after the last.
fn stack_forward(layers: &[Dense], x: &Tensor) -> Result<Tensor> {
    let mut h = x.clone();
    for (i, layer) in layers.iter().enumerate() {
        h = layer.forward(&h)?;
        if i + 1 < layers.len() {
            h = h.relu()?;
        }
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_seeding_and_round_trip() {
        let device = Device::Cpu;
        let ae = Autoencoder::new(&[12, 8, 3], 5, &device).expect("ae");
        let x = Tensor::randn(0f32, 1.0, (4, 12), &device).expect("x");
        let z = ae.encode(&x).expect("encode");
        assert_eq!(z.dims(), &[4, 3]);
        assert_eq!(ae.decode(&z).expect("decode").dims(), &[4, 12]);
        assert_eq!(ae.vars().len(), 8);
        let same = Autoencoder::new(&[12, 8, 3], 5, &device).expect("ae");
        let other = Autoencoder::new(&[12, 8, 3], 6, &device).expect("ae");
        let codes = |a: &Autoencoder| -> Vec<Vec<f32>> {
            a.encode(&x).and_then(|t| t.to_vec2()).expect("codes")
        };
        assert_eq!(codes(&ae), codes(&same));
        assert_ne!(codes(&ae), codes(&other));
        let back = Autoencoder::from_tensors(&[12, 8, 3], &ae.named_tensors())
            .expect("load")
            .expect("shapes match");
        assert_eq!(codes(&back), codes(&ae));
        assert!(
            Autoencoder::from_tensors(&[12, 9, 3], &ae.named_tensors())
                .expect("load")
                .is_none()
        );
    }
}
