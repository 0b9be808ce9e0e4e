//! How good a clustering is against known labels: NMI, ARI and Hungarian-matched
//! accuracy (the figures the DEC literature reports), plus precision@k of
//! nearest-neighbour retrieval. Used by `photo-atlas eval` and the quality tests;
//! nothing here is needed to cluster a user's library.

use ndarray::{Array2, Axis};
use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;

/// Counts of (true label, predicted cluster) pairs, with both sides renumbered from 0.
struct Contingency {
    counts: Vec<Vec<u64>>,
    n: u64,
}

impl Contingency {
    fn new(truth: &[usize], predicted: &[usize]) -> Self {
        assert_eq!(truth.len(), predicted.len(), "one label per item");
        let rows = truth.iter().max().map_or(0, |m| m + 1);
        let cols = predicted.iter().max().map_or(0, |m| m + 1);
        let mut counts = vec![vec![0u64; cols]; rows];
        for (&t, &p) in truth.iter().zip(predicted) {
            counts[t][p] += 1;
        }
        Self {
            counts,
            n: truth.len() as u64,
        }
    }

    fn row_sums(&self) -> Vec<u64> {
        self.counts.iter().map(|r| r.iter().sum()).collect()
    }

    fn col_sums(&self) -> Vec<u64> {
        let cols = self.counts.first().map_or(0, Vec::len);
        (0..cols)
            .map(|c| self.counts.iter().map(|r| r[c]).sum())
            .collect()
    }
}

fn entropy(sums: &[u64], n: f64) -> f64 {
    sums.iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.ln()
        })
        .sum()
}

/// Normalised mutual information with the arithmetic-mean normaliser (scikit-learn's default).
pub fn nmi(truth: &[usize], predicted: &[usize]) -> f64 {
    let table = Contingency::new(truth, predicted);
    let n = table.n as f64;
    if table.n == 0 {
        return 0.0;
    }
    let (rows, cols) = (table.row_sums(), table.col_sums());
    let mut mi = 0.0;
    for (r, row) in table.counts.iter().enumerate() {
        for (c, &count) in row.iter().enumerate() {
            if count > 0 {
                let joint = count as f64 / n;
                mi += joint * (joint * n * n / (rows[r] as f64 * cols[c] as f64)).ln();
            }
        }
    }
    let (hr, hc) = (entropy(&rows, n), entropy(&cols, n));
    if hr == 0.0 && hc == 0.0 {
        return 1.0;
    }
    (mi / ((hr + hc) / 2.0)).clamp(0.0, 1.0)
}

fn pairs(x: u64) -> f64 {
    (x as f64) * (x as f64 - 1.0) / 2.0
}

