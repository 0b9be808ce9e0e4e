//! `photo-atlas eval FOLDER --labels LABELS.csv --names`: the folder's stored
//! content groups (from `cluster`), each with its size, the label most of its
//! photos carry, and its name under the WordNet rule beside the name the earlier
//! rule (the two most likely ImageNet classes) gives the same group.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use serde_json::{Value, json};

use super::eval_cmd::{Labelled, labelled_photos};
use super::progress::ProgressView;
use photo_atlas_core::jobs::{CancelToken, Progress};
use photo_atlas_core::ml::device::{DeviceChoice, choose};
use photo_atlas_core::ml::efficientnet::EfficientNetLite0;
use photo_atlas_core::ml::learn::{FeatureSource, folder_features};
use photo_atlas_core::ml::naming::{NameRule, group_names};
use photo_atlas_core::store::{Catalog, Locations};

pub fn run(
    catalog: &mut Catalog,
    locations: &Locations,
    folder: &Path,
    labels_path: &Path,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let Labelled {
        folder: key,
        label_of,
        ..
    } = labelled_photos(catalog, locations, folder, labels_path)?;
    let stored = catalog.clusters(&key)?.with_context(|| {
        format!(
            "{} has no content groups yet: run `photo-atlas cluster` on it first",
            folder.display()
        )
    })?;
    let cluster_of: HashMap<&Path, usize> = stored
        .members
        .iter()
        .map(|m| (m.path.as_path(), m.cluster))
        .collect();
    let photos: Vec<_> = catalog
        .photos_under(&key)?
        .into_iter()
        .filter(|p| cluster_of.contains_key(p.path.as_path()))
        .collect();
    let (device, _) = choose(DeviceChoice::Auto)?;
    let net = EfficientNetLite0::load_shipped(&device)?;
    let progress = Arc::new(Progress::default());
    let view = ProgressView::job(progress.clone());
    let features = folder_features(
        catalog,
        &photos,
        FeatureSource::Backbone,
        &net,
        &device,
        &CancelToken::new(),
        &progress,
    )?
    .context("cancelled")?;
    drop(view);
    let clusters: Vec<usize> = features
        .photos
        .iter()
        .map(|p| cluster_of[p.path.as_path()])
        .collect();
    let k = stored.model.k;
    let now = group_names(
        &net,
        &device,
        &features.matrix,
        &clusters,
        k,
        NameRule::Concept,
    )?;
    let before = group_names(
        &net,
        &device,
        &features.matrix,
        &clusters,
        k,
        NameRule::ClassPair,
    )?;
    let rows: Vec<Value> = (0..k)
        .map(|c| {
            let members: Vec<&str> = features
                .photos
                .iter()
                .zip(&clusters)
                .filter(|&(_, &pc)| pc == c)
                .map(|(p, _)| label_of.get(&p.path).map_or("(unlabelled)", String::as_str))
                .collect();
            let (label, share) = majority(&members);
            json!({"cluster": c, "size": members.len(), "label": label, "share": share,
                   "name": now[c], "before": before[c]})
        })
        .collect();
    if as_json {
        println!("{}", json!({"groups": rows}));
    } else {
        println!(
            "{:>5}  {:<22} {:<34} before",
            "size", "most photos are", "name"
        );
        for r in &rows {
            println!(
                "{:>5}  {:<22} {:<34} {}",
                r["size"].as_u64().unwrap_or(0),
                format!(
                    "{} ({:.0} %)",
                    r["label"].as_str().unwrap_or(""),
                    100.0 * r["share"].as_f64().unwrap_or(0.0)
                ),
                r["name"].as_str().unwrap_or(""),
                r["before"].as_str().unwrap_or("")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The most common label and the share of members that carry it.
fn majority(members: &[&str]) -> (String, f64) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for m in members {
        *counts.entry(m).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(_, n)| n)
        .map_or((String::new(), 0.0), |(l, n)| {
            (l.to_string(), n as f64 / members.len() as f64)
        })
}
