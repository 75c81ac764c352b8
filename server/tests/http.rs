//! The real router, called in-process: sign-in, sessions, the API, redirects, headers and
//! pages rendered per role. Each test runs on SQLite and on PostgreSQL.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use cairn::demo::{self, SeedOptions};
use cairn::store::Store;
use cairn_server::cache::Caches;
use cairn_server::limiter::LoginLimiter;
use cairn_server::router::{leptos_options, router, AppState, Shared};
use tower::ServiceExt;

#[path = "http/attendance.rs"]
mod attendance;
#[path = "http/case.rs"]
mod case;
#[path = "http/hardening.rs"]
mod hardening;
#[path = "http/seats.rs"]
mod seats;

async fn app(store: &Store) -> Router {
    app_with(store, LoginLimiter::default()).await
}

/// The router over a demo school, with the sign-in limits given.
async fn app_with(store: &Store, limiter: LoginLimiter) -> Router {
    let school = demo::generate(&SeedOptions {
        learners: 50,
        seed: 5,
        evidence_per_competency: (1, 2),
    });
    store.load_school(&school).await.unwrap();
    router(AppState::new(Shared {
        store: store.clone(),
        leptos_options: leptos_options(),
        limiter: Arc::new(limiter),
        caches: Arc::new(Caches::new(16 * 1024 * 1024)),
        secure_cookies: false,
        imports: Default::default(),
    }))
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path).header(header::HOST, "localhost");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::empty()).unwrap()
}

fn login_request(email: &str, password: &str) -> Request<Body> {
    Request::post("/api/login")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "email={}&password={}",
            email.replace('@', "%40"),
            password
        )))
        .unwrap()
}

/// Signs in and returns the `Cookie` header value to send afterwards.
async fn sign_in(app: &Router, email: &str) -> String {
    let reply = send(app, login_request(email, "cairn-demo")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{email}");
    assert_eq!(reply.headers[header::LOCATION], "/");
    let cookie = reply.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    cookie.split(';').next().unwrap().to_string()
}

fn json(reply: &Reply) -> serde_json::Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|_| panic!("not JSON: {}", reply.body))
}

async fn health_check_answers_when_the_database_does(store: &Store) {
    let app = app(store).await;
    let reply = send(&app, get("/healthz", None)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "ok");
}

