//! Seats against real databases: a code is never oversold, whatever arrives at once; a code
//! that is unknown, another institution's, expired or used up is refused with its reason; a
//! seat assigned to an email is the person's when they redeem it; an unused one comes back.

use super::audit::Actor;
use super::testing::{count, user_id};
use super::Store;
use crate::demo::{self, SeedOptions};
use crate::error::CoreError;

async fn school(store: &Store) {
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 90,
            seed: 11,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
}

/// A new code of `seats` seats on the school's first training, held by the demo manager.
async fn new_code(store: &Store, code: &str, seats: i64, expires_at: Option<&str>) -> i64 {
    let manager = user_id(store, demo::DEMO_MANAGER).await;
    sqlx::query_scalar(
        "INSERT INTO registration_codes (institution_id, manager_id, training_id, code, seats, \
           created_at, expires_at) \
         SELECT institution_id, $1, MIN(id), $2, $3, '2026-12-01T00:00:00Z', $4 FROM trainings \
         GROUP BY institution_id RETURNING id",
    )
    .bind(manager)
    .bind(code)
    .bind(seats)
    .bind(expires_at)
    .fetch_one(store.pool())
    .await
    .unwrap()
}

/// Learners who hold no seat yet.
async fn learners_without_seats(store: &Store, how_many: i64) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT user_id FROM group_members WHERE member_role = 'learner' AND user_id NOT IN \
           (SELECT user_id FROM seat_assignments WHERE user_id IS NOT NULL) \
         GROUP BY user_id ORDER BY user_id LIMIT $1",
    )
    .bind(how_many)
    .fetch_all(store.pool())
    .await
    .unwrap()
}

