//! Dates and times as the institution reads them, in its time zone: "7 Dec 2026, 9:17 pm".
//!
//! The server names the zone for each request (the viewer's institution's) and writes its
//! table into the page's head (`<meta name="time-zone">`); the browser reads that table once,
//! so a date drawn on either side reads the same.

use cairn::model::Zone;

/// The name of the `<meta>` element that carries the zone's table.
pub const ZONE_META: &str = "time-zone";

/// The day of a stored timestamp or date ("7 Dec 2026").
pub fn day(at: &str) -> String {
    with_zone(|zone| zone.day(at))
}

/// A stored timestamp as its day and time ("7 Dec 2026, 9:17 pm").
pub fn moment(at: &str) -> String {
    with_zone(|zone| zone.moment(at))
}

/// The time of day of a stored timestamp ("9:17 pm").
pub fn time_of_day(at: &str) -> String {
    with_zone(|zone| zone.time_of_day(at))
}

/// On the server: the zone of the request being rendered (UTC outside one).
#[cfg(feature = "ssr")]
fn with_zone<R>(read: impl FnOnce(&Zone) -> R) -> R {
    match leptos::prelude::use_context::<std::sync::Arc<Zone>>() {
        Some(zone) => read(&zone),
        None => read(&Zone::utc()),
    }
}

/// In the browser: the zone the page was rendered with.
#[cfg(not(feature = "ssr"))]
fn with_zone<R>(read: impl FnOnce(&Zone) -> R) -> R {
    thread_local! {
        static ZONE: Zone = from_page();
    }
    ZONE.with(read)
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn from_page() -> Zone {
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| {
            document
                .query_selector(&format!("meta[name=\"{ZONE_META}\"]"))
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"))
        .and_then(|table| serde_json::from_str(&table).ok())
        .unwrap_or_default()
}

#[cfg(not(any(feature = "hydrate", feature = "ssr")))]
fn from_page() -> Zone {
    Zone::utc()
}

/// The zone's table for the page's head.
#[cfg(feature = "ssr")]
pub fn zone_meta(zone: &Zone) -> String {
    serde_json::to_string(zone).unwrap_or_default()
}

/// Makes the zone the server named for this request (`Arc<Zone>` in its extensions) the one
/// the page is drawn in, and gives its table for the page's head.
#[cfg(feature = "ssr")]
pub fn provide_request_zone() -> String {
    use leptos::prelude::{provide_context, use_context};
    let zone = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<std::sync::Arc<Zone>>().cloned())
        .unwrap_or_default();
    let table = zone_meta(&zone);
    provide_context(zone);
    table
}
