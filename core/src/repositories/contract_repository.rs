//! Contracts, with their customer's company and the names of the users concerned.

use sea_orm::sea_query::{Alias, Expr, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
};

use super::rows::ReadRows;
use super::words::WordSearch;
pub use epic_events_api::records::ContractRow;

use crate::entities::{contract, customer, event, user};
use crate::money::{Money, StoredMoney};
use crate::paging::PageRequest;
use epic_events_api::catalogue::FieldRef;
use epic_events_api::catalogue::contract::ContractField;

/// Which contracts, before paging. All conditions given must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContractFilter {
    /// Of the customer with this id.
    pub customer_id: Option<i32>,
    /// Numbered starting with this (`CTR-2026-00`, upper case).
    pub number_starts_with: Option<String>,
    /// Of a customer whose name, company or e-mail holds every word of this.
    pub customer_matches: Option<WordSearch>,
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
            contract::Column::Version,
            contract::Column::UpdatedBy,
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

/// The query of a page of the list (read through `repositories::page_of`; the query-plan
/// tests explain it).
pub fn list_query(
    filter: &ContractFilter,
    page: PageRequest,
    backend: DbBackend,
) -> Select<contract::Entity> {
    let mut query = with_names();
    if let Some(id) = filter.customer_id {
        query = query.filter(contract::Column::CustomerId.eq(id));
    }
    if let Some(prefix) = &filter.number_starts_with {
        // A range rather than LIKE: an index serves it on both backends (SQLite's LIKE
        // ignores letter case, which its index does not).
        query = query.filter(contract::Column::ContractNumber.gte(prefix.as_str()));
        if let Some(end) = prefix_end(prefix) {
            query = query.filter(contract::Column::ContractNumber.lt(end));
        }
    }
    if let Some(search) = &filter.customer_matches {
        query = query.filter(
            search.condition_through::<customer::Entity>(backend, ("contract", "customer_id")),
        );
    }
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
        query = query.filter(contract::Column::BalanceDue.ne(StoredMoney(Money::ZERO)));
    }
    super::ordered(
        query,
        page,
        backend,
        contract::Column::Id,
        sort_key,
        |query| {
            match page.after_id() {
                Some(after_id) => query.filter(contract::Column::Id.gt(after_id)),
                None => query,
            }
            .order_by_asc(contract::Column::Id)
        },
    )
}

/// What the list of contracts is sorted by when a person chooses `field` (its columns).
pub fn sort_key(field: FieldRef, backend: DbBackend) -> Option<SimpleExpr> {
    let FieldRef::Contract(field) = field else {
        return None;
    };
    Some(match field {
        ContractField::Number => Expr::col((contract::Entity, contract::Column::ContractNumber)),
        ContractField::Customer => {
            super::text_order((customer::Entity, customer::Column::CompanyName), backend)
        }
        ContractField::Signed => Expr::col((contract::Entity, contract::Column::Signed)),
        ContractField::TotalAmount => {
            super::amount_order((contract::Entity, contract::Column::TotalAmount), backend)
        }
        ContractField::BalanceDue => {
            super::amount_order((contract::Entity, contract::Column::BalanceDue), backend)
        }
        ContractField::SalesUser => {
            super::text_order((Alias::new("sales"), user::Column::UserLastName), backend)
        }
        ContractField::CreatedAt => Expr::col((contract::Entity, contract::Column::CreatedAt)),
        _ => return None,
    })
}

/// A text after every text starting with `prefix` and before the next ones, in byte order
/// (SQLite) as in MySQL's collations, where punctuation sorts before digits and digits
/// before letters: the last digit or letter that can go up does (`CTR-2026-0009` →
/// `CTR-2026-001`, `CTR-` → `CTS`); `None` when none can.
pub fn prefix_end(prefix: &str) -> Option<String> {
    let mut characters: Vec<char> = prefix.chars().collect();
    while let Some(last) = characters.pop() {
        let next = match last {
            '0'..='8' | 'A'..='Y' | 'a'..='y' => char::from_u32(last as u32 + 1),
            _ => None,
        };
        if let Some(next) = next {
            characters.push(next);
            return Some(characters.into_iter().collect());
        }
    }
    None
}

/// The contract `id`; with `for_update`, read and locked as `repositories::find_locked`
/// says (its row only, not its customer's or users').
pub async fn find(
    connection: &impl ConnectionTrait,
    id: i32,
    for_update: bool,
) -> Result<Option<ContractRow>, DbErr> {
    let read = with_names()
        .filter(contract::Column::Id.eq(id))
        .one_row::<ContractRow>(connection);
    super::find_locked::<contract::Entity, _>(
        connection,
        id,
        for_update,
        read,
        super::rows::merged_contract,
    )
    .await
}

