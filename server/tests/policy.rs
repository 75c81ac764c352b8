//! Every demo role against every learner-scoped route, over learners who are their own, linked,
//! in another group and in another institution: allowed, 403 when signed in but not allowed,
//! 401 or a redirect to sign in when anonymous. Runs on SQLite and on PostgreSQL.

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

/// The learners the matrix is walked over.
struct Learners {
    /// learner@demo.cairn: the demo learner, the demo parent's first child, in the demo
    /// teacher's first group.
    own: i64,
    /// The demo learner's younger sibling, in the demo teacher's second group.
    sibling: i64,
    /// A learner of a group the demo teacher does not teach, not placed by the manager.
    other_group: i64,
    /// A learner the demo manager placed through a registration code.
    placed: i64,
    /// A learner of another institution on the same server.
    other_institution: i64,
}

async fn setup(store: &Store) -> (Router, Learners) {
    // Four groups of 20: the demo teacher teaches groups 1 and 2.
    let school = demo::generate(&SeedOptions {
        learners: 100,
        seed: 3,
        evidence_per_competency: (1, 1),
    });
    store.load_school(&school).await.unwrap();
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM group_members WHERE member_role = 'learner' ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let learner = |index: usize| ids[index].0;
    for statement in [
        "INSERT INTO institutions (id, name, slug, created_at) \
         VALUES (2, 'Elsewhere High', 'elsewhere', '2026-01-01T00:00:00Z')",
        "INSERT INTO roles (id, institution_id, key, name, builtin) \
         VALUES (100, 2, 'learner', 'Learner', 1)",
        "INSERT INTO users (id, institution_id, email, name, handle, status, created_at) \
         VALUES (9000, 2, 'someone@elsewhere.example', 'Sam Elsewhere', 'sam.elsewhere', \
           'active', '2026-01-01T00:00:00Z')",
        "INSERT INTO user_roles (user_id, role_id) VALUES (9000, 100)",
    ] {
        sqlx::query(statement).execute(store.pool()).await.unwrap();
    }
    let app = router(AppState::new(Shared {
        store: store.clone(),
        leptos_options: leptos_options(),
        limiter: Arc::new(LoginLimiter::default()),
        caches: Arc::new(Caches::new(16 * 1024 * 1024)),
        secure_cookies: false,
        imports: Default::default(),
    }));
    let learners = Learners {
        own: learner(0),
        sibling: learner(25),
        other_group: learner(60),
        placed: learner(99),
        other_institution: 9000,
    };
    (app, learners)
}

async fn status_and_body(app: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn sign_in(app: &Router, email: &str) -> String {
    let request = Request::post("/api/login")
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "email={}&password=cairn-demo",
            email.replace('@', "%40")
        )))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().to_string()
}

fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get(path).header(header::HOST, "localhost");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::empty()).unwrap()
}

fn server_fn(endpoint: &str, learner: i64, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(format!("/api/{endpoint}"))
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request
        .body(Body::from(format!("learner_id={learner}")))
        .unwrap()
}

/// Checks every learner-scoped route for one person and one learner.
async fn expect(app: &Router, who: &str, cookie: &str, learner: i64, allowed: bool) {
    let context = format!("{who} → learner {learner}");
    // Each learner page with what only an allowed viewer may read on it; asked twice, since
    // the second answer may come from the kept pages.
    let pages = [
        (format!("/learners/{learner}"), "Progress"),
        (
            format!("/learners/{learner}/competencies/1"),
            "How it is worked out",
        ),
        (format!("/learners/{learner}/categories/values"), "Timeline"),
    ];
    for (page, secret) in &pages {
        for _ in 0..2 {
            let (status, body) = status_and_body(app, get(page, Some(cookie))).await;
            if allowed {
                assert_eq!(status, StatusCode::OK, "{page}: {context}");
                assert!(body.contains(secret), "{page}: {context}");
            } else {
                assert!(
                    status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                    "{page}: {context}: {status}"
                );
                assert!(
                    body.contains("Not allowed") || body.contains("Not found"),
                    "{page}: {context}"
                );
                assert!(!body.contains(secret), "{page}: {context}");
            }
        }
    }

    let chart = format!("/learners/{learner}/cohort.svg");
    let response = app
        .clone()
        .oneshot(get(&chart, Some(cookie)))
        .await
        .unwrap();
    if allowed {
        assert_eq!(response.status(), StatusCode::OK, "svg: {context}");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "image/svg+xml",
            "svg: {context}"
        );
    } else {
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "svg: {context}");
    }

    let path = format!("/api/v1/learners/{learner}/progress");
    let (status, body) = status_and_body(app, get(&path, Some(cookie))).await;
    if allowed {
        assert_eq!(status, StatusCode::OK, "json: {context}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["learner"]["id"], learner, "json: {context}");
    } else {
        assert_eq!(status, StatusCode::FORBIDDEN, "json: {context}: {body}");
    }

    // The dashboard's server functions: its progress, and its attendance.
    for endpoint in ["learner", "attendance"] {
        let (status, body) = status_and_body(app, server_fn(endpoint, learner, Some(cookie))).await;
        if allowed {
            assert_eq!(status, StatusCode::OK, "{endpoint}: {context}: {body}");
        } else {
            assert_ne!(status, StatusCode::OK, "{endpoint}: {context}");
            assert!(body.contains("Forbidden"), "{endpoint}: {context}: {body}");
        }
    }

    let (_, body) = status_and_body(app, get("/api/v1/learners", Some(cookie))).await;
    let list: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    let listed = list.iter().any(|l| l["id"] == learner);
    assert_eq!(listed, allowed, "list: {context}");
}

