//! Plain types shared by the store, the server and the browser: who is looking, and what a
//! home page shows. No database, no framework.

mod admin;
mod attendance;
mod dates;
mod frameworks;
mod oneroster;
mod story;
pub use admin::*;
pub use attendance::*;
pub use dates::Zone;
pub use frameworks::*;
pub use oneroster::*;
pub use story::*;

use serde::{Deserialize, Serialize};

pub type UserId = i64;
pub type InstitutionId = i64;
pub type GroupId = i64;
pub type CompetencyId = i64;

/// The built-in roles. Custom roles are named sets of permissions on top of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Learner,
    Parent,
    Teacher,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Learner,
        Role::Parent,
        Role::Teacher,
        Role::Manager,
        Role::Admin,
    ];

    /// The key stored in `roles.key` and shown in `/api/v1/me`.
    pub fn key(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Parent => "parent",
            Role::Teacher => "teacher",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.key() == key)
    }

    /// How the role is named on the page.
    pub fn label(self) -> &'static str {
        match self {
            Role::Learner => "Learner",
            Role::Parent => "Parent",
            Role::Teacher => "Teacher",
            Role::Manager => "Manager",
            Role::Admin => "Administrator",
        }
    }
}

/// The signed-in person, as every page and server function sees them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub institution_id: InstitutionId,
    pub institution: String,
    pub roles: Vec<Role>,
    /// What the person's custom roles allow them (e.g. a head of year's rights over the
    /// groups of one year level).
    #[serde(default)]
    pub grants: Vec<Grant>,
    /// Where this request came from (the client's address), for the audit log. Set by the
    /// server for each request; never sent to the browser.
    #[serde(skip)]
    pub origin: Option<String>,
}

/// One right a custom role gives, over the groups of one year level or over every group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub permission: Permission,
    /// The year level whose groups it covers; `None`: every group of the institution.
    pub year_level: Option<i64>,
}

/// The rights a custom role can be made of: each is a teacher's right, over the groups the
/// role covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Permission {
    /// See the records of the groups' learners and open their rosters.
    ViewRecords,
    /// Mark the groups' learners.
    Mark,
    /// Comment on and assess the groups' learners' goals and projects.
    GiveFeedback,
}

impl Permission {
    pub const ALL: [Permission; 3] = [
        Permission::ViewRecords,
        Permission::Mark,
        Permission::GiveFeedback,
    ];

    /// The key stored in `role_permissions.permission`.
    pub fn key(self) -> &'static str {
        match self {
            Permission::ViewRecords => "record.view_group",
            Permission::Mark => "evidence.mark",
            Permission::GiveFeedback => "feedback.give",
        }
    }

    pub fn from_key(key: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Permission::ViewRecords => "See learners' records and rosters",
            Permission::Mark => "Mark learners",
            Permission::GiveFeedback => "Give feedback on goals and projects",
        }
    }
}

impl Viewer {
    /// Whether a custom role gives `permission` over a group of this year level.
    pub fn granted(&self, permission: Permission, year_level: Option<i64>) -> bool {
        self.grants.iter().any(|grant| {
            grant.permission == permission
                && (grant.year_level.is_none() || grant.year_level == year_level)
        })
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The role a person is greeted as: the widest one they hold.
    pub fn primary_role(&self) -> Option<Role> {
        self.roles.iter().copied().max()
    }
}

/// A learner as others see them in lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LearnerRef {
    pub id: UserId,
    pub name: String,
}

/// A learner as a list shows them: name, email and current groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LearnerListing {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub groups: Vec<String>,
}

/// A competency with the current level a learner reached on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompetencyLevel {
    pub id: CompetencyId,
    pub code: String,
    pub name: String,
    pub category_key: String,
    pub category: String,
    pub framework: String,
    /// The current level (on the rubric's scale) by the competency's mastery method, if any
    /// evidence counts yet.
    pub level: Option<f64>,
    /// The rubric's name for the level reached ("Proficient").
    pub level_name: Option<String>,
    /// The rubric's name for the next level up, if there is one.
    pub next_level_name: Option<String>,
    pub mastery_level: f64,
    pub top_level: f64,
    /// Whole rubric levels still to climb to mastery.
    pub steps_remaining: i64,
    /// How the level is computed, as a person reads it ("Decaying average (65 %)").
    pub method: String,
    /// The same as a sentence a parent understands.
    pub method_explained: String,
    pub evidence_count: i64,
}

