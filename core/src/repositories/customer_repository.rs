//! Customers, with the name of their sales user.

use sea_orm::sea_query::SimpleExpr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
};

use super::rows::ReadRows;
pub use epic_events_api::records::CustomerRow;

use crate::entities::{contract, customer, user};
use crate::paging::PageRequest;
use crate::repositories::words::WordSearch;
use epic_events_api::catalogue::FieldRef;
use epic_events_api::catalogue::customer::CustomerField;
use sea_orm::sea_query::Expr;

// LEFT JOINs keep the listed table driving the plan (see `contract_repository`).
// The row's own columns are named: `search_text` is the search's, never read back.
fn with_sales_name() -> Select<customer::Entity> {
    customer::Entity::find()
        .select_only()
        .columns([
            customer::Column::Id,
            customer::Column::UserSalesId,
            customer::Column::CustomerFirstName,
            customer::Column::CustomerLastName,
            customer::Column::Email,
            customer::Column::PhoneNumber,
            customer::Column::CompanyName,
            customer::Column::CreatedAt,
            customer::Column::UpdatedAt,
            customer::Column::Version,
            customer::Column::UpdatedBy,
        ])
        .join(JoinType::LeftJoin, customer::Relation::UserSales.def())
        .column_as(user::Column::UserFirstName, "sales_first_name")
        .column_as(user::Column::UserLastName, "sales_last_name")
}

/// The query of a page of the list (read through `repositories::page_of`; the query-plan
/// tests explain it).
pub fn list_query(
    sales_user_id: Option<i32>,
    page: PageRequest,
    backend: DbBackend,
) -> Select<customer::Entity> {
    search_query(sales_user_id, None, page, backend)
}

/// A page of the customers (of `sales_user_id`, if given) whose name, company or e-mail
/// holds every word of `search`, regardless of letter case and accents, in id order.
pub async fn search(
    connection: &impl ConnectionTrait,
    sales_user_id: Option<i32>,
    search: &str,
    page: PageRequest,
) -> Result<Vec<CustomerRow>, DbErr> {
    let search = WordSearch::new(search)
        .planned::<customer::Entity>(connection, page.size())
        .await?;
    search_query(
        sales_user_id,
        Some(&search),
        page,
        connection.get_database_backend(),
    )
    .all_rows::<CustomerRow>(connection)
    .await
}

/// The query of a page of the customers (of `sales_user_id`, if given) whose name, company
/// or e-mail holds every word of `search`, regardless of letter case and accents.
pub fn search_query(
    sales_user_id: Option<i32>,
    search: Option<&WordSearch>,
    page: PageRequest,
    backend: DbBackend,
) -> Select<customer::Entity> {
    let mut query = with_sales_name();
    if let Some(sales_user_id) = sales_user_id {
        query = query.filter(customer::Column::UserSalesId.eq(sales_user_id));
    }
    if let Some(search) = search {
        query = query.filter(search.condition::<customer::Entity>(backend));
    }
    super::ordered(
        query,
        page,
        backend,
        customer::Column::Id,
        sort_key,
        |query| {
            match page.after_id() {
                Some(after_id) => query.filter(customer::Column::Id.gt(after_id)),
                None => query,
            }
            .order_by_asc(customer::Column::Id)
        },
    )
}

/// What the list of customers is sorted by when a person chooses `field` (its columns).
pub fn sort_key(field: FieldRef, backend: DbBackend) -> Option<SimpleExpr> {
    let FieldRef::Customer(field) = field else {
        return None;
    };
    let text = |column: customer::Column| super::text_order((customer::Entity, column), backend);
    Some(match field {
        CustomerField::CompanyName => text(customer::Column::CompanyName),
        CustomerField::LastName => text(customer::Column::CustomerLastName),
        CustomerField::FirstName => text(customer::Column::CustomerFirstName),
        CustomerField::Email => text(customer::Column::Email),
        CustomerField::PhoneNumber => Expr::col((customer::Entity, customer::Column::PhoneNumber)),
        CustomerField::CreatedAt => Expr::col((customer::Entity, customer::Column::CreatedAt)),
        CustomerField::SalesUser => {
            super::text_order((user::Entity, user::Column::UserLastName), backend)
        }
        _ => return None,
    })
}

/// The customer `id` with their sales user's name; with `for_update`, read and locked as
/// `repositories::find_locked` says.
pub async fn find(
    connection: &impl ConnectionTrait,
    id: i32,
    for_update: bool,
) -> Result<Option<CustomerRow>, DbErr> {
    let read = with_sales_name()
        .filter(customer::Column::Id.eq(id))
        .one_row::<CustomerRow>(connection);
    super::find_locked::<customer::Entity, _>(
        connection,
        id,
        for_update,
        read,
        super::rows::merged_customer,
    )
    .await
}

/// Inserts a customer.
pub async fn insert(
    connection: &impl ConnectionTrait,
    new_customer: customer::ActiveModel,
) -> Result<customer::Model, DbErr> {
    new_customer.insert(connection).await
}

/// Writes the changed columns of the customer `id` as a new version by `author`.
pub async fn update(
    connection: &impl ConnectionTrait,
    id: i32,
    changes: Vec<(customer::Column, SimpleExpr)>,
    author: i32,
) -> Result<bool, DbErr> {
    super::write_version::<customer::Entity>(connection, id, changes, None, author).await
}

/// Deletes the customer `id`; returns whether it existed.
pub async fn delete(connection: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    Ok(customer::Entity::delete_by_id(id)
        .exec(connection)
        .await?
        .rows_affected
        > 0)
}

/// Number of contracts of the customer `id`.
pub async fn count_contracts(connection: &impl ConnectionTrait, id: i32) -> Result<u64, DbErr> {
    contract::Entity::find()
        .filter(contract::Column::CustomerId.eq(id))
        .count(connection)
        .await
}
