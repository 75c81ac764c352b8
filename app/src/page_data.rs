//! Page data: what a page loads through its server functions while the server draws it.
//!
//! Pages are drawn on the server only (the browser hydrates just the islands, which take their
//! data as props), so page data is an `AsyncDerived`: awaited inside the page's `<Suspense/>`,
//! and not written into the page for a hydration that never reads it.
//!
//! Load where the data is needed once, not inside a `Suspend`'s view. While the server draws a
//! page, `<Suspense/>` walks its children up to three times (to find what they load, to check
//! again, to draw), and each walk runs the view's closure anew: a component drawn inside it is
//! made again, and a load in that component runs again. When the data above it is ready at once
//! (kept by the store), that is every walk. So a page loads its tiles' data beside its own, and
//! passes each tile its `AsyncDerived` (the learner dashboard does).

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
