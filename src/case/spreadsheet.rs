//! A framework from a spreadsheet in the column layout CASE authoring tools use: one row per
//! item, its parent named in `isChildOf` by its `humanCodingScheme` or its `identifier` (empty:
//! a child of the document), its matches in `exactMatchOf` and `isRelatedTo` as URIs. The rows
//! become a package, read like any other. Items without an identifier get one derived from the
//! document and their code, so that importing a newer spreadsheet updates them in place.

use std::collections::HashMap;

use uuid::Uuid;

use super::package::{Association, Document, Item, Link, NotAPackage, Package};

/// The columns, in the order of the template (`TEMPLATE`).
pub const COLUMNS: [&str; 12] = [
    "identifier",
    "fullStatement",
    "humanCodingScheme",
    "sequenceNumber",
    "abbreviatedStatement",
    "CFItemType",
    "conceptKeywords",
    "educationLevel",
    "notes",
    "isChildOf",
    "exactMatchOf",
    "isRelatedTo",
];

/// The template a spreadsheet starts from: the header and two example rows.
pub const TEMPLATE: &str = "identifier,fullStatement,humanCodingScheme,sequenceNumber,abbreviatedStatement,CFItemType,conceptKeywords,educationLevel,notes,isChildOf,exactMatchOf,isRelatedTo\r\n\
,Number and operations,MA.N,1,Number,Domain,,,,,,\r\n\
,Understand a fraction as one part of a whole.,MA.N.1,1,Fractions,Standard,\"fractions, parts\",\"03,04\",,MA.N,,https://example.org/standards/4.NF.1\r\n";

/// The package a spreadsheet describes, under a document titled `title`.
pub fn read(bytes: &[u8], title: &str) -> Result<Package, NotAPackage> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        NotAPackage::NotASpreadsheet(
            "the spreadsheet is not UTF-8 text; save it as CSV UTF-8".into(),
        )
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|error| {
            NotAPackage::NotASpreadsheet(format!("the spreadsheet cannot be read: {error}"))
        })?
        .clone();
    let column: HashMap<String, usize> = header
        .iter()
        .enumerate()
        .map(|(index, name)| (name.trim().to_lowercase(), index))
        .collect();
    if !column.contains_key("fullstatement") {
        return Err(NotAPackage::NotASpreadsheet(format!(
            "the spreadsheet has no fullStatement column; its columns are: {}",
            COLUMNS.join(", ")
        )));
    }
    let document_id = derived("document", title);
    let mut rows = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|error| {
            NotAPackage::NotASpreadsheet(format!("line {} cannot be read: {error}", line + 2))
        })?;
        let cell = |name: &str| {
            column
                .get(&name.to_lowercase())
                .and_then(|&index| record.get(index))
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(str::to_string)
        };
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        rows.push([
            cell("identifier"),
            cell("fullStatement"),
            cell("humanCodingScheme"),
            cell("sequenceNumber"),
            cell("abbreviatedStatement"),
            cell("CFItemType"),
            cell("conceptKeywords"),
            cell("educationLevel"),
            cell("notes"),
            cell("isChildOf"),
            cell("exactMatchOf"),
            cell("isRelatedTo"),
        ]);
    }
    let list = |value: &Option<String>| -> Vec<String> {
        value
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    };
    // Each row's identifier, and how a parent may be named (code or identifier).
    let ids: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            row[0].clone().unwrap_or_else(|| {
                let key = row[2]
                    .clone()
                    .unwrap_or_else(|| format!("row {}", index + 2));
                derived(&document_id, &key)
            })
        })
        .collect();
    let mut named: HashMap<String, String> = HashMap::new();
    for (row, id) in rows.iter().zip(&ids) {
        if let Some(code) = &row[2] {
            named.entry(code.clone()).or_insert_with(|| id.clone());
        }
        named.insert(id.clone(), id.clone());
    }
    let mut items = Vec::new();
    let mut associations = Vec::new();
    for (row, id) in rows.iter().zip(&ids) {
        items.push(Item {
            identifier: id.clone(),
            full_statement: row[1].clone(),
            uri: None,
            alternative_label: None,
            item_type: row[5].clone(),
            item_type_uri: None,
            human_coding_scheme: row[2].clone(),
            list_enumeration: None,
            abbreviated_statement: row[4].clone(),
            concept_keywords: list(&row[6]),
            notes: row[8].clone(),
            language: None,
            education_level: list(&row[7]),
            last_change_date_time: None,
        });
        let parent = match &row[9] {
            None => document_id.clone(),
            // A parent not in the sheet stays named as written: the tree reports it.
            Some(name) => named.get(name).cloned().unwrap_or_else(|| name.clone()),
        };
        associations.push(association(
            "isChildOf",
            id,
            &parent,
            row[3].as_deref().and_then(|n| n.parse().ok()),
        ));
        for (kind, column) in [("exactMatchOf", 10), ("isRelatedTo", 11)] {
            for target in list(&row[column]) {
                let mut link = association(kind, id, &target, None);
                link.destination.uri = Some(target.clone());
                link.destination.title = Some(target);
                associations.push(link);
            }
        }
    }
    Ok(Package {
        document: Document {
            identifier: document_id,
            uri: None,
            creator: None,
            title: Some(title.to_string()),
            last_change_date_time: None,
            official_source_url: None,
            publisher: None,
            description: None,
            subject: Vec::new(),
            language: None,
            version: None,
            adoption_status: None,
            notes: None,
            package_uri: None,
        },
        items,
        associations,
        definitions: None,
    })
}

fn association(kind: &str, origin: &str, destination: &str, sequence: Option<i64>) -> Association {
    Association {
        identifier: Some(derived(origin, &format!("{kind}/{destination}"))),
        association_type: kind.to_string(),
        sequence_number: sequence,
        uri: None,
        origin: Link {
            title: None,
            identifier: Some(origin.to_string()),
            uri: None,
        },
        destination: Link {
            title: None,
            identifier: Some(destination.to_string()),
            uri: None,
        },
        last_change_date_time: None,
    }
}

/// An identifier derived from a name within a namespace: the same on every import.
fn derived(namespace: &str, name: &str) -> String {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("cairn:case-sheet:{namespace}:{name}").as_bytes(),
    )
    .to_string()
}
