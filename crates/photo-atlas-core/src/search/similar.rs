//! Similar photos within the catalog: the photo's code (stored, or computed with the
//! folder's model for a file from outside), searched against the clustered folder's
//! codes and features. Shared by `photo-atlas similar` and the window.

use std::collections::HashMap;
use std::path::Path;

use candle_core::Device;

use std::sync::{Arc, Mutex};

use super::ann::{AnnIndex, BRUTE_FORCE_LIMIT};
use super::{CodeIndex, candidates, normalise, rank};
use crate::jobs::CancelToken;
use crate::library::PhotoKind;
use crate::ml::features::{FeatureVectors, feature_matrix};
use crate::ml::learn::{FeatureSource, LearnError, encode_photo};
use crate::photo::PhotoRecord;
use crate::store::{Catalog, SavedClusters, StoreError};

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
    pub path: std::path::PathBuf,
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

/// The cached feature vector of each clustered photo, in the members' order: for
/// a photo from outside, when the model was stored without its smoothing pool.
fn member_features(
    catalog: &Catalog,
    folder: &str,
    saved: &SavedClusters,
) -> Result<FeatureVectors, StoreError> {
    let mut records: HashMap<std::path::PathBuf, PhotoRecord> = catalog
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

/// The vectors made unit length (`None`: empty, similar to nothing).
fn unit_rows(vectors: FeatureVectors) -> Vec<Vec<f32>> {
    vectors
        .into_iter()
        .map(|v| {
            let mut v = v.unwrap_or_default();
            normalise(&mut v);
            v
        })
        .collect()
}

/// The approximate index of the last large folder searched, kept for the next
/// query (the window asks many); keyed by folder, training time and size.
type CachedIndex = (String, i64, usize, Arc<AnnIndex>);
static APPROXIMATE: Mutex<Option<CachedIndex>> = Mutex::new(None);

/// An approximate index for a folder of more than `BRUTE_FORCE_LIMIT` photos, built
/// once and reused while the folder's model is unchanged.
fn approximate_index(
    folder: &str,
    saved: &SavedClusters,
    codes: &CodeIndex,
) -> Option<Arc<AnnIndex>> {
    if codes.len() <= BRUTE_FORCE_LIMIT {
        return None;
    }
    let mut cache = APPROXIMATE.lock().ok()?;
    let key = (folder.to_string(), saved.model.trained_at, codes.len());
    if let Some((f, t, n, index)) = cache.as_ref()
        && (f, t, n) == (&key.0, &key.1, &key.2)
    {
        return Some(index.clone());
    }
    let index = Arc::new(AnnIndex::build(codes, 100, 1));
    *cache = Some((key.0, key.1, key.2, index.clone()));
    Some(index)
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
    let saved = catalog
        .clusters(&folder)?
        .ok_or(SearchError::NothingClustered)?;
    let codes = CodeIndex::new(saved.members.iter().map(|m| m.code.as_slice()));
    let key = FeatureSource::from_name(&saved.model.features).model_key();
    let own = saved.members.iter().position(|m| m.path == Path::new(path));
    if cancel.is_cancelled() {
        return Ok(None);
    }
    let (query_features, query_code) = match own {
        Some(i) => {
            let member = &saved.members[i];
            let mut own_features = catalog.current_features(&key, &[member.path.as_path()])?;
            (
                own_features.pop().flatten().unwrap_or_default(),
                member.code.clone(),
            )
        }
        None => {
            let library = || Ok(feature_matrix(&member_features(catalog, &folder, &saved)?).1);
            encode_photo(&saved.model, &record_for(path)?, library, device)?
        }
    };
    if cancel.is_cancelled() {
        return Ok(None);
    }
    let approximate = reuse_index
        .then(|| approximate_index(&folder, &saved, &codes))
        .flatten();
    // Only the candidates' features are read: 2,000 vectors, not every member's
    // (512 MB at 100,000 photos, 1.4 s of a 1.4 s click here).
    let items = candidates(&codes, approximate.as_deref(), &query_code, k, own);
    let paths: Vec<&Path> = items
        .iter()
        .map(|&i| saved.members[i].path.as_path())
        .collect();
    let features = unit_rows(catalog.current_features(&key, &paths)?);
    let hits = rank(
        &codes,
        &items,
        |j| features[j].as_slice(),
        &query_code,
        &query_features,
        k,
    );
    Ok(Some(
        hits.into_iter()
            .map(|hit| SimilarPhoto {
                path: saved.members[hit.item].path.clone(),
                score: hit.score,
                near_duplicate: hit.near_duplicate,
            })
            .collect(),
    ))
}
