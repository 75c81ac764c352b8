//! What administrators see and shape: the institution's settings and its audit log.

use serde::{Deserialize, Serialize};

use super::ModuleNames;
use crate::theme::Theme;

/// How an institution presents Cairn: module names and colours.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub modules: ModuleNames,
    pub theme: Theme,
}

/// One line of the audit log: who did what, when, from where.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: Option<String>,
    pub action: String,
    pub subject: String,
    pub detail: String,
    /// The address the request came from.
    pub origin: Option<String>,
}

/// Which lines of the audit log to show (empty fields do not filter).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// Part of the actor's name or email.
    pub actor: String,
    pub action: String,
    /// `YYYY-MM-DD`: from this day on.
    pub since: String,
}

/// The audit log page: the newest matching lines and the actions to filter by.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditLog {
    pub entries: Vec<AuditEntry>,
    pub actions: Vec<String>,
    /// At most this many lines are shown, newest first.
    pub limit: usize,
}

/// Whether a person may use Cairn: pending (waiting for approval), active, disabled, or alumni
/// (left, and keep their backpack).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserStatus {
    Pending,
    Active,
    Disabled,
    Alumni,
}

impl UserStatus {
    pub const ALL: [UserStatus; 4] = [
        UserStatus::Pending,
        UserStatus::Active,
        UserStatus::Disabled,
        UserStatus::Alumni,
    ];

    pub fn key(self) -> &'static str {
        match self {
            UserStatus::Pending => "pending",
            UserStatus::Active => "active",
            UserStatus::Disabled => "disabled",
            UserStatus::Alumni => "alumni",
        }
    }

    pub fn from_key(key: &str) -> Option<UserStatus> {
        UserStatus::ALL
            .into_iter()
            .find(|status| status.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            UserStatus::Pending => "Waiting for approval",
            UserStatus::Active => "Active",
            UserStatus::Disabled => "Disabled",
            UserStatus::Alumni => "Alumni",
        }
    }
}

/// A person in the administrators' list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: super::UserId,
    pub name: String,
    pub email: String,
    pub roles: Vec<super::Role>,
    pub status: UserStatus,
}

/// Which people to list (empty fields do not filter).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserFilter {
    /// Part of the name or email.
    pub query: String,
    /// A role key (`teacher`).
    pub role: String,
    /// A status key (`pending`).
    pub status: String,
}

/// The people page: the first matching people, and how many match in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserList {
    pub users: Vec<UserSummary>,
    pub matching: usize,
    pub limit: usize,
    /// The administrator looking (who may not disable themself).
    pub me: super::UserId,
}
