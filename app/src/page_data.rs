//! Page data: what a page loads through a server function, as a resource.
//!
//! A resource's first value is written into the server-rendered HTML and read back when the page
//! hydrates; every later value is a server function's JSON answer. Leptos's default resource
//! codec reads the first with `serde_json::from_str` while server functions read theirs with
//! `serde_json::from_slice`, and those are two instantiations of every page type's
//! `Deserialize` and of serde_json's whole parser. [`PageJson`] reads both from bytes, so the
//! browser carries one copy (measured in BENCHMARKS.md).

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// JSON page data, read from bytes as server functions read their answers.
pub struct PageJson;

impl<T: Serialize> Encoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, Self::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, Self::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}

/// A page's data: `fetch` runs again whenever `source` changes (as `Resource::new`).
#[track_caller]
pub fn resource<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, PageJson>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetch, false)
}
