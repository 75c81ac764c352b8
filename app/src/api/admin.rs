//! Server functions of administration: settings and the audit log (administrators only; the
//! core asks the policy).

use cairn::model::{AuditFilter, AuditLog, Settings};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[server(endpoint = "settings")]
pub async fn get_settings() -> Result<Settings, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::settings(&store, &viewer).await?)
}

/// The settings form (`settings[goals]`, `settings[primary]`, …).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub goals: String,
    pub projects: String,
    pub checkins: String,
    pub primary: String,
    pub accent: String,
    pub background: String,
}

#[server(endpoint = "save_settings")]
pub async fn save_settings(settings: SettingsForm) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    let settings = Settings {
        modules: cairn::model::ModuleNames {
            goals: settings.goals,
            projects: settings.projects,
            checkins: settings.checkins,
        },
        theme: cairn::theme::Theme {
            primary: settings.primary,
            accent: settings.accent,
            background: settings.background,
        },
    };
    let origin = crate::session::origin();
    Ok(cairn::admin::save_settings(&store, &viewer, origin.as_deref(), &settings).await?)
}

#[server(endpoint = "audit")]
pub async fn get_audit(filter: AuditFilter) -> Result<AuditLog, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::audit_log(&store, &viewer, &filter).await?)
}

#[server(endpoint = "people")]
pub async fn get_people(
    filter: cairn::model::UserFilter,
) -> Result<cairn::model::UserList, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::people(&store, &viewer, &filter).await?)
}

/// Approves, disables, enables or marks as alumni one person (`status`: a status key).
#[server(endpoint = "person_status")]
pub async fn set_person_status(user_id: i64, status: String) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    let origin = crate::session::origin();
    Ok(cairn::admin::set_user_status(&store, &viewer, origin.as_deref(), user_id, &status).await?)
}
