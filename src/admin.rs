//! Administration under the policy: an institution's settings and its audit log, for its
//! administrators only. Input is checked here; a refusal writes nothing.

use crate::error::{CoreError, CoreResult};
use crate::model::{
    AuditFilter, AuditLog, Module, ModuleNames, Settings, SettingsView, UserId, Viewer,
    MINIMUM_PASSWORD,
};
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

/// The settings page: the settings and the time zones an administrator may choose.
pub async fn settings_view(store: &Store, viewer: &Viewer) -> CoreResult<SettingsView> {
    Ok(SettingsView {
        settings: settings(store, viewer).await?,
        time_zones: crate::zones::names().to_vec(),
    })
}

/// A time zone Cairn knows, by its IANA name.
fn checked_time_zone(name: &str) -> CoreResult<String> {
    if crate::zones::is_known(name) {
        Ok(name.to_string())
    } else {
        Err(CoreError::invalid(
            "time zone",
            "is one of the list, such as Europe/London or UTC",
        ))
    }
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

/// Saves the institution's module names, colours and time zone: every name checked, every
/// colour pair at WCAG AA contrast, the zone one Cairn knows, or nothing is saved.
pub async fn save_settings(store: &Store, viewer: &Viewer, settings: &Settings) -> CoreResult<()> {
    let institution = administered(viewer)?;
    let checked = Settings {
        modules: checked_modules(&settings.modules)?,
        theme: settings.theme.checked()?,
        images: settings.images,
        // A form without the field leaves the zone as it is.
        time_zone: match settings.time_zone.trim() {
            "" => store.time_zone(Some(institution)).await?,
            name => checked_time_zone(name)?,
        },
    };
    store.save_settings(acting(viewer)?, &checked).await
}

/// The institution's colours and pictures as CSS, for whoever belongs to it (the defaults for
/// visitors).
pub async fn theme_css(store: &Store, viewer: Option<&Viewer>) -> CoreResult<String> {
    Ok(match viewer {
        Some(viewer) => {
            let theme = store.theme(viewer.institution_id).await?;
            let images = store.theme_images(viewer.institution_id).await?;
            format!("{}{}", theme.css(), images.css())
        }
        None => Theme::default().css(),
    })
}

/// Sets the institution's logo or background image from an upload (a PNG, JPEG, GIF or WebP
/// image, by its content), or removes it when there is none.
pub async fn set_theme_image(
    store: &Store,
    viewer: &Viewer,
    image: &str,
    upload: Option<(&str, &[u8])>,
) -> CoreResult<()> {
    let origin = viewer.origin.as_deref();
    let institution_id = administered(viewer)?;
    let image = crate::model::ThemeImage::from_key(image)
        .ok_or_else(|| CoreError::invalid("picture", "is the logo or the background image"))?;
    let by = crate::store::audit::Actor {
        institution_id,
        actor_id: viewer.id,
        origin,
    };
    let Some((name, bytes)) = upload else {
        return store.set_theme_image(by, image, None).await;
    };
    let is_image = crate::store::files::sniff(bytes).is_some_and(|kind| kind.starts_with("image/"));
    if !is_image {
        return Err(CoreError::invalid(
            "file",
            format!(
                "the {} must be a PNG, JPEG, GIF or WebP image (Cairn looks at what the file contains)",
                image.label()
            ),
        ));
    }
    let stored = store.save_file(viewer.id, name, bytes).await?;
    store
        .set_theme_image(by, image, Some((stored.id, &stored.name)))
        .await
}

/// One of the institution's pictures, for anyone who belongs to it.
pub async fn theme_image(
    store: &Store,
    viewer: &Viewer,
    image: &str,
) -> CoreResult<crate::store::files::StoredFile> {
    let image = crate::model::ThemeImage::from_key(image)
        .ok_or_else(|| CoreError::NotFound(format!("picture {image}")))?;
    let id = store
        .theme_images(viewer.institution_id)
        .await?
        .get(image)
        .ok_or_else(|| CoreError::NotFound(format!("the {}", image.label())))?;
    store.stored_file(id).await
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
    user_id: crate::model::UserId,
    status: &str,
) -> CoreResult<()> {
    let by = acting(viewer)?;
    let status = crate::model::UserStatus::from_key(status)
        .ok_or_else(|| CoreError::invalid("status", "is pending, active, disabled or alumni"))?;
    if user_id == viewer.id && status != crate::model::UserStatus::Active {
        return Err(CoreError::invalid(
            "person",
            "you cannot disable your own account; ask another administrator",
        ));
    }
    store.set_user_status(by, user_id, status).await
}

/// Imports people from a CSV file: reads and checks every row, then writes the accepted ones
/// in one transaction — none of them when `mode` is all-or-nothing and a row is wrong. The
/// tracker follows it; the report names every rejected row by line, field and reason.
pub async fn import_people(
    store: &Store,
    by: &crate::store::people_import::ImportedBy<'_>,
    bytes: Vec<u8>,
    mode: crate::model::ImportMode,
    tracker: &crate::people_import::Tracker,
) -> CoreResult<crate::model::ImportReport> {
    let known = store.import_facts(by.institution_id).await?;
    let checking = tracker.clone();
    // Reading and checking is CPU work over the whole file: off the async workers.
    let checked =
        tokio::task::spawn_blocking(move || crate::people_import::check(&bytes, &known, &checking))
            .await
            .map_err(|fault| CoreError::Conflict(format!("the import stopped: {fault}")))?;
    let write_nothing = checked.accepted.is_empty()
        || (mode == crate::model::ImportMode::AllOrNothing && !checked.errors.is_empty());
    let rows = if write_nothing {
        &[][..]
    } else {
        &checked.accepted[..]
    };
    let report = checked.report(by.file_name, mode, 0);
    let by = crate::store::people_import::ImportedBy {
        rejected: report.rejected,
        ..by.clone()
    };
    let imported = store.write_people(&by, rows, tracker).await?;
    let written = if imported > 0 {
        rows.iter()
            .take(crate::model::IMPORT_ERRORS_SHOWN)
            .map(|row| format!("{} <{}>", row.name, row.email))
            .collect()
    } else {
        Vec::new()
    };
    Ok(crate::model::ImportReport {
        imported,
        written,
        ..report
    })
}

/// Where a OneRoster package comes from: an upload (a zip's bytes) or a path on the server
/// (a zip or a folder; the command line's).
#[derive(Clone, Debug)]
pub enum OneRosterSource {
    Zip(std::sync::Arc<Vec<u8>>),
    Path(std::path::PathBuf),
}

/// Imports a OneRoster package: reads every file, compares it with what the institution
/// holds, and — unless `dry_run`, or some row is wrong and `options.valid_rows` is not set —
/// writes the plan in one transaction. The preview says what it does (or did, `written`).
pub async fn import_oneroster(
    store: &Store,
    by: &crate::store::people_import::ImportedBy<'_>,
    source: OneRosterSource,
    options: crate::oneroster::Options,
    dry_run: bool,
    tracker: &crate::people_import::Tracker,
) -> CoreResult<crate::model::OneRosterPreview> {
    use crate::model::ImportPhase;
    tracker.advance(ImportPhase::Reading, 0, 0.0);
    // Reading the files is blocking work over the whole package: off the async workers.
    let roster = tokio::task::spawn_blocking(move || {
        let package = match source {
            OneRosterSource::Zip(bytes) => {
                crate::oneroster::Package::zip(std::sync::Arc::unwrap_or_clone(bytes))
            }
            OneRosterSource::Path(path) => crate::oneroster::Package::open(&path),
        };
        match package {
            Ok(mut package) => crate::oneroster::read(&mut package),
            Err(reason) => crate::oneroster::Roster::unreadable(reason),
        }
    })
    .await
    .map_err(|fault| CoreError::Conflict(format!("the import stopped: {fault}")))?;
    tracker.advance(ImportPhase::Checking, roster.rows, 0.0);
    let held = store.oneroster_held(by.institution_id).await?;
    let (plan, roster) = tokio::task::spawn_blocking(move || {
        (crate::oneroster::plan(&roster, &held, options), roster)
    })
    .await
    .map_err(|fault| CoreError::Conflict(format!("the import stopped: {fault}")))?;
    let mut preview = crate::model::OneRosterPreview {
        valid_rows: options.valid_rows,
        ran: !dry_run,
        ..plan.preview(&roster)
    };
    if dry_run {
        return Ok(preview);
    }
    let blocked = !plan.errors.is_empty() && !options.valid_rows;
    if blocked || plan.changes_nothing() {
        // A run that wrote nothing is in the history too.
        store.note_oneroster_run(by, &preview).await?;
        return Ok(preview);
    }
    store.write_oneroster(by, &plan, &preview, tracker).await?;
    preview.written = true;
    Ok(preview)
}

/// Starts an administrator's import in the background and returns its id, which
/// `import_progress` follows.
pub fn start_import(
    store: &Store,
    imports: &crate::people_import::Imports,
    viewer: &Viewer,
    file_name: String,
    bytes: Vec<u8>,
    mode: crate::model::ImportMode,
) -> CoreResult<u64> {
    let institution_id = administered(viewer)?;
    let tracker = imports.start(institution_id, &file_name);
    let id = tracker.snapshot().id;
    let store = store.clone();
    let (actor_id, origin) = (viewer.id, viewer.origin.clone());
    tokio::spawn(async move {
        let by = crate::store::people_import::ImportedBy {
            institution_id,
            actor_id: Some(actor_id),
            origin: origin.as_deref(),
            file_name: &file_name,
            rejected: 0,
        };
        match import_people(&store, &by, bytes, mode, &tracker).await {
            Ok(report) => tracker.finish(report),
            Err(error) => {
                tracing::error!(%error, "an import of people failed");
                tracker.fail("Something went wrong on our side; nothing was written.".into());
            }
        }
    });
    Ok(id)
}

/// Starts an administrator's preview of a OneRoster package in the background, keeping the
/// package to be run; returns the preview's id, which `import_progress` follows.
pub fn start_oneroster_preview(
    store: &Store,
    imports: &crate::people_import::Imports,
    viewer: &Viewer,
    file_name: String,
    bytes: Vec<u8>,
    options: crate::oneroster::Options,
) -> CoreResult<u64> {
    let institution_id = administered(viewer)?;
    let package = crate::people_import::KeptPackage {
        institution_id,
        file_name,
        bytes: std::sync::Arc::new(bytes),
        kind: crate::people_import::PackageKind::OneRoster(options),
    };
    Ok(start_oneroster(
        store, imports, viewer, package, options, true,
    ))
}

/// Runs a package an administrator previewed (compared again with what the institution holds
/// now); the run's id, which `import_progress` follows.
pub fn start_oneroster_run(
    store: &Store,
    imports: &crate::people_import::Imports,
    viewer: &Viewer,
    preview_id: u64,
) -> CoreResult<u64> {
    let institution_id = administered(viewer)?;
    let package = imports.package(institution_id, preview_id);
    let Some((package, crate::people_import::PackageKind::OneRoster(options))) =
        package.map(|package| (package.clone(), package.kind))
    else {
        return Err(CoreError::invalid(
            "file",
            "that preview is no longer kept; upload the package again",
        ));
    };
    Ok(start_oneroster(
        store, imports, viewer, package, options, false,
    ))
}

fn start_oneroster(
    store: &Store,
    imports: &crate::people_import::Imports,
    viewer: &Viewer,
    package: crate::people_import::KeptPackage,
    options: crate::oneroster::Options,
    dry_run: bool,
) -> u64 {
    let tracker = imports.start(package.institution_id, &package.file_name);
    let id = tracker.snapshot().id;
    if dry_run {
        imports.keep_package(id, package.clone());
    }
    let store = store.clone();
    let (actor_id, origin) = (viewer.id, viewer.origin.clone());
    tokio::spawn(async move {
        let by = crate::store::people_import::ImportedBy {
            institution_id: package.institution_id,
            actor_id: Some(actor_id),
            origin: origin.as_deref(),
            file_name: &package.file_name,
            rejected: 0,
        };
        let source = OneRosterSource::Zip(package.bytes.clone());
        match import_oneroster(&store, &by, source, options, dry_run, &tracker).await {
            Ok(preview) => tracker.finish_oneroster(preview),
            Err(error) => {
                tracing::error!(%error, "a roster import failed");
                tracker.fail("Something went wrong on our side; nothing was written.".into());
            }
        }
    });
    id
}

/// The institution's roster imports, newest first (from the audit log).
pub async fn oneroster_history(
    store: &Store,
    viewer: &Viewer,
) -> CoreResult<Vec<crate::model::AuditEntry>> {
    let institution_id = administered(viewer)?;
    let filter = AuditFilter {
        action: "import oneroster".into(),
        ..AuditFilter::default()
    };
    Ok(store.audit_log(institution_id, &filter).await?.entries)
}

/// Where one of the institution's imports is.
pub fn import_progress(
    imports: &crate::people_import::Imports,
    viewer: &Viewer,
    id: u64,
) -> CoreResult<crate::model::ImportProgress> {
    let institution_id = administered(viewer)?;
    imports
        .progress(institution_id, id)
        .ok_or_else(|| CoreError::NotFound(format!("import {id}")))
}

/// One of the institution's people, with their roles, family links and groups.
pub async fn person(
    store: &Store,
    viewer: &Viewer,
    user_id: crate::model::UserId,
) -> CoreResult<crate::model::PersonAdmin> {
    let institution = administered(viewer)?;
    store.person_admin(institution, user_id, viewer.id).await
}

/// Changes a person's roles, parent links or groups (one change at a time, with its audit
/// line). A parent is linked to a learner by the learner's email.
pub async fn change_person(
    store: &Store,
    viewer: &Viewer,
    user_id: crate::model::UserId,
    change: &crate::store::people::PersonChange,
) -> CoreResult<()> {
    let by = acting(viewer)?;
    store.change_person(by, user_id, change).await
}

/// The learner of the institution with this email, for linking a parent.
pub async fn learner_by_email(
    store: &Store,
    viewer: &Viewer,
    email: &str,
) -> CoreResult<crate::model::UserId> {
    let institution = administered(viewer)?;
    let email = crate::store::accounts::normalize_email(email);
    if email.is_empty() {
        return Err(CoreError::invalid("learner", "give the learner's email"));
    }
    store
        .learner_by_email(institution, &email)
        .await?
        .ok_or_else(|| {
            CoreError::invalid("learner", format!("no learner here has the email {email}"))
        })
}

/// A name of 1 to 60 characters, trimmed.
fn checked_name(name: &str) -> CoreResult<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(CoreError::invalid("name", "is 1 to 60 characters of text"));
    }
    Ok(name)
}

