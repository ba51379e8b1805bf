//! The sandbox's clock. Seeded history (orders, bills, usage) is dated relative to it and the
//! actions stamp their changes with it. It follows the real time, or is pinned to a chosen
//! instant and runs on from there, so tests and demos get a world that does not move across
//! month ends. Signatures are always checked against the real time: clients sign with theirs.

use std::sync::Mutex;
use std::time::Instant;

use time::OffsetDateTime;

/// Real or pinned time.
#[derive(Debug)]
pub struct Clock(Mutex<Option<Pin>>);

#[derive(Debug, Clone, Copy)]
struct Pin {
    at: OffsetDateTime,
    since: Instant,
}

impl Clock {
    /// The real time.
    pub fn real() -> Self {
        Clock(Mutex::new(None))
    }

    /// `at` now; the clock runs on from there at the real pace.
    pub fn pinned(at: OffsetDateTime) -> Self {
        let c = Self::real();
        c.set(Some(at));
        c
    }

    /// Pins the clock to `at` from now on, or (`None`) returns it to the real time.
    pub fn set(&self, at: Option<OffsetDateTime>) {
        let pin = at.map(|at| Pin {
            at,
            since: Instant::now(),
        });
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = pin;
    }

    /// The sandbox's current time, in whole seconds (as CBC reports times).
    pub fn now(&self) -> OffsetDateTime {
        let pin = *self.0.lock().unwrap_or_else(|p| p.into_inner());
        let t = match pin {
            None => OffsetDateTime::now_utc(),
            Some(p) => p.at + p.since.elapsed(),
        };
        t.replace_nanosecond(0).unwrap_or(t)
    }

    /// Parses a pin: an RFC 3339 time (`2026-03-10T12:00:00Z`) in the years 2001 to 2097, so
    /// that the seeded history years back and the expiries years ahead stay representable.
    pub fn parse_pin(raw: &str) -> Result<OffsetDateTime, &'static str> {
        const HINT: &str =
            "use an RFC 3339 time in the years 2001 to 2097, like 2026-03-10T12:00:00Z";
        let t = OffsetDateTime::parse(raw.trim(), &time::format_description::well_known::Rfc3339)
            .map_err(|_| HINT)?;
        if !(2001..=2097).contains(&t.to_offset(time::UtcOffset::UTC).year()) {
            return Err(HINT);
        }
        Ok(t)
    }

    /// Whether the clock is pinned.
    pub fn is_pinned(&self) -> bool {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_clock_starts_at_its_pin_and_runs_on() {
        let at = time::macros::datetime!(2024-02-29 23:59:59 UTC);
        let c = Clock::pinned(at);
        assert!(c.is_pinned());
        let t = c.now();
        assert!(t >= at && t - at < time::Duration::seconds(5), "{t}");
        c.set(None);
        assert!(!c.is_pinned());
        assert_eq!(Clock::parse_pin(" 2024-02-29T23:59:59Z "), Ok(at));
        assert!(Clock::parse_pin("2024-02-29T23:59:59+08:00").is_ok());
        for bad in [
            "2024-02-30T00:00:00Z",
            "9999-12-31T00:00:00Z",
            "2024-02-29",
            "now",
        ] {
            assert!(Clock::parse_pin(bad).is_err(), "{bad}");
        }
        assert!((c.now() - OffsetDateTime::now_utc()).abs() < time::Duration::seconds(5));
    }
}
