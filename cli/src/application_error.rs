//! What a command or the shell ends with when it cannot go on: one enum, shown in French
//! by `main.rs`. Faults were reported where they happened (the core reports its own).

use std::io;

use crate::private_directory::french_io_error;
use epic_events_api::scripts::ScriptFailure;

/// Everything that ends a command.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    /// The core refused or failed, as the API answered (reported by the core when it is a
    /// fault).
    #[error(transparent)]
    Api(#[from] epic_events_api::ApiError),
    /// The program's administration (`base` commands, the demo database, the local
    /// core's secret) failed; already reported when it is a fault.
    #[error("{0}")]
    Administration(String),
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
