//! Concurrent use (SPEC §12): what lets the core refuse a change made from a record that
//! changed since it was read, and number records without two writers taking one number.
//!
//! - `version` on every record a person edits (`user`, `customer`, `contract`, `event`):
//!   1 at creation, incremented by every write of the core; a change made from a record as
//!   it was read carries the version it saw.
//! - `updated_by`: the id of the user whose change made the current version (NULL for
//!   rows written by the `base` commands), so that a refusal can say who changed the
//!   record. Deliberately not a foreign key: it is a trace, which must neither stop a
//!   user's deletion nor make every write lock the writer's `user` row (InnoDB checks a
//!   foreign key with a shared lock on the parent).
//! - `number_sequence`: one row per number prefix (`CTR-2026-`), holding the last number
//!   given. A creation increments it under its row lock, so that concurrent creations
//!   take distinct numbers without retrying.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000003_concurrent_use"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum User {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Customer {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Contract {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Event {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Versioned {
    Version,
    UpdatedBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum NumberSequence {
    Table,
    Prefix,
    LastValue,
}

fn versioned_tables() -> [DynIden; 4] {
    [
        User::Table.into_iden(),
        Customer::Table.into_iden(),
        Contract::Table.into_iden(),
        Event::Table.into_iden(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in versioned_tables() {
            // One column per statement: SQLite alters one thing at a time.
            manager
                .alter_table(
                    Table::alter()
                        .table(table.clone())
                        .add_column(
                            ColumnDef::new(Versioned::Version)
                                .big_integer()
                                .not_null()
                                .default(1),
                        )
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(ColumnDef::new(Versioned::UpdatedBy).integer().null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(NumberSequence::Table)
                    .col(
                        ColumnDef::new(NumberSequence::Prefix)
                            .string_len(32)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(NumberSequence::LastValue)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(NumberSequence::Table).to_owned())
            .await?;
        for table in versioned_tables() {
            for column in [Versioned::UpdatedBy, Versioned::Version] {
                manager
                    .alter_table(
                        Table::alter()
                            .table(table.clone())
                            .drop_column(column)
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }
}
