//! The semantic clusters of a folder as the catalog keeps them: the trained model
//! (autoencoder weights and centres as safetensors, so a later run fine-tunes
//! instead of starting over), each photo's cluster, confidence, latent code and soft
//! assignment (what similar-photo search reads), and the clusters' names.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::features::{from_blob, to_blob};
use super::{Catalog, StoreError, now_secs};

/// A trained model of one folder.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedModel {
    /// The feature source it was trained on ("backbone" or "pixels").
    pub features: String,
    pub dims: Vec<usize>,
    pub k: usize,
    pub seed: u64,
    pub trained_at: i64,
    pub weights: Vec<u8>,
}

/// Which state a folder's groups are in: when its model was trained, and how
/// many times its members changed (learned, joined, replaced or removed; counted
/// by every write to them, as the second and the members' rows could repeat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupsVersion {
    trained_at: i64,
    revision: i64,
}

#[cfg(test)]
impl SavedModel {
    /// A model as tests store one, with `dims` and `k`: its weights are never loaded.
    pub(crate) fn stand_in(dims: Vec<usize>, k: usize) -> Self {
        Self {
            features: "backbone".into(),
            dims,
            k,
            seed: 1,
            trained_at: 0,
            weights: vec![0],
        }
    }
}

/// One photo's place in the clusters.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterMember {
    pub path: std::path::PathBuf,
    pub cluster: usize,
    pub confidence: f32,
    pub code: Vec<f32>,
    pub soft: Vec<f32>,
}

/// A folder's clusters: members ordered by cluster, then by confidence (highest first).
#[derive(Debug, Clone, PartialEq)]
pub struct SavedClusters {
    pub model: SavedModel,
    pub members: Vec<ClusterMember>,
    /// Cluster → (name, whether the user chose it).
    pub names: HashMap<usize, (String, bool)>,
}

fn dims_text(dims: &[usize]) -> String {
    dims.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_dims(text: &str) -> Vec<usize> {
    text.split(',').filter_map(|d| d.parse().ok()).collect()
}

/// Counts one more change to the folder's members (see `GroupsVersion`).
pub(super) fn changed_members(
    tx: &rusqlite::Transaction<'_>,
    folder: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO cluster_revisions(folder, revision) VALUES (?1, 1)
         ON CONFLICT(folder) DO UPDATE SET revision = revision + 1",
    )?
    .execute([folder])?;
    Ok(())
}

/// `joined`: the members joined learned groups without training (see `joined_members`).
fn insert_members(
    tx: &rusqlite::Transaction<'_>,
    folder: &str,
    members: &[ClusterMember],
    joined: bool,
) -> Result<(), StoreError> {
    changed_members(tx, folder)?;
    let mut insert = tx.prepare_cached(
        "INSERT OR REPLACE INTO cluster_members(folder, path, cluster, confidence, code, soft, joined)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for m in members {
        insert.execute(params![
            folder,
            crate::photo::path_text(&m.path),
            m.cluster as i64,
            f64::from(m.confidence),
            to_blob(&m.code),
            to_blob(&m.soft),
            joined
        ])?;
    }
    Ok(())
}

