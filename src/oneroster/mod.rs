//! Rosters from a student information system: a OneRoster CSV package (1.2 or 1.1), read,
//! checked and compared with what an institution holds, so that importing it is a plan shown
//! before anything is written. Pure, but for reading the package's files; the store writes the
//! plan (`store::oneroster`).

mod gradebook;
mod package;
mod parse;
mod plan;
pub mod sample;
pub(crate) mod table;
#[cfg(test)]
mod tests;

pub use gradebook::{GradebookPlan, HeldGrade, HeldGradebook, NewGrade};
pub use package::Package;
pub use parse::{read, File, Kind, Mode, Roster, Version};
pub use plan::{
    plan, GroupRef, Held, HeldEnrolment, HeldGroup, HeldPerson, HeldPlace, NewEnrolment, Options,
    PersonRef, Place, Plan,
};

use crate::model::{GradebookPreview, OneRosterChanges, OneRosterPreview, IMPORT_ERRORS_SHOWN};

impl Plan {
    /// What the plan would do, in figures, with its errors (the first `IMPORT_ERRORS_SHOWN`).
    pub fn preview(&self, roster: &Roster) -> OneRosterPreview {
        let count = |places: &[(Option<i64>, Place)]| OneRosterChanges {
            create: places.iter().filter(|(id, _)| id.is_none()).count(),
            update: places
                .iter()
                .filter(|(id, place)| id.is_some() && place.active)
                .count(),
            deactivate: places.iter().filter(|(_, place)| !place.active).count(),
        };
        OneRosterPreview {
            version: roster.version.map_or("", Version::label).to_string(),
            rows: roster.rows,
            schools: count(&self.schools),
            terms: count(&self.terms),
            people: OneRosterChanges {
                create: self.new_people.len(),
                update: self.updated_people.len(),
                deactivate: self.deactivated_people.len(),
            },
            roles: self.roles.len(),
            groups: OneRosterChanges {
                create: self.new_groups.len(),
                update: self.updated_groups.len(),
                deactivate: self.archived_groups.len(),
            },
            enrolments: OneRosterChanges {
                create: self.new_enrolments.len(),
                update: self.adopted_enrolments.len(),
                deactivate: self.ended_enrolments.len(),
            },
            parent_links: self.links.len(),
            administrators_left_out: self.administrators_left_out,
            older_skipped: self.older_skipped,
            error_count: self.errors.len(),
            errors: self
                .errors
                .iter()
                .take(IMPORT_ERRORS_SHOWN)
                .cloned()
                .collect(),
            valid_rows: false,
            ran: false,
            written: false,
            gradebook: self.gradebook.present.then(|| {
                let grades = &self.gradebook.grades;
                let corrections = grades
                    .iter()
                    .filter(|grade| grade.corrects.is_some())
                    .count();
                GradebookPreview {
                    line_items: self.gradebook.line_items,
                    evidence: grades.len() - corrections,
                    corrections,
                    unchanged: self.gradebook.unchanged,
                    skipped: self.gradebook.skipped,
                    unmapped: self.gradebook.unmapped.clone(),
                }
            }),
        }
    }
}

/// A preview or a run in words, for the command line: what it does to each kind of row, then
/// every error by file and line.
pub fn summary(preview: &OneRosterPreview) -> String {
    use std::fmt::Write;
    let mut text = String::new();
    let verb = if preview.written {
        "Imported"
    } else {
        "Would import"
    };
    let _ = writeln!(
        text,
        "{verb} OneRoster {}: {} rows read.",
        preview.version, preview.rows
    );
    for (label, changes) in [
        ("schools", preview.schools),
        ("terms", preview.terms),
        ("people", preview.people),
        ("groups", preview.groups),
        ("enrolments", preview.enrolments),
    ] {
        let _ = writeln!(
            text,
            "  {label:<11} {:>6} new {:>6} updated {:>6} deactivated",
            changes.create, changes.update, changes.deactivate
        );
    }
    let _ = writeln!(text, "  {:<11} {:>6} given", "roles", preview.roles);
    let _ = writeln!(
        text,
        "  {:<11} {:>6} new",
        "parent links", preview.parent_links
    );
    if preview.administrators_left_out > 0 {
        let _ = writeln!(
            text,
            "  {} administrators left out (--administrators imports them)",
            preview.administrators_left_out
        );
    }
    if preview.older_skipped > 0 {
        let _ = writeln!(
            text,
            "  {} rows older than what Cairn holds, skipped",
            preview.older_skipped
        );
    }
    if let Some(gradebook) = &preview.gradebook {
        let _ = writeln!(
            text,
            "  {:<11} {:>6} new evidence {:>6} corrections {:>6} unchanged {:>6} not fully graded",
            "results",
            gradebook.evidence,
            gradebook.corrections,
            gradebook.unchanged,
            gradebook.skipped
        );
        for item in &gradebook.unmapped {
            let _ = writeln!(
                text,
                "  line item {} ({}) is mapped to no competency: {} results wait (map it, then import again)",
                item.source_id, item.title, item.results
            );
        }
    }
    if preview.changes_nothing() && preview.error_count == 0 {
        let _ = writeln!(text, "Nothing to change: Cairn already holds this roster.");
    }
    for error in &preview.errors {
        let place = if error.line == 0 {
            error.file.clone()
        } else {
            format!("{} line {}", error.file, error.line)
        };
        let _ = writeln!(text, "{place}: {}: {}", error.field, error.reason);
    }
    if preview.error_count > preview.errors.len() {
        let _ = writeln!(
            text,
            "… and {} more errors",
            preview.error_count - preview.errors.len()
        );
    }
    text
}
