//! Cached feature vectors, one per (photo, model), so that clustering never runs the
//! network twice on an unchanged photo. A vector is valid only for the size and
//! modification time it was computed from; a changed photo is computed again.

use rusqlite::params;

use super::{Catalog, StoreError};
use crate::photo::PhotoRecord;

pub(super) fn to_blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

pub(super) fn from_blob(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

impl Catalog {
    /// Stores feature vectors computed by `model` for these photos (one transaction).
    pub fn put_features(
        &mut self,
        model: &str,
        rows: &[(&PhotoRecord, Vec<f32>)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO features(path, model, size, mtime_ns, vector) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (photo, vector) in rows {
                stmt.execute(params![
                    crate::photo::path_text(&photo.path),
                    model,
                    photo.size as i64,
                    photo.mtime_ns,
                    to_blob(vector)
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The photos (indices into `photos`) with no vector for their current version,
    /// found without reading the vectors themselves.
    pub fn photos_without_features(
        &self,
        model: &str,
        photos: &[PhotoRecord],
    ) -> Result<Vec<usize>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT size, mtime_ns FROM features WHERE path = ?1 AND model = ?2")?;
        let mut missing = Vec::new();
        for (i, p) in photos.iter().enumerate() {
            let mut rows = stmt.query(params![p.path_text(), model])?;
            let fresh = match rows.next()? {
                Some(row) => {
                    let (size, mtime): (i64, i64) = (row.get(0)?, row.get(1)?);
                    size as u64 == p.size && mtime == p.mtime_ns
                }
                None => false,
            };
            if !fresh {
                missing.push(i);
            }
        }
        Ok(missing)
    }

    /// The cached vector of each photo, or `None` where there is none for its current version.
    pub fn cached_features(
        &self,
        model: &str,
        photos: &[PhotoRecord],
    ) -> Result<Vec<Option<Vec<f32>>>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT size, mtime_ns, vector FROM features WHERE path = ?1 AND model = ?2",
        )?;
        photos
            .iter()
            .map(|p| {
                let mut rows = stmt.query(params![p.path_text(), model])?;
                let Some(row) = rows.next()? else {
                    return Ok(None);
                };
                let (size, mtime): (i64, i64) = (row.get(0)?, row.get(1)?);
                let fresh = size as u64 == p.size && mtime == p.mtime_ns;
                Ok(fresh
                    .then(|| row.get::<_, Vec<u8>>(2).map(|b| from_blob(&b)))
                    .transpose()?)
            })
            .collect()
    }

    /// The cached vector of each catalogued photo at `paths`, or `None` where there
    /// is none for the version the catalog holds (or no such photo): for work that
    /// needs a few photos' vectors, not every record of their folder.
    pub fn current_features(
        &self,
        model: &str,
        paths: &[&std::path::Path],
    ) -> Result<Vec<Option<Vec<f32>>>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.vector FROM features f JOIN photos p ON p.path = f.path
             WHERE f.path = ?1 AND f.model = ?2 AND f.size = p.size AND f.mtime_ns = p.mtime_ns",
        )?;
        paths
            .iter()
            .map(|path| {
                let text = crate::photo::path_text(path);
                let mut rows = stmt.query(params![text, model])?;
                Ok(match rows.next()? {
                    Some(row) => Some(from_blob(&row.get::<_, Vec<u8>>(0)?)),
                    None => None,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_round_trip_and_go_stale_when_the_photo_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.sqlite");
        let photo = PhotoRecord {
            size: 10,
            mtime_ns: 5,
            ..PhotoRecord::bare("/lib/a.jpg")
        };
        let other = PhotoRecord::bare("/lib/b.jpg");
        {
            let mut cat = Catalog::open(&path).expect("open");
            cat.upsert_photos(&[photo.clone(), other.clone()])
                .expect("photos");
            cat.put_features("lite0", &[(&photo, vec![1.5, -2.0, 0.25])])
                .expect("put");
        }
        let cat = Catalog::open(&path).expect("reopen");
        let missing = cat
            .photos_without_features("lite0", &[photo.clone(), other.clone()])
            .expect("missing");
        assert_eq!(
            missing,
            [1],
            "only the photo without a vector is missing one"
        );
        let got = cat
            .cached_features("lite0", &[photo.clone(), other])
            .expect("get");
        assert_eq!(got, vec![Some(vec![1.5, -2.0, 0.25]), None]);
        assert_eq!(
            cat.cached_features("another-model", std::slice::from_ref(&photo))
                .expect("get"),
            vec![None]
        );
        let edited = PhotoRecord {
            mtime_ns: 6,
            ..photo
        };
        assert_eq!(
            cat.cached_features("lite0", &[edited]).expect("get"),
            vec![None]
        );
    }

    #[test]
    fn vectors_by_path_are_those_of_the_version_the_catalog_holds() {
        let mut cat = Catalog::open_in_memory().expect("open");
        let photo = PhotoRecord {
            size: 10,
            ..PhotoRecord::bare("/lib/a.jpg")
        };
        let other = PhotoRecord::bare("/lib/b.jpg");
        cat.upsert_photos(&[photo.clone(), other.clone()])
            .expect("photos");
        cat.put_features("lite0", &[(&photo, vec![0.5, 2.0]), (&other, vec![1.0])])
            .expect("put");
        let unknown = std::path::PathBuf::from("/lib/unknown.jpg");
        let (a, b) = (other.path.clone(), photo.path.clone());
        let paths = [a.as_path(), unknown.as_path(), b.as_path()];
        assert_eq!(
            cat.current_features("lite0", &paths).expect("get"),
            vec![Some(vec![1.0]), None, Some(vec![0.5, 2.0])],
            "in the order asked, none for a photo not catalogued"
        );
        // The photo changed on disk and was rescanned: its vector is stale.
        cat.upsert_photos(&[PhotoRecord { size: 11, ..photo }])
            .expect("rescan");
        assert_eq!(
            cat.current_features("lite0", &paths).expect("get"),
            vec![Some(vec![1.0]), None, None]
        );
        assert_eq!(
            cat.current_features("another-model", &paths[..1])
                .expect("get"),
            vec![None]
        );
    }

    #[test]
    fn removing_a_photo_forgets_its_features() {
        let mut cat = Catalog::open_in_memory().expect("open");
        let photo = PhotoRecord::bare("/lib/a.jpg");
        cat.upsert_photos(std::slice::from_ref(&photo))
            .expect("photos");
        cat.put_features("lite0", &[(&photo, vec![1.0])])
            .expect("put");
        cat.remove_photos(std::slice::from_ref(&photo.path))
            .expect("remove");
        let count: i64 = cat
            .conn
            .query_row("SELECT COUNT(*) FROM features", [], |r| r.get(0))
            .expect("count");
        assert_eq!(count, 0);
    }
}
