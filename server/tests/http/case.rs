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

cairn::store_tests!(frameworks_are_exported_by_administrators_and_served_once_published,);