impl Catalog {
    /// Replaces the folder's model, members and generated names in one transaction.
    /// Names the user chose are kept for clusters that still exist.
    pub fn save_clusters(
        &mut self,
        folder: &str,
        model: &SavedModel,
        members: &[ClusterMember],
        names: &[(usize, String)],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO cluster_models(folder, features, dims, k, seed, trained_at, weights)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                folder,
                model.features,
                dims_text(&model.dims),
                model.k as i64,
                model.seed as i64,
                now_secs(),
                model.weights
            ],
        )?;
        tx.execute("DELETE FROM cluster_members WHERE folder = ?1", [folder])?;
        insert_members(&tx, folder, members, false)?;
        tx.execute(
            "DELETE FROM cluster_names WHERE folder = ?1 AND (custom = 0 OR cluster >= ?2)",
            params![folder, model.k as i64],
        )?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO cluster_names(folder, cluster, name, custom) VALUES (?1, ?2, ?3, 0)",
            )?;
            for (cluster, name) in names {
                insert.execute(params![folder, *cluster as i64, name])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Adds photos to the folder's groups without touching the model or the other
    /// members (new photos joined to what was learned; a photo already in is replaced).
    pub fn add_cluster_members(
        &mut self,
        folder: &str,
        members: &[ClusterMember],
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        insert_members(&tx, folder, members, true)?;
        tx.commit()?;
        Ok(())
    }

    /// (members that joined the folder's groups since they were learned, members in all).
    pub fn joined_members(&self, folder: &str) -> Result<(usize, usize), StoreError> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(SUM(joined), 0), COUNT(*) FROM cluster_members WHERE folder = ?1",
            [folder],
            |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize)),
        )?)
    }

    /// The folder's stored model, if it was ever clustered.
    pub fn cluster_model(&self, folder: &str) -> Result<Option<SavedModel>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT features, dims, k, seed, trained_at, weights FROM cluster_models WHERE folder = ?1",
                [folder],
                |r| {
                    Ok(SavedModel {
                        features: r.get(0)?,
                        dims: parse_dims(&r.get::<_, String>(1)?),
                        k: r.get::<_, i64>(2)? as usize,
                        seed: r.get::<_, i64>(3)? as u64,
                        trained_at: r.get(4)?,
                        weights: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// The feature source ("backbone" or "pixels") the folder's model was trained
    /// on, without reading the model (tens of MB with its smoothing pool).
    pub fn cluster_feature_source(&self, folder: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT features FROM cluster_models WHERE folder = ?1",
                [folder],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The folder's clusters, or `None` if it was never clustered.
    pub fn clusters(&self, folder: &str) -> Result<Option<SavedClusters>, StoreError> {
        let Some(model) = self.cluster_model(folder)? else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare(
            "SELECT path, cluster, confidence, code, soft FROM cluster_members
             WHERE folder = ?1 ORDER BY cluster, confidence DESC, path",
        )?;
        let members = stmt
            .query_map([folder], |r| {
                Ok(ClusterMember {
                    path: std::path::PathBuf::from(r.get::<_, String>(0)?),
                    cluster: r.get::<_, i64>(1)? as usize,
                    confidence: r.get::<_, f64>(2)? as f32,
                    code: from_blob(&r.get::<_, Vec<u8>>(3)?),
                    soft: from_blob(&r.get::<_, Vec<u8>>(4)?),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut stmt = self
            .conn
            .prepare("SELECT cluster, name, custom FROM cluster_names WHERE folder = ?1")?;
        let names = stmt
            .query_map([folder], |r| {
                Ok((
                    r.get::<_, i64>(0)? as usize,
                    (r.get::<_, String>(1)?, r.get::<_, i64>(2)? != 0),
                ))
            })?
            .collect::<Result<HashMap<_, _>, _>>()?;
        Ok(Some(SavedClusters {
            model,
            members,
            names,
        }))
    }

    /// The state of the folder's groups, for what is kept between searches: `None`
    /// if it was never clustered.
    pub fn groups_version(&self, folder: &str) -> Result<Option<GroupsVersion>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT m.trained_at, COALESCE(r.revision, 0)
                 FROM cluster_models m LEFT JOIN cluster_revisions r ON r.folder = m.folder
                 WHERE m.folder = ?1",
                [folder],
                |r| {
                    Ok(GroupsVersion {
                        trained_at: r.get(0)?,
                        revision: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every member's path, in order (read from the index alone).
    pub fn member_paths(&self, folder: &str) -> Result<Vec<std::path::PathBuf>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT path FROM cluster_members WHERE folder = ?1 ORDER BY path")?;
        let rows = stmt.query_map([folder], |r| {
            Ok(std::path::PathBuf::from(r.get::<_, String>(0)?))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Every member's path and latent code, in the order of their paths.
    pub fn member_codes(
        &self,
        folder: &str,
    ) -> Result<Vec<(std::path::PathBuf, Vec<f32>)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, code FROM cluster_members WHERE folder = ?1 ORDER BY path")?;
        let rows = stmt.query_map([folder], |r| {
            Ok((
                std::path::PathBuf::from(r.get::<_, String>(0)?),
                from_blob(&r.get::<_, Vec<u8>>(1)?),
            ))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The clustered folder that holds `path`, else the most recently clustered one.
    pub fn cluster_folder_for(&self, path: &str) -> Result<Option<String>, StoreError> {
        let member: Option<String> = self
            .conn
            .query_row(
                "SELECT folder FROM cluster_members WHERE path = ?1 LIMIT 1",
                [path],
                |r| r.get(0),
            )
            .optional()?;
        if member.is_some() {
            return Ok(member);
        }
        Ok(self
            .conn
            .query_row(
                "SELECT folder FROM cluster_models ORDER BY trained_at DESC, folder LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Gives a cluster the user's own name (kept when the folder is clustered again).
    pub fn rename_cluster(
        &self,
        folder: &str,
        cluster: usize,
        name: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO cluster_names(folder, cluster, name, custom) VALUES (?1, ?2, ?3, 1)",
            params![folder, cluster as i64, name],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::photo::PhotoRecord;

    fn member(path: &str, cluster: usize, confidence: f32) -> ClusterMember {
        ClusterMember {
            path: path.into(),
            cluster,
            confidence,
            code: vec![confidence, 1.0],
            soft: vec![confidence, 1.0 - confidence],
        }
    }

    #[test]
    fn the_groups_version_changes_with_every_change_of_members_or_model() {
        let mut cat = Catalog::open_in_memory().expect("catalog");
        assert_eq!(cat.groups_version("/lib").expect("read"), None);
        let model = SavedModel::stand_in(vec![1280, 32], 2);
        let members = [member("/lib/b.jpg", 0, 0.7), member("/lib/a.jpg", 1, 0.5)];
        cat.save_clusters("/lib", &model, &members, &[])
            .expect("save");
        let mut seen = vec![cat.groups_version("/lib").expect("read").expect("some")];
        let mut changed = |cat: &Catalog, what: &str| {
            let now = cat.groups_version("/lib").expect("read").expect("some");
            assert!(!seen.contains(&now), "{what} left the version as it was");
            seen.push(now);
        };
        cat.add_cluster_members("/lib", &[member("/lib/c.jpg", 0, 0.6)])
            .expect("join");
        changed(&cat, "a photo joining");
        cat.add_cluster_members("/lib", &[member("/lib/c.jpg", 1, 0.8)])
            .expect("replace");
        changed(&cat, "a member replaced");
        cat.remove_photos(&["/lib/a.jpg".into()]).expect("remove");
        changed(&cat, "a member removed");
        // Learned again within the same second, the same number of members.
        let again = [member("/lib/b.jpg", 0, 0.9), member("/lib/c.jpg", 1, 0.4)];
        cat.save_clusters("/lib", &model, &again, &[])
            .expect("again");
        changed(&cat, "learning again");
        assert_eq!(
            cat.cluster_feature_source("/lib").expect("read").as_deref(),
            Some("backbone")
        );
        assert_eq!(cat.cluster_feature_source("/other").expect("read"), None);
        assert_eq!(
            cat.member_paths("/lib").expect("paths"),
            [std::path::PathBuf::from("/lib/b.jpg"), "/lib/c.jpg".into()]
        );
        let codes = cat.member_codes("/lib").expect("codes");
        let paths: Vec<&str> = codes
            .iter()
            .map(|(p, _)| p.to_str().unwrap_or(""))
            .collect();
        assert_eq!(paths, ["/lib/b.jpg", "/lib/c.jpg"], "in the order of paths");
        assert_eq!(codes[1].1, vec![0.4, 1.0]);
    }

    #[test]
    fn clusters_round_trip_ordered_and_keep_the_users_names() {
        let mut cat = Catalog::open_in_memory().expect("catalog");
        assert_eq!(cat.clusters("/lib").expect("read"), None);
        let model = SavedModel {
            features: "backbone".into(),
            dims: vec![1280, 512, 32],
            k: 2,
            seed: 3,
            trained_at: 0,
            weights: vec![1, 2, 3],
        };
        let members = [
            member("/lib/a.jpg", 1, 0.5),
            member("/lib/b.jpg", 0, 0.7),
            member("/lib/c.jpg", 1, 0.9),
        ];
        let names = [(0, "daisy".to_string()), (1, "tulip".to_string())];
        cat.save_clusters("/lib", &model, &members, &names)
            .expect("save");
        cat.rename_cluster("/lib", 1, "Garden").expect("rename");
        // Clustering again keeps the custom name and replaces the generated one.
        let renamed = [(0, "sunflower".to_string()), (1, "rose".to_string())];
        cat.save_clusters("/lib", &model, &members, &renamed)
            .expect("save again");
        let got = cat.clusters("/lib").expect("read").expect("clustered");
        let order: Vec<&str> = got
            .members
            .iter()
            .map(|m| m.path.to_str().expect("utf-8"))
            .collect();
        assert_eq!(order, ["/lib/b.jpg", "/lib/c.jpg", "/lib/a.jpg"]);
        assert_eq!(got.members[1], members[2]);
        assert_eq!(got.model.dims, model.dims);
        assert_eq!(got.model.weights, model.weights);
        assert_eq!(got.names[&0], ("sunflower".to_string(), false));
        assert_eq!(got.names[&1], ("Garden".to_string(), true));
        // A removed photo leaves its cluster.
        cat.upsert_photos(&[PhotoRecord::bare("/lib/a.jpg")])
            .expect("photo");
        cat.remove_photos(&["/lib/a.jpg".into()]).expect("remove");
        let got = cat.clusters("/lib").expect("read").expect("clustered");
        assert_eq!(got.members.len(), 2);
    }

    #[test]
    fn joined_members_are_counted_until_the_groups_are_learned_again() {
        let mut cat = Catalog::open_in_memory().expect("catalog");
        let model = SavedModel::stand_in(vec![128, 32], 2);
        let learned = [member("/lib/a.jpg", 0, 0.5), member("/lib/b.jpg", 1, 0.5)];
        cat.save_clusters("/lib", &model, &learned, &[])
            .expect("save");
        assert_eq!(cat.joined_members("/lib").expect("count"), (0, 2));
        cat.add_cluster_members("/lib", &[member("/lib/c.jpg", 1, 0.8)])
            .expect("join");
        assert_eq!(cat.joined_members("/lib").expect("count"), (1, 3));
        let all = [
            learned[0].clone(),
            learned[1].clone(),
            member("/lib/c.jpg", 0, 0.6),
        ];
        cat.save_clusters("/lib", &model, &all, &[])
            .expect("learn again");
        assert_eq!(cat.joined_members("/lib").expect("count"), (0, 3));
        assert_eq!(cat.joined_members("/elsewhere").expect("count"), (0, 0));
    }
}
