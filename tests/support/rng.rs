//! The seeded random numbers of the tests: xorshift64*, small, deterministic and good
//! enough to drive fuzz loops and mutations. `WD_FUZZ_SEED` / `WD_FUZZ_ROUNDS` run a
//! longer or different exploration locally. The library's unit tests use this file too
//! (`test_rng` in src/lib.rs), so every test draws from the same generator.

#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed` (made odd, so never stuck at zero).
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    /// Seeded from `WD_FUZZ_SEED` when set, else from `default`.
    pub fn from_env(default: u64) -> Rng {
        Rng::new(env_number("WD_FUZZ_SEED").unwrap_or(default))
    }

    /// Seeded from the clock: a different sequence on every run.
    pub fn from_clock() -> Rng {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        Rng::new(nanos)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// One item of `items` (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A byte: one of `alphabet` three times out of four, else any byte.
    pub fn byte_from(&mut self, alphabet: &[u8]) -> u8 {
        if self.below(4) == 0 {
            self.next() as u8
        } else {
            *self.pick(alphabet)
        }
    }
}

/// Rounds of a fuzz loop: `WD_FUZZ_ROUNDS` when set, else `default`.
pub fn fuzz_rounds(default: u64) -> u64 {
    env_number("WD_FUZZ_ROUNDS").unwrap_or(default)
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}
