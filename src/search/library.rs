//! Similar photos within the catalog: the photo's code (stored, or computed with the
//! folder's model for a file from outside), searched against the clustered folder's
//! codes and features. Shared by `photo-atlas similar` and the window.

use std::collections::HashMap;
use std::path::Path;

use candle_core::Device;

use super::{CodeIndex, similar};
use crate::library::PhotoKind;
use crate::ml::features::{FeatureVectors, feature_matrix};
use crate::ml::library::{FeatureSource, LibraryError, encode_photo};
use crate::store::{Catalog, PhotoRecord, SavedClusters, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(
        "no folder has been clustered yet, so there are no codes to search; run `photo-atlas cluster FOLDER` (or Content, then Find groups) first"
    )]
    NothingClustered,
    #[error("this is not a photo file Photo Atlas can read: {0}")]
    NotAPhoto(String),
    #[error("cannot find the photo: {0}")]
    Missing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encode(#[from] LibraryError),
}

/// One hit, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarPhoto {
    pub path: String,
    pub score: f32,
    pub near_duplicate: bool,
}

/// A catalog record for a file that may not be in the catalog.
fn record_for(path: &str) -> Result<PhotoRecord, SearchError> {
    let kind =
        PhotoKind::from_path(Path::new(path)).ok_or_else(|| SearchError::NotAPhoto(path.into()))?;
    let meta = crate::metadata::read_file(Path::new(path))
        .map_err(|e| SearchError::NotAPhoto(format!("{e}: {path}")))?;
    Ok(PhotoRecord {
        kind,
        orientation: meta.orientation,
        ..PhotoRecord::bare(path)
    })
}

/// The cached feature vector of each clustered photo, in the members' order.
fn member_features(
    catalog: &Catalog,
    folder: &str,
    saved: &SavedClusters,
) -> Result<FeatureVectors, StoreError> {
    let mut records: HashMap<String, PhotoRecord> = catalog
        .photos_under(folder)?
        .into_iter()
        .map(|p| (p.path.clone(), p))
        .collect();
    let ordered: Vec<PhotoRecord> = saved
        .members
        .iter()
        .map(|m| {
            records
                .remove(&m.path)
                .unwrap_or_else(|| PhotoRecord::bare(m.path.clone()))
        })
        .collect();
    let key = FeatureSource::from_name(&saved.model.features).model_key();
    catalog.cached_features(&key, &ordered)
}

/// The `k` photos most similar to `photo` (the photo itself left out).
pub fn similar_photos(
    catalog: &Catalog,
    photo: &Path,
    k: usize,
    device: &Device,
) -> Result<Vec<SimilarPhoto>, SearchError> {
    let canonical = std::fs::canonicalize(photo)
        .map_err(|_| SearchError::Missing(photo.display().to_string()))?;
    let path = canonical
        .to_str()
        .ok_or_else(|| SearchError::NotAPhoto(photo.display().to_string()))?
        .to_string();
    let folder = catalog
        .cluster_folder_for(&path)?
        .ok_or(SearchError::NothingClustered)?;
    let saved = catalog
        .clusters(&folder)?
        .ok_or(SearchError::NothingClustered)?;
    let codes = CodeIndex::new(saved.members.iter().map(|m| m.code.as_slice()));
    let vectors = member_features(catalog, &folder, &saved)?;
    let dim = vectors.iter().flatten().map(Vec::len).next().unwrap_or(0);
    let zeros = vec![0.0; dim];
    let features = CodeIndex::new(vectors.iter().map(|v| v.as_deref().unwrap_or(&zeros)));
    let own = saved.members.iter().position(|m| m.path == path);
    let (query_features, query_code) = match own {
        Some(i) => (
            vectors[i].clone().unwrap_or_default(),
            saved.members[i].code.clone(),
        ),
        None => {
            let (_, library) = feature_matrix(&vectors);
            encode_photo(&saved.model, &record_for(&path)?, &library, device)?
        }
    };
    Ok(
        similar(&codes, &features, &query_code, &query_features, k, own)
            .into_iter()
            .map(|hit| SimilarPhoto {
                path: saved.members[hit.item].path.clone(),
                score: hit.score,
                near_duplicate: hit.near_duplicate,
            })
            .collect(),
    )
}
