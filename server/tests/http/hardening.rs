//! What a careful attacker (or a classroom) does to Cairn, and what must hold: live streams
//! end with their session, sign-in limits hold under bursts without locking a school out, a
//! new password ends old sessions, reading changes nothing, every staff read is audited, and
//! a kept page never outlives a write made by another process.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::{Body, BodyDataStream};
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use cairn::store::audit::Actor;
use cairn::store::levels::NewEvidence;
use cairn::store::Store;
use futures::StreamExt;
use tower::ServiceExt;

use super::{app, app_with, get, json, login_request, send, sign_in};
use cairn_server::limiter::{HashGate, LoginLimiter};

async fn id_of(store: &Store, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// A teacher's mark for the learner on the first competency, as the roster records it.
async fn mark(store: &Store, learner: i64) -> i64 {
    let competency: i64 = sqlx::query_scalar("SELECT id FROM competencies ORDER BY id LIMIT 1")
        .fetch_one(store.pool())
        .await
        .unwrap();
    mark_on(store, learner, competency, 3.0, "2026-11-24T09:00:00Z").await
}

/// A teacher's mark at `level` on one competency, observed `at`.
async fn mark_on(store: &Store, learner: i64, competency: i64, level: f64, at: &str) -> i64 {
    store
        .record_evidence(&NewEvidence {
            learner_id: learner,
            competency_id: competency,
            level,
            given_by: None,
            source: "teacher",
            source_ref: None,
            group_id: None,
            comment: None,
            supersedes_id: None,
            score: None,
            observed_at: at.into(),
        })
        .await
        .unwrap()
        .evidence_id
}

async fn open_stream(app: &Router, cookie: &str) -> BodyDataStream {
    let response = app
        .clone()
        .oneshot(get("/api/v1/events", Some(cookie)))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.into_body().into_data_stream()
}

#[derive(Debug, PartialEq)]
enum Heard {
    Event(String),
    Ended,
    Nothing,
}

/// The next event on a stream, its end, or nothing within `wait`.
async fn next_event(stream: &mut BodyDataStream, wait: Duration) -> Heard {
    let mut text = String::new();
    loop {
        match tokio::time::timeout(wait, stream.next()).await {
            Err(_) => return Heard::Nothing,
            Ok(None) | Ok(Some(Err(_))) => return Heard::Ended,
            Ok(Some(Ok(chunk))) => {
                text.push_str(&String::from_utf8_lossy(&chunk));
                if text.contains("\n\n") {
                    return Heard::Event(text);
                }
            }
        }
    }
}

async fn log_out(app: &Router, cookie: &str) {
    let request = Request::post("/api/logout")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(app, request).await.status, StatusCode::SEE_OTHER);
}

