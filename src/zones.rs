//! Time zones from the IANA database, bundled with Cairn so that a machine without
//! `/usr/share/zoneinfo` knows them all the same; each turned once into the table of offsets
//! the pages read dates with ([`Zone`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::model::Zone;

/// The years a zone's table covers: Cairn's records, and what is planned, fall within them.
/// Before them a zone's offset is its offset at their start; after them, at their end.
const FIRST_YEAR_START: i64 = 946_684_800; // 2000-01-01T00:00:00Z
const LAST_YEAR_END: i64 = 2_524_608_000; // 2050-01-01T00:00:00Z

/// Regions of the canonical IANA names: the names an administrator chooses from (without the
/// database's old aliases such as `US/Eastern`).
const REGIONS: [&str; 9] = [
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
];

/// Whether a name is a zone Cairn offers: "UTC" or a canonical `Region/City`.
pub fn is_known(name: &str) -> bool {
    name == "UTC" || (offered(name) && TimeZone::get(name).is_ok())
}

fn offered(name: &str) -> bool {
    name.split_once('/')
        .is_some_and(|(region, _)| REGIONS.contains(&region))
}

/// Every zone an administrator may choose, "UTC" first, then by name.
pub fn names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<String> = jiff::tz::db()
            .available()
            .map(|name| name.as_str().to_string())
            .filter(|name| offered(name))
            .collect();
        names.sort();
        names.dedup();
        names.insert(0, "UTC".into());
        names
    })
}

/// Today's date in the zone of a name (UTC for one Cairn does not know).
pub fn today(name: &str) -> jiff::civil::Date {
    let zone = TimeZone::get(name).unwrap_or(TimeZone::UTC);
    Timestamp::now().to_zoned(zone).date()
}

/// The zone of a name ("UTC" for one Cairn does not know), worked out once per name.
pub fn zone(name: &str) -> Arc<Zone> {
    static ZONES: OnceLock<Mutex<HashMap<String, Arc<Zone>>>> = OnceLock::new();
    let zones = ZONES.get_or_init(Default::default);
    let mut zones = zones
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(zone) = zones.get(name) {
        return zone.clone();
    }
    let zone = Arc::new(table(name).unwrap_or_else(Zone::utc));
    zones.insert(name.to_string(), zone.clone());
    zone
}

fn table(name: &str) -> Option<Zone> {
    if !is_known(name) {
        return None;
    }
    let tz = TimeZone::get(name).ok()?;
    let start = Timestamp::from_second(FIRST_YEAR_START).ok()?;
    let changes = tz
        .following(start)
        .take_while(|change| change.timestamp().as_second() < LAST_YEAR_END)
        .map(|change| (change.timestamp().as_second(), change.offset().seconds()))
        .collect();
    Some(Zone {
        name: name.to_string(),
        offset: tz.to_offset(start).seconds(),
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_read_the_clock_of_their_place() {
        let london = zone("Europe/London");
        assert_eq!(
            london.moment("2026-07-01T23:30:00Z"),
            "2 Jul 2026, 12:30 am"
        );
        assert_eq!(london.moment("2026-12-07T21:17:00Z"), "7 Dec 2026, 9:17 pm");
        let auckland = zone("Pacific/Auckland");
        assert_eq!(
            auckland.moment("2026-12-07T21:17:00Z"),
            "8 Dec 2026, 10:17 am"
        );
        assert_eq!(
            auckland.moment("2026-06-07T21:17:00Z"),
            "8 Jun 2026, 9:17 am"
        );
        let st_johns = zone("America/St_Johns");
        assert_eq!(
            st_johns.moment("2026-12-07T21:17:00Z"),
            "7 Dec 2026, 5:47 pm"
        );
        let kolkata = zone("Asia/Kolkata");
        assert_eq!(kolkata.day("2026-12-07T19:00:00Z"), "8 Dec 2026");
        assert!(kolkata.changes.is_empty());
    }

    #[test]
    fn only_real_zones_are_offered() {
        assert!(is_known("UTC"));
        assert!(is_known("Europe/Berlin"));
        assert!(!is_known("US/Eastern"));
        assert!(!is_known("Europe/Atlantis"));
        assert!(!is_known(""));
        assert_eq!(zone("Europe/Atlantis").name, "UTC");
        let names = names();
        assert_eq!(names[0], "UTC");
        assert!(names.len() > 300, "{} zones", names.len());
        assert!(names.iter().any(|name| name == "Australia/Sydney"));
        assert!(names.iter().all(|name| name == "UTC" || offered(name)));
    }
}
