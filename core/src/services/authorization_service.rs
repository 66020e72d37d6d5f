//! Building the [`Actor`] the permission rules judge, from the stored rights of the
//! signed-in user's role.

use sea_orm::ConnectionTrait;

use super::authentication_service::AuthenticatedUser;
use crate::errors::CoreError;
use crate::permissions::{Actor, Permission};
use crate::repositories::permission_repository;

/// The actor for `user`, with the rights currently stored for their role.
pub async fn actor_for(
    connection: &impl ConnectionTrait,
    user: &AuthenticatedUser,
) -> Result<Actor, CoreError> {
    let names =
        permission_repository::permission_names_of_role(connection, user.role.name()).await?;
    let granted = names.iter().filter_map(|name| {
        let permission = Permission::from_name(name);
        if permission.is_none() {
            tracing::warn!(permission = %name, "stored permission unknown to this version, ignored");
        }
        permission
    });
    Ok(Actor::new(user.id, user.role, granted))
}
