//! A photo folder as the engine knows it: made once from whatever the user typed,
//! dropped or picked, canonicalised in this one place with one rule for failure (a
//! folder that cannot be resolved, is a file, or has a name that is not Unicode is
//! an error that says why). Its catalog key and the form shown to people both come
//! from here, so no other module canonicalises a folder or slices path strings.

use std::fmt;
use std::path::{Path, PathBuf};

use super::describe_io;

/// Why a folder cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this is not a folder Photo Atlas can open: {reason}: {path}")]
pub struct FolderError {
    /// The folder as it was given.
    pub path: String,
    pub reason: String,
}

/// A folder of photos, absolute and canonical.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhotoFolder {
    path: PathBuf,
    key: String,
}

impl PhotoFolder {
    /// Resolves `path` (relative, with links or `..`, with a trailing separator)
    /// to the folder it names.
    pub fn open(path: &Path) -> Result<Self, FolderError> {
        let bad = |reason: String| FolderError {
            path: path.display().to_string(),
            reason,
        };
        let canonical = std::fs::canonicalize(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => bad("there is no such folder".into()),
            _ => bad(describe_io(&e)),
        })?;
        if !canonical.is_dir() {
            return Err(bad("it is a file, not a folder".into()));
        }
        Self::from_canonical(strip_verbatim(canonical))
            .ok_or_else(|| bad("its name is not valid UTF-8".into()))
    }

    /// A folder already known to be canonical (a catalog key read back, a test).
    pub fn from_canonical(path: PathBuf) -> Option<Self> {
        let key = path.to_str()?.to_owned();
        Some(Self { path, key })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key the catalog stores its photos, problems and clusters under.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// `(lower, upper)` bounds on catalog keys such that `lower <= key < upper` holds
    /// exactly for the photos inside `folder` (the byte after the separator is the bound).
    pub fn key_range(folder: &str) -> (String, String) {
        let separator = std::path::MAIN_SEPARATOR;
        let base = folder.trim_end_matches(separator);
        let after = char::from_u32(separator as u32 + 1).unwrap_or(separator);
        (format!("{base}{separator}"), format!("{base}{after}"))
    }
}

impl fmt::Display for PhotoFolder {
    /// The folder as a person reads it (never Windows' `\\?\` form).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

/// Windows' canonical form is "verbatim" (`\\?\C:\Photos`); people and the catalog
/// see `C:\Photos`. (A no-op elsewhere.)
fn strip_verbatim(path: PathBuf) -> PathBuf {
    match path.to_str().and_then(|s| s.strip_prefix(r"\\?\")) {
        Some(rest) if !rest.starts_with("UNC\\") => PathBuf::from(rest),
        Some(rest) => PathBuf::from(format!(r"\\{}", &rest[4..])),
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_folder_however_it_is_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("photos")).expect("mkdir");
        let plain = PhotoFolder::open(&dir.path().join("photos")).expect("open");
        let dotted = PhotoFolder::open(&dir.path().join("photos/../photos/")).expect("open");
        assert_eq!(plain, dotted);
        assert_eq!(plain.key(), plain.path().to_str().expect("utf-8"));
        assert!(plain.path().is_absolute());
    }

    #[test]
    fn a_file_or_a_missing_folder_is_an_error_that_says_why() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a.jpg");
        std::fs::write(&file, b"x").expect("write");
        let err = PhotoFolder::open(&file).expect_err("a file");
        assert!(
            err.to_string().contains("it is a file, not a folder"),
            "{err}"
        );
        let err = PhotoFolder::open(&dir.path().join("gone")).expect_err("missing");
        assert!(err.to_string().contains("there is no such folder"), "{err}");
        assert!(
            err.to_string().ends_with("gone"),
            "the path goes last: {err}"
        );
    }

    #[test]
    fn key_range_selects_only_inside() {
        let s = std::path::MAIN_SEPARATOR;
        let folder = format!("{s}p{s}a");
        let (lo, hi) = PhotoFolder::key_range(&folder);
        for inside in [
            format!("{folder}{s}x.jpg"),
            format!("{folder}{s}sub{s}y.jpg"),
        ] {
            assert!(lo <= inside && inside < hi, "{inside}");
        }
        for outside in [format!("{s}p{s}ab{s}x.jpg"), format!("{s}p{s}a.jpg")] {
            assert!(!(lo <= outside && outside < hi), "{outside}");
        }
    }

    #[test]
    fn verbatim_prefixes_are_dropped() {
        assert_eq!(
            strip_verbatim(PathBuf::from(r"\\?\C:\Photos")),
            PathBuf::from(r"C:\Photos")
        );
        assert_eq!(
            strip_verbatim(PathBuf::from(r"\\?\UNC\nas\share")),
            PathBuf::from(r"\\nas\share")
        );
        assert_eq!(strip_verbatim(PathBuf::from("/p")), PathBuf::from("/p"));
    }
}
