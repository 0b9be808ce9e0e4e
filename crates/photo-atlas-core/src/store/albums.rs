//! Albums: photos a person keeps together (a trip, the best of the dog, the keepers
//! of a duplicates set), by path, in the order they were added. They survive
//! rescans; a photo that moved or was deleted stays in the album and is shown as
//! missing rather than silently dropped.

use std::path::PathBuf;

use rusqlite::{OptionalExtension, params};

use super::{Catalog, StoreError, now_secs};
use crate::photo::path_text;

/// An album, without its photos.
#[derive(Clone, Debug, PartialEq)]
pub struct Album {
    pub id: i64,
    pub name: String,
    pub count: usize,
}

impl Catalog {
    /// Keeps `photos` as a new album called `name`; its id.
    pub fn create_album(&mut self, name: &str, photos: &[PathBuf]) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO albums(name, created_at) VALUES (?1, ?2)",
            params![name, now_secs()],
        )?;
        let id = tx.last_insert_rowid();
        insert_photos(&tx, id, photos)?;
        tx.commit()?;
        Ok(id)
    }

    /// Every album, in the order they were made.
    pub fn albums(&self) -> Result<Vec<Album>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.id, a.name, COUNT(p.path) FROM albums a
             LEFT JOIN album_photos p ON p.album = a.id GROUP BY a.id ORDER BY a.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Album {
                id: r.get(0)?,
                name: r.get(1)?,
                count: r.get::<_, i64>(2)? as usize,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The album called `name` (the first one, if several share it).
    pub fn album_named(&self, name: &str) -> Result<Option<Album>, StoreError> {
        Ok(self.albums()?.into_iter().find(|a| a.name == name))
    }

    /// An album's photos, in the order they were added.
    pub fn album_photos(&self, id: i64) -> Result<Vec<PathBuf>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT path FROM album_photos WHERE album = ?1 ORDER BY position, path")?;
        let rows = stmt.query_map([id], |r| Ok(PathBuf::from(r.get::<_, String>(0)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Adds photos to an album (those already in it stay where they are).
    pub fn add_to_album(&mut self, id: i64, photos: &[PathBuf]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        insert_photos(&tx, id, photos)?;
        tx.commit()?;
        Ok(())
    }

    /// Takes photos out of an album (the files are not touched).
    pub fn remove_from_album(&mut self, id: i64, photos: &[PathBuf]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for p in photos {
            tx.execute(
                "DELETE FROM album_photos WHERE album = ?1 AND path = ?2",
                params![id, path_text(p)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn rename_album(&self, id: i64, name: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE albums SET name = ?2 WHERE id = ?1",
            params![id, name],
        )?;
        Ok(())
    }

    /// Forgets an album (its photos are not touched).
    pub fn delete_album(&mut self, id: i64) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM album_photos WHERE album = ?1", [id])?;
        tx.execute("DELETE FROM albums WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }
}

fn insert_photos(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    photos: &[PathBuf],
) -> Result<(), StoreError> {
    let next: i64 = tx
        .query_row(
            "SELECT MAX(position) FROM album_photos WHERE album = ?1",
            [id],
            |r| r.get::<_, Option<i64>>(0),
        )
        .optional()?
        .flatten()
        .map_or(0, |p| p + 1);
    for (k, p) in photos.iter().enumerate() {
        tx.execute(
            "INSERT OR IGNORE INTO album_photos(album, path, position) VALUES (?1, ?2, ?3)",
            params![id, path_text(p), next + k as i64],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(names: &[&str]) -> Vec<PathBuf> {
        names
            .iter()
            .map(|n| PathBuf::from(format!("/lib/{n}")))
            .collect()
    }

    #[test]
    fn albums_keep_their_photos_in_order_and_can_be_changed_renamed_and_deleted() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut catalog = Catalog::open(&dir.path().join("c.sqlite")).expect("catalog");
        let id = catalog
            .create_album("Tokyo", &paths(&["b.jpg", "a.jpg"]))
            .expect("create");
        catalog
            .add_to_album(id, &paths(&["a.jpg", "c.jpg"]))
            .expect("add");
        assert_eq!(
            catalog.album_photos(id).expect("read"),
            paths(&["b.jpg", "a.jpg", "c.jpg"])
        );
        catalog
            .remove_from_album(id, &paths(&["a.jpg"]))
            .expect("remove");
        catalog.rename_album(id, "Tokyo 2023").expect("rename");
        let other = catalog
            .create_album("Dog", &paths(&["d.jpg"]))
            .expect("create");
        let listed = catalog.albums().expect("list");
        assert_eq!(
            listed,
            [
                Album {
                    id,
                    name: "Tokyo 2023".into(),
                    count: 2
                },
                Album {
                    id: other,
                    name: "Dog".into(),
                    count: 1
                }
            ]
        );
        // A reopened catalog has them.
        drop(catalog);
        let mut catalog = Catalog::open(&dir.path().join("c.sqlite")).expect("catalog");
        assert_eq!(
            catalog.album_named("Dog").expect("find").map(|a| a.count),
            Some(1)
        );
        catalog.delete_album(id).expect("delete");
        assert_eq!(catalog.albums().expect("list").len(), 1);
        assert!(catalog.album_photos(id).expect("read").is_empty());
    }
}
