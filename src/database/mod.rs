//! The database as infrastructure: connecting, migrating, resetting, loading the demo data.
//!
//! Nothing here checks permissions: these operations are run by whoever holds the database
//! credentials, from the `epic-events base …` commands, never from a signed-in session.

pub mod administration;
pub mod demo_data;
pub mod large_data;

use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::config::DatabaseUrl;

/// Something went wrong with the database itself. Messages are French and never contain
/// SQL or credentials; the underlying error is kept as the source, for the log.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    /// The server or file cannot be reached.
    #[error(
        "impossible de joindre la base de données {url} : vérifiez DATABASE_URL et que le serveur répond"
    )]
    Unreachable {
        /// Where we tried to connect, password hidden.
        url: String,
        /// The driver's error.
        #[source]
        source: DbErr,
    },
    /// A migration failed.
    #[error("la mise à jour du schéma de la base a échoué")]
    Migration(#[source] DbErr),
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
    /// The demo data set is inconsistent or cannot be written.
    #[error(transparent)]
    DemoData(#[from] demo_data::DemoDataError),
    /// Any other database error.
    #[error("erreur inattendue de la base de données")]
    Unexpected(#[from] DbErr),
}

/// Opens a connection pool to `url`, failing fast when the server does not answer.
pub async fn connect(url: &DatabaseUrl) -> Result<DatabaseConnection, DatabaseError> {
    let mut options = ConnectOptions::new(url.expose());
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        // Statements may carry personal data: never log them.
        .sqlx_logging(false);
    Database::connect(options)
        .await
        .map_err(|source| DatabaseError::Unreachable {
            url: url.to_string(),
            source,
        })
}
