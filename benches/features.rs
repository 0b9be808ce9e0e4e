//! Feature extraction speed of EfficientNet-Lite0 on the CPU at 224 x 224 (goal from the
//! semantic-clusters issue: at least 34 images/s on 2 cores, PyTorch channels-last's figure).
//! Times the network only (inputs prepared beforehand), batches of 16 (`--batch N` for
//! another size; the pipeline uses 64 on a GPU). The PyTorch
//! figures beside it come from `models/reference_efficientnet.py --bench` on the same
//! 2-core machine (PyTorch 2.15, 2 threads, measured 2026-11-23).
//! On a GPU, `models/reference_speed.py --device cuda` gives PyTorch's figure there.
//! Then the same end to end, from the files to the catalog, on 256 real photos.
//! `cargo bench --bench features [-- --device cuda --batch 64 --photos DIR]`; prints figures, asserts nothing.

use std::path::{Path, PathBuf};
use std::time::Instant;

use candle_core::Tensor;
use photo_atlas_core::jobs::{CancelToken, Progress};
use photo_atlas_core::ml::device::{choice_from_args, choose};
use photo_atlas_core::ml::efficientnet::{EfficientNetLite0, to_input};
use photo_atlas_core::ml::features::backbone_features;
use photo_atlas_core::scanner::{ScanOptions, scan};
use photo_atlas_core::store::Catalog;

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
    end_to_end(&net, &device, &args)?;
    Ok(())
}

/// Photos per second from the files to the cached vectors (read, decode at reduced
/// size, resize, the network, the top classes, the catalog), as learning and the
/// background task run it, on real photos: the first 256 of `--photos DIR` (default
/// the flowers set), copied to a scratch folder.
fn end_to_end(
    net: &EfficientNetLite0,
    device: &candle_core::Device,
    args: &[String],
) -> anyhow::Result<()> {
    let source = args.windows(2).find(|w| w[0] == "--photos").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/labeled/flowers/flowers"),
        |w| PathBuf::from(&w[1]),
    );
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&source)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("jpg")))
        .take(256)
        .collect();
    if files.is_empty() {
        println!(
            "end to end: no photos under {} (--photos DIR)",
            source.display()
        );
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    for (i, f) in files.iter().enumerate() {
        std::fs::copy(f, dir.path().join(format!("p{i:04}.jpg")))?;
    }
    let mut catalog = Catalog::open_in_memory()?;
    let never = CancelToken::new();
    let report = scan(
        &mut catalog,
        dir.path(),
        &ScanOptions::default(),
        &never,
        &Progress::default(),
    )?;
    let photos = catalog.photos_under(&report.folder)?;
    let started = Instant::now();
    let (_, done) = backbone_features(
        &mut catalog,
        &photos,
        net,
        device,
        &never,
        &Progress::default(),
    )?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "end to end, {} photos of {}: {:.1} photos/s ({} could not be read)",
        photos.len(),
        source.display(),
        photos.len() as f64 / seconds,
        done.failed.len()
    );
    Ok(())
}
