//! The store against real databases: each test runs on SQLite and on PostgreSQL.

use super::testing::{competency, count, user_id};
use super::Store;
use crate::demo::{self, SeedOptions, DEMO_PASSWORD};
use crate::model::Role;
use crate::password;
use crate::policy::may_view_learner;

fn small_school() -> demo::School {
    demo::generate(&SeedOptions {
        learners: 60,
        seed: 11,
        evidence_per_competency: (1, 3),
    })
}

/// A teacher's mark through the store's one way in.
async fn mark(
    store: &Store,
    learner: i64,
    competency: i64,
    level: f64,
    at: &str,
    supersedes: Option<i64>,
) -> super::levels::Recorded {
    store
        .record_evidence(&super::levels::NewEvidence {
            learner_id: learner,
            competency_id: competency,
            level,
            given_by: None,
            source: "teacher",
            source_ref: None,
            group_id: None,
            comment: Some(format!("marked {level}")),
            supersedes_id: supersedes,
            score: None,
            observed_at: at.to_string(),
        })
        .await
        .unwrap()
}

async fn migrations_give_an_empty_database_that_answers(store: &Store) {
    assert!(store.ping().await);
    assert!(store.is_empty().await.unwrap());
    // Running them again changes nothing.
    store.migrate().await.unwrap();
}

