//! Flow control per (AK, operation) over a sliding one-second window, like CBC's per-API limits.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Sliding-window counters.
#[derive(Default)]
pub struct Throttle {
    windows: Mutex<HashMap<(String, &'static str), VecDeque<Instant>>>,
}

impl Throttle {
    /// Admits one call at `now` unless `limit` calls were admitted in the last second.
    pub fn admit(&self, ak: &str, op: &'static str, limit: u32, now: Instant) -> bool {
        let mut map = match self.windows.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        let q = map.entry((ak.to_owned(), op)).or_default();
        while let Some(front) = q.front() {
            if now.duration_since(*front) >= Duration::from_secs(1) {
                q.pop_front();
            } else {
                break;
            }
        }
        if q.len() >= limit as usize {
            return false;
        }
        q.push_back(now);
        true
    }

    /// Forgets every window (control API reset).
    pub fn clear(&self) {
        if let Ok(mut m) = self.windows.lock() {
            m.clear();
        }
    }
}