async fn every_role_sees_exactly_its_own_learners(store: &Store) {
    let (app, l) = setup(store).await;
    // (who, [own, sibling, other group, placed, other institution])
    let matrix = [
        ("learner@demo.cairn", [true, false, false, false, false]),
        ("parent@demo.cairn", [true, true, false, false, false]),
        ("teacher@demo.cairn", [true, true, false, false, false]),
        ("manager@demo.cairn", [false, false, false, true, false]),
        ("admin@demo.cairn", [true, true, true, true, false]),
    ];
    for (who, allowed) in matrix {
        let cookie = sign_in(&app, who).await;
        let subjects = [
            l.own,
            l.sibling,
            l.other_group,
            l.placed,
            l.other_institution,
        ];
        for (learner, allowed) in subjects.into_iter().zip(allowed) {
            expect(&app, who, &cookie, learner, allowed).await;
        }
    }
}

async fn nobody_signed_in_is_sent_to_sign_in_or_refused(store: &Store) {
    let (app, l) = setup(store).await;
    let (status, _) = status_and_body(&app, get(&format!("/learners/{}", l.own), None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    for path in [
        format!("/api/v1/learners/{}/progress", l.own),
        format!("/learners/{}/cohort.svg", l.own),
        "/api/v1/learners".to_string(),
    ] {
        let (status, _) = status_and_body(&app, get(&path, None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let (status, body) = status_and_body(&app, server_fn("learner", l.own, None)).await;
    assert_ne!(status, StatusCode::OK);
    assert!(body.contains("Unauthorized"), "{body}");
}

async fn an_unknown_learner_is_not_found(store: &Store) {
    let (app, _) = setup(store).await;
    let cookie = sign_in(&app, "admin@demo.cairn").await;
    let (status, body) =
        status_and_body(&app, get("/api/v1/learners/123456/progress", Some(&cookie))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("learner 123456 not found"), "{body}");
    let (status, _) = status_and_body(&app, get("/learners/123456", Some(&cookie))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn progress_json_has_the_documented_shape(store: &Store) {
    let (app, l) = setup(store).await;
    let cookie = sign_in(&app, "learner@demo.cairn").await;
    let path = format!("/api/v1/learners/{}/progress", l.own);
    let (_, body) = status_and_body(&app, get(&path, Some(&cookie))).await;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["learner"]["email"], "learner@demo.cairn");
    let competency = &json["competencies"][0];
    for field in [
        "id",
        "code",
        "name",
        "category",
        "level",
        "mastery_level",
        "mastered",
        "steps_remaining",
        "evidence_count",
    ] {
        assert!(
            competency.get(field).is_some(),
            "competency.{field} in {competency}"
        );
    }
    let achievement = &json["achievements"][0];
    for field in ["id", "name", "state", "progress"] {
        assert!(achievement.get(field).is_some(), "achievement.{field}");
    }
    assert!(["provisional", "earned"].contains(&achievement["state"].as_str().unwrap()));
}

/// A server function called with URL-encoded arguments, as a form or the browser sends them.
fn call(path: &str, body: &str, cookie: &str) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap()
}

async fn administration_is_for_administrators_only(store: &Store) {
    let (app, _) = setup(store).await;
    let pages = [
        "/admin/settings",
        "/admin/audit",
        "/admin/people",
        "/admin/people/1",
        "/admin/groups",
        "/admin/integrations",
        "/admin/frameworks",
        "/admin/frameworks/1",
        "/admin/oneroster",
        "/admin/attendance",
    ];
    let functions = [
        ("/api/settings", ""),
        ("/api/audit", "filter[actor]="),
        ("/api/people", "filter[query]="),
        (
            "/api/save_settings",
            "settings[goals]=G&settings[projects]=P&settings[checkins]=C\
             &settings[primary]=%231f5fa8&settings[accent]=%23b3541e&settings[background]=%23f5f7fa",
        ),
        ("/api/person_status", "user_id=1&status=disabled"),
        ("/api/person", "user_id=1"),
        (
            "/api/change_person",
            "change[user_id]=1&change[kind]=give_role&change[role_id]=5",
        ),
        ("/api/import_progress", "id=1"),
        ("/api/oneroster_history", ""),
        ("/api/attendance_feed", ""),
        ("/api/admin_groups", ""),
        ("/api/trusted_issuers", ""),
        ("/api/stop_trusting_issuer", "id=1"),
        ("/api/custom_roles", ""),
        (
            "/api/create_role",
            "role[name]=Mine&role[year_level]=9&role[mark]=on",
        ),
        ("/api/create_group", "name=Mine&year_level="),
        ("/api/archive_group", "group_id=1"),
        (
            "/api/add_group_members",
            "group_id=1&emails=learner%40demo.cairn&member_role=learner",
        ),
        ("/api/frameworks", ""),
        ("/api/framework", "framework_id=1"),
        (
            "/api/create_framework",
            "framework[name]=Mine&framework[category_id]=1&framework[rubric_id]=1\
             &framework[method]=highest&framework[method_param]=",
        ),
        (
            "/api/save_framework",
            "framework_id=1&framework[name]=Mine&framework[category_id]=1\
             &framework[rubric_id]=1&framework[method]=highest&framework[method_param]=",
        ),
        ("/api/create_area", "framework_id=1&code=A&name=Area"),
        (
            "/api/create_competency",
            "framework_id=1&competency[code]=X1&competency[name]=X&competency[category_id]=1",
        ),
        (
            "/api/save_competency",
            "competency_id=1&competency[code]=X1&competency[name]=X&competency[category_id]=1",
        ),
        ("/api/create_category", "name=Mine"),
        ("/api/create_tag", "name=Mine&kind=skill"),
        ("/api/rename_area", "area_id=1&code=A&name=Area"),
        ("/api/delete_area", "area_id=1"),
        ("/api/rename_category", "category_id=1&name=Mine"),
        ("/api/delete_category", "category_id=1"),
        ("/api/rename_tag", "tag_id=1&name=Mine&kind=value"),
        ("/api/delete_tag", "tag_id=1"),
        (
            "/api/save_rubric_level",
            "rubric_id=1&level[level]=1&level[name]=L&level[points]=1&level[color]=%23000000",
        ),
        ("/api/set_mastery_level", "rubric_id=1&mastery_level=3"),
        ("/api/recompute", "id=1"),
        ("/api/tile_layouts", ""),
        ("/api/arrange_tile", "role=learner&tile=story&change=up"),
        (
            "/api/add_person",
            "person[name]=Mine&person[email]=mine%40example.org&person[role]=learner",
        ),
        ("/api/invite_person", "user_id=1"),
        (
            "/api/edit_role",
            "role_id=1&role[name]=Mine&role[year_level]=9&role[mark]=on",
        ),
        ("/api/delete_role", "role_id=1"),
    ];
    for who in [
        "learner@demo.cairn",
        "parent@demo.cairn",
        "teacher@demo.cairn",
        "manager@demo.cairn",
    ] {
        let cookie = sign_in(&app, who).await;
        for page in pages {
            let (status, _) = status_and_body(&app, get(page, Some(&cookie))).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {page}");
        }
        for (path, body) in functions {
            let (status, answer) = status_and_body(&app, call(path, body, &cookie)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {path}");
            assert_eq!(answer, "\"Forbidden\"", "{who} {path}");
        }
    }
    let lines: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let admin = sign_in(&app, "admin@demo.cairn").await;
    for page in pages {
        let (status, _) = status_and_body(&app, get(page, Some(&admin))).await;
        assert_eq!(status, StatusCode::OK, "admin {page}");
    }
    let (status, _) = status_and_body(&app, call("/api/people", "filter[query]=", &admin)).await;
    assert_eq!(status, StatusCode::OK);
    // Nothing the others tried was written.
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(after, lines);
}

cairn::store_tests!(
    administration_is_for_administrators_only,
    every_role_sees_exactly_its_own_learners,
    nobody_signed_in_is_sent_to_sign_in_or_refused,
    an_unknown_learner_is_not_found,
    progress_json_has_the_documented_shape,
);
