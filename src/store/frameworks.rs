//! Frameworks as administrators shape them: frameworks, areas and competencies with their Rich
//! Skill Descriptor fields, categories, skill and value tags, and rubrics. A change that moves
//! levels (a mastery method, a rubric's threshold) records a recompute in the same
//! transaction; `store::recompute` then works it off in the background.

use std::collections::HashMap;

use sqlx::Any;

use super::audit::Actor;
use super::taxonomy::taken;
use super::{float_placeholder, Store};
use crate::clock;
use crate::error::{CoreError, CoreResult};
use crate::mastery::MasteryMethod;
use crate::model::{
    Alignment, Area, CategoryChoice, CompetencyAdmin, CompetencySource, FrameworkAdmin,
    FrameworkSummary, FrameworksAdmin, InstitutionId, Rubric, RubricLevel, Tag, TagKind,
};

type Tx<'s> = super::write::Write<'s>;

/// A framework's checked fields.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameworkFields {
    pub name: String,
    pub description: String,
    pub category_id: i64,
    pub rubric_id: i64,
    pub method: MasteryMethod,
}

/// A competency's checked fields.
#[derive(Clone, Debug, PartialEq)]
pub struct CompetencyFields {
    pub code: String,
    pub name: String,
    pub statement: String,
    pub keywords: String,
    pub category_id: i64,
    pub area_id: Option<i64>,
    /// Its own method; `None` follows the framework's.
    pub method: Option<MasteryMethod>,
    pub tags: Vec<String>,
    pub alignments: Vec<Alignment>,
}

/// `id, name, category, rubric, method, param, competencies`.
type SummaryRow = (i64, String, String, String, String, Option<f64>, i64);

/// `id, code, name, statement, keywords, category, area, method, param`, then where it came
/// from: `uri, item type, year levels, notes`.
type CompetencyRow = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    Option<f64>,
    Option<String>,
    Option<String>,
    String,
    String,
);

/// `competency, name, url, framework, code`.
type AlignmentRow = (i64, String, Option<String>, Option<String>, Option<String>);

/// Binds an optional float last (see `float_placeholder`).
fn bind_float<'q, O>(
    query: sqlx::query::QueryScalar<'q, Any, O, sqlx::any::AnyArguments<'q>>,
    value: Option<f64>,
) -> sqlx::query::QueryScalar<'q, Any, O, sqlx::any::AnyArguments<'q>> {
    match value {
        Some(value) => query.bind(value),
        None => query,
    }
}

/// How a stored method reads to a person (or the stored text, if it does not parse).
fn method_label(method: &str, param: Option<f64>) -> String {
    MasteryMethod::parse(method, param)
        .map(|method| method.describe())
        .unwrap_or_else(|_| method.to_string())
}

fn described(method: &Option<MasteryMethod>) -> String {
    method
        .as_ref()
        .map_or_else(|| "the framework's".into(), MasteryMethod::describe)
}

