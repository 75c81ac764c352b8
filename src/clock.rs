//! Timestamps as Cairn stores them: UTC, RFC 3339 with a `Z`, to the second. Text in this form
//! sorts and compares the same in SQLite and PostgreSQL.

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

/// Formats a UTC instant the way the store keeps it.
pub fn format(at: OffsetDateTime) -> String {
    let at = at
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_default()
}

/// Now, formatted for the store.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// A stored timestamp back into an instant.
pub fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// A calendar date as the store keeps it (`YYYY-MM-DD`).
pub fn format_date(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_utc_to_the_second_and_parses_back() {
        let at = datetime!(2026-11-22 10:00:00.75 +2);
        let text = format(at);
        assert_eq!(text, "2026-11-22T08:00:00Z");
        assert_eq!(parse(&text), Some(datetime!(2026-11-22 08:00:00 UTC)));
    }

    #[test]
    fn stored_text_sorts_in_time_order() {
        let a = format(datetime!(2026-09-02 23:59:59 UTC));
        let b = format(datetime!(2026-10-01 00:00:00 UTC));
        assert!(a < b);
    }
}
