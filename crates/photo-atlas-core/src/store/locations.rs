//! Where Photo Atlas keeps its own data: the catalog database in the platform's
//! data folder and thumbnails in its cache folder, never beside the photos.

use std::path::PathBuf;

use directories::ProjectDirs;

use super::StoreError;

/// Environment variable that overrides the catalog database path.
pub const CATALOG_ENV: &str = "PHOTO_ATLAS_CATALOG";
/// Environment variable that overrides the cache folder (thumbnails).
pub const CACHE_ENV: &str = "PHOTO_ATLAS_CACHE";

/// The resolved places for the catalog and the cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locations {
    pub catalog: PathBuf,
    pub cache: PathBuf,
}

impl Locations {
    /// `--catalog` beats `PHOTO_ATLAS_CATALOG`, which beats the platform data folder;
    /// `PHOTO_ATLAS_CACHE` beats the platform cache folder.
    pub fn resolve(catalog_flag: Option<PathBuf>) -> Result<Self, StoreError> {
        let env_path = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let dirs = || {
            ProjectDirs::from("org", "Photo Atlas", "photo-atlas").ok_or(StoreError::NoHomeFolder)
        };
        let catalog = match catalog_flag.or_else(|| env_path(CATALOG_ENV)) {
            Some(p) => p,
            None => dirs()?.data_dir().join("catalog.sqlite"),
        };
        let cache = match env_path(CACHE_ENV) {
            Some(p) => p,
            None => dirs()?.cache_dir().to_path_buf(),
        };
        Ok(Self { catalog, cache })
    }

    pub fn thumbnails(&self) -> PathBuf {
        self.cache.join("thumbnails")
    }

    /// Folders a scan must never descend into (if they happen to lie inside a photo folder).
    pub fn own_folders(&self) -> Vec<PathBuf> {
        let mut v = vec![self.cache.clone()];
        if let Some(parent) = self.catalog.parent() {
            v.push(parent.to_path_buf());
        }
        v.into_iter()
            .map(|p| crate::library::canonical(&p).unwrap_or(p))
            .collect()
    }
}
