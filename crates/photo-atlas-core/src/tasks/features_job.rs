//! Features in the background: after a scan, the network's features (and each
//! photo's top classes, which the search reads) are computed for the photos of the
//! folder that have none yet, and cached, so that Content and searches by what a
//! photo shows find them ready. It runs on one thread of its own (a rayon pool of
//! one), leaving the other cores to the window, and a front end cancels it whenever
//! something more pressing needs the CPU (a scan, learning, the viewer); what was
//! computed stays cached, so the next start goes on where it stopped.

use std::path::PathBuf;

use super::Failure;
use super::cluster_job::device_for;
use crate::jobs::{Progress, Task, Waker};
use crate::library::PhotoFolder;
use crate::ml::device::DeviceChoice;
use crate::ml::efficientnet::EfficientNetLite0;
use crate::ml::features::{Extractor, FeatureReport, extract_features};
use crate::store::{Catalog, Locations};

/// What was computed; `None` when cancelled.
pub type FeaturesTask = Task<Option<FeatureReport>, Failure, Progress>;

/// Computes and caches the missing features of `folder`'s photos.
pub fn start_features(
    locations: &Locations,
    folder: PathBuf,
    device: DeviceChoice,
    waker: Waker,
) -> FeaturesTask {
    let l = locations.clone();
    Task::spawn(
        "features",
        Default::default(),
        waker,
        move |cancel, progress| {
            let mut catalog = Catalog::open(&l.catalog)?;
            let folder = PhotoFolder::open(&folder)?;
            let photos = catalog.photos_under(folder.key())?;
            let device = device_for(device, progress);
            let net = EfficientNetLite0::load_shipped(&device)
                .map_err(crate::ml::features::MlError::from)?;
            let extractor = Extractor::Backbone(&net, &device);
            let missing = catalog.photos_without_features(&extractor.model_key(), &photos)?;
            let todo: Vec<_> = missing.into_iter().map(|i| photos[i].clone()).collect();
            if todo.is_empty() {
                return Ok(Some(FeatureReport::default()));
            }
            let one_thread = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .thread_name(|_| "features-worker".into())
                .build();
            let run = |catalog: &mut Catalog| {
                extract_features(catalog, &todo, &extractor, cancel, progress)
            };
            let (_, report) = match one_thread {
                Ok(pool) => pool.install(|| run(&mut catalog))?,
                Err(_) => run(&mut catalog)?,
            };
            Ok((!report.cancelled).then_some(report))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::Waker;

    #[test]
    fn missing_features_are_computed_once_and_then_found_cached() {
        let (lib, state) = (
            tempfile::tempdir().expect("tmp"),
            tempfile::tempdir().expect("tmp"),
        );
        for (i, colour) in [[200u8, 30, 30], [30, 200, 30], [30, 30, 200]]
            .iter()
            .enumerate()
        {
            let img = image::RgbImage::from_pixel(64, 48, image::Rgb(*colour));
            img.save(lib.path().join(format!("{i}.png"))).expect("png");
        }
        let locations = Locations {
            catalog: state.path().join("catalog.sqlite"),
            cache: state.path().join("cache"),
        };
        let waker: Waker = std::sync::Arc::new(|| {});
        let scan = super::super::start_scan(&locations, lib.path().to_path_buf(), waker.clone());
        scan.wait().expect("scanned");
        let first = start_features(
            &locations,
            lib.path().to_path_buf(),
            DeviceChoice::Cpu,
            waker.clone(),
        );
        let report = first.wait().expect("features").expect("not cancelled");
        assert_eq!((report.computed, report.failed.len()), (3, 0));
        let again = start_features(
            &locations,
            lib.path().to_path_buf(),
            DeviceChoice::Cpu,
            waker,
        );
        let report = again.wait().expect("features").expect("not cancelled");
        assert_eq!(report.computed, 0, "nothing left to compute");
    }
}
