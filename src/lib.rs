//! Cairn's domain core: the words of the product (learner, evidence, achievement, backpack)
//! as plain types and pure functions, the one authorization policy, and — with the `store`
//! feature, on the server only — the sqlx store and the demo school generator.

pub mod cohort;
pub mod error;
pub mod mastery;
pub mod model;
pub mod policy;
pub mod scores;
pub mod theme;

#[cfg(feature = "store")]
pub mod access;
#[cfg(feature = "store")]
pub mod admin;
#[cfg(feature = "store")]
pub mod attendance;
#[cfg(feature = "store")]
pub mod case;
#[cfg(feature = "store")]
pub mod clock;
#[cfg(feature = "credentials")]
pub mod credentials;
#[cfg(feature = "store")]
pub mod demo;
#[cfg(feature = "store")]
pub mod frameworks;
#[cfg(feature = "store")]
pub mod home;
#[cfg(feature = "store")]
pub mod markdown;
#[cfg(feature = "store")]
pub mod oneroster;
#[cfg(feature = "store")]
pub mod password;
#[cfg(feature = "store")]
pub mod people_import;
#[cfg(feature = "store")]
pub mod rsd;
#[cfg(feature = "store")]
pub mod seats;
#[cfg(feature = "store")]
pub mod store;
#[cfg(feature = "store")]
pub mod story;
#[cfg(feature = "store")]
pub mod zones;

pub use error::CoreError;
