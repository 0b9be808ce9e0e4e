//! Fewer dimensions before learning: the top principal directions (uncentred, so
//! that dot products, and with them cosine neighbours, are kept as well as any
//! projection of that size can keep them) of the unit-length feature vectors,
//! fitted on a sample of at most `FIT_ROWS` photos. Smoothing, k-means and the
//! autoencoder then work on 128 values a photo instead of 1,280: a fifth of the
//! memory, and a cost that no longer grows with the network's width. The
//! projection is stored with the model, so that photos added later are reduced
//! the same way.

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use linfa_linalg::eigh::{EigSort, EighInto};
use ndarray::{Array2, Axis, s};
use rand::seq::index::sample;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;
use rayon::prelude::*;

use super::arrays::{product, product_into, product_parallel};
use super::metrics::l2_normalised;

/// Dimensions kept.
pub const REDUCED_DIM: usize = 128;
/// Rows the projection is fitted on at most.
pub const FIT_ROWS: usize = 20_000;

/// A linear map from the feature space onto its leading directions: (inputs, kept).
#[derive(Debug, Clone)]
pub struct Projection {
    pub basis: Array2<f32>,
}

impl Projection {
    /// The `kept` leading directions of the unit-length rows of `features`, fitted on
    /// a seeded sample of at most `FIT_ROWS` rows. `None` when there are no more
    /// dimensions than would be kept (nothing to reduce).
    pub fn fit(features: &Array2<f32>, kept: usize, seed: u64) -> Option<Self> {
        let d = features.ncols();
        if d <= kept || features.nrows() == 0 {
            return None;
        }
        let rows = sampled_rows(features.nrows(), FIT_ROWS, seed);
        let picked = l2_normalised(&features.select(Axis(0), &rows));
        let basis = leading_directions(&gram(&picked), kept, seed)?;
        Some(Self { basis })
    }

    pub fn inputs(&self) -> usize {
        self.basis.nrows()
    }

    /// Each row made unit length, then mapped onto the kept directions: mapped,
    /// then divided by the length it had, so that no full-width copy of a large
    /// library is made.
    pub fn reduce(&self, features: &Array2<f32>) -> Array2<f32> {
        let mut out = Array2::zeros((features.nrows(), self.basis.ncols()));
        out.axis_chunks_iter_mut(Axis(0), 2048)
            .into_par_iter()
            .zip(features.axis_chunks_iter(Axis(0), 2048).into_par_iter())
            .for_each(|(mut o, block)| {
                product_into(block, self.basis.view(), o.view_mut(), false);
                for (mut row, x) in o.rows_mut().into_iter().zip(block.rows()) {
                    let norm = x.dot(&x).sqrt();
                    if norm > 0.0 {
                        row /= norm;
                    }
                }
            });
        out
    }

    /// As a tensor, to be stored with the model.
    pub fn to_tensor(&self) -> candle_core::Result<Tensor> {
        super::arrays::to_tensor(&self.basis, &Device::Cpu)
    }

    /// The projection stored with a model, if it has one (models learned before
    /// reduction existed have none, and take the full vectors).
    pub fn from_tensors(tensors: &HashMap<String, Tensor>) -> candle_core::Result<Option<Self>> {
        let Some(t) = tensors.get(TENSOR_NAME) else {
            return Ok(None);
        };
        Ok(Some(Self {
            basis: super::arrays::to_array2(t)?,
        }))
    }
}

/// The `kept` leading eigenvectors of the symmetric `gram` (d, d), by subspace
/// iteration from a seeded random start with a few extra directions, then the
/// exact eigenvectors of the small projected matrix (Rayleigh-Ritz). The
/// directions are kept as rows. A full eigendecomposition of a 1,280-wide matrix
/// took 30 s here, and Householder QR between the iterations 2 s; this takes a
/// fraction of a second.
fn leading_directions(gram: &Array2<f32>, kept: usize, seed: u64) -> Option<Array2<f32>> {
    let d = gram.nrows();
    let width = (kept + 32).min(d);
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut q = Array2::from_shape_fn((width, d), |_| rng.gen_range(-1.0f32..1.0));
    orthonormal_rows(&mut q);
    for _ in 0..ITERATIONS {
        q = product_parallel(q.view(), gram.view());
        orthonormal_rows(&mut q);
    }
    let small = product(product_parallel(q.view(), gram.view()).view(), q.t()).mapv(f64::from);
    let (_, vectors) = small.eigh_into().ok()?.sort_eig_desc();
    let top = vectors.slice(s![.., ..kept]).mapv(|v| v as f32);
    Some(product(q.t(), top.view()))
}

/// Subspace iterations: the leading directions of photo features are well apart
/// (their eigenvalues fall fast), so few are needed.
const ITERATIONS: usize = 20;

/// Makes the rows orthonormal, in order: in panels of `PANEL` rows, each first
/// cleared of the panels before it by two matrix products (block Gram-Schmidt,
/// twice over), then modified Gram-Schmidt within the panel, twice over; which
/// keeps them orthogonal to working precision. Row by row over the whole matrix,
/// as before, took half the time of finding the directions. A row that falls to
/// nothing is left at zero.
fn orthonormal_rows(q: &mut Array2<f32>) {
    for start in (0..q.nrows()).step_by(PANEL) {
        let end = (start + PANEL).min(q.nrows());
        let (done, mut rest) = q.view_mut().split_at(Axis(0), start);
        let mut panel = rest.slice_mut(s![..end - start, ..]);
        if start > 0 {
            for _ in 0..2 {
                let along = product(panel.view(), done.t()).mapv(|v| -v);
                product_into(along.view(), done.view(), panel.view_mut(), true);
            }
        }
        orthonormal_panel(panel);
    }
}

