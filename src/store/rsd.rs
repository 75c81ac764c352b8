//! Competencies written from Rich Skill Descriptors, and read back as one. A descriptor is
//! known by its URL, or without one its uuid as a URN (`Skill::canonical`, kept as the
//! competency's `case_uri`); its uuid, when it is a UUID, is the competency's CASE identifier.
//! Importing it again into the same framework updates the competency in place, keeping its
//! evidence.

use super::audit::Audit;
use super::case::RSD_KIND;
use super::people_import::ImportedBy;
use super::Store;
use crate::error::{CoreError, CoreResult};
use crate::model::Alignment;
use crate::rsd::Skill;

/// The item type a competency from a descriptor shows.
const ITEM_TYPE: &str = "Rich Skill Descriptor";

/// `base`, or the first of `base-2`, `base-3`, … no competency of the framework has.
async fn unique_code(
    tx: &mut super::write::Write<'_>,
    framework_id: i64,
    base: &str,
) -> CoreResult<String> {
    let taken: Vec<String> = sqlx::query_scalar(
        "SELECT code FROM competencies WHERE framework_id = $1 AND code LIKE $2",
    )
    .bind(framework_id)
    .bind(format!("{base}%"))
    .fetch_all(&mut **tx)
    .await?;
    let mut code = base.to_string();
    let mut n = 1;
    while taken.contains(&code) {
        n += 1;
        code = format!("{base}-{n}");
    }
    Ok(code)
}

/// What an import of descriptors did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RsdImport {
    pub created: usize,
    pub updated: usize,
    /// Each descriptor's competency, in the file's order: its id and name, and whether it
    /// is new.
    pub competencies: Vec<(i64, String, bool)>,
}

/// A competency as its descriptor is written: what Cairn holds of it.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldSkill {
    /// Its CASE identifier (a UUID, given once).
    pub identifier: String,
    /// Its canonical URL, when it came from a descriptor or a CASE package.
    pub uri: Option<String>,
    pub name: String,
    pub statement: String,
    pub keywords: String,
    pub category: String,
    pub alignments: Vec<Alignment>,
    /// The descriptor it was imported from (JSON), if it was.
    pub document: Option<String>,
    pub institution: String,
}