impl Store {
    /// Every framework of the institution, and its categories, tags and rubrics.
    pub async fn frameworks_admin(
        &self,
        institution_id: InstitutionId,
    ) -> CoreResult<FrameworksAdmin> {
        let rows: Vec<SummaryRow> = sqlx::query_as(
            "SELECT f.id, f.name, c.name, r.name, f.mastery_method, f.mastery_param, \
               (SELECT COUNT(*) FROM competencies k \
                 WHERE k.framework_id = f.id AND k.retired_at IS NULL) \
             FROM frameworks f JOIN categories c ON c.id = f.category_id \
             JOIN rubrics r ON r.id = f.rubric_id \
             WHERE f.institution_id = $1 ORDER BY f.name, f.id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        let frameworks = rows
            .into_iter()
            .map(
                |(id, name, category, rubric, method, param, competencies)| FrameworkSummary {
                    id,
                    name,
                    category,
                    rubric,
                    method: method_label(&method, param),
                    competencies,
                },
            )
            .collect();
        Ok(FrameworksAdmin {
            frameworks,
            categories: self.categories(institution_id).await?,
            tags: self.tags(institution_id).await?,
            rubrics: self.rubrics(institution_id).await?,
        })
    }

    async fn categories(&self, institution_id: InstitutionId) -> CoreResult<Vec<CategoryChoice>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, key, name FROM categories WHERE institution_id = $1 \
             ORDER BY position, name, id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, key, name)| CategoryChoice { id, key, name })
            .collect())
    }

    async fn tags(&self, institution_id: InstitutionId) -> CoreResult<Vec<Tag>> {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT t.id, t.name, t.kind, \
               (SELECT COUNT(*) FROM competency_tags ct WHERE ct.tag_id = t.id) \
             FROM tags t WHERE t.institution_id = $1 ORDER BY t.kind, t.name",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, kind, competencies)| Tag {
                id,
                name,
                kind: TagKind::from_key(&kind).unwrap_or(TagKind::Skill),
                competencies,
            })
            .collect())
    }

    async fn rubrics(&self, institution_id: InstitutionId) -> CoreResult<Vec<Rubric>> {
        let rubrics: Vec<(i64, String, f64)> = sqlx::query_as(
            "SELECT id, name, mastery_level FROM rubrics WHERE institution_id = $1 ORDER BY name, id",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        let levels: Vec<(i64, i64, String, f64, String)> = sqlx::query_as(
            "SELECT l.rubric_id, l.level, l.name, l.points, l.color FROM rubric_levels l \
             JOIN rubrics r ON r.id = l.rubric_id WHERE r.institution_id = $1 \
             ORDER BY l.rubric_id, l.level",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        let users: Vec<(i64, String)> = sqlx::query_as(
            "SELECT rubric_id, name FROM frameworks WHERE institution_id = $1 ORDER BY name",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rubrics
            .into_iter()
            .map(|(id, name, mastery_level)| Rubric {
                id,
                name,
                mastery_level,
                levels: levels
                    .iter()
                    .filter(|(rubric, ..)| *rubric == id)
                    .map(|(_, level, name, points, color)| RubricLevel {
                        level: *level,
                        name: name.clone(),
                        points: *points,
                        color: color.clone(),
                    })
                    .collect(),
                frameworks: users
                    .iter()
                    .filter(|(rubric, _)| *rubric == id)
                    .map(|(_, name)| name.clone())
                    .collect(),
            })
            .collect())
    }

    /// One framework with its areas and competencies, as its page edits them.
    pub async fn framework_admin(
        &self,
        institution_id: InstitutionId,
        framework_id: i64,
    ) -> CoreResult<FrameworkAdmin> {
        type Row = (
            String,
            String,
            i64,
            i64,
            String,
            Option<f64>,
            Option<String>,
            i64,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT name, description, category_id, rubric_id, mastery_method, mastery_param, \
               case_identifier, CAST(published AS BIGINT) \
             FROM frameworks WHERE id = $1 AND institution_id = $2",
        )
        .bind(framework_id)
        .bind(institution_id)
        .fetch_optional(self.pool())
        .await?;
        let (name, description, category_id, rubric_id, method, method_param, case_id, published) =
            row.ok_or_else(|| CoreError::NotFound(format!("framework {framework_id}")))?;
        let areas: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, code, name FROM framework_areas WHERE framework_id = $1 \
             ORDER BY position, code, id",
        )
        .bind(framework_id)
        .fetch_all(self.pool())
        .await?;
        let competencies: Vec<CompetencyRow> = sqlx::query_as(
            "SELECT id, code, name, skill_statement, keywords, category_id, area_id, \
               mastery_method, mastery_param, case_uri, item_type, year_levels, notes \
             FROM competencies WHERE framework_id = $1 AND retired_at IS NULL \
             ORDER BY position, code, id",
        )
        .bind(framework_id)
        .fetch_all(self.pool())
        .await?;
        let tags: Vec<(i64, String)> = sqlx::query_as(
            "SELECT ct.competency_id, t.name FROM competency_tags ct \
             JOIN tags t ON t.id = ct.tag_id JOIN competencies c ON c.id = ct.competency_id \
             WHERE c.framework_id = $1 ORDER BY t.name",
        )
        .bind(framework_id)
        .fetch_all(self.pool())
        .await?;
        let alignments: Vec<AlignmentRow> = sqlx::query_as(
            "SELECT a.competency_id, a.target_name, a.target_url, a.target_framework, \
               a.target_code \
             FROM competency_alignments a JOIN competencies c ON c.id = a.competency_id \
             WHERE c.framework_id = $1 ORDER BY a.id",
        )
        .bind(framework_id)
        .fetch_all(self.pool())
        .await?;
        let framework_label = method_label(&method, method_param);
        let competencies = competencies
            .into_iter()
            .map(
                |(
                    id,
                    code,
                    name,
                    statement,
                    keywords,
                    category_id,
                    area_id,
                    own,
                    param,
                    uri,
                    item_type,
                    year_levels,
                    notes,
                )| {
                    CompetencyAdmin {
                        source: CompetencySource {
                            uri,
                            item_type,
                            year_levels,
                            notes,
                        },
                        method_label: match &own {
                            Some(own) => method_label(own, param),
                            None => framework_label.clone(),
                        },
                        tags: tags
                            .iter()
                            .filter(|(competency, _)| *competency == id)
                            .map(|(_, tag)| tag.clone())
                            .collect(),
                        alignments: alignments
                            .iter()
                            .filter(|(competency, ..)| *competency == id)
                            .map(|(_, name, url, framework, code)| Alignment {
                                name: name.clone(),
                                url: url.clone(),
                                framework: framework.clone(),
                                code: code.clone(),
                            })
                            .collect(),
                        id,
                        code,
                        name,
                        statement,
                        keywords,
                        category_id,
                        area_id,
                        method: own,
                        method_param: param,
                    }
                },
            )
            .collect();
        let rubric = self
            .rubrics(institution_id)
            .await?
            .into_iter()
            .find(|rubric| rubric.id == rubric_id)
            .ok_or_else(|| CoreError::NotFound(format!("rubric {rubric_id}")))?;
        Ok(FrameworkAdmin {
            id: framework_id,
            name,
            description,
            category_id,
            rubric,
            method_label: framework_label,
            method,
            method_param,
            areas: areas
                .into_iter()
                .map(|(id, code, name)| Area { id, code, name })
                .collect(),
            competencies,
            case_identifier: case_id,
            published: published != 0,
            categories: self.categories(institution_id).await?,
            tags: self.tags(institution_id).await?,
            recompute: self.latest_recompute(framework_id).await?,
        })
    }

    /// Creates a framework; its name must be new in the institution.
    pub async fn create_framework(
        &self,
        by: Actor<'_>,
        fields: &FrameworkFields,
    ) -> CoreResult<i64> {
        let mut tx = self.write_as(by).await?;
        check_framework_fields(&mut tx, by.institution_id, None, fields).await?;
        let param = fields.method.param();
        let sql = format!(
            "INSERT INTO frameworks (institution_id, name, description, category_id, rubric_id, \
               mastery_method, created_at, mastery_param) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, {}) RETURNING id",
            float_placeholder(8, param)
        );
        let id: i64 = bind_float(
            sqlx::query_scalar(&sql)
                .bind(by.institution_id)
                .bind(&fields.name)
                .bind(&fields.description)
                .bind(fields.category_id)
                .bind(fields.rubric_id)
                .bind(fields.method.key())
                .bind(clock::now()),
            param,
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.audit(
            "create framework",
            ("framework", Some(id.to_string())),
            format!("{} ({})", fields.name, fields.method.describe()),
        );
        tx.touch_everyone();
        tx.commit().await?;
        Ok(id)
    }

    /// Saves a framework's fields. A new mastery method or rubric records a recompute of the
    /// framework's levels, whose id is returned for the caller to run.
    pub async fn save_framework(
        &self,
        by: Actor<'_>,
        framework_id: i64,
        fields: &FrameworkFields,
    ) -> CoreResult<Option<i64>> {
        let mut tx = self.write_as(by).await?;
        let old: Option<(String, Option<f64>, i64, String, String)> = sqlx::query_as(
            "SELECT mastery_method, mastery_param, rubric_id, name, description FROM frameworks \
             WHERE id = $1 AND institution_id = $2",
        )
        .bind(framework_id)
        .bind(by.institution_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (old_method, old_param, old_rubric, old_name, old_description) =
            old.ok_or_else(|| CoreError::NotFound(format!("framework {framework_id}")))?;
        // A new title or description is the CASE document's latest change.
        let reworded = !same_text(&old_name, &fields.name)
            || !same_text(&old_description, &fields.description);
        check_framework_fields(&mut tx, by.institution_id, Some(framework_id), fields).await?;
        let param = fields.method.param();
        let sql = format!(
            "UPDATE frameworks SET name = $1, description = $2, category_id = $3, \
               rubric_id = $4, mastery_method = $5, \
               case_changed_at = COALESCE($6, case_changed_at), \
               mastery_param = {} WHERE id = $7",
            float_placeholder(8, param)
        );
        let mut update = sqlx::query(&sql)
            .bind(&fields.name)
            .bind(&fields.description)
            .bind(fields.category_id)
            .bind(fields.rubric_id)
            .bind(fields.method.key())
            .bind(reworded.then(crate::clock::now))
            .bind(framework_id);
        if let Some(param) = param {
            update = update.bind(param);
        }
        update.execute(&mut *tx).await?;
        let method_changed =
            old_method != fields.method.key() || old_param != fields.method.param();
        let mut detail = fields.name.clone();
        if method_changed {
            detail.push_str(&format!(
                "; mastery method {} → {}",
                method_label(&old_method, old_param),
                fields.method.describe()
            ));
        }
        if old_rubric != fields.rubric_id {
            detail.push_str("; rubric changed");
        }
        let recompute = if method_changed || old_rubric != fields.rubric_id {
            Some(
                start_recompute(
                    &mut tx,
                    by.institution_id,
                    framework_id,
                    None,
                    &format!("{} saved", fields.name),
                )
                .await?,
            )
        } else {
            None
        };
        tx.audit(
            "edit framework",
            ("framework", Some(framework_id.to_string())),
            detail,
        );
        tx.touch_everyone();
        tx.commit().await?;
        Ok(recompute)
    }

    /// Adds a competency to a framework, with its tags and alignments.
    pub async fn create_competency(
        &self,
        by: Actor<'_>,
        framework_id: i64,
        fields: &CompetencyFields,
    ) -> CoreResult<i64> {
        let mut tx = self.write_as(by).await?;
        framework_of(&mut tx, by.institution_id, framework_id).await?;
        let tag_ids =
            check_competency_fields(&mut tx, by.institution_id, framework_id, None, fields).await?;
        let param = fields.method.as_ref().and_then(MasteryMethod::param);
        let sql = format!(
            "INSERT INTO competencies (framework_id, area_id, code, name, skill_statement, \
               keywords, category_id, mastery_method, position, mastery_param) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
               (SELECT COALESCE(MAX(position), 0) + 1 FROM competencies WHERE framework_id = $1), \
               {}) RETURNING id",
            float_placeholder(9, param)
        );
        let id: i64 = bind_float(
            sqlx::query_scalar(&sql)
                .bind(framework_id)
                .bind(fields.area_id)
                .bind(&fields.code)
                .bind(&fields.name)
                .bind(&fields.statement)
                .bind(&fields.keywords)
                .bind(fields.category_id)
                .bind(fields.method.as_ref().map(MasteryMethod::key)),
            param,
        )
        .fetch_one(&mut *tx)
        .await?;
        write_tags_and_alignments(&mut tx, id, &tag_ids, &fields.alignments, Vec::new()).await?;
        tx.audit(
            "create competency",
            ("competency", Some(id.to_string())),
            format!("{} {}", fields.code, fields.name),
        );
        tx.touch_everyone();
        tx.commit().await?;
        Ok(id)
    }

    /// Saves a competency's fields, tags and alignments. A new mastery method records a
    /// recompute of its levels, whose id is returned for the caller to run.
    pub async fn save_competency(
        &self,
        by: Actor<'_>,
        competency_id: i64,
        fields: &CompetencyFields,
    ) -> CoreResult<Option<i64>> {
        let mut tx = self.write_as(by).await?;
        type Old = (
            i64,
            Option<String>,
            Option<f64>,
            String,
            String,
            String,
            String,
        );
        let old: Option<Old> = sqlx::query_as(
            "SELECT c.framework_id, c.mastery_method, c.mastery_param, c.code, c.name, \
               c.skill_statement, c.keywords FROM competencies c \
             JOIN frameworks f ON f.id = c.framework_id \
             WHERE c.id = $1 AND f.institution_id = $2",
        )
        .bind(competency_id)
        .bind(by.institution_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (framework_id, old_method, old_param, code, name, statement, keywords) =
            old.ok_or_else(|| CoreError::NotFound(format!("competency {competency_id}")))?;
        // What CASE says of the item changed in Cairn: it is the item's latest version, its
        // export says so, and an older version of the package it came from leaves it be.
        let reworded = [
            (&code, &fields.code),
            (&name, &fields.name),
            (&statement, &fields.statement),
            (&keywords, &fields.keywords),
        ]
        .iter()
        .any(|(held, sent)| !same_text(held, sent));
        let tag_ids = check_competency_fields(
            &mut tx,
            by.institution_id,
            framework_id,
            Some(competency_id),
            fields,
        )
        .await?;
        let param = fields.method.as_ref().and_then(MasteryMethod::param);
        let sql = format!(
            "UPDATE competencies SET area_id = $1, code = $2, name = $3, skill_statement = $4, \
               keywords = $5, category_id = $6, mastery_method = $7, \
               case_changed_at = COALESCE($8, case_changed_at), mastery_param = {} WHERE id = $9",
            float_placeholder(10, param)
        );
        let mut update = sqlx::query(&sql)
            .bind(fields.area_id)
            .bind(&fields.code)
            .bind(&fields.name)
            .bind(&fields.statement)
            .bind(&fields.keywords)
            .bind(fields.category_id)
            .bind(fields.method.as_ref().map(MasteryMethod::key))
            .bind(reworded.then(crate::clock::now))
            .bind(competency_id);
        if let Some(param) = param {
            update = update.bind(param);
        }
        update.execute(&mut *tx).await?;
        sqlx::query("DELETE FROM competency_tags WHERE competency_id = $1")
            .bind(competency_id)
            .execute(&mut *tx)
            .await?;
        let held: Vec<HeldAlignment> = sqlx::query_as(
            "SELECT target_name, target_url, target_framework, target_code, kind, \
               target_identifier, case_identifier \
             FROM competency_alignments WHERE competency_id = $1 ORDER BY id",
        )
        .bind(competency_id)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM competency_alignments WHERE competency_id = $1")
            .bind(competency_id)
            .execute(&mut *tx)
            .await?;
        write_tags_and_alignments(&mut tx, competency_id, &tag_ids, &fields.alignments, held)
            .await?;
        let old_method = match old_method {
            Some(method) => Some(MasteryMethod::parse(&method, old_param)?),
            None => None,
        };
        let mut detail = format!("{} {}", fields.code, fields.name);
        let recompute = if old_method != fields.method {
            detail.push_str(&format!(
                "; mastery method {} → {}",
                described(&old_method),
                described(&fields.method)
            ));
            Some(
                start_recompute(
                    &mut tx,
                    by.institution_id,
                    framework_id,
                    Some(competency_id),
                    &format!("{} saved", fields.code),
                )
                .await?,
            )
        } else {
            None
        };
        tx.audit(
            "edit competency",
            ("competency", Some(competency_id.to_string())),
            detail,
        );
        tx.touch_everyone();
        tx.commit().await?;
        Ok(recompute)
    }

    /// Saves one level of a rubric (a new number adds it). Levels stay numbered 1, 2, … with
    /// no gap, and their points rise with them.
    pub async fn save_rubric_level(
        &self,
        by: Actor<'_>,
        rubric_id: i64,
        level: &RubricLevel,
    ) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        let rubric = rubric_of(&mut tx, by.institution_id, rubric_id).await?;
        let levels: Vec<(i64, f64)> = sqlx::query_as(
            "SELECT level, points FROM rubric_levels WHERE rubric_id = $1 ORDER BY level",
        )
        .bind(rubric_id)
        .fetch_all(&mut *tx)
        .await?;
        let top = levels.last().map_or(0, |(top, _)| *top);
        if level.level < 1 || level.level > top + 1 {
            return Err(CoreError::invalid(
                "level",
                format!("is a level from 1 to {top}, or {} for a new one", top + 1),
            ));
        }
        let below = levels.iter().find(|(l, _)| *l == level.level - 1);
        let above = levels.iter().find(|(l, _)| *l == level.level + 1);
        if below.is_some_and(|(_, points)| *points >= level.points)
            || above.is_some_and(|(_, points)| *points <= level.points)
        {
            return Err(CoreError::invalid(
                "points",
                "must be more than the level below and less than the level above",
            ));
        }
        sqlx::query(
            "INSERT INTO rubric_levels (rubric_id, level, name, points, color) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (rubric_id, level) DO UPDATE \
             SET name = excluded.name, points = excluded.points, color = excluded.color",
        )
        .bind(rubric_id)
        .bind(level.level)
        .bind(&level.name)
        .bind(level.points)
        .bind(&level.color)
        .execute(&mut *tx)
        .await?;
        let action = if level.level > top {
            "add rubric level"
        } else {
            "edit rubric level"
        };
        tx.audit(
            action,
            ("rubric", Some(rubric_id.to_string())),
            format!(
                "{rubric}: level {} {} ({} points)",
                level.level, level.name, level.points
            ),
        );
        tx.touch_everyone();
        tx.commit().await?;
        Ok(())
    }

    /// Sets a rubric's mastery threshold, between its lowest and highest level. Every
    /// framework using the rubric gets a recompute (`n_mastery` counts scores at mastery);
    /// their ids are returned for the caller to run.
    pub async fn set_mastery_level(
        &self,
        by: Actor<'_>,
        rubric_id: i64,
        mastery_level: f64,
    ) -> CoreResult<Vec<i64>> {
        let mut tx = self.write_as(by).await?;
        let rubric = rubric_of(&mut tx, by.institution_id, rubric_id).await?;
        let (low, high): (Option<i64>, Option<i64>) =
            sqlx::query_as("SELECT MIN(level), MAX(level) FROM rubric_levels WHERE rubric_id = $1")
                .bind(rubric_id)
                .fetch_one(&mut *tx)
                .await?;
        let (low, high) = (low.unwrap_or(0) as f64, high.unwrap_or(0) as f64);
        if !(low..=high).contains(&mastery_level) {
            return Err(CoreError::invalid(
                "mastery threshold",
                format!("must be a level between {low} and {high}"),
            ));
        }
        sqlx::query("UPDATE rubrics SET mastery_level = $1 WHERE id = $2")
            .bind(mastery_level)
            .bind(rubric_id)
            .execute(&mut *tx)
            .await?;
        let frameworks: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM frameworks WHERE rubric_id = $1 ORDER BY id")
                .bind(rubric_id)
                .fetch_all(&mut *tx)
                .await?;
        let mut recomputes = Vec::new();
        for (framework_id,) in frameworks {
            recomputes.push(
                start_recompute(
                    &mut tx,
                    by.institution_id,
                    framework_id,
                    None,
                    &format!("{rubric}: mastery threshold {mastery_level}"),
                )
                .await?,
            );
        }
        tx.audit(
            "edit rubric",
            ("rubric", Some(rubric_id.to_string())),
            format!("{rubric}: mastery threshold {mastery_level}"),
        );
        tx.touch_everyone();
        tx.commit().await?;
        Ok(recomputes)
    }
}

/// The framework's name, when it belongs to the institution.
pub(super) async fn framework_of(
    tx: &mut Tx<'_>,
    institution_id: InstitutionId,
    framework_id: i64,
) -> CoreResult<String> {
    sqlx::query_scalar("SELECT name FROM frameworks WHERE id = $1 AND institution_id = $2")
        .bind(framework_id)
        .bind(institution_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("framework {framework_id}")))
}

