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
