//! The core's error type, and its French rendering: the one place where what went wrong
//! becomes words for the user.

use sea_orm::DbErr;

use crate::permissions::PermissionDenied;

/// Everything the core can refuse or fail with.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// An input breaks a rule; nothing was written.
    #[error("{field} : {rule}")]
    Validation {
        /// The field, as the user knows it (« adresse e-mail »).
        field: String,
        /// The rule it breaks, as a French clause (« n'est pas une adresse valide »).
        rule: String,
    },
    /// The user's role or ownership does not allow the action; nothing was written.
    #[error("action refusée : {0}")]
    PermissionDenied(#[from] PermissionDenied),
    /// The record does not exist (or no longer).
    #[error("{} n°{id} introuvable", .what.french_noun())]
    NotFound {
        /// Which kind of record.
        what: crate::permissions::Resource,
        /// The id asked for.
        id: i32,
    },
    /// The operation conflicts with the current state (a duplicate, an existing record).
    #[error("{0}")]
    Conflict(String),
    /// Unknown user or wrong password: deliberately the same message for both.
    #[error("identifiant ou mot de passe incorrect")]
    WrongCredentials,
    /// No session, or one that can no longer be trusted.
    #[error(
        "votre session n'est plus valide ({0}) : reconnectez-vous avec « epic-events connexion »"
    )]
    SessionInvalid(SessionProblem),
    /// Someone else holds the record (or, on SQLite, the database) and the retries are
    /// spent; nothing was written.
    #[error("{}", busy_message(*.whole_database))]
    Busy {
        /// SQLite's database-wide write lock rather than a record's lock.
        whole_database: bool,
    },
    /// Another creation of the same kind of record holds the numbering (a long script run,
    /// typically) and the retries are spent; nothing was written.
    #[error(
        "un autre enregistrement du même type est en cours de création (numérotation) ; réessayez dans un instant"
    )]
    NumberingBusy,
    /// The database does not answer, or the connection is lost; nothing was written.
    #[error("base injoignable : la base de données ne répond pas ; réessayez dans un instant")]
    Unavailable,
    /// The database did not confirm a commit: the change may or may not be saved.
    #[error(
        "la base de données n'a pas confirmé l'enregistrement : vérifiez la fiche avant de recommencer"
    )]
    Unconfirmed(
        /// What the database answered, when it answered (not when the deadline passed).
        #[source]
        Option<Box<CoreError>>,
    ),
    /// The database file is damaged; nothing was written.
    #[error("le fichier de la base de données est endommagé : restaurez une sauvegarde")]
    DatabaseDamaged(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A refusal about one item of a list (a line of a file, `item`: « ligne 12
    /// (CTR-2026-0042) »); nothing of the list was written.
    #[error("{item} : {error}")]
    InList {
        /// Which item, as its source names it.
        item: String,
        /// Why it was refused.
        error: Box<CoreError>,
    },
    /// The record changed since it was read; nothing was written.
    #[error("{0}")]
    Stale(StaleRecord),
    /// A refusal made by the API's own reading of an input other than a field's (see
    /// `From<ApiError>`); nothing was written.
    #[error("{0}")]
    Refused(epic_events_api::ApiError),
    /// An unexpected failure; details go to the log, not to the user.
    #[error("erreur inattendue ; le détail est dans le journal")]
    Unexpected(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub use epic_events_api::error::{SessionProblem, session_ended_in_the_shell};

fn busy_message(whole_database: bool) -> &'static str {
    if whole_database {
        "base occupée : quelqu'un d'autre enregistre en ce moment ; réessayez dans un instant"
    } else {
        "la fiche est en cours de modification par quelqu'un d'autre ; réessayez dans un instant"
    }
}

/// A change made from a record as it was read, refused because the record changed since:
/// says who changed it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleRecord {
    /// « le contrat », « le client »…
    pub what: &'static str,
    /// Its number or name: « CTR-2026-0002 ».
    pub label: String,
    /// The full name of who changed it last, if known.
    pub changed_by: Option<String>,
    /// When.
    pub changed_at: chrono::DateTime<chrono::Utc>,
    /// The zone it is said in (the session's).
    pub zone: epic_events_api::formatting::Zone,
}

impl std::fmt::Display for StaleRecord {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let by = self
            .changed_by
            .as_deref()
            .map(|name| format!(" par {name}"))
            .unwrap_or_default();
        write!(
            formatter,
            "{} {} a été modifié{by} le {} depuis que vous l'avez lu ; rien n'a été enregistré : \
             relisez-le et refaites votre modification",
            self.what,
            self.label,
            crate::formatting::date_time_in(self.changed_at, self.zone)
        )
    }
}

