//! Signing in, and turning the stored session into the current user.

use epic_events_api::formatting::Zone;
use std::sync::LazyLock;

use chrono::Utc;
use sea_orm::{ActiveValue::Set, DatabaseConnection, TransactionTrait};

use super::user_service::{self, NewUserInput};
use crate::authentication::password::{self, PasswordHash};
use crate::authentication::token::{self, Claims, SessionKeys, SessionToken};
use crate::errors::{CoreError, SessionProblem};
use crate::permissions::Role;
use crate::repositories::session_repository;
use crate::repositories::user_repository::{self, UserWithRole};

pub use epic_events_api::records::AuthenticatedUser;

/// The signed-in user a user's row and role make.
fn authenticated_user((user, role): UserWithRole) -> Result<AuthenticatedUser, CoreError> {
    let role = Role::from_name(&role.name).ok_or_else(|| {
        CoreError::unexpected(std::io::Error::other(format!(
            "unknown role name {:?}",
            role.name
        )))
    })?;
    Ok(AuthenticatedUser {
        id: user.id,
        username: user.username,
        first_name: user.user_first_name,
        last_name: user.user_last_name,
        role,
    })
}

/// Verified against when the login matches nobody, so that an unknown user takes as long
/// to refuse as a wrong password: a well-formed argon2id hash with the current parameters,
/// whose password nobody knows.
static UNKNOWN_USER_HASH: LazyLock<PasswordHash> = LazyLock::new(|| {
    PasswordHash::from_phc_string(
        "$argon2id$v=19$m=19456,t=2,p=1$Q8HmS5Ie0gYWnL0sw6ZDQg$IJ1s0tkuo8CmJS9Y4hbt1ds0x63V6Zn5kUpX6eAbp6o",
    )
});

/// Checks `password` for the user whose username or e-mail is `login` and opens a session
/// signed with `keys`. Unknown user and wrong password give the same error.
pub async fn sign_in(
    connection: &DatabaseConnection,
    login: &str,
    password_text: &str,
    zone: Zone,
    keys: &SessionKeys,
) -> Result<(AuthenticatedUser, SessionToken), CoreError> {
    let found = user_repository::find_with_role_by_login(connection, login).await?;
    let Some((user, role)) = found else {
        password::verify_password(password_text, &UNKNOWN_USER_HASH);
        return Err(CoreError::WrongCredentials);
    };
    if !password::verify_password(password_text, &user.password_hash) {
        return Err(CoreError::WrongCredentials);
    }
    let session_version = user.session_version;
    let authenticated = authenticated_user((user, role))?;
    let token = issue(&authenticated, session_version, zone, keys)?;
    tracing::info!(user_id = authenticated.id, "signed in");
    Ok((authenticated, token))
}

/// A new session for the user `user_id` as they are now, without asking their password
/// again: after a change of their own password, which ended their sessions.
pub async fn new_session(
    connection: &DatabaseConnection,
    user_id: i32,
    zone: Zone,
    keys: &SessionKeys,
) -> Result<(AuthenticatedUser, SessionToken), CoreError> {
    let (user, role) = user_repository::find_with_role_by_id(connection, user_id)
        .await?
        .ok_or(CoreError::SessionInvalid(SessionProblem::UserDeleted))?;
    let session_version = user.session_version;
    let authenticated = authenticated_user((user, role))?;
    let token = issue(&authenticated, session_version, zone, keys)?;
    Ok((authenticated, token))
}

/// The signed token of a session of `user` at `session_version`, in `zone`.
fn issue(
    user: &AuthenticatedUser,
    session_version: i64,
    zone: Zone,
    keys: &SessionKeys,
) -> Result<SessionToken, CoreError> {
    let claims = Claims::new(
        user.id,
        &user.username,
        user.role,
        session_version,
        zone,
        Utc::now(),
        keys.lifetime(),
    );
    token::sign(&claims, keys.secret()).map_err(CoreError::unexpected)
}

/// The current user for `token`: the token must be valid (see [`token::verify`]), not
/// revoked by signing out, and the user must still exist with the same username and role
/// and no password change since (the session version the token carries). Every command
/// goes through here.
pub async fn authenticate(
    connection: &DatabaseConnection,
    token: Option<&SessionToken>,
    keys: &SessionKeys,
) -> Result<AuthenticatedUser, CoreError> {
    Ok(authenticate_with_zone(connection, token, keys).await?.0)
}

