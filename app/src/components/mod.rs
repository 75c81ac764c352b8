//! Widgets shared by pages.

pub mod cohort;
pub mod forms;
pub mod layout;
pub mod progress;
pub mod radar;
pub mod story;
