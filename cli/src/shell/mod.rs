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
mod export;
mod main_menu;
mod related;
mod render;
mod typed_commands;
mod users;
mod widgets;

use std::io::{IsTerminal, Write};

use std::sync::Arc;

use epic_events_api::error::session_ended_in_the_shell;
use epic_events_api::{ApiError, Crm, ErrorCode, SessionInfo, SessionToken};

use crate::application_error::ApplicationError;
use crate::paging::PageRequest;
use crate::terminal::Terminal;
use console::{Console, Line};
use widgets::{
    ALL, Answer, CREATE, CREATE_EVENT, Choice, DELETE, Deletion, Entry, FOURTH_LIST, FormField,
    MINE, MODIFY, Noun, RECORD_PAYMENT, SEARCH, SHOW_BY_NUMBER, SIGN, THIRD_LIST, capitalised,
};

/// How many rows a page of a list shows when the height of the screen is unknown (not a
/// terminal).
pub const PAGE_SIZE: u64 = 10;
/// The rows of a list's page at a terminal, whatever its height: at least a few, and at
/// most what a number typed without looking can still open safely.
const PAGE_ROWS: std::ops::RangeInclusive<u64> = 5..=50;
/// The lines of a list's screen that are not its rows: the blank line and the title, the
/// table's borders and header, the navigation entries (« s », « p », « a », « o », « t »),
/// « Retour », « Déconnexion », the prompt and a message.
const LIST_SCREEN_LINES: u64 = 15;

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

/// The signed-in user's session, as the core gave it for the screen being shown: the
/// token every call sends, and what the core says of the user (`session.user`,
/// `session.allows(…)`).
pub(crate) struct Session {
    /// The token of the session.
    pub token: SessionToken,
    info: SessionInfo,
}

impl std::ops::Deref for Session {
    type Target = SessionInfo;

    fn deref(&self) -> &SessionInfo {
        &self.info
    }
}

/// The shell's state: the core (through the API), the session, the console and the
/// output.
struct Shell {
    /// The core, through the API: the only way in.
    crm: Arc<dyn Crm>,
    /// Where the shell waits for the core's answers.
    runtime: tokio::runtime::Handle,
    console: Box<dyn Console>,
    /// The screens (and, at a terminal, the messages): everything goes through
    /// [`Terminal`], which neutralises what could act on the terminal.
    output: Terminal<anstream::AutoStream<std::io::Stdout>>,
    /// The messages of a session that is not at a terminal.
    errors: Terminal<anstream::AutoStream<std::io::Stderr>>,
    /// Whether standard output is a terminal, whose size is read at each screen (it may
    /// have been resized since the last one).
    at_terminal: bool,
    token: Option<SessionToken>,
    /// Where the command histories are kept.
    histories: std::path::PathBuf,
    /// The script functions, as the core lists them: what `aide NOM` details.
    functions: Vec<epic_events_api::scripts::ScriptFunction>,
    /// The user asked to leave (end of input) while waiting for the database.
    leaving: bool,
    /// A person at a terminal (not piped input): messages and errors go to standard
    /// output with the screens; otherwise to standard error, and each error counts.
    interactive: bool,
    /// Errors shown (refusals, failures, invalid input) in a non-interactive session: the
    /// exit status says whether there were any.
    errors_shown: usize,
}

/// Opens the shell over `crm`: the welcome screen, then the menus until the user leaves.
/// Its session lives in memory: it neither uses nor replaces the one `epic-events
/// connexion` stores. `histories` is where the command histories are kept (the private
/// configuration directory).
pub fn run(
    crm: Arc<dyn Crm>,
    runtime: &tokio::runtime::Runtime,
    histories: &std::path::Path,
) -> Result<(), ApplicationError> {
    // The core answers whether it can be used at all before the welcome screen (a
    // database without this version's schema ends here, with the way out).
    runtime.block_on(crm.ready())?;
    let functions = runtime.block_on(crm.script_functions())?;
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let mut shell = Shell {
        crm,
        runtime: runtime.handle().clone(),
        console: console::standard(completion::ShellHelper::new(&functions))?,
        output: crate::terminal::stdout(),
        errors: crate::terminal::stderr(),
        at_terminal: std::io::stdout().is_terminal(),
        token: None,
        histories: histories.to_owned(),
        functions,
        leaving: false,
        interactive,
        errors_shown: 0,
    };
    shell.welcome()?;
    match shell.errors_shown {
        0 => Ok(()),
        count => Err(ApplicationError::ShellErrors(count)),
    }
}

