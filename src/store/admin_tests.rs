//! Administration against real databases: settings saved with their audit lines and
//! announced; refusals that change nothing; the audit log filtered.

use super::testing::{count, viewer};
use super::Store;
use crate::demo::{self, SeedOptions};
use crate::error::CoreError;
use crate::model::{Audience, AuditFilter, LiveEvent, Settings, Viewer};
use crate::theme::Theme;

/// The person as a request from `origin` brings them (the audit log says where from).
fn requested_from(viewer: &Viewer, origin: &str) -> Viewer {
    Viewer {
        origin: Some(origin.into()),
        ..viewer.clone()
    }
}

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
    crate::admin::save_settings(store, &requested_from(&admin, "203.0.113.9"), &wanted)
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
    let error = crate::admin::save_settings(store, &admin, &pale)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("contrast of 1.9"), "{error}");
    let mut nowhere = saved.clone();
    nowhere.time_zone = "Europe/Atlantis".into();
    let error = crate::admin::save_settings(store, &admin, &nowhere)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("time zone"), "{error}");
    let mut unnamed = saved.clone();
    unnamed.modules.projects = " ".into();
    assert!(matches!(
        crate::admin::save_settings(store, &admin, &unnamed).await,
        Err(CoreError::Invalid { .. })
    ));
    assert_eq!(count(store, "audit_log").await, lines);
    assert_eq!(crate::admin::settings(store, &admin).await.unwrap(), saved);

    // The time zone: saved, audited, the one every page of the institution reads dates in
    // (and, for visitors, the first institution's).
    let mut auckland = saved.clone();
    auckland.time_zone = "Pacific/Auckland".into();
    crate::admin::save_settings(store, &admin, &auckland)
        .await
        .unwrap();
    let view = crate::admin::settings_view(store, &admin).await.unwrap();
    assert_eq!(view.settings.time_zone, "Pacific/Auckland");
    assert!(view
        .time_zones
        .iter()
        .any(|zone| zone == "Pacific/Auckland"));
    assert_eq!(
        store.time_zone(Some(learner.institution_id)).await.unwrap(),
        "Pacific/Auckland"
    );
    assert_eq!(store.time_zone(None).await.unwrap(), "Pacific/Auckland");
    let log = crate::admin::audit_log(store, &admin, &AuditFilter::default())
        .await
        .unwrap();
    assert_eq!(log.entries[0].action, "change time zone");
    assert_eq!(log.entries[0].detail, "UTC → Pacific/Auckland");
    let saved = auckland;

    // Only administrators.
    assert!(matches!(
        crate::admin::settings(store, &teacher).await,
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(
        crate::admin::save_settings(store, &teacher, &saved).await,
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

    crate::admin::set_user_status(
        store,
        &requested_from(&admin, "198.51.100.7"),
        manager.id,
        "disabled",
    )
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
    assert_eq!(log.entries[0].subject, manager.name, "the person by name");
    // Signing in is refused too, until they are enabled again.
    assert!(!store
        .find_login(demo::DEMO_MANAGER)
        .await
        .unwrap()
        .unwrap()
        .may_sign_in());
    crate::admin::set_user_status(store, &admin, manager.id, "active")
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
        crate::admin::set_user_status(store, &admin, admin.id, "disabled")
            .await
            .is_err()
    );
    assert!(
        crate::admin::set_user_status(store, &admin, manager.id, "banned")
            .await
            .is_err()
    );
    assert!(matches!(
        crate::admin::set_user_status(store, &manager, admin.id, "disabled").await,
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
            "x.csv".into(),
            Vec::new(),
            ImportMode::ValidRows,
        ),
        Err(CoreError::Forbidden)
    ));
}

