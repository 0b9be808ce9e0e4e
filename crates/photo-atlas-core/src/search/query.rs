//! Reading what a person types into the search box: "dog 2023 Munich" becomes a
//! content word, a year and a place. Dates are read first (years, months, month and
//! year, ISO dates), then the library's own place and camera names, then WordNet
//! nouns (also two-word ones, "golf ball"); a word that is none of these is
//! reported, so the window can say why nothing matched.

use std::collections::HashSet;

use crate::ml::wordnet::{Hierarchy, Meaning};

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const STOP_WORDS: [&str; 12] = [
    "a", "an", "and", "at", "from", "in", "of", "on", "or", "the", "with", "photos",
];

/// One understood part of a query.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    /// A calendar span: the year, and optionally the month and day.
    Date {
        year: Option<i32>,
        month: Option<u32>,
        day: Option<u32>,
    },
    /// A place, region or country name, as the library spells it (lower case).
    Place(String),
    /// A word of a camera make or model (lower case).
    Camera(String),
    /// A noun, and the ImageNet classes beneath it (or, with `like`, beneath the
    /// concept it is part or a kind of: "beach" like "shore").
    Content {
        word: String,
        classes: Vec<u16>,
        like: Option<String>,
    },
}

/// A query as understood: its terms, the words that matched nothing, and the
/// nouns no ImageNet class can see.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    pub terms: Vec<Term>,
    pub unknown: Vec<String>,
    pub unseen: Vec<String>,
}

