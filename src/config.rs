//! Configuration from the environment (and a `.env` file in the working directory): the one
//! place that reads environment variables.

use std::path::PathBuf;

use epic_events_core::authentication::token::{JwtSecret, SecretTooShort};

/// The default database: an SQLite file in the working directory, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://epic_events.db?mode=rwc";

/// Names of the environment variables of SPEC §11.
pub mod variable {
    /// Database URL, `mysql://…` or `sqlite://…`.
    pub const DATABASE_URL: &str = "DATABASE_URL";
    /// The database URL of an administrator, for the `base` commands (the server's own
    /// account has data rights only); `DATABASE_URL` when unset.
    pub const ADMIN_DATABASE_URL: &str = "EPIC_EVENTS_ADMIN_DATABASE_URL";
    /// Directory of the session token, the generated secret, the history and the log.
    pub const CONFIG_DIRECTORY: &str = "EPIC_EVENTS_CONFIG_DIR";
    /// The JWT signing secret; generated and kept in the configuration directory if unset.
    pub const JWT_SECRET: &str = "EPIC_EVENTS_JWT_SECRET";
    /// Session lifetime in minutes.
    pub const SESSION_MINUTES: &str = "EPIC_EVENTS_SESSION_MINUTES";
    /// Sentry project DSN; reporting is off when unset.
    pub const SENTRY_DSN: &str = "SENTRY_DSN";
    /// How long one statement, or one call into the core, may wait for the database.
    pub const DATABASE_TIMEOUT_SECONDS: &str = "EPIC_EVENTS_DATABASE_TIMEOUT_SECONDS";
    /// How many connections to the database the process keeps at most.
    pub const DATABASE_CONNECTIONS: &str = "EPIC_EVENTS_DATABASE_CONNECTIONS";
    /// `1`: every call to the core crosses the API as JSON text, as it will over the
    /// network (a developers' and tests' switch: the proof of the seam).
    pub const JSON_ROUND_TRIP: &str = "EPIC_EVENTS_JSON_ROUND_TRIP";
    /// The server of the server mode (`http://127.0.0.1:8443`): when set, the commands and
    /// the shell reach the core there, with no database URL and no secret here.
    pub const SERVER: &str = "EPIC_EVENTS_SERVEUR";
    /// The authority (PEM file) whose certificates the client trusts for the server, in
    /// place of the system's.
    pub const SERVER_AUTHORITY: &str = "EPIC_EVENTS_SERVEUR_CA";
}

/// Longest bound accepted on one database statement, in seconds.
pub const MAXIMUM_DATABASE_TIMEOUT_SECONDS: u64 = 3600;

/// Default session lifetime: a working day.
pub const DEFAULT_SESSION_MINUTES: i64 = 480;
/// Longest session lifetime accepted: a week.
pub const MAXIMUM_SESSION_MINUTES: i64 = 7 * 24 * 60;

#[cfg(test)]
use epic_events_core::database::url::DatabaseKind;
pub use epic_events_core::database::url::{DatabaseUrl, UnsupportedDatabaseUrl};

/// The program's configuration.
#[derive(Debug, Clone)]
pub struct Configuration {
    /// The database to use.
    pub database_url: DatabaseUrl,
    /// The database URL of an administrator, for the `base` commands.
    pub admin_database_url: Option<DatabaseUrl>,
    /// Directory of the session token, the generated secret, the history and the log.
    pub config_directory: PathBuf,
    /// The signing secret from the environment, if set (otherwise the generated one).
    pub jwt_secret: Option<JwtSecret>,
    /// How long a session lasts after sign-in.
    pub session_lifetime: chrono::Duration,
    /// Sentry DSN, if reporting is on.
    pub sentry_dsn: Option<String>,
    /// The bound on one database statement (see `database::limits`).
    pub database_timeout: std::time::Duration,
    /// How many connections to the database the process keeps at most, when set
    /// (otherwise one for a person's command or shell, the default of the pool for the
    /// server and the `base` commands: see `main`).
    pub database_connections: Option<u32>,
    /// Every call to the core through JSON text (`EPIC_EVENTS_JSON_ROUND_TRIP=1`).
    pub json_round_trip: bool,
    /// The server of the server mode, when the core is there (`EPIC_EVENTS_SERVEUR`).
    pub server: Option<String>,
    /// The authority trusted for the server's certificate (`EPIC_EVENTS_SERVEUR_CA`).
    pub server_authority: Option<PathBuf>,
}

