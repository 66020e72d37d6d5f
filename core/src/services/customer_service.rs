//! Customers: listing, reading, and — for their sales user — creating, modifying, deleting.

use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use super::journal::ChangeKind;
use super::{Current, Session, commit, refuse_before_locking, refuse_if_stale};
pub use crate::catalogue::customer::{CustomerChanges, CustomerField, NewCustomer};
use crate::catalogue::{Catalogue, Value};
use crate::catalogue::{FieldRule, Searched, StoredField, unique_columns};
use crate::entities::customer;
use crate::errors::{CoreError, attached_records_conflict, from_unique_violation};
use crate::paging::{Page, PageRequest};
use crate::permissions::{
    Action, Ownership, PermissionDenied, Resource, Target, authorize, ownership,
};
pub use crate::repositories::customer_repository::CustomerRow;
use crate::repositories::reading::Store;
use crate::repositories::words::WordSearch;
use crate::repositories::{begin_write, customer_repository, page_of, store_search_text};
use crate::validation;

pub use crate::catalogue::customer::COMPANY_NAME_MAXIMUM_LENGTH;

pub use epic_events_api::lists::CustomerList;

/// A page of customers.
pub async fn list(
    connection: &impl Store,
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
    page_of(
        connection,
        |page| customer_repository::list_query(owner, page, connection.get_database_backend()),
        customer_repository::sort_key,
        page,
        |row: &CustomerRow| row.id,
    )
    .await
}

