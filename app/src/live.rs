//! Live events in the browser: one `EventSource` on `/api/v1/events` per page that listens
//! (`LiveRefresh`, the roster). The server sends only what the signed-in person may see; a
//! live page is drawn again in place when an event changes what it shows.

use cairn::model::{LiveEvent, UserId};
use leptos::prelude::*;

/// Which live events draw a page again.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Follow {
    /// A home page: everything the person may see but a single mark (its new levels follow).
    Home,
    /// A learner's page: their events, and the institution's.
    Learner(UserId),
    /// The check-ins page: check-ins sent or answered.
    CheckIns,
    /// The attendance feed's page: records arriving.
    Attendance,
}

impl Follow {
    /// Whether `event` changes what the page shows.
    pub fn wants(self, event: &LiveEvent) -> bool {
        match self {
            Follow::Home => !matches!(event, LiveEvent::Evidence { .. }),
            Follow::Learner(learner) => event.learner_id().is_none_or(|id| id == learner),
            Follow::CheckIns => matches!(event, LiveEvent::CheckIn { .. }),
            Follow::Attendance => matches!(
                event,
                LiveEvent::Attendance { .. } | LiveEvent::AttendanceFeed { .. }
            ),
        }
    }
}

/// What the person chose on a page (the category shown, the framework compared), kept in the
/// browser while they stay on it: the page is drawn again on a live event, and its islands
/// with it, and the choice stays. `None` until they choose.
pub fn kept_choice<T>(what: &'static str) -> RwSignal<Option<T>>
where
    T: std::fmt::Display + std::str::FromStr + Send + Sync + 'static,
{
    let key = move || {
        #[cfg(feature = "hydrate")]
        {
            format!(
                "{} {what}",
                window().location().pathname().unwrap_or_default()
            )
        }
        #[cfg(not(feature = "hydrate"))]
        {
            what.to_string()
        }
    };
    // Drawn first as the server drew it (nothing chosen), then the kept choice, once hydrated.
    let chosen = RwSignal::new(None);
    Effect::new(move |_| {
        let kept = KEPT.with(|kept| kept.borrow().get(&key()).and_then(|kept| kept.parse().ok()));
        if kept.is_some() {
            chosen.set(kept);
        }
    });
    Effect::watch(
        move || chosen.with(|choice| choice.as_ref().map(T::to_string)),
        move |choice, _, _| {
            if let Some(choice) = choice {
                KEPT.with(|kept| kept.borrow_mut().insert(key(), choice.clone()));
            }
        },
        false,
    );
    chosen
}

thread_local! {
    /// Every `kept_choice`, by page and what it is.
    static KEPT: std::cell::RefCell<std::collections::HashMap<String, String>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
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

/// The page's `{id}` route parameter as a number (none when absent or not a number).
pub fn id_param() -> impl Fn() -> Option<i64> + Copy + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()))
}

/// Draws the page again from the server, in place (`public/redraw.js`: what the person typed
/// and where they are stay).
pub fn refresh_page() {
    #[cfg(feature = "hydrate")]
    {
        let redraw = js_sys::Reflect::get(&window(), &"cairnRedraw".into())
            .ok()
            .and_then(|redraw| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(redraw).ok());
        match redraw {
            Some(redraw) => {
                let _ = redraw.call0(&wasm_bindgen::JsValue::NULL);
            }
            None => {
                let _ = window().location().reload();
            }
        }
    }
}

/// Follows a job running on the server (a recompute, an import): `shown` holds what it last
/// said, and while `finished` says it is still running it is asked again (`ask`) every 300 ms.
/// A failed answer keeps the last one shown and asks no more.
pub fn follow_job<T, E, Asked>(
    shown: RwSignal<T>,
    finished: impl Fn(&T) -> bool + 'static,
    ask: impl Fn() -> Asked + Copy + 'static,
) where
    T: Send + Sync + 'static,
    Asked: std::future::Future<Output = Result<T, E>> + 'static,
{
    Effect::new(move |_| {
        if !shown.with(&finished) {
            set_timeout(
                move || {
                    leptos::task::spawn_local(async move {
                        if let Ok(now) = ask().await {
                            shown.set(now);
                        }
                    })
                },
                std::time::Duration::from_millis(300),
            );
        }
    });
}

/// A live page: each event that changes what it shows (and a reconnection, after which it
/// may have missed some) draws the page again. The page listens once: drawn again, its new
/// `LiveRefresh` only says what it follows now.
#[island]
pub fn LiveRefresh(follow: Follow) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        thread_local! {
            static FOLLOWING: std::cell::Cell<Option<Follow>> = const { std::cell::Cell::new(None) };
        }
        if FOLLOWING.replace(Some(follow)).is_none() {
            use_live_events(
                |event| {
                    if FOLLOWING.get().is_some_and(|follow| follow.wants(&event)) {
                        refresh_page();
                    }
                },
                refresh_page,
            );
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = follow;
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
        for name in LiveEvent::NAMES {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(learner_id: UserId) -> LiveEvent {
        LiveEvent::Evidence {
            evidence_id: 1,
            learner_id,
            competency_id: 1,
            group_id: None,
            mark: 3.0,
            level: Some(3.0),
            given_by: None,
            recorded_at: String::new(),
            supersedes: None,
        }
    }

    fn checkin(learner_id: UserId) -> LiveEvent {
        LiveEvent::CheckIn {
            checkin_id: 1,
            learner_id,
            teacher_id: 2,
            at: String::new(),
        }
    }

    fn settings() -> LiveEvent {
        LiveEvent::Settings {
            institution_id: 1,
            at: String::new(),
        }
    }

    #[test]
    fn a_learners_page_follows_their_events_and_the_institutions_only() {
        let page = Follow::Learner(7);
        assert!(page.wants(&mark(7)));
        assert!(page.wants(&checkin(7)));
        assert!(page.wants(&settings()));
        assert!(!page.wants(&mark(8)));
        assert!(!page.wants(&checkin(8)));
    }

    #[test]
    fn a_home_page_is_not_drawn_again_for_each_mark() {
        assert!(!Follow::Home.wants(&mark(7)));
        assert!(Follow::Home.wants(&checkin(7)));
        assert!(Follow::Home.wants(&settings()));
    }

    #[test]
    fn the_checkins_page_follows_checkins_only() {
        assert!(Follow::CheckIns.wants(&checkin(7)));
        assert!(!Follow::CheckIns.wants(&mark(7)));
        assert!(!Follow::CheckIns.wants(&settings()));
    }
}
