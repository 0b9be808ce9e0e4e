//! Where a thumbnail's time goes, per stage, on real camera JPEGs:
//! read, metadata, decode (DCT-scaled), resize + orient, encode.
//! `cargo bench --bench thumbnail_stages [-- DATA_DIR]`; prints figures, asserts nothing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use photo_atlas_core::imaging::{THUMBNAIL_SIZE, apply_orientation, decode, fit_within};
use photo_atlas_core::library::PhotoKind;
use photo_atlas_core::metadata;

fn main() {
    let data = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    let files: Vec<PathBuf> = walkdir::WalkDir::new(data.join("exif-samples/jpg"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| PhotoKind::from_path(p) == Some(PhotoKind::Jpeg))
        .filter(|p| {
            image::image_dimensions(p).is_ok_and(|(w, h)| u64::from(w) * u64::from(h) >= 1_000_000)
        })
        .collect();
    if files.is_empty() {
        eprintln!("no camera JPEGs found under {}", data.display());
        return;
    }
    let mut totals = [Duration::ZERO; 5];
    let rounds = 3;
    for _ in 0..rounds {
        for path in &files {
            let mut t = Instant::now();
            let mut lap = |i: usize, totals: &mut [Duration; 5]| {
                totals[i] += t.elapsed();
                t = Instant::now();
            };
            let bytes = std::fs::read(path).expect("read");
            lap(0, &mut totals);
            let meta = metadata::read_from_bytes(&bytes);
            lap(1, &mut totals);
            let Ok(img) = decode(&bytes, PhotoKind::Jpeg, None, Some(THUMBNAIL_SIZE)) else {
                continue;
            };
            lap(2, &mut totals);
            let (w, h) = fit_within(img.width(), img.height(), THUMBNAIL_SIZE);
            let small = apply_orientation(image::imageops::thumbnail(&img, w, h), meta.orientation);
            lap(3, &mut totals);
            let mut out = std::io::Cursor::new(Vec::new());
            small
                .write_to(&mut out, image::ImageFormat::Jpeg)
                .expect("encode");
            lap(4, &mut totals);
        }
    }
    let n = (files.len() * rounds) as f64;
    println!(
        "{} camera JPEGs x {rounds} rounds, one thread:",
        files.len()
    );
    for (name, d) in [
        "read",
        "metadata",
        "decode (scaled)",
        "resize + orient",
        "encode",
    ]
    .iter()
    .zip(totals)
    {
        println!(
            "  {name:<16} {:8.2} ms per photo",
            d.as_secs_f64() * 1000.0 / n
        );
    }
    let all: Duration = totals.iter().sum();
    println!(
        "  {:<16} {:8.2} ms per photo ({:.1} photos/s)",
        "total",
        all.as_secs_f64() * 1000.0 / n,
        n / all.as_secs_f64()
    );
}
