//! Reading the open folder from the catalog, as tasks: one load at a time, the
//! newest request waiting behind the running one (so a scan's frequent reloads never
//! pile up), renames written by the next load before it reads, and counters that say
//! whether the snapshot on screen is as new as the last request.

use std::path::PathBuf;
use std::thread::JoinHandle;

use photo_atlas_core::jobs::{TaskError, Waker};
use photo_atlas_core::store::Locations;
use photo_atlas_core::tasks::{Failure, LoadTask, Loaded, Rename, start_load};

/// A load that has ended: which request it answered, for which folder, and how.
pub struct Finished {
    pub folder: PathBuf,
    pub outcome: Result<Option<Loaded>, TaskError<Failure>>,
}

#[derive(Default)]
pub struct Loading {
    running: Option<(u64, PathBuf, LoadTask)>,
    /// The newest request not started yet.
    wanted: Option<(u64, PathBuf)>,
    renames: Vec<Rename>,
    requested: u64,
    answered: u64,
}

impl Loading {
    /// Asks for `folder` to be (re)read.
    pub fn request(&mut self, folder: PathBuf) {
        self.requested += 1;
        self.wanted = Some((self.requested, folder));
    }

    /// Asks for a rename, written before the next read.
    pub fn rename(&mut self, rename: Rename, folder: PathBuf) {
        self.renames.push(rename);
        self.request(folder);
    }

    /// Starts the wanted read when none runs; hands back a read that ended.
    pub fn poll(&mut self, locations: &Locations, waker: &Waker) -> Option<Finished> {
        let mut finished = None;
        if let Some((id, folder, task)) = &mut self.running
            && let Some(outcome) = task.poll()
        {
            self.answered = self.answered.max(*id);
            finished = Some(Finished {
                folder: folder.clone(),
                outcome,
            });
            self.running = None;
        }
        if self.running.is_none()
            && let Some((id, folder)) = self.wanted.take()
        {
            let renames = std::mem::take(&mut self.renames);
            let task = start_load(locations, folder.clone(), renames, waker.clone());
            self.running = Some((id, folder, task));
        }
        finished
    }

    /// Whether the newest request has been answered.
    pub fn is_up_to_date(&self) -> bool {
        self.answered >= self.requested
    }

    /// Whether a read runs or waits.
    pub fn is_busy(&self) -> bool {
        self.running.is_some() || self.wanted.is_some()
    }

    /// Cancels the running read and forgets the waiting one (another folder was opened).
    pub fn retire(&mut self) -> Option<JoinHandle<()>> {
        self.wanted = None;
        self.answered = self.requested;
        self.running.take().and_then(|(_, _, task)| task.retire())
    }
}
