//! A CASE 1.0 `CFPackage` as real exports write it, read leniently: what the OpenAPI definition
//! requires is taken when it is there and lived without when an older tool left it out
//! (`CFPackageURI`, `CFItemType` beside its `CFItemTypeURI`, `CFDefinitions`), and the shapes
//! tools disagree on are both read (`educationLevel` and `conceptKeywords` as a list or as one
//! comma-separated string, `sequenceNumber` as a number or as text).

use serde::de::{self, Deserializer};
use serde::Deserialize;

/// A package: the framework's document, its items, the associations between them (and to
/// items elsewhere), and the definitions the items refer to.
#[derive(Clone, Debug, Deserialize)]
pub struct Package {
    #[serde(rename = "CFDocument")]
    pub document: Document,
    #[serde(rename = "CFItems", default)]
    pub items: Vec<Item>,
    #[serde(rename = "CFAssociations", default)]
    pub associations: Vec<Association>,
    #[serde(rename = "CFDefinitions", default)]
    pub definitions: Option<Definitions>,
}

/// The framework itself: the root of its tree.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub identifier: String,
    #[serde(default)]
    pub uri: Option<String>,
    #[serde(default)]
    pub creator: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub last_change_date_time: Option<String>,
    #[serde(default, rename = "officialSourceURL")]
    pub official_source_url: Option<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "list_or_text")]
    pub subject: Vec<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub adoption_status: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default, rename = "CFPackageURI")]
    pub package_uri: Option<Link>,
}

/// A statement of the framework: a standard, a cluster, a skill, an indicator.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub identifier: String,
    #[serde(default)]
    pub full_statement: Option<String>,
    #[serde(default)]
    pub uri: Option<String>,
    #[serde(default)]
    pub alternative_label: Option<String>,
    #[serde(default, rename = "CFItemType")]
    pub item_type: Option<String>,
    #[serde(default, rename = "CFItemTypeURI")]
    pub item_type_uri: Option<Link>,
    #[serde(default)]
    pub human_coding_scheme: Option<String>,
    #[serde(default)]
    pub list_enumeration: Option<String>,
    #[serde(default)]
    pub abbreviated_statement: Option<String>,
    #[serde(default, deserialize_with = "list_or_text")]
    pub concept_keywords: Vec<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default, deserialize_with = "list_or_text")]
    pub education_level: Vec<String>,
    #[serde(default)]
    pub last_change_date_time: Option<String>,
}

/// A typed link between two nodes; either end may lie outside the package.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Association {
    #[serde(default)]
    pub identifier: Option<String>,
    pub association_type: String,
    #[serde(default, deserialize_with = "number_or_text")]
    pub sequence_number: Option<i64>,
    #[serde(default)]
    pub uri: Option<String>,
    #[serde(rename = "originNodeURI")]
    pub origin: Link,
    #[serde(rename = "destinationNodeURI")]
    pub destination: Link,
    #[serde(default)]
    pub last_change_date_time: Option<String>,
}

/// A `LinkURI`: a node's title, identifier and URI. Older exports leave out the title, some the
/// identifier (then it is read from the URI's last segment).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Link {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub identifier: Option<String>,
    #[serde(default)]
    pub uri: Option<String>,
}

impl Link {
    /// The node this link points at: its identifier, else the last segment of its URI.
    pub fn id(&self) -> Option<&str> {
        self.identifier
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .or_else(|| {
                self.uri
                    .as_deref()
                    .and_then(|uri| uri.trim_end_matches('/').rsplit('/').next())
                    .filter(|id| !id.is_empty())
            })
    }
}

/// The definitions items refer to. Only the item types are read (to name an item's type when
/// the item gives only its `CFItemTypeURI`); the rest is not needed to build a framework.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Definitions {
    #[serde(rename = "CFItemTypes", default)]
    pub item_types: Vec<ItemTypeDefinition>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ItemTypeDefinition {
    pub identifier: String,
    #[serde(default)]
    pub title: Option<String>,
}

/// Why a file is not a CASE package at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotAPackage {
    #[error("the file is not JSON: {0}")]
    NotJson(String),
    #[error("the file is JSON but not a CASE 1.0 package (a CFPackage with its CFDocument): {0}")]
    NotCase(String),
    #[error(
        "the file is neither a CASE 1.0 package (JSON) nor a spreadsheet in CASE's columns: {0}"
    )]
    NotASpreadsheet(String),
}

/// Reads a package from a file's bytes (UTF-8, with or without a byte-order mark).
pub fn read(bytes: &[u8]) -> Result<Package, NotAPackage> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|error| NotAPackage::NotJson(error.to_string()))?;
    if value.get("CFDocument").is_none() {
        return Err(NotAPackage::NotCase("it has no CFDocument".into()));
    }
    let package: Package =
        serde_json::from_value(value).map_err(|error| NotAPackage::NotCase(error.to_string()))?;
    if package.document.identifier.trim().is_empty() {
        return Err(NotAPackage::NotCase(
            "its CFDocument has no identifier".into(),
        ));
    }
    Ok(package)
}

impl Item {
    /// The item's type as a person reads it: `CFItemType`, else its `CFItemTypeURI`'s title,
    /// else the title of the item type it names in the package's definitions.
    pub fn type_name(&self, definitions: Option<&Definitions>) -> Option<String> {
        let named = |text: &Option<String>| {
            text.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        named(&self.item_type)
            .or_else(|| {
                self.item_type_uri
                    .as_ref()
                    .and_then(|link| named(&link.title))
            })
            .or_else(|| {
                let id = self.item_type_uri.as_ref()?.id()?;
                definitions?
                    .item_types
                    .iter()
                    .find(|definition| definition.identifier == id)
                    .and_then(|definition| named(&definition.title))
            })
    }
}

/// A list of strings, or one string of comma-separated values ("09,10,11,12").
fn list_or_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape {
        List(Vec<Option<String>>),
        Text(String),
        Nothing(()),
    }
    let values = match Shape::deserialize(deserializer)? {
        Shape::List(list) => list.into_iter().flatten().collect(),
        Shape::Text(text) => text.split(',').map(str::to_string).collect(),
        Shape::Nothing(()) => Vec::new(),
    };
    Ok(values
        .into_iter()
        .map(|value| value.trim().to_string())
        .filter(|value| !value.is_empty())
        .collect())
}

/// A whole number, or text holding one ("3"); empty text is none.
fn number_or_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape {
        Number(i64),
        Float(f64),
        Text(String),
        Nothing(()),
    }
    match Shape::deserialize(deserializer)? {
        Shape::Number(number) => Ok(Some(number)),
        Shape::Float(number) if number.fract() == 0.0 => Ok(Some(number as i64)),
        Shape::Float(number) => Err(de::Error::custom(format!(
            "sequenceNumber {number} is not a whole number"
        ))),
        Shape::Text(text) if text.trim().is_empty() => Ok(None),
        Shape::Text(text) => text.trim().parse().map(Some).map_err(|_| {
            de::Error::custom(format!("sequenceNumber {text:?} is not a whole number"))
        }),
        Shape::Nothing(()) => Ok(None),
    }
}
