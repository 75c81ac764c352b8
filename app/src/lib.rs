//! Cairn's user interface: routes, pages and components, the server functions they call, and
//! the browser entry point `hydrate()`.

// Page views are deeply nested types (forms keep their children's types, see `sync_view`);
// the optimised server build lays out their rendering futures past the default limit of 128.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod dates;
pub mod error;
pub mod live;
pub mod page_data;
pub mod pages;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod session;
pub mod sync_view;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, ParamSegment, StaticSegment};

use pages::backpack::BackpackPage;
use pages::learners::LearnersPage;
use pages::roster::RosterPage;
use pages::{home::HomePage, login::LoginPage, not_found::NotFound};
use routes::*;

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let zone = dates::provide_request_zone();
    #[cfg(not(feature = "ssr"))]
    let zone = String::new();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.ico" />
                // The institution's time zone, which the browser reads dates in as the server did.
                <meta name=dates::ZONE_META content=zone />
                // Cairn's stylesheet, under its content's name in a release build.
                <HashedStylesheet options=options.clone() id="cairn" />
                <HydrationScripts options islands=cfg!(feature = "islands") islands_router=cfg!(feature = "islands") />
                <MetaTags />
                // The institution's colours, after the stylesheet they override; the page
                // swaps it for a fresh copy when an administrator saves new ones.
                <link id="theme" rel="stylesheet" href="/theme.css" />
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
    // Browser tests (and curious people) can tell when the page has become interactive: each
    // page says so once its own (lazily loaded) view has hydrated.
    let hydrated = RwSignal::new(false);
    provide_context(Hydrated(hydrated));
    components::forms::LastSaved::provide();
    view! {
        // Always a title, even for the moment a live page swaps its content (and with it its
        // own `<Title>`): "Cairn" until the page names itself.
        <Title text="" formatter=|page: String| {
            if page.is_empty() { "Cairn".to_string() } else { format!("{page} · Cairn") }
        } />
        <a class="skip-link" href="#main">"Skip to main content"</a>
        // In islands mode the browser sets it once the islands have hydrated, and the server
        // leaves it out, so a page patched in by the islands router does not undo it.
        <div
            class="app"
            data-hydrated=move || (!cfg!(feature = "islands")).then(|| hydrated.get().to_string())
        >
            <Router>
                <Routes fallback=NotFound>
                    <Route path=StaticSegment("") view={Lazy::<HomePage>::new()} />
                    <Route path=StaticSegment("login") view={Lazy::<LoginPage>::new()} />
                    <Route path=StaticSegment("learners") view={Lazy::<LearnersPage>::new()} />
                    <Route path=StaticSegment("backpack") view={Lazy::<BackpackPage>::new()} />
                    <Route path=StaticSegment("checkins") view={Lazy::<CheckInsPage>::new()} />
                    <Route
                        path=(StaticSegment("goals"), ParamSegment("id"))
                        view={Lazy::<GoalPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("projects"), ParamSegment("id"))
                        view={Lazy::<ProjectPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("learners"), ParamSegment("id"), StaticSegment("goals"))
                        view={Lazy::<GoalsPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("learners"), ParamSegment("id"), StaticSegment("projects"))
                        view={Lazy::<ProjectsPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("share"), ParamSegment("token"))
                        view={Lazy::<SharedPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("u"), ParamSegment("handle"))
                        view={Lazy::<ProfilePage>::new()}
                    />
                    <Route
                        path=(StaticSegment("welcome"), ParamSegment("token"))
                        view={Lazy::<WelcomePage>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("integrations"))
                        view={Lazy::<IntegrationsPage>::new()}
                    />
                    <Route
                        path=StaticSegment("admin")
                        view={Lazy::<AdminPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("settings"))
                        view={Lazy::<SettingsPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("audit"))
                        view={Lazy::<AuditPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("people"))
                        view={Lazy::<PeoplePage>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("groups"))
                        view={Lazy::<GroupsPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("issuers"))
                        view={Lazy::<IssuersPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("people"), ParamSegment("id"))
                        view={Lazy::<PersonPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("frameworks"))
                        view={Lazy::<FrameworksPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("admin"), StaticSegment("frameworks"), ParamSegment("id"))
                        view={Lazy::<FrameworkPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("credentials"), ParamSegment("id"))
                        view={Lazy::<CredentialPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("credentials"), ParamSegment("id"), StaticSegment("verify"))
                        view={Lazy::<CredentialPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("groups"), ParamSegment("id"), StaticSegment("roster"))
                        view={Lazy::<RosterPage>::new()}
                    />
                    <Route
                        path=(StaticSegment("learners"), ParamSegment("id"))
                        view={Lazy::<LearnerPage>::new()}
                    />
                    <Route
                        path=(
                            StaticSegment("learners"),
                            ParamSegment("id"),
                            StaticSegment("categories"),
                            ParamSegment("category"),
                        )
                        view={Lazy::<CategoryPage>::new()}
                    />
                    <Route
                        path=(
                            StaticSegment("learners"),
                            ParamSegment("id"),
                            StaticSegment("competencies"),
                            ParamSegment("competency"),
                        )
                        view={Lazy::<CompetencyPage>::new()}
                    />
                </Routes>
            </Router>
        </div>
    }
}

/// Whether the current page has hydrated: shown as `data-hydrated` on the app's root.
#[derive(Clone, Copy)]
struct Hydrated(RwSignal<bool>);

/// Called by every page's view: once that view has hydrated (its chunk loaded, its event
/// handlers attached), the app is marked interactive.
pub fn page_hydrated() {
    if let Some(Hydrated(hydrated)) = use_context::<Hydrated>() {
        Effect::new(move |_| hydrated.set(true));
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Pages arrive as chunks of their own (`cargo leptos build --split`): the first paint
    // waits for the current page's chunk only.
    #[cfg(not(feature = "islands"))]
    leptos::mount::hydrate_lazy(App);
    #[cfg(feature = "islands")]
    {
        leptos::mount::hydrate_islands();
        // The island script hydrates each island right after this returns, within the same
        // task; once it has, the page says it is interactive.
        set_timeout(
            || {
                if let Ok(Some(app)) = document().query_selector(".app") {
                    let _ = app.set_attribute("data-hydrated", "true");
                }
            },
            std::time::Duration::ZERO,
        );
    }
}
