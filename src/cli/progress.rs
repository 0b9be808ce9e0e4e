//! Terminal progress bars on stderr that follow a running job's counters: a scan,
//! or a clustering job (features, then each training stage with its loss). They
//! hide themselves when stderr is not a terminal (pipes, CI logs).

use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use photo_atlas_core::jobs::{Progress, ScanStage};
use photo_atlas_core::ml::train::Stage;

/// A bar redrawn ten times a second by `update` until dropped.
pub struct ProgressView {
    /// Dropping the sender wakes the drawing thread at once.
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressView {
    fn drawing(
        template: &'static str,
        mut update: impl FnMut(&ProgressBar) + Send + 'static,
    ) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("progress-bar".into())
            .spawn(move || {
                let bar = ProgressBar::new(0);
                if let Ok(style) =
                    ProgressStyle::with_template(template).map(|s| s.progress_chars("=> "))
                {
                    bar.set_style(style);
                }
                while stopped.recv_timeout(Duration::from_millis(100))
                    == Err(RecvTimeoutError::Timeout)
                {
                    update(&bar);
                }
                bar.finish_and_clear();
            })
            .ok();
        Self {
            stop: Some(stop),
            thread,
        }
    }

    /// Follows a scan.
    pub fn start(progress: Arc<Progress>) -> Self {
        Self::drawing(
            "{spinner} {msg} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)",
            move |bar| draw_scan(&progress, bar),
        )
    }

    /// Follows a clustering job.
    pub fn job(progress: Arc<Progress>) -> Self {
        Self::drawing(
            "{spinner} {msg} [{bar:30}] {pos}/{len} ({eta} left)",
            move |bar| draw_job(&progress, bar),
        )
    }
}

impl Drop for ProgressView {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn draw_scan(progress: &Progress, bar: &ProgressBar) {
    let stage: ScanStage = progress.stage();
    match stage {
        ScanStage::Walking => bar.set_length(progress.done() as u64),
        _ => bar.set_length(progress.total() as u64),
    }
    if stage != ScanStage::Walking {
        bar.set_position(progress.done() as u64);
    }
    let problems = progress.problems();
    bar.set_message(format!("{} ({problems} problems)", stage.describe()));
}

fn draw_job(progress: &Progress, bar: &ProgressBar) {
    let stage: Stage = progress.stage();
    let loss = progress
        .losses::<Stage>()
        .last()
        .map(|&(_, _, loss)| format!(", loss {loss:.4}"))
        .unwrap_or_default();
    bar.set_length(progress.total() as u64);
    bar.set_position(progress.done() as u64);
    bar.set_message(format!("{}{loss}", stage.describe()));
}
