//! Learning time with features already cached, at 2,000, 20,000 and 100,000 photos
//! (goals: 20,000 in 60 s or less, 100,000 in 5 minutes or less, peak memory under
//! 2 GB, on a 2-core laptop CPU), beside the same recipe in PyTorch + scikit-learn
//! (`models/reference_cluster.py`) on the same features in the same run, as a ratio.
//!
//! The features are synthetic: 1,280 non-negative values a photo, like pooled
//! EfficientNet features, in 12 groups of unequal size that share a common part
//! (so they are not trivially apart). Each size runs in its own process, so that
//! its peak memory (`VmHWM`, features included) is its own.
//!
//! `cargo bench --bench cluster [-- --sizes 2000,20000 --threads 1,2 --rounds 3]`; the
//! reference runs when `PHOTO_ATLAS_PYTHON` (default `python3`) can import torch and
//! sklearn. The two sides take turns, `--rounds` times each, and the fastest run of
//! each is compared: this machine's speed drifts by a third over minutes (a gemm
//! alone measured 54 to 91 GFLOP/s a core), so one run of each, minutes apart, could
//! make the ratio say as much about the drift as about the code.
//! Prints figures, asserts nothing.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use candle_core::Device;
use ndarray::Array2;
use photo_atlas_core::jobs::{CancelToken, Progress};
use photo_atlas_core::ml::features::BACKBONE_MODEL;
use photo_atlas_core::ml::join::join_new_photos;
use photo_atlas_core::ml::learn::members_of;
use photo_atlas_core::ml::metrics::nmi;
use photo_atlas_core::ml::network::Architecture;
use photo_atlas_core::ml::pipeline::Clustering;
use photo_atlas_core::ml::pipeline::{ClusterJob, KChoice, cluster};
use photo_atlas_core::ml::train::TrainConfig;
use photo_atlas_core::photo::PhotoRecord;
use photo_atlas_core::store::{Catalog, SavedModel};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

#[path = "support/library.rs"]
mod support;
use support::{LIBRARY, photo};

const DIM: usize = 1280;
const GROUPS: usize = 12;

/// Synthetic features and their groups.
fn features(n: usize) -> (Array2<f32>, Vec<usize>) {
    let mut rng = Xoshiro256Plus::seed_from_u64(3);
    let centres = Array2::from_shape_fn((GROUPS, DIM), |_| {
        if rng.gen_bool(0.1) {
            rng.gen_range(0.5f32..2.0)
        } else {
            0.0
        }
    });
    let common: Vec<f32> = (0..DIM).map(|_| rng.gen_range(0.0f32..0.6)).collect();
    // Unequal sizes: group g is drawn with weight g + 1.
    let total = (GROUPS * (GROUPS + 1) / 2) as u32;
    let mut truth = Vec::with_capacity(n);
    let mut data = Array2::zeros((n, DIM));
    for mut row in data.rows_mut() {
        let mut pick = rng.gen_range(0..total);
        let mut g = 0;
        while pick > g as u32 {
            pick -= g as u32 + 1;
            g += 1;
        }
        truth.push(g);
        for (d, x) in row.iter_mut().enumerate() {
            let v = centres[[g, d]] + common[d] + rng.gen_range(-0.5f32..0.5);
            *x = v.max(0.0);
        }
    }
    (data, truth)
}

