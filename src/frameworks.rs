//! Frameworks under the policy: administrators create and edit frameworks, areas,
//! competencies (with the Rich Skill Descriptor fields), categories, tags and rubric levels.
//! Input is checked here and a refusal writes nothing. A change of mastery method or threshold
//! starts a recompute of the levels it affects, in the background; its progress is read back
//! from the store.

use crate::error::{CoreError, CoreResult};
use crate::mastery::MasteryMethod;
use crate::model::{
    Alignment, CompetencyForm, FrameworkAdmin, FrameworkForm, FrameworksAdmin, Recompute,
    RubricLevel, RubricLevelForm, TagKind, Viewer,
};
use crate::policy::may_view_institution;
use crate::store::audit::Actor;
use crate::store::frameworks::{CompetencyFields, FrameworkFields};
use crate::store::Store;

mod case;
mod rsd;
pub use case::*;
pub use rsd::*;

/// The viewer acting for the institution they administer.
fn administrator(viewer: &Viewer) -> CoreResult<Actor<'_>> {
    if may_view_institution(viewer, viewer.institution_id) {
        Ok(Actor {
            institution_id: viewer.institution_id,
            actor_id: viewer.id,
            origin: viewer.origin.as_deref(),
        })
    } else {
        Err(CoreError::Forbidden)
    }
}

/// Trimmed text of 1 to `max` characters, no control characters.
fn text<'a>(field: &str, value: &'a str, max: usize) -> CoreResult<&'a str> {
    let value = value.trim();
    if value.is_empty() {
        return Err(CoreError::invalid(field, "cannot be empty"));
    }
    optional_text(field, value, max)
}

/// Trimmed text of at most `max` characters; lines allowed, other control characters not.
fn optional_text<'a>(field: &str, value: &'a str, max: usize) -> CoreResult<&'a str> {
    let value = value.trim();
    if value.chars().count() > max
        || value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(CoreError::invalid(
            field,
            format!("is at most {max} characters of text"),
        ));
    }
    Ok(value)
}

/// A method from its stored name and the form's parameter: a percentage (1–99) for the
/// averages, a whole count for `n_mastery`, empty for the default.
pub fn checked_method(name: &str, param: &str) -> CoreResult<MasteryMethod> {
    let param = param.trim().trim_end_matches('%').trim();
    let param = if param.is_empty() {
        None
    } else {
        let number: f64 = param.parse().map_err(|_| {
            CoreError::invalid("mastery method", format!("{param:?} is not a number"))
        })?;
        Some(match name {
            "weighted_average" | "decaying_average" => number / 100.0,
            _ => number,
        })
    };
    match (name, param) {
        ("highest" | "latest" | "average", Some(_)) => Err(CoreError::invalid(
            "mastery method",
            format!("{name} takes no parameter"),
        )),
        ("weighted_average" | "decaying_average", Some(p)) if !(p > 0.0 && p < 1.0) => {
            Err(CoreError::invalid(
                "mastery method",
                format!("{name} needs a percentage between 1 and 99"),
            ))
        }
        _ => MasteryMethod::parse(name, param),
    }
}

fn framework_fields(form: &FrameworkForm) -> CoreResult<FrameworkFields> {
    Ok(FrameworkFields {
        name: text("name", &form.name, 120)?.to_string(),
        description: optional_text("description", &form.description, 4000)?.to_string(),
        category_id: form.category_id,
        rubric_id: form.rubric_id,
        method: checked_method(&form.method, &form.method_param)?,
    })
}

/// Alignments, one a line: `name | url | framework | code`, all but the name optional.
pub fn checked_alignments(lines: &str) -> CoreResult<Vec<Alignment>> {
    let mut alignments = Vec::new();
    for (number, line) in lines.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.split('|').map(str::trim);
        let field = format!("alignment on line {}", number + 1);
        let name = text(&field, parts.next().unwrap_or_default(), 200)?.to_string();
        let optional = |part: Option<&str>| {
            part.filter(|part| !part.is_empty())
                .map(|part| optional_text(&field, part, 500).map(str::to_string))
                .transpose()
        };
        let url = optional(parts.next())?;
        if let Some(url) = &url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(CoreError::invalid(
                    field,
                    format!("{url:?} is not a web address (https://…)"),
                ));
            }
        }
        let framework = optional(parts.next())?;
        let code = optional(parts.next())?;
        if parts.next().is_some() {
            return Err(CoreError::invalid(
                field,
                "has more than four parts: name | url | framework | code",
            ));
        }
        alignments.push(Alignment {
            name,
            url,
            framework,
            code,
        });
    }
    Ok(alignments)
}

