//! The `cairn` binary's parts: configuration, the HTTP router with sessions and the REST
//! API, and one module per subcommand.

// The router's layers nest one type in another; their depth is past the default limit.
#![recursion_limit = "256"]

pub mod api;
pub mod attendance;
pub mod auth;
pub mod cache;
pub mod case;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod delivery;
pub mod events;
pub mod limiter;
pub mod router;
pub mod scores;
pub mod uploads;
