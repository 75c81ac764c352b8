//! Frameworks edited by administrators, against real databases: a new mastery method (of a
//! framework, of one competency, or a rubric's threshold) recomputes exactly the levels a
//! rebuild from the evidence would give, and tells the dashboards; frameworks, areas and
//! competencies are created with their Rich Skill Descriptor fields; refusals change nothing.

use super::audit::Actor;
use super::testing::{count, viewer};
use super::Store;
use crate::demo::{self, SeedOptions};
use crate::error::CoreError;
use crate::model::{CompetencyForm, FrameworkForm, LiveEvent, RubricLevelForm};

type Levels = Vec<(i64, i64, Option<f64>)>;
type Cohort = Vec<(i64, i64, i64, i64)>;

/// Every current level and cohort count, in order.
async fn snapshot(store: &Store) -> (Levels, Cohort) {
    let levels: Levels = sqlx::query_as(
        "SELECT learner_id, competency_id, level FROM current_levels \
         ORDER BY learner_id, competency_id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let cohort: Cohort = sqlx::query_as(
        "SELECT group_id, competency_id, bucket, learners FROM cohort_levels \
         ORDER BY group_id, competency_id, bucket",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    (levels, cohort)
}

/// What the recompute left equals what a rebuild from all the evidence gives.
async fn assert_same_as_rebuild(store: &Store) {
    let recomputed = snapshot(store).await;
    store.rebuild_levels().await.unwrap();
    let rebuilt = snapshot(store).await;
    assert_eq!(recomputed.0, rebuilt.0, "current levels");
    assert_eq!(recomputed.1, rebuilt.1, "cohort counts");
}

async fn load(store: &Store) {
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 30,
            seed: 11,
            evidence_per_competency: (2, 4),
        }))
        .await
        .unwrap();
}

async fn a_new_mastery_method_recomputes_the_levels_it_affects(store: &Store) {
    load(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let by = Actor {
        institution_id: admin.institution_id,
        actor_id: admin.id,
        origin: Some("198.51.100.4"),
    };
    let list = crate::frameworks::frameworks(store, &admin).await.unwrap();
    let summary = list
        .frameworks
        .iter()
        .find(|framework| framework.method.starts_with("Decaying average"))
        .expect("a framework on a decaying average");
    let framework = crate::frameworks::framework(store, &admin, summary.id)
        .await
        .unwrap();
    assert!(!framework.competencies.is_empty());
    let before = snapshot(store).await;

    // A teacher may not; nothing is written.
    let lines = count(store, "audit_log").await;
    let mut form = FrameworkForm {
        name: framework.name.clone(),
        description: framework.description.clone(),
        category_id: framework.category_id,
        rubric_id: framework.rubric.id,
        method: "highest".into(),
        method_param: String::new(),
    };
    let refused = crate::frameworks::save_framework(store, &teacher, framework.id, &form).await;
    assert!(matches!(refused, Err(CoreError::Forbidden)), "{refused:?}");
    form.method_param = "3".into();
    let wrong = crate::frameworks::save_framework(store, &admin, framework.id, &form).await;
    assert!(matches!(wrong, Err(CoreError::Invalid { .. })), "{wrong:?}");
    assert_eq!(count(store, "audit_log").await, lines);
    assert_eq!(count(store, "level_recomputes").await, 0);
    assert_eq!(snapshot(store).await, before);

    // The framework's method becomes "highest": a recompute is recorded with the change.
    form.method_param = String::new();
    let fields = super::frameworks::FrameworkFields {
        name: form.name.clone(),
        description: form.description.clone(),
        category_id: form.category_id,
        rubric_id: form.rubric_id,
        method: crate::mastery::MasteryMethod::Highest,
    };
    let recompute = store
        .save_framework(by, framework.id, &fields)
        .await
        .unwrap()
        .expect("a new method recomputes");
    let waiting = store
        .recompute(admin.institution_id, recompute)
        .await
        .unwrap();
    assert!(!waiting.finished());
    assert_eq!((waiting.done, waiting.changed), (0, 0));
    let mut events = store.subscribe();
    let done = store.run_recompute(recompute).await.unwrap();
    assert!(done.finished(), "{done:?}");
    assert_eq!(done.failure, None);
    assert!(done.learners > 0);
    assert_eq!(done.done, done.learners);
    assert!(done.changed > 0, "highest differs from a decaying average");
    assert_eq!(done.percent(), 100);
    assert!(matches!(events.try_recv(), Ok(LiveEvent::Levels { .. })));
    assert_ne!(snapshot(store).await.0, before.0);
    assert_same_as_rebuild(store).await;
    let log = crate::admin::audit_log(store, &admin, &Default::default())
        .await
        .unwrap();
    let line = log
        .entries
        .iter()
        .find(|entry| entry.action == "edit framework")
        .expect("an audit line");
    assert!(line.detail.contains("→ Highest score"), "{}", line.detail);
    assert_eq!(line.origin.as_deref(), Some("198.51.100.4"));
    // Saving again without a new method recomputes nothing.
    assert_eq!(
        store
            .save_framework(by, framework.id, &fields)
            .await
            .unwrap(),
        None
    );

    // One competency gets its own method: only its levels are recomputed.
    let competency = &framework.competencies[0];
    let competency_fields = super::frameworks::CompetencyFields {
        code: competency.code.clone(),
        name: competency.name.clone(),
        statement: competency.statement.clone(),
        keywords: competency.keywords.clone(),
        category_id: competency.category_id,
        area_id: competency.area_id,
        method: Some(crate::mastery::MasteryMethod::NMastery { n: 2 }),
        tags: Vec::new(),
        alignments: Vec::new(),
    };
    let one = store
        .save_competency(by, competency.id, &competency_fields)
        .await
        .unwrap()
        .expect("a new method recomputes");
    let done = store.run_recompute(one).await.unwrap();
    assert!(done.finished());
    let learners_on_it: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT learner_id) FROM evidence WHERE competency_id = $1",
    )
    .bind(competency.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(done.learners, learners_on_it);
    assert_same_as_rebuild(store).await;

    // A new threshold recomputes every framework using the rubric (n_mastery counts scores
    // at mastery).
    let ids = store
        .set_mastery_level(by, framework.rubric.id, 2.0)
        .await
        .unwrap();
    assert!(!ids.is_empty());
    for id in ids {
        store.run_recompute(id).await.unwrap();
    }
    assert_same_as_rebuild(store).await;
    let outside =
        crate::frameworks::set_mastery_level(store, &admin, framework.rubric.id, "9").await;
    assert!(
        matches!(outside, Err(CoreError::Invalid { .. })),
        "{outside:?}"
    );
    assert!(store.unfinished_recomputes().await.unwrap().is_empty());
}

