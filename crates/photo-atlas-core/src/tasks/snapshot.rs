//! What the window shows of one folder, ready to draw: its photos in capture order
//! and their date, event (trips holding their days), place and content sections as
//! indices into them. Built on
//! a task's thread (see `catalog_reads`), never on the UI thread.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::grouping::places::{ClusterOptions, Places, find_places};
use crate::grouping::trips::{Home, Journeys, journeys};
use crate::grouping::{EventOptions, Group, GroupLevel, group_by_date};
use crate::photo::PhotoRecord;
use crate::store::SavedHome;

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

/// A place as a grid section (its photos and inferred photos, in capture order) and
/// where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceSection {
    pub group: IndexedGroup,
    pub info: PlaceInfo,
}

/// Which place a photo belongs to: an index into [`FolderSnapshot::places`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhotoPlace {
    pub place: usize,
    /// Placed by the time and camera of a located neighbour, not by its own GPS.
    pub inferred: bool,
}

/// A country and its places (indices into [`FolderSnapshot::places`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Country {
    pub name: String,
    pub places: Vec<usize>,
    pub photos: usize,
}

/// A trip in the Events view: its days are the sections `first_section..` of
/// [`FolderSnapshot::by_event`], `sections` of them.
#[derive(Clone, Debug, PartialEq)]
pub struct TripOutline {
    pub label: String,
    pub first_section: usize,
    pub sections: usize,
    pub photos: usize,
    /// The towns it went to, most photographed first.
    pub places: Vec<String>,
    /// The centres (lat, lon) of the places it went to, for its map.
    pub spots: Vec<(f64, f64)>,
    /// The photo shown for it (an index into [`FolderSnapshot::photos`]): one from
    /// the middle of the trip that has a thumbnail.
    pub cover: usize,
    /// "Tokyo time, UTC+09:00" when its clocks differ from home's.
    pub local_time: Option<String>,
}

/// One row of the Events view's sidebar: a trip (folding open onto its days) or an
/// event at home (a section of [`FolderSnapshot::by_event`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventRow {
    Trip(usize),
    Event(usize),
}

/// An album as a grid section: its photos in this folder, in the album's order, and
/// how many of its photos are not here (moved, deleted, or in another folder).
#[derive(Clone, Debug, PartialEq)]
pub struct AlbumSection {
    pub id: i64,
    pub group: IndexedGroup,
    pub elsewhere: usize,
}

/// A content cluster as a grid section (photos by confidence).
#[derive(Clone, Debug, PartialEq)]
pub struct ContentSection {
    /// The cluster's number in the catalog (what a rename refers to).
    pub cluster: usize,
    pub group: IndexedGroup,
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
    /// Events in time order: those of trips (see `trips`) and those at home.
    pub by_event: Vec<IndexedGroup>,
    /// Trips away from home, oldest first, as runs of `by_event`.
    pub trips: Vec<TripOutline>,
    /// The Events sidebar's rows: trips and the events at home, in time order.
    pub event_rows: Vec<EventRow>,
    /// Home (chosen by the person, or inferred), `None` when no place stands out.
    pub home: Option<Home>,
    /// Places, largest first (inferred photos included).
    pub places: Vec<PlaceSection>,
    /// Photos without a location, shown after the places; `None` when there are none.
    pub no_location: Option<IndexedGroup>,
    /// For each photo (by index), its place.
    pub photo_places: Vec<Option<PhotoPlace>>,
    /// Countries, most photos first.
    pub countries: Vec<Country>,
    /// Content clusters, largest first.
    pub content: Vec<ContentSection>,
    /// The catalog's albums, in the order they were made.
    pub albums: Vec<AlbumSection>,
    /// Each photo's index in `photos`, by path (built here once, not on the UI thread).
    by_path: HashMap<PathBuf, usize>,
    /// Photos of the folder that are in no cluster (added since the last clustering).
    pub unclustered: usize,
    /// The content sections are quick groups (k-means on the features), not yet
    /// the learned ones.
    pub content_quick: bool,
    /// (photos that joined the groups since they were learned, photos in groups).
    pub joined: (usize, usize),
    /// Every problem: photos with an error (path, reason), then files and folders that
    /// could not be read at all. Built once here, not on every frame.
    problems: Vec<(String, String)>,
}