async fn a_live_stream_ends_with_its_session_and_follows_the_policy_as_it_is_now(store: &Store) {
    let app = app(store).await;
    let coteacher = id_of(store, cairn::demo::DEMO_CO_TEACHER).await;
    let admin = id_of(store, cairn::demo::DEMO_ADMIN).await;
    let institution: i64 = sqlx::query_scalar("SELECT institution_id FROM users WHERE id = $1")
        .bind(admin)
        .fetch_one(store.pool())
        .await
        .unwrap();
    // A group the co-teacher teaches, and one of its learners.
    let (group, learner): (i64, i64) = sqlx::query_as(
        "SELECT t.group_id, l.user_id FROM group_members t \
         JOIN group_members l ON l.group_id = t.group_id AND l.member_role = 'learner' \
           AND l.left_at IS NULL \
         WHERE t.user_id = $1 AND t.member_role = 'teacher' AND t.left_at IS NULL \
         ORDER BY t.group_id, l.user_id LIMIT 1",
    )
    .bind(coteacher)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let wait = Duration::from_secs(5);

    // Sign-out ends the stream at the next event; another session's stream goes on.
    let signed_out = sign_in(&app, cairn::demo::DEMO_CO_TEACHER).await;
    let other_session = sign_in(&app, cairn::demo::DEMO_CO_TEACHER).await;
    let mut stream = open_stream(&app, &signed_out).await;
    let mut other = open_stream(&app, &other_session).await;
    let first = mark(store, learner).await;
    assert!(
        matches!(next_event(&mut stream, wait).await, Heard::Event(text) if text.contains(&format!("id: {first}")))
    );
    assert!(matches!(
        next_event(&mut other, wait).await,
        Heard::Event(_)
    ));
    log_out(&app, &signed_out).await;
    let second = mark(store, learner).await;
    assert_eq!(
        next_event(&mut stream, wait).await,
        Heard::Ended,
        "after sign-out"
    );
    assert!(
        matches!(next_event(&mut other, wait).await, Heard::Event(text) if text.contains(&format!("id: {second}"))),
        "the other session still hears"
    );
    drop(other);

    // An administrator disables the account: the stream ends at the next event.
    let by = cairn::store::audit::Actor {
        institution_id: institution,
        actor_id: admin,
        origin: None,
    };
    let cookie = sign_in(&app, cairn::demo::DEMO_CO_TEACHER).await;
    let mut stream = open_stream(&app, &cookie).await;
    store
        .set_user_status(by, coteacher, cairn::model::UserStatus::Disabled)
        .await
        .unwrap();
    mark(store, learner).await;
    assert_eq!(
        next_event(&mut stream, wait).await,
        Heard::Ended,
        "after disabling"
    );
    store
        .set_user_status(by, coteacher, cairn::model::UserStatus::Active)
        .await
        .unwrap();

    // The co-teacher leaves the group: the learner's marks stop reaching them.
    let cookie = sign_in(&app, cairn::demo::DEMO_CO_TEACHER).await;
    let mut stream = open_stream(&app, &cookie).await;
    let before = mark(store, learner).await;
    assert!(
        matches!(next_event(&mut stream, wait).await, Heard::Event(text) if text.contains(&format!("id: {before}")))
    );
    store
        .change_person(
            by,
            coteacher,
            &cairn::store::people::PersonChange::Leave { group_id: group },
        )
        .await
        .unwrap();
    let after = mark(store, learner).await;
    match next_event(&mut stream, Duration::from_millis(1500)).await {
        Heard::Event(text) => assert!(
            !text.contains(&format!("id: {after}")),
            "a mark reached a teacher who left the group: {text}"
        ),
        Heard::Ended | Heard::Nothing => {}
    }
}

fn from_address(mut request: Request<Body>, address: [u8; 4]) -> Request<Body> {
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((address, 40_000))));
    request
}

/// Where a sign-in sent the browser: `invalid`, `rate_limited` or `signed_in`.
fn outcome(reply: &super::Reply) -> &'static str {
    let location = reply
        .headers
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or("");
    if location == "/" {
        "signed_in"
    } else if location.starts_with("/login?error=invalid") {
        "invalid"
    } else if location.starts_with("/login?error=rate_limited") {
        "rate_limited"
    } else {
        "other"
    }
}

