//! Frameworks written from CASE packages: a plan (`crate::case::plan`) becomes a framework with
//! its areas, competencies, indicators and alignments, each keeping its CASE identifier and URI.
//! A newer version of the same package (the same document identifier) updates in place: an item
//! whose `lastChangeDateTime` is newer than the one kept is written again, new items are added,
//! and competencies no longer in the package are retired — kept, with their evidence and their
//! learners' levels, but out of the framework's list.

use std::collections::{HashMap, HashSet};

use super::audit::Audit;
use super::people_import::ImportedBy;
use super::Store;
use crate::case::{AlignmentPlan, AreaPlan, CompetencyPlan, FrameworkPlan, IndicatorPlan};
use crate::clock;
use crate::error::{CoreError, CoreResult};

type Tx<'s> = super::write::Write<'s>;

pub use crate::model::CaseImport;

/// The kind of an alignment a Rich Skill Descriptor brought (not a CASE association type).
pub const RSD_KIND: &str = "rsd";

/// A competency already in the framework: id, CASE identifier, last change kept, retired.
type HeldCompetency = (i64, String, Option<String>, Option<String>);

impl Store {
    /// Writes `plan` as a framework of the institution, in one transaction with its audit line:
    /// a new framework, or the one imported before from the same document, updated in place.
    pub async fn import_case(
        &self,
        by: &ImportedBy<'_>,
        plan: &FrameworkPlan,
    ) -> CoreResult<CaseImport> {
        let mut tx = self.write().await?;
        let institution_id = by.institution_id;
        let mut report = CaseImport::default();

        let held: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM frameworks WHERE institution_id = $1 AND case_identifier = $2",
        )
        .bind(institution_id)
        .bind(&plan.identifier)
        .fetch_optional(&mut *tx)
        .await?;
        let framework_id = match held {
            Some((id,)) => {
                sqlx::query(
                    "UPDATE frameworks SET description = COALESCE(NULLIF($1, ''), description), \
                       source_uri = COALESCE($2, source_uri), \
                       case_changed_at = COALESCE($3, case_changed_at) \
                     WHERE id = $4",
                )
                .bind(&plan.description)
                .bind(&plan.uri)
                .bind(&plan.last_change)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                id
            }
            None => {
                report.new_framework = true;
                new_framework(&mut tx, institution_id, plan).await?
            }
        };
        report.framework_id = framework_id;
        let category_id: i64 =
            sqlx::query_scalar("SELECT category_id FROM frameworks WHERE id = $1")
                .bind(framework_id)
                .fetch_one(&mut *tx)
                .await?;

