//! The learner's own story: goals with steps and reflections, projects attached to
//! competencies, teacher feedback on both, and check-ins.

use rand::Rng;
use time::Duration;

use super::catalogue::Catalogue;
use super::curriculum::{COMMENTS, GOALS, PROJECTS};
use super::generator::{at, term_today, Generator, TERM_WEEKS};
use super::people::People;
use crate::clock;
use crate::row;
use crate::store::batch::TableRows;

pub fn generate(
    g: &mut Generator,
    people: &People,
    catalogue: &Catalogue,
    tables: &mut Vec<TableRows>,
) {
    let mut goals = TableRows::new(
        "goals",
        &[
            "id",
            "learner_id",
            "title",
            "why",
            "status",
            "target_on",
            "created_at",
            "updated_at",
        ],
    );
    let mut goal_competencies = TableRows::new("goal_competencies", &["goal_id", "competency_id"]);
    let mut steps = TableRows::new(
        "goal_steps",
        &["id", "goal_id", "text", "position", "due_on", "done_at"],
    );
    let mut reflections = TableRows::new(
        "reflections",
        &[
            "id",
            "learner_id",
            "goal_id",
            "project_id",
            "body",
            "created_at",
        ],
    );
    let mut feedback = TableRows::new(
        "feedback",
        &[
            "id",
            "author_id",
            "learner_id",
            "goal_id",
            "project_id",
            "body",
            "created_at",
        ],
    );
    let mut projects = TableRows::new(
        "projects",
        &[
            "id",
            "learner_id",
            "title",
            "body",
            "created_at",
            "updated_at",
        ],
    );
    let mut project_competencies =
        TableRows::new("project_competencies", &["project_id", "competency_id"]);
    let mut media = TableRows::new(
        "project_media",
        &["id", "project_id", "kind", "title", "url", "position"],
    );
    let mut checkins = TableRows::new(
        "checkins",
        &[
            "id",
            "learner_id",
            "teacher_id",
            "body",
            "created_at",
            "answer",
            "answered_at",
            "read_by_teacher_at",
            "answer_read_at",
        ],
    );
    let next_id = |table: &TableRows| table.rows.len() as i64 + 1;
    let due_on = clock::format_date(term_today());

    for learner in &people.learners {
        let learner_id = learner.person.id;
        let teacher = people.group_teachers[learner.group][0];
        for _ in 0..g.rng.random_range(1..=2) {
            let (title, code, goal_steps) = GOALS[g.rng.random_range(0..GOALS.len())];
            let goal_id = next_id(&goals);
            let set_on = g.school_day_in(0..4);
            goals.push(row![
                goal_id,
                learner_id,
                title,
                "It will help me in every subject next year.",
                "active",
                &due_on,
                at(set_on, 10),
                at(set_on, 10)
            ]);
            if let Some(competency_id) = catalogue.id_of(code) {
                goal_competencies.push(row![goal_id, competency_id]);
            }
            let done = g.rng.random_range(0..=goal_steps.len());
            for (position, text) in goal_steps.iter().enumerate() {
                let done_at = (position < done)
                    .then(|| at(set_on + Duration::weeks(position as i64 + 1), 15));
                let step_due = clock::format_date(set_on + Duration::weeks(position as i64 + 2));
                steps.push(row![
                    next_id(&steps),
                    goal_id,
                    *text,
                    position as i64,
                    step_due,
                    done_at
                ]);
            }
            reflections.push(row![
                next_id(&reflections),
                learner_id,
                goal_id,
                None::<i64>,
                "I have made a start and know what my next step is.",
                at(set_on + Duration::weeks(3), 14),
            ]);
            if g.rng.random_bool(0.5) {
                let comment = g.pick(COMMENTS);
                let written = at(set_on + Duration::weeks(4), 11);
                feedback.push(row![
                    next_id(&feedback),
                    teacher,
                    learner_id,
                    goal_id,
                    None::<i64>,
                    comment,
                    written,
                ]);
            }
        }
        if g.rng.random_bool(0.4) {
            let (title, body, codes) = PROJECTS[g.rng.random_range(0..PROJECTS.len())];
            let project_id = next_id(&projects);
            let started = g.school_day_in(2..8);
            let updated = at(started + Duration::weeks(2), 13);
            projects.push(row![
                project_id,
                learner_id,
                title,
                body,
                at(started, 13),
                updated
            ]);
            for competency_id in codes.iter().filter_map(|code| catalogue.id_of(code)) {
                project_competencies.push(row![project_id, competency_id]);
            }
            let slides = format!("https://riverbend.example/projects/{project_id}/slides");
            media.push(row![
                next_id(&media),
                project_id,
                "link",
                "Project slides",
                slides,
                0
            ]);
            let comment = g.pick(COMMENTS);
            let written = at(started + Duration::weeks(3), 12);
            feedback.push(row![
                next_id(&feedback),
                teacher,
                learner_id,
                None::<i64>,
                project_id,
                comment,
                written,
            ]);
        }
        if g.rng.random_bool(0.2) {
            let asked = g.school_day_in(0..TERM_WEEKS);
            let answered = g.rng.random_bool(0.5);
            checkins.push(row![
                next_id(&checkins),
                learner_id,
                teacher,
                "Could we go over the feedback on my last task?",
                at(asked, 12),
                answered.then_some("Of course — come and see me at lunch on Thursday."),
                answered.then(|| at(asked, 16)),
                at(asked, 13),
                answered.then(|| at(asked, 17)),
            ]);
        }
    }
    tables.extend([
        goals,
        goal_competencies,
        steps,
        projects,
        project_competencies,
        media,
        reflections,
        feedback,
        checkins,
    ]);
}
