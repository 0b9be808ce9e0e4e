//! Makes a bigger photo library from a small one, for timing `cluster` at scale (the GPU
//! issue asks for 20,000 photos: the 4,317 flowers plus augmented copies). Every photo
//! is copied as it is, then `--copies N` times changed: mirrored or not, cropped to
//! 70-95 % of its side at a random place, and made brighter or darker by up to 20 %.
//! The source folder is only read.
//!
//! `cargo run --release --example augment_library -- SOURCE TARGET [--copies N] [--seed S]`

use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use walkdir::WalkDir;

fn option(args: &[String], name: &str, default: u64) -> u64 {
    args.windows(2)
        .find(|w| w[0] == name)
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(default)
}

fn augmented(img: &image::RgbImage, rng: &mut Xoshiro256Plus) -> image::RgbImage {
    let (w, h) = img.dimensions();
    let share = rng.gen_range(0.70..0.95);
    let (cw, ch) = (
        ((w as f64 * share) as u32).max(1),
        ((h as f64 * share) as u32).max(1),
    );
    let (x, y) = (rng.gen_range(0..=w - cw), rng.gen_range(0..=h - ch));
    let mut out = image::imageops::crop_imm(img, x, y, cw, ch).to_image();
    if rng.gen_bool(0.5) {
        image::imageops::flip_horizontal_in_place(&mut out);
    }
    let gain: f32 = rng.gen_range(0.8..1.2);
    for p in out.pixels_mut() {
        for c in p.0.iter_mut() {
            *c = (f32::from(*c) * gain).clamp(0.0, 255.0) as u8;
        }
    }
    out
}

fn photos(source: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = WalkDir::new(source)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "jpg" | "jpeg" | "png"))
        })
        .collect();
    found.sort();
    found
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [source, target] = [0, 1].map(|i| args.get(i).map(PathBuf::from));
    let (Some(source), Some(target)) = (source, target) else {
        anyhow::bail!("usage: augment_library SOURCE TARGET [--copies N] [--seed S]");
    };
    let copies = option(&args, "--copies", 3);
    let mut rng = Xoshiro256Plus::seed_from_u64(option(&args, "--seed", 1));
    std::fs::create_dir_all(&target)?;
    let (mut written, mut skipped) = (0usize, 0usize);
    for (i, path) in photos(&source).iter().enumerate() {
        let img = match image::open(path) {
            Ok(img) => img.to_rgb8(),
            Err(e) => {
                eprintln!("skipped {}: {e}", path.display());
                skipped += 1;
                continue;
            }
        };
        img.save(target.join(format!("{i:06}-0.jpg")))?;
        for c in 1..=copies {
            augmented(&img, &mut rng).save(target.join(format!("{i:06}-{c}.jpg")))?;
        }
        written += 1 + copies as usize;
    }
    println!(
        "wrote {written} photos to {} ({skipped} unreadable skipped)",
        target.display()
    );
    Ok(())
}
