//! `photo-atlas cluster FOLDER [--k auto|N] [--features backbone|pixels]
//! [--device auto|cpu|cuda|metal] [--seed N]`: learns the folder's semantic
//! clusters and stores them; and `groups --by cluster`, which lists them.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use serde_json::json;

use super::flags::{AutoencoderFlag, DeviceFlag, FeaturesFlag};
use super::progress::ProgressView;
use super::scan_cmd::scan_with_progress;
use photo_atlas_core::jobs::{CancelToken, Progress};
use photo_atlas_core::ml::device::{Device, DeviceChoice, choose};
use photo_atlas_core::ml::learn::{FeatureSource, FolderJob, cluster_folder};
use photo_atlas_core::ml::network::{Architecture, AutoencoderChoice};
use photo_atlas_core::ml::pipeline::KChoice;
use photo_atlas_core::ml::train::TrainConfig;
use photo_atlas_core::photo::path_text;
use photo_atlas_core::store::{Catalog, Locations};

/// Parses `--k`: "auto" or a number of clusters.
pub fn parse_k(text: &str) -> Result<KChoice, String> {
    if text.eq_ignore_ascii_case("auto") {
        return Ok(KChoice::AUTO);
    }
    match text.parse::<usize>() {
        Ok(k) if k >= 1 => Ok(KChoice::Fixed(k)),
        _ => Err(format!(
            "expected \"auto\" or a number of clusters, not {text:?}"
        )),
    }
}

