//! k-means (seeded k-means++ with restarts, `super::lloyd`), the silhouette score,
//! and choosing the number of clusters by silhouette on a subsample. DEC starts from
//! k-means on the autoencoder's codes, and `eval` compares against k-means on the
//! raw features, so both go through the same function here.

use ndarray::{Array2, Axis, s};
use rayon::prelude::*;

use super::lloyd::{assign, best_of, row_norms};

/// A partition and its centres.
#[derive(Debug, Clone)]
pub struct Partition {
    pub labels: Vec<usize>,
    pub centroids: Array2<f32>,
}

#[derive(Debug, thiserror::Error)]
#[error("k-means failed: {0}")]
pub struct KMeansError(String);

/// k-means with k-means++ seeding and 10 restarts, deterministic for a seed.
pub fn kmeans(data: &Array2<f32>, k: usize, seed: u64) -> Result<Partition, KMeansError> {
    kmeans_runs(data, k, seed, 10)
}

/// Rows k-means is fitted on at most; the rest are given their nearest centre.
pub const FIT_ROWS: usize = 10_000;

/// `kmeans` fitted on a seeded sample of at most `FIT_ROWS` rows, then every row
/// assigned to its nearest centre: the same partition for a small library, and a
/// cost that stops growing with a large one.
pub fn kmeans_sampled(data: &Array2<f32>, k: usize, seed: u64) -> Result<Partition, KMeansError> {
    if data.nrows() <= FIT_ROWS {
        return kmeans(data, k, seed);
    }
    let rows = super::reduce::sampled_rows(data.nrows(), FIT_ROWS, seed);
    let fitted = kmeans(&data.select(Axis(0), &rows), k, seed)?;
    Ok(Partition {
        labels: nearest_centres(data, &fitted.centroids),
        centroids: fitted.centroids,
    })
}

/// The index of each row's nearest centre (Euclidean), in parallel blocks.
pub fn nearest_centres(data: &Array2<f32>, centres: &Array2<f32>) -> Vec<usize> {
    let blocks: Vec<usize> = (0..data.nrows()).step_by(4096).collect();
    blocks
        .into_par_iter()
        .flat_map_iter(|start| {
            let block = data.slice(s![start..(start + 4096).min(data.nrows()), ..]);
            assign(block, &row_norms(block), centres).0
        })
        .collect()
}

/// k-means keeping the best of `runs` restarts.
fn kmeans_runs(
    data: &Array2<f32>,
    k: usize,
    seed: u64,
    runs: usize,
) -> Result<Partition, KMeansError> {
    if data.nrows() == 0 {
        return Err(KMeansError("no rows to cluster".into()));
    }
    if data.iter().any(|v| !v.is_finite()) {
        return Err(KMeansError("a value that is not a number".into()));
    }
    let fit = best_of(data.view(), k, seed, runs);
    Ok(Partition {
        labels: fit.labels,
        centroids: fit.centres,
    })
}

/// Pairwise Euclidean distances between the rows.
fn distances(data: &Array2<f32>) -> Array2<f32> {
    let gram = super::arrays::product(data.view(), data.t());
    let norms: Vec<f32> = gram.diag().to_vec();
    Array2::from_shape_fn((data.nrows(), data.nrows()), |(i, j)| {
        (norms[i] + norms[j] - 2.0 * gram[[i, j]]).max(0.0).sqrt()
    })
}