impl CompetencyLevel {
    pub fn mastered(&self) -> bool {
        self.level.is_some_and(|level| level >= self.mastery_level)
    }
}

/// Whether an achievement's badge is still a Provisional Evidence Record or has been earned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadgeState {
    Provisional,
    Earned,
}

/// A requirement of an achievement not met yet: which competency, and how far short.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemainingStep {
    pub competency_id: CompetencyId,
    pub code: String,
    pub name: String,
    pub required_level: f64,
    pub levels_short: i64,
}

/// A learner's record towards one achievement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AchievementProgress {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// The category the achievement belongs to (its own, or its first criterion's), whose
    /// page shows the full record.
    pub category_key: Option<String>,
    pub state: BadgeState,
    pub met: i64,
    pub required: i64,
    pub remaining: Vec<RemainingStep>,
    /// The id of the earned credential that certifies it (`/credentials/{id}`), once issued.
    pub credential: Option<String>,
}

impl AchievementProgress {
    /// The share of criteria met, from 0 to 1.
    pub fn progress(&self) -> f64 {
        if self.required == 0 {
            0.0
        } else {
            self.met as f64 / self.required as f64
        }
    }
}

/// One requirement of an achievement and where the learner stands on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub competency_id: CompetencyId,
    pub code: String,
    pub name: String,
    pub required_level: f64,
    pub level: Option<f64>,
    pub level_name: Option<String>,
    pub met: bool,
}

/// A point where one competency's level changed, and the evidence that changed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LevelChange {
    pub competency_id: CompetencyId,
    pub code: String,
    pub name: String,
    /// The day the evidence was observed, `YYYY-MM-DD`.
    pub observed_on: String,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub evidence_id: i64,
    pub evidence_level: f64,
    pub given_by: Option<String>,
    pub source: String,
    /// The evidence corrected an earlier record.
    pub correction: bool,
    /// The change took the level to or past the criterion's required level.
    pub reached_requirement: bool,
}

/// A Provisional Evidence Record in full: the achievement's state, each required
/// competency's current level, and the timeline of changes (newest first).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    pub achievement: AchievementProgress,
    pub criteria: Vec<Criterion>,
    pub timeline: Vec<LevelChange>,
}

/// One category of a learner's record: its competencies and the evidence record of each
/// achievement in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryRecord {
    pub learner: LearnerRef,
    pub key: String,
    pub name: String,
    pub competencies: Vec<CompetencyLevel>,
    pub records: Vec<EvidenceRecord>,
    /// Whether the viewer may issue an earned credential by hand (administrators and the
    /// learner's teachers).
    pub may_issue: bool,
}

/// One learner's competencies with their current levels, in framework order, and their
/// achievements.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LearnerProgress {
    pub learner: LearnerRef,
    pub email: String,
    pub competencies: Vec<CompetencyLevel>,
    pub achievements: Vec<AchievementProgress>,
}

impl LearnerProgress {
    pub fn mastered_count(&self) -> usize {
        self.competencies.iter().filter(|c| c.mastered()).count()
    }

    /// The categories present, in the order they first appear.
    pub fn categories(&self) -> Vec<(String, String)> {
        let mut seen: Vec<(String, String)> = Vec::new();
        for competency in &self.competencies {
            if !seen.iter().any(|(key, _)| *key == competency.category_key) {
                seen.push((competency.category_key.clone(), competency.category.clone()));
            }
        }
        seen
    }
}

/// One piece of evidence as the explanation of a level lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvidenceItem {
    pub id: i64,
    pub level: f64,
    pub level_name: Option<String>,
    /// The day it was observed, `YYYY-MM-DD`.
    pub observed_on: String,
    pub given_by: Option<String>,
    pub source: String,
    pub comment: Option<String>,
    /// Whether the current level was computed from it.
    pub counted: bool,
    /// Corrected by a later record, which replaces it; it no longer counts.
    pub superseded: bool,
}

