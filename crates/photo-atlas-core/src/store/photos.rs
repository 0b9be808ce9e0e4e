//! Photo rows: what a scan writes and what grouping and the window read.

use std::collections::HashMap;

use chrono::{FixedOffset, NaiveDateTime};
use rusqlite::{Row, params};

use super::{Catalog, StoreError, folder_bounds, now_secs};
use crate::library::PhotoKind;
use crate::metadata::{CaptureTime, DateSource, Gps, Timestamp};
use std::path::PathBuf;

use crate::photo::{PhotoRecord, ThumbStatus, path_text};

/// What the catalog remembers of a file, to decide whether a rescan must read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownFile {
    pub size: u64,
    pub mtime_ns: i64,
    pub thumb: ThumbStatus,
}

const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f";
const COLUMNS: &str = "path, size, mtime_ns, kind, taken_local, taken_offset, date_source, lat, lon, alt, \
                       orientation, make, model, width, height, error, thumb";

impl Catalog {
    /// Inserts or replaces photos, all in one transaction.
    pub fn upsert_photos(&mut self, records: &[PhotoRecord]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let sql = format!(
                "INSERT OR REPLACE INTO photos({COLUMNS}, scanned_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            let now = now_secs();
            for r in records {
                let taken = r.taken.map(|t| t.at.local.format(LOCAL_FORMAT).to_string());
                let offset = r
                    .taken
                    .and_then(|t| t.at.offset)
                    .map(|o| o.local_minus_utc());
                stmt.execute(params![
                    path_text(&r.path),
                    r.size as i64,
                    r.mtime_ns,
                    r.kind.as_str(),
                    taken,
                    offset,
                    r.taken.map(|t| t.source.as_str()),
                    r.gps.map(|g| g.lat),
                    r.gps.map(|g| g.lon),
                    r.gps.and_then(|g| g.alt),
                    r.orientation,
                    r.make,
                    r.model,
                    r.width,
                    r.height,
                    r.error,
                    r.thumb.as_str(),
                    now
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records a new thumbnail state (and error) for an already catalogued photo.
    pub fn set_thumb(
        &mut self,
        updates: &[(PathBuf, ThumbStatus, Option<String>)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE photos SET thumb = ?2, error = COALESCE(?3, error) WHERE path = ?1",
            )?;
            for (path, status, error) in updates {
                stmt.execute(params![path_text(path), status.as_str(), error])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets photos (files that were removed from disk).
    pub fn remove_photos(&mut self, paths: &[PathBuf]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut photos = tx.prepare_cached("DELETE FROM photos WHERE path = ?1")?;
            let mut features = tx.prepare_cached("DELETE FROM features WHERE path = ?1")?;
            let mut members = tx.prepare_cached("DELETE FROM cluster_members WHERE path = ?1")?;
            let mut grouped_in =
                tx.prepare_cached("SELECT folder FROM cluster_members WHERE path = ?1")?;
            for p in paths {
                let p = path_text(p);
                photos.execute([&p])?;
                features.execute([&p])?;
                let folders = grouped_in
                    .query_map([&p], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?;
                for folder in folders {
                    super::clusters::changed_members(&tx, &folder)?;
                }
                members.execute([&p])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Size, mtime and thumbnail state of every catalogued file under `folder`.
    pub fn known_files(&self, folder: &str) -> Result<HashMap<PathBuf, KnownFile>, StoreError> {
        let (lo, hi) = folder_bounds(folder);
        let mut stmt = self.conn.prepare(
            "SELECT path, size, mtime_ns, thumb FROM photos WHERE path >= ?1 AND path < ?2",
        )?;
        let rows = stmt.query_map([lo, hi], |r| {
            let thumb: String = r.get(3)?;
            let known = KnownFile {
                size: r.get::<_, i64>(1)? as u64,
                mtime_ns: r.get(2)?,
                thumb: ThumbStatus::parse(&thumb),
            };
            Ok((PathBuf::from(r.get::<_, String>(0)?), known))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every catalogued photo under `folder`, ordered by path.
    pub fn photos_under(&self, folder: &str) -> Result<Vec<PhotoRecord>, StoreError> {
        let (lo, hi) = folder_bounds(folder);
        let sql =
            format!("SELECT {COLUMNS} FROM photos WHERE path >= ?1 AND path < ?2 ORDER BY path");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([lo, hi], record_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One photo by path.
    pub fn photo(&self, path: &str) -> Result<Option<PhotoRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM photos WHERE path = ?1");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query_map([path], record_from_row)?;
        Ok(rows.next().transpose()?)
    }
}

fn record_from_row(r: &Row<'_>) -> rusqlite::Result<PhotoRecord> {
    let kind: String = r.get(3)?;
    let taken = read_taken(r.get(4)?, r.get(5)?, r.get(6)?);
    let gps = match (r.get::<_, Option<f64>>(7)?, r.get::<_, Option<f64>>(8)?) {
        (Some(lat), Some(lon)) => Gps::new(lat, lon, r.get(9)?),
        _ => None,
    };
    let thumb: String = r.get(16)?;
    Ok(PhotoRecord {
        path: PathBuf::from(r.get::<_, String>(0)?),
        size: r.get::<_, i64>(1)? as u64,
        mtime_ns: r.get(2)?,
        kind: PhotoKind::parse(&kind).unwrap_or(PhotoKind::Jpeg),
        taken,
        gps,
        orientation: r.get(10)?,
        make: r.get(11)?,
        model: r.get(12)?,
        width: r.get(13)?,
        height: r.get(14)?,
        error: r.get(15)?,
        thumb: ThumbStatus::parse(&thumb),
    })
}

fn read_taken(
    local: Option<String>,
    offset: Option<i32>,
    source: Option<String>,
) -> Option<CaptureTime> {
    let local = NaiveDateTime::parse_from_str(&local?, LOCAL_FORMAT).ok()?;
    let offset = offset.and_then(FixedOffset::east_opt);
    let source = DateSource::parse(&source?)?;
    Some(CaptureTime {
        at: Timestamp::new(local, offset),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::parse_exif_datetime;

    fn record(path: &str) -> PhotoRecord {
        let mut at = parse_exif_datetime("2021:04:11 15:47:53").expect("valid");
        at.offset = FixedOffset::east_opt(-5 * 3600);
        PhotoRecord {
            path: path.into(),
            size: 10,
            mtime_ns: 1_000,
            kind: PhotoKind::Jpeg,
            taken: Some(CaptureTime {
                at,
                source: DateSource::Exif,
            }),
            gps: Gps::new(43.5, -11.9, Some(-3.0)),
            orientation: Some(6),
            make: Some("Canon".into()),
            model: None,
            width: Some(640),
            height: Some(480),
            error: None,
            thumb: ThumbStatus::Ok,
        }
    }

    #[test]
    fn photos_round_trip_and_stay_in_their_folder() {
        let mut cat = Catalog::open_in_memory().expect("open");
        let a = record("/lib/a.jpg");
        let b = PhotoRecord {
            taken: None,
            gps: None,
            thumb: ThumbStatus::Unsupported,
            ..record("/lib/sub/b.heic")
        };
        cat.upsert_photos(&[a.clone(), b.clone(), record("/library2/c.jpg")])
            .expect("upsert");
        assert_eq!(cat.photos_under("/lib").expect("query"), vec![a.clone(), b]);
        assert_eq!(cat.photo("/lib/a.jpg").expect("query"), Some(a));
        let known = cat.known_files("/lib").expect("known");
        assert_eq!(known.len(), 2);
        assert_eq!(known[std::path::Path::new("/lib/a.jpg")].mtime_ns, 1_000);
        cat.remove_photos(&["/lib/a.jpg".into()]).expect("remove");
        assert_eq!(cat.photos_under("/lib").expect("query").len(), 1);
    }

    #[test]
    fn thumb_updates_keep_metadata() {
        let mut cat = Catalog::open_in_memory().expect("open");
        cat.upsert_photos(&[PhotoRecord {
            thumb: ThumbStatus::None,
            ..record("/l/a.jpg")
        }])
        .expect("upsert");
        cat.set_thumb(&[("/l/a.jpg".into(), ThumbStatus::Failed, Some("bad".into()))])
            .expect("update");
        let got = cat.photo("/l/a.jpg").expect("query").expect("present");
        assert_eq!(
            (got.thumb, got.error.as_deref(), got.orientation),
            (ThumbStatus::Failed, Some("bad"), Some(6))
        );
    }
}
