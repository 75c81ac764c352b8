//! The lazily loaded sections of the browser's wasm. Each section is one split point of
//! `cargo leptos build --split`: its pages arrive together in the chunks of that section.
//!
//! A split point per page would make the smallest chunks, but the splitter puts the code that
//! several split points share into a chunk per combination of them, so every page added split
//! the shared code further and every page grew (622 files for 21 pages, BENCHMARKS.md). Pages
//! that share most of their code load as one section instead: administration, the learner's
//! stories, the learner's record, and the public credential pages. The router still matches
//! each address; the section's view picks the page from the address it was opened at.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use leptos_router::{lazy_route, LazyRoute};

use crate::pages::{
    audit, category, checkins, competency, credential, framework, frameworks, goal, goals, groups,
    integrations, learner, not_found::NotFound, people, person, project, projects, settings,
    shared,
};

/// The address's path segments, as the router matched them.
fn segments() -> Vec<String> {
    use_location()
        .pathname
        .get_untracked()
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The segments as string slices, for matching.
fn matched<R>(pick: impl FnOnce(&[&str]) -> Option<R>) -> Option<R> {
    let segments = segments();
    let slices: Vec<&str> = segments.iter().map(String::as_str).collect();
    pick(&slices)
}

/// A section's page, or "not found" for an address the section does not hold (the router
/// only sends it its own, so this is a safeguard).
fn show(page: Option<fn() -> AnyView>) -> AnyView {
    crate::page_hydrated();
    match page {
        Some(page) => page(),
        None => view! { <NotFound /> }.into_any(),
    }
}

/// `/admin/…`: settings, audit, people, a person, groups, frameworks and integrations.
pub struct AdminSection;

#[lazy_route]
impl LazyRoute for AdminSection {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        show(matched(|path| match path {
            ["admin", "settings"] => Some(settings::page as fn() -> AnyView),
            ["admin", "audit"] => Some(audit::page),
            ["admin", "people"] => Some(people::page),
            ["admin", "people", _] => Some(person::page),
            ["admin", "groups"] => Some(groups::page),
            ["admin", "integrations"] => Some(integrations::page),
            ["admin", "frameworks"] => Some(frameworks::page),
            ["admin", "frameworks", _] => Some(framework::page),
            _ => None,
        }))
    }
}

/// The learner's stories: goals, projects and check-ins.
pub struct StorySection;

#[lazy_route]
impl LazyRoute for StorySection {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        show(matched(|path| match path {
            ["goals", _] => Some(goal::page as fn() -> AnyView),
            ["projects", _] => Some(project::page),
            ["learners", _, "goals"] => Some(goals::page),
            ["learners", _, "projects"] => Some(projects::page),
            ["checkins"] => Some(checkins::page),
            _ => None,
        }))
    }
}

/// The learner's record: the dashboard, a category and a competency.
pub struct RecordSection;

#[lazy_route]
impl LazyRoute for RecordSection {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        show(matched(|path| match path {
            ["learners", _] => Some(learner::page as fn() -> AnyView),
            ["learners", _, "categories", _] => Some(category::page),
            ["learners", _, "competencies", _] => Some(competency::page),
            _ => None,
        }))
    }
}

/// What anyone may open: a credential and its verification, a shared collection, a profile.
pub struct PublicSection;

#[lazy_route]
impl LazyRoute for PublicSection {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        show(matched(|path| match path {
            ["credentials", _] | ["credentials", _, "verify"] => {
                Some(credential::page as fn() -> AnyView)
            }
            ["share", _] => Some(shared::shared),
            ["u", _] => Some(shared::profile),
            _ => None,
        }))
    }
}
