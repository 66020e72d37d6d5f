//! `epic-events executer` and `epic-events aide`.

use std::io::Write;

use super::CommandError;
use super::session::signed_in;
use crate::command_line::{Format, ScriptArguments};
use crate::config::Configuration;
use crate::scripting::output::{OutputFormat, ScriptOutput};
use crate::scripting::runner::{self, ScriptRun};
use crate::scripting::{api, sandbox::ScriptLimits};

/// The script file cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("impossible de lire le script « {path} » ({reason})")]
pub struct ScriptFileError {
    path: String,
    reason: String,
}

/// The script stopped; nothing was written.
#[derive(Debug, thiserror::Error)]
#[error("le script s'est arrêté : {0} ; rien n'a été enregistré")]
pub struct ScriptStopped(#[source] runner::ScriptFailure);

fn output_format(format: Format) -> OutputFormat {
    match format {
        Format::Table => OutputFormat::Table,
        Format::Csv => OutputFormat::Csv,
        Format::Json => OutputFormat::Json,
    }
}

/// Runs a script file as the signed-in user: results on standard output, messages on
/// standard error.
pub async fn execute(
    arguments: &ScriptArguments,
    configuration: &Configuration,
) -> Result<(), CommandError> {
    let source = std::fs::read_to_string(&arguments.fichier).map_err(|error| ScriptFileError {
        path: arguments.fichier.display().to_string(),
        reason: crate::errors::french_io_error(&error).to_owned(),
    })?;
    let (core, user) = signed_in(configuration).await?;
    let output = ScriptOutput::new(
        output_format(arguments.format),
        Box::new(std::io::stdout()),
        Box::new(std::io::stderr()),
    );
    let run = ScriptRun {
        source,
        parameters: arguments.parametres.clone(),
        simulation: arguments.simulation,
        limits: ScriptLimits::default(),
    };
    let outcome = runner::run(&core, user, run, output)
        .await
        .map_err(ScriptStopped)?;
    if let Some(summary) = outcome.summary() {
        eprintln!("{summary}");
    }
    Ok(())
}

/// Prints the script functions with their descriptions.
pub fn help(output: &mut dyn Write) -> Result<(), CommandError> {
    write!(output, "{}", api::help())?;
    Ok(())
}
