//! The interactive shell: numbered menus (SPEC §6) and typed commands (the scripts' API,
//! with the same session), on a terminal or from piped input.
//!
//! Nothing here decides access: each menu entry asks the core (`permissions::allows`, the
//! services' `permits`) whether to show itself, a hidden entry typed by its number gets the
//! core's refusal, and every action calls a service, which checks again.

mod completion;
mod console;
mod contracts;
mod customers;
mod events;
mod render;
mod users;

use std::fmt::Display;
use std::io::{IsTerminal, Write};

use sea_orm::DatabaseConnection;

use crate::authentication::session_store::SessionStore;
use crate::authentication::token::{JwtSecret, SessionToken};
use crate::commands::CommandError;
use crate::config::Configuration;
use crate::errors::CoreError;
use crate::paging::{Page, PageRequest};
use crate::permissions::{Feature, allows};
use crate::scripting::output::{OutputFormat, ScriptOutput};
use crate::scripting::runner::{self, ScriptRun};
use crate::services::authentication_service;
use crate::services::{Session, retry};
use console::{Console, Line};
use render::styled;

/// How many rows a page of a list shows.
pub const PAGE_SIZE: u64 = 10;

/// Where to go after a screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    /// Back to the screen that opened this one.
    Back,
    /// The session ended: back to the welcome screen.
    SignedOut,
    /// Leave the shell.
    Quit,
}

/// An entry of a menu, with the number it always has.
struct Entry {
    number: u32,
    label: String,
    state: EntryState,
}

enum EntryState {
    /// Shown and chosen by its number.
    Offered,
    /// Not shown: the core refuses it to this user, with this message.
    Refused(String),
    /// Not shown, and no such choice here (no next page…).
    Absent,
}

impl Entry {
    fn offered(number: u32, label: impl Into<String>) -> Self {
        Self {
            number,
            label: label.into(),
            state: EntryState::Offered,
        }
    }

    /// Offered when the core says yes; hidden, with the core's refusal, otherwise.
    fn when<E: Display>(number: u32, label: impl Into<String>, verdict: Result<(), E>) -> Self {
        Self {
            number,
            label: label.into(),
            state: match verdict {
                Ok(()) => EntryState::Offered,
                Err(refusal) => EntryState::Refused(refusal.to_string()),
            },
        }
    }

    /// Offered only if `present`.
    fn present_if(number: u32, label: impl Into<String>, present: bool) -> Self {
        Self {
            number,
            label: label.into(),
            state: if present {
                EntryState::Offered
            } else {
                EntryState::Absent
            },
        }
    }
}

/// What the user chose in a menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    /// The entry with this number.
    Entry(u32),
    /// « 0. Retour ».
    Back,
    /// Leave the shell (Ctrl-D, end of input, `quitter`).
    Quit,
    /// The session ended while running a typed command.
    SignedOut,
}

/// An answer in a form.
enum Answer {
    /// What was typed.
    Text(String),
    /// Nothing typed (or Ctrl-C): give up this form.
    Cancel,
    /// End of input: leave the shell.
    Quit,
}

/// The shell's state: the database, the stored session, the console and the output.
struct Shell<'a> {
    runtime: &'a tokio::runtime::Runtime,
    connection: DatabaseConnection,
    configuration: &'a Configuration,
    secret: JwtSecret,
    console: Box<dyn Console>,
    output: anstream::AutoStream<std::io::Stdout>,
    width: Option<usize>,
    token: Option<SessionToken>,
    /// The user asked to leave (end of input) while waiting for the database.
    leaving: bool,
}

/// The demo database of `epic-events demo`, in the working directory.
pub const DEMO_DATABASE_URL: &str = "sqlite://epic_events_demo.db?mode=rwc";

/// The database has no schema, or not the current one.
#[derive(Debug, thiserror::Error)]
#[error(
    "la base {0} n'a pas le schéma de cette version : appliquez les migrations avec « epic-events base migrer », ou essayez le CRM sur des données de démonstration avec « epic-events demo »"
)]
pub struct SchemaNotReady(String);

