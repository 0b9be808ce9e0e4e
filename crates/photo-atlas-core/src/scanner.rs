//! One scan of one folder: walk it, compare with the catalog, read new and
//! changed files in parallel (metadata, and a thumbnail when asked), and write
//! the results to the catalog in small transactions as they arrive.
//!
//! A scan is incremental (unchanged files are not read again), cancellable
//! (between files), and safe to kill: every batch is its own transaction, so the
//! catalog is always consistent and the next scan reads what is still missing.
//! A bad file never stops a scan; it becomes a recorded problem.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::imaging::{THUMBNAIL_SIZE, ThumbnailCache, heif_stored_size, make_thumbnail};
use crate::jobs::{CancelToken, Progress, ScanStage};
use crate::library::{FoundFile, PhotoFolder, PhotoKind, Problem, describe_io, walk};
use crate::metadata::{self, PhotoMetadata};
use crate::photo::{PhotoRecord, ThumbStatus};
use crate::store::{Catalog, KnownFile, StoreError};

/// How a scan should run.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// Make thumbnails (the window needs them; `--no-thumbnails` skips them).
    pub thumbnails: Option<ThumbnailCache>,
    /// Folders never to descend into (the app's own data and cache folders).
    pub exclude: Vec<PathBuf>,
}

/// What a scan did.
#[derive(Debug, Default)]
pub struct ScanReport {
    /// The scanned folder, absolute.
    pub folder: String,
    pub found: usize,
    /// Files read this time (new or changed).
    pub read: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub thumbnails_made: usize,
    /// Folders and files that could not be looked at (photos with errors are in the catalog).
    pub problems: Vec<Problem>,
    pub cancelled: bool,
}

/// Why a scan could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    BadFolder(#[from] crate::library::FolderError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Scans `folder` into `catalog`.
pub fn scan(
    catalog: &mut Catalog,
    folder: &Path,
    options: &ScanOptions,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<ScanReport, ScanError> {
    let folder = PhotoFolder::open(folder)?;
    let root = folder.key().to_owned();
    progress.start(ScanStage::Walking, 0);
    let walked = walk(folder.path(), &options.exclude, cancel, |_| {
        progress.advance(1)
    });
    let known = catalog.known_files(&root)?;
    let plan = plan_work(&walked.files, &known, options.thumbnails.as_ref());
    let mut report = ScanReport {
        folder: root.clone(),
        found: walked.files.len(),
        unchanged: walked.files.len() - plan.read.len(),
        problems: walked.problems.clone(),
        cancelled: walked.cancelled,
        ..ScanReport::default()
    };
    if !walked.cancelled {
        let removed = removed_paths(&walked.files, &known, &walked.unreadable_dirs);
        catalog.remove_photos(&removed)?;
        report.removed = removed.len();
    }
    progress.add_problems(report.problems.len());
    progress.start(ScanStage::Reading, plan.read.len() + plan.thumbs_only.len());
    read_files(catalog, &plan, options, cancel, progress, &mut report)?;
    progress.set_stage(ScanStage::Finishing);
    report.cancelled |= cancel.is_cancelled();
    let problems: Vec<_> = report
        .problems
        .iter()
        .map(|p| (p.path.clone(), p.reason.clone()))
        .collect();
    catalog.replace_problems(&root, &problems)?;
    catalog.record_folder_scan(&root, !report.cancelled)?;
    progress.set_stage(ScanStage::Done);
    Ok(report)
}

/// Files to read in full, and unchanged files that only lack a thumbnail.
struct WorkPlan {
    read: Vec<FoundFile>,
    thumbs_only: Vec<FoundFile>,
}

fn plan_work(
    files: &[FoundFile],
    known: &std::collections::HashMap<PathBuf, KnownFile>,
    thumbs: Option<&ThumbnailCache>,
) -> WorkPlan {
    let mut plan = WorkPlan {
        read: Vec::new(),
        thumbs_only: Vec::new(),
    };
    for f in files {
        match known.get(&f.path) {
            // Unchanged, but catalogued by a build that could not decode it (HEIC before libheif).
            Some(k) if k.thumb == ThumbStatus::Unsupported && f.kind.is_decodable() => {
                plan.read.push(f.clone());
            }
            Some(k) if k.size == f.size && k.mtime_ns == mtime_ns(f.modified) => {
                if let Some(cache) = thumbs
                    && needs_thumbnail(f, k, cache)
                {
                    plan.thumbs_only.push(f.clone());
                }
            }
            _ => plan.read.push(f.clone()),
        }
    }
    plan
}

fn needs_thumbnail(f: &FoundFile, known: &KnownFile, cache: &ThumbnailCache) -> bool {
    match known.thumb {
        ThumbStatus::None => f.kind.is_decodable(),
        ThumbStatus::Ok => !cache.path_for(&f.path, f.size, known.mtime_ns).exists(),
        ThumbStatus::Unsupported | ThumbStatus::Failed => false,
    }
}

/// Catalogued paths that the walk did not see, except under folders it could not read.
fn removed_paths(
    files: &[FoundFile],
    known: &std::collections::HashMap<PathBuf, KnownFile>,
    unreadable_dirs: &[String],
) -> Vec<PathBuf> {
    let seen: HashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    known
        .keys()
        .filter(|p| !seen.contains(p.as_path()))
        .filter(|p| !unreadable_dirs.iter().any(|d| p.starts_with(d)))
        .cloned()
        .collect()
}

/// Nanoseconds since the Unix epoch; 0 when unknown.
pub fn mtime_ns(t: Option<SystemTime>) -> i64 {
    t.and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64)
}

