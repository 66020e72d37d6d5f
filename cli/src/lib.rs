//! Epic Events CRM's command line: the interactive shell, the commands (`connexion`,
//! `deconnexion`, `moi`, `executer`, `aide`), what is shown and how, and the files of the
//! person's configuration directory (the session token, the histories). It reaches the
//! core through the API only (`epic_events_api::Crm`): the core runs in this process or,
//! in the server mode, on a server.
//!
//! See `ARCHITECTURE.md` for the layers and the rules between them.

pub mod application_error;
pub mod command_line;
pub mod commands;
pub mod private_directory;
pub mod session_store;
pub mod shell;
pub mod terminal;

pub use epic_events_api::{formatting, paging};
