//! A terminal progress bar on stderr that follows a running scan's counters.
//! It hides itself when stderr is not a terminal (pipes, CI logs).

use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::jobs::{ScanProgress, ScanStage};

/// Draws `progress` until dropped.
pub struct ProgressView {
    /// Dropping the sender wakes the drawing thread at once.
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ProgressView {
    pub fn start(progress: Arc<ScanProgress>) -> Self {
        let (stop, stopped) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("progress-bar".into())
            .spawn(move || draw_until(&progress, &stopped))
            .ok();
        Self {
            stop: Some(stop),
            thread,
        }
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

fn draw_until(progress: &ScanProgress, stopped: &mpsc::Receiver<()>) {
    let bar = ProgressBar::new(0);
    let style = ProgressStyle::with_template(
        "{spinner} {msg} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)",
    )
    .map(|s| s.progress_chars("=> "));
    if let Ok(style) = style {
        bar.set_style(style);
    }
    while stopped.recv_timeout(Duration::from_millis(100)) == Err(RecvTimeoutError::Timeout) {
        let stage = progress.stage();
        match stage {
            ScanStage::Walking => bar.set_length(ScanProgress::get(&progress.found) as u64),
            _ => bar.set_length(ScanProgress::get(&progress.to_read) as u64),
        }
        if stage != ScanStage::Walking {
            bar.set_position(ScanProgress::get(&progress.read) as u64);
        }
        let problems = ScanProgress::get(&progress.problems);
        bar.set_message(format!("{} ({problems} problems)", stage.describe()));
    }
    bar.finish_and_clear();
}

/// A terminal progress bar for a clustering job: features, then each training stage.
pub struct JobView {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl JobView {
    pub fn start(progress: Arc<crate::ml::library::JobProgress>) -> Self {
        let (stop, stopped) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("progress-bar".into())
            .spawn(move || draw_job_until(&progress, &stopped))
            .ok();
        Self {
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for JobView {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn draw_job_until(progress: &crate::ml::library::JobProgress, stopped: &mpsc::Receiver<()>) {
    use crate::ml::train::Stage;
    use std::sync::atomic::Ordering::Relaxed;
    let bar = ProgressBar::new(0);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} ({eta} left)")
            .map(|s| s.progress_chars("=> "))
    {
        bar.set_style(style);
    }
    while stopped.recv_timeout(Duration::from_millis(100)) == Err(RecvTimeoutError::Timeout) {
        let stage = progress.train.stage();
        let (done, total) = if stage == Stage::Features {
            let f = &progress.features;
            (f.computed.load(Relaxed), f.to_compute.load(Relaxed))
        } else {
            (
                progress.train.done.load(Relaxed),
                progress.train.total.load(Relaxed),
            )
        };
        let loss = progress
            .train
            .losses
            .lock()
            .ok()
            .and_then(|l| l.last().map(|&(_, _, loss)| format!(", loss {loss:.4}")))
            .unwrap_or_default();
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(format!("{}{loss}", stage.describe()));
    }
    bar.finish_and_clear();
}