async fn a_loaded_school_has_every_generated_row(store: &Store) {
    let school = small_school();
    store.load_school(&school).await.unwrap();
    for table in ["users", "evidence", "attendance", "goals", "group_members"] {
        assert_eq!(
            count(store, table).await as usize,
            school.rows(table),
            "{table}"
        );
    }
    // A second load is refused and changes nothing.
    let err = store.load_school(&school).await.unwrap_err();
    assert!(err.to_string().contains("already holds a school"), "{err}");
    assert_eq!(count(store, "users").await as usize, school.rows("users"));
    // New rows get ids after the generated ones.
    sqlx::query("INSERT INTO outbox (to_email, subject, body, created_at) VALUES ($1, $2, $3, $4)")
        .bind("a@b.c")
        .bind("s")
        .bind("b")
        .bind("2026-11-24T00:00:00Z")
        .execute(store.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO categories (institution_id, key, name) VALUES (1, 'sport', 'Sport')")
        .execute(store.pool())
        .await
        .unwrap();
}

async fn demo_logins_sign_in_with_the_demo_password(store: &Store) {
    let school = small_school();
    store.load_school(&school).await.unwrap();
    for login in &school.logins {
        let record = store.find_login(login.email).await.unwrap().unwrap();
        assert!(record.may_sign_in());
        let hash = record.password_hash.unwrap();
        assert!(password::verify(DEMO_PASSWORD, &hash), "{}", login.email);
        let viewer = store.viewer(record.user_id).await.unwrap().unwrap();
        assert_eq!(viewer.name, login.name);
        assert_eq!(viewer.roles, vec![login.role]);
        assert_eq!(viewer.institution, "Riverbend College");
    }
    assert!(store
        .find_login(" LEARNER@demo.cairn ")
        .await
        .unwrap()
        .is_some());
    assert!(store
        .find_login("nobody@demo.cairn")
        .await
        .unwrap()
        .is_none());
}

async fn sessions_expire_and_end(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    store
        .create_session(
            learner,
            "token-1",
            "2026-11-24T00:00:00Z",
            "2026-11-25T00:00:00Z",
        )
        .await
        .unwrap();
    let viewer = store
        .session_viewer("token-1", "2026-11-24T12:00:00Z")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(viewer.id, learner);
    assert!(store
        .session_viewer("token-1", "2026-11-25T00:00:01Z")
        .await
        .unwrap()
        .is_none());
    assert!(store
        .session_viewer("token-2", "2026-11-24T12:00:00Z")
        .await
        .unwrap()
        .is_none());
    store.delete_session("token-1").await.unwrap();
    assert!(store
        .session_viewer("token-1", "2026-11-24T12:00:00Z")
        .await
        .unwrap()
        .is_none());
}

async fn superseded_evidence_never_counts(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    let progress = store.learner_progress(learner).await.unwrap().unwrap();
    assert!(progress.competencies.len() >= 20);
    let respect = progress
        .competencies
        .iter()
        .find(|c| c.code == "VAL-RES")
        .unwrap()
        .clone();
    // School values use the most recent score. A new mark, then its correction: the
    // correction is the current level and the corrected mark no longer counts.
    let first = mark(
        store,
        learner,
        respect.id,
        1.0,
        "2026-11-23T09:00:00Z",
        None,
    )
    .await;
    assert_eq!(first.level, Some(1.0));
    let progress = store.learner_progress(learner).await.unwrap().unwrap();
    let after_mark = progress
        .competencies
        .iter()
        .find(|c| c.code == "VAL-RES")
        .unwrap();
    assert_eq!(after_mark.level, Some(1.0));
    assert_eq!(after_mark.level_name.as_deref(), Some("Beginning"));
    assert_eq!(after_mark.evidence_count, respect.evidence_count + 1);
    let fix = mark(
        store,
        learner,
        respect.id,
        4.0,
        "2026-11-23T09:00:00Z",
        Some(first.evidence_id),
    )
    .await;
    assert_eq!(fix.level, Some(4.0));
    let progress = store.learner_progress(learner).await.unwrap().unwrap();
    let corrected = progress
        .competencies
        .iter()
        .find(|c| c.code == "VAL-RES")
        .unwrap();
    assert_eq!(corrected.level, Some(4.0));
    assert_eq!(corrected.level_name.as_deref(), Some("Extending"));
    assert!(corrected.mastered());
    assert_eq!(corrected.evidence_count, respect.evidence_count + 1);
}

async fn each_competency_uses_its_frameworks_method_unless_it_has_its_own(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    let levels: Vec<(f64,)> = sqlx::query_as(
        "SELECT e.level FROM evidence e JOIN competencies c ON c.id = e.competency_id \
         WHERE e.learner_id = $1 AND c.code = 'GC-CRT' \
           AND NOT EXISTS (SELECT 1 FROM evidence s WHERE s.supersedes_id = e.id) \
         ORDER BY e.observed_at, e.id",
    )
    .bind(learner)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let scores: Vec<f64> = levels.into_iter().map(|(l,)| l).collect();
    let level_of = |progress: &crate::model::LearnerProgress| {
        let c = progress
            .competencies
            .iter()
            .find(|c| c.code == "GC-CRT")
            .unwrap();
        (c.level, c.method.clone())
    };
    let progress = store.learner_progress(learner).await.unwrap().unwrap();
    let decaying = crate::mastery::MasteryMethod::DecayingAverage { rate: 0.65 };
    assert_eq!(
        level_of(&progress),
        (decaying.current_level(&scores, 3.0), decaying.describe())
    );

    sqlx::query("UPDATE competencies SET mastery_method = 'highest' WHERE code = 'GC-CRT'")
        .execute(store.pool())
        .await
        .unwrap();
    store.rebuild_levels().await.unwrap();
    let progress = store.learner_progress(learner).await.unwrap().unwrap();
    let highest = scores.iter().copied().reduce(f64::max);
    assert_eq!(level_of(&progress), (highest, "Highest score".to_string()));
}

async fn badges_are_earned_when_every_criterion_is_met(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    let progress = store.learner_progress(learner).await.unwrap().unwrap();
    assert_eq!(progress.achievements.len(), 7);
    for badge in &progress.achievements {
        assert_eq!(badge.met + badge.remaining.len() as i64, badge.required);
        assert_eq!(
            badge.state == crate::model::BadgeState::Earned,
            badge.remaining.is_empty()
        );
        for step in &badge.remaining {
            let c = progress
                .competencies
                .iter()
                .find(|c| c.id == step.competency_id)
                .unwrap();
            assert!(c.level.is_none_or(|l| l < step.required_level));
            assert!(step.levels_short >= 1);
        }
    }
    // Marking every value at the top level earns the values award.
    for code in ["VAL-RES", "VAL-RSP", "VAL-RSL", "VAL-INT"] {
        let id = competency(store, code).await;
        mark(store, learner, id, 4.0, "2026-11-23T09:00:00Z", None).await;
    }
    let progress = store.learner_progress(learner).await.unwrap().unwrap();
    let award = progress
        .achievements
        .iter()
        .find(|a| a.name == "Riverbend Values Award")
        .unwrap();
    assert_eq!(award.state, crate::model::BadgeState::Earned);
    assert_eq!((award.met, award.required), (4, 4));
}

async fn a_level_is_explained_by_the_evidence_that_counted(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    let respect = competency(store, "VAL-RES").await;
    mark(store, learner, respect, 2.0, "2026-11-21T09:00:00Z", None).await;
    let mis_keyed = mark(store, learner, respect, 1.0, "2026-11-22T09:00:00Z", None).await;
    let mis_keyed = mis_keyed.evidence_id;
    mark(
        store,
        learner,
        respect,
        3.0,
        "2026-11-22T09:00:00Z",
        Some(mis_keyed),
    )
    .await;
    let detail = store.competency_detail(learner, respect).await.unwrap();
    assert_eq!(detail.current.level, Some(3.0));
    assert_eq!(detail.current.method, "Most recent score");
    assert!(detail.statement_html.contains("consideration"));
    // Newest first: the correction counted, the mis-keyed mark superseded, the rest not counted.
    let first = &detail.evidence[0];
    assert_eq!(
        (first.level, first.counted, first.superseded),
        (3.0, true, false)
    );
    assert_eq!(first.level_name.as_deref(), Some("Proficient"));
    let mis = detail.evidence.iter().find(|e| e.id == mis_keyed).unwrap();
    assert!(mis.superseded && !mis.counted);
    assert_eq!(detail.evidence.iter().filter(|e| e.counted).count(), 1);
    assert_eq!(
        detail.evidence.len() as i64,
        detail.current.evidence_count + 1
    );
    assert!(store.competency_detail(learner, 99_999).await.is_err());
}

async fn a_category_page_holds_each_records_timeline(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    let codes = ["VAL-RES", "VAL-RSP", "VAL-RSL", "VAL-INT"];
    for code in codes {
        let id = competency(store, code).await;
        mark(store, learner, id, 4.0, "2026-11-23T09:00:00Z", None).await;
    }
    // A mis-keyed mark, then its correction: both appear, the correction marked as one.
    let respect = competency(store, "VAL-RES").await;
    let wrong = mark(store, learner, respect, 1.0, "2026-11-24T09:00:00Z", None).await;
    mark(
        store,
        learner,
        respect,
        4.0,
        "2026-11-24T10:00:00Z",
        Some(wrong.evidence_id),
    )
    .await;

    let record = store.category_record(learner, "values").await.unwrap();
    assert_eq!(record.name, "School values");
    assert!(record
        .competencies
        .iter()
        .all(|c| c.category_key == "values"));
    let award = record
        .records
        .iter()
        .find(|r| r.achievement.name == "Riverbend Values Award")
        .expect("the values award is in the values category");
    assert_eq!(award.achievement.state, crate::model::BadgeState::Earned);
    assert_eq!(award.criteria.len(), 4);
    assert!(award.criteria.iter().all(|c| c.met));
    // Newest first, and each competency's newest change ends at its current level.
    assert!(award
        .timeline
        .windows(2)
        .all(|w| w[0].observed_on >= w[1].observed_on));
    for criterion in &award.criteria {
        let newest = award
            .timeline
            .iter()
            .find(|c| c.competency_id == criterion.competency_id)
            .expect("every marked competency has a change");
        assert_eq!(newest.to, criterion.level, "{}", criterion.code);
    }
    let correction = &award.timeline[0];
    assert!(correction.correction);
    assert_eq!(correction.code, "VAL-RES");
    assert_eq!(correction.observed_on, "2026-11-24");
    assert!(award.timeline.iter().any(|c| c.reached_requirement));

    // Every achievement of the learner shows on exactly one category page.
    let progress = store.learner_progress(learner).await.unwrap().unwrap();
    let mut shown = 0;
    for (key, _) in progress.categories() {
        shown += store
            .category_record(learner, &key)
            .await
            .unwrap()
            .records
            .len();
    }
    assert_eq!(shown, progress.achievements.len());
    assert!(matches!(
        store.category_record(learner, "astrology").await,
        Err(crate::error::CoreError::NotFound(_))
    ));
}

async fn a_roster_mark_lands_in_the_cell_and_goes_out_live(store: &Store) {
    use crate::access::{self, Mark};
    use crate::error::CoreError;
    store.load_school(&small_school()).await.unwrap();
    let viewer = |email: &'static str| async move {
        let id = user_id(store, email).await;
        store.viewer(id).await.unwrap().unwrap()
    };
    let teacher = viewer("teacher@demo.cairn").await;
    let admin = viewer("admin@demo.cairn").await;
    let learner = user_id(store, "learner@demo.cairn").await;
    let (group,): (i64,) = sqlx::query_as(
        "SELECT m.group_id FROM group_members m JOIN group_members t \
           ON t.group_id = m.group_id AND t.user_id = $2 AND t.member_role = 'teacher' \
         WHERE m.user_id = $1 AND m.member_role = 'learner' AND m.left_at IS NULL",
    )
    .bind(learner)
    .bind(teacher.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let roster = access::roster(store, &teacher, group, None).await.unwrap();
    assert!(roster.may_mark);
    assert!(!roster.columns.is_empty());
    assert_eq!(
        roster.cells.len(),
        roster.learners.len() * roster.columns.len()
    );
    let row = roster
        .learners
        .iter()
        .position(|l| l.id == learner)
        .unwrap();
    let column = &roster.columns[0];
    assert!(
        !access::roster(store, &admin, group, None)
            .await
            .unwrap()
            .may_mark
    );

    let mut events = store.subscribe();
    let good = Mark {
        group_id: group,
        learner_id: learner,
        competency_id: column.id,
        level: 4.0,
        comment: Some("  Clear explanation of the method.  ".into()),
        corrects: None,
    };
    let recorded = access::mark(store, &teacher, &good).await.unwrap();
    match events.try_recv().unwrap() {
        crate::model::LiveEvent::Evidence {
            evidence_id,
            learner_id,
            given_by,
            group_id,
            ..
        } => {
            assert_eq!(evidence_id, recorded.evidence_id);
            assert_eq!(learner_id, learner);
            assert_eq!(group_id, Some(group));
            assert_eq!(given_by.as_deref(), Some(teacher.name.as_str()));
        }
        other => panic!("expected the mark's evidence event, got {other:?}"),
    }
    let after = access::roster(store, &teacher, group, None).await.unwrap();
    let cell = after.cell(row, 0).unwrap();
    assert_eq!(cell.level, recorded.level);
    let latest = cell.latest.as_ref().unwrap();
    assert_eq!(
        (latest.evidence_id, latest.mark),
        (recorded.evidence_id, 4.0)
    );
    assert_eq!(latest.given_by.as_deref(), Some(teacher.name.as_str()));

    // Bad marks are refused with a reason and write nothing.
    let evidence = count(store, "evidence").await;
    let other_group_learner: i64 = sqlx::query_scalar(
        "SELECT user_id FROM group_members WHERE member_role = 'learner' AND group_id <> $1 \
         AND user_id NOT IN (SELECT user_id FROM group_members WHERE group_id = $1) LIMIT 1",
    )
    .bind(group)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let refusals = [
        (
            Mark {
                level: 7.0,
                ..good.clone()
            },
            "level",
        ),
        (
            Mark {
                level: 2.5,
                ..good.clone()
            },
            "level",
        ),
        (
            Mark {
                learner_id: other_group_learner,
                ..good.clone()
            },
            "learner",
        ),
        (
            Mark {
                competency_id: 99_999,
                ..good.clone()
            },
            "competency",
        ),
    ];
    for (bad, about) in refusals {
        let error = access::mark(store, &teacher, &bad).await.unwrap_err();
        assert!(error.to_string().contains(about), "{about}: {error}");
    }
    assert!(matches!(
        access::mark(store, &admin, &good).await,
        Err(CoreError::Forbidden)
    ));
    // A stale correction: someone else corrected the mark first.
    let first = Mark {
        corrects: Some(recorded.evidence_id),
        level: 3.0,
        ..good.clone()
    };
    access::mark(store, &teacher, &first).await.unwrap();
    assert!(matches!(
        access::mark(store, &teacher, &first).await,
        Err(CoreError::Conflict(_))
    ));
    assert_eq!(count(store, "evidence").await, evidence + 1);
}

async fn concurrent_marks_all_land_and_levels_stay_exact(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    let respect = competency(store, "VAL-RES").await;
    let before = count(store, "evidence").await;
    let writers: Vec<_> = (0..12)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .record_evidence(&super::levels::NewEvidence {
                        learner_id: learner,
                        competency_id: respect,
                        level: f64::from(1 + i % 4),
                        given_by: None,
                        source: "teacher",
                        source_ref: None,
                        group_id: None,
                        comment: None,
                        supersedes_id: None,
                        score: None,
                        observed_at: format!("2026-12-01T09:{i:02}:00Z"),
                    })
                    .await
            })
        })
        .collect();
    for writer in writers {
        writer
            .await
            .unwrap()
            .expect("every concurrent mark is recorded");
    }
    assert_eq!(count(store, "evidence").await, before + 12);
    // The kept level is what a full recount gives: no mark was missed by another.
    let kept = cohort_counts(store).await;
    store.rebuild_levels().await.unwrap();
    assert_eq!(cohort_counts(store).await, kept);
    let progress = store.learner_progress(learner).await.unwrap().unwrap();
    let level = progress
        .competencies
        .iter()
        .find(|c| c.id == respect)
        .unwrap()
        .level;
    assert_eq!(level, Some(f64::from(1 + 11 % 4)), "latest of the marks");
}