impl From<DbErr> for CoreError {
    /// A lock held by someone else and a database that does not answer are expected in a
    /// team's work: they become [`CoreError::Busy`] and [`CoreError::Unavailable`]
    /// (logged, not reported as bugs); anything else is unexpected.
    fn from(error: DbErr) -> Self {
        match crate::database::classify(&error) {
            crate::database::Failure::Contention { whole_database } => {
                tracing::info!(error = %error, "database contention");
                CoreError::Busy { whole_database }
            }
            crate::database::Failure::Unavailable => {
                tracing::warn!(error = %error, "database unavailable");
                CoreError::Unavailable
            }
            // Reported where it is shown: someone must restore the file.
            crate::database::Failure::Damaged => CoreError::DatabaseDamaged(Box::new(error)),
            crate::database::Failure::Other => CoreError::unexpected(error),
        }
    }
}

impl From<epic_events_api::ApiError> for CoreError {
    /// A refusal of the API's own reading of a typed value (a value of the wrong kind for
    /// a field, a field that is not typed) is a validation error of that field, as the
    /// core's rules make them.
    fn from(error: epic_events_api::ApiError) -> Self {
        if error.code == epic_events_api::ErrorCode::Validation
            && let Some(field) = &error.field
            && let Some(rule) = error.message.strip_prefix(&format!("{field} : "))
        {
            return CoreError::validation(field, rule);
        }
        CoreError::Refused(error)
    }
}

impl CoreError {
    /// Whether retrying the whole transaction may succeed: someone else held a lock.
    pub fn is_contention(&self) -> bool {
        matches!(self, CoreError::Busy { .. } | CoreError::NumberingBusy)
    }

    /// Whether the error comes from the database's state at this moment (a lock held by
    /// someone else, a database that does not answer) rather than from what was asked:
    /// the same request may succeed later.
    pub fn is_transient(&self) -> bool {
        self.is_contention() || matches!(self, CoreError::Unavailable)
    }

    /// An unexpected failure; reported where it is shown (`reporting::core_failure`).
    pub fn unexpected(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        CoreError::Unexpected(Box::new(error))
    }

    /// A validation error on `field`.
    pub fn validation(field: &str, rule: impl Into<String>) -> Self {
        CoreError::Validation {
            field: field.to_owned(),
            rule: rule.into(),
        }
    }
}

pub use epic_events_api::formatting::french_io_error;

/// Turns the database's refusal of a duplicate into a validation error naming the field.
///
/// `columns` lists the table's unique columns with the field name users know. The unique
/// indexes are named `<table>_<column>_unique` (MySQL reports the index name; SQLite
/// reports `<table>.<column>`). Any other error is unexpected.
pub fn from_unique_violation(
    error: DbErr,
    table: &str,
    columns: &[(&str, &'static str)],
) -> CoreError {
    if let Some(sea_orm::SqlErr::UniqueConstraintViolation(message)) = error.sql_err() {
        for (column, field) in columns {
            let index = format!("{table}_{column}_unique");
            let qualified = format!("{table}.{column}");
            if message.contains(&index) || message.contains(&qualified) {
                return already_used(field);
            }
        }
    }
    CoreError::from(error)
}

/// The refusal of a value another record of its kind already holds, for `field`.
pub fn already_used(field: &str) -> CoreError {
    CoreError::validation(field, "cette valeur est déjà utilisée")
}

/// The refusal to remove or change a record that others still depend on, e.g. « le client
/// X ne peut pas être supprimé : 2 contrats lui sont rattachés », or `None` when `counts`
/// (number, singular noun) are all zero.
pub fn attached_records_conflict(
    subject: &str,
    counts: &[(u64, crate::permissions::Resource)],
) -> Option<CoreError> {
    let total: u64 = counts.iter().map(|(count, _)| count).sum();
    if total == 0 {
        return None;
    }
    let plural = |count: u64| if count > 1 { "s" } else { "" };
    let parts: Vec<String> = counts
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, resource)| format!("{count} {}{}", resource.french_noun(), plural(*count)))
        .collect();
    let verb = if total > 1 { "sont" } else { "est" };
    Some(CoreError::Conflict(format!(
        "{subject} : {} lui {verb} rattaché{}",
        parts.join(", "),
        plural(total)
    )))
}
