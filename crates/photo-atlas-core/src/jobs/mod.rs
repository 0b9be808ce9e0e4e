//! Shared plumbing for long-running work: the [`Task`] runner, a cancel token, a
//! waker and progress counters.
//!
//! A task (a scan, clustering, a search, a catalog read) runs on its own named thread
//! and publishes its state through atomics, so any front end (terminal progress bar,
//! window) can read it at its own pace without waiting on a lock the task holds.

mod queue;
mod task;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

pub use queue::LifoQueue;
pub use task::{Task, TaskError};

/// Called by a job when it has something new to show; the window passes a function
/// that asks for a repaint, so jobs need not know about the GUI.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// A waker that does nothing (command line, tests).
pub fn no_waker() -> Waker {
    Arc::new(|| {})
}

/// A cheap, clonable flag that asks a job to stop at its next check point.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The phase a scan is in; the front end shows it next to the counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ScanStage {
    Walking = 0,
    Reading = 1,
    Finishing = 2,
    Done = 3,
}

impl ScanStage {
    fn from_u8(v: u8) -> Self {
        match v {
            0 => Self::Walking,
            1 => Self::Reading,
            2 => Self::Finishing,
            _ => Self::Done,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Self::Walking => "Looking for photos",
            Self::Reading => "Reading photos",
            Self::Finishing => "Finishing",
            Self::Done => "Done",
        }
    }
}

/// Counters a scan updates as it goes. All fields are lock-free.
#[derive(Debug, Default)]
pub struct ScanProgress {
    stage: AtomicU8,
    /// Photo files found by the walk so far.
    pub found: AtomicUsize,
    /// Files that need reading (new or changed) once the walk is over.
    pub to_read: AtomicUsize,
    /// Files read so far (successfully or not).
    pub read: AtomicUsize,
    /// Problems recorded so far (unreadable files, folders, bad metadata).
    pub problems: AtomicUsize,
}

impl ScanProgress {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn stage(&self) -> ScanStage {
        ScanStage::from_u8(self.stage.load(Ordering::Relaxed))
    }

    pub fn set_stage(&self, stage: ScanStage) {
        self.stage.store(stage as u8, Ordering::Relaxed);
    }

    pub fn get(counter: &AtomicUsize) -> usize {
        counter.load(Ordering::Relaxed)
    }

    pub fn bump(counter: &AtomicUsize) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_is_seen_by_clones() {
        let token = CancelToken::new();
        let clone = token.clone();
        assert!(!clone.is_cancelled());
        token.cancel();
        assert!(clone.is_cancelled());
    }

    #[test]
    fn stage_round_trips() {
        let p = ScanProgress::default();
        for stage in [
            ScanStage::Walking,
            ScanStage::Reading,
            ScanStage::Finishing,
            ScanStage::Done,
        ] {
            p.set_stage(stage);
            assert_eq!(p.stage(), stage);
        }
    }
}
