//! Turning photos into feature vectors with the pretrained backbone: photos are
//! decoded in parallel at reduced size (JPEG DCT scaling), turned upright and
//! prepared as network inputs, run through the network in batches (the next batch is
//! decoded while the network works on this one), and the vectors cached in the
//! catalog, so a photo is never computed twice. Checks the cancel token between
//! batches; a photo that cannot be read is reported and skipped.

use candle_core::{Device, Tensor};
use rayon::prelude::*;

use super::classes::{TopClasses, classify_features, store_top_classes, stored_top_classes};
use super::efficientnet::{EfficientNetLite0, INPUT_SIZE, input_values};
use crate::imaging::decode;
use crate::jobs::{CancelToken, Progress};
use crate::photo::PhotoRecord;
use crate::store::{Catalog, StoreError};

/// The key under which backbone vectors are cached; bump it when inputs or weights change.
pub const BACKBONE_MODEL: &str = "efficientnet-lite0/224/v1";
/// Photos per batch on a GPU: large enough that the network's kernels fill the device.
const GPU_BATCH: usize = 64;
/// Cached feature vectors classified per batch when filling in missing top classes.
const CLASSIFY_BATCH: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum MlError {
    #[error("the network failed: {0}")]
    Candle(#[from] candle_core::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}: {1}")]
    Unreadable(String, String),
}

/// One vector per photo, in the photos' order; `None` where it could not be computed.
pub type FeatureVectors = Vec<Option<Vec<f32>>>;

/// What an extraction did.
#[derive(Debug, Default, PartialEq)]
pub struct FeatureReport {
    pub cached: usize,
    pub computed: usize,
    /// Photos that could not be read or decoded: (path, reason).
    pub failed: Vec<(String, String)>,
    pub cancelled: bool,
}

/// A way of turning decoded photos into vectors.
pub enum Extractor<'a> {
    /// The pretrained network's 1280 pooled features.
    Backbone(&'a EfficientNetLite0, &'a Device),
    /// The photo's own pixels, squashed to `side` x `side` RGB, as values in [0, 1].
    Pixels { side: u32 },
}

impl Extractor<'_> {
    /// The cache key of the vectors; bump it when inputs or weights change.
    pub fn model_key(&self) -> String {
        match self {
            Extractor::Backbone(..) => BACKBONE_MODEL.to_string(),
            Extractor::Pixels { side } => format!("pixels/{side}/v1"),
        }
    }

    pub(crate) fn decode_size(&self) -> u32 {
        match self {
            Extractor::Backbone(..) => INPUT_SIZE as u32,
            Extractor::Pixels { side } => *side,
        }
    }

    /// Photos per batch: four per core on the CPU (at least 16, at most 64), more on a GPU.
    fn batch_size(&self) -> usize {
        match self {
            Extractor::Backbone(_, device) if !device.is_cpu() => GPU_BATCH,
            _ => (4 * rayon::current_num_threads()).clamp(16, 64),
        }
    }

    /// The decoded photo as this extractor's input values (run on the CPU, in parallel).
    pub(crate) fn prepare(&self, img: &image::RgbImage) -> Vec<f32> {
        match self {
            Extractor::Backbone(..) => input_values(img),
            Extractor::Pixels { side } => pixel_vector(img, *side),
        }
    }

    /// The vectors of prepared inputs (from [`Self::prepare`]), one batch at a time.
    pub(crate) fn vectors(&self, inputs: &[Vec<f32>]) -> Result<Vec<Vec<f32>>, MlError> {
        match self {
            Extractor::Backbone(net, device) => {
                let data: Vec<f32> = inputs.concat();
                let shape = (inputs.len(), 3, INPUT_SIZE, INPUT_SIZE);
                let batch = Tensor::from_vec(data, shape, device)?;
                Ok(net.features(&batch)?.to_vec2()?)
            }
            Extractor::Pixels { .. } => Ok(inputs.to_vec()),
        }
    }
}

/// Photos of one batch, decoded and prepared: (index into the photos, inputs or why not).
type PreparedBatch = Vec<(usize, Result<Vec<f32>, String>)>;

fn prepare_batch(photos: &[PhotoRecord], batch: &[usize], extractor: &Extractor) -> PreparedBatch {
    let size = extractor.decode_size();
    batch
        .par_iter()
        .map(|&i| {
            let inputs = upright_image(&photos[i], size).map(|img| extractor.prepare(&img));
            (i, inputs)
        })
        .collect()
}