/// Opens the shell on the demo database (`epic_events_demo.db` in the working directory,
/// whatever `DATABASE_URL` says), created with the demo data set when it does not exist
/// yet or when `recreate`.
pub fn demo(
    configuration: &Configuration,
    runtime: &tokio::runtime::Runtime,
    recreate: bool,
) -> Result<(), CommandError> {
    let url = crate::config::DatabaseUrl::new(DEMO_DATABASE_URL)?;
    let exists =
        crate::database::administration::sqlite_file(&url).is_some_and(|path| path.exists());
    if recreate || !exists {
        runtime.block_on(crate::database::administration::reset(&url))?;
        println!(
            "Base de démonstration créée : epic_events_demo.db. Comptes : sales1, sales2, sales3, manager1, manager2, support1, support2 ; mot de passe : demo-epic-events."
        );
    } else {
        // A demo database made by an earlier version gets this version's schema: the demo
        // is the program's own, so it is brought up to date without asking.
        runtime.block_on(async {
            let connection = crate::database::connect(&url).await?;
            crate::database::administration::migrate(&connection).await
        })?;
    }
    let configuration = Configuration {
        database_url: url,
        ..configuration.clone()
    };
    run(&configuration, runtime)
}

/// Opens the shell: the welcome screen, then the menus until the user leaves. Its session
/// lives in memory: it neither uses nor replaces the one `epic-events connexion` stores.
pub fn run(
    configuration: &Configuration,
    runtime: &tokio::runtime::Runtime,
) -> Result<(), CommandError> {
    let store = SessionStore::new(&configuration.config_directory);
    let secret = store
        .signing_secret(configuration.jwt_secret.as_ref())
        .map_err(|error| {
            std::io::Error::other(format!(
                "impossible de lire ou de créer le secret de session dans {} ({})",
                store.secret_path().display(),
                crate::errors::french_io_error(&error)
            ))
        })?;
    let connection = runtime.block_on(crate::database::connect(&configuration.database_url))?;
    let schema_ready = runtime
        .block_on(crate::database::administration::migration_status(
            &connection,
        ))
        .is_ok_and(|states| states.iter().all(|state| state.applied_at.is_some()));
    if !schema_ready {
        return Err(SchemaNotReady(configuration.database_url.to_string()).into());
    }
    let width = if std::io::stdout().is_terminal() {
        terminal_size::terminal_size().map(|(width, _)| usize::from(width.0))
    } else {
        None
    };
    let mut shell = Shell {
        runtime,
        connection,
        configuration,
        secret,
        console: console::standard(completion::ShellHelper::new())?,
        output: anstream::stdout(),
        width,
        token: None,
        leaving: false,
    };
    shell.welcome()
}

