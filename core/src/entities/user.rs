//! `user`: an employee who signs in. The password is only ever held as its argon2id hash.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub role_id: i32,
    pub user_first_name: String,
    pub user_last_name: String,
    #[sea_orm(unique)]
    pub email: String,
    #[sea_orm(unique)]
    pub phone_number: String,
    #[sea_orm(unique)]
    pub username: String,
    pub password_hash: PasswordHash,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// 1 at creation, incremented by every write of the core: a change made from the
    /// record as it was read carries the version it saw.
    pub version: i64,
    /// Who made the current version (a trace, not a relation; `None` for the `base`
    /// commands' rows).
    pub updated_by: Option<i32>,
    /// The words it is searched by, folded (lower case, no accents): kept by the core on
    /// every write (`catalogue::search_text`).
    pub search_text: String,
    /// Incremented by every change that ends the user's sessions (a password, a role or
    /// a username changed): a token carries the version it was signed with.
    pub session_version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::role::Entity",
        from = "Column::RoleId",
        to = "super::role::Column::Id"
    )]
    Role,
}

impl Related<super::role::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Role.def()
    }
}

super::maintain_timestamps!();

/// An argon2id hash in PHC string form, as stored in `user.password_hash`.
///
/// Its `Debug` output never shows the hash.
#[derive(Clone, PartialEq, Eq, sea_orm::DeriveValueType)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a PHC string read from elsewhere than the database.
    pub fn from_phc_string(phc: impl Into<String>) -> Self {
        Self(phc.into())
    }

    /// The PHC string, for storage.
    pub fn as_phc_string(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("PasswordHash(<masqué>)")
    }
}
