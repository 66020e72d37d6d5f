//! What each command of the command line does, once parsed.

pub mod database;
pub mod prompt;
pub mod script;
pub mod session;

pub use crate::application_error::ApplicationError;
