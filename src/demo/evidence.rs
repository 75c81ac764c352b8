//! A term of evidence. Each learner has an overall ability, each competency a personal offset,
//! and everyone grows over the term; marks come from the group's teachers or the LMS, and now
//! and then a mark is corrected by a new row that supersedes it.

use rand::Rng;
use time::Duration;

use super::catalogue::Catalogue;
use super::curriculum::COMMENTS;
use super::generator::{at, Generator, TERM_WEEKS};
use super::people::People;
use crate::row;
use crate::store::batch::TableRows;

/// Generates the evidence rows; returns how many marks each learner received.
pub fn generate(
    g: &mut Generator,
    people: &People,
    catalogue: &Catalogue,
    per_competency: (usize, usize),
    tables: &mut Vec<TableRows>,
) -> Vec<i64> {
    let mut evidence = TableRows::new(
        "evidence",
        &[
            "id",
            "learner_id",
            "competency_id",
            "level",
            "score_given",
            "score_maximum",
            "given_by",
            "source",
            "source_ref",
            "group_id",
            "comment",
            "supersedes_id",
            "observed_at",
            "recorded_at",
        ],
    );
    let (fewest, most) = (per_competency.0, per_competency.1.max(per_competency.0));
    let mut counts = Vec::with_capacity(people.learners.len());
    for learner in &people.learners {
        let ability = (2.2 + g.noise(1.6)).clamp(1.0, 3.6);
        let growth = g.rng.random_range(0.2..1.0);
        let group_id = learner.group as i64 + 1;
        let markers = &people.group_teachers[learner.group];
        let mut count = 0i64;
        for competency in &catalogue.competencies {
            // Co-curricular evidence exists only for the activities a learner takes part in.
            if competency.category == "co_curricular" && !g.rng.random_bool(0.45) {
                continue;
            }
            let offset = g.noise(1.0);
            let marks = g.rng.random_range(fewest..=most);
            let mut weeks: Vec<i64> = (0..marks)
                .map(|_| g.rng.random_range(0..TERM_WEEKS))
                .collect();
            weeks.sort_unstable();
            for week in weeks {
                let progress = week as f64 / TERM_WEEKS as f64;
                let level = (ability + offset + growth * progress + g.noise(0.8))
                    .round()
                    .clamp(1.0, 4.0);
                let day = g.school_day(week);
                let hour = 9 + g.rng.random_range(0..6);
                let observed_at = at(day, hour);
                let marker = markers[g.rng.random_range(0..markers.len())];
                let comment = g.rng.random_bool(0.2).then(|| g.pick(COMMENTS));
                let id = evidence.rows.len() as i64 + 1;
                if g.rng.random_bool(0.15) {
                    let source_ref = format!("canvas-submission-{id}");
                    evidence.push(row![
                        id,
                        learner.person.id,
                        competency.id,
                        level,
                        Some(level * 25.0),
                        Some(100.0),
                        marker,
                        "lms",
                        source_ref,
                        group_id,
                        comment,
                        None::<i64>,
                        &observed_at,
                        &observed_at,
                    ]);
                } else {
                    evidence.push(row![
                        id,
                        learner.person.id,
                        competency.id,
                        level,
                        None::<f64>,
                        None::<f64>,
                        marker,
                        "teacher",
                        None::<&str>,
                        group_id,
                        comment,
                        None::<i64>,
                        &observed_at,
                        &observed_at,
                    ]);
                }
                if g.rng.random_bool(0.01) {
                    let corrected = if level >= 4.0 { 3.0 } else { level + 1.0 };
                    let recorded = at(day + Duration::days(1), 16);
                    evidence.push(row![
                        id + 1,
                        learner.person.id,
                        competency.id,
                        corrected,
                        None::<f64>,
                        None::<f64>,
                        marker,
                        "teacher",
                        None::<&str>,
                        group_id,
                        "Corrected after moderation.",
                        id,
                        &observed_at,
                        recorded,
                    ]);
                }
                count += 1;
            }
        }
        counts.push(count);
    }
    tables.push(evidence);
    counts
}
