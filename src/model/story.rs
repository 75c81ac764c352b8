//! The learner's own story: goals with their action plans, reflections and evidence; projects
//! attached to competencies, assessed by teachers and by the learner; check-ins between a
//! learner and a teacher. What the pages show, as plain data.

use serde::{Deserialize, Serialize};

use super::{CompetencyChoice, CompetencyId, LearnerRef, UserId};

/// A part of Cairn an institution may rename ("Goals" → "Learning Intentions").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Module {
    Goals,
    Projects,
    CheckIns,
}

impl Module {
    pub const ALL: [Module; 3] = [Module::Goals, Module::Projects, Module::CheckIns];

    /// The key in the institution's settings (`module_names.module`).
    pub fn key(self) -> &'static str {
        match self {
            Module::Goals => "goals",
            Module::Projects => "projects",
            Module::CheckIns => "checkins",
        }
    }

    /// The name when the institution has not chosen one.
    pub fn default_name(self) -> &'static str {
        match self {
            Module::Goals => "Goals",
            Module::Projects => "Projects",
            Module::CheckIns => "Check-ins",
        }
    }
}

/// What the institution calls each module: every menu, heading and tile reads its name here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleNames {
    pub goals: String,
    pub projects: String,
    pub checkins: String,
}

impl Default for ModuleNames {
    fn default() -> Self {
        ModuleNames {
            goals: Module::Goals.default_name().into(),
            projects: Module::Projects.default_name().into(),
            checkins: Module::CheckIns.default_name().into(),
        }
    }
}

impl ModuleNames {
    pub fn name(&self, module: Module) -> &str {
        match module {
            Module::Goals => &self.goals,
            Module::Projects => &self.projects,
            Module::CheckIns => &self.checkins,
        }
    }

    pub fn set(&mut self, module: Module, name: String) {
        match module {
            Module::Goals => self.goals = name,
            Module::Projects => self.projects = name,
            Module::CheckIns => self.checkins = name,
        }
    }
}

/// Where a goal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GoalStatus {
    Active,
    Achieved,
    Dropped,
}

impl GoalStatus {
    pub const ALL: [GoalStatus; 3] = [
        GoalStatus::Active,
        GoalStatus::Achieved,
        GoalStatus::Dropped,
    ];

    pub fn key(self) -> &'static str {
        match self {
            GoalStatus::Active => "active",
            GoalStatus::Achieved => "achieved",
            GoalStatus::Dropped => "dropped",
        }
    }

    pub fn from_key(key: &str) -> Option<GoalStatus> {
        GoalStatus::ALL
            .into_iter()
            .find(|status| status.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            GoalStatus::Active => "Active",
            GoalStatus::Achieved => "Achieved",
            GoalStatus::Dropped => "Dropped",
        }
    }
}

/// Someone named on a page (a teacher, a comment's author).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonRef {
    pub id: UserId,
    pub name: String,
}

/// A competency a goal or project is attached to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompetencyRef {
    pub id: CompetencyId,
    pub code: String,
    pub name: String,
}

/// A goal in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalSummary {
    pub id: i64,
    pub title: String,
    pub status: GoalStatus,
    pub target_on: Option<String>,
    /// Still active past its target date.
    pub overdue: bool,
    pub steps_done: usize,
    pub steps: usize,
    pub competencies: Vec<CompetencyRef>,
}

/// A learner's goals, with what the viewer may do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LearnerGoals {
    pub modules: ModuleNames,
    pub learner: LearnerRef,
    pub goals: Vec<GoalSummary>,
    /// The learner themself: may set goals.
    pub may_write: bool,
    /// The competencies a new goal may link (only for the learner).
    pub competencies: Vec<CompetencyChoice>,
}

/// One step of a goal's action plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalStep {
    pub id: i64,
    pub text: String,
    pub due_on: Option<String>,
    pub done_at: Option<String>,
}

/// A file kept as evidence or in a project, as a page links it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryFile {
    pub id: i64,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// `/files/{id}`: the download.
    pub url: String,
    /// `/files/{id}/thumbnail` for an image that has one.
    pub thumbnail: Option<String>,
}

/// What happened on a goal or project, in time order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TimelineKind {
    /// The goal was set.
    Set,
    /// A step of the plan was done.
    StepDone,
    /// An evidence file was added.
    Evidence,
    /// The learner reflected.
    Reflection,
    /// A teacher commented (written feedback).
    Comment,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: String,
    pub kind: TimelineKind,
    pub author: String,
    pub body: String,
    pub file: Option<StoryFile>,
}

/// A goal's page: plan, evidence, reflections and comments in one timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalView {
    pub modules: ModuleNames,
    pub learner: LearnerRef,
    pub id: i64,
    pub title: String,
    pub why: String,
    pub status: GoalStatus,
    pub target_on: Option<String>,
    /// Still active past its target date.
    pub overdue: bool,
    pub competencies: Vec<CompetencyRef>,
    pub steps: Vec<GoalStep>,
    pub timeline: Vec<TimelineEntry>,
    /// The learner themself: may plan, reflect, add evidence and change the status.
    pub may_write: bool,
    /// A teacher of the learner: may comment.
    pub may_comment: bool,
    pub max_upload_mb: u64,
}

/// A project in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectSummary {
    pub id: i64,
    pub title: String,
    pub updated_at: String,
    pub competencies: Vec<CompetencyRef>,
}

