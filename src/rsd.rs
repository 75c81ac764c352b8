//! Rich Skill Descriptors as the Open Skills Network publishes them (the shape OSMT serves:
//! `skillName`, `skillStatement`, `categories`, `keywords`, `alignments`, `occupations`,
//! `authors`, `status`, `uuid`, and the descriptor's URL as `id`): read one, a list, or a
//! collection carrying its skills, leniently — older descriptors have `category` and `author`
//! as single strings — and written back from a competency, keeping what Cairn does not model
//! (occupations, authors, certifications, dates…) as the descriptor came.

use serde_json::{json, Map, Value};

/// The JSON-LD context every descriptor names.
pub const CONTEXT: &str = "https://rsd.openskillsnetwork.org/context-v1.json";

/// One descriptor as read.
#[derive(Clone, Debug, PartialEq)]
pub struct Skill {
    /// Its URL: the competency's canonical identifier.
    pub url: Option<String>,
    pub uuid: Option<String>,
    pub name: String,
    pub statement: String,
    pub categories: Vec<String>,
    pub keywords: Vec<String>,
    pub alignments: Vec<SkillAlignment>,
    pub occupations: Vec<Occupation>,
    pub authors: Vec<String>,
    pub status: Option<String>,
    /// The descriptor as it came, kept so an export gives back what Cairn does not model.
    pub document: Value,
}

/// What a descriptor aligns to: another skill or framework entry on the web.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkillAlignment {
    pub name: String,
    pub url: Option<String>,
    /// The framework it is part of (`isPartOf.name`).
    pub framework: Option<String>,
}

/// An occupation a descriptor is for (O*NET, BLS…).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occupation {
    pub code: String,
    pub name: String,
    pub framework: Option<String>,
}

/// Why a file cannot be imported as descriptors: the file as a whole, or each descriptor
/// that is wrong, named by its URL, uuid or place in the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotSkills {
    #[error("the file is not JSON: {0}")]
    NotJson(String),
    #[error("the file holds no Rich Skill Descriptor (an object with skillName and skillStatement, a list of them, or a collection with its skills)")]
    Empty,
    #[error("{}", .0.join("; "))]
    Wrong(Vec<String>),
}

/// The descriptors in a file: one, a list of them, or a collection (`skills`) that carries
/// them whole.
pub fn read(bytes: &[u8]) -> Result<Vec<Skill>, NotSkills> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value =
        serde_json::from_slice(bytes).map_err(|error| NotSkills::NotJson(error.to_string()))?;
    let entries: Vec<&Value> = match &value {
        Value::Array(list) => list.iter().collect(),
        Value::Object(object) if object.contains_key("skillName") => vec![&value],
        Value::Object(object) => match object.get("skills") {
            Some(Value::Array(list)) => list.iter().collect(),
            _ => return Err(NotSkills::Empty),
        },
        _ => return Err(NotSkills::Empty),
    };
    if entries.is_empty() {
        return Err(NotSkills::Empty);
    }
    let mut skills = Vec::new();
    let mut wrong = Vec::new();
    for (index, entry) in entries.into_iter().enumerate() {
        match skill(entry) {
            Ok(skill) => skills.push(skill),
            Err(reason) => wrong.push(format!("{} {reason}", place(entry, index))),
        }
    }
    if wrong.is_empty() {
        Ok(skills)
    } else {
        Err(NotSkills::Wrong(wrong))
    }
}

/// How a message names a descriptor: its URL, else its uuid, else its place in the file.
fn place(entry: &Value, index: usize) -> String {
    text(entry, "id")
        .or_else(|| text(entry, "uuid"))
        .map_or_else(
            || format!("descriptor {}", index + 1),
            |name| format!("descriptor {name}"),
        )
}

