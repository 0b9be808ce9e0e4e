//! Finding photos. The library search (`query`, `index`, `build`): what a person
//! types, read into dates, places, cameras and WordNet nouns, answered from an
//! in-memory index of every photo's date, place names, camera and top ImageNet
//! classes. Similar photos (this file, `similar`, `ann`): nearest neighbours by
//! cosine similarity over the latent codes, re-ranked with the photos' own features
//! so that copies of the query come first; vectors are L2-normalised once when an
//! index is built, so a query is one matrix-vector product and a partial sort (in
//! milliseconds for 100,000 photos, see `benches/similar.rs`); `folder_codes` keeps
//! a folder's codes between searches. And `duplicates`.

pub mod ann;
pub mod build;
pub mod duplicates;
pub mod folder_codes;
pub mod index;
pub mod query;
pub mod similar;

/// A brute-force cosine index over fixed-length codes.
#[derive(Debug, Clone, Default)]
pub struct CodeIndex {
    dim: usize,
    /// Row-major unit vectors, `dim` values per item.
    unit: Vec<f32>,
}

/// One hit: the item's position in the index and its cosine similarity to the query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub item: usize,
    pub score: f32,
}

fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

impl CodeIndex {
    /// Builds the index. Items keep their positions: a code whose length differs from
    /// the first one's (a missing vector) becomes zeros, similar to nothing.
    pub fn new<'a>(codes: impl IntoIterator<Item = &'a [f32]>) -> Self {
        let mut index = Self::default();
        for (i, code) in codes.into_iter().enumerate() {
            if i == 0 {
                index.dim = code.len();
            }
            let start = index.unit.len();
            if code.len() == index.dim {
                index.unit.extend_from_slice(code);
                normalise(&mut index.unit[start..]);
            } else {
                index.unit.resize(start + index.dim, 0.0);
            }
        }
        index
    }

    pub fn len(&self) -> usize {
        self.unit.len().checked_div(self.dim).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The code of an item, unit length.
    pub fn code(&self, item: usize) -> &[f32] {
        &self.unit[item * self.dim..(item + 1) * self.dim]
    }

    /// The `k` items most similar to `query`, best first, leaving out `exclude`.
    pub fn search(&self, query: &[f32], k: usize, exclude: Option<usize>) -> Vec<Hit> {
        if query.len() != self.dim || self.is_empty() || k == 0 {
            return Vec::new();
        }
        let mut q = query.to_vec();
        normalise(&mut q);
        let mut hits: Vec<Hit> = self
            .unit
            .chunks_exact(self.dim)
            .enumerate()
            .filter(|&(item, _)| Some(item) != exclude)
            .map(|(item, row)| Hit {
                item,
                score: row.iter().zip(&q).map(|(a, b)| a * b).sum(),
            })
            .collect();
        let k = k.min(hits.len());
        if k < hits.len() {
            hits.select_nth_unstable_by(k - 1, |a, b| b.score.total_cmp(&a.score));
            hits.truncate(k);
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
        hits
    }
}

/// Two photos whose backbone features have at least this cosine similarity are
/// near-duplicates whatever their codes say (distinct photos of one scene rarely
/// pass 0.91: the 99th percentile of each photo's closest other photo in intel-scenes).
pub const NEAR_DUPLICATE: f32 = 0.95;

/// Candidates taken from the code index before re-ranking with the features. A copy
/// of a photo has nearly the photo's code, so it is among them; scanning only these
/// (not every photo's 1280 features) keeps a query at 100,000 photos in milliseconds.
const CANDIDATES: usize = 2000;

/// One similar photo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similar {
    pub item: usize,
    /// The ranking score: the mean of the codes' and the features' cosine similarity.
    pub score: f32,
    pub near_duplicate: bool,
}

fn cosine(index: &CodeIndex, item: usize, unit_query: &[f32]) -> f32 {
    if item >= index.len() {
        return 0.0;
    }
    dot_if_same_length(index.code(item), unit_query)
}

/// The `k` photos most similar to a query. Candidates are the nearest latent codes
/// (what the library taught the model: same kind of scene); they are ranked by the
/// mean of the codes' and the features' similarity, so that within a cluster, where
/// codes barely differ, the photo that looks most like the query comes first, and a
/// resized or re-compressed copy tops the list. Near-duplicates by the features'
/// similarity alone come before everything else.
pub fn similar(
    codes: &CodeIndex,
    features: &CodeIndex,
    query_code: &[f32],
    query_features: &[f32],
    k: usize,
    exclude: Option<usize>,
) -> Vec<Similar> {
    similar_with(
        codes,
        None,
        features,
        query_code,
        query_features,
        k,
        exclude,
    )
}

