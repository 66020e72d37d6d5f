//! What a database error means: someone else holds what we need (retry), the database
//! does not answer (say so), or something unexpected. The one place that reads driver
//! error codes, apart from the unique and foreign-key violations SeaORM classifies.

use std::ops::Deref;

use sea_orm::{DbErr, RuntimeErr, sqlx};

use crate::database::url::DatabaseKind;

/// The kind of a database failure, for retrying and explaining it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A lock someone else holds: a deadlock, a lock wait past its bound, SQLite's busy
    /// or locked database. The whole transaction may be retried; `whole_database` is true
    /// for SQLite, whose write lock covers the whole file.
    Contention {
        /// SQLite's database-wide lock rather than a record's.
        whole_database: bool,
    },
    /// The server does not answer, the connection is lost, or a statement ran past its
    /// bound.
    Unavailable,
    /// The SQLite file is damaged, or is not a database.
    Damaged,
    /// Anything else: a bug or a broken database.
    Other,
}

// MySQL / MariaDB error numbers.
const MYSQL_LOCK_WAIT_TIMEOUT: u16 = 1205;
const MYSQL_DEADLOCK: u16 = 1213;
const MYSQL_TOO_MANY_CONNECTIONS: u16 = 1040;
const MYSQL_QUERY_INTERRUPTED: u16 = 1317;
const MYSQL_CONNECTION_KILLED: u16 = 1927;
const MARIADB_STATEMENT_TIMEOUT: u16 = 1969;
const MYSQL_QUERY_TIMEOUT: u16 = 3024;
const MYSQL_ACCESS_DENIED: u16 = 1045;
const MYSQL_DATABASE_ACCESS_DENIED: u16 = 1044;
const MYSQL_UNKNOWN_DATABASE: u16 = 1049;
const MYSQL_TABLE_ACCESS_DENIED: u16 = 1142;
const MYSQL_SPECIFIC_ACCESS_DENIED: u16 = 1227;

// SQLite primary result codes (the extended code's low byte).
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;
const SQLITE_CORRUPT: i64 = 11;
const SQLITE_CANTOPEN: i64 = 14;
const SQLITE_NOTADB: i64 = 26;

/// The driver's error inside `error`, if it has one.
fn sqlx_error(error: &DbErr) -> Option<&sqlx::Error> {
    match error {
        DbErr::Conn(RuntimeErr::SqlxError(inner))
        | DbErr::Exec(RuntimeErr::SqlxError(inner))
        | DbErr::Query(RuntimeErr::SqlxError(inner)) => Some(inner.deref()),
        _ => None,
    }
}

/// Whether `error` is the database refusing the account a right it lacks (to create, alter
/// or drop a table or a database): an administration run with a data-only account.
pub fn is_missing_privilege(error: &DbErr) -> bool {
    let by_code = sqlx_error(error).and_then(code).is_some_and(|code| {
        matches!(
            code,
            Code::MySql(
                MYSQL_TABLE_ACCESS_DENIED
                    | MYSQL_SPECIFIC_ACCESS_DENIED
                    | MYSQL_DATABASE_ACCESS_DENIED
            )
        )
    });
    // A migration's failure reaches here as its text only.
    by_code
        || matches!(error, DbErr::Migration(text) if text.contains("command denied")
            || text.contains("Access denied"))
}

/// The MySQL error number, or the SQLite primary result code, of a database's refusal.
enum Code {
    MySql(u16),
    Sqlite(i64),
}

fn code(error: &sqlx::Error) -> Option<Code> {
    let sqlx::Error::Database(database_error) = error else {
        return None;
    };
    if let Some(mysql) = database_error.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return Some(Code::MySql(mysql.number()));
    }
    if database_error
        .try_downcast_ref::<sqlx::sqlite::SqliteError>()
        .is_some()
    {
        let extended: i64 = database_error.code()?.parse().ok()?;
        return Some(Code::Sqlite(extended & 0xff));
    }
    None
}

