//! What the ImageNet classifier sees in each photo: its ten most likely classes
//! and their probabilities, kept in the catalog next to the photo's backbone
//! features (under their own model key, so they go stale with the photo). They
//! answer content searches ("dog") without running the network at query time.

use candle_core::{Device, Tensor};

use super::efficientnet::{EfficientNetLite0, softmax};
use crate::photo::PhotoRecord;
use crate::store::{Catalog, StoreError};

/// The catalog key under which the top classes are stored.
pub const TOP_CLASSES_MODEL: &str = "efficientnet-lite0/224/v1/top10";
/// How many classes are kept per photo.
const KEPT: usize = 10;

/// A photo's most likely classes, most likely first: (class index, probability).
#[derive(Clone, Debug, PartialEq)]
pub struct TopClasses(pub Vec<(u16, f32)>);

impl TopClasses {
    /// Stored as a vector of pairs: class index (exact in an f32), probability.
    pub(crate) fn to_vector(&self) -> Vec<f32> {
        self.0
            .iter()
            .flat_map(|&(c, p)| [f32::from(c), p])
            .collect()
    }

    pub(crate) fn from_vector(v: &[f32]) -> Self {
        Self(
            v.chunks_exact(2)
                .map(|pair| (pair[0] as u16, pair[1]))
                .collect(),
        )
    }

    /// The summed probability of the classes for which `wanted` is true.
    pub fn score(&self, wanted: &[bool]) -> f32 {
        self.0
            .iter()
            .filter(|(c, _)| wanted.get(usize::from(*c)).copied().unwrap_or(false))
            .map(|(_, p)| p)
            .sum()
    }
}

/// The top classes of a batch of backbone feature vectors.
pub fn classify_features(
    net: &EfficientNetLite0,
    device: &Device,
    features: &[Vec<f32>],
) -> candle_core::Result<Vec<TopClasses>> {
    if features.is_empty() {
        return Ok(Vec::new());
    }
    let dim = features[0].len();
    let input = Tensor::from_vec(features.concat(), (features.len(), dim), device)?;
    let probabilities: Vec<Vec<f32>> = softmax(&net.classify(&input)?)?.to_vec2()?;
    Ok(probabilities.iter().map(|p| top_of(p)).collect())
}

fn top_of(p: &[f32]) -> TopClasses {
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    TopClasses(
        order
            .into_iter()
            .take(KEPT)
            .map(|c| (c as u16, p[c]))
            .collect(),
    )
}

/// Stores the top classes of these photos.
pub fn store_top_classes(
    catalog: &mut Catalog,
    rows: &[(&PhotoRecord, TopClasses)],
) -> Result<(), StoreError> {
    let stored: Vec<(&PhotoRecord, Vec<f32>)> =
        rows.iter().map(|(p, t)| (*p, t.to_vector())).collect();
    catalog.put_features(TOP_CLASSES_MODEL, &stored)
}

/// The stored top classes of each photo (`None` where none are stored for its version).
pub fn stored_top_classes(
    catalog: &Catalog,
    photos: &[PhotoRecord],
) -> Result<Vec<Option<TopClasses>>, StoreError> {
    Ok(catalog
        .cached_features(TOP_CLASSES_MODEL, photos)?
        .into_iter()
        .map(|v| v.map(|v| TopClasses::from_vector(&v)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_classes_round_trip_and_score() {
        let mut p = vec![0.0f32; 1000];
        p[207] = 0.6;
        p[208] = 0.3;
        p[999] = 0.05;
        let top = top_of(&p);
        assert_eq!(top.0[..3], [(207, 0.6), (208, 0.3), (999, 0.05)]);
        assert_eq!(TopClasses::from_vector(&top.to_vector()), top);
        let mut wanted = vec![false; 1000];
        wanted[208] = true;
        wanted[999] = true;
        assert!((top.score(&wanted) - 0.35).abs() < 1e-6);
    }
}
