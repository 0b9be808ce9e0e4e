//! The engine of Photo Atlas: everything it knows about photos, with no window and
//! no command line. It depends on no GUI or CLI crate (no egui, eframe, rfd or clap),
//! so the boundary between the engine and its front ends is kept by the compiler.
//! The app at the workspace root (`src/`: the window and the command line) is one
//! front end; tests and benchmarks drive the same code headless.
//!
//! Dependencies point down this list, never up (see `ARCHITECTURE.md`):
//!
//! ```text
//! tasks     ->  scanner, ml, search, grouping, export, store, imaging, photo, library, jobs
//! scanner   ->  store, imaging, photo, library, metadata, jobs
//! export    ->  photo, jobs
//! search    ->  ml, grouping, store, photo, library, metadata, jobs
//! ml        ->  store, imaging, photo, library, jobs
//! grouping  ->  photo, metadata
//! store     ->  photo, library, metadata
//! imaging   ->  library
//! photo     ->  library, metadata
//! library   ->  jobs
//! metadata, jobs: the ground floor
//! ```
//!
//! * [`photo`] is the core domain type, one catalogued photo.
//! * [`library`] walks folders and recognises photo files.
//! * [`metadata`] reads capture time, GPS, orientation and camera, the way ExifTool does.
//! * [`imaging`] decodes (at reduced size where it can), orients and makes thumbnails.
//! * [`store`] keeps the catalog (SQLite) and the thumbnail cache, never in the photo folders.
//! * [`scanner`] ties them together: an incremental, parallel, cancellable scan.
//! * [`grouping`] turns catalogued photos into date groups, events, places and trips.
//! * [`ml`] turns photos into feature vectors (EfficientNet-Lite0, candle) and learns
//!   content clusters on them (denoising autoencoder + IDEC), with quality metrics.
//! * [`search`] answers the search box (dates, places, cameras, WordNet nouns), and finds
//!   similar photos and duplicates over the learned codes and features.
//! * [`jobs`] holds the cancel token, progress counters and waker that long work shares
//!   with whoever started it.
//! * [`tasks`] runs that work on named threads for a front end: catalog reads, scans,
//!   clustering, searches, image loading.
//!
//! * [`export`] copies photos out to a folder the person chose (new files only).
//!
//! The user's photo folders are only ever opened for reading.

pub mod export;
pub mod grouping;
pub mod imaging;
pub mod jobs;
pub mod library;
pub mod metadata;
pub mod ml;
pub mod photo;
pub mod scanner;
pub mod search;
pub mod store;
pub mod tasks;