/// Adjusted Rand index: 1 for identical partitions, about 0 for random ones.
pub fn ari(truth: &[usize], predicted: &[usize]) -> f64 {
    let table = Contingency::new(truth, predicted);
    let index: f64 = table.counts.iter().flatten().map(|&c| pairs(c)).sum();
    let row: f64 = table.row_sums().into_iter().map(pairs).sum();
    let col: f64 = table.col_sums().into_iter().map(pairs).sum();
    let expected = row * col / pairs(table.n).max(1.0);
    let max = (row + col) / 2.0;
    if (max - expected).abs() < f64::EPSILON {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// Accuracy after the best one-to-one matching of clusters to labels (Hungarian method).
pub fn accuracy(truth: &[usize], predicted: &[usize]) -> f64 {
    let table = Contingency::new(truth, predicted);
    if table.n == 0 {
        return 0.0;
    }
    let side = table
        .counts
        .len()
        .max(table.counts.first().map_or(0, Vec::len));
    // Rows are clusters, columns labels; kuhn_munkres maximises the matched counts.
    let weights = Matrix::from_fn(side, side, |(cluster, label)| {
        table
            .counts
            .get(label)
            .and_then(|row| row.get(cluster))
            .map_or(0, |&c| c as i64)
    });
    let (matched, _) = kuhn_munkres(&weights);
    matched as f64 / table.n as f64
}

/// Rows scaled to unit length (zero rows stay zero), so that a dot product is a cosine.
pub fn l2_normalised(rows: &Array2<f32>) -> Array2<f32> {
    let mut out = rows.clone();
    for mut row in out.axis_iter_mut(Axis(0)) {
        let norm = row.dot(&row).sqrt();
        if norm > 0.0 {
            row /= norm;
        }
    }
    out
}

/// The share of each item's `k` most similar items (cosine, itself excluded) that
/// carry its label, averaged over all items.
pub fn precision_at_k(codes: &Array2<f32>, labels: &[usize], k: usize) -> f64 {
    precision_at_k_blended(codes, None, labels, k)
}

/// `precision_at_k` where similarity is the mean of the codes' cosine and, when
/// given, the features' cosine (how `search::similar` ranks).
pub fn precision_at_k_blended(
    codes: &Array2<f32>,
    features: Option<&Array2<f32>>,
    labels: &[usize],
    k: usize,
) -> f64 {
    let unit = l2_normalised(codes);
    let unit_features = features.map(l2_normalised);
    let n = unit.nrows();
    if n < 2 {
        return 0.0;
    }
    let mut total = 0usize;
    // Blocks of rows keep the similarity matrix small for large sets.
    for start in (0..n).step_by(1024) {
        let rows = start..(start + 1024).min(n);
        let block = unit.slice(ndarray::s![rows.clone(), ..]);
        let mut sims = block.dot(&unit.t());
        if let Some(f) = &unit_features {
            let feature_sims = f.slice(ndarray::s![rows, ..]).dot(&f.t());
            sims = (sims + feature_sims) * 0.5;
        }
        for (offset, row) in sims.axis_iter(Axis(0)).enumerate() {
            let query = start + offset;
            let mut order: Vec<usize> = (0..n).filter(|&j| j != query).collect();
            let kk = k.min(order.len());
            order.select_nth_unstable_by(kk - 1, |&a, &b| row[b].total_cmp(&row[a]));
            total += order[..kk]
                .iter()
                .filter(|&&j| labels[j] == labels[query])
                .count();
        }
    }
    total as f64 / (n * k.min(n - 1)) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_partitions_score_one_whatever_the_cluster_numbers() {
        let truth = [0, 0, 1, 1, 2, 2];
        let renamed = [2, 2, 0, 0, 1, 1];
        assert!((nmi(&truth, &renamed) - 1.0).abs() < 1e-12);
        assert!((ari(&truth, &renamed) - 1.0).abs() < 1e-12);
        assert!((accuracy(&truth, &renamed) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn known_values_from_scikit_learn() {
        // Computed independently (Python, scikit-learn's formulas): NMI 0.51580374, ARI 0.24242424.
        let truth = [0, 0, 0, 1, 1, 1];
        let predicted = [0, 0, 1, 1, 2, 2];
        assert!((nmi(&truth, &predicted) - 0.515_803_742_979_388_9).abs() < 1e-9);
        assert!((ari(&truth, &predicted) - 0.242_424_242_424_242_43).abs() < 1e-9);
        // Best matching: cluster 0 -> label 0 (2 right), cluster 1 or 2 -> label 1 (2 right).
        assert!((accuracy(&truth, &predicted) - 4.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn one_cluster_for_everything_carries_no_information() {
        let truth = [0, 1, 0, 1, 2, 2];
        let lumped = [0; 6];
        assert!(nmi(&truth, &lumped).abs() < 1e-12);
        assert!(ari(&truth, &lumped).abs() < 1e-12);
        assert!((accuracy(&truth, &lumped) - 2.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn precision_counts_neighbours_that_share_the_label() {
        // Two tight pairs far apart: each item's nearest neighbour has its label.
        let codes = ndarray::arr2(&[[1.0f32, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]]);
        assert!((precision_at_k(&codes, &[0, 0, 1, 1], 1) - 1.0).abs() < 1e-12);
        assert!((precision_at_k(&codes, &[0, 1, 0, 1], 1)).abs() < 1e-12);
        // With k = 3 every item sees its partner and the two others: 1/3.
        assert!((precision_at_k(&codes, &[0, 0, 1, 1], 3) - 1.0 / 3.0).abs() < 1e-12);
    }
}
