//! A one-shot piece of work on a named thread whose result the window picks up
//! when it is ready (the waker asks for a repaint then).

use std::sync::mpsc::{self, Receiver};

use crate::jobs::Waker;

pub struct Background<T> {
    finished: Receiver<Result<T, String>>,
}

impl<T: Send + 'static> Background<T> {
    pub fn start(
        name: &str,
        waker: Waker,
        work: impl FnOnce() -> Result<T, String> + Send + 'static,
    ) -> Self {
        let (tx, finished) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let _ = tx.send(work());
                waker();
            });
        if let Err(e) = spawned {
            eprintln!("photo-atlas: {name} could not start: {e}");
        }
        Self { finished }
    }

    /// The result once the work has ended.
    pub fn poll(&self) -> Option<Result<T, String>> {
        match self.finished.try_recv() {
            Ok(result) => Some(result),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                Some(Err("the work stopped unexpectedly".into()))
            }
        }
    }
}
