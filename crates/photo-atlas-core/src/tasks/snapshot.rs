//! What the window shows of one folder, ready to draw: its photos in capture order
//! and their date, event, place and content sections as indices into them. Built on
//! a task's thread (see `catalog_reads`), never on the UI thread.

use crate::grouping::places::{ClusterOptions, find_places};
use crate::grouping::{EventOptions, Group, GroupLevel, group_by_date, group_by_event};
use crate::store::PhotoRecord;

/// A group whose photos are indices into [`FolderSnapshot::photos`].
#[derive(Clone, Debug, PartialEq)]
pub struct IndexedGroup {
    pub level: GroupLevel,
    pub key: String,
    pub label: String,
    pub photos: Vec<usize>,
}

/// What the map and the sidebar need to know about a place.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceInfo {
    pub name: String,
    pub country: String,
    pub lat: f64,
    pub lon: f64,
    pub inferred: usize,
}

/// Everything the window shows of one folder, ready to draw.
#[derive(Clone, Debug, Default)]
pub struct FolderSnapshot {
    /// The folder, absolute.
    pub folder: String,
    /// Photos in capture order (undated last).
    pub photos: Vec<PhotoRecord>,
    /// The date tree in order: a year, its months, each followed by its days.
    pub by_date: Vec<IndexedGroup>,
    pub by_event: Vec<IndexedGroup>,
    /// Places (largest first) and "No location", as grid sections (inferred photos included).
    pub by_place: Vec<IndexedGroup>,
    /// Where each place is, parallel to the place sections of `by_place`.
    pub place_info: Vec<PlaceInfo>,
    /// For each photo: its place section and whether its location is inferred.
    pub place_of: Vec<Option<(usize, bool)>>,
    /// Countries by number of photos: (name, place sections, photos).
    pub countries: Vec<(String, Vec<usize>, usize)>,
    /// Content clusters (largest first, photos by confidence), as grid sections.
    pub by_cluster: Vec<IndexedGroup>,
    /// The cluster number of each section of `by_cluster` (what a rename refers to).
    pub cluster_ids: Vec<usize>,
    /// Each photo's index in `photos`, by path (built here once, not on the UI thread).
    by_path: std::collections::HashMap<String, usize>,
    /// Photos of the folder that are in no cluster (added since the last clustering).
    pub unclustered: usize,
    /// Every problem: photos with an error (path, reason), then files and folders that
    /// could not be read at all. Built once here, not on every frame.
    problems: Vec<(String, String)>,
}

impl FolderSnapshot {
    /// Builds a snapshot from catalogued photos (in any order).
    pub fn build(
        folder: String,
        photos: Vec<PhotoRecord>,
        problems: Vec<(String, String)>,
    ) -> Self {
        let by_date = group_by_date(&photos);
        let by_event = group_by_event(&photos, &EventOptions::default());
        let order: Vec<String> = by_date
            .iter()
            .filter(|g| matches!(g.level, GroupLevel::Day | GroupLevel::Undated))
            .flat_map(|g| g.photos.iter().cloned())
            .collect();
        let mut by_path: std::collections::HashMap<String, PhotoRecord> =
            photos.into_iter().map(|p| (p.path.clone(), p)).collect();
        let sorted: Vec<PhotoRecord> = order.iter().filter_map(|p| by_path.remove(p)).collect();
        let index: std::collections::HashMap<&str, usize> = sorted
            .iter()
            .enumerate()
            .map(|(i, p)| (p.path.as_str(), i))
            .collect();
        let indexed = |groups: Vec<Group>| -> Vec<IndexedGroup> {
            groups
                .into_iter()
                .map(|g| IndexedGroup {
                    photos: g
                        .photos
                        .iter()
                        .filter_map(|p| index.get(p.as_str()).copied())
                        .collect(),
                    level: g.level,
                    key: g.key,
                    label: g.label,
                })
                .collect()
        };
        let (by_date, by_event) = (indexed(by_date), indexed(by_event));
        let (by_place, place_info, place_of) = place_sections(&sorted);
        let countries = countries_of(&place_info, &by_place);
        let photo_problems = sorted
            .iter()
            .filter_map(|p| p.error.as_ref().map(|e| (p.path.clone(), e.clone())));
        let problems = photo_problems.chain(problems).collect();
        let by_path = index.iter().map(|(p, &i)| ((*p).to_string(), i)).collect();
        Self {
            folder,
            photos: sorted,
            by_date,
            by_event,
            by_place,
            place_info,
            place_of,
            countries,
            by_path,
            by_cluster: Vec::new(),
            cluster_ids: Vec::new(),
            unclustered: 0,
            problems,
        }
    }

