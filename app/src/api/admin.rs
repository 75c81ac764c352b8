//! Server functions of administration: settings and the audit log (administrators only; the
//! core asks the policy).

use cairn::model::{AuditFilter, AuditLog, SettingsView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[server(endpoint = "settings")]
pub async fn get_settings() -> Result<SettingsView, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::settings_view(&store, &viewer).await?)
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
    pub time_zone: String,
}

#[server(endpoint = "save_settings")]
pub async fn save_settings(settings: SettingsForm) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    let settings = cairn::model::Settings {
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
        images: Default::default(),
        time_zone: settings.time_zone,
    };
    Ok(cairn::admin::save_settings(&store, &viewer, &settings).await?)
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
    Ok(cairn::admin::set_user_status(&store, &viewer, user_id, &status).await?)
}

/// Where one of the institution's imports of people is, as the server reports it.
#[server(endpoint = "import_progress")]
pub async fn get_import(id: u64) -> Result<cairn::model::ImportProgress, AppError> {
    let viewer = crate::session::viewer()?;
    let imports = use_context::<cairn::people_import::Imports>().ok_or_else(|| {
        tracing::error!("no imports in the request context");
        AppError::Internal
    })?;
    Ok(cairn::admin::import_progress(&imports, &viewer, id)?)
}

/// The institution's roster imports, newest first.
#[server(endpoint = "oneroster_history")]
pub async fn get_oneroster_history() -> Result<Vec<cairn::model::AuditEntry>, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::oneroster_history(&store, &viewer).await?)
}

#[server(endpoint = "person")]
pub async fn get_person(user_id: i64) -> Result<cairn::model::PersonAdmin, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::person(&store, &viewer, user_id).await?)
}

/// One change to a person (`change[kind]`): `give_role` / `take_role` (`role_id`),
/// `link` (`learner_email`) / `unlink` (`learner_id`), `join` (`group_id`, `member_role`),
/// `leave` (`group_id`), `move` (`group_id` → `to`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonChangeForm {
    pub user_id: i64,
    pub kind: String,
    pub role_id: i64,
    pub learner_email: String,
    pub learner_id: i64,
    pub group_id: i64,
    pub member_role: String,
    pub to: i64,
}

#[server(endpoint = "change_person")]
pub async fn change_person(change: PersonChangeForm) -> Result<(), AppError> {
    use cairn::store::people::PersonChange;
    let (viewer, store) = crate::session::viewer_and_store()?;
    let user_id = change.user_id;
    let change = match change.kind.as_str() {
        "give_role" | "take_role" => {
            let person = cairn::admin::person(&store, &viewer, user_id).await?;
            let mut roles: Vec<i64> = person
                .roles
                .iter()
                .filter(|role| role.held && role.id != change.role_id)
                .map(|role| role.id)
                .collect();
            if change.kind == "give_role" {
                roles.push(change.role_id);
            }
            PersonChange::Roles(roles)
        }
        "link" => PersonChange::LinkChild(
            cairn::admin::learner_by_email(&store, &viewer, &change.learner_email).await?,
        ),
        "unlink" => PersonChange::UnlinkChild(change.learner_id),
        "join" => PersonChange::Join {
            group_id: change.group_id,
            member_role: change.member_role,
        },
        "leave" => PersonChange::Leave {
            group_id: change.group_id,
        },
        "move" => PersonChange::Move {
            from: change.group_id,
            to: change.to,
        },
        _ => return Err(cairn::CoreError::invalid("change", "is not a change Cairn knows").into()),
    };
    Ok(cairn::admin::change_person(&store, &viewer, user_id, &change).await?)
}

#[server(endpoint = "admin_groups")]
pub async fn get_admin_groups() -> Result<Vec<cairn::model::GroupAdmin>, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::groups(&store, &viewer).await?)
}

#[server(endpoint = "create_group")]
pub async fn create_group(name: String, year_level: String) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::create_group(&store, &viewer, &name, &year_level).await?)
}

