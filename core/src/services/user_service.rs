//! Employee accounts: management lists, creates, modifies and deletes them; everyone
//! changes their own password.

use epic_events_api::formatting::Zone;
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use super::journal::{ChangeKind, Notice};
use super::{Current, Session, commit, refuse_before_locking, refuse_if_stale};
use crate::authentication::password;
pub use crate::catalogue::user::{
    CURRENT_PASSWORD_LABEL, NewUser, NewUserInput, UserChanges, UserField, parse_role,
};
use crate::catalogue::{Catalogue, Value};
use crate::catalogue::{FieldRule, Searched, StoredField, unique_columns};
use crate::entities::user;
use crate::errors::{CoreError, attached_records_conflict, from_unique_violation};
use crate::paging::{Page, PageRequest};
use crate::permissions::{Action, PermissionDenied, Resource, Role, Target, authorize};
use crate::repositories::reading::Store;
pub use crate::repositories::user_repository::UserRow;
use crate::repositories::words::WordSearch;
use crate::repositories::{begin_write, page_of, store_search_text, user_repository};
use crate::validation;

/// Validates `input` and hashes its password: the row to insert for a user of `role_id`.
pub(crate) fn new_user_model(
    input: &NewUserInput,
    role_id: i32,
) -> Result<user::ActiveModel, CoreError> {
    let mut model = user::ActiveModel {
        role_id: Set(role_id),
        ..Default::default()
    };
    let mut stored: Vec<(UserField, String)> = Vec::new();
    for (field, text) in input.given() {
        if let Some(column) = field.column() {
            // A user's fields read the same in every zone.
            let value = field.checked(text, Zone::UTC)?;
            model.set(column, value.clone().into());
            stored.push((field, value));
        }
    }
    let stored: Vec<(UserField, &str)> = stored
        .iter()
        .map(|(field, value)| (*field, value.as_str()))
        .collect();
    model.search_text = Set(UserField::search_text_of(&stored));
    let password = UserField::Password.checked(&input.password, Zone::UTC)?;
    let password_hash = password::hash_password(&password).map_err(CoreError::unexpected)?;
    model.password_hash = Set(password_hash);
    Ok(model)
}

async fn role_id(connection: &impl ConnectionTrait, role: Role) -> Result<i32, CoreError> {
    user_repository::find_role_by_name(connection, role.name())
        .await?
        .map(|row| row.id)
        .ok_or_else(|| {
            CoreError::validation(
                UserField::Role.label(),
                format!("le rôle {role} n'existe pas en base"),
            )
        })
}

/// Whether `session` may do `action` on the account `user`: what the services check, and
/// what the shell asks before offering an action.
pub fn permits(session: &Session, action: Action, user: &UserRow) -> Result<(), PermissionDenied> {
    authorize(&session.actor, action, Target::User { user_id: user.id })
}

async fn find(
    connection: &impl ConnectionTrait,
    id: i32,
    for_update: bool,
) -> Result<UserRow, CoreError> {
    user_repository::find_row(connection, id, for_update)
        .await?
        .ok_or(CoreError::NotFound {
            what: Resource::User,
            id,
        })
}

/// A page of users (management).
pub async fn list(
    connection: &impl Store,
    session: &Session,
    page: PageRequest,
) -> Result<Page<UserRow>, CoreError> {
    authorize(&session.actor, Action::Read, Target::AnyOf(Resource::User))?;
    page_of(
        connection,
        |page| user_repository::list_query(None, page, connection.get_database_backend()),
        user_repository::sort_key,
        page,
        |row: &UserRow| row.id,
    )
    .await
}

/// A page of the accounts whose name, username or e-mail holds every word of `words`,
/// regardless of letter case and accents (management).
pub async fn search(
    connection: &impl Store,
    session: &Session,
    words: &str,
    page: PageRequest,
) -> Result<Page<UserRow>, CoreError> {
    authorize(&session.actor, Action::Read, Target::AnyOf(Resource::User))?;
    let words = WordSearch::new(&validation::search_words(words)?)
        .planned::<user::Entity>(connection, page.size())
        .await?;
    page_of(
        connection,
        |page| {
            user_repository::search_query(
                None,
                Some(&words),
                page,
                connection.get_database_backend(),
            )
        },
        user_repository::sort_key,
        page,
        |row: &UserRow| row.id,
    )
    .await
}

/// The support users, to choose who supports an event (management).
pub async fn support_users(
    connection: &impl ConnectionTrait,
    session: &Session,
    page: PageRequest,
) -> Result<Page<UserRow>, CoreError> {
    authorize(&session.actor, Action::Read, Target::AnyOf(Resource::User))?;
    let rows = user_repository::list(connection, Some(Role::Support.name()), page).await?;
    Ok(Page::from_rows(rows, page, |row| row.id))
}

