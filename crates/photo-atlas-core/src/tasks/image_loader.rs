//! Loads pictures for the window on worker threads: cached thumbnails for the grid,
//! and large previews (decoded at reduced size, turned upright) for the viewer.
//! Results are plain RGBA buffers; the window turns them into textures.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use image::RgbaImage;

use crate::imaging::{decode, fit_within};
use crate::jobs::{LifoQueue, Waker};
use crate::library::PhotoKind;

/// What to load.
#[derive(Clone, Debug)]
pub enum ImageSource {
    /// A thumbnail file from the cache.
    Thumbnail(PathBuf),
    /// A photo, shrunk to fit `max_side` and turned upright.
    Photo {
        path: PathBuf,
        kind: PhotoKind,
        orientation: Option<u8>,
        max_side: u32,
    },
}

pub struct LoadedImage {
    pub key: String,
    pub image: Result<RgbaImage, String>,
}

/// A pool of loader threads with a newest-first queue.
pub struct ImageLoader {
    queue: Arc<LifoQueue<(String, ImageSource)>>,
    done: Receiver<LoadedImage>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl ImageLoader {
    pub fn start(name: &str, workers: usize, queue_len: usize, waker: Waker) -> Self {
        let queue = Arc::new(LifoQueue::new(queue_len));
        let (tx, done) = mpsc::channel();
        let mut threads = Vec::with_capacity(workers);
        for i in 0..workers {
            let (q, tx, w): (_, Sender<LoadedImage>, _) =
                (queue.clone(), tx.clone(), waker.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("{name}-{i}"))
                .spawn(move || {
                    while let Some((key, source)) = q.pop() {
                        if tx
                            .send(LoadedImage {
                                key,
                                image: load(&source),
                            })
                            .is_err()
                        {
                            return;
                        }
                        w();
                    }
                });
            match spawned {
                Ok(handle) => threads.push(handle),
                Err(e) => log::error!("an image loader could not start: {e}"),
            }
        }
        Self {
            queue,
            done,
            threads,
        }
    }

    /// Asks for an image; returns the key of a request dropped to make room, if any.
    pub fn request(&self, key: String, source: ImageSource) -> Option<String> {
        self.queue.push((key, source)).map(|(k, _)| k)
    }

    /// Images loaded since the last call.
    pub fn finished(&self) -> Vec<LoadedImage> {
        self.done.try_iter().collect()
    }
}

impl Drop for ImageLoader {
    /// Stops the workers and waits for them (each finishes at most the image it is on).
    fn drop(&mut self) {
        self.queue.close();
        for handle in self.threads.drain(..) {
            let _ = handle.join();
        }
    }
}

fn load(source: &ImageSource) -> Result<RgbaImage, String> {
    match source {
        ImageSource::Thumbnail(path) => image::open(path)
            .map(|i| i.to_rgba8())
            .map_err(|e| format!("the thumbnail cannot be read: {e}")),
        ImageSource::Photo {
            path,
            kind,
            orientation,
            max_side,
        } => {
            let data = std::fs::read(path).map_err(|e| crate::library::describe_io(&e))?;
            let img = decode(&data, *kind, *orientation, Some(max_side / 2))
                .map_err(|e| e.to_string())?;
            let (w, h) = fit_within(img.width(), img.height(), *max_side);
            let rgb = if (w, h) == img.dimensions() {
                img
            } else {
                image::imageops::resize(&img, w, h, image::imageops::FilterType::Triangle)
            };
            Ok(image::DynamicImage::ImageRgb8(rgb).to_rgba8())
        }
    }
}
