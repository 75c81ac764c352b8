//! A learner's dashboard at `/learners/{id}`: progress per competency by category, and badges
//! (earned, and Provisional Evidence Records with what remains), for whoever the policy allows.

use crate::sync_view::IntoAnySync;
use cairn::model::LearnerProgress;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::get_learner;
use crate::components::attendance::AttendanceTile;
use crate::components::cohort::CohortComparison;
use crate::components::layout::Tile;
use crate::components::progress::{BadgeList, ProgressList};
use crate::components::story::StoryTile;
use crate::error::AppError;
use crate::live::{id_param, Follow, LiveRefresh};

/// The page's view (its route is in `crate::App`).
pub fn page() -> AnyView {
    learner_page().into_any_sync()
}

fn learner_page() -> impl IntoView {
    let learner_id = id_param();
    let dashboard = crate::page_data::load(learner_id, |id| async move {
        match id {
            Some(id) => get_learner(id).await,
            None => Err(AppError::NotFound("such learner".into())),
        }
    });
    view! {
        <Transition fallback=|| view! { <main id="main" class="page" aria-busy="true"></main> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(progress) => view! { <Dashboard progress /> }.into_any_sync(),
                    Err(error) => view! { <Refusal error /> }.into_any_sync(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Dashboard(progress: LearnerProgress) -> impl IntoView {
    let name = progress.learner.name.clone();
    let learner_id = progress.learner.id;
    let achievements = progress.achievements.clone();
    view! {
        <Title text=name.clone() />
        <main id="main" class="page">
            // Every live event about this learner draws the dashboard again.
            <LiveRefresh follow=Follow::Learner(learner_id) />
            <nav aria-label="Breadcrumb" class="breadcrumbs">
                <a href="/">"Home"</a>
                " › "
                <span aria-current="page">{name.clone()}</span>
            </nav>
            <h1>{name}</h1>
            <div class="tiles">
                <Tile id="progress" title="Progress" wide=true>
                    <ProgressList progress />
                </Tile>
                <Tile id="badges" title="Badges">
                    <BadgeList learner_id achievements />
                </Tile>
                <StoryTile learner_id />
                <AttendanceTile learner_id />
                <CohortComparison learner_id />
            </div>
        </main>
    }
}

/// Not allowed, not found, or not signed in: said plainly. (The server's router gives the
/// response its 403 or 404 status: the page streams, so its status is sent before this renders.)
#[component]
pub fn Refusal(error: AppError) -> impl IntoView {
    let (title, message) = match &error {
        AppError::Forbidden => (
            "Not allowed",
            "You can only see the learners you are linked to and the groups you teach.".to_string(),
        ),
        AppError::NotFound(what) => ("Not found", format!("There is no {what} at this address.")),
        other => ("This page could not be shown", other.to_string()),
    };
    view! {
        <Title text=title />
        <main id="main" class="page narrow">
            <h1>{title}</h1>
            <p role="alert">{message}</p>
            <p><a href="/">"Go to your home page"</a></p>
        </main>
    }
}