/// One user (management).
pub async fn detail(
    connection: &impl ConnectionTrait,
    session: &Session,
    id: i32,
) -> Result<UserRow, CoreError> {
    authorize(&session.actor, Action::Read, Target::User { user_id: id })?;
    find(connection, id, false).await
}

/// Creates an account with `role` (management).
pub async fn create(
    connection: &impl ConnectionTrait,
    session: &Session,
    input: &NewUserInput,
    role: Role,
) -> Result<UserRow, CoreError> {
    authorize(
        &session.actor,
        Action::Create,
        Target::AnyOf(Resource::User),
    )?;
    let mut model = new_user_model(input, role_id(connection, role).await?)?;
    model.updated_by = Set(Some(session.user.id));
    let created = user_repository::insert(connection, model)
        .await
        .map_err(|error| from_unique_violation(error, "user", &unique_columns::<UserField>()))?;
    tracing::info!(
        user_id = session.user.id,
        created_user_id = created.id,
        "user created"
    );
    session.journal.record(
        Resource::User,
        ChangeKind::Created,
        created.id,
        &created.username,
    );
    session.journal.notify(Notice::UserCreated {
        acting_user_id: session.user.id,
        user_id: created.id,
    });
    find(connection, created.id, false).await
}

/// Modifies an account (management). A role change is refused while the user is
/// responsible for records that need their current role, and on one's own account.
///
/// `seen` is the account as the person read it before deciding the change, if the change
/// was made from it: when a field the change sets has changed since, the change is refused
/// ([`CoreError::Stale`]) and nothing is written.
pub async fn update(
    connection: &impl Store,
    session: &Session,
    id: i32,
    changes: &UserChanges,
    seen: Option<&UserRow>,
) -> Result<UserRow, CoreError> {
    authorize(&session.actor, Action::Update, Target::User { user_id: id })?;
    let transaction = begin_write(connection).await?;
    let current = find(&transaction, id, true).await?;
    let given = changes.given();
    if let Some(seen) = seen {
        let mut fields: Vec<(bool, bool)> = given
            .iter()
            .map(|(field, _)| (true, field.read(seen) != field.read(&current)))
            .collect();
        fields.push((changes.role.is_some(), seen.role_name != current.role_name));
        let now = Current {
            what: "l'utilisateur",
            label: &current.username,
            version: current.version,
            updated_by: current.updated_by,
            updated_at: current.updated_at,
            zone: session.zone,
        };
        refuse_if_stale(&transaction, seen.version, now, &fields).await?;
    }
    let mut columns: Vec<(user::Column, SimpleExpr)> = Vec::new();
    for (field, text) in given {
        let value = field.checked(text, session.zone)?;
        if let Some(column) = field.column()
            && field.read(&current) != Value::Text(value.clone())
        {
            columns.push((column, Expr::value(value)));
        }
    }
    if let Some(role) = changes.role.filter(|role| role.name() != current.role_name) {
        if id == session.user.id {
            return Err(CoreError::validation(
                UserField::Role.label(),
                "vous ne pouvez pas changer votre propre rôle",
            ));
        }
        let subject = format!("le rôle de {} ne peut pas changer", current.username);
        if let Some(conflict) = owned_records_conflict(&transaction, id, &subject).await? {
            return Err(conflict);
        }
        columns.push((
            user::Column::RoleId,
            Expr::value(role_id(&transaction, role).await?),
        ));
    }
    if let Some(new_password) = &changes.new_password {
        let new_password = UserField::Password.checked(new_password, session.zone)?;
        let hash = password::hash_password(&new_password).map_err(CoreError::unexpected)?;
        columns.push((user::Column::PasswordHash, Expr::value(hash)));
    }
    if columns.is_empty() {
        return Ok(current);
    }
    // A password reset, a new role or a new username ends every session of the user.
    if columns.iter().any(|(column, _)| ends_sessions(*column)) {
        columns.push(next_session_version());
    }
    user_repository::update(&transaction, id, columns, session.user.id)
        .await
        .map_err(|error| from_unique_violation(error, "user", &unique_columns::<UserField>()))?;
    let updated = find(&transaction, id, false).await?;
    store_search_text::<user::Entity>(&transaction, id, UserField::search_text(&updated)).await?;
    commit(transaction).await?;
    session
        .journal
        .record(Resource::User, ChangeKind::Modified, id, &updated.username);
    tracing::info!(
        user_id = session.user.id,
        updated_user_id = id,
        "user updated"
    );
    session.journal.notify(Notice::UserUpdated {
        acting_user_id: session.user.id,
        user_id: id,
        fields: changed_fields(changes),
    });
    Ok(updated)
}

/// Whether a change of `column` ends the user's sessions: their password, role or
/// username (what a token vouches for).
fn ends_sessions(column: user::Column) -> bool {
    matches!(
        column,
        user::Column::PasswordHash | user::Column::RoleId | user::Column::Username
    )
}

