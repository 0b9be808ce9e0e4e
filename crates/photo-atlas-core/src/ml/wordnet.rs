//! The WordNet noun hierarchy above the 1,000 ImageNet classes the backbone
//! scores (`assets/imagenet-wordnet.tsv`, made from WordNet 3.0 and timm's class
//! list by `assets/make_imagenet_wordnet.py`). It turns the words a person types
//! ("dog", "vehicle", "flower") into the classes beneath them (every dog breed,
//! trucks and cars, daisies), and names a content group by the most specific
//! concept that covers most of its photos ("Dogs", "Trucks"). A noun with no class
//! beneath it borrows the classes of what it is part or a kind of ("beach": shore),
//! and one with none near is told apart from a word WordNet does not know
//! (`assets/wordnet-nouns.txt`), so the search can say which it is.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Concepts that cover more classes than this are too general to name a group
/// ("organism", "artifact", "mammal").
const MAX_NAMING_CLASSES: usize = 130;
/// Concepts this close to WordNet's root ("geological formation", "artifact", "food")
/// are too vague to name a group, unless they are a class themselves.
const MIN_NAMING_DEPTH: usize = 4;
/// A concept names a group when its classes hold at least this share of the
/// group's average probability.
const NAMING_SHARE: f32 = 0.5;

/// One WordNet synset: its words, and the synsets directly above it.
#[derive(Debug)]
struct Synset {
    words: Vec<&'static str>,
    parents: Vec<usize>,
}

/// The hierarchy, with each class's ancestors (itself included) precomputed.
#[derive(Debug)]
pub struct Hierarchy {
    synsets: Vec<Synset>,
    /// The synset of each class, in the network's output order.
    classes: Vec<usize>,
    /// For each synset, the classes beneath it (itself included), sorted.
    classes_under: Vec<Vec<u16>>,
    /// Lower-case word -> synsets that have it.
    by_word: HashMap<String, Vec<usize>>,
    /// Steps from each synset up to the root ("entity"), by the shortest way.
    depth: Vec<usize>,
    /// Nouns with no class beneath them, and the synset of the nearest concept that has some.
    related: HashMap<&'static str, usize>,
    /// Every other one-word noun of WordNet (known, but nothing ImageNet can see).
    nouns: HashSet<&'static str>,
}

/// What a word means to the classifier.
#[derive(Clone, Debug, PartialEq)]
pub enum Meaning {
    /// The ImageNet classes it names (a class, or a concept above classes).
    Classes(Vec<u16>),
    /// No class is beneath it, but it is part of or a kind of `concept`, whose classes these are.
    Like {
        concept: &'static str,
        classes: Vec<u16>,
    },
    /// A noun of WordNet that no ImageNet class is near ("forest").
    Unseen,
    /// Not a noun WordNet knows.
    Unknown,
}

/// Words people use for things WordNet 3.0 (2006) has no noun for, and the concept
/// in the table that covers them.
const ALIASES: [(&str, &str); 3] = [
    ("screenshot", "web site"),
    ("screenshots", "web site"),
    ("webpage", "web site"),
];

static SHIPPED: LazyLock<Hierarchy> = LazyLock::new(|| {
    Hierarchy::parse(
        include_str!("../../../../assets/imagenet-wordnet.tsv"),
        include_str!("../../../../assets/wordnet-nouns.txt"),
    )
    .expect("the shipped WordNet table is well formed")
});