impl Shell<'_> {
    // --- Output ----------------------------------------------------------------------

    fn say(&mut self, text: &str) {
        let _ = writeln!(self.output, "{text}");
        let _ = self.output.flush();
    }

    fn title(&mut self, text: &str) {
        let line = styled(render::TITLE, text);
        self.say(&format!("\n{line}"));
    }

    fn error(&mut self, message: &str) {
        let line = styled(render::ERROR, &format!("Erreur : {message}"));
        self.say(&line);
    }

    fn success(&mut self, message: &str) {
        let line = styled(render::SUCCESS, message);
        self.say(&line);
    }

    /// Waits for a read of the core, at most the database's call deadline.
    fn block_on<T>(
        &self,
        call: impl Future<Output = Result<T, CoreError>>,
    ) -> Result<T, CoreError> {
        self.runtime.block_on(retry::bounded(call))
    }

    /// Runs a change through the core: its transaction is retried when it meets another
    /// writer's lock, then explained (`retry::retrying`).
    fn write<T, Attempt>(&self, transaction: impl FnMut() -> Attempt) -> Result<T, CoreError>
    where
        Attempt: Future<Output = Result<T, CoreError>>,
    {
        self.runtime.block_on(retry::retrying(transaction))
    }

    /// After a transient failure (the database busy or not answering): asks whether to try
    /// again with what was typed. `None` at the end of input.
    fn offer_retry(&mut self) -> Result<Option<bool>, CommandError> {
        self.flush();
        match self.console.read_line(
            "Réessayer avec la même saisie ? (Entrée ou « oui » : réessayer ; « non » ou Ctrl-C : abandonner) : ",
        )? {
            Line::Text(text) => Ok(Some(!text.trim().eq_ignore_ascii_case("non"))),
            Line::Interrupted => Ok(Some(false)),
            Line::End => Ok(None),
        }
    }

    // --- Session ---------------------------------------------------------------------

    /// The signed-in user's session, re-read from the database; `None` (after saying why)
    /// when it is no longer valid. While the database is busy or does not answer, the
    /// session is kept: the user is told, and asked to try again, as often as needed.
    fn session(&mut self) -> Result<Option<Session>, CommandError> {
        loop {
            let found = self.write(|| async {
                let user = authentication_service::authenticate(
                    &self.connection,
                    self.token.as_ref(),
                    &self.secret,
                )
                .await?;
                Session::open(&self.connection, user).await
            });
            match found {
                Ok(session) => return Ok(Some(session)),
                Err(error) if error.is_transient() => {
                    self.error(&error.to_string());
                    match self.ask("Appuyez sur Entrée pour réessayer")? {
                        Answer::Quit => {
                            self.leaving = true;
                            return Ok(None);
                        }
                        Answer::Text(_) | Answer::Cancel => continue,
                    }
                }
                Err(
                    error @ (CoreError::SessionInvalid(_)
                    | CoreError::Unexpected(_)
                    | CoreError::DatabaseDamaged),
                ) => {
                    self.error(&error.to_string());
                    self.end_session();
                    return Ok(None);
                }
                Err(other) => return Err(other.into()),
            }
        }
    }

    /// The session, and a record as `read` returns it now; `Err(next)` (after saying why)
    /// when the session ended or the record cannot be read.
    fn session_and<T>(
        &mut self,
        read: impl FnOnce(&Self, &Session) -> Result<T, CoreError>,
    ) -> Result<Result<(Session, T), Next>, CommandError> {
        let Some(session) = self.session()? else {
            return Ok(Err(Next::SignedOut));
        };
        match read(self, &session) {
            Ok(record) => Ok(Ok((session, record))),
            Err(error) => {
                self.error(&error.to_string());
                Ok(Err(Next::Back))
            }
        }
    }

    fn end_session(&mut self) {
        self.token = None;
        self.console.use_history(None);
    }

    // --- Input -----------------------------------------------------------------------

    /// Asks for a line; an empty line or Ctrl-C gives up.
    fn ask(&mut self, label: &str) -> Result<Answer, CommandError> {
        self.flush();
        match self.console.read_line(&format!("{label} : "))? {
            Line::Text(text) if text.trim().is_empty() => Ok(Answer::Cancel),
            Line::Text(text) => Ok(Answer::Text(text.trim().to_owned())),
            Line::Interrupted => Ok(Answer::Cancel),
            Line::End => Ok(Answer::Quit),
        }
    }

    /// Asks for a password, without echo.
    fn ask_secret(&mut self, label: &str) -> Result<Answer, CommandError> {
        self.flush();
        match self.console.read_secret(&format!("{label} : "))? {
            Line::Text(text) if text.is_empty() => Ok(Answer::Cancel),
            Line::Text(text) => Ok(Answer::Text(text)),
            Line::Interrupted => Ok(Answer::Cancel),
            Line::End => Ok(Answer::Quit),
        }
    }

    /// Asks for a yes/no confirmation of something destructive: only « oui » confirms.
    fn confirm(&mut self, question: &str) -> Result<Option<bool>, CommandError> {
        match self.ask(&format!("{question} Tapez « oui » pour confirmer"))? {
            Answer::Text(text) => Ok(Some(text.eq_ignore_ascii_case("oui"))),
            Answer::Cancel => Ok(Some(false)),
            Answer::Quit => Ok(None),
        }
    }

    fn flush(&mut self) {
        let _ = self.output.flush();
    }

    /// Shows `entries` (the offered ones) under `title` with « 0. Retour » when `back` is
    /// given, and reads a choice. A number hidden from this user gets the core's refusal;
    /// anything that is not a number runs as a typed command.
    fn choose(
        &mut self,
        title: &str,
        entries: &[Entry],
        back: Option<&str>,
    ) -> Result<Choice, CommandError> {
        loop {
            self.title(title);
            for entry in entries {
                if let EntryState::Offered = entry.state {
                    let number = styled(render::NUMBER, &format!("{:>2}.", entry.number));
                    self.say(&format!("  {number} {}", entry.label));
                }
            }
            if let Some(back) = back {
                let number = styled(render::NUMBER, " 0.");
                self.say(&format!("  {number} {back}"));
            }
            loop {
                self.flush();
                let line = match self
                    .console
                    .read_line("Votre choix (un numéro, ou une commande ; « aide ») : ")?
                {
                    Line::Text(line) => line.trim().to_owned(),
                    Line::Interrupted => continue,
                    Line::End => return Ok(Choice::Quit),
                };
                if line.is_empty() {
                    continue;
                }
                if line.chars().all(|character| character.is_ascii_digit()) {
                    let number: u32 = line.parse().unwrap_or(u32::MAX);
                    if number == 0 && back.is_some() {
                        return Ok(Choice::Back);
                    }
                    match entries.iter().find(|entry| entry.number == number) {
                        Some(Entry {
                            state: EntryState::Offered,
                            ..
                        }) => return Ok(Choice::Entry(number)),
                        Some(Entry {
                            state: EntryState::Refused(refusal),
                            ..
                        }) => {
                            let refusal = refusal.clone();
                            self.error(&format!("choix refusé : {refusal}"));
                        }
                        _ => self.error("choix invalide : tapez l'un des numéros affichés"),
                    }
                    continue;
                }
                match self.typed_command(&line)? {
                    Some(Choice::Quit) => return Ok(Choice::Quit),
                    Some(Choice::SignedOut) => return Ok(Choice::SignedOut),
                    _ => break,
                }
            }
        }
    }

    // --- Typed commands --------------------------------------------------------------

    /// Runs what the user typed at a menu: `aide`, `quitter`, or script statements with
    /// the signed-in session (one transaction, as `executer`).
    fn typed_command(&mut self, line: &str) -> Result<Option<Choice>, CommandError> {
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
        let outcome =
            self.runtime
                .block_on(runner::run(&self.connection, session.user, run, output));
        match outcome {
            Ok(outcome) => {
                if let Some(summary) = outcome.summary() {
                    self.success(&summary);
                }
            }
            Err(failure) => self.error(&format!("{failure} ; rien n'a été enregistré")),
        }
        Ok(None)
    }

    // --- Lists -----------------------------------------------------------------------

    /// Pages through a list; returns the id of the record to open, if one is chosen.
    fn browse<T>(
        &mut self,
        title: &str,
        what: &str,
        headers: &[&str],
        right_aligned: &[bool],
        fetch: impl Fn(&Self, &Session, PageRequest) -> Result<Page<T>, CoreError>,
        row: impl Fn(&T) -> Vec<String>,
    ) -> Result<Browse, CommandError> {
        let mut previous: Vec<PageRequest> = Vec::new();
        let mut request = PageRequest::first(PAGE_SIZE);
        loop {
            let Some(session) = self.session()? else {
                return Ok(Browse::Done(Next::SignedOut));
            };
            let page = match fetch(self, &session, request) {
                Ok(page) => page,
                Err(error) => {
                    self.error(&error.to_string());
                    return Ok(Browse::Done(Next::Back));
                }
            };
            self.title(title);
            if page.items.is_empty() {
                self.say("(aucun résultat)");
            } else {
                let rows = page.items.iter().map(&row).collect();
                let table = render::table(headers, rows, right_aligned, self.width);
                self.say(&table);
            }
            let entries = [
                Entry::present_if(1, "Page suivante", page.next.is_some()),
                Entry::present_if(2, "Page précédente", !previous.is_empty()),
                Entry::present_if(
                    3,
                    format!("Afficher {what} (par son numéro)"),
                    !page.items.is_empty(),
                ),
            ];
            match self.choose("Que faire ?", &entries, Some("Retour"))? {
                Choice::Entry(1) => {
                    if let Some(next) = page.next {
                        previous.push(request);
                        request = next;
                    }
                }
                Choice::Entry(2) => {
                    if let Some(before) = previous.pop() {
                        request = before;
                    }
                }
                Choice::Entry(3) => match self.ask_id(what)? {
                    Some(Ok(id)) => return Ok(Browse::Open(id)),
                    Some(Err(next)) => return Ok(Browse::Done(next)),
                    None => {}
                },
                Choice::Back | Choice::Entry(_) => return Ok(Browse::Done(Next::Back)),
                Choice::Quit => return Ok(Browse::Done(Next::Quit)),
                Choice::SignedOut => return Ok(Browse::Done(Next::SignedOut)),
            }
        }
    }

    /// Asks for the number of `what` (« un client »); `None` when given up, `Err(next)` to
    /// leave.
    fn ask_id(&mut self, what: &str) -> Result<Option<Result<i32, Next>>, CommandError> {
        loop {
            match self.ask(&format!("Numéro d'{what} (vide pour revenir)"))? {
                Answer::Text(text) => match text.parse::<i32>() {
                    Ok(id) if id > 0 => return Ok(Some(Ok(id))),
                    _ => self.error(&format!("« {text} » n'est pas un numéro")),
                },
                Answer::Cancel => return Ok(None),
                Answer::Quit => return Ok(Some(Err(Next::Quit))),
            }
        }
    }

    // --- Forms -----------------------------------------------------------------------

    /// Asks each field of `fields` in turn, then submits them; when the core refuses a
    /// field's value, says why and asks that field again. `None` when given up.
    fn form<T>(
        &mut self,
        fields: &[FormField],
        mut submit: impl FnMut(&Self, &Session, &[String]) -> Result<T, CoreError>,
    ) -> Result<Result<T, Next>, CommandError> {
        let mut values: Vec<String> = Vec::with_capacity(fields.len());
        for field in fields {
            match self.ask_field(field)? {
                Answer::Text(text) => values.push(text),
                Answer::Cancel => {
                    self.say("Saisie annulée.");
                    return Ok(Err(Next::Back));
                }
                Answer::Quit => return Ok(Err(Next::Quit)),
            }
        }
        loop {
            let Some(session) = self.session()? else {
                return Ok(Err(Next::SignedOut));
            };
            match submit(self, &session, &values) {
                Ok(created) => return Ok(Ok(created)),
                Err(CoreError::Validation { field, rule }) => {
                    self.error(&format!("{field} : {rule}"));
                    let Some(index) = fields.iter().position(|candidate| candidate.name == field)
                    else {
                        return Ok(Err(Next::Back));
                    };
                    match self.ask_field(&fields[index])? {
                        Answer::Text(text) => values[index] = text,
                        Answer::Cancel => {
                            self.say("Saisie annulée.");
                            return Ok(Err(Next::Back));
                        }
                        Answer::Quit => return Ok(Err(Next::Quit)),
                    }
                }
                Err(transient) if transient.is_transient() => {
                    self.error(&transient.to_string());
                    match self.offer_retry()? {
                        Some(true) => continue,
                        Some(false) => {
                            self.say("Saisie annulée.");
                            return Ok(Err(Next::Back));
                        }
                        None => return Ok(Err(Next::Quit)),
                    }
                }
                Err(other) => {
                    self.error(&other.to_string());
                    return Ok(Err(Next::Back));
                }
            }
        }
    }

    fn ask_field(&mut self, field: &FormField) -> Result<Answer, CommandError> {
        let label = capitalised(field.name);
        let prompt = match field.hint {
            Some(hint) => format!("{label} ({hint})"),
            None => label,
        };
        let answer = if field.secret {
            self.ask_secret(&prompt)?
        } else {
            self.ask(&prompt)?
        };
        match (answer, field.optional) {
            (Answer::Cancel, true) => Ok(Answer::Text(String::new())),
            (Answer::Text(text), _) if field.secret => {
                match self.ask_secret(&format!("{} (confirmation)", capitalised(field.name)))? {
                    Answer::Text(again) if again == text => Ok(Answer::Text(text)),
                    Answer::Quit => Ok(Answer::Quit),
                    _ => {
                        self.error(&format!("{} : les deux saisies diffèrent", field.name));
                        self.ask_field(field)
                    }
                }
            }
            (answer, _) => Ok(answer),
        }
    }

    /// Asks a new value for the field `name` and applies it; when the core refuses it, says
    /// why and asks again; when the database is busy or does not answer, offers to try
    /// again with the same value. `Ok(None)` when given up or refused otherwise (a record
    /// changed meanwhile: the caller shows it again as it is now).
    fn change_field<T>(
        &mut self,
        name: &str,
        hint: Option<&str>,
        mut apply: impl FnMut(&Self, &Session, String) -> Result<T, CoreError>,
    ) -> Result<Result<Option<T>, Next>, CommandError> {
        let label = match hint {
            Some(hint) => format!("Nouvelle valeur pour « {name} » ({hint} ; vide pour annuler)"),
            None => format!("Nouvelle valeur pour « {name} » (vide pour annuler)"),
        };
        loop {
            let value = match self.ask(&label)? {
                Answer::Text(value) => value,
                Answer::Cancel => return Ok(Ok(None)),
                Answer::Quit => return Ok(Err(Next::Quit)),
            };
            loop {
                let Some(session) = self.session()? else {
                    return Ok(Err(Next::SignedOut));
                };
                match apply(self, &session, value.clone()) {
                    Ok(updated) => {
                        self.success("Modification enregistrée.");
                        return Ok(Ok(Some(updated)));
                    }
                    Err(error @ CoreError::Validation { .. }) => {
                        self.error(&error.to_string());
                        break;
                    }
                    Err(transient) if transient.is_transient() => {
                        self.error(&transient.to_string());
                        match self.offer_retry()? {
                            Some(true) => continue,
                            Some(false) => return Ok(Ok(None)),
                            None => return Ok(Err(Next::Quit)),
                        }
                    }
                    Err(other) => {
                        self.error(&other.to_string());
                        return Ok(Ok(None));
                    }
                }
            }
        }
    }

    /// Asks `question`, and deletes with `delete` only on « oui »; says what happened.
    fn delete_after_confirmation(
        &mut self,
        question: &str,
        done: &str,
        delete: impl FnOnce(&Self) -> Result<(), CoreError>,
    ) -> Result<Deletion, CommandError> {
        match self.confirm(question)? {
            Some(true) => {
                let deleted = delete(self);
                Ok(match self.report(deleted, done) {
                    Some(()) => Deletion::Deleted,
                    None => Deletion::Kept,
                })
            }
            Some(false) => {
                self.say("Suppression annulée.");
                Ok(Deletion::Kept)
            }
            None => Ok(Deletion::Quit),
        }
    }

    /// After a change: the core's refusal, or the confirmation.
    fn report<T>(&mut self, outcome: Result<T, CoreError>, done: &str) -> Option<T> {
        match outcome {
            Ok(value) => {
                self.success(done);
                Some(value)
            }
            Err(error) => {
                self.error(&error.to_string());
                None
            }
        }
    }

    // --- Welcome and main menu -------------------------------------------------------

    fn welcome(&mut self) -> Result<(), CommandError> {
        self.say("Bienvenue dans Epic Events CRM.");
        loop {
            let entries = [
                Entry::offered(1, "Se connecter"),
                Entry::offered(2, "Quitter"),
            ];
            match self.choose("Accueil", &entries, None)? {
                Choice::Entry(1) => match self.sign_in()? {
                    Next::Quit => break,
                    Next::Back | Next::SignedOut if !self.leaving => continue,
                    Next::Back | Next::SignedOut => break,
                },
                Choice::Entry(_) | Choice::Quit => break,
                Choice::Back | Choice::SignedOut => continue,
            }
        }
        self.say("Au revoir.");
        Ok(())
    }

    fn sign_in(&mut self) -> Result<Next, CommandError> {
        self.title("Connexion");
        let login = match self.ask("Nom d'utilisateur ou adresse e-mail (vide pour revenir)")? {
            Answer::Text(login) => login,
            Answer::Cancel => return Ok(Next::Back),
            Answer::Quit => return Ok(Next::Quit),
        };
        let password = match self.ask_secret("Mot de passe")? {
            Answer::Text(password) => password,
            Answer::Cancel => return Ok(Next::Back),
            Answer::Quit => return Ok(Next::Quit),
        };
        let signed_in = self.block_on(authentication_service::sign_in(
            &self.connection,
            &login,
            &password,
            &self.secret,
            self.configuration.session_lifetime,
        ));
        let (user, token) = match signed_in {
            Ok(signed_in) => signed_in,
            Err(error) => {
                self.error(&error.to_string());
                return Ok(Next::Back);
            }
        };
        self.token = Some(token);
        let history = self
            .configuration
            .config_directory
            .join(format!("historique-{}", user.username));
        self.console.use_history(Some(history));
        self.success(&format!(
            "Bienvenue {} {} ! Connecté en tant que {} (rôle : {}).",
            user.first_name, user.last_name, user.username, user.role
        ));
        self.main_menu()
    }

    fn main_menu(&mut self) -> Result<Next, CommandError> {
        loop {
            let Some(session) = self.session()? else {
                return Ok(Next::SignedOut);
            };
            let title = format!(
                "Menu principal — {} {} ({})",
                session.user.first_name, session.user.last_name, session.user.role
            );
            let entries = [
                Entry::when(
                    1,
                    "Gestion des utilisateurs",
                    allows(&session.actor, Feature::Users),
                ),
                Entry::when(
                    2,
                    "Gestion des clients",
                    allows(&session.actor, Feature::Customers),
                ),
                Entry::when(
                    3,
                    "Gestion des contrats",
                    allows(&session.actor, Feature::Contracts),
                ),
                Entry::when(
                    4,
                    "Gestion des évènements",
                    allows(&session.actor, Feature::Events),
                ),
                Entry::offered(5, "Déconnexion"),
                Entry::offered(6, "Changer mon mot de passe"),
            ];
            let next = match self.choose(&title, &entries, None)? {
                Choice::Entry(1) => self.users_menu()?,
                Choice::Entry(2) => self.customers_menu()?,
                Choice::Entry(3) => self.contracts_menu()?,
                Choice::Entry(4) => self.events_menu()?,
                Choice::Entry(6) => self.change_own_password()?,
                Choice::Entry(_) => {
                    self.end_session();
                    self.say("Vous êtes déconnecté.");
                    return Ok(Next::SignedOut);
                }
                Choice::Back => Next::Back,
                Choice::Quit => Next::Quit,
                Choice::SignedOut => Next::SignedOut,
            };
            match next {
                Next::Back => continue,
                other => return Ok(other),
            }
        }
    }
}