fn skill(entry: &Value) -> Result<Skill, &'static str> {
    if !entry.is_object() {
        return Err("is not an object");
    }
    let name = text(entry, "skillName");
    let statement = text(entry, "skillStatement");
    let (url, uuid) = (text(entry, "id"), text(entry, "uuid"));
    match (&name, &statement) {
        (None, _) if url.is_some() && entry.as_object().is_some_and(|o| o.len() <= 2) => {
            return Err("is only named by the collection; export the collection with its skills")
        }
        (None, _) => return Err("has no skillName"),
        (_, None) => return Err("has no skillStatement"),
        _ => {}
    }
    if url.is_none() && uuid.is_none() {
        return Err("has neither an id nor a uuid to be known by");
    }
    if url
        .as_deref()
        .is_some_and(|url| !(url.starts_with("https://") || url.starts_with("http://")))
    {
        return Err("has an id that is not a web address");
    }
    let alignments = list(entry, "alignments")
        .iter()
        .filter_map(|alignment| {
            let name = text(alignment, "skillName").or_else(|| text(alignment, "name"));
            let url = text(alignment, "id").or_else(|| text(alignment, "targetUrl"));
            Some(SkillAlignment {
                name: name.or_else(|| url.clone())?,
                url,
                framework: alignment
                    .get("isPartOf")
                    .and_then(|part| text(part, "name")),
            })
        })
        .collect();
    let occupations = list(entry, "occupations")
        .iter()
        .filter_map(|occupation| {
            Some(Occupation {
                code: text(occupation, "code")?,
                name: text(occupation, "targetNodeName").unwrap_or_default(),
                framework: text(occupation, "frameworkName"),
            })
        })
        .collect();
    Ok(Skill {
        url,
        uuid,
        name: name.unwrap_or_default(),
        statement: statement.unwrap_or_default(),
        categories: words(entry, "categories", "category"),
        keywords: words(entry, "keywords", "keyword"),
        alignments,
        occupations,
        authors: words(entry, "authors", "author"),
        status: text(entry, "status"),
        document: entry.clone(),
    })
}

/// A field's trimmed text, when it has some.
fn text(value: &Value, field: &str) -> Option<String> {
    value
        .get(field)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
}

fn list<'v>(value: &'v Value, field: &str) -> &'v [Value] {
    value
        .get(field)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A list of words that older descriptors give as one string (`category`, `author`).
fn words(value: &Value, plural: &str, single: &str) -> Vec<String> {
    let from = |field: &str| match value.get(field) {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|word| !word.is_empty())
            .map(str::to_string)
            .collect(),
        Some(Value::String(word)) if !word.trim().is_empty() => vec![word.trim().to_string()],
        _ => Vec::new(),
    };
    let found = from(plural);
    if found.is_empty() {
        from(single)
    } else {
        found
    }
}

impl Skill {
    /// Its canonical identifier: its URL, else its uuid as a URN.
    pub fn canonical(&self) -> String {
        match (&self.url, &self.uuid) {
            (Some(url), _) => url.clone(),
            (None, Some(uuid)) => match uuid::Uuid::parse_str(uuid) {
                Ok(uuid) => format!("urn:uuid:{}", uuid.hyphenated()),
                Err(_) => format!("urn:rsd:{uuid}"),
            },
            (None, None) => unreachable!("a descriptor without id or uuid is not read"),
        }
    }

    /// Its uuid when it is one (a CASE identifier must be).
    pub fn case_identifier(&self) -> Option<String> {
        let uuid = uuid::Uuid::parse_str(self.uuid.as_deref()?).ok()?;
        Some(uuid.hyphenated().to_string())
    }

    /// A competency's code for it: the start of its uuid (or of its URL's last part).
    pub fn code(&self) -> String {
        let from_url = self
            .url
            .as_deref()
            .and_then(|url| url.trim_end_matches('/').rsplit('/').next());
        let source = self.uuid.as_deref().or(from_url).unwrap_or("RSD");
        source.chars().take(8).collect()
    }

    /// What a person reads of the descriptor beyond its statement: occupations and authors.
    pub fn notes(&self) -> String {
        let mut notes = Vec::new();
        if !self.occupations.is_empty() {
            let occupations: Vec<String> = self
                .occupations
                .iter()
                .map(|o| {
                    let name = format!("{} {}", o.code, o.name);
                    match &o.framework {
                        Some(framework) => format!("{} ({framework})", name.trim()),
                        None => name.trim().to_string(),
                    }
                })
                .collect();
            notes.push(format!("Occupations: {}.", occupations.join("; ")));
        }
        if !self.authors.is_empty() {
            notes.push(format!("Authors: {}.", self.authors.join(", ")));
        }
        notes.join(" ")
    }
}