/// What a worker hands to the catalog writer.
enum Outcome {
    Photo(PhotoRecord),
    Thumb(PathBuf, ThumbStatus, Option<String>),
    Problem(Problem),
}

const BATCH_SIZE: usize = 64;
const BATCH_DELAY: Duration = Duration::from_millis(250);

fn read_files(
    catalog: &mut Catalog,
    plan: &WorkPlan,
    options: &ScanOptions,
    cancel: &CancelToken,
    progress: &Progress,
    report: &mut ScanReport,
) -> Result<(), StoreError> {
    let (tx, rx) = mpsc::sync_channel::<Outcome>(256);
    let thumbs = options.thumbnails.as_ref();
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("scan-workers".into())
            .spawn_scoped(s, move || run_workers(plan, thumbs, cancel, progress, tx))
            .map_err(StoreError::Io)?;
        write_outcomes(catalog, rx, report)
    })
}

fn run_workers(
    plan: &WorkPlan,
    thumbs: Option<&ThumbnailCache>,
    cancel: &CancelToken,
    progress: &Progress,
    tx: mpsc::SyncSender<Outcome>,
) {
    let jobs = plan
        .read
        .iter()
        .map(|f| (f, false))
        .chain(plan.thumbs_only.iter().map(|f| (f, true)));
    jobs.collect::<Vec<_>>()
        .into_par_iter()
        .for_each_with(tx, |tx, (file, thumb_only)| {
            if cancel.is_cancelled() {
                return;
            }
            let outcome = if thumb_only {
                thumbnail_only(file, thumbs)
            } else {
                read_one(file, thumbs)
            };
            if matches!(outcome, Outcome::Problem(_))
                || matches!(&outcome, Outcome::Photo(p) if p.error.is_some())
            {
                progress.add_problems(1);
            }
            progress.advance(1);
            // The receiver only goes away if the catalog failed; the scan is over then.
            let _ = tx.send(outcome);
        });
}