fn peak_memory_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// One size, in this process: prints one line of `key=value` figures.
fn run_one(n: usize, features_file: Option<&Path>) -> anyhow::Result<()> {
    let (data, truth) = features(n);
    if let Some(path) = features_file {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for v in data.iter() {
            f.write_all(&v.to_le_bytes())?;
        }
        let labels: Vec<String> = truth.iter().map(usize::to_string).collect();
        std::fs::write(path.with_extension("labels"), labels.join("\n"))?;
    }
    let progress = Progress::default();
    let job = ClusterJob {
        k: KChoice::AUTO,
        seed: 1,
        pixels: false,
        architecture: Architecture::Dense,
        config: TrainConfig::default(),
        previous: None,
        device: &Device::Cpu,
        cancel: &CancelToken::new(),
        progress: &progress,
    };
    let started = Instant::now();
    let result = cluster(&data, &job)?.ok_or_else(|| anyhow::anyhow!("cancelled"))?;
    let seconds = started.elapsed().as_secs_f64();
    // Learning's peak, before the join's catalog is written.
    let peak = peak_memory_mb();
    let join_seconds = join_thousand(&data, &result)?;
    let stages: Vec<String> = result
        .seconds
        .iter()
        .map(|(s, t)| format!("{s}:{t:.1}"))
        .collect();
    println!(
        "seconds={seconds:.2} peak_mb={:.0} k={} nmi={:.3} stages={} join_1000={join_seconds:.2}",
        peak,
        result.k,
        nmi(&truth, &result.labels),
        stages.join(",")
    );
    Ok(())
}

/// Seconds to put 1,000 new photos into the learned groups as a rescan does,
/// through the catalog: the library's photos, their features and the learned
/// groups written to a catalog on disk first, the new photos' features cached
/// (so that none is decoded), then `join_new_photos` timed. It reads the stored
/// model and every grouped photo's features (512 MB at 100,000 photos), reduces
/// and smooths the new ones over them, encodes and assigns them, and stores them.
fn join_thousand(library: &Array2<f32>, result: &Clustering) -> anyhow::Result<f64> {
    let state = tempfile::tempdir()?;
    let mut catalog = Catalog::open(&state.path().join("catalog.sqlite"))?;
    let mut rng = Xoshiro256Plus::seed_from_u64(9);
    let new_rows = 1000.min(library.nrows());
    let new = library
        .slice(ndarray::s![..new_rows, ..])
        .mapv(|v| (v + rng.gen_range(-0.1f32..0.1)).max(0.0));
    let photos: Vec<PhotoRecord> = (0..library.nrows() + new_rows).map(photo).collect();
    catalog.upsert_photos(&photos)?;
    let vectors: Vec<(&PhotoRecord, Vec<f32>)> = photos
        .iter()
        .zip(library.rows().into_iter().chain(new.rows()))
        .map(|(p, row)| (p, row.to_vec()))
        .collect();
    catalog.put_features(BACKBONE_MODEL, &vectors)?;
    let members = members_of(&photos[..library.nrows()], result);
    let model = SavedModel {
        features: "backbone".into(),
        dims: result.model.dims.clone(),
        k: result.k,
        seed: 1,
        trained_at: 0,
        weights: result.model.safetensors.clone(),
    };
    catalog.save_clusters(LIBRARY, &model, &members, &[])?;
    drop(catalog);
    let started = Instant::now();
    let mut catalog = Catalog::open(&state.path().join("catalog.sqlite"))?;
    let joined = join_new_photos(
        &mut catalog,
        LIBRARY,
        &Device::Cpu,
        &CancelToken::new(),
        &Progress::default(),
    )?
    .ok_or_else(|| anyhow::anyhow!("cancelled"))?;
    let seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        joined.photos == new_rows && joined.report.computed == 0,
        "all {new_rows} joined from cached features ({} joined, {} computed)",
        joined.photos,
        joined.report.computed
    );
    Ok(seconds)
}

fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
}

/// The reference's figures on the same features, with `threads` threads (0: its default).
fn reference(features_file: &Path, n: usize, threads: usize) -> Option<String> {
    let python = std::env::var("PHOTO_ATLAS_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/reference_cluster.py");
    let mut cmd = Command::new(python);
    if threads > 0 {
        for var in ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"] {
            cmd.env(var, threads.to_string());
        }
    }
    let out = cmd
        .arg(script)
        .arg(features_file)
        .args(["--rows", &n.to_string(), "--dim", &DIM.to_string()])
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "reference: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .map(str::to_owned)
}