async fn line_items_map_scores_to_competencies_and_refusals_change_nothing(store: &Store) {
    use crate::error::CoreError;
    use crate::scores::Score;
    store.load_school(&small_school()).await.unwrap();
    let algebra = competency(store, "MA4-ALG-C-01").await;
    let id = store
        .map_line_item(1, " quiz-7 ", "", algebra)
        .await
        .unwrap();
    let items = store.line_items(1).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (
            items[0].id,
            items[0].source_id.as_str(),
            items[0].title.as_str()
        ),
        (id, "quiz-7", "quiz-7")
    );
    assert!(items[0].competency.starts_with("MA4-ALG-C-01"));
    assert!(matches!(
        store.map_line_item(1, "quiz-7", "again", algebra).await,
        Err(CoreError::Conflict(_))
    ));
    assert!(matches!(
        store.map_line_item(1, "  ", "", algebra).await,
        Err(CoreError::Invalid { .. })
    ));
    assert!(matches!(
        store.map_line_item(1, "quiz-8", "", 99_999).await,
        Err(CoreError::NotFound(_))
    ));
    assert_eq!(
        store.line_items(1).await.unwrap().len(),
        1,
        "refusals wrote nothing"
    );

    // A score for the mapped line item lands on its competency, at the level its points reach.
    let score = Score {
        sourced_id: "s-1".into(),
        user_id: "LEARNER@demo.cairn".into(),
        line_item: "quiz-7".into(),
        score_given: 7.4,
        score_maximum: 10.0,
        timestamp: "2026-11-24T10:00:00+10:00".into(),
        comment: None,
    };
    let recorded = store.record_score(1, &score).await.unwrap();
    assert!(recorded.created);
    assert_eq!((recorded.competency_id, recorded.mark), (algebra, 2.0));
    let (observed_at,): (String,) =
        sqlx::query_as("SELECT observed_at FROM evidence WHERE id = $1")
            .bind(recorded.evidence_id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(observed_at, "2026-11-24T00:00:00Z", "kept in UTC");
    store.unmap_line_item(1, id).await.unwrap();
    assert!(matches!(
        store.record_score(1, &Score { sourced_id: "s-2".into(), ..score }).await,
        Err(CoreError::NotFound(what)) if what.contains("quiz-7")
    ));
}

