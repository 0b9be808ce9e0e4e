//! The user's photo folders: walking them and recognising photo files.
//! Everything here only ever reads.

mod kind;
mod walk;

pub use kind::PhotoKind;
pub use walk::{FoundFile, Problem, WalkOutcome, describe_io, walk};
