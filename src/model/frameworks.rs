//! Frameworks as administrators shape them: frameworks, their areas and competencies with the
//! Rich Skill Descriptor fields, categories, skill and value tags, rubrics, and the mastery
//! method — with the recompute a change of method starts.

use serde::{Deserialize, Serialize};

/// A category a framework or competency is filed under ("Knowledge", "Skills", …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryChoice {
    pub id: i64,
    pub key: String,
    pub name: String,
}

/// Whether a tag names a skill or a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TagKind {
    Skill,
    Value,
}

impl TagKind {
    pub fn key(self) -> &'static str {
        match self {
            TagKind::Skill => "skill",
            TagKind::Value => "value",
        }
    }

    pub fn from_key(key: &str) -> Option<TagKind> {
        match key {
            "skill" => Some(TagKind::Skill),
            "value" => Some(TagKind::Value),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TagKind::Skill => "Skill",
            TagKind::Value => "Value",
        }
    }
}

/// A custom skill or value tag of the institution, with how many competencies carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub kind: TagKind,
    pub competencies: i64,
}

/// One level of a rubric: its number, name, points and colour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RubricLevel {
    pub level: i64,
    pub name: String,
    pub points: f64,
    pub color: String,
}

/// A rubric: its levels, and the level at and above which a competency counts as mastered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rubric {
    pub id: i64,
    pub name: String,
    pub mastery_level: f64,
    pub levels: Vec<RubricLevel>,
    /// The frameworks that use it (a change applies to all of them).
    pub frameworks: Vec<String>,
}

/// A framework in the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameworkSummary {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub rubric: String,
    /// The mastery method, as a person reads it.
    pub method: String,
    pub competencies: i64,
}

/// The frameworks page: every framework, and what they are built from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameworksAdmin {
    pub frameworks: Vec<FrameworkSummary>,
    pub categories: Vec<CategoryChoice>,
    pub tags: Vec<Tag>,
    pub rubrics: Vec<Rubric>,
}

/// The mastery methods an administrator chooses from: stored name and label.
pub const MASTERY_METHODS: [(&str, &str); 6] = [
    ("decaying_average", "Decaying average"),
    ("weighted_average", "Weighted average"),
    ("average", "Average of all scores"),
    ("highest", "Highest score"),
    ("latest", "Most recent score"),
    ("n_mastery", "Mean of scores at mastery, once there are n"),
];

/// A framework area: a group of its competencies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// Another framework's skill this competency aligns to (a Rich Skill Descriptor alignment).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alignment {
    pub name: String,
    pub url: Option<String>,
    pub framework: Option<String>,
    pub code: Option<String>,
}

/// A competency with every field an administrator edits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompetencyAdmin {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub statement: String,
    pub keywords: String,
    pub category_id: i64,
    pub area_id: Option<i64>,
    /// Its own method, when it does not follow the framework's.
    pub method: Option<String>,
    pub method_param: Option<f64>,
    /// The method that applies, as a person reads it.
    pub method_label: String,
    pub tags: Vec<String>,
    pub alignments: Vec<Alignment>,
    /// Where it came from, when it was imported.
    #[serde(default)]
    pub source: CompetencySource,
}

/// What a competency imported from a CASE package or a Rich Skill Descriptor keeps of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompetencySource {
    /// Its canonical identifier: the CASE item's URI, or the Rich Skill Descriptor's URL.
    pub uri: Option<String>,
    /// The CASE item type ("Standard", "Learning Target", …).
    pub item_type: Option<String>,
    /// The year levels it is for (CASE `educationLevel`), comma-separated.
    pub year_levels: String,
    pub notes: String,
}

impl CompetencySource {
    pub fn is_empty(&self) -> bool {
        self == &CompetencySource::default()
    }
}

/// Where a recompute of levels is: read from the store, so any instance can tell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recompute {
    pub id: i64,
    pub reason: String,
    /// Learners with evidence on the competencies it covers.
    pub learners: i64,
    pub done: i64,
    /// Levels that came out different.
    pub changed: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub failure: Option<String>,
}

