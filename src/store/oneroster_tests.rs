//! OneRoster packages imported into real databases: both versions, a second run that changes
//! nothing, deltas that deactivate and move, guardians linked from either side, wrong rows that
//! write nothing, older rows skipped, people already here matched by email.

use super::testing::{count, user_id, viewer};
use super::Store;
use crate::admin::{import_oneroster, OneRosterSource};
use crate::demo::{self, SeedOptions};
use crate::model::OneRosterPreview;
use crate::oneroster::sample::{self, Size};
use crate::oneroster::{Options, Version};
use crate::people_import::Tracker;
use crate::store::people_import::ImportedBy;

const SCHOOL: Size = Size {
    learners: 12,
    classes_per_learner: 2,
    class_size: 2,
    version: Version::V1_2,
    gradebook: false,
};

async fn school(store: &Store) -> crate::model::Viewer {
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 12,
            seed: 8,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
    viewer(store, demo::DEMO_ADMIN).await
}

async fn import(
    store: &Store,
    admin: &crate::model::Viewer,
    files: &[(String, String)],
    options: Options,
    dry_run: bool,
) -> OneRosterPreview {
    let by = ImportedBy {
        institution_id: admin.institution_id,
        actor_id: Some(admin.id),
        origin: Some("192.0.2.9"),
        file_name: "roster.zip",
        rejected: 0,
    };
    let source = OneRosterSource::Zip(std::sync::Arc::new(sample::zip(files).unwrap()));
    import_oneroster(
        store,
        &by,
        source,
        options,
        dry_run,
        &Tracker::new(1, "roster.zip"),
    )
    .await
    .unwrap()
}

/// The sample's files with one file replaced (or added).
fn replaced(files: &[(String, String)], name: &str, text: String) -> Vec<(String, String)> {
    let mut files: Vec<_> = files
        .iter()
        .filter(|(file, _)| file != name)
        .cloned()
        .collect();
    files.push((name.to_string(), text));
    files
}

/// A manifest saying which files are there, and how.
fn manifest(version: &str, modes: &[(&str, &str)]) -> String {
    let mut text =
        format!("propertyName,value\nmanifest.version,1.0\noneroster.version,{version}\n");
    for (file, mode) in modes {
        text.push_str(&format!("file.{file},{mode}\n"));
    }
    text
}

