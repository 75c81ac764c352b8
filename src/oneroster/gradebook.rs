//! The gradebook in a OneRoster package: `lineItems.csv` (what was assessed, on what scale) and
//! `results.csv` (a student's score on one), read here and planned into evidence. A result
//! becomes evidence through its line item's mapping to a competency — the mapping the score push
//! API uses, or a line item whose id is a competency's code — scaled onto the competency's
//! rubric as a pushed score is. Only `fully graded` results count; the rest wait.
//!
//! A result is recorded once by its `sourcedId`: the same result again changes nothing, a
//! changed score (or date, or comment) is a correction of the evidence it made, and a result a
//! teacher has corrected since is left to the teacher. Results of line items no competency is
//! mapped to are listed, so that the administrator can map them and import again.

use std::collections::{BTreeMap, HashMap};

use super::package::Package;
use super::parse::{read_file, required, File, Kind, Record, Roster};
use super::plan::PersonRef;
use super::table::{self, fault};
use crate::model::{CompetencyId, OneRosterError, UnmappedLineItem, UserId};
use crate::scores::level_for;

#[derive(Clone, Debug, PartialEq)]
pub struct LineItem {
    pub title: String,
    /// `resultValueMin` and `resultValueMax`: the scale its scores are on.
    pub minimum: f64,
    pub maximum: f64,
}

/// One row of `results.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    pub line_item: String,
    pub student: String,
    /// `scoreStatus` is `fully graded`.
    pub graded: bool,
    pub score: f64,
    /// `scoreDate`.
    pub date: Option<jiff::Timestamp>,
    pub comment: Option<String>,
}

/// A number in a cell.
fn number(file: &str, line: u64, label: &str, text: &str) -> Result<f64, OneRosterError> {
    text.parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
        .ok_or_else(|| fault(file, line, label, format!("“{text}” is not a number")))
}

/// Whether a `scoreStatus` (any case, spaced or not) is `fully graded`, or why it is not one.
fn fully_graded(status: &str) -> Result<bool, String> {
    let key: String = status
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .collect::<String>()
        .to_ascii_lowercase();
    match key.as_str() {
        "fullygraded" => Ok(true),
        "partiallygraded" | "submitted" | "notsubmitted" | "exempt" => Ok(false),
        _ => Err(format!(
            "“{status}” is not a scoreStatus (fully graded, partially graded, submitted, \
             not submitted, exempt)"
        )),
    }
}

/// Reads `lineItems.csv` and `results.csv` when the manifest names them.
pub(super) fn read(package: &mut Package, roster: &mut Roster) {
    roster.line_items = read_file(
        package,
        roster,
        File::LineItems,
        &["sourcedid", "title", "resultvaluemax"],
        |file, columns, row, deleted| {
            let title = required(file, columns, row, "title", "title", deleted)?.to_string();
            let minimum = match columns.get(row, "resultvaluemin") {
                "" => 0.0,
                text => number(file, row.line, "resultValueMin", text)?,
            };
            let maximum = match columns.get(row, "resultvaluemax") {
                "" if deleted => 0.0,
                "" => {
                    return Err(fault(
                        file,
                        row.line,
                        "resultValueMax",
                        "is empty: a score is scaled by it",
                    ))
                }
                text => number(file, row.line, "resultValueMax", text)?,
            };
            if !deleted && maximum <= minimum {
                return Err(fault(
                    file,
                    row.line,
                    "resultValueMax",
                    format!("must be above resultValueMin ({minimum})"),
                ));
            }
            Ok(LineItem {
                title,
                minimum,
                maximum,
            })
        },
    );
    roster.results = read_file(
        package,
        roster,
        File::Results,
        &[
            "sourcedid",
            "lineitemsourcedid",
            "studentsourcedid",
            "scorestatus",
            "score",
        ],
        |file, columns, row, deleted| {
            let line_item = required(
                file,
                columns,
                row,
                "lineitemsourcedid",
                "lineItemSourcedId",
                deleted,
            )?;
            let student = required(
                file,
                columns,
                row,
                "studentsourcedid",
                "studentSourcedId",
                deleted,
            )?;
            let graded = match columns.get(row, "scorestatus") {
                "" if deleted => false,
                status => fully_graded(status)
                    .map_err(|reason| fault(file, row.line, "scoreStatus", reason))?,
            };
            let score = match columns.get(row, "score") {
                "" if !graded || deleted => 0.0,
                "" => {
                    return Err(fault(
                        file,
                        row.line,
                        "score",
                        "is empty, though fully graded",
                    ))
                }
                text => number(file, row.line, "score", text)?,
            };
            if graded && score < 0.0 {
                return Err(fault(file, row.line, "score", "is below 0"));
            }
            let date = match columns.get(row, "scoredate") {
                "" => None,
                text => Some(
                    table::instant(text)
                        .map_err(|reason| fault(file, row.line, "scoreDate", reason))?,
                ),
            };
            let comment = Some(columns.get(row, "comment").trim())
                .filter(|comment| !comment.is_empty())
                .map(|comment| comment.chars().take(2000).collect());
            Ok(Grade {
                line_item: line_item.to_string(),
                student: student.to_string(),
                graded,
                score,
                date,
                comment,
            })
        },
    );
}

