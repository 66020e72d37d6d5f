//! What each command of the command line does, once parsed (the `base` administration
//! commands are the program's, beside the core: see the `epic-events` binary).

pub mod prompt;
pub mod script;
pub mod session;

pub use crate::application_error::ApplicationError;
