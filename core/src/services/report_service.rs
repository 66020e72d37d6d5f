//! Reports over the whole base, computed by the database: unpaid contracts and activity
//! per sales user. Everyone who may read contracts and customers may read them.

use sea_orm::ConnectionTrait;

use super::Session;
pub use crate::catalogue::report::{SalesActivity, SalesUser, UnpaidContracts};
use crate::errors::CoreError;
use crate::money::decimal_from_cents;
use crate::permissions::{Action, Resource, Role, Target, authorize};
use crate::repositories::report_repository;

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
