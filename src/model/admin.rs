//! What administrators see and shape: the institution's settings and its audit log.

use serde::{Deserialize, Serialize};

use super::ModuleNames;
use crate::theme::Theme;

/// How an institution presents Cairn: module names, colours, a logo and a background image,
/// and the time zone its dates and times are read in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub modules: ModuleNames,
    pub theme: Theme,
    #[serde(default)]
    pub images: ThemeImages,
    /// An IANA name ("Europe/London"), or "UTC".
    #[serde(default = "utc")]
    pub time_zone: String,
}

fn utc() -> String {
    "UTC".into()
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            modules: ModuleNames::default(),
            theme: Theme::default(),
            images: ThemeImages::default(),
            time_zone: utc(),
        }
    }
}

/// The settings page: the settings, and the time zones to choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub settings: Settings,
    pub time_zones: Vec<String>,
}

/// The institution's pictures, by the id of their kept file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeImages {
    pub logo: Option<i64>,
    pub background: Option<i64>,
}

impl ThemeImages {
    pub fn get(&self, image: ThemeImage) -> Option<i64> {
        match image {
            ThemeImage::Logo => self.logo,
            ThemeImage::Background => self.background,
        }
    }

    /// The CSS custom properties that show them (`--logo-image`, `--background-image`); the
    /// file id in the address makes a new picture a new address.
    pub fn css(&self) -> String {
        let mut properties = String::new();
        for image in [ThemeImage::Logo, ThemeImage::Background] {
            if let Some(id) = self.get(image) {
                properties.push_str(&format!(
                    " --{}-image: url(\"/theme/{}?v={id}\");",
                    image.key(),
                    image.key()
                ));
                properties.push_str(match image {
                    ThemeImage::Logo => " --logo-width: 2.25rem; --logo-gap: 0.5rem;",
                    ThemeImage::Background => {
                        " --page-veil: color-mix(in srgb, var(--color-bg) 94%, transparent);"
                    }
                });
            }
        }
        if properties.is_empty() {
            String::new()
        } else {
            format!("html:root {{{properties} }}\n")
        }
    }
}

/// One of the institution's pictures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeImage {
    Logo,
    Background,
}

impl ThemeImage {
    pub fn key(self) -> &'static str {
        match self {
            ThemeImage::Logo => "logo",
            ThemeImage::Background => "background",
        }
    }

    pub fn from_key(key: &str) -> Option<ThemeImage> {
        match key {
            "logo" => Some(ThemeImage::Logo),
            "background" => Some(ThemeImage::Background),
            _ => None,
        }
    }

    /// The `theme_settings` row that keeps its file id.
    pub fn setting(self) -> &'static str {
        match self {
            ThemeImage::Logo => "logo_file",
            ThemeImage::Background => "background_file",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ThemeImage::Logo => "logo",
            ThemeImage::Background => "background image",
        }
    }
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

/// What an import does when some rows are wrong: write nothing, or write the rows that are
/// right. Either way a row is written whole or not at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportMode {
    #[default]
    AllOrNothing,
    ValidRows,
}

impl ImportMode {
    pub fn key(self) -> &'static str {
        match self {
            ImportMode::AllOrNothing => "all",
            ImportMode::ValidRows => "valid",
        }
    }

    pub fn from_key(key: &str) -> Option<ImportMode> {
        [ImportMode::AllOrNothing, ImportMode::ValidRows]
            .into_iter()
            .find(|mode| mode.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            ImportMode::AllOrNothing => "Import nothing if any row is wrong",
            ImportMode::ValidRows => "Import the valid rows, report the others",
        }
    }
}

/// Why one row (or the header, line 1) of an imported file was rejected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The line in the file, counting the header as line 1.
    pub line: u64,
    /// The column at fault (`email`), or `row` / `file` when it is the whole line.
    pub field: String,
    pub reason: String,
}

/// Where an import is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportPhase {
    /// Reading the file's rows.
    Reading,
    /// Checking each row against the institution.
    Checking,
    /// Writing the accepted rows, in one transaction.
    Writing,
    /// Finished: the report says what was written.
    Done,
    /// Stopped by a fault of ours: nothing was written.
    Failed,
}

impl ImportPhase {
    pub fn label(self) -> &'static str {
        match self {
            ImportPhase::Reading => "Reading the file",
            ImportPhase::Checking => "Checking each row",
            ImportPhase::Writing => "Writing",
            ImportPhase::Done => "Finished",
            ImportPhase::Failed => "Failed",
        }
    }

    pub fn finished(self) -> bool {
        matches!(self, ImportPhase::Done | ImportPhase::Failed)
    }
}

