//! Server functions: thin — read the session, call the core (which asks the policy), map the
//! error.

use cairn::cohort::{CohortView, FrameworkChoice};
use cairn::model::{CompetencyDetail, Home, LearnerProgress};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

mod admin;
mod attendance;
mod frameworks;
mod seats;
mod story;
pub use admin::*;
pub use attendance::*;
pub use frameworks::*;
pub use seats::*;
pub use story::*;

/// Everything the signed-in person's home page shows.
#[server(endpoint = "home")]
pub async fn get_home() -> Result<Home, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(cairn::home::home(&store, viewer).await?)
}

/// One learner's dashboard: their progress and achievements, for a viewer the policy allows.
#[server(endpoint = "learner")]
pub async fn get_learner(learner_id: i64) -> Result<LearnerProgress, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(cairn::access::learner_progress(&store, &viewer, learner_id).await?)
}

/// One competency of a learner with the evidence that explains its level.
#[server(endpoint = "competency")]
pub async fn get_competency(
    learner_id: i64,
    competency_id: i64,
) -> Result<CompetencyDetail, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(cairn::access::competency_detail(&store, &viewer, learner_id, competency_id).await?)
}

/// The cohort tile's content: the frameworks to choose from, the one shown, its chart data,
/// and the radar chart drawn on the server (the browser carries no charting code).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CohortTile {
    pub frameworks: Vec<FrameworkChoice>,
    pub chosen: i64,
    pub view: CohortView,
    /// The radar chart as SVG markup, when there is a cohort to compare with.
    pub svg: Option<String>,
    /// When the cohort's figures were read (a kept page may show them a little late).
    pub as_of: String,
}

/// A learner compared with their cohort on one framework (the first when none is chosen).
#[server(endpoint = "cohort")]
pub async fn get_cohort(
    learner_id: i64,
    framework_id: Option<i64>,
) -> Result<CohortTile, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    let (frameworks, chosen, view) =
        cairn::access::cohort_view(&store, &viewer, learner_id, framework_id).await?;
    let svg = match &view {
        CohortView::Radar {
            axes, max_level, ..
        } => Some(crate::components::radar::radar_svg(axes, *max_level)),
        _ => None,
    };
    Ok(CohortTile {
        frameworks,
        chosen,
        view,
        svg,
        as_of: cairn::clock::now(),
    })
}

/// A learner's record in one category: each achievement's evidence record and its timeline.
#[server(endpoint = "category")]
pub async fn get_category(
    learner_id: i64,
    category: String,
) -> Result<cairn::model::CategoryRecord, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(cairn::access::category_record(&store, &viewer, learner_id, &category).await?)
}

/// The learners the signed-in person may see, for the learner list.
#[server(endpoint = "learners")]
pub async fn get_learners() -> Result<Vec<cairn::model::LearnerListing>, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(cairn::access::learners(&store, &viewer).await?)
}

/// A group's roster on one framework (the first when none is chosen).
#[server(endpoint = "roster")]
pub async fn get_roster(
    group_id: i64,
    framework_id: Option<i64>,
) -> Result<cairn::model::Roster, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(cairn::access::roster(&store, &viewer, group_id, framework_id).await?)
}

/// A teacher's mark from the roster; answers with the cell as it is now.
#[server(endpoint = "mark")]
pub async fn save_mark(
    group_id: i64,
    learner_id: i64,
    competency_id: i64,
    level: f64,
    comment: Option<String>,
    corrects: Option<i64>,
) -> Result<cairn::model::RosterCell, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    let mark = cairn::access::Mark {
        group_id,
        learner_id,
        competency_id,
        level,
        comment,
        corrects,
    };
    let recorded = cairn::access::mark(&store, &viewer, &mark).await?;
    Ok(cairn::model::RosterCell {
        level: recorded.level,
        latest: Some(cairn::model::RosterMark {
            evidence_id: recorded.evidence_id,
            mark: level,
            given_by: Some(viewer.name),
            recorded_at: cairn::clock::now(),
        }),
    })
}

/// The administrator's integrations: tokens, line items, competencies to map to.
#[server(endpoint = "integrations")]
pub async fn get_integrations() -> Result<cairn::model::Integrations, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(cairn::access::integrations(&store, &viewer).await?)
}

/// A new integration token; the answer is the only time it is shown.
#[server(endpoint = "token-create")]
pub async fn create_token(name: String) -> Result<String, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    let (_, token) = cairn::access::create_integration_token(&store, &viewer, &name).await?;
    Ok(token)
}

#[server(endpoint = "token-revoke")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(cairn::access::revoke_integration_token(&store, &viewer, id).await?)
}

#[server(endpoint = "line-item-map")]
pub async fn map_line_item(
    source_id: String,
    title: String,
    competency_id: i64,
) -> Result<(), AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    cairn::access::map_line_item(&store, &viewer, &source_id, &title, competency_id).await?;
    Ok(())
}

