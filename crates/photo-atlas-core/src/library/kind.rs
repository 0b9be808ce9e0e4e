//! Which files are photos, recognised by extension, and which of them we can decode.

use std::path::Path;

/// The photo formats Photo Atlas recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhotoKind {
    Jpeg,
    Png,
    Webp,
    Tiff,
    Gif,
    Bmp,
    /// HEIC / HEIF / AVIF: pixels through libheif (the `heif` feature).
    Heif,
    /// Camera RAW files: the camera's embedded JPEG preview; metadata where TIFF-based.
    Raw,
}

const RAW_EXTENSIONS: &[&str] = &[
    "dng", "cr2", "cr3", "crw", "nef", "nrw", "arw", "srf", "sr2", "raf", "orf", "rw2", "pef",
    "srw", "x3f", "3fr", "erf", "kdc", "mrw", "rwl", "iiq",
];

impl PhotoKind {
    /// Recognises a photo by its file extension (case-insensitive).
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "jpg" | "jpeg" | "jpe" | "jfif" => Self::Jpeg,
            "png" => Self::Png,
            "webp" => Self::Webp,
            "tif" | "tiff" => Self::Tiff,
            "gif" => Self::Gif,
            "bmp" => Self::Bmp,
            "heic" | "heif" | "hif" | "avif" => Self::Heif,
            e if RAW_EXTENSIONS.contains(&e) => Self::Raw,
            _ => return None,
        })
    }

    /// Whether Photo Atlas can decode this kind's pixels (for thumbnails and features).
    pub fn is_decodable(self) -> bool {
        self.why_not_decodable().is_none()
    }

    /// Why this build cannot decode this kind's pixels, in words for the user.
    pub fn why_not_decodable(self) -> Option<&'static str> {
        match self {
            Self::Heif if !cfg!(feature = "heif") => Some(
                "HEIC needs libheif: this build of Photo Atlas was made without it (cargo feature `heif`)",
            ),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Tiff => "tiff",
            Self::Gif => "gif",
            Self::Bmp => "bmp",
            Self::Heif => "heif",
            Self::Raw => "raw",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ALL_KINDS.iter().copied().find(|k| k.as_str() == text)
    }
}

const ALL_KINDS: [PhotoKind; 8] = [
    PhotoKind::Jpeg,
    PhotoKind::Png,
    PhotoKind::Webp,
    PhotoKind::Tiff,
    PhotoKind::Gif,
    PhotoKind::Bmp,
    PhotoKind::Heif,
    PhotoKind::Raw,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_photos_by_extension() {
        let kind = |p: &str| PhotoKind::from_path(Path::new(p));
        assert_eq!(kind("a/B.JPG"), Some(PhotoKind::Jpeg));
        assert_eq!(kind("x.heic"), Some(PhotoKind::Heif));
        assert_eq!(kind("x.NEF"), Some(PhotoKind::Raw));
        assert_eq!(kind("notes.txt"), None);
        assert_eq!(kind("README"), None);
        for k in ALL_KINDS {
            assert_eq!(PhotoKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(PhotoKind::Heif.is_decodable(), cfg!(feature = "heif"));
        assert!(PhotoKind::Raw.is_decodable());
        assert!(PhotoKind::Png.is_decodable());
    }
}
