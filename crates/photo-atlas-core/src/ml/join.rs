//! New photos join the groups already learned, without training again: after a
//! rescan, the photos of a clustered folder that are in no group get their features
//! (computed once and cached), are smoothed as in training over the smoothing pool
//! stored with the model, encoded by the folder's stored autoencoder, and assigned
//! to the nearest stored centre by the same Student-t soft assignment IDEC learned
//! with. The model, the other photos' groups and the groups' names are left as
//! they are.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use candle_core::Device;
use ndarray::Array2;

use super::efficientnet::EfficientNetLite0;
use super::features::{FeatureReport, feature_matrix};
use super::learn::{FeatureSource, LearnError, folder_features};
use super::stored::StoredModel;
use crate::jobs::{CancelToken, Progress};
use crate::photo::PhotoRecord;
use crate::store::{Catalog, ClusterMember};

/// What joining did.
#[derive(Debug, Default)]
pub struct Joined {
    /// Photos put in a group.
    pub photos: usize,
    /// What feature extraction reported (photos that could not be read are left out).
    pub report: FeatureReport,
}

/// Puts the photos of `folder` that are in no group into the learned groups;
/// `Ok(None)` when cancelled. A folder that was never clustered is left alone.
pub fn join_new_photos(
    catalog: &mut Catalog,
    folder: &str,
    device: &Device,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<Option<Joined>, LearnError> {
    let Some(saved) = catalog.cluster_model(folder)? else {
        return Ok(Some(Joined::default()));
    };
    // Paths only: the members' codes and soft assignments are not needed (reading
    // them took 0.19 s of a 0.44 s join at 100,000 photos).
    let members = catalog.member_paths(folder)?;
    let photos = catalog.photos_under(folder)?;
    let grouped: HashSet<&Path> = members.iter().map(PathBuf::as_path).collect();
    // Kinds whose pixels cannot be decoded yet (HEIC, RAW) are not tried on every
    // rescan: learning reports them once, and they join when they can be decoded.
    let new: Vec<PhotoRecord> = photos
        .iter()
        .filter(|p| p.kind.is_decodable() && !grouped.contains(p.path.as_path()))
        .cloned()
        .collect();
    if new.is_empty() {
        return Ok(Some(Joined::default()));
    }
    let source = FeatureSource::from_name(&saved.features);
    let net = EfficientNetLite0::load_shipped(device)?;
    let Some(features) = folder_features(catalog, &new, source, &net, device, cancel, progress)?
    else {
        return Ok(None);
    };
    if features.photos.is_empty() {
        // None of them could be read (the report says why): nothing to encode.
        return Ok(Some(Joined {
            photos: 0,
            report: features.report,
        }));
    }
    let model = StoredModel::load(&saved, device)?;
    let library = match source {
        FeatureSource::Backbone if model.needs_library() => {
            let rows = grouped_features(catalog, &photos, &members, source)?;
            Some(model.library_unit(&rows))
        }
        _ => None,
    };
    let input = model.input(&features.matrix, library.as_ref());
    let members = assign(&model, &features.photos, &input)?;
    catalog.add_cluster_members(folder, &members)?;
    Ok(Some(Joined {
        photos: members.len(),
        report: features.report,
    }))
}

/// The cached features of the grouped photos, one row each: what new photos are
/// smoothed over for a model stored without its smoothing pool.
fn grouped_features(
    catalog: &Catalog,
    photos: &[PhotoRecord],
    members: &[PathBuf],
    source: FeatureSource,
) -> Result<Array2<f32>, LearnError> {
    let by_path: HashMap<&Path, &PhotoRecord> =
        photos.iter().map(|p| (p.path.as_path(), p)).collect();
    let records: Vec<PhotoRecord> = members
        .iter()
        .filter_map(|m| by_path.get(m.as_path()).map(|p| (*p).clone()))
        .collect();
    let vectors = catalog.cached_features(&source.model_key(), &records)?;
    Ok(feature_matrix(&vectors).1)
}

/// Encodes `input` (one row per photo, from `StoredModel::input`) and gives each
/// photo the group whose centre its code is nearest, as a soft assignment.
fn assign(
    model: &StoredModel,
    photos: &[PhotoRecord],
    input: &Array2<f32>,
) -> Result<Vec<ClusterMember>, LearnError> {
    let (codes, soft) = model.encode(input)?;
    let (codes, soft): (Vec<Vec<f32>>, Vec<Vec<f32>>) = (codes.to_vec2()?, soft.to_vec2()?);
    Ok(photos
        .iter()
        .zip(codes)
        .zip(soft)
        .map(|((photo, code), soft)| {
            let (cluster, confidence) = soft
                .iter()
                .copied()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap_or((0, 0.0));
            ClusterMember {
                path: photo.path.clone(),
                cluster,
                confidence,
                code,
                soft,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::learn::{FolderJob, cluster_folder};
    use crate::ml::network::Architecture;
    use crate::ml::pipeline::KChoice;
    use crate::ml::train::TrainConfig;
    use crate::scanner::{ScanOptions, scan};
    use crate::store::SavedClusters;

    /// A reddish or a bluish photo with a little texture of its own.
    fn write_photo(dir: &Path, name: &str, red: bool, seed: u32) {
        let img = image::RgbImage::from_fn(48, 48, |x, y| {
            let t = ((x * 7 + y * 13 + seed * 31) % 40) as u8;
            if red {
                image::Rgb([200 + t / 2, 30 + t, 40])
            } else {
                image::Rgb([30, 40 + t, 200 + t / 2])
            }
        });
        img.save(dir.join(name)).expect("write photo");
    }

    /// Joins the folder's new photos; panics if that was cancelled (nothing cancels it).
    fn join(catalog: &mut Catalog, folder: &str) -> Result<Joined, LearnError> {
        let never = CancelToken::new();
        join_new_photos(catalog, folder, &Device::Cpu, &never, &Progress::default())
            .map(|j| j.expect("not cancelled"))
    }

    fn rescan(catalog: &mut Catalog, dir: &Path) -> String {
        let options = ScanOptions::default();
        let never = CancelToken::new();
        scan(catalog, dir, &options, &never, &Progress::default())
            .expect("scan")
            .folder
    }

    #[test]
    fn new_photos_join_the_group_they_look_like_without_retraining() {
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..6 {
            write_photo(dir.path(), &format!("red{i}.jpg"), true, i);
            write_photo(dir.path(), &format!("blue{i}.jpg"), false, i);
        }
        let mut catalog = Catalog::open_in_memory().expect("catalog");
        let folder = rescan(&mut catalog, dir.path());
        let photos = catalog.photos_under(&folder).expect("photos");
        let job = FolderJob {
            source: FeatureSource::Pixels,
            architecture: Architecture::Dense,
            k: KChoice::Fixed(2),
            seed: 1,
            device: Device::Cpu,
            config: TrainConfig::default(),
            quick_first: false,
        };
        let never = CancelToken::new();
        cluster_folder(
            &mut catalog,
            &folder,
            &photos,
            &job,
            &never,
            &Progress::default(),
        )
        .expect("clustering")
        .expect("not cancelled");
        let before = catalog.clusters(&folder).expect("read").expect("clustered");
        let group_of = |saved: &SavedClusters, name: &str| {
            saved
                .members
                .iter()
                .find(|m| m.path.file_name().is_some_and(|n| n == name))
                .map(|m| m.cluster)
        };
        let red = group_of(&before, "red0.jpg").expect("red0 grouped");
        let blue = group_of(&before, "blue0.jpg").expect("blue0 grouped");
        assert_ne!(red, blue, "the learned groups split the colours");

        // A new file that cannot be decoded is reported and left out, alone or not.
        std::fs::write(dir.path().join("broken.jpg"), b"\xff\xd8 not a jpeg").expect("write");
        rescan(&mut catalog, dir.path());
        let none = join(&mut catalog, &folder).expect("an unreadable photo is no error");
        assert_eq!((none.photos, none.report.failed.len()), (0, 1));
        for i in 6..9 {
            write_photo(dir.path(), &format!("red{i}.jpg"), true, i);
            write_photo(dir.path(), &format!("blue{i}.jpg"), false, i);
        }
        rescan(&mut catalog, dir.path());
        let joined = join(&mut catalog, &folder).expect("join");
        assert_eq!(joined.photos, 6);
        let after = catalog.clusters(&folder).expect("read").expect("clustered");
        assert_eq!(after.members.len(), 18);
        assert_eq!(after.model, before.model, "the model was not trained again");
        for i in 6..9 {
            assert_eq!(
                group_of(&after, &format!("red{i}.jpg")),
                Some(red),
                "red{i}"
            );
            assert_eq!(
                group_of(&after, &format!("blue{i}.jpg")),
                Some(blue),
                "blue{i}"
            );
        }
        for m in &before.members {
            let now = after
                .members
                .iter()
                .find(|a| a.path == m.path)
                .expect("kept");
            assert_eq!(now.cluster, m.cluster, "old photos keep their groups");
        }
        let again = join(&mut catalog, &folder).expect("join");
        assert_eq!(again.photos, 0, "nothing is new any more");
    }
}