impl Hierarchy {
    /// The table compiled into the binary.
    pub fn shipped() -> &'static Self {
        &SHIPPED
    }

    fn parse(text: &'static str, nouns: &'static str) -> Option<Self> {
        let mut class_offsets = Vec::new();
        let mut rows = Vec::new();
        let mut related_rows = Vec::new();
        for line in text.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields.as_slice() {
                ["c", offset] => class_offsets.push(*offset),
                ["s", offset, parents, words] => rows.push((*offset, *parents, *words)),
                ["r", word, offset] => related_rows.push((*word, *offset)),
                _ => return None,
            }
        }
        let index: HashMap<&str, usize> = rows.iter().enumerate().map(|(i, r)| (r.0, i)).collect();
        let synsets: Vec<Synset> = rows
            .iter()
            .map(|(_, parents, words)| Synset {
                words: words.split('|').collect(),
                parents: parents
                    .split(',')
                    .filter_map(|p| index.get(p).copied())
                    .collect(),
            })
            .collect();
        let classes: Vec<usize> = class_offsets
            .iter()
            .map(|o| index.get(o).copied())
            .collect::<Option<_>>()?;
        let mut classes_under = vec![Vec::new(); synsets.len()];
        for (class, &synset) in classes.iter().enumerate() {
            for ancestor in ancestors(&synsets, synset) {
                classes_under[ancestor].push(class as u16);
            }
        }
        let depth = depths(&synsets);
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, s) in synsets.iter().enumerate() {
            for w in &s.words {
                by_word.entry(w.to_lowercase()).or_default().push(i);
            }
        }
        let related = related_rows
            .into_iter()
            .map(|(word, offset)| index.get(offset).map(|&s| (word, s)))
            .collect::<Option<_>>()?;
        Some(Self {
            synsets,
            classes,
            classes_under,
            by_word,
            depth,
            related,
            nouns: nouns.lines().collect(),
        })
    }

    pub fn class_count(&self) -> usize {
        self.classes.len()
    }

    /// The classes a word names: those of every synset with that word (or its
    /// singular) and of everything beneath them. Empty when WordNet has no such noun
    /// above an ImageNet class.
    pub fn classes_for_word(&self, word: &str) -> Vec<u16> {
        let word = word.trim().to_lowercase();
        let mut found: Vec<u16> = singulars(&word)
            .iter()
            .filter_map(|w| self.by_word.get(w))
            .flatten()
            .flat_map(|&s| self.classes_under[s].iter().copied())
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// What `word` (or its singular) means to the classifier: its classes, else
    /// those of the nearest concept it is part or a kind of, else whether it is a noun.
    pub fn meaning(&self, word: &str) -> Meaning {
        let classes = self.classes_for_word(word);
        if !classes.is_empty() {
            return Meaning::Classes(classes);
        }
        let word = word.trim().to_lowercase();
        let forms = singulars(&word);
        let near = forms.iter().find_map(|w| {
            self.related.get(w.as_str()).copied().or_else(|| {
                let (_, concept) = ALIASES.iter().find(|(alias, _)| alias == w)?;
                self.by_word.get(*concept)?.first().copied()
            })
        });
        if let Some(s) = near {
            return Meaning::Like {
                concept: self.synsets[s].words[0],
                classes: self.classes_under[s].clone(),
            };
        }
        if forms.iter().any(|w| self.nouns.contains(w.as_str())) {
            Meaning::Unseen
        } else {
            Meaning::Unknown
        }
    }

    /// A group's name from how its photos are shared among the classes (each photo's
    /// most likely class, or average probabilities): the most specific concept whose
    /// classes hold at least half, in the plural ("Dogs", "Golf balls"); `None` when
    /// no concept narrow enough does. A concept near the root names nothing.
    pub fn name_for(&self, class_shares: &[f32]) -> Option<String> {
        let mass = |s: usize| -> f32 {
            self.classes_under[s]
                .iter()
                .filter_map(|&c| class_shares.get(usize::from(c)))
                .sum()
        };
        let best = (0..self.synsets.len())
            .filter(|&s| {
                let n = self.classes_under[s].len();
                n > 0 && n <= MAX_NAMING_CLASSES && (n == 1 || self.depth[s] >= MIN_NAMING_DEPTH)
            })
            .filter(|&s| mass(s) >= NAMING_SHARE)
            .min_by_key(|&s| {
                (
                    self.classes_under[s].len(),
                    std::cmp::Reverse(ordered(mass(s))),
                )
            })?;
        let word = self.synsets[best].words.first()?;
        Some(capitalise(&plural(word)))
    }
}

/// Each synset's shortest number of steps up to a root (parents come in any order).
fn depths(synsets: &[Synset]) -> Vec<usize> {
    let mut depth: Vec<Option<usize>> = synsets
        .iter()
        .map(|s| s.parents.is_empty().then_some(0))
        .collect();
    // Relaxed until nothing changes: the table is a shallow DAG (about 20 levels).
    let mut changed = true;
    while changed {
        changed = false;
        for (i, s) in synsets.iter().enumerate() {
            let best = s
                .parents
                .iter()
                .filter_map(|&p| depth[p])
                .min()
                .map(|d| d + 1);
            if best.is_some() && (depth[i].is_none() || best < depth[i]) {
                depth[i] = best;
                changed = true;
            }
        }
    }
    depth.into_iter().map(|d| d.unwrap_or(0)).collect()
}

/// `synset` and every synset above it.
fn ancestors(synsets: &[Synset], synset: usize) -> Vec<usize> {
    let mut seen = vec![synset];
    let mut todo = vec![synset];
    while let Some(s) = todo.pop() {
        for &p in &synsets[s].parents {
            if !seen.contains(&p) {
                seen.push(p);
                todo.push(p);
            }
        }
    }
    seen
}

/// A probability as an integer key for ordering (ties broken by more mass).
fn ordered(p: f32) -> u32 {
    (p.clamp(0.0, 1.0) * 1e6) as u32
}

/// The word and the singular forms it may be a plural of ("daisies" -> "daisy").
fn singulars(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    if let Some(stem) = word.strip_suffix("ies") {
        out.push(format!("{stem}y"));
    }
    if let Some(stem) = word.strip_suffix("es") {
        out.push(stem.to_string());
    }
    if let Some(stem) = word.strip_suffix('s') {
        out.push(stem.to_string());
    }
    out
}

