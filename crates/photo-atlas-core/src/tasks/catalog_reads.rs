//! Catalog reads for the window, as tasks: a folder's snapshot (its photos, grouped,
//! with its stored clusters and problems), the recent folders, a cluster's new
//! name (written just before the reload that shows it, so the two never race), and
//! the home the person chose. Each
//! task opens its own connection; SQLite in WAL mode lets them read while a scan writes.

use std::path::PathBuf;

use super::{Failure, FolderSnapshot};
use crate::jobs::{CancelToken, Task, Waker};
use crate::library::PhotoFolder;
use crate::store::{Catalog, Locations, SavedHome};

/// A new name for a content cluster of a folder.
#[derive(Clone, Debug, PartialEq)]
pub struct Rename {
    /// The folder's catalog key.
    pub folder: String,
    pub cluster: usize,
    pub name: String,
}

/// A folder read from the catalog, and what went wrong on the way without stopping it.
pub struct Loaded {
    pub snapshot: FolderSnapshot,
    /// Renames that could not be written, in words.
    pub warnings: Vec<String>,
}

pub type LoadTask = Task<Option<Loaded>, Failure>;
pub type RecentTask = Task<Vec<String>, Failure>;
/// A small write to the catalog the window asked for (home chosen, an album kept).
pub type WriteTask = Task<(), Failure>;

/// Chooses home in the catalog (`None`: infer it from the photos again).
pub fn start_set_home(locations: &Locations, home: Option<SavedHome>, waker: Waker) -> WriteTask {
    let l = locations.clone();
    Task::spawn("set-home", Default::default(), waker, move |_, _| {
        Ok(Catalog::open(&l.catalog)?.set_home(home.as_ref())?)
    })
}

/// Keeps `photos` as a new album called `name`.
pub fn start_keep_album(
    locations: &Locations,
    name: String,
    photos: Vec<PathBuf>,
    waker: Waker,
) -> WriteTask {
    let l = locations.clone();
    Task::spawn("keep-album", Default::default(), waker, move |_, _| {
        Catalog::open(&l.catalog)?.create_album(&name, &photos)?;
        Ok(())
    })
}

/// Reads `folder` (after writing `renames`); `None` when cancelled.
pub fn start_load(
    locations: &Locations,
    folder: PathBuf,
    renames: Vec<Rename>,
    waker: Waker,
) -> LoadTask {
    let l = locations.clone();
    Task::spawn(
        "library-loader",
        Default::default(),
        waker,
        move |cancel, _| load(&l, &folder, &renames, cancel),
    )
}

/// The catalog's folders, most recent first.
pub fn start_recent(locations: &Locations, waker: Waker) -> RecentTask {
    let l = locations.clone();
    Task::spawn("recent-folders", Default::default(), waker, move |_, _| {
        Ok(Catalog::open(&l.catalog)?.folders()?)
    })
}

pub(super) fn load(
    locations: &Locations,
    folder: &std::path::Path,
    renames: &[Rename],
    cancel: &CancelToken,
) -> Result<Option<Loaded>, Failure> {
    let catalog = Catalog::open(&locations.catalog)?;
    let warnings = renames
        .iter()
        .filter_map(|r| catalog.rename_cluster(&r.folder, r.cluster, &r.name).err())
        .map(|e| format!("The group could not be renamed: {e}"))
        .collect();
    let folder = PhotoFolder::open(folder)?;
    let photos = catalog.photos_under(folder.key())?;
    if cancel.is_cancelled() {
        return Ok(None);
    }
    let problems = catalog.problems(folder.key())?;
    let clusters = catalog.clusters(folder.key())?;
    let joined = catalog.joined_members(folder.key())?;
    let home = catalog.home()?;
    let snapshot = FolderSnapshot::build(folder.key().to_owned(), photos, problems, home.as_ref());
    let albums = catalog
        .albums()?
        .into_iter()
        .map(|a| catalog.album_photos(a.id).map(|p| (a, p)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Loaded {
        snapshot: snapshot
            .with_clusters(clusters)
            .with_albums(albums)
            .with_joined(joined),
        warnings,
    }))
}
