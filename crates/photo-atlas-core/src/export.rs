//! Copying photos out of the library into a folder a person chose (an album, a
//! selection), the one place Photo Atlas writes photo files, and only new ones
//! there: originals are only read. A copy is written under a temporary name and
//! renamed when complete, so a failure (a full disk, a folder without permission)
//! leaves no half-written photo behind; names never overwrite (`IMG_0001 (2).jpg`);
//! optionally they are renamed by capture date (`2023-10-02 14.31.07.jpg`). A
//! destination inside a library folder is refused.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::jobs::{CancelToken, Progress, Stage};
use crate::photo::PhotoRecord;

/// The one stage of an export: `done` of `total` photos copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportStage {
    Copying,
    Done,
}

impl Stage for ExportStage {
    fn code(self) -> u8 {
        self as u8
    }

    fn from_code(code: u8) -> Self {
        if code == 0 { Self::Copying } else { Self::Done }
    }
}

/// How the copies are named.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// "2023-10-02 14.31.07.jpg" from the capture time (photos without one keep their name).
    pub rename_by_date: bool,
}

/// What an export did.
#[derive(Debug, Default, PartialEq)]
pub struct ExportReport {
    /// The copies written, in the photos' order.
    pub written: Vec<PathBuf>,
    /// Photos whose file is gone (moved or deleted since it was catalogued).
    pub missing: Vec<PathBuf>,
    pub cancelled: bool,
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "the destination {0} is inside the photo folder {1}: choose a folder outside the library"
    )]
    IntoLibrary(String, String),
    #[error("the destination {path} cannot be written: {why}")]
    Destination { path: String, why: String },
    #[error(
        "{copied} of {total} photos were copied to {dest}; then {path} could not be: {why} (nothing half-written was left)"
    )]
    Copy {
        copied: usize,
        total: usize,
        dest: String,
        path: String,
        why: String,
    },
}

/// Copies `photos` into `dest` (made if missing), refusing a `dest` inside any of
/// `library_folders`. Stops between photos when cancelled.
pub fn export(
    photos: &[PhotoRecord],
    dest: &Path,
    library_folders: &[PathBuf],
    options: ExportOptions,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<ExportReport, ExportError> {
    let dest = prepare_destination(dest, library_folders)?;
    progress.start(ExportStage::Copying, photos.len());
    let mut report = ExportReport::default();
    let mut used: HashSet<PathBuf> = HashSet::new();
    for photo in photos {
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        if !photo.path.is_file() {
            report.missing.push(photo.path.clone());
            progress.advance(1);
            continue;
        }
        let target = free_name(&dest, &wanted_name(photo, options), &mut used);
        copy_one(&photo.path, &target).map_err(|why| ExportError::Copy {
            copied: report.written.len(),
            total: photos.len(),
            dest: dest.display().to_string(),
            path: photo.path.display().to_string(),
            why,
        })?;
        report.written.push(target);
        progress.advance(1);
    }
    progress.set_stage(ExportStage::Done);
    Ok(report)
}

/// The destination, made and canonicalised, unless it lies inside a library folder
/// (checked before anything is made, so a refused export creates no folder there).
fn prepare_destination(dest: &Path, library_folders: &[PathBuf]) -> Result<PathBuf, ExportError> {
    let unwritable = |e: std::io::Error| ExportError::Destination {
        path: dest.display().to_string(),
        why: describe_write(&e),
    };
    let absolute = std::path::absolute(dest).map_err(unwritable)?;
    let existing = absolute
        .ancestors()
        .find(|a| a.exists())
        .unwrap_or(&absolute);
    let planned = crate::library::canonical(existing)
        .map_err(unwritable)?
        .join(absolute.strip_prefix(existing).unwrap_or(Path::new("")));
    for folder in library_folders {
        let folder = crate::library::canonical(folder).unwrap_or_else(|_| folder.clone());
        if planned.starts_with(&folder) {
            return Err(ExportError::IntoLibrary(
                dest.display().to_string(),
                folder.display().to_string(),
            ));
        }
    }
    std::fs::create_dir_all(&planned).map_err(unwritable)?;
    Ok(planned)
}

/// The copy's name before collisions: its own, or its capture time.
fn wanted_name(photo: &PhotoRecord, options: ExportOptions) -> String {
    let own = photo.file_name().to_string();
    match (options.rename_by_date, photo.taken) {
        (true, Some(t)) => {
            let ext = Path::new(&own)
                .extension()
                .map(|e| format!(".{}", e.to_string_lossy().to_lowercase()))
                .unwrap_or_default();
            format!("{}{ext}", t.at.local.format("%Y-%m-%d %H.%M.%S"))
        }
        _ => own,
    }
}

/// `name` in `dest`, or "stem (2).ext", "stem (3).ext" ... when that is taken (on
/// disk, or earlier in this export).
fn free_name(dest: &Path, name: &str, used: &mut HashSet<PathBuf>) -> PathBuf {
    let path = Path::new(name);
    let stem = path
        .file_stem()
        .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned());
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut candidate = dest.join(name);
    let mut n = 2;
    while used.contains(&candidate) || candidate.exists() {
        candidate = dest.join(format!("{stem} ({n}){ext}"));
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// Copies `from` to `to` through a temporary file in the same folder, keeping the
/// original's modification time; on failure the temporary file is removed.
fn copy_one(from: &Path, to: &Path) -> Result<(), String> {
    let name = to
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let partial = to.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let result = std::fs::copy(from, &partial)
        .and_then(|_| {
            let modified = std::fs::metadata(from)?.modified()?;
            std::fs::File::options()
                .write(true)
                .open(&partial)?
                .set_modified(modified)
        })
        .and_then(|()| std::fs::rename(&partial, to));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        describe_write(&e)
    })
}

fn describe_write(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        PermissionDenied => "permission denied: Photo Atlas may not write there".into(),
        StorageFull => "the disk is full".into(),
        NotFound => "the file disappeared".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests;
