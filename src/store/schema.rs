//! The catalog's schema and its migrations, tracked with SQLite's `user_version`.
//! Each migration runs in a transaction, so a crash mid-upgrade changes nothing.

use rusqlite::Connection;

use super::StoreError;

/// Migration `i` takes the schema from version `i` to `i + 1`. Append only.
const MIGRATIONS: &[&str] = &[r#"
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
"#];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`SCHEMA_VERSION`].
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