/// English plural of the last word of a noun phrase ("golf ball" -> "golf balls").
fn plural(phrase: &str) -> String {
    let consonant_y = phrase.ends_with('y')
        && !phrase
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| "aeiou".contains(c));
    if consonant_y {
        format!("{}ies", &phrase[..phrase.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| phrase.ends_with(e))
    {
        format!("{phrase}es")
    } else {
        format!("{phrase}s")
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::efficientnet::imagenet_classes;

    fn class_named(name: &str) -> u16 {
        let classes = imagenet_classes();
        classes
            .iter()
            .position(|c| c.split(',').next() == Some(name))
            .unwrap_or_else(|| panic!("no class {name}")) as u16
    }

    #[test]
    fn the_table_covers_the_networks_classes_in_order() {
        let h = Hierarchy::shipped();
        assert_eq!(h.class_count(), 1000);
        let names = imagenet_classes();
        for (class, &synset) in h.classes.iter().enumerate() {
            let first = names[class].split(',').next().expect("name");
            assert_eq!(h.synsets[synset].words[0], first, "class {class}");
        }
    }

    #[test]
    fn general_words_reach_the_classes_beneath_them() {
        let h = Hierarchy::shipped();
        let dogs = h.classes_for_word("dog");
        assert!(dogs.len() > 100, "{} dog classes", dogs.len());
        assert!(dogs.contains(&class_named("golden retriever")));
        assert!(!dogs.contains(&class_named("tabby")));
        assert_eq!(h.classes_for_word("dogs"), dogs);
        let vehicles = h.classes_for_word("vehicle");
        assert!(vehicles.contains(&class_named("minivan")));
        assert!(vehicles.contains(&class_named("fire engine")));
        assert!(
            h.classes_for_word("daisies")
                .contains(&class_named("daisy"))
        );
        assert!(h.classes_for_word("flower").contains(&class_named("daisy")));
        assert!(h.classes_for_word("qwertyuiop").is_empty());
    }

    #[test]
    fn words_without_classes_borrow_the_nearest_concept_or_say_they_are_unseen() {
        let h = Hierarchy::shipped();
        let like = |word: &str| match h.meaning(word) {
            Meaning::Like { concept, classes } => (concept, classes),
            other => panic!("{word}: {other:?}"),
        };
        // A beach is part of a shore; a cathedral is a church; a puppy is a dog.
        let (concept, classes) = like("beach");
        assert_eq!(concept, "shore");
        assert!(classes.contains(&class_named("seashore")));
        assert_eq!(like("cathedrals").1, vec![class_named("church")]);
        assert_eq!(like("puppy").1, h.classes_for_word("dog"));
        assert!(like("screenshot").1.contains(&class_named("web site")));
        assert_eq!(h.meaning("forest"), Meaning::Unseen);
        assert_eq!(h.meaning("glaciers"), Meaning::Unseen);
        assert_eq!(h.meaning("qwertyuiop"), Meaning::Unknown);
        assert!(matches!(h.meaning("dog"), Meaning::Classes(c) if c.len() > 100));
    }

    #[test]
    fn groups_are_named_by_the_concept_covering_most_of_them() {
        let h = Hierarchy::shipped();
        let mut p = vec![0.0; 1000];
        for (name, share) in [("golden retriever", 0.3), ("pug", 0.3), ("tabby", 0.1)] {
            p[usize::from(class_named(name))] = share;
        }
        assert_eq!(h.name_for(&p).as_deref(), Some("Dogs"));
        let mut q = vec![0.001; 1000];
        q[usize::from(class_named("golf ball"))] = 0.8;
        assert_eq!(h.name_for(&q).as_deref(), Some("Golf balls"));
        let flat = vec![0.001; 1000];
        assert_eq!(h.name_for(&flat), None);
    }

    #[test]
    fn concepts_near_the_root_name_nothing() {
        let h = Hierarchy::shipped();
        // Seashore, promontory and sandbar meet only in "geological formation".
        let mut p = vec![0.0; 1000];
        for (name, share) in [("seashore", 0.3), ("promontory", 0.2), ("sandbar", 0.1)] {
            p[usize::from(class_named(name))] = share;
        }
        assert_eq!(h.name_for(&p), None);
        // Alp and volcano are mountains.
        let mut q = vec![0.0; 1000];
        for (name, share) in [("alp", 0.4), ("volcano", 0.15)] {
            q[usize::from(class_named(name))] = share;
        }
        assert_eq!(h.name_for(&q).as_deref(), Some("Mountains"));
    }

    #[test]
    fn plurals() {
        assert_eq!(plural("daisy"), "daisies");
        assert_eq!(plural("church"), "churches");
        assert_eq!(plural("bus"), "buses");
        assert_eq!(plural("monkey"), "monkeys");
        assert_eq!(plural("golf ball"), "golf balls");
    }
}
