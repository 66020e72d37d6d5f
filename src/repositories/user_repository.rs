//! Users and their roles.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect,
};

use crate::entities::{role, user};

/// A user with the stored name of their role.
pub type UserWithRole = (user::Model, role::Model);

/// The user with id `id`, with their role.
pub async fn find_with_role_by_id(
    connection: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<UserWithRole>, DbErr> {
    with_role(
        user::Entity::find_by_id(id)
            .find_also_related(role::Entity)
            .one(connection)
            .await?,
    )
}

/// The user whose username or e-mail is `login` (letter case ignored), with their role.
pub async fn find_with_role_by_login(
    connection: &impl ConnectionTrait,
    login: &str,
) -> Result<Option<UserWithRole>, DbErr> {
    let login = login.trim().to_lowercase();
    with_role(
        user::Entity::find()
            .filter(
                Condition::any()
                    .add(user::Column::Username.eq(login.as_str()))
                    .add(user::Column::Email.eq(login.as_str())),
            )
            .find_also_related(role::Entity)
            .one(connection)
            .await?,
    )
}

fn with_role(
    found: Option<(user::Model, Option<role::Model>)>,
) -> Result<Option<UserWithRole>, DbErr> {
    match found {
        None => Ok(None),
        Some((user, Some(role))) => Ok(Some((user, role))),
        // Impossible with the foreign key; reported rather than hidden.
        Some((user, None)) => Err(DbErr::RecordNotFound(format!("role of user {}", user.id))),
    }
}

/// Number of users.
pub async fn count(connection: &impl ConnectionTrait) -> Result<u64, DbErr> {
    user::Entity::find().count(connection).await
}

/// The role named `name`, locked until the end of the transaction where the backend
/// supports it (MySQL), to serialise operations that depend on it.
pub async fn find_role_by_name_for_update(
    connection: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<role::Model>, DbErr> {
    role::Entity::find()
        .filter(role::Column::Name.eq(name))
        .lock_exclusive()
        .one(connection)
        .await
}

/// Inserts a user.
pub async fn insert(
    connection: &impl ConnectionTrait,
    new_user: user::ActiveModel,
) -> Result<user::Model, DbErr> {
    new_user.insert(connection).await
}
