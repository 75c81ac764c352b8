//! The learner's story against real databases: goals with their timeline, projects assessed by
//! teacher and learner, check-ins with unread counts — and who may do what.

use super::testing::{competency, count, user_id, viewer};
use super::Store;
use crate::demo::{self, SeedOptions};
use crate::error::CoreError;
use crate::model::{AssessmentKind, Awaiting, GoalStatus, LiveEvent, TimelineKind};
use crate::story::{self, About, GoalDraft};

fn small_school() -> demo::School {
    demo::generate(&SeedOptions {
        learners: 30,
        seed: 7,
        evidence_per_competency: (1, 2),
    })
}

/// A real PNG of the given size (the sniffer and the thumbnailer both accept it).
fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut bytes = Vec::new();
    picture
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

fn files_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("cairn-story-{}", rand::random::<u64>()))
}

async fn current_level(store: &Store, learner: i64, competency: i64) -> Option<f64> {
    sqlx::query_scalar(
        "SELECT level FROM current_levels WHERE learner_id = $1 AND competency_id = $2",
    )
    .bind(learner)
    .bind(competency)
    .fetch_optional(store.pool())
    .await
    .unwrap()
    .flatten()
}

async fn a_goal_gathers_plan_evidence_reflections_and_comments(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let dir = files_dir();
    store.set_file_storage(dir.clone(), 5 * 1024 * 1024);
    let learner = viewer(store, demo::DEMO_LEARNER).await;
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let parent = viewer(store, demo::DEMO_PARENT).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let writing = competency(store, "EN4-ECA-01").await;

    let draft = GoalDraft {
        title: "  Write a persuasive speech ".into(),
        why: "I want to speak at assembly.".into(),
        target_on: "2026-12-18".into(),
        competencies: vec![writing],
        steps: vec![
            ("Read two model speeches".into(), "2026-12-01".into()),
            ("Draft the speech".into(), "".into()),
            ("   ".into(), "".into()),
        ],
    };
    let goal_id = story::create_goal(store, &learner, &draft).await.unwrap();
    let mut events = store.subscribe();

    let view = story::goal(store, &learner, goal_id).await.unwrap();
    assert_eq!(view.title, "Write a persuasive speech");
    assert_eq!(view.status, GoalStatus::Active);
    assert_eq!(view.target_on.as_deref(), Some("2026-12-18"));
    assert_eq!(view.competencies[0].code, "EN4-ECA-01");
    assert_eq!(view.steps.len(), 2, "a blank step is left out");
    assert_eq!(view.steps[0].due_on.as_deref(), Some("2026-12-01"));
    assert!(view.may_write && !view.may_comment);

    // The plan moves on, evidence arrives with a thumbnail, the learner reflects.
    let first = view.steps[0].id;
    story::set_goal_step_done(store, &learner, goal_id, first, true)
        .await
        .unwrap();
    story::add_goal_step(store, &learner, goal_id, "Rehearse with a friend", "")
        .await
        .unwrap();
    let file_id = story::add_goal_evidence(store, &learner, goal_id, "draft.png", &png(800, 400))
        .await
        .unwrap();
    story::reflect(
        store,
        &learner,
        About::Goal(goal_id),
        "Reading models helped.",
    )
    .await
    .unwrap();
    // The learner's teacher comments, and it is announced live.
    story::comment(
        store,
        &teacher,
        About::Goal(goal_id),
        "Great start — now draft it.",
    )
    .await
    .unwrap();
    let mut announced = 0;
    while let Ok(event) = events.try_recv() {
        assert!(
            matches!(event, LiveEvent::Story { learner_id, goal_id: Some(g), .. }
            if learner_id == learner.id && g == goal_id)
        );
        announced += 1;
    }
    assert_eq!(announced, 5, "every change to the goal is announced");

    let view = story::goal(store, &teacher, goal_id).await.unwrap();
    assert!(view.may_comment && !view.may_write);
    assert_eq!(view.steps.len(), 3);
    let kinds: Vec<TimelineKind> = view.timeline.iter().map(|e| e.kind.clone()).collect();
    for kind in [
        TimelineKind::Set,
        TimelineKind::StepDone,
        TimelineKind::Evidence,
        TimelineKind::Reflection,
        TimelineKind::Comment,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
    }
    assert!(view
        .timeline
        .windows(2)
        .all(|pair| pair[0].at <= pair[1].at));
    let evidence = view.timeline.iter().find_map(|e| e.file.clone()).unwrap();
    assert_eq!(
        evidence.thumbnail.as_deref(),
        Some(&*format!("/files/{file_id}/thumbnail"))
    );
    let stored = story::file(store, &parent, file_id).await.unwrap();
    let thumbnail = image::open(stored.thumbnail.unwrap()).unwrap();
    assert!(thumbnail.width() <= 320 && thumbnail.height() <= 320);
    assert_eq!(thumbnail.width(), 320, "the longer side is scaled to 320");

    // Parents read; nobody else writes.
    let seen = story::goal(store, &parent, goal_id).await.unwrap();
    assert!(!seen.may_write && !seen.may_comment);
    let other_learner = other_learner(store, learner.id).await;
    assert!(matches!(
        story::goal(store, &other_learner, goal_id).await,
        Err(CoreError::Forbidden)
    ));
    assert!(story::file(store, &other_learner, file_id).await.is_err());
    let before = count(store, "feedback").await;
    for (who, result) in [
        (
            "the learner",
            story::comment(store, &learner, About::Goal(goal_id), "I agree").await,
        ),
        (
            "a parent",
            story::comment(store, &parent, About::Goal(goal_id), "Well done").await,
        ),
        (
            "another learner",
            story::comment(store, &other_learner, About::Goal(goal_id), "Hi").await,
        ),
    ] {
        assert!(result.is_err(), "{who} may not comment");
    }
    assert_eq!(count(store, "feedback").await, before);
    assert!(matches!(
        story::add_goal_step(store, &teacher, goal_id, "Do it for them", "").await,
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(
        story::add_goal_step(store, &admin, goal_id, "Admin step", "").await,
        Err(CoreError::Forbidden)
    ));

    // Dropped is a status; anything else is refused and changes nothing.
    story::set_goal_status(store, &learner, goal_id, "dropped")
        .await
        .unwrap();
    assert!(story::set_goal_status(store, &learner, goal_id, "archived")
        .await
        .is_err());
    let goals = story::learner_goals(store, &parent, learner.id)
        .await
        .unwrap();
    let listed = goals.goals.iter().find(|g| g.id == goal_id).unwrap();
    assert_eq!(listed.status, GoalStatus::Dropped);
    assert_eq!((listed.steps_done, listed.steps), (1, 3));
    assert!(!goals.may_write && goals.competencies.is_empty());

    // Bad input: no title, a date that is not one.
    for bad in [
        GoalDraft {
            title: " ".into(),
            ..draft.clone()
        },
        GoalDraft {
            target_on: "next week".into(),
            ..draft.clone()
        },
        GoalDraft {
            competencies: vec![987_654],
            ..draft.clone()
        },
    ] {
        let goals_before = count(store, "goals").await;
        assert!(matches!(
            story::create_goal(store, &learner, &bad).await,
            Err(CoreError::Invalid { .. })
        ));
        assert_eq!(
            count(store, "goals").await,
            goals_before,
            "nothing half-written"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A learner of the school other than `learner`.
async fn other_learner(store: &Store, learner: i64) -> crate::model::Viewer {
    let id: i64 = sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id \
         JOIN roles r ON r.id = ur.role_id AND r.key = 'learner' \
         WHERE u.id <> $1 ORDER BY u.id LIMIT 1",
    )
    .bind(learner)
    .fetch_one(store.pool())
    .await
    .unwrap();
    store.viewer(id).await.unwrap().unwrap()
}

async fn a_teachers_assessment_is_evidence_and_a_self_assessment_is_not(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = viewer(store, demo::DEMO_LEARNER).await;
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let respect = competency(store, "VAL-RES").await;
    let collaboration = competency(store, "GC-COL").await;
    let project_id = story::create_project(
        store,
        &learner,
        "Assembly speech",
        "# Speech\n\n<script>alert('x')</script>\n\n[me](javascript:alert(1)) **bold**",
        &[respect, collaboration],
    )
    .await
    .unwrap();

    let evidence_before = count(store, "evidence").await;
    let level_before = current_level(store, learner.id, respect).await;
    story::assess_project(
        store,
        &learner,
        project_id,
        respect,
        AssessmentKind::SelfAssessment,
        4,
        "I think I nailed it",
    )
    .await
    .unwrap();
    assert_eq!(
        count(store, "evidence").await,
        evidence_before,
        "a self-assessment is not evidence"
    );
    assert_eq!(
        current_level(store, learner.id, respect).await,
        level_before
    );

    // The learner cannot assess as a teacher; the teacher cannot self-assess for them.
    assert!(matches!(
        story::assess_project(
            store,
            &learner,
            project_id,
            respect,
            AssessmentKind::Teacher,
            4,
            ""
        )
        .await,
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(
        story::assess_project(
            store,
            &teacher,
            project_id,
            respect,
            AssessmentKind::SelfAssessment,
            4,
            ""
        )
        .await,
        Err(CoreError::Forbidden)
    ));
    // A level off the rubric, a competency not attached: refused.
    assert!(story::assess_project(
        store,
        &teacher,
        project_id,
        respect,
        AssessmentKind::Teacher,
        9,
        ""
    )
    .await
    .is_err());
    let maths = competency(store, "MA4-LIN-C-01").await;
    assert!(story::assess_project(
        store,
        &teacher,
        project_id,
        maths,
        AssessmentKind::Teacher,
        2,
        ""
    )
    .await
    .is_err());
    assert_eq!(count(store, "evidence").await, evidence_before);

    // The teacher's assessment is evidence, source project; a second one replaces the first.
    story::assess_project(
        store,
        &teacher,
        project_id,
        respect,
        AssessmentKind::Teacher,
        2,
        "",
    )
    .await
    .unwrap();
    story::assess_project(
        store,
        &teacher,
        project_id,
        respect,
        AssessmentKind::Teacher,
        3,
        "Clear",
    )
    .await
    .unwrap();
    assert_eq!(count(store, "evidence").await, evidence_before + 2);
    let standing: Vec<(f64, String)> = sqlx::query_as(
        "SELECT e.level, e.source FROM evidence e WHERE e.learner_id = $1 \
           AND e.competency_id = $2 AND e.source = 'project' \
           AND NOT EXISTS (SELECT 1 FROM evidence s WHERE s.supersedes_id = e.id)",
    )
    .bind(learner.id)
    .bind(respect)
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(standing, vec![(3.0, "project".to_string())]);
    assert!(current_level(store, learner.id, respect).await.is_some());

    let view = story::project(store, &learner, project_id).await.unwrap();
    let row = view
        .competencies
        .iter()
        .find(|row| row.competency.id == respect)
        .unwrap();
    assert_eq!(row.teacher.as_ref().map(|a| a.level), Some(3));
    assert_eq!(row.own.as_ref().map(|a| a.level), Some(4));
    assert_eq!(
        row.teacher.as_ref().unwrap().comment.as_deref(),
        Some("Clear")
    );
    assert!(!row.levels.is_empty());
    let other = view
        .competencies
        .iter()
        .find(|row| row.competency.id == collaboration)
        .unwrap();
    assert!(other.teacher.is_none() && other.own.is_none());
    // Hostile Markdown renders inert.
    let html = view.body_html.to_lowercase();
    assert!(html.contains("<h1>speech</h1>") && html.contains("<strong>bold</strong>"));
    assert!(
        !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );

    // A project needs a competency; a video is an https address.
    assert!(story::create_project(store, &learner, "Nothing", "", &[])
        .await
        .is_err());
    assert!(story::add_project_link(
        store,
        &learner,
        project_id,
        "video",
        "Run it",
        "javascript:alert(1)"
    )
    .await
    .is_err());
    story::add_project_link(
        store,
        &learner,
        project_id,
        "video",
        "Rehearsal",
        "https://video.example/rehearsal",
    )
    .await
    .unwrap();
    let view = story::project(store, &teacher, project_id).await.unwrap();
    assert!(view.may_assess && !view.may_write);
    assert_eq!(view.media.len(), 1);
}

async fn check_ins_count_unread_on_both_sides(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = viewer(store, demo::DEMO_LEARNER).await;
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    // Start from nothing new on either side: each marks what they were shown.
    for person in [&teacher, &learner] {
        let page = story::checkins(store, person).await.unwrap();
        let shown: Vec<i64> = page
            .sent
            .iter()
            .chain(&page.received)
            .map(|c| c.id)
            .collect();
        story::mark_checkins_read(store, person, &shown)
            .await
            .unwrap();
    }
    assert_eq!(store.unread_checkins(teacher.id).await.unwrap(), 0);

    let page = story::checkins(store, &learner).await.unwrap();
    assert!(page.teachers.iter().any(|t| t.id == teacher.id));
    let goal = page
        .topics
        .iter()
        .find(|t| t.kind == "goal")
        .unwrap()
        .clone();
    let mut events = store.subscribe();
    let id = story::send_checkin(
        store,
        &learner,
        teacher.id,
        Some(About::Goal(goal.id)),
        "Can we talk about my plan?",
    )
    .await
    .unwrap();
    assert!(
        matches!(events.try_recv(), Ok(LiveEvent::CheckIn { checkin_id, .. }) if checkin_id == id)
    );
    assert_eq!(store.unread_checkins(teacher.id).await.unwrap(), 1);

    let received = story::checkins(store, &teacher).await.unwrap().received;
    let new = received.iter().find(|c| c.id == id).unwrap();
    assert!(new.unread, "shown as new the first time");
    assert_eq!(new.about.as_ref().map(|t| t.id), Some(goal.id));
    assert_eq!(
        store.unread_checkins(teacher.id).await.unwrap(),
        1,
        "reading the page changes nothing"
    );
    // Someone else's mark changes nothing either; the teacher's own does.
    story::mark_checkins_read(store, &admin, &[id])
        .await
        .unwrap();
    story::mark_checkins_read(store, &learner, &[id])
        .await
        .unwrap();
    assert_eq!(store.unread_checkins(teacher.id).await.unwrap(), 1);
    story::mark_checkins_read(store, &teacher, &[id])
        .await
        .unwrap();
    assert_eq!(
        store.unread_checkins(teacher.id).await.unwrap(),
        0,
        "read once marked"
    );

    story::answer_checkin(store, &teacher, id, "Yes — Thursday at lunch.")
        .await
        .unwrap();
    assert_eq!(store.unread_checkins(learner.id).await.unwrap(), 1);
    let sent = story::checkins(store, &learner).await.unwrap().sent;
    let answered = sent.iter().find(|c| c.id == id).unwrap();
    assert!(answered.unread);
    assert_eq!(answered.answer.as_deref(), Some("Yes — Thursday at lunch."));
    assert_eq!(store.unread_checkins(learner.id).await.unwrap(), 1);
    story::mark_checkins_read(store, &learner, &[id])
        .await
        .unwrap();
    assert_eq!(store.unread_checkins(learner.id).await.unwrap(), 0);

    // Only to one's own teachers, only about one's own goals; only the addressee answers.
    let rows = count(store, "checkins").await;
    assert!(
        story::send_checkin(store, &learner, admin.id, None, "Hello")
            .await
            .is_err()
    );
    let others_goal: i64 =
        sqlx::query_scalar("SELECT id FROM goals WHERE learner_id <> $1 LIMIT 1")
            .bind(learner.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(matches!(
        story::send_checkin(
            store,
            &learner,
            teacher.id,
            Some(About::Goal(others_goal)),
            "Hi"
        )
        .await,
        Err(CoreError::Forbidden)
    ));
    assert!(story::send_checkin(store, &learner, teacher.id, None, "  ")
        .await
        .is_err());
    assert_eq!(count(store, "checkins").await, rows);
    let co_teacher = user_id(store, demo::DEMO_CO_TEACHER).await;
    let co_teacher = store.viewer(co_teacher).await.unwrap().unwrap();
    assert!(matches!(
        story::answer_checkin(store, &co_teacher, id, "Not mine to answer").await,
        Err(CoreError::NotFound(_))
    ));
}

/// Goals written before migration 4 (which rebuilds `goals` on SQLite) keep their steps,
/// files, reflections and comments, and an archived goal becomes a dropped one.
#[test]
fn goals_written_before_the_story_migration_survive_it() {
    super::testing::run("goals survive migration 4", async {
        let db = super::testing::TestStore::sqlite_until(3).await;
        let store = &db.store;
        for sql in [
            "INSERT INTO institutions (id, name, slug, created_at) VALUES (1, 'R', 'r', 't')",
            "INSERT INTO users (id, institution_id, email, name, handle, created_at) \
             VALUES (1, 1, 'l@x', 'Lee', 'lee', 't'), (2, 1, 't@x', 'Tam', 'tam', 't')",
            "INSERT INTO files (id, owner_id, name, content_type, size_bytes, sha256, \
               stored_path, created_at) VALUES (1, 1, 'a.pdf', 'application/pdf', 3, 'h', 'h', 't')",
            "INSERT INTO goals (id, learner_id, title, description, status, due_on, created_at) \
             VALUES (1, 1, 'Read more', 'Because', 'active', '2026-12-01', 't1'), \
                    (2, 1, 'Old one', '', 'archived', NULL, 't0')",
            "INSERT INTO goal_steps (id, goal_id, text, position, done_at) \
             VALUES (1, 1, 'Pick a book', 0, 't2'), (2, 1, 'Read it', 1, NULL)",
            "INSERT INTO goal_files (goal_id, file_id) VALUES (1, 1)",
            "INSERT INTO reflections (id, learner_id, goal_id, body, created_at) \
             VALUES (1, 1, 1, 'Going well', 't3')",
            "INSERT INTO feedback (id, author_id, learner_id, goal_id, body, created_at) \
             VALUES (1, 2, 1, 1, 'Nice', 't4')",
        ] {
            sqlx::query(sql).execute(store.pool()).await.unwrap();
        }
        store.migrate().await.unwrap();
        let goals: Vec<(i64, String, String, String, Option<String>)> =
            sqlx::query_as("SELECT id, title, why, status, target_on FROM goals ORDER BY id")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(
            goals,
            vec![
                (
                    1,
                    "Read more".into(),
                    "Because".into(),
                    "active".into(),
                    Some("2026-12-01".into())
                ),
                (2, "Old one".into(), "".into(), "dropped".into(), None),
            ]
        );
        for (table, rows) in [
            ("goal_steps", 2),
            ("goal_files", 1),
            ("reflections", 1),
            ("feedback", 1),
        ] {
            assert_eq!(count(store, table).await, rows, "{table}");
        }
        // The rebuilt table keeps its constraints.
        assert!(
            sqlx::query("UPDATE goals SET status = 'archived' WHERE id = 1")
                .execute(store.pool())
                .await
                .is_err()
        );
        let orphans: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pragma_foreign_key_check")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(orphans, 0);
        db.finish().await;
    });
}

/// A PNG whose header declares `width` × `height` pixels of 16-bit RGBA, with a few bytes of
/// picture data: what an image bomb's header says, without its gigabytes.
pub(crate) fn declared_png(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = out[start..].iter().fold(0xFFFF_FFFFu32, |mut crc, byte| {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
            crc
        });
        out.extend_from_slice(&(!crc).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[16, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

async fn an_image_declaring_too_many_pixels_is_refused_before_it_is_decoded(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let dir = files_dir();
    store.set_file_storage(dir.clone(), 5 * 1024 * 1024);
    let learner = viewer(store, demo::DEMO_LEARNER).await;
    let bomb = declared_png(8000, 8000);
    assert_eq!(
        crate::store::files::declared_size(&bomb),
        Some((8000, 8000))
    );
    let before = count(store, "files").await;
    let refused = store.save_file(learner.id, "bomb.png", &bomb).await;
    match refused {
        Err(CoreError::Invalid { field, reason }) => {
            assert_eq!(field, "file");
            assert!(reason.contains("8000 × 8000 pixels"), "{reason}");
            assert!(reason.contains("40 megapixels"), "{reason}");
        }
        other => panic!("an image bomb was not refused: {other:?}"),
    }
    assert_eq!(count(store, "files").await, before, "nothing kept");
    let kept: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().collect())
        .unwrap_or_default();
    assert!(kept.is_empty(), "no file written: {kept:?}");
    // An ordinary photo's size is taken (here without picture data: no thumbnail).
    let photo = declared_png(4000, 3000);
    let stored = store
        .save_file(learner.id, "photo.png", &photo)
        .await
        .unwrap();
    assert!(stored.thumbnail.is_none());
    let _ = std::fs::remove_dir_all(dir);
}

/// A teacher's inbox: a new goal waits for their feedback until they comment; a reflection
/// written after their comment waits again; a check-in waits until answered, however often it
/// is read. Someone who does not teach has no inbox.
async fn a_teachers_inbox_holds_what_waits_for_their_answer(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let learner = viewer(store, demo::DEMO_LEARNER).await;
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let waiting_on = |inbox: &crate::model::Inbox, path: &str| {
        inbox
            .awaiting
            .iter()
            .find(|item| item.path == path)
            .map(|item| item.awaiting)
    };
    let goal_id = story::create_goal(
        store,
        &learner,
        &GoalDraft {
            title: "Run a 5 km".into(),
            why: String::new(),
            target_on: "2020-01-31".into(),
            competencies: Vec::new(),
            steps: Vec::new(),
        },
    )
    .await
    .unwrap();
    let path = format!("/goals/{goal_id}");
    assert!(
        story::goal(store, &learner, goal_id).await.unwrap().overdue,
        "active past its target date"
    );
    let inbox = story::inbox(store, &teacher).await.unwrap();
    assert_eq!(waiting_on(&inbox, &path), Some(Awaiting::Goal));
    assert!(
        inbox.awaiting.windows(2).all(|w| w[0].since >= w[1].since),
        "newest first"
    );

    story::comment(store, &teacher, About::Goal(goal_id), "Good aim.")
        .await
        .unwrap();
    let inbox = story::inbox(store, &teacher).await.unwrap();
    assert_eq!(waiting_on(&inbox, &path), None, "answered by the comment");

    // Stored to the second: the reflection comes a second after the comment.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    story::reflect(store, &learner, About::Goal(goal_id), "Ran 3 km today.")
        .await
        .unwrap();
    let inbox = story::inbox(store, &teacher).await.unwrap();
    assert_eq!(waiting_on(&inbox, &path), Some(Awaiting::Reflection));
    assert_eq!(
        inbox.count(Awaiting::Reflection),
        inbox
            .awaiting
            .iter()
            .filter(|item| item.awaiting == Awaiting::Reflection)
            .count()
    );

    let waiting = story::inbox(store, &teacher)
        .await
        .unwrap()
        .unanswered_checkins;
    let id = story::send_checkin(store, &learner, teacher.id, None, "Can we talk?")
        .await
        .unwrap();
    assert_eq!(
        store.waiting_checkins(teacher.id).await.unwrap(),
        waiting + 1
    );
    story::mark_checkins_read(store, &teacher, &[id])
        .await
        .unwrap();
    assert_eq!(
        store.waiting_checkins(teacher.id).await.unwrap(),
        waiting + 1,
        "read is not answered"
    );
    story::answer_checkin(store, &teacher, id, "Yes.")
        .await
        .unwrap();
    assert_eq!(store.waiting_checkins(teacher.id).await.unwrap(), waiting);

    assert!(matches!(
        story::inbox(store, &learner).await,
        Err(CoreError::Forbidden)
    ));
}

/// A parent writes to their child's teacher: the teacher sees who wrote about whom and answers;
/// the answer waits for the parent until read. Only a linked parent writes, only to the child's
/// teachers, and the child's own list does not show it.
async fn a_parent_writes_to_their_childs_teacher(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let parent = viewer(store, demo::DEMO_PARENT).await;
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let learner = viewer(store, demo::DEMO_LEARNER).await;
    let page = story::checkins(store, &parent).await.unwrap();
    let (child, teachers) = page
        .children
        .iter()
        .find(|(child, _)| child.id == learner.id)
        .expect("the demo learner is the demo parent's child");
    assert!(teachers.iter().any(|t| t.id == teacher.id));
    let id = story::send_parent_checkin(
        store,
        &parent,
        child.id,
        teacher.id,
        "How is Sam settling in?",
    )
    .await
    .unwrap();

    let received = story::checkins(store, &teacher).await.unwrap().received;
    let message = received.iter().find(|c| c.id == id).unwrap();
    assert_eq!(message.parent.as_ref().map(|p| p.id), Some(parent.id));
    assert_eq!(message.learner.id, learner.id);
    let own = story::checkins(store, &learner).await.unwrap().sent;
    assert!(
        own.iter().all(|c| c.id != id),
        "not in the child's own list"
    );

    story::answer_checkin(store, &teacher, id, "Very well.")
        .await
        .unwrap();
    let sent = story::checkins(store, &parent).await.unwrap().sent;
    let answered = sent.iter().find(|c| c.id == id).unwrap();
    assert!(answered.unread);
    assert_eq!(store.waiting_checkins(parent.id).await.unwrap(), 1);
    story::mark_checkins_read(store, &parent, &[id])
        .await
        .unwrap();
    assert_eq!(store.waiting_checkins(parent.id).await.unwrap(), 0);

    // Not someone else's child; not a teacher who does not teach them; not as a learner.
    let other: i64 = sqlx::query_scalar(
        "SELECT MIN(u.id) FROM users u JOIN user_roles ur ON ur.user_id = u.id \
         JOIN roles r ON r.id = ur.role_id AND r.key = 'learner' \
         WHERE u.id NOT IN (SELECT learner_id FROM parent_links WHERE parent_id = $1)",
    )
    .bind(parent.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(matches!(
        story::send_parent_checkin(store, &parent, other, teacher.id, "Hello").await,
        Err(CoreError::Forbidden)
    ));
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    assert!(matches!(
        story::send_parent_checkin(store, &parent, learner.id, admin.id, "Hello").await,
        Err(CoreError::Invalid { .. })
    ));
    assert!(matches!(
        story::send_parent_checkin(store, &learner, learner.id, teacher.id, "Hello").await,
        Err(CoreError::Forbidden)
    ));
}

crate::store_tests!(
    a_parent_writes_to_their_childs_teacher,
    a_teachers_inbox_holds_what_waits_for_their_answer,
    an_image_declaring_too_many_pixels_is_refused_before_it_is_decoded,
    a_goal_gathers_plan_evidence_reflections_and_comments,
    a_teachers_assessment_is_evidence_and_a_self_assessment_is_not,
    check_ins_count_unread_on_both_sides,
);