impl Query {
    /// The query as understood, in words: "dog (118 ImageNet classes), 2023, place munich".
    pub fn describe(&self) -> String {
        self.terms
            .iter()
            .map(Term::describe)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Why nothing can match, when some words were not understood or name
    /// nothing the classifier can see.
    pub fn unknown_words_message(&self) -> Option<String> {
        let quoted = |words: &[String]| {
            words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut why = Vec::new();
        if !self.unknown.is_empty() {
            why.push(format!(
                "Photo Atlas does not know {} (not a date, a place or camera of this folder, or a noun it knows)",
                quoted(&self.unknown)
            ));
        }
        if !self.unseen.is_empty() {
            why.push(format!(
                "it cannot see {} in photos yet: none of the 1,000 kinds of things its ImageNet network knows is one",
                quoted(&self.unseen)
            ));
        }
        (!why.is_empty()).then(|| format!("No photos match: {}.", why.join("; ")))
    }
}

impl Term {
    fn describe(&self) -> String {
        match self {
            Term::Content {
                word,
                classes,
                like: None,
            } => format!("{word} ({})", classes_label(classes.len())),
            Term::Content {
                word,
                classes,
                like: Some(concept),
            } => format!("{word} (like {concept}: {})", classes_label(classes.len())),
            Term::Date { year, month, day } => [
                year.map(|y| y.to_string()),
                month.map(|m| MONTHS[(m as usize).clamp(1, 12) - 1].to_string()),
                day.map(|d| format!("day {d}")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
            Term::Place(p) => format!("place {p}"),
            Term::Camera(c) => format!("camera {c}"),
        }
    }
}

/// "1 ImageNet class", "118 ImageNet classes".
fn classes_label(n: usize) -> String {
    format!("{n} ImageNet class{}", if n == 1 { "" } else { "es" })
}

/// The names a query may use that come from the library itself.
#[derive(Debug, Default)]
pub struct Vocabulary {
    pub places: HashSet<String>,
    pub cameras: HashSet<String>,
}

/// Reads `text` against the library's vocabulary and the WordNet hierarchy.
pub fn parse(text: &str, vocabulary: &Vocabulary, hierarchy: &Hierarchy) -> Query {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut query = Query::default();
    let mut i = 0;
    while i < words.len() {
        let (term, used) = read_term(&words[i..], vocabulary, hierarchy);
        match term {
            Some(t) => query.terms.push(t),
            None if STOP_WORDS.contains(&words[i].as_str()) => {}
            None if hierarchy.meaning(&words[i]) == Meaning::Unseen => {
                query.unseen.push(words[i].clone())
            }
            None => query.unknown.push(words[i].clone()),
        }
        i += used.max(1);
    }
    query
}

/// The term that starts `words`, and how many words it took.
fn read_term(words: &[String], vocabulary: &Vocabulary, h: &Hierarchy) -> (Option<Term>, usize) {
    if let Some(found) = read_date(words) {
        return found;
    }
    for n in (1..=words.len().min(3)).rev() {
        let phrase = words[..n].join(" ");
        if vocabulary.places.contains(&phrase) {
            return (Some(Term::Place(phrase)), n);
        }
    }
    if words[0].len() >= 3 && vocabulary.cameras.contains(&words[0]) {
        return (Some(Term::Camera(words[0].clone())), 1);
    }
    for n in (1..=words.len().min(2)).rev() {
        let phrase = words[..n].join(" ");
        if n == 1 && STOP_WORDS.contains(&phrase.as_str()) {
            break;
        }
        let (classes, like) = match h.meaning(&phrase) {
            Meaning::Classes(classes) => (classes, None),
            Meaning::Like { concept, classes } => (classes, Some(concept.to_string())),
            Meaning::Unseen | Meaning::Unknown => continue,
        };
        return (
            Some(Term::Content {
                word: phrase,
                classes,
                like,
            }),
            n,
        );
    }
    (None, 1)
}

/// "2023", "2023-06", "2023-06-12", "june", "june 2024".
fn read_date(words: &[String]) -> Option<(Option<Term>, usize)> {
    let first = words[0].as_str();
    if let Some(month) = month_number(first) {
        let year = words.get(1).and_then(|w| year_of(w));
        let date = Term::Date {
            year,
            month: Some(month),
            day: None,
        };
        return Some((Some(date), if year.is_some() { 2 } else { 1 }));
    }
    let parts: Vec<&str> = first.split('-').collect();
    let year = year_of(parts[0])?;
    let number = |k: usize, max: u32| {
        parts
            .get(k)
            .and_then(|p| p.parse::<u32>().ok())
            .filter(|v| (1..=max).contains(v))
    };
    let (month, day) = (number(1, 12), number(2, 31));
    if parts.len() > 1 && month.is_none() || parts.len() > 2 && day.is_none() || parts.len() > 3 {
        return None;
    }
    Some((
        Some(Term::Date {
            year: Some(year),
            month,
            day,
        }),
        1,
    ))
}

fn year_of(word: &str) -> Option<i32> {
    (word.len() == 4)
        .then(|| word.parse::<i32>().ok())
        .flatten()
        .filter(|y| (1826..=2200).contains(y))
}

/// "june" or "jun" -> 6.
fn month_number(word: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| *m == word || (word.len() == 3 && m.starts_with(word)))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        Vocabulary {
            places: ["munich", "new york", "germany"].map(String::from).into(),
            cameras: ["canon", "iphone", "apple"].map(String::from).into(),
        }
    }

    #[test]
    fn a_combined_query() {
        let q = parse("Dog 2023 Munich", &vocabulary(), Hierarchy::shipped());
        assert_eq!(q.unknown, Vec::<String>::new());
        assert!(
            matches!(&q.terms[0], Term::Content { word, classes, like: None } if word == "dog" && classes.len() > 100)
        );
        assert_eq!(
            q.terms[1],
            Term::Date {
                year: Some(2023),
                month: None,
                day: None
            }
        );
        assert_eq!(q.terms[2], Term::Place("munich".into()));
    }

    #[test]
    fn dates_places_cameras_and_unknown_words() {
        let q = parse(
            "June 2024, 2019-07-14 photos from New York with canon, qwzx golf ball",
            &vocabulary(),
            Hierarchy::shipped(),
        );
        assert_eq!(
            q.terms[..4],
            [
                Term::Date {
                    year: Some(2024),
                    month: Some(6),
                    day: None
                },
                Term::Date {
                    year: Some(2019),
                    month: Some(7),
                    day: Some(14)
                },
                Term::Place("new york".into()),
                Term::Camera("canon".into()),
            ]
        );
        assert!(
            matches!(&q.terms[4], Term::Content { word, classes, .. } if word == "golf ball" && classes.len() == 1)
        );
        assert_eq!(q.unknown, vec!["qwzx".to_string()]);
        let unseen = parse("forest beach", &vocabulary(), Hierarchy::shipped());
        assert_eq!(unseen.unseen, vec!["forest".to_string()]);
        assert!(
            matches!(&unseen.terms[..], [Term::Content { word, like: Some(c), .. }] if word == "beach" && c == "shore")
        );
        let why = unseen.unknown_words_message().expect("a reason");
        assert!(why.contains("cannot see \"forest\""), "{why}");
        let bad = parse("2023-13", &vocabulary(), Hierarchy::shipped());
        assert_eq!(bad.unknown, vec!["2023-13".to_string()]);
    }
}
