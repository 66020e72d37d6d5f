//! The counters of record numbers (`number_sequence`), one row per prefix.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use crate::entities::number_sequence;

/// Increments the counter of `prefix` and returns its new value, the counter's row staying
/// locked until the end of the transaction; `None` when the prefix has no counter yet.
pub async fn take_next(
    connection: &impl ConnectionTrait,
    prefix: &str,
) -> Result<Option<i64>, DbErr> {
    let updated = number_sequence::Entity::update_many()
        .col_expr(
            number_sequence::Column::LastValue,
            number_sequence::Column::LastValue.into_expr().add(1),
        )
        .filter(number_sequence::Column::Prefix.eq(prefix))
        .exec(connection)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(None);
    }
    // Our own write: read back whatever the isolation level.
    number_sequence::Entity::find_by_id(prefix.to_owned())
        .select_only()
        .column(number_sequence::Column::LastValue)
        .into_tuple::<i64>()
        .one(connection)
        .await
}

/// Creates the counter of `prefix` at `last_value`, unless another transaction just
/// created it (then that one stands).
pub async fn create(
    connection: &impl ConnectionTrait,
    prefix: &str,
    last_value: i64,
) -> Result<(), DbErr> {
    number_sequence::Entity::insert(number_sequence::ActiveModel {
        prefix: Set(prefix.to_owned()),
        last_value: Set(last_value),
    })
    .on_conflict(
        OnConflict::column(number_sequence::Column::Prefix)
            .do_nothing_on([number_sequence::Column::Prefix])
            .to_owned(),
    )
    .exec_without_returning(connection)
    .await?;
    Ok(())
}

/// Raises the counter of `prefix` to at least `last_value` (when numbers were given
/// without it, e.g. by an import).
pub async fn raise(
    connection: &impl ConnectionTrait,
    prefix: &str,
    last_value: i64,
) -> Result<(), DbErr> {
    number_sequence::Entity::update_many()
        .col_expr(number_sequence::Column::LastValue, Expr::value(last_value))
        .filter(number_sequence::Column::Prefix.eq(prefix))
        .filter(number_sequence::Column::LastValue.lt(last_value))
        .exec(connection)
        .await?;
    Ok(())
}
