//! Learning a folder's content clusters as a task, for the window: the device is
//! chosen on the task's thread (a GPU context is never made on the UI thread),
//! feature extraction and training report through shared counters (and a loss curve
//! the window plots), and the cancel token is checked every batch. Also joining new
//! photos to the groups already learned, without training.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::Failure;
use crate::jobs::{CancelToken, Progress, Task, Waker};
use crate::library::PhotoFolder;
use crate::ml::device::{Device, DeviceChoice, choose};
use crate::ml::join::join_new_photos;
use crate::ml::learn::{FeatureSource, FolderJob, cluster_folder};
use crate::ml::network::Architecture;
use crate::ml::pipeline::KChoice;
use crate::ml::train::TrainConfig;
use crate::store::{Catalog, Locations};

/// A summary in words when done; `None` when cancelled.
pub type LearnTask = Task<Option<String>, Failure, Progress>;
/// How many new photos joined the learned groups; `None` when cancelled.
pub type JoinTask = Task<Option<usize>, Failure, Progress>;

/// Learns (or fine-tunes) the content clusters of `folder` on the device asked
/// for (`Auto`: a GPU when there is one) and stores them.
pub fn start_learning(
    locations: &Locations,
    folder: PathBuf,
    device: DeviceChoice,
    waker: Waker,
) -> LearnTask {
    let l = locations.clone();
    Task::spawn(
        "cluster",
        Default::default(),
        waker,
        move |cancel, progress| run(&l, &folder, device_for(device, progress), cancel, progress),
    )
}

/// Puts the photos of `folder` that are in no group into the groups already learned,
/// without training (nothing happens for a folder that was never clustered).
pub fn start_joining(
    locations: &Locations,
    folder: PathBuf,
    device: DeviceChoice,
    waker: Waker,
) -> JoinTask {
    let l = locations.clone();
    Task::spawn(
        "join",
        Default::default(),
        waker,
        move |cancel, progress| {
            let device = device_for(device, progress);
            let mut catalog = Catalog::open(&l.catalog)?;
            let folder = PhotoFolder::open(&folder)?;
            let joined = join_new_photos(&mut catalog, folder.key(), &device, cancel, progress)?;
            Ok(joined.map(|j| j.photos))
        },
    )
}

/// The device to run on, chosen on the task's own thread and noted in its progress.
pub(super) fn device_for(choice: DeviceChoice, progress: &Progress) -> Device {
    match choose(choice) {
        Ok((d, text)) => {
            progress.set_note(text);
            d
        }
        Err(e) => {
            progress.set_note(e.to_string());
            Device::Cpu
        }
    }
}

pub(super) fn run(
    locations: &Locations,
    folder: &Path,
    device: Device,
    cancel: &CancelToken,
    progress: &Progress,
) -> Result<Option<String>, Failure> {
    let started = Instant::now();
    let mut catalog = Catalog::open(&locations.catalog)?;
    let folder = PhotoFolder::open(folder)?;
    let photos = catalog.photos_under(folder.key())?;
    let job = FolderJob {
        source: FeatureSource::Backbone,
        architecture: Architecture::Dense,
        k: KChoice::AUTO,
        seed: 1,
        device,
        config: TrainConfig::default(),
        quick_first: true,
    };
    let outcome = cluster_folder(&mut catalog, folder.key(), &photos, &job, cancel, progress)?;
    Ok(outcome.map(|o| {
        let seconds = started.elapsed().as_secs_f64();
        summary(
            &o.clustering.labels,
            o.photos.len(),
            o.report.failed.len(),
            seconds,
        )
    }))
}

/// What learning found, for the Content panel: the groups that have photos
/// (k-means may leave one of the k empty, and "2 groups" over one would mislead).
fn summary(labels: &[usize], photos: usize, unreadable: usize, seconds: f64) -> String {
    let groups: std::collections::HashSet<usize> = labels.iter().copied().collect();
    let skipped = match unreadable {
        0 => String::new(),
        n => format!(" ({n} could not be read)"),
    };
    format!(
        "Found {} in {}{skipped} in {seconds:.0} s.",
        crate::grouping::count_label(groups.len(), "group"),
        crate::grouping::count_label(photos, "photo"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_summary_counts_the_groups_that_have_photos() {
        assert_eq!(
            super::summary(&[1, 1, 1, 1], 4, 0, 3.6),
            "Found 1 group in 4 photos in 4 s."
        );
        assert_eq!(
            super::summary(&[0, 2, 2], 3, 1, 10.0),
            "Found 2 groups in 3 photos (1 could not be read) in 10 s."
        );
    }
}