async fn status(store: &Store, external_id: &str) -> String {
    sqlx::query_scalar("SELECT status FROM users WHERE external_id = $1")
        .bind(external_id)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn person(store: &Store, external_id: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE external_id = $1")
        .bind(external_id)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// The open memberships of a person, by class external id.
async fn classes_of(store: &Store, external_id: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT g.external_id FROM group_members m JOIN groups g ON g.id = m.group_id \
         JOIN users u ON u.id = m.user_id \
         WHERE u.external_id = $1 AND m.left_at IS NULL ORDER BY g.external_id",
    )
    .bind(external_id)
    .fetch_all(store.pool())
    .await
    .unwrap()
}

async fn a_oneroster_package_imports_and_a_second_run_changes_nothing(store: &Store) {
    let admin = school(store).await;
    let files = sample::files(SCHOOL);
    let users_before = count(store, "users").await;

    // The preview writes nothing.
    let preview = import(store, &admin, &files, Options::default(), true).await;
    assert!(!preview.written && !preview.ran);
    assert_eq!(preview.error_count, 0, "{:?}", preview.errors);
    assert_eq!(count(store, "users").await, users_before);

    let run = import(store, &admin, &files, Options::default(), false).await;
    assert!(run.written, "{run:?}");
    assert_eq!(run.people, preview.people);
    assert_eq!(run.administrators_left_out, 1);
    assert_eq!(
        count(store, "users").await,
        users_before + run.people.create as i64
    );
    // Students are learners, in their classes; each class has its teacher and its term.
    let learner = person(store, "learner-1").await;
    let roles: Vec<String> = sqlx::query_scalar(
        "SELECT r.key FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1",
    )
    .bind(learner)
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(roles, vec!["learner".to_string()]);
    assert_eq!(classes_of(store, "learner-1").await.len(), 2);
    let (code, term, teachers): (Option<String>, Option<String>, i64) = sqlx::query_as(
        "SELECT g.class_code, t.title, \
           (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id \
              AND m.member_role = 'teacher' AND m.left_at IS NULL) \
         FROM groups g LEFT JOIN terms t ON t.id = g.term_id WHERE g.external_id = 'class-1'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(code.as_deref(), Some("MAT7-1"));
    assert_eq!(term.as_deref(), Some("Autumn term"));
    assert_eq!(teachers, 1);
    // Guardians are parents of their children, whichever side carried the link.
    for (guardian, child) in [("guardian-1", "learner-1"), ("guardian-2", "learner-2")] {
        let linked: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM parent_links WHERE parent_id = $1 AND learner_id = $2",
        )
        .bind(person(store, guardian).await)
        .bind(person(store, child).await)
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(linked, 1, "{guardian} → {child}");
    }
    // The administrator was left out.
    let admins: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE external_id = 'admin-1'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(admins, 0);

    // The same package again changes nothing.
    let tables = [
        "users",
        "user_roles",
        "groups",
        "group_members",
        "parent_links",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(count(store, table).await);
    }
    let again = import(store, &admin, &files, Options::default(), false).await;
    assert!(again.changes_nothing(), "{again:?}");
    assert!(!again.written);
    for (table, before) in tables.iter().zip(before) {
        assert_eq!(count(store, table).await, before, "{table}");
    }
    // Both runs are in the history.
    let history = crate::admin::oneroster_history(store, &admin)
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert!(
        history[0].detail.contains("nothing to change"),
        "{}",
        history[0].detail
    );
    assert!(
        history[1].detail.contains("people +"),
        "{}",
        history[1].detail
    );
    // Only an administrator sees it.
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    assert!(crate::admin::oneroster_history(store, &teacher)
        .await
        .is_err());
}

async fn a_version_1_1_package_imports_the_same_roster(store: &Store) {
    let admin = school(store).await;
    let v11 = sample::files(Size {
        version: Version::V1_1,
        ..SCHOOL
    });
    assert!(v11.iter().all(|(name, _)| name != "roles.csv"));
    let run = import(store, &admin, &v11, Options::default(), false).await;
    assert!(run.written, "{run:?}");
    assert_eq!(run.version, "1.1");
    let v12 = crate::oneroster::plan(
        &crate::oneroster::read(
            &mut crate::oneroster::Package::zip(sample::zip(&sample::files(SCHOOL)).unwrap())
                .unwrap(),
        ),
        &store.oneroster_held(admin.institution_id).await.unwrap(),
        Options::default(),
    );
    // The 1.2 package of the same school finds nothing to do after the 1.1 one.
    assert!(v12.errors.is_empty(), "{:?}", v12.errors);
    assert!(v12.new_people.is_empty() && v12.new_enrolments.is_empty());
    assert_eq!(classes_of(store, "learner-3").await.len(), 2);
}

async fn a_delta_deactivates_and_moves_and_a_later_bulk_deactivates_the_missing(store: &Store) {
    let admin = school(store).await;
    let files = sample::files(SCHOOL);
    import(store, &admin, &files, Options::default(), false).await;
    let learner = person(store, "learner-1").await;
    let before = classes_of(store, "learner-1").await;
    let enrolment: (String, String) = sqlx::query_as(
        "SELECT m.external_id, g.external_id FROM group_members m \
         JOIN groups g ON g.id = m.group_id WHERE m.user_id = $1 AND m.left_at IS NULL \
         ORDER BY m.id LIMIT 1",
    )
    .bind(learner)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let target = ["class-1", "class-2", "class-3", "class-4"]
        .into_iter()
        .find(|class| !before.iter().any(|held| held == class))
        .unwrap();
    let stamp = "2026-10-01T09:00:00Z";
    let delta = vec![
        (
            "manifest.csv".to_string(),
            manifest("1.2", &[("users", "delta"), ("enrollments", "delta")]),
        ),
        (
            "users.csv".to_string(),
            format!(
                "sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName,email\n\
                 learner-2,tobedeleted,{stamp},true,,,,\n"
            ),
        ),
        (
            "enrollments.csv".to_string(),
            format!(
                "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role\n\
                 {},tobedeleted,{stamp},{},school-1,learner-1,student\n\
                 enrollment-moved,active,{stamp},{target},school-1,learner-1,student\n",
                enrolment.0, enrolment.1
            ),
        ),
    ];
    let run = import(store, &admin, &delta, Options::default(), false).await;
    assert!(run.written, "{run:?}");
    assert_eq!(run.people.deactivate, 1);
    assert_eq!(run.enrolments.deactivate, 1);
    assert_eq!(run.enrolments.create, 1);
    assert_eq!(status(store, "learner-2").await, "disabled");
    let after = classes_of(store, "learner-1").await;
    assert!(after.iter().any(|class| class == target), "{after:?}");
    assert!(!after.contains(&enrolment.1), "{after:?}");
    // The move keeps its history: the old membership ended, not deleted.
    let ended: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM group_members WHERE user_id = $1 AND left_at IS NOT NULL",
    )
    .bind(learner)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(ended, 1);
    // A deactivated person is never deleted.
    assert!(person(store, "learner-2").await > 0);

    // A later full export without learner-3: they are deactivated, and their enrolments end.
    let users = files.iter().find(|(name, _)| name == "users.csv").unwrap();
    let without: String = users
        .1
        .lines()
        .filter(|line| !line.starts_with("learner-3,"))
        .map(|line| format!("{line}\n"))
        .collect();
    let enrollments = files
        .iter()
        .find(|(name, _)| name == "enrollments.csv")
        .unwrap();
    let enrollments: String = enrollments
        .1
        .lines()
        .filter(|line| !line.contains(",learner-3,"))
        .map(|line| format!("{line}\n"))
        .collect();
    let bulk = replaced(
        &replaced(&files, "users.csv", without),
        "enrollments.csv",
        enrollments,
    );
    let run = import(store, &admin, &bulk, Options::default(), false).await;
    assert!(run.written, "{run:?}");
    assert_eq!(status(store, "learner-3").await, "disabled");
    assert!(classes_of(store, "learner-3").await.is_empty());
    // learner-2 is back in the full export, so active again; the bulk file puts learner-1
    // back where the export says.
    assert_eq!(status(store, "learner-2").await, "active");
    assert_eq!(classes_of(store, "learner-1").await, before);
}