impl FolderSnapshot {
    /// Builds a snapshot from catalogued photos (in any order); trips are measured
    /// from `chosen_home` when the person chose one.
    pub fn build(
        folder: String,
        photos: Vec<PhotoRecord>,
        problems: Vec<(String, String)>,
        chosen_home: Option<&SavedHome>,
    ) -> Self {
        let by_date = group_by_date(&photos);
        let order: Vec<PathBuf> = by_date
            .iter()
            .filter(|g| matches!(g.level, GroupLevel::Day | GroupLevel::Undated))
            .flat_map(|g| g.photos.iter().cloned())
            .collect();
        let mut by_path: HashMap<PathBuf, PhotoRecord> =
            photos.into_iter().map(|p| (p.path.clone(), p)).collect();
        let sorted: Vec<PhotoRecord> = order.iter().filter_map(|p| by_path.remove(p)).collect();
        let index: HashMap<&Path, usize> = sorted
            .iter()
            .enumerate()
            .map(|(i, p)| (p.path.as_path(), i))
            .collect();
        let indexed = |groups: Vec<Group>| -> Vec<IndexedGroup> {
            groups
                .into_iter()
                .map(|g| IndexedGroup {
                    photos: g
                        .photos
                        .iter()
                        .filter_map(|p| index.get(p.as_path()).copied())
                        .collect(),
                    level: g.level,
                    key: g.key,
                    label: g.label,
                })
                .collect()
        };
        let found = find_places(&sorted, &ClusterOptions::default());
        let chosen = chosen_home.map(|h| Home::chosen(h.lat, h.lon, h.name.clone(), &sorted));
        let found_journeys = journeys(&sorted, &found, chosen);
        let home = found_journeys.home.clone();
        let (events, trips) = event_sections(&sorted, found_journeys);
        let (by_date, by_event) = (indexed(by_date), indexed(events));
        let (places, no_location, photo_places) = place_sections(found, sorted.len());
        let countries = countries_of(&places);
        let photo_problems = sorted.iter().filter_map(|p| {
            p.error
                .as_ref()
                .map(|e| (p.path_text().into_owned(), e.clone()))
        });
        let problems = photo_problems.chain(problems).collect();
        let by_path = index.iter().map(|(p, &i)| (p.to_path_buf(), i)).collect();
        Self {
            folder,
            photos: sorted,
            by_date,
            event_rows: event_rows(by_event.len(), &trips),
            by_event,
            trips,
            home,
            places,
            no_location,
            photo_places,
            countries,
            by_path,
            content: Vec::new(),
            albums: Vec::new(),
            unclustered: 0,
            content_quick: false,
            joined: (0, 0),
            problems,
        }
    }

    /// Adds the catalog's albums (with their photos' paths) as grid sections.
    pub fn with_albums(mut self, albums: Vec<(crate::store::Album, Vec<PathBuf>)>) -> Self {
        self.albums = albums
            .into_iter()
            .map(|(album, paths)| {
                let photos: Vec<usize> = paths.iter().filter_map(|p| self.index_of(p)).collect();
                AlbumSection {
                    id: album.id,
                    elsewhere: paths.len() - photos.len(),
                    group: IndexedGroup {
                        level: GroupLevel::Section,
                        key: format!("album-{}", album.id),
                        label: album.name,
                        photos,
                    },
                }
            })
            .collect();
        self
    }