/// A competency for one learner: its description (Rich Skill Descriptor fields), the current
/// level, and every piece of evidence with whether it counted — the level, explained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompetencyDetail {
    pub learner: LearnerRef,
    pub current: CompetencyLevel,
    /// The skill statement as safe HTML, rendered from its Markdown (CASE statements carry
    /// emphasis, lists and links).
    pub statement_html: String,
    pub keywords: String,
    /// Newest first.
    pub evidence: Vec<EvidenceItem>,
}

/// Something that happened which open pages may need to show; sent live to each connected
/// person the policy lets see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    /// Evidence was recorded (a mark, a score, a correction) and the learner's level followed.
    Evidence {
        evidence_id: i64,
        learner_id: UserId,
        competency_id: CompetencyId,
        group_id: Option<GroupId>,
        /// The evidence's own level.
        mark: f64,
        /// The learner's current level on the competency after it.
        level: Option<f64>,
        given_by: Option<String>,
        recorded_at: String,
        /// The evidence this one corrected.
        supersedes: Option<i64>,
    },
    /// Something was added to a learner's goal or project: a step, a reflection, evidence, a
    /// teacher's comment, an assessment.
    Story {
        learner_id: UserId,
        goal_id: Option<i64>,
        project_id: Option<i64>,
        at: String,
    },
    /// A check-in was sent or answered.
    CheckIn {
        checkin_id: i64,
        learner_id: UserId,
        teacher_id: UserId,
        at: String,
    },
    /// An administrator changed the institution's settings (module names, colours).
    Settings {
        institution_id: InstitutionId,
        at: String,
    },
    /// Levels were recomputed after an administrator changed a mastery method or threshold.
    Levels {
        institution_id: InstitutionId,
        at: String,
    },
    /// An attendance record for a learner arrived from the feed, or changed.
    Attendance {
        learner_id: UserId,
        day: String,
        session: String,
        status: AttendanceStatus,
        at: String,
    },
    /// Records for many learners arrived at once (a whole school's register): every open page
    /// that shows attendance draws itself again.
    AttendanceFeed {
        institution_id: InstitutionId,
        records: usize,
        at: String,
    },
}

/// Who may receive a live event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Whoever may see this learner.
    Learner(UserId),
    /// Everyone of this institution.
    Institution(InstitutionId),
}

impl LiveEvent {
    /// The learner the event is about, if it is about one.
    pub fn learner_id(&self) -> Option<UserId> {
        match self.audience() {
            Audience::Learner(learner_id) => Some(learner_id),
            Audience::Institution(_) => None,
        }
    }

    /// Who may receive it: for a learner's event, who may see the learner.
    pub fn audience(&self) -> Audience {
        match self {
            LiveEvent::Evidence { learner_id, .. }
            | LiveEvent::Story { learner_id, .. }
            | LiveEvent::CheckIn { learner_id, .. }
            | LiveEvent::Attendance { learner_id, .. } => Audience::Learner(*learner_id),
            LiveEvent::Settings { institution_id, .. }
            | LiveEvent::Levels { institution_id, .. }
            | LiveEvent::AttendanceFeed { institution_id, .. } => {
                Audience::Institution(*institution_id)
            }
        }
    }

    /// Every SSE event name, for a browser to listen to each.
    pub const NAMES: [&'static str; 7] = [
        "evidence",
        "story",
        "checkin",
        "settings",
        "levels",
        "attendance",
        "attendance_feed",
    ];

    /// The SSE event name (one of `NAMES`).
    pub fn name(&self) -> &'static str {
        match self {
            LiveEvent::Evidence { .. } => "evidence",
            LiveEvent::Story { .. } => "story",
            LiveEvent::CheckIn { .. } => "checkin",
            LiveEvent::Settings { .. } => "settings",
            LiveEvent::Levels { .. } => "levels",
            LiveEvent::Attendance { .. } => "attendance",
            LiveEvent::AttendanceFeed { .. } => "attendance_feed",
        }
    }
}

/// The newest mark in a roster cell: who gave it and when (shown on hover or focus).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RosterMark {
    pub evidence_id: i64,
    pub mark: f64,
    pub given_by: Option<String>,
    pub recorded_at: String,
}

