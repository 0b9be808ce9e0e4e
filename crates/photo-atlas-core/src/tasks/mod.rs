//! Background work for a front end, each kind started as a [`Task`](crate::jobs::Task):
//! catalog reads and grouping, small catalog writes, scans, content clustering, similar and duplicate
//! searches, the library search, and a pool of image loaders. Every task runs on a thread named after it,
//! can be cancelled, and fails with a [`Failure`] whose message a person can read.
//! Nothing here knows about the GUI toolkit, so all of it runs headless in tests.

mod catalog_reads;
mod catalog_writes;
mod cluster_job;
mod export_job;
mod features_job;
mod image_loader;
mod priority;
mod scan_job;
mod search_job;
mod similar_job;
mod snapshot;

pub use catalog_reads::{
    LoadTask, Loaded, RecentTask, Rename, WriteTask, start_keep_album, start_load, start_recent,
    start_set_home,
};
pub use catalog_writes::{AlbumEdit, ClearTask, Cleared, start_album_edit, start_clear_thumbnails};
pub use cluster_job::{JoinTask, LearnTask, start_joining, start_learning};
pub use export_job::{ExportTask, start_export};
pub use features_job::{FeaturesTask, start_features};
pub use image_loader::{ImageLoader, ImageSource, LoadedImage};
pub use scan_job::{ScanTask, start_scan};
pub use search_job::{QueryTask, SearchIndexTask, start_query, start_search_index};
pub use similar_job::{
    DuplicatesTask, SHOWN as SIMILAR_SHOWN, SimilarTask, start_duplicates, start_similar,
};
pub use snapshot::{
    AlbumSection, ContentSection, Country, EventRow, FolderSnapshot, IndexedGroup, PhotoPlace,
    PlaceInfo, PlaceSection, TripOutline,
};

/// Why a task failed, in words a person can read.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Folder(#[from] crate::library::FolderError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Scan(#[from] crate::scanner::ScanError),
    #[error(transparent)]
    Learn(#[from] crate::ml::learn::LearnError),
    #[error(transparent)]
    Search(#[from] crate::search::similar::SearchError),
    #[error(transparent)]
    Features(#[from] crate::ml::features::MlError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error(transparent)]
    Device(#[from] crate::ml::device::DeviceError),
    /// The thumbnail cache could not be emptied (path: reason).
    #[error("the thumbnail cache could not be emptied: {0}")]
    Cache(String),
}

#[cfg(test)]
mod tests;
