//! The library search behind the search box and `photo-atlas search`: every
//! photo's date, place names, camera and top ImageNet classes, held in memory so
//! a query is answered as it is typed (a linear pass; a few milliseconds at
//! 100,000 photos). Different kinds of terms must all hold ("dog 2023 Munich");
//! terms of one kind are alternatives ("2023 2024"). Content terms rank the hits
//! by the probability the classifier gives their classes; otherwise the newest
//! photos come first.

use chrono::Datelike;

use super::query::{Query, Term, Vocabulary, parse};
use crate::grouping::places::{Places, locality};
use crate::ml::classes::TopClasses;
use crate::ml::wordnet::Hierarchy;
use crate::photo::PhotoRecord;

/// A photo's content score must reach this for each content term.
const MIN_CONTENT_SCORE: f32 = 0.05;

/// What the index knows of one photo.
#[derive(Clone, Debug)]
struct Entry {
    date: Option<(i32, u32, u32)>,
    /// Sortable capture time (seconds), for "newest first".
    when: i64,
    places: Vec<String>,
    camera: Vec<String>,
    classes: Option<TopClasses>,
}

/// The photos of a library, ready to be searched.
#[derive(Debug, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
    vocabulary: Vocabulary,
}

/// One answer: the matching photos (indices into the photos given to the index),
/// best first, with their scores, and the query as understood.
#[derive(Debug, Default)]
pub struct SearchResult {
    pub hits: Vec<(usize, f32)>,
    pub query: Query,
}

impl SearchIndex {
    /// `places` names each photo's place, region and country (lower case);
    /// `classes` are the photos' top classes (`None` before features exist).
    pub fn new(
        photos: &[PhotoRecord],
        places: Vec<Vec<String>>,
        classes: Vec<Option<TopClasses>>,
    ) -> Self {
        let mut vocabulary = Vocabulary::default();
        let entries = photos
            .iter()
            .zip(places)
            .zip(classes)
            .map(|((p, places), classes)| {
                let camera = camera_words(p);
                vocabulary.places.extend(places.iter().cloned());
                vocabulary.cameras.extend(camera.iter().cloned());
                let local = p.taken.map(|t| t.at.local);
                Entry {
                    date: local.map(|l| (l.year(), l.month(), l.day())),
                    when: local.map_or(i64::MIN, |l| l.and_utc().timestamp()),
                    places,
                    camera,
                    classes,
                }
            })
            .collect();
        Self {
            entries,
            vocabulary,
        }
    }

    /// Photos in the index.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Photos that have their top classes (content searches can find only these).
    pub fn with_classes(&self) -> usize {
        self.entries.iter().filter(|e| e.classes.is_some()).count()
    }

    /// Answers `text`. A word that means nothing here makes the answer empty.
    pub fn search(&self, text: &str) -> SearchResult {
        let query = parse(text, &self.vocabulary, Hierarchy::shipped());
        if !query.unknown.is_empty() || !query.unseen.is_empty() || query.terms.is_empty() {
            return SearchResult {
                hits: Vec::new(),
                query,
            };
        }
        let wanted = content_sets(&query);
        let mut hits: Vec<(usize, f32)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| kinds_hold(e, &query))
            .filter_map(|(i, e)| content_score(e, &wanted).map(|s| (i, s)))
            .collect();
        hits.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(self.entries[b.0].when.cmp(&self.entries[a.0].when))
        });
        SearchResult { hits, query }
    }
}

/// For each content term, which classes it wants (indexed by class).
fn content_sets(query: &Query) -> Vec<Vec<bool>> {
    query
        .terms
        .iter()
        .filter_map(|t| match t {
            Term::Content { classes, .. } => {
                let mut wanted = vec![false; 1000];
                for &c in classes {
                    wanted[usize::from(c)] = true;
                }
                Some(wanted)
            }
            _ => None,
        })
        .collect()
}

/// The summed score over the content terms, each of which must be met; 0 without any.
fn content_score(entry: &Entry, wanted: &[Vec<bool>]) -> Option<f32> {
    if wanted.is_empty() {
        return Some(0.0);
    }
    let classes = entry.classes.as_ref()?;
    wanted.iter().try_fold(0.0, |sum, set| {
        let s = classes.score(set);
        (s >= MIN_CONTENT_SCORE).then_some(sum + s)
    })
}

