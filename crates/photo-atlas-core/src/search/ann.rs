//! An approximate nearest-neighbour index (HNSW, from the instant-distance crate)
//! over unit-length latent codes, for libraries above `BRUTE_FORCE_LIMIT` photos
//! where one brute-force pass per query grows past a few milliseconds. Building
//! the graph costs far more than one brute-force query, so it pays off only for an
//! index that answers many queries (the window keeps it while a folder is open);
//! `benches/similar.rs` measures its recall against brute force.

use instant_distance::{Builder, HnswMap, Point, Search};

use super::{CodeIndex, Hit};

/// Up to this many photos a brute-force scan is fast enough (2.3 ms at 100,000).
pub const BRUTE_FORCE_LIMIT: usize = 100_000;

/// A unit-length code; the distance is 1 − cosine.
#[derive(Clone, Debug)]
struct Code(Vec<f32>);

impl Point for Code {
    fn distance(&self, other: &Self) -> f32 {
        1.0 - self.0.iter().zip(&other.0).map(|(a, b)| a * b).sum::<f32>()
    }
}

/// The HNSW graph over a `CodeIndex`'s items.
pub struct AnnIndex {
    map: HnswMap<Code, usize>,
}

impl AnnIndex {
    /// Builds the graph (in parallel); `ef_search` trades speed for recall.
    pub fn build(codes: &CodeIndex, ef_search: usize, seed: u64) -> Self {
        let points: Vec<Code> = (0..codes.len())
            .map(|i| Code(codes.code(i).to_vec()))
            .collect();
        let values: Vec<usize> = (0..codes.len()).collect();
        let map = Builder::default()
            .ef_search(ef_search)
            .seed(seed)
            .build(points, values);
        Self { map }
    }

    /// About the `k` items nearest to `query` (unit length or not), best first.
    pub fn search(&self, query: &[f32], k: usize, exclude: Option<usize>) -> Vec<Hit> {
        let norm = query
            .iter()
            .map(|x| x * x)
            .sum::<f32>()
            .sqrt()
            .max(f32::MIN_POSITIVE);
        let q = Code(query.iter().map(|x| x / norm).collect());
        let mut search = Search::default();
        self.map
            .search(&q, &mut search)
            .filter(|item| Some(*item.value) != exclude)
            .take(k)
            .map(|item| Hit {
                item: *item.value,
                score: 1.0 - item.distance,
            })
            .collect()
    }
}

/// The share of the true `k` nearest items (by brute force) that `found` holds.
pub fn recall(truth: &[Hit], found: &[Hit]) -> f64 {
    if truth.is_empty() {
        return 1.0;
    }
    let hits = truth
        .iter()
        .filter(|t| found.iter().any(|f| f.item == t.item))
        .count();
    hits as f64 / truth.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn finds_nearly_what_brute_force_finds() {
        let mut rng = rand_xoshiro::Xoshiro256Plus::seed_from_u64(2);
        let raw: Vec<f32> = (0..2000 * 16).map(|_| rng.gen_range(-1.0..1.0)).collect();
        let codes = CodeIndex::new(raw.chunks_exact(16));
        let ann = AnnIndex::build(&codes, 100, 7);
        let mut total = 0.0;
        for q in 0..50 {
            let truth = codes.search(codes.code(q), 10, Some(q));
            let found = ann.search(codes.code(q), 10, Some(q));
            assert!(found.iter().all(|h| h.item != q));
            total += recall(&truth, &found);
        }
        assert!(total / 50.0 > 0.9, "recall {}", total / 50.0);
    }
}
