//! Queries, one module per aggregate. No permission logic: the services decide, the
//! repositories fetch and store.
//!
//! Two rules every write follows (ARCHITECTURE.md, « Concurrency »): a write transaction
//! is opened by [`begin_write`], and a record is changed by [`write_version`], which
//! stores only the columns that change and makes a new version of the record.

pub mod contract_repository;
pub mod customer_repository;
pub mod event_repository;
pub mod numbering_repository;
pub mod permission_repository;
pub mod reading;
pub mod report_repository;
pub mod rows;
pub mod session_repository;
pub mod user_repository;
pub mod words;

use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::entities::{contract, customer, event, user};
use epic_events_api::catalogue::FieldRef;

/// Opens a write transaction. On SQLite it takes the database's write lock at once
/// (`BEGIN IMMEDIATE`): a transaction that read first and wrote later would fail at once
/// when another writer is busy, whereas taking the lock at the start waits for it (the
/// busy timeout). Inside a transaction (a script run) it is a plain savepoint: the run's
/// own transaction decides (see `scripting::runner`). On MySQL the connection's READ
/// COMMITTED applies (`database::connect`).
pub async fn begin_write<C: TransactionTrait>(connection: &C) -> Result<C::Transaction, DbErr> {
    connection
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
}

/// Stores `text` as the search text of the record `id` (not a new version: it follows
/// the fields it is made of, in the same transaction).
pub async fn store_search_text<E: EntityTrait>(
    connection: &impl ConnectionTrait,
    id: i32,
    text: String,
) -> Result<(), DbErr> {
    use std::str::FromStr;
    let column = E::Column::from_str("search_text")
        .map_err(|_| DbErr::Custom("no search_text column".to_owned()))?;
    let id_column =
        E::Column::from_str("id").map_err(|_| DbErr::Custom("no id column".to_owned()))?;
    E::update_many()
        .col_expr(column, Expr::value(text))
        .filter(id_column.eq(id))
        .exec(connection)
        .await?;
    Ok(())
}

/// A LIKE pattern matching text that contains `text`, its `%` and `_` taken literally.
pub fn contains_pattern(text: &str) -> sea_orm::sea_query::LikeExpr {
    let mut pattern = String::from("%");
    for character in text.chars() {
        if matches!(character, '%' | '_' | '!') {
            pattern.push('!');
        }
        pattern.push(character);
    }
    pattern.push('%');
    // Not a backslash: MySQL and SQLite disagree on backslashes in string literals.
    sea_orm::sea_query::LikeExpr::new(pattern).escape('!')
}

/// The expression a list is sorted by on a backend when a person chooses `field`, if the
/// list can be sorted by it (each repository's `sort_key`).
pub type SortKey = fn(FieldRef, sea_orm::DbBackend) -> Option<SimpleExpr>;

/// The page `page` of the list `query` makes (given a page request, it filters, orders —
/// see [`ordered`] — and limits), with the list's total counted when the request asks for
/// it. An order the list cannot be sorted in (`sort_key` does not know its column) is
/// refused.
pub async fn page_of<E, M>(
    connection: &impl reading::Store,
    query: impl Fn(crate::paging::PageRequest) -> sea_orm::Select<E>,
    sort_key: SortKey,
    page: crate::paging::PageRequest,
    id: impl Fn(&M) -> i32,
) -> Result<crate::paging::Page<M>, crate::errors::CoreError>
where
    E: EntityTrait,
    E::Model: Sync,
    M: Send + Sync,
    rows::Read<M>: sea_orm::FromQueryResult,
{
    if let Some(sort) = page.sort()
        && sort_key(sort.field, connection.get_database_backend()).is_none()
    {
        return Err(crate::errors::CoreError::validation(
            "tri",
            "cette liste ne se trie pas par cette colonne",
        ));
    }
    let rows = reading::all::<rows::Read<M>>(connection, &query(page))
        .await?
        .into_iter()
        .map(rows::Read::into_row)
        .collect();
    Ok(crate::paging::Page::from_rows(rows, page, id)
        .counted(
            page,
            count_matching(connection, query(crate::paging::PageRequest::first(1))),
        )
        .await?)
}

