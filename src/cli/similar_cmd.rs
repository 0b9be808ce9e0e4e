//! `photo-atlas similar PHOTO [-k 10] [--json]`: the photos most like PHOTO. PHOTO
//! may be in a clustered folder (its stored code is used) or anywhere else (it is
//! encoded on the fly with the stored model).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use serde_json::json;

use photo_atlas_core::ml::device::{DeviceChoice, choose};
use photo_atlas_core::photo::path_text;
use photo_atlas_core::search::similar::similar_photos;
use photo_atlas_core::store::Catalog;

pub fn run(
    catalog: &Catalog,
    photo: &Path,
    k: usize,
    device: DeviceChoice,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let (device, _) = choose(device)?;
    // One query: a brute-force scan is faster than building an approximate index.
    let never = photo_atlas_core::jobs::CancelToken::new();
    let hits = similar_photos(catalog, photo, k, &device, false, &never)?.unwrap_or_default();
    let mut out = std::io::stdout().lock();
    for hit in hits {
        if as_json {
            let value = json!({"path": path_text(&hit.path), "score": hit.score, "near_duplicate": hit.near_duplicate});
            writeln!(out, "{value}")?;
        } else {
            let mark = if hit.near_duplicate {
                "  (near-duplicate)"
            } else {
                ""
            };
            writeln!(out, "{:.3}  {}{mark}", hit.score, hit.path.display())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