impl Shell {
    // --- Output ----------------------------------------------------------------------

    /// The terminal's width now — read at each screen, so that a resized window is
    /// followed —, or `None` when the output is not a terminal (nothing is fitted).
    fn width(&self) -> Option<usize> {
        self.terminal_size().map(|(width, _)| width)
    }

    /// The terminal's width and height now, in characters.
    fn terminal_size(&self) -> Option<(usize, usize)> {
        if !self.at_terminal {
            return None;
        }
        terminal_size::terminal_size()
            .map(|(width, height)| (usize::from(width.0), usize::from(height.0)))
    }

    /// How many rows a list's page shows: what the terminal's height leaves for them now,
    /// or [`PAGE_SIZE`] when the output is not a terminal.
    fn page_size(&self) -> u64 {
        match self.terminal_size() {
            Some((_, height)) => (height as u64)
                .saturating_sub(LIST_SCREEN_LINES)
                .clamp(*PAGE_ROWS.start(), *PAGE_ROWS.end()),
            None => PAGE_SIZE,
        }
    }

    /// Writes `text` for the person using the shell: with French typography at a terminal
    /// (`formatting::french_typography`), as it is on a pipe.
    fn say(&mut self, text: &str) {
        let text = self.typeset(text);
        let _ = writeln!(self.output, "{text}");
        let _ = self.output.flush();
    }

