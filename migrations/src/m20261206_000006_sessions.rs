//! Sessions that end when they should (issue 19).
//!
//! - `user.session_version`: incremented by every change that must end the user's
//!   sessions — a password changed or reset, a role or a username changed. A token carries
//!   the version it was signed with; one signed with an older version is refused.
//! - `revoked_session`: the tokens whose holder signed out (`epic-events deconnexion`),
//!   by their id (`jti`), kept until they would have expired anyway, so that every
//!   process — every server, later — refuses them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000006_sessions"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum User {
    Table,
    SessionVersion,
}

#[derive(DeriveIden, Clone, Copy)]
enum RevokedSession {
    Table,
    TokenId,
    UserId,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .add_column(
                        ColumnDef::new(User::SessionVersion)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        let mut table = Table::create()
            .table(RevokedSession::Table)
            .col(
                ColumnDef::new(RevokedSession::TokenId)
                    .string_len(64)
                    .not_null()
                    .primary_key(),
            )
            // A trace of whose token it was, not a relation: a deleted user's revoked
            // tokens simply expire.
            .col(ColumnDef::new(RevokedSession::UserId).integer().not_null())
            .col(
                ColumnDef::new(RevokedSession::ExpiresAt)
                    .date_time()
                    .not_null(),
            )
            .to_owned();
        if manager.get_database_backend() == DbBackend::MySql {
            table
                .engine("InnoDB")
                .character_set("utf8mb4")
                .collate("utf8mb4_unicode_ci");
        }
        manager.create_table(table).await?;
        manager
            .create_index(
                Index::create()
                    .name("revoked_session_expires_at_index")
                    .table(RevokedSession::Table)
                    .col(RevokedSession::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RevokedSession::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(User::Table)
                    .drop_column(User::SessionVersion)
                    .to_owned(),
            )
            .await
    }
}
