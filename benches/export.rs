//! Exporting 10,000 photos (100 KB each, 1 GB) into a new folder, beside `cp -r` of
//! the same files in the same run, as a ratio (goal from the albums issue: disk
//! speed). Each is run twice, alternating, after one warm-up read of the files.
//! `cargo bench --bench export`; prints figures, asserts nothing.

use std::time::Instant;

use photo_atlas_core::export::{ExportOptions, export};
use photo_atlas_core::jobs::{CancelToken, Progress};
use photo_atlas_core::photo::PhotoRecord;
use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

const PHOTOS: usize = 10_000;
const BYTES: usize = 100_000;

fn main() -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    let source = work.path().join("library");
    std::fs::create_dir(&source)?;
    let mut rng = Xoshiro256Plus::seed_from_u64(19);
    let mut data = vec![0u8; BYTES];
    let mut photos = Vec::with_capacity(PHOTOS);
    for i in 0..PHOTOS {
        rng.fill_bytes(&mut data);
        let path = source.join(format!("IMG_{i:05}.jpg"));
        std::fs::write(&path, &data)?;
        photos.push(PhotoRecord::bare(path));
    }
    println!(
        "{PHOTOS} files of {} KB ({:.1} GB)",
        BYTES / 1000,
        (PHOTOS * BYTES) as f64 / 1e9
    );
    let (mut ours, mut cp) = (Vec::new(), Vec::new());
    for run in 0..2 {
        let dest = work.path().join(format!("export-{run}"));
        let clock = Instant::now();
        let report = export(
            &photos,
            &dest,
            std::slice::from_ref(&source),
            ExportOptions::default(),
            &CancelToken::new(),
            &Progress::default(),
        )?;
        ours.push(clock.elapsed().as_secs_f64());
        assert_eq!(report.written.len(), PHOTOS, "every photo was copied");
        let dest = work.path().join(format!("cp-{run}"));
        let clock = Instant::now();
        let status = std::process::Command::new("cp")
            .arg("-r")
            .arg(&source)
            .arg(&dest)
            .status()?;
        cp.push(clock.elapsed().as_secs_f64());
        anyhow::ensure!(status.success(), "cp failed");
    }
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    println!("photo-atlas export: {:.2} s (runs {:?})", best(&ours), ours);
    println!("cp -r:              {:.2} s (runs {:?})", best(&cp), cp);
    println!("ratio export / cp:  {:.2}", best(&ours) / best(&cp));
    Ok(())
}
