//! Revoked sessions: the tokens whose holder signed out.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::revoked_session;

/// Revokes the token `token_id` of `user_id`, which expires at `expires_at` (again: no
/// error), and forgets the revoked tokens that have expired since.
pub async fn revoke(
    connection: &impl ConnectionTrait,
    token_id: &str,
    user_id: i32,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let revoked = revoked_session::ActiveModel {
        token_id: Set(token_id.to_owned()),
        user_id: Set(user_id),
        expires_at: Set(expires_at),
    };
    revoked_session::Entity::insert(revoked)
        .on_conflict_do_nothing_on([revoked_session::Column::TokenId])
        .exec(connection)
        .await?;
    revoked_session::Entity::delete_many()
        .filter(revoked_session::Column::ExpiresAt.lt(crate::entities::now()))
        .exec(connection)
        .await?;
    Ok(())
}
