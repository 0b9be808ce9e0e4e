//! Place clustering and naming of 100,000 synthetic GPS positions (goal: under 2 s).
//! Trips (photos spread a few km around a town), road trips (a photo every few km
//! along a line) and scattered single shots, all over the world.
//! `cargo bench --bench places`; prints figures, asserts nothing.

use std::time::Instant;

use photo_atlas_core::grouping::places::{ClusterOptions, find_places, warm_up};
use photo_atlas_core::metadata::Gps;
use photo_atlas_core::photo::PhotoRecord;

/// A small deterministic generator (no extra dependency for a benchmark).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn positions(n: usize) -> Vec<(f64, f64)> {
    let mut rng = Lcg(42);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let (lat, lon) = (rng.next() * 120.0 - 60.0, rng.next() * 360.0 - 180.0);
        match (rng.next() * 10.0) as u32 {
            0..=6 => {
                // A trip: 300 photos within a few km of a town.
                for _ in 0..300 {
                    out.push((
                        lat + (rng.next() - 0.5) * 0.05,
                        lon + (rng.next() - 0.5) * 0.05,
                    ));
                }
            }
            7..=8 => {
                // A road trip: 200 photos, one every ~3 km.
                for k in 0..200 {
                    out.push((lat + f64::from(k) * 0.02, lon + f64::from(k) * 0.02));
                }
            }
            _ => out.push((lat, lon)),
        }
    }
    out.truncate(n);
    out
}

fn record(i: usize, (lat, lon): (f64, f64)) -> PhotoRecord {
    PhotoRecord {
        gps: Gps::new(lat, lon, None),
        ..PhotoRecord::bare(format!("/p/{i}.jpg"))
    }
}

fn main() {
    let photos: Vec<PhotoRecord> = positions(100_000)
        .into_iter()
        .enumerate()
        .map(|(i, p)| record(i, p))
        .collect();
    let t = Instant::now();
    warm_up();
    println!(
        "loading the offline geocoder (once per process): {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    for run in 1..=3 {
        let t = Instant::now();
        let found = find_places(&photos, &ClusterOptions::default());
        println!(
            "run {run}: 100,000 positions -> {} places, clustered and named in {:.0} ms",
            found.places.len(),
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
}
