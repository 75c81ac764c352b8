//! Live events in the browser: one `EventSource` on `/api/v1/events` per page that listens,
//! open while the page is mounted. The server sends only what the signed-in person may see.

use cairn::model::LiveEvent;
use leptos::prelude::*;

/// A counter a page moves on when a live event changes what it shows; resources that read it
/// reload. Provided by the page, read by its components.
#[derive(Clone, Copy, Debug)]
pub struct LiveVersion(RwSignal<u64>);

impl LiveVersion {
    /// A new counter, provided to the components below.
    pub fn provide() -> LiveVersion {
        let version = LiveVersion(RwSignal::new(0));
        provide_context(version);
        version
    }

    /// The page's counter, or a still one outside a live page.
    pub fn current() -> Option<LiveVersion> {
        use_context::<LiveVersion>()
    }

    pub fn get(&self) -> u64 {
        self.0.get()
    }

    pub fn bump(&self) {
        self.0.update(|version| *version += 1);
    }
}

/// What the person chose on a live page (the category shown, the framework compared), kept
/// above the parts that reload so a live update does not undo their choice.
#[derive(Clone, Copy, Debug)]
pub struct PageChoices {
    pub category: RwSignal<Option<String>>,
    pub framework: RwSignal<Option<i64>>,
}

impl PageChoices {
    /// New choices, provided to the components below.
    pub fn provide() -> PageChoices {
        let choices = PageChoices {
            category: RwSignal::new(None),
            framework: RwSignal::new(None),
        };
        provide_context(choices);
        choices
    }

    /// The page's choices, or fresh ones where no live page keeps them.
    pub fn current() -> PageChoices {
        use_context::<PageChoices>().unwrap_or_else(|| PageChoices {
            category: RwSignal::new(None),
            framework: RwSignal::new(None),
        })
    }
}

/// Calls `on_event` for each live event while the calling component is mounted, and
/// `on_resync` when the page may have missed some — the connection came back after a drop, or
/// the server said this subscriber fell behind — so the page reloads what it shows.
/// Does nothing on the server.
pub fn use_live_events(on_event: impl Fn(LiveEvent) + 'static, on_resync: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    browser::listen(on_event, on_resync);
    #[cfg(not(feature = "hydrate"))]
    let _ = (on_event, on_resync);
}

/// Moves `live` on with every event about the learner `learner()` names — and every event for
/// the whole institution, such as new settings — and after a reconnection.
pub fn follow_learner(
    live: LiveVersion,
    learner: impl Fn() -> Option<cairn::model::UserId> + 'static,
) {
    use_live_events(
        move |event| {
            if event.learner_id().is_none_or(|id| Some(id) == learner()) {
                live.bump();
            }
        },
        move || live.bump(),
    );
}

/// The page's `{id}` route parameter as a number (none when absent or not a number).
pub fn id_param() -> impl Fn() -> Option<i64> + Copy + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()))
}

/// In islands mode, draws the page again from the server, keeping what the islands on it hold
/// (the islands router answers the `popstate` by fetching the page and patching the
/// difference in).
pub fn refresh_page() {
    #[cfg(feature = "hydrate")]
    {
        if let Ok(event) = web_sys::PopStateEvent::new("popstate") {
            let _ = window().dispatch_event(&event);
        }
    }
}

/// In islands mode, the page's live events: each one the signed-in person may see draws the
/// page again (the islands router applies only the newest answer when several cross; not yet
/// filtered to what the page shows, as `follow_learner` does for the hydrated pages).
#[cfg(feature = "islands")]
#[island]
pub fn LiveRefresh() -> impl IntoView {
    use_live_events(|_| refresh_page(), refresh_page);
}

/// Loads the institution's colours again on this page (after this person saved them: their
/// own page changes as every other open page does on the live event).
pub fn reload_theme() {
    #[cfg(feature = "hydrate")]
    {
        use std::sync::atomic::{AtomicU64, Ordering};
        static SAVES: AtomicU64 = AtomicU64::new(0);
        let save = SAVES.fetch_add(1, Ordering::Relaxed);
        browser::refresh_theme(&format!("saved{save}"));
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;
    use std::rc::Rc;

    use cairn::model::LiveEvent;
    use leptos::prelude::on_cleanup;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    pub fn listen(on_event: impl Fn(LiveEvent) + 'static, on_resync: impl Fn() + 'static) {
        let Ok(source) = EventSource::new("/api/v1/events") else {
            return;
        };
        let on_resync = Rc::new(on_resync);
        let on_live_event = Closure::<dyn Fn(MessageEvent)>::new(move |message: MessageEvent| {
            let Some(text) = message.data().as_string() else {
                return;
            };
            match serde_json::from_slice::<LiveEvent>(text.as_bytes()) {
                Ok(event) => {
                    if let LiveEvent::Settings { at, .. } = &event {
                        refresh_theme(at);
                    }
                    on_event(event)
                }
                Err(error) => leptos::logging::warn!("unreadable live event: {error}"),
            }
        });
        let lagged = {
            let on_resync = on_resync.clone();
            Closure::<dyn Fn()>::new(move || on_resync())
        };
        let opened_before = Rc::new(Cell::new(false));
        let reopened = Closure::<dyn Fn()>::new(move || {
            if opened_before.replace(true) {
                on_resync();
            }
        });
        for name in ["evidence", "story", "checkin", "settings", "levels"] {
            let _ = source
                .add_event_listener_with_callback(name, on_live_event.as_ref().unchecked_ref());
        }
        let _ = source.add_event_listener_with_callback("lagged", lagged.as_ref().unchecked_ref());
        source.set_onopen(Some(reopened.as_ref().unchecked_ref()));
        let kept = SendWrapper::new((source, on_live_event, lagged, reopened));
        on_cleanup(move || {
            let (source, ..) = kept.take();
            source.close();
        });
    }

    /// Loads the institution's colours again: the `<link id="theme">` gets a new address, so
    /// the browser fetches the saved theme and the page changes colour in place.
    pub fn refresh_theme(version: &str) {
        let link = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.get_element_by_id("theme"));
        if let Some(link) = link {
            let version: String = version
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            let _ = link.set_attribute("href", &format!("/theme.css?v={version}"));
        }
    }
}
