//! The database as infrastructure: connecting (with the session settings every connection
//! needs), telling transient failures from real ones, migrating, resetting, loading the
//! demo data.
//!
//! Nothing here checks permissions: the administration operations are run by whoever holds
//! the database credentials, from the `epic-events base …` commands, never from a
//! signed-in session.

pub mod administration;
pub mod failures;
pub mod limits;
pub mod url;

use std::time::Duration;

use sea_orm::sqlx;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::database::url::{DatabaseKind, DatabaseUrl};
pub use failures::{ConnectFailure, Failure, classify};

/// Something went wrong with the database itself. Messages are French and never contain
/// SQL or credentials; the underlying error is kept as the source, for the log.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    /// The server or file cannot be used; the message says why.
    #[error("impossible d'utiliser la base de données {url} : {failure}")]
    Unreachable {
        /// Where we tried to connect, password hidden.
        url: String,
        /// What went wrong, in French.
        failure: ConnectFailure,
        /// The driver's error.
        #[source]
        source: DbErr,
    },
    /// A migration failed.
    #[error("la mise à jour du schéma de la base a échoué")]
    Migration(#[source] DbErr),
    /// The account of the URL may not change the schema (the server's account, which has
    /// data rights only).
    #[error(
        "le compte de cette URL n'a pas les droits d'administration de la base (créer, modifier ou supprimer des tables) : donnez l'URL d'un administrateur dans EPIC_EVENTS_ADMIN_DATABASE_URL"
    )]
    NotAdministrator(#[source] DbErr),
    /// The SQLite file is damaged.
    #[error("le fichier de la base de données est endommagé : restaurez une sauvegarde")]
    Damaged(#[source] DbErr),
    /// The URL of a MySQL database does not name the database.
    #[error(
        "DATABASE_URL doit nommer la base de données (exemple : mysql://utilisateur@hôte:3306/epic_events)"
    )]
    MissingDatabaseName,
    /// The database name cannot be used safely in a statement.
    #[error(
        "le nom de base « {0} » n'est pas accepté (lettres, chiffres, « _ » et « - » seulement)"
    )]
    InvalidDatabaseName(String),
    /// The SQLite file cannot be removed or created.
    #[error("impossible de recréer le fichier de base {path}")]
    File {
        /// The file.
        path: String,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
    /// The demo data set is inconsistent or cannot be written (`seed`).
    #[error("{0}")]
    DemoData(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// Any other database error.
    #[error("erreur inattendue de la base de données")]
    Unexpected(#[from] DbErr),
}

impl DatabaseError {
    /// A migration's failure: a damaged file says so.
    pub fn migration(error: DbErr) -> Self {
        match classify(&error) {
            Failure::Damaged => DatabaseError::Damaged(error),
            _ if failures::is_missing_privilege(&error) => DatabaseError::NotAdministrator(error),
            _ => DatabaseError::Migration(error),
        }
    }
}

/// The collation a list sorted by a text column is ordered with on SQLite
/// (`repositories::text_order`): every SQLite connection of the core gets one doing what
/// MySQL's tables' own collation does (`utf8mb4_unicode_ci`: accents and letter case
/// ignored, `formatting::compare_folded`), under that name, so that both backends list
/// `Alice, Émile, étienne, Zoé` alike. SQLite's own tools do not know it: only the sorted
/// lists use it.
pub const TEXT_ORDER_COLLATION: &str = "utf8mb4_unicode_ci";

/// Opens a connection pool to `url`, failing fast when the server does not answer.
///
/// Every connection is set up for concurrent use (ARCHITECTURE.md, « Concurrency »):
/// - MySQL/MariaDB: READ COMMITTED, so that every statement — the locking read that
///   decides a write, and the reads after it — sees the latest committed rows rather than
///   the snapshot of the transaction's first read; lock waits bounded by
///   [`limits::lock_wait`]; statements bounded by [`limits::statement_bound`] (MariaDB's
///   `max_statement_time`, MySQL's `max_execution_time` for reads);
/// - SQLite: the collation [`TEXT_ORDER_COLLATION`];
/// - SQLite: WAL journal (readers never wait for the writer), foreign keys on, and a busy
///   timeout of [`limits::lock_wait`] so that a writer waits for another instead of failing.
pub async fn connect(url: &DatabaseUrl) -> Result<DatabaseConnection, DatabaseError> {
    let mut options = ConnectOptions::new(url.expose());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(limits::ACQUIRE_WAIT)
        .max_connections(limits::pool_size())
        // Statements may carry personal data: never log them.
        .sqlx_logging(false);
    match url.database_kind() {
        DatabaseKind::MySql => {
            options.map_sqlx_mysql_pool_opts(|pool| {
                pool.after_connect(|connection, _| {
                    Box::pin(async move { configure_mysql_session(connection).await })
                })
            });
        }
        DatabaseKind::Sqlite => {
            options.map_sqlx_sqlite_opts(|sqlite| {
                sqlite
                    .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(limits::lock_wait())
                    .foreign_keys(true)
                    // SQLite runs on a thread of its own that hands each row over: room
                    // for a caller's whole page lets it read on without waiting for each
                    // row to be taken (a page is read whole anyway). An export: 2.19 →
                    // 2.05 s. An export's batches (`paging::EXPORT_BATCH_SIZE`) stream
                    // through it.
                    .row_buffer_size(epic_events_api::paging::MAXIMUM_PAGE_SIZE as usize)
                    .collation(
                        TEXT_ORDER_COLLATION,
                        epic_events_api::formatting::compare_folded,
                    )
            });
        }
    }
    let connected = tokio::time::timeout(limits::call_deadline(), Database::connect(options)).await;
    let failed = |source: DbErr| DatabaseError::Unreachable {
        url: url.to_string(),
        failure: failures::connect_failure(&source, url.database_kind()),
        source,
    };
    let source = match connected {
        Ok(Ok(connection)) => return Ok(connection),
        Ok(Err(source)) => source,
        Err(_) => DbErr::Conn(sea_orm::RuntimeErr::Internal(
            "connection deadline passed".to_owned(),
        )),
    };
    let mut error = failed(source);
    // The pool retries a refused connection until its deadline: tell a server that is not
    // there from one that does not answer.
    if let DatabaseError::Unreachable { failure, .. } = &mut error
        && *failure == ConnectFailure::NoAnswer
        && url.database_kind() == DatabaseKind::MySql
        && !server_accepts_connections(url).await
    {
        *failure = ConnectFailure::NoServer;
    }
    Err(error)
}

/// Whether something accepts TCP connections at the host and port of the server `url`.
async fn server_accepts_connections(url: &DatabaseUrl) -> bool {
    let Ok(parsed) = ::url::Url::parse(url.expose()) else {
        return false;
    };
    let host = parsed.host_str().unwrap_or("localhost").to_owned();
    let port = parsed.port().unwrap_or(3306);
    matches!(
        tokio::time::timeout(
            Duration::from_secs(2),
            tokio::net::TcpStream::connect((host.as_str(), port))
        )
        .await,
        Ok(Ok(_))
    )
}

/// The session settings of a MySQL/MariaDB connection (see [`connect`]).
async fn configure_mysql_session(
    connection: &mut sqlx::MySqlConnection,
) -> Result<(), sqlx::Error> {
    let lock_wait_seconds = limits::lock_wait().as_secs();
    let statement_seconds = limits::statement_bound().as_secs().max(1);
    for setting in [
        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED".to_owned(),
        format!("SET SESSION innodb_lock_wait_timeout = {lock_wait_seconds}"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(setting))
            .execute(&mut *connection)
            .await?;
    }
    // MariaDB bounds every statement; MySQL 8 has no such variable (error 1193) and bounds
    // reads only, in milliseconds.
    let mariadb = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "SET SESSION max_statement_time = {statement_seconds}"
    )))
    .execute(&mut *connection)
    .await;
    if mariadb.is_err() {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "SET SESSION max_execution_time = {}",
            statement_seconds * 1000
        )))
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}
