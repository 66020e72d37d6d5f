//! The seven tables of the CRM (SPEC §3) with their keys, constraints and indexes.
//!
//! Rules this migration guarantees at the database level, on both backends:
//! - every unique column has a named unique index (`<table>_<column>_unique`), so that a
//!   unique violation can be mapped back to the field that caused it;
//! - every foreign key is a real constraint with an index, and nothing referenced can be
//!   deleted while something still points at it (`NO ACTION`), except the rows of the
//!   `role_permission` join table, which follow their role or permission;
//! - an event's customer is the customer of its contract (composite foreign key
//!   `(contract_id, customer_id)` → `contract (id, customer_id)`);
//! - amounts are exact: `DECIMAL(12,2)` on MySQL; on SQLite, whose decimal type is a float,
//!   a canonical text `"1234.50"` (checked by a constraint), which the entity layer reads and
//!   writes as `rust_decimal::Decimal` and which converts exactly to integer cents in SQL;
//! - `0 ≤ balance_due ≤ total_amount`, `attendees ≥ 0`, `start_datetime < end_datetime`.
//!
//! Date-times are stored in UTC: `DATETIME` on MySQL (no time-zone conversion, no 2038
//! limit), RFC 3339 text with a `+00:00` offset on SQLite (which sorts chronologically).

// Column identifiers mirror the column names fixed by SPEC §3 (`user_first_name`,
// `contract_number`…), which repeat their table's name.
#![allow(clippy::enum_variant_names)]

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000001_create_schema"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Role {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden, Clone, Copy)]
enum Permission {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden, Clone, Copy)]
enum RolePermission {
    Table,
    RoleId,
    PermissionId,
}

