//! Epic Events CRM's core: the policy, the rules of each record, the services, the
//! repositories and entities over MySQL or SQLite, the migrations, the script engine and
//! its runner, sessions and their signing secret, the journal and its reports — and
//! [`local::LocalCrm`], the API (`epic_events_api::Crm`) over all of it.
//!
//! See `ARCHITECTURE.md` for the layers and the rules between them.

pub mod authentication;
pub mod catalogue;
pub mod database;
pub mod entities;
pub mod errors;
pub use epic_events_api::formatting;
pub mod handle;
pub mod local;
pub mod money;
pub use epic_events_api::paging;
pub mod permissions;
pub mod reporting;
pub mod repositories;
pub mod scripting;
pub mod seed;
pub mod services;
pub mod validation;
