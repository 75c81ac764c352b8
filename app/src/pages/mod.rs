//! Pages, one module per thing the person sees.

pub mod backpack;
pub mod category;
pub mod competency;
pub mod credential;
pub mod home;
pub mod integrations;
pub mod learner;
pub mod learners;
pub mod login;
pub mod not_found;
pub mod roster;
pub mod shared;
