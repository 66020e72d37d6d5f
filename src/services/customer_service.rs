//! Customers: listing, reading, and — for their sales user — creating, modifying, deleting.

use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ActiveValue::Set, ConnectionTrait, TransactionTrait};

use super::journal::ChangeKind;
use super::{Current, Session, commit, refuse_if_stale};
use crate::entities::customer;
use crate::errors::{CoreError, attached_records_conflict, from_unique_violation};
use crate::paging::{Page, PageRequest};
use crate::permissions::{
    Action, Ownership, PermissionDenied, Resource, Target, authorize, ownership,
};
pub use crate::repositories::customer_repository::CustomerRow;
use crate::repositories::{begin_write, customer_repository};
use crate::validation;

/// Maximum length of a company name (`varchar(150)`).
pub const COMPANY_NAME_MAXIMUM_LENGTH: usize = 150;

/// Field names as users know them.
pub mod field {
    pub const FIRST_NAME: &str = "prénom";
    pub const LAST_NAME: &str = "nom";
    pub const EMAIL: &str = "adresse e-mail";
    pub const PHONE_NUMBER: &str = "téléphone";
    pub const COMPANY_NAME: &str = "entreprise";
}

const UNIQUE_COLUMNS: &[(&str, &str)] = &[
    ("email", field::EMAIL),
    ("phone_number", field::PHONE_NUMBER),
    ("company_name", field::COMPANY_NAME),
];

/// Which customers to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerList {
    /// Every customer.
    All,
    /// The signed-in sales user's customers (empty for other roles, who own none).
    Mine,
}

/// A new customer, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewCustomer {
    /// Contact's first name.
    pub first_name: String,
    /// Contact's last name.
    pub last_name: String,
    /// Contact's e-mail.
    pub email: String,
    /// Contact's phone.
    pub phone_number: String,
    /// Company name.
    pub company_name: String,
}

/// The fields to change on a customer; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerChanges {
    /// New first name.
    pub first_name: Option<String>,
    /// New last name.
    pub last_name: Option<String>,
    /// New e-mail.
    pub email: Option<String>,
    /// New phone.
    pub phone_number: Option<String>,
    /// New company name.
    pub company_name: Option<String>,
}

fn company_name(value: &str) -> Result<String, CoreError> {
    validation::required_text(field::COMPANY_NAME, value, COMPANY_NAME_MAXIMUM_LENGTH)
}

/// A page of customers.
pub async fn list(
    connection: &impl ConnectionTrait,
    session: &Session,
    which: CustomerList,
    page: PageRequest,
) -> Result<Page<CustomerRow>, CoreError> {
    authorize(
        &session.actor,
        Action::Read,
        Target::AnyOf(Resource::Customer),
    )?;
    let owner = match which {
        CustomerList::All => None,
        CustomerList::Mine => match ownership(session.user.role, Resource::Customer) {
            Ownership::OfMyCustomers => Some(session.user.id),
            _ => return Ok(Page::empty()),
        },
    };
    let rows = customer_repository::list(connection, owner, page).await?;
    Ok(Page::from_rows(rows, page, |row| row.id))
}

/// One customer, with their sales user's name.
pub async fn detail(
    connection: &impl ConnectionTrait,
    session: &Session,
    id: i32,
) -> Result<CustomerRow, CoreError> {
    authorize(
        &session.actor,
        Action::Read,
        Target::AnyOf(Resource::Customer),
    )?;
    find(connection, id, false).await
}

/// Whether `session` may do `action` on `customer` as it is: what the services check, and
/// what the shell asks before offering an action.
pub fn permits(
    session: &Session,
    action: Action,
    customer: &CustomerRow,
) -> Result<(), PermissionDenied> {
    authorize(
        &session.actor,
        action,
        Target::Customer {
            sales_user_id: customer.user_sales_id,
        },
    )
}

async fn find(
    connection: &impl ConnectionTrait,
    id: i32,
    for_update: bool,
) -> Result<CustomerRow, CoreError> {
    customer_repository::find(connection, id, for_update)
        .await?
        .ok_or(CoreError::NotFound { what: "client", id })
}

/// Creates a customer owned by the signed-in sales user.
pub async fn create(
    connection: &impl ConnectionTrait,
    session: &Session,
    input: &NewCustomer,
) -> Result<CustomerRow, CoreError> {
    authorize(
        &session.actor,
        Action::Create,
        Target::Customer {
            sales_user_id: session.user.id,
        },
    )?;
    let new_customer = customer::ActiveModel {
        user_sales_id: Set(session.user.id),
        customer_first_name: Set(validation::person_name(
            field::FIRST_NAME,
            &input.first_name,
        )?),
        customer_last_name: Set(validation::person_name(field::LAST_NAME, &input.last_name)?),
        email: Set(validation::email(field::EMAIL, &input.email)?),
        phone_number: Set(validation::phone_number(
            field::PHONE_NUMBER,
            &input.phone_number,
        )?),
        company_name: Set(company_name(&input.company_name)?),
        updated_by: Set(Some(session.user.id)),
        ..Default::default()
    };
    let created = customer_repository::insert(connection, new_customer)
        .await
        .map_err(|error| from_unique_violation(error, "customer", UNIQUE_COLUMNS))?;
    tracing::info!(
        user_id = session.user.id,
        customer_id = created.id,
        "customer created"
    );
    session.journal.record(
        Resource::Customer,
        ChangeKind::Created,
        created.id,
        &created.company_name,
    );
    find(connection, created.id, false).await
}