async fn cohort_counts(store: &Store) -> Vec<(i64, i64, i64, i64)> {
    sqlx::query_as(
        "SELECT group_id, competency_id, bucket, learners FROM cohort_levels \
         ORDER BY group_id, competency_id, bucket",
    )
    .fetch_all(store.pool())
    .await
    .unwrap()
}

async fn marks_keep_cohort_counts_equal_to_a_full_recount(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    let (other,): (i64,) = sqlx::query_as(
        "SELECT user_id FROM group_members WHERE member_role = 'learner' AND user_id <> $1 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(learner)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let before = cohort_counts(store).await;
    let critical = competency(store, "GC-CRT").await;
    let values = competency(store, "VAL-INT").await;
    let a = mark(store, learner, critical, 4.0, "2026-11-23T09:00:00Z", None).await;
    mark(store, other, values, 1.0, "2026-11-23T10:00:00Z", None).await;
    mark(
        store,
        learner,
        critical,
        2.0,
        "2026-11-23T11:00:00Z",
        Some(a.evidence_id),
    )
    .await;
    let incremental = cohort_counts(store).await;
    assert_ne!(incremental, before);
    store.rebuild_levels().await.unwrap();
    assert_eq!(cohort_counts(store).await, incremental);
    // The learner's group still counts every learner with a level once.
    let (group,): (i64,) = sqlx::query_as(
        "SELECT group_id FROM group_members WHERE user_id = $1 AND member_role = 'learner'",
    )
    .bind(learner)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let spread = store.cohort_spread(group).await.unwrap();
    let (with_level,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM current_levels l JOIN group_members m ON m.user_id = l.learner_id \
         WHERE m.group_id = $1 AND m.member_role = 'learner' AND l.competency_id = $2 \
           AND l.level IS NOT NULL",
    )
    .bind(group)
    .bind(critical)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(spread[&critical].learners, with_level);
}

async fn bad_evidence_is_refused_and_changes_nothing(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    let respect = competency(store, "VAL-RES").await;
    let evidence_before = count(store, "evidence").await;
    let attempt =
        |level: f64, competency_id: i64, supersedes_id: Option<i64>| super::levels::NewEvidence {
            learner_id: learner,
            competency_id,
            level,
            given_by: None,
            source: "teacher",
            source_ref: None,
            group_id: None,
            comment: None,
            supersedes_id,
            score: None,
            observed_at: "2026-11-23T09:00:00Z".into(),
        };
    let err = store
        .record_evidence(&attempt(7.0, respect, None))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("between 0 and 4"), "{err}");
    let err = store
        .record_evidence(&attempt(2.0, 99_999, None))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("competency 99999 not found"),
        "{err}"
    );
    let first = mark(store, learner, respect, 2.0, "2026-11-23T09:00:00Z", None).await;
    mark(
        store,
        learner,
        respect,
        3.0,
        "2026-11-23T09:00:00Z",
        Some(first.evidence_id),
    )
    .await;
    let err = store
        .record_evidence(&attempt(4.0, respect, Some(first.evidence_id)))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already been corrected"), "{err}");
    let other = competency(store, "VAL-INT").await;
    let err = store
        .record_evidence(&attempt(4.0, other, Some(first.evidence_id)))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("same learner and competency"),
        "{err}"
    );
    assert_eq!(count(store, "evidence").await, evidence_before + 2);
}

