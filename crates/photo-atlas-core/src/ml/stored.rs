//! A learned model as stored in the catalog, applied to photos it was not trained
//! on (photos joining the groups after a rescan, a photo from outside in Similar):
//! their features go through the same steps as in training (made unit length,
//! reduced by the stored projection, smoothed over the library's photos as stored
//! with the model, scaled) before the stored encoder sees them. This is the one
//! place those steps are repeated outside `pipeline`.

use candle_core::{Device, Tensor};
use ndarray::Array2;

use super::neighbours::{NEIGHBOURS, PoolStates, STEPS};
use super::network::Network;
use super::reduce::{Projection, unit_rows};
use crate::store::SavedModel;

/// The stored autoencoder, its cluster centres and the projection it learned behind.
pub struct StoredModel {
    network: Network,
    centres: Tensor,
    projection: Option<Projection>,
    /// What new photos are smoothed over (models stored before it was kept have
    /// none, and are given the library's features instead).
    pool: Option<PoolStates>,
    device: Device,
}

fn broken(what: &str) -> candle_core::Error {
    candle_core::Error::Msg(format!("the stored model {what}"))
}

impl StoredModel {
    pub fn load(model: &SavedModel, device: &Device) -> candle_core::Result<Self> {
        let tensors = candle_core::safetensors::load_buffer(&model.weights, device)?;
        let network = Network::from_tensors(&model.dims, &tensors)?
            .ok_or_else(|| broken("does not fit its own layer sizes"))?;
        let centres = tensors
            .get("centres")
            .cloned()
            .ok_or_else(|| broken("has no centres"))?;
        let projection = Projection::from_tensors(&tensors)?;
        let pool = PoolStates::from_tensors(&tensors)?;
        Ok(Self {
            network,
            centres,
            projection,
            pool,
            device: device.clone(),
        })
    }

    /// `library`'s rows (the trained photos' features) as they were smoothed over.
    pub fn library_unit(&self, library: &Array2<f32>) -> Array2<f32> {
        unit_rows(library, self.projection.as_ref())
    }

    /// Whether smoothing new network features needs the library's (`library_unit`):
    /// only for models stored before the smoothing pool was kept with them.
    pub fn needs_library(&self) -> bool {
        self.pool.is_none()
    }

    /// Network features of new photos (one per row), smoothed as in training over
    /// the pool stored with the model, or else over `library_unit`; pixels
    /// (`library_unit: None`, no pool) as they are.
    pub fn input(&self, features: &Array2<f32>, library_unit: Option<&Array2<f32>>) -> Array2<f32> {
        let rebuilt;
        let pool = match (&self.pool, library_unit) {
            (Some(pool), _) => pool,
            (None, Some(library)) => {
                rebuilt = PoolStates::of_library(library, NEIGHBOURS, STEPS);
                &rebuilt
            }
            (None, None) => return features.clone(),
        };
        pool.smooth(&unit_rows(features, self.projection.as_ref()), NEIGHBOURS)
    }

    /// Codes (n, code dim) and soft assignments to the stored centres (n, k) of
    /// `input` (from `input`).
    pub fn encode(&self, input: &Array2<f32>) -> candle_core::Result<(Tensor, Tensor)> {
        let prepared = super::pipeline::prepare(input);
        let flat: Vec<f32> = prepared.iter().copied().collect();
        let codes = self
            .network
            .encode(&Tensor::from_vec(flat, prepared.dim(), &self.device)?)?;
        let soft = super::dec::soft_assignment(&codes, &self.centres)?;
        Ok((codes, soft))
    }
}
