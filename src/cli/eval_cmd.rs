//! `photo-atlas eval FOLDER --labels LABELS.csv [--json]`: runs the clustering
//! pipeline on labelled photos with k = the number of labels and scores each stage
//! (k-means on the features, k-means on the autoencoder codes, the final clusters)
//! with NMI, ARI and Hungarian accuracy, plus precision@10 of retrieval over the codes.
//! Nothing is stored: the folder's own clusters are left as they are.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use serde_json::{Value, json};

use super::cluster_cmd::{LearnArgs, device_and_architecture};
use super::progress::ProgressView;
use super::scan_cmd::scan_with_progress;
use photo_atlas_core::jobs::CancelToken;
use photo_atlas_core::jobs::Progress;
use photo_atlas_core::ml::efficientnet::EfficientNetLite0;
use photo_atlas_core::ml::kmeans::kmeans;
use photo_atlas_core::ml::learn::{FeatureSource, folder_features};
use photo_atlas_core::ml::metrics::{accuracy, ari, nmi, precision_at_k, precision_at_k_blended};
use photo_atlas_core::ml::pipeline::{ClusterJob, KChoice, cluster, prepare};
use photo_atlas_core::ml::train::TrainConfig;
use photo_atlas_core::store::{Catalog, Locations};

/// `path,label` rows, paths relative to the folder; a header row is skipped.
pub(super) fn read_labels(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .with_context(|| format!("cannot read the labels: {}", path.display()))?;
    reader
        .records()
        .map(|r| {
            let r = r.with_context(|| format!("bad labels file: {}", path.display()))?;
            match (r.get(0), r.get(1)) {
                (Some(p), Some(l)) => Ok((p.to_string(), l.to_string())),
                _ => anyhow::bail!("each row needs path,label: {}", path.display()),
            }
        })
        .collect()
}

/// The labelled photos of a folder (rescanned first), with their labels.
pub(super) struct Labelled {
    /// The folder's catalog key.
    pub folder: String,
    pub label_of: HashMap<PathBuf, String>,
    /// The folder's photos that have a label.
    pub photos: Vec<photo_atlas_core::photo::PhotoRecord>,
}

/// Reads `labels_path`, brings the catalog up to date for `folder` and picks its labelled photos.
pub(super) fn labelled_photos(
    catalog: &mut Catalog,
    locations: &Locations,
    folder: &Path,
    labels_path: &Path,
) -> anyhow::Result<Labelled> {
    let labels = read_labels(labels_path)?;
    let report = scan_with_progress(catalog, locations, folder, false)?;
    let root = Path::new(&report.folder);
    let label_of: HashMap<PathBuf, String> =
        labels.into_iter().map(|(p, l)| (root.join(p), l)).collect();
    let photos: Vec<_> = catalog
        .photos_under(&report.folder)?
        .into_iter()
        .filter(|p| label_of.contains_key(&p.path))
        .collect();
    Ok(Labelled {
        folder: report.folder,
        label_of,
        photos,
    })
}

fn scores(truth: &[usize], predicted: &[usize]) -> Value {
    json!({"nmi": nmi(truth, predicted), "ari": ari(truth, predicted), "acc": accuracy(truth, predicted)})
}

