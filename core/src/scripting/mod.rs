//! Scripts (rhai): a sandboxed engine over the core's operations, under French names.
//! Nothing here decides access: scripts call the same services as the shell, with the
//! signed-in session, inside one transaction per run.

pub mod api;
pub mod context;
pub mod errors;
pub mod files;
pub mod inputs;
pub mod output;
pub mod recognition;
pub mod records;
pub mod runner;
pub mod sandbox;
pub mod spool;
pub mod zone;
