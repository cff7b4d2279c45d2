//! The seeded random source of the demonstration: SplitMix64, small, fast, and the same sequence everywhere for a
//! seed, so that the same seed and the same clock give the same database. Not for anything secret.

/// SplitMix64: small, fast, and the same sequence everywhere for a seed.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in 0..n (0 when n is 0).
    pub(super) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    pub(super) fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    pub(super) fn pick<X: Copy>(&mut self, items: &[X]) -> Option<X> {
        let i = self.below(items.len());
        items.get(i).copied()
    }

    pub(super) fn word(&mut self, items: &[&'static str]) -> &'static str {
        self.pick(items).unwrap_or_default()
    }

    pub(super) fn shuffle<X>(&mut self, items: &mut [X]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rng_is_deterministic() {
        let a: Vec<u64> = (0..5).scan(Rng::new(42), |r, _| Some(r.next())).collect();
        let b: Vec<u64> = (0..5).scan(Rng::new(42), |r, _| Some(r.next())).collect();
        assert_eq!(a, b);
    }
}
