//! The clustering layer of Deep Embedded Clustering: the Student-t soft assignment
//! q_ij ∝ (1 + ‖z_i − μ_j‖²)⁻¹, the sharpened target p_ij ∝ q_ij² / f_j, and the
//! KL(P‖Q) loss, written as candle operations so autograd differentiates them
//! (the tests check those gradients against finite differences and the paper's
//! closed form).

use candle_core::{D, Result, Tensor};

/// Squared Euclidean distances between every code (n, d) and every centre (k, d): (n, k).
pub fn squared_distances(z: &Tensor, centres: &Tensor) -> Result<Tensor> {
    let diff = z.unsqueeze(1)?.broadcast_sub(&centres.unsqueeze(0)?)?;
    diff.sqr()?.sum(D::Minus1)
}

/// Student-t (one degree of freedom) soft assignment of each code to each centre; rows sum to 1.
pub fn soft_assignment(z: &Tensor, centres: &Tensor) -> Result<Tensor> {
    let kernel = (squared_distances(z, centres)? + 1.0)?.recip()?;
    kernel.broadcast_div(&kernel.sum_keepdim(1)?)
}

/// The target distribution: squares q and divides by each cluster's soft frequency,
/// which sharpens confident assignments and keeps large clusters from swallowing
/// small ones. Rows sum to 1. Not differentiated through (DEC holds P fixed).
pub fn target_distribution(q: &Tensor) -> Result<Tensor> {
    let q = q.detach();
    let weight = q.sqr()?.broadcast_div(&q.sum_keepdim(0)?)?;
    weight.broadcast_div(&weight.sum_keepdim(1)?)
}

/// KL(P‖Q), averaged over the rows (the batch).
pub fn kl_divergence(p: &Tensor, q: &Tensor) -> Result<Tensor> {
    let tiny = 1e-12;
    let log_ratio = (p.clamp(tiny, 1.0)?.log()? - q.clamp(tiny, 1.0)?.log()?)?;
    (p * log_ratio)?.sum_all()? / p.dim(0)? as f64
}