async fn a_wrong_row_writes_nothing_unless_the_valid_rows_are_chosen(store: &Store) {
    let admin = school(store).await;
    let files = sample::files(SCHOOL);
    let enrollments = files
        .iter()
        .find(|(name, _)| name == "enrollments.csv")
        .unwrap();
    let broken = replaced(
        &files,
        "enrollments.csv",
        format!(
            "{}enrollment-x,,,class-404,school-1,learner-1,student,false,,\n",
            enrollments.1
        ),
    );
    let line = enrollments.1.lines().count() as u64 + 1;
    let users_before = count(store, "users").await;
    let run = import(store, &admin, &broken, Options::default(), false).await;
    assert!(!run.written);
    assert_eq!(run.error_count, 1);
    let error = &run.errors[0];
    assert_eq!(
        (error.file.as_str(), error.line, error.field.as_str()),
        ("enrollments.csv", line, "classSourcedId")
    );
    assert!(error.reason.contains("class-404"), "{}", error.reason);
    assert_eq!(count(store, "users").await, users_before);
    let history = crate::admin::oneroster_history(store, &admin)
        .await
        .unwrap();
    assert!(
        history[0].detail.contains("nothing written"),
        "{}",
        history[0].detail
    );

    let run = import(
        store,
        &admin,
        &broken,
        Options {
            valid_rows: true,
            ..Options::default()
        },
        false,
    )
    .await;
    assert!(run.written);
    assert_eq!(run.error_count, 1);
    assert_eq!(
        count(store, "users").await,
        users_before + run.people.create as i64
    );
}

