//! Cairn's user interface: routes, pages and components, the server functions they call, and
//! the browser entry point `hydrate()`.

pub mod api;
pub mod components;
pub mod error;
pub mod live;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod session;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, StaticSegment};

use pages::category::CategoryPage;
use pages::competency::CompetencyPage;
use pages::integrations::IntegrationsPage;
use pages::learners::LearnersPage;
use pages::roster::RosterPage;
use pages::{home::HomePage, learner::LearnerPage, login::LoginPage, not_found::NotFound};

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.ico" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Browser tests (and curious people) can tell when the page has become interactive.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Stylesheet id="cairn" href="/pkg/cairn.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Cairn".to_string() } else { format!("{page} · Cairn") }
        } />
        <a class="skip-link" href="#main">"Skip to main content"</a>
        <div class="app" data-hydrated=move || hydrated.get().to_string()>
            <Router>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view=HomePage />
                    <Route path=StaticSegment("login") view=LoginPage />
                    <Route path=StaticSegment("learners") view=LearnersPage />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("integrations"))
                        view=IntegrationsPage
                    />
                    <Route
                        path=(StaticSegment("groups"), ParamSegment("id"), StaticSegment("roster"))
                        view=RosterPage
                    />
                    <Route
                        path=(StaticSegment("learners"), ParamSegment("id"))
                        view=LearnerPage
                    />
                    <Route
                        path=(
                            StaticSegment("learners"),
                            ParamSegment("id"),
                            StaticSegment("categories"),
                            ParamSegment("category"),
                        )
                        view=CategoryPage
                    />
                    <Route
                        path=(
                            StaticSegment("learners"),
                            ParamSegment("id"),
                            StaticSegment("competencies"),
                            ParamSegment("competency"),
                        )
                        view=CompetencyPage
                    />
                </Routes>
            </Router>
        </div>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
