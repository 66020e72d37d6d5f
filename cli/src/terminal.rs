//! The one path to a terminal or a pipe. Everything the program writes for a person —
//! screens, menus, prompts, messages, errors, summaries, tables, cards, headers — goes
//! through a [`Terminal`] writer (the API's, which the core's script output uses too),
//! which neutralises every character that could act on a
//! terminal ([`crate::formatting::is_unsafe_in_output`]: control characters but line
//! breaks and tabs, characters that hide or reorder text) and every byte that is not
//! UTF-8, whatever wrote it: a new screen cannot forget it. The program's own colours are
//! the only escape sequences written, by [`Terminal::styled`]; a line editor that writes
//! its prompt itself is given a [`Prompt`], which only exists neutralised.
//!
//! CSV and JSON, data for other tools, keep their own rules
//! (`formatting::spreadsheet_safe`, `formatting::json_escaped`) and are written as they are.

use std::io;

pub use epic_events_api::terminal::Terminal;

/// Standard output, for a person (colours only where they can be seen).
pub fn stdout() -> Terminal<anstream::AutoStream<io::Stdout>> {
    Terminal::new(anstream::stdout())
}

/// Standard error, for a person.
pub fn stderr() -> Terminal<anstream::AutoStream<io::Stderr>> {
    Terminal::new(anstream::stderr())
}

/// Runs `read` (rpassword's prompt and read) with the terminal's echo already off: rpassword
/// writes its prompt before it turns the echo off, so that keys typed as soon as the prompt
/// shows could be echoed — a password on the screen. The echo is back on afterwards, even
/// if `read` fails or panics. Without a terminal, `read` runs as it is.
pub fn with_echo_off<T>(read: impl FnOnce() -> T) -> T {
    #[cfg(unix)]
    {
        use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};

        struct Restore(std::fs::File, rustix::termios::Termios);
        impl Drop for Restore {
            fn drop(&mut self) {
                let _ = tcsetattr(&self.0, OptionalActions::Now, &self.1);
            }
        }

        let terminal = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty");
        if let Ok(terminal) = terminal
            && let Ok(saved) = tcgetattr(&terminal)
        {
            let mut quiet = saved.clone();
            quiet.local_modes.remove(LocalModes::ECHO);
            if tcsetattr(&terminal, OptionalActions::Now, &quiet).is_ok() {
                let _restore = Restore(terminal, saved);
                return read();
            }
        }
    }
    read()
}

/// A text that a line editor (rustyline, rpassword) writes to the terminal itself — a
/// prompt, a value already typed —, neutralised when made: the only way to give it one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt(String);

impl Prompt {
    /// `text`, neutralised.
    pub fn new(text: &str) -> Self {
        Self(crate::formatting::neutralise_control_characters(text).into_owned())
    }

    /// The text, for the line editor.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// « One path to the terminal » holds only if nothing prints around it: no `print!`
    /// family macro in the program's sources.
    #[test]
    fn nothing_prints_around_the_writer() {
        fn sources(directory: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(directory).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, found);
                } else if path.extension().is_some_and(|extension| extension == "rs") {
                    found.push(path);
                }
            }
        }
        // Every crate of the workspace: the program, the API, the core, the command line.
        let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the workspace");
        let mut files = Vec::new();
        for crate_sources in ["src", "api/src", "core/src", "cli/src"] {
            sources(&workspace.join(crate_sources), &mut files);
        }
        assert!(files.len() > 100, "{}", files.len());
        let macros = ["println!(", "eprintln!(", "print!(", "eprint!(", "dbg!("];
        // This file names them, in this test.
        for file in files
            .into_iter()
            .filter(|file| !file.ends_with("cli/src/terminal.rs"))
        {
            let text = std::fs::read_to_string(&file).unwrap();
            for line in text
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
            {
                for name in macros {
                    // `writeln!(` contains no `println!(`: the match is exact.
                    let printing = line
                        .match_indices(name)
                        .any(|(at, _)| !line[..at].ends_with(|c: char| c.is_alphanumeric()));
                    assert!(!printing, "{}: {line}", file.display());
                }
            }
        }
    }

    #[test]
    fn prompts_exist_only_neutralised() {
        assert_eq!(
            Prompt::new("Nom (\u{1b}[2J) : ").as_str(),
            "Nom (\u{fffd}[2J) : "
        );
    }
}
