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