/// Mean silhouette of a partition, given the pairwise distances: near 1 when
/// clusters are tight and apart, near 0 when they overlap.
fn silhouette_from(dist: &Array2<f32>, labels: &[usize]) -> f64 {
    let k = labels.iter().max().map_or(0, |m| m + 1);
    let sizes = labels.iter().fold(vec![0usize; k], |mut s, &l| {
        s[l] += 1;
        s
    });
    let mut total = 0.0;
    for (i, row) in dist.axis_iter(Axis(0)).enumerate() {
        let mut sums = vec![0.0f64; k];
        for (j, &d) in row.iter().enumerate() {
            sums[labels[j]] += f64::from(d);
        }
        let own = labels[i];
        if sizes[own] <= 1 {
            continue; // a singleton scores 0
        }
        let a = sums[own] / (sizes[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && sizes[c] > 0)
            .map(|c| sums[c] / sizes[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            total += (b - a) / a.max(b).max(f64::MIN_POSITIVE);
        }
    }
    total / labels.len().max(1) as f64
}

/// Mean silhouette of `labels` on `data` (Euclidean), on at most `max_rows` rows.
pub fn silhouette(data: &Array2<f32>, labels: &[usize], max_rows: usize, seed: u64) -> f64 {
    let rows = subsample(data.nrows(), max_rows, seed);
    let picked = data.select(Axis(0), &rows);
    let picked_labels: Vec<usize> = rows.iter().map(|&i| labels[i]).collect();
    silhouette_from(&distances(&picked), &picked_labels)
}

fn subsample(n: usize, max_rows: usize, seed: u64) -> Vec<usize> {
    super::reduce::sampled_rows(n, max_rows, seed)
}

/// The silhouette of k-means for each k in `range`, on a subsample of at most
/// `max_rows` rows. The chosen k is the largest whose silhouette is within 10 % of
/// the best: a photo library reads better in finer groups when they are nearly as
/// coherent. (On smoothed EfficientNet features this picks 4 for intel-scenes, which
/// has 6 labels, and 5 for flowers, which has 5; the plain maximum picks 4 and 4.)
pub fn choose_k(
    data: &Array2<f32>,
    range: std::ops::RangeInclusive<usize>,
    max_rows: usize,
    seed: u64,
) -> Result<(usize, Vec<(usize, f64)>), KMeansError> {
    let rows = subsample(data.nrows(), max_rows, seed);
    let picked = data.select(Axis(0), &rows);
    let dist = distances(&picked);
    // Each k is fitted on its own (the same seed each), so they run in parallel.
    let ks: Vec<usize> = range.filter(|&k| k >= 2 && k < picked.nrows()).collect();
    let scores = ks
        .into_par_iter()
        .map(|k| {
            let part = kmeans_runs(&picked, k, seed, 3)?;
            Ok((k, silhouette_from(&dist, &part.labels)))
        })
        .collect::<Result<Vec<_>, KMeansError>>()?;
    let top = scores.iter().map(|s| s.1).fold(f64::NEG_INFINITY, f64::max);
    let chosen = scores
        .iter()
        .filter(|s| s.1 >= top - 0.1 * top.abs())
        .map(|s| s.0)
        .max()
        .unwrap_or(1);
    Ok((chosen, scores))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};
    use rand_xoshiro::Xoshiro256Plus;

    /// `k` well separated blobs of `per` points in 5 dimensions.
    fn blobs(k: usize, per: usize, seed: u64) -> (Array2<f32>, Vec<usize>) {
        let mut rng = Xoshiro256Plus::seed_from_u64(seed);
        let noise = Normal::new(0.0f32, 0.3).expect("normal");
        let mut data = Array2::zeros((k * per, 5));
        let mut labels = Vec::new();
        for (i, mut row) in data.axis_iter_mut(Axis(0)).enumerate() {
            let c = i / per;
            labels.push(c);
            for (d, x) in row.iter_mut().enumerate() {
                let centre = if d == c % 5 { 6.0 } else { 0.0 } + (c / 5) as f32 * 6.0;
                *x = centre + noise.sample(&mut rng);
            }
        }
        (data, labels)
    }

    #[test]
    fn kmeans_recovers_separated_blobs_and_is_deterministic() {
        let (data, truth) = blobs(4, 30, 1);
        let a = kmeans(&data, 4, 7).expect("kmeans");
        let b = kmeans(&data, 4, 7).expect("kmeans");
        assert_eq!(a.labels, b.labels);
        assert!((crate::ml::metrics::accuracy(&truth, &a.labels) - 1.0).abs() < 1e-12);
        assert_eq!(a.centroids.dim(), (4, 5));
    }

    #[test]
    fn silhouette_picks_the_true_number_of_blobs() {
        for k in [3, 5] {
            let (data, _) = blobs(k, 25, 3);
            let (best, scores) = choose_k(&data, 2..=8, 1000, 11).expect("choose");
            assert_eq!(best, k, "{scores:?}");
        }
    }

    #[test]
    fn silhouette_is_high_for_the_truth_and_low_for_a_shuffle() {
        let (data, truth) = blobs(3, 20, 5);
        let shuffled: Vec<usize> = (0..truth.len()).map(|i| i % 3).collect();
        assert!(silhouette(&data, &truth, 1000, 1) > 0.7);
        assert!(silhouette(&data, &shuffled, 1000, 1) < 0.1);
    }
}