#[server(endpoint = "archive_group")]
pub async fn archive_group(group_id: i64) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::archive_group(&store, &viewer, group_id).await?)
}

/// Adds people to a group by email (`emails`: separated by commas, semicolons, spaces or
/// lines) as `learner` or `teacher`: all of them or none.
#[server(endpoint = "add_group_members")]
pub async fn add_group_members(
    group_id: i64,
    emails: String,
    member_role: String,
) -> Result<usize, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::add_group_members(&store, &viewer, group_id, &emails, &member_role).await?)
}

#[server(endpoint = "trusted_issuers")]
pub async fn get_trusted_issuers() -> Result<cairn::model::TrustedIssuers, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::trusted_issuers(&store, &viewer).await?)
}

#[server(endpoint = "stop_trusting_issuer")]
pub async fn stop_trusting_issuer(id: i64) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::stop_trusting_issuer(&store, &viewer, id).await?)
}

#[server(endpoint = "custom_roles")]
pub async fn get_custom_roles() -> Result<Vec<cairn::model::CustomRole>, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::custom_roles(&store, &viewer).await?)
}

/// The form that defines a custom role (`role[name]`, `role[year_level]`, and a checkbox per
/// permission: `role[view_records]`, `role[mark]`, `role[give_feedback]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    pub name: String,
    pub year_level: String,
    pub view_records: Option<String>,
    pub mark: Option<String>,
    pub give_feedback: Option<String>,
}

impl RoleForm {
    /// The permissions whose boxes are ticked.
    #[cfg(feature = "ssr")]
    fn permissions(&self) -> Vec<cairn::model::Permission> {
        use cairn::model::Permission;
        [
            (Permission::ViewRecords, &self.view_records),
            (Permission::Mark, &self.mark),
            (Permission::GiveFeedback, &self.give_feedback),
        ]
        .into_iter()
        .filter(|(_, checked)| checked.is_some())
        .map(|(permission, _)| permission)
        .collect()
    }
}

#[server(endpoint = "create_role")]
pub async fn create_role(role: RoleForm) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    let permissions = role.permissions();
    Ok(cairn::admin::create_custom_role(
        &store,
        &viewer,
        &role.name,
        &permissions,
        &role.year_level,
    )
    .await?)
}

#[server(endpoint = "tile_layouts")]
pub async fn get_tile_layouts() -> Result<Vec<cairn::model::TileLayout>, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::tile_layouts(&store, &viewer).await?)
}

/// Moves a tile of a role's home (`change`: up, down, show or hide).
#[server(endpoint = "arrange_tile")]
pub async fn arrange_tile(role: String, tile: String, change: String) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    cairn::admin::arrange_tile(&store, &viewer, &role, &tile, &change).await?;
    Ok(())
}

/// Adds one person (checked as an imported row is) and answers with the path of the link with
/// which they choose their password: `/welcome/{token}`.
#[server(endpoint = "add_person")]
pub async fn add_person(person: cairn::model::NewPersonForm) -> Result<String, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    let added = cairn::admin::add_person(&store, &viewer, &person).await?;
    Ok(added.invitation)
}

/// A new sign-in link for a person (older unused ones stop working): its path.
#[server(endpoint = "invite_person")]
pub async fn invite_person(user_id: i64) -> Result<String, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::invite_person(&store, &viewer, user_id).await?)
}

/// Whom an invitation is for, while it is unused and unexpired (anyone with the link may ask).
#[server(endpoint = "invitation")]
pub async fn get_invitation(token: String) -> Result<Option<cairn::model::Invitation>, AppError> {
    let store = crate::session::store()?;
    Ok(store.invitation(&token).await?)
}

#[server(endpoint = "edit_role")]
pub async fn edit_role(role_id: i64, role: RoleForm) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::edit_custom_role(
        &store,
        &viewer,
        role_id,
        &role.name,
        &role.permissions(),
        &role.year_level,
    )
    .await?)
}

#[server(endpoint = "delete_role")]
pub async fn delete_role(role_id: i64) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::admin::delete_custom_role(&store, &viewer, role_id).await?)
}
