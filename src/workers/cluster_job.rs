//! Learning a folder's content clusters on its own thread, for the window: feature
//! extraction and training report through shared counters (and a loss curve the
//! window plots), the cancel token is checked every batch, and the waker tells the
//! window when the job has ended. The job has its own catalog connection.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::background::Background;
use crate::jobs::{CancelToken, Waker};
use crate::ml::device::{DeviceChoice, choose};
use crate::ml::library::{FeatureSource, FolderJob, JobProgress, cluster_folder};
use crate::ml::network::Architecture;
use crate::ml::pipeline::KChoice;
use crate::ml::train::TrainConfig;
use crate::store::{Catalog, Locations};

pub struct ClusterJob {
    pub progress: Arc<JobProgress>,
    pub cancel: CancelToken,
    pub started: Instant,
    /// Which device the job runs on, in words.
    pub device: String,
    work: Background<Option<String>>,
}

impl ClusterJob {
    pub fn start(locations: &Locations, folder: PathBuf, waker: Waker) -> Self {
        let progress = Arc::new(JobProgress::default());
        let cancel = CancelToken::new();
        let (device, device_text) = match choose(DeviceChoice::Auto) {
            Ok((d, text)) => (d, text),
            Err(e) => (candle_core::Device::Cpu, e.to_string()),
        };
        let (p, c, l) = (progress.clone(), cancel.clone(), locations.clone());
        let work = Background::start("cluster", waker, move || run(&l, &folder, device, &c, &p));
        Self {
            progress,
            cancel,
            started: Instant::now(),
            device: device_text,
            work,
        }
    }

    /// `Some` once the job has ended: a summary, `None` if it was cancelled, or an error.
    pub fn poll(&self) -> Option<Result<Option<String>, String>> {
        self.work.poll()
    }
}

fn run(
    locations: &Locations,
    folder: &Path,
    device: candle_core::Device,
    cancel: &CancelToken,
    progress: &JobProgress,
) -> Result<Option<String>, String> {
    let started = Instant::now();
    let mut catalog = Catalog::open(&locations.catalog).map_err(|e| e.to_string())?;
    let canonical = std::fs::canonicalize(folder).map_err(|e| e.to_string())?;
    let folder = canonical
        .to_str()
        .ok_or("the folder name is not valid UTF-8")?;
    let photos = catalog.photos_under(folder).map_err(|e| e.to_string())?;
    let job = FolderJob {
        source: FeatureSource::Backbone,
        architecture: Architecture::Dense,
        k: KChoice::AUTO,
        seed: 1,
        device,
        config: TrainConfig::default(),
    };
    let outcome = cluster_folder(&mut catalog, folder, &photos, &job, cancel, progress)
        .map_err(|e| e.to_string())?;
    Ok(outcome.map(|o| {
        let skipped = match o.report.failed.len() {
            0 => String::new(),
            n => format!(" ({n} could not be read)"),
        };
        format!(
            "Found {} groups in {}{skipped} in {:.0} s.",
            o.clustering.k,
            crate::ui::count_label(o.photos.len(), "photo"),
            started.elapsed().as_secs_f64()
        )
    }))
}
