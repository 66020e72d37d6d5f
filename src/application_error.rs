//! What a command or the shell ends with when it cannot go on: one enum, shown in French
//! by `main.rs` and reported (when it is a fault rather than the user's to fix) by
//! [`ApplicationError::report`], once, there.

use std::io;

use crate::config::{ConfigurationError, UnsupportedDatabaseUrl};
use crate::database::DatabaseError;
use crate::errors::{CoreError, french_io_error};
use epic_events_api::scripts::ScriptFailure;

/// Everything that ends a command.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    /// The core refused or failed, as the API answered (reported by the core when it is a
    /// fault).
    #[error(transparent)]
    Api(#[from] epic_events_api::ApiError),
    /// The core refused or failed.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The database cannot be used (connecting, migrating, resetting).
    #[error(transparent)]
    Database(#[from] DatabaseError),
    /// The environment holds a value the program cannot use.
    #[error(transparent)]
    Configuration(#[from] ConfigurationError),
    /// The database has no schema, or not this version's.
    #[error(
        "la base {0} n'a pas le schéma de cette version : appliquez les migrations avec « epic-events base migrer », ou essayez le CRM sur des données de démonstration avec « epic-events demo »"
    )]
    SchemaNotReady(String),
    /// A file cannot be read or written: `what` says which and what for.
    #[error("{what} ({})", french_io_error(.source))]
    File {
        /// « impossible de lire le script « absent.rhai » ».
        what: String,
        /// The system's error.
        #[source]
        source: io::Error,
    },
    /// A script stopped; nothing was written.
    #[error("le script s'est arrêté : {0} ; rien n'a été enregistré")]
    Script(#[source] ScriptFailure),
    /// The user gave up, or the input ended before an answer: nothing was done.
    #[error("{0}")]
    Cancelled(String),
    /// Standard output or the terminal cannot be written (a closed pipe: `… | head`).
    #[error("impossible d'écrire la sortie ({})", french_io_error(.0))]
    Output(#[source] io::Error),
    /// A non-interactive shell session showed errors (refusals, failures, invalid input),
    /// each on standard error as it happened.
    #[error(
        "la session s'est terminée après {0} erreur(s) (refus, échec ou saisie invalide), affichée(s) ci-dessus"
    )]
    ShellErrors(usize),
    /// Standard input or the terminal cannot be read.
    #[error("impossible de lire la saisie ({})", french_io_error(.0))]
    Input(#[source] io::Error),
}

impl ApplicationError {
    /// Reports this end of a command or of the shell when it is a fault of the program or
    /// of the database rather than something for the user to fix. Called once, by
    /// `main.rs`, through `reporting` (which knows nothing of the command layer).
    pub fn report(&self) {
        match self {
            ApplicationError::Core(error) => crate::reporting::core_failure(error),
            ApplicationError::Database(
                DatabaseError::Migration(_)
                | DatabaseError::Damaged(_)
                | DatabaseError::File { .. }
                | DatabaseError::DemoData(_)
                | DatabaseError::Unexpected(_),
            ) => crate::reporting::unexpected_error(self),
            _ => {}
        }
    }

    /// A file error: `what` (« impossible de lire le script « a.rhai » ») and the cause.
    pub fn file(what: impl Into<String>) -> impl FnOnce(io::Error) -> Self {
        let what = what.into();
        move |source| ApplicationError::File { what, source }
    }

    /// Whether the command ended because its reader went away (`executer … | head`): a
    /// normal end, not a failure.
    pub fn is_closed_output(&self) -> bool {
        matches!(self, ApplicationError::Output(error) if error.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl From<io::Error> for ApplicationError {
    /// A write to standard output or the terminal (reads are mapped where they happen).
    fn from(error: io::Error) -> Self {
        ApplicationError::Output(error)
    }
}

impl From<UnsupportedDatabaseUrl> for ApplicationError {
    fn from(error: UnsupportedDatabaseUrl) -> Self {
        ApplicationError::Configuration(ConfigurationError::DatabaseUrl(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_pipe_is_a_normal_end() {
        let closed = ApplicationError::Output(io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(closed.is_closed_output());
        let full = ApplicationError::Output(io::Error::from(io::ErrorKind::StorageFull));
        assert!(!full.is_closed_output());
    }

    #[test]
    fn file_errors_name_the_file_and_the_cause_in_french() {
        let error = ApplicationError::file("impossible de lire le script « absent.rhai »")(
            io::Error::from(io::ErrorKind::NotFound),
        );
        assert_eq!(
            error.to_string(),
            "impossible de lire le script « absent.rhai » (fichier introuvable)"
        );
    }
}
