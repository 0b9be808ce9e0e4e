//! Feature extraction speed of EfficientNet-Lite0 on the CPU at 224 x 224 (goal from the
//! semantic-clusters issue: at least 34 images/s on 2 cores, PyTorch channels-last's figure).
//! Times the network only (inputs prepared beforehand), batches of 16 (`--batch N` for
//! another size; the pipeline uses 64 on a GPU). The PyTorch
//! figures beside it come from `models/reference_efficientnet.py --bench` on the same
//! 2-core machine (PyTorch 2.15, 2 threads, measured 2026-11-23).
//! On a GPU, `models/reference_speed.py --device cuda` gives PyTorch's figure there.
//! `cargo bench --bench features [-- --device cuda --batch 64]`; prints figures, asserts nothing.

use std::time::Instant;

use candle_core::Tensor;
use photo_atlas_core::ml::device::{choice_from_args, choose};
use photo_atlas_core::ml::efficientnet::{EfficientNetLite0, to_input};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (device, message) = choose(choice_from_args(&args).map_err(anyhow::Error::msg)?)?;
    println!("{message}");
    let size: u32 = match args.windows(2).find(|w| w[0] == "--batch") {
        Some(w) => w[1].parse()?,
        None => 16,
    };
    let net = EfficientNetLite0::load_shipped(&device)?;
    let images: Vec<Tensor> = (0..size)
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
            Ok(f64::from(size) / start.elapsed().as_secs_f64())
        })
        .collect::<candle_core::Result<_>>()?;
    rates.sort_by(f64::total_cmp);
    println!(
        "EfficientNet-Lite0 features, {device:?}, batch {size} (8 batches): median {:.1} images/s, \
         slowest {:.1}, fastest {:.1}",
        rates[4], rates[0], rates[7]
    );
    if device.is_cpu() {
        println!(
            "PyTorch 2.15 on the 2-core dev machine (reference script): 23.3 images/s, 36.0 channels-last"
        );
    }
    Ok(())
}