async fn older_rows_are_skipped_and_people_already_here_are_matched_by_email(store: &Store) {
    let admin = school(store).await;
    // Someone entered by hand before the school's system was connected.
    let by_hand = crate::people_import::check(
        b"name,email,role\nAna Silva,learner1@roster.demo.cairn,learner\n",
        &store.import_facts(admin.institution_id).await.unwrap(),
        &Tracker::new(0, ""),
    );
    let by = ImportedBy {
        institution_id: admin.institution_id,
        actor_id: Some(admin.id),
        origin: None,
        file_name: "people.csv",
        rejected: 0,
    };
    store
        .write_people(&by, &by_hand.accepted, &Tracker::new(0, ""))
        .await
        .unwrap();
    let ana = user_id(store, "learner1@roster.demo.cairn").await;
    let files = sample::files(SCHOOL);
    let run = import(store, &admin, &files, Options::default(), false).await;
    assert!(run.written, "{run:?}");
    assert_eq!(
        person(store, "learner-1").await,
        ana,
        "matched by email, not made twice"
    );
    assert_eq!(run.people.update, 1);

    // A change dated before what Cairn holds is skipped; a later one is taken.
    let change = |stamp: &str, name: &str| {
        vec![
            (
                "manifest.csv".to_string(),
                manifest("1.2", &[("users", "delta")]),
            ),
            (
                "users.csv".to_string(),
                format!(
                    "sourcedId,status,dateLastModified,enabledUser,givenName,familyName,email\n\
                     learner-1,active,{stamp},true,{name},Silva,learner1@roster.demo.cairn\n"
                ),
            ),
        ]
    };
    let run = import(
        store,
        &admin,
        &change("2026-08-01", "Older"),
        Options::default(),
        false,
    )
    .await;
    assert_eq!(run.older_skipped, 1);
    let name: String = sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
        .bind(ana)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_ne!(name, "Older Silva");
    let run = import(
        store,
        &admin,
        &change("2026-10-01T12:00:00Z", "Anabel"),
        Options::default(),
        false,
    )
    .await;
    assert_eq!(run.people.update, 1, "{run:?}");
    let name: String = sqlx::query_scalar("SELECT name FROM users WHERE id = $1")
        .bind(ana)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(name, "Anabel Silva");
}