        // Areas by identifier: updated, or added.
        let held_areas: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, case_identifier FROM framework_areas \
             WHERE framework_id = $1 AND case_identifier IS NOT NULL",
        )
        .bind(framework_id)
        .fetch_all(&mut *tx)
        .await?;
        let held_areas: HashMap<String, i64> =
            held_areas.into_iter().map(|(id, key)| (key, id)).collect();
        let mut area_of: HashMap<&str, i64> = HashMap::new();
        for (position, area) in plan.areas.iter().enumerate() {
            let id = match held_areas.get(&area.identifier) {
                Some(&id) => {
                    sqlx::query(
                        "UPDATE framework_areas SET code = $1, name = $2, position = $3, \
                           case_uri = $4 WHERE id = $5",
                    )
                    .bind(&area.code)
                    .bind(&area.name)
                    .bind(position as i64 + 1)
                    .bind(&area.uri)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO framework_areas (framework_id, code, name, position, \
                           case_identifier, case_uri) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(framework_id)
                    .bind(&area.code)
                    .bind(&area.name)
                    .bind(position as i64 + 1)
                    .bind(&area.identifier)
                    .bind(&area.uri)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            for competency in &area.competencies {
                area_of.insert(competency.identifier.as_str(), id);
            }
        }

        // Competencies: those held are written again when the package's copy is newer (or
        // was retired); the rest are added; those the package no longer has are retired.
        let held: Vec<HeldCompetency> = sqlx::query_as(
            "SELECT id, case_identifier, case_changed_at, retired_at FROM competencies \
             WHERE framework_id = $1 AND case_identifier IS NOT NULL",
        )
        .bind(framework_id)
        .fetch_all(&mut *tx)
        .await?;
        let held: HashMap<String, (i64, Option<String>, Option<String>)> = held
            .into_iter()
            .map(|(id, key, changed, retired)| (key, (id, changed, retired)))
            .collect();
        let planned: HashSet<&str> = plan
            .all_competencies()
            .map(|competency| competency.identifier.as_str())
            .collect();
        // Retired: what an import wrote and the package no longer has. Competencies added in
        // Cairn (given an identifier by an export, never by an import) stay.
        let imported: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM competencies WHERE framework_id = $1 AND case_imported = 1",
        )
        .bind(framework_id)
        .fetch_all(&mut *tx)
        .await?;
        let imported: HashSet<i64> = imported.into_iter().collect();
        let now = clock::now();
        for (key, (id, _, retired)) in &held {
            if retired.is_none() && imported.contains(id) && !planned.contains(key.as_str()) {
                // Its code is freed for the package's items: "RL.1.2 (retired 17)".
                sqlx::query(
                    "UPDATE competencies SET retired_at = $1, \
                       code = code || ' (retired ' || CAST(id AS TEXT) || ')' WHERE id = $2",
                )
                .bind(&now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                report.retired += 1;
            }
        }
        // Codes may move between items from one version to the next: the package's held items
        // step aside first, so that no two hold the same code mid-way; the codes of the others
        // are taken.
        for (key, (id, _, _)) in &held {
            if planned.contains(key.as_str()) {
                sqlx::query("UPDATE competencies SET code = '~' || CAST(id AS TEXT) WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let others: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT code, case_identifier FROM competencies WHERE framework_id = $1",
        )
        .bind(framework_id)
        .fetch_all(&mut *tx)
        .await?;
        let taken: HashSet<String> = others
            .into_iter()
            .filter(|(_, key)| key.as_deref().is_none_or(|key| !planned.contains(key)))
            .map(|(code, _)| code.to_lowercase())
            .collect();

        for (position, competency) in plan.all_competencies().enumerate() {
            let area_id = area_of.get(competency.identifier.as_str()).copied();
            let code = if taken.contains(&competency.code.to_lowercase()) {
                format!("{} (CASE)", competency.code)
            } else {
                competency.code.clone()
            };
            let position = position as i64 + 1;
            match held.get(&competency.identifier) {
                Some((id, changed, retired)) => {
                    // Dated items (packages): the later date wins. Undated ones (spreadsheets):
                    // written when they differ from what is held.
                    let newer = retired.is_some()
                        || match (&competency.last_change, changed) {
                            (Some(new), Some(old)) => later(new, old),
                            (Some(_), None) => true,
                            (None, _) => differs(&mut tx, *id, competency).await?,
                        };
                    sqlx::query(
                        "UPDATE competencies SET code = $1, area_id = $2, position = $3, \
                           retired_at = NULL, case_imported = 1 WHERE id = $4",
                    )
                    .bind(&code)
                    .bind(area_id)
                    .bind(position)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    if newer {
                        write_fields(&mut tx, *id, competency).await?;
                        report.updated += 1;
                    } else {
                        report.unchanged += 1;
                    }
                }
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO competencies (framework_id, area_id, code, name, \
                           category_id, position, case_identifier, case_imported) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, 1) RETURNING id",
                    )
                    .bind(framework_id)
                    .bind(area_id)
                    .bind(&code)
                    .bind(&competency.name)
                    .bind(category_id)
                    .bind(position)
                    .bind(&competency.identifier)
                    .fetch_one(&mut *tx)
                    .await?;
                    write_fields(&mut tx, id, competency).await?;
                    report.created += 1;
                }
            }
        }
        // Areas of the package that no longer hold a competency go.
        sqlx::query(
            "DELETE FROM framework_areas WHERE framework_id = $1 AND case_identifier IS NOT NULL \
             AND id NOT IN (SELECT area_id FROM competencies \
               WHERE framework_id = $1 AND area_id IS NOT NULL)",
        )
        .bind(framework_id)
        .execute(&mut *tx)
        .await?;

        tx.audit_line(&Audit {
            institution_id,
            actor_id: by.actor_id,
            origin: by.origin,
            action: "import CASE framework",
            subject_type: "framework",
            subject_id: Some(framework_id.to_string()),
            detail: format!(
                "{} from {}: {} competencies added, {} updated, {} unchanged, {} retired; {} items left out",
                plan.name,
                by.file_name,
                report.created,
                report.updated,
                report.unchanged,
                report.retired,
                by.rejected
            ),
        });
        tx.touch_everyone();
        tx.commit().await?;
        Ok(report)
    }
}

