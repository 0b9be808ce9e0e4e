//! Features in the background: after a scan, the network's features (and each
//! photo's top classes, which the search reads) are computed for the photos of the
//! folder that have none yet, and cached, so that Content and searches by what a
//! photo shows find them ready. It runs on a rayon pool of its own: one thread a
//! core at a low OS priority (`super::priority`), so that the window's threads run
//! first whenever they want a core; where the priority cannot be lowered, one
//! thread, leaving the other cores to the window. A front end cancels it
//! whenever something more pressing needs the CPU (a scan, learning, the viewer);
//! what was computed stays cached, so the next start goes on where it stopped.

use std::path::{Path, PathBuf};

use super::Failure;
use super::cluster_job::device_for;
use super::priority::lower_current_thread;
use crate::jobs::{CancelToken, Progress, Task, Waker};
use crate::library::PhotoFolder;
use crate::ml::device::DeviceChoice;
use crate::ml::efficientnet::EfficientNetLite0;
use crate::ml::features::{BACKBONE_MODEL, Extractor, FeatureReport, MlError, extract_features};
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
            let threads = background_threads(lower_current_thread());
            compute_missing(&l, &folder, device, threads, cancel, progress)
        },
    )
}

fn compute_missing(
    l: &Locations,
    folder: &Path,
    device: DeviceChoice,
    threads: usize,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<Option<FeatureReport>, Failure> {
    let mut catalog = Catalog::open(&l.catalog)?;
    let folder = PhotoFolder::open(folder)?;
    let photos = catalog.photos_under(folder.key())?;
    // What is missing first: most scans change nothing, and then no network is loaded.
    let missing = catalog.photos_without_features(BACKBONE_MODEL, &photos)?;
    let todo: Vec<_> = missing.into_iter().map(|i| photos[i].clone()).collect();
    if todo.is_empty() {
        return Ok(Some(FeatureReport::default()));
    }
    let device = device_for(device, progress);
    let net = EfficientNetLite0::load_shipped(&device).map_err(MlError::from)?;
    let extractor = Extractor::Backbone(&net, &device);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|_| "features-worker".into())
        .start_handler(|_| {
            lower_current_thread();
        })
        .build();
    let run =
        |catalog: &mut Catalog| extract_features(catalog, &todo, &extractor, cancel, progress);
    let (_, report) = match pool {
        Ok(pool) => pool.install(|| run(&mut catalog))?,
        Err(_) => run(&mut catalog)?,
    };
    Ok((!report.cancelled).then_some(report))
}

/// Threads the background features use: every core when they run at a lower
/// priority than the window (`lowered`: flowers, 4,317 photos, in the window on 2
/// cores: 93 photos/s against 55 on one thread, first groups 30 s sooner), else one.
fn background_threads(lowered: bool) -> usize {
    if lowered {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        1
    }
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