/// An environment variable holds a value the program cannot use.
#[derive(Debug, thiserror::Error)]
pub enum ConfigurationError {
    /// See [`UnsupportedDatabaseUrl`].
    #[error(transparent)]
    DatabaseUrl(#[from] UnsupportedDatabaseUrl),
    /// No configuration directory could be determined.
    #[error(
        "impossible de déterminer le dossier de configuration : définissez EPIC_EVENTS_CONFIG_DIR"
    )]
    NoConfigDirectory,
    /// `EPIC_EVENTS_JWT_SECRET` is too short.
    #[error("EPIC_EVENTS_JWT_SECRET : {0}")]
    JwtSecret(#[from] SecretTooShort),
    /// `EPIC_EVENTS_SESSION_MINUTES` is not a number of minutes in range.
    #[error(
        "EPIC_EVENTS_SESSION_MINUTES doit être un nombre entier de minutes entre 1 et {MAXIMUM_SESSION_MINUTES}"
    )]
    SessionMinutes,
    /// `EPIC_EVENTS_DATABASE_TIMEOUT_SECONDS` is not a number of seconds in range.
    #[error(
        "EPIC_EVENTS_DATABASE_TIMEOUT_SECONDS doit être un nombre entier de secondes entre 1 et {MAXIMUM_DATABASE_TIMEOUT_SECONDS}"
    )]
    DatabaseTimeout,
    /// `EPIC_EVENTS_DATABASE_CONNECTIONS` is not a number of connections in range.
    #[error(
        "EPIC_EVENTS_DATABASE_CONNECTIONS doit être un nombre entier de connexions entre 1 et {}",
        epic_events_core::database::limits::MAXIMUM_POOL_SIZE
    )]
    DatabaseConnections,
    /// The `.env` file exists but cannot be read.
    #[error("le fichier .env est illisible : {0}")]
    DotEnv(String),
}

impl Configuration {
    /// The default configuration, without reading the environment (unit tests).
    #[cfg(test)]
    pub fn for_tests() -> Self {
        Self {
            database_url: DatabaseUrl::new(DEFAULT_DATABASE_URL).expect("a valid URL"),
            admin_database_url: None,
            config_directory: PathBuf::from("."),
            jwt_secret: None,
            session_lifetime: chrono::Duration::minutes(DEFAULT_SESSION_MINUTES),
            sentry_dsn: None,
            database_timeout: epic_events_core::database::limits::DEFAULT_STATEMENT_BOUND,
            database_connections: None,
            json_round_trip: false,
            server: None,
            server_authority: None,
        }
    }