/// What a finished import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub file_name: String,
    pub mode: ImportMode,
    /// Data rows in the file (the header not counted).
    pub rows: usize,
    /// People written.
    pub imported: usize,
    /// How many rows were rejected in all.
    pub rejected: usize,
    /// The reasons, by line (the first `IMPORT_ERRORS_SHOWN` of them).
    pub errors: Vec<RowError>,
    /// Who was written ("Ana Silva <ana@school.example>"), the first `IMPORT_ERRORS_SHOWN`.
    pub written: Vec<String>,
}

/// How many row errors a report lists; the count covers the rest.
pub const IMPORT_ERRORS_SHOWN: usize = 1000;

/// An import as the page follows it, reported by the server while it works.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub id: u64,
    pub file_name: String,
    pub phase: ImportPhase,
    /// 0 to 100, over the whole import.
    pub percent: u8,
    /// Rows handled so far in this phase.
    pub rows: usize,
    pub report: Option<ImportReport>,
    /// A OneRoster preview's or run's outcome.
    #[serde(default)]
    pub oneroster: Option<super::OneRosterPreview>,
    /// A CASE preview's or import's outcome.
    #[serde(default)]
    pub case: Option<super::CasePreview>,
    /// When the phase is `Failed`: what went wrong (nothing was written).
    pub failure: Option<String>,
}

/// A role an administrator may give: built in, or one of the institution's custom roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChoice {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub builtin: bool,
    /// Whether the person holds it.
    pub held: bool,
}

/// One stay of a person in a group: open while `left_at` is empty. Moving a learner closes
/// one stay and opens another, so their history is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub group_id: super::GroupId,
    pub group: String,
    /// `learner` or `teacher`.
    pub member_role: String,
    pub joined_at: String,
    pub left_at: Option<String>,
}

/// A group an administrator can place someone in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChoice {
    pub id: super::GroupId,
    pub name: String,
}

/// One person as an administrator manages them: roles, family links and groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonAdmin {
    pub person: UserSummary,
    pub roles: Vec<RoleChoice>,
    /// The learners this person is a parent of.
    pub children: Vec<super::LearnerRef>,
    /// This learner's parents.
    pub parents: Vec<super::LearnerRef>,
    /// Every stay in a group, the open ones first.
    pub memberships: Vec<Membership>,
    /// The open groups, to join or move into.
    pub groups: Vec<GroupChoice>,
    /// The administrator looking (who may not take away their own administration).
    pub me: super::UserId,
}

/// A group as administrators manage it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAdmin {
    pub id: super::GroupId,
    pub name: String,
    pub year_level: Option<i64>,
    /// Learners in the group now.
    pub learners: i64,
    /// Its teachers now, by name.
    pub teachers: Vec<String>,
    /// When it was archived (its members' stays closed, kept as history).
    pub archived_at: Option<String>,
}

/// A custom role: a named set of rights over the groups of one year level, or of every group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomRole {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub permissions: Vec<super::Permission>,
    pub year_level: Option<i64>,
    /// How many people hold it.
    pub holders: i64,
}

/// A tile of the home page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HomeTile {
    /// The learner's own progress.
    Progress,
    /// The learner's goals and projects.
    Story,
    /// A parent's children, each with their progress and story.
    Children,
    /// A teacher's check-ins.
    CheckIns,
    /// A teacher's groups and learners.
    Groups,
    /// A manager's registration codes.
    Seats,
    /// A manager's order history.
    Orders,
    /// The institution in figures, with the administration links.
    Institution,
}

impl HomeTile {
    /// Every tile, in the order a home shows them until an administrator arranges them.
    pub const ALL: [HomeTile; 8] = [
        HomeTile::Progress,
        HomeTile::Story,
        HomeTile::Children,
        HomeTile::CheckIns,
        HomeTile::Groups,
        HomeTile::Seats,
        HomeTile::Orders,
        HomeTile::Institution,
    ];