/// `query` in the order `page` asks, from where it starts, one row more than the page:
/// by the column a person chose (its expression on `backend` from `sort_key`), then by
/// `id` the same way; or else in the list's own order, which `own_order` gives (with its
/// keyset after `page.after_id()`). Then `page.skip()` rows are left out.
pub fn ordered<E: EntityTrait>(
    query: sea_orm::Select<E>,
    page: crate::paging::PageRequest,
    backend: sea_orm::DbBackend,
    id: impl ColumnTrait,
    sort_key: SortKey,
    own_order: impl FnOnce(sea_orm::Select<E>) -> sea_orm::Select<E>,
) -> sea_orm::Select<E> {
    use sea_orm::QueryOrder;
    let chosen = page
        .sort()
        .and_then(|sort| Some((sort_key(sort.field, backend)?, sort.descending)));
    let query = match chosen {
        Some((key, descending)) => {
            let order = if descending {
                sea_orm::Order::Desc
            } else {
                sea_orm::Order::Asc
            };
            query.order_by(key, order.clone()).order_by(id, order)
        }
        None => own_order(query),
    };
    let query = match page.skip() {
        0 => query,
        skip => query.offset(skip),
    };
    query.limit(page.fetch_limit())
}

/// A text column to sort by as a person reads a list: accents and letter case ignored.
/// MySQL's tables already compare so; on SQLite the column is compared with the
/// collation every connection of the core has (`database::TEXT_ORDER_COLLATION`).
pub fn text_order(
    column: impl sea_orm::sea_query::IntoColumnRef,
    backend: sea_orm::DbBackend,
) -> SimpleExpr {
    match backend {
        sea_orm::DbBackend::Sqlite => Expr::cust_with_expr(
            format!("? COLLATE {}", crate::database::TEXT_ORDER_COLLATION),
            Expr::col(column),
        ),
        _ => Expr::col(column),
    }
}

/// An amount column to sort by, as a number: MySQL's `DECIMAL` already is; SQLite holds
/// amounts as canonical text (see `money`), read as a number for the order only, never
/// for the value.
pub fn amount_order(
    column: impl sea_orm::sea_query::IntoColumnRef,
    backend: sea_orm::DbBackend,
) -> SimpleExpr {
    match backend {
        sea_orm::DbBackend::Sqlite => Expr::col(column).add(0),
        _ => Expr::col(column),
    }
}

/// How many rows `query` (a list's query, paged or not) matches in all: its limit and
/// order are dropped and the rest counted by the database.
pub async fn count_matching<E>(
    connection: &impl ConnectionTrait,
    mut query: sea_orm::Select<E>,
) -> Result<u64, DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
{
    use sea_orm::PaginatorTrait;
    QuerySelect::query(&mut query)
        .reset_limit()
        .clear_order_by();
    query.count(connection).await
}

/// A table of records that people edit: it has `version`, `updated_by` and `updated_at`.
pub trait VersionedEntity: EntityTrait {
    /// The primary key.
    const ID: Self::Column;
    /// `version`.
    const VERSION: Self::Column;
    /// `updated_by`.
    const UPDATED_BY: Self::Column;
    /// `updated_at`.
    const UPDATED_AT: Self::Column;
}

macro_rules! versioned_entity {
    ($($module:ident),*) => {$(
        impl VersionedEntity for $module::Entity {
            const ID: $module::Column = $module::Column::Id;
            const VERSION: $module::Column = $module::Column::Version;
            const UPDATED_BY: $module::Column = $module::Column::UpdatedBy;
            const UPDATED_AT: $module::Column = $module::Column::UpdatedAt;
        }
    )*};
}
versioned_entity!(user, customer, contract, event);

