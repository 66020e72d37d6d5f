//! What the core answers when it refuses or fails: a code a program acts on, the field
//! concerned when there is one, and the French message the core made for the person.

use serde::{Deserialize, Serialize};

/// A refusal or a failure of the core, as it crosses the API.
///
/// The message is the core's French sentence, shown as it is; the code says what kind of
/// answer it is, so that a client decides what to offer (« Réessayer avec la même
/// saisie ? » for a transient one, the welcome screen for an ended session) without
/// reading the message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// What kind of refusal or failure.
    pub code: ErrorCode,
    /// The field concerned, by its French label (« adresse e-mail »), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The French message for the person.
    pub message: String,
}

impl ApiError {
    /// An error of `code` saying `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            field: None,
            message: message.into(),
        }
    }

    /// The refusal of `rule` for `field`: « adresse e-mail : n'est pas une adresse
    /// valide ».
    pub fn validation(field: &str, rule: impl std::fmt::Display) -> Self {
        Self {
            code: ErrorCode::Validation,
            field: Some(field.to_owned()),
            message: format!("{field} : {rule}"),
        }
    }

    /// Whether the same request may succeed later: someone else held a lock, or the
    /// database did not answer.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.code,
            ErrorCode::Busy | ErrorCode::NumberingBusy | ErrorCode::Unavailable
        )
    }

    /// Why the session ended, when that is the answer.
    pub fn session_ended(&self) -> Option<SessionProblem> {
        match self.code {
            ErrorCode::SessionInvalid(problem) => Some(problem),
            _ => None,
        }
    }
}

/// What kind of refusal or failure an [`ApiError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// An input breaks a rule; nothing was written.
    Validation,
    /// The role or ownership does not allow it; nothing was written.
    PermissionDenied,
    /// The record does not exist (or no longer).
    NotFound,
    /// The operation conflicts with the current state (a duplicate, attached records).
    Conflict,
    /// Unknown user or wrong password: the same answer for both.
    WrongCredentials,
    /// No session, or one that can no longer be trusted: sign in again.
    SessionInvalid(SessionProblem),
    /// Someone else holds the record (or the database) and the retries are spent.
    Busy,
    /// Another creation of the same kind holds the numbering and the retries are spent.
    NumberingBusy,
    /// The database does not answer; nothing was written.
    Unavailable,
    /// The database did not confirm a commit: the change may or may not be saved.
    Unconfirmed,
    /// The database file is damaged.
    DatabaseDamaged,
    /// The database has no schema, or not this version's.
    SchemaNotReady,
    /// The record changed since it was read; nothing was written.
    Stale,
    /// A script stopped (its error, a limit, an expected count that did not match).
    Script,
    /// Too many sign-in attempts for the account or from the address: wait a minute.
    TooManyAttempts,
    /// An unexpected failure; the detail is in the core's log.
    Unexpected,
}

/// Why a session is refused. Named in the message so that the user knows what happened,
/// never with the token itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum SessionProblem {
    /// No token is stored.
    #[error("aucune session ouverte")]
    Missing,
    /// The token's lifetime is over.
    #[error("session expirée")]
    Expired,
    /// Bad signature, altered content, wrong algorithm, issuer or audience.
    #[error("jeton invalide")]
    Invalid,
    /// The user no longer exists.
    #[error("utilisateur supprimé")]
    UserDeleted,
    /// The user's password, role or username changed since sign-in: every session of
    /// theirs ended.
    #[error("mot de passe, rôle ou identifiant changé depuis la connexion")]
    UserChanged,
    /// The session was closed by signing out.
    #[error("session fermée par une déconnexion")]
    SignedOut,
}

/// A session that ended, as the shell says it: there, one signs in again at the welcome
/// screen, not with `epic-events connexion`.
pub fn session_ended_in_the_shell(problem: SessionProblem) -> String {
    format!("votre session n'est plus valide ({problem}) : reconnectez-vous (« 1. Se connecter »)")
}
