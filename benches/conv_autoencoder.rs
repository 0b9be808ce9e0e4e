//! Training speed of the DCEC-style convolutional autoencoder at 64 x 64 x 3, batch
//! 256, on the CPU (the semantic-clusters issue: PyTorch's CPU build does 336
//! images/s on this machine, candle 0.11 about 20) or another device. One warm-up step,
//! then three timed Adam steps.
//! `cargo bench --bench conv_autoencoder [-- --device cuda]`; prints, asserts nothing.

use std::time::Instant;

use candle_core::Tensor;
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use photo_atlas_core::ml::conv_autoencoder::ConvAutoencoder;
use photo_atlas_core::ml::device::{choice_from_args, choose};

const SIDE: usize = 64;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (device, message) = choose(choice_from_args(&args).map_err(anyhow::Error::msg)?)?;
    println!("{message}");
    let ae = ConvAutoencoder::new(SIDE, 1, &device)?;
    let batch = 256;
    let x = Tensor::rand(0f32, 1.0, (batch, 3, SIDE, SIDE), &device)?;
    let params = ParamsAdamW {
        lr: 1e-3,
        weight_decay: 0.0,
        ..ParamsAdamW::default()
    };
    let mut opt = AdamW::new(ae.vars(), params)?;
    let mut step = || -> candle_core::Result<()> {
        let loss = (ae.decode_images(&ae.encode_images(&x)?)? - &x)?
            .sqr()?
            .mean_all()?;
        opt.backward_step(&loss)
    };
    step()?;
    device.synchronize()?;
    let started = Instant::now();
    for _ in 0..3 {
        step()?;
    }
    device.synchronize()?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "conv autoencoder training, {device:?}, 64x64x3, batch {batch}: {:.1} images/s ({:.1} s per batch)",
        3.0 * batch as f64 / secs,
        secs / 3.0
    );
    Ok(())
}
