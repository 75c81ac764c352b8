//! The institution's frameworks → areas → competencies (with Rich Skill Descriptor fields,
//! alignments and tags), and the achievements whose criteria name them.

use super::curriculum::{ACHIEVEMENTS, FRAMEWORKS, MASTERY_LEVEL};
use super::generator::Generator;
use super::institution::{category_id, INSTITUTION_ID, RUBRIC_ID};
use crate::row;
use crate::store::batch::TableRows;

/// A generated competency, as the rest of the generator refers to it.
pub struct CompetencyRef {
    pub id: i64,
    pub code: &'static str,
    pub category: &'static str,
}

pub struct Catalogue {
    pub competencies: Vec<CompetencyRef>,
}

impl Catalogue {
    pub fn id_of(&self, code: &str) -> Option<i64> {
        self.competencies
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.id)
    }
}

/// What each level of the four-level rubric asks for on one competency.
fn level_criteria(name: &str) -> [(i64, String); 4] {
    let skill = name.to_lowercase();
    [
        (1, format!("With help, makes a start on {skill}.")),
        (
            2,
            format!("Shows {skill} in familiar tasks, sometimes with guidance."),
        ),
        (3, format!("Shows {skill} independently and consistently.")),
        (
            4,
            format!("Applies {skill} in new, complex situations and helps others to."),
        ),
    ]
}

pub fn generate(g: &Generator, tables: &mut Vec<TableRows>) -> Catalogue {
    let created = &g.created;
    let mut frameworks = TableRows::new(
        "frameworks",
        &[
            "id",
            "institution_id",
            "name",
            "description",
            "category_id",
            "rubric_id",
            "mastery_method",
            "mastery_param",
            "created_at",
        ],
    );
    let mut areas = TableRows::new(
        "framework_areas",
        &["id", "framework_id", "code", "name", "position"],
    );
    let mut competencies = TableRows::new(
        "competencies",
        &[
            "id",
            "framework_id",
            "area_id",
            "code",
            "name",
            "skill_statement",
            "keywords",
            "category_id",
            "position",
        ],
    );
    let mut alignments = TableRows::new(
        "competency_alignments",
        &[
            "id",
            "competency_id",
            "target_name",
            "target_framework",
            "target_code",
        ],
    );
    let mut rubric_criteria = TableRows::new(
        "rubric_criteria",
        &["rubric_id", "competency_id", "level", "text"],
    );
    let mut tags = TableRows::new("tags", &["id", "institution_id", "name", "kind"]);
    let mut competency_tags = TableRows::new("competency_tags", &["competency_id", "tag_id"]);

    let mut tag_names: Vec<&str> = Vec::new();
    let mut catalogue = Catalogue {
        competencies: Vec::new(),
    };
    let mut area_id = 0i64;
    for (framework_index, framework) in FRAMEWORKS.iter().enumerate() {
        let framework_id = framework_index as i64 + 1;
        let category = category_id(framework.category);
        frameworks.push(row![
            framework_id,
            INSTITUTION_ID,
            framework.name,
            framework.description,
            category,
            RUBRIC_ID,
            framework.mastery_method,
            None::<f64>,
            created,
        ]);
        for (area_index, area) in framework.areas.iter().enumerate() {
            area_id += 1;
            areas.push(row![
                area_id,
                framework_id,
                area.code,
                area.name,
                area_index as i64
            ]);
            for (position, (code, name, statement, keywords, tag)) in
                area.competencies.iter().enumerate()
            {
                let id = catalogue.competencies.len() as i64 + 1;
                catalogue.competencies.push(CompetencyRef {
                    id,
                    code,
                    category: framework.category,
                });
                competencies.push(row![
                    id,
                    framework_id,
                    area_id,
                    *code,
                    *name,
                    *statement,
                    *keywords,
                    category,
                    position as i64,
                ]);
                for (level, text) in level_criteria(name) {
                    rubric_criteria.push(row![RUBRIC_ID, id, level, text]);
                }
                let alignment = format!("{} — {}", framework.name, name);
                alignments.push(row![id, id, alignment, framework.name, *code]);
                let tag_id = match tag_names.iter().position(|t| t == tag) {
                    Some(index) => index as i64 + 1,
                    None => {
                        tag_names.push(tag);
                        let tag_id = tag_names.len() as i64;
                        let kind = if framework.category == "values" {
                            "value"
                        } else {
                            "skill"
                        };
                        tags.push(row![tag_id, INSTITUTION_ID, *tag, kind]);
                        tag_id
                    }
                };
                competency_tags.push(row![id, tag_id]);
            }
        }
    }

    let mut achievements = TableRows::new(
        "achievements",
        &[
            "id",
            "institution_id",
            "name",
            "description",
            "category_id",
            "criteria_narrative",
            "created_at",
        ],
    );
    let mut criteria = TableRows::new(
        "achievement_criteria",
        &["achievement_id", "competency_id", "min_level"],
    );
    for (index, (name, description, category, codes)) in ACHIEVEMENTS.iter().enumerate() {
        let id = index as i64 + 1;
        let narrative = format!("Reach Proficient or above in: {}.", codes.join(", "));
        achievements.push(row![
            id,
            INSTITUTION_ID,
            *name,
            *description,
            category_id(category),
            narrative,
            created,
        ]);
        for competency_id in codes.iter().filter_map(|code| catalogue.id_of(code)) {
            criteria.push(row![id, competency_id, MASTERY_LEVEL]);
        }
    }

    tables.extend([
        frameworks,
        areas,
        competencies,
        rubric_criteria,
        alignments,
        tags,
        competency_tags,
        achievements,
        criteria,
    ]);
    catalogue
}