/// A year level from 0 to 13, or none when the field is empty.
fn checked_year_level(text: &str) -> CoreResult<Option<i64>> {
    match text.trim() {
        "" => Ok(None),
        text => text
            .parse::<i64>()
            .ok()
            .filter(|year| (0..=13).contains(year))
            .map(Some)
            .ok_or_else(|| CoreError::invalid("year level", "is a number from 0 to 13")),
    }
}

/// The institution's groups, open ones first.
pub async fn groups(store: &Store, viewer: &Viewer) -> CoreResult<Vec<crate::model::GroupAdmin>> {
    store.groups_admin(administered(viewer)?).await
}

/// The administrator acting, from where their request came (for the audit log).
fn acting(viewer: &Viewer) -> CoreResult<crate::store::audit::Actor<'_>> {
    Ok(crate::store::audit::Actor {
        institution_id: administered(viewer)?,
        actor_id: viewer.id,
        origin: viewer.origin.as_deref(),
    })
}

fn group_actor(viewer: &Viewer) -> CoreResult<crate::store::groups::GroupActor<'_>> {
    Ok(crate::store::groups::GroupActor {
        institution_id: administered(viewer)?,
        actor_id: viewer.id,
        origin: viewer.origin.as_deref(),
    })
}

/// Creates a group: a name of 1 to 60 characters, and a year level from 0 to 13 or none.
pub async fn create_group(
    store: &Store,
    viewer: &Viewer,
    name: &str,
    year_level: &str,
) -> CoreResult<crate::model::GroupId> {
    let by = group_actor(viewer)?;
    let name = checked_name(name)?;
    let year_level = checked_year_level(year_level)?;
    store.create_group(by, name, year_level).await
}

