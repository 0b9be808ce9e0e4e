//! Similar photos within the catalog: the photo's code (stored, or computed with the
//! folder's model for a file from outside), searched against the clustered folder's
//! codes and features. Shared by `photo-atlas similar` and the window.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::Device;

use super::folder_codes::FolderCodes;
use super::{CodeIndex, candidates, rank};
use crate::jobs::CancelToken;
use crate::library::PhotoKind;
use crate::ml::features::{FeatureVectors, feature_matrix};
use crate::ml::learn::{FeatureSource, LearnError, encode_photo};
use crate::photo::PhotoRecord;
use crate::store::{Catalog, StoreError};

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
    Encode(#[from] LearnError),
}

/// One hit, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarPhoto {
    pub path: PathBuf,
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

/// The cached feature vector of each of the folder's members at `paths`, in
/// their order: for a photo from outside, when the model was stored without its
/// smoothing pool.
fn member_features(
    catalog: &Catalog,
    folder: &str,
    paths: &[PathBuf],
    key: &str,
) -> Result<FeatureVectors, StoreError> {
    let mut records: HashMap<PathBuf, PhotoRecord> = catalog
        .photos_under(folder)?
        .into_iter()
        .map(|p| (p.path.clone(), p))
        .collect();
    let ordered: Vec<PhotoRecord> = paths
        .iter()
        .map(|p| {
            records
                .remove(p)
                .unwrap_or_else(|| PhotoRecord::bare(p.clone()))
        })
        .collect();
    catalog.cached_features(key, &ordered)
}

/// The vectors as an index of unit rows, one per vector in order; a missing
/// one is zeros, similar to nothing.
fn feature_index(vectors: &FeatureVectors) -> CodeIndex {
    let dim = vectors.iter().flatten().map(Vec::len).next().unwrap_or(0);
    let zeros = vec![0.0; dim];
    CodeIndex::new(vectors.iter().map(|v| v.as_deref().unwrap_or(&zeros)))
}

/// The `k` photos most similar to `photo` (the photo itself left out). Above
/// `BRUTE_FORCE_LIMIT` photos, with `reuse_index` (many queries to come), the
/// candidates come from an HNSW index kept between calls. `None` when `cancel` was
/// set (checked before each slow step: encoding a photo from outside, the index).
pub fn similar_photos(
    catalog: &Catalog,
    photo: &Path,
    k: usize,
    device: &Device,
    reuse_index: bool,
    cancel: &CancelToken,
) -> Result<Option<Vec<SimilarPhoto>>, SearchError> {
    let canonical = crate::library::canonical(photo)
        .map_err(|_| SearchError::Missing(photo.display().to_string()))?;
    let path = canonical
        .to_str()
        .ok_or_else(|| SearchError::NotAPhoto(photo.display().to_string()))?;
    similar_to_path(catalog, path, k, device, reuse_index, cancel)
}

/// `similar_photos` for a path as the catalog writes it (canonical).
pub fn similar_to_path(
    catalog: &Catalog,
    path: &str,
    k: usize,
    device: &Device,
    reuse_index: bool,
    cancel: &CancelToken,
) -> Result<Option<Vec<SimilarPhoto>>, SearchError> {
    let folder = catalog
        .cluster_folder_for(path)?
        .ok_or(SearchError::NothingClustered)?;
    let Some(members) = FolderCodes::of(catalog, &folder)? else {
        return Err(SearchError::NothingClustered);
    };
    let own = members.position(Path::new(path));
    let source = catalog
        .cluster_feature_source(&folder)?
        .ok_or(SearchError::NothingClustered)?;
    let key = FeatureSource::from_name(&source).model_key();
    if cancel.is_cancelled() {
        return Ok(None);
    }
    let (query_features, query_code) = match own {
        Some(i) => {
            let mut own_features = catalog.current_features(&key, &[members.paths[i].as_path()])?;
            let code = members.codes.code(i).to_vec();
            (own_features.pop().flatten().unwrap_or_default(), code)
        }
        None => {
            let model = catalog
                .cluster_model(&folder)?
                .ok_or(SearchError::NothingClustered)?;
            let library =
                || Ok(feature_matrix(&member_features(catalog, &folder, &members.paths, &key)?).1);
            encode_photo(&model, &record_for(path)?, library, device)?
        }
    };
    if cancel.is_cancelled() {
        return Ok(None);
    }
    let approximate = reuse_index.then(|| members.approximate()).flatten();
    // Only the candidates' features are read: 2,000 vectors, not every member's
    // (512 MB at 100,000 photos, 1.2 s of a 1.4 s click here).
    let codes = &members.codes;
    let items = candidates(codes, approximate, &query_code, k, own);
    let paths: Vec<&Path> = items.iter().map(|&i| members.paths[i].as_path()).collect();
    let features = feature_index(&catalog.current_features(&key, &paths)?);
    let hits = rank(
        codes,
        &items,
        |j| features.code(j),
        &query_code,
        &query_features,
        k,
    );
    Ok(Some(
        hits.into_iter()
            .map(|hit| SimilarPhoto {
                path: members.paths[hit.item].clone(),
                score: hit.score,
                near_duplicate: hit.near_duplicate,
            })
            .collect(),
    ))
}
