//! `photo-atlas search FOLDER "dog 2023 Munich" [--json]`: the folder's photos that
//! match, best first. The folder is rescanned if it changed, and photos without
//! features get them first (the content words need them).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use serde_json::json;

use super::progress::ProgressView;
use super::scan_cmd::scan_with_progress;
use photo_atlas_core::jobs::{CancelToken, Progress};
use photo_atlas_core::ml::device::{DeviceChoice, choose};
use photo_atlas_core::photo::path_text;
use photo_atlas_core::search::build::{Coverage, build_index};
use photo_atlas_core::search::index::SearchIndex;
use photo_atlas_core::store::{Catalog, Locations};

pub struct SearchRequest<'a> {
    pub folder: &'a Path,
    pub text: &'a str,
    pub limit: usize,
    pub as_json: bool,
    pub device: DeviceChoice,
}

pub fn run(
    catalog: &mut Catalog,
    locations: &Locations,
    request: &SearchRequest,
) -> anyhow::Result<ExitCode> {
    let report = scan_with_progress(catalog, locations, request.folder, false)?;
    let photos = catalog.photos_under(&report.folder)?;
    let index = complete_index(catalog, &photos, request.device)?;
    let Some(index) = index else {
        return Ok(ExitCode::FAILURE);
    };
    let result = index.search(request.text);
    if let Some(why) = result.query.unknown_words_message() {
        eprintln!("{why}");
        return Ok(ExitCode::FAILURE);
    }
    eprintln!(
        "{} of {} photos match {}.",
        result.hits.len(),
        photos.len(),
        result.query.describe()
    );
    let mut out = std::io::stdout().lock();
    for &(i, score) in result.hits.iter().take(request.limit) {
        let path = path_text(&photos[i].path);
        if request.as_json {
            writeln!(out, "{}", json!({"path": path, "score": score}))?;
        } else {
            writeln!(out, "{score:.3}  {path}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The search index over `photos`, features computed first where missing (with a
/// progress bar); `None` when cancelled.
pub(super) fn complete_index(
    catalog: &mut Catalog,
    photos: &[photo_atlas_core::photo::PhotoRecord],
    device: DeviceChoice,
) -> anyhow::Result<Option<SearchIndex>> {
    let (device, _) = choose(device)?;
    let progress = Arc::new(Progress::default());
    let view = ProgressView::job(progress.clone());
    let index = build_index(
        catalog,
        photos,
        &device,
        Coverage::Complete,
        &CancelToken::new(),
        &progress,
    )?;
    drop(view);
    Ok(index)
}
