//! Contracts, with their customer's company and the names of the users concerned.

use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
};

use crate::entities::{contract, customer, event, user};
use crate::money::Money;
use crate::paging::PageRequest;

/// A contract as lists and details show it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct ContractRow {
    /// `contract.id`.
    pub id: i32,
    /// Its number, e.g. `CTR-2026-0001`.
    pub contract_number: String,
    /// The customer.
    pub customer_id: i32,
    /// The customer's company.
    pub customer_company_name: String,
    /// The customer's sales user.
    pub customer_sales_user_id: i32,
    /// Sales user's first name.
    pub sales_first_name: String,
    /// Sales user's last name.
    pub sales_last_name: String,
    /// The management user who created it.
    pub user_management_id: i32,
    /// Management user's first name.
    pub management_first_name: String,
    /// Management user's last name.
    pub management_last_name: String,
    /// Total amount.
    pub total_amount: Money,
    /// Amount still due.
    pub balance_due: Money,
    /// Signed or not.
    pub signed: bool,
    /// Creation time.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last modification time.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Which contracts, before paging. All conditions given must hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ContractFilter {
    /// Created by this management user.
    pub management_user_id: Option<i32>,
    /// Of the customers of this sales user.
    pub customer_sales_user_id: Option<i32>,
    /// With at least one event assigned to this support user.
    pub event_support_user_id: Option<i32>,
    /// Only unsigned contracts.
    pub unsigned_only: bool,
    /// Only contracts with something left to pay.
    pub unpaid_only: bool,
}

/// Contracts with their customer's company and the names of their users. The joins are
/// LEFT JOINs although every row exists (foreign keys): an inner join lets MySQL start
/// from the small `user` table and sort the whole contract table to find the first page;
/// a left join keeps `contract` as the driving table, read in id order.
fn with_names() -> Select<contract::Entity> {
    let management = Alias::new("management");
    let sales = Alias::new("sales");
    contract::Entity::find()
        .select_only()
        .columns([
            contract::Column::Id,
            contract::Column::ContractNumber,
            contract::Column::CustomerId,
            contract::Column::UserManagementId,
            contract::Column::TotalAmount,
            contract::Column::BalanceDue,
            contract::Column::Signed,
            contract::Column::CreatedAt,
            contract::Column::UpdatedAt,
        ])
        .join(JoinType::LeftJoin, contract::Relation::Customer.def())
        .join_as(
            JoinType::LeftJoin,
            contract::Relation::UserManagement.def(),
            management.clone(),
        )
        .join_as(
            JoinType::LeftJoin,
            customer::Relation::UserSales.def(),
            sales.clone(),
        )
        .column_as(customer::Column::CompanyName, "customer_company_name")
        .column_as(customer::Column::UserSalesId, "customer_sales_user_id")
        .column_as(
            Expr::col((sales.clone(), user::Column::UserFirstName)),
            "sales_first_name",
        )
        .column_as(
            Expr::col((sales, user::Column::UserLastName)),
            "sales_last_name",
        )
        .column_as(
            Expr::col((management.clone(), user::Column::UserFirstName)),
            "management_first_name",
        )
        .column_as(
            Expr::col((management, user::Column::UserLastName)),
            "management_last_name",
        )
}

/// A page of contracts in id order.
pub async fn list(
    connection: &impl ConnectionTrait,
    filter: ContractFilter,
    page: PageRequest,
) -> Result<Vec<ContractRow>, DbErr> {
    list_query(filter, page)
        .into_model::<ContractRow>()
        .all(connection)
        .await
}

/// The query of [`list`], for the query-plan tests.
pub fn list_query(filter: ContractFilter, page: PageRequest) -> Select<contract::Entity> {
    let mut query = with_names();
    if let Some(id) = filter.management_user_id {
        query = query.filter(contract::Column::UserManagementId.eq(id));
    }
    if let Some(id) = filter.customer_sales_user_id {
        query = query.filter(customer::Column::UserSalesId.eq(id));
    }
    if let Some(id) = filter.event_support_user_id {
        query = query.filter(
            contract::Column::Id.in_subquery(
                Query::select()
                    .column(event::Column::ContractId)
                    .from(event::Entity)
                    .and_where(event::Column::UserSupportId.eq(id))
                    .to_owned(),
            ),
        );
    }
    if filter.unsigned_only {
        query = query.filter(contract::Column::Signed.eq(false));
    }
    if filter.unpaid_only {
        // Equality only: on SQLite amounts are canonical text (see `money`).
        query = query.filter(contract::Column::BalanceDue.ne(Money::ZERO));
    }
    if let Some(after_id) = page.after_id {
        query = query.filter(contract::Column::Id.gt(after_id));
    }
    query
        .order_by_asc(contract::Column::Id)
        .limit(page.fetch_limit())
}

/// The contract `id`, locked until the end of the transaction where the backend supports
/// it, when `for_update`.
pub async fn find(
    connection: &impl ConnectionTrait,
    id: i32,
    for_update: bool,
) -> Result<Option<ContractRow>, DbErr> {
    if for_update {
        // Lock the contract's row only: a locking read of the joined query would also lock
        // its customer and users for the rest of the transaction (MySQL).
        contract::Entity::find_by_id(id)
            .select_only()
            .column(contract::Column::Id)
            .lock_exclusive()
            .into_tuple::<i32>()
            .one(connection)
            .await?;
    }
    with_names()
        .filter(contract::Column::Id.eq(id))
        .into_model::<ContractRow>()
        .one(connection)
        .await
}

/// The contract numbered `number`.
pub async fn find_by_number(
    connection: &impl ConnectionTrait,
    number: &str,
) -> Result<Option<ContractRow>, DbErr> {
    with_names()
        .filter(contract::Column::ContractNumber.eq(number))
        .into_model::<ContractRow>()
        .one(connection)
        .await
}

/// The highest contract number starting with `prefix`, by length then text, so that
/// `…-10000` comes after `…-9999`.
pub async fn last_number_with_prefix(
    connection: &impl ConnectionTrait,
    prefix: &str,
) -> Result<Option<String>, DbErr> {
    Ok(contract::Entity::find()
        .filter(contract::Column::ContractNumber.starts_with(prefix))
        .order_by_desc(Expr::cust("LENGTH(contract_number)"))
        .order_by_desc(contract::Column::ContractNumber)
        .one(connection)
        .await?
        .map(|row| row.contract_number))
}

/// Inserts a contract.
pub async fn insert(
    connection: &impl ConnectionTrait,
    new_contract: contract::ActiveModel,
) -> Result<contract::Model, DbErr> {
    new_contract.insert(connection).await
}

/// Saves the changed columns of a contract.
pub async fn update(
    connection: &impl ConnectionTrait,
    changes: contract::ActiveModel,
) -> Result<contract::Model, DbErr> {
    changes.update(connection).await
}

/// Deletes the contract `id`.
pub async fn delete(connection: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    Ok(contract::Entity::delete_by_id(id)
        .exec(connection)
        .await?
        .rows_affected
        > 0)
}

/// Number of events of the contract `id`.
pub async fn count_events(connection: &impl ConnectionTrait, id: i32) -> Result<u64, DbErr> {
    event::Entity::find()
        .filter(event::Column::ContractId.eq(id))
        .count(connection)
        .await
}