pub async fn archive_group(
    store: &Store,
    viewer: &Viewer,
    group_id: crate::model::GroupId,
) -> CoreResult<()> {
    store.archive_group(group_actor(viewer)?, group_id).await
}

/// Adds several people to a group as learners or teachers, by their emails separated by
/// commas, semicolons, spaces or lines: all of them or none.
pub async fn add_group_members(
    store: &Store,
    viewer: &Viewer,
    group_id: crate::model::GroupId,
    emails: &str,
    member_role: &str,
) -> CoreResult<usize> {
    let by = group_actor(viewer)?;
    let emails: Vec<String> = emails
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(crate::store::accounts::normalize_email)
        .filter(|email| !email.is_empty())
        .collect();
    store
        .add_group_members(by, group_id, &emails, member_role)
        .await
}

/// The institution's custom roles.
pub async fn custom_roles(
    store: &Store,
    viewer: &Viewer,
) -> CoreResult<Vec<crate::model::CustomRole>> {
    store.custom_roles(administered(viewer)?).await
}

/// Defines a custom role: a name of 1 to 60 characters, at least one permission, and the year
/// level whose groups it covers (none: every group).
pub async fn create_custom_role(
    store: &Store,
    viewer: &Viewer,
    name: &str,
    permissions: &[crate::model::Permission],
    year_level: &str,
) -> CoreResult<i64> {
    let by = acting(viewer)?;
    let name = checked_name(name)?;
    if permissions.is_empty() {
        return Err(CoreError::invalid("permissions", "choose at least one"));
    }
    let year_level = checked_year_level(year_level)?;
    store
        .create_custom_role(by, name, permissions, year_level)
        .await
}

