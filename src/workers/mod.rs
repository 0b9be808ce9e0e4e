//! Background workers behind the window: catalog reads and grouping, scans, and
//! image loading, content clustering, each on named threads that report through channels and a waker.
//! Nothing here knows about the GUI toolkit, so all of it runs headless in tests.

mod background;
mod cluster_job;
mod image_loader;
mod library_loader;
mod scan_job;
mod similar_job;

pub use background::Background;
pub use cluster_job::ClusterJob;
pub use image_loader::{ImageLoader, ImageSource, Loaded};
pub use library_loader::{
    IndexedGroup, LibraryLoader, LibrarySnapshot, LoaderReply, LoaderRequest,
};
pub use scan_job::ScanJob;
pub use similar_job::{SHOWN as SIMILAR_SHOWN, SimilarJob, start_duplicates};