async fn a_learner_moves_between_groups_keeping_history_and_parents_are_linked(store: &Store) {
    use crate::store::people::PersonChange;
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 40,
            seed: 6,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let learner = viewer(store, demo::DEMO_LEARNER).await;
    let before = crate::admin::person(store, &admin, learner.id)
        .await
        .unwrap();
    let from = before
        .memberships
        .iter()
        .find(|stay| stay.left_at.is_none())
        .unwrap()
        .clone();
    let old_teacher: i64 = sqlx::query_scalar(
        "SELECT user_id FROM group_members WHERE group_id = $1 AND member_role = 'teacher' \
         AND left_at IS NULL ORDER BY user_id LIMIT 1",
    )
    .bind(from.group_id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let old_teacher = store.viewer(old_teacher).await.unwrap().unwrap();
    // A new group, which nobody teaches yet.
    let new_group = crate::admin::create_group(store, &admin, "Year 7 support", "7")
        .await
        .unwrap();
    let to = crate::admin::person(store, &admin, learner.id)
        .await
        .unwrap()
        .groups
        .into_iter()
        .find(|group| group.id == new_group)
        .unwrap();
    let sees = |teacher: crate::model::Viewer| async move {
        crate::access::learners(store, &teacher)
            .await
            .unwrap()
            .iter()
            .any(|listed| listed.id == learner.id)
    };
    assert!(sees(old_teacher.clone()).await);

    crate::admin::change_person(
        store,
        &requested_from(&admin, "192.0.2.8"),
        learner.id,
        &PersonChange::Move {
            from: from.group_id,
            to: to.id,
        },
    )
    .await
    .unwrap();
    let after = crate::admin::person(store, &admin, learner.id)
        .await
        .unwrap();
    let open: Vec<&str> = after
        .memberships
        .iter()
        .filter(|stay| stay.left_at.is_none())
        .map(|stay| stay.group.as_str())
        .collect();
    assert!(open.contains(&to.name.as_str()) && !open.contains(&from.group.as_str()));
    assert!(after
        .memberships
        .iter()
        .any(|stay| stay.group_id == from.group_id && stay.left_at.is_some()));
    assert!(
        !sees(old_teacher).await,
        "the old group's teacher no longer sees them"
    );
    // Their evidence stays theirs: the dashboard still shows it.
    let progress = crate::access::learner_progress(store, &admin, learner.id)
        .await
        .unwrap();
    assert!(progress.competencies.iter().any(|c| c.evidence_count > 0));
    // Moving from a group they are not in is refused, and changes nothing.
    assert!(crate::admin::change_person(
        store,
        &admin,
        learner.id,
        &PersonChange::Move {
            from: from.group_id,
            to: to.id,
        },
    )
    .await
    .is_err());

    // A new parent: roles given, linked by the learner's email, then sees the learner.
    let manager = viewer(store, demo::DEMO_MANAGER).await;
    let parent_role: i64 = sqlx::query_scalar("SELECT id FROM roles WHERE key = 'parent'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let manager_role: i64 = sqlx::query_scalar("SELECT id FROM roles WHERE key = 'manager'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let refused = crate::admin::change_person(
        store,
        &admin,
        manager.id,
        &PersonChange::LinkChild(learner.id),
    )
    .await;
    assert!(
        matches!(refused, Err(CoreError::Invalid { .. })),
        "not a parent yet"
    );
    crate::admin::change_person(
        store,
        &admin,
        manager.id,
        &PersonChange::Roles(vec![manager_role, parent_role]),
    )
    .await
    .unwrap();
    let child = crate::admin::learner_by_email(store, &admin, " Learner@Demo.Cairn ")
        .await
        .unwrap();
    crate::admin::change_person(store, &admin, manager.id, &PersonChange::LinkChild(child))
        .await
        .unwrap();
    let manager = viewer(store, demo::DEMO_MANAGER).await;
    assert!(manager.has(crate::model::Role::Parent));
    assert!(crate::access::learner_progress(store, &manager, learner.id)
        .await
        .is_ok());

    // Administrators keep their own administration.
    assert!(crate::admin::change_person(
        store,
        &admin,
        admin.id,
        &PersonChange::Roles(vec![manager_role]),
    )
    .await
    .is_err());
    assert!(matches!(
        crate::admin::change_person(
            store,
            &manager,
            learner.id,
            &PersonChange::UnlinkChild(learner.id)
        )
        .await,
        Err(CoreError::Forbidden)
    ));
    let log = crate::admin::audit_log(store, &admin, &AuditFilter::default())
        .await
        .unwrap();
    // The changes, in order (reads of the learner's record are audited too, in the background).
    let actions: Vec<&str> = log
        .entries
        .iter()
        .map(|entry| entry.action.as_str())
        .filter(|action| *action != "read learner record")
        .collect();
    assert_eq!(
        actions,
        vec![
            "link parent",
            "change roles",
            "move between groups",
            "create group",
            "institution.created"
        ]
    );
}

async fn groups_are_created_filled_all_or_nothing_and_archived_with_history(store: &Store) {
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 20,
            seed: 7,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let learners: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.id, u.email FROM users u JOIN user_roles ur ON ur.user_id = u.id \
         JOIN roles r ON r.id = ur.role_id WHERE r.key = 'learner' ORDER BY u.id LIMIT 3",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let id = crate::admin::create_group(store, &admin, " Robotics club ", "")
        .await
        .unwrap();
    assert!(matches!(
        crate::admin::create_group(store, &admin, "ROBOTICS CLUB", "").await,
        Err(CoreError::Invalid { .. })
    ));
    assert!(crate::admin::create_group(store, &admin, "Year 99", "99")
        .await
        .is_err());
    let emails: Vec<&str> = learners.iter().map(|(_, email)| email.as_str()).collect();
    // One unknown email: nobody is added, and the reason names it.
    let refused = crate::admin::add_group_members(
        store,
        &admin,
        id,
        &format!("{}\nnobody@riverbend.example", emails.join(", ")),
        "learner",
    )
    .await;
    match refused {
        Err(CoreError::Invalid { reason, .. }) => {
            assert!(
                reason.contains("nobody@riverbend.example is nobody here"),
                "{reason}"
            )
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let added = crate::admin::add_group_members(store, &admin, id, &emails.join("; "), "learner")
        .await
        .unwrap();
    assert_eq!(added, 3);
    assert!(
        crate::admin::add_group_members(store, &admin, id, emails[0], "teacher")
            .await
            .is_err(),
        "a learner is not a teacher"
    );
    crate::admin::add_group_members(store, &admin, id, demo::DEMO_TEACHER, "teacher")
        .await
        .unwrap();
    let listed = crate::admin::groups(store, &admin).await.unwrap();
    let club = listed.iter().find(|group| group.id == id).unwrap();
    assert_eq!((club.name.as_str(), club.learners), ("Robotics club", 3));
    assert_eq!(club.teachers, vec![teacher.name.clone()]);
    assert!(crate::access::roster(store, &teacher, id, None)
        .await
        .is_ok());

    crate::admin::archive_group(store, &requested_from(&admin, "192.0.2.9"), id)
        .await
        .unwrap();
    let listed = crate::admin::groups(store, &admin).await.unwrap();
    let club = listed.iter().find(|group| group.id == id).unwrap();
    assert!(club.archived_at.is_some() && club.learners == 0 && club.teachers.is_empty());
    let history = crate::admin::person(store, &admin, learners[0].0)
        .await
        .unwrap();
    assert!(history
        .memberships
        .iter()
        .any(|stay| stay.group_id == id && stay.left_at.is_some()));
    assert!(crate::admin::archive_group(store, &admin, id)
        .await
        .is_err());
    assert!(matches!(
        crate::admin::create_group(store, &teacher, "Mine", "").await,
        Err(CoreError::Forbidden)
    ));
}

async fn a_custom_role_gives_its_rights_over_one_year_level_only(store: &Store) {
    use crate::model::Permission;
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 60,
            seed: 8,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let role = crate::admin::create_custom_role(
        store,
        &admin,
        "Head of Year 8",
        &[Permission::ViewRecords, Permission::Mark],
        "8",
    )
    .await
    .unwrap();
    assert!(
        crate::admin::create_custom_role(store, &admin, "head of year 8", &[Permission::Mark], "")
            .await
            .is_err(),
        "names are unique"
    );
    assert!(
        crate::admin::create_custom_role(store, &admin, "Nothing", &[], "")
            .await
            .is_err(),
        "a role gives something"
    );
    let roles = crate::admin::custom_roles(store, &admin).await.unwrap();
    let head_of_year = roles.iter().find(|r| r.id == role).unwrap();
    assert_eq!(
        head_of_year.permissions,
        vec![Permission::Mark, Permission::ViewRecords]
    );

    // A new head of year, imported with the role by its name.
    let by = crate::store::people_import::ImportedBy {
        institution_id: admin.institution_id,
        actor_id: Some(admin.id),
        origin: None,
        file_name: "staff.csv",
        rejected: 0,
    };
    let report = crate::admin::import_people(
        store,
        &by,
        b"name,email,role
Hana Sato,hana.sato@riverbend.example,Head of Year 8
"
        .to_vec(),
        crate::model::ImportMode::AllOrNothing,
        &crate::people_import::Tracker::new(1, "staff.csv"),
    )
    .await
    .unwrap();
    assert_eq!(report.imported, 1, "{:?}", report.errors);
    let head = viewer(store, "hana.sato@riverbend.example").await;
    assert_eq!(head.grants.len(), 2);
    let seen = crate::access::learners(store, &head).await.unwrap();
    let year_of = |learner: i64| async move {
        sqlx::query_scalar::<_, Option<i64>>(
            "SELECT g.year_level FROM group_members m JOIN groups g ON g.id = m.group_id \
             WHERE m.user_id = $1 AND m.member_role = 'learner' AND m.left_at IS NULL",
        )
        .bind(learner)
        .fetch_one(store.pool())
        .await
        .unwrap()
    };
    assert!(!seen.is_empty());
    for learner in &seen {
        assert_eq!(year_of(learner.id).await, Some(8), "{}", learner.name);
        assert!(crate::access::learner_progress(store, &head, learner.id)
            .await
            .is_ok());
    }
    let other: i64 = sqlx::query_scalar(
        "SELECT m.user_id FROM group_members m JOIN groups g ON g.id = m.group_id \
         WHERE m.member_role = 'learner' AND g.year_level = 9 LIMIT 1",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(matches!(
        crate::access::learner_progress(store, &head, other).await,
        Err(CoreError::Forbidden)
    ));
    let groups: Vec<(i64, i64)> = sqlx::query_as("SELECT id, year_level FROM groups")
        .fetch_all(store.pool())
        .await
        .unwrap();
    for (group, year) in groups {
        let opened = crate::access::roster(store, &head, group, None).await;
        assert_eq!(opened.is_ok(), year == 8, "group {group} of year {year}");
    }
    // Edited to year 9, the role follows at once; deleting it is refused while it is held.
    let roles = crate::admin::custom_roles(store, &admin).await.unwrap();
    let head = roles
        .iter()
        .find(|role| role.holders > 0)
        .expect("a held custom role");
    crate::admin::edit_custom_role(store, &admin, head.id, &head.name, &head.permissions, "9")
        .await
        .unwrap();
    let edited = crate::admin::custom_roles(store, &admin).await.unwrap();
    assert_eq!(
        edited
            .iter()
            .find(|role| role.id == head.id)
            .unwrap()
            .year_level,
        Some(9)
    );
    let held = crate::admin::delete_custom_role(store, &admin, head.id).await;
    assert!(
        matches!(&held, Err(CoreError::Invalid { reason, .. }) if reason.contains("held by")),
        "{held:?}"
    );
    let none = crate::admin::edit_custom_role(store, &admin, head.id, &head.name, &[], "9").await;
    assert!(matches!(none, Err(CoreError::Invalid { .. })), "{none:?}");
}

async fn an_administrator_arranges_each_roles_home_tiles(store: &Store) {
    use crate::model::HomeTile;
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 20,
            seed: 5,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let learner = viewer(store, demo::DEMO_LEARNER).await;
    let home = crate::home::home(store, learner.clone()).await.unwrap();
    assert_eq!(home.tiles, HomeTile::ALL.to_vec());

    let lines = count(store, "audit_log").await;
    let refused = crate::admin::arrange_tile(store, &teacher, "learner", "story", "hide").await;
    assert!(matches!(refused, Err(CoreError::Forbidden)), "{refused:?}");
    let first = crate::admin::arrange_tile(store, &admin, "learner", "progress", "up").await;
    assert!(
        matches!(&first, Err(CoreError::Invalid { reason, .. }) if reason.contains("first")),
        "{first:?}"
    );
    let unknown = crate::admin::arrange_tile(store, &admin, "learner", "weather", "up").await;
    assert!(
        matches!(unknown, Err(CoreError::Invalid { .. })),
        "{unknown:?}"
    );
    assert_eq!(count(store, "audit_log").await, lines);

    crate::admin::arrange_tile(
        store,
        &requested_from(&admin, "192.0.2.7"),
        "learner",
        "story",
        "up",
    )
    .await
    .unwrap();
    crate::admin::arrange_tile(store, &admin, "learner", "progress", "hide")
        .await
        .unwrap();
    let home = crate::home::home(store, learner.clone()).await.unwrap();
    assert_eq!(home.tiles[0], HomeTile::Story);
    assert!(!home.tiles.contains(&HomeTile::Progress));
    // Other roles keep their own layout.
    let teachers = crate::home::home(store, teacher.clone()).await.unwrap();
    assert_eq!(teachers.tiles, HomeTile::ALL.to_vec());
    let layouts = crate::admin::tile_layouts(store, &admin).await.unwrap();
    let learners = layouts
        .iter()
        .find(|layout| layout.role == crate::model::Role::Learner)
        .unwrap();
    assert_eq!(learners.tiles.len(), HomeTile::ALL.len());
    assert_eq!(learners.tiles[1].tile, HomeTile::Progress);
    assert!(!learners.tiles[1].shown);
    let log = crate::admin::audit_log(
        store,
        &admin,
        &AuditFilter {
            action: "arrange home tiles".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(log.entries.len(), 2);
    assert!(log.entries.iter().any(
        |entry| entry.detail == "Learner: Goals and projects moved up"
            && entry.origin.as_deref() == Some("192.0.2.7")
    ));
}

async fn an_added_person_chooses_their_password_through_a_one_time_link(store: &Store) {
    use crate::model::NewPersonForm;
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 20,
            seed: 8,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let group: String = sqlx::query_scalar("SELECT name FROM groups ORDER BY id LIMIT 1")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let form = NewPersonForm {
        name: "Ava Stone".into(),
        email: "Ava.Stone@example.org".into(),
        role: "learner".into(),
        groups: group.clone(),
        year_level: "8".into(),
        ..Default::default()
    };
    let people = count(store, "users").await;
    let lines = count(store, "audit_log").await;
    let refused = crate::admin::add_person(store, &teacher, &form).await;
    assert!(matches!(refused, Err(CoreError::Forbidden)), "{refused:?}");
    let taken = NewPersonForm {
        email: demo::DEMO_TEACHER.into(),
        ..form.clone()
    };
    let taken = crate::admin::add_person(store, &admin, &taken).await;
    assert!(
        matches!(&taken, Err(CoreError::Invalid { field, .. }) if field == "email"),
        "{taken:?}"
    );
    let unknown = NewPersonForm {
        groups: "No such group".into(),
        ..form.clone()
    };
    assert!(crate::admin::add_person(store, &admin, &unknown)
        .await
        .is_err());
    assert_eq!(count(store, "users").await, people);
    assert_eq!(count(store, "audit_log").await, lines);

    let added = crate::admin::add_person(store, &requested_from(&admin, "192.0.2.1"), &form)
        .await
        .unwrap();
    let token = added
        .invitation
        .strip_prefix("/welcome/")
        .unwrap()
        .to_string();
    let invitation = store.invitation(&token).await.unwrap().unwrap();
    assert_eq!(invitation.email, "ava.stone@example.org");
    let learner = store.viewer(added.user_id).await.unwrap().unwrap();
    assert!(learner.has(crate::model::Role::Learner));
    let groups: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM group_members WHERE user_id = $1 AND left_at IS NULL",
    )
    .bind(added.user_id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(groups, 1);
    // No password until they choose one.
    let login = store
        .find_login("ava.stone@example.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(login.password_hash, None);

    let short = crate::admin::accept_invitation(store, &token, "short", "short").await;
    assert!(matches!(short, Err(CoreError::Invalid { .. })), "{short:?}");
    let different =
        crate::admin::accept_invitation(store, &token, "a long passphrase", "a long passphrase!")
            .await;
    assert!(
        matches!(different, Err(CoreError::Invalid { .. })),
        "{different:?}"
    );
    // A new link replaces the unused one.
    let again = crate::admin::invite_person(store, &admin, added.user_id)
        .await
        .unwrap();
    assert!(store.invitation(&token).await.unwrap().is_none());
    let token = again.strip_prefix("/welcome/").unwrap().to_string();
    let id =
        crate::admin::accept_invitation(store, &token, "a long passphrase", "a long passphrase")
            .await
            .unwrap();
    assert_eq!(id, added.user_id);
    let login = store
        .find_login("ava.stone@example.org")
        .await
        .unwrap()
        .unwrap();
    assert!(crate::password::verify(
        "a long passphrase",
        login.password_hash.as_deref().unwrap()
    ));
    // The link works once.
    let used =
        crate::admin::accept_invitation(store, &token, "another passphrase", "another passphrase")
            .await;
    assert!(matches!(used, Err(CoreError::Invalid { .. })), "{used:?}");
    let log = crate::admin::audit_log(store, &admin, &AuditFilter::default())
        .await
        .unwrap();
    for action in ["create person", "invite person", "accept invitation"] {
        assert!(
            log.entries.iter().any(|entry| entry.action == action),
            "{action}"
        );
    }
}

async fn an_import_says_nothing_about_other_institutions_people(store: &Store) {
    use crate::model::ImportMode;
    use crate::people_import::Tracker;
    use crate::store::people_import::ImportedBy;
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 6,
            seed: 5,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    // Another school on the same Cairn, with one person.
    sqlx::query(
        "INSERT INTO institutions (id, name, slug, created_at) \
         VALUES (900, 'Hillside High', 'hillside', '2026-01-01T00:00:00Z')",
    )
    .execute(store.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO users (id, institution_id, email, name, handle, created_at) \
         VALUES (90001, 900, 'kim@hillside.example', 'Kim Park', 'kim.park.hillside', \
                 '2026-01-01T00:00:00Z')",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let csv = format!(
        "name,email,role\nKim Park,kim@hillside.example,learner\nSame School,{},learner\n",
        demo::DEMO_LEARNER
    );
    let report = crate::admin::import_people(
        store,
        &ImportedBy {
            institution_id: admin.institution_id,
            actor_id: Some(admin.id),
            origin: None,
            file_name: "people.csv",
            rejected: 0,
        },
        csv.into_bytes(),
        ImportMode::AllOrNothing,
        &Tracker::new(1, "people.csv"),
    )
    .await
    .unwrap();
    let reasons: Vec<String> = report
        .errors
        .iter()
        .map(|error| {
            error
                .reason
                .replace("kim@hillside.example", "EMAIL")
                .replace(demo::DEMO_LEARNER, "EMAIL")
        })
        .collect();
    assert_eq!(reasons.len(), 2, "{:?}", report.errors);
    assert_eq!(
        reasons[0], reasons[1],
        "the same answer for another school's person as for one's own"
    );
    for word in ["Cairn", "someone", "institution", "Hillside", "school"] {
        assert!(!reasons[0].contains(word), "{}", reasons[0]);
    }
}

crate::store_tests!(
    an_import_says_nothing_about_other_institutions_people,
    an_added_person_chooses_their_password_through_a_one_time_link,
    an_administrator_arranges_each_roles_home_tiles,
    settings_change_every_page_and_leave_an_audit_line,
    a_disabled_persons_sessions_end_at_once,
    an_import_writes_every_valid_row_or_nothing,
    a_learner_moves_between_groups_keeping_history_and_parents_are_linked,
    groups_are_created_filled_all_or_nothing_and_archived_with_history,
    a_custom_role_gives_its_rights_over_one_year_level_only,
);
