//! Server functions of framework administration (administrators only; the core asks the
//! policy): frameworks, areas, competencies, categories, tags, rubric levels, and the progress
//! of a recompute.

use cairn::model::{
    CompetencyForm, FrameworkAdmin, FrameworkForm, FrameworksAdmin, Recompute, RubricLevelForm,
};
use leptos::prelude::*;

use crate::error::AppError;

#[server(endpoint = "frameworks")]
pub async fn get_frameworks() -> Result<FrameworksAdmin, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::frameworks(&store, &viewer).await?)
}

#[server(endpoint = "framework")]
pub async fn get_framework(framework_id: i64) -> Result<FrameworkAdmin, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::framework(&store, &viewer, framework_id).await?)
}

#[server(endpoint = "create_framework")]
pub async fn create_framework(framework: FrameworkForm) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::create_framework(&store, &viewer, &framework).await?)
}

/// Saves a framework; a new mastery method answers with the recompute it started.
#[server(endpoint = "save_framework")]
pub async fn save_framework(
    framework_id: i64,
    framework: FrameworkForm,
) -> Result<Option<i64>, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::save_framework(&store, &viewer, framework_id, &framework).await?)
}

#[server(endpoint = "create_area")]
pub async fn create_area(framework_id: i64, code: String, name: String) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::create_area(&store, &viewer, framework_id, &code, &name).await?)
}

#[server(endpoint = "create_competency")]
pub async fn create_competency(
    framework_id: i64,
    competency: CompetencyForm,
) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::create_competency(&store, &viewer, framework_id, &competency).await?)
}

/// Saves a competency; a new mastery method answers with the recompute it started.
#[server(endpoint = "save_competency")]
pub async fn save_competency(
    competency_id: i64,
    competency: CompetencyForm,
) -> Result<Option<i64>, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::save_competency(&store, &viewer, competency_id, &competency).await?)
}

#[server(endpoint = "create_category")]
pub async fn create_category(name: String) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::create_category(&store, &viewer, &name).await?)
}

#[server(endpoint = "create_tag")]
pub async fn create_tag(name: String, kind: String) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::create_tag(&store, &viewer, &name, &kind).await?)
}

#[server(endpoint = "rename_area")]
pub async fn rename_area(area_id: i64, code: String, name: String) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::rename_area(&store, &viewer, area_id, &code, &name).await?)
}

#[server(endpoint = "delete_area")]
pub async fn delete_area(area_id: i64) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::delete_area(&store, &viewer, area_id).await?)
}

#[server(endpoint = "rename_category")]
pub async fn rename_category(category_id: i64, name: String) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::rename_category(&store, &viewer, category_id, &name).await?)
}

#[server(endpoint = "delete_category")]
pub async fn delete_category(category_id: i64) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::delete_category(&store, &viewer, category_id).await?)
}

#[server(endpoint = "rename_tag")]
pub async fn rename_tag(tag_id: i64, name: String, kind: String) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::rename_tag(&store, &viewer, tag_id, &name, &kind).await?)
}

#[server(endpoint = "delete_tag")]
pub async fn delete_tag(tag_id: i64) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::delete_tag(&store, &viewer, tag_id).await?)
}

#[server(endpoint = "save_rubric_level")]
pub async fn save_rubric_level(rubric_id: i64, level: RubricLevelForm) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::save_rubric_level(&store, &viewer, rubric_id, &level).await?)
}

#[server(endpoint = "set_mastery_level")]
pub async fn set_mastery_level(rubric_id: i64, mastery_level: String) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    cairn::frameworks::set_mastery_level(&store, &viewer, rubric_id, &mastery_level).await?;
    Ok(())
}

#[server(endpoint = "recompute")]
pub async fn get_recompute(id: i64) -> Result<Recompute, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::recompute(&store, &viewer, id).await?)
}

/// Publishes a framework through the CASE provider API, or takes it back.
#[server(endpoint = "publish_case")]
pub async fn publish_case(framework_id: i64, published: bool) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::frameworks::publish_case(&store, &viewer, framework_id, published).await?)
}