#[derive(DeriveIden, Clone, Copy)]
enum User {
    Table,
    Id,
    RoleId,
    UserFirstName,
    UserLastName,
    Email,
    PhoneNumber,
    Username,
    PasswordHash,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Customer {
    Table,
    Id,
    UserSalesId,
    CustomerFirstName,
    CustomerLastName,
    Email,
    PhoneNumber,
    CompanyName,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Contract {
    Table,
    Id,
    CustomerId,
    UserManagementId,
    ContractNumber,
    TotalAmount,
    BalanceDue,
    Signed,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Event {
    Table,
    Id,
    ContractId,
    CustomerId,
    UserSupportId,
    EventName,
    EventNumber,
    StartDatetime,
    EndDatetime,
    Location,
    Attendees,
    Note,
    CreatedAt,
    UpdatedAt,
}

/// Largest amount a `DECIMAL(12,2)` holds, written as the SQLite text form would be.
const SQLITE_MONEY_MAXIMUM_LENGTH: u32 = "9999999999.99".len() as u32;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();

        manager
            .create_table(
                table(backend, Role::Table)
                    .col(primary_key(Role::Id))
                    .col(ColumnDef::new(Role::Name).string_len(32).not_null())
                    .to_owned(),
            )
            .await?;
        create_unique_index(manager, Role::Table, "role_name_unique", Role::Name).await?;

        manager
            .create_table(
                table(backend, Permission::Table)
                    .col(primary_key(Permission::Id))
                    .col(ColumnDef::new(Permission::Name).string_len(64).not_null())
                    .to_owned(),
            )
            .await?;
        create_unique_index(
            manager,
            Permission::Table,
            "permission_name_unique",
            Permission::Name,
        )
        .await?;

        manager
            .create_table(
                table(backend, RolePermission::Table)
                    .col(ColumnDef::new(RolePermission::RoleId).integer().not_null())
                    .col(
                        ColumnDef::new(RolePermission::PermissionId)
                            .integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(RolePermission::RoleId)
                            .col(RolePermission::PermissionId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("role_permission_role_fk")
                            .from(RolePermission::Table, RolePermission::RoleId)
                            .to(Role::Table, Role::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("role_permission_permission_fk")
                            .from(RolePermission::Table, RolePermission::PermissionId)
                            .to(Permission::Table, Permission::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The primary key starts with role_id; permission_id needs its own index.
        create_index(
            manager,
            RolePermission::Table,
            "role_permission_permission_index",
            &[RolePermission::PermissionId],
        )
        .await?;

        manager
            .create_table(
                table(backend, User::Table)
                    .col(primary_key(User::Id))
                    .col(ColumnDef::new(User::RoleId).integer().not_null())
                    .col(person_name(User::UserFirstName))
                    .col(person_name(User::UserLastName))
                    .col(case_insensitive(backend, email(User::Email)))
                    .col(phone_number(User::PhoneNumber))
                    .col(case_insensitive(
                        backend,
                        ColumnDef::new(User::Username)
                            .string_len(50)
                            .not_null()
                            .to_owned(),
                    ))
                    .col(
                        ColumnDef::new(User::PasswordHash)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(timestamp(User::CreatedAt))
                    .col(timestamp(User::UpdatedAt))
                    .foreign_key(&mut restricted_foreign_key(
                        "user_role_fk",
                        (User::Table, User::RoleId),
                        (Role::Table, Role::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(manager, User::Table, "user_role_index", &[User::RoleId]).await?;
        create_unique_index(manager, User::Table, "user_email_unique", User::Email).await?;
        create_unique_index(
            manager,
            User::Table,
            "user_phone_number_unique",
            User::PhoneNumber,
        )
        .await?;
        create_unique_index(manager, User::Table, "user_username_unique", User::Username).await?;

        manager
            .create_table(
                table(backend, Customer::Table)
                    .col(primary_key(Customer::Id))
                    .col(ColumnDef::new(Customer::UserSalesId).integer().not_null())
                    .col(person_name(Customer::CustomerFirstName))
                    .col(person_name(Customer::CustomerLastName))
                    .col(case_insensitive(backend, email(Customer::Email)))
                    .col(phone_number(Customer::PhoneNumber))
                    .col(case_insensitive(
                        backend,
                        ColumnDef::new(Customer::CompanyName)
                            .string_len(150)
                            .not_null()
                            .to_owned(),
                    ))
                    .col(timestamp(Customer::CreatedAt))
                    .col(timestamp(Customer::UpdatedAt))
                    .foreign_key(&mut restricted_foreign_key(
                        "customer_user_sales_fk",
                        (Customer::Table, Customer::UserSalesId),
                        (User::Table, User::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            Customer::Table,
            "customer_user_sales_index",
            &[Customer::UserSalesId],
        )
        .await?;
        create_unique_index(
            manager,
            Customer::Table,
            "customer_email_unique",
            Customer::Email,
        )
        .await?;
        create_unique_index(
            manager,
            Customer::Table,
            "customer_phone_number_unique",
            Customer::PhoneNumber,
        )
        .await?;
        create_unique_index(
            manager,
            Customer::Table,
            "customer_company_name_unique",
            Customer::CompanyName,
        )
        .await?;

        manager
            .create_table(
                table(backend, Contract::Table)
                    .col(primary_key(Contract::Id))
                    .col(ColumnDef::new(Contract::CustomerId).integer().not_null())
                    .col(
                        ColumnDef::new(Contract::UserManagementId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Contract::ContractNumber)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(money(backend, Contract::TotalAmount))
                    .col(money(backend, Contract::BalanceDue))
                    .col(
                        ColumnDef::new(Contract::Signed)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(timestamp(Contract::CreatedAt))
                    .col(timestamp(Contract::UpdatedAt))
                    .check(("contract_amounts_check", amounts_check(backend)))
                    .foreign_key(&mut restricted_foreign_key(
                        "contract_customer_fk",
                        (Contract::Table, Contract::CustomerId),
                        (Customer::Table, Customer::Id),
                    ))
                    .foreign_key(&mut restricted_foreign_key(
                        "contract_user_management_fk",
                        (Contract::Table, Contract::UserManagementId),
                        (User::Table, User::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        create_unique_index(
            manager,
            Contract::Table,
            "contract_contract_number_unique",
            Contract::ContractNumber,
        )
        .await?;
        // Target of the event's composite foreign key (an event's customer is its
        // contract's customer).
        manager
            .create_index(
                Index::create()
                    .name("contract_id_customer_unique")
                    .table(Contract::Table)
                    .col(Contract::Id)
                    .col(Contract::CustomerId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Foreign-key indexes that also serve the "mine", "unsigned" and "unpaid" filters.
        create_index(
            manager,
            Contract::Table,
            "contract_customer_signed_index",
            &[Contract::CustomerId, Contract::Signed],
        )
        .await?;
        create_index(
            manager,
            Contract::Table,
            "contract_customer_balance_due_index",
            &[Contract::CustomerId, Contract::BalanceDue],
        )
        .await?;
        create_index(
            manager,
            Contract::Table,
            "contract_user_management_signed_index",
            &[Contract::UserManagementId, Contract::Signed],
        )
        .await?;
        create_index(
            manager,
            Contract::Table,
            "contract_user_management_balance_due_index",
            &[Contract::UserManagementId, Contract::BalanceDue],
        )
        .await?;

        manager
            .create_table(
                table(backend, Event::Table)
                    .col(primary_key(Event::Id))
                    .col(ColumnDef::new(Event::ContractId).integer().not_null())
                    .col(ColumnDef::new(Event::CustomerId).integer().not_null())
                    .col(ColumnDef::new(Event::UserSupportId).integer().null())
                    .col(ColumnDef::new(Event::EventName).string_len(150).not_null())
                    .col(ColumnDef::new(Event::EventNumber).string_len(32).not_null())
                    .col(timestamp(Event::StartDatetime))
                    .col(timestamp(Event::EndDatetime))
                    .col(ColumnDef::new(Event::Location).string_len(255).not_null())
                    .col(ColumnDef::new(Event::Attendees).integer().not_null())
                    .col(ColumnDef::new(Event::Note).text().not_null())
                    .col(timestamp(Event::CreatedAt))
                    .col(timestamp(Event::UpdatedAt))
                    .check((
                        "event_dates_check",
                        Expr::cust("start_datetime < end_datetime"),
                    ))
                    .check(("event_attendees_check", Expr::cust("attendees >= 0")))
                    .foreign_key(&mut restricted_foreign_key(
                        "event_contract_fk",
                        (Event::Table, Event::ContractId),
                        (Contract::Table, Contract::Id),
                    ))
                    .foreign_key(&mut restricted_foreign_key(
                        "event_customer_fk",
                        (Event::Table, Event::CustomerId),
                        (Customer::Table, Customer::Id),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("event_contract_customer_fk")
                            .from(Event::Table, (Event::ContractId, Event::CustomerId))
                            .to(Contract::Table, (Contract::Id, Contract::CustomerId))
                            .on_delete(ForeignKeyAction::NoAction)
                            .on_update(ForeignKeyAction::NoAction),
                    )
                    .foreign_key(&mut restricted_foreign_key(
                        "event_user_support_fk",
                        (Event::Table, Event::UserSupportId),
                        (User::Table, User::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        create_unique_index(
            manager,
            Event::Table,
            "event_event_number_unique",
            Event::EventNumber,
        )
        .await?;
        create_index(
            manager,
            Event::Table,
            "event_contract_customer_index",
            &[Event::ContractId, Event::CustomerId],
        )
        .await?;
        create_index(
            manager,
            Event::Table,
            "event_customer_index",
            &[Event::CustomerId],
        )
        .await?;
        // Serves "my events" and "events without support" (support IS NULL), soonest first.
        create_index(
            manager,
            Event::Table,
            "event_user_support_start_index",
            &[Event::UserSupportId, Event::StartDatetime],
        )
        .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table_name in [
            Event::Table.into_iden(),
            Contract::Table.into_iden(),
            Customer::Table.into_iden(),
            User::Table.into_iden(),
            RolePermission::Table.into_iden(),
            Permission::Table.into_iden(),
            Role::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table_name).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// A `CREATE TABLE` with the options every table shares on MySQL: InnoDB (foreign keys,
/// transactions) and full Unicode with case-insensitive comparison.
fn table(backend: DbBackend, name: impl IntoIden) -> TableCreateStatement {
    let mut statement = Table::create();
    statement.table(name);
    if backend == DbBackend::MySql {
        statement
            .engine("InnoDB")
            .character_set("utf8mb4")
            .collate("utf8mb4_unicode_ci");
    }
    statement
}

fn primary_key(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name)
        .integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn person_name(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).string_len(100).not_null().to_owned()
}

fn email(name: impl IntoIden) -> ColumnDef {
    // 254 characters: the longest address RFC 5321 allows on the wire.
    ColumnDef::new(name).string_len(254).not_null().to_owned()
}

fn phone_number(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).string_len(32).not_null().to_owned()
}

fn timestamp(name: impl IntoIden) -> ColumnDef {
    ColumnDef::new(name).date_time().not_null().to_owned()
}

/// Makes uniqueness ignore letter case on SQLite as the MySQL collation already does, so
/// that `Jean@Example.fr` and `jean@example.fr` are the same e-mail on both backends.
fn case_insensitive(backend: DbBackend, mut column: ColumnDef) -> ColumnDef {
    if backend == DbBackend::Sqlite {
        column.extra("COLLATE NOCASE");
    }
    column
}

/// An exact amount of at most 10 integer digits and 2 decimals.
fn money(backend: DbBackend, name: impl IntoIden) -> ColumnDef {
    let name = name.into_iden();
    let mut column = ColumnDef::new(name.clone());
    match backend {
        DbBackend::Sqlite => {
            // Canonical text: digits, one dot, exactly two decimals, nothing else.
            let quoted = format!("\"{name}\"");
            column
                .string_len(SQLITE_MONEY_MAXIMUM_LENGTH)
                .not_null()
                .check(Expr::cust(format!(
                    "{quoted} GLOB '[0-9]*.[0-9][0-9]' AND {quoted} NOT GLOB '*[^0-9.]*' \
                     AND {quoted} NOT GLOB '*.*.*' \
                     AND length({quoted}) <= {SQLITE_MONEY_MAXIMUM_LENGTH}"
                )));
        }
        _ => {
            column.decimal_len(12, 2).not_null();
        }
    }
    column
}

/// `0 ≤ balance_due ≤ total_amount`, compared as numbers on both backends. Written as SQL
/// text because SQLite refuses bound parameters in a `CHECK`.
fn amounts_check(backend: DbBackend) -> Expr {
    Expr::cust(match backend {
        // Integer cents of the canonical text (`"12.30"` → 1230): exact, never a float.
        DbBackend::Sqlite => {
            "CAST(REPLACE(balance_due, '.', '') AS INTEGER) >= 0 \
             AND CAST(REPLACE(balance_due, '.', '') AS INTEGER) \
             <= CAST(REPLACE(total_amount, '.', '') AS INTEGER)"
        }
        _ => "total_amount >= 0 AND balance_due >= 0 AND balance_due <= total_amount",
    })
}

/// A foreign key that refuses to delete or re-key a referenced row. `NO ACTION` rather than
/// `RESTRICT`: both refuse, but SQLite reports a `RESTRICT` refusal with an error code that
/// SeaORM does not classify as a foreign-key violation.
fn restricted_foreign_key(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::NoAction)
        .on_update(ForeignKeyAction::NoAction)
        .to_owned()
}

async fn create_index<T: IntoIden + Copy>(
    manager: &SchemaManager<'_>,
    table_name: impl IntoIden,
    index_name: &str,
    columns: &[T],
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(index_name).table(table_name);
    for column in columns {
        statement.col(*column);
    }
    manager.create_index(statement.to_owned()).await
}

async fn create_unique_index(
    manager: &SchemaManager<'_>,
    table_name: impl IntoIden,
    index_name: &str,
    column: impl IntoIden,
) -> Result<(), DbErr> {
    manager
        .create_index(
            Index::create()
                .name(index_name)
                .table(table_name)
                .col(column)
                .unique()
                .to_owned(),
        )
        .await
}