async fn a_burst_of_guesses_gets_five_checks_and_a_classroom_is_not_locked_out(store: &Store) {
    let window = Duration::from_secs(3);
    let app = app_with(
        store,
        LoginLimiter::new(window, 5, 20, HashGate::new(2, 64)),
    )
    .await;
    let attacker = [203, 0, 113, 66];
    let burst = (0..40).map(|_| {
        let app = app.clone();
        async move {
            let request = from_address(login_request("teacher@demo.cairn", "guess"), attacker);
            outcome(&send(&app, request).await)
        }
    });
    let outcomes = futures::future::join_all(burst).await;
    let checked = outcomes.iter().filter(|o| **o == "invalid").count();
    assert!(
        (1..=5).contains(&checked),
        "{checked} of 40 parallel guesses were checked: {outcomes:?}"
    );
    assert_eq!(
        outcomes.iter().filter(|o| **o == "rate_limited").count(),
        40 - checked
    );
    // The right password inside a later burst waits until the window has passed.
    let right = from_address(login_request("teacher@demo.cairn", "cairn-demo"), attacker);
    assert_eq!(outcome(&send(&app, right).await), "rate_limited");
    tokio::time::sleep(window + Duration::from_millis(200)).await;
    let right = from_address(login_request("teacher@demo.cairn", "cairn-demo"), attacker);
    assert_eq!(outcome(&send(&app, right).await), "signed_in");

    // A classroom behind one address: thirty mistyped passwords for thirty accounts (in
    // tens, as pupils type) leave every other account's right password working there.
    let classroom = [198, 51, 100, 7];
    let pupils: Vec<String> = sqlx::query_scalar(
        "SELECT email FROM users WHERE email NOT LIKE '%@demo.cairn' ORDER BY id LIMIT 30",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(pupils.len(), 30);
    for ten in pupils.chunks(10) {
        let tries = ten.iter().map(|email| {
            let app = app.clone();
            async move {
                let request = from_address(login_request(email, "typo"), classroom);
                outcome(&send(&app, request).await)
            }
        });
        for result in futures::future::join_all(tries).await {
            assert_eq!(result, "invalid");
        }
    }
    for email in [cairn::demo::DEMO_LEARNER, cairn::demo::DEMO_TEACHER] {
        let request = from_address(login_request(email, "cairn-demo"), classroom);
        assert_eq!(outcome(&send(&app, request).await), "signed_in", "{email}");
    }
}

async fn accepting_a_new_password_ends_every_other_session_and_its_stream(store: &Store) {
    let app = app(store).await;
    let teacher = id_of(store, cairn::demo::DEMO_TEACHER).await;
    let admin = id_of(store, cairn::demo::DEMO_ADMIN).await;
    let institution: i64 = sqlx::query_scalar("SELECT institution_id FROM users WHERE id = $1")
        .bind(admin)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let old = sign_in(&app, cairn::demo::DEMO_TEACHER).await;
    let mut stream = open_stream(&app, &old).await;
    let token = store
        .invite(
            Actor {
                institution_id: institution,
                actor_id: admin,
                origin: None,
            },
            teacher,
        )
        .await
        .unwrap();
    let welcome = Request::post("/api/welcome")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "token={token}&password=a-new-passphrase&again=a-new-passphrase"
        )))
        .unwrap();
    let reply = send(&app, welcome).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let new = reply.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let me = send(&app, get("/api/v1/me", Some(&old))).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "the old session ended");
    let me = send(&app, get("/api/v1/me", Some(&new))).await;
    assert_eq!(json(&me)["email"], cairn::demo::DEMO_TEACHER);
    let learner: i64 = sqlx::query_scalar(
        "SELECT l.user_id FROM group_members t JOIN group_members l ON l.group_id = t.group_id \
         WHERE t.user_id = $1 AND t.member_role = 'teacher' AND l.member_role = 'learner' \
         ORDER BY l.user_id LIMIT 1",
    )
    .bind(teacher)
    .fetch_one(store.pool())
    .await
    .unwrap();
    mark(store, learner).await;
    assert_eq!(
        next_event(&mut stream, Duration::from_secs(5)).await,
        Heard::Ended,
        "the old session's stream ended"
    );
}

async fn audit_lines(store: &Store, actor: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'read learner record' AND actor_id = $1 \
         ORDER BY id",
    )
    .bind(actor)
    .fetch_all(store.pool())
    .await
    .unwrap()
}

