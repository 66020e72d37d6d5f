//! Commands typed at any menu: `aide`, `quitter`, or script statements run with the
//! signed-in session, in one transaction, as `executer` runs a file.

use super::console;
use super::{ApplicationError, Choice, Shell};
use crate::scripting::output::{OutputFormat, ScriptOutput};
use crate::scripting::runner::{self, ScriptRun};

impl Shell<'_> {
    // --- Typed commands --------------------------------------------------------------

    /// Runs what the user typed at a menu: `aide`, `quitter`, or script statements with
    /// the signed-in session (one transaction, as `executer`).
    pub(super) fn typed_command(&mut self, line: &str) -> Result<Option<Choice>, ApplicationError> {
        match line {
            "aide" | "aide()" => {
                let help = crate::scripting::api::help();
                self.say(&help);
                self.say(
                    "Au menu : tapez le numéro d'un choix. Ailleurs, une commande ci-dessus \
                     (par exemple mes_contrats_non_payes()). Ctrl-C annule la ligne, Ctrl-D \
                     ou « quitter » ferme le shell.",
                );
                return Ok(None);
            }
            "quitter" | "quitter()" => return Ok(Some(Choice::Quit)),
            _ => {}
        }
        if self.token.is_none() {
            self.error("connectez-vous d'abord (choix 1) pour exécuter une commande");
            return Ok(None);
        }
        // Never keep a password in the history.
        if !console::mentions_password(line) {
            self.console.remember(line);
        }
        let Some(session) = self.session()? else {
            return Ok(Some(Choice::SignedOut));
        };
        self.flush();
        let output = ScriptOutput::new(
            OutputFormat::Table,
            Box::new(anstream::stdout()),
            Box::new(anstream::stdout()),
        );
        let run = ScriptRun {
            source: line.to_owned(),
            ..Default::default()
        };
        let outcome = self
            .core
            .run(|core| runner::run(core, session.user, run, output));
        match outcome {
            Ok(outcome) => {
                if let Some(summary) = outcome.summary() {
                    self.success(&summary);
                }
            }
            // « Nothing was saved » only when something had been changed, then undone.
            Err(failure) if failure.undone_changes > 0 => {
                self.error(&format!("{failure} ; rien n'a été enregistré"))
            }
            Err(failure) => self.error(&failure.to_string()),
        }
        Ok(None)
    }
}
