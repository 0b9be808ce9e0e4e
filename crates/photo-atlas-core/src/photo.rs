//! The core domain type: one photo as Photo Atlas knows it (where it is, when and
//! where it was taken, with which camera, how big, what went wrong reading it, and
//! whether it has a thumbnail). The scanner makes these, the catalog stores them,
//! grouping, learning, search and both front ends read them.

use std::path::{Path, PathBuf};

use crate::library::PhotoKind;
use crate::metadata::{CaptureTime, Gps};

/// Whether a photo has a thumbnail in the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThumbStatus {
    /// Not made (yet): the scan ran with `--no-thumbnails`, or was cancelled.
    None,
    Ok,
    /// HEIC and RAW pixels cannot be decoded yet.
    Unsupported,
    /// Decoding failed; the photo's `error` says why.
    Failed,
}

impl ThumbStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Ok => "ok",
            Self::Unsupported => "not supported yet",
            Self::Failed => "failed",
        }
    }

    /// The status a catalog row stores as text (`as_str`); anything else is `None`.
    pub fn parse(text: &str) -> Self {
        [Self::Ok, Self::Unsupported, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
            .unwrap_or(Self::None)
    }
}

/// One catalogued photo.
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoRecord {
    pub path: PathBuf,
    pub size: u64,
    pub mtime_ns: i64,
    pub kind: PhotoKind,
    pub taken: Option<CaptureTime>,
    pub gps: Option<Gps>,
    pub orientation: Option<u8>,
    pub make: Option<String>,
    pub model: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Why the photo could not be fully read, as a sentence; `None` when all went well.
    pub error: Option<String>,
    pub thumb: ThumbStatus,
}

impl PhotoRecord {
    /// A JPEG at `path` that nothing is known about yet (tests, benchmarks, fixtures).
    pub fn bare(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            size: 0,
            mtime_ns: 0,
            kind: PhotoKind::Jpeg,
            taken: None,
            gps: None,
            orientation: None,
            make: None,
            model: None,
            width: None,
            height: None,
            error: None,
            thumb: ThumbStatus::None,
        }
    }

    /// The file's name, for people ("IMG_0001.jpg").
    pub fn file_name(&self) -> std::borrow::Cow<'_, str> {
        self.path
            .file_name()
            .map_or_else(|| self.path.to_string_lossy(), |n| n.to_string_lossy())
    }

    /// The path as the catalog and the command line write it.
    pub fn path_text(&self) -> std::borrow::Cow<'_, str> {
        path_text(&self.path)
    }
}

/// A photo path as text (the catalog's keys, JSON). Photo paths are Unicode: the walk
/// reports any other name as a problem instead of cataloguing it.
pub fn path_text(path: &Path) -> std::borrow::Cow<'_, str> {
    path.to_string_lossy()
}
