//! The lazily loaded pages: each is a split point of `cargo leptos build --split`, so a page's
//! view arrives as chunks of the browser's wasm of its own (plus chunks it shares with other
//! pages). Each page module exposes `page()`; `page_route!` makes it a lazy route.
//!
//! Measured (BENCHMARKS.md): grouping pages into fewer split points ("sections") cut the
//! number of chunks — the splitter makes one chunk per combination of split points that share
//! code, and each small chunk compresses worse on its own — but a section then carries every
//! one of its pages, and the largest section grew far more than the chunks saved. So every
//! page stays a split point of its own.

use crate::pages::{
    admin, audit, category, checkins, competency, credential, framework, frameworks, goal, goals,
    groups, integrations, issuers, learner, people, person, project, projects, settings, shared,
    welcome,
};

/// A split point of its own for one page. In islands mode the page is drawn on the server
/// only, so it is an ordinary route (no browser code of its own).
macro_rules! page_route {
    ($(#[$doc:meta])* $name:ident => $view:expr) => {
        $(#[$doc])*
        pub struct $name;

        #[cfg(not(feature = "islands"))]
        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $name {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> leptos::prelude::AnyView {
                crate::page_hydrated();
                $view
            }
        }

        #[cfg(feature = "islands")]
        impl leptos_router::LazyRoute for $name {
            fn data() -> Self {
                Self
            }

            async fn view(_this: Self) -> leptos::prelude::AnyView {
                $view
            }
        }
    };
}
pub(crate) use page_route;

page_route!(AdminPage => admin::page());
page_route!(SettingsPage => settings::page());
page_route!(AuditPage => audit::page());
page_route!(PeoplePage => people::page());
page_route!(PersonPage => person::page());
page_route!(GroupsPage => groups::page());
page_route!(IssuersPage => issuers::page());
page_route!(IntegrationsPage => integrations::page());
page_route!(FrameworksPage => frameworks::page());
page_route!(FrameworkPage => framework::page());
page_route!(GoalPage => goal::page());
page_route!(GoalsPage => goals::page());
page_route!(ProjectPage => project::page());
page_route!(ProjectsPage => projects::page());
page_route!(CheckInsPage => checkins::page());
page_route!(LearnerPage => learner::page());
page_route!(CategoryPage => category::page());
page_route!(CompetencyPage => competency::page());
page_route!(CredentialPage => credential::page());
page_route!(SharedPage => shared::shared());
page_route!(ProfilePage => shared::profile());
page_route!(WelcomePage => welcome::page());
