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
#[cfg(feature = "ssr")]
pub mod session;
pub mod sync_view;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::SsrMode;
use leptos_router::{ParamSegment, StaticSegment};

use pages::not_found::NotFound;

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
                <HydrationScripts options islands=true />
                // Draws the page again in place (after a save, on a live event).
                <script src="/redraw.js" defer></script>
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
    view! {
        // Always a title, even for the moment a live page swaps its content (and with it its
        // own `<Title>`): "Cairn" until the page names itself.
        <Title text="" formatter=|page: String| {
            if page.is_empty() { "Cairn".to_string() } else { format!("{page} · Cairn") }
        } />
        <a class="skip-link" href="#main">"Skip to main content"</a>
        // Browser tests (and curious people) can tell when the page has become interactive:
        // the browser sets `data-hydrated` once the islands have hydrated. The server leaves
        // it out, so a page drawn again in place does not undo it.
        <div class="app">
            // Each page is drawn whole before it is sent (not streamed in pieces): the browser
            // hydrates its islands once, and a page drawn again in place is complete.
            <Router>
                <Routes fallback=NotFound>
                    <Route ssr=SsrMode::Async path=StaticSegment("") view=pages::home::page />
                    <Route ssr=SsrMode::Async path=StaticSegment("login") view=pages::login::page />
                    <Route ssr=SsrMode::Async path=StaticSegment("learners") view=pages::learners::page />
                    <Route ssr=SsrMode::Async path=StaticSegment("backpack") view=pages::backpack::page />
                    <Route ssr=SsrMode::Async path=StaticSegment("checkins") view=pages::checkins::page />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("goals"), ParamSegment("id"))
                        view=pages::goal::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("projects"), ParamSegment("id"))
                        view=pages::project::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("learners"), ParamSegment("id"), StaticSegment("goals"))
                        view=pages::goals::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("learners"), ParamSegment("id"), StaticSegment("projects"))
                        view=pages::projects::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("share"), ParamSegment("token"))
                        view=pages::shared::shared
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("u"), ParamSegment("handle"))
                        view=pages::shared::profile
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("welcome"), ParamSegment("token"))
                        view=pages::welcome::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("integrations"))
                        view=pages::integrations::page
                    />
                    <Route ssr=SsrMode::Async
                        path=StaticSegment("admin")
                        view=pages::admin::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("attendance"))
                        view=pages::attendance::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("oneroster"))
                        view=pages::oneroster::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("settings"))
                        view=pages::settings::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("audit"))
                        view=pages::audit::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("people"))
                        view=pages::people::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("groups"))
                        view=pages::groups::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("issuers"))
                        view=pages::issuers::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("people"), ParamSegment("id"))
                        view=pages::person::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("frameworks"))
                        view=pages::frameworks::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("admin"), StaticSegment("frameworks"), ParamSegment("id"))
                        view=pages::framework::page
                    />
                    <Route ssr=SsrMode::Async
                        path=StaticSegment("codes")
                        view=pages::codes::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("register"), ParamSegment("code"))
                        view=pages::register::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("credentials"), ParamSegment("id"))
                        view=pages::credential::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("credentials"), ParamSegment("id"), StaticSegment("verify"))
                        view=pages::credential::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("groups"), ParamSegment("id"), StaticSegment("roster"))
                        view=pages::roster::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(StaticSegment("learners"), ParamSegment("id"))
                        view=pages::learner::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(
                            StaticSegment("learners"),
                            ParamSegment("id"),
                            StaticSegment("categories"),
                            ParamSegment("category"),
                        )
                        view=pages::category::page
                    />
                    <Route ssr=SsrMode::Async
                        path=(
                            StaticSegment("learners"),
                            ParamSegment("id"),
                            StaticSegment("competencies"),
                            ParamSegment("competency"),
                        )
                        view=pages::competency::page
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
    leptos::mount::hydrate_islands();
    // The island script hydrates each island right after this returns, within the same task;
    // once it has, the page says it is interactive.
    set_timeout(
        || {
            if let Ok(Some(app)) = document().query_selector(".app") {
                let _ = app.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
