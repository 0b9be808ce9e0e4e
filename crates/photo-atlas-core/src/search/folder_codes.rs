//! What the Similar searches of one folder share, kept between them: its members'
//! paths and latent codes, and above `BRUTE_FORCE_LIMIT` photos the approximate
//! index over them. The window searches one folder again and again, and reading
//! 100,000 members' codes from the catalog cost 130 ms of each click here (the
//! index, seconds); a search checks the folder's `GroupsVersion` (a few
//! milliseconds) and reads them again only when learning or a rescan changed them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::CodeIndex;
use super::ann::{AnnIndex, BRUTE_FORCE_LIMIT};
use crate::store::{Catalog, GroupsVersion, StoreError};

/// One folder's members, in the order of their paths.
pub struct FolderCodes {
    /// The catalog file and the folder they were read from.
    catalog: String,
    folder: String,
    version: GroupsVersion,
    pub paths: Vec<PathBuf>,
    pub codes: CodeIndex,
    approximate: OnceLock<AnnIndex>,
}

/// The last folder searched.
static LAST: Mutex<Option<Arc<FolderCodes>>> = Mutex::new(None);

impl FolderCodes {
    /// The folder's members as they are in the catalog now (`None`: never
    /// clustered), from the last search's when they have not changed since (a
    /// catalog in memory is read each time).
    pub fn of(catalog: &Catalog, folder: &str) -> Result<Option<Arc<Self>>, StoreError> {
        let Some(version) = catalog.groups_version(folder)? else {
            return Ok(None);
        };
        let file = catalog.file().unwrap_or_default();
        if let Some(last) = LAST.lock().ok().and_then(|last| last.clone())
            && !file.is_empty()
            && (last.catalog.as_str(), last.folder.as_str()) == (file, folder)
            && last.version == version
        {
            return Ok(Some(last));
        }
        let (paths, codes): (Vec<PathBuf>, Vec<Vec<f32>>) =
            catalog.member_codes(folder)?.into_iter().unzip();
        let fresh = Arc::new(Self {
            catalog: file.to_string(),
            folder: folder.to_string(),
            version,
            paths,
            codes: CodeIndex::new(codes.iter().map(Vec::as_slice)),
            approximate: OnceLock::new(),
        });
        if let Ok(mut last) = LAST.lock() {
            *last = Some(fresh.clone());
        }
        Ok(Some(fresh))
    }

    /// The member at `path`, if it is one.
    pub fn position(&self, path: &Path) -> Option<usize> {
        // Linear (a millisecond at 100,000): SQLite orders the paths by their
        // bytes, `Path` by components, so a binary search could miss.
        self.paths.iter().position(|p| p == path)
    }

    /// The approximate index, for a folder of more than `BRUTE_FORCE_LIMIT`
    /// photos: built by the first search that asks for it, then kept.
    pub fn approximate(&self) -> Option<&AnnIndex> {
        if self.codes.len() <= BRUTE_FORCE_LIMIT {
            return None;
        }
        Some(
            self.approximate
                .get_or_init(|| AnnIndex::build(&self.codes, 100, 1)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ClusterMember, SavedModel};

    fn member(path: &str, code: Vec<f32>) -> ClusterMember {
        ClusterMember {
            path: path.into(),
            cluster: 0,
            confidence: 1.0,
            code,
            soft: vec![1.0],
        }
    }

    /// Learning again within the same second, with as many members and the same
    /// confidences, still gives the new codes, not those kept from before.
    #[test]
    fn kept_codes_are_read_again_once_the_groups_change() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut catalog = Catalog::open(&dir.path().join("c.sqlite")).expect("catalog");
        let model = SavedModel::stand_in(vec![4, 2], 1);
        let first = [
            member("/lib/b.jpg", vec![1.0, 0.0]),
            member("/lib/a.jpg", vec![0.0, 1.0]),
        ];
        catalog
            .save_clusters("/lib", &model, &first, &[])
            .expect("save");
        let read = FolderCodes::of(&catalog, "/lib")
            .expect("read")
            .expect("some");
        assert_eq!(
            read.paths,
            [PathBuf::from("/lib/a.jpg"), PathBuf::from("/lib/b.jpg")]
        );
        assert_eq!(read.position(Path::new("/lib/b.jpg")), Some(1));
        assert_eq!(read.codes.code(1), [1.0, 0.0]);
        let again = FolderCodes::of(&catalog, "/lib")
            .expect("read")
            .expect("some");
        assert_eq!(again.codes.code(1), [1.0, 0.0]);
        let second = [
            member("/lib/b.jpg", vec![0.0, 1.0]),
            member("/lib/a.jpg", vec![1.0, 0.0]),
        ];
        catalog
            .save_clusters("/lib", &model, &second, &[])
            .expect("save again");
        let changed = FolderCodes::of(&catalog, "/lib")
            .expect("read")
            .expect("some");
        assert_eq!(changed.codes.code(1), [0.0, 1.0], "the codes learned last");
        assert!(FolderCodes::of(&catalog, "/other").expect("read").is_none());
    }
}
