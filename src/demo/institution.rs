//! The institution itself: its record, roles (five built-in, one custom), categories and the
//! rubric its frameworks share.

use super::curriculum::{CATEGORIES, MASTERY_LEVEL, RUBRIC_LEVELS};
use super::generator::Generator;
use crate::model::Role;
use crate::row;
use crate::store::batch::TableRows;

pub const INSTITUTION_ID: i64 = 1;
pub const RUBRIC_ID: i64 = 1;

/// The id of a built-in role's row.
pub fn role_id(role: Role) -> i64 {
    Role::ALL.iter().position(|r| *r == role).unwrap_or(0) as i64 + 1
}

/// The id of a category's row.
pub fn category_id(key: &str) -> i64 {
    CATEGORIES.iter().position(|(k, _)| *k == key).unwrap_or(0) as i64 + 1
}

fn permissions(role: Role) -> &'static [&'static str] {
    match role {
        Role::Learner => &["record.view_own", "goals.manage_own", "backpack.manage_own"],
        Role::Parent => &["record.view_children"],
        Role::Teacher => &[
            "record.view_group",
            "evidence.mark",
            "feedback.give",
            "checkins.answer",
        ],
        Role::Manager => &["seats.manage", "record.view_placed", "orders.view"],
        Role::Admin => &["institution.manage", "record.view_all", "audit.view"],
    }
}

pub fn generate(g: &Generator, tables: &mut Vec<TableRows>) {
    let created = &g.created;
    let mut institutions = TableRows::new(
        "institutions",
        &[
            "id",
            "name",
            "slug",
            "points_enabled",
            "dark_theme_allowed",
            "created_at",
        ],
    );
    institutions.push(row![
        INSTITUTION_ID,
        "Riverbend College",
        "riverbend",
        true,
        true,
        created
    ]);

    let mut roles = TableRows::new(
        "roles",
        &[
            "id",
            "institution_id",
            "key",
            "name",
            "builtin",
            "scope_year_level",
        ],
    );
    let mut role_permissions = TableRows::new("role_permissions", &["role_id", "permission"]);
    for role in Role::ALL {
        let id = role_id(role);
        roles.push(row![
            id,
            INSTITUTION_ID,
            role.key(),
            role.label(),
            true,
            None::<i64>
        ]);
        for permission in permissions(role) {
            role_permissions.push(row![id, *permission]);
        }
    }
    // A custom role: a named set of permissions, limited to one year level.
    let head_of_year = Role::ALL.len() as i64 + 1;
    roles.push(row![
        head_of_year,
        INSTITUTION_ID,
        "head_of_year_9",
        "Head of Year 9",
        false,
        9
    ]);
    for permission in ["record.view_group", "evidence.mark", "feedback.give"] {
        role_permissions.push(row![head_of_year, permission]);
    }

    let mut categories = TableRows::new(
        "categories",
        &["id", "institution_id", "key", "name", "position", "builtin"],
    );
    for (index, (key, name)) in CATEGORIES.iter().enumerate() {
        categories.push(row![
            category_id(key),
            INSTITUTION_ID,
            *key,
            *name,
            index as i64,
            true
        ]);
    }

    let mut rubrics = TableRows::new(
        "rubrics",
        &["id", "institution_id", "name", "mastery_level"],
    );
    rubrics.push(row![
        RUBRIC_ID,
        INSTITUTION_ID,
        "Four-level rubric",
        MASTERY_LEVEL
    ]);
    let mut levels = TableRows::new(
        "rubric_levels",
        &["id", "rubric_id", "level", "name", "points", "color"],
    );
    for (level, name, points, color) in RUBRIC_LEVELS {
        levels.push(row![*level, RUBRIC_ID, *level, *name, *points, *color]);
    }

    tables.extend([
        institutions,
        roles,
        role_permissions,
        categories,
        rubrics,
        levels,
    ]);
}
