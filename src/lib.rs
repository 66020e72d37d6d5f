//! Epic Events CRM: the library behind the `epic-events` command.
//!
//! See `ARCHITECTURE.md` for the layers and the rules between them.

pub mod application_error;
pub mod authentication;
pub mod catalogue;
pub mod command_line;
pub mod commands;
pub mod config;
pub mod database;
pub mod entities;
pub mod errors;
pub use epic_events_api::formatting;
pub mod handle;
pub mod local;
pub mod money;
pub use epic_events_api::paging;
pub mod permissions;
pub mod private_directory;
pub mod reporting;
pub mod repositories;
pub mod scripting;
pub mod services;
pub mod shell;
pub mod terminal;
pub mod validation;
