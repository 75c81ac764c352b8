//! Attendance: the records a school's attendance system sends (present, absent, late, excused
//! for a learner's day or session), and what the dashboards show of them.

use serde::{Deserialize, Serialize};

use super::{GroupId, UserId};

/// Below this rate (present or late, of the sessions recorded) a learner is listed for their
/// teachers.
pub const ATTENDANCE_CONCERN: f64 = 0.9;

/// A learner's status for one session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceStatus {
    Present,
    Absent,
    Late,
    Excused,
}

impl AttendanceStatus {
    pub const ALL: [AttendanceStatus; 4] = [
        AttendanceStatus::Present,
        AttendanceStatus::Absent,
        AttendanceStatus::Late,
        AttendanceStatus::Excused,
    ];

    /// As stored and as the feed writes it.
    pub fn key(self) -> &'static str {
        match self {
            AttendanceStatus::Present => "present",
            AttendanceStatus::Absent => "absent",
            AttendanceStatus::Late => "late",
            AttendanceStatus::Excused => "excused",
        }
    }

    /// The status a feed wrote, in the words and codes attendance systems use (any case):
    /// `present`, `P`, `/` and `\` (a UK register's morning and afternoon marks); `absent`,
    /// `A`, `unexcused`, `unauthorised`, `N` (no reason yet), `O`, `U` (late after the register
    /// closed, which counts as absent — and a US system's unexcused absence); `late`, `L`,
    /// `tardy`, `T`; `excused`, `E`, `authorised`, `X`, `I` (illness), `M` (medical).
    pub fn parse(text: &str) -> Option<AttendanceStatus> {
        let status =
            match text.trim().to_lowercase().as_str() {
                "present" | "p" | "/" | "\\" | "attended" => AttendanceStatus::Present,
                "absent" | "a" | "unexcused" | "unauthorised" | "unauthorized" | "n" | "o"
                | "u" => AttendanceStatus::Absent,
                "late" | "l" | "tardy" | "t" => AttendanceStatus::Late,
                "excused" | "e" | "authorised" | "authorized" | "x" | "i" | "m"
                | "excused absence" => AttendanceStatus::Excused,
                _ => return None,
            };
        Some(status)
    }

    /// Whether the learner was there (on time or late).
    pub fn attended(self) -> bool {
        matches!(self, AttendanceStatus::Present | AttendanceStatus::Late)
    }

    pub fn label(self) -> &'static str {
        match self {
            AttendanceStatus::Present => "Present",
            AttendanceStatus::Absent => "Absent",
            AttendanceStatus::Late => "Late",
            AttendanceStatus::Excused => "Excused absence",
        }
    }
}

/// Sessions counted by status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceTally {
    pub present: u32,
    pub late: u32,
    pub absent: u32,
    pub excused: u32,
}

impl AttendanceTally {
    pub fn add(&mut self, status: AttendanceStatus) {
        match status {
            AttendanceStatus::Present => self.present += 1,
            AttendanceStatus::Late => self.late += 1,
            AttendanceStatus::Absent => self.absent += 1,
            AttendanceStatus::Excused => self.excused += 1,
        }
    }

    pub fn merge(&mut self, other: &AttendanceTally) {
        self.present += other.present;
        self.late += other.late;
        self.absent += other.absent;
        self.excused += other.excused;
    }

    pub fn sessions(&self) -> u32 {
        self.present + self.late + self.absent + self.excused
    }

    pub fn attended(&self) -> u32 {
        self.present + self.late
    }

    /// Attended of all sessions recorded (an excused absence is an absence too, as schools
    /// report attendance); none when nothing was recorded.
    pub fn rate(&self) -> Option<f64> {
        let sessions = self.sessions();
        (sessions > 0).then(|| f64::from(self.attended()) / f64::from(sessions))
    }
}

/// The span attendance is counted over: the institution's term (the one under way, or the
/// last one when between terms), or the last thirteen weeks when it has no terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendancePeriod {
    /// "Autumn term 2026", or "the last 13 weeks".
    pub title: String,
    /// First and last day, `YYYY-MM-DD`.
    pub start: String,
    pub end: String,
}

/// One week (Monday to Sunday) of a learner's attendance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceWeek {
    /// Its Monday, `YYYY-MM-DD`.
    pub starts: String,
    /// Weeks since the period's first (0 for it), so that a chart shows the holidays between.
    pub number: u32,
    pub tally: AttendanceTally,
}

/// One session a learner missed or came late to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceEntry {
    pub day: String,
    pub session: String,
    pub status: AttendanceStatus,
    pub group: Option<String>,
    pub note: Option<String>,
}

/// A learner's attendance as their dashboard shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LearnerAttendance {
    pub learner_id: UserId,
    pub period: AttendancePeriod,
    /// The day "this week" is counted from, in the institution's time zone.
    pub today: String,
    pub term: AttendanceTally,
    pub this_week: AttendanceTally,
    /// Every week of the period up to this one that has sessions, oldest first.
    pub weeks: Vec<AttendanceWeek>,
    /// The latest absences, excused absences and lates of the period, newest first.
    pub recent: Vec<AttendanceEntry>,
}

/// A learner of a group whose attendance is under `ATTENDANCE_CONCERN`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttendanceConcern {
    pub learner_id: UserId,
    pub name: String,
    pub rate: f64,
    pub tally: AttendanceTally,
}

/// A group's attendance over the period, for its teachers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupAttendance {
    pub group_id: GroupId,
    pub period: AttendancePeriod,
    pub tally: AttendanceTally,
    /// Lowest rate first.
    pub below: Vec<AttendanceConcern>,
}

/// Why one record of a delivery was refused: its place (an index in a pushed array, a line
/// of a CSV file), its `sourcedId` when it had one, the field at fault and the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceError {
    /// The record's index in a pushed array (from 0), or its line in a file (header: 1).
    pub at: u64,
    #[serde(default)]
    pub sourced_id: Option<String>,
    pub field: String,
    pub reason: String,
}

/// What one delivery of records did: a push, or a CSV file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceRun {
    /// Its id in the feed's history (none for a dry run).
    pub id: Option<i64>,
    /// The token's name for a push, the file's name for an import.
    pub source: String,
    /// An imported file (its errors name lines), not a push (its errors name records).
    pub from_file: bool,
    pub received_at: String,
    pub records: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    /// The first `ATTENDANCE_ERRORS_KEPT` refusals.
    pub errors: Vec<AttendanceError>,
    /// Whether anything was written (a dry run, or a file refused whole, writes nothing).
    pub written: bool,
}

/// Refusals kept with each run.
pub const ATTENDANCE_ERRORS_KEPT: usize = 50;

/// The feed as an administrator watches it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceFeed {
    /// When the newest record arrived, and from where.
    pub last_received: Option<String>,
    pub last_source: Option<String>,
    /// Records created or changed in the last 24 hours.
    pub records_last_day: i64,
    /// Records refused in the last 24 hours.
    pub rejected_last_day: i64,
    /// The latest deliveries, newest first.
    pub runs: Vec<AttendanceRun>,
}