    /// Reads `.env` in the working directory — never one of its parents — (without
    /// overriding variables already set) then the environment.
    pub fn from_environment() -> Result<Self, ConfigurationError> {
        match dotenvy::from_path(".env") {
            Ok(_) => {}
            Err(error) if error.not_found() => {}
            // dotenvy's own text quotes the line, which may hold a password: never shown.
            Err(dotenvy::Error::LineParse(_, _)) => {
                return Err(ConfigurationError::DotEnv(
                    "une ligne n'est pas de la forme NOM=valeur".to_owned(),
                ));
            }
            Err(dotenvy::Error::Io(error)) => {
                return Err(ConfigurationError::DotEnv(
                    epic_events_cli::private_directory::french_io_error(&error).to_owned(),
                ));
            }
            Err(_) => {
                return Err(ConfigurationError::DotEnv(
                    "une variable n'est pas du texte".to_owned(),
                ));
            }
        }
        let database_url = non_empty_variable(variable::DATABASE_URL)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let config_directory = match non_empty_variable(variable::CONFIG_DIRECTORY) {
            Some(directory) => PathBuf::from(directory),
            None => directories::ProjectDirs::from("fr", "Epic Events", "epic-events")
                .map(|directories| directories.config_dir().to_path_buf())
                .ok_or(ConfigurationError::NoConfigDirectory)?,
        };
        let jwt_secret = non_empty_variable(variable::JWT_SECRET)
            .map(|secret| JwtSecret::new(secret.into_bytes()))
            .transpose()?;
        let session_minutes = match non_empty_variable(variable::SESSION_MINUTES) {
            None => DEFAULT_SESSION_MINUTES,
            Some(text) => text
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|minutes| (1..=MAXIMUM_SESSION_MINUTES).contains(minutes))
                .ok_or(ConfigurationError::SessionMinutes)?,
        };
        let database_timeout = match non_empty_variable(variable::DATABASE_TIMEOUT_SECONDS) {
            None => epic_events_core::database::limits::DEFAULT_STATEMENT_BOUND,
            Some(text) => text
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|seconds| (1..=MAXIMUM_DATABASE_TIMEOUT_SECONDS).contains(seconds))
                .map(std::time::Duration::from_secs)
                .ok_or(ConfigurationError::DatabaseTimeout)?,
        };
        let database_connections = match non_empty_variable(variable::DATABASE_CONNECTIONS) {
            None => None,
            Some(text) => Some(
                text.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|count| {
                        (1..=epic_events_core::database::limits::MAXIMUM_POOL_SIZE).contains(count)
                    })
                    .ok_or(ConfigurationError::DatabaseConnections)?,
            ),
        };
        Ok(Self {
            database_timeout,
            database_connections,
            database_url: DatabaseUrl::new(database_url)?,
            admin_database_url: non_empty_variable(variable::ADMIN_DATABASE_URL)
                .map(DatabaseUrl::new)
                .transpose()?,
            config_directory,
            jwt_secret,
            session_lifetime: chrono::Duration::minutes(session_minutes),
            sentry_dsn: non_empty_variable(variable::SENTRY_DSN),
            json_round_trip: non_empty_variable(variable::JSON_ROUND_TRIP)
                .is_some_and(|value| value.trim() == "1"),
            server: non_empty_variable(variable::SERVER).map(|address| address.trim().to_owned()),
            server_authority: non_empty_variable(variable::SERVER_AUTHORITY).map(PathBuf::from),
        })
    }
}

fn non_empty_variable(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_passwords_are_never_shown() {
        let url = DatabaseUrl::new("mysql://crm:s3cr3t-p4ss@db.local:3306/epic_events").unwrap();
        assert_eq!(url.to_string(), "mysql://crm:***@db.local:3306/epic_events");
        assert!(!format!("{url:?}").contains("s3cr3t"));
        assert_eq!(url.database_kind(), DatabaseKind::MySql);
    }

    #[test]
    fn a_url_that_does_not_parse_is_never_shown_after_its_scheme() {
        for url in [
            "mysql://root:S3cretPW@[bad/nodb",
            "mysql://root:S3cretPW@:3306/x",
            "mysql://",
        ] {
            let refused = DatabaseUrl::new(url).unwrap_err().to_string();
            assert!(
                !refused.contains("S3cret") && !refused.contains("root"),
                "{refused}"
            );
            assert!(refused.contains("« mysql://"), "{refused}");
        }
        for url in [
            "postgres://root:S3cretPW@[x",
            "mysql:/root:S3cretPW@db/epic",
            "root:S3cretPW@tcp(db)/x",
            "postgres://root:S3cretPW@db/x",
        ] {
            let refused = DatabaseUrl::new(url).unwrap_err().to_string();
            assert!(
                !refused.contains("S3cret") && !refused.contains("root"),
                "{refused}"
            );
        }
        assert_eq!(
            DatabaseUrl::new("sqlite::memory:").unwrap().to_string(),
            "sqlite::memory:"
        );
    }

    #[test]
    fn recognises_the_two_backends_only() {
        assert_eq!(
            DatabaseUrl::new(DEFAULT_DATABASE_URL)
                .unwrap()
                .database_kind(),
            DatabaseKind::Sqlite
        );
        assert!(DatabaseUrl::new("postgres://localhost/crm").is_err());
    }
}
