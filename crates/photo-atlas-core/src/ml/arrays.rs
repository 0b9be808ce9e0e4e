//! Moving matrices between ndarray (where the CPU work, k-means and the catalog's
//! vectors live) and candle tensors (the networks), in one place.

use candle_core::{Device, Result, Tensor};
use ndarray::{Array1, Array2};

/// A matrix as a tensor on `device`.
pub fn to_tensor(a: &Array2<f32>, device: &Device) -> Result<Tensor> {
    Tensor::from_vec(a.iter().copied().collect::<Vec<_>>(), a.dim(), device)
}

/// A two-dimensional f32 tensor, wherever it lives, as a matrix.
pub fn to_array2(t: &Tensor) -> Result<Array2<f32>> {
    let (r, c) = t.dims2()?;
    let flat: Vec<f32> = t.to_device(&Device::Cpu)?.flatten_all()?.to_vec1()?;
    Array2::from_shape_vec((r, c), flat).map_err(|e| candle_core::Error::Msg(e.to_string()))
}

/// A one-dimensional f32 tensor, wherever it lives, as a vector.
pub fn to_array1(t: &Tensor) -> Result<Array1<f32>> {
    Ok(Array1::from_vec(t.to_device(&Device::Cpu)?.to_vec1()?))
}
