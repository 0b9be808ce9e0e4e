//! The catalog's schema and its migrations, tracked with SQLite's `user_version`.
//! Each migration runs in a transaction, so a crash mid-upgrade changes nothing.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// Migration `i` takes the schema from version `i` to `i + 1`. Append only.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE folders (
    path          TEXT PRIMARY KEY,
    added_at      INTEGER NOT NULL,
    last_scan_at  INTEGER,
    scan_complete INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE photos (
    id            INTEGER PRIMARY KEY,
    path          TEXT NOT NULL UNIQUE,
    size          INTEGER NOT NULL,
    mtime_ns      INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    taken_local   TEXT,
    taken_offset  INTEGER,
    date_source   TEXT,
    lat REAL, lon REAL, alt REAL,
    orientation   INTEGER,
    make TEXT, model TEXT,
    width INTEGER, height INTEGER,
    error         TEXT,
    thumb         TEXT NOT NULL DEFAULT 'none',
    scanned_at    INTEGER NOT NULL
);
CREATE INDEX photos_taken ON photos(taken_local);
CREATE TABLE problems (
    path    TEXT PRIMARY KEY,
    folder  TEXT NOT NULL,
    reason  TEXT NOT NULL
);
"#,
    r#"
CREATE TABLE features (
    path      TEXT NOT NULL,
    model     TEXT NOT NULL,
    size      INTEGER NOT NULL,
    mtime_ns  INTEGER NOT NULL,
    vector    BLOB NOT NULL,
    PRIMARY KEY (path, model)
);
"#,
    r#"
CREATE TABLE cluster_models (
    folder      TEXT PRIMARY KEY,
    features    TEXT NOT NULL,
    dims        TEXT NOT NULL,
    k           INTEGER NOT NULL,
    seed        INTEGER NOT NULL,
    trained_at  INTEGER NOT NULL,
    weights     BLOB NOT NULL
);
CREATE TABLE cluster_members (
    folder      TEXT NOT NULL,
    path        TEXT NOT NULL,
    cluster     INTEGER NOT NULL,
    confidence  REAL NOT NULL,
    code        BLOB NOT NULL,
    soft        BLOB NOT NULL,
    PRIMARY KEY (folder, path)
);
CREATE INDEX cluster_members_path ON cluster_members(path);
CREATE TABLE cluster_names (
    folder   TEXT NOT NULL,
    cluster  INTEGER NOT NULL,
    name     TEXT NOT NULL,
    custom   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (folder, cluster)
);
"#,
    // 3: where home is, when the person chose it (trips are days away from it).
    r#"
CREATE TABLE home (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    lat   REAL NOT NULL,
    lon   REAL NOT NULL,
    name  TEXT NOT NULL
);
"#,
    // 4: albums: photos a person chose to keep together, by path (a file that moved
    // or was deleted stays listed, shown as missing).
    r#"
CREATE TABLE albums (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE album_photos (
    album     INTEGER NOT NULL,
    path      TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (album, path)
);
"#,
    // 5: members that joined learned groups after a rescan (without training), so
    // that a new learning can be offered once many have.
    r#"
ALTER TABLE cluster_members ADD COLUMN joined INTEGER NOT NULL DEFAULT 0;
"#,
    // 6: a count of the changes to each folder's members, so that what is kept
    // between searches (`search::folder_codes`) knows when to read them again.
    r#"
CREATE TABLE cluster_revisions (
    folder    TEXT PRIMARY KEY,
    revision  INTEGER NOT NULL
);
"#,
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`SCHEMA_VERSION`]. Safe when several connections
/// (the window's loader and a scan) open a new catalog at the same moment: each
/// step takes the write lock first and re-reads the version under it.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found: current,
                supported: SCHEMA_VERSION,
            });
        }
        let Some(sql) = MIGRATIONS.get(current as usize) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_catalog_is_upgraded_and_keeps_its_photos() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.sqlite");
        {
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch(MIGRATIONS[0]).expect("v1 schema");
            conn.pragma_update(None, "user_version", 1)
                .expect("version");
            conn.execute(
                "INSERT INTO photos(path, size, mtime_ns, kind, thumb, scanned_at) VALUES ('/l/a.jpg', 1, 2, 'jpeg', 'ok', 0)",
                [],
            )
            .expect("photo");
        }
        let cat = crate::store::Catalog::open(&path).expect("upgrade");
        assert_eq!(cat.schema_version().expect("version"), SCHEMA_VERSION);
        assert_eq!(cat.photos_under("/l").expect("photos").len(), 1);
    }

    #[test]
    fn concurrent_first_opens_migrate_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.sqlite");
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    crate::store::Catalog::open(&path)
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().expect("thread"), Ok(()));
        }
    }
}