fn competency_fields(form: &CompetencyForm) -> CoreResult<CompetencyFields> {
    let keywords: Vec<&str> = optional_text("keywords", &form.keywords, 1000)?
        .split(',')
        .map(str::trim)
        .filter(|keyword| !keyword.is_empty())
        .collect();
    let area_id = match form.area_id.trim() {
        "" => None,
        area => Some(
            area.parse::<i64>()
                .map_err(|_| CoreError::invalid("area", "choose one of the framework's areas"))?,
        ),
    };
    let method = match form.method.trim() {
        "" => None,
        name => Some(checked_method(name, &form.method_param)?),
    };
    Ok(CompetencyFields {
        code: text("code", &form.code, 40)?.to_string(),
        name: text("name", &form.name, 200)?.to_string(),
        statement: optional_text("skill statement", &form.statement, 4000)?.to_string(),
        keywords: keywords.join(", "),
        category_id: form.category_id,
        area_id,
        method,
        tags: form
            .tags
            .split(',')
            .map(str::trim)
            .filter(|tag| !tag.is_empty())
            .map(str::to_string)
            .collect(),
        alignments: checked_alignments(&form.alignments)?,
    })
}

/// A colour as `#rrggbb`.
fn checked_color(color: &str) -> CoreResult<String> {
    let color = color.trim();
    let hex = color.strip_prefix('#').unwrap_or_default();
    if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(color.to_lowercase())
    } else {
        Err(CoreError::invalid(
            "colour",
            format!("{color:?} is not a colour like #1f5fa8"),
        ))
    }
}

/// Runs recomputes in the background, one after another; a failure is kept on the recompute
/// and logged.
pub fn spawn_recomputes(store: &Store, ids: Vec<i64>) {
    if ids.is_empty() {
        return;
    }
    let store = store.clone();
    tokio::spawn(async move {
        for id in ids {
            if let Err(error) = store.run_recompute(id).await {
                tracing::warn!(%error, recompute = id, "recomputing levels failed");
            }
        }
    });
}

/// Starts again the recomputes the server left unfinished when it stopped.
pub async fn resume_recomputes(store: &Store) -> CoreResult<usize> {
    let unfinished = store.unfinished_recomputes().await?;
    let count = unfinished.len();
    spawn_recomputes(store, unfinished);
    Ok(count)
}

pub async fn frameworks(store: &Store, viewer: &Viewer) -> CoreResult<FrameworksAdmin> {
    store
        .frameworks_admin(administrator(viewer)?.institution_id)
        .await
}

pub async fn framework(
    store: &Store,
    viewer: &Viewer,
    framework_id: i64,
) -> CoreResult<FrameworkAdmin> {
    store
        .framework_admin(administrator(viewer)?.institution_id, framework_id)
        .await
}

pub async fn create_framework(
    store: &Store,
    viewer: &Viewer,
    form: &FrameworkForm,
) -> CoreResult<i64> {
    let by = administrator(viewer)?;
    store.create_framework(by, &framework_fields(form)?).await
}

/// Saves a framework; a new method or rubric starts a recompute, whose id is returned.
pub async fn save_framework(
    store: &Store,
    viewer: &Viewer,
    framework_id: i64,
    form: &FrameworkForm,
) -> CoreResult<Option<i64>> {
    let by = administrator(viewer)?;
    let recompute = store
        .save_framework(by, framework_id, &framework_fields(form)?)
        .await?;
    spawn_recomputes(store, recompute.into_iter().collect());
    Ok(recompute)
}

pub async fn create_area(
    store: &Store,
    viewer: &Viewer,
    framework_id: i64,
    code: &str,
    name: &str,
) -> CoreResult<i64> {
    let by = administrator(viewer)?;
    let code = text("code", code, 40)?;
    let name = text("name", name, 200)?;
    store.create_area(by, framework_id, code, name).await
}

/// Gives an area a new code and name.
pub async fn rename_area(
    store: &Store,
    viewer: &Viewer,
    area_id: i64,
    code: &str,
    name: &str,
) -> CoreResult<()> {
    let by = administrator(viewer)?;
    let code = text("code", code, 40)?;
    let name = text("name", name, 200)?;
    store.rename_area(by, area_id, code, name).await
}

/// Deletes an area that holds no competency.
pub async fn delete_area(store: &Store, viewer: &Viewer, area_id: i64) -> CoreResult<()> {
    let by = administrator(viewer)?;
    store.delete_area(by, area_id).await
}

pub async fn create_competency(
    store: &Store,
    viewer: &Viewer,
    framework_id: i64,
    form: &CompetencyForm,
) -> CoreResult<i64> {
    let by = administrator(viewer)?;
    store
        .create_competency(by, framework_id, &competency_fields(form)?)
        .await
}

/// Saves a competency; a new method starts a recompute of its levels, whose id is returned.
pub async fn save_competency(
    store: &Store,
    viewer: &Viewer,
    competency_id: i64,
    form: &CompetencyForm,
) -> CoreResult<Option<i64>> {
    let by = administrator(viewer)?;
    let recompute = store
        .save_competency(by, competency_id, &competency_fields(form)?)
        .await?;
    spawn_recomputes(store, recompute.into_iter().collect());
    Ok(recompute)
}

pub async fn create_category(store: &Store, viewer: &Viewer, name: &str) -> CoreResult<i64> {
    let by = administrator(viewer)?;
    store.create_category(by, text("name", name, 60)?).await
}

