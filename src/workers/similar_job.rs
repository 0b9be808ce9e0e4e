//! A similar-photo search on its own thread, for the window: loading the codes and
//! features from the catalog (and, for a photo from outside, running the network)
//! takes longer than a frame.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};

use crate::jobs::Waker;
use crate::ml::device::{DeviceChoice, choose};
use crate::search::library::{SimilarPhoto, similar_photos};
use crate::store::{Catalog, Locations};

/// How many similar photos the window shows.
pub const SHOWN: usize = 60;

pub struct SimilarJob {
    pub query: PathBuf,
    finished: Receiver<Result<Vec<SimilarPhoto>, String>>,
}

impl SimilarJob {
    pub fn start(locations: &Locations, query: PathBuf, waker: Waker) -> Self {
        let (tx, finished) = mpsc::channel();
        let (l, q) = (locations.clone(), query.clone());
        let spawned = std::thread::Builder::new()
            .name("similar".into())
            .spawn(move || {
                let _ = tx.send(run(&l, &q));
                waker();
            });
        if let Err(e) = spawned {
            eprintln!("photo-atlas: the search could not start: {e}");
        }
        Self { query, finished }
    }

    /// The hits once the search has ended.
    pub fn poll(&self) -> Option<Result<Vec<SimilarPhoto>, String>> {
        match self.finished.try_recv() {
            Ok(result) => Some(result),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                Some(Err("the search stopped unexpectedly".into()))
            }
        }
    }
}

fn run(locations: &Locations, query: &std::path::Path) -> Result<Vec<SimilarPhoto>, String> {
    let catalog = Catalog::open(&locations.catalog).map_err(|e| e.to_string())?;
    let (device, _) = choose(DeviceChoice::Auto).map_err(|e| e.to_string())?;
    similar_photos(&catalog, query, SHOWN, &device).map_err(|e| e.to_string())
}
