//! Epic Events CRM's API: what crosses between the people's side (the shell, typed
//! commands, `executer`) and the core (policy, rules, the database, the script engine).
//!
//! Everything here is plain data that serialises: no connection, no transaction, no
//! engine, no runtime. The core implements the API over a database; a remote
//! implementation (the server mode) carries the same values over the network.

pub mod catalogue;
pub mod crm;
pub mod error;
pub mod formatting;
pub mod lists;
pub mod money;
pub mod paging;
pub mod records;
pub mod scripts;
pub mod session;
pub mod terminal;
pub mod vocabulary;

pub use crm::{Crm, Forwarding, JsonRoundTrip, Record, Request, Transport, dispatch};
pub use error::{ApiError, ErrorCode, SessionProblem};
pub use session::{SessionInfo, SessionToken, SignedIn};