pub fn run(
    catalog: &mut Catalog,
    locations: &Locations,
    folder: &Path,
    labels_path: &Path,
    args: &LearnArgs,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let (device, architecture) = device_and_architecture(args)?;
    let Labelled {
        label_of, photos, ..
    } = labelled_photos(catalog, locations, folder, labels_path)?;
    let label_of: HashMap<PathBuf, &str> = label_of
        .iter()
        .map(|(p, l)| (p.clone(), l.as_str()))
        .collect();
    anyhow::ensure!(
        !photos.is_empty(),
        "no labelled photo was found under {}",
        folder.display()
    );
    let progress = Arc::new(Progress::default());
    let view = ProgressView::job(progress.clone());
    let net = EfficientNetLite0::load_shipped(&device)?;
    let clock = Instant::now();
    let features = folder_features(
        catalog,
        &photos,
        args.source(),
        &net,
        &device,
        &CancelToken::new(),
        &progress,
    )?
    .context("cancelled")?;
    let feature_seconds = clock.elapsed().as_secs_f64();
    let names: BTreeMap<&str, usize> = features
        .photos
        .iter()
        .map(|p| (label_of[&p.path], 0))
        .collect();
    let index: HashMap<&str, usize> = names.keys().enumerate().map(|(i, &n)| (n, i)).collect();
    let truth: Vec<usize> = features
        .photos
        .iter()
        .map(|p| index[label_of[&p.path]])
        .collect();
    let k = index.len();
    let clock = Instant::now();
    let on_features = kmeans(&prepare(&features.matrix), k, args.seed)?;
    let kmeans_seconds = clock.elapsed().as_secs_f64();
    let job = ClusterJob {
        k: KChoice::Fixed(k),
        seed: args.seed,
        pixels: args.source() == FeatureSource::Pixels,
        architecture,
        config: TrainConfig::default(),
        previous: None,
        device: &device,
        cancel: &CancelToken::new(),
        progress: &progress,
    };
    let clock = Instant::now();
    let result = cluster(&features.matrix, &job)?.context("cancelled")?;
    let cluster_seconds = clock.elapsed().as_secs_f64();
    drop(view);
    let summary = json!({
        "autoencoder": architecture.as_str(),
        "n": features.photos.len(),
        "k": k,
        "features": args.source().as_str(),
        "methods": {
            "kmeans_features": scores(&truth, &on_features.labels),
            "ae_kmeans": scores(&truth, &result.ae_kmeans),
            "start": scores(&truth, &result.start),
            "dec_unguarded": scores(&truth, &result.refined),
            "dec": scores(&truth, &result.labels),
        },
        "kept_refinement": result.kept_refinement,
        "silhouettes": {"start": result.silhouettes.0, "dec": result.silhouettes.1},
        "effective_clusters": {"start": result.effective_clusters.0, "dec": result.effective_clusters.1},
        "precision_at_10": precision_at_k(&result.codes, &truth, 10),
        "precision_at_10_features": precision_at_k(&features.matrix, &truth, 10),
        "precision_at_10_search": precision_at_k_blended(&result.codes, Some(&features.matrix), &truth, 10),
        "seconds": {
            "features": feature_seconds,
            "kmeans_features": kmeans_seconds,
            "cluster": cluster_seconds,
            "stages": result.seconds.iter().map(|(s, t)| (s.to_string(), json!(t))).collect::<serde_json::Map<_, _>>(),
            "total": started.elapsed().as_secs_f64(),
        },
    });
    if as_json {
        println!("{summary}");
    } else {
        print_table(&summary);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(s: &Value) {
    println!(
        "{} photos, k = {}, features: {}",
        s["n"],
        s["k"],
        s["features"].as_str().unwrap_or("")
    );
    println!("{:<16} {:>6} {:>6} {:>6}", "method", "NMI", "ARI", "ACC");
    for method in [
        "kmeans_features",
        "ae_kmeans",
        "start",
        "dec_unguarded",
        "dec",
    ] {
        let m = &s["methods"][method];
        let f = |key: &str| m[key].as_f64().unwrap_or(f64::NAN);
        println!(
            "{method:<16} {:>6.3} {:>6.3} {:>6.3}",
            f("nmi"),
            f("ari"),
            f("acc")
        );
    }
    println!(
        "precision@10 over the codes: {:.3} (raw features: {:.3}; as `similar` ranks: {:.3})",
        s["precision_at_10"].as_f64().unwrap_or(f64::NAN),
        s["precision_at_10_features"].as_f64().unwrap_or(f64::NAN),
        s["precision_at_10_search"].as_f64().unwrap_or(f64::NAN)
    );
    println!("seconds: {}", s["seconds"]);
}
