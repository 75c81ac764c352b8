//! Credentials against real databases: issued when earned, signed, verified, revoked.

use super::testing::{user_id, viewer};
use super::trust::Vantage;
use super::Store;
use crate::access;
use crate::demo::{self, SeedOptions};
use crate::error::CoreError;
use crate::model::CredentialKind;

fn small_school() -> demo::School {
    demo::generate(&SeedOptions {
        learners: 30,
        seed: 5,
        evidence_per_competency: (1, 2),
    })
}

async fn achievement(store: &Store, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM achievements WHERE name = $1")
        .bind(name)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn credential_rows(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM credentials")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// Marks every school value at the top level: the values award is then earned.
async fn earn_values_award(store: &Store, learner: i64) {
    for code in ["VAL-RES", "VAL-RSP", "VAL-RSL", "VAL-INT"] {
        let competency: i64 = sqlx::query_scalar("SELECT id FROM competencies WHERE code = $1")
            .bind(code)
            .fetch_one(store.pool())
            .await
            .unwrap();
        store
            .record_evidence(&super::levels::NewEvidence {
                learner_id: learner,
                competency_id: competency,
                level: 4.0,
                given_by: None,
                source: "teacher",
                source_ref: None,
                group_id: None,
                comment: None,
                supersedes_id: None,
                score: None,
                observed_at: "2026-11-23T09:00:00Z".into(),
            })
            .await
            .unwrap();
    }
}

async fn earning_an_achievement_issues_a_credential_that_verifies(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    store.set_public_url("https://school.example/");
    store.ensure_issuer_keys().await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    // A progress record shared before mastery, which the earned badge will supersede.
    let award = achievement(store, "Riverbend Values Award").await;
    let record =
        access::share_progress_record(store, &viewer(store, "learner@demo.cairn").await, award)
            .await
            .unwrap();
    let before = store.learner_credentials(learner).await.unwrap();
    earn_values_award(store, learner).await;
    let after = store.learner_credentials(learner).await.unwrap();
    let issued: Vec<_> = after.iter().filter(|c| !before.contains(c)).collect();
    assert_eq!(issued.len(), 1, "{after:?}");
    let summary = issued[0];
    assert_eq!(summary.achievement, "Riverbend Values Award");
    assert_eq!(summary.kind, CredentialKind::Earned);
    assert_eq!(summary.status, "active");
    assert_eq!(
        summary.id,
        format!("https://school.example/credentials/{}", summary.public_id)
    );

    let superseded = store
        .backpack(learner)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|i| {
            i.credential_page.as_deref() == Some(&format!("/credentials/{}", record.public_id))
        })
        .unwrap();
    assert_eq!(
        superseded.superseded_by,
        Some(format!("/credentials/{}", summary.public_id))
    );
    let credential = store.credential(&summary.public_id).await.unwrap().unwrap();
    let document = &credential.document;
    assert_eq!(document["id"], summary.id.as_str());
    assert_eq!(document["issuer"]["id"], "https://school.example/issuers/1");
    assert_eq!(document["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(
        document["credentialSubject"]["result"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert!(!document.to_string().contains("learner@demo.cairn"));

    // Both forms verify, each check passing.
    for form in [document.to_string(), credential.jwt.clone()] {
        let verification = store
            .verify_credential(&form, Vantage::default())
            .await
            .unwrap();
        assert!(verification.verified, "{verification:?}");
    }
    // The issuer profile publishes the key the proof names.
    let profile = store.issuer_profile(1).await.unwrap().unwrap();
    let method = document["proof"]["verificationMethod"].as_str().unwrap();
    assert!(profile["assertionMethod"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == method && m["type"] == "Multikey"));
    // Marking more changes nothing already issued, and issues nothing twice.
    earn_values_award(store, learner).await;
    assert_eq!(store.learner_credentials(learner).await.unwrap(), after);
    // The issuer profile expands with every term defined (as a verifier in JSON-LD safe mode
    // reads it): `assertionMethod` is the security vocabulary's.
    let nquads = crate::credentials::canon::canonical_nquads(&profile).unwrap();
    assert!(
        nquads.contains("<https://w3id.org/security#assertionMethod>"),
        "{nquads}"
    );
    // Once earned, a progress record is refused: the badge says it all.
    let refused =
        access::share_progress_record(store, &viewer(store, "learner@demo.cairn").await, award)
            .await;
    assert!(
        matches!(&refused, Err(CoreError::Invalid { reason, .. })
            if reason.contains(&format!("/credentials/{}", summary.public_id))),
        "{refused:?}"
    );
    let record_document = store
        .credential(&record.public_id)
        .await
        .unwrap()
        .unwrap()
        .document;
    assert!(record_document["validUntil"].is_string());

    // Revocation: only the institution's administrators, with a reason.
    let parent = viewer(store, "parent@demo.cairn").await;
    let admin = viewer(store, "admin@demo.cairn").await;
    assert!(matches!(
        access::revoke_credential(store, &parent, &summary.public_id, "no").await,
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(
        access::revoke_credential(store, &admin, &summary.public_id, "  ").await,
        Err(CoreError::Invalid { .. })
    ));
    access::revoke_credential(store, &admin, &summary.public_id, "awarded in error")
        .await
        .unwrap();
    assert!(matches!(
        access::revoke_credential(store, &admin, &summary.public_id, "again").await,
        Err(CoreError::Conflict(_))
    ));
    let verification = store
        .verify_credential(&document.to_string(), Vantage::default())
        .await
        .unwrap();
    let failed = verification.failure().unwrap();
    assert_eq!(
        (failed.check.as_str(), failed.detail.as_str()),
        ("status", "revoked by its issuer")
    );
    // The progress record of the same achievement follows the badge.
    let record_verification = store
        .verify_credential(&record_document.to_string(), Vantage::default())
        .await
        .unwrap();
    let failed = record_verification.failure().unwrap();
    assert_eq!(
        (failed.check.as_str(), failed.detail.as_str()),
        ("status", "revoked by its issuer")
    );
    let list = store.status_list_credential(1, 1).await.unwrap().unwrap();
    assert_eq!(list["type"][1], "BitstringStatusListCredential");
    let status = store.learner_credentials(learner).await.unwrap();
    assert_eq!(
        status
            .iter()
            .find(|c| c.public_id == summary.public_id)
            .unwrap()
            .status,
        "revoked"
    );

    // A revoked credential is not issued again by itself; staff may issue a new one.
    earn_values_award(store, learner).await;
    assert_eq!(
        store.learner_credentials(learner).await.unwrap().len(),
        after.len()
    );
    let award = achievement(store, "Riverbend Values Award").await;
    let teacher = viewer(store, "teacher@demo.cairn").await;
    let reissued = access::issue_credential(store, &admin, learner, award)
        .await
        .unwrap();
    assert_ne!(reissued.public_id, summary.public_id);
    assert!(matches!(
        access::issue_credential(store, &parent, learner, award).await,
        Err(CoreError::Forbidden)
    ));
    // The teacher of the learner's group is allowed; the standing credential comes back.
    let again = access::issue_credential(store, &teacher, learner, award)
        .await
        .unwrap();
    assert_eq!(again.public_id, reissued.public_id);
}

async fn a_progress_record_keeps_its_id_from_version_to_version(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    store.ensure_issuer_keys().await.unwrap();
    let learner = viewer(store, "learner@demo.cairn").await;
    let progress = store.learner_progress(learner.id).await.unwrap().unwrap();
    let unmet = progress
        .achievements
        .iter()
        .find(|a| a.state == crate::model::BadgeState::Provisional)
        .expect("the demo learner has an achievement in progress");
    let rows = credential_rows(store).await;
    // Not earned yet: an earned credential is refused, and nothing is written.
    let refused = store
        .issue_credential(learner.id, unmet.id, CredentialKind::Earned, None)
        .await;
    assert!(
        matches!(refused, Err(CoreError::Invalid { .. })),
        "{refused:?}"
    );
    assert_eq!(credential_rows(store).await, rows);

    let first = access::share_progress_record(store, &learner, unmet.id)
        .await
        .unwrap();
    let second = access::share_progress_record(store, &learner, unmet.id)
        .await
        .unwrap();
    assert_eq!(first.public_id, second.public_id);
    assert_eq!(first.document["id"], second.document["id"]);
    assert!(second.document["validFrom"].as_str() >= first.document["validFrom"].as_str());
    assert_eq!(
        first.document["credentialStatus"],
        second.document["credentialStatus"]
    );
    assert_eq!(credential_rows(store).await, rows + 2);
    let latest = store.credential(&first.public_id).await.unwrap().unwrap();
    assert_eq!(latest.document, second.document);
    let verification = store
        .verify_credential(&latest.jwt, Vantage::default())
        .await
        .unwrap();
    assert!(verification.verified, "{verification:?}");
    // An older version, shown after a newer one was issued, says it was superseded.
    sqlx::query("UPDATE credentials SET valid_from = '2099-01-01T00:00:00Z' WHERE jwt = $1")
        .bind(&latest.jwt)
        .execute(store.pool())
        .await
        .unwrap();
    let old = store
        .verify_credential(&first.document.to_string(), Vantage::default())
        .await
        .unwrap();
    let failed = old.failure().unwrap();
    assert_eq!(failed.check, "status");
    assert!(
        failed.detail.starts_with("superseded on 2099-01-01"),
        "{failed:?}"
    );
    let item = store
        .backpack(learner.id)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|i| {
            i.credential_page.as_deref() == Some(&format!("/credentials/{}", first.public_id))
        });
    assert_eq!(item.unwrap().superseded_by, None);
    // Only the learner shares their own record.
    let parent = viewer(store, "parent@demo.cairn").await;
    assert!(access::share_progress_record(store, &parent, unmet.id)
        .await
        .is_err());
}

/// A credential from another issuer, signed with a `did:key`, issued to `email`: the issuer's
/// DID and the credential.
fn foreign_credential(email: &str, issuer_name: &str) -> (String, serde_json::Value) {
    use crate::credentials::keys::{generate, public_multibase};
    use crate::credentials::open_badge::tests::claim;
    let key = generate();
    let did = format!("did:key:{}", public_multibase(&key.verifying_key()));
    let mut claim = claim();
    claim.learner.email = email.into();
    claim.learner.id = "did:example:a-wallet".into();
    claim.issuer.name = issuer_name.into();
    let mut credential = claim.to_credential();
    credential["issuer"]["id"] = did.clone().into();
    credential
        .as_object_mut()
        .unwrap()
        .remove("credentialStatus");
    let signed = crate::credentials::proof::sign(
        &credential,
        &key,
        &crate::credentials::proof::ProofOptions {
            verification_method: &format!("{did}#{}", public_multibase(&key.verifying_key())),
            created: "2026-11-25T09:00:00Z",
        },
    )
    .unwrap();
    (did, signed)
}

async fn backpack_items(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM backpack_items")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn the_backpack_keeps_imports_collections_and_share_links(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    store.ensure_issuer_keys().await.unwrap();
    let learner = viewer(store, "learner@demo.cairn").await;
    let parent = viewer(store, "parent@demo.cairn").await;
    let achievement = store
        .learner_progress(learner.id)
        .await
        .unwrap()
        .unwrap()
        .achievements[0]
        .id;
    // What is issued arrives in the backpack, once per credential.
    access::share_progress_record(store, &learner, achievement)
        .await
        .unwrap();
    access::share_progress_record(store, &learner, achievement)
        .await
        .unwrap();
    let backpack = store.backpack(learner.id).await.unwrap();
    assert_eq!(backpack.items.len(), 1);
    assert!(backpack.items[0].verified, "{:?}", backpack.items[0]);
    assert_eq!(backpack.items[0].kind, CredentialKind::Provisional);

    // Imports: a good one from an issuer the school trusts verifies; a tampered one is kept,
    // shown as not verified; hostile input is refused and nothing is stored.
    let (did, foreign) = foreign_credential(&learner.email, "Another School");
    let admin = viewer(store, "admin@demo.cairn").await;
    crate::admin::trust_issuer(store, &admin, &did, "Another School", None)
        .await
        .unwrap();
    let foreign_document = foreign.to_string();
    let imported = store
        .import_credential(learner.id, &foreign_document)
        .await
        .unwrap();
    assert!(imported.verified, "{imported:?}");
    assert_eq!(imported.issuer, "Another School");
    let mut tampered = foreign;
    tampered["name"] = "Something grander".into();
    let kept = store
        .import_credential(learner.id, &tampered.to_string())
        .await
        .unwrap();
    assert!(!kept.verified);
    assert!(
        kept.problem.as_deref().unwrap().starts_with("signature"),
        "{kept:?}"
    );
    let rows = backpack_items(store).await;
    let mut unknown_context = foreign_credential(&learner.email, "Another School").1;
    unknown_context["@context"][1] = "https://evil.example/context.json".into();
    for hostile in [
        unknown_context.to_string(),
        format!("{{\"a\":{}{}}}", "[".repeat(100), "]".repeat(100)),
        "x".repeat(300 * 1024),
        serde_json::json!({"type": ["VerifiableCredential"], "name": "not a badge"}).to_string(),
    ] {
        let refused = store.import_credential(learner.id, &hostile).await;
        assert!(
            matches!(refused, Err(CoreError::Invalid { .. })),
            "{refused:?}"
        );
    }
    assert_eq!(backpack_items(store).await, rows);
    let document = store
        .imported_document(learner.id, imported.id)
        .await
        .unwrap();
    assert_eq!(document, foreign_document);
    assert!(store
        .imported_document(parent.id, imported.id)
        .await
        .is_err());

    // A collection, shared by link; only its owner changes it.
    let collection = store
        .create_collection(learner.id, "For my application", "")
        .await
        .unwrap();
    assert!(store.create_collection(learner.id, "  ", "").await.is_err());
    store
        .include_item(learner.id, collection, imported.id, true)
        .await
        .unwrap();
    assert!(store
        .include_item(parent.id, collection, imported.id, true)
        .await
        .is_err());
    let link = store
        .create_share_link(learner.id, collection, Some(30))
        .await
        .unwrap();
    assert!(store
        .create_share_link(learner.id, collection, Some(0))
        .await
        .is_err());
    let token = link.path.trim_start_matches("/share/").to_owned();
    let shared = store.shared_collection(&token).await.unwrap().unwrap();
    assert_eq!(shared.name, "For my application");
    assert_eq!(shared.items.len(), 1);
    assert!(shared.items[0].verified);
    assert!(
        shared.items[0].download.is_empty(),
        "imported documents stay private"
    );
    assert!(store.revoke_share_link(parent.id, link.id).await.is_err());
    store.revoke_share_link(learner.id, link.id).await.unwrap();
    assert!(store.shared_collection(&token).await.unwrap().is_none());
    // An expired link stops working too.
    let later = store
        .create_share_link(learner.id, collection, None)
        .await
        .unwrap();
    let later_token = later.path.trim_start_matches("/share/").to_owned();
    assert!(store
        .shared_collection(&later_token)
        .await
        .unwrap()
        .is_some());
    sqlx::query("UPDATE share_links SET expires_at = '2026-01-01T00:00:00Z' WHERE id = $1")
        .bind(later.id)
        .execute(store.pool())
        .await
        .unwrap();
    assert!(store
        .shared_collection(&later_token)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .shared_collection("no-such-token")
        .await
        .unwrap()
        .is_none());

    // The public profile shows only what is published.
    let handle = store
        .backpack(learner.id)
        .await
        .unwrap()
        .profile_path
        .trim_start_matches("/u/")
        .to_owned();
    assert!(store.public_profile(&handle).await.unwrap().is_none());
    store
        .set_collection_public(learner.id, collection, true)
        .await
        .unwrap();
    let (_, published) = store.public_profile(&handle).await.unwrap().unwrap();
    assert_eq!(published.len(), 1);
    store
        .delete_collection(learner.id, collection)
        .await
        .unwrap();
    assert!(store.public_profile(&handle).await.unwrap().is_none());
    assert_eq!(store.backpack(learner.id).await.unwrap().items.len(), 3);
}

/// The smallest PNG there is: a signature and an empty chunk are enough for the sniffer.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

async fn rows_in(store: &Store, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn a_training_record_keeps_its_file_and_refuses_disguises(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("cairn-files-{}", rand::random::<u64>()));
    store.set_file_storage(dir.clone(), 1024);
    let learner = viewer(store, "learner@demo.cairn").await;
    let parent = viewer(store, "parent@demo.cairn").await;

    let item = store
        .add_training_record(learner.id, "First aid (St John)", "certificate.png", PNG)
        .await
        .unwrap();
    assert_eq!(item.source, crate::model::ItemSource::Uploaded);
    assert!(!item.verified);
    let file_id: i64 = item.download.trim_start_matches("/files/").parse().unwrap();
    let file = crate::story::file(store, &learner, file_id).await.unwrap();
    assert_eq!(file.content_type, "image/png");
    assert_eq!(std::fs::read(&file.path).unwrap(), PNG);
    // A record's certificate is its owner's alone, even for a linked parent.
    assert!(crate::story::file(store, &parent, file_id).await.is_err());

    // Refused, and nothing kept: an executable named .png, an oversized file, no title.
    let (files, items) = (
        rows_in(store, "files").await,
        rows_in(store, "backpack_items").await,
    );
    let kept_on_disk = std::fs::read_dir(&dir).unwrap().count();
    let disguised = store
        .add_training_record(
            learner.id,
            "Totally a certificate",
            "photo.png",
            b"MZ\x90\0\x03\0\0\0",
        )
        .await;
    assert!(
        matches!(&disguised, Err(CoreError::Invalid { reason, .. }) if reason.contains("photo.png is not")),
        "{disguised:?}"
    );
    let mut large = PNG.to_vec();
    large.resize(2048, 0);
    let oversized = store
        .add_training_record(learner.id, "Big", "big.png", &large)
        .await;
    assert!(
        matches!(&oversized, Err(CoreError::Invalid { reason, .. }) if reason.contains("larger than")),
        "{oversized:?}"
    );
    assert!(store
        .add_training_record(learner.id, " ", "c.png", PNG)
        .await
        .is_err());
    assert_eq!(rows_in(store, "files").await, files);
    assert_eq!(rows_in(store, "backpack_items").await, items);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), kept_on_disk);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Forged, borrowed and misaddressed credentials are kept honest: an issuer nobody trusts is
/// "not known" whatever name it writes, another learner's credential cannot be imported, one
/// issued to someone else never reaches a public page, and the trusted list is the
/// administrators' alone.
async fn credentials_from_elsewhere_are_shown_for_what_they_are(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    store.ensure_issuer_keys().await.unwrap();
    let learner = viewer(store, "learner@demo.cairn").await;
    let admin = viewer(store, "admin@demo.cairn").await;
    let teacher = viewer(store, "teacher@demo.cairn").await;
    let school = learner.institution.clone();

    // A badge made at home, claiming the school's name: its signature holds, its issuer is
    // not known, and the school's name is not shown as its issuer.
    let (forger, forged) = foreign_credential(&learner.email, &school);
    let item = store
        .import_credential(learner.id, &forged.to_string())
        .await
        .unwrap();
    assert!(!item.verified, "{item:?}");
    assert!(!item.issuer_known);
    assert_eq!(item.issuer, format!("{forger} (issuer not known)"));
    assert_eq!(item.state, "Signature valid — issuer not known");
    assert!(
        item.problem
            .as_deref()
            .unwrap()
            .ends_with(&format!("is not known to {school}")),
        "{item:?}"
    );

    // Another learner's credential issued here is refused with the reason; one's own too.
    earn_values_award(store, user_id(store, "learner@demo.cairn").await).await;
    let others: Vec<i64> = sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id \
         JOIN roles r ON r.id = ur.role_id \
         WHERE u.institution_id = $1 AND u.id <> $2 AND r.key = 'learner' ORDER BY u.id LIMIT 1",
    )
    .bind(learner.institution_id)
    .bind(learner.id)
    .fetch_all(store.pool())
    .await
    .unwrap();
    earn_values_award(store, others[0]).await;
    let award = achievement(store, "Riverbend Values Award").await;
    let theirs = store.learner_credentials(others[0]).await.unwrap();
    let theirs = theirs
        .iter()
        .find(|c| c.kind == CredentialKind::Earned)
        .unwrap();
    let theirs = store.credential(&theirs.public_id).await.unwrap().unwrap();
    let refused = store
        .import_credential(learner.id, &theirs.document.to_string())
        .await;
    assert!(
        matches!(&refused, Err(CoreError::Invalid { reason, .. }) if reason.contains("someone else")),
        "{refused:?}"
    );
    let mine = store
        .issue_credential(learner.id, award, CredentialKind::Earned, None)
        .await
        .unwrap();
    let refused = store.import_credential(learner.id, &mine.jwt).await;
    assert!(
        matches!(&refused, Err(CoreError::Invalid { reason, .. }) if reason.contains("already in your backpack")),
        "{refused:?}"
    );

    // From a trusted issuer but to another email address: kept, marked, never public.
    let (friend, misaddressed) = foreign_credential("someone.else@example.org", "Friendly College");
    crate::admin::trust_issuer(store, &admin, &friend, "Friendly College", None)
        .await
        .unwrap();
    let kept = store
        .import_credential(learner.id, &misaddressed.to_string())
        .await
        .unwrap();
    assert_eq!(kept.holder, crate::model::Outcome::Failed);
    assert_eq!(kept.state, "Issued to someone else");
    assert!(!kept.verified);
    let collection = store
        .create_collection(learner.id, "Everything", "")
        .await
        .unwrap();
    for id in [item.id, kept.id] {
        store
            .include_item(learner.id, collection, id, true)
            .await
            .unwrap();
    }
    let link = store
        .create_share_link(learner.id, collection, None)
        .await
        .unwrap();
    let shared = store
        .shared_collection(link.path.trim_start_matches("/share/"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        shared.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![item.id],
        "only what was issued to its owner"
    );
    assert!(!shared.items[0].verified);

    // The list is the administrators': audited, checked, and the school itself is implied.
    assert!(matches!(
        crate::admin::trust_issuer(store, &teacher, &forger, "Me", None).await,
        Err(CoreError::Forbidden)
    ));
    for (issuer, name, document) in [
        (forger.as_str(), "", None),
        ("not an identifier", "X", None),
        (&friend, "Again", None),
        (&store.issuer_id(learner.institution_id), "Us", None),
        ("", "", Some("{\"id\": \"did:web:x.example\"}")),
    ] {
        let refused = crate::admin::trust_issuer(store, &admin, issuer, name, document).await;
        assert!(
            matches!(refused, Err(CoreError::Invalid { .. })),
            "{issuer}: {refused:?}"
        );
    }
    let listed = crate::admin::trusted_issuers(store, &admin).await.unwrap();
    assert_eq!(listed.issuers.len(), 1);
    assert_eq!(listed.issuers[0].name, "Friendly College");
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE subject_type = 'issuer' ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(actions, vec!["trust issuer"]);
    crate::admin::stop_trusting_issuer(store, &admin, listed.issuers[0].id)
        .await
        .unwrap();
    let backpack = store.backpack(learner.id).await.unwrap();
    let again = backpack.items.iter().find(|i| i.id == kept.id).unwrap();
    assert!(!again.issuer_known);
}

/// Badges people hold from other platforms, imported into a backpack: an OB 3.0.1 badge on the
/// VC 1.1 data model with an Ed25519Signature2020 proof from a `did:web` issuer whose DID
/// document the school uploaded, and 1EdTech's published OB 3.0 example signed with its
/// published key, from an issuer whose profile the school uploaded. Each verifies; a tampered
/// copy of each does not.
async fn badges_from_other_platforms_verify_once_their_issuers_are_trusted(store: &Store) {
    use crate::credentials::keys::{generate, parse_secret_multibase, public_multibase};
    use crate::credentials::proof::tests::{
        published_credential, published_options, PUBLISHED_KEY,
    };
    use crate::credentials::proof::{add_proof, sign, ProofOptions, Suite};
    use crate::credentials::verify::tests::{did_web_document, vc11_badge};
    use crate::model::Outcome;
    store.load_school(&small_school()).await.unwrap();
    let learner = viewer(store, "learner@demo.cairn").await;
    let admin = viewer(store, "admin@demo.cairn").await;

    let key = generate();
    let mut badge = vc11_badge();
    badge["credentialSubject"]["identifier"][0]["identityHash"] = learner.email.clone().into();
    let badge = add_proof(
        &badge,
        &key,
        &ProofOptions {
            verification_method: "did:web:badges.example.org#key-1",
            created: "2024-03-01T10:00:00Z",
        },
        Suite::Ed25519Signature2020,
    )
    .unwrap();
    let document = did_web_document(&key).to_string();
    crate::admin::trust_issuer(
        store,
        &admin,
        "",
        "Example Badging Platform",
        Some(&document),
    )
    .await
    .unwrap();
    let imported = store
        .import_credential(learner.id, &badge.to_string())
        .await
        .unwrap();
    assert!(imported.verified, "{imported:?}");
    assert_eq!(imported.holder, Outcome::Passed);
    assert_eq!(imported.issuer, "Example Badging Platform");
    let mut tampered = badge;
    tampered["credentialSubject"]["achievement"]["name"] = "Advanced Data".into();
    let kept = store
        .import_credential(learner.id, &tampered.to_string())
        .await
        .unwrap();
    assert!(!kept.verified);
    assert!(kept
        .problem
        .unwrap()
        .starts_with("signature: Ed25519Signature2020"));

    // The published example: its key from the issuer's profile, uploaded by the school.
    let published_key = parse_secret_multibase(PUBLISHED_KEY).unwrap();
    let example = sign(
        &published_credential(),
        &published_key,
        &published_options(),
    )
    .unwrap();
    let profile = serde_json::json!({
        "id": "https://example.edu/issuers/565049",
        "name": "Example Corp",
        "assertionMethod": [{
            "id": published_options().verification_method,
            "type": "Multikey",
            "controller": "https://example.edu/issuers/565049",
            "publicKeyMultibase": public_multibase(&published_key.verifying_key()),
        }]
    });
    crate::admin::trust_issuer(store, &admin, "", "", Some(&profile.to_string()))
        .await
        .unwrap();
    let imported = store
        .import_credential(learner.id, &example.to_string())
        .await
        .unwrap();
    assert!(imported.verified, "{imported:?}");
    assert_eq!(imported.issuer, "Example Corp");
    // Its subject is a DID Cairn cannot tie to the learner: verified, holder not confirmed.
    assert_eq!(imported.holder, Outcome::Unknown);
    assert_eq!(imported.state, "Verified — holder not confirmed");
    let mut tampered = example;
    tampered["validFrom"] = "2009-01-01T00:00:00Z".into();
    let kept = store
        .import_credential(learner.id, &tampered.to_string())
        .await
        .unwrap();
    assert!(!kept.verified);
    assert!(kept.problem.unwrap().starts_with("signature"));
}

/// A standard a newer framework retired is no longer asked for: the achievement is earned on
/// the others (as the learner's dashboard already counts it).
async fn a_retired_competency_is_no_longer_asked_for(store: &Store) {
    store.load_school(&small_school()).await.unwrap();
    store.ensure_issuer_keys().await.unwrap();
    let learner = user_id(store, "learner@demo.cairn").await;
    let award = achievement(store, "Riverbend Values Award").await;
    let earned_by = |store: &Store, learner: i64| {
        let store = store.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM credentials WHERE learner_id = $1 AND achievement_id = $2 \
                 AND kind = 'earned'",
            )
            .bind(learner)
            .bind(award)
            .fetch_one(store.pool())
            .await
            .unwrap()
        }
    };
    for (code, level) in [
        ("VAL-RES", 4.0),
        ("VAL-RSP", 4.0),
        ("VAL-RSL", 4.0),
        ("VAL-INT", 1.0),
    ] {
        store
            .record_evidence(&super::levels::NewEvidence {
                level,
                ..super::testing::teacher_mark(
                    learner,
                    super::testing::competency(store, code).await,
                    level,
                    "2026-11-23T09:00:00Z",
                )
            })
            .await
            .unwrap();
    }
    assert_eq!(
        earned_by(store, learner).await,
        0,
        "integrity is not mastered"
    );
    sqlx::query(
        "UPDATE competencies SET retired_at = '2026-12-01T00:00:00Z' WHERE code = 'VAL-INT'",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let issued = store.issue_due_credentials(learner).await.unwrap();
    assert_eq!(issued.len(), 1);
    assert_eq!(earned_by(store, learner).await, 1);

    // Every criterion retired: the achievement is earned by nobody.
    sqlx::query(
        "UPDATE competencies SET retired_at = '2026-12-01T00:00:00Z' WHERE code LIKE 'VAL-%'",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let other: i64 = sqlx::query_scalar(
        "SELECT learner_id FROM current_levels WHERE learner_id NOT IN \
           (SELECT learner_id FROM credentials WHERE achievement_id = $1 AND learner_id IS NOT NULL) \
         ORDER BY learner_id LIMIT 1",
    )
    .bind(award)
    .fetch_one(store.pool())
    .await
    .unwrap();
    store.issue_due_credentials(other).await.unwrap();
    assert_eq!(earned_by(store, other).await, 0);
}

crate::store_tests!(
    a_retired_competency_is_no_longer_asked_for,
    badges_from_other_platforms_verify_once_their_issuers_are_trusted,
    credentials_from_elsewhere_are_shown_for_what_they_are,
    a_training_record_keeps_its_file_and_refuses_disguises,
    the_backpack_keeps_imports_collections_and_share_links,
    earning_an_achievement_issues_a_credential_that_verifies,
    a_progress_record_keeps_its_id_from_version_to_version,
);