/// A page of the customers whose name, company or e-mail holds every word of `words`,
/// regardless of letter case and accents.
pub async fn search(
    connection: &impl Store,
    session: &Session,
    words: &str,
    page: PageRequest,
) -> Result<Page<CustomerRow>, CoreError> {
    authorize(
        &session.actor,
        Action::Read,
        Target::AnyOf(Resource::Customer),
    )?;
    let words = WordSearch::new(&validation::search_words(words)?)
        .planned::<customer::Entity>(connection, page.size())
        .await?;
    page_of(
        connection,
        |page| {
            customer_repository::search_query(
                None,
                Some(&words),
                page,
                connection.get_database_backend(),
            )
        },
        customer_repository::sort_key,
        page,
        |row: &CustomerRow| row.id,
    )
    .await
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
        .ok_or(CoreError::NotFound {
            what: Resource::Customer,
            id,
        })
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
    let mut new_customer = customer::ActiveModel {
        user_sales_id: Set(session.user.id),
        updated_by: Set(Some(session.user.id)),
        ..Default::default()
    };
    let mut stored: Vec<(CustomerField, String)> = Vec::new();
    for (field, text) in input.given() {
        if let Some(column) = field.column() {
            let value = field.checked(text, session.zone)?;
            new_customer.set(column, value.clone().into());
            stored.push((field, value));
        }
    }
    let stored: Vec<(CustomerField, &str)> = stored
        .iter()
        .map(|(field, value)| (*field, value.as_str()))
        .collect();
    new_customer.search_text = Set(CustomerField::search_text_of(&stored));
    let created = customer_repository::insert(connection, new_customer)
        .await
        .map_err(|error| {
            from_unique_violation(error, "customer", &unique_columns::<CustomerField>())
        })?;
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
    connection: &impl Store,
    session: &Session,
    id: i32,
    changes: &CustomerChanges,
    seen: Option<&CustomerRow>,
) -> Result<CustomerRow, CoreError> {
    refuse_before_locking(
        session,
        Action::Update,
        Resource::Customer,
        find(connection, id, false),
        |customer| permits(session, Action::Update, customer),
    )
    .await?;
    let transaction = begin_write(connection).await?;
    let current = find(&transaction, id, true).await?;
    permits(session, Action::Update, &current)?;
    let given = changes.given();
    if let Some(seen) = seen {
        let fields: Vec<(bool, bool)> = given
            .iter()
            .map(|(field, _)| (true, field.read(seen) != field.read(&current)))
            .collect();
        let now = Current {
            what: "le client",
            label: &current.company_name,
            version: current.version,
            updated_by: current.updated_by,
            updated_at: current.updated_at,
            zone: session.zone,
        };
        refuse_if_stale(&transaction, seen.version, now, &fields).await?;
    }
    let mut columns: Vec<(customer::Column, SimpleExpr)> = Vec::new();
    for (field, text) in given {
        let value = field.checked(text, session.zone)?;
        if let Some(column) = field.column()
            && field.read(&current) != Value::Text(value.clone())
        {
            columns.push((column, Expr::value(value)));
        }
    }
    if columns.is_empty() {
        return Ok(current);
    }
    customer_repository::update(&transaction, id, columns, session.user.id)
        .await
        .map_err(|error| {
            from_unique_violation(error, "customer", &unique_columns::<CustomerField>())
        })?;
    let updated = find(&transaction, id, false).await?;
    store_search_text::<customer::Entity>(&transaction, id, CustomerField::search_text(&updated))
        .await?;
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

/// Whether `session` may delete the customer `id` as it is now (the right, and nothing
/// attached): asked before asking for a confirmation; [`delete`] asks again under lock.
pub async fn may_delete(
    connection: &impl ConnectionTrait,
    session: &Session,
    id: i32,
) -> Result<(), CoreError> {
    let current = find(connection, id, false).await?;
    refuse_deletion_if_impossible(connection, session, &current).await
}

async fn refuse_deletion_if_impossible(
    connection: &impl ConnectionTrait,
    session: &Session,
    current: &CustomerRow,
) -> Result<(), CoreError> {
    permits(session, Action::Delete, current)?;
    let contracts = customer_repository::count_contracts(connection, current.id).await?;
    let subject = format!(
        "le client {} ne peut pas être supprimé",
        current.company_name
    );
    match attached_records_conflict(&subject, &[(contracts, Resource::Contract)]) {
        Some(conflict) => Err(conflict),
        None => Ok(()),
    }
}

/// Deletes a customer owned by the signed-in sales user, if no contract refers to it.
pub async fn delete(connection: &impl Store, session: &Session, id: i32) -> Result<(), CoreError> {
    refuse_before_locking(
        session,
        Action::Delete,
        Resource::Customer,
        find(connection, id, false),
        |customer| permits(session, Action::Delete, customer),
    )
    .await?;
    let transaction = begin_write(connection).await?;
    let current = find(&transaction, id, true).await?;
    refuse_deletion_if_impossible(&transaction, session, &current).await?;
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

/// Hands the customers of the sales user `from` — all of them, or those of `chosen` — to
/// the sales user `to` (management: a sales person leaving, a portfolio shared out). In
/// one transaction, the rows changed locked: a chosen customer that is not (or no longer)
/// `from`'s stops everything, with nothing written. How many were handed.
pub async fn reassign(
    connection: &impl Store,
    session: &Session,
    from: i32,
    to: i32,
    chosen: Option<&[i32]>,
) -> Result<u64, CoreError> {
    use crate::repositories::user_repository;
    use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter, QuerySelect};
    crate::permissions::may_reassign_customers(&session.actor, from)?;
    const FROM: &str = "commercial cédant";
    const TO: &str = "commercial repreneur";
    if from == to {
        return Err(CoreError::validation(
            TO,
            "est déjà le commercial de ces clients",
        ));
    }
    if chosen.is_some_and(<[i32]>::is_empty) {
        return Err(CoreError::validation(
            "clients",
            "choisissez au moins un client",
        ));
    }
    let transaction = begin_write(connection).await?;
    let mut names = Vec::new();
    for (field, id) in [(FROM, from), (TO, to)] {
        let Some((user, role)) = user_repository::find_with_role_by_id(&transaction, id).await?
        else {
            return Err(CoreError::validation(
                field,
                format!("l'utilisateur n°{id} n'existe pas"),
            ));
        };
        if role.name != crate::permissions::Role::Sales.name() {
            return Err(CoreError::validation(
                field,
                format!("« {} » n'est pas un commercial", user.username),
            ));
        }
        names.push(format!("{} {}", user.user_first_name, user.user_last_name));
    }
    // The customers handed, locked until the end: read, then changed, by this run alone.
    let mut query = customer::Entity::find()
        .select_only()
        .column(customer::Column::Id)
        .column(customer::Column::CompanyName)
        .filter(customer::Column::UserSalesId.eq(from));
    if let Some(chosen) = chosen {
        query = query.filter(customer::Column::Id.is_in(chosen.iter().copied()));
    }
    let handed: Vec<(i32, String)> = query
        .lock_exclusive()
        .into_tuple()
        .all(&transaction)
        .await?;
    if let Some(chosen) = chosen
        && let Some(missing) = chosen
            .iter()
            .find(|id| !handed.iter().any(|(handed_id, _)| handed_id == *id))
    {
        return Err(CoreError::validation(
            "clients",
            format!("le client n°{missing} n'est pas un client de {}", names[0]),
        ));
    }
    if handed.is_empty() {
        commit(transaction).await?;
        return Ok(0);
    }
    let ids: Vec<i32> = handed.iter().map(|(id, _)| *id).collect();
    let changed = customer::Entity::update_many()
        .col_expr(customer::Column::UserSalesId, Expr::value(to))
        .col_expr(
            customer::Column::Version,
            Expr::col(customer::Column::Version).add(1),
        )
        .col_expr(
            customer::Column::UpdatedAt,
            Expr::value(crate::entities::now()),
        )
        .col_expr(customer::Column::UpdatedBy, Expr::value(session.user.id))
        .filter(customer::Column::Id.is_in(ids))
        .exec(&transaction)
        .await?
        .rows_affected;
    commit(transaction).await?;
    for (id, company) in &handed {
        session.journal.record(
            Resource::Customer,
            ChangeKind::Modified,
            *id,
            company.clone(),
        );
    }
    tracing::info!(
        user_id = session.user.id,
        from,
        to,
        customers = changed,
        "customers reassigned"
    );
    Ok(changed)
}
