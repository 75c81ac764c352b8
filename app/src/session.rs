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

/// The signed-in person, or `Unauthorized`.
pub fn viewer() -> Result<Viewer, AppError> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
        .ok_or_else(|| AppError::Unauthorized.answered())
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