    pub fn key(self) -> &'static str {
        match self {
            HomeTile::Progress => "progress",
            HomeTile::Story => "story",
            HomeTile::Children => "children",
            HomeTile::CheckIns => "checkins",
            HomeTile::Groups => "groups",
            HomeTile::Seats => "seats",
            HomeTile::Orders => "orders",
            HomeTile::Institution => "institution",
        }
    }

    pub fn from_key(key: &str) -> Option<HomeTile> {
        HomeTile::ALL.into_iter().find(|tile| tile.key() == key)
    }

    /// How the settings page names it.
    pub fn label(self) -> &'static str {
        match self {
            HomeTile::Progress => "My progress",
            HomeTile::Story => "Goals and projects",
            HomeTile::Children => "Children",
            HomeTile::CheckIns => "Check-ins",
            HomeTile::Groups => "My groups",
            HomeTile::Seats => "Registration codes",
            HomeTile::Orders => "Order history",
            HomeTile::Institution => "Institution",
        }
    }
}

/// One tile of a role's home, and whether it is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TileChoice {
    pub tile: HomeTile,
    pub shown: bool,
}

/// The tiles of one role's home page, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TileLayout {
    pub role: super::Role,
    pub tiles: Vec<TileChoice>,
}

impl TileLayout {
    /// Every tile shown, in the default order.
    pub fn default_for(role: super::Role) -> TileLayout {
        TileLayout {
            role,
            tiles: HomeTile::ALL
                .into_iter()
                .map(|tile| TileChoice { tile, shown: true })
                .collect(),
        }
    }

    /// The tiles shown, in order.
    pub fn shown(&self) -> Vec<HomeTile> {
        self.tiles
            .iter()
            .filter(|choice| choice.shown)
            .map(|choice| choice.tile)
            .collect()
    }

    /// Applies a change: moves a tile up or down one place, or shows or hides it. `None` when
    /// the change does nothing (the first tile moved up).
    pub fn arranged(&self, tile: HomeTile, change: TileChange) -> Option<TileLayout> {
        let at = self.tiles.iter().position(|choice| choice.tile == tile)?;
        let mut tiles = self.tiles.clone();
        match change {
            TileChange::Up if at > 0 => tiles.swap(at, at - 1),
            TileChange::Down if at + 1 < tiles.len() => tiles.swap(at, at + 1),
            TileChange::Show if !tiles[at].shown => tiles[at].shown = true,
            TileChange::Hide if tiles[at].shown => tiles[at].shown = false,
            _ => return None,
        }
        Some(TileLayout {
            role: self.role,
            tiles,
        })
    }
}

/// What an administrator does to one tile of a role's home.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TileChange {
    Up,
    Down,
    Show,
    Hide,
}

impl TileChange {
    pub fn from_key(key: &str) -> Option<TileChange> {
        match key {
            "up" => Some(TileChange::Up),
            "down" => Some(TileChange::Down),
            "show" => Some(TileChange::Show),
            "hide" => Some(TileChange::Hide),
            _ => None,
        }
    }

    /// How the audit line says it.
    pub fn describe(self) -> &'static str {
        match self {
            TileChange::Up => "moved up",
            TileChange::Down => "moved down",
            TileChange::Show => "shown",
            TileChange::Hide => "hidden",
        }
    }
}

/// The shortest password Cairn accepts when a person chooses one.
pub const MINIMUM_PASSWORD: usize = 10;

/// An unused, unexpired invitation: whom it is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub user_id: super::UserId,
    pub name: String,
    pub email: String,
    pub expires_at: String,
}

/// The form that adds one person (`person[name]`, …): the columns of an import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewPersonForm {
    pub name: String,
    pub email: String,
    /// A built-in role's key, or a custom role's key or name.
    pub role: String,
    /// Group names, separated by semicolons.
    pub groups: String,
    /// Learners' emails, separated by semicolons.
    pub parent_of: String,
    pub year_level: String,
}

/// A person just added, and the link with which they choose their password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedPerson {
    pub user_id: super::UserId,
    /// `/welcome/{token}`: shown once, to give to the person.
    pub invitation: String,
}

/// An issuer an institution vouches for besides itself (`/admin/issuers`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrustedIssuer {
    pub id: i64,
    /// Its DID or URL.
    pub issuer: String,
    pub name: String,
    /// The verification methods of its uploaded profile or DID document (none without one;
    /// a `did:key` needs none).
    pub keys: Vec<String>,
    pub added_at: String,
}

/// The institution's trusted issuers, and the identifier it issues under itself (always
/// trusted).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrustedIssuers {
    pub own_issuer: String,
    pub institution: String,
    pub issuers: Vec<TrustedIssuer>,
}