#[server(endpoint = "line-item-unmap")]
pub async fn unmap_line_item(id: i64) -> Result<(), AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(cairn::access::unmap_line_item(&store, &viewer, id).await?)
}

/// A credential's public page: what it says, and whether it verifies now. Anyone may open it.
#[server(endpoint = "credential")]
pub async fn get_credential(id: String) -> Result<cairn::model::CredentialView, AppError> {
    let viewer = crate::session::signed_in();
    let store = crate::session::store()?;
    store
        .credential_view(&id, viewer.as_ref())
        .await?
        .ok_or_else(|| AppError::NotFound("credential".into()))
}

/// Revokes a credential with a reason (the issuing institution's administrators).
#[server(endpoint = "credential-revoke")]
pub async fn revoke_credential(id: String, reason: String) -> Result<(), AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(cairn::access::revoke_credential(&store, &viewer, &id, &reason).await?)
}

/// Issues a learner's earned credential by hand (administrators and the learner's teachers);
/// answers the credential's id.
#[server(endpoint = "credential-issue")]
pub async fn issue_credential(learner_id: i64, achievement_id: i64) -> Result<String, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    let credential =
        cairn::access::issue_credential(&store, &viewer, learner_id, achievement_id).await?;
    Ok(credential.public_id)
}

/// The signed-in learner shares their progress record for an achievement as a provisional
/// credential; answers its id.
#[server(endpoint = "progress-share")]
pub async fn share_progress_record(achievement_id: i64) -> Result<String, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    let credential = cairn::access::share_progress_record(&store, &viewer, achievement_id).await?;
    Ok(credential.public_id)
}

/// A learner's credentials, for whoever may see the learner.
#[server(endpoint = "credentials")]
pub async fn get_credentials(
    learner_id: i64,
) -> Result<Vec<cairn::model::CredentialSummary>, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(cairn::access::learner_credentials(&store, &viewer, learner_id).await?)
}

/// The signed-in person's backpack.
#[server(endpoint = "backpack")]
pub async fn get_backpack() -> Result<cairn::model::Backpack, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(store.backpack(viewer.id).await?)
}

/// Imports a credential from elsewhere (its JSON, or a VC-JWT) into the backpack.
#[server(endpoint = "backpack-import")]
pub async fn import_credential(document: String) -> Result<cairn::model::BackpackItem, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(store.import_credential(viewer.id, &document).await?)
}

/// A new collection in the backpack.
#[server(endpoint = "collection-create")]
pub async fn create_collection(name: String, description: String) -> Result<i64, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(store
        .create_collection(viewer.id, &name, &description)
        .await?)
}

/// Puts a backpack item into a collection, or takes it out.
#[server(endpoint = "collection-item")]
pub async fn include_item(collection: i64, item: i64, include: bool) -> Result<(), AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(store
        .include_item(viewer.id, collection, item, include)
        .await?)
}

/// Shows a collection on the public profile page, or stops showing it.
#[server(endpoint = "collection-public")]
pub async fn set_collection_public(collection: i64, public: bool) -> Result<(), AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(store
        .set_collection_public(viewer.id, collection, public)
        .await?)
}

/// Deletes a collection (its credentials stay in the backpack).
#[server(endpoint = "collection-delete")]
pub async fn delete_collection(collection: i64) -> Result<(), AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(store.delete_collection(viewer.id, collection).await?)
}

/// A new share link for a collection, lasting `days` or until revoked (`days` empty).
#[server(endpoint = "share-create")]
pub async fn create_share_link(
    collection: i64,
    days: String,
) -> Result<cairn::model::ShareLink, AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    let days = match days.trim() {
        "" => None,
        days => Some(days.parse::<i64>().map_err(|_| AppError::Invalid {
            field: "days".into(),
            reason: "a number of days, or empty for a link that lasts until revoked".into(),
        })?),
    };
    Ok(store.create_share_link(viewer.id, collection, days).await?)
}

/// Revokes a share link.
#[server(endpoint = "share-revoke")]
pub async fn revoke_share_link(link: i64) -> Result<(), AppError> {
    let viewer = crate::session::viewer()?;
    let store = crate::session::store()?;
    Ok(store.revoke_share_link(viewer.id, link).await?)
}

/// A shared collection, for anyone holding its link.
#[server(endpoint = "shared")]
pub async fn get_shared(token: String) -> Result<cairn::model::SharedCollection, AppError> {
    let store = crate::session::store()?;
    store
        .shared_collection(&token)
        .await?
        .ok_or_else(|| AppError::NotFound("shared collection".into()))
}

/// A person's public profile: the collections they chose to publish.
#[server(endpoint = "profile")]
pub async fn get_profile(
    handle: String,
) -> Result<(String, Vec<cairn::model::SharedCollection>), AppError> {
    let store = crate::session::store()?;
    store
        .public_profile(&handle)
        .await?
        .ok_or_else(|| AppError::NotFound("public profile".into()))
}
