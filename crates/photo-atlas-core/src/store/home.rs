//! The home the person chose (one per catalog: a catalog is one person's), which
//! trips are measured from instead of the home inferred from the photos.

use rusqlite::{OptionalExtension, params};

use super::{Catalog, StoreError};

/// A chosen home: a position and the name shown for it.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedHome {
    pub lat: f64,
    pub lon: f64,
    pub name: String,
}

impl Catalog {
    /// The chosen home, `None` when home is to be inferred.
    pub fn home(&self) -> Result<Option<SavedHome>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT lat, lon, name FROM home WHERE id = 1", [], |r| {
                Ok(SavedHome {
                    lat: r.get(0)?,
                    lon: r.get(1)?,
                    name: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// Chooses home (`None`: infer it from the photos again).
    pub fn set_home(&self, home: Option<&SavedHome>) -> Result<(), StoreError> {
        match home {
            Some(h) => self.conn.execute(
                "INSERT OR REPLACE INTO home(id, lat, lon, name) VALUES (1, ?1, ?2, ?3)",
                params![h.lat, h.lon, h.name],
            )?,
            None => self.conn.execute("DELETE FROM home", [])?,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_home_is_kept_replaced_and_forgotten() {
        let dir = tempfile::tempdir().expect("tmp");
        let catalog = Catalog::open(&dir.path().join("c.sqlite")).expect("catalog");
        assert_eq!(catalog.home().expect("read"), None);
        let munich = SavedHome {
            lat: 48.14,
            lon: 11.58,
            name: "Munich".into(),
        };
        catalog.set_home(Some(&munich)).expect("write");
        let paris = SavedHome {
            lat: 48.86,
            lon: 2.35,
            name: "Paris".into(),
        };
        catalog.set_home(Some(&paris)).expect("write");
        assert_eq!(catalog.home().expect("read"), Some(paris));
        catalog.set_home(None).expect("write");
        assert_eq!(catalog.home().expect("read"), None);
    }
}
