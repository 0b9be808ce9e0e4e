//! Building a folder's search index: the backbone features (and with them the top
//! classes) of photos that lack them are computed first, unless only what is cached
//! is wanted (an index at once, before the network has seen every photo), then the
//! places are found, so that "dog" and "Munich" can both be answered.

use candle_core::Device;

use super::index::{SearchIndex, place_names};
use crate::grouping::places::{ClusterOptions, find_places};
use crate::jobs::{CancelToken, Progress};
use crate::ml::efficientnet::EfficientNetLite0;
use crate::ml::features::{MlError, backbone_features, photo_classes};
use crate::photo::PhotoRecord;
use crate::store::Catalog;

/// Which photos' content the index knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Those whose features are cached (no photo is decoded: ready in moments).
    Cached,
    /// Every photo: features are computed for those that have none.
    Complete,
}

/// The index over `photos`; `None` when cancelled while features were computed.
pub fn build_index(
    catalog: &mut Catalog,
    photos: &[PhotoRecord],
    device: &Device,
    coverage: Coverage,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<Option<SearchIndex>, MlError> {
    let net = EfficientNetLite0::load_shipped(device)?;
    if coverage == Coverage::Complete {
        let (_, report) = backbone_features(catalog, photos, &net, device, cancel, progress)?;
        if report.cancelled {
            return Ok(None);
        }
    }
    let classes = photo_classes(catalog, photos, &net, device)?;
    let places = find_places(photos, &ClusterOptions::default());
    Ok(Some(SearchIndex::new(
        photos,
        place_names(photos.len(), &places),
        classes,
    )))
}
