//! Time to cluster 2,000 photos whose features are already cached (goal from the
//! semantic-clusters issue: under 60 s on the CPU): 1280-d non-negative vectors in
//! eight groups, like pooled EfficientNet features, through the whole pipeline
//! (smoothing, autoencoder pretraining, k choice, IDEC, guard) with the default
//! settings. `cargo bench --bench cluster`; prints figures, asserts nothing.

use std::time::Instant;

use candle_core::Device;
use ndarray::Array2;
use photo_atlas_core::jobs::CancelToken;
use photo_atlas_core::jobs::Progress;
use photo_atlas_core::ml::pipeline::{ClusterJob, KChoice, cluster};
use photo_atlas_core::ml::train::TrainConfig;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

fn main() -> anyhow::Result<()> {
    let (n, dim, groups) = (2000usize, 1280usize, 8usize);
    let mut rng = Xoshiro256Plus::seed_from_u64(3);
    let features = Array2::from_shape_fn((n, dim), |(i, d)| {
        let base = if d % groups == i % groups { 1.5 } else { 0.3 };
        base * rng.gen_range(0.0f32..1.0)
    });
    for k in [KChoice::Fixed(groups), KChoice::AUTO] {
        let progress = Progress::default();
        let job = ClusterJob {
            k,
            seed: 1,
            pixels: false,
            architecture: photo_atlas_core::ml::network::Architecture::Dense,
            config: TrainConfig::default(),
            previous: None,
            device: &Device::Cpu,
            cancel: &CancelToken::new(),
            progress: &progress,
        };
        let started = Instant::now();
        let result = cluster(&features, &job)?.ok_or_else(|| anyhow::anyhow!("cancelled"))?;
        let stages: Vec<String> = result
            .seconds
            .iter()
            .map(|(s, t)| format!("{s} {t:.1} s"))
            .collect();
        println!(
            "cluster {n} photos, k {:?} -> {}: {:.1} s ({}; {:.0} photos/s)",
            k,
            result.k,
            started.elapsed().as_secs_f64(),
            stages.join(", "),
            n as f64 / started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
