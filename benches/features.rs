//! Feature extraction speed of EfficientNet-Lite0 on the CPU at 224 x 224 (goal from the
//! semantic-clusters issue: at least 34 images/s on 2 cores, PyTorch channels-last's figure).
//! Times the network only (inputs prepared beforehand), batches of 16. The PyTorch
//! figures beside it come from `models/reference_efficientnet.py --bench` on the same
//! 2-core machine (PyTorch 2.15, 2 threads, measured 2026-11-23).
//! `cargo bench --bench features [-- --device cuda]`; prints figures, asserts nothing.

use std::time::Instant;

use candle_core::Tensor;
use photo_atlas::ml::device::{choice_from_args, choose};
use photo_atlas::ml::efficientnet::{EfficientNetLite0, to_input};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (device, message) = choose(choice_from_args(&args).map_err(anyhow::Error::msg)?)?;
    println!("{message}");
    let net = EfficientNetLite0::load_shipped(&device)?;
    let images: Vec<Tensor> = (0..16u32)
        .map(|i| {
            let img = image::RgbImage::from_fn(320, 240, |x, y| {
                image::Rgb([(x + i) as u8, (y * 2) as u8, (x ^ y) as u8])
            });
            to_input(&img, &device)
        })
        .collect::<candle_core::Result<_>>()?;
    let batch = Tensor::stack(&images, 0)?;
    net.features(&batch)?; // warm-up
    device.synchronize()?;
    let mut rates: Vec<f64> = (0..8)
        .map(|_| {
            let start = Instant::now();
            net.features(&batch)?;
            device.synchronize()?;
            Ok(16.0 / start.elapsed().as_secs_f64())
        })
        .collect::<candle_core::Result<_>>()?;
    rates.sort_by(f64::total_cmp);
    println!(
        "EfficientNet-Lite0 features, {device:?}, batch 16 (8 batches): median {:.1} images/s, \
         slowest {:.1}, fastest {:.1}",
        rates[4], rates[0], rates[7]
    );
    println!("PyTorch 2.15 on this machine (reference script): 23.3 images/s, 36.0 channels-last");
    Ok(())
}
