//! The core's one error type: variants a person can act on, plus the store's failures.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum CoreError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("you are not allowed to do that")]
    Forbidden,
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("{0}")]
    Conflict(String),
    #[cfg(feature = "store")]
    #[error("database error: {0}")]
    Store(#[from] sqlx::Error),
    #[cfg(feature = "store")]
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl CoreError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        CoreError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

pub type CoreResult<T> = Result<T, CoreError>;
