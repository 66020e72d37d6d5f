//! Schema migrations of Epic Events CRM, for MySQL/MariaDB and SQLite.
//!
//! Every migration is written once for both backends with SeaORM's schema builder; where
//! the backends must differ (how money is stored on SQLite), the migration branches on
//! [`DbBackend`](sea_orm_migration::sea_orm::DbBackend) and says why.

pub use sea_orm_migration::MigrationStatus;
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_schema;
mod m20261122_000002_seed_roles_and_permissions;
mod m20261124_000003_concurrent_use;
mod m20261124_000004_canonical_phone_numbers;
mod m20261204_000005_search_text;
mod m20261206_000006_sessions;
mod m20261207_000007_full_text_search;

pub use m20261124_000004_canonical_phone_numbers::canonical_phone_number;
pub use m20261204_000005_search_text::folded;
pub use m20261207_000007_full_text_search::{
    LONGEST_WORD, SHORTEST_INDEXED_WORD, search_text, words, words_table,
};

/// The ordered list of every migration of the application.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_schema::Migration),
            Box::new(m20261122_000002_seed_roles_and_permissions::Migration),
            Box::new(m20261124_000003_concurrent_use::Migration),
            Box::new(m20261124_000004_canonical_phone_numbers::Migration),
            Box::new(m20261204_000005_search_text::Migration),
            Box::new(m20261206_000006_sessions::Migration),
            Box::new(m20261207_000007_full_text_search::Migration),
        ]
    }
}
