//! A learner's week at a glance, first on their home and on their parents': mastery and how it
//! moved since last week, what is new since the last visit, the badges closest to earned with
//! what is left, and the latest feedback from teachers. The full competency list is one click
//! away.

use crate::sync_view::IntoAnySync;
use cairn::model::{BadgeState, LearnerProgress, LearnerSummary};
use leptos::prelude::*;

use crate::dates::day;

use crate::components::progress::{remaining_text, ProgressList};

/// How many badges in progress a summary names.
const BADGES_SHOWN: usize = 3;

#[component]
pub fn WeekSummary(
    progress: LearnerProgress,
    summary: LearnerSummary,
    /// "you" for the learner, the child's first name for a parent.
    #[prop(into)]
    who: String,
) -> impl IntoView {
    let learner_id = progress.learner.id;
    let total = progress.competencies.len();
    let mastered = progress.mastered_count();
    let change = mastered as i64 - summary.mastered_week_ago as i64;
    let change_text = match change {
        0 => "no change since last week".to_string(),
        n if n > 0 => format!("+{n} since last week"),
        n => format!("{n} since last week"),
    };
    let earned = progress
        .achievements
        .iter()
        .filter(|a| a.state == BadgeState::Earned)
        .count();
    // The badges closest to earned first.
    let mut in_progress: Vec<_> = progress
        .achievements
        .iter()
        .filter(|a| a.state != BadgeState::Earned && a.required > 0)
        .cloned()
        .collect();
    in_progress.sort_by(|a, b| b.progress().total_cmp(&a.progress()));
    let more_badges = in_progress.len().saturating_sub(BADGES_SHOWN);
    let since = if summary.first_visit {
        "New this week".to_string()
    } else {
        format!("New since the last visit ({})", day(&summary.since))
    };
    let news = [
        (summary.new_marks, "mark", "marks"),
        (summary.new_comments, "comment", "comments"),
        (summary.new_badges, "badge earned", "badges earned"),
    ]
    .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
    .join(" · ");
    let badges = in_progress
        .into_iter()
        .take(BADGES_SHOWN)
        .map(|badge| {
            let left = remaining_text(&badge);
            let href = match &badge.category_key {
                Some(key) => format!("/learners/{learner_id}/categories/{key}#achievement-{}", badge.id),
                None => format!("/learners/{learner_id}"),
            };
            view! {
                <li>
                    <a href=href>{badge.name.clone()}</a>
                    <progress
                        max=badge.required
                        value=badge.met
                        aria-label=format!("{}: {} of {} criteria met", badge.name, badge.met, badge.required)
                    ></progress>
                    <span class="muted">{format!(" {} of {} criteria met", badge.met, badge.required)}</span>
                    {(!left.is_empty()).then(|| view! { <span class="next-step">"Still to go: "{left}</span> })}
                </li>
            }
        })
        .collect_view();
    let feedback = summary.feedback;
    let no_feedback = feedback.is_empty();
    let notes = feedback
        .into_iter()
        .map(|note| {
            view! {
                <li>
                    <blockquote>{note.body}</blockquote>
                    <span class="muted">
                        {format!("{}, on ", note.author)}
                        <a href=note.path>{note.about}</a>
                        {format!(" · {}", day(&note.at))}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="week-summary">
            <dl class="figures summary-figures">
                <div>
                    <dt>"Mastered"</dt>
                    <dd data-mastered=mastered.to_string()>
                        <strong>{format!("{mastered} of {total}")}</strong>
                        <span class="muted">{format!(" ({change_text})")}</span>
                    </dd>
                </div>
                <div>
                    <dt>"Badges earned"</dt>
                    <dd><strong>{format!("{earned} of {}", progress.achievements.len())}</strong></dd>
                </div>
                <div>
                    <dt>{since}</dt>
                    <dd class="news">{news}</dd>
                </div>
            </dl>
            <h3 class="tile-subheading">"Badges in progress"</h3>
            <ul class="rows summary-badges">{badges}</ul>
            {(more_badges > 0).then(|| view! {
                <p class="muted">
                    {format!("and {more_badges} more on ")}
                    <a href=format!("/learners/{learner_id}")>"the dashboard"</a>
                </p>
            })}
            <h3 class="tile-subheading">"Latest feedback"</h3>
            {if no_feedback {
                view! { <p class="empty">{format!("No feedback for {who} yet.")}</p> }.into_any_sync()
            } else {
                view! { <ul class="rows feedback-notes">{notes}</ul> }.into_any_sync()
            }}
            <details class="all-competencies">
                <summary>{format!("All {total} competencies")}</summary>
                <ProgressList progress />
            </details>
        </div>
    }
}
