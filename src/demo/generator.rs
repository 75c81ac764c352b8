//! The generator's randomness and calendar: one seeded ChaCha stream, the school term, unique
//! addresses.

use std::collections::HashSet;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::macros::date;
use time::{Date, Duration, PrimitiveDateTime, Time};

use crate::clock;

/// The term the evidence falls in: thirteen school weeks ending in November 2026. Fixed, so
/// that a seed always produces the same school.
pub const TERM_START: Date = date!(2026 - 08 - 24);
pub const TERM_WEEKS: i64 = 13;
pub const LEARNERS_PER_GROUP: usize = 25;

/// The generated school's "today": the Friday of the term's last week.
pub fn term_today() -> Date {
    TERM_START + Duration::weeks(TERM_WEEKS) - Duration::days(3)
}

/// A stored timestamp for `hour` o'clock on `day`.
pub fn at(day: Date, hour: u8) -> String {
    let time = Time::from_hms(hour, 0, 0).unwrap_or(Time::MIDNIGHT);
    clock::format(PrimitiveDateTime::new(day, time).assume_utc())
}

pub struct Generator {
    pub rng: ChaCha8Rng,
    /// When the school's records were set up, a week before term.
    pub created: String,
    handles: HashSet<String>,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            created: at(TERM_START - Duration::days(7), 8),
            handles: HashSet::new(),
        }
    }

    pub fn pick<'a>(&mut self, list: &'a [&'a str]) -> &'a str {
        list[self.rng.random_range(0..list.len())]
    }

    /// A unique handle and email address for a person called `first last`.
    pub fn address(&mut self, first: &str, last: &str) -> (String, String) {
        let base: String = format!("{first}.{last}")
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        let mut handle = base.clone();
        let mut n = 1;
        while self.handles.contains(&handle) {
            n += 1;
            handle = format!("{base}{n}");
        }
        self.handles.insert(handle.clone());
        let email = format!("{handle}@riverbend.example");
        (handle, email)
    }

    /// A school day (Monday to Friday) of term week `week`, counted from zero.
    pub fn school_day(&mut self, week: i64) -> Date {
        let day = self.rng.random_range(0..5);
        TERM_START + Duration::days(week * 7 + day)
    }

    /// A school day in a random week from `weeks`.
    pub fn school_day_in(&mut self, weeks: std::ops::Range<i64>) -> Date {
        let week = self.rng.random_range(weeks);
        self.school_day(week)
    }

    /// Roughly normal noise, bounded by ±1.5 × `spread`.
    pub fn noise(&mut self, spread: f64) -> f64 {
        let sum: f64 = (0..3).map(|_| self.rng.random::<f64>()).sum();
        (sum - 1.5) * spread
    }
}
