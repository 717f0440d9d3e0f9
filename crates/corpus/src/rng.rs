//! The generator's only source of randomness: xoshiro256** streams keyed by SHA-256 of
//! (seed, purpose, index). Written out here rather than taken from `rand` so that the byte
//! stream, and with it every generated file, can never change under a dependency upgrade;
//! and keyed per item so that parallel work (signing) draws the same numbers in any order.

use sha2::{Digest, Sha256};

/// A deterministic stream of pseudo-random numbers.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: [u64; 4],
}

impl Rng {
    /// The stream for `purpose` and `index` under `seed`.
    pub(crate) fn keyed(seed: u64, purpose: &str, index: u64) -> Rng {
        let digest = Sha256::new()
            .chain_update(b"skillproof-corpus-rng\0")
            .chain_update(seed.to_be_bytes())
            .chain_update(purpose.as_bytes())
            .chain_update([0])
            .chain_update(index.to_be_bytes())
            .finalize();
        let mut state = [0u64; 4];
        for (word, chunk) in state.iter_mut().zip(digest.chunks_exact(8)) {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(chunk);
            *word = u64::from_le_bytes(bytes);
        }
        // xoshiro must not start from all zeros (SHA-256 never gives that, but be exact).
        if state == [0; 4] {
            state[0] = 1;
        }
        Rng { state }
    }

    /// xoshiro256** (Blackman & Vigna).
    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.state[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.state[1] << 17;
        self.state[2] ^= self.state[0];
        self.state[3] ^= self.state[1];
        self.state[1] ^= self.state[2];
        self.state[0] ^= self.state[3];
        self.state[2] ^= t;
        self.state[3] = self.state[3].rotate_left(45);
        result
    }

    /// Uniform in `0..bound` (`bound` > 0), without modulo bias.
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        let bound = bound.max(1) as u64;
        let zone = u64::MAX - (u64::MAX % bound);
        loop {
            let value = self.next_u64();
            if value < zone {
                return (value % bound) as usize;
            }
        }
    }

    /// Uniform in `[0, 1)` with 53 bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in `low..=high` (inclusive), for seconds and counts.
    pub(crate) fn between(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        low + self.below((high - low + 1) as usize) as i64
    }

    /// An index drawn in proportion to non-negative `weights` (at least one positive).
    pub(crate) fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        if total <= 0.0 || weights.is_empty() {
            return 0;
        }
        let mut target = self.unit() * total;
        for (index, weight) in weights.iter().enumerate() {
            if target < *weight {
                return index;
            }
            target -= weight;
        }
        // Rounding left a sliver past the end: the last positive weight takes it.
        weights
            .iter()
            .rposition(|weight| *weight > 0.0)
            .unwrap_or(0)
    }

    /// 32 bytes, for keys and salts.
    pub(crate) fn bytes32(&mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for chunk in out.chunks_exact_mut(8) {
            chunk.copy_from_slice(&self.next_u64().to_le_bytes());
        }
        out
    }
}

/// Cumulative weights for repeated draws from one large table (FSAs by population).
#[derive(Debug, Clone)]
pub(crate) struct Table {
    cumulative: Vec<f64>,
}

impl Table {
    pub(crate) fn new(weights: &[f64]) -> Table {
        let mut total = 0.0;
        let cumulative = weights
            .iter()
            .map(|weight| {
                total += weight.max(0.0);
                total
            })
            .collect();
        Table { cumulative }
    }

    pub(crate) fn draw(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = rng.unit() * total;
        let index = self.cumulative.partition_point(|&edge| edge <= target);
        index.min(self.cumulative.len().saturating_sub(1))
    }
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[(byte >> 4) as usize] as char);
        out.push(DIGITS[(byte & 15) as usize] as char);
    }
    out
}

/// A UUID-shaped (version 4 layout) deterministic identifier.
pub(crate) fn uuid(seed: u64, purpose: &str, index: u64) -> String {
    let bytes = Rng::keyed(seed, purpose, index).bytes32();
    let h = hex(&bytes[..16]);
    format!(
        "{}-{}-4{}-{}{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        ["8", "9", "a", "b"][(bytes[8] & 3) as usize],
        &h[17..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_fixed_by_their_key() {
        let mut a = Rng::keyed(7, "x", 1);
        let mut b = Rng::keyed(7, "x", 1);
        let mut c = Rng::keyed(7, "x", 2);
        let first: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        assert_eq!(first, (0..4).map(|_| b.next_u64()).collect::<Vec<_>>());
        assert_ne!(first, (0..4).map(|_| c.next_u64()).collect::<Vec<_>>());
    }

    #[test]
    fn draws_stay_in_range_and_follow_weights() {
        let mut rng = Rng::keyed(1, "range", 0);
        let mut counts = [0usize; 3];
        for _ in 0..30_000 {
            assert!(rng.below(7) < 7);
            let unit = rng.unit();
            assert!((0.0..1.0).contains(&unit));
            counts[rng.weighted(&[1.0, 0.0, 3.0])] += 1;
        }
        assert_eq!(counts[1], 0);
        let share = counts[2] as f64 / 30_000.0;
        assert!((share - 0.75).abs() < 0.02, "{share}");
        let table = Table::new(&[0.0, 2.0, 2.0]);
        for _ in 0..1000 {
            assert_ne!(table.draw(&mut rng), 0);
        }
    }

    #[test]
    fn uuids_have_the_version_4_shape() {
        let id = uuid(3, "credential", 42);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
    }
}
