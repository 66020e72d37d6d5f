//! Queries, one module per aggregate. No permission logic: the services decide, the
//! repositories fetch and store.

pub mod user_repository;
