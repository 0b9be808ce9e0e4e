//! Similar-photo query latency over synthetic latent codes of the real code size
//! (32 values), for 10,000, 100,000 and 1,000,000 photos: median and p95 of 200
//! queries, brute force (goal from the similar-photos issue: median under 5 ms at
//! 100,000). Then the whole `similar` ranking, which also searches the 1280-d
//! features for near-duplicates, at 10,000 and 100,000 photos. Then the HNSW index
//! (for libraries above 100,000 photos): build time, query latency and recall@10
//! against brute force at 100,000 and 1,000,000 codes (goal: recall >= 0.95 at 1M).
//! Last, a search as the window makes one, through a catalog on disk holding
//! 100,000 grouped photos with their codes and features: what a click costs,
//! beside the in-memory ranking it ends with.
//! `cargo bench --bench similar [-- --catalog]`; prints figures, asserts nothing.

use std::time::Instant;

use candle_core::Device;
use photo_atlas_core::jobs::CancelToken;
use photo_atlas_core::ml::features::BACKBONE_MODEL;
use photo_atlas_core::photo::PhotoRecord;
use photo_atlas_core::search::ann::{AnnIndex, recall};
use photo_atlas_core::search::similar::similar_to_path;
use photo_atlas_core::search::{CodeIndex, similar};
use photo_atlas_core::store::{Catalog, ClusterMember, SavedModel};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

#[path = "support/library.rs"]
mod support;
use support::{LIBRARY, photo};

const DIM: usize = 32;

fn main() {
    let mut rng = Xoshiro256Plus::seed_from_u64(1);
    // `--catalog`: only the full ranking at 100,000 photos and the search through the catalog.
    let catalog_only = std::env::args().any(|a| a == "--catalog");
    let sizes: &[usize] = if catalog_only {
        &[]
    } else {
        &[10_000, 100_000, 1_000_000]
    };
    for &n in sizes {
        let codes: Vec<f32> = (0..n * DIM).map(|_| rng.gen_range(-1.0..1.0)).collect();
        let started = Instant::now();
        let index = CodeIndex::new(codes.chunks_exact(DIM));
        let build = started.elapsed();
        let mut times: Vec<f64> = (0..200)
            .map(|q| {
                let query = index.code(q * 37 % n).to_vec();
                let t = Instant::now();
                let hits = index.search(&query, 10, Some(q * 37 % n));
                let elapsed = t.elapsed().as_secs_f64() * 1000.0;
                assert_eq!(hits.len(), 10);
                elapsed
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "{n:>9} codes: query median {:.2} ms, p95 {:.2} ms (index built in {:.0} ms)",
            times[100],
            times[190],
            build.as_secs_f64() * 1000.0
        );
    }
    let mut in_memory = 0.0;
    let sizes: &[usize] = if catalog_only {
        &[100_000]
    } else {
        &[10_000, 100_000]
    };
    for &n in sizes {
        let codes: Vec<f32> = (0..n * DIM).map(|_| rng.gen_range(-1.0..1.0)).collect();
        let features: Vec<f32> = (0..n * 1280).map(|_| rng.gen_range(0.0..1.0)).collect();
        let codes = CodeIndex::new(codes.chunks_exact(DIM));
        let features = CodeIndex::new(features.chunks_exact(1280));
        let mut times: Vec<f64> = (0..50)
            .map(|q| {
                let item = q * 37 % n;
                let (qc, qf) = (codes.code(item).to_vec(), features.code(item).to_vec());
                let t = Instant::now();
                let hits = similar(&codes, &features, &qc, &qf, 10, Some(item));
                assert_eq!(hits.len(), 10);
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "{n:>9} photos, full similar (codes + 1280-d features): median {:.1} ms, p95 {:.1} ms",
            times[25], times[47]
        );
        in_memory = times[25];
    }
    let sizes: &[usize] = if catalog_only {
        &[]
    } else {
        &[100_000, 1_000_000]
    };
    for &n in sizes {
        // Codes with structure, like learned ones: noisy copies of 2,000 centres.
        let centres: Vec<f32> = (0..2000 * DIM).map(|_| rng.gen_range(-1.0..1.0)).collect();
        let raw: Vec<f32> = (0..n * DIM)
            .map(|i| centres[(i / DIM % 2000) * DIM + i % DIM] + rng.gen_range(-0.5..0.5))
            .collect();
        let codes = CodeIndex::new(raw.chunks_exact(DIM));
        let started = Instant::now();
        let ann = AnnIndex::build(&codes, 100, 1);
        let build = started.elapsed().as_secs_f64();
        let (mut times, mut total) = (Vec::new(), 0.0);
        for q in 0..200 {
            let item = q * 4999 % n;
            let truth = codes.search(codes.code(item), 10, Some(item));
            let t = Instant::now();
            let found = ann.search(codes.code(item), 10, Some(item));
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            total += recall(&truth, &found);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{n:>9} codes, HNSW: built in {build:.0} s; query median {:.2} ms, p95 {:.2} ms; recall@10 {:.3}",
            times[100],
            times[190],
            total / 200.0
        );
    }
    through_the_catalog(100_000, in_memory, &mut rng);
}

/// Median milliseconds of a Similar search of a grouped photo through a catalog of
/// `n` grouped photos (opened for each search, as the window's task does), and
/// its ratio to `in_memory`, the median of the ranking alone.
fn through_the_catalog(n: usize, in_memory: f64, rng: &mut Xoshiro256Plus) {
    let state = tempfile::tempdir().expect("tempdir");
    let file = state.path().join("catalog.sqlite");
    let photos: Vec<PhotoRecord> = (0..n).map(photo).collect();
    {
        let mut catalog = Catalog::open(&file).expect("catalog");
        catalog.upsert_photos(&photos).expect("photos");
        let vectors: Vec<(&PhotoRecord, Vec<f32>)> = photos
            .iter()
            .map(|p| (p, (0..1280).map(|_| rng.gen_range(0.0..1.0)).collect()))
            .collect();
        catalog
            .put_features(BACKBONE_MODEL, &vectors)
            .expect("features");
        let members: Vec<ClusterMember> = photos
            .iter()
            .enumerate()
            .map(|(i, p)| ClusterMember {
                path: p.path.clone(),
                cluster: i % 20,
                confidence: 0.9,
                code: (0..DIM).map(|_| rng.gen_range(-1.0..1.0)).collect(),
                soft: vec![0.05; 20],
            })
            .collect();
        let model = SavedModel {
            features: "backbone".into(),
            dims: vec![128, 512, 256, DIM],
            k: 20,
            seed: 1,
            trained_at: 0,
            // As large as a real model's: 20 MB of smoothing pool states, 1.6 MB of weights
            // (never loaded for a photo of the library).
            weights: vec![0; 21_600_000],
        };
        catalog
            .save_clusters(LIBRARY, &model, &members, &[])
            .expect("groups");
    }
    let never = CancelToken::new();
    let mut times: Vec<f64> = (0..9)
        .map(|q| {
            let path = photos[q * 7919 % n].path_text().into_owned();
            let t = Instant::now();
            let catalog = Catalog::open(&file).expect("catalog");
            let hits = similar_to_path(&catalog, &path, 60, &Device::Cpu, true, &never)
                .expect("search")
                .expect("not cancelled");
            assert_eq!(hits.len(), 60);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "{n:>9} photos, Similar through the catalog (as a click in the window): median {:.0} ms, slowest {:.0} ms; {:.0}x the ranking alone",
        times[4],
        times[8],
        times[4] / in_memory
    );
}
