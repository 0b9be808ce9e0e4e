//! The elementwise loops of CPU training (ReLU and its gradient, bias rows and
//! sums, Adam's update), each compiled twice: for the x86-64 baseline a release
//! build targets (SSE2, four floats a step, so that it runs everywhere) and for
//! AVX2 (eight), picked at run time. Between the matrix products they were a
//! quarter of a training step here. Each element's arithmetic is the same in
//! both, so are the results.

/// Defines `pub fn $name` running `$body`, compiled for AVX2 when the CPU has it.
macro_rules! widened {
    ($(#[$doc:meta])* pub fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $(#[$doc])*
        pub fn $name($($arg: $ty),*) {
            #[inline(always)]
            fn plain($($arg: $ty),*) $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                unsafe fn wide($($arg: $ty),*) {
                    plain($($arg),*)
                }
                if std::is_x86_feature_detected!("avx2") {
                    // SAFETY: AVX2 was detected on the running CPU just now; the
                    // function only reads and writes the slices it is given.
                    return unsafe { wide($($arg),*) };
                }
            }
            plain($($arg),*)
        }
    };
}

widened! {
    /// `v = max(v, 0)`.
    pub fn relu(values: &mut [f32]) {
        for v in values {
            *v = v.max(0.0);
        }
    }
}

widened! {
    /// ReLU's gradient: `grad` zeroed where the layer's output was not positive.
    pub fn relu_gradient(grad: &mut [f32], output: &[f32]) {
        for (g, &a) in grad.iter_mut().zip(output) {
            *g = if a > 0.0 { *g } else { 0.0 };
        }
    }
}

widened! {
    /// Every row of `out` (rows of `bias.len()` values) set to `bias`.
    pub fn fill_rows(out: &mut [f32], bias: &[f32]) {
        for row in out.chunks_exact_mut(bias.len()) {
            row.copy_from_slice(bias);
        }
    }
}

widened! {
    /// `sums` set to the sum of `rows`' rows (rows of `sums.len()` values).
    pub fn sum_rows(sums: &mut [f32], rows: &[f32]) {
        sums.fill(0.0);
        for row in rows.chunks_exact(sums.len()) {
            for (s, &v) in sums.iter_mut().zip(row) {
                *s += v;
            }
        }
    }
}

widened! {
    /// `into += other`.
    pub fn add(into: &mut [f32], other: &[f32]) {
        for (a, &b) in into.iter_mut().zip(other) {
            *a += b;
        }
    }
}

/// One Adam step's constants: the learning rate, β₁, β₂, ε, and the reciprocals
/// of the bias corrections.
#[derive(Clone, Copy, Debug)]
pub struct AdamRate {
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    pub inv_c1: f32,
    pub inv_c2: f32,
}

widened! {
    /// Adam's update of parameters `p` from gradients `g` and moments `m`, `v`.
    pub fn adam(p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], r: AdamRate) {
        for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
            *m = r.beta1 * *m + (1.0 - r.beta1) * g;
            *v = r.beta2 * *v + (1.0 - r.beta2) * g * g;
            *p -= r.lr * (*m * r.inv_c1) / ((*v * r.inv_c2).sqrt() + r.eps);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loops_do_what_they_say() {
        let mut v = vec![-1.0, 0.0, 2.0, -3.0, 4.0];
        relu(&mut v);
        assert_eq!(v, [0.0, 0.0, 2.0, 0.0, 4.0]);
        let mut g = vec![1.0; 5];
        relu_gradient(&mut g, &v);
        assert_eq!(g, [0.0, 0.0, 1.0, 0.0, 1.0]);
        let mut rows = vec![9.0; 6];
        fill_rows(&mut rows, &[1.0, 2.0, 3.0]);
        assert_eq!(rows, [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]);
        let mut sums = vec![5.0; 3];
        sum_rows(&mut sums, &rows);
        assert_eq!(sums, [2.0, 4.0, 6.0]);
        add(&mut sums, &[1.0, 1.0, 1.0]);
        assert_eq!(sums, [3.0, 5.0, 7.0]);
    }
}
