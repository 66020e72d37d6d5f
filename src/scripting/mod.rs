//! Scripts (rhai): the sandboxed engine and, with the next issue, the French API over the
//! core services. Nothing here decides access: scripts call the same services as the shell.

pub mod errors;
pub mod sandbox;
