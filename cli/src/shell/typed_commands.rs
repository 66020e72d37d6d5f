//! Commands typed at any menu: `aide`, `quitter`, or script statements run with the
//! signed-in session, in one transaction, as `executer` runs a file.

use epic_events_api::scripts::{ListedRecords, OutputFormat, ScriptRequest};
use epic_events_api::vocabulary::Resource;

use super::console;
use super::widgets::Noun;
use super::{ApplicationError, Choice, Next, Shell};

/// What `aide fonctions` says first: the shell's conventions, then the script functions
/// follow.
const SHELL_HELP: &str = "\
Aide du shell

Les menus
  Tapez le numéro d'un choix. Sur chaque écran : 0 Retour, 99 Déconnexion ; « q » revient en arrière.
  Menus « Gestion des … » : 1 à 4 les listes, 5 Rechercher (mots, majuscules et accents ignorés), 6 Afficher par son numéro (CTR-…, EVT-… ou numéro interne), 7 Créer, 10 Exporter vers un tableur.
  Listes : autant de lignes que la hauteur du terminal en permet ; le numéro d'une ligne l'ouvre, « s » Page suivante, « p » Page précédente, « a » Aller à la page, « o » Trier par une colonne (la même à nouveau : dans l'autre sens), « t » les évènements passés aussi ; Retour depuis une fiche ramène à la même page.
  Fiches : 1 Modifier, 2 Supprimer, 3 Créer un évènement ; 21 à 25 ses contrats, 31 à 35 ses évènements, 41 son client, 4 et 5 toutes ses fiches liées.

Les touches
  Tab complète une commande (deux fois : la liste des possibilités) ; les flèches haut et bas rappellent les commandes tapées (jamais les saisies des formulaires).
  Ctrl-C annule la ligne ou le formulaire ; Ctrl-D ou « quitter » ferme le shell.
  Dans un formulaire, une ligne vide annule ; « - » vide un champ facultatif ; en modification, la valeur actuelle est déjà tapée.

Les commandes
  Au lieu d'un numéro, tapez une commande : une instruction rhai exécutée avec votre session, en une transaction, par exemple mes_contrats_non_payes() ou chercher_clients(\"durand\"). Une liste d'utilisateurs, de clients, de contrats ou d'évènements s'affiche comme les listes des menus (pages, lignes ouvertes par leur numéro). « aide NOM » détaille une fonction.
";

/// What a person asked for by typing `aide`, `?` or `help`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum HelpRequest {
    /// This screen: its entries and keys first.
    Screen,
    /// Every script function.
    Functions,
    /// One function, by its name.
    Function(String),
}

impl HelpRequest {
    /// The help `line` asks for, if it asks for help: `aide`, `?`, `help` (this screen),
    /// `aide fonctions`, `aide NOM` / `? NOM` / `aide("NOM")`.
    pub(super) fn of(line: &str) -> Option<HelpRequest> {
        let line = line.trim();
        let asked = ["aide", "?", "help"].into_iter().find_map(|word| {
            line.strip_prefix(word)
                .filter(|rest| rest.is_empty() || rest.starts_with([' ', '(']))
        })?;
        let subject = asked
            .trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .trim()
            .trim_matches('"')
            .trim();
        Some(match subject {
            "" => HelpRequest::Screen,
            "fonctions" | "commandes" => HelpRequest::Functions,
            name => HelpRequest::Function(name.to_owned()),
        })
    }
}

impl Shell {
    // --- Typed commands --------------------------------------------------------------

