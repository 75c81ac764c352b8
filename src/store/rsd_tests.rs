//! Rich Skill Descriptors imported on real databases: an Open Skills Network collection into a
//! framework's area, imported again after the publisher's edits (updated in place, evidence
//! kept), exported back with what Cairn does not model; wrong files and other roles change
//! nothing.

use serde_json::{json, Value};

use super::testing::{count, viewer};
use super::Store;
use crate::demo::{self, SeedOptions};
use crate::error::CoreError;
use crate::frameworks::{export_case, export_rsd, import_rsd};

async fn school(store: &Store) {
    store
        .load_school(&demo::generate(&SeedOptions {
            learners: 10,
            seed: 7,
            evidence_per_competency: (1, 1),
        }))
        .await
        .unwrap();
}

/// The values framework and its one area.
async fn values(store: &Store) -> (i64, i64) {
    sqlx::query_as(
        "SELECT f.id, a.id FROM frameworks f JOIN framework_areas a ON a.framework_id = f.id \
         WHERE f.name = 'Riverbend Values'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap()
}

const URL: &str = "https://osmt.example.edu/api/skills/60f17310-8462-46ad-b739-25dbb70746cb";

/// A collection as OSMT exports it with its skills: one current descriptor, one older (a
/// single `category` and `author`, no URL).
fn collection(statement: &str) -> Value {
    json!({
        "@context": "https://rsd.openskillsnetwork.org/context-v1.json",
        "type": "RichSkillCollection",
        "name": "Community skills",
        "skills": [
            {
                "@context": "https://rsd.openskillsnetwork.org/context-v1.json",
                "type": "RichSkillDescriptor",
                "id": URL,
                "uuid": "60f17310-8462-46ad-b739-25dbb70746cb",
                "status": "published",
                "skillName": "Collaboration",
                "skillStatement": statement,
                "categories": ["School values"],
                "keywords": ["teamwork", "listening"],
                "authors": ["Open Skills Example"],
                "alignments": [{"id": "https://en.wikipedia.org/wiki/Collaboration", "skillName": "Collaboration", "isPartOf": {"name": "Wikipedia"}}],
                "occupations": [{"code": "25-2031.00", "targetNodeName": "Secondary School Teachers", "frameworkName": "o*net"}],
                "certifications": [{"name": "Community Leader"}]
            },
            {
                "uuid": "9c0e2f4a-1111-4222-8333-444455556666",
                "skillName": "Public speaking",
                "skillStatement": "Speaks to an audience with a clear structure.",
                "category": "Oratory",
                "author": "Example College",
                "keywords": []
            }
        ]
    })
}

async fn descriptors_import_into_an_area_and_update_in_place(store: &Store) {
    school(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let (framework, area) = values(store).await;
    let file = collection("Works with others *towards* a shared goal.").to_string();
    let first = import_rsd(
        store,
        &admin,
        framework,
        Some(area),
        "community.json",
        file.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!((first.created, first.updated), (2, 0));

    type Row = (
        i64,
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
        String,
        String,
    );
    let read = |url: Option<&'static str>, uuid: &'static str| async move {
        let row: Row = sqlx::query_as(
            "SELECT c.id, c.code, c.skill_statement, k.name, c.area_id, c.case_uri, \
               c.case_identifier, c.keywords, c.notes \
             FROM competencies c JOIN categories k ON k.id = c.category_id \
             WHERE c.framework_id = $1 AND (c.case_uri = $2 OR c.case_identifier = $3)",
        )
        .bind(framework)
        .bind(url)
        .bind(uuid)
        .fetch_one(store.pool())
        .await
        .unwrap();
        row
    };
    let collaboration = read(Some(URL), "60f17310-8462-46ad-b739-25dbb70746cb").await;
    assert_eq!(collaboration.1, "60f17310");
    assert_eq!(
        collaboration.3, "School values",
        "the category of the same name"
    );
    assert_eq!(collaboration.4, Some(area));
    assert_eq!(
        collaboration.5.as_deref(),
        Some(URL),
        "the URL is the canonical identifier"
    );
    assert_eq!(collaboration.7, "teamwork, listening");
    assert_eq!(
        collaboration.8,
        "Occupations: 25-2031.00 Secondary School Teachers (o*net). Authors: Open Skills Example."
    );
    let speaking = read(None, "9c0e2f4a-1111-4222-8333-444455556666").await;
    assert_eq!(
        speaking.5.as_deref(),
        Some("urn:uuid:9c0e2f4a-1111-4222-8333-444455556666"),
        "without a URL, known by its uuid"
    );
    assert_eq!(
        speaking.3, "School values",
        "no category named Oratory: the framework's"
    );

    // A learner is marked on it; the publisher rewords it; importing it again updates it.
    let learner = super::testing::user_id(store, demo::DEMO_LEARNER).await;
    store
        .record_evidence(&super::testing::teacher_mark(
            learner,
            collaboration.0,
            3.0,
            "2026-12-07T09:00:00Z",
        ))
        .await
        .unwrap();
    let evidence = count(store, "evidence").await;
    let competencies = count(store, "competencies").await;
    let newer = collection("Works with others towards a shared goal, and shares the credit.");
    let again = import_rsd(
        store,
        &admin,
        framework,
        None,
        "community.json",
        newer.to_string().as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!((again.created, again.updated), (0, 2));
    assert_eq!(count(store, "competencies").await, competencies);
    assert_eq!(count(store, "evidence").await, evidence);
    let updated = read(Some(URL), "").await;
    assert_eq!(updated.0, collaboration.0);
    assert!(updated.2.ends_with("shares the credit."));
    assert_eq!(
        updated.4,
        Some(area),
        "an import without an area keeps the one it has"
    );
    let alignments: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM competency_alignments WHERE competency_id = $1")
            .bind(collaboration.0)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(
        alignments, 1,
        "the descriptor's alignments replaced, not added again"
    );

    // Exported, it is the descriptor with Cairn's fields and what Cairn does not model.
    let out = export_rsd(store, &admin, collaboration.0).await.unwrap();
    assert_eq!(out["id"], URL);
    assert_eq!(out["type"], "RichSkillDescriptor");
    assert_eq!(out["skillStatement"], newer["skills"][0]["skillStatement"]);
    assert_eq!(out["certifications"], json!([{"name": "Community Leader"}]));
    assert_eq!(out["occupations"][0]["code"], "25-2031.00");
    assert_eq!(out["alignments"][0]["isPartOf"]["name"], "Wikipedia");
    let back = crate::rsd::read(out.to_string().as_bytes()).unwrap();
    assert_eq!(back[0].url.as_deref(), Some(URL));

    // A competency typed in Cairn exports too, known by its CASE item on this Cairn.
    let respect = super::testing::competency(store, "VAL-RES").await;
    let typed = export_rsd(store, &admin, respect).await.unwrap();
    assert_eq!(typed["skillName"], "Respect");
    assert_eq!(typed["categories"], json!(["School values"]));
    let uuid = typed["uuid"].as_str().unwrap();
    assert!(typed["id"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/ims/case/v1p0/CFItems/{uuid}")));
    // The framework's CASE package carries the descriptor's URL as the item's URI.
    let package = export_case(store, &admin, framework).await.unwrap();
    let items = package["CFItems"].as_array().unwrap();
    assert!(items.iter().any(|item| item["uri"] == URL), "{items:?}");
}

async fn wrong_files_and_other_roles_change_nothing(store: &Store) {
    school(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    let (framework, area) = values(store).await;
    let competencies = count(store, "competencies").await;
    let file = collection("Works with others.").to_string();
    assert!(matches!(
        import_rsd(
            store,
            &teacher,
            framework,
            Some(area),
            "c.json",
            file.as_bytes()
        )
        .await,
        Err(CoreError::Forbidden)
    ));
    let mut wrong = collection("Works with others.");
    wrong["skills"][1]
        .as_object_mut()
        .unwrap()
        .remove("skillStatement");
    let refused = import_rsd(
        store,
        &admin,
        framework,
        None,
        "c.json",
        wrong.to_string().as_bytes(),
    )
    .await
    .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("9c0e2f4a-1111-4222-8333-444455556666 has no skillStatement"),
        "{refused}"
    );
    let other_area: i64 = sqlx::query_scalar(
        "SELECT a.id FROM framework_areas a JOIN frameworks f ON f.id = a.framework_id \
         WHERE f.id <> $1 LIMIT 1",
    )
    .bind(framework)
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(matches!(
        import_rsd(
            store,
            &admin,
            framework,
            Some(other_area),
            "c.json",
            file.as_bytes()
        )
        .await,
        Err(CoreError::Invalid { .. })
    ));
    assert_eq!(count(store, "competencies").await, competencies);
    assert!(matches!(
        export_rsd(store, &teacher, 1).await,
        Err(CoreError::Forbidden)
    ));
}

/// Descriptors known only by web addresses that start alike get codes of their own, and a
/// competency that came from CASE keeps its item type and notes when a descriptor updates it.
async fn codes_stay_unique_and_case_fields_stay(store: &Store) {
    school(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let (framework, _) = values(store).await;
    let slugs = json!([
        {"id": "https://skills.example.org/communication-oral", "skillName": "Oral communication", "skillStatement": "Speaks clearly."},
        {"id": "https://skills.example.org/communication-written", "skillName": "Written communication", "skillStatement": "Writes clearly."}
    ]);
    let done = import_rsd(
        store,
        &admin,
        framework,
        None,
        "s.json",
        slugs.to_string().as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(done.created, 2);
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT code FROM competencies WHERE case_uri LIKE 'https://skills.example.org/%' \
         ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(codes, ["communic", "communic-2"]);

    // Respect, as if it came from a CASE package, exported as a descriptor and brought back.
    let respect = super::testing::competency(store, "VAL-RES").await;
    sqlx::query(
        "UPDATE competencies SET item_type = 'Standard', notes = 'From the state.' WHERE id = $1",
    )
    .bind(respect)
    .execute(store.pool())
    .await
    .unwrap();
    let mut descriptor = export_rsd(store, &admin, respect).await.unwrap();
    descriptor["skillStatement"] = json!("Treats everyone with consideration.");
    let again = import_rsd(
        store,
        &admin,
        framework,
        None,
        "r.json",
        descriptor.to_string().as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!((again.created, again.updated), (0, 1), "known by its uuid");
    let (kind, notes, statement): (Option<String>, String, String) =
        sqlx::query_as("SELECT item_type, notes, skill_statement FROM competencies WHERE id = $1")
            .bind(respect)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(kind.as_deref(), Some("Standard"));
    assert_eq!(notes, "From the state.");
    assert_eq!(statement, "Treats everyone with consideration.");
}

crate::store_tests!(
    codes_stay_unique_and_case_fields_stay,
    descriptors_import_into_an_area_and_update_in_place,
    wrong_files_and_other_roles_change_nothing,
);
