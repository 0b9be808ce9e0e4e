//! The user's photo folders: the folder type, walking them and recognising photo
//! files. Everything here only ever reads.

mod folder;
mod kind;
mod walk;

pub use folder::{FolderError, PathStyle, PhotoFolder, canonical, key_text};
pub use kind::PhotoKind;
pub use walk::{FoundFile, Problem, WalkOutcome, describe_io, walk};