/// One learner on one competency in a roster.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RosterCell {
    pub level: Option<f64>,
    pub latest: Option<RosterMark>,
}

/// A competency as a roster column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RosterColumn {
    pub id: CompetencyId,
    pub code: String,
    pub name: String,
}

/// A group's learners × one framework's competencies, each cell the current level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    pub group_id: GroupId,
    pub group: String,
    pub frameworks: Vec<crate::cohort::FrameworkChoice>,
    pub framework_id: i64,
    pub columns: Vec<RosterColumn>,
    pub learners: Vec<LearnerRef>,
    /// The rubric's levels: (number, name).
    pub levels: Vec<(i64, String)>,
    /// Row-major: `cells[row * columns.len() + column]`.
    pub cells: Vec<RosterCell>,
    /// Whether the viewer may mark (the group's teachers; administrators only look).
    pub may_mark: bool,
}

impl Roster {
    pub fn cell(&self, row: usize, column: usize) -> Option<&RosterCell> {
        self.cells.get(row * self.columns.len() + column)
    }
}

/// An integration token as the admin page lists it (never the token itself).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IntegrationToken {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A learning platform's line item mapped to a competency, so its scores land there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineItem {
    pub id: i64,
    pub source_id: String,
    pub title: String,
    pub competency_id: CompetencyId,
    pub competency: String,
}

/// A competency to choose from a list: "MA4-ALG-C-01 Algebraic techniques".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompetencyChoice {
    pub id: CompetencyId,
    pub label: String,
}

/// The admin's integrations page: tokens, line items and the competencies to map them to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Integrations {
    pub tokens: Vec<IntegrationToken>,
    pub line_items: Vec<LineItem>,
    pub competencies: Vec<CompetencyChoice>,
}

/// A group a teacher teaches, for the teacher's home.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub id: GroupId,
    pub name: String,
    pub learners: i64,
    pub co_teachers: Vec<String>,
    pub evidence_last_30_days: i64,
    /// The group's attendance this term, with the learners under 90 %.
    #[serde(default)]
    pub attendance: Option<GroupAttendance>,
}

/// A manager's registration code and how its seats are used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeatSummary {
    pub code: String,
    pub training: String,
    pub seats: i64,
    pub assigned: i64,
    pub redeemed: i64,
}

/// A manager's order record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub reference: String,
    pub training: String,
    pub seats: i64,
    pub ordered_on: String,
}

/// Figures an administrator sees about their institution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstitutionSummary {
    pub users_by_role: Vec<(Role, i64)>,
    pub groups: i64,
    pub frameworks: i64,
    pub competencies: i64,
    pub evidence: i64,
}

/// A note of feedback from a teacher: with a mark, or on a goal or project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedbackNote {
    pub author: String,
    pub body: String,
    /// The competency ("MA4-1 Number") or the goal's or project's title.
    pub about: String,
    pub path: String,
    pub at: String,
}

/// A learner's week at a glance, as their home and their parents' homes lead with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LearnerSummary {
    pub learner_id: UserId,
    /// Competencies mastered a week ago (now: the progress's own count).
    pub mastered_week_ago: usize,
    pub feedback: Vec<FeedbackNote>,
    /// The viewer's previous visit, which "new" counts from (a week ago at first).
    pub since: String,
    pub first_visit: bool,
    pub new_marks: usize,
    pub new_comments: usize,
    pub new_badges: usize,
}

