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
use crate::ml::library::encode_photo;
use crate::search::CodeIndex;
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
    let index = CodeIndex::new(saved.members.iter().map(|m| m.code.as_slice()));
    let own = saved.members.iter().position(|m| m.path == path);
    let query = match own {
        Some(i) => index.code(i).to_vec(),
        None => {
            let (device, _) = choose(device)?;
            encode_photo(&saved.model, &record_for(&path)?, &device)?
        }
    };
    let hits = index.search(&query, k, own);
    let mut out = std::io::stdout().lock();
    for hit in hits {
        let hit_path = &saved.members[hit.item].path;
        if as_json {
            writeln!(out, "{}", json!({"path": hit_path, "score": hit.score}))?;
        } else {
            writeln!(out, "{:.3}  {hit_path}", hit.score)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