/// The contract numbered `number`.
pub async fn find_by_number(
    connection: &impl ConnectionTrait,
    number: &str,
) -> Result<Option<ContractRow>, DbErr> {
    with_names()
        .filter(contract::Column::ContractNumber.eq(number))
        .one_row::<ContractRow>(connection)
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

/// Writes the changed columns of the contract `id` as a new version by `author`.
pub async fn update(
    connection: &impl ConnectionTrait,
    id: i32,
    changes: Vec<(contract::Column, SimpleExpr)>,
    author: i32,
) -> Result<bool, DbErr> {
    super::write_version::<contract::Entity>(connection, id, changes, None, author).await
}

/// Lowers the balance due of the contract `id` by `payment` in one statement, only if the
/// balance is at least `payment`; returns whether it did.
pub async fn pay(
    connection: &impl ConnectionTrait,
    id: i32,
    payment: Money,
    author: i32,
) -> Result<bool, DbErr> {
    let (lowered, covered) =
        crate::money::subtraction_sql(connection.get_database_backend(), "balance_due", payment);
    super::write_version::<contract::Entity>(
        connection,
        id,
        vec![(contract::Column::BalanceDue, lowered)],
        Some(covered),
        author,
    )
    .await
}

/// The contracts numbered `numbers` (a thousand or so: one statement), as they are now,
/// without a lock, in any order.
pub async fn find_by_numbers(
    connection: &impl ConnectionTrait,
    numbers: &[String],
) -> Result<Vec<ContractRow>, DbErr> {
    with_names()
        .filter(contract::Column::ContractNumber.is_in(numbers.iter().cloned()))
        .all_rows::<ContractRow>(connection)
        .await
}

/// The contracts `ids` (a thousand or so: one statement each), locked in id order — so
/// that two transactions locking overlapping sets take the locks in the same order — and
/// read as [`find`] reads one under its lock: only those that were locked (a contract
/// deleted meanwhile is not among them).
pub async fn find_locked_by_ids(
    connection: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<ContractRow>, DbErr> {
    let locked: Vec<contract::Model> = contract::Entity::find()
        .filter(contract::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(contract::Column::Id)
        .lock_exclusive()
        .all(connection)
        .await?;
    let rows = with_names()
        .filter(contract::Column::Id.is_in(locked.iter().map(|stored| stored.id)))
        .all_rows::<ContractRow>(connection)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let stored = locked.iter().find(|stored| stored.id == row.id)?.clone();
            Some(super::rows::merged_contract(row, stored))
        })
        .collect())
}

/// Sets the balance due of each contract of `balances` (id, new balance), each as a new
/// version by `author`, in one statement (a thousand or so at a time). The caller read the
/// balances under the rows' locks.
pub async fn set_balances(
    connection: &impl ConnectionTrait,
    balances: &[(i32, Money)],
    author: i32,
) -> Result<u64, DbErr> {
    let Some(((first_id, first_balance), rest)) = balances.split_first() else {
        return Ok(0);
    };
    let mut case = Expr::case(
        contract::Column::Id.eq(*first_id),
        Expr::value(StoredMoney(*first_balance)),
    );
    for (id, balance) in rest {
        case = case.case(
            contract::Column::Id.eq(*id),
            Expr::value(StoredMoney(*balance)),
        );
    }
    let new_balance: SimpleExpr = case.finally(Expr::col(contract::Column::BalanceDue)).into();
    super::write_versions::<contract::Entity>(
        connection,
        contract::Column::Id.is_in(balances.iter().map(|(id, _)| *id)),
        vec![(contract::Column::BalanceDue, new_balance)],
        author,
    )
    .await
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

#[cfg(test)]
mod tests {
    use super::prefix_end;

    #[test]
    fn a_prefix_ends_before_the_next_one() {
        assert_eq!(prefix_end("CTR-2026-0009").as_deref(), Some("CTR-2026-001"));
        assert_eq!(
            prefix_end("CTR-2026-0012").as_deref(),
            Some("CTR-2026-0013")
        );
        assert_eq!(prefix_end("CTR-2026-99").as_deref(), Some("CTR-2027"));
        assert_eq!(prefix_end("CTR-").as_deref(), Some("CTS"));
        assert_eq!(prefix_end("9-9"), None);
    }
}