/// Everything the home page shows a person; each part is present only when it has data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Home {
    pub viewer: Viewer,
    /// The tiles to show, in order (a tile with nothing to show is left out all the same).
    pub tiles: Vec<HomeTile>,
    pub own_progress: Option<LearnerProgress>,
    pub children: Vec<LearnerProgress>,
    /// The week at a glance of the viewer (a learner) and of each child, by learner.
    pub summaries: Vec<LearnerSummary>,
    pub teaching: Vec<GroupSummary>,
    /// The learners of the groups a teacher teaches.
    pub taught: Vec<LearnerListing>,
    pub seats: Vec<SeatSummary>,
    pub orders: Vec<OrderSummary>,
    pub institution: Option<InstitutionSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_live_event_is_named_where_browsers_listen() {
        let at = String::from("2026-12-07T09:00:00Z");
        let events = [
            LiveEvent::Evidence {
                evidence_id: 1,
                learner_id: 1,
                competency_id: 1,
                group_id: None,
                mark: 1.0,
                level: None,
                given_by: None,
                recorded_at: at.clone(),
                supersedes: None,
            },
            LiveEvent::Story {
                learner_id: 1,
                goal_id: None,
                project_id: None,
                at: at.clone(),
            },
            LiveEvent::CheckIn {
                checkin_id: 1,
                learner_id: 1,
                teacher_id: 2,
                at: at.clone(),
            },
            LiveEvent::Settings {
                institution_id: 1,
                at: at.clone(),
            },
            LiveEvent::Levels {
                institution_id: 1,
                at: at.clone(),
            },
            LiveEvent::Attendance {
                learner_id: 1,
                day: "2026-12-07".into(),
                session: "AM".into(),
                status: AttendanceStatus::Absent,
                at: at.clone(),
            },
            LiveEvent::AttendanceFeed {
                institution_id: 1,
                records: 300,
                at,
            },
        ];
        let names: Vec<&str> = events.iter().map(LiveEvent::name).collect();
        assert_eq!(names, LiveEvent::NAMES);
        // A new kind of event fails here until it is listed (and so listened to).
        for event in &events {
            match event {
                LiveEvent::Evidence { .. }
                | LiveEvent::Story { .. }
                | LiveEvent::CheckIn { .. }
                | LiveEvent::Settings { .. }
                | LiveEvent::Levels { .. }
                | LiveEvent::Attendance { .. }
                | LiveEvent::AttendanceFeed { .. } => {}
            }
        }
    }

    #[test]
    fn role_keys_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_key(role.key()), Some(role));
        }
        assert_eq!(Role::from_key("head_of_year"), None);
    }

    #[test]
    fn primary_role_is_the_widest() {
        let viewer = Viewer {
            id: 1,
            name: "A".into(),
            email: "a@x".into(),
            institution_id: 1,
            institution: "X".into(),
            roles: vec![Role::Parent, Role::Teacher],
            grants: Vec::new(),
            origin: None,
        };
        assert_eq!(viewer.primary_role(), Some(Role::Teacher));
    }

    #[test]
    fn mastery_needs_a_level_at_or_above_the_threshold() {
        let mut competency = CompetencyLevel {
            id: 1,
            code: "C1".into(),
            name: "Collaboration".into(),
            category_key: "cross_curriculum".into(),
            category: "Cross-curriculum".into(),
            framework: "General capabilities".into(),
            level: None,
            level_name: None,
            next_level_name: Some("Beginning".into()),
            mastery_level: 3.0,
            top_level: 4.0,
            steps_remaining: 3,
            method: "Most recent score".into(),
            method_explained: "the latest mark is the level".into(),
            evidence_count: 0,
        };
        assert!(!competency.mastered());
        competency.level = Some(2.0);
        assert!(!competency.mastered());
        competency.level = Some(3.0);
        assert!(competency.mastered());
    }
}

/// Whether a credential certifies an achievement earned, or shares a Provisional Evidence
/// Record (its levels so far) before mastery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CredentialKind {
    Provisional,
    Earned,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Provisional => "provisional",
            CredentialKind::Earned => "earned",
        }
    }

    pub fn parse(text: &str) -> CredentialKind {
        if text == "provisional" {
            CredentialKind::Provisional
        } else {
            CredentialKind::Earned
        }
    }
}

/// A line of a learner's credential list (`GET /api/v1/learners/{id}/credentials`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialSummary {
    /// The credential's URL.
    pub id: String,
    /// The last segment of that URL.
    pub public_id: String,
    pub achievement: String,
    pub kind: CredentialKind,
    pub issued_at: String,
    /// `active` or `revoked`.
    pub status: String,
}

/// What one check concluded: it passed, it failed, or it could not be decided (a key or status
/// list out of reach offline, an issuer nobody here vouches for, a holder that cannot be told).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Failed,
    Unknown,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Unknown => "could not be checked",
        }
    }
}

/// One check of a credential's verification and its outcome (`passed` is `outcome == Passed`,
/// kept for clients that read only it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub check: String,
    pub passed: bool,
    pub outcome: Outcome,
    pub detail: String,
}