/// `similar`, taking the candidates from an approximate index when one is given.
pub fn similar_with(
    codes: &CodeIndex,
    approximate: Option<&ann::AnnIndex>,
    features: &CodeIndex,
    query_code: &[f32],
    query_features: &[f32],
    k: usize,
    exclude: Option<usize>,
) -> Vec<Similar> {
    let items = candidates(codes, approximate, query_code, k, exclude);
    let feature = |j: usize| match items[j] < features.len() {
        true => features.code(items[j]),
        false => &[],
    };
    rank(codes, &items, feature, query_code, query_features, k)
}

/// The items a query's `k` similar photos are chosen from: those with the
/// nearest codes (`CANDIDATES` of them, or `k` if more), from the approximate
/// index when one is given.
pub fn candidates(
    codes: &CodeIndex,
    approximate: Option<&ann::AnnIndex>,
    query_code: &[f32],
    k: usize,
    exclude: Option<usize>,
) -> Vec<usize> {
    let wanted = CANDIDATES.max(k);
    match approximate {
        Some(index) => index.search(query_code, wanted, exclude),
        None => codes.search(query_code, wanted, exclude),
    }
    .into_iter()
    .map(|h| h.item)
    .collect()
}

/// The `k` best of `items` (from `candidates`) by the mean of their codes' and
/// features' similarity to the query, near-duplicates first; `feature(j)` is the
/// unit feature vector of `items[j]` (empty or of another length when it has none).
pub fn rank<'a>(
    codes: &CodeIndex,
    items: &[usize],
    feature: impl Fn(usize) -> &'a [f32],
    query_code: &[f32],
    query_features: &[f32],
    k: usize,
) -> Vec<Similar> {
    let (mut qc, mut qf) = (query_code.to_vec(), query_features.to_vec());
    normalise(&mut qc);
    normalise(&mut qf);
    let mut out: Vec<Similar> = items
        .iter()
        .enumerate()
        .map(|(j, &item)| {
            let f = dot_if_same_length(feature(j), &qf);
            Similar {
                item,
                score: 0.5 * (cosine(codes, item, &qc) + f),
                near_duplicate: f >= NEAR_DUPLICATE,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.near_duplicate
            .cmp(&a.near_duplicate)
            .then(b.score.total_cmp(&a.score))
            .then(a.item.cmp(&b.item))
    });
    out.truncate(k);
    out
}

fn dot_if_same_length(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_most_similar_direction_first_and_leaves_out_the_query() {
        let codes: Vec<Vec<f32>> = vec![
            vec![1.0, 0.0, 0.0],
            vec![10.0, 1.0, 0.0], // same direction as the first, longer
            vec![0.0, 1.0, 0.0],
            vec![-1.0, 0.0, 0.0],
        ];
        let index = CodeIndex::new(codes.iter().map(Vec::as_slice));
        assert_eq!(index.len(), 4);
        let hits = index.search(&codes[0], 3, Some(0));
        let order: Vec<usize> = hits.iter().map(|h| h.item).collect();
        assert_eq!(order, [1, 2, 3]);
        assert!((hits[0].score - 10.0 / 101f32.sqrt()).abs() < 1e-6);
        assert!((hits[2].score + 1.0).abs() < 1e-6);
        assert!(
            index.search(&[1.0, 0.0], 3, None).is_empty(),
            "wrong length"
        );
        assert_eq!(index.search(&codes[2], 10, None).len(), 4);
    }

    #[test]
    fn near_duplicates_come_before_closer_codes_and_missing_vectors_keep_their_place() {
        // Item 2's code is closest to the query, but item 1's features are a near copy.
        let codes: Vec<Vec<f32>> = vec![vec![0.0, 1.0], vec![0.6, 0.8], vec![1.0, 0.05]];
        let features: Vec<Vec<f32>> = vec![vec![0.0, 1.0, 0.0], vec![1.0, 0.01, 0.0], vec![]];
        let codes = CodeIndex::new(codes.iter().map(Vec::as_slice));
        let features = CodeIndex::new(features.iter().map(Vec::as_slice));
        assert_eq!(features.len(), 3, "the missing vector keeps its slot");
        let hits = similar(&codes, &features, &[1.0, 0.0], &[1.0, 0.0, 0.0], 2, None);
        let order: Vec<(usize, bool)> = hits.iter().map(|h| (h.item, h.near_duplicate)).collect();
        assert_eq!(order, [(1, true), (2, false)]);
        // Item 1: codes 0.6, features ~1.0; item 2: codes ~1.0, features 0 (missing).
        assert!((hits[0].score - 0.8).abs() < 1e-3, "{hits:?}");
        assert!((hits[1].score - 0.5).abs() < 1e-3, "{hits:?}");
    }
}
