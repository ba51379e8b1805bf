//! Small deterministic generator (SplitMix64) so the world is a pure function of its seed.

use rust_decimal::Decimal;

/// Mixes a 64-bit value (SplitMix64 finaliser).
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of a string, to fold names (AKs, labels) into seeds.
pub fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A seeded stream of pseudo-random values.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A stream for (seed, ak, label): independent streams for independent parts of the world.
    pub fn new(seed: u64, ak: &str, label: &str) -> Rng {
        Rng(mix(seed ^ mix(fnv(ak)) ^ mix(fnv(label).rotate_left(17))))
    }

    /// A stream for one indexed item (bill record `i`), computed without walking 0..i.
    pub fn at(seed: u64, ak: &str, label: &str, i: u64) -> Rng {
        let base = Rng::new(seed, ak, label).0;
        Rng(mix(base ^ mix(i.wrapping_add(1))))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo + 1) as u64;
        lo + (self.next_u64() % span) as i64
    }

    /// Index in `0..n` (n > 0).
    pub fn index(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// True with probability `pct` percent.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.next_u64() % 100 < pct
    }

    /// A money amount in `lo..=hi` (whole units), with cents.
    pub fn money(&mut self, lo: i64, hi: i64) -> Decimal {
        let cents = self.range(lo * 100, hi * 100);
        Decimal::new(cents, 2)
    }

    /// `n` lower-case hex characters.
    pub fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n + 16);
        while s.len() < n {
            s.push_str(&format!("{:016x}", self.next_u64()));
        }
        s.truncate(n);
        s
    }

    /// `n` upper-case alphanumerics.
    pub fn upper(&mut self, n: usize) -> String {
        const A: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
        (0..n).map(|_| A[self.index(A.len())] as char).collect()
    }
}
