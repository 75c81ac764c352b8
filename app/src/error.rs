//! The app's one error type: what a server function can answer, as a person reads it.
//! Internal details are logged on the server and never sent to the browser.

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
