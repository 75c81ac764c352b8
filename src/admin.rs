//! Administration under the policy: an institution's settings and its audit log, for its
//! administrators only. Input is checked here; a refusal writes nothing.

use crate::error::{CoreError, CoreResult};
use crate::model::{AuditFilter, AuditLog, Module, ModuleNames, Settings, Viewer};
use crate::policy::may_view_institution;
use crate::store::Store;
use crate::theme::Theme;

/// The viewer's institution when they administer it.
fn administered(viewer: &Viewer) -> CoreResult<crate::model::InstitutionId> {
    if may_view_institution(viewer, viewer.institution_id) {
        Ok(viewer.institution_id)
    } else {
        Err(CoreError::Forbidden)
    }
}

pub async fn settings(store: &Store, viewer: &Viewer) -> CoreResult<Settings> {
    store.settings(administered(viewer)?).await
}

/// Module names of 1 to 40 characters, trimmed.
fn checked_modules(modules: &ModuleNames) -> CoreResult<ModuleNames> {
    let mut checked = ModuleNames::default();
    for module in Module::ALL {
        let name = modules.name(module).trim();
        let field = format!("{} name", module.default_name());
        if name.is_empty() {
            return Err(CoreError::invalid(field, "cannot be empty"));
        }
        if name.chars().count() > 40 || name.chars().any(char::is_control) {
            return Err(CoreError::invalid(
                field,
                "is at most 40 characters of text",
            ));
        }
        checked.set(module, name.to_string());
    }
    Ok(checked)
}

/// Saves the institution's module names and colours: every name checked, every colour pair
/// at WCAG AA contrast, or nothing is saved.
pub async fn save_settings(
    store: &Store,
    viewer: &Viewer,
    origin: Option<&str>,
    settings: &Settings,
) -> CoreResult<()> {
    let institution = administered(viewer)?;
    let checked = Settings {
        modules: checked_modules(&settings.modules)?,
        theme: settings.theme.checked()?,
    };
    store
        .save_settings(institution, viewer.id, origin, &checked)
        .await
}

/// The institution's colours as CSS, for whoever belongs to it (the defaults for visitors).
pub async fn theme_css(store: &Store, viewer: Option<&Viewer>) -> CoreResult<String> {
    let theme = match viewer {
        Some(viewer) => store.theme(viewer.institution_id).await?,
        None => Theme::default(),
    };
    Ok(theme.css())
}

pub async fn audit_log(
    store: &Store,
    viewer: &Viewer,
    filter: &AuditFilter,
) -> CoreResult<AuditLog> {
    let institution = administered(viewer)?;
    store.audit_log(institution, filter).await
}

/// The institution's people, searched and filtered.
pub async fn people(
    store: &Store,
    viewer: &Viewer,
    filter: &crate::model::UserFilter,
) -> CoreResult<crate::model::UserList> {
    let institution = administered(viewer)?;
    store.people_list(institution, filter, viewer.id).await
}

/// Approves, disables, enables or marks as alumni one of the institution's people. An
/// administrator cannot disable themself (someone must be left to undo it).
pub async fn set_user_status(
    store: &Store,
    viewer: &Viewer,
    origin: Option<&str>,
    user_id: crate::model::UserId,
    status: &str,
) -> CoreResult<()> {
    let institution = administered(viewer)?;
    let status = crate::model::UserStatus::from_key(status)
        .ok_or_else(|| CoreError::invalid("status", "is pending, active, disabled or alumni"))?;
    if user_id == viewer.id && status != crate::model::UserStatus::Active {
        return Err(CoreError::invalid(
            "person",
            "you cannot disable your own account; ask another administrator",
        ));
    }
    store
        .set_user_status(institution, viewer.id, origin, user_id, status)
        .await
}