/// What a confirmed deletion ended with.
enum Deletion {
    /// The record is gone: leave its screen.
    Deleted,
    /// Not confirmed, or refused by the core: the record stays.
    Kept,
    /// End of input.
    Quit,
}

/// What browsing a list ended with.
enum Browse {
    /// Open the record with this id.
    Open(i32),
    /// Leave the list.
    Done(Next),
}

/// A field of a creation form, named as the core names it (so that a refusal of that field
/// asks it again).
struct FormField {
    name: &'static str,
    hint: Option<&'static str>,
    optional: bool,
    secret: bool,
}

impl FormField {
    const fn required(name: &'static str) -> Self {
        Self {
            name,
            hint: None,
            optional: false,
            secret: false,
        }
    }

    const fn hinted(name: &'static str, hint: &'static str) -> Self {
        Self {
            name,
            hint: Some(hint),
            optional: false,
            secret: false,
        }
    }

    const fn optional(name: &'static str, hint: &'static str) -> Self {
        Self {
            name,
            hint: Some(hint),
            optional: true,
            secret: false,
        }
    }

    const fn secret(name: &'static str) -> Self {
        Self {
            name,
            hint: None,
            optional: false,
            secret: true,
        }
    }
}

/// `Prénom` from `prénom`.
fn capitalised(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}