/// What `error` means (see [`Failure`]).
pub fn classify(error: &DbErr) -> Failure {
    if let DbErr::ConnectionAcquire(_) | DbErr::Conn(_) = error {
        return Failure::Unavailable;
    }
    let Some(inner) = sqlx_error(error) else {
        return Failure::Other;
    };
    match inner {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => return Failure::Unavailable,
        _ => {}
    }
    match code(inner) {
        Some(Code::MySql(MYSQL_DEADLOCK | MYSQL_LOCK_WAIT_TIMEOUT)) => Failure::Contention {
            whole_database: false,
        },
        Some(Code::MySql(
            MARIADB_STATEMENT_TIMEOUT
            | MYSQL_QUERY_TIMEOUT
            | MYSQL_QUERY_INTERRUPTED
            | MYSQL_CONNECTION_KILLED
            | MYSQL_TOO_MANY_CONNECTIONS,
        )) => Failure::Unavailable,
        Some(Code::Sqlite(SQLITE_BUSY | SQLITE_LOCKED)) => Failure::Contention {
            whole_database: true,
        },
        Some(Code::Sqlite(SQLITE_CORRUPT | SQLITE_NOTADB)) => Failure::Damaged,
        _ => Failure::Other,
    }
}

/// Why a connection could not be opened, in French: each cause its own sentence, so that
/// « vérifiez que le serveur répond » is said only when that is the cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConnectFailure {
    /// Nothing answers at the address (refused, unknown host, network down).
    #[error(
        "le serveur ne répond pas à cette adresse : vérifiez DATABASE_URL et que le serveur est démarré"
    )]
    NoServer,
    /// Something accepted the connection but did not answer in time.
    #[error("le serveur ne répond pas (délai dépassé) ; réessayez dans un instant")]
    NoAnswer,
    /// The server refused the user or password.
    #[error("accès refusé : vérifiez l'utilisateur et le mot de passe de DATABASE_URL")]
    AccessDenied,
    /// The database named in the URL does not exist on the server.
    #[error(
        "cette base n'existe pas sur le serveur : créez-la, ou créez-la avec les données de démonstration par « epic-events base reinitialiser »"
    )]
    UnknownDatabase,
    /// The file is not an SQLite database.
    #[error("ce fichier n'est pas une base SQLite")]
    NotADatabase,
    /// The SQLite file is damaged.
    #[error("le fichier de base est endommagé : restaurez une sauvegarde")]
    Corrupt,
    /// The SQLite file cannot be opened or created.
    #[error("impossible d'ouvrir ou de créer ce fichier (dossier absent ou droits insuffisants)")]
    CannotOpen,
    /// Another program holds the database.
    #[error("la base est occupée par un autre programme ; réessayez dans un instant")]
    Busy,
    /// Any other cause; the log has the details.
    #[error("connexion impossible ; le détail est dans le journal")]
    Other,
}

/// Why connecting to a `kind` database failed with `error`.
pub fn connect_failure(error: &DbErr, kind: DatabaseKind) -> ConnectFailure {
    if let DbErr::ConnectionAcquire(_) = error {
        return ConnectFailure::NoAnswer;
    }
    if let DbErr::Conn(RuntimeErr::Internal(_)) = error {
        return ConnectFailure::NoAnswer;
    }
    let Some(inner) = sqlx_error(error) else {
        return ConnectFailure::Other;
    };
    match (code(inner), inner) {
        (Some(Code::MySql(MYSQL_ACCESS_DENIED | MYSQL_DATABASE_ACCESS_DENIED)), _) => {
            ConnectFailure::AccessDenied
        }
        (Some(Code::MySql(MYSQL_UNKNOWN_DATABASE)), _) => ConnectFailure::UnknownDatabase,
        (Some(Code::Sqlite(SQLITE_NOTADB)), _) => ConnectFailure::NotADatabase,
        (Some(Code::Sqlite(SQLITE_CORRUPT)), _) => ConnectFailure::Corrupt,
        (Some(Code::Sqlite(SQLITE_CANTOPEN)), _) => ConnectFailure::CannotOpen,
        (Some(Code::Sqlite(SQLITE_BUSY | SQLITE_LOCKED)), _) => ConnectFailure::Busy,
        (_, sqlx::Error::PoolTimedOut) => ConnectFailure::NoAnswer,
        (_, sqlx::Error::Io(io)) if io.kind() == std::io::ErrorKind::TimedOut => {
            ConnectFailure::NoAnswer
        }
        (_, sqlx::Error::Io(_)) if kind == DatabaseKind::Sqlite => ConnectFailure::CannotOpen,
        (_, sqlx::Error::Io(_)) => ConnectFailure::NoServer,
        _ => ConnectFailure::Other,
    }
}
