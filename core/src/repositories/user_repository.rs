//! Users and their roles.

use epic_events_api::catalogue::FieldRef;
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};

use super::rows::ReadRows;
use super::words::WordSearch;
pub use epic_events_api::records::UserRow;

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

/// The user with id `id`, with their role, and whether the session `token_id` was
/// revoked (its holder signed out): what checking a session reads, in one statement.
pub async fn find_with_role_and_revocation(
    connection: &impl ConnectionTrait,
    id: i32,
    token_id: &str,
) -> Result<Option<(UserWithRole, bool)>, DbErr> {
    use sea_orm::sea_query::{Expr, Query};
    use sea_orm::{FromQueryResult, QueryTrait};
    let revoked = Query::select()
        .expr(Expr::val(1))
        .from(crate::entities::revoked_session::Entity)
        .and_where(crate::entities::revoked_session::Column::TokenId.eq(token_id))
        .to_owned();
    let statement = user::Entity::find_by_id(id)
        .find_also_related(role::Entity)
        .expr_as(Expr::exists(revoked), "revoked")
        .build(connection.get_database_backend());
    let Some(row) = connection.query_one_raw(statement).await? else {
        return Ok(None);
    };
    // The prefixes of a select of two entities (`find_also_related`).
    let user = user::Model::from_query_result(&row, "A_")?;
    let role = role::Model::from_query_result_optional(&row, "B_")?;
    let revoked: i64 = row.try_get("", "revoked")?;
    Ok(with_role(Some((user, role)))?.map(|found| (found, revoked != 0)))
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

/// The role id of the user `id`, read with the user's row locked in share mode until the
/// end of the transaction (MySQL): the user can be neither deleted nor given another role
/// before it ends. `None` if the user does not exist (any more).
pub async fn role_id_locked(
    connection: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<i32>, DbErr> {
    user::Entity::find_by_id(id)
        .select_only()
        .column(user::Column::RoleId)
        .lock_shared()
        .into_tuple::<i32>()
        .one(connection)
        .await
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

// LEFT JOINs keep the listed table driving the plan (see `contract_repository`).
fn rows() -> sea_orm::Select<user::Entity> {
    user::Entity::find()
        .select_only()
        .columns([
            user::Column::Id,
            user::Column::Username,
            user::Column::UserFirstName,
            user::Column::UserLastName,
            user::Column::Email,
            user::Column::PhoneNumber,
            user::Column::CreatedAt,
            user::Column::UpdatedAt,
            user::Column::Version,
            user::Column::UpdatedBy,
        ])
        .join(sea_orm::JoinType::LeftJoin, user::Relation::Role.def())
        .column_as(role::Column::Name, "role_name")
}

/// A page of users in id order, only those of the role named `role_name` if given.
pub async fn list(
    connection: &impl ConnectionTrait,
    role_name: Option<&str>,
    page: crate::paging::PageRequest,
) -> Result<Vec<UserRow>, DbErr> {
    list_query(role_name, page, connection.get_database_backend())
        .all_rows::<UserRow>(connection)
        .await
}

/// The query of [`list`].
pub fn list_query(
    role_name: Option<&str>,
    page: crate::paging::PageRequest,
    backend: sea_orm::DbBackend,
) -> sea_orm::Select<user::Entity> {
    search_query(role_name, None, page, backend)
}

/// The query of a page of the users (of `role_name`, if given) whose name, username or
/// e-mail holds every word of `search`, regardless of letter case and accents.
pub fn search_query(
    role_name: Option<&str>,
    search: Option<&WordSearch>,
    page: crate::paging::PageRequest,
    backend: sea_orm::DbBackend,
) -> sea_orm::Select<user::Entity> {
    let mut query = rows();
    if let Some(role_name) = role_name {
        query = query.filter(role::Column::Name.eq(role_name));
    }
    if let Some(search) = search {
        query = query.filter(search.condition::<user::Entity>(backend));
    }
    super::ordered(query, page, backend, user::Column::Id, sort_key, |query| {
        match page.after_id() {
            Some(after_id) => query.filter(user::Column::Id.gt(after_id)),
            None => query,
        }
        .order_by_asc(user::Column::Id)
    })
}

/// What the list of users is sorted by when a person chooses `field` (its columns).
pub fn sort_key(field: FieldRef, backend: sea_orm::DbBackend) -> Option<SimpleExpr> {
    use epic_events_api::catalogue::user::UserField;
    use sea_orm::sea_query::Expr;
    let FieldRef::User(field) = field else {
        return None;
    };
    let text = |column: user::Column| super::text_order((user::Entity, column), backend);
    Some(match field {
        UserField::Id => Expr::col((user::Entity, user::Column::Id)),
        UserField::LastName => text(user::Column::UserLastName),
        UserField::FirstName => text(user::Column::UserFirstName),
        UserField::Username => text(user::Column::Username),
        UserField::Email => text(user::Column::Email),
        UserField::Role => super::text_order((role::Entity, role::Column::Name), backend),
        _ => return None,
    })
}

/// The user `id`, without the hash; with `for_update`, read and locked as
/// `repositories::find_locked` says.
pub async fn find_row(
    connection: &impl ConnectionTrait,
    id: i32,
    for_update: bool,
) -> Result<Option<UserRow>, DbErr> {
    let read = rows()
        .filter(user::Column::Id.eq(id))
        .one_row::<UserRow>(connection);
    super::find_locked::<user::Entity, _>(
        connection,
        id,
        for_update,
        read,
        super::rows::merged_user,
    )
    .await
}

/// The role named `name`.
pub async fn find_role_by_name(
    connection: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<role::Model>, DbErr> {
    role::Entity::find()
        .filter(role::Column::Name.eq(name))
        .one(connection)
        .await
}

/// What the user `id` is responsible for: customers (as sales), contracts (as management),
/// events (as support).
pub async fn count_owned_records(
    connection: &impl ConnectionTrait,
    id: i32,
) -> Result<(u64, u64, u64), DbErr> {
    use crate::entities::{contract, customer, event};
    let customers = customer::Entity::find()
        .filter(customer::Column::UserSalesId.eq(id))
        .count(connection)
        .await?;
    let contracts = contract::Entity::find()
        .filter(contract::Column::UserManagementId.eq(id))
        .count(connection)
        .await?;
    let events = event::Entity::find()
        .filter(event::Column::UserSupportId.eq(id))
        .count(connection)
        .await?;
    Ok((customers, contracts, events))
}

/// Writes the changed columns of the user `id` as a new version by `author`.
pub async fn update(
    connection: &impl ConnectionTrait,
    id: i32,
    changes: Vec<(user::Column, SimpleExpr)>,
    author: i32,
) -> Result<bool, DbErr> {
    super::write_version::<user::Entity>(connection, id, changes, None, author).await
}

/// Deletes the user `id`.
pub async fn delete(connection: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    Ok(user::Entity::delete_by_id(id)
        .exec(connection)
        .await?
        .rows_affected
        > 0)
}