impl Check {
    pub fn new(check: &str, outcome: Outcome, detail: impl Into<String>) -> Check {
        Check {
            check: check.to_owned(),
            passed: outcome == Outcome::Passed,
            outcome,
            detail: detail.into(),
        }
    }
}

/// Who issued a credential, as far as Cairn can vouch: its identifier always, its name only when
/// the issuer is known (this institution, or on its list of trusted issuers).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IssuerIdentity {
    /// Its DID or URL.
    pub id: String,
    /// The name it is known by here; `None` for an issuer not known (a name written inside the
    /// credential is the issuer's own claim, never shown as fact).
    pub known_name: Option<String>,
}

/// Every check of a credential: format, signature, issuer, validity window, status and holder.
/// It is verified when every check of the credential itself passed and it was not issued to
/// someone else; `signature_valid` says whether at least the signature holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub verified: bool,
    pub signature_valid: bool,
    /// An Open Badge (an achievement or endorsement credential), rather than another kind of
    /// verifiable credential.
    pub badge: bool,
    pub issuer: IssuerIdentity,
    pub checks: Vec<Check>,
}

impl Verification {
    /// The verdict of a list of checks (`holder` may be unknown: nobody to compare with).
    pub fn new(checks: Vec<Check>, badge: bool, issuer: IssuerIdentity) -> Verification {
        let verified = checks.iter().all(|check| match check.check.as_str() {
            "holder" => check.outcome != Outcome::Failed,
            _ => check.outcome == Outcome::Passed,
        });
        let signature_valid = checks
            .iter()
            .any(|check| check.check == "signature" && check.passed);
        Verification {
            verified,
            signature_valid,
            badge,
            issuer,
            checks,
        }
    }

    /// The first check that failed, or else the first that could not be decided, if any
    /// (an undecided holder is not a problem of the credential).
    pub fn failure(&self) -> Option<&Check> {
        self.checks
            .iter()
            .find(|check| check.outcome == Outcome::Failed)
            .or_else(|| {
                self.checks
                    .iter()
                    .find(|check| check.outcome == Outcome::Unknown && check.check != "holder")
            })
    }

    /// The outcome of one check by name.
    pub fn outcome(&self, check: &str) -> Option<Outcome> {
        self.checks
            .iter()
            .find(|found| found.check == check)
            .map(|found| found.outcome)
    }

    /// One line for lists: what a person checking it should know first.
    pub fn summary(&self) -> String {
        if self.outcome("holder") == Some(Outcome::Failed) {
            return "Issued to someone else".into();
        }
        if self.verified {
            return if self.outcome("holder") == Some(Outcome::Passed) || !self.badge {
                if self.badge {
                    "Verified"
                } else {
                    "Verified (not a badge)"
                }
                .into()
            } else {
                "Verified — holder not confirmed".into()
            };
        }
        match self.failure() {
            Some(check) if check.check == "issuer" && self.signature_valid => {
                "Signature valid — issuer not known".into()
            }
            Some(check) if check.outcome == Outcome::Unknown => {
                format!("Not fully verified — {} could not be checked", check.check)
            }
            _ => "Not verified".into(),
        }
    }
}

/// A competency result as a credential states it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialResult {
    pub competency: String,
    pub achieved: Option<String>,
    pub required: Option<String>,
    /// Whether the level achieved reaches the level required.
    pub met: bool,
}

/// How many of an achievement's criteria a credential states as met.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaMet {
    pub met: usize,
    pub required: usize,
}

impl CriteriaMet {
    pub fn of(results: &[CredentialResult]) -> Self {
        CriteriaMet {
            met: results.iter().filter(|result| result.met).count(),
            required: results.iter().filter(|r| r.required.is_some()).count(),
        }
    }
}

/// What a progress record says first, wherever it appears: that it is not the badge, and how
/// far along it is.
pub fn progress_record_label(criteria: CriteriaMet) -> String {
    format!(
        "Progress record — not yet earned ({} of {} criteria met)",
        criteria.met, criteria.required
    )
}

