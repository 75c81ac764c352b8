//! The app's one error type: what a server function can answer, as a person reads it.
//! Internal details are logged on the server and never sent to the browser.

#[cfg(feature = "ssr")]
use leptos::prelude::use_context;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Clone, Debug, Error, PartialEq, Serialize, Deserialize)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthorized,
    #[error("You do not have access to this page.")]
    Forbidden,
    #[error("{0} was not found.")]
    NotFound(String),
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("Something went wrong on our side. Nothing was changed; please try again.")]
    Internal,
    #[error("Cairn could not be reached ({0}). Check your connection and try again.")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<cairn::CoreError> for AppError {
    fn from(error: cairn::CoreError) -> Self {
        AppError::from_core(error).answered()
    }
}

/// A server function's refusal answers with the status it deserves (401, 403, 404, 422; 500
/// only for our own faults), not a blanket 500. Pages keep the status the router gives them,
/// and a plain form post (before the wasm arrives) still goes back to its page.
#[cfg(feature = "ssr")]
fn answer_with_status(error: &AppError) {
    use http::StatusCode;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return;
    };
    let accepts_html = parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if !parts.uri.path().starts_with("/api/") || accepts_html {
        return;
    }
    let status = match error {
        AppError::Unauthorized => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The refusal, with its status set on a server function's answer.
    pub fn answered(self) -> Self {
        answer_with_status(&self);
        self
    }

    fn from_core(error: cairn::CoreError) -> Self {
        use cairn::CoreError;
        match error {
            CoreError::NotFound(what) => AppError::NotFound(what),
            CoreError::Forbidden => AppError::Forbidden,
            CoreError::Invalid { field, reason } => AppError::Invalid { field, reason },
            CoreError::Conflict(message) => AppError::Invalid {
                field: "request".into(),
                reason: message,
            },
            other => {
                tracing::error!(error = %other, "request failed");
                AppError::Internal
            }
        }
    }
}