fn write_outcomes(
    catalog: &mut Catalog,
    rx: mpsc::Receiver<Outcome>,
    report: &mut ScanReport,
) -> Result<(), StoreError> {
    let mut photos = Vec::new();
    let mut thumbs = Vec::new();
    let mut last_flush = Instant::now();
    loop {
        let msg = rx.recv_timeout(BATCH_DELAY);
        let finished = matches!(msg, Err(mpsc::RecvTimeoutError::Disconnected));
        match msg {
            Ok(Outcome::Photo(p)) => {
                report.read += 1;
                report.thumbnails_made += usize::from(p.thumb == ThumbStatus::Ok);
                photos.push(p);
            }
            Ok(Outcome::Thumb(path, status, err)) => {
                report.thumbnails_made += usize::from(status == ThumbStatus::Ok);
                thumbs.push((path, status, err));
            }
            Ok(Outcome::Problem(p)) => report.problems.push(p),
            Err(_) => {}
        }
        let due = photos.len() + thumbs.len() >= BATCH_SIZE || last_flush.elapsed() >= BATCH_DELAY;
        if finished || due {
            catalog.upsert_photos(&std::mem::take(&mut photos))?;
            catalog.set_thumb(&std::mem::take(&mut thumbs))?;
            last_flush = Instant::now();
        }
        if finished {
            return Ok(());
        }
    }
}