/// Whether a reading for an update locks its rows by a statement of its own. On MySQL it
/// does (`FOR UPDATE`, the rows of the listed table only). On SQLite it does not: a write
/// transaction holds the whole database from its start (`begin_write`), SQLite has no row
/// locks (`FOR UPDATE` is not even written), and a transaction's readings all see one
/// state, so a reading of its own would only read the same rows again.
pub fn locks_rows(connection: &impl ConnectionTrait) -> bool {
    connection.get_database_backend() != sea_orm::DbBackend::Sqlite
}

/// The record `id` as `read` returns it (with the names of related records). With
/// `for_update`, on MySQL, the record's row, and only it, is first read and locked until
/// the end of the transaction by one statement, and `merge` takes the record's own columns
/// from that locking read: what a service decides on is the latest committed row,
/// whatever the isolation level (SQLite: see [`locks_rows`]).
pub async fn find_locked<E: VersionedEntity, Row>(
    connection: &impl ConnectionTrait,
    id: i32,
    for_update: bool,
    read: impl Future<Output = Result<Option<Row>, DbErr>>,
    merge: impl FnOnce(Row, E::Model) -> Row,
) -> Result<Option<Row>, DbErr> {
    let stored = if for_update && locks_rows(connection) {
        match E::find()
            .filter(E::ID.eq(id))
            .lock_exclusive()
            .one(connection)
            .await?
        {
            Some(stored) => Some(stored),
            None => return Ok(None),
        }
    } else {
        None
    };
    Ok(match (read.await?, stored) {
        (Some(row), Some(stored)) => Some(merge(row, stored)),
        (row, _) => row,
    })
}

/// Writes `changes` to the record `id` as a new version made by the user `author`: the
/// given columns only, `version + 1`, `updated_by` and `updated_at`. `condition`, when
/// given, must also hold for the row to change. Returns whether the row changed (the
/// record exists and meets `condition`).
pub async fn write_version<E: VersionedEntity>(
    connection: &impl ConnectionTrait,
    id: i32,
    changes: Vec<(E::Column, SimpleExpr)>,
    condition: Option<SimpleExpr>,
    author: i32,
) -> Result<bool, DbErr> {
    let rows = E::ID.eq(id);
    let rows = match condition {
        Some(condition) => rows.and(condition),
        None => rows,
    };
    Ok(write_versions::<E>(connection, rows, changes, author).await? > 0)
}

/// Writes `changes` to every record meeting `rows`, each as a new version made by
/// `author` (see [`write_version`]), in one statement; returns how many changed.
pub async fn write_versions<E: VersionedEntity>(
    connection: &impl ConnectionTrait,
    rows: SimpleExpr,
    changes: Vec<(E::Column, SimpleExpr)>,
    author: i32,
) -> Result<u64, DbErr> {
    write_versions_at::<E>(connection, rows, changes, author, crate::entities::now()).await
}

/// [`write_versions`], the new versions dated `at` (a time of [`crate::entities::now`]):
/// the caller knows the rows as written without reading them again.
pub async fn write_versions_at<E: VersionedEntity>(
    connection: &impl ConnectionTrait,
    rows: SimpleExpr,
    changes: Vec<(E::Column, SimpleExpr)>,
    author: i32,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    let mut update = E::update_many();
    for (column, value) in changes {
        update = update.col_expr(column, value);
    }
    let update = update
        .col_expr(E::VERSION, E::VERSION.into_expr().add(1))
        .col_expr(E::UPDATED_BY, Expr::value(author))
        .col_expr(E::UPDATED_AT, Expr::value(at))
        .filter(rows);
    Ok(update.exec(connection).await?.rows_affected)
}

/// The full name of the user `id`, to say who changed a record; `None` if that user no
/// longer exists.
pub async fn author_name(
    connection: &impl ConnectionTrait,
    id: Option<i32>,
) -> Result<Option<String>, DbErr> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(user::Entity::find_by_id(id)
        .one(connection)
        .await?
        .map(|user| format!("{} {}", user.user_first_name, user.user_last_name)))
}
