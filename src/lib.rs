//! Photo Atlas, the app: the window and the command line, two front ends over the
//! engine crate [`photo_atlas_core`] (walking, metadata, imaging, the catalog,
//! grouping, learning, search and the background tasks). The app is a library with a
//! thin binary so that tests and benchmarks can build the window headless.
//!
//! ```text
//! main -> cli -> window -> ui -> app -> photo_atlas_core
//!                       \________/
//! ```
//!
//! * [`cli`] parses the command line; its flags are mapped onto engine options in one
//!   place (`cli/flags.rs`); no arguments (or a folder) opens the window.
//! * [`app`] is the window's state and the one place where it changes (`apply` a
//!   [`app::Command`]); it never calls into `ui`.
//! * [`ui`] draws the state and pushes commands; it never reads a file or waits on a task.
//! * [`window`] owns `eframe::App` and runs each frame: poll, draw (`ui`), apply (`app`).
//!
//! See `ARCHITECTURE.md` at the root for the whole map.

pub mod app;
pub mod cli;
pub mod ui;
pub mod window;
