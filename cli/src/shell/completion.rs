//! Tab completion and hints at the shell's prompt: the script functions (from the same
//! registrations as `aide`) and the shell's own words.

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use epic_events_api::scripts::ScriptFunction;

/// The shell's own words, besides the script functions.
pub const SHELL_WORDS: &[(&str, &str)] = &[("aide", "aide"), ("quitter", "quitter")];

/// What the prompt completes: each name with how it is called.
pub struct ShellHelper {
    names: Vec<(String, String)>,
}

impl ShellHelper {
    /// A helper knowing the script functions `functions` (the core's list).
    pub fn new(functions: &[ScriptFunction]) -> Self {
        let mut names: Vec<(String, String)> = SHELL_WORDS
            .iter()
            .map(|(name, usage)| ((*name).to_owned(), (*usage).to_owned()))
            .collect();
        for function in functions {
            if !names.iter().any(|(name, _)| *name == function.name) {
                names.push((function.name.clone(), function.signature.clone()));
            }
        }
        names.sort();
        Self { names }
    }

    /// The names starting with `prefix`, with their usage.
    pub fn candidates(&self, prefix: &str) -> Vec<&(String, String)> {
        self.names
            .iter()
            .filter(|(name, _)| name.starts_with(prefix))
            .collect()
    }
}

/// Where the word under the cursor starts.
fn word_start(line: &str, position: usize) -> usize {
    line[..position]
        .char_indices()
        .rev()
        .find(|(_, character)| !(character.is_alphanumeric() || *character == '_'))
        .map_or(0, |(index, character)| index + character.len_utf8())
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        position: usize,
        _context: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = word_start(line, position);
        let prefix = &line[start..position];
        if prefix.is_empty() {
            return Ok((start, Vec::new()));
        }
        let pairs = self
            .candidates(prefix)
            .into_iter()
            .map(|(name, usage)| Pair {
                display: usage.clone(),
                replacement: name.clone(),
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;

    /// The rest of the only function the word being typed can be, with its arguments.
    fn hint(&self, line: &str, position: usize, _context: &Context<'_>) -> Option<String> {
        if position < line.len() {
            return None;
        }
        let start = word_start(line, position);
        let prefix = &line[start..position];
        if prefix.len() < 2 {
            return None;
        }
        match self.candidates(prefix).as_slice() {
            [(_, usage)] => usage.get(prefix.len()..).map(str::to_owned),
            _ => None,
        }
    }
}

impl Highlighter for ShellHelper {}

impl Validator for ShellHelper {}

impl Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A few functions as the core lists them.
    fn functions() -> Vec<ScriptFunction> {
        [
            ("mes_contrats", "mes_contrats()"),
            ("mes_contrats_non_payes", "mes_contrats_non_payes()"),
            ("mes_contrats_non_signes", "mes_contrats_non_signes()"),
            (
                "creer_client",
                "creer_client(#{prenom, nom, email, telephone, entreprise})",
            ),
            ("creer_contrat", "creer_contrat(#{client, montant_total})"),
        ]
        .into_iter()
        .map(|(name, signature)| ScriptFunction {
            name: name.to_owned(),
            signature: signature.to_owned(),
            description: String::new(),
        })
        .collect()
    }

    #[test]
    fn completes_script_functions_and_shell_words() {
        let helper = ShellHelper::new(&functions());
        let names: Vec<&str> = helper
            .candidates("mes_contrats")
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "mes_contrats",
                "mes_contrats_non_payes",
                "mes_contrats_non_signes"
            ]
        );
        assert_eq!(helper.candidates("qui").len(), 1);
        assert_eq!(word_start("afficher(mes_co", 15), 9);
        assert_eq!(word_start("évènement", 10), 0);
    }

    #[test]
    fn hints_the_arguments_of_the_only_match() {
        let helper = ShellHelper::new(&functions());
        let history = rustyline::history::DefaultHistory::new();
        let context = Context::new(&history);
        assert_eq!(
            helper.hint("creer_cl", 8, &context).as_deref(),
            Some("ient(#{prenom, nom, email, telephone, entreprise})")
        );
        assert_eq!(helper.hint("creer", 5, &context), None);
    }
}
