//! Reports over the whole base, computed by the database: unpaid contracts and activity
//! per sales user. Everyone who may read contracts and customers may read them.

use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;

use super::Session;
use crate::errors::CoreError;
use crate::money::decimal_from_cents;
use crate::permissions::{Action, Resource, Role, Target, authorize};
use crate::repositories::report_repository;

/// The sales user a line of a report is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SalesUser {
    /// `user.id`.
    pub id: i32,
    /// Sign-in name, for those who may read users (management) only: half of what signs
    /// in, it is not shown to the others.
    pub username: Option<String>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
}

/// The unpaid contracts of one sales user's customers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnpaidContracts {
    /// Whose customers.
    pub sales_user: SalesUser,
    /// How many contracts have something left to pay.
    pub contracts: i64,
    /// Their total amounts, exact.
    pub total_amount: Decimal,
    /// What is left to pay on them, exact.
    pub balance_due: Decimal,
}

/// What one sales user brought in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SalesActivity {
    /// The sales user.
    pub sales_user: SalesUser,
    /// Number of their customers.
    pub customers: i64,
    /// Number of signed contracts of their customers.
    pub signed_contracts: i64,
    /// Total amount of those contracts, exact.
    pub signed_amount: Decimal,
    /// What is left to pay on them, exact.
    pub balance_due: Decimal,
}

/// Whether `session` may read users, and so the login names of the reports' sales users.
fn may_read_users(session: &Session) -> bool {
    authorize(&session.actor, Action::Read, Target::AnyOf(Resource::User)).is_ok()
}

/// The unpaid contracts per sales user, for those who have any, by name.
pub async fn unpaid_by_sales_user(
    connection: &impl ConnectionTrait,
    session: &Session,
) -> Result<Vec<UnpaidContracts>, CoreError> {
    authorize(
        &session.actor,
        Action::Read,
        Target::AnyOf(Resource::Contract),
    )?;
    let rows = report_repository::unpaid_by_sales_user(connection).await?;
    let usernames_shown = may_read_users(session);
    Ok(rows
        .into_iter()
        .map(|row| UnpaidContracts {
            sales_user: SalesUser {
                id: row.sales_user_id,
                username: usernames_shown.then_some(row.username),
                first_name: row.first_name,
                last_name: row.last_name,
            },
            contracts: row.contracts,
            total_amount: decimal_from_cents(row.total_amount_cents),
            balance_due: decimal_from_cents(row.balance_due_cents),
        })
        .collect())
}

/// Customers and signed contracts per sales user, every sales user included, by name.
pub async fn activity_by_sales_user(
    connection: &impl ConnectionTrait,
    session: &Session,
) -> Result<Vec<SalesActivity>, CoreError> {
    authorize(
        &session.actor,
        Action::Read,
        Target::AnyOf(Resource::Customer),
    )?;
    authorize(
        &session.actor,
        Action::Read,
        Target::AnyOf(Resource::Contract),
    )?;
    let rows = report_repository::activity_by_sales_user(connection, Role::Sales.name()).await?;
    let usernames_shown = may_read_users(session);
    Ok(rows
        .into_iter()
        .map(|row| SalesActivity {
            sales_user: SalesUser {
                id: row.sales_user_id,
                username: usernames_shown.then_some(row.username),
                first_name: row.first_name,
                last_name: row.last_name,
            },
            customers: row.customers,
            signed_contracts: row.signed_contracts,
            signed_amount: decimal_from_cents(row.signed_amount_cents),
            balance_due: decimal_from_cents(row.balance_due_cents),
        })
        .collect())
}
