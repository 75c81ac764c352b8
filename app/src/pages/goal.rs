//! One goal at `/goals/{id}`: why it matters, the action plan, and one timeline of steps done,
//! evidence, reflections and teachers' comments — live, so a comment appears without a reload.
//! The learner plans, reflects and adds evidence; their teachers comment; parents read.

use crate::sync_view::IntoAnySync;
use cairn::model::{GoalStatus, GoalView};
use leptos::prelude::*;
use leptos_meta::Title;

use leptos::server_fn::ServerFn;

use crate::api::{
    get_goal, AddComment, AddGoalStep, AddReflection, SetGoalStatus, SetGoalStepDone,
};
use crate::components::forms::{PostForm, SaveOnTick};
use crate::components::story::{CompetencyChips, Timeline, UploadOutcome};
use crate::dates::day;
use crate::error::AppError;
use crate::live::{id_param, Follow, LiveRefresh};
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    goal_page().into_any_sync()
}

fn goal_page() -> impl IntoView {
    let goal_id = id_param();
    let goal = crate::page_data::load(goal_id, |id| async move {
        match id {
            Some(id) => get_goal(id).await,
            None => Err(AppError::NotFound("such goal".into())),
        }
    });
    view! {
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match goal.await {
                    Ok(goal) => view! { <Goal goal /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Goal(goal: GoalView) -> impl IntoView {
    let GoalView {
        modules,
        learner,
        id,
        title,
        why,
        status,
        target_on,
        overdue,
        competencies,
        steps,
        timeline,
        may_write,
        may_comment,
        max_upload_mb,
    } = goal;
    let about = format!("goal:{id}");
    view! {
        <Title text=title.clone() />
        <main id="main" class="page goal">
            // The learner's live events draw the goal again.
            <LiveRefresh follow=Follow::Learner(learner.id) />
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href=format!("/learners/{}", learner.id)>{learner.name.clone()}</a>
                " › "
                <a href=format!("/learners/{}/goals", learner.id)>{modules.goals.clone()}</a>
                " › "
                <span aria-current="page">{title.clone()}</span>
            </nav>
            <h1>{title.clone()}</h1>
            <p>
                <span class="status" data-status=status.key()>{status.label()}</span>
                {overdue.then(|| view! { " " <span class="status overdue">"Overdue"</span> })}
                {target_on.map(|on| view! { <span class="muted">{format!(" · target {}", day(&on))}</span> })}
                " "
                <CompetencyChips competencies />
            </p>
            {(!why.is_empty()).then(|| view! { <p class="lede"><strong>"Why it matters: "</strong>{why}</p> })}
            <div class="tiles">
                <section class="tile" aria-labelledby="plan-title">
                    <h2 id="plan-title">"Action plan"</h2>
                    {if steps.is_empty() {
                        view! { <p class="empty">"No steps planned yet."</p> }.into_any_sync()
                    } else {
                        view! {
                            <ul class="rows plan">
                                {steps
                                    .into_iter()
                                    .map(|step| {
                                        let field = format!("step-{}", step.id);
                                        let done = step.done_at.is_some();
                                        let step_id = step.id;
                                        let due = step
                                            .due_on
                                            .as_deref()
                                            .map(|on| format!(" (due {})", day(on)))
                                            .unwrap_or_default();
                                        view! {
                                            <li class="plan-step" class:done=done>
                                                <SaveOnTick
                                                    action=SetGoalStepDone::PATH.to_string()
                                                    fields=vec![
                                                        ("goal_id".to_string(), id.to_string()),
                                                        ("step_id".to_string(), step_id.to_string()),
                                                    ]
                                                    name="done".to_string()
                                                    checked=done
                                                    disabled=!may_write
                                                    id=field
                                                    label=step.text.clone()
                                                />
                                                <span class="muted">{due}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any_sync()
                    }}
                    {may_write.then(|| view! {
                        <PostForm action=AddGoalStep::PATH class="stack">
                            <input type="hidden" name="goal_id" value=id />
                            <label for="new-step">"Add a step"</label>
                            <input id="new-step" type="text" name="text" required maxlength="300" />
                            <label for="new-step-due">"Due"</label>
                            <input id="new-step-due" type="date" name="due_on" />
                            <button type="submit">"Add the step"</button>
                        </PostForm>
                    })}
                </section>
                {may_write.then(|| view! { <GoalTools id status max_upload_mb about=about.clone() checkins=modules.checkins.clone() /> })}
                {may_comment.then(|| view! {
                    <section class="tile" aria-labelledby="comment-title">
                        <h2 id="comment-title">"Comment"</h2>
                        <PostForm action=AddComment::PATH class="stack">
                            <input type="hidden" name="about" value=about.clone() />
                            <label for="comment-body">{format!("Your comment to {}", learner.name)}</label>
                            <textarea id="comment-body" name="body" rows="3" required maxlength="4000"></textarea>
                            <button type="submit">"Post the comment"</button>
                        </PostForm>
                    </section>
                })}
            </div>
            <section aria-labelledby="timeline-title">
                <h2 id="timeline-title">"Timeline"</h2>
                <Timeline entries=timeline />
            </section>
        </main>
    }
    .into_any_sync()
}

/// What only the learner does on their goal: reflect, add evidence, change its status, and
/// check in with a teacher about it.
#[component]
fn GoalTools(
    id: i64,
    status: GoalStatus,
    max_upload_mb: u64,
    about: String,
    checkins: String,
) -> impl IntoView {
    let checkin_link = format!("/checkins?about={about}");
    view! {
        <section class="tile" aria-labelledby="reflect-title">
            <h2 id="reflect-title">"Reflect"</h2>
            <PostForm action=AddReflection::PATH class="stack">
                <input type="hidden" name="about" value=about.clone() />
                <label for="reflection-body">"How is it going? What will you do next?"</label>
                <textarea id="reflection-body" name="body" rows="3" required maxlength="4000"></textarea>
                <button type="submit">"Add the reflection"</button>
            </PostForm>
        </section>
        <section class="tile" aria-labelledby="evidence-title">
            <h2 id="evidence-title">"Add evidence"</h2>
            <form method="post" action=format!("/goals/{id}/evidence") enctype="multipart/form-data" class="stack">
                <label for="evidence-file">
                    {format!("A file (PDF, PNG, JPEG, GIF or WebP; {max_upload_mb} MB at most)")}
                </label>
                <input
                    id="evidence-file"
                    name="file"
                    type="file"
                    required
                    accept="application/pdf,image/png,image/jpeg,image/gif,image/webp"
                />
                <button type="submit">"Upload the evidence"</button>
            </form>
            <UploadOutcome added="The evidence was added." />
        </section>
        <section class="tile" aria-labelledby="status-title">
            <h2 id="status-title">"Status"</h2>
            <PostForm action=SetGoalStatus::PATH class="inline-form">
                <input type="hidden" name="goal_id" value=id />
                <label for="goal-status">"Status"</label>
                <select id="goal-status" name="status">
                    {GoalStatus::ALL
                        .into_iter()
                        .map(|choice| view! {
                            <option value=choice.key() selected=choice == status>{choice.label()}</option>
                        })
                        .collect_view()}
                </select>
                <button type="submit">"Update the status"</button>
            </PostForm>
            <p><a href=checkin_link>{format!("{checkins}: ask a teacher about this")}</a></p>
        </section>
    }
    .into_any_sync()
}
