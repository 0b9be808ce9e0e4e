//! Shared plumbing for long-running work: the [`Task`] runner, a cancel token, a
//! waker and progress counters.
//!
//! A task (a scan, clustering, a search, a catalog read) runs on its own named thread
//! and publishes its state through atomics, so any front end (terminal progress bar,
//! window) can read it at its own pace without waiting on a lock the task holds.

mod progress;
mod queue;
mod task;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use progress::{Progress, Stage};
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

/// The phase a scan is in; the front end shows it next to the counters. While
/// walking, `done` counts the photo files found; while reading, `done` of `total`
/// files are read; `problems` counts what could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ScanStage {
    Walking = 0,
    Reading = 1,
    Finishing = 2,
    Done = 3,
}

impl Stage for ScanStage {
    fn code(self) -> u8 {
        self as u8
    }

    fn from_code(v: u8) -> Self {
        match v {
            0 => Self::Walking,
            1 => Self::Reading,
            2 => Self::Finishing,
            _ => Self::Done,
        }
    }
}

impl ScanStage {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Walking => "Looking for photos",
            Self::Reading => "Reading photos",
            Self::Finishing => "Finishing",
            Self::Done => "Done",
        }
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
        let p = Progress::default();
        for stage in [
            ScanStage::Walking,
            ScanStage::Reading,
            ScanStage::Finishing,
            ScanStage::Done,
        ] {
            p.start(stage, 0);
            assert_eq!(p.stage::<ScanStage>(), stage);
        }
    }
}
