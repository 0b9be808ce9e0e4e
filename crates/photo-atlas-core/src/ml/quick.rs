//! Quick groups: what the Content view shows within seconds of the features being
//! ready, while the autoencoder + IDEC learn better ones in the background. They
//! are k-means on the learning input itself, stored like a learned model so that
//! everything reading models (joins, Similar, the window) works with them unchanged.

use std::time::Instant;

use candle_core::Device;
use ndarray::Axis;

use super::arrays::to_tensor;
use super::kmeans::kmeans_sampled;
use super::learner::soft_assignments;
use super::network::{Architecture, Network};
use super::pipeline::{
    ClusterError, Clustering, KChoice, LearningInput, kmeans_centres, save_model,
};

/// Quick groups, shown within seconds while the autoencoder learns better ones:
/// k (chosen as for learning) and k-means on the learning input itself. Their
/// "model" is that input's space: no layers (`dims` is just the input size, which
/// `Network::from_tensors` reads as the identity), the projection and the k-means
/// centres, so photos that join later and Similar work with them as with a learned
/// model. Measured (NMI of these groups): intel-scenes 0.735, flowers 0.281, the
/// `start` row of `eval`.
pub fn quick_groups(
    prepared: &LearningInput,
    k: KChoice,
    seed: u64,
) -> Result<Clustering, ClusterError> {
    let input = &prepared.input;
    let n = input.nrows();
    if n < 3 {
        return Err(ClusterError::TooFew(n));
    }
    let clock = Instant::now();
    let (k, k_scores) = k.resolve(input, seed)?;
    let partition = kmeans_sampled(input, k, seed)?;
    let centres = kmeans_centres(input, &partition.labels, k);
    let soft = soft_assignments(input, &centres);
    let confidence = soft
        .axis_iter(Axis(0))
        .zip(&partition.labels)
        .map(|(row, &l)| row[l])
        .collect();
    let identity = Network::new(Architecture::Dense, &[input.ncols()], seed, &Device::Cpu)?;
    let model = save_model(
        &identity,
        &to_tensor(&centres, &Device::Cpu)?,
        prepared.projection.as_ref(),
        prepared.pool.as_ref(),
    )?;
    Ok(Clustering {
        k,
        k_scores,
        labels: partition.labels.clone(),
        confidence,
        soft,
        codes: input.clone(),
        ae_kmeans: partition.labels.clone(),
        start: partition.labels.clone(),
        refined: partition.labels,
        kept_refinement: false,
        silhouettes: (0.0, 0.0),
        effective_clusters: (0.0, 0.0),
        fine_tuned: false,
        model,
        seconds: vec![("quick", clock.elapsed().as_secs_f64())],
    })
}

/// Whether a stored model holds quick groups (no learned layers) rather than a
/// trained autoencoder.
pub fn is_quick(dims: &[usize]) -> bool {
    dims.len() < 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::metrics::accuracy;
    use crate::ml::pipeline::learning_input;
    use crate::ml::stored::StoredModel;
    use crate::store::SavedModel;
    use ndarray::Array2;
    use rand::{Rng, SeedableRng};

    /// `per` rows in each of 3 groups, 200 non-negative values each (more than are kept).
    fn groups(per: usize) -> (Array2<f32>, Vec<usize>) {
        let mut rng = rand_xoshiro::Xoshiro256Plus::seed_from_u64(5);
        let data = Array2::from_shape_fn((3 * per, 200), |(i, d)| {
            let base = if d % 3 == i / per { 1.0 } else { 0.1 };
            base + rng.gen_range(0.0f32..0.4)
        });
        (data, (0..3 * per).map(|i| i / per).collect())
    }

    #[test]
    fn quick_groups_find_the_groups_and_are_stored_as_a_model_new_photos_can_join() {
        let (data, truth) = groups(40);
        let prepared = learning_input(&data, false, 1);
        let quick = quick_groups(&prepared, KChoice::Fixed(3), 1).expect("quick groups");
        assert!(accuracy(&truth, &quick.labels) > 0.95);
        assert!(is_quick(&quick.model.dims), "{:?}", quick.model.dims);
        assert_eq!(quick.codes.ncols(), super::super::reduce::REDUCED_DIM);
        let saved = SavedModel {
            features: "backbone".into(),
            dims: quick.model.dims.clone(),
            k: 3,
            seed: 1,
            trained_at: 0,
            weights: quick.model.safetensors.clone(),
        };
        let model = StoredModel::load(&saved, &Device::Cpu).expect("loads as a model");
        let library = model.library_unit(&data);
        // A row like the first group's joins the first group's cluster.
        let new = data.slice(ndarray::s![0..1, ..]).to_owned();
        let (_, soft) = model
            .encode(&model.input(&new, Some(&library)))
            .expect("encode");
        let soft: Vec<Vec<f32>> = soft.to_vec2().expect("soft");
        let best = soft[0]
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(j, _)| j);
        assert_eq!(best, Some(quick.labels[0]));
        assert!(!is_quick(&[128, 512, 32]));
    }
}
