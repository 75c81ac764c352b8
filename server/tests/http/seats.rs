//! Registration codes over the real router: someone not signed in is sent to sign in and
//! brought back to the code; the page shows the training; the seat is taken through its server
//! function; a sign-in never sends anyone to another site.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cairn::store::Store;

use super::{app, get, send};

fn form(path: &str, cookie: Option<&str>, body: &str) -> Request<Body> {
    let mut request = Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

fn location(reply: &super::Reply) -> String {
    reply.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string()
}

async fn a_code_is_redeemed_after_signing_in_on_the_way(store: &Store) {
    let app = app(store).await;
    let (code, training): (String, String) = sqlx::query_as(
        "SELECT c.code, t.name FROM registration_codes c JOIN trainings t ON t.id = c.training_id \
         WHERE c.taken < c.seats ORDER BY c.id LIMIT 1",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    let page = format!("/register/{}", code.to_lowercase());

    // Not signed in: to sign in, and back here after.
    let reply = send(&app, get(&page, None)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let to_login = location(&reply);
    assert_eq!(
        to_login,
        format!("/login?next=%2Fregister%2F{}", code.to_lowercase())
    );
    let login = send(&app, get(&to_login, None)).await;
    assert!(
        login
            .body
            .contains(&format!("name=\"next\" value=\"{page}\"")),
        "{}",
        login.body
    );
    let wrong = send(
        &app,
        form(
            "/api/login",
            None,
            &format!("email=teacher%40demo.cairn&password=wrong&next={page}"),
        ),
    )
    .await;
    assert!(location(&wrong).ends_with(&format!("&next=%2Fregister%2F{}", code.to_lowercase())));
    let signed_in = send(
        &app,
        form(
            "/api/login",
            None,
            &format!("email=teacher%40demo.cairn&password=cairn-demo&next={page}"),
        ),
    )
    .await;
    assert_eq!(location(&signed_in), page);
    let cookie = signed_in.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();

    let shown = send(&app, get(&page, Some(&cookie))).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown.body.contains(&format!("Take a seat on {training}")),
        "{}",
        shown.body
    );
    let taken = send(
        &app,
        form("/api/redeem_code", Some(&cookie), &format!("code={code}")),
    )
    .await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.body);
    let shown = send(&app, get(&page, Some(&cookie))).await;
    assert!(
        shown
            .body
            .contains(&format!("You have a seat on {training}.")),
        "{}",
        shown.body
    );

    let unknown = send(&app, get("/register/NOSUCHCODE", Some(&cookie))).await;
    assert!(
        unknown
            .body
            .contains("There is no such registration code at this address."),
        "{}",
        unknown.body
    );

    // The codes are the manager's (and administrators') to give: not a teacher's.
    let refused = send(&app, form("/api/codes", Some(&cookie), "")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = send(
        &app,
        form(
            "/api/assign_seat",
            Some(&cookie),
            "code_id=1&email=x%40example.org",
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let manager = super::sign_in(&app, "manager@demo.cairn").await;
    let page = send(&app, get("/codes", Some(&manager))).await;
    assert!(
        page.body.contains(&format!("{code} — {training}")),
        "{}",
        page.body
    );
    assert!(page.body.contains("registered"), "{}", page.body);

    // A sign-in never goes on to another site, the sign-in page or the API.
    for next in [
        "//evil.example/x",
        "https://evil.example/",
        "/%5Cevil.example",
        "/api/v1/me",
    ] {
        let reply = send(
            &app,
            form(
                "/api/login",
                None,
                &format!("email=learner%40demo.cairn&password=cairn-demo&next={next}"),
            ),
        )
        .await;
        assert_eq!(location(&reply), "/", "{next}");
    }
}

cairn::store_tests!(a_code_is_redeemed_after_signing_in_on_the_way,);