impl Recompute {
    pub fn finished(&self) -> bool {
        self.finished_at.is_some() || self.failure.is_some()
    }

    /// 0 to 100.
    pub fn percent(&self) -> u8 {
        if self.finished() || self.learners == 0 {
            100
        } else {
            ((self.done as f64 / self.learners as f64) * 100.0).clamp(0.0, 99.0) as u8
        }
    }
}

/// One framework, as its page edits it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameworkAdmin {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub category_id: i64,
    pub rubric: Rubric,
    pub method: String,
    pub method_param: Option<f64>,
    pub method_label: String,
    pub areas: Vec<Area>,
    pub competencies: Vec<CompetencyAdmin>,
    /// Its CASE document identifier, once it has one (imported, exported or published).
    #[serde(default)]
    pub case_identifier: Option<String>,
    /// Whether the CASE provider API serves it, to anyone.
    #[serde(default)]
    pub published: bool,
    pub categories: Vec<CategoryChoice>,
    pub tags: Vec<Tag>,
    /// The newest recompute of the framework's levels, if there was one.
    pub recompute: Option<Recompute>,
}

/// A framework's fields as the form sends them; checked by `cairn::frameworks`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FrameworkForm {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub category_id: i64,
    pub rubric_id: i64,
    /// A stored method name (`MASTERY_METHODS`).
    pub method: String,
    /// Its parameter: a percentage for the averages, a count for `n_mastery`; empty for the
    /// default.
    #[serde(default)]
    pub method_param: String,
}

/// A competency's fields as the form sends them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CompetencyForm {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub statement: String,
    /// Comma-separated.
    #[serde(default)]
    pub keywords: String,
    pub category_id: i64,
    /// An area's id, or empty for none.
    #[serde(default)]
    pub area_id: String,
    /// Empty to follow the framework's method.
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub method_param: String,
    /// Tag names, comma-separated.
    #[serde(default)]
    pub tags: String,
    /// One alignment a line: `name | url | framework | code`, all but the name optional.
    #[serde(default)]
    pub alignments: String,
}

/// One rubric level as its form sends it; a new number adds a level.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RubricLevelForm {
    pub level: i64,
    pub name: String,
    pub points: String,
    pub color: String,
}

/// One depth of a CASE package's tree as the preview shows it: how many items, of which types,
/// and the first few, so an administrator can tell which depth is which.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDepth {
    /// 1 for the document's children.
    pub depth: usize,
    pub items: usize,
    /// How many of them have no children.
    pub leaves: usize,
    /// Item type and how many items of it, most first.
    pub types: Vec<(String, usize)>,
    /// The first items at this depth, as "code name".
    pub examples: Vec<String>,
}

/// What a CASE import wrote into a framework.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseImport {
    pub framework_id: i64,
    /// Whether the framework was new to the institution.
    pub new_framework: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub retired: usize,
}

/// A CASE package previewed or imported: its tree by depth, the depths chosen for areas and
/// competencies, what they make, the problems that keep items out, and what was written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePreview {
    /// The framework's name (the document's title).
    pub framework: String,
    /// The document's CASE identifier.
    pub document: String,
    pub depths: Vec<CaseDepth>,
    /// The depth that becomes areas; none: competencies without areas.
    pub areas_depth: Option<usize>,
    pub competencies_depth: usize,
    pub areas: usize,
    pub competencies: usize,
    pub indicators: usize,
    pub alignments: usize,
    /// Every problem, named by identifier and code (the first `CASE_PROBLEMS_SHOWN`).
    pub problems: Vec<String>,
    pub problem_count: usize,
    /// What was read past without harm.
    pub notes: Vec<String>,
    /// Whether the valid part is written when there are problems.
    pub valid_part: bool,
    /// Whether this was the import itself, not its preview.
    pub ran: bool,
    /// What was written, when the import wrote.
    pub written: Option<CaseImport>,
}

/// How many of a package's problems a preview lists.
pub const CASE_PROBLEMS_SHOWN: usize = 100;

impl CasePreview {
    /// Whether the import writes (or would write) nothing because of its problems.
    pub fn blocked(&self) -> bool {
        self.problem_count > 0 && !self.valid_part
    }
}