/// The evidence a gradebook's results made: (level, score, superseded by another).
async fn imported_evidence(store: &Store) -> Vec<(f64, Option<f64>, bool)> {
    let rows: Vec<(f64, Option<f64>, i64)> = sqlx::query_as(
        "SELECT e.level, e.score_given, \
           (SELECT COUNT(*) FROM evidence s WHERE s.supersedes_id = e.id) \
         FROM evidence e WHERE e.source = 'import' ORDER BY e.id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(level, score, corrections)| (level, score, corrections > 0))
        .collect()
}

/// A gradebook's results become evidence once: through line items whose ids are competency
/// codes, or mapped ones; a second run records nothing; a changed score corrects its evidence;
/// results of an unmapped line item wait until it is mapped; a result for an unknown student is
/// reported by line.
async fn a_gradebook_s_results_become_evidence_once_and_a_changed_score_corrects(store: &Store) {
    let admin = school(store).await;
    let files = sample::files(Size {
        gradebook: true,
        ..SCHOOL
    });
    let preview = import(store, &admin, &files, Options::default(), true).await;
    assert_eq!(preview.error_count, 0, "{:?}", preview.errors);
    let gradebook = preview
        .gradebook
        .clone()
        .expect("the sample has a gradebook");
    // Two learners in the first class, three line items: two are competency codes.
    assert_eq!(gradebook.line_items, 3);
    assert_eq!((gradebook.evidence, gradebook.corrections), (4, 0));
    assert_eq!(gradebook.unmapped.len(), 1);
    assert_eq!(gradebook.unmapped[0].source_id, "homework-1");
    assert_eq!(gradebook.unmapped[0].results, 2);
    assert!(
        imported_evidence(store).await.is_empty(),
        "a preview writes nothing"
    );

    let run = import(store, &admin, &files, Options::default(), false).await;
    assert!(run.written, "{run:?}");
    let evidence = imported_evidence(store).await;
    assert_eq!(evidence.len(), 4);
    // 7 of 20 on a rubric of 4 points: level 1.
    assert_eq!(evidence[0], (1.0, Some(7.0), false));
    let learner = person(store, "learner-1").await;
    let levels: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM current_levels WHERE learner_id = $1")
            .bind(learner)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(levels >= 2, "the learner's levels follow the evidence");

    // The same package again records nothing.
    let again = import(store, &admin, &files, Options::default(), false).await;
    let gradebook = again.gradebook.clone().unwrap();
    assert_eq!((gradebook.evidence, gradebook.corrections), (0, 0));
    assert_eq!(gradebook.unchanged, 4);
    assert!(again.changes_nothing(), "{again:?}");
    assert_eq!(imported_evidence(store).await.len(), 4);

    // Mapped now, the waiting line item's results are recorded; the others stay as they are.
    let homework: i64 = sqlx::query_scalar("SELECT id FROM competencies WHERE code = 'EN4-ECA-01'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    store
        .map_line_item(admin.institution_id, "homework-1", "Homework 1", homework)
        .await
        .unwrap();
    let mapped = import(store, &admin, &files, Options::default(), false).await;
    let gradebook = mapped.gradebook.clone().unwrap();
    assert_eq!((gradebook.evidence, gradebook.unchanged), (2, 4));
    assert!(gradebook.unmapped.is_empty());

    // A changed score is a correction: new evidence that supersedes the old.
    let results = &files
        .iter()
        .find(|(name, _)| name == "results.csv")
        .unwrap()
        .1;
    let changed = results.replacen(",fully graded,7,", ",fully graded,20,", 1);
    assert_ne!(&changed, results);
    let files = replaced(&files, "results.csv", changed);
    let corrected = import(store, &admin, &files, Options::default(), false).await;
    let gradebook = corrected.gradebook.clone().unwrap();
    assert_eq!(
        (gradebook.evidence, gradebook.corrections),
        (0, 1),
        "{corrected:?}"
    );
    let evidence = imported_evidence(store).await;
    assert_eq!(evidence.len(), 7);
    assert!(evidence[0].2, "the first result's evidence is superseded");
    assert_eq!(evidence[6], (4.0, Some(20.0), false));
    // And again: nothing.
    let again = import(store, &admin, &files, Options::default(), false).await;
    assert_eq!(again.gradebook.unwrap().unchanged, 6);

    // A teacher corrects that evidence: a later change in the gradebook leaves theirs standing.
    let (latest, graded, competency): (i64, i64, i64) = sqlx::query_as(
        "SELECT id, learner_id, competency_id FROM evidence WHERE source = 'import' \
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    store
        .record_evidence(&super::levels::NewEvidence {
            learner_id: graded,
            competency_id: competency,
            level: 2.0,
            given_by: Some(teacher.id),
            source: "teacher",
            source_ref: None,
            group_id: None,
            comment: Some("Checked the paper again".into()),
            supersedes_id: Some(latest),
            score: None,
            observed_at: "2026-10-13T09:00:00Z".into(),
        })
        .await
        .unwrap();
    let results = &files
        .iter()
        .find(|(name, _)| name == "results.csv")
        .unwrap()
        .1;
    let changed = results.replacen(",fully graded,20,", ",fully graded,19,", 1);
    let files = replaced(&files, "results.csv", changed);
    let left = import(store, &admin, &files, Options::default(), false).await;
    let gradebook = left.gradebook.clone().unwrap();
    assert_eq!(
        (gradebook.corrections, gradebook.unchanged),
        (0, 6),
        "{left:?}"
    );
    assert_eq!(imported_evidence(store).await.len(), 7);

    // A result for a student nobody knows: reported by file and line, nothing written.
    let results = files
        .iter()
        .find(|(name, _)| name == "results.csv")
        .unwrap()
        .1
        .clone();
    let wrong = format!(
        "{results}result-99,,2026-09-01,MA4-ALG-C-01,learner-404,fully graded,12,2026-10-12,\n"
    );
    let lines = wrong.lines().count() as u64;
    let files = replaced(&files, "results.csv", wrong);
    let refused = import(store, &admin, &files, Options::default(), false).await;
    assert!(!refused.written);
    assert_eq!(refused.errors.len(), 1, "{:?}", refused.errors);
    assert_eq!(refused.errors[0].file, "results.csv");
    assert_eq!(refused.errors[0].line, lines);
    assert_eq!(refused.errors[0].field, "studentSourcedId");
    assert_eq!(imported_evidence(store).await.len(), 7);
}

crate::store_tests!(
    a_oneroster_package_imports_and_a_second_run_changes_nothing,
    a_version_1_1_package_imports_the_same_roster,
    a_delta_deactivates_and_moves_and_a_later_bulk_deactivates_the_missing,
    a_wrong_row_writes_nothing_unless_the_valid_rows_are_chosen,
    older_rows_are_skipped_and_people_already_here_are_matched_by_email,
    a_gradebook_s_results_become_evidence_once_and_a_changed_score_corrects,
);
