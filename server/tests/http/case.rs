//! CASE over the real router: an administrator downloads a framework as a package (nobody else
//! may); the public CASE provider API answers for published frameworks only, in the shapes of
//! the CASE 1.0 OpenAPI definition, with its error body for what it does not know.

use axum::http::{header, StatusCode};
use cairn::store::testing::viewer;
use cairn::store::Store;
use serde_json::Value;

use super::{app, get, json, send, sign_in};

/// The required fields of a shape of the CASE 1.0 OpenAPI definition, each of type string.
fn has_strings(value: &Value, fields: &[&str]) {
    for field in fields {
        assert!(
            value[field].is_string(),
            "{field} missing or not a string in {value}"
        );
    }
}

fn is_link(value: &Value) {
    has_strings(value, &["title", "identifier", "uri"]);
}

fn is_refusal(reply: &super::Reply, minor: &str) {
    let body = json(reply);
    assert_eq!(body["imsx_codeMajor"], "failure", "{body}");
    assert_eq!(body["imsx_severity"], "error");
    assert!(body["imsx_description"].is_string());
    assert_eq!(
        body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"],
        minor
    );
}

async fn frameworks_are_exported_by_administrators_and_served_once_published(store: &Store) {
    let app = app(store).await;
    let admin = sign_in(&app, "admin@demo.cairn").await;
    let teacher = sign_in(&app, "teacher@demo.cairn").await;
    let framework: i64 = sqlx::query_scalar("SELECT MIN(id) FROM frameworks")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let path = format!("/admin/frameworks/{framework}/case.json");
    assert_eq!(
        send(&app, get(&path, Some(&teacher))).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&app, get(&path, None)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let reply = send(&app, get(&path, Some(&admin))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\""));
    let package = json(&reply);
    let document_id = package["CFDocument"]["identifier"]
        .as_str()
        .unwrap()
        .to_string();

    // Not published: unknown to the provider API.
    let api = "/ims/case/v1p0";
    let reply = send(&app, get(&format!("{api}/CFPackages/{document_id}"), None)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    is_refusal(&reply, "unknownobject");
    let reply = send(&app, get(&format!("{api}/CFDocuments"), None)).await;
    assert_eq!(json(&reply)["CFDocuments"], serde_json::json!([]));

    let admin_viewer = viewer(store, "admin@demo.cairn").await;
    cairn::frameworks::publish_case(store, &admin_viewer, framework, true)
        .await
        .unwrap();
    let teacher_viewer = viewer(store, "teacher@demo.cairn").await;
    assert!(
        cairn::frameworks::publish_case(store, &teacher_viewer, framework, false)
            .await
            .is_err()
    );

    // Published: public, anonymous, in the definition's shapes.
    let reply = send(&app, get(&format!("{api}/CFDocuments"), None)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let documents = json(&reply)["CFDocuments"].as_array().unwrap().clone();
    assert_eq!(documents.len(), 1);
    has_strings(
        &documents[0],
        &[
            "identifier",
            "uri",
            "creator",
            "title",
            "lastChangeDateTime",
        ],
    );
    is_link(&documents[0]["CFPackageURI"]);
    let reply = send(&app, get(&format!("{api}/CFDocuments/{document_id}"), None)).await;
    assert_eq!(json(&reply), documents[0]);
    let reply = send(&app, get(&format!("{api}/CFPackages/{document_id}"), None)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let served = json(&reply);
    assert_eq!(served, package);
    let items = served["CFItems"].as_array().unwrap();
    assert!(!items.is_empty());
    for item in items {
        has_strings(
            item,
            &["identifier", "fullStatement", "uri", "lastChangeDateTime"],
        );
    }
    for association in served["CFAssociations"].as_array().unwrap() {
        has_strings(
            association,
            &["identifier", "associationType", "uri", "lastChangeDateTime"],
        );
        is_link(&association["originNodeURI"]);
        is_link(&association["destinationNodeURI"]);
    }
    let item_id = items[1]["identifier"].as_str().unwrap();
    let reply = send(&app, get(&format!("{api}/CFItems/{item_id}"), None)).await;
    let item = json(&reply);
    assert_eq!(item["identifier"], item_id);
    is_link(&item["CFDocumentURI"]);
    assert_eq!(item["CFDocumentURI"]["identifier"], document_id.as_str());
    let association_id = served["CFAssociations"][0]["identifier"].as_str().unwrap();
    let reply = send(
        &app,
        get(&format!("{api}/CFAssociations/{association_id}"), None),
    )
    .await;
    assert_eq!(json(&reply)["identifier"], association_id);
    let reply = send(
        &app,
        get(&format!("{api}/CFItemAssociations/{item_id}"), None),
    )
    .await;
    let set = json(&reply);
    assert_eq!(set["CFItem"]["identifier"], item_id);
    assert!(!set["CFAssociations"].as_array().unwrap().is_empty());

    // Unknown identifiers and bad paging get the error body.
    for path in [
        "CFItems",
        "CFAssociations",
        "CFDocuments",
        "CFItemAssociations",
    ] {
        let reply = send(&app, get(&format!("{api}/{path}/no-such-id"), None)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        is_refusal(&reply, "unknownobject");
    }
    let reply = send(&app, get(&format!("{api}/CFDocuments?limit=0"), None)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    is_refusal(&reply, "invalid_selection_field");
    let reply = send(&app, get(&format!("{api}/CFDocuments?offset=1"), None)).await;
    assert_eq!(json(&reply)["CFDocuments"], serde_json::json!([]));

    // The spreadsheet template names the columns an import reads.
    let reply = send(
        &app,
        get("/admin/frameworks/case-template.csv", Some(&admin)),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply
        .body
        .starts_with("identifier,fullStatement,humanCodingScheme"));
}

/// A form the browser posts (`application/x-www-form-urlencoded`).
fn form(path: &str, cookie: &str, body: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap()
}

fn location(reply: &super::Reply) -> String {
    reply.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string()
}

/// The frameworks page following a CASE job once it shows `done`.
async fn case_page_when(app: &axum::Router, cookie: &str, at: &str, done: &str) -> String {
    for _ in 0..200 {
        let page = send(app, get(at, Some(cookie))).await;
        assert_eq!(page.status, StatusCode::OK);
        if page.body.contains(done) {
            return page.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let page = send(app, get(at, Some(cookie))).await.body;
    let status = page
        .find("import-status")
        .map_or("", |at| &page[at..(at + 1500).min(page.len())]);
    panic!("the page never showed {done:?}: {status}");
}

/// A framework downloaded as a package comes back in through the frameworks page as a copy
/// (previewed, then imported at the depths chosen), descriptors come in through a framework's
/// page and a competency goes out as one; a teacher may do none of it.
async fn packages_and_descriptors_come_in_through_the_pages(store: &Store) {
    let app = app(store).await;
    let admin = sign_in(&app, "admin@demo.cairn").await;
    let teacher = sign_in(&app, "teacher@demo.cairn").await;
    let framework: i64 =
        sqlx::query_scalar("SELECT id FROM frameworks WHERE name = 'Riverbend Values'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    let reply = send(
        &app,
        get(
            &format!("/admin/frameworks/{framework}/case.json"),
            Some(&admin),
        ),
    )
    .await;
    // Another document: its identifier changed wherever the package names it.
    let mut package = json(&reply);
    let document = package["CFDocument"]["identifier"]
        .as_str()
        .unwrap()
        .to_string();
    package["CFDocument"]["title"] = "Riverbend Values (copy)".into();
    let text = package
        .to_string()
        .replace(&document, "0b9d3c4e-5f60-4a71-8b92-a3b4c5d6e7f8");
    let bytes = text.into_bytes();
    let bytes: &'static [u8] = bytes.leak();
    let upload = |cookie: &str| {
        super::multipart(
            "/admin/frameworks/case",
            cookie,
            &[],
            Some(("values.json", bytes)),
        )
    };
    assert_eq!(
        send(&app, upload(&teacher)).await.status,
        StatusCode::FORBIDDEN
    );
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM competencies")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let preview = location(&send(&app, upload(&admin)).await);
    assert!(preview.starts_with("/admin/frameworks?case="), "{preview}");
    let page = case_page_when(&app, &admin, &preview, "nothing is written yet").await;
    assert!(page.contains("Preview these depths"), "{page}");
    let id = preview.split_once("case=").unwrap().1.to_string();

    let unknown = send(
        &app,
        form("/admin/frameworks/case/run", &admin, "id=1&competencies=2"),
    )
    .await;
    assert!(location(&unknown)
        .contains("upload_error=file%3A%20that%20preview%20is%20no%20longer%20kept"));
    let run = format!("id={id}&areas=1&competencies=2&action=import");
    assert_eq!(
        send(&app, form("/admin/frameworks/case/run", &teacher, &run))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let imported = location(&send(&app, form("/admin/frameworks/case/run", &admin, &run)).await);
    case_page_when(
        &app,
        &admin,
        &imported,
        "Imported into Riverbend Values (copy) (a new framework): 4 competencies added",
    )
    .await;
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM competencies")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(after, before + 4);

    // A Rich Skill Descriptor into the framework, and a competency out as one.
    let descriptor = br#"{"id": "https://osmt.example.edu/api/skills/0d1e", "uuid": "0d1e2f30-4a5b-4c6d-8e7f-8091a2b3c4d5",
        "skillName": "Kindness", "skillStatement": "Acts with care for others.", "keywords": ["care"]}"#;
    let path = format!("/admin/frameworks/{framework}/rsd");
    let post = |cookie: &str| {
        super::multipart(
            &path,
            cookie,
            &[("area", "")],
            Some(("kindness.json", &descriptor[..])),
        )
    };
    assert_eq!(
        send(&app, post(&teacher)).await.status,
        StatusCode::FORBIDDEN
    );
    let done = location(&send(&app, post(&admin)).await);
    assert_eq!(
        done,
        format!("/admin/frameworks/{framework}?rsd_added=1&rsd_updated=0")
    );
    let page = send(&app, get(&done, Some(&admin))).await;
    assert!(
        page.body.contains("1 competency added, 0 updated."),
        "{}",
        page.body
    );
    let again = location(&send(&app, post(&admin)).await);
    assert!(again.ends_with("rsd_added=0&rsd_updated=1"), "{again}");
    let wrong = super::multipart(&path, &admin, &[], Some(("x.json", b"[]")));
    assert!(location(&send(&app, wrong).await).contains("upload_error=file%3A"));

    let kindness: i64 = sqlx::query_scalar("SELECT id FROM competencies WHERE name = 'Kindness'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let path = format!("/admin/competencies/{kindness}/rsd.json");
    assert_eq!(
        send(&app, get(&path, Some(&teacher))).await.status,
        StatusCode::FORBIDDEN
    );
    let reply = send(&app, get(&path, Some(&admin))).await;
    assert_eq!(reply.status, StatusCode::OK);
    let out = json(&reply);
    assert_eq!(out["skillName"], "Kindness");
    assert_eq!(out["id"], "https://osmt.example.edu/api/skills/0d1e");
}

cairn::store_tests!(
    frameworks_are_exported_by_administrators_and_served_once_published,
    packages_and_descriptors_come_in_through_the_pages,
);
