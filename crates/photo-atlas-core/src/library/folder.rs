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
        let canonical = resolve(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => bad("there is no such folder".into()),
            _ => bad(describe_io(&e)),
        })?;
        if !canonical.is_dir() {
            return Err(bad("it is a file, not a folder".into()));
        }
        let text = canonical
            .to_str()
            .ok_or_else(|| bad("its name is not valid UTF-8".into()))?;
        Self::from_canonical(PathBuf::from(key_text(text, PathStyle::NATIVE)))
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
        key_range_in(folder, PathStyle::NATIVE)
    }
}

/// [`PhotoFolder::key_range`] for paths written in `style`.
fn key_range_in(folder: &str, style: PathStyle) -> (String, String) {
    let separator = match style {
        PathStyle::Unix => '/',
        PathStyle::Windows => '\\',
    };
    let base = folder.trim_end_matches(separator);
    let after = char::from_u32(separator as u32 + 1).unwrap_or(separator);
    (format!("{base}{separator}"), format!("{base}{after}"))
}

impl fmt::Display for PhotoFolder {
    /// The folder as a person reads it (never Windows' `\\?\` form).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

/// How a platform writes paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStyle {
    Unix,
    Windows,
}

impl PathStyle {
    /// This platform's.
    pub const NATIVE: Self = if cfg!(windows) {
        Self::Windows
    } else {
        Self::Unix
    };
}

/// A canonical path as the catalog keys it and people read it. On Windows:
/// the "verbatim" prefix that `canonicalize` adds dropped (`\\?\C:\Photos` is
/// `C:\Photos`, `\\?\UNC\nas\share` is `\\nas\share`), `/` written `\`, the drive
/// letter in capitals; everywhere, no trailing separator except at a root.
pub fn key_text(path: &str, style: PathStyle) -> String {
    match style {
        PathStyle::Unix => match path.trim_end_matches('/') {
            "" if path.starts_with('/') => "/".into(),
            trimmed => trimmed.into(),
        },
        PathStyle::Windows => windows_key(path),
    }
}

fn windows_key(path: &str) -> String {
    let slashed = path.replace('/', "\\");
    let plain = match slashed.strip_prefix(r"\\?\") {
        Some(rest) => match rest.strip_prefix(r"UNC\") {
            Some(share) => format!(r"\\{share}"),
            None => rest.to_string(),
        },
        None => slashed,
    };
    let mut key: String = plain.trim_end_matches('\\').to_string();
    let bytes = key.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        key.replace_range(..1, &key[..1].to_ascii_uppercase());
        if key.len() == 2 {
            key.push('\\'); // a drive's root keeps its separator: `C:\`
        }
    }
    if key.is_empty() && plain.starts_with('\\') {
        key.push('\\');
    }
    key
}

/// `std::fs::canonicalize`; on Windows, where it can fail on a path that exists
/// (Wine answered "more data is available" for a folder 334 characters long), the
/// absolute path with `.` and `..` resolved instead.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    std::fs::canonicalize(path).or_else(|e| match cfg!(windows) && path.exists() {
        true => std::path::absolute(path),
        false => Err(e),
    })
}

/// [`resolve`]d, in the form [`key_text`] gives (never Windows'
/// verbatim form), for every module that compares or stores resolved paths.
pub fn canonical(path: &Path) -> std::io::Result<PathBuf> {
    let resolved = resolve(path)?;
    Ok(match resolved.to_str() {
        Some(text) => PathBuf::from(key_text(text, PathStyle::NATIVE)),
        None => resolved,
    })
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
    fn windows_paths_have_one_key_however_they_are_written() {
        let key = |p| key_text(p, PathStyle::Windows);
        for written in [
            r"C:\Photos\2023",
            r"c:\Photos\2023",
            r"C:/Photos/2023",
            r"C:\Photos/2023\",
            r"\\?\C:\Photos\2023",
            r"\\?\c:\Photos\2023\",
        ] {
            assert_eq!(key(written), r"C:\Photos\2023", "{written}");
        }
        assert_eq!(key(r"\\?\UNC\nas\share\Photos"), r"\\nas\share\Photos");
        assert_eq!(key(r"//nas/share/Photos/"), r"\\nas\share\Photos");
        assert_eq!(key(r"\\?\C:\"), r"C:\");
        assert_eq!(key("d:"), r"D:\");
        assert_eq!(key(r"Z:\tmp\Été 2023\"), r"Z:\tmp\Été 2023");
    }

    #[test]
    fn unix_paths_lose_only_a_trailing_separator() {
        let key = |p| key_text(p, PathStyle::Unix);
        assert_eq!(key("/home/ana/Photos/"), "/home/ana/Photos");
        assert_eq!(key("/home/ana/Photos"), "/home/ana/Photos");
        assert_eq!(key("/"), "/");
        // A backslash is part of a name on Unix, not a separator.
        assert_eq!(key(r"/p/a\b"), r"/p/a\b");
    }

    #[test]
    fn key_ranges_work_for_windows_keys_too() {
        let folder = key_text(r"\\?\C:\Photos\", PathStyle::Windows);
        let (lo, hi) = key_range_in(&folder, PathStyle::Windows);
        let inside = |k: &str| lo.as_str() <= k && k < hi.as_str();
        assert!(inside(r"C:\Photos\a.jpg") && inside(r"C:\Photos\sub\b.jpg"));
        assert!(!inside(r"C:\Photos2\a.jpg") && !inside(r"C:\Photos.jpg"));
    }
}