async fn the_cohort_view_compares_with_the_group_unless_it_is_too_small(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    let institution = super::testing::institution_of(store, learner).await;
    let frameworks = store.frameworks_for(institution).await.unwrap();
    assert_eq!(frameworks.len(), 4);
    let values = frameworks
        .iter()
        .find(|f| f.name == "Riverbend Values")
        .unwrap();
    match store
        .cohort_view(institution, learner, values.id)
        .await
        .unwrap()
    {
        crate::cohort::CohortView::Radar {
            axes,
            learners,
            max_level,
            ..
        } => {
            assert_eq!(axes.len(), 4);
            assert_eq!(learners, 25);
            assert_eq!(max_level, 4.0);
            assert!(axes.iter().all(|a| a
                .spread
                .is_some_and(|s| s.q1 <= s.median && s.median <= s.q3)));
            assert_eq!(axes[0].label, "Respect");
        }
        other => panic!("expected a radar, got {other:?}"),
    }
    // A group of three is too small to compare against.
    sqlx::query(
        "UPDATE group_members SET left_at = '2026-11-01T00:00:00Z' \
         WHERE member_role = 'learner' AND user_id <> $1 AND group_id = \
           (SELECT group_id FROM group_members WHERE user_id = $1 AND member_role = 'learner') \
           AND id NOT IN (SELECT id FROM group_members WHERE member_role = 'learner' \
             AND user_id <> $1 ORDER BY id LIMIT 2)",
    )
    .bind(learner)
    .execute(store.pool())
    .await
    .unwrap();
    assert_eq!(
        store
            .cohort_view(institution, learner, values.id)
            .await
            .unwrap(),
        crate::cohort::CohortView::TooSmall {
            cohort: "7A".into(),
            learners: 3
        }
    );
    assert!(store
        .cohort_view(institution, learner, 9_999)
        .await
        .is_err());
}