/// A result recorded before: the evidence that stands for it now.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldGrade {
    pub evidence_id: i64,
    pub learner: UserId,
    pub competency: CompetencyId,
    pub given: Option<f64>,
    pub maximum: Option<f64>,
    pub observed_at: String,
    pub comment: Option<String>,
    /// A teacher corrected it since: their correction stands.
    pub overridden: bool,
}

/// What the institution holds that a gradebook is compared with.
#[derive(Clone, Debug, Default)]
pub struct HeldGradebook {
    /// Line items mapped to a competency (the score push API's mappings), by `sourcedId`.
    pub mappings: HashMap<String, CompetencyId>,
    /// Competencies by code: a line item whose id is a code needs no mapping.
    pub codes: HashMap<String, CompetencyId>,
    /// Each competency's rubric: `(level, points)`.
    pub rubrics: HashMap<CompetencyId, Vec<(i64, f64)>>,
    /// Results recorded before, by `sourcedId`.
    pub results: HashMap<String, HeldGrade>,
}

/// A result to record as evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct NewGrade {
    pub sourced_id: String,
    pub learner: PersonRef,
    pub competency: CompetencyId,
    /// The rubric level the score earns.
    pub level: f64,
    pub given: f64,
    pub maximum: f64,
    /// When it was observed (`scoreDate`, else `dateLastModified`; else the import's time).
    pub observed_at: Option<String>,
    pub comment: Option<String>,
    /// The evidence this result made before, which this corrects.
    pub corrects: Option<i64>,
}

/// What importing the gradebook would record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GradebookPlan {
    /// Whether the package has a gradebook at all.
    pub present: bool,
    pub line_items: usize,
    pub grades: Vec<NewGrade>,
    /// Results recorded before exactly as they are (or corrected by a teacher since).
    pub unchanged: usize,
    /// Results not fully graded, or withdrawn (`tobedeleted`: evidence already made stays).
    pub skipped: usize,
    pub unmapped: Vec<UnmappedLineItem>,
}