/// A competency as a descriptor shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Descriptor<'a> {
    /// Its canonical URL.
    pub url: &'a str,
    pub uuid: &'a str,
    pub name: &'a str,
    pub statement: &'a str,
    pub category: &'a str,
    pub keywords: Vec<&'a str>,
    /// Name, web address and framework of each alignment.
    pub alignments: Vec<(&'a str, Option<&'a str>, Option<&'a str>)>,
    /// Who publishes it when the descriptor did not say (the institution).
    pub author: &'a str,
    /// The descriptor it was imported from, if it was.
    pub original: Option<&'a Value>,
}

/// The descriptor of a competency: what Cairn holds (name, statement, keywords, alignments)
/// over the descriptor it came from, whose other fields are kept as they were.
pub fn export(descriptor: &Descriptor<'_>) -> Value {
    let mut out: Map<String, Value> = descriptor
        .original
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    out.insert("@context".into(), json!(CONTEXT));
    out.insert("type".into(), json!("RichSkillDescriptor"));
    out.insert("id".into(), json!(descriptor.url));
    out.insert("uuid".into(), json!(descriptor.uuid));
    out.insert("skillName".into(), json!(descriptor.name));
    out.insert("skillStatement".into(), json!(descriptor.statement));
    out.insert("keywords".into(), json!(descriptor.keywords));
    let alignments: Vec<Value> = descriptor
        .alignments
        .iter()
        .map(|(name, url, framework)| {
            let mut alignment = Map::new();
            if let Some(url) = url {
                alignment.insert("id".into(), json!(url));
            }
            alignment.insert("skillName".into(), json!(name));
            if let Some(framework) = framework {
                alignment.insert("isPartOf".into(), json!({ "name": framework }));
            }
            Value::Object(alignment)
        })
        .collect();
    out.insert("alignments".into(), Value::Array(alignments));
    out.remove("category");
    if !out.get("categories").is_some_and(Value::is_array) {
        out.insert("categories".into(), json!([descriptor.category]));
    }
    out.remove("author");
    if !out.get("authors").is_some_and(Value::is_array) {
        out.insert("authors".into(), json!([descriptor.author]));
    }
    out.entry("status").or_insert_with(|| json!("published"));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OSMT: &str = r#"{
      "@context": "https://rsd.openskillsnetwork.org/context-v1.json",
      "type": "RichSkillDescriptor",
      "id": "https://osmt.example.edu/api/skills/60f17310-8462-46ad-b739-25dbb70746cb",
      "uuid": "60f17310-8462-46ad-b739-25dbb70746cb",
      "status": "published",
      "creationDate": "2023-03-23T22:53:02.211872Z",
      "skillName": "Data Visualisation",
      "skillStatement": "Present data in charts that let an audience **compare** values at a glance.",
      "categories": ["Data Analysis"],
      "keywords": ["charts", "dashboards"],
      "authors": ["Western Example University"],
      "alignments": [{"id": "https://en.wikipedia.org/wiki/Data_visualization", "skillName": "Data visualization", "isPartOf": {"name": "Wikipedia"}}],
      "occupations": [{"code": "15-2051.01", "targetNodeName": "Business Intelligence Analysts", "frameworkName": "o*net", "parents": []}],
      "certifications": [{"name": "Tableau Desktop Specialist"}],
      "collections": [{"uuid": "5bf3d3cc-5fdc-4702-97c7-84894b482c01", "name": "Analytics"}]
    }"#;

    #[test]
    fn an_osmt_descriptor_reads_with_every_field() {
        let skills = read(OSMT.as_bytes()).unwrap();
        assert_eq!(skills.len(), 1);
        let skill = &skills[0];
        assert_eq!(skill.name, "Data Visualisation");
        assert_eq!(skill.categories, ["Data Analysis"]);
        assert_eq!(skill.keywords, ["charts", "dashboards"]);
        assert_eq!(skill.code(), "60f17310");
        assert_eq!(
            skill.alignments,
            [SkillAlignment {
                name: "Data visualization".into(),
                url: Some("https://en.wikipedia.org/wiki/Data_visualization".into()),
                framework: Some("Wikipedia".into()),
            }]
        );
        assert_eq!(
            skill.notes(),
            "Occupations: 15-2051.01 Business Intelligence Analysts (o*net). Authors: Western Example University."
        );
    }

    #[test]
    fn older_descriptors_lists_and_collections_read() {
        // Older OSMT versions: `category` and `author` as single strings.
        let older = r#"[{"uuid": "a1", "skillName": "Welding", "skillStatement": "Join metal.",
            "category": "Trades", "author": "Example College", "keywords": []}]"#;
        let skills = read(older.as_bytes()).unwrap();
        assert_eq!(skills[0].categories, ["Trades"]);
        assert_eq!(skills[0].authors, ["Example College"]);
        assert_eq!(skills[0].url, None);
        let collection = format!(
            r#"{{"type": "RichSkillCollection", "name": "Analytics", "skills": [{OSMT}, {older}]}}"#,
            older = &older[1..older.len() - 1]
        );
        assert_eq!(read(collection.as_bytes()).unwrap().len(), 2);
    }

    #[test]
    fn wrong_descriptors_are_each_named() {
        let only_linked = r#"{"type": "RichSkillCollection", "skills": [
            {"id": "https://osmt.example.edu/api/skills/1"},
            {"uuid": "b2", "skillName": "No statement"},
            {"skillName": "Nameless", "skillStatement": "Has no id."}]}"#;
        let NotSkills::Wrong(reasons) = read(only_linked.as_bytes()).unwrap_err() else {
            panic!("expected reasons");
        };
        assert_eq!(
            reasons,
            [
                "descriptor https://osmt.example.edu/api/skills/1 is only named by the collection; export the collection with its skills",
                "descriptor b2 has no skillStatement",
                "descriptor 3 has neither an id nor a uuid to be known by",
            ]
        );
        assert!(matches!(read(b"{\"users\": []}"), Err(NotSkills::Empty)));
        assert!(matches!(read(b"skills"), Err(NotSkills::NotJson(_))));
    }

    #[test]
    fn an_export_keeps_what_cairn_does_not_hold() {
        let skill = read(OSMT.as_bytes()).unwrap().remove(0);
        let out = export(&Descriptor {
            url: skill.url.as_deref().unwrap(),
            uuid: skill.uuid.as_deref().unwrap(),
            name: "Data visualisation",
            statement: "Present data in charts.",
            category: "Skills",
            keywords: vec!["charts"],
            alignments: vec![(
                "Data visualization",
                Some("https://en.wikipedia.org/wiki/Data_visualization"),
                Some("Wikipedia"),
            )],
            author: "Riverbend",
            original: Some(&skill.document),
        });
        assert_eq!(out["skillName"], "Data visualisation");
        assert_eq!(out["categories"], json!(["Data Analysis"]));
        assert_eq!(out["authors"], json!(["Western Example University"]));
        assert_eq!(out["certifications"], skill.document["certifications"]);
        assert_eq!(out["occupations"][0]["code"], "15-2051.01");
        // Read back, it is the same skill with Cairn's edits.
        let again = read(out.to_string().as_bytes()).unwrap().remove(0);
        assert_eq!(again.url, skill.url);
        assert_eq!(again.alignments, skill.alignments);
        assert_eq!(again.keywords, ["charts"]);

        // A competency typed in Cairn: its category and institution fill in.
        let typed = export(&Descriptor {
            url: "https://cairn.example/ims/case/v1p0/CFItems/u1",
            uuid: "u1",
            name: "Estimation",
            statement: "Estimates quantities.",
            category: "Skills",
            author: "Riverbend",
            ..Descriptor::default()
        });
        assert_eq!(typed["type"], "RichSkillDescriptor");
        assert_eq!(typed["categories"], json!(["Skills"]));
        assert_eq!(typed["authors"], json!(["Riverbend"]));
        assert_eq!(typed["status"], "published");
        assert_eq!(
            read(typed.to_string().as_bytes()).unwrap()[0].name,
            "Estimation"
        );
    }
}
