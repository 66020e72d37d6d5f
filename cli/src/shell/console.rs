//! Reading what the user types: with rustyline on a terminal (history, completion, hints,
//! Ctrl-C to cancel a line, Ctrl-D to leave), or line by line from piped standard input
//! for automation and tests, where each answer is echoed after its prompt so that the
//! transcript reads like a terminal session (never a password).

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor};

use super::completion::ShellHelper;
use crate::private_directory::PrivateDirectory;
use crate::terminal::Prompt;

/// Whether a typed line mentions a password (`changer_mon_mot_de_passe(…)`, a
/// `mot_de_passe` field): such a line is neither kept in the history nor echoed.
pub fn mentions_password(line: &str) -> bool {
    line.contains("mot_de_passe")
}

/// What a read produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// A line, without its line break.
    Text(String),
    /// Ctrl-C: the line is cancelled.
    Interrupted,
    /// Ctrl-D or the end of the input: the user leaves.
    End,
    /// A line that is not text (bytes that are not UTF-8): refused, asked again.
    Unreadable,
}

/// Where the shell reads from. Prompts and values already typed are [`Prompt`]s: the line
/// editor writes them to the terminal itself, so they exist only neutralised.
pub trait Console {
    /// Reads a line after `prompt`.
    fn read_line(&mut self, prompt: &Prompt) -> io::Result<Line>;
    /// Reads a secret (a password) after `prompt`, without echo; never kept in history.
    fn read_secret(&mut self, prompt: &Prompt) -> io::Result<Line>;
    /// Reads a form's field: no command completion, no history of commands, and
    /// `initial` already typed (the current value, when modifying), to edit or replace.
    fn read_field(&mut self, prompt: &Prompt, initial: &Prompt) -> io::Result<Line>;
    /// Keeps `line` in the history (a typed command).
    fn remember(&mut self, line: &str);
    /// Uses the history file `path` (the signed-in user's), or none.
    fn use_history(&mut self, path: Option<PathBuf>);
}

/// The console for standard input: a terminal's or a pipe's.
pub fn standard(helper: ShellHelper) -> io::Result<Box<dyn Console>> {
    if io::stdin().is_terminal() && io::stdout().is_terminal() {
        // rustyline reads Ctrl-C as a key; elsewhere (the password prompt, a long wait for
        // the database) it would kill the shell, possibly leaving the terminal without
        // echo. Ignore the signal: Ctrl-C cancels lines, Ctrl-D leaves.
        let _ = ctrlc::set_handler(|| {});
        Ok(Box::new(TerminalConsole::new(helper)?))
    } else {
        Ok(Box::new(PipedConsole {
            input: Box::new(io::BufReader::new(io::stdin())),
        }))
    }
}

/// rustyline on a terminal.
struct TerminalConsole {
    editor: Editor<ShellHelper, DefaultHistory>,
    /// Forms' fields: an editor of its own, without completion and whose history is never
    /// kept, so that neither commands reach a field nor a field's value the history.
    field_editor: Editor<(), DefaultHistory>,
    history: Option<PathBuf>,
}

impl TerminalConsole {
    fn new(helper: ShellHelper) -> io::Result<Self> {
        let config = Config::builder()
            // Tab completes what is common to the names that match; a second Tab lists
            // them (as bash), rather than cycling through them one by one.
            .completion_type(rustyline::CompletionType::List)
            .auto_add_history(false)
            .history_ignore_dups(true)
            .map_err(io::Error::other)?
            .max_history_size(1000)
            .map_err(io::Error::other)?
            .build();
        let mut editor = Editor::with_config(config).map_err(io::Error::other)?;
        editor.set_helper(Some(helper));
        let field_config = Config::builder().auto_add_history(false).build();
        let field_editor = Editor::with_config(field_config).map_err(io::Error::other)?;
        Ok(Self {
            editor,
            field_editor,
            history: None,
        })
    }

    /// Saves the history as the configuration directory's files are written: to a new
    /// file of a random name (0600), renamed over the old one, so that a link planted at
    /// its name is replaced, never followed.
    fn save_history(&mut self) {
        let Some((directory, name)) = history_file(self.history.as_deref()) else {
            return;
        };
        let Ok(temporary) = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .tempfile_in(directory.path())
        else {
            return;
        };
        // rustyline writes nothing when it has nothing new: the old file stays then.
        let written = self.editor.save_history(temporary.path()).is_ok()
            && temporary
                .as_file()
                .metadata()
                .is_ok_and(|metadata| metadata.len() > 0);
        if written {
            let _ = temporary.persist(directory.file(&name));
        }
    }
}

