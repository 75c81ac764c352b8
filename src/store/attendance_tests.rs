//! The attendance feed on real databases: a push recorded once, changed in place and refused
//! record by record; a CSV file written whole or not at all (or its valid rows); what the
//! dashboards, the teacher and the administrator then see, under the policy.

use super::testing::{count, user_id, viewer};
use super::Store;
use crate::attendance::{self, Outcome, Sender};
use crate::demo::{self, SeedOptions};
use crate::error::CoreError;
use crate::model::{AttendanceStatus, ImportMode, LiveEvent, Role};

async fn school(store: &Store) -> i64 {
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 30,
            seed: 4,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
    viewer(store, demo::DEMO_ADMIN).await.institution_id
}

fn today() -> String {
    crate::zones::today("UTC").to_string()
}

async fn push(store: &Store, institution: i64, body: &str) -> Vec<Outcome> {
    let (_, outcomes) = attendance::push(store, institution, "Register", body.as_bytes())
        .await
        .unwrap()
        .unwrap();
    outcomes.into_iter().map(|(_, outcome)| outcome).collect()
}

async fn status_of(store: &Store, learner: i64, day: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT status, session FROM attendance WHERE learner_id = $1 AND day = $2 \
         ORDER BY session",
    )
    .bind(learner)
    .bind(day)
    .fetch_all(store.pool())
    .await
    .unwrap()
}