async fn relations_let_the_policy_tell_who_sees_a_learner(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    let relations = store.learner_relations(learner).await.unwrap().unwrap();
    let viewer = |user: i64| async move { store.viewer(user).await.unwrap().unwrap() };
    for email in [
        "learner@demo.cairn",
        "parent@demo.cairn",
        "teacher@demo.cairn",
        "admin@demo.cairn",
    ] {
        assert!(
            may_view_learner(&viewer(user_id(store, email).await).await, &relations),
            "{email}"
        );
    }
    // The demo manager placed only learners of the oldest groups.
    assert!(!may_view_learner(
        &viewer(user_id(store, "manager@demo.cairn").await).await,
        &relations
    ));
    // Another learner's parent may not.
    let (other_parent,): (i64,) = sqlx::query_as(
        "SELECT parent_id FROM parent_links WHERE learner_id <> $1 AND parent_id <> \
         (SELECT parent_id FROM parent_links WHERE learner_id = $1) LIMIT 1",
    )
    .bind(learner)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(!may_view_learner(&viewer(other_parent).await, &relations));
    // A parent sees their children: the demo parent has two.
    let children = store
        .linked_learners(user_id(store, "parent@demo.cairn").await)
        .await
        .unwrap();
    assert_eq!(children.len(), 2);
    assert!(store
        .learner_relations(user_id(store, "teacher@demo.cairn").await)
        .await
        .unwrap()
        .is_none());
}

