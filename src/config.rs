//! Configuration from the environment (and a `.env` file in the working directory): the one
//! place that reads environment variables.

use std::fmt;
use std::path::PathBuf;

use crate::authentication::token::{JwtSecret, SecretTooShort};

/// The default database: an SQLite file in the working directory, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://epic_events.db?mode=rwc";

/// Names of the environment variables of SPEC §11.
pub mod variable {
    /// Database URL, `mysql://…` or `sqlite://…`.
    pub const DATABASE_URL: &str = "DATABASE_URL";
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
}

/// Longest bound accepted on one database statement, in seconds.
pub const MAXIMUM_DATABASE_TIMEOUT_SECONDS: u64 = 3600;

/// Default session lifetime: a working day.
pub const DEFAULT_SESSION_MINUTES: i64 = 480;
/// Longest session lifetime accepted: a week.
pub const MAXIMUM_SESSION_MINUTES: i64 = 7 * 24 * 60;

/// Where the data lives. `Debug` and `Display` hide the password of a server URL.
///
/// ```
/// use epic_events::config::{DatabaseKind, DatabaseUrl};
///
/// let url = DatabaseUrl::new("mysql://crm:secret@127.0.0.1:3306/epic_events").unwrap();
/// assert_eq!(url.to_string(), "mysql://crm:***@127.0.0.1:3306/epic_events");
/// assert_eq!(url.database_kind(), DatabaseKind::MySql);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

/// The database engine a [`DatabaseUrl`] designates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseKind {
    /// MySQL or MariaDB server.
    MySql,
    /// Embedded SQLite file.
    Sqlite,
}

/// A database URL the program cannot use. It is shown without anything after its scheme:
/// what follows may hold a password.
#[derive(Debug, thiserror::Error)]
pub enum UnsupportedDatabaseUrl {
    /// It names neither MySQL nor SQLite.
    #[error("DATABASE_URL doit commencer par « mysql:// » ou « sqlite: » (reçu : « {0} »)")]
    Scheme(String),
    /// A server's URL that does not parse.
    #[error(
        "DATABASE_URL n'est pas une adresse valide (« {0} ») : mysql://utilisateur:mot-de-passe@hôte:port/base"
    )]
    Unparseable(String),
}

impl DatabaseUrl {
    /// Checks that `url` designates MySQL (a URL that parses) or SQLite.
    pub fn new(url: impl Into<String>) -> Result<Self, UnsupportedDatabaseUrl> {
        let url = Self(url.into());
        match url.kind() {
            Some(DatabaseKind::MySql) if !url.parses() => {
                Err(UnsupportedDatabaseUrl::Unparseable(url.to_string()))
            }
            Some(_) => Ok(url),
            None => Err(UnsupportedDatabaseUrl::Scheme(scheme_only(&url.0))),
        }
    }

    /// Whether it parses as a URL with a host.
    fn parses(&self) -> bool {
        url::Url::parse(&self.0).is_ok_and(|parsed| parsed.host().is_some())
    }

    fn kind(&self) -> Option<DatabaseKind> {
        if self.0.starts_with("mysql://") || self.0.starts_with("mariadb://") {
            Some(DatabaseKind::MySql)
        } else if self.0.starts_with("sqlite:") {
            Some(DatabaseKind::Sqlite)
        } else {
            None
        }
    }

    /// The engine this URL designates.
    pub fn database_kind(&self) -> DatabaseKind {
        self.kind()
            .expect("a DatabaseUrl is checked on construction")
    }

    /// The full URL, with its password: to connect, never to show.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DatabaseUrl {
    /// The URL with its password replaced by `***`; one that does not parse, by its
    /// scheme alone (`mysql://…`), whatever follows it.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match url::Url::parse(&self.0) {
            Ok(mut parsed) if parsed.password().is_some() => {
                // Cannot fail: the URL has a password, so it has an authority.
                let _ = parsed.set_password(Some("***"));
                formatter.write_str(parsed.as_str())
            }
            Ok(_) => formatter.write_str(&self.0),
            Err(_) => formatter.write_str(&scheme_only(&self.0)),
        }
    }
}

/// `url` by its scheme alone (`mysql://…`): what may follow it may hold a password.
fn scheme_only(url: &str) -> String {
    match url.split_once(':') {
        Some((scheme, rest))
            if rest.starts_with('/')
                && !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|character| character.is_ascii_alphanumeric() || character == '+') =>
        {
            format!("{scheme}://…")
        }
        _ => "…".to_owned(),
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "DatabaseUrl({self})")
    }
}

/// The program's configuration.
#[derive(Debug, Clone)]
pub struct Configuration {
    /// The database to use.
    pub database_url: DatabaseUrl,
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
    /// The `.env` file exists but cannot be read.
    #[error("le fichier .env est illisible : {0}")]
    DotEnv(String),
}

impl Configuration {
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
                    crate::errors::french_io_error(&error).to_owned(),
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
            None => crate::database::limits::DEFAULT_STATEMENT_BOUND,
            Some(text) => text
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|seconds| (1..=MAXIMUM_DATABASE_TIMEOUT_SECONDS).contains(seconds))
                .map(std::time::Duration::from_secs)
                .ok_or(ConfigurationError::DatabaseTimeout)?,
        };
        Ok(Self {
            database_timeout,
            database_url: DatabaseUrl::new(database_url)?,
            config_directory,
            jwt_secret,
            session_lifetime: chrono::Duration::minutes(session_minutes),
            sentry_dsn: non_empty_variable(variable::SENTRY_DSN),
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