async fn a_push_is_recorded_once_changed_in_place_and_refused_record_by_record(store: &Store) {
    let institution = school(store).await;
    let learner = user_id(store, demo::DEMO_LEARNER).await;
    let today = today();
    let before = count(store, "attendance").await;
    let body = format!(
        r#"[{{"sourcedId": "r-1", "userId": "{}", "date": "{today}", "session": "AM",
             "status": "absent", "note": "no call yet"}},
           {{"sourcedId": "r-2", "userId": "LEARNER@demo.cairn", "date": "{today}",
             "session": "PM", "status": "present"}}]"#,
        demo::DEMO_LEARNER
    );
    let mut events = store.subscribe();
    let first = push(store, institution, &body).await;
    assert!(
        matches!(first[..], [Outcome::Created(a), Outcome::Created(b)] if a > 0 && b > a),
        "{first:?}"
    );
    assert_eq!(count(store, "attendance").await, before + 2);
    // One event for the learner, with what changed last.
    match events.try_recv() {
        Ok(LiveEvent::Attendance { learner_id, .. }) => assert_eq!(learner_id, learner),
        other => panic!("expected an attendance event, got {other:?}"),
    }
    assert!(events.try_recv().is_err());

    // The same records again: nothing changes, nothing is said.
    let again = push(store, institution, &body).await;
    assert!(matches!(
        again[..],
        [Outcome::Unchanged(_), Outcome::Unchanged(_)]
    ));
    assert_eq!(count(store, "attendance").await, before + 2);
    assert!(events.try_recv().is_err());

    // The learner arrived after all: the same record, changed in place.
    let late = body.replace("\"absent\"", "\"late\"");
    let changed = push(store, institution, &late).await;
    assert_eq!(
        changed[0],
        Outcome::Updated(match first[0] {
            Outcome::Created(id) => id,
            _ => unreachable!(),
        })
    );
    assert_eq!(
        status_of(store, learner, &today).await,
        [
            ("late".to_string(), "AM".to_string()),
            ("present".into(), "PM".into())
        ]
    );

    // Each wrong record is refused on its own; the good one is written.
    let mixed = format!(
        r#"[{{"sourcedId": "r-3", "userId": "nobody@demo.cairn", "date": "{today}", "status": "absent"}},
           {{"sourcedId": "r-4", "userId": "{learner_email}", "date": "{today}", "status": "present",
             "classSourcedId": "no-such-class"}},
           {{"sourcedId": "r-5", "userId": "{learner_email}", "date": "{today}", "session": "AM",
             "status": "absent"}},
           {{"sourcedId": "r-6", "userId": "{learner_email}", "date": "{today}", "session": "Period 5",
             "status": "excused"}},
           {{"sourcedId": "r-6", "userId": "{learner_email}", "date": "{today}", "session": "Period 6",
             "status": "excused"}}]"#,
        learner_email = demo::DEMO_LEARNER
    );
    let outcomes = push(store, institution, &mixed).await;
    let fields: Vec<Option<&str>> = outcomes
        .iter()
        .map(|outcome| match outcome {
            Outcome::Rejected(errors) => Some(errors[0].field.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        fields,
        [
            Some("userId"),
            Some("classSourcedId"),
            // Another id for the AM session: the system issued it again, so it replaces r-1.
            None,
            None,
            Some("sourcedId"),
        ]
    );
    assert_eq!(
        status_of(store, learner, &today).await,
        [
            ("absent".to_string(), "AM".to_string()),
            ("present".into(), "PM".into()),
            ("excused".into(), "Period 5".into())
        ]
    );
    // r-5 now holds the AM session: r-1 again is a change back, never a second AM record.
    let back = push(store, institution, &late).await;
    assert!(matches!(back[0], Outcome::Updated(_)), "{back:?}");
    assert_eq!(status_of(store, learner, &today).await.len(), 3);

    // The feed's status says what came and what was refused.
    let feed = store.attendance_feed(institution).await.unwrap();
    assert_eq!(feed.last_source.as_deref(), Some("Register"));
    assert_eq!(feed.records_last_day, 2 + 1 + 2 + 1);
    assert_eq!(feed.rejected_last_day, 3);
    assert_eq!(feed.runs.len(), 5);
    assert_eq!(feed.runs[1].errors.len(), 3);
    assert_eq!(feed.runs[1].errors[0].at, 0);
}

async fn a_csv_file_is_written_whole_or_not_at_all_unless_the_valid_rows_are_chosen(store: &Store) {
    let institution = school(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let learner = user_id(store, demo::DEMO_LEARNER).await;
    let today = today();
    let group: String = sqlx::query_scalar(
        "SELECT g.name FROM groups g JOIN group_members m ON m.group_id = g.id \
         WHERE m.user_id = $1",
    )
    .bind(learner)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let file = format!(
        "\u{feff}Email,Date,Period,Status,Class,Comment\r\n\
         {learner_email},{today},AM,A,{group},ill\r\n\
         {learner_email},{today},PM,sick,{group},\r\n",
        learner_email = demo::DEMO_LEARNER
    );
    let before = count(store, "attendance").await;
    let refused = attendance::import_csv(
        store,
        &admin,
        "register.csv",
        file.as_bytes(),
        ImportMode::AllOrNothing,
    )
    .await
    .unwrap();
    assert!(!refused.written);
    assert_eq!((refused.created, refused.rejected), (1, 1));
    assert_eq!(refused.errors[0].at, 3);
    assert_eq!(refused.errors[0].field, "status");
    assert_eq!(count(store, "attendance").await, before);

    let written = attendance::import_csv(
        store,
        &admin,
        "register.csv",
        file.as_bytes(),
        ImportMode::ValidRows,
    )
    .await
    .unwrap();
    assert!(written.written);
    assert_eq!((written.created, written.rejected), (1, 1));
    assert_eq!(count(store, "attendance").await, before + 1);
    let audit: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'import attendance' AND actor_id = $1",
    )
    .bind(admin.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(audit, 2);
    let run = store
        .attendance_run(institution, written.id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((run.source.as_str(), run.created), ("register.csv", 1));

    // A file without the columns it needs is refused whole, by line.
    let wrong = attendance::import_csv(
        store,
        &admin,
        "r.csv",
        b"name,date\nAna,2026-12-01\n",
        ImportMode::ValidRows,
    )
    .await;
    assert!(matches!(wrong, Err(CoreError::Invalid { field, .. }) if field == "file"));

    // The command line checks a file and writes nothing with a dry run.
    let dry = attendance::import(
        store,
        institution,
        Sender::Import {
            actor_id: None,
            origin: Some("command line"),
        },
        "register.csv",
        file.replace(",sick,", ",L,").as_bytes(),
        ImportMode::AllOrNothing,
        true,
    )
    .await
    .unwrap();
    assert_eq!((dry.unchanged, dry.created, dry.id), (1, 1, None));
    assert_eq!(count(store, "attendance").await, before + 1);

    // Someone else may not import.
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let forbidden = attendance::import_csv(
        store,
        &teacher,
        "r.csv",
        file.as_bytes(),
        ImportMode::ValidRows,
    )
    .await;
    assert!(matches!(forbidden, Err(CoreError::Forbidden)));
}

async fn dashboards_count_the_term_and_each_sees_only_their_own(store: &Store) {
    let institution = school(store).await;
    let learner = user_id(store, demo::DEMO_LEARNER).await;
    let parent = viewer(store, demo::DEMO_PARENT).await;
    let today = today();
    push(
        store,
        institution,
        &format!(
            r#"[{{"sourcedId": "d-1", "userId": "{}", "date": "{today}", "status": "absent",
                 "note": "dentist"}}]"#,
            demo::DEMO_LEARNER
        ),
    )
    .await;
    // The parent sees their child's term: the demo's autumn term, up to today.
    let seen = attendance::learner_attendance(store, &parent, learner)
        .await
        .unwrap();
    assert_eq!(seen.period.title, "Autumn term 2026");
    assert_eq!(seen.period.end, today);
    assert!(seen.term.sessions() > 50, "{:?}", seen.term);
    assert_eq!(seen.this_week.absent, 1);
    assert_eq!(seen.recent[0].day, today);
    assert_eq!(seen.recent[0].note.as_deref(), Some("dentist"));
    assert_eq!(seen.weeks.last().unwrap().tally.absent, 1);
    let own = viewer(store, demo::DEMO_LEARNER).await;
    assert_eq!(
        attendance::learner_attendance(store, &own, learner)
            .await
            .unwrap(),
        seen
    );
    // Not another family's child.
    let other: i64 = sqlx::query_scalar(
        "SELECT m.user_id FROM group_members m WHERE m.member_role = 'learner' \
         AND m.user_id NOT IN (SELECT learner_id FROM parent_links WHERE parent_id = $1) \
         ORDER BY m.user_id LIMIT 1",
    )
    .bind(parent.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(matches!(
        attendance::learner_attendance(store, &parent, other).await,
        Err(CoreError::Forbidden)
    ));

    // The teacher's home has each group's rate and the learners under 90 %.
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    assert!(teacher.has(Role::Teacher));
    let home = crate::home::home(store, teacher).await.unwrap();
    let group = home.teaching[0].attendance.clone().expect("attendance");
    let rate = group.tally.rate().unwrap();
    assert!(rate > 0.8 && rate < 1.0, "{rate}");
    assert!(group
        .below
        .windows(2)
        .all(|pair| pair[0].rate <= pair[1].rate));
    assert!(group.below.iter().all(|concern| concern.rate < 0.9));

    // The administrator sees the feed; a parent may not.
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let (feed, _) = attendance::feed(store, &admin, None).await.unwrap();
    assert_eq!(feed.last_source.as_deref(), Some("Register"));
    assert!(matches!(
        attendance::feed(store, &parent, None).await,
        Err(CoreError::Forbidden)
    ));
    assert_eq!(
        AttendanceStatus::parse(&seen.recent[0].status.key().to_uppercase()),
        Some(AttendanceStatus::Absent)
    );
}

/// A served dashboard keeps the learner's attendance as counted: another learner's record
/// leaves it kept, a record of their own is counted at once.
async fn a_learners_attendance_is_kept_until_a_record_of_theirs_arrives(store: &Store) {
    let institution = school(store).await;
    store.serve();
    let learner = user_id(store, demo::DEMO_LEARNER).await;
    let own = viewer(store, demo::DEMO_LEARNER).await;
    let other: i64 = sqlx::query_scalar(
        "SELECT user_id FROM group_members WHERE member_role = 'learner' AND user_id <> $1 \
         ORDER BY user_id LIMIT 1",
    )
    .bind(learner)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let other_email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(other)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let (today_date, period) = attendance::today_and_period(store, institution)
        .await
        .unwrap();
    let kept = store
        .learner_attendance(learner, period.clone(), today_date)
        .await
        .unwrap();
    let today = today();
    push(
        store,
        institution,
        &format!(r#"[{{"sourcedId": "k-1", "userId": "{other_email}", "date": "{today}", "status": "late"}}]"#),
    )
    .await;
    let after_other = store
        .learner_attendance(learner, period.clone(), today_date)
        .await
        .unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&kept, &after_other),
        "another learner's record leaves this learner's attendance kept"
    );
    push(
        store,
        institution,
        &format!(
            r#"[{{"sourcedId": "k-2", "userId": "{}", "date": "{today}", "session": "PM",
                 "status": "absent", "note": "kept no longer"}}]"#,
            demo::DEMO_LEARNER
        ),
    )
    .await;
    let seen = attendance::learner_attendance(store, &own, learner)
        .await
        .unwrap();
    assert_eq!(seen.this_week.absent, kept.this_week.absent + 1);
    assert_eq!(seen.recent[0].note.as_deref(), Some("kept no longer"));
}

crate::store_tests!(
    a_learners_attendance_is_kept_until_a_record_of_theirs_arrives,
    a_push_is_recorded_once_changed_in_place_and_refused_record_by_record,
    a_csv_file_is_written_whole_or_not_at_all_unless_the_valid_rows_are_chosen,
    dashboards_count_the_term_and_each_sees_only_their_own,
);