/// A new framework for the package: its title (made unique in the institution), the
/// institution's first category and the rubric its frameworks use most.
async fn new_framework(
    tx: &mut Tx<'_>,
    institution_id: i64,
    plan: &FrameworkPlan,
) -> CoreResult<i64> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM frameworks WHERE institution_id = $1")
            .bind(institution_id)
            .fetch_all(&mut **tx)
            .await?;
    let names: HashSet<String> = names.into_iter().map(|n| n.to_lowercase()).collect();
    let mut name = plan.name.clone();
    let mut n = 1;
    while names.contains(&name.to_lowercase()) {
        n += 1;
        name = format!("{} ({n})", plan.name);
    }
    let category_id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM categories WHERE institution_id = $1 ORDER BY position, id LIMIT 1",
    )
    .bind(institution_id)
    .fetch_optional(&mut **tx)
    .await?;
    let rubric_id: Option<i64> = sqlx::query_scalar(
        "SELECT r.id FROM rubrics r LEFT JOIN frameworks f ON f.rubric_id = r.id \
         WHERE r.institution_id = $1 GROUP BY r.id ORDER BY COUNT(f.id) DESC, r.id LIMIT 1",
    )
    .bind(institution_id)
    .fetch_optional(&mut **tx)
    .await?;
    let (Some(category_id), Some(rubric_id)) = (category_id, rubric_id) else {
        return Err(CoreError::Conflict(
            "the institution needs a category and a rubric before a framework can be imported"
                .into(),
        ));
    };
    Ok(sqlx::query_scalar(
        "INSERT INTO frameworks (institution_id, name, description, category_id, rubric_id, \
           mastery_method, created_at, case_identifier, source_uri, case_changed_at) \
         VALUES ($1, $2, $3, $4, $5, 'decaying_average', $6, $7, $8, $9) RETURNING id",
    )
    .bind(institution_id)
    .bind(&name)
    .bind(&plan.description)
    .bind(category_id)
    .bind(rubric_id)
    .bind(clock::now())
    .bind(&plan.identifier)
    .bind(&plan.uri)
    .bind(&plan.last_change)
    .fetch_one(&mut **tx)
    .await?)
}

/// Whether the date-time `new` is later than `old`: compared as instants when both read as
/// RFC 3339 ("…Z" and "…+00:00" are the same moment), else as text.
fn later(new: &str, old: &str) -> bool {
    match (
        new.parse::<jiff::Timestamp>(),
        old.parse::<jiff::Timestamp>(),
    ) {
        (Ok(new), Ok(old)) => new > old,
        _ => new > old,
    }
}

