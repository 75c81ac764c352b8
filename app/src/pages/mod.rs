//! Pages, one module per thing the person sees.

pub mod audit;
pub mod backpack;
pub mod category;
pub mod checkins;
pub mod competency;
pub mod credential;
pub mod framework;
pub mod frameworks;
pub mod goal;
pub mod goals;
pub mod groups;
pub mod home;
pub mod integrations;
pub mod issuers;
pub mod learner;
pub mod learners;
pub mod login;
pub mod not_found;
pub mod people;
pub mod person;
pub mod project;
pub mod projects;
pub mod roster;
pub mod settings;
pub mod shared;
pub mod welcome;
