//! Asking the user for a value: on a terminal with a prompt (passwords without echo), or
//! line by line from piped standard input, for automation and tests.

use std::io::{self, BufRead, IsTerminal, Write};

use crate::application_error::ApplicationError;

/// Asks for one line of text; the prompt goes to standard error.
pub fn ask(label: &str) -> Result<String, ApplicationError> {
    let mut error_output = crate::terminal::Terminal::new(io::stderr().lock());
    write!(error_output, "{label} : ")?;
    error_output.flush()?;
    let mut line = String::new();
    let read = io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(ApplicationError::Input)?;
    if !io::stdin().is_terminal() {
        // Piped input is not echoed: end the prompt's line so that messages start cleanly.
        writeln!(error_output)?;
    }
    if read == 0 {
        return Err(ApplicationError::Cancelled(format!(
            "saisie interrompue : « {label} » attendu"
        )));
    }
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// Asks for a password: without echo on a terminal, as a plain line from piped input
/// (surrounding spaces are kept: they are part of the password).
pub fn ask_password(label: &str) -> Result<String, ApplicationError> {
    if io::stdin().is_terminal() {
        let prompt = crate::terminal::Prompt::new(&format!("{label} : "));
        return crate::terminal::with_echo_off(|| rpassword::prompt_password(prompt.as_str()))
            .map_err(ApplicationError::Input);
    }
    ask(label)
}
