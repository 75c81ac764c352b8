//! CASE packages imported on real databases: a five-level package, then a newer version of it
//! (an item updated, one added, one retired with its evidence kept); a package with errors that
//! writes nothing unless its valid part is chosen; and only administrators import.

use serde_json::{json, Value};

use super::testing::{count, viewer};
use super::Store;
use crate::case::tests::{child, five_levels, id, item};
use crate::demo::{self, SeedOptions};
use crate::error::CoreError;
use crate::frameworks::{export_case, import_case, CaseOptions};

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

fn bytes(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

/// The framework's competencies as its list shows them: code and name, retired ones left out.
async fn listed(store: &Store, framework_id: i64) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT code, name FROM competencies WHERE framework_id = $1 AND retired_at IS NULL \
         ORDER BY position",
    )
    .bind(framework_id)
    .fetch_all(store.pool())
    .await
    .unwrap()
}

async fn a_package_imports_and_a_newer_version_updates_it_in_place(store: &Store) {
    school(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let first = import_case(
        store,
        &admin,
        "maths.json",
        &bytes(&five_levels()),
        CaseOptions::default(),
    )
    .await
    .unwrap();
    assert!(first.problems.is_empty());
    let written = first.written.expect("written");
    assert!(written.new_framework);
    assert_eq!(
        (written.created, written.updated, written.retired),
        (3, 0, 0)
    );
    let framework = written.framework_id;
    assert_eq!(
        listed(store, framework).await,
        [
            (
                "MA.N.F.1".to_string(),
                "Understand a fraction 1/b as one part of a whole.".to_string()
            ),
            (
                "MA.N.F.2".into(),
                "Compare two fractions with different numerators.".into()
            ),
            ("MA.N.G.1".into(), "Name shapes by their sides.".into()),
        ]
    );
    let areas: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM framework_areas WHERE framework_id = $1 ORDER BY position",
    )
    .bind(framework)
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(
        areas,
        [
            "Number and operations › Fractions",
            "Number and operations › Geometry"
        ]
    );
    let f1: i64 = sqlx::query_scalar("SELECT id FROM competencies WHERE case_identifier = $1")
        .bind(id(4))
        .fetch_one(store.pool())
        .await
        .unwrap();
    let indicators: Vec<String> = sqlx::query_scalar(
        "SELECT text FROM indicators WHERE competency_id = $1 ORDER BY position",
    )
    .bind(f1)
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(indicators.len(), 3);
    let kinds: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT kind FROM competency_alignments WHERE competency_id = $1 ORDER BY id",
    )
    .bind(f1)
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(
        kinds,
        [
            Some("exactMatchOf".to_string()),
            Some("precedes".to_string())
        ]
    );

    // A learner is marked on the standard the next version drops.
    let f2: i64 = sqlx::query_scalar("SELECT id FROM competencies WHERE case_identifier = $1")
        .bind(id(5))
        .fetch_one(store.pool())
        .await
        .unwrap();
    let learner = super::testing::user_id(store, demo::DEMO_LEARNER).await;
    store
        .record_evidence(&super::testing::teacher_mark(
            learner,
            f2,
            3.0,
            "2026-12-07T09:00:00Z",
        ))
        .await
        .unwrap();
    let evidence = count(store, "evidence").await;

    // Version 2: F.1 reworded (newer), F.2 gone, F.3 new, G.1 as it was.
    let mut newer = five_levels();
    for item in newer["CFItems"].as_array_mut().unwrap() {
        if item["identifier"] == json!(id(4)) {
            item["fullStatement"] = json!("Understand a unit fraction as one part of a whole.");
            item["lastChangeDateTime"] = json!("2026-06-01T09:00:00+00:00");
        }
    }
    newer["CFItems"]
        .as_array_mut()
        .unwrap()
        .retain(|item| item["identifier"] != json!(id(5)));
    newer["CFItems"].as_array_mut().unwrap().push(item(
        30,
        "MA.N.F.3",
        "Add fractions with like denominators.",
        "Standard",
    ));
    newer["CFAssociations"]
        .as_array_mut()
        .unwrap()
        .push(child(30, &id(30), &id(3), 3));
    let second = import_case(
        store,
        &admin,
        "maths-v2.json",
        &bytes(&newer),
        CaseOptions::default(),
    )
    .await
    .unwrap();
    let written = second.written.expect("written");
    assert!(!written.new_framework);
    assert_eq!(written.framework_id, framework);
    assert_eq!(
        (
            written.created,
            written.updated,
            written.unchanged,
            written.retired
        ),
        (1, 1, 1, 1)
    );
    let codes: Vec<String> = listed(store, framework)
        .await
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    assert_eq!(codes, ["MA.N.F.1", "MA.N.F.3", "MA.N.G.1"]);
    assert_eq!(
        listed(store, framework).await[0].1,
        "Understand a unit fraction as one part of a whole."
    );
    // The retired standard keeps its evidence, and leaves the roster and the dashboards.
    assert_eq!(count(store, "evidence").await, evidence);
    let retired: Option<String> =
        sqlx::query_scalar("SELECT retired_at FROM competencies WHERE id = $1")
            .bind(f2)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(retired.is_some());
    let progress = store.learner_progress(learner).await.unwrap().unwrap();
    assert!(progress.competencies.iter().all(|line| line.id != f2));
    assert!(progress.competencies.iter().any(|line| line.id == f1));

    // The same version again changes nothing; the dropped standard, back in a later version,
    // returns with its evidence.
    let again = import_case(
        store,
        &admin,
        "maths-v2.json",
        &bytes(&newer),
        CaseOptions::default(),
    )
    .await
    .unwrap()
    .written
    .unwrap();
    assert_eq!(
        (again.created, again.updated, again.unchanged, again.retired),
        (0, 0, 3, 0)
    );
    let back = import_case(
        store,
        &admin,
        "maths.json",
        &bytes(&five_levels()),
        CaseOptions::default(),
    )
    .await
    .unwrap()
    .written
    .unwrap();
    assert_eq!(back.retired, 1, "F.3 is not in the first version");
    let codes: Vec<String> = listed(store, framework)
        .await
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    assert_eq!(codes, ["MA.N.F.1", "MA.N.F.2", "MA.N.G.1"]);

    // A competency added in Cairn, given an identifier by an export, is not the package's:
    // importing the package again leaves it be.
    sqlx::query(
        "INSERT INTO competencies (framework_id, code, name, category_id, position) \
         SELECT id, 'LOCAL.1', 'Added here', category_id, 99 FROM frameworks WHERE id = $1",
    )
    .bind(framework)
    .execute(store.pool())
    .await
    .unwrap();
    export_case(store, &admin, framework).await.unwrap();
    let after = import_case(
        store,
        &admin,
        "maths.json",
        &bytes(&five_levels()),
        CaseOptions::default(),
    )
    .await
    .unwrap()
    .written
    .unwrap();
    assert_eq!((after.created, after.retired), (0, 0));
    let codes: Vec<String> = listed(store, framework)
        .await
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    assert_eq!(codes, ["MA.N.F.1", "MA.N.F.2", "MA.N.G.1", "LOCAL.1"]);

    // A version without geometry: the area its retired standard leaves empty is not in the
    // framework's package any more.
    let mut smaller = five_levels();
    smaller["CFItems"]
        .as_array_mut()
        .unwrap()
        .retain(|item| item["identifier"] != json!(id(9)) && item["identifier"] != json!(id(10)));
    smaller["CFAssociations"]
        .as_array_mut()
        .unwrap()
        .retain(|link| {
            let origin = &link["originNodeURI"]["identifier"];
            *origin != json!(id(9)) && *origin != json!(id(10))
        });
    // (Its leaves now tie at several depths: the depths are given, as an administrator would.)
    let levels = CaseOptions {
        levels: Some(crate::case::Levels {
            areas: Some(2),
            competencies: 3,
        }),
        ..CaseOptions::default()
    };
    let written = import_case(store, &admin, "maths.json", &bytes(&smaller), levels)
        .await
        .unwrap()
        .written
        .unwrap();
    assert_eq!(written.retired, 1);
    let package = export_case(store, &admin, framework).await.unwrap();
    let statements: Vec<&str> = package["CFItems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|item| item["fullStatement"].as_str())
        .collect();
    assert!(
        !statements.iter().any(|s| s.contains("Geometry")),
        "{statements:?}"
    );
    assert!(
        statements.iter().any(|s| s.contains("Fractions")),
        "{statements:?}"
    );
}

