//! Administration against real databases: settings saved with their audit lines and
//! announced; refusals that change nothing; the audit log filtered.

use super::testing::{count, viewer};
use super::Store;
use crate::demo::{self, SeedOptions};
use crate::error::CoreError;
use crate::model::{Audience, AuditFilter, LiveEvent, Settings};
use crate::theme::Theme;

async fn settings_change_every_page_and_leave_an_audit_line(store: &Store) {
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 20,
            seed: 3,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let learner = viewer(store, demo::DEMO_LEARNER).await;

    let mut wanted = crate::admin::settings(store, &admin).await.unwrap();
    assert_eq!(wanted, Settings::default());
    wanted.modules.goals = "  Learning Intentions ".into();
    wanted.theme.primary = "#0B6E4F".into();
    let mut events = store.subscribe();
    let lines_before = count(store, "audit_log").await;
    crate::admin::save_settings(store, &admin, Some("203.0.113.9"), &wanted)
        .await
        .unwrap();
    match events.try_recv().unwrap() {
        event @ LiveEvent::Settings { .. } => {
            assert_eq!(
                event.audience(),
                Audience::Institution(admin.institution_id)
            )
        }
        other => panic!("expected a settings event, got {other:?}"),
    }
    let saved = crate::admin::settings(store, &admin).await.unwrap();
    assert_eq!(saved.modules.goals, "Learning Intentions");
    assert_eq!(saved.theme.primary, "#0b6e4f");
    // Every page reads the new name; every member's stylesheet has the colour.
    let goals = crate::story::learner_goals(store, &learner, learner.id)
        .await
        .unwrap();
    assert_eq!(goals.modules.goals, "Learning Intentions");
    let css = crate::admin::theme_css(store, Some(&learner))
        .await
        .unwrap();
    assert!(css.contains("--color-primary: #0b6e4f"), "{css}");
    assert!(crate::admin::theme_css(store, None)
        .await
        .unwrap()
        .contains(&Theme::default().primary));

    let log = crate::admin::audit_log(store, &admin, &AuditFilter::default())
        .await
        .unwrap();
    assert_eq!(
        count(store, "audit_log").await,
        lines_before + 2,
        "one line per change"
    );
    let rename = log
        .entries
        .iter()
        .find(|e| e.action == "rename module")
        .unwrap();
    assert_eq!(rename.detail, "Goals → Learning Intentions");
    assert_eq!(rename.actor.as_deref(), Some(admin.name.as_str()));
    assert_eq!(rename.origin.as_deref(), Some("203.0.113.9"));
    assert_eq!(rename.subject, "module goals");
    let only_colours = AuditFilter {
        action: "change colour".into(),
        ..AuditFilter::default()
    };
    let colours = crate::admin::audit_log(store, &admin, &only_colours)
        .await
        .unwrap();
    assert!(colours.entries.iter().all(|e| e.action == "change colour"));
    assert_eq!(colours.entries[0].detail, "#1f5fa8 → #0b6e4f");
    let by_nobody = AuditFilter {
        actor: "no such person".into(),
        ..AuditFilter::default()
    };
    assert!(crate::admin::audit_log(store, &admin, &by_nobody)
        .await
        .unwrap()
        .entries
        .is_empty());

    // Refused, nothing written: a pale primary (with its measured ratio), an empty name.
    let lines = count(store, "audit_log").await;
    let pale = Settings {
        theme: Theme {
            primary: "#8ab4f8".into(),
            ..saved.theme.clone()
        },
        ..saved.clone()
    };
    let error = crate::admin::save_settings(store, &admin, None, &pale)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("contrast of 1.9"), "{error}");
    let mut unnamed = saved.clone();
    unnamed.modules.projects = " ".into();
    assert!(matches!(
        crate::admin::save_settings(store, &admin, None, &unnamed).await,
        Err(CoreError::Invalid { .. })
    ));
    assert_eq!(count(store, "audit_log").await, lines);
    assert_eq!(crate::admin::settings(store, &admin).await.unwrap(), saved);

    // Only administrators.
    assert!(matches!(
        crate::admin::settings(store, &teacher).await,
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(
        crate::admin::save_settings(store, &teacher, None, &saved).await,
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(
        crate::admin::audit_log(store, &learner, &AuditFilter::default()).await,
        Err(CoreError::Forbidden)
    ));
}

async fn a_disabled_persons_sessions_end_at_once(store: &Store) {
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 20,
            seed: 4,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let manager = viewer(store, demo::DEMO_MANAGER).await;
    store
        .create_session(
            manager.id,
            "manager-token",
            "2026-01-01T00:00:00Z",
            "2999-01-01T00:00:00Z",
        )
        .await
        .unwrap();
    let now = crate::clock::now();
    assert!(store
        .session_viewer("manager-token", &now)
        .await
        .unwrap()
        .is_some());

    // Found by part of the email, and by role.
    let found = crate::admin::people(
        store,
        &admin,
        &crate::model::UserFilter {
            query: "MANAGER@demo".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found.users.len(), 1);
    assert_eq!(found.users[0].id, manager.id);
    let teachers = crate::admin::people(
        store,
        &admin,
        &crate::model::UserFilter {
            role: "teacher".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(teachers.matching >= 2);
    assert!(teachers
        .users
        .iter()
        .all(|u| u.roles.contains(&crate::model::Role::Teacher)));

    crate::admin::set_user_status(store, &admin, Some("198.51.100.7"), manager.id, "disabled")
        .await
        .unwrap();
    assert!(store
        .session_viewer("manager-token", &now)
        .await
        .unwrap()
        .is_none());
    assert_eq!(count(store, "sessions").await, 0);
    let log = crate::admin::audit_log(
        store,
        &admin,
        &AuditFilter {
            action: "disable person".into(),
            ..AuditFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(log.entries.len(), 1);
    assert!(log.entries[0].detail.ends_with("active → disabled"));
    // Signing in is refused too, until they are enabled again.
    assert!(!store
        .find_login(demo::DEMO_MANAGER)
        .await
        .unwrap()
        .unwrap()
        .may_sign_in());
    crate::admin::set_user_status(store, &admin, None, manager.id, "active")
        .await
        .unwrap();
    assert!(store
        .find_login(demo::DEMO_MANAGER)
        .await
        .unwrap()
        .unwrap()
        .may_sign_in());

    // Not oneself, not a status that does not exist, not someone else's institution's tool.
    assert!(
        crate::admin::set_user_status(store, &admin, None, admin.id, "disabled")
            .await
            .is_err()
    );
    assert!(
        crate::admin::set_user_status(store, &admin, None, manager.id, "banned")
            .await
            .is_err()
    );
    assert!(matches!(
        crate::admin::set_user_status(store, &manager, None, admin.id, "disabled").await,
        Err(CoreError::Forbidden)
    ));
}

async fn an_import_writes_every_valid_row_or_nothing(store: &Store) {
    use crate::model::ImportMode;
    use crate::people_import::Tracker;
    use crate::store::people_import::ImportedBy;
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 12,
            seed: 5,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let csv = format!(
        "name,email,role,groups,parent_of\n\
         Ines Okafor,ines@riverbend.example,learner,7A,\n\
         Omar Okafor,omar@riverbend.example,Parent,,ines@riverbend.example;{learner}\n\
         Bad Role,bad.role@riverbend.example,pilot,,\n\
         Mr Ngata,ngata@riverbend.example,teacher,7A; 7a,\n\
         Copy,{admin},learner,,\n",
        learner = demo::DEMO_LEARNER,
        admin = demo::DEMO_ADMIN,
    );
    let by = ImportedBy {
        institution_id: admin.institution_id,
        actor_id: Some(admin.id),
        origin: Some("192.0.2.4"),
        file_name: "people.csv",
        rejected: 0,
    };
    let people_before = count(store, "users").await;
    let tracker = Tracker::new(1, "people.csv");
    let report = crate::admin::import_people(
        store,
        &by,
        csv.clone().into_bytes(),
        ImportMode::AllOrNothing,
        &tracker,
    )
    .await
    .unwrap();
    assert_eq!(
        (report.rows, report.imported, report.rejected),
        (5, 0, 2),
        "{:?}",
        report.errors
    );
    let lines: Vec<(u64, &str)> = report
        .errors
        .iter()
        .map(|error| (error.line, error.field.as_str()))
        .collect();
    assert_eq!(lines, vec![(4, "role"), (6, "email")]);
    assert_eq!(count(store, "users").await, people_before, "all or nothing");

    let report = crate::admin::import_people(
        store,
        &by,
        csv.into_bytes(),
        ImportMode::ValidRows,
        &Tracker::new(2, "people.csv"),
    )
    .await
    .unwrap();
    assert_eq!((report.imported, report.rejected), (3, 2));
    assert_eq!(count(store, "users").await, people_before + 3);
    let ines = super::testing::user_id(store, "ines@riverbend.example").await;
    let omar = viewer(store, "omar@riverbend.example").await;
    assert_eq!(omar.roles, vec![crate::model::Role::Parent]);
    let children: Vec<i64> = store
        .linked_learners(omar.id)
        .await
        .unwrap()
        .into_iter()
        .map(|child| child.id)
        .collect();
    assert!(children.contains(&ines) && children.len() == 2);
    let teaching: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM group_members m JOIN users u ON u.id = m.user_id \
         WHERE u.email = 'ngata@riverbend.example' AND m.member_role = 'teacher'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(teaching, 1, "a group named twice is joined once");
    // The new learner is in the teacher's roster and the list of learners.
    let ngata = viewer(store, "ngata@riverbend.example").await;
    assert!(crate::access::learners(store, &ngata)
        .await
        .unwrap()
        .iter()
        .any(|learner| learner.id == ines));
    let log = crate::admin::audit_log(
        store,
        &admin,
        &AuditFilter {
            action: "import people".into(),
            ..AuditFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(log.entries.len(), 2);
    assert!(log.entries[0]
        .detail
        .contains("3 people imported, 2 rows rejected"));

    // Only administrators import.
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    assert!(matches!(
        crate::admin::start_import(
            store,
            &crate::people_import::Imports::default(),
            &teacher,
            None,
            "x.csv".into(),
            Vec::new(),
            ImportMode::ValidRows,
        ),
        Err(CoreError::Forbidden)
    ));
}

crate::store_tests!(
    settings_change_every_page_and_leave_an_audit_line,
    a_disabled_persons_sessions_end_at_once,
    an_import_writes_every_valid_row_or_nothing,
);
