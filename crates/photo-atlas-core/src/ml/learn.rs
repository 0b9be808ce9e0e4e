//! Clustering one folder of the catalog, end to end: features (cached), the
//! autoencoder + IDEC (fine-tuned from the folder's stored model when there is
//! one), names for the clusters, and everything written back to the catalog.
//! The `cluster` command and the window's background job both call this.

use candle_core::Device;
use ndarray::Array2;

use super::efficientnet::EfficientNetLite0;
use super::features::{Extractor, FeatureReport, MlError, extract_features, feature_matrix};
use super::naming::{NameRule, group_names};
use super::network::Architecture;
use super::pipeline::{
    ClusterError, ClusterJob, Clustering, KChoice, TrainedWeights, cluster_input, learning_input,
};
use super::quick::{is_quick, quick_groups};
use super::stored::StoredModel;
use super::train::{Stage, TrainConfig};
use crate::jobs::{CancelToken, Progress};
use crate::photo::PhotoRecord;
use crate::store::{Catalog, ClusterMember, SavedModel, StoreError};

/// Side of the square the pixel path squashes photos to.
pub const PIXEL_SIDE: u32 = 32;

/// What the clusters are learned from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeatureSource {
    /// EfficientNet-Lite0 features (pretrained on ImageNet): groups by what is in the photo.
    #[default]
    Backbone,
    /// The photo's own downscaled pixels (the DEC papers' input): groups mostly by colour.
    Pixels,
}

impl FeatureSource {
    /// The source a stored model was trained on.
    pub fn from_name(name: &str) -> Self {
        if name == FeatureSource::Pixels.as_str() {
            FeatureSource::Pixels
        } else {
            FeatureSource::Backbone
        }
    }