    /// `text` as a person at a terminal reads it (French typography); as it is otherwise.
    fn typeset<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        if self.interactive {
            std::borrow::Cow::Owned(crate::formatting::french_typography(text))
        } else {
            std::borrow::Cow::Borrowed(text)
        }
    }

    fn title(&mut self, text: &str) {
        let text = crate::formatting::neutralise_control_characters(text);
        let text = render::wrapped(&self.typeset(&text), self.width());
        let _ = writeln!(self.output);
        let _ = self.output.styled(render::TITLE, &text);
        let _ = writeln!(self.output);
        let _ = self.output.flush();
    }

    /// A menu's entry: its number in bold, then its label.
    fn entry(&mut self, number: &str, label: &str) {
        let label = self.typeset(label).into_owned();
        let _ = write!(self.output, "  ");
        let _ = self.output.styled(render::NUMBER, number);
        let _ = writeln!(self.output, " {label}");
    }

    /// A message (an error, a confirmation) in `style`: with the screens for a person at
    /// a terminal; on standard error otherwise, so that what a pipe reads is the screens
    /// alone.
    fn message(&mut self, style: anstyle::Style, text: &str) {
        if self.interactive {
            let _ = self.output.styled(style, text);
            let _ = writeln!(self.output);
            let _ = self.output.flush();
        } else {
            let _ = self.output.flush();
            let _ = self.errors.styled(style, text);
            let _ = writeln!(self.errors);
            let _ = self.errors.flush();
        }
    }

    fn error(&mut self, message: &str) {
        // Neutralised before wrapping, so that the width of each line is what is shown;
        // typeset before wrapping, so that no line breaks before a « : » or inside an
        // amount.
        let message = crate::formatting::neutralise_control_characters(message);
        let text = render::wrapped(&self.typeset(&format!("Erreur : {message}")), self.width());
        if !self.interactive {
            self.errors_shown += 1;
        }
        self.message(render::ERROR, &text);
    }

    /// Says why the core refused or failed (a fault was reported by the core). A session
    /// that ended (its token refused by any call) is said the shell's way, and forgotten:
    /// the screen then goes back to the welcome screen.
    fn refused(&mut self, error: &ApiError) {
        match error.session_ended() {
            Some(problem) => {
                self.error(&session_ended_in_the_shell(problem));
                self.end_session();
            }
            None => self.error(&error.to_string()),
        }
    }

    /// Waits for the core's answer to `call`.
    fn call<T>(&self, call: impl Future<Output = Result<T, ApiError>>) -> Result<T, ApiError> {
        self.runtime.block_on(call)
    }

    fn success(&mut self, message: &str) {
        let message = crate::formatting::neutralise_control_characters(message);
        let text = render::wrapped(&self.typeset(&message), self.width());
        self.message(render::SUCCESS, &text);
    }

    /// After a transient failure (the database busy or not answering): asks whether to try
    /// again with what was typed. `None` at the end of input.
    fn offer_retry(&mut self) -> Result<Option<bool>, ApplicationError> {
        self.flush();
        match self.read(
            "Réessayer avec la même saisie ? (Entrée : oui ; « non » : abandonner) : ",
            widgets::Reading::Field { initial: "" },
        )? {
            Line::Text(text) => Ok(Some(!text.trim().eq_ignore_ascii_case("non"))),
            Line::Interrupted | Line::Unreadable => Ok(Some(false)),
            Line::End => Ok(None),
        }
    }

    // --- Session ---------------------------------------------------------------------

    /// The signed-in user's session, re-read from the database; `None` (after saying why)
    /// when it is no longer valid. While the database is busy or does not answer, the
    /// session is kept: the user is told, and asked to try again, as often as needed.
    fn session(&mut self) -> Result<Option<Session>, ApplicationError> {
        loop {
            let Some(token) = self.token.clone() else {
                return Ok(None);
            };
            match self.call(self.crm.session(&token)) {
                Ok(info) => return Ok(Some(Session { token, info })),
                Err(error) if error.is_transient() => {
                    self.refused(&error);
                    match self.ask("Appuyez sur Entrée pour réessayer")? {
                        Answer::Quit => {
                            self.leaving = true;
                            return Ok(None);
                        }
                        Answer::Text(_) | Answer::Cancel => continue,
                    }
                }
                Err(error) => match error.session_ended() {
                    Some(problem) => {
                        self.error(&session_ended_in_the_shell(problem));
                        self.end_session();
                        return Ok(None);
                    }
                    None if matches!(
                        error.code,
                        ErrorCode::Unexpected | ErrorCode::DatabaseDamaged
                    ) =>
                    {
                        self.refused(&error);
                        self.end_session();
                        return Ok(None);
                    }
                    None => return Err(error.into()),
                },
            }
        }
    }

    /// The session, and a record as `read` returns it now; `Err(next)` (after saying why)
    /// when the session ended or the record cannot be read.
    fn session_and<T>(
        &mut self,
        read: impl FnOnce(&Self, &Session) -> Result<T, ApiError>,
    ) -> Result<Result<(Session, T), Next>, ApplicationError> {
        let Some(session) = self.session()? else {
            return Ok(Err(Next::SignedOut));
        };
        match read(self, &session) {
            Ok(record) => Ok(Ok((session, record))),
            Err(error) => {
                self.refused(&error);
                Ok(Err(Next::Back))
            }
        }
    }

    /// Signs out: the session is ended for good in the database (as `epic-events
    /// deconnexion` does), then forgotten here — even when the database could not record
    /// it, which is said.
    fn sign_out(&mut self) {
        if let Some(token) = self.token.take() {
            let revoked = self.call(self.crm.sign_out(&token));
            if let Err(error) = revoked {
                self.refused(&error);
            }
        }
        self.end_session();
    }

    /// Forgets the session (ended, or signed out).
    fn end_session(&mut self) {
        self.token = None;
        self.console.use_history(None);
    }
}
