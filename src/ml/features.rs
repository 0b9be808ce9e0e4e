//! Turning photos into feature vectors with the pretrained backbone: photos are
//! decoded in parallel at reduced size (JPEG DCT scaling), turned upright, run through
//! the network in batches, and the vectors cached in the catalog, so a photo is
//! never computed twice. Checks the cancel token between batches; a photo that cannot
//! be read is reported and skipped.

use std::sync::atomic::{AtomicUsize, Ordering};

use candle_core::{Device, Tensor};
use rayon::prelude::*;

use super::efficientnet::{EfficientNetLite0, INPUT_SIZE, to_input};
use crate::imaging::{apply_orientation, decode};
use crate::jobs::CancelToken;
use crate::store::{Catalog, PhotoRecord, StoreError};

/// The key under which backbone vectors are cached; bump it when inputs or weights change.
pub const BACKBONE_MODEL: &str = "efficientnet-lite0/224/v1";
const BATCH: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum MlError {
    #[error("the network failed: {0}")]
    Candle(#[from] candle_core::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One vector per photo, in the photos' order; `None` where it could not be computed.
pub type FeatureVectors = Vec<Option<Vec<f32>>>;

/// Counters a running extraction updates.
#[derive(Debug, Default)]
pub struct FeatureProgress {
    pub to_compute: AtomicUsize,
    pub computed: AtomicUsize,
}

/// What an extraction did.
#[derive(Debug, Default, PartialEq)]
pub struct FeatureReport {
    pub cached: usize,
    pub computed: usize,
    /// Photos that could not be read or decoded: (path, reason).
    pub failed: Vec<(String, String)>,
    pub cancelled: bool,
}

/// The backbone vector of every photo (`None` where it could not be computed).
pub fn backbone_features(
    catalog: &mut Catalog,
    photos: &[PhotoRecord],
    net: &EfficientNetLite0,
    device: &Device,
    cancel: &CancelToken,
    progress: &FeatureProgress,
) -> Result<(FeatureVectors, FeatureReport), MlError> {
    let mut vectors = catalog.cached_features(BACKBONE_MODEL, photos)?;
    let missing: Vec<usize> = (0..photos.len())
        .filter(|&i| vectors[i].is_none())
        .collect();
    let mut report = FeatureReport {
        cached: photos.len() - missing.len(),
        ..FeatureReport::default()
    };
    progress.to_compute.store(missing.len(), Ordering::Relaxed);
    for chunk in missing.chunks(BATCH) {
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        let inputs: Vec<(usize, Result<Tensor, String>)> = chunk
            .par_iter()
            .map(|&i| (i, input_of(&photos[i], device)))
            .collect();
        let (ok, bad): (Vec<_>, Vec<_>) = inputs.into_iter().partition(|(_, r)| r.is_ok());
        report.failed.extend(
            bad.into_iter()
                .map(|(i, r)| (photos[i].path.clone(), r.err().unwrap_or_default())),
        );
        let (indices, tensors): (Vec<usize>, Vec<Tensor>) = ok
            .into_iter()
            .filter_map(|(i, r)| Some((i, r.ok()?)))
            .unzip();
        if !tensors.is_empty() {
            let rows: Vec<Vec<f32>> = net.features(&Tensor::stack(&tensors, 0)?)?.to_vec2()?;
            let stored: Vec<(&PhotoRecord, Vec<f32>)> = indices
                .iter()
                .map(|&i| &photos[i])
                .zip(rows.clone())
                .collect();
            catalog.put_features(BACKBONE_MODEL, &stored)?;
            for (i, row) in indices.into_iter().zip(rows) {
                vectors[i] = Some(row);
                report.computed += 1;
            }
        }
        progress.computed.fetch_add(chunk.len(), Ordering::Relaxed);
    }
    Ok((vectors, report))
}

/// The network's input for one photo: decoded at reduced size, upright.
fn input_of(photo: &PhotoRecord, device: &Device) -> Result<Tensor, String> {
    let data = std::fs::read(&photo.path).map_err(|e| crate::library::describe_io(&e))?;
    let img = decode(&data, photo.kind, Some(INPUT_SIZE as u32)).map_err(|e| e.to_string())?;
    let upright = apply_orientation(img.to_rgb8(), photo.orientation);
    to_input(&upright, device).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let progress = FeatureProgress::default();
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
