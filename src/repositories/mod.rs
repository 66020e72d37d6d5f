//! Queries, one module per aggregate. No permission logic: the services decide, the
//! repositories fetch and store.

pub mod contract_repository;
pub mod customer_repository;
pub mod event_repository;
pub mod permission_repository;
pub mod report_repository;
pub mod user_repository;
