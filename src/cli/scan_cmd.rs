//! `photo-atlas scan FOLDER [--json] [--no-thumbnails]`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use super::{json, progress::ProgressView};
use photo_atlas_core::imaging::ThumbnailCache;
use photo_atlas_core::jobs::{CancelToken, Progress};
use photo_atlas_core::scanner::{ScanOptions, ScanReport, scan};
use photo_atlas_core::store::{Catalog, Locations};

/// Scans with a progress bar on stderr; shared by `scan` and `groups`.
pub fn scan_with_progress(
    catalog: &mut Catalog,
    locations: &Locations,
    folder: &Path,
    thumbnails: bool,
) -> anyhow::Result<ScanReport> {
    let options = ScanOptions {
        thumbnails: thumbnails.then(|| ThumbnailCache::new(locations.thumbnails())),
        exclude: locations.own_folders(),
    };
    let progress = Arc::new(Progress::default());
    let view = ProgressView::start(progress.clone());
    let report = scan(catalog, folder, &options, &CancelToken::new(), &progress);
    drop(view);
    Ok(report?)
}

pub fn run(
    catalog: &mut Catalog,
    locations: &Locations,
    folder: &Path,
    as_json: bool,
    thumbnails: bool,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let report = scan_with_progress(catalog, locations, folder, thumbnails)?;
    let photos = catalog.photos_under(&report.folder)?;
    let mut out = std::io::stdout().lock();
    if as_json {
        for p in &photos {
            writeln!(out, "{}", json::photo(p))?;
        }
        for p in report
            .problems
            .iter()
            .filter(|p| !Path::new(&p.path).is_dir())
        {
            writeln!(out, "{}", json::problem(p))?;
        }
    }
    let with_errors: Vec<_> = photos
        .iter()
        .filter_map(|p| p.error.as_ref().map(|e| (p.path_text().into_owned(), e)))
        .collect();
    eprintln!(
        "Scanned {}: {} photos ({} read, {} unchanged, {} removed, {} thumbnails made) in {:.1} s.",
        report.folder,
        report.found,
        report.read,
        report.unchanged,
        report.removed,
        report.thumbnails_made,
        started.elapsed().as_secs_f64()
    );
    let problem_count = with_errors.len() + report.problems.len();
    if problem_count > 0 {
        eprintln!("{problem_count} problems:");
        for (path, reason) in with_errors
            .into_iter()
            .chain(report.problems.iter().map(|p| (p.path.clone(), &p.reason)))
        {
            eprintln!("  {reason}: {path}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