/// The next session version, in the statement that makes the change: every token signed
/// before it is refused from then on.
fn next_session_version() -> (user::Column, SimpleExpr) {
    (
        user::Column::SessionVersion,
        Expr::col(user::Column::SessionVersion).add(1),
    )
}

/// Names of the columns `changes` touches, for reports (never the values).
fn changed_fields(changes: &UserChanges) -> Vec<&'static str> {
    [
        ("user_first_name", changes.first_name.is_some()),
        ("user_last_name", changes.last_name.is_some()),
        ("email", changes.email.is_some()),
        ("phone_number", changes.phone_number.is_some()),
        ("username", changes.username.is_some()),
        ("role", changes.role.is_some()),
        ("password", changes.new_password.is_some()),
    ]
    .into_iter()
    .filter(|(_, changed)| *changed)
    .map(|(name, _)| name)
    .collect()
}

/// The refusal for a user still responsible for customers, contracts or events.
async fn owned_records_conflict(
    connection: &impl ConnectionTrait,
    id: i32,
    subject: &str,
) -> Result<Option<CoreError>, CoreError> {
    let (customers, contracts, events) =
        user_repository::count_owned_records(connection, id).await?;
    Ok(attached_records_conflict(
        subject,
        &[
            (customers, Resource::Customer),
            (contracts, Resource::Contract),
            (events, Resource::Event),
        ],
    ))
}

/// Whether `session` may delete the account `id` as it is now (the right, not their own,
/// nothing they own): asked before asking for a confirmation; [`delete`] asks again under
/// lock.
pub async fn may_delete(
    connection: &impl ConnectionTrait,
    session: &Session,
    id: i32,
) -> Result<(), CoreError> {
    let current = find(connection, id, false).await?;
    refuse_deletion_if_impossible(connection, session, &current).await
}

async fn refuse_deletion_if_impossible(
    connection: &impl ConnectionTrait,
    session: &Session,
    current: &UserRow,
) -> Result<(), CoreError> {
    authorize(
        &session.actor,
        Action::Delete,
        Target::User {
            user_id: current.id,
        },
    )?;
    if current.id == session.user.id {
        return Err(CoreError::Conflict(
            "vous ne pouvez pas supprimer votre propre compte".to_owned(),
        ));
    }
    let subject = format!(
        "l'utilisateur {} ne peut pas être supprimé",
        current.username
    );
    match owned_records_conflict(connection, current.id, &subject).await? {
        Some(conflict) => Err(conflict),
        None => Ok(()),
    }
}

/// Deletes an account (management): never one's own, never one still responsible for
/// customers, contracts or events.
pub async fn delete(connection: &impl Store, session: &Session, id: i32) -> Result<(), CoreError> {
    refuse_before_locking(
        session,
        Action::Delete,
        Resource::User,
        find(connection, id, false),
        |user| permits(session, Action::Delete, user),
    )
    .await?;
    let transaction = begin_write(connection).await?;
    let current = find(&transaction, id, true).await?;
    refuse_deletion_if_impossible(&transaction, session, &current).await?;
    user_repository::delete(&transaction, id).await?;
    commit(transaction).await?;
    session
        .journal
        .record(Resource::User, ChangeKind::Deleted, id, &current.username);
    tracing::info!(
        user_id = session.user.id,
        deleted_user_id = id,
        "user deleted"
    );
    Ok(())
}

/// Changes the signed-in user's own password, after checking the current one; every
/// session of theirs ends.
pub async fn change_own_password(
    connection: &impl ConnectionTrait,
    session: &Session,
    current_password: &str,
    new_password: &str,
) -> Result<(), CoreError> {
    let (stored, _) = user_repository::find_with_role_by_id(connection, session.user.id)
        .await?
        .ok_or(CoreError::NotFound {
            what: Resource::User,
            id: session.user.id,
        })?;
    if !password::verify_password(current_password, &stored.password_hash) {
        return Err(CoreError::validation(
            CURRENT_PASSWORD_LABEL,
            "est incorrect",
        ));
    }
    validation::new_password(UserField::Password.label(), new_password)?;
    let hash = password::hash_password(new_password).map_err(CoreError::unexpected)?;
    // Every session of the user ends, this one included: the shell signs in again with
    // the new password; a command asks for `epic-events connexion`.
    user_repository::update(
        connection,
        session.user.id,
        vec![
            (user::Column::PasswordHash, Expr::value(hash)),
            next_session_version(),
        ],
        session.user.id,
    )
    .await?;
    session.journal.record(
        Resource::User,
        ChangeKind::Modified,
        session.user.id,
        &session.user.username,
    );
    tracing::info!(user_id = session.user.id, "own password changed");
    Ok(())
}
