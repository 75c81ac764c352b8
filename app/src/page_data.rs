//! Page data: what a page loads through its server functions while the server draws it.
//!
//! Pages are drawn on the server only (the browser hydrates just the islands, which take their
//! data as props), so page data is an `AsyncDerived`: awaited inside the page's `<Suspense/>`,
//! and not written into the page for a hydration that never reads it.

use leptos::prelude::*;
use std::future::Future;

/// A page's data: `fetch` runs (again whenever `source` changes) while the page is drawn.
#[track_caller]
pub fn load<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> AsyncDerived<T>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    AsyncDerived::new(move || fetch(source()))
}
