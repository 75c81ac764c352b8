//! Widgets shared by pages.

pub mod admin;
pub mod cohort;
pub mod forms;
pub mod layout;
pub mod progress;
#[cfg(feature = "ssr")]
pub mod radar;
pub mod story;
pub mod summary;