/// Waits (a little) for background audit lines to reach `at_least`.
async fn audit_lines_reach(store: &Store, actor: i64, at_least: usize) -> Vec<String> {
    for _ in 0..100 {
        let lines = audit_lines(store, actor).await;
        if lines.len() >= at_least {
            return lines;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    audit_lines(store, actor).await
}

async fn every_staff_read_is_audited_whichever_path_served_it(store: &Store) {
    let app = app(store).await;
    let learner = id_of(store, cairn::demo::DEMO_LEARNER).await;
    let teacher = id_of(store, cairn::demo::DEMO_TEACHER).await;
    let cookie = sign_in(&app, cairn::demo::DEMO_TEACHER).await;
    let page = format!("/learners/{learner}");

    // The first read leaves its line (the page and what it loads: one line in the window).
    let mut previous = send(&app, get(&page, Some(&cookie))).await;
    assert_eq!(previous.status, StatusCode::OK);
    assert_eq!(audit_lines_reach(store, teacher, 1).await.len(), 1);
    // Read again until the page is served from memory (on SQLite: the very same bytes).
    for _ in 0..5 {
        let again = send(&app, get(&page, Some(&cookie))).await;
        let kept = again.body == previous.body;
        previous = again;
        if kept {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = audit_lines(store, teacher).await.len();
    // The quarter of an hour has passed (here: at once); the kept page is read again.
    store.set_read_audit_window(Duration::ZERO);
    let kept = send(&app, get(&page, Some(&cookie))).await;
    if store.sees_every_write() {
        assert_eq!(kept.body, previous.body, "served from the kept pages");
    }
    let lines = audit_lines_reach(store, teacher, before + 1).await;
    assert!(
        lines[before..]
            .iter()
            .any(|line| line.ends_with(&format!(": {page}"))),
        "a kept page's read left no line: {lines:?}"
    );

    // Server functions, as the hydrated page calls them when it navigates.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = audit_lines(store, teacher).await.len();
    for (function, body) in [
        ("learner", format!("learner_id={learner}")),
        ("goals", format!("learner_id={learner}")),
        ("projects", format!("learner_id={learner}")),
    ] {
        let request = Request::post(format!("/api/{function}"))
            .header(header::HOST, "localhost")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        assert_eq!(
            send(&app, request).await.status,
            StatusCode::OK,
            "{function}"
        );
    }
    let lines = audit_lines_reach(store, teacher, before + 3).await;
    let new: Vec<&String> = lines[before..].iter().collect();
    for part in ["progress", "goals", "projects"] {
        assert!(
            new.iter().any(|line| line.ends_with(&format!(": {part}"))),
            "{part} not audited: {new:?}"
        );
    }
}

async fn opening_the_check_ins_page_marks_nothing_read(store: &Store) {
    let app = app(store).await;
    let learner = cairn::store::testing::viewer(store, cairn::demo::DEMO_LEARNER).await;
    let page = cairn::story::checkins(store, &learner).await.unwrap();
    let to = page.teachers[0].id;
    let as_teacher = cairn::store::testing::viewer(store, &{
        sqlx::query_scalar::<_, String>("SELECT email FROM users WHERE id = $1")
            .bind(to)
            .fetch_one(store.pool())
            .await
            .unwrap()
    })
    .await;
    let id = cairn::story::send_checkin(store, &learner, to, None, "Can we talk?")
        .await
        .unwrap();
    let unread = store.unread_checkins(as_teacher.id).await.unwrap();
    assert!(unread >= 1);
    let email = as_teacher.email.clone();
    let cookie = sign_in(&app, &email).await;
    // A GET — a page load, or an image elsewhere pointing at it — changes nothing.
    for _ in 0..2 {
        assert_eq!(
            send(&app, get("/checkins", Some(&cookie))).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(store.unread_checkins(as_teacher.id).await.unwrap(), unread);
    // The page marks what it showed with a POST.
    let request = Request::post("/api/checkins_read")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("ids={id}")))
        .unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::OK);
    assert_eq!(
        store.unread_checkins(as_teacher.id).await.unwrap(),
        unread - 1
    );
}

async fn a_kept_page_never_outlives_a_write_by_another_process(store: &Store) {
    let app = app(store).await;
    assert!(store.sees_every_write(), "a serving instance keeps pages");
    let cookie = sign_in(&app, cairn::demo::DEMO_LEARNER).await;
    let learner = id_of(store, cairn::demo::DEMO_LEARNER).await;
    let respect: i64 = sqlx::query_scalar("SELECT id FROM competencies WHERE code = 'VAL-RES'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let path = format!("/learners/{learner}/competencies/{respect}");
    let first = send(&app, get(&path, Some(&cookie))).await;
    assert_eq!(
        send(&app, get(&path, Some(&cookie))).await.body,
        first.body,
        "kept"
    );
    // Another process on the same database — the command line, say — records a mark.
    let before = store.page_version(learner);
    let file: Option<String> = if store.backend() == cairn::store::Backend::Sqlite {
        sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_optional(store.pool())
            .await
            .unwrap()
    } else {
        None
    };
    match file {
        // SQLite: a process of its own on the same file, which records its write beside it.
        Some(file) => {
            let elsewhere = Store::connect(&format!("sqlite://{file}")).await.unwrap();
            mark_on(&elsewhere, learner, respect, 4.0, "2026-12-04T09:00:00Z").await;
            elsewhere.close().await;
        }
        // PostgreSQL: heard a moment after its commit.
        None => {
            let elsewhere = cairn::store::testing::another_process(store);
            mark_on(&elsewhere, learner, respect, 4.0, "2026-12-04T09:00:00Z").await;
            for _ in 0..500 {
                if store.page_version(learner) != before {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
    }
    let page = send(&app, get(&path, Some(&cookie))).await;
    assert!(
        page.body.contains("Extending · 4.0 of 4"),
        "the kept page was served after another process's write"
    );
}

cairn::store_tests!(
    a_live_stream_ends_with_its_session_and_follows_the_policy_as_it_is_now,
    a_burst_of_guesses_gets_five_checks_and_a_classroom_is_not_locked_out,
    accepting_a_new_password_ends_every_other_session_and_its_stream,
    every_staff_read_is_audited_whichever_path_served_it,
    opening_the_check_ins_page_marks_nothing_read,
    a_kept_page_never_outlives_a_write_by_another_process,
);