/// The image squashed to `side` x `side` (aspect ignored, as in the DEC tutorials), in [0, 1].
pub fn pixel_vector(img: &image::RgbImage, side: u32) -> Vec<f32> {
    image::imageops::resize(img, side, side, image::imageops::FilterType::Triangle)
        .into_raw()
        .into_iter()
        .map(|v| f32::from(v) / 255.0)
        .collect()
}

/// The backbone vector of every photo (`None` where it could not be computed).
pub fn backbone_features(
    catalog: &mut Catalog,
    photos: &[PhotoRecord],
    net: &EfficientNetLite0,
    device: &Device,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<(FeatureVectors, FeatureReport), MlError> {
    let extractor = Extractor::Backbone(net, device);
    extract_features(catalog, photos, &extractor, cancel, progress)
}

/// The vector of every photo by `extractor`: cached ones read, the rest computed in
/// batches and cached (`None` where a photo could not be read).
pub fn extract_features(
    catalog: &mut Catalog,
    photos: &[PhotoRecord],
    extractor: &Extractor,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<(FeatureVectors, FeatureReport), MlError> {
    let key = extractor.model_key();
    let mut vectors = catalog.cached_features(&key, photos)?;
    let missing: Vec<usize> = (0..photos.len())
        .filter(|&i| vectors[i].is_none())
        .collect();
    let mut report = FeatureReport {
        cached: photos.len() - missing.len(),
        ..FeatureReport::default()
    };
    progress.start(super::train::Stage::Features, missing.len());
    let batches: Vec<&[usize]> = missing.chunks(extractor.batch_size()).collect();
    let mut next = batches.first().map(|b| prepare_batch(photos, b, extractor));
    for (n, batch) in batches.iter().enumerate() {
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        let mut indices = Vec::new();
        let mut inputs = Vec::new();
        for (i, result) in next.take().unwrap_or_default() {
            match result {
                Ok(values) => {
                    indices.push(i);
                    inputs.push(values);
                }
                Err(reason) => report
                    .failed
                    .push((photos[i].path_text().into_owned(), reason)),
            }
        }
        let (rows, following) = rayon::join(
            || {
                if inputs.is_empty() {
                    Ok(Vec::new())
                } else {
                    extractor.vectors(&inputs)
                }
            },
            || {
                batches
                    .get(n + 1)
                    .map(|b| prepare_batch(photos, b, extractor))
            },
        );
        next = following;
        let rows = rows?;
        let stored: Vec<(&PhotoRecord, Vec<f32>)> = indices
            .iter()
            .map(|&i| &photos[i])
            .zip(rows.clone())
            .collect();
        catalog.put_features(&key, &stored)?;
        if let Extractor::Backbone(net, device) = extractor {
            let tops = classify_features(net, device, &rows)?;
            let pairs: Vec<(&PhotoRecord, TopClasses)> =
                indices.iter().map(|&i| &photos[i]).zip(tops).collect();
            store_top_classes(catalog, &pairs)?;
        }
        for (i, row) in indices.into_iter().zip(rows) {
            vectors[i] = Some(row);
            report.computed += 1;
        }
        progress.advance(batch.len());
    }
    Ok((vectors, report))
}

/// The top classes of every photo: stored ones, and for photos whose backbone
/// features are cached but whose classes are not (catalogs from before), computed
/// from those features and stored. `None` for photos without features.
pub fn photo_classes(
    catalog: &mut Catalog,
    photos: &[PhotoRecord],
    net: &EfficientNetLite0,
    device: &Device,
) -> Result<Vec<Option<TopClasses>>, MlError> {
    let mut classes = stored_top_classes(catalog, photos)?;
    let missing: Vec<usize> = (0..photos.len())
        .filter(|&i| classes[i].is_none())
        .collect();
    for chunk in missing.chunks(CLASSIFY_BATCH) {
        let subset: Vec<PhotoRecord> = chunk.iter().map(|&i| photos[i].clone()).collect();
        let features = catalog.cached_features(BACKBONE_MODEL, &subset)?;
        let (rows, vectors): (Vec<usize>, Vec<Vec<f32>>) = chunk
            .iter()
            .zip(features)
            .filter_map(|(&i, f)| f.map(|f| (i, f)))
            .unzip();
        let tops = classify_features(net, device, &vectors)?;
        let stored: Vec<(&PhotoRecord, TopClasses)> = rows
            .iter()
            .map(|&i| &photos[i])
            .zip(tops.iter().cloned())
            .collect();
        store_top_classes(catalog, &stored)?;
        for (i, top) in rows.into_iter().zip(tops) {
            classes[i] = Some(top);
        }
    }
    Ok(classes)
}

/// The photo decoded at reduced size (at least `size` on its short side where it can), upright.
pub(crate) fn upright_image(photo: &PhotoRecord, size: u32) -> Result<image::RgbImage, String> {
    let data = std::fs::read(&photo.path).map_err(|e| crate::library::describe_io(&e))?;
    decode(&data, photo.kind, photo.orientation, Some(size)).map_err(|e| e.to_string())
}

/// The rows that have a vector, as a matrix, with the indices they came from.
pub fn feature_matrix(vectors: &FeatureVectors) -> (Vec<usize>, ndarray::Array2<f32>) {
    let kept: Vec<usize> = (0..vectors.len())
        .filter(|&i| vectors[i].is_some())
        .collect();
    let dim = kept
        .first()
        .and_then(|&i| vectors[i].as_ref())
        .map_or(0, Vec::len);
    let mut matrix = ndarray::Array2::zeros((kept.len(), dim));
    for (row, &i) in kept.iter().enumerate() {
        if let Some(v) = vectors[i].as_ref().filter(|v| v.len() == dim) {
            matrix
                .row_mut(row)
                .assign(&ndarray::ArrayView1::from(v.as_slice()));
        }
    }
    (kept, matrix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_filled_in_from_cached_features_and_stored() {
        let device = Device::Cpu;
        let net = EfficientNetLite0::load_shipped(&device).expect("weights");
        let mut catalog = Catalog::open_in_memory().expect("catalog");
        let photos = [
            PhotoRecord::bare("/lib/a.jpg"),
            PhotoRecord::bare("/lib/b.jpg"),
        ];
        catalog.upsert_photos(&photos).expect("photos");
        let feature: Vec<f32> = (0..1280).map(|i| (i % 7) as f32 * 0.1).collect();
        catalog
            .put_features(BACKBONE_MODEL, &[(&photos[0], feature.clone())])
            .expect("features");
        let got = photo_classes(&mut catalog, &photos, &net, &device).expect("classes");
        let expected = classify_features(&net, &device, &[feature]).expect("classify");
        assert_eq!(got, vec![Some(expected[0].clone()), None]);
        let stored = stored_top_classes(&catalog, &photos).expect("stored");
        assert!(stored[0].is_some() && stored[1].is_none());
    }
    use crate::scanner::{ScanOptions, scan};

    #[test]
    fn vectors_are_computed_once_cached_and_failures_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (i, name) in ["a.jpg", "b.png", "c.jpg"].iter().enumerate() {
            let img = image::RgbImage::from_fn(320, 240, |x, y| {
                image::Rgb([(x * (i as u32 + 1)) as u8, y as u8, 90])
            });
            img.save(dir.path().join(name)).expect("write");
        }
        let mut catalog = Catalog::open_in_memory().expect("catalog");
        let report = scan(
            &mut catalog,
            dir.path(),
            &ScanOptions::default(),
            &CancelToken::new(),
            &Default::default(),
        )
        .expect("scan");
        let mut photos = catalog.photos_under(&report.folder).expect("photos");
        photos.push(PhotoRecord::bare(
            dir.path().join("vanished.jpg").display().to_string(),
        ));
        let device = Device::Cpu;
        let net = EfficientNetLite0::load_shipped(&device).expect("weights");
        let progress = Progress::default();
        let run = |c: &mut Catalog| {
            backbone_features(c, &photos, &net, &device, &CancelToken::new(), &progress)
        };
        let (vectors, first) = run(&mut catalog).expect("features");
        assert_eq!(
            (first.computed, first.cached, first.failed.len()),
            (3, 0, 1)
        );
        assert!(
            first.failed[0].1.contains("disappeared"),
            "{:?}",
            first.failed
        );
        assert!(
            vectors[..3]
                .iter()
                .all(|v| v.as_ref().is_some_and(|v| v.len() == 1280))
        );
        assert_eq!(vectors[3], None);
        let (again, second) = run(&mut catalog).expect("features");
        assert_eq!((second.computed, second.cached), (0, 3));
        assert_eq!(again[..3], vectors[..3]);
        let cancel = CancelToken::new();
        cancel.cancel();
        let (_, cancelled) =
            backbone_features(&mut catalog, &photos, &net, &device, &cancel, &progress)
                .expect("run");
        assert!(cancelled.cancelled);
    }
}