/// The options `cluster` and `eval` share.
#[derive(Debug, Clone, clap::Args)]
pub struct LearnArgs {
    /// What to learn from.
    #[arg(long = "features", value_enum, default_value = "backbone")]
    pub source: FeaturesFlag,
    /// Where to run the networks.
    #[arg(long, value_enum, default_value = "auto")]
    pub device: DeviceFlag,
    /// Which autoencoder learns the groups: dense, or convolutional (pixels only;
    /// `auto` takes it for pixels on an NVIDIA GPU).
    #[arg(long, value_enum, default_value = "auto")]
    pub autoencoder: AutoencoderFlag,
    /// Seed of every random choice; the same seed gives the same clusters.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

impl LearnArgs {
    /// What the clusters are learned from, as the engine names it.
    pub fn source(&self) -> FeatureSource {
        self.source.into()
    }
}

/// The device (said on stderr) and the autoencoder `args` ask for; a convolutional
/// one on the CPU comes with a warning that it is slow.
pub fn device_and_architecture(args: &LearnArgs) -> anyhow::Result<(Device, Architecture)> {
    let (device, message) = choose(args.device.into())?;
    eprintln!("{message}");
    let pixels = args.source() == FeatureSource::Pixels;
    let architecture = AutoencoderChoice::from(args.autoencoder)
        .resolve(pixels, &device)
        .map_err(anyhow::Error::msg)?;
    if architecture == Architecture::Conv && device.is_cpu() {
        eprintln!(
            "The convolutional autoencoder trains slowly on the CPU (candle's convolution \
             gradients); expect minutes per thousand photos."
        );
    }
    Ok((device, architecture))
}

/// Whether the guard kept the refinement, and the figures it judged by.
fn refinement_verdict(c: &photo_atlas_core::ml::pipeline::Clustering) -> String {
    let (silhouette, effective) = (c.silhouettes, c.effective_clusters);
    let figures = format!(
        "silhouette {:.3} vs {:.3}, effective clusters {:.1} vs {:.1}",
        silhouette.1, silhouette.0, effective.1, effective.0
    );
    if c.kept_refinement {
        format!("kept the refinement ({figures})")
    } else if silhouette.1 < silhouette.0 {
        format!("refinement lowered the silhouette, kept k-means ({figures})")
    } else {
        format!("refinement merged clusters, kept k-means ({figures})")
    }
}

pub fn run(
    catalog: &mut Catalog,
    locations: &Locations,
    folder: &Path,
    k: KChoice,
    args: &LearnArgs,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let (device, architecture) = device_and_architecture(args)?;
    let scan_clock = Instant::now();
    let report = scan_with_progress(catalog, locations, folder, false)?;
    let scan_seconds = scan_clock.elapsed().as_secs_f64();
    let photos = catalog.photos_under(&report.folder)?;
    let job = FolderJob {
        source: args.source(),
        architecture,
        k,
        seed: args.seed,
        device,
        config: TrainConfig::default(),
        quick_first: false,
    };
    let progress = Arc::new(Progress::default());
    let view = ProgressView::job(progress.clone());
    let outcome = cluster_folder(
        catalog,
        &report.folder,
        &photos,
        &job,
        &CancelToken::new(),
        &progress,
    );
    drop(view);
    let Some(outcome) = outcome? else {
        anyhow::bail!("cancelled");
    };
    let c = &outcome.clustering;
    for (path, reason) in &outcome.report.failed {
        eprintln!("  skipped, {reason}: {path}");
    }
    let how = match k {
        KChoice::Fixed(_) => "as asked".to_string(),
        KChoice::Auto { .. } => "chosen by silhouette".to_string(),
    };
    let start = if c.fine_tuned {
        "fine-tuned from the stored model"
    } else {
        "trained from scratch"
    };
    eprintln!(
        "{} photos in {} clusters ({how}); {start}; {}; {:.1} s.",
        outcome.photos.len(),
        c.k,
        refinement_verdict(c),
        started.elapsed().as_secs_f64()
    );
    eprintln!("{}", stage_times(scan_seconds, &outcome));
    let mut out = std::io::stdout().lock();
    let mut sizes: Vec<(usize, &String)> = outcome
        .names
        .iter()
        .enumerate()
        .map(|(cluster, name)| (c.labels.iter().filter(|&&l| l == cluster).count(), name))
        .collect();
    sizes.sort_by_key(|&(count, _)| std::cmp::Reverse(count));
    for (count, name) in sizes {
        writeln!(
            out,
            "{name} · {}",
            photo_atlas_core::grouping::count_label(count, "photo")
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Where the time went: "scan 1.0 s, features 20.0 s (2000 computed, 0 cached), pretrain …".
fn stage_times(scan_seconds: f64, outcome: &photo_atlas_core::ml::learn::FolderOutcome) -> String {
    let r = &outcome.report;
    let mut parts = vec![
        format!("scan {scan_seconds:.1} s"),
        format!(
            "features {:.1} s ({} computed, {} cached)",
            outcome.feature_seconds, r.computed, r.cached
        ),
    ];
    for (stage, seconds) in &outcome.clustering.seconds {
        parts.push(format!("{stage} {seconds:.1} s"));
    }
    parts.join(", ")
}

/// `groups FOLDER --by cluster [--json]`: the stored clusters, largest first, each
/// with its photos ordered by confidence.
/// Photos added since the folder was clustered join its groups, without training;
/// says so on stderr when there were any.
pub fn join_new_photos(catalog: &mut Catalog, folder: &str) -> anyhow::Result<()> {
    let clock = Instant::now();
    let (device, _) = choose(DeviceChoice::Auto)?;
    let joined = photo_atlas_core::ml::join::join_new_photos(
        catalog,
        folder,
        &device,
        &CancelToken::new(),
        &Progress::default(),
    )?;
    if let Some(j) = joined.filter(|j| j.photos > 0) {
        eprintln!(
            "{} joined the groups (no retraining) in {:.2} s.",
            photo_atlas_core::grouping::count_label(j.photos, "new photo"),
            clock.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

pub fn print_clusters(
    catalog: &Catalog,
    folder: &str,
    as_json: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let Some(saved) = catalog.clusters(folder)? else {
        anyhow::bail!("this folder has not been clustered yet; run `photo-atlas cluster {folder}`");
    };
    let mut groups: Vec<(usize, Vec<&photo_atlas_core::store::ClusterMember>)> = Vec::new();
    for m in &saved.members {
        match groups.last_mut() {
            Some((c, list)) if *c == m.cluster => list.push(m),
            _ => groups.push((m.cluster, vec![m])),
        }
    }
    groups.sort_by_key(|(c, list)| (std::cmp::Reverse(list.len()), *c));
    for (cluster, members) in groups {
        let name = saved
            .names
            .get(&cluster)
            .map_or_else(|| format!("Group {}", cluster + 1), |(n, _)| n.clone());
        if as_json {
            let value = json!({
                "label": name,
                "level": "cluster",
                "key": format!("cluster-{cluster}"),
                "count": members.len(),
                "photos": members.iter().map(|m| path_text(&m.path)).collect::<Vec<_>>(),
                "confidence": members.iter().map(|m| m.confidence).collect::<Vec<_>>(),
            });
            writeln!(out, "{value}")?;
        } else {
            writeln!(
                out,
                "{name} · {}",
                photo_atlas_core::grouping::count_label(members.len(), "photo")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
