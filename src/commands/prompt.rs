//! Asking the user for a value: on a terminal with a prompt (passwords without echo), or
//! line by line from piped standard input, for automation and tests.

use std::io::{self, BufRead, IsTerminal, Write};

/// Standard input ended before the expected answer.
#[derive(Debug, thiserror::Error)]
#[error("saisie interrompue : « {0} » attendu")]
pub struct InputEnded(pub String);

/// Asks for one line of text; the prompt goes to standard error.
pub fn ask(label: &str) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let mut error_output = io::stderr().lock();
    write!(error_output, "{label} : ")?;
    error_output.flush()?;
    let mut line = String::new();
    let read = io::stdin().lock().read_line(&mut line)?;
    if !io::stdin().is_terminal() {
        // Piped input is not echoed: end the prompt's line so that messages start cleanly.
        writeln!(error_output)?;
    }
    if read == 0 {
        return Err(InputEnded(label.to_owned()).into());
    }
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

/// Asks for a password: without echo on a terminal, as a plain line from piped input
/// (surrounding spaces are kept: they are part of the password).
pub fn ask_password(label: &str) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    if io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password(format!("{label} : "))?);
    }
    ask(label)
}
