//! Moving matrices between ndarray (where the CPU work, k-means and the catalog's
//! vectors live) and candle tensors (the networks), in one place.

use candle_core::{Device, Result, Tensor};
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2};

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

/// `a · b` through the `gemm` crate on the calling thread: for the small products
/// of training and inference it was faster here than ndarray's `dot`
/// (matrixmultiply), and it takes transposed views as they are, by their strides.
pub fn product(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Array2<f32> {
    let mut out = Array2::<f32>::zeros((a.nrows(), b.ncols()));
    product_into(a, b, out.view_mut(), false);
    out
}

/// `out = a · b`, or `out += a · b` with `accumulate`, into memory already there
/// (training reuses its buffers from step to step).
pub fn product_into(
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    out: ArrayViewMut2<f32>,
    accumulate: bool,
) {
    gemm_into(a, b, out, accumulate, gemm::Parallelism::None);
}

/// `a · b` with every thread of the pool on it: for the few large products
/// (the subspace iterations of `super::reduce`) that nothing else runs beside.
pub fn product_parallel(a: ArrayView2<f32>, b: ArrayView2<f32>) -> Array2<f32> {
    let mut out = Array2::<f32>::zeros((a.nrows(), b.ncols()));
    let threads = rayon::current_num_threads().max(1);
    gemm_into(
        a,
        b,
        out.view_mut(),
        false,
        gemm::Parallelism::Rayon(threads),
    );
    out
}

fn gemm_into(
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    mut out: ArrayViewMut2<f32>,
    accumulate: bool,
    parallelism: gemm::Parallelism,
) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert_eq!(k, k2, "product of ({m}, {k}) and ({k2}, {n})");
    assert_eq!(out.dim(), (m, n), "product into the wrong shape");
    if m == 0 || n == 0 {
        return;
    }
    let (a_rs, a_cs) = (a.strides()[0], a.strides()[1]);
    let (b_rs, b_cs) = (b.strides()[0], b.strides()[1]);
    let (o_rs, o_cs) = (out.strides()[0], out.strides()[1]);
    // SAFETY: the pointers and strides are those of the two views (whose elements
    // gemm only reads, at indices below their shapes) and of `out`, a mutable view
    // of the right shape that nothing else can borrow while this one is held.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            out.as_mut_ptr(),
            o_cs,
            o_rs,
            accumulate,
            a.as_ptr(),
            a_cs,
            a_rs,
            b.as_ptr(),
            b_cs,
            b_rs,
            if accumulate { 1.0 } else { 0.0 },
            1.0,
            false,
            false,
            false,
            parallelism,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_equals_ndarrays_dot_for_plain_and_transposed_views() {
        let a = Array2::from_shape_fn((5, 3), |(i, j)| (i * 3 + j) as f32 * 0.5 - 2.0);
        let b = Array2::from_shape_fn((3, 4), |(i, j)| (i + 2 * j) as f32 - 1.5);
        let close = |x: &Array2<f32>, y: &Array2<f32>| {
            x.dim() == y.dim() && x.iter().zip(y).all(|(p, q)| (p - q).abs() < 1e-5)
        };
        assert!(close(&product(a.view(), b.view()), &a.dot(&b)));
        assert!(close(&product(a.t(), a.view()), &a.t().dot(&a)));
        assert!(close(&product(b.t(), b.view()), &b.t().dot(&b)));
        assert!(close(&product(a.view(), a.t()), &a.dot(&a.t())));
        let mut sum = Array2::from_elem((5, 4), 1.0f32);
        product_into(a.view(), b.view(), sum.view_mut(), true);
        assert!(close(&sum, &(a.dot(&b) + 1.0)));
        let mut twice = Array2::from_elem((5, 4), 7.0f32);
        product_into(a.view(), b.view(), twice.view_mut(), false);
        assert!(close(&twice, &a.dot(&b)));
    }
}