    /// Whether so many photos joined the groups without training (a quarter of
    /// those grouped, and at least 50) that learning again is worth offering.
    pub fn many_joined(&self) -> bool {
        let (joined, all) = self.joined;
        joined >= 50 && joined * 4 >= all
    }

    /// Notes how many grouped photos joined without training (`Catalog::joined_members`).
    pub fn with_joined(mut self, joined: (usize, usize)) -> Self {
        self.joined = joined;
        self
    }

    /// Adds the folder's stored content clusters as grid sections.
    pub fn with_clusters(mut self, saved: Option<crate::store::SavedClusters>) -> Self {
        let Some(saved) = saved else { return self };
        self.content_quick = crate::ml::quick::is_quick(&saved.model.dims);
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
        self.content = sections
            .into_iter()
            .map(|(c, photos)| ContentSection {
                cluster: c,
                group: IndexedGroup {
                    level: GroupLevel::Section,
                    key: format!("cluster-{c}"),
                    label: saved
                        .names
                        .get(&c)
                        .map_or_else(|| format!("Group {}", c + 1), |(n, _)| n.clone()),
                    photos,
                },
            })
            .collect();
        self
    }

    /// The Places view's grid sections: the places, then "No location".
    pub fn place_sections(&self) -> impl Iterator<Item = &IndexedGroup> {
        self.places
            .iter()
            .map(|p| &p.group)
            .chain(self.no_location.as_ref())
    }

    /// The Content view's grid sections.
    pub fn content_sections(&self) -> impl Iterator<Item = &IndexedGroup> {
        self.content.iter().map(|c| &c.group)
    }

    /// Where the photo with this index was taken, and whether that is inferred.
    pub fn place_of(&self, photo: usize) -> Option<(&PlaceInfo, bool)> {
        let at = self.photo_places.get(photo).copied().flatten()?;
        let place = self.places.get(at.place)?;
        Some((&place.info, at.inferred))
    }

    /// The index in `photos` of the photo at `path`.
    pub fn index_of(&self, path: &Path) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// Photos with an error, as (path, reason), followed by the other problems.
    pub fn all_problems(&self) -> &[(String, String)] {
        &self.problems
    }
}

type PlaceSections = (
    Vec<PlaceSection>,
    Option<IndexedGroup>,
    Vec<Option<PhotoPlace>>,
);

/// The Events view's sections in time order (each trip's days in a run, labelled
/// with where the trip went, and the events at home), and the trips' outlines.
fn event_sections(photos: &[PhotoRecord], found: Journeys) -> (Vec<Group>, Vec<TripOutline>) {
    let mut runs: Vec<(
        Option<crate::metadata::Timestamp>,
        Vec<Group>,
        Option<TripOutline>,
    )> = found
        .at_home
        .into_iter()
        .map(|e| (e.start, vec![e], None))
        .collect();
    for trip in &found.trips {
        let days: Vec<Group> = trip
            .events(photos, &EventOptions::default())
            .into_iter()
            .map(|mut e| {
                e.label = format!("{} · {}", e.label, trip.destination);
                e
            })
            .collect();
        let outline = TripOutline {
            label: trip.label.clone(),
            first_section: 0,
            sections: days.len(),
            photos: trip.photos.len(),
            places: trip.places.clone(),
            spots: trip.spots.clone(),
            cover: cover_of(photos, &trip.photos),
            local_time: trip.local_time(found.home.as_ref()),
        };
        runs.push((Some(trip.start), days, Some(outline)));
    }
    // Dated runs in time order; the undated group (no start) last.
    runs.sort_by_key(|r| (r.0.is_none(), r.0.map(|t| t.utc())));
    let (mut events, mut trips) = (Vec::new(), Vec::new());
    for (_, days, outline) in runs {
        if let Some(mut o) = outline {
            o.first_section = events.len();
            trips.push(o);
        }
        events.extend(days);
    }
    (events, trips)
}