/// [`authenticate`], and the time zone the token's holder gave at sign-in.
pub async fn authenticate_with_zone(
    connection: &DatabaseConnection,
    token: Option<&SessionToken>,
    keys: &SessionKeys,
) -> Result<(AuthenticatedUser, Zone), CoreError> {
    let token = token.ok_or(CoreError::SessionInvalid(SessionProblem::Missing))?;
    let claims = token::verify(token, keys).map_err(CoreError::SessionInvalid)?;
    let user_id: i32 = claims
        .sub
        .parse()
        .map_err(|_| CoreError::SessionInvalid(SessionProblem::Invalid))?;
    let ((user, role), revoked) =
        user_repository::find_with_role_and_revocation(connection, user_id, &claims.jti)
            .await?
            .ok_or(CoreError::SessionInvalid(SessionProblem::UserDeleted))?;
    let session_version = user.session_version;
    let user = authenticated_user((user, role))?;
    if user.username != claims.username
        || user.role.name() != claims.role
        || session_version != claims.sv
    {
        return Err(CoreError::SessionInvalid(SessionProblem::UserChanged));
    }
    if revoked {
        return Err(CoreError::SessionInvalid(SessionProblem::SignedOut));
    }
    Ok((user, claims.zone()))
}

/// Ends the session of `token` for good: it is refused from now on, wherever it is
/// presented, until it would have expired. A token that is no longer valid has nothing
/// left to end.
pub async fn sign_out(
    connection: &DatabaseConnection,
    token: &SessionToken,
    keys: &SessionKeys,
) -> Result<(), CoreError> {
    let Ok(claims) = token::verify(token, keys) else {
        return Ok(());
    };
    let Ok(user_id) = claims.sub.parse::<i32>() else {
        return Ok(());
    };
    let expires_at = chrono::DateTime::from_timestamp(claims.exp, 0).unwrap_or_else(Utc::now);
    session_repository::revoke(connection, &claims.jti, user_id, expires_at).await?;
    tracing::info!(user_id, "signed out");
    Ok(())
}

/// Whether the database has no user yet, so that a first manager may be created.
pub async fn first_manager_needed(connection: &DatabaseConnection) -> Result<bool, CoreError> {
    Ok(user_repository::count(connection).await? == 0)
}

/// Creates the first management account of a database that has no user at all.
pub async fn create_first_manager(
    connection: &DatabaseConnection,
    input: &NewUserInput,
) -> Result<AuthenticatedUser, CoreError> {
    // Validated (and the password hashed) before the transaction: hashing is slow.
    let mut new_user = user_service::new_user_model(input, 0)?;

    let transaction = connection.begin().await?;
    // Locking the role serialises two concurrent attempts on MySQL; SQLite serialises writes.
    let role = user_repository::find_role_by_name_for_update(&transaction, Role::Management.name())
        .await?
        .ok_or_else(|| {
            CoreError::Conflict(
                "le rôle gestion n'existe pas : appliquez d'abord les migrations avec « epic-events base migrer »".to_owned(),
            )
        })?;
    if user_repository::count(&transaction).await? > 0 {
        return Err(CoreError::Conflict(
            "la base contient déjà des utilisateurs : le premier gestionnaire ne peut être créé que sur une base vide ; un gestionnaire crée les comptes suivants".to_owned(),
        ));
    }
    new_user.role_id = Set(role.id);
    let created = user_repository::insert(&transaction, new_user).await?;
    transaction.commit().await?;
    tracing::info!(user_id = created.id, "first management account created");
    authenticated_user((created, role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unknown_user_hash_costs_as_much_as_a_real_one() {
        let real = password::hash_password("a real password").unwrap();
        let parameters =
            |hash: &PasswordHash| hash.as_phc_string().split('$').nth(3).unwrap().to_owned();
        assert_eq!(parameters(&UNKNOWN_USER_HASH), parameters(&real));
        assert!(
            argon2::password_hash::phc::PasswordHash::new(UNKNOWN_USER_HASH.as_phc_string())
                .is_ok()
        );
        assert!(!password::verify_password("", &UNKNOWN_USER_HASH));
    }
}
