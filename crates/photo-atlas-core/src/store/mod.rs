//! The catalog: one SQLite database that remembers every photo Photo Atlas has
//! seen (path, size, mtime, metadata, problems), so that a rescan reads only
//! what changed and the window can show a library at once. Also the thumbnail
//! cache's location. Nothing here writes into a photo folder.

mod albums;
mod clusters;
mod features;
mod home;
mod locations;
mod photos;
mod schema;

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

pub use albums::Album;
pub use clusters::{ClusterMember, GroupsVersion, SavedClusters, SavedModel};
pub use home::SavedHome;
pub use locations::{CACHE_ENV, CATALOG_ENV, Locations};
pub use photos::KnownFile;
pub use schema::SCHEMA_VERSION;

/// Why the catalog could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the catalog database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the catalog folder cannot be created: {0}")]
    Io(#[from] std::io::Error),
    #[error("no home folder was found, so there is no place for the catalog; use --catalog PATH")]
    NoHomeFolder,
    #[error(
        "the catalog was written by a newer Photo Atlas (schema {found}, this one knows {supported})"
    )]
    TooNew { found: i64, supported: i64 },
}

/// An open catalog database.
pub struct Catalog {
    conn: Connection,
}

/// Seconds since the Unix epoch, for bookkeeping columns.
fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// How long a statement waits for another connection's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Puts the database in WAL mode. Switching a new database's journal mode can
/// fail at once with "database is locked" while another connection is opening it
/// too, without SQLite's busy handler waiting (seen in
/// `concurrent_first_opens_migrate_once`: 11 runs in 60 failed), so it is tried
/// again for as long as a statement would wait.
fn write_ahead_log(conn: &Connection) -> Result<(), StoreError> {
    let started = std::time::Instant::now();
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return Ok(other?),
        }
    }
}

impl Catalog {
    /// Opens (creating if needed) the catalog at `path`, in WAL mode, migrated to the current schema.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        Self::setup(Connection::open(path)?)
    }

    /// A throw-away catalog, for tests and one-off runs.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        write_ahead_log(&conn)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        schema::migrate(&mut conn)?;
        Ok(Self { conn })
    }

    /// The catalog's file; `None` for one in memory.
    pub fn file(&self) -> Option<&str> {
        self.conn.path().filter(|p| !p.is_empty())
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Remembers `folder` as a library folder and when it was last scanned.
    pub fn record_folder_scan(&self, folder: &str, complete: bool) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO folders(path, added_at, last_scan_at, scan_complete) VALUES (?1, ?2, ?2, ?3)
             ON CONFLICT(path) DO UPDATE SET last_scan_at = ?2, scan_complete = ?3",
            rusqlite::params![folder, now_secs(), complete],
        )?;
        Ok(())
    }

    /// Library folders, most recently scanned first.
    pub fn folders(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT path FROM folders ORDER BY last_scan_at DESC, path")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces the problems recorded for files and folders under `folder`.
    pub fn replace_problems(
        &mut self,
        folder: &str,
        problems: &[(String, String)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM problems WHERE folder = ?1", [folder])?;
        {
            let mut insert = tx.prepare(
                "INSERT OR REPLACE INTO problems(path, folder, reason) VALUES (?1, ?2, ?3)",
            )?;
            for (path, reason) in problems {
                insert.execute([path, folder, reason])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Problems under `folder` that are not photos (folders, vanished files), as (path, reason).
    pub fn problems(&self, folder: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, reason FROM problems WHERE folder = ?1 ORDER BY path")?;
        let rows = stmt.query_map([folder], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// `(lower, upper)` bounds such that `lower <= path < upper` holds exactly for paths inside `folder`.
fn folder_bounds(folder: &str) -> (String, String) {
    crate::library::PhotoFolder::key_range(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_and_migrates_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("nested/catalog.sqlite");
        let cat = Catalog::open(&path).expect("open");
        assert_eq!(cat.schema_version().expect("version"), SCHEMA_VERSION);
        drop(cat);
        let again = Catalog::open(&path).expect("reopen");
        assert_eq!(again.schema_version().expect("version"), SCHEMA_VERSION);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.sqlite");
        Connection::open(&path)
            .and_then(|c| c.pragma_update(None, "user_version", 999))
            .expect("setup");
        assert!(matches!(
            Catalog::open(&path),
            Err(StoreError::TooNew { found: 999, .. })
        ));
    }

    #[test]
    fn folders_and_problems_round_trip() {
        let mut cat = Catalog::open_in_memory().expect("open");
        cat.record_folder_scan("/p/a", true).expect("record");
        cat.record_folder_scan("/p/b", false).expect("record");
        assert_eq!(cat.folders().expect("folders").len(), 2);
        let problems = vec![("/p/a/x".to_string(), "permission denied".to_string())];
        cat.replace_problems("/p/a", &problems).expect("replace");
        assert_eq!(cat.problems("/p/a").expect("problems"), problems);
        cat.replace_problems("/p/a", &[]).expect("replace");
        assert!(cat.problems("/p/a").expect("problems").is_empty());
    }

    #[test]
    fn folder_bounds_select_only_inside() {
        let (lo, hi) = folder_bounds("/p/a");
        for inside in ["/p/a/x.jpg", "/p/a/sub/y.jpg"] {
            assert!(lo.as_str() <= inside && inside < hi.as_str(), "{inside}");
        }
        for outside in ["/p/ab/x.jpg", "/p/a.jpg", "/p/b/x.jpg"] {
            assert!(
                !(lo.as_str() <= outside && outside < hi.as_str()),
                "{outside}"
            );
        }
    }
}
