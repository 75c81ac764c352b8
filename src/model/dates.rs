//! Dates as people read them: "7 Dec 2026", not `2026-12-07T21:17:00Z`.

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The day of a stored date or timestamp (`2026-12-07`, `2026-12-07T21:17:00Z`) as
/// "7 Dec 2026"; anything else as it came.
pub fn readable_day(at: &str) -> String {
    let parsed = at.get(..10).and_then(|date| {
        let mut parts = date.split('-');
        let year = parts.next()?;
        let month: usize = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let month = MONTHS.get(month.checked_sub(1)?)?;
        (year.len() == 4 && (1..=31).contains(&day)).then(|| format!("{day} {month} {year}"))
    });
    parsed.unwrap_or_else(|| at.to_string())
}

/// A stored timestamp as "7 Dec 2026, 9:17 pm" (the time as stored, UTC, said so); a date
/// alone as its day.
pub fn readable_moment(at: &str) -> String {
    let day = readable_day(at);
    let time = at.get(11..16).and_then(|time| {
        let (hour, minute) = time.split_once(':')?;
        let hour: u32 = hour.parse().ok()?;
        let minute: u32 = minute.parse().ok()?;
        let (twelve, half) = match hour {
            0 => (12, "am"),
            1..=11 => (hour, "am"),
            12 => (12, "pm"),
            _ => (hour - 12, "pm"),
        };
        Some(format!("{twelve}:{minute:02} {half} UTC"))
    });
    match time {
        Some(time) => format!("{day}, {time}"),
        None => day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_days_and_times() {
        assert_eq!(readable_day("2026-12-07T21:17:00Z"), "7 Dec 2026");
        assert_eq!(readable_day("2026-01-31"), "31 Jan 2026");
        assert_eq!(readable_day("soon"), "soon");
        assert_eq!(readable_day("2026-13-01"), "2026-13-01");
        assert_eq!(
            readable_moment("2026-12-07T21:17:00Z"),
            "7 Dec 2026, 9:17 pm UTC"
        );
        assert_eq!(
            readable_moment("2026-12-07T00:05:00Z"),
            "7 Dec 2026, 12:05 am UTC"
        );
        assert_eq!(readable_moment("2026-12-07"), "7 Dec 2026");
    }
}