    /// Answers a request for help made at the screen `title` offering `entries`: the
    /// screen's entries and keys first, then where to read more; every function; or one.
    pub(super) fn help(&mut self, request: HelpRequest, title: &str, entries: &[(String, String)]) {
        let text = match request {
            HelpRequest::Screen => {
                let mut text = format!("Aide — {title}\nSur cet écran :\n");
                for (key, label) in entries {
                    text.push_str(&format!("  {key:>5}  {label}\n"));
                }
                text.push_str(
                    "Partout :\n  « q » revient en arrière ; « quitter » ou Ctrl-D ferme le shell ; \
                     Ctrl-C annule la ligne ou le formulaire.\n  Au lieu d'un numéro, une commande \
                     (mes_contrats_non_payes(), chercher_clients(\"durand\")…) ; Tab la complète, \
                     deux fois : la liste des possibilités.\n  « aide fonctions » : toutes les \
                     commandes ; « aide NOM » : l'une d'elles (aide creer_client).",
                );
                text
            }
            HelpRequest::Functions => match self.call(self.crm.script_help()) {
                Ok(functions) => format!("{SHELL_HELP}\n{functions}"),
                Err(error) => {
                    self.refused(&error);
                    return;
                }
            },
            HelpRequest::Function(name) => {
                match crate::commands::script::function_help(&self.functions, &name) {
                    Ok(help) => help,
                    Err(refusal) => {
                        self.error(&refusal);
                        return;
                    }
                }
            }
        };
        let text = crate::formatting::fitted_lines(&text, self.width());
        self.say(text.trim_end());
    }

    /// Runs what the user typed at a menu: `quitter`, or script statements with the
    /// signed-in session (one transaction, as `executer`).
    pub(super) fn typed_command(&mut self, line: &str) -> Result<Option<Choice>, ApplicationError> {
        if matches!(line, "quitter" | "quitter()") {
            return Ok(Some(Choice::Quit));
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
        let request = ScriptRequest {
            text: line.to_owned(),
            format: OutputFormat::Table,
            width: self
                .width()
                .map(|width| width.min(usize::from(u16::MAX)) as u16),
            // A list of records comes back apart, to be shown as the menus' lists.
            records_apart: true,
            ..ScriptRequest::default()
        };
        let run = match self.call(self.crm.run_script(&session.token, request)) {
            Ok(run) => run,
            Err(error) => {
                self.refused(&error);
                return Ok(None);
            }
        };
        match run.result {
            Ok(outcome) => {
                // The core neutralised the tables and messages it wrote.
                let mut output = anstream::stdout();
                let mut messages = anstream::stdout();
                let written = self.runtime.block_on(crate::commands::script::write_output(
                    run.output,
                    &mut output,
                    &mut messages,
                ));
                if let Err(error) = written {
                    self.error(&error.to_string());
                }
                if let Some(summary) = outcome.summary() {
                    self.success(&summary);
                }
                if let Some(listed) = outcome.records {
                    return Ok(match self.show_listed(line, listed)? {
                        Next::Quit => Some(Choice::Quit),
                        Next::SignedOut => Some(Choice::SignedOut),
                        _ => None,
                    });
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

    /// Shows the records a typed command (`line`) answered as the menus' lists: paged,
    /// each row opening its record's screen.
    fn show_listed(&mut self, line: &str, listed: ListedRecords) -> Result<Next, ApplicationError> {
        let title = line.trim();
        match listed {
            ListedRecords::Users(rows) => self.browse_held(
                title,
                Noun::of(Resource::User),
                &super::users::COLUMNS,
                rows,
                |user| user.id,
                |shell, id| shell.user_detail(id),
            ),
            ListedRecords::Customers(rows) => self.browse_held(
                title,
                Noun::of(Resource::Customer),
                &super::customers::COLUMNS,
                rows,
                |customer| customer.id,
                |shell, id| shell.customer_detail(id),
            ),
            ListedRecords::Contracts(rows) => self.browse_held(
                title,
                Noun::of(Resource::Contract),
                &super::contracts::COLUMNS,
                rows,
                |contract| contract.id,
                |shell, id| shell.contract_detail(id),
            ),
            ListedRecords::Events(rows) => self.browse_held(
                title,
                Noun::of(Resource::Event),
                &super::events::COLUMNS,
                rows,
                |event| event.id,
                |shell, id| shell.event_detail(id),
            ),
        }
    }
}