/// The hard label (most likely cluster) and its probability, per row of q.
pub fn hard_labels(q: &Tensor) -> Result<(Vec<usize>, Vec<f32>)> {
    let rows: Vec<Vec<f32>> = q.to_dtype(candle_core::DType::F32)?.to_vec2()?;
    Ok(rows
        .into_iter()
        .map(|row| {
            row.iter()
                .copied()
                .enumerate()
                .fold(
                    (0, f32::MIN),
                    |best, (j, v)| if v > best.1 { (j, v) } else { best },
                )
        })
        .unzip())
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device, Var};

    fn random(shape: (usize, usize), seed: u64) -> Tensor {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256Plus::seed_from_u64(seed);
        let v: Vec<f64> = (0..shape.0 * shape.1)
            .map(|_| rng.gen_range(-1.5..1.5))
            .collect();
        Tensor::from_vec(v, shape, &Device::Cpu).expect("tensor")
    }

    fn loss(z: &Tensor, mu: &Tensor, p: &Tensor) -> f64 {
        let q = soft_assignment(z, mu).expect("q");
        kl_divergence(p, &q)
            .and_then(|l| l.to_scalar::<f64>())
            .expect("loss")
    }

    /// Central differences of `loss` with respect to each element of `x`.
    fn numeric_gradient(x: &Tensor, f: impl Fn(&Tensor) -> f64) -> Vec<f64> {
        let base: Vec<f64> = x.flatten_all().and_then(|t| t.to_vec1()).expect("vec");
        let h = 1e-6;
        (0..base.len())
            .map(|i| {
                let at = |delta: f64| {
                    let mut v = base.clone();
                    v[i] += delta;
                    f(&Tensor::from_vec(v, x.shape(), x.device()).expect("tensor"))
                };
                (at(h) - at(-h)) / (2.0 * h)
            })
            .collect()
    }

    fn assert_close(a: &[f64], b: &[f64]) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-6 * (1.0 + y.abs()), "{a:?}\nvs\n{b:?}");
        }
    }

    #[test]
    fn assignments_are_distributions_and_prefer_the_nearest_centre() {
        let z = Tensor::new(&[[0.0f64, 0.0], [5.0, 5.0]], &Device::Cpu).expect("z");
        let mu = Tensor::new(&[[0.1f64, 0.0], [5.0, 4.9]], &Device::Cpu).expect("mu");
        let q = soft_assignment(&z, &mu).expect("q");
        let rows: Vec<Vec<f64>> = q.to_vec2().expect("rows");
        for row in &rows {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
        // (1 + 0.01)^-1 against (1 + 49.01)^-1 for the first code.
        let expected = (1.0 / 1.01) / (1.0 / 1.01 + 1.0 / 50.01);
        assert!((rows[0][0] - expected).abs() < 1e-12);
        assert_eq!(hard_labels(&q).expect("labels").0, vec![0, 1]);
        let p: Vec<Vec<f64>> = target_distribution(&q)
            .and_then(|t| t.to_vec2())
            .expect("p");
        assert!(p[0][0] > rows[0][0], "the target is sharper than q");
    }

    #[test]
    fn kl_gradients_match_finite_differences() {
        let z0 = random((5, 3), 1);
        let mu0 = random((3, 3), 2);
        let p =
            target_distribution(&soft_assignment(&random((5, 3), 3), &mu0).expect("q")).expect("p");
        let z = Var::from_tensor(&z0).expect("var");
        let mu = Var::from_tensor(&mu0).expect("var");
        let q = soft_assignment(z.as_tensor(), mu.as_tensor()).expect("q");
        let grads = kl_divergence(&p, &q)
            .and_then(|l| l.backward())
            .expect("backward");
        let grad_of = |v: &Var| -> Vec<f64> {
            grads
                .get(v.as_tensor())
                .expect("gradient")
                .flatten_all()
                .and_then(|t| t.to_vec1())
                .expect("vec")
        };
        assert_close(&grad_of(&z), &numeric_gradient(&z0, |z| loss(z, &mu0, &p)));
        assert_close(&grad_of(&mu), &numeric_gradient(&mu0, |m| loss(&z0, m, &p)));
    }

    #[test]
    fn code_gradient_matches_the_papers_closed_form() {
        // DEC eq. 4: dL/dz_i = 2 Σ_j (1 + ‖z_i − μ_j‖²)⁻¹ (p_ij − q_ij)(z_i − μ_j), over n rows.
        let z0 = random((4, 2), 7);
        let mu0 = random((3, 2), 8);
        let q = soft_assignment(&z0, &mu0).expect("q");
        let p = target_distribution(&q).expect("p");
        let z = Var::from_tensor(&z0).expect("var");
        let qv = soft_assignment(z.as_tensor(), &mu0).expect("q");
        let grads = kl_divergence(&p, &qv)
            .and_then(|l| l.backward())
            .expect("backward");
        let got: Vec<Vec<f64>> = grads
            .get(z.as_tensor())
            .expect("grad")
            .to_vec2()
            .expect("vec");
        let (zs, mus): (Vec<Vec<f64>>, Vec<Vec<f64>>) =
            (z0.to_vec2().expect("z"), mu0.to_vec2().expect("mu"));
        let (ps, qs): (Vec<Vec<f64>>, Vec<Vec<f64>>) =
            (p.to_vec2().expect("p"), q.to_vec2().expect("q"));
        for i in 0..4 {
            for d in 0..2 {
                let mut expected = 0.0;
                for j in 0..3 {
                    let dist2: f64 = (0..2).map(|e| (zs[i][e] - mus[j][e]).powi(2)).sum();
                    expected +=
                        2.0 / (1.0 + dist2) * (ps[i][j] - qs[i][j]) * (zs[i][d] - mus[j][d]);
                }
                expected /= 4.0;
                assert!((got[i][d] - expected).abs() < 1e-9, "{got:?}");
            }
        }
        assert_eq!(z0.dtype(), DType::F64);
    }
}
