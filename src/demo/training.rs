//! Trainings, the manager's orders and registration codes, the seats assigned from them, and
//! enrolments.

use rand::Rng;
use time::Duration;

use super::curriculum::TRAININGS;
use super::generator::{at, term_today, Generator, TERM_START};
use super::institution::INSTITUTION_ID;
use super::people::People;
use crate::clock;
use crate::row;
use crate::store::batch::TableRows;

/// Registration codes use letters and digits that cannot be mistaken for each other.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// The manager's orders: (training id, seats).
const ORDERS: [(i64, i64); 2] = [(2, 20), (3, 10)];

pub fn generate(g: &mut Generator, people: &People, tables: &mut Vec<TableRows>) {
    let today = term_today();
    let mut trainings = TableRows::new(
        "trainings",
        &[
            "id",
            "institution_id",
            "name",
            "description",
            "starts_on",
            "ends_on",
            "instructor_id",
            "created_at",
        ],
    );
    let mut dates = Vec::new();
    for (index, (name, description, start_week, weeks)) in TRAININGS.iter().enumerate() {
        let starts = TERM_START + Duration::weeks(*start_week);
        let ends = starts + Duration::weeks(*weeks) - Duration::days(3);
        dates.push((starts, ends));
        trainings.push(row![
            index as i64 + 1,
            INSTITUTION_ID,
            *name,
            *description,
            clock::format_date(starts),
            clock::format_date(ends),
            people.teachers[0].id,
            &g.created,
        ]);
    }
    let mut prerequisites = TableRows::new(
        "training_prerequisites",
        &["training_id", "prerequisite_id"],
    );
    prerequisites.push(row![3, 1]);

    let mut orders = TableRows::new(
        "orders",
        &[
            "id",
            "institution_id",
            "manager_id",
            "training_id",
            "reference",
            "seats",
            "amount_cents",
            "currency",
            "ordered_at",
        ],
    );
    let mut codes = TableRows::new(
        "registration_codes",
        &[
            "id",
            "institution_id",
            "manager_id",
            "training_id",
            "order_id",
            "code",
            "seats",
            "created_at",
            "taken",
        ],
    );
    let mut seats = TableRows::new(
        "seat_assignments",
        &[
            "id",
            "code_id",
            "email",
            "user_id",
            "invited_at",
            "redeemed_at",
        ],
    );
    let mut enrolments = TableRows::new(
        "enrolments",
        &[
            "id",
            "training_id",
            "user_id",
            "status",
            "enrolled_at",
            "completed_at",
            "score",
        ],
    );
    let manager = people.manager.id;
    for (index, (training_id, seat_count)) in ORDERS.into_iter().enumerate() {
        let id = index as i64 + 1;
        let ordered = at(TERM_START + Duration::weeks(index as i64 * 4), 9);
        let reference = format!("PO-2026-{:04}", 100 + id);
        orders.push(row![
            id,
            INSTITUTION_ID,
            manager,
            training_id,
            reference,
            seat_count,
            seat_count * 8_500,
            "AUD",
            &ordered,
        ]);
        let code: String = (0..8)
            .map(|_| char::from(CODE_ALPHABET[g.rng.random_range(0..CODE_ALPHABET.len())]))
            .collect();
        // Seats go to learners of the oldest groups; most have registered.
        let (starts, ends) = dates[training_id as usize - 1];
        let placed = (seat_count as usize * 3 / 5).min(people.learners.len());
        codes.push(row![
            id,
            INSTITUTION_ID,
            manager,
            training_id,
            id,
            code,
            seat_count,
            &ordered,
            placed as i64
        ]);

        for learner in people.learners.iter().rev().take(placed) {
            let person = &learner.person;
            let redeemed = g.rng.random_bool(0.75);
            let seat_id = seats.rows.len() as i64 + 1;
            let redeemed_at = redeemed.then(|| ordered.clone());
            seats.push(row![
                seat_id,
                id,
                &person.email,
                person.id,
                &ordered,
                redeemed_at
            ]);
            if redeemed {
                let completed = ends <= today && g.rng.random_bool(0.8);
                let status = match (completed, starts <= today) {
                    (true, _) => "completed",
                    (false, true) => "in_progress",
                    (false, false) => "upcoming",
                };
                let score = completed.then(|| g.rng.random_range(70..=100) as f64);
                enrolments.push(row![
                    enrolments.rows.len() as i64 + 1,
                    training_id,
                    person.id,
                    status,
                    &ordered,
                    completed.then(|| at(ends, 15)),
                    score,
                ]);
            }
        }
    }
    // The first group took Digital Citizenship, which has finished.
    let (_, citizenship_ends) = dates[0];
    for learner in people.learners.iter().filter(|l| l.group == 0) {
        let completed = g.rng.random_bool(0.85);
        let status = if completed {
            "completed"
        } else {
            "in_progress"
        };
        let score = completed.then(|| g.rng.random_range(60..=100) as f64);
        enrolments.push(row![
            enrolments.rows.len() as i64 + 1,
            1,
            learner.person.id,
            status,
            &g.created,
            completed.then(|| at(citizenship_ends, 15)),
            score,
        ]);
    }
    tables.extend([trainings, prerequisites, orders, codes, seats, enrolments]);
}