/// Reads one new or changed file into a catalog record.
fn read_one(file: &FoundFile, thumbs: Option<&ThumbnailCache>) -> Outcome {
    let want_pixels = thumbs.is_some() && file.kind.is_decodable();
    // A HEIF file's size is in its `ispe` box, which libheif reads from the whole file.
    let want_bytes = want_pixels || file.kind == PhotoKind::Heif;
    let (meta, data) = match load(file, want_bytes) {
        Ok(loaded) => loaded,
        Err(err) => {
            return Outcome::Problem(Problem {
                path: file.path.to_string_lossy().into_owned(),
                reason: describe_io(&err),
            });
        }
    };
    let name = Path::new(&file.path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let mut errors = meta.warnings.clone();
    if file.size == 0 {
        errors.push("the file is empty (0 bytes)".into());
    } else if !want_pixels && file.kind.is_decodable() && meta.pixel_size().is_none() {
        errors.push("the image header cannot be read: the file is damaged or not an image".into());
    }
    let mut record = base_record(file, &meta, meta.capture_time(name, file.modified));
    if let Some((w, h)) = data.as_deref().and_then(|d| stored_size(file.kind, d)) {
        (record.width, record.height) = (Some(w), Some(h));
    }
    if let Some(cache) = thumbs {
        let (status, err) = thumbnail(file, data.as_deref(), meta.orientation, cache);
        record.thumb = status;
        errors.extend(err.filter(|_| file.size > 0));
    }
    record.error = (!errors.is_empty()).then(|| errors.join("; "));
    Outcome::Photo(record)
}

/// The pixel size the container stores, where it is not in the image header
/// that metadata reads (HEIF: the `ispe` box; EXIF's size may be the uncropped one).
fn stored_size(kind: PhotoKind, data: &[u8]) -> Option<(u32, u32)> {
    (kind == PhotoKind::Heif)
        .then(|| heif_stored_size(data))
        .flatten()
}

/// Metadata, and the whole file's bytes when pixels are needed too.
fn load(file: &FoundFile, want_pixels: bool) -> std::io::Result<(PhotoMetadata, Option<Vec<u8>>)> {
    if want_pixels {
        let data = std::fs::read(&file.path)?;
        Ok((metadata::read_from_bytes(&data), Some(data)))
    } else {
        metadata::read_file(Path::new(&file.path))
            .map(|m| (m, None))
            .map_err(|e| match e {
                metadata::MetadataError::Io(io) => io,
            })
    }
}

fn base_record(
    file: &FoundFile,
    meta: &PhotoMetadata,
    taken: Option<metadata::CaptureTime>,
) -> PhotoRecord {
    let size = meta.pixel_size();
    PhotoRecord {
        path: file.path.clone(),
        size: file.size,
        mtime_ns: mtime_ns(file.modified),
        kind: file.kind,
        taken,
        gps: meta.gps,
        orientation: meta.orientation,
        make: meta.make.clone(),
        model: meta.model.clone(),
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
        error: None,
        thumb: ThumbStatus::None,
    }
}

/// Makes and stores a thumbnail; the status and, on failure, why.
fn thumbnail(
    file: &FoundFile,
    data: Option<&[u8]>,
    orientation: Option<u8>,
    cache: &ThumbnailCache,
) -> (ThumbStatus, Option<String>) {
    if !file.kind.is_decodable() {
        return (ThumbStatus::Unsupported, None);
    }
    let Some(data) = data else {
        return (ThumbStatus::None, None);
    };
    let target = cache.path_for(&file.path, file.size, mtime_ns(file.modified));
    match make_thumbnail(data, file.kind, orientation, THUMBNAIL_SIZE)
        .and_then(|t| cache.store(&target, &t))
    {
        Ok(()) => (ThumbStatus::Ok, None),
        Err(e) => (ThumbStatus::Failed, Some(e.to_string())),
    }
}

/// Makes the missing thumbnail of an unchanged file.
fn thumbnail_only(file: &FoundFile, thumbs: Option<&ThumbnailCache>) -> Outcome {
    let Some(cache) = thumbs else {
        return Outcome::Thumb(file.path.clone(), ThumbStatus::None, None);
    };
    match std::fs::read(&file.path) {
        Ok(data) => {
            let orientation = metadata::read_from_bytes(&data).orientation;
            let (status, err) = thumbnail(file, Some(&data), orientation, cache);
            Outcome::Thumb(file.path.clone(), status, err)
        }
        Err(err) => Outcome::Problem(Problem {
            path: file.path.to_string_lossy().into_owned(),
            reason: describe_io(&err),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(path: &str, kind: PhotoKind) -> FoundFile {
        FoundFile {
            path: path.into(),
            kind,
            size: 10,
            modified: None,
        }
    }

    #[test]
    fn photos_a_build_could_not_decode_are_read_again_once_it_can() {
        let (heic, png) = (
            found("a.heic", PhotoKind::Heif),
            found("b.png", PhotoKind::Png),
        );
        let known = |thumb| KnownFile {
            size: 10,
            mtime_ns: 0,
            thumb,
        };
        let catalogued = [
            (heic.path.clone(), known(ThumbStatus::Unsupported)),
            (png.path.clone(), known(ThumbStatus::Failed)),
        ]
        .into_iter()
        .collect();
        let plan = plan_work(&[heic.clone(), png], &catalogued, None);
        let read: Vec<_> = plan.read.iter().map(|f| f.path.clone()).collect();
        let expected = if cfg!(feature = "heif") {
            vec![heic.path]
        } else {
            vec![]
        };
        assert_eq!(
            read, expected,
            "unchanged files are read again only if newly decodable"
        );
    }

    #[test]
    fn a_file_deleted_after_the_walk_becomes_a_problem() {
        let dir = tempfile::tempdir().expect("tempdir");
        let gone = dir.path().join("gone.jpg").display().to_string();
        let cache = ThumbnailCache::new(dir.path().join("cache"));
        for thumbs in [None, Some(&cache)] {
            match read_one(&found(&gone, PhotoKind::Jpeg), thumbs) {
                Outcome::Problem(p) => assert!(p.reason.contains("disappeared"), "{}", p.reason),
                _ => panic!("a vanished file must be reported as a problem"),
            }
        }
    }

    #[test]
    fn a_broken_heic_is_catalogued_with_the_reason() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.heic");
        std::fs::write(&path, b"\0\0\0\x18ftypheic").expect("write");
        let cache = ThumbnailCache::new(dir.path().join("cache"));
        match read_one(
            &found(&path.display().to_string(), PhotoKind::Heif),
            Some(&cache),
        ) {
            Outcome::Photo(p) if cfg!(feature = "heif") => {
                assert_eq!(p.thumb, ThumbStatus::Failed);
                assert!(p.error.is_some_and(|e| !e.is_empty()));
            }
            Outcome::Photo(p) => {
                assert_eq!(p.thumb, ThumbStatus::Unsupported);
                assert_eq!(p.thumb.as_str(), "not supported yet");
            }
            _ => panic!("a HEIC file must be catalogued"),
        }
    }
}