async fn anonymous_page_views_go_to_the_sign_in_page(store: &Store) {
    let app = app(store).await;
    // Home to sign in; any other page to sign in and back.
    for (path, to) in [
        ("/", "/login"),
        ("/learners/3", "/login?next=%2Flearners%2F3"),
        ("/admin", "/login?next=%2Fadmin"),
    ] {
        let reply = send(&app, get(path, None)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(reply.headers[header::LOCATION], to, "{path}");
    }
    let reply = send(&app, get("/login", None)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.body.contains("action=\"/api/login\""),
        "{}",
        reply.body
    );
    let reply = send(&app, get("/api/v1/me", None)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(json(&reply)["error"], "not signed in");
}

async fn sign_in_sets_a_safe_session_cookie_and_me_tells_who(store: &Store) {
    let app = app(store).await;
    let reply = send(&app, login_request("learner@demo.cairn", "cairn-demo")).await;
    let set_cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set_cookie.starts_with("cairn_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "plain http: {set_cookie}");
    let cookie = set_cookie.split(';').next().unwrap();
    let me = json(&send(&app, get("/api/v1/me", Some(cookie))).await);
    assert_eq!(me["email"], "learner@demo.cairn");
    assert_eq!(me["roles"], serde_json::json!(["learner"]));
    assert_eq!(me["institution"], "Riverbend College");
    assert_eq!(me["linked_learners"], serde_json::json!([]));

    let parent = sign_in(&app, "parent@demo.cairn").await;
    let me = json(&send(&app, get("/api/v1/me", Some(&parent))).await);
    assert_eq!(me["roles"], serde_json::json!(["parent"]));
    let children = me["linked_learners"].as_array().unwrap();
    assert_eq!(children.len(), 2);
    assert!(children
        .iter()
        .any(|c| c["id"].is_i64() && c["name"].is_string()));
}

async fn a_wrong_password_or_email_gets_one_generic_refusal(store: &Store) {
    let app = app(store).await;
    for (email, password) in [
        ("learner@demo.cairn", "wrong"),
        ("nobody@demo.cairn", "cairn-demo"),
    ] {
        let reply = send(&app, login_request(email, password)).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
        let location = reply.headers[header::LOCATION].to_str().unwrap();
        assert!(
            location.starts_with("/login?error=invalid&email="),
            "{location}"
        );
        assert!(reply.headers.get(header::SET_COOKIE).is_none());
    }
    let page = send(
        &app,
        get("/login?error=invalid&email=learner@demo.cairn", None),
    )
    .await;
    assert!(
        page.body.contains("do not match an account"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"learner@demo.cairn\""));
}

async fn repeated_failures_lock_the_account_for_a_while(store: &Store) {
    let app = app(store).await;
    for _ in 0..5 {
        send(&app, login_request("teacher@demo.cairn", "guess")).await;
    }
    // Even the right password waits now.
    let reply = send(&app, login_request("teacher@demo.cairn", "cairn-demo")).await;
    let location = reply.headers[header::LOCATION].to_str().unwrap();
    assert!(
        location.starts_with("/login?error=rate_limited"),
        "{location}"
    );
    assert!(reply.headers.get(header::SET_COOKIE).is_none());
    // Other accounts are unaffected.
    sign_in(&app, "admin@demo.cairn").await;
}

async fn sign_out_ends_the_session(store: &Store) {
    let app = app(store).await;
    let cookie = sign_in(&app, "manager@demo.cairn").await;
    let logout = Request::post("/api/logout")
        .header(header::HOST, "localhost")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let reply = send(&app, logout).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(reply.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let reply = send(&app, get("/api/v1/me", Some(&cookie))).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

async fn writes_from_another_site_are_refused(store: &Store) {
    let app = app(store).await;
    let request = Request::post("/api/login")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("email=learner%40demo.cairn&password=cairn-demo"))
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.headers.get(header::SET_COOKIE).is_none());
}

async fn every_response_carries_the_security_headers(store: &Store) {
    let app = app(store).await;
    for path in ["/login", "/healthz", "/api/v1/me"] {
        let reply = send(&app, get(path, None)).await;
        let csp = reply.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(reply.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(
            reply.headers[header::REFERRER_POLICY],
            "strict-origin-when-cross-origin"
        );
    }
}

async fn each_role_reaches_a_home_with_its_own_name_and_data(store: &Store) {
    let app = app(store).await;
    let expectations = [
        ("learner@demo.cairn", "My progress"),
        ("parent@demo.cairn", "competencies mastered"),
        ("teacher@demo.cairn", "My groups"),
        ("manager@demo.cairn", "Registration codes"),
        ("admin@demo.cairn", "Evidence records"),
    ];
    for (email, tile) in expectations {
        let cookie = sign_in(&app, email).await;
        let me = json(&send(&app, get("/api/v1/me", Some(&cookie))).await);
        let name = me["name"].as_str().unwrap().replace('\'', "&#x27;");
        let page = send(&app, get("/", Some(&cookie))).await;
        assert_eq!(page.status, StatusCode::OK, "{email}");
        assert!(page.body.contains(&name), "{email} should see {name}");
        assert!(page.body.contains(tile), "{email} should see {tile}");
        // A signed-in person asking for the sign-in page goes home.
        let reply = send(&app, get("/login", Some(&cookie))).await;
        assert_eq!(reply.headers[header::LOCATION], "/");
    }
    // Only the learner (and the parent) see competencies; the teacher sees no progress tile.
    let teacher = sign_in(&app, "teacher@demo.cairn").await;
    let page = send(&app, get("/", Some(&teacher))).await;
    assert!(!page.body.contains("My progress"));
    // A teacher reaches each of their groups' learners from home.
    assert!(page.body.contains("Learners of 7A"), "{}", page.body);
    assert!(page.body.matches("href=\"/learners/").count() >= 25);
    assert!(!page.body.contains("Registration codes"));
}

async fn a_person_with_nothing_yet_gets_a_designed_empty_home(store: &Store) {
    let app = app(store).await;
    sqlx::query(
        "INSERT INTO users (institution_id, email, name, handle, password_hash, status, created_at) \
         SELECT 1, 'new.teacher@riverbend.example', 'Noor Haddad', 'noor.haddad', password_hash, \
           'active', created_at FROM users WHERE email = 'admin@demo.cairn'",
    )
    .execute(store.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r \
         WHERE u.email = 'new.teacher@riverbend.example' AND r.key = 'teacher'",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let cookie = sign_in(&app, "new.teacher@riverbend.example").await;
    let page = send(&app, get("/", Some(&cookie))).await;
    assert!(page.body.contains("Noor Haddad"));
    assert!(
        page.body.contains("nothing to show here yet"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("My groups"));
}

async fn a_kept_page_is_replaced_as_soon_as_a_mark_changes_the_data(store: &Store) {
    let app = app(store).await;
    let cookie = sign_in(&app, "learner@demo.cairn").await;
    let me = json(&send(&app, get("/api/v1/me", Some(&cookie))).await);
    let learner = me["id"].as_i64().unwrap();
    let (respect,): (i64,) = sqlx::query_as("SELECT id FROM competencies WHERE code = 'VAL-RES'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let path = format!("/learners/{learner}/competencies/{respect}");
    let first = send(&app, get(&path, Some(&cookie))).await;
    assert_eq!(first.status, StatusCode::OK);
    if store.sees_every_write() {
        // Kept: the very same bytes (a fresh render would carry a new script nonce).
        assert_eq!(send(&app, get(&path, Some(&cookie))).await.body, first.body);
    }
    for (level, shown) in [(1.0, "Beginning · 1.0 of 4"), (4.0, "Extending · 4.0 of 4")] {
        store
            .record_evidence(&cairn::store::levels::NewEvidence {
                learner_id: learner,
                competency_id: respect,
                level,
                given_by: None,
                source: "teacher",
                source_ref: None,
                group_id: None,
                comment: None,
                supersedes_id: None,
                score: None,
                observed_at: format!("2026-12-0{}T09:00:00Z", level as i64),
            })
            .await
            .unwrap();
        let page = send(&app, get(&path, Some(&cookie))).await;
        assert!(
            page.body.contains(shown),
            "{shown} not in the page after the mark"
        );
    }
    // Another person who may not see the learner is refused, not served the kept page.
    let stranger = sign_in(&app, "manager@demo.cairn").await;
    let refused = send(&app, get(&path, Some(&stranger))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

/// A school day: a mark for one learner leaves the other learners' kept pages in place (their
/// cohort figures may be a little behind, and say as of when), and an administrator's change
/// renews every page.
async fn a_mark_keeps_other_learners_pages_and_an_administrators_change_renews_them(store: &Store) {
    let app = app(store).await;
    let cookie = sign_in(&app, "teacher@demo.cairn").await;
    let teacher = json(&send(&app, get("/api/v1/me", Some(&cookie))).await)["id"]
        .as_i64()
        .unwrap();
    let learners: Vec<(i64,)> = sqlx::query_as(
        "SELECT m.user_id FROM group_members m JOIN group_members t \
           ON t.group_id = m.group_id AND t.user_id = $1 AND t.member_role = 'teacher' \
         WHERE m.member_role = 'learner' AND m.left_at IS NULL ORDER BY m.user_id LIMIT 2",
    )
    .bind(teacher)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let (marked, other) = (learners[0].0, learners[1].0);
    let (marked_page, other_page) = (format!("/learners/{marked}"), format!("/learners/{other}"));
    let first = send(&app, get(&other_page, Some(&cookie))).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(
        first.body.contains("cohort as of"),
        "the chart says as of when"
    );
    let marked_first = send(&app, get(&marked_page, Some(&cookie))).await;
    let respect = cairn::store::testing::competency(store, "VAL-RES").await;
    store
        .record_evidence(&cairn::store::levels::NewEvidence {
            given_by: Some(teacher),
            ..cairn::store::testing::teacher_mark(marked, respect, 4.0, "2026-12-07T09:00:00Z")
        })
        .await
        .unwrap();
    // The marked learner's page is drawn again (a fresh render carries a new script nonce).
    assert_ne!(
        send(&app, get(&marked_page, Some(&cookie))).await.body,
        marked_first.body
    );
    let after_mark = send(&app, get(&other_page, Some(&cookie))).await;
    if store.sees_every_write() {
        assert_eq!(
            after_mark.body, first.body,
            "another learner's page stays kept"
        );
    }
    let admin = cairn::store::audit::Actor {
        institution_id: 1,
        actor_id: json(
            &send(
                &app,
                get("/api/v1/me", Some(&sign_in(&app, "admin@demo.cairn").await)),
            )
            .await,
        )["id"]
            .as_i64()
            .unwrap(),
        origin: None,
    };
    store.create_category(admin, "Chess club").await.unwrap();
    assert_ne!(
        send(&app, get(&other_page, Some(&cookie))).await.body,
        first.body,
        "an administrator's change renews every page"
    );
}

async fn live_events_reach_only_those_who_may_see_the_learner(store: &Store) {
    use futures::StreamExt;
    let app = app(store).await;
    let reply = send(&app, get("/api/v1/events", None)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    let parent = sign_in(&app, "parent@demo.cairn").await;
    let me = json(&send(&app, get("/api/v1/me", Some(&parent))).await);
    let child = me["linked_learners"][0]["id"].as_i64().unwrap();
    let everyone: Vec<i64> = sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id \
         JOIN roles r ON r.id = ur.role_id AND r.key = 'learner' ORDER BY u.id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let linked: Vec<i64> = me["linked_learners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    let stranger = *everyone.iter().find(|id| !linked.contains(id)).unwrap();
    let competency: i64 = sqlx::query_scalar("SELECT id FROM competencies ORDER BY id LIMIT 1")
        .fetch_one(store.pool())
        .await
        .unwrap();

    let response = app
        .clone()
        .oneshot(get("/api/v1/events", Some(&parent)))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut stream = response.into_body().into_data_stream();
    let mut recorded = Vec::new();
    for learner in [stranger, child] {
        let evidence = store
            .record_evidence(&cairn::store::levels::NewEvidence {
                learner_id: learner,
                competency_id: competency,
                level: 3.0,
                given_by: None,
                source: "teacher",
                source_ref: None,
                group_id: None,
                comment: None,
                supersedes_id: None,
                score: None,
                observed_at: "2026-11-24T09:00:00Z".into(),
            })
            .await
            .unwrap();
        recorded.push(evidence.evidence_id);
    }
    // The first event through is the child's: the stranger's was never sent.
    let mut text = String::new();
    while !text.contains("\n\n") {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), stream.next())
            .await
            .expect("an event within 5 s")
            .unwrap()
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.contains("event: evidence"), "{text}");
    assert!(text.contains(&format!("id: {}", recorded[1])), "{text}");
    assert!(text.contains(&format!("\"learner_id\":{child}")), "{text}");
    assert!(
        !text.contains(&format!("\"learner_id\":{stranger}")),
        "{text}"
    );
}

fn score_request(token: Option<&str>, body: &str) -> Request<Body> {
    let mut request = Request::post("/api/v1/scores")
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::from(body.to_string())).unwrap()
}

fn score(sourced_id: &str, user: &str, line_item: &str, given: f64) -> String {
    serde_json::json!({
        "sourcedId": sourced_id,
        "userId": user,
        "lineItem": line_item,
        "scoreGiven": given,
        "scoreMaximum": 4,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": "2026-11-22T10:00:00Z",
        "comment": "Quiz 3"
    })
    .to_string()
}

async fn a_pushed_score_is_recorded_once_and_refusals_say_why(store: &Store) {
    let app = app(store).await;
    let (_, token) = store.create_integration_token(1, "Canvas").await.unwrap();
    let evidence = |store: &Store| {
        let pool = store.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM evidence")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let before = evidence(store).await;
    let good = score("canvas-1", "learner@demo.cairn", "MA4-ALG-C-01", 3.0);

    let reply = send(&app, score_request(None, &good)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.headers[header::WWW_AUTHENTICATE], "Bearer");
    let reply = send(&app, score_request(Some("cairn_wrong"), &good)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    let reply = send(&app, score_request(Some(&token), "{not json")).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(&reply)["fields"][0]["field"], "body");
    let reply = send(
        &app,
        score_request(Some(&token), r#"{"scoreGiven": 9, "scoreMaximum": 4}"#),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = json(&reply)["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert!(
        fields.contains(&"sourcedId".to_string()) && fields.contains(&"scoreGiven".to_string()),
        "{fields:?}"
    );

    let reply = send(
        &app,
        score_request(
            Some(&token),
            &score("canvas-2", "nobody@example.org", "MA4-ALG-C-01", 3.0),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(json(&reply)["error"]
        .as_str()
        .unwrap()
        .contains("nobody@example.org"));
    let reply = send(
        &app,
        score_request(
            Some(&token),
            &score("canvas-3", "learner@demo.cairn", "NO-SUCH-ITEM", 3.0),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(json(&reply)["error"]
        .as_str()
        .unwrap()
        .contains("NO-SUCH-ITEM"));
    assert_eq!(evidence(store).await, before, "refusals write nothing");

    let mut live = store.subscribe();
    let reply = send(&app, score_request(Some(&token), &good)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let created = json(&reply);
    assert_eq!(created["mark"], 3.0);
    assert!(created["level"].is_number());
    let evidence_id = created["evidenceId"].as_i64().unwrap();
    assert!(matches!(
        live.try_recv().unwrap(),
        cairn::model::LiveEvent::Evidence { evidence_id: id, .. } if id == evidence_id
    ));
    let again = send(&app, score_request(Some(&token), &good)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(json(&again)["evidenceId"], evidence_id);
    assert_eq!(
        evidence(store).await,
        before + 1,
        "the same score is recorded once"
    );
    let changed = send(
        &app,
        score_request(
            Some(&token),
            &score("canvas-1", "learner@demo.cairn", "MA4-ALG-C-01", 1.0),
        ),
    )
    .await;
    assert_eq!(changed.status, StatusCode::CONFLICT);

    let (token_id, other) = store.create_integration_token(1, "Moodle").await.unwrap();
    store.revoke_integration_token(1, token_id).await.unwrap();
    let reply = send(
        &app,
        score_request(
            Some(&other),
            &score("moodle-1", "learner@demo.cairn", "MA4-ALG-C-01", 4.0),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(evidence(store).await, before + 1);
}

fn get_accepting(path: &str, accept: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, "localhost")
        .header(header::ACCEPT, accept)
        .body(Body::empty())
        .unwrap()
}

async fn credentials_are_public_documents_and_listed_by_the_policy(store: &Store) {
    let app = app(store).await;
    store.set_public_url("http://localhost");
    let learner = store
        .find_login("learner@demo.cairn")
        .await
        .unwrap()
        .unwrap()
        .user_id;
    let achievement: i64 = sqlx::query_scalar("SELECT MIN(id) FROM achievements")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let issued = store
        .issue_credential(
            learner,
            achievement,
            cairn::model::CredentialKind::Provisional,
            None,
        )
        .await
        .unwrap();
    let address = format!("/credentials/{}", issued.public_id);

    // Anyone gets the signed credential as JSON, its page as HTML, and its JWT.
    let document = send(&app, get_accepting(&address, "application/vc+ld+json")).await;
    assert_eq!(document.status, StatusCode::OK);
    assert_eq!(
        document.headers[header::CONTENT_TYPE],
        "application/vc+ld+json"
    );
    assert_eq!(json(&document), issued.document);
    let page = send(
        &app,
        get_accepting(&address, "text/html,application/xhtml+xml"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let jwt = send(&app, get(&format!("{address}/jwt"), None)).await;
    assert_eq!(jwt.body, issued.jwt);
    // A visitor following a link to it (a share page's) gets the page's data from its server
    // function, as a success: no refusal status on a success the browser could not decode.
    let followed = send(
        &app,
        Request::post("/api/credential")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("id={}", issued.public_id)))
            .unwrap(),
    )
    .await;
    assert_eq!(followed.status, StatusCode::OK, "{}", followed.body);
    assert_eq!(json(&followed)["public_id"], issued.public_id);
    let verification = json(
        &send(
            &app,
            get_accepting(&format!("{address}/verify"), "application/json"),
        )
        .await,
    );
    assert_eq!(verification["verified"], true, "{verification}");
    let checks: Vec<(&str, &str)> = verification["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["check"].as_str().unwrap(), c["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        checks,
        [
            ("format", "passed"),
            ("signature", "passed"),
            ("issuer", "passed"),
            ("validity window", "passed"),
            ("status", "passed"),
            ("holder", "passed"),
        ]
    );
    assert_eq!(verification["issuer"]["known_name"], "Riverbend College");
    let unknown = send(
        &app,
        get_accepting("/credentials/nothing-here", "application/json"),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let unknown_page = send(
        &app,
        get_accepting("/credentials/nothing-here", "text/html"),
    )
    .await;
    assert_eq!(unknown_page.status, StatusCode::NOT_FOUND);
    assert!(unknown_page
        .body
        .contains("There is no credential at this address."));

    // The issuer profile and the status list are public too.
    let profile = json(&send(&app, get("/issuers/1", None)).await);
    assert_eq!(profile["id"], "http://localhost/issuers/1");
    assert_eq!(profile["assertionMethod"][0]["type"], "Multikey");
    let list_url = issued.document["credentialStatus"]["statusListCredential"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://localhost")
        .to_owned();
    let list = json(&send(&app, get(&list_url, None)).await);
    assert_eq!(list["credentialSubject"]["type"], "BitstringStatusList");
    assert_eq!(
        send(&app, get("/issuers/99", None)).await.status,
        StatusCode::NOT_FOUND
    );

    // The list of a learner's credentials follows the policy.
    let path = format!("/api/v1/learners/{learner}/credentials");
    assert_eq!(
        send(&app, get(&path, None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let own = sign_in(&app, "learner@demo.cairn").await;
    let listed = json(&send(&app, get(&path, Some(&own))).await);
    assert_eq!(listed[0]["id"], format!("http://localhost{address}"));
    assert_eq!(listed[0]["status"], "active");
    assert_eq!(
        listed[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["achievement", "id", "issued_at", "status"]
    );
    let other: i64 = sqlx::query_scalar(
        "SELECT MAX(ur.user_id) FROM user_roles ur JOIN roles r ON r.id = ur.role_id \
         WHERE r.key = 'learner'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    let refused = send(
        &app,
        get(&format!("/api/v1/learners/{other}/credentials"), Some(&own)),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

fn upload(cookie: &str, title: &str, file_name: &str, bytes: &[u8]) -> Request<Body> {
    upload_to("/backpack/records", cookie, title, file_name, bytes)
}

fn upload_to(
    path: &str,
    cookie: &str,
    title: &str,
    file_name: &str,
    bytes: &[u8],
) -> Request<Body> {
    multipart(path, cookie, &[("title", title)], Some((file_name, bytes)))
}

/// A multipart form post: text fields, and a file in the field `file`.
fn multipart(
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Request<Body> {
    let boundary = "cairn-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{file_name}\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// A shared collection is kept for visitors who are not signed in (verified once per
/// version), yet a link that expires stops working within a second, kept or not.
async fn a_kept_share_page_ends_when_its_link_expires(store: &Store) {
    let app = app(store).await;
    let learner: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'learner@demo.cairn'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    let collection = store.create_collection(learner, "Kept", "").await.unwrap();
    let link = store
        .create_share_link(learner, collection, Some(7))
        .await
        .unwrap();
    for _ in 0..2 {
        let page = send(&app, get(&link.path, None)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Kept"));
    }
    // Time passes (no write through the store: the kept page's version still holds).
    sqlx::query("UPDATE share_links SET expires_at = '2026-01-01T00:00:00Z' WHERE id = $1")
        .bind(link.id)
        .execute(store.pool())
        .await
        .unwrap();
    // A link found live is taken as live for a second at most.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        send(&app, get(&link.path, None)).await.status,
        StatusCode::NOT_FOUND
    );
}

/// An administrator trusts another platform by uploading its DID document (its name and keys
/// come from it); anyone else is refused, and so is a document without keys, with the reason.
async fn an_administrator_trusts_an_issuer_by_uploading_its_did_document(store: &Store) {
    let app = app(store).await;
    let admin = sign_in(&app, "admin@demo.cairn").await;
    let teacher = sign_in(&app, "teacher@demo.cairn").await;
    let key = cairn::credentials::keys::generate();
    let document = serde_json::json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": "did:web:badges.example.org",
        "name": "Example Badging Platform",
        "verificationMethod": [{
            "id": "did:web:badges.example.org#key-1",
            "type": "Multikey",
            "controller": "did:web:badges.example.org",
            "publicKeyMultibase": cairn::credentials::keys::public_multibase(&key.verifying_key()),
        }],
        "assertionMethod": ["did:web:badges.example.org#key-1"]
    })
    .to_string();
    let post = |cookie: &str, file: &'static str, bytes: Vec<u8>| {
        let bytes: &'static [u8] = bytes.leak();
        multipart(
            "/admin/issuers",
            cookie,
            &[("issuer", ""), ("name", "")],
            Some((file, bytes)),
        )
    };
    let refused = send(
        &app,
        post(&teacher, "did.json", document.clone().into_bytes()),
    )
    .await;
    assert_eq!(
        refused.headers[header::LOCATION],
        "/admin/issuers?upload_error=You%20are%20not%20allowed%20to%20do%20that."
    );
    let keyless = send(
        &app,
        post(
            &admin,
            "did.json",
            br#"{"id": "did:web:x.example"}"#.to_vec(),
        ),
    )
    .await;
    assert!(keyless.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .starts_with(
            "/admin/issuers?upload_error=document%3A%20lists%20no%20verification%20method"
        ));
    let added = send(&app, post(&admin, "did.json", document.into_bytes())).await;
    assert_eq!(added.headers[header::LOCATION], "/admin/issuers?added=1");
    let listed: Vec<(String, String)> =
        sqlx::query_as("SELECT issuer, name FROM trusted_issuers ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(
        listed,
        [(
            "did:web:badges.example.org".to_owned(),
            "Example Badging Platform".to_owned()
        )]
    );
    let page = send(&app, get("/admin/issuers", Some(&admin))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Example Badging Platform"));
    assert!(page.body.contains("1 key from its document."));
}

async fn a_training_record_is_uploaded_by_form_and_downloaded_by_its_owner_only(store: &Store) {
    let dir = std::env::temp_dir().join(format!("cairn-http-files-{}", std::process::id()));
    store.set_file_storage(dir.clone(), 3 * 1024 * 1024);
    let app = app(store).await;
    let learner = sign_in(&app, "learner@demo.cairn").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let reply = send(&app, upload(&learner, "Lifeguard course", "pool.png", png)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.headers[header::LOCATION], "/backpack?added=1");
    let file: i64 = sqlx::query_scalar("SELECT MAX(id) FROM files")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let download = send(&app, get(&format!("/files/{file}"), Some(&learner))).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(download.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(download.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let parent = sign_in(&app, "parent@demo.cairn").await;
    assert_eq!(
        send(&app, get(&format!("/files/{file}"), Some(&parent)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let anonymous = send(&app, get(&format!("/files/{file}"), None)).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    // To sign in, and back to the file after.
    assert_eq!(
        anonymous.headers[header::LOCATION],
        format!("/login?next=%2Ffiles%2F{file}").as_str()
    );

    // A disguised executable, and a file beyond the 2 MB that other requests may carry (but
    // within the 3 MB upload limit, so it is the content that decides).
    let files = |store: &Store| {
        let store = store.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM files")
                .fetch_one(store.pool())
                .await
                .unwrap()
        }
    };
    let before = files(store).await;
    let refused = send(
        &app,
        upload(&learner, "Photo", "photo.png", b"MZ\x90\0\x03"),
    )
    .await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    let location = refused.headers[header::LOCATION].to_str().unwrap();
    assert!(
        location.starts_with("/backpack?upload_error=file%3A%20photo.png%20is%20not"),
        "{location}"
    );
    let mut big = png.to_vec();
    big.resize(2 * 1024 * 1024 + 512 * 1024, 0);
    let accepted = send(&app, upload(&learner, "Big scan", "scan.png", &big)).await;
    assert_eq!(accepted.headers[header::LOCATION], "/backpack?added=1");
    big.resize(5 * 1024 * 1024, 0);
    let too_big = send(&app, upload(&learner, "Bigger scan", "scan.png", &big)).await;
    assert!(too_big.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .contains("larger%20than%203%20MB"));
    assert_eq!(files(store).await, before + 1);
    let _ = std::fs::remove_dir_all(&dir);
}

async fn a_goal_its_evidence_and_its_files_follow_the_policy(store: &Store) {
    let dir = std::env::temp_dir().join(format!("cairn-http-goals-{}", rand_suffix()));
    store.set_file_storage(dir.clone(), 3 * 1024 * 1024);
    let app = app(store).await;
    let viewer = |email: &'static str| async move {
        let id = store.find_login(email).await.unwrap().unwrap().user_id;
        store.viewer(id).await.unwrap().unwrap()
    };
    let learner = viewer("learner@demo.cairn").await;
    let goal = cairn::story::create_goal(
        store,
        &learner,
        &cairn::story::GoalDraft {
            title: "Swim 1 km <b>without stopping</b>".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let own = sign_in(&app, "learner@demo.cairn").await;
    let parent = sign_in(&app, "parent@demo.cairn").await;
    let teacher = sign_in(&app, "teacher@demo.cairn").await;
    let page = send(&app, get(&format!("/goals/{goal}"), Some(&own))).await;
    assert_eq!(page.status, StatusCode::OK);
    // The title is text, never markup.
    assert!(page
        .body
        .contains("Swim 1 km &lt;b&gt;without stopping&lt;/b&gt;"));
    assert_eq!(
        send(&app, get(&format!("/goals/{goal}"), Some(&parent)))
            .await
            .status,
        StatusCode::OK
    );
    let other: i64 = sqlx::query_scalar(
        "SELECT MIN(u.id) FROM users u JOIN user_roles ur ON ur.user_id = u.id \
         JOIN roles r ON r.id = ur.role_id AND r.key = 'learner' WHERE u.id <> $1",
    )
    .bind(learner.id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let other_email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(other)
        .fetch_one(store.pool())
        .await
        .unwrap();
    let stranger = sign_in(&app, &other_email).await;
    assert_eq!(
        send(&app, get(&format!("/goals/{goal}"), Some(&stranger)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&app, get("/goals/999999", Some(&own))).await.status,
        StatusCode::NOT_FOUND
    );

    // Evidence: the learner's own upload is kept and shown to those who may see them.
    let path = format!("/goals/{goal}/evidence");
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let kept = send(&app, upload_to(&path, &own, "", "swim.png", png)).await;
    assert_eq!(
        kept.headers[header::LOCATION],
        format!("/goals/{goal}?added=1").as_str()
    );
    let file: i64 = sqlx::query_scalar("SELECT MAX(file_id) FROM goal_files")
        .fetch_one(store.pool())
        .await
        .unwrap();
    for (who, cookie, status) in [
        ("the learner", &own, StatusCode::OK),
        ("their parent", &parent, StatusCode::OK),
        ("their teacher", &teacher, StatusCode::OK),
        ("another learner", &stranger, StatusCode::NOT_FOUND),
    ] {
        let reply = send(&app, get(&format!("/files/{file}"), Some(cookie))).await;
        assert_eq!(reply.status, status, "{who}");
    }
    // This PNG is only a signature: kept, but with no thumbnail to make.
    assert_eq!(
        send(&app, get(&format!("/files/{file}/thumbnail"), Some(&own)))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Refused, nothing kept: someone else's upload to the goal, a disguised executable.
    let files = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM files")
            .fetch_one(store.pool())
            .await
            .unwrap()
    };
    let before = files().await;
    let by_teacher = send(&app, upload_to(&path, &teacher, "", "swim.png", png)).await;
    assert!(by_teacher.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .contains("upload_error=You%20are%20not%20allowed"));
    let disguised = send(
        &app,
        upload_to(&path, &own, "", "swim.png", b"MZ\x90\0\x03"),
    )
    .await;
    assert!(disguised.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .contains("upload_error=file%3A%20swim.png%20is%20not"));
    assert_eq!(files().await, before);
    let _ = std::fs::remove_dir_all(dir);
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

async fn staff_reads_of_a_learners_record_are_audited_once_and_family_reads_are_not(store: &Store) {
    let app = app(store).await;
    let learner: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'learner@demo.cairn'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    let reads = || async {
        // The line is written in the background: wait for it a little.
        let mut lines = 0;
        for _ in 0..50 {
            lines = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'read learner record'",
            )
            .fetch_one(store.pool())
            .await
            .unwrap();
            if lines > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        lines
    };
    for who in ["learner@demo.cairn", "parent@demo.cairn"] {
        let cookie = sign_in(&app, who).await;
        let reply = send(&app, get(&format!("/learners/{learner}"), Some(&cookie))).await;
        assert_eq!(reply.status, StatusCode::OK, "{who}");
    }
    assert_eq!(
        reads().await,
        0,
        "the learner and their parents are family, not staff"
    );
    let teacher = sign_in(&app, "teacher@demo.cairn").await;
    for path in [
        format!("/learners/{learner}"),
        format!("/learners/{learner}"),
        format!("/api/v1/learners/{learner}/progress"),
    ] {
        assert_eq!(
            send(&app, get(&path, Some(&teacher))).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(reads().await, 1, "one line per quarter of an hour");
    let (actor, subject, detail): (String, String, String) = sqlx::query_as(
        "SELECT u.email, a.subject_id, a.detail FROM audit_log a JOIN users u ON u.id = a.actor_id \
         WHERE a.action = 'read learner record'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(
        (actor.as_str(), subject),
        ("teacher@demo.cairn", learner.to_string())
    );
    assert!(
        detail.ends_with(&format!(": /learners/{learner}")),
        "{detail}"
    );
}

/// The import id a form's redirect names (`…?import={id}`).
fn import_id(reply: &Reply) -> String {
    let location = reply.headers[header::LOCATION].to_str().unwrap();
    location
        .split_once("?import=")
        .unwrap_or_else(|| panic!("not an import: {location}"))
        .1
        .to_string()
}

/// The Rosters page once its import shows `done` (it works in the background).
async fn roster_page_when(app: &Router, cookie: &str, id: &str, done: &str) -> String {
    for _ in 0..200 {
        let page = send(
            app,
            get(&format!("/admin/oneroster?import={id}"), Some(cookie)),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK);
        if page.body.contains(done) {
            return page.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import never showed {done:?}");
}

/// An administrator uploads a OneRoster zip, reads its preview (nothing written), runs it, and
/// sees the run in the history; a teacher may do none of it.
async fn an_administrator_previews_a_oneroster_package_then_runs_it(store: &Store) {
    use cairn::oneroster::sample;
    let app = app(store).await;
    let admin = sign_in(&app, "admin@demo.cairn").await;
    let teacher = sign_in(&app, "teacher@demo.cairn").await;
    let zip = sample::zip(&sample::files(sample::Size::DEMO)).unwrap();
    let zip: &'static [u8] = zip.leak();
    let post = |cookie: &str| {
        multipart(
            "/admin/oneroster",
            cookie,
            &[("mode", "all")],
            Some(("roster.zip", zip)),
        )
    };
    assert_eq!(
        send(&app, post(&teacher)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&app, get("/admin/oneroster", Some(&teacher)))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let users = |store: &Store| {
        let store = store.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
                .fetch_one(store.pool())
                .await
                .unwrap()
        }
    };
    let before = users(store).await;
    let preview = send(&app, post(&admin)).await;
    let id = import_id(&preview);
    let page = roster_page_when(&app, &admin, &id, "Preview of OneRoster 1.2").await;
    assert!(page.contains("Run the import"), "{page}");
    assert_eq!(users(store).await, before, "a preview writes nothing");

    let run_form = |cookie: &str, id: &str| {
        Request::post("/admin/oneroster/run")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("id={id}")))
            .unwrap()
    };
    // Another administrator's preview, or one forgotten, cannot be run.
    let unknown = send(&app, run_form(&admin, "1")).await;
    assert!(unknown.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .contains("upload_error=file%3A%20that%20preview%20is%20no%20longer%20kept"));
    assert_eq!(
        send(&app, run_form(&teacher, &id)).await.status,
        StatusCode::FORBIDDEN
    );

    let run = send(&app, run_form(&admin, &id)).await;
    let run_id = import_id(&run);
    let page = roster_page_when(&app, &admin, &run_id, "Imported: OneRoster 1.2").await;
    assert!(!page.contains("Run the import"));
    // In the history, with who ran it.
    assert!(
        page.contains("roster.zip (OneRoster 1.2): people +"),
        "{page}"
    );
    assert!(users(store).await > before + 60);
    let learner: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'learner7@roster.demo.cairn'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    // The new learner's page opens for the administrator.
    assert_eq!(
        send(&app, get(&format!("/learners/{learner}"), Some(&admin)))
            .await
            .status,
        StatusCode::OK
    );
}

cairn::store_tests!(
    an_administrator_previews_a_oneroster_package_then_runs_it,
    a_goal_its_evidence_and_its_files_follow_the_policy,
    a_training_record_is_uploaded_by_form_and_downloaded_by_its_owner_only,
    credentials_are_public_documents_and_listed_by_the_policy,
    an_administrator_trusts_an_issuer_by_uploading_its_did_document,
    a_kept_share_page_ends_when_its_link_expires,
    a_pushed_score_is_recorded_once_and_refusals_say_why,
    live_events_reach_only_those_who_may_see_the_learner,
    a_kept_page_is_replaced_as_soon_as_a_mark_changes_the_data,
    a_mark_keeps_other_learners_pages_and_an_administrators_change_renews_them,
    a_person_with_nothing_yet_gets_a_designed_empty_home,
    health_check_answers_when_the_database_does,
    anonymous_page_views_go_to_the_sign_in_page,
    sign_in_sets_a_safe_session_cookie_and_me_tells_who,
    a_wrong_password_or_email_gets_one_generic_refusal,
    repeated_failures_lock_the_account_for_a_while,
    sign_out_ends_the_session,
    writes_from_another_site_are_refused,
    every_response_carries_the_security_headers,
    each_role_reaches_a_home_with_its_own_name_and_data,
    staff_reads_of_a_learners_record_are_audited_once_and_family_reads_are_not,
);
