//! The term, and daily attendance for every school day of it so far, as the school's
//! attendance system reports it.

use rand::Rng;
use time::{Date, Duration, Weekday};

use super::generator::{at, term_today, Generator, TERM_START, TERM_WEEKS};
use super::institution::INSTITUTION_ID;
use super::people::People;
use crate::clock;
use crate::row;
use crate::store::batch::TableRows;

/// Where the demo school's attendance comes from, as its feed status shows.
pub const SOURCE: &str = "Riverbend register";

pub fn generate(g: &mut Generator, people: &People, tables: &mut Vec<TableRows>) {
    let mut terms = TableRows::new(
        "terms",
        &[
            "id",
            "institution_id",
            "external_id",
            "title",
            "kind",
            "start_date",
            "end_date",
        ],
    );
    terms.push(row![
        1,
        INSTITUTION_ID,
        "term-autumn-2026",
        "Autumn term 2026",
        "term",
        clock::format_date(TERM_START),
        clock::format_date(TERM_START + Duration::weeks(TERM_WEEKS) - Duration::days(1)),
    ]);
    tables.push(terms);
    let mut attendance = TableRows::new(
        "attendance",
        &[
            "id",
            "institution_id",
            "learner_id",
            "group_id",
            "day",
            "session",
            "status",
            "source",
            "recorded_at",
        ],
    );
    let school_days: Vec<Date> = (0..TERM_WEEKS * 7)
        .map(|offset| TERM_START + Duration::days(offset))
        .filter(|day| !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday))
        .filter(|day| *day <= term_today())
        .collect();
    for learner in &people.learners {
        let absence_rate = g.rng.random_range(0.01..0.12);
        for day in &school_days {
            let roll: f64 = g.rng.random();
            let status = if roll < absence_rate {
                if g.rng.random_bool(0.3) {
                    "excused"
                } else {
                    "absent"
                }
            } else if roll < absence_rate + 0.03 {
                "late"
            } else {
                "present"
            };
            attendance.push(row![
                attendance.rows.len() as i64 + 1,
                INSTITUTION_ID,
                learner.person.id,
                learner.group as i64 + 1,
                clock::format_date(*day),
                "day",
                status,
                SOURCE,
                at(*day, 9),
            ]);
        }
    }
    tables.push(attendance);
}
