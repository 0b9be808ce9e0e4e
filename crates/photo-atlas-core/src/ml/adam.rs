//! Adam over flat parameter vectors, for the hand-written CPU training: the
//! gradients of each thread's share of a batch are summed and the update applied
//! in one pass over the memory, in parallel blocks, so that a step touches every
//! parameter once (candle's AdamW made eight tensors a parameter a step).

use rayon::prelude::*;

use super::elementwise::{AdamRate, adam, add};

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPS: f32 = 1e-8;

/// Values in one parallel block: small enough that its five arrays stay in cache.
const BLOCK: usize = 8192;

/// Adam's moments for a vector of parameters (as candle's AdamW with no weight
/// decay: β 0.9 / 0.999, ε 1e-8).
pub struct Adam {
    lr: f32,
    t: i32,
    m: Vec<f32>,
    v: Vec<f32>,
}

impl Adam {
    pub fn new(len: usize, lr: f64) -> Self {
        Self {
            lr: lr as f32,
            t: 0,
            m: vec![0.0; len],
            v: vec![0.0; len],
        }
    }

    /// One update of `params` from the sum of `first` and every slice of `rest`
    /// (the gradients of a batch's parts; `first` is left holding the sum).
    pub fn step(&mut self, params: &mut [f32], first: &mut [f32], rest: &[&[f32]]) {
        assert_eq!(params.len(), self.m.len(), "parameters and moments differ");
        self.t += 1;
        let rate = AdamRate {
            lr: self.lr,
            beta1: BETA1,
            beta2: BETA2,
            eps: EPS,
            inv_c1: 1.0 / (1.0 - BETA1.powi(self.t)),
            inv_c2: 1.0 / (1.0 - BETA2.powi(self.t)),
        };
        params
            .par_chunks_mut(BLOCK)
            .zip(first.par_chunks_mut(BLOCK))
            .zip(self.m.par_chunks_mut(BLOCK))
            .zip(self.v.par_chunks_mut(BLOCK))
            .enumerate()
            .for_each(|(block, (((p, g), m), v))| {
                let at = block * BLOCK;
                for other in rest {
                    add(g, &other[at..at + p.len()]);
                }
                adam(p, g, m, v, rate);
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two steps on summed gradients equal Adam's formulas written out.
    #[test]
    fn steps_follow_adams_formulas_on_the_summed_gradients() {
        let len = BLOCK + 5; // more than one block
        let mut params = vec![1.0f32; len];
        let mut adam = Adam::new(len, 0.1);
        let (mut m, mut v, mut want) = (0.0f32, 0.0f32, 1.0f32);
        for t in 1..=2 {
            let mut first = vec![0.25f32; len];
            let second = vec![0.5f32; len];
            adam.step(&mut params, &mut first, &[&second]);
            assert!(first.iter().all(|&g| g == 0.75), "the sum is left in first");
            let g = 0.75f32;
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            let (mh, vh) = (m / (1.0 - 0.9f32.powi(t)), v / (1.0 - 0.999f32.powi(t)));
            want -= 0.1 * mh / (vh.sqrt() + 1e-8);
            let worst = params.iter().fold(0f32, |w, p| w.max((p - want).abs()));
            assert!(worst < 1e-5, "step {t}: off by {worst}");
        }
    }
}