/// Changes a custom role's name, rights and year level (checked as when it was defined).
pub async fn edit_custom_role(
    store: &Store,
    viewer: &Viewer,
    role_id: i64,
    name: &str,
    permissions: &[crate::model::Permission],
    year_level: &str,
) -> CoreResult<()> {
    let origin = viewer.origin.as_deref();
    let by = crate::store::audit::Actor {
        institution_id: administered(viewer)?,
        actor_id: viewer.id,
        origin,
    };
    let name = checked_name(name)?;
    if permissions.is_empty() {
        return Err(CoreError::invalid("permissions", "choose at least one"));
    }
    let year_level = checked_year_level(year_level)?;
    store
        .edit_custom_role(by, role_id, name, permissions, year_level)
        .await
}

/// Deletes a custom role that nobody holds.
pub async fn delete_custom_role(store: &Store, viewer: &Viewer, role_id: i64) -> CoreResult<()> {
    let origin = viewer.origin.as_deref();
    let by = crate::store::audit::Actor {
        institution_id: administered(viewer)?,
        actor_id: viewer.id,
        origin,
    };
    store.delete_custom_role(by, role_id).await
}

/// Every role's home tiles, in order, with whether each is shown.
pub async fn tile_layouts(
    store: &Store,
    viewer: &Viewer,
) -> CoreResult<Vec<crate::model::TileLayout>> {
    store.tile_layouts(administered(viewer)?).await
}