/// The checked configuration directory and the file name of the history at `path`, when
/// it may be used: the directory is private and the file, if any, a plain file (rustyline
/// opens it by its path, following links).
fn history_file(path: Option<&std::path::Path>) -> Option<(PrivateDirectory, String)> {
    let path = path?;
    let directory = PrivateDirectory::open(path.parent()?).ok()?;
    let name = path.file_name()?.to_str()?.to_owned();
    directory
        .holds_plain_file_or_nothing(&name)
        .then_some((directory, name))
}

/// What rustyline's answer means here.
fn line_of(read: Result<String, ReadlineError>) -> io::Result<Line> {
    match read {
        Ok(line) => Ok(Line::Text(line)),
        Err(ReadlineError::Interrupted) => Ok(Line::Interrupted),
        Err(ReadlineError::Eof) => Ok(Line::End),
        Err(ReadlineError::Io(error)) if error.kind() == io::ErrorKind::InvalidData => {
            Ok(Line::Unreadable)
        }
        Err(ReadlineError::Io(error)) => Err(error),
        Err(other) => Err(io::Error::other(other)),
    }
}

impl Console for TerminalConsole {
    fn read_line(&mut self, prompt: &Prompt) -> io::Result<Line> {
        line_of(self.editor.readline(prompt.as_str()))
    }

    fn read_field(&mut self, prompt: &Prompt, initial: &Prompt) -> io::Result<Line> {
        line_of(
            self.field_editor
                .readline_with_initial(prompt.as_str(), (initial.as_str(), "")),
        )
    }

    fn read_secret(&mut self, prompt: &Prompt) -> io::Result<Line> {
        match crate::terminal::with_echo_off(|| rpassword::prompt_password(prompt.as_str())) {
            Ok(secret) => Ok(Line::Text(secret)),
            // Ctrl-C (the signal is ignored, the read is interrupted).
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {
                let _ = writeln!(crate::terminal::stdout());
                Ok(Line::Interrupted)
            }
            Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => Ok(Line::End),
            Err(error) if error.kind() == io::ErrorKind::InvalidData => Ok(Line::Unreadable),
            Err(error) => Err(error),
        }
    }

    fn remember(&mut self, line: &str) {
        let _ = self.editor.add_history_entry(line);
        self.save_history();
    }

    fn use_history(&mut self, path: Option<PathBuf>) {
        let _ = self.editor.clear_history();
        if let Some((directory, name)) = history_file(path.as_deref()) {
            let _ = self.editor.load_history(&directory.file(&name));
        }
        self.history = path;
    }
}

/// Lines from a pipe.
struct PipedConsole {
    input: Box<dyn BufRead>,
}

impl PipedConsole {
    fn read(&mut self, prompt: &Prompt, echo: bool) -> io::Result<Line> {
        let mut output = crate::terminal::Terminal::new(io::stdout().lock());
        write!(output, "{}", prompt.as_str())?;
        // Shown before waiting: whoever drives the shell through a pipe sees the question.
        output.flush()?;
        let mut bytes = Vec::new();
        if self.input.read_until(b'\n', &mut bytes)? == 0 {
            writeln!(output)?;
            output.flush()?;
            return Ok(Line::End);
        }
        let Ok(line) = String::from_utf8(bytes) else {
            writeln!(output, "(ligne illisible)")?;
            output.flush()?;
            return Ok(Line::Unreadable);
        };
        let line = line.trim_end_matches(['\n', '\r']).to_owned();
        if echo && !mentions_password(&line) {
            writeln!(output, "{line}")?;
        } else if echo {
            writeln!(output, "(ligne masquée : elle contient un mot de passe)")?;
        } else {
            writeln!(output)?;
        }
        output.flush()?;
        Ok(Line::Text(line))
    }
}

impl Console for PipedConsole {
    fn read_line(&mut self, prompt: &Prompt) -> io::Result<Line> {
        self.read(prompt, true)
    }

    fn read_secret(&mut self, prompt: &Prompt) -> io::Result<Line> {
        self.read(prompt, false)
    }

    /// Piped, nothing is pre-filled: the line read is the whole value.
    fn read_field(&mut self, prompt: &Prompt, _initial: &Prompt) -> io::Result<Line> {
        self.read(prompt, true)
    }

    fn remember(&mut self, _line: &str) {}

    fn use_history(&mut self, _path: Option<PathBuf>) {}
}
