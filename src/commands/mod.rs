//! What each command of the command line does, once parsed.

pub mod database;
pub mod prompt;
pub mod script;
pub mod session;

/// An error to show the user: its `Display` is French and contains nothing secret.
pub type CommandError = Box<dyn std::error::Error + Send + Sync>;