/// The rubric's name, when it belongs to the institution.
async fn rubric_of(
    tx: &mut Tx<'_>,
    institution_id: InstitutionId,
    rubric_id: i64,
) -> CoreResult<String> {
    sqlx::query_scalar("SELECT name FROM rubrics WHERE id = $1 AND institution_id = $2")
        .bind(rubric_id)
        .bind(institution_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| CoreError::NotFound(format!("rubric {rubric_id}")))
}

/// Whether a category belongs to the institution.
async fn check_category(
    tx: &mut Tx<'_>,
    institution_id: InstitutionId,
    category_id: i64,
) -> CoreResult<()> {
    let found: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM categories WHERE id = $1 AND institution_id = $2")
            .bind(category_id)
            .bind(institution_id)
            .fetch_one(&mut **tx)
            .await?;
    if found == 0 {
        return Err(CoreError::invalid(
            "category",
            "choose one of the institution's categories",
        ));
    }
    Ok(())
}

/// A framework's name is new in the institution; its category and rubric are the
/// institution's.
async fn check_framework_fields(
    tx: &mut Tx<'_>,
    institution_id: InstitutionId,
    framework_id: Option<i64>,
    fields: &FrameworkFields,
) -> CoreResult<()> {
    let scope = ("institution_id", institution_id);
    if taken(
        tx,
        ("frameworks", "name"),
        scope,
        &fields.name,
        framework_id,
    )
    .await?
    {
        return Err(CoreError::invalid(
            "name",
            format!("there is already a framework {}", fields.name),
        ));
    }
    check_category(tx, institution_id, fields.category_id).await?;
    rubric_of(tx, institution_id, fields.rubric_id).await?;
    Ok(())
}