/// Moves a tile of a role's home up or down, or shows or hides it.
pub async fn arrange_tile(
    store: &Store,
    viewer: &Viewer,
    role: &str,
    tile: &str,
    change: &str,
) -> CoreResult<crate::model::TileLayout> {
    let origin = viewer.origin.as_deref();
    use crate::model::{HomeTile, Role, TileChange};
    let institution_id = administered(viewer)?;
    let role = Role::from_key(role).ok_or_else(|| CoreError::invalid("role", "is not a role"))?;
    let tile = HomeTile::from_key(tile)
        .ok_or_else(|| CoreError::invalid("tile", "is not a tile of the home page"))?;
    let change = TileChange::from_key(change)
        .ok_or_else(|| CoreError::invalid("change", "is up, down, show or hide"))?;
    let by = crate::store::audit::Actor {
        institution_id,
        actor_id: viewer.id,
        origin,
    };
    store.arrange_tile(by, role, tile, change).await
}

/// Adds one person from the form, checked exactly as an imported row is (the same columns),
/// and invites them: the answer carries the link with which they choose their password.
pub async fn add_person(
    store: &Store,
    viewer: &Viewer,
    form: &crate::model::NewPersonForm,
) -> CoreResult<crate::model::AddedPerson> {
    let origin = viewer.origin.as_deref();
    let institution_id = administered(viewer)?;
    let mut csv = csv::Writer::from_writer(Vec::new());
    let written = csv
        .write_record(["name", "email", "role", "groups", "parent_of", "year_level"])
        .and_then(|()| {
            csv.write_record([
                form.name.as_str(),
                form.email.as_str(),
                form.role.as_str(),
                form.groups.as_str(),
                form.parent_of.as_str(),
                form.year_level.as_str(),
            ])
        });
    let bytes = written
        .map_err(|error| CoreError::Conflict(error.to_string()))
        .and_then(|()| {
            csv.into_inner()
                .map_err(|error| CoreError::Conflict(error.to_string()))
        })?;
    let known = store.import_facts(institution_id).await?;
    let checked =
        crate::people_import::check(&bytes, &known, &crate::people_import::Tracker::new(0, ""));
    if let Some(error) = checked.errors.first() {
        return Err(CoreError::invalid(
            error.field.clone(),
            error.reason.clone(),
        ));
    }
    let row = checked
        .accepted
        .first()
        .ok_or_else(|| CoreError::invalid("person", "fill in a name, an email and a role"))?;
    let by = crate::store::audit::Actor {
        institution_id,
        actor_id: viewer.id,
        origin,
    };
    let user_id = store.add_person(by, row).await?;
    let token = store.invite(by, user_id).await?;
    Ok(crate::model::AddedPerson {
        user_id,
        invitation: format!("/welcome/{token}"),
    })
}