    /// The key its vectors are cached under in the catalog.
    pub fn model_key(self) -> String {
        match self {
            FeatureSource::Backbone => super::features::BACKBONE_MODEL.to_string(),
            FeatureSource::Pixels => Extractor::Pixels { side: PIXEL_SIDE }.model_key(),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FeatureSource::Backbone => "backbone",
            FeatureSource::Pixels => "pixels",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LearnError {
    #[error(transparent)]
    Features(#[from] MlError),
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the network failed: {0}")]
    Candle(#[from] candle_core::Error),
}

/// How to cluster.
pub struct FolderJob {
    pub source: FeatureSource,
    pub architecture: Architecture,
    pub k: KChoice,
    pub seed: u64,
    pub device: Device,
    pub config: TrainConfig,
    /// When the folder has no learned groups yet, store quick groups (k-means on
    /// the features) first, for the window to show while the autoencoder learns.
    pub quick_first: bool,
}

/// The photos that have vectors, their vectors, and what extraction reported.
pub struct FolderFeatures {
    pub photos: Vec<PhotoRecord>,
    pub matrix: Array2<f32>,
    pub report: FeatureReport,
}

/// Vectors of `photos` from `source`, computing (and caching) the missing ones.
/// `Ok(None)` when cancelled.
pub fn folder_features(
    catalog: &mut Catalog,
    photos: &[PhotoRecord],
    source: FeatureSource,
    net: &EfficientNetLite0,
    device: &Device,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<Option<FolderFeatures>, MlError> {
    let extractor = match source {
        FeatureSource::Backbone => Extractor::Backbone(net, device),
        FeatureSource::Pixels => Extractor::Pixels { side: PIXEL_SIDE },
    };
    let (vectors, report) = extract_features(catalog, photos, &extractor, cancel, progress)?;
    if report.cancelled {
        return Ok(None);
    }
    let (kept, matrix) = feature_matrix(&vectors);
    Ok(Some(FolderFeatures {
        photos: kept.into_iter().map(|i| photos[i].clone()).collect(),
        matrix,
        report,
    }))
}

/// A clustered folder.
pub struct FolderOutcome {
    pub clustering: Clustering,
    pub photos: Vec<PhotoRecord>,
    pub names: Vec<String>,
    pub report: FeatureReport,
    /// Seconds spent reading or computing the feature vectors.
    pub feature_seconds: f64,
}

/// Clusters the photos of `folder` and stores the result; `Ok(None)` when cancelled.
pub fn cluster_folder(
    catalog: &mut Catalog,
    folder: &str,
    photos: &[PhotoRecord],
    job: &FolderJob,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<Option<FolderOutcome>, LearnError> {
    progress.start(Stage::Features, photos.len());
    let clock = std::time::Instant::now();
    let net = EfficientNetLite0::load_shipped(&job.device)?;
    let Some(features) = folder_features(
        catalog,
        photos,
        job.source,
        &net,
        &job.device,
        cancel,
        progress,
    )?
    else {
        return Ok(None);
    };
    let feature_seconds = clock.elapsed().as_secs_f64();
    let stored = catalog.cluster_model(folder)?;
    let learned = stored.as_ref().is_some_and(|m| !is_quick(&m.dims));
    let pixels = job.source == FeatureSource::Pixels;
    // Made once: the quick groups and the learning start from the same input.
    let prepared = learning_input(&features.matrix, pixels, job.seed);
    if job.quick_first && !learned && !pixels {
        progress.start(Stage::QuickGroups, 1);
        let quick = quick_groups(&prepared, job.k, job.seed)?;
        let names = names_of(&net, job, &features.matrix, &quick)?;
        save(catalog, folder, job, &features.photos, &quick, &names)?;
    }
    let previous = stored
        .filter(|m| m.features == job.source.as_str())
        .map(|m| TrainedWeights {
            dims: m.dims,
            safetensors: m.weights,
        });
    let run = ClusterJob {
        k: job.k,
        seed: job.seed,
        pixels,
        architecture: job.architecture,
        config: job.config.clone(),
        previous: previous.as_ref(),
        device: &job.device,
        cancel,
        progress,
    };
    let Some(clustering) = cluster_input(prepared, &run)? else {
        return Ok(None);
    };
    let names = names_of(&net, job, &features.matrix, &clustering)?;
    save(catalog, folder, job, &features.photos, &clustering, &names)?;
    Ok(Some(FolderOutcome {
        clustering,
        photos: features.photos,
        names,
        report: features.report,
        feature_seconds,
    }))
}

/// Names for the groups: by the WordNet concept their photos' classes share, or
/// numbered for pixels (no classes).
fn names_of(
    net: &EfficientNetLite0,
    job: &FolderJob,
    features: &Array2<f32>,
    c: &Clustering,
) -> Result<Vec<String>, candle_core::Error> {
    match job.source {
        FeatureSource::Backbone => group_names(
            net,
            &job.device,
            features,
            &c.labels,
            c.k,
            NameRule::Concept,
        ),
        FeatureSource::Pixels => Ok((1..=c.k).map(|i| format!("Group {i}")).collect()),
    }
}

fn save(
    catalog: &mut Catalog,
    folder: &str,
    job: &FolderJob,
    photos: &[PhotoRecord],
    c: &Clustering,
    names: &[String],
) -> Result<(), StoreError> {
    let members = members_of(photos, c);
    let model = SavedModel {
        features: job.source.as_str().into(),
        dims: c.model.dims.clone(),
        k: c.k,
        seed: job.seed,
        trained_at: 0,
        weights: c.model.safetensors.clone(),
    };
    let named: Vec<(usize, String)> = names.iter().cloned().enumerate().collect();
    catalog.save_clusters(folder, &model, members.as_slice(), &named)
}

/// What the catalog keeps of each clustered photo (`photos` in the clustering's row order).
pub fn members_of(photos: &[PhotoRecord], c: &Clustering) -> Vec<ClusterMember> {
    photos
        .iter()
        .enumerate()
        .map(|(i, p)| ClusterMember {
            path: p.path.clone(),
            cluster: c.labels[i],
            confidence: c.confidence[i],
            code: c.codes.row(i).to_vec(),
            soft: c.soft.row(i).to_vec(),
        })
        .collect()
}

/// The features and latent code of a photo that is not in the clustered set (a file
/// from outside, or one added since). The features are smoothed as in training,
/// over the pool stored with the model; `folder_features` (the library's, one per
/// row) is called only for a model stored without it.
pub fn encode_photo(
    model: &SavedModel,
    photo: &PhotoRecord,
    folder_features: impl FnOnce() -> Result<Array2<f32>, LearnError>,
    device: &Device,
) -> Result<(Vec<f32>, Vec<f32>), LearnError> {
    let source = FeatureSource::from_name(&model.features);
    let net = EfficientNetLite0::load_shipped(device)?;
    let extractor = match source {
        FeatureSource::Backbone => Extractor::Backbone(&net, device),
        FeatureSource::Pixels => Extractor::Pixels { side: PIXEL_SIDE },
    };
    let image = super::features::upright_image(photo, extractor.decode_size())
        .map_err(|reason| MlError::Unreadable(reason, photo.path_text().into_owned()))?;
    let raw = extractor
        .vectors(&[extractor.prepare(&image)])?
        .pop()
        .unwrap_or_default();
    let model = StoredModel::load(model, device)?;
    // Only models stored without their smoothing pool need the library reduced.
    let library = match source == FeatureSource::Backbone && model.needs_library() {
        true => Some(model.library_unit(&folder_features()?)),
        false => None,
    };
    let features = Array2::from_shape_vec((1, raw.len()), raw.clone())
        .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
    let (code, _) = model.encode(&model.input(&features, library.as_ref()))?;
    Ok((raw, code.flatten_all()?.to_vec1()?))
}