/// Changes fields of a customer owned by the signed-in sales user.
///
/// `seen` is the customer as the person (or script) read it before deciding the change, if
/// the change was made from it: when a field the change sets has changed since, the change
/// is refused ([`CoreError::Stale`]) and nothing is written.
pub async fn update(
    connection: &(impl ConnectionTrait + TransactionTrait),
    session: &Session,
    id: i32,
    changes: &CustomerChanges,
    seen: Option<&CustomerRow>,
) -> Result<CustomerRow, CoreError> {
    let transaction = begin_write(connection).await?;
    let current = find(&transaction, id, true).await?;
    permits(session, Action::Update, &current)?;
    if let Some(seen) = seen {
        let fields = [
            (
                changes.first_name.is_some(),
                seen.customer_first_name != current.customer_first_name,
            ),
            (
                changes.last_name.is_some(),
                seen.customer_last_name != current.customer_last_name,
            ),
            (changes.email.is_some(), seen.email != current.email),
            (
                changes.phone_number.is_some(),
                seen.phone_number != current.phone_number,
            ),
            (
                changes.company_name.is_some(),
                seen.company_name != current.company_name,
            ),
        ];
        let now = Current {
            what: "le client",
            label: &current.company_name,
            version: current.version,
            updated_by: current.updated_by,
            updated_at: current.updated_at,
        };
        refuse_if_stale(&transaction, seen.version, now, &fields).await?;
    }
    let mut columns: Vec<(customer::Column, SimpleExpr)> = Vec::new();
    let mut change = |column: customer::Column, value: String, stored: &String| {
        if &value != stored {
            columns.push((column, Expr::value(value)));
        }
    };
    if let Some(value) = &changes.first_name {
        change(
            customer::Column::CustomerFirstName,
            validation::person_name(field::FIRST_NAME, value)?,
            &current.customer_first_name,
        );
    }
    if let Some(value) = &changes.last_name {
        change(
            customer::Column::CustomerLastName,
            validation::person_name(field::LAST_NAME, value)?,
            &current.customer_last_name,
        );
    }
    if let Some(value) = &changes.email {
        change(
            customer::Column::Email,
            validation::email(field::EMAIL, value)?,
            &current.email,
        );
    }
    if let Some(value) = &changes.phone_number {
        change(
            customer::Column::PhoneNumber,
            validation::phone_number(field::PHONE_NUMBER, value)?,
            &current.phone_number,
        );
    }
    if let Some(value) = &changes.company_name {
        change(
            customer::Column::CompanyName,
            company_name(value)?,
            &current.company_name,
        );
    }
    if columns.is_empty() {
        return Ok(current);
    }
    customer_repository::update(&transaction, id, columns, session.user.id)
        .await
        .map_err(|error| from_unique_violation(error, "customer", UNIQUE_COLUMNS))?;
    let updated = find(&transaction, id, false).await?;
    commit(transaction).await?;
    session.journal.record(
        Resource::Customer,
        ChangeKind::Modified,
        id,
        &updated.company_name,
    );
    tracing::info!(
        user_id = session.user.id,
        customer_id = id,
        "customer updated"
    );
    Ok(updated)
}

/// Deletes a customer owned by the signed-in sales user, if no contract refers to it.
pub async fn delete(
    connection: &(impl ConnectionTrait + TransactionTrait),
    session: &Session,
    id: i32,
) -> Result<(), CoreError> {
    let transaction = begin_write(connection).await?;
    let current = find(&transaction, id, true).await?;
    permits(session, Action::Delete, &current)?;
    let contracts = customer_repository::count_contracts(&transaction, id).await?;
    let subject = format!(
        "le client {} ne peut pas être supprimé",
        current.company_name
    );
    if let Some(conflict) = attached_records_conflict(&subject, &[(contracts, "contrat")]) {
        return Err(conflict);
    }
    customer_repository::delete(&transaction, id).await?;
    commit(transaction).await?;
    session.journal.record(
        Resource::Customer,
        ChangeKind::Deleted,
        id,
        &current.company_name,
    );
    tracing::info!(
        user_id = session.user.id,
        customer_id = id,
        "customer deleted"
    );
    Ok(())
}
