//! Where the data lives: the database URL, checked, and never shown with its password.

use std::fmt;

/// Where the data lives. `Debug` and `Display` hide the password of a server URL.
///
/// ```
/// use epic_events_core::database::url::{DatabaseKind, DatabaseUrl};
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
