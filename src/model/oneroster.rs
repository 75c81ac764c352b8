//! Rosters imported from OneRoster packages: what a preview or a run reports.

use serde::{Deserialize, Serialize};

/// Why one row (or a whole file) of a OneRoster package was rejected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneRosterError {
    /// The file (`users.csv`).
    pub file: String,
    /// The line in the file, counting the header as line 1; 0 for the file as a whole.
    pub line: u64,
    /// The column at fault (`email`), or `row` / `file`.
    pub field: String,
    pub reason: String,
}

/// Rows of one kind an import creates, updates and deactivates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneRosterChanges {
    pub create: usize,
    pub update: usize,
    /// People disabled, groups archived, enrolments ended, schools and terms closed.
    pub deactivate: usize,
}

impl OneRosterChanges {
    pub fn total(&self) -> usize {
        self.create + self.update + self.deactivate
    }
}

/// What importing a package does (a preview) or did (a run).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneRosterPreview {
    /// The package's OneRoster version, `1.2` or `1.1`.
    pub version: String,
    /// Data rows read, in every file.
    pub rows: usize,
    pub schools: OneRosterChanges,
    pub terms: OneRosterChanges,
    pub people: OneRosterChanges,
    /// Roles given to people (a learner, a teacher, …).
    pub roles: usize,
    pub groups: OneRosterChanges,
    /// Enrolments; `update` counts memberships already there, now linked to the package.
    pub enrolments: OneRosterChanges,
    pub parent_links: usize,
    /// The package's administrators, left out as the administrator chose.
    pub administrators_left_out: usize,
    /// Rows older than what Cairn holds, skipped.
    pub older_skipped: usize,
    /// Every error; `errors` lists the first `IMPORT_ERRORS_SHOWN`.
    pub error_count: usize,
    pub errors: Vec<OneRosterError>,
    /// Whether valid rows are written when some are wrong (the administrator's choice).
    pub valid_rows: bool,
    /// A run (its outcome), not a preview.
    pub ran: bool,
    /// Whether it was written.
    pub written: bool,
    /// The gradebook, when the package has one (`lineItems.csv`, `results.csv`).
    #[serde(default)]
    pub gradebook: Option<GradebookPreview>,
}

/// What importing a package's gradebook does: its results as evidence.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradebookPreview {
    /// Line items in the package.
    pub line_items: usize,
    /// Results that become new evidence.
    pub evidence: usize,
    /// Results whose score changed since they were recorded: each corrects its evidence.
    pub corrections: usize,
    /// Results recorded before exactly as they are, or corrected by a teacher since.
    pub unchanged: usize,
    /// Results not fully graded, or withdrawn.
    pub skipped: usize,
    /// Line items no competency is mapped to, with their results waiting.
    pub unmapped: Vec<UnmappedLineItem>,
}

/// A line item of a gradebook that no competency is mapped to yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmappedLineItem {
    /// Its `sourcedId`: the id to map on the integrations page.
    pub source_id: String,
    pub title: String,
    /// Its fully graded results, not recorded until it is mapped.
    pub results: usize,
}

impl OneRosterPreview {
    /// Whether it changes anything at all.
    pub fn changes_nothing(&self) -> bool {
        self.schools.total()
            + self.terms.total()
            + self.people.total()
            + self.roles
            + self.groups.total()
            + self.enrolments.total()
            + self.parent_links
            + self
                .gradebook
                .as_ref()
                .map_or(0, |gradebook| gradebook.evidence + gradebook.corrections)
            == 0
    }
}