pub async fn rename_category(
    store: &Store,
    viewer: &Viewer,
    category_id: i64,
    name: &str,
) -> CoreResult<()> {
    let by = administrator(viewer)?;
    store
        .rename_category(by, category_id, text("name", name, 60)?)
        .await
}

/// Deletes a category nothing is filed under.
pub async fn delete_category(store: &Store, viewer: &Viewer, category_id: i64) -> CoreResult<()> {
    let by = administrator(viewer)?;
    store.delete_category(by, category_id).await
}

/// A tag's checked name and kind: a tag list is written with commas, so a name has none.
fn tag_fields<'a>(name: &'a str, kind: &str) -> CoreResult<(&'a str, TagKind)> {
    let kind =
        TagKind::from_key(kind).ok_or_else(|| CoreError::invalid("kind", "is skill or value"))?;
    let name = text("name", name, 60)?;
    if name.contains(',') {
        return Err(CoreError::invalid("name", "cannot contain a comma"));
    }
    Ok((name, kind))
}

pub async fn create_tag(store: &Store, viewer: &Viewer, name: &str, kind: &str) -> CoreResult<i64> {
    let by = administrator(viewer)?;
    let (name, kind) = tag_fields(name, kind)?;
    store.create_tag(by, name, kind).await
}

pub async fn rename_tag(
    store: &Store,
    viewer: &Viewer,
    tag_id: i64,
    name: &str,
    kind: &str,
) -> CoreResult<()> {
    let by = administrator(viewer)?;
    let (name, kind) = tag_fields(name, kind)?;
    store.rename_tag(by, tag_id, name, kind).await
}

/// Deletes a tag; competencies that had it lose it.
pub async fn delete_tag(store: &Store, viewer: &Viewer, tag_id: i64) -> CoreResult<()> {
    let by = administrator(viewer)?;
    store.delete_tag(by, tag_id).await
}

pub async fn save_rubric_level(
    store: &Store,
    viewer: &Viewer,
    rubric_id: i64,
    form: &RubricLevelForm,
) -> CoreResult<()> {
    let by = administrator(viewer)?;
    let points: f64 = form
        .points
        .trim()
        .parse()
        .ok()
        .filter(|points: &f64| points.is_finite() && *points >= 0.0)
        .ok_or_else(|| CoreError::invalid("points", "is a number of at least 0"))?;
    let level = RubricLevel {
        level: form.level,
        name: text("name", &form.name, 40)?.to_string(),
        points,
        color: checked_color(&form.color)?,
    };
    store.save_rubric_level(by, rubric_id, &level).await
}

/// Sets a rubric's mastery threshold; every framework using it is recomputed.
pub async fn set_mastery_level(
    store: &Store,
    viewer: &Viewer,
    rubric_id: i64,
    mastery_level: &str,
) -> CoreResult<Vec<i64>> {
    let by = administrator(viewer)?;
    let level: f64 = mastery_level
        .trim()
        .parse()
        .ok()
        .filter(|level: &f64| level.is_finite())
        .ok_or_else(|| CoreError::invalid("mastery threshold", "is a level number"))?;
    let recomputes = store.set_mastery_level(by, rubric_id, level).await?;
    spawn_recomputes(store, recomputes.clone());
    Ok(recomputes)
}

/// Where a recompute of the institution's is.
pub async fn recompute(store: &Store, viewer: &Viewer, id: i64) -> CoreResult<Recompute> {
    store
        .recompute(administrator(viewer)?.institution_id, id)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_takes_a_percentage_or_a_count() {
        assert_eq!(
            checked_method("decaying_average", "80").unwrap(),
            MasteryMethod::DecayingAverage { rate: 0.8 }
        );
        assert_eq!(
            checked_method("weighted_average", " 50 % ").unwrap(),
            MasteryMethod::WeightedAverage { weight: 0.5 }
        );
        assert_eq!(
            checked_method("highest", "").unwrap(),
            MasteryMethod::Highest
        );
        assert_eq!(
            checked_method("n_mastery", "2").unwrap(),
            MasteryMethod::NMastery { n: 2 }
        );
        assert!(checked_method("highest", "3").is_err());
        assert!(checked_method("decaying_average", "120").is_err());
        assert!(checked_method("n_mastery", "1.5").is_err());
        assert!(checked_method("median", "").is_err());
    }

    #[test]
    fn alignments_are_read_a_line_each() {
        let read =
            checked_alignments("Numeracy | https://example.org/n1 | National | N1\n\nEstimation\n")
                .unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].url.as_deref(), Some("https://example.org/n1"));
        assert_eq!(read[0].code.as_deref(), Some("N1"));
        assert_eq!(read[1].name, "Estimation");
        assert_eq!(read[1].url, None);
        let wrong = checked_alignments("Numeracy | example.org").unwrap_err();
        assert!(wrong.to_string().contains("line 1"), "{wrong}");
        assert!(checked_alignments("a | | | | e").is_err());
    }
}
