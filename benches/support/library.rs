//! A synthetic library's catalog records, shared by the benches that write a
//! catalog on disk (the cluster bench's join, the similar bench's search through
//! the catalog): no file exists behind them, which is fine for work that reads
//! only what the catalog holds.

use photo_atlas_core::library::PhotoKind;
use photo_atlas_core::photo::{PhotoRecord, ThumbStatus};

/// The folder the synthetic photos are in.
pub const LIBRARY: &str = "/library";

/// The catalog record of synthetic photo `i`.
pub fn photo(i: usize) -> PhotoRecord {
    PhotoRecord {
        path: format!("{LIBRARY}/IMG_{i:06}.jpg").into(),
        size: 3_000_000,
        mtime_ns: i as i64,
        kind: PhotoKind::Jpeg,
        taken: None,
        gps: None,
        orientation: Some(1),
        make: None,
        model: None,
        width: Some(4000),
        height: Some(3000),
        error: None,
        thumb: ThumbStatus::Ok,
    }
}
