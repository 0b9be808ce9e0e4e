//! The one progress type every task publishes: the stage it is in (each kind of task
//! has its own enum of stages), how far it is through that stage, how many problems it
//! met, the loss curve of a training task, and a note (where it runs). Counters are
//! atomics, so a front end reads them at its own pace; a stage and its counters are
//! published together (the counters are stored first, the stage released after them,
//! and whoever acquires the new stage sees its counters).

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

/// A kind of task's stages, stored as a small number.
pub trait Stage: Copy {
    fn code(self) -> u8;
    fn from_code(code: u8) -> Self;
}

/// Where a task is; see the module's documentation.
#[derive(Debug, Default)]
pub struct Progress {
    stage: AtomicU8,
    done: AtomicUsize,
    total: AtomicUsize,
    problems: AtomicUsize,
    /// (stage code, step, loss) of every epoch or target update.
    losses: Mutex<Vec<(u8, usize, f32)>>,
    note: OnceLock<String>,
}

impl Progress {
    /// Enters `stage`, with `total` steps to go (0 when not known yet).
    pub fn start(&self, stage: impl Stage, total: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.stage.store(stage.code(), Ordering::Release);
    }

    /// Moves on to `stage`, keeping the counters (a short last step of the same work).
    pub fn set_stage(&self, stage: impl Stage) {
        self.stage.store(stage.code(), Ordering::Release);
    }

    pub fn stage<S: Stage>(&self) -> S {
        S::from_code(self.stage.load(Ordering::Acquire))
    }

    /// Steps done in this stage.
    pub fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }

    /// Steps in this stage (0: not known yet).
    pub fn total(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }

    /// `n` more steps done.
    pub fn advance(&self, n: usize) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// `step` steps done in all.
    pub fn set_done(&self, step: usize) {
        self.done.store(step, Ordering::Relaxed);
    }

    pub fn problems(&self) -> usize {
        self.problems.load(Ordering::Relaxed)
    }

    pub fn add_problems(&self, n: usize) {
        self.problems.fetch_add(n, Ordering::Relaxed);
    }

    /// Keeps one point of the loss curve.
    pub fn record_loss(&self, stage: impl Stage, step: usize, loss: f32) {
        self.losses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((stage.code(), step, loss));
    }

    /// The loss curve so far: (stage, step, loss).
    pub fn losses<S: Stage>(&self) -> Vec<(S, usize, f32)> {
        self.losses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|&(s, step, loss)| (S::from_code(s), step, loss))
            .collect()
    }

    /// Says something about the task that does not change (where it runs); the first note stays.
    pub fn set_note(&self, note: String) {
        let _ = self.note.set(note);
    }

    pub fn note(&self) -> Option<&str> {
        self.note.get().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Two {
        First,
        Second,
    }

    impl Stage for Two {
        fn code(self) -> u8 {
            self as u8
        }
        fn from_code(code: u8) -> Self {
            if code == 1 { Two::Second } else { Two::First }
        }
    }

    #[test]
    fn a_stage_starts_with_its_counters_and_losses_keep_their_stage() {
        let p = Progress::default();
        p.start(Two::First, 10);
        p.advance(3);
        p.set_done(4);
        assert_eq!((p.stage::<Two>(), p.done(), p.total()), (Two::First, 4, 10));
        p.record_loss(Two::First, 0, 1.5);
        p.start(Two::Second, 2);
        p.record_loss(Two::Second, 1, 0.5);
        assert_eq!((p.stage::<Two>(), p.done(), p.total()), (Two::Second, 0, 2));
        assert_eq!(
            p.losses::<Two>(),
            vec![(Two::First, 0, 1.5), (Two::Second, 1, 0.5)]
        );
        p.set_note("on the CPU".into());
        p.set_note("ignored".into());
        assert_eq!(p.note(), Some("on the CPU"));
    }
}