async fn a_package_with_errors_writes_nothing_unless_its_valid_part_is_chosen(store: &Store) {
    school(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let mut broken = five_levels();
    broken["CFItems"]
        .as_array_mut()
        .unwrap()
        .push(item(40, "MA.ORPHAN", "No parent", "Standard"));
    let frameworks = count(store, "frameworks").await;
    let competencies = count(store, "competencies").await;
    let outcome = import_case(
        store,
        &admin,
        "broken.json",
        &bytes(&broken),
        CaseOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.problems.len(), 1);
    assert!(outcome.problems[0].starts_with("MA.ORPHAN"));
    assert!(outcome.written.is_none());
    assert_eq!(count(store, "frameworks").await, frameworks);
    assert_eq!(count(store, "competencies").await, competencies);
    // A dry run of the valid part writes nothing either.
    let dry = CaseOptions {
        valid_part: true,
        dry_run: true,
        ..CaseOptions::default()
    };
    assert!(
        import_case(store, &admin, "broken.json", &bytes(&broken), dry)
            .await
            .unwrap()
            .written
            .is_none()
    );
    assert_eq!(count(store, "competencies").await, competencies);
    let valid = CaseOptions {
        valid_part: true,
        ..CaseOptions::default()
    };
    let written = import_case(store, &admin, "broken.json", &bytes(&broken), valid)
        .await
        .unwrap()
        .written
        .unwrap();
    assert_eq!(written.created, 3);
    assert_eq!(count(store, "competencies").await, competencies + 3);

    // Not a package at all, levels that do not fit, and someone who is not an administrator.
    assert!(matches!(
        import_case(store, &admin, "x.json", b"{\"users\": []}", CaseOptions::default()).await,
        Err(CoreError::Invalid { field, .. }) if field == "file"
    ));
    let deep = CaseOptions {
        levels: Some(crate::case::Levels {
            areas: None,
            competencies: 9,
        }),
        ..CaseOptions::default()
    };
    assert!(matches!(
        import_case(store, &admin, "maths.json", &bytes(&five_levels()), deep).await,
        Err(CoreError::Invalid { field, .. }) if field == "levels"
    ));
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    assert!(matches!(
        import_case(
            store,
            &teacher,
            "maths.json",
            &bytes(&five_levels()),
            CaseOptions::default()
        )
        .await,
        Err(CoreError::Forbidden)
    ));
    assert_eq!(count(store, "competencies").await, competencies + 3);
}

/// A framework typed in Cairn, exported and imported as another framework (as another Cairn
/// would: same identifiers, its own document), exports the same again; exporting twice gives
/// the same package.
async fn an_exported_framework_imports_back_equal(store: &Store) {
    school(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let framework: i64 = sqlx::query_scalar(
        "SELECT f.id FROM frameworks f WHERE f.institution_id = $1 \
         AND EXISTS (SELECT 1 FROM indicators i JOIN competencies c ON c.id = i.competency_id \
           WHERE c.framework_id = f.id) ORDER BY f.id LIMIT 1",
    )
    .bind(admin.institution_id)
    .fetch_optional(store.pool())
    .await
    .unwrap()
    .unwrap_or(1);
    // An alignment typed in Cairn goes along.
    let competency: i64 = sqlx::query_scalar(
        "SELECT id FROM competencies WHERE framework_id = $1 ORDER BY id LIMIT 1",
    )
    .bind(framework)
    .fetch_one(store.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO competency_alignments (competency_id, target_name, target_url) \
         VALUES ($1, 'ESCO: teach mathematics', 'http://data.europa.eu/esco/skill/abc')",
    )
    .bind(competency)
    .execute(store.pool())
    .await
    .unwrap();
    let exported = export_case(store, &admin, framework).await.unwrap();
    assert_eq!(
        export_case(store, &admin, framework).await.unwrap(),
        exported
    );
    let items = exported["CFItems"].as_array().unwrap().len();
    assert!(items > 5, "{items} items");

    let mut elsewhere = exported.clone();
    elsewhere["CFDocument"]["identifier"] = json!("d0c00000-0000-4000-8000-000000000001");
    elsewhere["CFDocument"]["title"] = json!("The same, elsewhere");
    for association in elsewhere["CFAssociations"].as_array_mut().unwrap() {
        if association["destinationNodeURI"]["identifier"] == exported["CFDocument"]["identifier"] {
            association["destinationNodeURI"]["identifier"] =
                json!("d0c00000-0000-4000-8000-000000000001");
        }
    }
    let imported = import_case(
        store,
        &admin,
        "elsewhere.json",
        &bytes(&elsewhere),
        CaseOptions::default(),
    )
    .await
    .unwrap();
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    let written = imported.written.unwrap();
    assert!(written.new_framework);
    let original = store
        .case_framework(admin.institution_id, framework)
        .await
        .unwrap();
    let mut copy = store
        .case_framework(admin.institution_id, written.framework_id)
        .await
        .unwrap();
    assert_eq!(copy.name, "The same, elsewhere");
    copy.identifier = original.identifier.clone();
    copy.name = original.name.clone();
    copy.uri = original.uri.clone();
    copy.last_change = original.last_change.clone();
    // What Cairn gave no URI or type now carries the ones its package gave.
    for (copied, first) in copy
        .areas
        .iter_mut()
        .flat_map(|area| area.competencies.iter_mut())
        .chain(copy.competencies.iter_mut())
        .zip(original.all_competencies())
    {
        assert!(copied.uri.as_deref().unwrap().ends_with(&first.identifier));
        copied.uri = first.uri.clone();
        copied.item_type = first.item_type.clone();
        copied.last_change = first.last_change.clone();
        for (alignment, was) in copied.alignments.iter_mut().zip(&first.alignments) {
            assert!(alignment.identifier.is_some());
            alignment.identifier = was.identifier.clone();
        }
    }
    for (copied, first) in copy.areas.iter_mut().zip(&original.areas) {
        copied.uri = first.uri.clone();
    }
    assert_eq!(copy, original);
    let teacher = viewer(store, demo::DEMO_TEACHER).await;
    assert!(matches!(
        export_case(store, &teacher, framework).await,
        Err(CoreError::Forbidden)
    ));
}

/// A spreadsheet in the CASE authoring tools' columns: parents named by code, matches by URI,
/// imported, imported again unchanged, then with a row edited; the template imports as it is.
async fn a_spreadsheet_imports_and_updates_what_changed(store: &Store) {
    school(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let sheet = "\u{feff}humanCodingScheme,fullStatement,isChildOf,sequenceNumber,conceptKeywords,educationLevel,exactMatchOf\r\n\
                 SCI.1,Living things,,1,,,\r\n\
                 SCI.1.2,Classify animals by what they eat.,SCI.1,2,\"animals, food\",\"03,04\",\r\n\
                 SCI.1.1,Describe the life cycle of a plant.,SCI.1,1,plants,03,https://example.org/ngss/LS1-1\r\n";
    let first = import_case(
        store,
        &admin,
        "Science 2026.csv",
        sheet.as_bytes(),
        CaseOptions::default(),
    )
    .await
    .unwrap();
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    assert_eq!(first.plan.name, "Science 2026");
    let written = first.written.unwrap();
    assert_eq!(written.created, 2);
    let codes: Vec<String> = listed(store, written.framework_id)
        .await
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    assert_eq!(codes, ["SCI.1.1", "SCI.1.2"]);
    let competency = &first.plan.areas[0].competencies[1];
    assert_eq!(competency.keywords, ["animals", "food"]);
    assert_eq!(competency.year_levels, ["03", "04"]);
    assert_eq!(
        first.plan.areas[0].competencies[0].alignments[0]
            .target_uri
            .as_deref(),
        Some("https://example.org/ngss/LS1-1")
    );
    let again = import_case(
        store,
        &admin,
        "Science 2026.csv",
        sheet.as_bytes(),
        CaseOptions::default(),
    )
    .await
    .unwrap()
    .written
    .unwrap();
    assert_eq!(again.framework_id, written.framework_id);
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
    let edited = sheet.replace(
        "Classify animals by what they eat.",
        "Sort animals by diet.",
    );
    let edited = import_case(
        store,
        &admin,
        "Science 2026.csv",
        edited.as_bytes(),
        CaseOptions::default(),
    )
    .await
    .unwrap()
    .written
    .unwrap();
    assert_eq!(
        (edited.created, edited.updated, edited.unchanged),
        (0, 1, 1)
    );

    // A parent nobody has: named, nothing written.
    let orphan = format!("{sheet}SCI.9,Lost,SCI.8,1,,,\r\n");
    let outcome = import_case(
        store,
        &admin,
        "Science 2026.csv",
        orphan.as_bytes(),
        CaseOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.problems.len(), 1, "{:?}", outcome.problems);
    assert!(outcome.problems[0].starts_with("SCI.9"));
    assert!(outcome.written.is_none());

    let template = import_case(
        store,
        &admin,
        "template.csv",
        crate::case::spreadsheet::TEMPLATE.as_bytes(),
        CaseOptions::default(),
    )
    .await
    .unwrap();
    assert!(template.problems.is_empty(), "{:?}", template.problems);
    assert_eq!(template.written.unwrap().created, 1);
}

/// An administrator's edit of an imported competency: a new method leaves what CASE knew as it
/// was (the next import recognises the alignments), a new wording is the item's latest (the
/// package's older version does not overwrite it).
async fn edits_in_cairn_keep_what_the_package_knew(store: &Store) {
    use crate::model::CompetencyForm;
    school(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let package = bytes(&five_levels());
    let import = || {
        import_case(
            store,
            &admin,
            "maths.json",
            &package,
            CaseOptions::default(),
        )
    };
    let framework = import().await.unwrap().written.unwrap().framework_id;
    let f1: i64 = sqlx::query_scalar("SELECT id FROM competencies WHERE case_identifier = $1")
        .bind(id(4))
        .fetch_one(store.pool())
        .await
        .unwrap();
    let held = |store: &Store| {
        let store = store.clone();
        async move {
            let changed: Option<String> =
                sqlx::query_scalar("SELECT case_changed_at FROM competencies WHERE id = $1")
                    .bind(f1)
                    .fetch_one(store.pool())
                    .await
                    .unwrap();
            let kinds: Vec<Option<String>> = sqlx::query_scalar(
                "SELECT kind FROM competency_alignments WHERE competency_id = $1 ORDER BY kind",
            )
            .bind(f1)
            .fetch_all(store.pool())
            .await
            .unwrap();
            (changed, kinds)
        }
    };
    let (imported_at, kinds) = held(store).await;
    assert_eq!(kinds.len(), 2);
    let page = crate::frameworks::framework(store, &admin, framework)
        .await
        .unwrap();
    let competency = page.competencies.iter().find(|c| c.id == f1).unwrap();
    let lines: Vec<String> = competency
        .alignments
        .iter()
        .map(|a| {
            [
                a.name.clone(),
                a.url.clone().unwrap_or_default(),
                a.framework.clone().unwrap_or_default(),
                a.code.clone().unwrap_or_default(),
            ]
            .join(" | ")
        })
        .collect();
    let form = CompetencyForm {
        code: competency.code.clone(),
        name: competency.name.clone(),
        statement: competency.statement.clone(),
        keywords: competency.keywords.clone(),
        category_id: competency.category_id,
        area_id: competency
            .area_id
            .map(|a| a.to_string())
            .unwrap_or_default(),
        method: "highest".into(),
        method_param: String::new(),
        tags: String::new(),
        alignments: lines.join("\n"),
    };
    crate::frameworks::save_competency(store, &admin, f1, &form)
        .await
        .unwrap();
    assert_eq!(held(store).await, (imported_at.clone(), kinds.clone()));
    let again = import().await.unwrap().written.unwrap();
    assert_eq!(again.unchanged, 3);
    assert_eq!(held(store).await.1, kinds, "alignments not added twice");

    let reworded = CompetencyForm {
        statement: "Understand a unit fraction as one equal part of a whole.".into(),
        ..form
    };
    crate::frameworks::save_competency(store, &admin, f1, &reworded)
        .await
        .unwrap();
    let (changed, _) = held(store).await;
    assert!(changed > imported_at, "{changed:?} after {imported_at:?}");
    import().await.unwrap();
    let statement: String =
        sqlx::query_scalar("SELECT skill_statement FROM competencies WHERE id = $1")
            .bind(f1)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(statement, reworded.statement);
}

/// The same package imported twice (under another document) cannot be published twice: the
/// provider API finds items by identifier alone.
async fn two_frameworks_with_the_same_identifiers_are_not_both_published(store: &Store) {
    school(store).await;
    let admin = viewer(store, demo::DEMO_ADMIN).await;
    let package = five_levels();
    let document = package["CFDocument"]["identifier"]
        .as_str()
        .unwrap()
        .to_string();
    let copy = package
        .to_string()
        .replace(&document, "c0c0c0c0-0000-4000-8000-000000000000");
    let first = import_case(
        store,
        &admin,
        "a.json",
        &bytes(&package),
        CaseOptions::default(),
    )
    .await
    .unwrap()
    .written
    .unwrap()
    .framework_id;
    let second = import_case(
        store,
        &admin,
        "b.json",
        copy.as_bytes(),
        CaseOptions::default(),
    )
    .await
    .unwrap()
    .written
    .unwrap()
    .framework_id;
    assert_ne!(first, second);
    crate::frameworks::publish_case(store, &admin, first, true)
        .await
        .unwrap();
    let refused = crate::frameworks::publish_case(store, &admin, second, true).await;
    assert!(
        matches!(&refused, Err(CoreError::Conflict(why)) if why.contains("same CASE identifiers")),
        "{refused:?}"
    );
    crate::frameworks::publish_case(store, &admin, first, false)
        .await
        .unwrap();
    crate::frameworks::publish_case(store, &admin, second, true)
        .await
        .unwrap();
}

crate::store_tests!(
    two_frameworks_with_the_same_identifiers_are_not_both_published,
    edits_in_cairn_keep_what_the_package_knew,
    a_spreadsheet_imports_and_updates_what_changed,
    an_exported_framework_imports_back_equal,
    a_package_imports_and_a_newer_version_updates_it_in_place,
    a_package_with_errors_writes_nothing_unless_its_valid_part_is_chosen,
);
