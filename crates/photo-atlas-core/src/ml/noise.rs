//! Masking noise for the denoising autoencoder: each input value zeroed with
//! probability p, the others scaled by 1/(1 − p) (as dropout does). A row's mask
//! is drawn from the step's seed and the row's place in the batch, so that the
//! hand-written path masks each thread's share of a batch where that thread works
//! on it, and both training paths draw the same masks. (Drawn one value at a
//! time on one thread, the masks took a twentieth of a training step.)

use rand::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256Plus;

/// One step's masking noise.
#[derive(Clone, Copy, Debug)]
pub struct Noise {
    p: f32,
    seed: u64,
}

impl Noise {
    /// Noise zeroing values with probability `p`; `None` when `p` is not positive.
    pub fn new(p: f32, seed: u64) -> Option<Self> {
        (p > 0.0).then_some(Self { p, seed })
    }

    /// Masks `row`, the batch's row number `index`, in place. Each value takes 16
    /// random bits, four values a draw.
    pub fn apply(&self, row: &mut [f32], index: usize) {
        let mut rng = Xoshiro256Plus::seed_from_u64(
            self.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        let dropped_below = (self.p.min(1.0) * 65536.0).round() as u64;
        let keep = 1.0 / (1.0 - self.p.min(0.999));
        for values in row.chunks_mut(4) {
            let bits = rng.next_u64();
            for (i, v) in values.iter_mut().enumerate() {
                let draw = (bits >> (16 * i)) & 0xFFFF;
                *v = if draw < dropped_below { 0.0 } else { *v * keep };
            }
        }
    }

    /// The factors a (rows, width) batch is multiplied by, row-major.
    pub fn factors(&self, rows: usize, width: usize) -> Vec<f32> {
        let mut factors = vec![1.0; rows * width];
        for (index, row) in factors.chunks_mut(width.max(1)).enumerate() {
            self.apply(row, index);
        }
        factors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_p_of_the_values_are_zeroed_and_the_rest_scaled_the_same_for_a_row_wherever_drawn() {
        let noise = Noise::new(0.2, 7).expect("noise");
        let factors = noise.factors(100, 128);
        let zeros = factors.iter().filter(|&&f| f == 0.0).count() as f64 / factors.len() as f64;
        assert!((zeros - 0.2).abs() < 0.01, "{zeros}");
        assert!(factors.iter().all(|&f| f == 0.0 || (f - 1.25).abs() < 1e-6));
        let mut row = vec![1.0f32; 128];
        noise.apply(&mut row, 42);
        assert_eq!(row, factors[42 * 128..43 * 128]);
        assert_ne!(factors[..128], factors[128..256], "rows differ");
        assert!(Noise::new(0.0, 7).is_none());
    }
}
