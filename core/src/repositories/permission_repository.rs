//! The rights stored for each role.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};

use crate::entities::{permission, role, role_permission};

/// Names of the permissions held by the role named `role_name`, sorted.
pub async fn permission_names_of_role(
    connection: &impl ConnectionTrait,
    role_name: &str,
) -> Result<Vec<String>, DbErr> {
    Ok(permission::Entity::find()
        .join(
            JoinType::InnerJoin,
            permission::Relation::RolePermission.def(),
        )
        .join(JoinType::InnerJoin, role_permission::Relation::Role.def())
        .filter(role::Column::Name.eq(role_name))
        .order_by_asc(permission::Column::Name)
        .all(connection)
        .await?
        .into_iter()
        .map(|row| row.name)
        .collect())
}