fn list(args: &[String], flag: &str, default: &str) -> Vec<usize> {
    let text = args
        .iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map_or(default, String::as_str);
    text.split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

/// Our figures for `n` photos in a fresh process with `threads` threads (0: all),
/// writing the features for the reference when `write` is given.
fn ours(n: usize, threads: usize, write: Option<&Path>) -> anyhow::Result<String> {
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["--one", &n.to_string()]);
    if let Some(path) = write {
        cmd.arg("--write").arg(path);
    }
    if threads > 0 {
        cmd.env("RAYON_NUM_THREADS", threads.to_string());
    }
    let out = cmd.output()?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn seconds(line: &str) -> f64 {
    field(line, "seconds")
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(f64::NAN)
}

/// The line of the fastest run.
fn fastest(lines: &[String]) -> Option<&String> {
    lines
        .iter()
        .filter(|l| seconds(l).is_finite())
        .min_by(|a, b| seconds(a).total_cmp(&seconds(b)))
}

/// Both sides' runs for one size and thread count, alternated round by round (the
/// machine's speed drifts over minutes, so that each side sees the same drift),
/// then printed as the fastest run of each and the ratio of those, beside the
/// ratio of every round.
fn compare(n: usize, threads: usize, rounds: usize, file: &Path) -> anyhow::Result<()> {
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    for round in 0..rounds.max(1) {
        let write = (round == 0 && !file.exists()).then_some(file);
        mine.push(ours(n, threads, write)?);
        if let Some(r) = reference(file, n, threads) {
            theirs.push(r);
        }
    }
    let Some(best) = fastest(&mine) else {
        println!("{n} | {threads} | failed");
        return Ok(());
    };
    let (reference_figures, ratio, rounds_ratio) = match fastest(&theirs) {
        Some(r) => (
            format!(
                "{:.1} s, {} MB, NMI {}, {}",
                seconds(r),
                field(r, "peak_mb").unwrap_or("?"),
                field(r, "nmi").unwrap_or("?"),
                field(r, "stages").unwrap_or("?")
            ),
            format!("{:.2}", seconds(r) / seconds(best)),
            mine.iter()
                .zip(&theirs)
                .map(|(a, b)| format!("{:.2}", seconds(b) / seconds(a)))
                .collect::<Vec<_>>()
                .join(" / "),
        ),
        None => ("not run (no torch/sklearn)".into(), "-".into(), "-".into()),
    };
    println!(
        "{n} | {} | {:.1} s | {} MB | {}, {} | {} | {} s | {reference_figures} | {ratio} | {rounds_ratio}",
        if threads == 0 {
            "all".to_string()
        } else {
            threads.to_string()
        },
        seconds(best),
        field(best, "peak_mb").unwrap_or("?"),
        field(best, "k").unwrap_or("?"),
        field(best, "nmi").unwrap_or("?"),
        field(best, "stages").unwrap_or("?"),
        field(best, "join_1000").unwrap_or("?"),
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--one") {
        let n: usize = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(2000);
        let file = args
            .iter()
            .position(|a| a == "--write")
            .and_then(|i| args.get(i + 1));
        return run_one(n, file.map(Path::new));
    }
    let sizes = list(&args, "--sizes", "2000,20000,100000");
    let threads = list(&args, "--threads", "0");
    let rounds = list(&args, "--rounds", "3").first().copied().unwrap_or(3);
    let dir = tempfile::tempdir()?;
    println!(
        "photos | threads | Photo Atlas (fastest of {rounds}) | peak memory | k, NMI | stages (s) | \
         1,000 new photos join | reference (PyTorch + scikit-learn, same threads, fastest of \
         {rounds}; stages) | reference time / ours, fastest runs | each round's ratio"
    );
    for &n in &sizes {
        let file = dir.path().join(format!("features-{n}.f32"));
        for &t in &threads {
            compare(n, t, rounds, &file)?;
        }
        let _ = std::fs::remove_file(&file);
    }
    Ok(())
}