    /// Adds the folder's stored content clusters as grid sections.
    pub fn with_clusters(mut self, saved: Option<crate::store::SavedClusters>) -> Self {
        let Some(saved) = saved else { return self };
        let mut sections: Vec<(usize, Vec<usize>)> = Vec::new();
        for m in &saved.members {
            let Some(i) = self.index_of(&m.path) else {
                continue;
            };
            match sections.last_mut() {
                Some((c, list)) if *c == m.cluster => list.push(i),
                _ => sections.push((m.cluster, vec![i])),
            }
        }
        sections.sort_by_key(|(c, list)| (std::cmp::Reverse(list.len()), *c));
        let clustered: usize = sections.iter().map(|(_, l)| l.len()).sum();
        self.unclustered = self.photos.len().saturating_sub(clustered);
        self.cluster_ids = sections.iter().map(|(c, _)| *c).collect();
        self.by_cluster = sections
            .into_iter()
            .map(|(c, photos)| IndexedGroup {
                level: GroupLevel::Section,
                key: format!("cluster-{c}"),
                label: saved
                    .names
                    .get(&c)
                    .map_or_else(|| format!("Group {}", c + 1), |(n, _)| n.clone()),
                photos,
            })
            .collect();
        self
    }

    /// The index in `photos` of the photo at `path`.
    pub fn index_of(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// Photos with an error, as (path, reason), followed by the other problems.
    pub fn all_problems(&self) -> &[(String, String)] {
        &self.problems
    }
}

type PlaceSections = (
    Vec<IndexedGroup>,
    Vec<PlaceInfo>,
    Vec<Option<(usize, bool)>>,
);

/// Places as grid sections (photos and inferred photos in capture order), then "No location".
fn place_sections(photos: &[PhotoRecord]) -> PlaceSections {
    let found = find_places(photos, &ClusterOptions::default());
    let mut place_of = vec![None; photos.len()];
    let mut sections = Vec::with_capacity(found.places.len() + 1);
    let mut info = Vec::with_capacity(found.places.len());
    for (s, place) in found.places.iter().enumerate() {
        let mut members: Vec<usize> = place
            .photos
            .iter()
            .chain(&place.inferred)
            .copied()
            .collect();
        members.sort_unstable();
        place
            .photos
            .iter()
            .for_each(|&i| place_of[i] = Some((s, false)));
        place
            .inferred
            .iter()
            .for_each(|&i| place_of[i] = Some((s, true)));
        sections.push(IndexedGroup {
            level: GroupLevel::Place,
            key: format!("place-{s}"),
            label: place.name.clone(),
            photos: members,
        });
        info.push(PlaceInfo {
            name: place.name.clone(),
            country: place.country.clone(),
            lat: place.lat,
            lon: place.lon,
            inferred: place.inferred.len(),
        });
    }
    if !found.no_location.is_empty() {
        sections.push(IndexedGroup {
            level: GroupLevel::NoLocation,
            key: "no-location".into(),
            label: "No location".into(),
            photos: found.no_location,
        });
    }
    (sections, info, place_of)
}

fn countries_of(info: &[PlaceInfo], sections: &[IndexedGroup]) -> Vec<(String, Vec<usize>, usize)> {
    let mut countries: Vec<(String, Vec<usize>, usize)> = Vec::new();
    for (i, place) in info.iter().enumerate() {
        let count = sections[i].photos.len();
        match countries.iter_mut().find(|c| c.0 == place.country) {
            Some(c) => {
                c.1.push(i);
                c.2 += count;
            }
            None => countries.push((place.country.clone(), vec![i], count)),
        }
    }
    countries.sort_by_key(|c| std::cmp::Reverse(c.2));
    countries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_list_photos_with_errors_then_unreadable_files() {
        let broken = PhotoRecord {
            error: Some("the file is truncated".into()),
            ..PhotoRecord::bare("/l/b.jpg")
        };
        let photos = vec![PhotoRecord::bare("/l/a.jpg"), broken];
        let unreadable = vec![("/l/locked".to_string(), "permission denied".to_string())];
        let snap = FolderSnapshot::build("/l".into(), photos, unreadable.clone());
        let expected = [
            ("/l/b.jpg".to_string(), "the file is truncated".to_string()),
            unreadable[0].clone(),
        ];
        assert_eq!(snap.all_problems(), expected);
        assert_eq!(snap.photos.len(), 2);
    }
}
