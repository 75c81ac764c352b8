//! The unit of work against real databases: what a write says it did is what happens.

use super::audit::Actor;
use super::testing::{competency, teacher_mark, user_id};
use super::Store;
use crate::demo::{self, SeedOptions};
use crate::model::{AuditFilter, LiveEvent};

async fn school(store: &Store) {
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 40,
            seed: 5,
            evidence_per_competency: (1, 2),
        }))
        .await
        .unwrap();
}

/// Two learners of the loaded school: the demo learner, and another.
async fn two_learners(store: &Store) -> (i64, i64) {
    let learner = user_id(store, "learner@demo.cairn").await;
    let (other,): (i64,) = sqlx::query_as(
        "SELECT user_id FROM group_members WHERE member_role = 'learner' AND user_id <> $1 \
         ORDER BY user_id LIMIT 1",
    )
    .bind(learner)
    .fetch_one(store.pool())
    .await
    .unwrap();
    (learner, other)
}

async fn a_mark_touches_its_learner_and_the_cohort_and_goes_out_after_commit(store: &Store) {
    school(store).await;
    let (learner, other) = two_learners(store).await;
    let mut events = store.subscribe();
    let (before, other_before) = (store.page_version(learner), store.page_version(other));
    let recorded = store
        .record_evidence(&teacher_mark(
            learner,
            competency(store, "VAL-RES").await,
            3.0,
            "2026-12-07T09:00:00Z",
        ))
        .await
        .unwrap();
    // Published once committed, and only then: the evidence is there to read.
    match events.try_recv().unwrap() {
        LiveEvent::Evidence {
            evidence_id,
            learner_id,
            ..
        } => {
            assert_eq!((evidence_id, learner_id), (recorded.evidence_id, learner));
            let (found,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM evidence WHERE id = $1")
                .bind(evidence_id)
                .fetch_one(store.pool())
                .await
                .unwrap();
            assert_eq!(found, 1);
        }
        other => panic!("not the mark: {other:?}"),
    }
    let (after, other_after) = (store.page_version(learner), store.page_version(other));
    assert!(
        !before.current(&after, true),
        "the marked learner's pages are stale at once"
    );
    assert!(
        other_before.current(&other_after, true),
        "another learner's pages stay, their cohort figures a little behind"
    );
    assert!(
        !other_before.current(&other_after, false),
        "but not for long"
    );
}

async fn an_administrators_change_is_audited_and_touches_everyone(store: &Store) {
    school(store).await;
    let (learner, other) = two_learners(store).await;
    let admin = user_id(store, "admin@demo.cairn").await;
    let (institution_id,): (i64,) =
        sqlx::query_as("SELECT institution_id FROM users WHERE id = $1")
            .bind(admin)
            .fetch_one(store.pool())
            .await
            .unwrap();
    let by = Actor {
        institution_id,
        actor_id: admin,
        origin: Some("203.0.113.9"),
    };
    let before = (store.page_version(learner), store.page_version(other));
    store.create_category(by, "Robotics club").await.unwrap();
    for (then, learner) in [(before.0, learner), (before.1, other)] {
        assert!(!then.current(&store.page_version(learner), true));
    }
    let log = store
        .audit_log(institution_id, &AuditFilter::default())
        .await
        .unwrap();
    let line = &log.entries[0];
    assert_eq!(line.action, "create category");
    assert_eq!(line.origin.as_deref(), Some("203.0.113.9"));

    // Refused (the name is taken): no line, nothing touched.
    let now = store.page_version(other);
    assert!(store.create_category(by, "Robotics club").await.is_err());
    assert!(now.current(&store.page_version(other), false));
    let again = store
        .audit_log(institution_id, &AuditFilter::default())
        .await
        .unwrap();
    assert_eq!(again.entries.len(), log.entries.len());
}

/// A serving store keeps what a dashboard reads often (who may see a learner, the catalogue,
/// the learner's group) and reads each again after a write that changed it: a rubric's mastery
/// threshold moves every learner's progress; archiving the learner's group ends their cohort
/// comparison and their teachers' access.
async fn kept_reads_are_read_again_after_a_write_that_changed_them(store: &Store) {
    school(store).await;
    store.serve();
    let (learner, _) = two_learners(store).await;
    let relations = store.learner_relations(learner).await.unwrap().unwrap();
    assert!(!relations.teacher_ids.is_empty());
    let admin = super::testing::viewer(store, "admin@demo.cairn").await;
    let by = Actor {
        institution_id: admin.institution_id,
        actor_id: admin.id,
        origin: None,
    };
    let progress = store.learner_progress(learner).await.unwrap().unwrap();
    let first = &progress.competencies[0];
    let rubric: i64 = sqlx::query_scalar(
        "SELECT f.rubric_id FROM competencies c JOIN frameworks f ON f.id = c.framework_id \
         WHERE c.id = $1",
    )
    .bind(first.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let threshold = if first.mastery_level == 3.0 { 2.0 } else { 3.0 };
    store
        .set_mastery_level(by, rubric, threshold)
        .await
        .unwrap();
    let again = store.learner_progress(learner).await.unwrap().unwrap();
    assert_eq!(again.competencies[0].mastery_level, threshold);

    let frameworks = store
        .frameworks_for(relations.institution_id)
        .await
        .unwrap();
    let cohort = || store.cohort_view(relations.institution_id, learner, frameworks[0].id);
    let crate::cohort::CohortView::Radar {
        cohort: group_name, ..
    } = cohort().await.unwrap()
    else {
        panic!("the demo learner is compared with their group");
    };
    let group: i64 = sqlx::query_scalar(
        "SELECT group_id FROM group_members WHERE user_id = $1 AND member_role = 'learner' \
         AND left_at IS NULL ORDER BY joined_at, id LIMIT 1",
    )
    .bind(learner)
    .fetch_one(store.pool())
    .await
    .unwrap();
    store.archive_group(by, group).await.unwrap();
    match cohort().await.unwrap() {
        crate::cohort::CohortView::Radar { cohort, .. }
        | crate::cohort::CohortView::TooSmall { cohort, .. } => assert_ne!(cohort, group_name),
        crate::cohort::CohortView::NoCohort => {}
    }
    assert_eq!(
        store.learner_relations(learner).await.unwrap(),
        store.read_learner_relations(learner).await.unwrap()
    );
}

/// What is a learner's own (their levels, earned badges, what their story tile counts) is kept
/// until a write touches that learner: a mark for another learner leaves it kept; a mark for
/// them is on their dashboard and their cohort chart at once.
async fn a_learners_own_reads_are_kept_until_a_write_touches_them(store: &Store) {
    school(store).await;
    store.serve();
    let (learner, other) = two_learners(store).await;
    let competency_id = competency(store, "VAL-RES").await;
    let levels = store.current_levels(learner).await.unwrap();
    let counts = store.story_counts(learner).await.unwrap();
    store
        .record_evidence(&teacher_mark(
            other,
            competency_id,
            1.0,
            "2026-12-07T09:00:00Z",
        ))
        .await
        .unwrap();
    let after_other = store.current_levels(learner).await.unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&levels, &after_other),
        "another learner's mark leaves this learner's levels kept"
    );
    let evidence_before = levels.get(&competency_id).map_or(0, |(_, count)| *count);
    store
        .record_evidence(&teacher_mark(
            learner,
            competency_id,
            4.0,
            "2026-12-07T10:00:00Z",
        ))
        .await
        .unwrap();
    let after_own = store.current_levels(learner).await.unwrap();
    assert!(!std::sync::Arc::ptr_eq(&levels, &after_own));
    assert_eq!(
        after_own.get(&competency_id).map(|(_, count)| *count),
        Some(evidence_before + 1)
    );
    let progress = store.learner_progress(learner).await.unwrap().unwrap();
    let line = progress
        .competencies
        .iter()
        .find(|line| line.id == competency_id)
        .unwrap();
    assert_eq!(line.level, after_own[&competency_id].0);
    let institution_id = super::testing::institution_of(store, learner).await;
    let framework_id: i64 =
        sqlx::query_scalar("SELECT framework_id FROM competencies WHERE id = $1")
            .bind(competency_id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    let crate::cohort::CohortView::Radar { axes, .. } = store
        .cohort_view(institution_id, learner, framework_id)
        .await
        .unwrap()
    else {
        panic!("the demo learner is compared with their group");
    };
    assert!(axes
        .iter()
        .any(|axis| axis.label == line.name && axis.learner == line.level));
    assert_eq!(store.story_counts(learner).await.unwrap(), counts);
}

crate::store_tests!(
    a_mark_touches_its_learner_and_the_cohort_and_goes_out_after_commit,
    a_learners_own_reads_are_kept_until_a_write_touches_them,
    an_administrators_change_is_audited_and_touches_everyone,
    kept_reads_are_read_again_after_a_write_that_changed_them,
);

/// Waits (up to five seconds) until `done` holds: another instance hears a write a moment after
/// its commit.
async fn heard(done: impl Fn() -> bool) -> bool {
    for _ in 0..500 {
        if done() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    done()
}

/// Two server instances on one PostgreSQL database (and a process that writes, like the command
/// line): a write by one touches, at the other, exactly what it touched there — its learner and
/// the cohort for a mark, everyone for a settings change — and what the other keeps in memory
/// is read again.
async fn another_instance_hears_what_a_write_touched(db: &super::testing::TestStore) {
    let store = &db.store;
    school(store).await;
    let Some(instance) = db.another_instance().await else {
        return;
    };
    instance.serve();
    assert!(instance.sees_every_write());
    let (learner, other) = two_learners(store).await;
    let institution = super::testing::institution_of(store, learner).await;
    let (before, other_before) = (instance.page_version(learner), instance.page_version(other));
    store
        .record_evidence(&teacher_mark(
            learner,
            competency(store, "VAL-RES").await,
            3.0,
            "2026-12-07T09:00:00Z",
        ))
        .await
        .unwrap();
    assert!(heard(|| instance.page_version(learner).learner != before.learner).await);
    let after = instance.page_version(learner);
    assert_ne!(after.cohort, before.cohort);
    assert_eq!(after.everyone, before.everyone);
    let other_after = instance.page_version(other);
    assert_eq!(other_after.learner, other_before.learner);
    assert!(other_before.current(&other_after, true));

    // Kept by the other instance, read again there once an administrator renames a module here.
    assert_ne!(
        instance.module_names(institution).await.unwrap().goals,
        "Targets"
    );
    let admin = super::testing::viewer(store, "admin@demo.cairn").await;
    let mut settings = store.settings(institution).await.unwrap();
    settings.modules.goals = "Targets".into();
    crate::admin::save_settings(store, &admin, &settings)
        .await
        .unwrap();
    assert!(heard(|| instance.page_version(other).everyone != other_after.everyone).await);
    assert_eq!(
        instance.module_names(institution).await.unwrap().goals,
        "Targets"
    );
    instance.close().await;
}

#[test]
fn another_instance_hears_what_a_write_touched_on_postgres() {
    super::testing::run("another_instance_hears_what_a_write_touched", async {
        if let Some(db) = super::testing::TestStore::postgres().await {
            another_instance_hears_what_a_write_touched(&db).await;
            db.finish().await;
        }
    });
}
