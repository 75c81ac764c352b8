//! A learner's goals at `/learners/{id}/goals`: each with its status, plan progress and linked
//! competencies; the learner sets new ones here. Named as the institution names the module.

use crate::sync_view::IntoAnySync;
use cairn::model::{GoalSummary, LearnerGoals};
use leptos::prelude::*;
use leptos_meta::Title;

use leptos::server_fn::ServerFn;

use crate::api::{get_goals, CreateGoal};
use crate::components::forms::{PostForm, Then};
use crate::components::story::{CompetencyChips, CompetencyPicker};
use crate::dates::day;
use crate::error::AppError;
use crate::live::{id_param, Follow, LiveRefresh};
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    goals_page().into_any_sync()
}

fn goals_page() -> impl IntoView {
    let learner_id = id_param();
    let goals = crate::page_data::load(learner_id, |id| async move {
        match id {
            Some(id) => get_goals(id).await,
            None => Err(AppError::NotFound("such learner".into())),
        }
    });
    view! {
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match goals.await {
                    Ok(goals) => view! { <GoalList goals /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn GoalList(goals: LearnerGoals) -> impl IntoView {
    let LearnerGoals {
        modules,
        learner,
        goals,
        may_write,
        competencies,
    } = goals;
    let heading = if may_write {
        format!("My {}", modules.goals.to_lowercase())
    } else {
        format!("{} — {}", modules.goals, learner.name)
    };
    view! {
        <Title text=heading.clone() />
        <main id="main" class="page goals">
            // The learner's live events draw the list again.
            <LiveRefresh follow=Follow::Learner(learner.id) />
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href=format!("/learners/{}", learner.id)>{learner.name.clone()}</a>
                " › "
                <span aria-current="page">{modules.goals.clone()}</span>
            </nav>
            <h1>{heading}</h1>
            {if goals.is_empty() {
                view! { <p class="empty">{format!("No {} yet.", modules.goals.to_lowercase())}</p> }.into_any_sync()
            } else {
                view! {
                    <ul class="rows goal-list">
                        {goals.into_iter().map(|goal| view! { <GoalRow goal /> }).collect_view()}
                    </ul>
                }
                .into_any_sync()
            }}
            {may_write.then(|| view! { <NewGoalForm competencies goals_name=modules.goals.clone() /> })}
        </main>
    }
}

#[component]
fn GoalRow(goal: GoalSummary) -> impl IntoView {
    let status = goal.status.label();
    let target = goal
        .target_on
        .as_deref()
        .map(|on| format!(" · target {}", day(on)))
        .unwrap_or_default();
    view! {
        <li class="goal-row" data-status=goal.status.key()>
            <a class="goal-title" href=format!("/goals/{}", goal.id)>{goal.title.clone()}</a>
            " "
            <span class="status">{status}</span>
            {goal.overdue.then(|| view! { " " <span class="status overdue">"Overdue"</span> })}
            <span class="muted">{format!(" · {} of {} steps done{target}", goal.steps_done, goal.steps)}</span>
            " "
            <CompetencyChips competencies=goal.competencies />
        </li>
    }
}

#[component]
fn NewGoalForm(
    competencies: Vec<cairn::model::CompetencyChoice>,
    goals_name: String,
) -> impl IntoView {
    let step = |n: u8| {
        view! {
            <div class="inline-field">
                <label for=format!("goal-step-{n}")>{format!("Step {n}")}</label>
                <input id=format!("goal-step-{n}") type="text" name=format!("goal[step_{n}]") maxlength="300" />
                <label for=format!("goal-due-{n}")>{format!("Step {n} due")}</label>
                <input id=format!("goal-due-{n}") type="date" name=format!("goal[due_{n}]") />
            </div>
        }
    };
    view! {
        <section class="tile wide" aria-labelledby="new-goal-title">
            <h2 id="new-goal-title">{format!("Add to {goals_name}")}</h2>
            <PostForm action=CreateGoal::PATH then=Then::Open("/goals/".into()) class="stack">
                <label for="goal-title">"What do you want to achieve?"</label>
                <input id="goal-title" type="text" name="goal[title]" required maxlength="200" />
                <label for="goal-why">"Why it matters to you"</label>
                <textarea id="goal-why" name="goal[why]" rows="2" maxlength="2000"></textarea>
                <label for="goal-target">"Target date"</label>
                <input id="goal-target" type="date" name="goal[target_on]" />
                <CompetencyPicker choices=competencies id="goal-competency" name="goal[competencies]" legend="Skills it works on" />
                <fieldset>
                    <legend>"Action plan (you can add more steps later)"</legend>
                    {step(1)}
                    {step(2)}
                    {step(3)}
                </fieldset>
                <button type="submit" class="primary">{format!("Add to {goals_name}")}</button>
            </PostForm>
        </section>
    }
}
