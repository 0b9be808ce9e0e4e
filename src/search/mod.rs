//! Similar photos: nearest neighbours by cosine similarity over the latent codes.
//! Codes are L2-normalised once when the index is built, so a query is one
//! matrix-vector product and a partial sort; at the code sizes used here that
//! answers in milliseconds for 100,000 photos (see `benches/similar.rs`).

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
    /// Builds the index; every code must have the same length.
    pub fn new<'a>(codes: impl IntoIterator<Item = &'a [f32]>) -> Self {
        let mut index = Self::default();
        for code in codes {
            if index.unit.is_empty() {
                index.dim = code.len();
            }
            if code.len() != index.dim {
                continue;
            }
            let start = index.unit.len();
            index.unit.extend_from_slice(code);
            normalise(&mut index.unit[start..]);
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
}