/// A new sign-in link for one of the institution's people (older unused links stop working).
pub async fn invite_person(store: &Store, viewer: &Viewer, user_id: UserId) -> CoreResult<String> {
    let origin = viewer.origin.as_deref();
    let by = crate::store::audit::Actor {
        institution_id: administered(viewer)?,
        actor_id: viewer.id,
        origin,
    };
    let token = store.invite(by, user_id).await?;
    Ok(format!("/welcome/{token}"))
}

/// Accepts an invitation with the password the person chose (twice): their id, to sign them in.
pub async fn accept_invitation(
    store: &Store,
    token: &str,
    password: &str,
    again: &str,
) -> CoreResult<UserId> {
    if password.chars().count() < MINIMUM_PASSWORD {
        return Err(CoreError::invalid(
            "password",
            format!("must be at least {MINIMUM_PASSWORD} characters"),
        ));
    }
    if password != again {
        return Err(CoreError::invalid(
            "password",
            "the two passwords are not the same",
        ));
    }
    if store.invitation(token).await?.is_none() {
        return Err(CoreError::invalid(
            "invitation",
            "this link has expired or has been used; ask your school for a new one",
        ));
    }
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || crate::password::hash(&password))
        .await
        .map_err(|fault| CoreError::Conflict(format!("the password could not be kept: {fault}")))?;
    store.accept_invitation(token, &hash).await
}

/// The viewer acting as an administrator of their institution, for an audit line.
fn admin_actor(viewer: &Viewer) -> CoreResult<crate::store::audit::Actor<'_>> {
    Ok(crate::store::audit::Actor {
        institution_id: administered(viewer)?,
        actor_id: viewer.id,
        origin: viewer.origin.as_deref(),
    })
}

/// The institution's trusted issuers (`/admin/issuers`).
pub async fn trusted_issuers(
    store: &Store,
    viewer: &Viewer,
) -> CoreResult<crate::model::TrustedIssuers> {
    store.trusted_issuers(administered(viewer)?).await
}

/// Trusts an issuer: by its DID or URL, or by its profile or DID document (see
/// `Store::add_trusted_issuer`).
pub async fn trust_issuer(
    store: &Store,
    viewer: &Viewer,
    issuer: &str,
    name: &str,
    document: Option<&str>,
) -> CoreResult<i64> {
    store
        .add_trusted_issuer(admin_actor(viewer)?, issuer, name, document)
        .await
}

/// Stops trusting an issuer.
pub async fn stop_trusting_issuer(store: &Store, viewer: &Viewer, id: i64) -> CoreResult<()> {
    store.remove_trusted_issuer(admin_actor(viewer)?, id).await
}
