//! Dates as people read them: "7 Dec 2026, 9:17 pm" in the institution's time zone, not
//! `2026-12-07T21:17:00Z`.
//!
//! A [`Zone`] carries its offsets from UTC and the instants they change (daylight saving) over
//! the years Cairn's records span, worked out on the server from the IANA database. The browser
//! gets the same table in the page, so a date reads the same drawn on either side without the
//! time zone database in the browser's code.

use serde::{Deserialize, Serialize};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A time zone as the pages need it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// Its IANA name ("Europe/London").
    pub name: String,
    /// Seconds east of UTC before the first change.
    pub offset: i32,
    /// From which instant (Unix seconds) which offset holds, in time order.
    pub changes: Vec<(i64, i32)>,
}

impl Default for Zone {
    fn default() -> Self {
        Zone::utc()
    }
}

/// A wall-clock reading: the day and the minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WallClock {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
}

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            offset: 0,
            changes: Vec::new(),
        }
    }

    /// Seconds east of UTC at an instant.
    pub fn offset_at(&self, instant: i64) -> i32 {
        let after = self.changes.partition_point(|(at, _)| *at <= instant);
        match after.checked_sub(1) {
            Some(last) => self.changes[last].1,
            None => self.offset,
        }
    }

    /// The day of a stored timestamp in this zone (`2026-12-07T21:17:00Z` → "7 Dec 2026", or
    /// "8 Dec 2026" east of UTC+3); a calendar date (`2026-12-07`) as the day it names;
    /// anything else as it came.
    pub fn day(&self, at: &str) -> String {
        match self.wall_clock(at) {
            Some(clock) => clock.day_text(),
            None => calendar_date(at)
                .map(|(year, month, day)| day_text(year, month, day))
                .unwrap_or_else(|| at.to_string()),
        }
    }

    /// A stored timestamp as "7 Dec 2026, 9:17 pm" in this zone; a calendar date as its day.
    pub fn moment(&self, at: &str) -> String {
        match self.wall_clock(at) {
            Some(clock) => format!("{}, {}", clock.day_text(), clock.time_text()),
            None => self.day(at),
        }
    }

    /// The time of day of a stored timestamp in this zone ("9:17 pm"); anything else as it came.
    pub fn time_of_day(&self, at: &str) -> String {
        match self.wall_clock(at) {
            Some(clock) => clock.time_text(),
            None => at.to_string(),
        }
    }

    fn wall_clock(&self, at: &str) -> Option<WallClock> {
        let instant = instant(at)?;
        let local = instant + i64::from(self.offset_at(instant));
        let (days, seconds) = (local.div_euclid(86_400), local.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        Some(WallClock {
            year,
            month,
            day,
            hour: (seconds / 3600) as u32,
            minute: (seconds % 3600 / 60) as u32,
        })
    }
}

impl WallClock {
    fn day_text(&self) -> String {
        day_text(self.year, self.month, self.day)
    }

    fn time_text(&self) -> String {
        let (hour, half) = match self.hour {
            0 => (12, "am"),
            1..=11 => (self.hour, "am"),
            12 => (12, "pm"),
            _ => (self.hour - 12, "pm"),
        };
        format!("{hour}:{:02} {half}", self.minute)
    }
}

fn day_text(year: i64, month: u32, day: u32) -> String {
    format!("{day} {} {year}", MONTHS[month as usize - 1])
}

/// `YYYY-MM-DD` at the start of the text, checked.
fn calendar_date(at: &str) -> Option<(i64, u32, u32)> {
    let date = at.get(..10)?;
    let mut parts = date.split('-');
    let year = parts.next().filter(|year| year.len() == 4)?.parse().ok()?;
    let month: u32 = parts.next().filter(|m| m.len() == 2)?.parse().ok()?;
    let day: u32 = parts.next().filter(|d| d.len() == 2)?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
}

/// An RFC 3339 timestamp (`2026-12-07T21:17:00Z`, with or without fractions of a second, in
/// UTC or with an offset) as Unix seconds; a date alone is not an instant.
fn instant(at: &str) -> Option<i64> {
    let (year, month, day) = calendar_date(at)?;
    if !matches!(at.as_bytes().get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| at.get(range)?.parse::<i64>().ok();
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if at.get(13..14) != Some(":") || at.get(16..17) != Some(":") {
        return None;
    }
    let mut rest = &at[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        rest = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let east = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (hours, minutes) = rest[1..].split_once(':')?;
            sign * (hours.parse::<i64>().ok()? * 3600 + minutes.parse::<i64>().ok()? * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - east)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day counted from 1970-01-01 (the inverse of `days_from_civil`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_days_and_times_in_utc() {
        let utc = Zone::utc();
        assert_eq!(utc.day("2026-12-07T21:17:00Z"), "7 Dec 2026");
        assert_eq!(utc.day("2026-01-31"), "31 Jan 2026");
        assert_eq!(utc.day("soon"), "soon");
        assert_eq!(utc.day("2026-13-01"), "2026-13-01");
        assert_eq!(utc.moment("2026-12-07T21:17:00Z"), "7 Dec 2026, 9:17 pm");
        assert_eq!(utc.moment("2026-12-07T00:05:00Z"), "7 Dec 2026, 12:05 am");
        assert_eq!(
            utc.moment("2026-12-07T12:30:59.999Z"),
            "7 Dec 2026, 12:30 pm"
        );
        assert_eq!(utc.moment("2026-12-07"), "7 Dec 2026");
        assert_eq!(utc.time_of_day("2026-12-07T10:42:00Z"), "10:42 am");
        assert_eq!(utc.time_of_day("2026-12-07T00:05:00Z"), "12:05 am");
        assert_eq!(utc.time_of_day("later"), "later");
    }

    #[test]
    fn offsets_in_the_text_are_honoured() {
        let utc = Zone::utc();
        assert_eq!(
            utc.moment("2026-12-08T01:00:00+02:00"),
            "7 Dec 2026, 11:00 pm"
        );
        assert_eq!(
            utc.moment("2026-12-07T20:30:00-03:30"),
            "8 Dec 2026, 12:00 am"
        );
    }

    #[test]
    fn a_zone_moves_the_clock_and_the_day_across_its_changes() {
        // Europe/London in 2026: BST from 29 March 01:00 UTC to 25 October 01:00 UTC.
        let london = Zone {
            name: "Europe/London".into(),
            offset: 0,
            changes: vec![(1_774_746_000, 3600), (1_792_890_000, 0)],
        };
        assert_eq!(
            london.moment("2026-03-29T00:59:00Z"),
            "29 Mar 2026, 12:59 am"
        );
        assert_eq!(
            london.moment("2026-03-29T01:00:00Z"),
            "29 Mar 2026, 2:00 am"
        );
        assert_eq!(
            london.moment("2026-07-01T23:30:00Z"),
            "2 Jul 2026, 12:30 am"
        );
        assert_eq!(london.day("2026-07-01T23:30:00Z"), "2 Jul 2026");
        assert_eq!(london.moment("2026-12-07T21:17:00Z"), "7 Dec 2026, 9:17 pm");
        // A calendar date names its day wherever it is read.
        assert_eq!(london.day("2026-07-01"), "1 Jul 2026");
    }

    #[test]
    fn civil_days_round_trip() {
        for days in [-800_000, -1, 0, 59, 365, 10_957, 20_789, 2_000_000] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
        assert_eq!(instant("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(instant("2000-03-01T00:00:00Z"), Some(951_868_800));
    }
}
