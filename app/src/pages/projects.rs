//! A learner's projects at `/learners/{id}/projects`, each attached to competencies; the learner
//! starts new ones here. Named as the institution names the module.

use crate::sync_view::IntoAnySync;
use cairn::model::{LearnerProjects, ProjectSummary};
use leptos::prelude::*;
use leptos_meta::Title;

use leptos::server_fn::ServerFn;

use crate::api::{get_projects, CreateProject};
use crate::components::forms::{PostForm, Then};
use crate::components::story::{CompetencyChips, CompetencyPicker};
use crate::dates::day;
use crate::error::AppError;
use crate::live::{id_param, Follow, LiveRefresh};
use crate::pages::learner::Refusal;

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    projects_page().into_any_sync()
}

fn projects_page() -> impl IntoView {
    let learner_id = id_param();
    let projects = crate::page_data::load(learner_id, |id| async move {
        match id {
            Some(id) => get_projects(id).await,
            None => Err(AppError::NotFound("such learner".into())),
        }
    });
    view! {
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match projects.await {
                    Ok(projects) => view! { <ProjectList projects /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProjectList(projects: LearnerProjects) -> impl IntoView {
    let LearnerProjects {
        modules,
        learner,
        projects,
        may_write,
        competencies,
    } = projects;
    let heading = if may_write {
        format!("My {}", modules.projects.to_lowercase())
    } else {
        format!("{} — {}", modules.projects, learner.name)
    };
    let name = modules.projects.clone();
    view! {
        <Title text=heading.clone() />
        <main id="main" class="page projects">
            // The learner's live events draw the list again.
            <LiveRefresh follow=Follow::Learner(learner.id) />
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <a href=format!("/learners/{}", learner.id)>{learner.name.clone()}</a>
                " › "
                <span aria-current="page">{modules.projects.clone()}</span>
            </nav>
            <h1>{heading}</h1>
            {if projects.is_empty() {
                view! { <p class="empty">{format!("No {} yet.", modules.projects.to_lowercase())}</p> }.into_any_sync()
            } else {
                view! {
                    <ul class="rows project-list">
                        {projects.into_iter().map(|project| view! { <ProjectRow project /> }).collect_view()}
                    </ul>
                }
                .into_any_sync()
            }}
            {may_write.then(|| view! {
                <section class="tile wide" aria-labelledby="new-project-title">
                    <h2 id="new-project-title">{format!("Add to {name}")}</h2>
                    <PostForm action=CreateProject::PATH then=Then::Open("/projects/".into()) class="stack">
                        <label for="project-title">"Title"</label>
                        <input id="project-title" type="text" name="title" required maxlength="200" />
                        <label for="project-body">"What it is about (Markdown: **bold**, lists, links)"</label>
                        <textarea id="project-body" name="body" rows="6"></textarea>
                        <CompetencyPicker choices=competencies id="project-competency" name="competencies" legend="Skills it shows (at least one)" />
                        <button type="submit" class="primary">{format!("Add to {name}")}</button>
                    </PostForm>
                </section>
            })}
        </main>
    }
}

#[component]
fn ProjectRow(project: ProjectSummary) -> impl IntoView {
    view! {
        <li class="project-row">
            <a class="project-title" href=format!("/projects/{}", project.id)>{project.title.clone()}</a>
            <span class="muted">{format!(" · updated {} ", day(&project.updated_at))}</span>
            <CompetencyChips competencies=project.competencies />
        </li>
    }
}