/// Whether the dates, places and cameras of the query hold (each kind: any of its terms).
fn kinds_hold(entry: &Entry, query: &Query) -> bool {
    let kind_holds = |is_kind: fn(&Term) -> bool, holds: &dyn Fn(&Term) -> bool| {
        let mut of_kind = query.terms.iter().filter(|t| is_kind(t)).peekable();
        of_kind.peek().is_none() || of_kind.any(holds)
    };
    kind_holds(|t| matches!(t, Term::Date { .. }), &|t| {
        date_holds(entry, t)
    }) && kind_holds(
        |t| matches!(t, Term::Place(_)),
        &|t| matches!(t, Term::Place(p) if entry.places.contains(p)),
    ) && kind_holds(
        |t| matches!(t, Term::Camera(_)),
        &|t| matches!(t, Term::Camera(c) if entry.camera.contains(c)),
    )
}

fn date_holds(entry: &Entry, term: &Term) -> bool {
    let (Term::Date { year, month, day }, Some((y, m, d))) = (term, entry.date) else {
        return false;
    };
    year.is_none_or(|v| v == y) && month.is_none_or(|v| v == m) && day.is_none_or(|v| v == d)
}

/// The words of a photo's camera make and model ("apple", "iphone", "13").
fn camera_words(photo: &PhotoRecord) -> Vec<String> {
    [&photo.make, &photo.model]
        .into_iter()
        .flatten()
        .flat_map(|s| s.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.len() >= 2)
        .map(str::to_lowercase)
        .collect()
}

/// Each photo's place, region and country names, lower case, from the places found.
pub fn place_names(photo_count: usize, places: &Places) -> Vec<Vec<String>> {
    let mut names = vec![Vec::new(); photo_count];
    for place in &places.places {
        let region = locality(place.lat, place.lon).region;
        let mut words: Vec<String> = place
            .name
            .split([',', ':', '&'])
            .flat_map(|part| part.split(" and "))
            .map(|part| part.trim().to_lowercase())
            .chain([region.to_lowercase(), place.country.to_lowercase()])
            .filter(|w| !w.is_empty())
            .collect();
        words.sort();
        words.dedup();
        for &i in place.photos.iter().chain(&place.inferred) {
            if let Some(slot) = names.get_mut(i) {
                slot.clone_from(&words);
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::{CaptureTime, DateSource, parse_exif_datetime};

    fn photo(name: &str, date: &str, model: &str) -> PhotoRecord {
        PhotoRecord {
            taken: parse_exif_datetime(date).map(|at| CaptureTime {
                at,
                source: DateSource::Exif,
            }),
            model: Some(model.into()),
            ..PhotoRecord::bare(name)
        }
    }

    fn classes(pairs: &[(u16, f32)]) -> Option<TopClasses> {
        Some(TopClasses(pairs.to_vec()))
    }

    fn index() -> SearchIndex {
        let photos = [
            photo("/a.jpg", "2023:06:01 10:00:00", "Canon EOS 5D"),
            photo("/b.jpg", "2023:07:01 10:00:00", "iPhone 13"),
            photo("/c.jpg", "2024:06:01 10:00:00", "iPhone 13"),
            photo("/d.jpg", "2023:06:02 10:00:00", "iPhone 13"),
        ];
        let munich = vec!["munich".to_string(), "bavaria".into(), "germany".into()];
        let places = vec![munich.clone(), vec![], munich, vec![]];
        // 207 golden retriever, 281 tabby, 985 daisy.
        let tops = vec![
            classes(&[(207, 0.9)]),
            classes(&[(281, 0.8), (207, 0.1)]),
            classes(&[(207, 0.5)]),
            None,
        ];
        SearchIndex::new(&photos, places, tops)
    }

    fn paths(result: &SearchResult) -> Vec<usize> {
        result.hits.iter().map(|h| h.0).collect()
    }

    #[test]
    fn content_ranks_by_probability_and_combines_with_date_and_place() {
        let index = index();
        assert_eq!(paths(&index.search("dog")), vec![0, 2, 1]);
        assert_eq!(paths(&index.search("dog 2023")), vec![0, 1]);
        assert_eq!(paths(&index.search("dog 2023 munich")), vec![0]);
        assert_eq!(paths(&index.search("cat")), vec![1]);
        assert_eq!(paths(&index.search("june")), vec![2, 3, 0]);
        assert_eq!(paths(&index.search("2023 2024 iphone")), vec![2, 1, 3]);
        assert_eq!(paths(&index.search("Germany")), vec![2, 0]);
    }

    #[test]
    fn a_word_that_means_nothing_matches_nothing_and_says_so() {
        let result = index().search("dog qwzx");
        assert!(result.hits.is_empty());
        assert_eq!(result.query.unknown, vec!["qwzx".to_string()]);
        assert!(index().search("daisy").hits.is_empty());
    }
}
