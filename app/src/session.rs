//! On the server: the store and the signed-in person for the request being handled. The
//! server's session middleware puts the `Viewer` into the request's extensions.

use cairn::model::Viewer;
use cairn::store::Store;
use leptos::prelude::*;

use crate::error::AppError;

pub fn store() -> Result<Store, AppError> {
    use_context::<Store>().ok_or_else(|| {
        tracing::error!("no store in the request context");
        AppError::Internal
    })
}

/// The signed-in person, or `Unauthorized` (which sets the answer's status: use it only
/// where the refusal is the answer).
pub fn viewer() -> Result<Viewer, AppError> {
    signed_in().ok_or_else(|| AppError::Unauthorized.answered())
}

/// The signed-in person, if any, for what anyone may see (a credential, a shared page):
/// someone not signed in is not a refusal, so the answer keeps its success status.
pub fn signed_in() -> Option<Viewer> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
}

/// The signed-in person and the store, as most server functions start.
pub fn viewer_and_store() -> Result<(Viewer, Store), AppError> {
    Ok((viewer()?, store()?))
}

/// The address the signed-in person's request came from (`Viewer::origin`, set by the
/// server's session layer), for the audit log.
pub fn origin() -> Option<String> {
    use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<Viewer>()
            .and_then(|v| v.origin.clone())
    })
}
