//! A learner's competencies with their latest level, filterable by category.

use crate::sync_view::IntoAnySync;
use cairn::model::{AchievementProgress, BadgeState, CompetencyLevel, LearnerProgress};
use leptos::prelude::*;

/// "Developing · 2.4 of 4", or the empty state when no evidence counts yet.
pub fn level_text(competency: &CompetencyLevel) -> String {
    match (&competency.level_name, competency.level) {
        (Some(name), Some(level)) => format!("{name} · {level:.1} of {:.0}", competency.top_level),
        _ => "No evidence yet".to_string(),
    }
}

/// What is left: "1 level to mastery — Proficient next".
pub fn next_step_text(competency: &CompetencyLevel) -> Option<String> {
    if competency.mastered() || competency.steps_remaining == 0 {
        return None;
    }
    let levels = if competency.steps_remaining == 1 {
        "level"
    } else {
        "levels"
    };
    let next = competency
        .next_level_name
        .as_deref()
        .map(|name| format!(" — {name} next"))
        .unwrap_or_default();
    Some(format!(
        "{} {levels} to mastery{next}",
        competency.steps_remaining
    ))
}

/// What a badge still needs: "Responsibility (1 level to go), Writing (2 levels to go)".
pub fn remaining_text(badge: &AchievementProgress) -> String {
    badge
        .remaining
        .iter()
        .map(|step| {
            let levels = if step.levels_short == 1 {
                "level"
            } else {
                "levels"
            };
            format!("{} ({} {levels} to go)", step.name, step.levels_short)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a piece of evidence came from, as a person reads it.
pub fn source_label(source: &str) -> &'static str {
    match source {
        "teacher" => "Teacher",
        "lms" => "Learning platform",
        "import" => "Import",
        "self" => "Self-assessment",
        "project" => "Project",
        _ => "Other",
    }
}

/// A learner's progress list, drawn on the server and filtered in the browser.
#[component]
pub fn ProgressList(progress: LearnerProgress) -> impl IntoView {
    let categories = progress.categories();
    let mastered = progress.mastered_count();
    let lines = progress
        .competencies
        .iter()
        .map(CompetencyLine::from)
        .collect();
    view! { <ProgressFilter learner_id=progress.learner.id categories mastered lines /> }
}

/// A competency as a progress list shows it: what its line says, worked out on the server, so
/// the browser is sent the words and not the data they come from.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CompetencyLine {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub category_key: String,
    /// The whole rubric level reached (0 when none), for the level's colour.
    pub reached: i64,
    /// `level_text`.
    pub level: String,
    pub mastered: bool,
    /// `next_step_text`.
    pub next_step: Option<String>,
}

impl From<&CompetencyLevel> for CompetencyLine {
    fn from(competency: &CompetencyLevel) -> CompetencyLine {
        CompetencyLine {
            id: competency.id,
            code: competency.code.clone(),
            name: competency.name.clone(),
            category_key: competency.category_key.clone(),
            reached: competency.level.map(|level| level as i64).unwrap_or(0),
            level: level_text(competency),
            mastered: competency.mastered(),
            next_step: next_step_text(competency),
        }
    }
}

/// The list with its category filter: the island's props are the lines' words only.
#[island]
fn ProgressFilter(
    learner_id: i64,
    categories: Vec<(String, String)>,
    mastered: usize,
    lines: Vec<CompetencyLine>,
) -> impl IntoView {
    // Kept when the page is drawn again on a live event.
    let selected = crate::live::kept_choice::<String>("category");
    let category_links = categories.clone();
    let total = lines.len();
    let lines = StoredValue::new(lines);

    let filter_button = move |key: Option<String>, label: String| {
        let pressed = {
            let key = key.clone();
            move || selected.get() == key
        };
        view! {
            <button
                type="button"
                class="chip"
                aria-pressed=move || pressed().to_string()
                on:click=move |_| selected.set(key.clone())
            >
                {label}
            </button>
        }
    };

    if total == 0 {
        return view! {
            <p class="empty">
                "No competencies yet. They appear here when the school adds a framework."
            </p>
        }
        .into_any_sync();
    }
    view! {
        <p class="headline">
            <strong>{mastered}</strong>" of "{total}" competencies mastered"
        </p>
        <div class="chips" role="group" aria-label="Show category">
            {filter_button(None, "All".to_string())}
            {categories
                .into_iter()
                .map(|(key, label)| filter_button(Some(key), label))
                .collect_view()}
        </div>
        <p class="category-links">
            "Badge records by category: "
            {category_links
                .into_iter()
                .map(|(key, label)| view! {
                    <a href=format!("/learners/{learner_id}/categories/{key}")>{label}</a>
                    " "
                })
                .collect_view()}
        </p>
        <ul class="competencies" id=format!("competencies-{learner_id}") aria-live="polite">
            {move || {
                let shown = selected.get();
                lines
                    .with_value(|all| {
                        all.iter()
                            .filter(|c| shown.as_ref().is_none_or(|key| *key == c.category_key))
                            .map(|c| view! { <CompetencyItem learner_id line=c.clone() /> })
                            .collect_view()
                    })
            }}
        </ul>
    }
    .into_any_sync()
}

/// One competency in a list: its name (linking to the explanation), level, and what remains.
#[component]
pub fn CompetencyItem(learner_id: i64, line: CompetencyLine) -> impl IntoView {
    let c = line;
    let level_class = format!("level level-{}", c.reached);
    view! {
        <li class="competency" data-category=c.category_key.clone()>
            <a class="competency-name" href=format!("/learners/{learner_id}/competencies/{}", c.id)>
                <span class="code">{c.code.clone()}</span>
                " "
                {c.name.clone()}
            </a>
            <span class=level_class>{c.level}</span>
            {c.mastered.then(|| view! { <span class="mastered">"Mastered"</span> })}
            {c.next_step.map(|text| view! { <span class="next-step">{text}</span> })}
        </li>
    }
}

/// Badges: earned ones, and Provisional Evidence Records with what remains.
#[component]
pub fn BadgeList(learner_id: i64, achievements: Vec<AchievementProgress>) -> impl IntoView {
    if achievements.is_empty() {
        return view! { <p class="empty">"No badges are set up yet."</p> }.into_any_sync();
    }
    let earned = achievements
        .iter()
        .filter(|a| a.state == BadgeState::Earned)
        .count();
    view! {
        <p class="headline">
            <strong>{earned}</strong>" earned · "{achievements.len() - earned}" in progress"
        </p>
        <ul class="badges">
            {achievements
                .into_iter()
                .map(|badge| {
                    let earned = badge.state == BadgeState::Earned;
                    let (state, key) = if earned { ("Earned", "earned") } else { ("In progress", "provisional") };
                    let remaining = remaining_text(&badge);
                    view! {
                        <li class="badge" class:earned=earned data-state=key>
                            {match &badge.category_key {
                                Some(key) => view! {
                                    <a
                                        class="badge-name"
                                        href=format!("/learners/{learner_id}/categories/{key}#achievement-{}", badge.id)
                                    >
                                        {badge.name.clone()}
                                    </a>
                                }
                                .into_any_sync(),
                                None => view! { <span class="badge-name">{badge.name.clone()}</span> }.into_any_sync(),
                            }}
                            <span class="badge-state">{state}</span>
                            <progress
                                max=badge.required
                                value=badge.met
                                aria-label=format!("{}: {} of {} criteria met", badge.name, badge.met, badge.required)
                            ></progress>
                            <span class="muted">
                                {format!("{} of {} criteria met", badge.met, badge.required)}
                            </span>
                            {(!remaining.is_empty()).then(|| view! {
                                <span class="next-step">"Still to reach Proficient: "{remaining}</span>
                            })}
                            {badge.credential.clone().map(|id| view! {
                                <a class="chip" href=format!("/credentials/{id}")>
                                    {format!("View the {} credential", badge.name)}
                                </a>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any_sync()
}
