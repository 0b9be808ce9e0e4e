//! Walks a folder tree and lists its photo files, reporting (not stopping at)
//! folders it may not read and files that vanish while it looks at them.
//! Hidden folders, NAS/OS housekeeping folders and the app's own folders are
//! skipped; symbolic links to folders are not followed, so a walk cannot loop.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use walkdir::{DirEntry, WalkDir};

use super::kind::PhotoKind;
use crate::jobs::CancelToken;

/// Folder names that hold no user photos (thumbnails of NAS boxes, trash cans).
const SKIPPED_FOLDER_NAMES: &[&str] = &[
    "@eaDir",
    "#recycle",
    "$RECYCLE.BIN",
    "System Volume Information",
    "lost+found",
];

/// A photo file found by the walk.
#[derive(Clone, Debug)]
pub struct FoundFile {
    /// Absolute path, valid UTF-8.
    pub path: PathBuf,
    pub kind: PhotoKind,
    pub size: u64,
    pub modified: Option<SystemTime>,
}

/// Something the walk could not look at, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub reason: String,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct WalkOutcome {
    pub files: Vec<FoundFile>,
    pub problems: Vec<Problem>,
    /// Folders that could not be listed: what the catalog knows under them is kept.
    pub unreadable_dirs: Vec<String>,
    pub cancelled: bool,
}

/// Walks `root` (an absolute folder path), skipping `exclude`d folders.
/// `on_found` is called for every photo file as soon as it is seen.
pub fn walk(
    root: &Path,
    exclude: &[PathBuf],
    cancel: &CancelToken,
    mut on_found: impl FnMut(&FoundFile),
) -> WalkOutcome {
    let mut out = WalkOutcome::default();
    let entries = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !should_skip(e, exclude));
    for entry in entries {
        if cancel.is_cancelled() {
            out.cancelled = true;
            break;
        }
        match entry {
            Ok(entry) => visit(&entry, &mut out, &mut on_found),
            Err(err) => record_walk_error(&err, &mut out),
        }
    }
    out
}

fn should_skip(entry: &DirEntry, exclude: &[PathBuf]) -> bool {
    let name = entry.file_name().to_string_lossy();
    let is_dir = entry.file_type().is_dir();
    (is_dir && (name.starts_with('.') || SKIPPED_FOLDER_NAMES.contains(&name.as_ref())))
        || exclude.iter().any(|x| entry.path() == x)
}

fn visit(entry: &DirEntry, out: &mut WalkOutcome, on_found: &mut impl FnMut(&FoundFile)) {
    let Some(kind) = PhotoKind::from_path(entry.path()) else {
        return;
    };
    let Some(path) = entry.path().to_str() else {
        out.problems.push(Problem {
            path: entry.path().to_string_lossy().into_owned(),
            reason: "the file name is not valid UTF-8, so it cannot be catalogued yet".into(),
        });
        return;
    };
    // Follows a link to a file (never to a folder, so no loops).
    match std::fs::metadata(entry.path()) {
        Ok(meta) if meta.is_file() => {
            let found = FoundFile {
                path: entry.path().to_path_buf(),
                kind,
                size: meta.len(),
                modified: meta.modified().ok(),
            };
            on_found(&found);
            out.files.push(found);
        }
        Ok(_) => {}
        Err(err) => out.problems.push(Problem {
            path: path.to_string(),
            reason: describe_io(&err),
        }),
    }
}

fn record_walk_error(err: &walkdir::Error, out: &mut WalkOutcome) {
    let path = err
        .path()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let reason = match err.io_error() {
        Some(io) => describe_io(io),
        None => err.to_string(),
    };
    if err.depth() == 0 || err.path().is_some_and(|p| p.is_dir()) {
        out.unreadable_dirs.push(path.clone());
    }
    out.problems.push(Problem { path, reason });
}

/// A short sentence for an I/O error, for the problems list.
pub fn describe_io(err: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match err.kind() {
        PermissionDenied => "permission denied: Photo Atlas may not read this".into(),
        NotFound => "the file disappeared while it was being scanned".into(),
        _ => format!("it could not be read: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        std::fs::write(path, b"x").expect("write");
    }

    #[test]
    fn finds_photos_and_skips_hidden_and_excluded_folders() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        touch(&root.join("a.jpg"));
        touch(&root.join("sub/b.PNG"));
        touch(&root.join("sub/notes.txt"));
        touch(&root.join(".hidden/c.jpg"));
        touch(&root.join("@eaDir/d.jpg"));
        touch(&root.join("appdata/e.jpg"));
        let out = walk(root, &[root.join("appdata")], &CancelToken::new(), |_| {});
        let names: Vec<_> = out
            .files
            .iter()
            .map(|f| {
                Path::new(&f.path)
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("")
            })
            .collect();
        assert_eq!(names, ["a.jpg", "b.PNG"]);
        assert!(out.problems.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_do_not_loop() {
        let dir = tempfile::tempdir().expect("tempdir");
        touch(&dir.path().join("sub/a.jpg"));
        std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/loop")).expect("symlink");
        let out = walk(dir.path(), &[], &CancelToken::new(), |_| {});
        assert_eq!(out.files.len(), 1);
    }

    #[test]
    fn cancelled_walk_stops() {
        let dir = tempfile::tempdir().expect("tempdir");
        touch(&dir.path().join("a.jpg"));
        let cancel = CancelToken::new();
        cancel.cancel();
        let out = walk(dir.path(), &[], &cancel, |_| {});
        assert!(out.cancelled);
        assert!(out.files.is_empty());
    }
}
