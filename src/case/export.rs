//! A framework as a CASE 1.0 `CFPackage`: the document, its areas, competencies and indicators
//! as items (typed `Area`, the competency's own type or `Competency`, `Indicator`, each with
//! Cairn's item type in `CFDefinitions`), `isChildOf` associations for the tree, and the
//! competencies' alignments as associations of their kind. Importing the package gives the same
//! framework back: Cairn's item types tell the import which depths are areas and competencies.

use serde_json::{json, Value};
use uuid::Uuid;

use super::plan::{CompetencyPlan, FrameworkPlan};

/// Cairn's item types, the same in every export (`CFDefinitions.CFItemTypes`).
pub const AREA_TYPE: &str = "5b1f2a0e-7d0c-4c8e-9d6e-2f0a6c1e4a01";
pub const COMPETENCY_TYPE: &str = "5b1f2a0e-7d0c-4c8e-9d6e-2f0a6c1e4a02";
pub const INDICATOR_TYPE: &str = "5b1f2a0e-7d0c-4c8e-9d6e-2f0a6c1e4a03";

/// Where the package's URIs point: the CASE provider API of this Cairn.
pub struct Provider<'a> {
    /// The public URL of this Cairn, without a trailing slash.
    pub base: &'a str,
    /// Who publishes the framework (the institution's name).
    pub creator: &'a str,
}

impl Provider<'_> {
    fn uri(&self, kind: &str, identifier: &str) -> String {
        format!("{}/ims/case/v1p0/{kind}/{identifier}", self.base)
    }
}

/// The package of `framework`, whose every node has its identifier.
pub fn package(framework: &FrameworkPlan, provider: &Provider<'_>) -> Value {
    let changed = framework
        .last_change
        .clone()
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let document_uri = framework
        .uri
        .clone()
        .unwrap_or_else(|| provider.uri("CFDocuments", &framework.identifier));
    let document_link = link(&framework.name, &framework.identifier, &document_uri);
    let mut items = Vec::new();
    let mut associations = Vec::new();
    let mut child_of = |child: &Value, parent: &Value, sequence: usize, changed: &str| {
        let (child_id, parent_id) = (child["identifier"].as_str(), parent["identifier"].as_str());
        let identifier = derived(&format!(
            "{}/isChildOf/{}",
            child_id.unwrap_or_default(),
            parent_id.unwrap_or_default()
        ));
        associations.push(json!({
            "identifier": identifier,
            "associationType": "isChildOf",
            "sequenceNumber": sequence,
            "uri": provider.uri("CFAssociations", &identifier),
            "originNodeURI": child,
            "destinationNodeURI": parent,
            "lastChangeDateTime": changed,
        }));
    };
    let mut alignments = Vec::new();
    for (position, area) in framework.areas.iter().enumerate() {
        let uri = area
            .uri
            .clone()
            .unwrap_or_else(|| provider.uri("CFItems", &area.identifier));
        items.push(json!({
            "identifier": area.identifier,
            "uri": uri,
            "fullStatement": area.name,
            "abbreviatedStatement": area.name,
            "humanCodingScheme": area.code,
            "CFItemType": "Area",
            "CFItemTypeURI": link("Area", AREA_TYPE, &provider.uri("CFItemTypes", AREA_TYPE)),
            "lastChangeDateTime": changed,
        }));
        let area_link = link(&area.name, &area.identifier, &uri);
        child_of(&area_link, &document_link, position + 1, &changed);
        for (position, competency) in area.competencies.iter().enumerate() {
            let (item, link) = competency_item(competency, provider, &changed);
            items.push(item);
            child_of(&link, &area_link, position + 1, &changed);
            indicators(
                competency,
                &link,
                provider,
                &changed,
                &mut items,
                &mut child_of,
            );
            alignments.push((competency, link));
        }
    }
    let offset = framework.areas.len();
    for (position, competency) in framework.competencies.iter().enumerate() {
        let (item, link) = competency_item(competency, provider, &changed);
        items.push(item);
        child_of(&link, &document_link, offset + position + 1, &changed);
        indicators(
            competency,
            &link,
            provider,
            &changed,
            &mut items,
            &mut child_of,
        );
        alignments.push((competency, link));
    }
    for (competency, origin) in alignments {
        for alignment in &competency.alignments {
            let identifier = alignment.identifier.clone().unwrap_or_else(|| {
                derived(&format!(
                    "{}/{}/{}",
                    competency.identifier, alignment.kind, alignment.target_identifier
                ))
            });
            // A target with no web address gets a URN of Cairn's: its code, when it has one
            // (read back by `plan`), else its identifier.
            let target_uri = alignment.target_uri.clone().unwrap_or_else(|| {
                let named = match &alignment.target_code {
                    Some(code) => format!("{}{}", super::plan::CODE_URN, code),
                    None => alignment.target_identifier.clone(),
                };
                format!(
                    "{}{}",
                    super::plan::NO_URI,
                    named.replace('%', "%25").replace(' ', "%20")
                )
            });
            associations.push(json!({
                "identifier": identifier,
                "associationType": alignment.kind,
                "uri": provider.uri("CFAssociations", &identifier),
                "originNodeURI": origin,
                "destinationNodeURI": link(&alignment.target_name, &alignment.target_identifier, &target_uri),
                "lastChangeDateTime": changed,
            }));
        }
    }
    let type_definition = |identifier: &str, title: &str, code: &str, description: &str| {
        json!({
            "identifier": identifier,
            "uri": provider.uri("CFItemTypes", identifier),
            "title": title,
            "description": description,
            "hierarchyCode": code,
            "typeCode": title,
            "lastChangeDateTime": "2026-12-07T00:00:00Z",
        })
    };
    json!({
        "CFDocument": {
            "identifier": framework.identifier,
            "uri": document_uri,
            "creator": provider.creator,
            "title": framework.name,
            "description": framework.description,
            "lastChangeDateTime": changed,
            "CFPackageURI": link(
                &framework.name,
                &framework.identifier,
                &provider.uri("CFPackages", &framework.identifier)
            ),
        },
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {
            "CFItemTypes": [
                type_definition(AREA_TYPE, "Area", "1", "An area of a Cairn framework: a group of competencies."),
                type_definition(COMPETENCY_TYPE, "Competency", "2", "A competency of a Cairn framework: what a learner's level is judged on."),
                type_definition(INDICATOR_TYPE, "Indicator", "3", "An indicator of a competency: what a teacher looks for."),
            ],
            "CFConcepts": [],
            "CFSubjects": [],
            "CFLicenses": [],
            "CFAssociationGroupings": [],
        },
    })
}

