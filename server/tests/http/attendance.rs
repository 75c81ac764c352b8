//! The attendance feed through the real router: a system pushes registers with its token and
//! is answered record by record; an administrator imports a file and watches the feed; the
//! learner, the parent and the teacher see the records on their pages, and nobody else does.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cairn::store::Store;

use super::{app, get, json, multipart, send, sign_in};

fn push_request(token: Option<&str>, body: &str) -> Request<Body> {
    let mut request = Request::post("/api/v1/attendance")
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    request.body(Body::from(body.to_string())).unwrap()
}

fn today() -> String {
    cairn::zones::today("UTC").to_string()
}

async fn learner_id(store: &Store, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn a_pushed_register_is_answered_record_by_record(store: &Store) {
    let app = app(store).await;
    let (_, token) = store
        .create_integration_token(1, "Arbor registers")
        .await
        .unwrap();
    let today = today();
    let register = serde_json::json!([
        {"sourcedId": "att-1", "userId": "learner@demo.cairn", "date": today,
         "session": "AM", "status": "absent", "note": "Parent phoned: dentist"},
        {"sourcedId": "att-2", "userId": "learner@demo.cairn", "date": today,
         "session": "PM", "status": "present"}
    ])
    .to_string();

    // No token, a wrong one: 401, nothing recorded.
    let reply = send(&app, push_request(None, &register)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.headers[header::WWW_AUTHENTICATE], "Bearer");
    let reply = send(&app, push_request(Some("cairn_wrong"), &register)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    // Created, each with its id and status.
    let reply = send(&app, push_request(Some(&token), &register)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let body = json(&reply);
    assert_eq!(body["created"], 2);
    assert_eq!(body["results"][0]["sourcedId"], "att-1");
    assert_eq!(body["results"][0]["status"], 201);
    assert!(body["results"][0]["id"].as_i64().unwrap() > 0);

    // The same again: 200, unchanged.
    let reply = send(&app, push_request(Some(&token), &register)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(json(&reply)["unchanged"], 2);

    // Mixed: each refusal with its status and fields; the good record written.
    let mixed = serde_json::json!([
        {"sourcedId": "att-3", "userId": "nobody@demo.cairn", "date": today, "status": "absent"},
        {"sourcedId": "att-4", "userId": "learner@demo.cairn", "date": today, "status": "maybe"},
        {"userId": "learner@demo.cairn", "date": today, "status": "late"},
        {"sourcedId": "att-1", "userId": "learner@demo.cairn", "date": today,
         "session": "AM", "status": "late", "note": "Arrived 10:20"}
    ])
    .to_string();
    let reply = send(&app, push_request(Some(&token), &mixed)).await;
    assert_eq!(reply.status, StatusCode::MULTI_STATUS, "{}", reply.body);
    let body = json(&reply);
    let statuses: Vec<i64> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, [404, 422, 422, 200]);
    assert_eq!(body["results"][1]["errors"][0]["field"], "status");
    assert_eq!(body["results"][2]["errors"][0]["field"], "sourcedId");
    assert_eq!(body["results"][3]["outcome"], "updated");
    assert_eq!(
        (body["updated"].as_i64(), body["rejected"].as_i64()),
        (Some(1), Some(3))
    );

    // A body that is not a list of records, or too long a list: refused whole.
    let reply = send(&app, push_request(Some(&token), "{not json")).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(&reply)["error"].as_str().unwrap().contains("not JSON"));
    let many = serde_json::Value::Array(vec![serde_json::json!({}); 1001]).to_string();
    let reply = send(&app, push_request(Some(&token), &many)).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Everything refused: 422, with each record's reasons.
    let reply = send(
        &app,
        push_request(Some(&token), r#"[{"sourcedId": "x", "status": "present"}]"#),
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json(&reply)["results"][0]["errors"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The parent's dashboard shows the record; the feed page names its source.
    let parent = sign_in(&app, "parent@demo.cairn").await;
    let child = learner_id(store, "learner@demo.cairn").await;
    let page = send(&app, get(&format!("/learners/{child}"), Some(&parent))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Arrived 10:20"),
        "the late record's note"
    );
    let admin = sign_in(&app, "admin@demo.cairn").await;
    let feed = send(&app, get("/admin/attendance", Some(&admin))).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.body.contains("from Arbor registers"), "{}", feed.body);
    assert!(feed.body.contains("What was refused"));
}

async fn an_administrator_imports_a_file_and_nobody_else_may(store: &Store) {
    let app = app(store).await;
    let admin = sign_in(&app, "admin@demo.cairn").await;
    let teacher = sign_in(&app, "teacher@demo.cairn").await;
    let today = today();
    let file = format!(
        "Student Email,Date,Session,Status,Note\nlearner@demo.cairn,{today},AM,E,Orthodontist\n\
         nobody@demo.cairn,{today},AM,A,\n"
    );
    let form = |cookie: &str, mode: &str| {
        multipart(
            "/admin/attendance",
            cookie,
            &[("mode", mode)],
            Some(("register.csv", file.as_bytes())),
        )
    };
    let reply = send(&app, form(&teacher, "valid")).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    // All or nothing: one wrong row, nothing written, the page says which line.
    let reply = send(&app, form(&admin, "all")).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let location = reply.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(location.starts_with("/admin/attendance?run="), "{location}");
    let page = send(&app, get(&location, Some(&admin))).await;
    assert!(page.body.contains("Nothing was written"), "{}", page.body);
    assert!(page.body.contains("Line 3"), "{}", page.body);

    let reply = send(&app, form(&admin, "valid")).await;
    let location = reply.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    let page = send(&app, get(&location, Some(&admin))).await;
    assert!(page.body.contains("1 new"), "{}", page.body);
    let child = learner_id(store, "learner@demo.cairn").await;
    let learner = sign_in(&app, "learner@demo.cairn").await;
    let own = send(&app, get(&format!("/learners/{child}"), Some(&learner))).await;
    assert!(own.body.contains("Orthodontist"));

    // The feed's page is the administrators' alone.
    for who in [&teacher, &learner] {
        let page = send(&app, get("/admin/attendance", Some(who))).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
    }
}

cairn::store_tests!(
    a_pushed_register_is_answered_record_by_record,
    an_administrator_imports_a_file_and_nobody_else_may,
);