/// The photo nearest the middle of `members` (in time order) that has a thumbnail.
fn cover_of(photos: &[PhotoRecord], members: &[usize]) -> usize {
    let middle = members.len() / 2;
    let mut by_nearness: Vec<usize> = (0..members.len()).collect();
    by_nearness.sort_by_key(|&k| k.abs_diff(middle));
    by_nearness
        .into_iter()
        .map(|k| members[k])
        .find(|&i| photos[i].thumb == crate::photo::ThumbStatus::Ok)
        .or_else(|| members.get(middle).copied())
        .unwrap_or(0)
}

/// Each trip as one row, the events outside trips as one row each.
fn event_rows(sections: usize, trips: &[TripOutline]) -> Vec<EventRow> {
    let mut rows = Vec::new();
    let mut next = trips.iter().enumerate().peekable();
    let mut i = 0;
    while i < sections {
        match next.next_if(|(_, t)| t.first_section == i) {
            Some((t, trip)) => {
                rows.push(EventRow::Trip(t));
                i += trip.sections.max(1);
            }
            None => {
                rows.push(EventRow::Event(i));
                i += 1;
            }
        }
    }
    rows
}

/// Places as grid sections (photos and inferred photos in capture order), then "No location".
fn place_sections(found: Places, photo_count: usize) -> PlaceSections {
    let mut photo_places = vec![None; photo_count];
    let mut sections = Vec::with_capacity(found.places.len());
    for (s, place) in found.places.iter().enumerate() {
        let mut members: Vec<usize> = place
            .photos
            .iter()
            .chain(&place.inferred)
            .copied()
            .collect();
        members.sort_unstable();
        for (list, inferred) in [(&place.photos, false), (&place.inferred, true)] {
            for &i in list {
                photo_places[i] = Some(PhotoPlace { place: s, inferred });
            }
        }
        sections.push(PlaceSection {
            group: IndexedGroup {
                level: GroupLevel::Place,
                key: format!("place-{s}"),
                label: place.name.clone(),
                photos: members,
            },
            info: PlaceInfo {
                name: place.name.clone(),
                country: place.country.clone(),
                lat: place.lat,
                lon: place.lon,
                inferred: place.inferred.len(),
            },
        });
    }
    let no_location = (!found.no_location.is_empty()).then(|| IndexedGroup {
        level: GroupLevel::NoLocation,
        key: "no-location".into(),
        label: "No location".into(),
        photos: found.no_location,
    });
    (sections, no_location, photo_places)
}

fn countries_of(places: &[PlaceSection]) -> Vec<Country> {
    let mut countries: Vec<Country> = Vec::new();
    for (i, place) in places.iter().enumerate() {
        let count = place.group.photos.len();
        match countries.iter_mut().find(|c| c.name == place.info.country) {
            Some(c) => {
                c.places.push(i);
                c.photos += count;
            }
            None => countries.push(Country {
                name: place.info.country.clone(),
                places: vec![i],
                photos: count,
            }),
        }
    }
    countries.sort_by_key(|c| std::cmp::Reverse(c.photos));
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
        let snap = FolderSnapshot::build("/l".into(), photos, unreadable.clone(), None);
        let expected = [
            ("/l/b.jpg".to_string(), "the file is truncated".to_string()),
            unreadable[0].clone(),
        ];
        assert_eq!(snap.all_problems(), expected);
        assert_eq!(snap.photos.len(), 2);
    }

    #[test]
    fn learning_again_is_offered_once_a_quarter_and_at_least_fifty_have_joined() {
        let snap = |joined| {
            FolderSnapshot::build("/lib".into(), Vec::new(), Vec::new(), None).with_joined(joined)
        };
        assert!(snap((60, 200)).many_joined());
        assert!(!snap((60, 300)).many_joined(), "a fifth is not many");
        assert!(!snap((40, 80)).many_joined(), "forty photos are not many");
        assert!(!snap((0, 0)).many_joined());
    }
}