/// The store's form of an instant (`2026-09-01T08:30:00Z`).
fn stored(stamp: jiff::Timestamp) -> String {
    stamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Plans the package's results against what Cairn holds. `person` finds a live user of the
/// package or of Cairn (`None`: left out of this import).
pub(super) fn plan(
    roster: &Roster,
    held: &HeldGradebook,
    person: impl Fn(&str) -> Result<Option<(PersonRef, Vec<Kind>)>, String>,
    errors: &mut Vec<OneRosterError>,
) -> GradebookPlan {
    use super::parse::Mode;
    let mut plan = GradebookPlan {
        present: roster.mode(File::LineItems) != Mode::Absent
            || roster.mode(File::Results) != Mode::Absent,
        ..GradebookPlan::default()
    };
    let items: HashMap<&str, &Record<LineItem>> = roster
        .line_items
        .iter()
        .filter(|item| !item.deleted)
        .map(|item| (item.sourced_id.as_str(), item))
        .collect();
    plan.line_items = items.len();
    let file = File::Results.name();
    let mut unmapped: BTreeMap<&str, usize> = BTreeMap::new();
    for result in &roster.results {
        let grade = &result.data;
        if result.deleted || !grade.graded {
            plan.skipped += 1;
            continue;
        }
        let mut error = |field: &str, reason: String| {
            errors.push(fault(&file, result.line, field, reason));
        };
        let Some(item) = items.get(grade.line_item.as_str()) else {
            let rejected = roster
                .seen
                .get(&File::LineItems)
                .is_some_and(|seen| seen.contains(&grade.line_item));
            error(
                "lineItemSourcedId",
                if rejected {
                    format!(
                        "“{}”'s row in lineItems.csv is wrong (see its line)",
                        grade.line_item
                    )
                } else {
                    format!(
                        "“{}” is not in lineItems.csv, which gives the score's scale",
                        grade.line_item
                    )
                },
            );
            continue;
        };
        let competency = held
            .mappings
            .get(&grade.line_item)
            .or_else(|| held.codes.get(&grade.line_item))
            .copied();
        let Some(competency) = competency else {
            *unmapped.entry(item.sourced_id.as_str()).or_default() += 1;
            continue;
        };
        let learner = match person(&grade.student) {
            Ok(Some((learner, kinds))) if kinds.contains(&Kind::Learner) => learner,
            Ok(_) => {
                error(
                    "studentSourcedId",
                    format!("“{}” is not a student", grade.student),
                );
                continue;
            }
            Err(reason) => {
                error("studentSourcedId", reason);
                continue;
            }
        };
        let scale = item.data.maximum - item.data.minimum;
        let given = (grade.score - item.data.minimum).clamp(0.0, scale);
        let rubric = held.rubrics.get(&competency).map_or(&[][..], Vec::as_slice);
        let Some(level) = level_for(given, scale, rubric) else {
            error(
                "lineItemSourcedId",
                format!(
                    "“{}”'s competency has no rubric levels to scale a score onto",
                    grade.line_item
                ),
            );
            continue;
        };
        let observed_at = grade.date.or(result.modified).map(stored);
        let corrects = match held.results.get(&result.sourced_id) {
            None => None,
            Some(before) if before.overridden => {
                plan.unchanged += 1;
                continue;
            }
            Some(before)
                if learner != PersonRef::Held(before.learner)
                    || competency != before.competency =>
            {
                error(
                    "sourcedId",
                    "was recorded before for another student or competency; evidence stays \
                     where it was recorded"
                        .to_string(),
                );
                continue;
            }
            Some(before) => {
                let same = before.given == Some(grade.score)
                    && before.maximum == Some(item.data.maximum)
                    && before.comment == grade.comment
                    && observed_at
                        .as_ref()
                        .is_none_or(|at| *at == before.observed_at);
                if same {
                    plan.unchanged += 1;
                    continue;
                }
                Some(before.evidence_id)
            }
        };
        plan.grades.push(NewGrade {
            sourced_id: result.sourced_id.clone(),
            learner,
            competency,
            level: level as f64,
            given: grade.score,
            maximum: item.data.maximum,
            observed_at,
            comment: grade.comment.clone(),
            corrects,
        });
    }
    plan.unmapped = unmapped
        .into_iter()
        .map(|(id, results)| UnmappedLineItem {
            source_id: id.to_string(),
            title: items
                .get(id)
                .map_or_else(String::new, |item| item.data.title.clone()),
            results,
        })
        .collect();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_status_is_read_in_any_spelling() {
        for status in [
            "fully graded",
            "FullyGraded",
            "fully_graded",
            "FULLY GRADED",
        ] {
            assert_eq!(fully_graded(status), Ok(true), "{status}");
        }
        for status in ["submitted", "not submitted", "partially graded", "exempt"] {
            assert_eq!(fully_graded(status), Ok(false), "{status}");
        }
        assert!(fully_graded("graded-ish").is_err());
    }
}
