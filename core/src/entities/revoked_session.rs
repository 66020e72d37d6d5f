//! `revoked_session`: the session tokens whose holder signed out, by their id (`jti`),
//! kept until they would have expired anyway.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "revoked_session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_id: String,
    /// Whose token it was (a trace, not a relation).
    pub user_id: i32,
    /// When the token would have expired: the row is useless afterwards.
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