/// Whether the held competency's fields, indicators or alignments differ from the plan's.
async fn differs(tx: &mut Tx<'_>, id: i64, competency: &CompetencyPlan) -> CoreResult<bool> {
    let held: (String, String, String, String, String, Option<String>) = sqlx::query_as(
        "SELECT name, skill_statement, keywords, year_levels, notes, item_type \
         FROM competencies WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let planned = (
        competency.name.clone(),
        competency.statement.clone(),
        competency.keywords.join(", "),
        competency.year_levels.join(","),
        competency.notes.clone(),
        competency.item_type.clone(),
    );
    if held != planned {
        return Ok(true);
    }
    let indicators: Vec<String> = sqlx::query_scalar(
        "SELECT text FROM indicators WHERE competency_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let targets: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT kind, target_identifier FROM competency_alignments WHERE competency_id = $1 \
           AND kind IS NOT NULL AND kind <> 'rsd' ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let planned_targets: Vec<(Option<String>, Option<String>)> = competency
        .alignments
        .iter()
        .map(|a| (Some(a.kind.clone()), Some(a.target_identifier.clone())))
        .collect();
    let planned_indicators: Vec<String> = competency
        .indicators
        .iter()
        .map(|i| i.text.clone())
        .collect();
    Ok(indicators != planned_indicators || targets != planned_targets)
}

/// A competency's fields from the package, with its indicators and alignments written anew.
async fn write_fields(tx: &mut Tx<'_>, id: i64, competency: &CompetencyPlan) -> CoreResult<()> {
    sqlx::query(
        "UPDATE competencies SET name = $1, skill_statement = $2, keywords = $3, \
           year_levels = $4, notes = $5, item_type = $6, case_uri = $7, case_changed_at = $8 \
         WHERE id = $9",
    )
    .bind(&competency.name)
    .bind(&competency.statement)
    .bind(competency.keywords.join(", "))
    .bind(competency.year_levels.join(","))
    .bind(&competency.notes)
    .bind(&competency.item_type)
    .bind(&competency.uri)
    .bind(&competency.last_change)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM indicators WHERE competency_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for (position, indicator) in competency.indicators.iter().enumerate() {
        sqlx::query(
            "INSERT INTO indicators (competency_id, text, position, case_identifier) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(&indicator.text)
        .bind(position as i64 + 1)
        .bind(&indicator.identifier)
        .execute(&mut **tx)
        .await?;
    }
    // Alignments typed in Cairn (no CASE kind) and those a Rich Skill Descriptor brought stay.
    sqlx::query(
        "DELETE FROM competency_alignments WHERE competency_id = $1 AND kind IS NOT NULL \
         AND kind <> 'rsd'",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    for alignment in &competency.alignments {
        sqlx::query(
            "INSERT INTO competency_alignments (competency_id, target_name, target_url, \
               target_identifier, target_code, kind, case_identifier) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(&alignment.target_name)
        .bind(&alignment.target_uri)
        .bind(&alignment.target_identifier)
        .bind(&alignment.target_code)
        .bind(&alignment.kind)
        .bind(&alignment.identifier)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A competency as the export reads it: id, area, code, name, statement, keywords, year levels,
/// notes, item type, CASE identifier and URI, last change.
type ExportRow = (
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

/// A framework as the export reads it: name, description, CASE identifier and URI, last
/// change, creation.
type FrameworkRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

/// An area as the export reads it: id, code, name, CASE identifier and URI.
type AreaRow = (i64, String, String, Option<String>, Option<String>);

/// An alignment as the export reads it: competency, kind, target name, URL, identifier, code,
/// the alignment's CASE identifier.
type AlignmentRow = (
    i64,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl Store {
    /// A framework of the institution as a CASE plan, its retired competencies left out. What
    /// has no CASE identifier yet (a framework typed in Cairn) is given one now, once, and keeps
    /// it: every export of the framework names its nodes the same.
    pub async fn case_framework(
        &self,
        institution_id: i64,
        framework_id: i64,
    ) -> CoreResult<FrameworkPlan> {
        self.case_framework_read(institution_id, framework_id, true)
            .await
    }

    /// A published framework as the public CASE provider API serves it: read only (what has
    /// no identifier yet, added since it was published, is left out until an administrator's
    /// export or a new publication gives it one).
    pub async fn published_case_framework(
        &self,
        institution_id: i64,
        framework_id: i64,
    ) -> CoreResult<FrameworkPlan> {
        self.case_framework_read(institution_id, framework_id, false)
            .await
    }

    async fn case_framework_read(
        &self,
        institution_id: i64,
        framework_id: i64,
        give_identifiers: bool,
    ) -> CoreResult<FrameworkPlan> {
        let held: Option<FrameworkRow> = sqlx::query_as(
            "SELECT name, description, case_identifier, source_uri, case_changed_at, created_at \
                 FROM frameworks WHERE id = $1 AND institution_id = $2",
        )
        .bind(framework_id)
        .bind(institution_id)
        .fetch_optional(self.pool())
        .await?;
        let Some((name, description, identifier, uri, changed, created)) = held else {
            return Err(CoreError::NotFound(format!("framework {framework_id}")));
        };
        if give_identifiers && (identifier.is_none() || self.unidentified(framework_id).await?) {
            self.identify(framework_id).await?;
            return Box::pin(self.case_framework_read(institution_id, framework_id, false)).await;
        }
        if identifier.is_none() {
            return Err(CoreError::NotFound(format!("framework {framework_id}")));
        }
        let areas: Vec<AreaRow> = sqlx::query_as(
            "SELECT id, code, name, case_identifier, case_uri FROM framework_areas \
             WHERE framework_id = $1 AND case_identifier IS NOT NULL ORDER BY position, code, id",
        )
        .bind(framework_id)
        .fetch_all(self.pool())
        .await?;
        let rows: Vec<ExportRow> = sqlx::query_as(
            "SELECT id, area_id, code, name, skill_statement, keywords, year_levels, notes, \
               item_type, case_identifier, case_uri, case_changed_at \
             FROM competencies WHERE framework_id = $1 AND retired_at IS NULL \
               AND case_identifier IS NOT NULL \
             ORDER BY position, code, id",
        )
        .bind(framework_id)
        .fetch_all(self.pool())
        .await?;
        let indicators: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT i.competency_id, i.text, i.case_identifier FROM indicators i \
             JOIN competencies c ON c.id = i.competency_id \
             WHERE c.framework_id = $1 AND i.case_identifier IS NOT NULL \
             ORDER BY i.position, i.id",
        )
        .bind(framework_id)
        .fetch_all(self.pool())
        .await?;
        let alignments: Vec<AlignmentRow> = sqlx::query_as(
            "SELECT a.competency_id, a.kind, a.target_name, a.target_url, a.target_identifier, \
               a.target_code, a.case_identifier \
             FROM competency_alignments a JOIN competencies c ON c.id = a.competency_id \
             WHERE c.framework_id = $1 ORDER BY a.id",
        )
        .bind(framework_id)
        .fetch_all(self.pool())
        .await?;
        let split = |text: &str, by: char| -> Vec<String> {
            text.split(by)
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(str::to_string)
                .collect()
        };
        let mut by_area: HashMap<Option<i64>, Vec<CompetencyPlan>> = HashMap::new();
        for row in rows {
            let (id, area, code, name, statement, keywords, years, notes, kind, key, uri, changed) =
                row;
            by_area.entry(area).or_default().push(CompetencyPlan {
                identifier: key,
                uri,
                code,
                name,
                statement,
                keywords: split(&keywords, ','),
                year_levels: split(&years, ','),
                notes,
                item_type: kind,
                last_change: changed,
                indicators: indicators
                    .iter()
                    .filter(|(competency, _, _)| *competency == id)
                    .map(|(_, text, key)| IndicatorPlan {
                        identifier: key.clone(),
                        text: text.clone(),
                    })
                    .collect(),
                alignments: alignments
                    .iter()
                    .filter(|row| row.0 == id)
                    .map(|(_, kind, name, url, target, code, key)| AlignmentPlan {
                        identifier: key.clone(),
                        // Typed in Cairn or brought by a descriptor: related.
                        kind: kind
                            .clone()
                            .filter(|kind| kind != RSD_KIND)
                            .unwrap_or_else(|| "isRelatedTo".into()),
                        target_name: name.clone(),
                        target_uri: url.clone(),
                        // Typed in Cairn: a UUID derived from its URL, else its code, else
                        // its name (the same in every export).
                        target_identifier: target.clone().unwrap_or_else(|| {
                            let named = url
                                .clone()
                                .or_else(|| code.clone())
                                .unwrap_or_else(|| format!("{}{name}", crate::case::NO_URI));
                            crate::case::derived_identifier(&named)
                        }),
                        target_code: code.clone(),
                    })
                    .collect(),
            });
        }
        // An area whose competencies a newer package retired is no longer in the framework
        // as CASE sees it (it stays in Cairn with their evidence).
        let emptied: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT area_id FROM competencies WHERE framework_id = $1 \
             AND retired_at IS NOT NULL AND area_id IS NOT NULL",
        )
        .bind(framework_id)
        .fetch_all(self.pool())
        .await?;
        let areas: Vec<AreaRow> = areas
            .into_iter()
            .filter(|(id, ..)| by_area.contains_key(&Some(*id)) || !emptied.contains(id))
            .collect();
        Ok(FrameworkPlan {
            identifier: identifier.unwrap_or_default(),
            uri,
            name,
            description,
            last_change: changed.or(Some(created)),
            areas: areas
                .into_iter()
                .map(|(id, code, name, key, uri)| AreaPlan {
                    identifier: key.unwrap_or_default(),
                    uri,
                    code,
                    name,
                    competencies: by_area.remove(&Some(id)).unwrap_or_default(),
                })
                .collect(),
            competencies: by_area.remove(&None).unwrap_or_default(),
        })
    }

    /// Whether a node of the framework still lacks a CASE identifier.
    async fn unidentified(&self, framework_id: i64) -> CoreResult<bool> {
        let missing: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM framework_areas \
                 WHERE framework_id = $1 AND case_identifier IS NULL) \
               + (SELECT COUNT(*) FROM competencies \
                 WHERE framework_id = $1 AND case_identifier IS NULL) \
               + (SELECT COUNT(*) FROM indicators i JOIN competencies c ON c.id = i.competency_id \
                 WHERE c.framework_id = $1 AND i.case_identifier IS NULL)",
        )
        .bind(framework_id)
        .fetch_one(self.pool())
        .await?;
        Ok(missing > 0)
    }

    /// Gives the framework and each of its areas, competencies and indicators without one a
    /// CASE identifier (a new UUID), in one transaction.
    pub(super) async fn identify(&self, framework_id: i64) -> CoreResult<()> {
        const TABLES: [(&str, &str); 4] = [
            ("frameworks", "id = $1"),
            ("framework_areas", "framework_id = $1"),
            ("competencies", "framework_id = $1"),
            (
                "indicators",
                "competency_id IN (SELECT id FROM competencies WHERE framework_id = $1)",
            ),
        ];
        // Most calls find everything identified already: a read, and no write at all.
        let mut missing = 0;
        for (table, scope) in TABLES {
            let count: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE {scope} AND case_identifier IS NULL"
            ))
            .bind(framework_id)
            .fetch_one(self.pool())
            .await?;
            missing += count;
        }
        if missing == 0 {
            return Ok(());
        }
        let mut tx = self.write().await?;
        for (table, scope) in TABLES {
            let ids: Vec<i64> = sqlx::query_scalar(&format!(
                "SELECT id FROM {table} WHERE {scope} AND case_identifier IS NULL"
            ))
            .bind(framework_id)
            .fetch_all(&mut *tx)
            .await?;
            for id in ids {
                sqlx::query(&format!(
                    "UPDATE {table} SET case_identifier = $1 WHERE id = $2 \
                     AND case_identifier IS NULL"
                ))
                .bind(crate::case::new_identifier())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
        }
        // A published framework's package now holds what was added since it was published.
        tx.touch_everyone();
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Publishes a framework through the CASE provider API, or takes it back.
    pub async fn set_case_published(
        &self,
        by: super::audit::Actor<'_>,
        framework_id: i64,
        published: bool,
    ) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        if published {
            // The provider API finds a document, item or area by its identifier alone: two
            // published frameworks may not share one (the same package imported twice, here
            // or in another institution on this Cairn).
            let clash: Option<String> = sqlx::query_scalar(
                "SELECT o.name FROM frameworks o WHERE o.published = 1 AND o.id <> $1 AND ( \
                   o.case_identifier = (SELECT case_identifier FROM frameworks WHERE id = $1) \
                   OR EXISTS (SELECT 1 FROM competencies c JOIN competencies m \
                     ON m.case_identifier = c.case_identifier \
                     WHERE c.framework_id = o.id AND m.framework_id = $1 \
                       AND c.retired_at IS NULL AND m.retired_at IS NULL) \
                   OR EXISTS (SELECT 1 FROM framework_areas a JOIN framework_areas b \
                     ON b.case_identifier = a.case_identifier \
                     WHERE a.framework_id = o.id AND b.framework_id = $1)) \
                 ORDER BY o.id LIMIT 1",
            )
            .bind(framework_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(other) = clash {
                return Err(CoreError::Conflict(format!(
                    "another published framework ({other}) has the same CASE identifiers: \
                     the provider API could not tell them apart, so publish only one of them"
                )));
            }
        }
        let changed = sqlx::query(
            "UPDATE frameworks SET published = $1 WHERE id = $2 AND institution_id = $3",
        )
        .bind(i64::from(published))
        .bind(framework_id)
        .bind(by.institution_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(CoreError::NotFound(format!("framework {framework_id}")));
        }
        tx.audit(
            if published {
                "publish framework"
            } else {
                "unpublish framework"
            },
            ("framework", Some(framework_id.to_string())),
            if published {
                "public through the CASE provider API".into()
            } else {
                "no longer public".into()
            },
        );
        tx.touch_everyone();
        tx.commit().await
    }

    /// Every published framework: its institution and id, oldest first.
    pub async fn published_frameworks(&self) -> CoreResult<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT institution_id, id FROM frameworks WHERE published = 1 ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?)
    }
}