const PANEL: usize = 32;

/// Modified Gram-Schmidt on the rows of a panel, twice over.
fn orthonormal_panel(mut q: ndarray::ArrayViewMut2<f32>) {
    for i in 0..q.nrows() {
        for _ in 0..2 {
            for j in 0..i {
                let (done, mut rest) = q.view_mut().split_at(Axis(0), i);
                let mut row = rest.row_mut(0);
                let other = done.row(j);
                let along = row.dot(&other);
                row.scaled_add(-along, &other);
            }
        }
        let mut row = q.row_mut(i);
        let norm = row.dot(&row).sqrt();
        if norm > 1e-12 {
            row /= norm;
        } else {
            row.fill(0.0);
        }
    }
}

/// `xᵀx`, by blocks of columns in parallel: only the blocks on and above the
/// diagonal are multiplied (the rest are their transposes), 15 products of 25.
fn gram(x: &Array2<f32>) -> Array2<f32> {
    let d = x.ncols();
    let starts: Vec<usize> = (0..d).step_by(GRAM_BLOCK).collect();
    let pairs: Vec<(usize, usize)> = starts
        .iter()
        .flat_map(|&i| {
            starts
                .iter()
                .filter(move |&&j| j >= i)
                .map(move |&j| (i, j))
        })
        .collect();
    let span = |start: usize| start..(start + GRAM_BLOCK).min(d);
    let blocks: Vec<Array2<f32>> = pairs
        .par_iter()
        .map(|&(i, j)| product(x.slice(s![.., span(i)]).t(), x.slice(s![.., span(j)])))
        .collect();
    let mut out = Array2::zeros((d, d));
    for (&(i, j), block) in pairs.iter().zip(&blocks) {
        out.slice_mut(s![span(i), span(j)]).assign(block);
        out.slice_mut(s![span(j), span(i)]).assign(&block.t());
    }
    out
}

const GRAM_BLOCK: usize = 256;

/// The name the projection is stored under among a model's tensors.
pub const TENSOR_NAME: &str = "projection";

/// The rows of `features` as the model sees them before smoothing: unit length,
/// reduced when there is a projection (and made unit length again).
pub fn unit_rows(features: &Array2<f32>, projection: Option<&Projection>) -> Array2<f32> {
    match projection {
        Some(p) => l2_normalised(&p.reduce(features)),
        None => l2_normalised(features),
    }
}

/// A sorted seeded sample of at most `max_rows` of `n` row indices (all when fewer).
pub fn sampled_rows(n: usize, max_rows: usize, seed: u64) -> Vec<usize> {
    if n <= max_rows {
        return (0..n).collect();
    }
    let mut rng = Xoshiro256Plus::seed_from_u64(seed);
    let mut rows = sample(&mut rng, n, max_rows).into_vec();
    rows.sort_unstable();
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blockwise_gram_equals_the_whole_product() {
        let mut rng = Xoshiro256Plus::seed_from_u64(2);
        let x = Array2::from_shape_fn((50, GRAM_BLOCK + 44), |_| rng.gen_range(-1.0f32..1.0));
        let want = x.t().dot(&x);
        let worst = (&gram(&x) - &want).iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!(worst < 1e-3, "off by {worst}");
    }

    #[test]
    fn keeps_the_directions_the_data_lies_in_and_its_dot_products() {
        // 300 rows spanning 3 directions of a 40-d space, plus a little noise.
        let mut rng = Xoshiro256Plus::seed_from_u64(1);
        let raw = Array2::from_shape_fn((300, 40), |(i, j)| {
            let along = if j % 3 == i % 3 {
                1.0 + (j as f32) / 40.0
            } else {
                0.0
            };
            along + rng.gen_range(0.0..0.01)
        });
        let unit = l2_normalised(&raw);
        let p = Projection::fit(&raw, 3, 7).expect("reducible");
        assert_eq!(p.basis.dim(), (40, 3));
        let reduced = p.reduce(&raw);
        let before = unit.dot(&unit.t());
        let after = reduced.dot(&reduced.t());
        let worst = (&before - &after).iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!(worst < 0.02, "dot products kept within {worst}");
        // Two directions cannot hold three: the error is then large.
        let two = Projection::fit(&raw, 2, 7).expect("reducible").reduce(&raw);
        let lost = (&before - &two.dot(&two.t()))
            .iter()
            .fold(0f32, |m, v| m.max(v.abs()));
        assert!(lost > 0.5, "{lost}");
        assert!(Projection::fit(&raw, 40, 7).is_none());
        // Stored and read back, it reduces the same way.
        let stored = HashMap::from([(TENSOR_NAME.to_string(), p.to_tensor().expect("tensor"))]);
        let back = Projection::from_tensors(&stored)
            .expect("read")
            .expect("there");
        assert_eq!(back.reduce(&raw), reduced);
        assert!(
            Projection::from_tensors(&HashMap::new())
                .expect("read")
                .is_none()
        );
    }

    #[test]
    fn samples_are_seeded_sorted_and_bounded() {
        let a = sampled_rows(1000, 10, 3);
        assert_eq!(a.len(), 10);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(a, sampled_rows(1000, 10, 3));
        assert_eq!(sampled_rows(5, 10, 3), vec![0, 1, 2, 3, 4]);
    }
}
