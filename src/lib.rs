//! Photo Atlas: a desktop photo organizer that learns from a person's own photos.
//!
//! The crate is a library with a thin binary, so the whole engine can be driven
//! headless (command line, tests, benchmarks) and the window is just one more
//! front end. Dependencies point one way:
//!
//! ```text
//! cli, app + ui  ->  workers  ->  scanner  ->  library, metadata, imaging, grouping  ->  store
//! ```
//!
//! * [`library`] walks folders and recognises photo files.
//! * [`metadata`] reads capture time, GPS, orientation and camera, the way ExifTool does.
//! * [`imaging`] decodes (at reduced size where it can), orients and makes thumbnails.
//! * [`store`] keeps the catalog (SQLite) and the thumbnail cache, never in the photo folders.
//! * [`scanner`] ties them together: an incremental, parallel, cancellable scan.
//! * [`grouping`] turns catalogued photos into date groups, events and places.
//! * [`ml`] turns photos into feature vectors (EfficientNet-Lite0, candle) and learns
//!   content clusters on them (denoising autoencoder + IDEC), with quality metrics.
//! * [`search`] finds similar photos by cosine similarity over the learned codes.
//! * [`jobs`] holds the progress counters and cancel token that long work shares with its caller.
//! * [`workers`] runs catalog reads, scans and image loading on threads for the window.
//! * [`app`] (state, commands) and [`ui`] (drawing) are the window; only they know egui.
//!
//! The user's photo folders are only ever opened for reading.

pub mod app;
pub mod cli;
pub mod grouping;
pub mod imaging;
pub mod jobs;
pub mod library;
pub mod metadata;
pub mod ml;
pub mod scanner;
pub mod search;
pub mod store;
pub mod ui;
pub mod workers;