/// A credential as its public page shows it: what it says, and whether it verifies now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialView {
    pub public_id: String,
    /// The credential's URL (its `id`).
    pub url: String,
    pub kind: CredentialKind,
    pub name: String,
    pub description: String,
    pub criteria: String,
    pub issuer: String,
    pub issuer_id: String,
    pub learner: String,
    pub valid_from: String,
    pub results: Vec<CredentialResult>,
    pub criteria_met: CriteriaMet,
    /// When and why it was revoked.
    pub revoked: Option<(String, String)>,
    pub verification: Verification,
    /// Whether the viewer may revoke it.
    pub may_revoke: bool,
}

/// Where a backpack item came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemSource {
    /// Issued by this Cairn.
    Issued,
    /// A credential from elsewhere, imported as JSON or a VC-JWT.
    Imported,
    /// A record of training elsewhere, uploaded with its certificate (a file, not a signed
    /// credential: it cannot be verified).
    Uploaded,
}

/// A credential in a learner's backpack, with whether it verifies now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackpackItem {
    pub id: i64,
    pub title: String,
    pub issuer: String,
    pub source: ItemSource,
    pub kind: CredentialKind,
    pub added_at: String,
    /// The page of a credential issued here (`/credentials/{id}`).
    pub credential_page: Option<String>,
    /// Where its JSON can be downloaded.
    pub download: String,
    /// Verified from the owner's institution (on a public page: and issued to the owner).
    pub verified: bool,
    /// What to say first ("Verified", "Signature valid — issuer not known", "Issued to
    /// someone else", …).
    pub state: String,
    /// The issuer's name when it is known here, else its identifier marked as not known.
    pub issuer_known: bool,
    /// Whether it was issued to the backpack's owner.
    pub holder: Outcome,
    /// The first failed check, when it does not verify.
    pub problem: Option<String>,
    /// For a progress record: the page of the earned badge that supersedes it.
    pub superseded_by: Option<String>,
    /// For a progress record issued here: how many criteria it states as met.
    pub criteria_met: Option<CriteriaMet>,
}

/// A share link of a collection: anyone holding it sees the collection until it expires or
/// is revoked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShareLink {
    pub id: i64,
    /// The link's path (`/share/{token}`).
    pub path: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked: bool,
}

/// A named selection of backpack items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Collection {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// Shown on the owner's public profile page.
    pub public: bool,
    pub item_ids: Vec<i64>,
    pub links: Vec<ShareLink>,
}

/// An achievement the learner may share a signed progress record of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShareableRecord {
    pub achievement_id: i64,
    pub name: String,
    pub met: i64,
    pub required: i64,
}

/// A learner's backpack: their credentials, collections, and the progress records they may
/// share.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Backpack {
    pub owner: String,
    /// The public profile's path (`/u/{handle}`), shown when a collection is public.
    pub profile_path: String,
    pub items: Vec<BackpackItem>,
    pub collections: Vec<Collection>,
    pub records: Vec<ShareableRecord>,
    /// The largest file that may be uploaded, in MB.
    pub max_upload_mb: u64,
}

/// A collection as a share link or a public profile shows it to anyone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedCollection {
    pub owner: String,
    pub name: String,
    pub description: String,
    pub items: Vec<BackpackItem>,
}

/// A registration code as the person about to redeem it sees it: the training it gives a seat
/// on, and whether they can take one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub code: String,
    pub training: String,
    pub description: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub seats_left: i64,
    pub state: RegistrationState,
}

/// Whether a registration code gives the person a seat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegistrationState {
    /// A seat is theirs to take.
    Open,
    /// They hold one already.
    Held,
    /// The code expired on this day.
    Expired(String),
    /// Every seat is taken.
    UsedUp,
}

/// A registration code as the manager who holds it (or an administrator) manages it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeAdmin {
    pub id: i64,
    pub code: String,
    pub training: String,
    pub seats: i64,
    /// Seats given: assigned to an email, or taken up.
    pub taken: i64,
    pub expires_at: Option<String>,
    pub holders: Vec<SeatHolder>,
}

/// Who a seat was given to, and whether they have taken it up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatHolder {
    pub id: i64,
    pub email: String,
    /// Their name, once they have an account.
    pub name: Option<String>,
    pub given_at: String,
    pub taken_up_at: Option<String>,
}