/// A competency's code is new in its framework, its category and area are the framework's,
/// and its tags exist: their ids.
async fn check_competency_fields(
    tx: &mut Tx<'_>,
    institution_id: InstitutionId,
    framework_id: i64,
    competency_id: Option<i64>,
    fields: &CompetencyFields,
) -> CoreResult<Vec<i64>> {
    let scope = ("framework_id", framework_id);
    if taken(
        tx,
        ("competencies", "code"),
        scope,
        &fields.code,
        competency_id,
    )
    .await?
    {
        return Err(CoreError::invalid(
            "code",
            format!("the framework already has a competency {}", fields.code),
        ));
    }
    check_category(tx, institution_id, fields.category_id).await?;
    if let Some(area_id) = fields.area_id {
        let found: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM framework_areas WHERE id = $1 AND framework_id = $2",
        )
        .bind(area_id)
        .bind(framework_id)
        .fetch_one(&mut **tx)
        .await?;
        if found == 0 {
            return Err(CoreError::invalid(
                "area",
                "choose one of the framework's areas",
            ));
        }
    }
    let known: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM tags WHERE institution_id = $1")
            .bind(institution_id)
            .fetch_all(&mut **tx)
            .await?;
    let by_name: HashMap<String, i64> = known
        .into_iter()
        .map(|(id, name)| (name.to_lowercase(), id))
        .collect();
    let mut ids = Vec::new();
    for tag in &fields.tags {
        match by_name.get(&tag.to_lowercase()) {
            Some(id) if !ids.contains(id) => ids.push(*id),
            Some(_) => {}
            None => {
                return Err(CoreError::invalid(
                    "tags",
                    format!("there is no tag {tag}; add it under Tags first"),
                ))
            }
        }
    }
    Ok(ids)
}

