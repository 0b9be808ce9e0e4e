//! The two autoencoders behind one type: the dense one (network features, and the
//! DEC paper's pixel network) and the DCEC-style convolutional one (pixels, for a
//! GPU). Training, storage, fine-tuning and search go through [`Network`], so they
//! need not know which one a library was trained with; a stored model says which it
//! is by its tensor names.

use std::collections::HashMap;

use candle_core::{Device, Result, Tensor, Var};

use super::autoencoder::Autoencoder;
use super::conv_autoencoder::{CODE, ConvAutoencoder, NAME_PREFIX};

/// Which autoencoder to train.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Architecture {
    Dense,
    Conv,
}

impl Architecture {
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::Dense => "dense",
            Architecture::Conv => "convolutional",
        }
    }
}

/// What the user asked for (`--autoencoder`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AutoencoderChoice {
    /// Convolutional for pixels on an NVIDIA GPU, dense otherwise.
    #[default]
    Auto,
    Dense,
    /// The DCEC-style convolutional autoencoder (pixels only; slow on the CPU).
    Conv,
}

impl AutoencoderChoice {
    /// The architecture to train for `pixels` or network features on `device`.
    pub fn resolve(
        self,
        pixels: bool,
        device: &Device,
    ) -> std::result::Result<Architecture, String> {
        match self {
            AutoencoderChoice::Dense => Ok(Architecture::Dense),
            AutoencoderChoice::Conv if !pixels => Err(
                "the convolutional autoencoder learns from pixels: add --features pixels".into(),
            ),
            // candle's conv2d weight gradient is wrong on Metal (an open candle bug).
            AutoencoderChoice::Conv if device.is_metal() => Err(
                "the convolutional autoencoder cannot train on Metal: candle's convolution \
                 gradient is wrong there; use --autoencoder dense or --device cpu"
                    .into(),
            ),
            AutoencoderChoice::Conv => Ok(Architecture::Conv),
            AutoencoderChoice::Auto if pixels && device.is_cuda() => Ok(Architecture::Conv),
            AutoencoderChoice::Auto => Ok(Architecture::Dense),
        }
    }
}

/// A trained or training autoencoder of either kind.
pub enum Network {
    Dense(Autoencoder),
    Conv(ConvAutoencoder),
}

/// The side of square RGB images stored as `input_dim` values, if it is one.
fn image_side(input_dim: usize) -> Option<usize> {
    let side = ((input_dim / 3) as f64).sqrt().round() as usize;
    (side * side * 3 == input_dim).then_some(side)
}

impl Network {
    /// A fresh network. `dims` are the dense layer sizes; the convolutional network
    /// takes only the input size from them (square RGB images).
    pub fn new(
        architecture: Architecture,
        dims: &[usize],
        seed: u64,
        device: &Device,
    ) -> Result<Self> {
        match architecture {
            Architecture::Dense => Ok(Network::Dense(Autoencoder::new(dims, seed, device)?)),
            Architecture::Conv => {
                let input = dims.first().copied().unwrap_or(0);
                let side = image_side(input).ok_or_else(|| {
                    candle_core::Error::Msg(format!(
                        "{input} values are not a square RGB image for the convolutional autoencoder"
                    ))
                })?;
                Ok(Network::Conv(ConvAutoencoder::new(side, seed, device)?))
            }
        }
    }

    /// A stored network with layer sizes `dims` (as [`Self::dims`] gave them), or
    /// `None` when the tensors do not fit them.
    pub fn from_tensors(dims: &[usize], tensors: &HashMap<String, Tensor>) -> Result<Option<Self>> {
        if tensors.keys().any(|k| k.starts_with(NAME_PREFIX)) {
            let Some(side) = dims.first().copied().and_then(image_side) else {
                return Ok(None);
            };
            return Ok(ConvAutoencoder::from_tensors(side, tensors)?.map(Network::Conv));
        }
        Ok(Autoencoder::from_tensors(dims, tensors)?.map(Network::Dense))
    }

    pub fn architecture(&self) -> Architecture {
        match self {
            Network::Dense(_) => Architecture::Dense,
            Network::Conv(_) => Architecture::Conv,
        }
    }

    /// Layer sizes as stored with the model: the dense layers, or (input, code).
    pub fn dims(&self) -> Vec<usize> {
        match self {
            Network::Dense(ae) => ae.dims().to_vec(),
            Network::Conv(ae) => vec![ae.input_dim(), CODE],
        }
    }

    pub fn encode(&self, x: &Tensor) -> Result<Tensor> {
        match self {
            Network::Dense(ae) => ae.encode(x),
            Network::Conv(ae) => ae.encode(x),
        }
    }

    pub fn decode(&self, z: &Tensor) -> Result<Tensor> {
        match self {
            Network::Dense(ae) => ae.decode(z),
            Network::Conv(ae) => ae.decode(z),
        }
    }

    pub fn vars(&self) -> Vec<Var> {
        match self {
            Network::Dense(ae) => ae.vars(),
            Network::Conv(ae) => ae.vars(),
        }
    }

    pub fn named_tensors(&self) -> HashMap<String, Tensor> {
        match self {
            Network::Dense(ae) => ae.named_tensors(),
            Network::Conv(ae) => ae.named_tensors(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_network_comes_back_as_the_same_kind() {
        let device = Device::Cpu;
        for (architecture, dims) in [
            (Architecture::Dense, vec![48, 8, 3]),
            (Architecture::Conv, vec![16 * 16 * 3, 500, 10]),
        ] {
            let net = Network::new(architecture, &dims, 3, &device).expect("net");
            let x = Tensor::rand(0f32, 1.0, (2, dims[0]), &device).expect("x");
            let code = net.encode(&x).expect("encode");
            assert_eq!(net.decode(&code).expect("decode").dims(), x.dims());
            let back = Network::from_tensors(&net.dims(), &net.named_tensors())
                .expect("load")
                .expect("fits");
            assert_eq!(back.architecture(), architecture);
            let codes = |n: &Network| -> Vec<Vec<f32>> {
                n.encode(&x).and_then(|t| t.to_vec2()).expect("codes")
            };
            assert_eq!(codes(&back), codes(&net));
        }
        assert!(Network::new(Architecture::Conv, &[1280, 10], 1, &device).is_err());
    }

    #[test]
    fn auto_picks_the_convolutional_network_only_for_pixels_on_a_gpu() {
        let cpu = Device::Cpu;
        assert_eq!(
            AutoencoderChoice::Auto.resolve(true, &cpu),
            Ok(Architecture::Dense)
        );
        assert_eq!(
            AutoencoderChoice::Auto.resolve(false, &cpu),
            Ok(Architecture::Dense)
        );
        assert_eq!(
            AutoencoderChoice::Conv.resolve(true, &cpu),
            Ok(Architecture::Conv)
        );
        let refused = AutoencoderChoice::Conv.resolve(false, &cpu);
        assert!(refused.is_err_and(|e| e.contains("--features pixels")));
    }
}