fn competency_item(
    competency: &CompetencyPlan,
    provider: &Provider<'_>,
    changed: &str,
) -> (Value, Value) {
    let uri = competency
        .uri
        .clone()
        .unwrap_or_else(|| provider.uri("CFItems", &competency.identifier));
    let kind = competency
        .item_type
        .clone()
        .unwrap_or_else(|| "Competency".into());
    let statement = if competency.statement.is_empty() {
        competency.name.clone()
    } else {
        competency.statement.clone()
    };
    let mut item = json!({
        "identifier": competency.identifier,
        "uri": uri,
        "fullStatement": statement,
        "abbreviatedStatement": competency.name,
        "humanCodingScheme": competency.code,
        "CFItemType": kind,
        "CFItemTypeURI": link(&kind, COMPETENCY_TYPE, &provider.uri("CFItemTypes", COMPETENCY_TYPE)),
        "lastChangeDateTime": competency.last_change.clone().unwrap_or_else(|| changed.to_string()),
    });
    if !competency.keywords.is_empty() {
        item["conceptKeywords"] = json!(competency.keywords);
    }
    if !competency.year_levels.is_empty() {
        item["educationLevel"] = json!(competency.year_levels);
    }
    if !competency.notes.is_empty() {
        item["notes"] = json!(competency.notes);
    }
    let link = link(&competency.name, &competency.identifier, &uri);
    (item, link)
}

fn indicators(
    competency: &CompetencyPlan,
    parent: &Value,
    provider: &Provider<'_>,
    changed: &str,
    items: &mut Vec<Value>,
    child_of: &mut impl FnMut(&Value, &Value, usize, &str),
) {
    for (position, indicator) in competency.indicators.iter().enumerate() {
        let uri = provider.uri("CFItems", &indicator.identifier);
        items.push(json!({
            "identifier": indicator.identifier,
            "uri": uri,
            "fullStatement": indicator.text,
            "CFItemType": "Indicator",
            "CFItemTypeURI": link("Indicator", INDICATOR_TYPE, &provider.uri("CFItemTypes", INDICATOR_TYPE)),
            "lastChangeDateTime": changed,
        }));
        child_of(
            &link(&indicator.text, &indicator.identifier, &uri),
            parent,
            position + 1,
            changed,
        );
    }
}

fn link(title: &str, identifier: &str, uri: &str) -> Value {
    json!({"title": title, "identifier": identifier, "uri": uri})
}

/// An identifier derived from what it names: the same in every export. (CASE identifiers
/// are UUIDs: an alignment typed in Cairn is given one from its web address or code.)
pub fn derived(name: &str) -> String {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("cairn:case:{name}").as_bytes(),
    )
    .to_string()
}

/// A new identifier, given once and kept.
pub fn new_identifier() -> String {
    Uuid::new_v4().to_string()
}