async fn homes_hold_real_figures(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let teacher = user_id(store, "teacher@demo.cairn").await;
    let groups = store
        .teacher_groups(teacher, "2026-01-01T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(groups.len(), 2);
    assert!(groups
        .iter()
        .all(|g| g.learners > 0 && g.evidence_last_30_days > 0));
    assert!(groups.iter().all(|g| g.co_teachers.len() == 1));
    let manager = user_id(store, "manager@demo.cairn").await;
    let seats = store.manager_seats(manager).await.unwrap();
    assert_eq!(seats.len(), 2);
    assert!(seats
        .iter()
        .all(|s| s.assigned <= s.seats && s.redeemed <= s.assigned));
    assert_eq!(store.manager_orders(manager).await.unwrap().len(), 2);
    let summary = store.institution_summary(1).await.unwrap();
    assert!(summary.users_by_role.contains(&(Role::Learner, 60)));
    assert_eq!(summary.frameworks, 4);
    assert!(summary.evidence > 0);
}

crate::store_tests!(
    migrations_give_an_empty_database_that_answers,
    a_loaded_school_has_every_generated_row,
    demo_logins_sign_in_with_the_demo_password,
    sessions_expire_and_end,
    superseded_evidence_never_counts,
    the_cohort_view_compares_with_the_group_unless_it_is_too_small,
    marks_keep_cohort_counts_equal_to_a_full_recount,
    bad_evidence_is_refused_and_changes_nothing,
    a_level_is_explained_by_the_evidence_that_counted,
    a_category_page_holds_each_records_timeline,
    a_roster_mark_lands_in_the_cell_and_goes_out_live,
    concurrent_marks_all_land_and_levels_stay_exact,
    line_items_map_scores_to_competencies_and_refusals_change_nothing,
    each_competency_uses_its_frameworks_method_unless_it_has_its_own,
    badges_are_earned_when_every_criterion_is_met,
    relations_let_the_policy_tell_who_sees_a_learner,
    homes_hold_real_figures,
);
