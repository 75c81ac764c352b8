//! Widgets shared by pages.

pub mod admin;
pub mod attendance;
#[cfg(feature = "ssr")]
pub mod attendance_chart;
pub mod cohort;
pub mod forms;
pub mod layout;
pub mod progress;
#[cfg(feature = "ssr")]
pub mod radar;
pub mod story;
pub mod summary;