/// Whether two texts say the same, whatever their line endings and spacing (a form posted
/// before the page's script arrives sends CRLF).
fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// An alignment as it was before a save: its form fields, and what an import knew of it (its
/// CASE association type, target and association identifiers).
type HeldAlignment = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Writes a competency's tags and alignments. An alignment the form sends back unchanged keeps
/// what an import knew of it (`held`), so a later import of the same package or descriptor
/// recognises it instead of adding it again.
async fn write_tags_and_alignments(
    tx: &mut Tx<'_>,
    competency_id: i64,
    tag_ids: &[i64],
    alignments: &[Alignment],
    mut held: Vec<HeldAlignment>,
) -> CoreResult<()> {
    for tag_id in tag_ids {
        sqlx::query("INSERT INTO competency_tags (competency_id, tag_id) VALUES ($1, $2)")
            .bind(competency_id)
            .bind(tag_id)
            .execute(&mut **tx)
            .await?;
    }
    for alignment in alignments {
        let same = held.iter().position(|(name, url, framework, code, ..)| {
            *name == alignment.name
                && *url == alignment.url
                && *framework == alignment.framework
                && *code == alignment.code
        });
        let (kind, target, association) = match same.map(|at| held.swap_remove(at)) {
            Some((.., kind, target, association)) => (kind, target, association),
            None => (None, None, None),
        };
        sqlx::query(
            "INSERT INTO competency_alignments (competency_id, target_name, target_url, \
               target_framework, target_code, kind, target_identifier, case_identifier) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(competency_id)
        .bind(&alignment.name)
        .bind(alignment.url.clone())
        .bind(alignment.framework.clone())
        .bind(alignment.code.clone())
        .bind(kind)
        .bind(target)
        .bind(association)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Records a recompute of a framework's levels (or one competency's), in the transaction of
/// the change that calls for it.
pub(super) async fn start_recompute(
    tx: &mut Tx<'_>,
    institution_id: InstitutionId,
    framework_id: i64,
    competency_id: Option<i64>,
    reason: &str,
) -> CoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO level_recomputes (institution_id, framework_id, competency_id, reason, \
           started_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(institution_id)
    .bind(framework_id)
    .bind(competency_id)
    .bind(reason)
    .bind(clock::now())
    .fetch_one(&mut **tx)
    .await?)
}