impl Store {
    /// Writes `skills` as competencies of a framework of the institution (in `area_id`, one of
    /// its areas, when given), in one transaction with its audit line.
    pub async fn import_rsd(
        &self,
        by: &ImportedBy<'_>,
        framework_id: i64,
        area_id: Option<i64>,
        skills: &[Skill],
    ) -> CoreResult<RsdImport> {
        let mut tx = self.write().await?;
        let framework: Option<(String, i64)> = sqlx::query_as(
            "SELECT name, category_id FROM frameworks WHERE id = $1 AND institution_id = $2",
        )
        .bind(framework_id)
        .bind(by.institution_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (framework_name, framework_category) =
            framework.ok_or_else(|| CoreError::NotFound(format!("framework {framework_id}")))?;
        if let Some(area_id) = area_id {
            let area: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM framework_areas WHERE id = $1 AND framework_id = $2",
            )
            .bind(area_id)
            .bind(framework_id)
            .fetch_optional(&mut *tx)
            .await?;
            area.ok_or_else(|| CoreError::invalid("area", "is not an area of this framework"))?;
        }
        let categories: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM categories WHERE institution_id = $1")
                .bind(by.institution_id)
                .fetch_all(&mut *tx)
                .await?;
        let mut report = RsdImport::default();
        let now = crate::clock::now();
        for skill in skills {
            // The institution's category of the same name; else a new competency takes the
            // framework's, and one held keeps its own.
            let named_category = skill.categories.iter().find_map(|wanted| {
                categories
                    .iter()
                    .find(|(_, name)| name.eq_ignore_ascii_case(wanted))
                    .map(|(id, _)| *id)
            });
            let canonical = skill.canonical();
            let identifier = skill.case_identifier();
            // Known by its address, or by its uuid (a competency of this Cairn exported as a
            // descriptor and brought back).
            let held: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM competencies WHERE framework_id = $1 \
                 AND (case_uri = $2 OR case_identifier = $3) ORDER BY id LIMIT 1",
            )
            .bind(framework_id)
            .bind(&canonical)
            .bind(&identifier)
            .fetch_optional(&mut *tx)
            .await?;
            let id = match held {
                Some(id) => {
                    report.updated += 1;
                    report.competencies.push((id, skill.name.clone(), false));
                    id
                }
                None => {
                    let position: i64 = sqlx::query_scalar(
                        "SELECT COALESCE(MAX(position), 0) + 1 FROM competencies \
                         WHERE framework_id = $1",
                    )
                    .bind(framework_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    let code = unique_code(&mut tx, framework_id, &skill.code()).await?;
                    let id = sqlx::query_scalar(
                        "INSERT INTO competencies (framework_id, code, name, category_id, \
                           position, case_identifier) VALUES ($1, $2, $3, $4, $5, $6) \
                         RETURNING id",
                    )
                    .bind(framework_id)
                    .bind(code)
                    .bind(&skill.name)
                    .bind(named_category.unwrap_or(framework_category))
                    .bind(position)
                    .bind(&identifier)
                    .fetch_one(&mut *tx)
                    .await?;
                    report.created += 1;
                    report.competencies.push((id, skill.name.clone(), true));
                    id
                }
            };
            // What the descriptor says is the competency's latest wording. A competency that
            // came from a CASE package keeps its item type and notes.
            sqlx::query(
                "UPDATE competencies SET name = $1, skill_statement = $2, keywords = $3, \
                   category_id = COALESCE($4, category_id), area_id = COALESCE($5, area_id), \
                   case_uri = $6, \
                   notes = CASE WHEN item_type IS NULL OR item_type = $7 THEN $8 ELSE notes END, \
                   item_type = CASE WHEN item_type IS NULL OR item_type = $7 THEN $7 \
                     ELSE item_type END, \
                   rsd = $9, case_changed_at = $10, retired_at = NULL \
                 WHERE id = $11",
            )
            .bind(&skill.name)
            .bind(&skill.statement)
            .bind(skill.keywords.join(", "))
            .bind(named_category)
            .bind(area_id)
            .bind(&canonical)
            .bind(ITEM_TYPE)
            .bind(skill.notes())
            .bind(skill.document.to_string())
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            // The descriptor's alignments replace those it brought before; one the competency
            // already has (typed in Cairn, or from CASE) is not added twice.
            sqlx::query("DELETE FROM competency_alignments WHERE competency_id = $1 AND kind = $2")
                .bind(id)
                .bind(RSD_KIND)
                .execute(&mut *tx)
                .await?;
            let kept: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT target_name, target_url, target_framework FROM competency_alignments \
                 WHERE competency_id = $1",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            for alignment in &skill.alignments {
                let known = kept.iter().any(|(name, url, framework)| {
                    *name == alignment.name
                        && *url == alignment.url
                        && (framework.is_none() || *framework == alignment.framework)
                });
                if known {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO competency_alignments (competency_id, target_name, target_url, \
                       target_framework, kind) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(&alignment.name)
                .bind(&alignment.url)
                .bind(&alignment.framework)
                .bind(RSD_KIND)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.audit_line(&Audit {
            institution_id: by.institution_id,
            actor_id: by.actor_id,
            origin: by.origin,
            action: "import rich skill descriptors",
            subject_type: "framework",
            subject_id: Some(framework_id.to_string()),
            detail: format!(
                "{framework_name} from {}: {} competencies added, {} updated",
                by.file_name, report.created, report.updated
            ),
        });
        tx.touch_everyone();
        tx.commit().await?;
        Ok(report)
    }

    /// A competency of the institution as its descriptor is written; it gets its CASE
    /// identifier now if it has none (a competency typed in Cairn).
    pub async fn held_skill(
        &self,
        institution_id: i64,
        competency_id: i64,
    ) -> CoreResult<HeldSkill> {
        let framework_id: Option<i64> = sqlx::query_scalar(
            "SELECT c.framework_id FROM competencies c JOIN frameworks f ON f.id = c.framework_id \
             WHERE c.id = $1 AND f.institution_id = $2",
        )
        .bind(competency_id)
        .bind(institution_id)
        .fetch_optional(self.pool())
        .await?;
        let framework_id = framework_id
            .ok_or_else(|| CoreError::NotFound(format!("competency {competency_id}")))?;
        self.identify(framework_id).await?;
        type Row = (
            String,
            Option<String>,
            String,
            String,
            String,
            String,
            Option<String>,
        );
        let (identifier, uri, name, statement, keywords, category, document): Row = sqlx::query_as(
            "SELECT c.case_identifier, c.case_uri, c.name, c.skill_statement, c.keywords, \
                   k.name, c.rsd \
                 FROM competencies c JOIN categories k ON k.id = c.category_id WHERE c.id = $1",
        )
        .bind(competency_id)
        .fetch_one(self.pool())
        .await?;
        type AlignmentRow = (String, Option<String>, Option<String>, Option<String>);
        let alignments: Vec<AlignmentRow> = sqlx::query_as(
            "SELECT target_name, target_url, target_framework, target_code \
                 FROM competency_alignments WHERE competency_id = $1 ORDER BY id",
        )
        .bind(competency_id)
        .fetch_all(self.pool())
        .await?;
        Ok(HeldSkill {
            identifier,
            uri,
            name,
            statement,
            keywords,
            category,
            alignments: alignments
                .into_iter()
                .map(|(name, url, framework, code)| Alignment {
                    name,
                    url,
                    framework,
                    code,
                })
                .collect(),
            document,
            institution: self.institution_name(institution_id).await?,
        })
    }
}