fn reason(result: &Result<impl std::fmt::Debug, CoreError>) -> String {
    match result {
        Err(CoreError::Invalid { reason, .. }) => reason.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn fifty_redemptions_at_once_of_ten_seats_give_exactly_ten(store: &Store) {
    school(store).await;
    let code_id = new_code(store, "RACE2026", 10, None).await;
    let learners = learners_without_seats(store, 50).await;
    assert_eq!(learners.len(), 50);
    let attempts: Vec<_> = learners
        .iter()
        .map(|&learner| {
            let store = store.clone();
            tokio::spawn(async move { store.redeem_code("race2026", learner, None).await })
        })
        .collect();
    let mut seated = 0;
    let mut refusals = Vec::new();
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(redeemed) => {
                assert!(redeemed.new);
                seated += 1;
            }
            Err(CoreError::Invalid { reason, .. }) => refusals.push(reason),
            Err(other) => panic!("neither a seat nor a refusal: {other:?}"),
        }
    }
    assert_eq!(seated, 10);
    assert_eq!(refusals.len(), 40);
    assert!(refusals
        .iter()
        .all(|reason| reason.starts_with("every seat of this registration code is taken")));
    let (taken, rows): (i64, i64) = sqlx::query_as(
        "SELECT c.taken, (SELECT COUNT(*) FROM seat_assignments s WHERE s.code_id = c.id) \
         FROM registration_codes c WHERE c.id = $1",
    )
    .bind(code_id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!((taken, rows), (10, 10));
    let enrolled: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM enrolments e JOIN seat_assignments s ON s.user_id = e.user_id \
         WHERE s.code_id = $1",
    )
    .bind(code_id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(enrolled, 10, "each seat enrols its holder");
}

async fn codes_that_give_no_seat_say_why_and_change_nothing(store: &Store) {
    school(store).await;
    let learners = learners_without_seats(store, 3).await;
    new_code(store, "EXPIRED1", 5, Some("2026-01-01T00:00:00Z")).await;
    new_code(store, "ONESEAT1", 1, None).await;
    let seats = count(store, "seat_assignments").await;
    assert!(
        reason(&store.redeem_code("NOSUCHCODE", learners[0], None).await)
            .starts_with("there is no such registration code")
    );
    assert_eq!(
        reason(&store.redeem_code("EXPIRED1", learners[0], None).await),
        "this registration code expired on 2026-01-01; ask for a new one"
    );
    assert_eq!(count(store, "seat_assignments").await, seats);

    // One seat: the first takes it, the same person again keeps it, the next is refused.
    assert!(
        store
            .redeem_code("oneseat1", learners[0], None)
            .await
            .unwrap()
            .new
    );
    assert!(
        !store
            .redeem_code("ONESEAT1", learners[0], None)
            .await
            .unwrap()
            .new
    );
    assert!(
        reason(&store.redeem_code("ONESEAT1", learners[1], None).await)
            .starts_with("every seat of this registration code is taken")
    );
}

async fn a_seat_assigned_to_an_email_is_taken_up_or_taken_back(store: &Store) {
    school(store).await;
    let code_id = new_code(store, "ASSIGN01", 2, None).await;
    let manager = user_id(store, demo::DEMO_MANAGER).await;
    let institution_id: i64 = sqlx::query_scalar("SELECT institution_id FROM users WHERE id = $1")
        .bind(manager)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let by = Actor {
        institution_id,
        actor_id: manager,
        origin: None,
    };
    let learners = learners_without_seats(store, 2).await;
    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(learners[0])
        .fetch_one(store.pool())
        .await
        .unwrap();
    let seat = store
        .assign_seat(by, Some(manager), code_id, &email.to_uppercase())
        .await
        .unwrap();
    let stranger = store
        .assign_seat(by, Some(manager), code_id, "new.person@example.org")
        .await
        .unwrap();
    // Both seats are given: a third assignment, or a redemption by someone else, is refused.
    assert!(reason(
        &store
            .assign_seat(by, Some(manager), code_id, "third@example.org")
            .await
    )
    .starts_with("every seat of this code is taken"));
    assert!(
        reason(&store.redeem_code("ASSIGN01", learners[1], None).await)
            .starts_with("every seat of this registration code is taken")
    );
    // Another manager's code is not theirs to give.
    assert!(matches!(
        store
            .assign_seat(by, Some(manager + 100_000), code_id, "x@example.org")
            .await,
        Err(CoreError::NotFound(_))
    ));

    // The person the seat was assigned to takes it up; it can no longer be taken back.
    assert!(
        store
            .redeem_code("ASSIGN01", learners[0], None)
            .await
            .unwrap()
            .new
    );
    assert!(reason(&store.take_back_seat(by, Some(manager), seat).await)
        .contains("has taken this seat up"));
    // The unused one comes back, and someone else can take it.
    store
        .take_back_seat(by, Some(manager), stranger)
        .await
        .unwrap();
    assert!(
        store
            .redeem_code("ASSIGN01", learners[1], None)
            .await
            .unwrap()
            .new
    );
    let taken: i64 = sqlx::query_scalar("SELECT taken FROM registration_codes WHERE id = $1")
        .bind(code_id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(taken, 2);

    // The manager's page: the code, whom its seats went to, and who took them up.
    let codes = store.codes(institution_id, Some(manager)).await.unwrap();
    let listed = codes
        .iter()
        .find(|c| c.id == code_id)
        .expect("the manager's code");
    assert_eq!((listed.seats, listed.taken), (2, 2));
    assert_eq!(listed.holders.len(), 2);
    assert!(listed.holders.iter().all(|h| h.taken_up_at.is_some()));
    assert!(store
        .codes(institution_id, Some(manager + 100_000))
        .await
        .unwrap()
        .is_empty());
    assert!(store.codes(institution_id, None).await.unwrap().len() >= codes.len());
}

crate::store_tests!(
    fifty_redemptions_at_once_of_ten_seats_give_exactly_ten,
    codes_that_give_no_seat_say_why_and_change_nothing,
    a_seat_assigned_to_an_email_is_taken_up_or_taken_back,
);
