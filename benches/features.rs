//! Feature extraction speed of EfficientNet-Lite0 on the CPU at 224 x 224 (goal from the
//! semantic-clusters issue: at least 34 images/s on 2 cores, PyTorch channels-last's figure).
//! Times the network only (inputs prepared beforehand), batches of 16.
//! `cargo bench --bench features`; prints figures, asserts nothing.

use std::time::Instant;

use candle_core::{Device, Tensor};
use photo_atlas::ml::efficientnet::{EfficientNetLite0, to_input};

fn main() -> candle_core::Result<()> {
    let device = Device::Cpu;
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
    let rounds = 4;
    let start = Instant::now();
    for _ in 0..rounds {
        net.features(&batch)?;
    }
    let secs = start.elapsed().as_secs_f64();
    let n = (rounds * 16) as f64;
    println!(
        "EfficientNet-Lite0 features, CPU, batch 16: {:.1} images/s ({:.0} ms per image)",
        n / secs,
        secs * 1000.0 / n
    );
    Ok(())
}
