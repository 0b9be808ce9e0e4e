//! `photo-atlas similar PHOTO [-k 10] [--json]`: the photos whose latent codes are
//! closest to PHOTO's. PHOTO may be in a clustered folder (its stored code is used)
//! or anywhere else (it is encoded on the fly with the stored model).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;

use crate::library::PhotoKind;
use crate::ml::device::{DeviceChoice, choose};
use crate::ml::features::{FeatureVectors, feature_matrix};
use crate::ml::library::{FeatureSource, encode_photo};
use crate::search::{CodeIndex, similar};
use crate::store::{Catalog, PhotoRecord};

/// A catalog record for a file that may not be in the catalog.
fn record_for(path: &str) -> anyhow::Result<PhotoRecord> {
    let kind = PhotoKind::from_path(Path::new(path))
        .with_context(|| format!("this is not a photo file Photo Atlas can read: {path}"))?;
    let meta = crate::metadata::read_file(Path::new(path))
        .map_err(|e| anyhow::anyhow!("cannot read it ({e}): {path}"))?;
    Ok(PhotoRecord {
        kind,
        orientation: meta.orientation,
        ..PhotoRecord::bare(path)
    })
}

/// The cached feature vector of each clustered photo, in the members' order.
fn member_features(
    catalog: &Catalog,
    folder: &str,
    saved: &crate::store::SavedClusters,
) -> anyhow::Result<FeatureVectors> {
    let mut records: std::collections::HashMap<String, PhotoRecord> = catalog
        .photos_under(folder)?
        .into_iter()
        .map(|p| (p.path.clone(), p))
        .collect();
    let ordered: Vec<PhotoRecord> = saved
        .members
        .iter()
        .map(|m| {
            records
                .remove(&m.path)
                .unwrap_or_else(|| PhotoRecord::bare(m.path.clone()))
        })
        .collect();
    let key = FeatureSource::from_name(&saved.model.features).model_key();
    Ok(catalog.cached_features(&key, &ordered)?)
}

pub fn run(
    catalog: &Catalog,
    photo: &Path,
    k: usize,
    device: DeviceChoice,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let canonical = std::fs::canonicalize(photo)
        .with_context(|| format!("cannot find the photo: {}", photo.display()))?;
    let path = canonical
        .to_str()
        .context("the photo's path is not valid UTF-8")?
        .to_string();
    let folder = catalog.cluster_folder_for(&path)?.context(
        "no folder has been clustered yet, so there are no codes to search; run `photo-atlas cluster FOLDER` first",
    )?;
    let saved = catalog
        .clusters(&folder)?
        .context("the clustered folder has no clusters")?;
    let codes = CodeIndex::new(saved.members.iter().map(|m| m.code.as_slice()));
    let vectors = member_features(catalog, &folder, &saved)?;
    let dim = vectors.iter().flatten().map(Vec::len).next().unwrap_or(0);
    let zeros = vec![0.0; dim];
    let features = CodeIndex::new(vectors.iter().map(|v| v.as_deref().unwrap_or(&zeros)));
    let own = saved.members.iter().position(|m| m.path == path);
    let (query_features, query_code) = match own {
        Some(i) => (
            vectors[i].clone().unwrap_or_default(),
            saved.members[i].code.clone(),
        ),
        None => {
            let (device, _) = choose(device)?;
            let (_, library) = feature_matrix(&vectors);
            encode_photo(&saved.model, &record_for(&path)?, &library, &device)?
        }
    };
    let hits = similar(&codes, &features, &query_code, &query_features, k, own);
    let mut out = std::io::stdout().lock();
    for hit in hits {
        let hit_path = &saved.members[hit.item].path;
        if as_json {
            let value =
                json!({"path": hit_path, "score": hit.score, "near_duplicate": hit.near_duplicate});
            writeln!(out, "{value}")?;
        } else {
            let mark = if hit.near_duplicate {
                "  (near-duplicate)"
            } else {
                ""
            };
            writeln!(out, "{:.3}  {hit_path}{mark}", hit.score)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
