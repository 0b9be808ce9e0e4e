//! One shape for all background work: a [`Task`] is a piece of work on a thread named
//! after it, with a cancel token, the progress it publishes, and a typed result that
//! whoever started it polls once per frame (or waits for). Scans, clustering, similar
//! and duplicate searches and catalog reads all run as tasks, so every one of them can
//! be cancelled, is joined when its owner shuts down, and fails with a message a
//! person can read instead of a line on stderr.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread::JoinHandle;
use std::time::Instant;

use super::{CancelToken, Waker};

/// Why a task produced no result of its own.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TaskError<E> {
    /// The work ran and failed.
    #[error("{0}")]
    Failed(E),
    /// The thread could not be started, or it ended without a result (a panic).
    #[error("the {task} task {why}")]
    Lost { task: String, why: String },
}

/// A running (or finished) piece of background work.
pub struct Task<T, E, P = ()> {
    name: String,
    cancel: CancelToken,
    progress: Arc<P>,
    started: Instant,
    outcome: Receiver<Result<T, E>>,
    thread: Option<JoinHandle<()>>,
    /// The outcome has been handed out.
    taken: bool,
}

impl<T, E, P> Task<T, E, P>
where
    T: Send + 'static,
    E: Send + 'static,
    P: Send + Sync + 'static,
{
    /// Starts `work` on a thread named `name`; the waker is called once it has ended.
    pub fn spawn(
        name: &str,
        progress: Arc<P>,
        waker: Waker,
        work: impl FnOnce(&CancelToken, &P) -> Result<T, E> + Send + 'static,
    ) -> Self {
        let (tx, outcome) = mpsc::channel();
        let cancel = CancelToken::new();
        let (c, p) = (cancel.clone(), progress.clone());
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let _ = tx.send(work(&c, &p));
                waker();
            });
        let thread = match thread {
            Ok(handle) => Some(handle),
            Err(e) => {
                log::error!("the {name} task could not start: {e}");
                None
            }
        };
        Self {
            name: name.into(),
            cancel,
            progress,
            started: Instant::now(),
            outcome,
            thread,
            taken: false,
        }
    }

    /// The outcome once the work has ended; `None` while it runs (and after the
    /// outcome was taken once).
    pub fn poll(&mut self) -> Option<Result<T, TaskError<E>>> {
        if self.taken {
            return None;
        }
        let outcome = self.poll_once();
        self.taken = outcome.is_some();
        outcome
    }

    fn poll_once(&mut self) -> Option<Result<T, TaskError<E>>> {
        match self.outcome.try_recv() {
            Ok(result) => {
                self.join();
                Some(result.map_err(TaskError::Failed))
            }
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                // Without a thread the work never ran; with one, it ended without a result.
                let why = match self.thread.take() {
                    None => "could not start",
                    Some(handle) => {
                        let _ = handle.join();
                        "stopped unexpectedly"
                    }
                };
                Some(Err(TaskError::Lost {
                    task: self.name.clone(),
                    why: why.into(),
                }))
            }
        }
    }

    /// Waits for the outcome (command line, tests).
    pub fn wait(mut self) -> Result<T, TaskError<E>> {
        let result = self.outcome.recv();
        self.join();
        match result {
            Ok(r) => r.map_err(TaskError::Failed),
            Err(_) => Err(TaskError::Lost {
                task: self.name.clone(),
                why: "stopped unexpectedly".into(),
            }),
        }
    }

    /// Asks the work to stop at its next check point.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    pub fn progress(&self) -> &P {
        &self.progress
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn started(&self) -> Instant {
        self.started
    }

    /// Cancels the work and hands back its thread, for the owner to join at shut-down
    /// without waiting now.
    pub fn retire(mut self) -> Option<JoinHandle<()>> {
        self.cancel.cancel();
        self.thread.take()
    }

    fn join(&mut self) {
        if let Some(handle) = self.thread.take() {
            let _ = handle.join();
        }
    }
}

impl<T, E, P> Drop for Task<T, E, P> {
    /// A task nobody waits for any more is told to stop (its thread ends on its own).
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}