/// A learner's projects, with what the viewer may do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LearnerProjects {
    pub modules: ModuleNames,
    pub learner: LearnerRef,
    pub projects: Vec<ProjectSummary>,
    pub may_write: bool,
    pub competencies: Vec<CompetencyChoice>,
}

/// What a project shows besides its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MediaKind {
    Image,
    Video,
    File,
    Link,
}

impl MediaKind {
    pub fn key(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::File => "file",
            MediaKind::Link => "link",
        }
    }

    pub fn from_key(key: &str) -> Option<MediaKind> {
        [
            MediaKind::Image,
            MediaKind::Video,
            MediaKind::File,
            MediaKind::Link,
        ]
        .into_iter()
        .find(|kind| kind.key() == key)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectMedia {
    pub id: i64,
    pub kind: MediaKind,
    pub title: String,
    /// Where it opens: the video or link address, or the file's download.
    pub url: String,
    pub thumbnail: Option<String>,
}

/// A level of a competency's rubric, with what it asks for on that competency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RubricChoice {
    pub level: i64,
    pub name: String,
    pub criteria: Option<String>,
}

/// Who assessed a project: a teacher (it counts as evidence) or the learner (it does not).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssessmentKind {
    Teacher,
    SelfAssessment,
}

impl AssessmentKind {
    pub fn key(self) -> &'static str {
        match self {
            AssessmentKind::Teacher => "teacher",
            AssessmentKind::SelfAssessment => "self",
        }
    }
}

/// The latest assessment of one kind on one competency of a project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub level: i64,
    pub level_name: String,
    pub criteria: Option<String>,
    pub by: String,
    pub at: String,
    pub comment: Option<String>,
}

/// One attached competency of a project: its rubric, and the two assessments side by side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssessedCompetency {
    pub competency: CompetencyRef,
    pub levels: Vec<RubricChoice>,
    pub teacher: Option<Assessment>,
    pub own: Option<Assessment>,
}

/// A project's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectView {
    pub modules: ModuleNames,
    pub learner: LearnerRef,
    pub id: i64,
    pub title: String,
    /// The Markdown as written (for the learner's editor).
    pub body: String,
    /// The Markdown rendered and sanitised: safe to insert as HTML.
    pub body_html: String,
    pub media: Vec<ProjectMedia>,
    pub competencies: Vec<AssessedCompetency>,
    /// Teachers' written feedback and the learner's reflections, in time order.
    pub timeline: Vec<TimelineEntry>,
    pub updated_at: String,
    pub may_write: bool,
    /// A teacher of the learner: may give feedback and assess.
    pub may_assess: bool,
    pub max_upload_mb: u64,
}

/// What a check-in is about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// `goal` or `project`.
    pub kind: String,
    pub id: i64,
    pub title: String,
    pub path: String,
}

/// A short message from a learner to a teacher, and the answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    pub id: i64,
    pub learner: LearnerRef,
    pub teacher: PersonRef,
    /// The parent who wrote it about their child (none: the learner wrote it).
    pub parent: Option<PersonRef>,
    pub about: Option<Topic>,
    pub body: String,
    pub created_at: String,
    pub answer: Option<String>,
    pub answered_at: Option<String>,
    /// New to the viewer: a check-in they have not opened, or an answer they have not read.
    pub unread: bool,
}

/// The check-ins page: those a learner sent, those sent to a teacher, and what a new one can be
/// about and to whom.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckIns {
    pub modules: ModuleNames,
    pub sent: Vec<CheckIn>,
    pub received: Vec<CheckIn>,
    /// The learner's teachers (whom a check-in can go to); empty for others.
    pub teachers: Vec<PersonRef>,
    /// A parent's children, each with their teachers (whom the parent can write to).
    pub children: Vec<(LearnerRef, Vec<PersonRef>)>,
    /// The learner's active goals and projects.
    pub topics: Vec<Topic>,
}

/// What a learner wrote or started that waits for a teacher's feedback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Awaiting {
    /// A reflection written since the teacher last commented on its goal or project.
    Reflection,
    /// A goal the teacher has not commented on yet.
    Goal,
    /// A project the teacher has not commented on yet.
    Project,
}

/// One thing waiting for a teacher's feedback: what, by whom, on which page, since when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AwaitingFeedback {
    pub awaiting: Awaiting,
    pub learner: LearnerRef,
    /// The goal's or project's title.
    pub title: String,
    pub path: String,
    pub since: String,
}

/// A teacher's inbox: check-ins without an answer, and what their learners wrote or started
/// that waits for feedback (newest first).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub modules: ModuleNames,
    pub unanswered_checkins: usize,
    pub awaiting: Vec<AwaitingFeedback>,
}

impl Inbox {
    /// How many of one kind wait.
    pub fn count(&self, kind: Awaiting) -> usize {
        self.awaiting
            .iter()
            .filter(|item| item.awaiting == kind)
            .count()
    }
}

/// A learner's story at a glance, for their dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StorySummary {
    pub modules: ModuleNames,
    pub learner_id: UserId,
    pub active_goals: usize,
    pub projects: usize,
    /// Check-ins waiting for the viewer (a teacher's not answered yet, or answers to a
    /// learner's not read yet).
    pub waiting_checkins: usize,
    /// Whether the viewer has a check-ins page (a learner or a teacher).
    pub has_checkins: bool,
}