async fn frameworks_areas_and_competencies_are_created_with_their_fields(store: &Store) {
    load(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let list = crate::frameworks::frameworks(store, &admin).await.unwrap();
    let category = list.categories[0].id;
    let rubric = list.rubrics[0].id;
    let form = FrameworkForm {
        name: "Digital literacy".into(),
        description: "Using computers well.".into(),
        category_id: category,
        rubric_id: rubric,
        method: "decaying_average".into(),
        method_param: "80".into(),
    };
    let id = crate::frameworks::create_framework(store, &admin, &form)
        .await
        .unwrap();
    let again = crate::frameworks::create_framework(store, &admin, &form).await;
    assert!(matches!(again, Err(CoreError::Invalid { .. })), "{again:?}");
    let area = crate::frameworks::create_area(store, &admin, id, "DL1", "Searching")
        .await
        .unwrap();
    crate::frameworks::create_category(store, &admin, "Digital skills")
        .await
        .unwrap();
    crate::frameworks::create_tag(store, &admin, "Research", "skill")
        .await
        .unwrap();
    crate::frameworks::create_tag(store, &admin, "Honesty", "value")
        .await
        .unwrap();
    let bad_kind = crate::frameworks::create_tag(store, &admin, "Other", "mood").await;
    assert!(matches!(bad_kind, Err(CoreError::Invalid { .. })));
    let mut competency = CompetencyForm {
        code: "DL1.1".into(),
        name: "Finds sources".into(),
        statement: "Finds and judges sources for a question.".into(),
        keywords: "search, sources ,".into(),
        category_id: category,
        area_id: area.to_string(),
        method: String::new(),
        method_param: String::new(),
        tags: "research, Honesty".into(),
        alignments: "Information literacy | https://example.org/il | ACRL | IL2".into(),
    };
    let competency_id = crate::frameworks::create_competency(store, &admin, id, &competency)
        .await
        .unwrap();
    let lines = count(store, "audit_log").await;
    competency.tags = "Research, Kindness".into();
    competency.code = "DL1.2".into();
    let unknown = crate::frameworks::create_competency(store, &admin, id, &competency).await;
    assert!(
        matches!(&unknown, Err(CoreError::Invalid { reason, .. }) if reason.contains("Kindness")),
        "{unknown:?}"
    );
    competency.tags = "Research".into();
    competency.code = "dl1.1".into();
    let taken = crate::frameworks::create_competency(store, &admin, id, &competency).await;
    assert!(matches!(taken, Err(CoreError::Invalid { .. })), "{taken:?}");
    assert_eq!(count(store, "audit_log").await, lines);

    let framework = crate::frameworks::framework(store, &admin, id)
        .await
        .unwrap();
    assert_eq!(framework.method_label, "Decaying average (80 %)");
    assert_eq!(framework.areas.len(), 1);
    let saved = &framework.competencies[0];
    assert_eq!(saved.id, competency_id);
    assert_eq!(saved.keywords, "search, sources");
    assert_eq!(saved.area_id, Some(area));
    assert_eq!(
        saved.tags,
        vec!["Honesty".to_string(), "Research".to_string()]
    );
    assert_eq!(saved.alignments[0].code.as_deref(), Some("IL2"));
    assert_eq!(saved.method, None);
    assert_eq!(saved.method_label, "Decaying average (80 %)");
    assert!(framework
        .categories
        .iter()
        .any(|category| category.name == "Digital skills"));

    // Rubric levels: renamed with their points, added at the top; points must rise.
    let levels = &list.rubrics[0].levels;
    let top = levels.last().unwrap();
    let renamed = RubricLevelForm {
        level: top.level,
        name: "Excelling".into(),
        points: (top.points + 1.0).to_string(),
        color: "#0B6E4F".into(),
    };
    crate::frameworks::save_rubric_level(store, &admin, rubric, &renamed)
        .await
        .unwrap();
    let falling = RubricLevelForm {
        level: top.level + 1,
        name: "Beyond".into(),
        points: "0".into(),
        color: "#000000".into(),
    };
    let refused = crate::frameworks::save_rubric_level(store, &admin, rubric, &falling).await;
    assert!(
        matches!(refused, Err(CoreError::Invalid { .. })),
        "{refused:?}"
    );
    let gap = RubricLevelForm {
        level: top.level + 5,
        ..falling.clone()
    };
    assert!(
        crate::frameworks::save_rubric_level(store, &admin, rubric, &gap)
            .await
            .is_err()
    );
    let rubric_now = crate::frameworks::frameworks(store, &admin)
        .await
        .unwrap()
        .rubrics
        .into_iter()
        .find(|r| r.id == rubric)
        .unwrap();
    let top_now = rubric_now.levels.last().unwrap();
    assert_eq!(top_now.name, "Excelling");
    assert_eq!(top_now.color, "#0b6e4f");
    assert_eq!(rubric_now.levels.len(), levels.len());
}

/// Categories, tags and areas are renamed in place and deleted only when that loses nothing
/// silently: a category or area still in use is refused, a tag leaves its competencies.
async fn categories_tags_and_areas_are_renamed_and_deleted(store: &Store) {
    load(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let list = crate::frameworks::frameworks(store, &admin).await.unwrap();
    let used = list.categories[0].clone();
    let used_key = used.key.clone();

    // A category in use is renamed (its key stays) but not deleted.
    crate::frameworks::rename_category(store, &admin, used.id, "  Know-how ")
        .await
        .unwrap();
    let other = list.categories[1].name.to_uppercase();
    let clash = crate::frameworks::rename_category(store, &admin, used.id, &other).await;
    assert!(matches!(clash, Err(CoreError::Invalid { .. })), "{clash:?}");
    let lines = count(store, "audit_log").await;
    let refused = crate::frameworks::delete_category(store, &admin, used.id).await;
    assert!(
        matches!(&refused, Err(CoreError::Invalid { reason, .. }) if reason.contains("framework")),
        "{refused:?}"
    );
    let forbidden = crate::frameworks::rename_category(store, &teacher, used.id, "X").await;
    assert!(
        matches!(forbidden, Err(CoreError::Forbidden)),
        "{forbidden:?}"
    );
    assert_eq!(count(store, "audit_log").await, lines);
    let spare = crate::frameworks::create_category(store, &admin, "Spare")
        .await
        .unwrap();
    crate::frameworks::delete_category(store, &admin, spare)
        .await
        .unwrap();
    let categories = crate::frameworks::frameworks(store, &admin)
        .await
        .unwrap()
        .categories;
    let renamed = categories.iter().find(|c| c.id == used.id).unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.key.as_str()),
        ("Know-how", used_key.as_str())
    );
    assert!(categories.iter().all(|c| c.id != spare));

    // A tag is renamed and changes kind; deleting it takes it off its competencies.
    let framework = list.frameworks[0].id;
    let tag = crate::frameworks::create_tag(store, &admin, "Curiosity", "skill")
        .await
        .unwrap();
    crate::frameworks::create_tag(store, &admin, "Care", "value")
        .await
        .unwrap();
    let area = crate::frameworks::create_area(store, &admin, framework, "Z", "Zeta")
        .await
        .unwrap();
    let competency = CompetencyForm {
        code: "Z.1".into(),
        name: "Wonders".into(),
        category_id: used.id,
        area_id: area.to_string(),
        tags: "Curiosity".into(),
        ..CompetencyForm::default()
    };
    crate::frameworks::create_competency(store, &admin, framework, &competency)
        .await
        .unwrap();
    let clash = crate::frameworks::rename_tag(store, &admin, tag, "care", "skill").await;
    assert!(matches!(clash, Err(CoreError::Invalid { .. })), "{clash:?}");
    crate::frameworks::rename_tag(store, &admin, tag, "Wonder", "value")
        .await
        .unwrap();
    let tags = crate::frameworks::frameworks(store, &admin)
        .await
        .unwrap()
        .tags;
    let wonder = tags.iter().find(|t| t.id == tag).unwrap();
    assert_eq!(
        (wonder.name.as_str(), wonder.kind.key(), wonder.competencies),
        ("Wonder", "value", 1)
    );
    crate::frameworks::delete_tag(store, &admin, tag)
        .await
        .unwrap();
    let shown = crate::frameworks::framework(store, &admin, framework)
        .await
        .unwrap();
    let wonders = shown.competencies.iter().find(|c| c.code == "Z.1").unwrap();
    assert!(wonders.tags.is_empty(), "{:?}", wonders.tags);
    assert!(shown.tags.iter().all(|t| t.id != tag));

    // An area is renamed (its code unique in the framework) and deleted once empty.
    let first = shown
        .areas
        .iter()
        .find(|a| a.id != area)
        .unwrap()
        .code
        .clone();
    let clash = crate::frameworks::rename_area(store, &admin, area, &first, "Zeta").await;
    assert!(matches!(clash, Err(CoreError::Invalid { .. })), "{clash:?}");
    crate::frameworks::rename_area(store, &admin, area, "Z9", "Zeta nine")
        .await
        .unwrap();
    let refused = crate::frameworks::delete_area(store, &admin, area).await;
    assert!(
        matches!(&refused, Err(CoreError::Invalid { reason, .. }) if reason.contains("1 competency")),
        "{refused:?}"
    );
    let empty = crate::frameworks::create_area(store, &admin, framework, "E", "Empty")
        .await
        .unwrap();
    crate::frameworks::delete_area(store, &admin, empty)
        .await
        .unwrap();
    let areas = crate::frameworks::framework(store, &admin, framework)
        .await
        .unwrap()
        .areas;
    let zeta = areas.iter().find(|a| a.id == area).unwrap();
    assert_eq!(
        (zeta.code.as_str(), zeta.name.as_str()),
        ("Z9", "Zeta nine")
    );
    assert!(areas.iter().all(|a| a.id != empty));
    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'rename %' OR action LIKE 'delete %' \
         ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(
        audited,
        [
            "rename category",
            "delete category",
            "rename tag",
            "delete tag",
            "rename area",
            "delete area"
        ]
    );
}

crate::store_tests!(
    a_new_mastery_method_recomputes_the_levels_it_affects,
    frameworks_areas_and_competencies_are_created_with_their_fields,
    categories_tags_and_areas_are_renamed_and_deleted,
);
